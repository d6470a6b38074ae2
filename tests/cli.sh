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

done_testing
