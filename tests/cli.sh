#!/bin/bash
# The command line itself: dispatch, help, version and the usage exit status.
. "$top_srcdir/tests/lib.sh"

expect_status "no command: exit 2" 2 "$HULLSCAN"
grep -q '^usage: hullscan' "$T/err" && ok "no command prints usage" || not_ok "no command prints usage"
expect_status "--help: exit 0" 0 "$HULLSCAN" --help
for c in scan db inventory vercmp; do
	grep -q "^  $c" "$T/out" && ok "--help lists $c" || not_ok "--help lists $c"
done
expect_status "--version: exit 0" 0 "$HULLSCAN" --version
grep -Eq '^hullscan [0-9]+\.[0-9]+' "$T/out" && ok "--version prints the version" || not_ok "--version prints the version"
expect_status "unknown command: exit 2" 2 "$HULLSCAN" frobnicate
[ "$(cat "$T/err")" = "hullscan: unknown command: frobnicate (see hullscan --help)" ] &&
	ok "unknown command: one line naming it" || { not_ok "unknown command message"; diag "$(cat "$T/err")"; }
expect_status "scan --help: exit 0" 0 "$HULLSCAN" scan --help
expect_status "inventory with no image: exit 2" 2 "$HULLSCAN" inventory

# Every message is one line with the hullscan: prefix.
"$HULLSCAN" scan --db "$T/none.db" "oci:$T/nothing" 2>"$T/err" >/dev/null || true
if [ -s "$T/err" ] && ! grep -qv '^hullscan: ' "$T/err"; then ok "stderr lines carry the hullscan: prefix"; else
	not_ok "stderr lines carry the hullscan: prefix"; diag "$(cat "$T/err")"; fi

# Progress: a redrawn line on a terminal, plain lines otherwise.
if [ -f "$FIXTURES/images/debian-12/index.json" ] && command -v script >/dev/null; then
	script -qc "'$HULLSCAN' scan --no-match --no-cache --no-history oci:$FIXTURES/images/debian-12:12" \
	    "$T/typescript" >/dev/null 2>&1 </dev/null || true
	if grep -q 'MiB read' "$T/typescript" && grep -q '88 packages' "$T/typescript"; then
		ok "progress line on a terminal, then the result line"
	else
		not_ok "progress line on a terminal"; diag "$(tr '\r' '\n' <"$T/typescript" | tail -5)"
	fi
	"$HULLSCAN" scan --no-match --no-cache --no-history "oci:$FIXTURES/images/debian-12:12" 2>"$T/plain" >/dev/null || true
	if grep -q '88 packages' "$T/plain" && ! grep -q "$(printf '\r')" "$T/plain"; then
		ok "plain log lines when stderr is not a terminal"
	else
		not_ok "plain log lines when stderr is not a terminal"; diag "$(cat -v "$T/plain")"
	fi
else
	skip "progress: needs the fixtures and script(1)"
	skip "progress: needs the fixtures and script(1)"
fi

done_testing
