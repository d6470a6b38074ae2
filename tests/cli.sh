#!/bin/bash
# The command line itself: dispatch, help, version and the usage exit status.
. "$top_srcdir/tests/lib.sh"

expect_status "no command: exit 2" 2 "$HULLSCAN"
grep -q '^usage: hullscan' "$T/err" && ok "no command prints usage" || not_ok "no command prints usage"
expect_status "--help: exit 0" 0 "$HULLSCAN" --help
for c in scan db inventory vercmp; do
	grep -q "^  $c" "$T/out" && ok "--help lists $c" || not_ok "--help lists $c"
done
# Which status wins is said where the statuses are (tests/scan.sh holds the
# runs that check it): after a scan, 1 over 3 over 2.
tr '\n' ' ' <"$T/out" | grep -q 'after a scan, 1 wins over 3, and 3 over 2 (a report or the history' &&
	ok "--help says which exit status wins" || { not_ok "--help says which exit status wins"; diag "$(cat "$T/out")"; }
expect_status "--version: exit 0" 0 "$HULLSCAN" --version
grep -Eq '^hullscan [0-9]+\.[0-9]+' "$T/out" && ok "--version prints the version" || not_ok "--version prints the version"
expect_status "unknown command: exit 2" 2 "$HULLSCAN" frobnicate
[ "$(cat "$T/err")" = "hullscan: unknown command: frobnicate (see hullscan --help)" ] &&
	ok "unknown command: one line naming it" || { not_ok "unknown command message"; diag "$(cat "$T/err")"; }
expect_status "scan --help: exit 0" 0 "$HULLSCAN" scan --help

# A bad option: exit 2 and one line "hullscan: COMMAND: what (see hullscan
# COMMAND --help)", naming the command (and subcommand) the way the user typed
# it; no usage after it (issue 14). The --help it names works.
bad_option() {	# bad_option WANT-LINE ARGS...
	local want=$1 help; shift
	expect_status "$* : exit 2" 2 "$HULLSCAN" "$@"
	if [ "$(cat "$T/err")" = "$want" ]; then ok "$*: $want"; else
		not_ok "$*: one line"; diag "$(head -3 "$T/err")"; fi
	help=${want##*(see hullscan }; help=${help% --help)}
	expect_status "hullscan $help --help: exit 0" 0 "$HULLSCAN" $help --help
}
bad_option "hullscan: scan: unknown option --bogus (see hullscan scan --help)" scan --bogus x
bad_option "hullscan: scan: unknown option -x (see hullscan scan --help)" scan -x img
bad_option "hullscan: scan: option --json needs a value (see hullscan scan --help)" scan --json
bad_option "hullscan: scan: option --no-cache takes no value (see hullscan scan --help)" \
	scan --no-cache=1 x
bad_option "hullscan: inventory: unknown option --bogus (see hullscan inventory --help)" \
	inventory --bogus x
bad_option "hullscan: history list: unknown option --bogus (see hullscan history list --help)" \
	history list --bogus
bad_option "hullscan: rescan: option --history needs a value (see hullscan rescan --help)" \
	rescan --history
bad_option "hullscan: db import: unknown option --bogus (see hullscan db import --help)" \
	db import --bogus f
bad_option "hullscan: db update: unexpected argument x (see hullscan db update --help)" \
	db update x
bad_option "hullscan: db: unknown subcommand frob (see hullscan db --help)" db frob

# The command column of --help: every summary starts at the same column (usage
# padded to 34), and history's names rescan, which it runs too.
"$HULLSCAN" --help >"$T/help"
sed -n '/^commands:/,/^$/p' "$T/help" | grep '^  [a-z]' >"$T/cmds"
if [ -s "$T/cmds" ] && ! cut -c37-38 "$T/cmds" | grep -qv '^ [^ ]$'; then
	ok "--help: every summary starts in column 38"
else
	not_ok "--help: a command overflows its column"; diag "$(cat "$T/cmds")"
fi
grep -q '^  history .*rescan' "$T/cmds" && ok "--help: history's summary names rescan" ||
	not_ok "--help: history's summary does not name rescan"

# CMD --help for every command and subcommand: exit 0, the usage on stdout,
# nothing on stderr, and every long option of the command's getopt_long table
# mentioned. The option names are read here from the source's struct option
# tables (CMD_*_LONGOPTS expanded from cmd.h), not from hullscan.
S=$top_srcdir/src
long_options() {	# long_options FILE TABLE ("*": every table of FILE)
	if [ "$2" = "*" ]; then
		set -- "$1" $(sed -n 's/.*struct option \([a-z_]*\)\[\] = {.*/\1/p' "$1")
	else
		set -- "$1" "$2"
	fi
	_f=$1; shift
	for _t in "$@"; do
		sed -n "/struct option $_t\[\] = {/,/^};/p" "$_f"
	done >"$T/table"
	sed -n 's/.*{ "\([a-z-]*\)",.*/\1/p' "$T/table"
	for _m in $(grep -o 'CMD_[A-Z_]*_LONGOPTS' "$T/table"); do
		sed -n "/#define $_m /,/[^\\\\]\$/p" "$S/cmd.h" | sed -n 's/.*{ "\([a-z-]*\)",.*/\1/p'
	done
}
# COMMAND<TAB>FILE<TAB>TABLE; vercmp has no options.
cat >"$T/help-cases" <<'EOF'
scan	cmd-scan.c	scan_options
inventory	cmd-inventory.c	inventory_options
db	cmd-db.c	*
db import	cmd-db.c	cmd_db_import_options
db update	cmd-db.c	cmd_db_update_options
db remove	cmd-db.c	cmd_db_remove_options
db status	cmd-db.c	cmd_db_status_options
history	cmd-history.c	hist_options
history list	cmd-history.c	hist_options
history diff	cmd-history.c	hist_options
history trend	cmd-history.c	hist_options
history prune	cmd-history.c	hist_options
history merge	cmd-history.c	hist_options
history rescan	cmd-history.c	hist_options
rescan	cmd-history.c	hist_options
vercmp	-	-
EOF
missing=
for c in $(sed -n 's/^[[:space:]]*\.name = "\([a-z]*\)",$/\1/p' "$S"/cmd-*.c); do
	grep -q "^$c	" "$T/help-cases" || missing="$missing $c"
done
[ -z "$missing" ] && ok "the --help cases cover every command of src/cmd-*.c" ||
	not_ok "the --help cases miss:$missing"
while IFS='	' read -r cmd file table; do
	# shellcheck disable=SC2086
	expect_status "$cmd --help: exit 0" 0 "$HULLSCAN" $cmd --help
	if ! grep -q '^usage: hullscan ' "$T/out" || [ -s "$T/err" ]; then
		not_ok "$cmd --help: usage on stdout, nothing on stderr"; diag "$(cat "$T/err")"
		continue
	fi
	if [ "$file" = - ]; then
		ok "$cmd --help: usage on stdout"
		continue
	fi
	long_options "$S/$file" "$table" | sort -u >"$T/opts"
	unsaid=
	n=0
	while read -r o; do
		n=$((n + 1))
		[ "$o" = help ] && continue
		grep -Eq -- "--$o([^a-z-]|\$)" "$T/out" || unsaid="$unsaid --$o"
	done <"$T/opts"
	if [ "$n" -ge 3 ] && [ -z "$unsaid" ]; then
		ok "$cmd --help: usage on stdout names its $n long options"
	else
		not_ok "$cmd --help: $n options in $table; not in the usage:$unsaid"
	fi
done <"$T/help-cases"
expect_status "inventory with no image: exit 2" 2 "$HULLSCAN" inventory
[ "$(cat "$T/err")" = "hullscan: inventory: no image given (see hullscan inventory --help)" ] &&
	ok "inventory with no image: one line" || { not_ok "inventory with no image: one line"; diag "$(cat "$T/err")"; }
expect_status "inventory with a mistyped transport: exit 2" 2 "$HULLSCAN" inventory "oci-archiv:$T/x.tar"
[ "$(cat "$T/err")" = "hullscan: oci-archiv:$T/x.tar: unknown transport \"oci-archiv:\" (did you mean oci-archive:?)" ] &&
	ok "inventory with a mistyped transport: one line" ||
	{ not_ok "inventory with a mistyped transport: one line"; diag "$(cat "$T/err")"; }

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
