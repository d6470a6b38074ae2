#!/bin/bash
# bootstrap.sh and tests/run-suite.sh, run for real on a copy of the tree in
# which configure, make, dpkg-query and the suite are stand-ins (issue 14):
# check builds with the flags it claims even in a folder demo configured
# (build/ configured again with --enable-werror), demo reuses what check
# built, and the suite's last line counts passed, failed and skipped cases.
. "$top_srcdir/tests/lib.sh"
need_cmd sh nproc

S=$T/src
mkdir -p "$S/tests" "$S/.schemas/cyclonedx" "$T/bin"
cp "$top_srcdir/bootstrap.sh" "$S/"
cp "$top_srcdir/tests/run-suite.sh" "$T/run-suite.sh"
# Every package counts as installed; the CycloneDX schema as fetched.
: >"$S/.schemas/cyclonedx/bom-1.5.SNAPSHOT.schema.json"
cat >"$T/bin/dpkg-query" <<'EOF'
#!/bin/sh
printf 'install ok installed'
EOF
# configure: a config.status that answers --config as autoconf's does (without
# -q), and a Makefile; it logs each run.
cat >"$S/configure" <<'EOF'
#!/bin/sh
args=
for a in "$@"; do [ "$a" = -q ] || args="$args${args:+ }$a"; done
printf '#!/bin/sh\n[ "$1" = --config ] && echo "%s"\n' "$args" >config.status
chmod +x config.status
echo "all:" >Makefile
echo "configure $(basename "$(pwd)") [$args]" >>"$LOG"
EOF
# make: records the flags the folder is configured with when it builds.
cat >"$T/bin/make" <<'EOF'
#!/bin/sh
echo "make $(basename "$(pwd)") [$(./config.status --config)]" >>"$LOG"
EOF
# The suite: the folders it is given and the flags each was built with.
cat >"$S/tests/run-suite.sh" <<'EOF'
#!/bin/sh
for d in "$@"; do echo "suite $(basename "$d") [$(cd "$d" && ./config.status --config)]"; done >>"$LOG"
EOF
cat >"$S/tests/demo.sh" <<'EOF'
#!/bin/sh
echo "demo" >>"$LOG"
EOF
chmod +x "$S/configure" "$T/bin/"* "$S/tests/"*.sh
export LOG=$T/log PATH="$T/bin:$PATH"

boot() {	# boot MODE: bootstrap.sh MODE; its log lines in $T/log
	: >"$LOG"
	sh "$S/bootstrap.sh" "$1" >"$T/out" 2>&1 || { diag "$(cat "$T/out")"; return 1; }
}

# demo first, as a user trying the tool does: build/ without flags.
check "demo on a fresh tree" boot demo
grep -qx 'configure build \[\]' "$LOG" && ok "demo configures build/ without flags" ||
	{ not_ok "demo configures build/ without flags"; diag "$(cat "$LOG")"; }

# then check: build/ must be configured again, with --enable-werror.
check "check after demo" boot check
grep -qx 'configure build \[--enable-werror\]' "$LOG" &&
	ok "check configures build/ again with --enable-werror" ||
	{ not_ok "check configures build/ again with --enable-werror"; diag "$(cat "$LOG")"; }
grep -qx 'make build \[--enable-werror\]' "$LOG" &&
	grep -qx 'suite build \[--enable-werror\]' "$LOG" &&
	! grep -q 'make build \[\]' "$LOG" &&
	ok "check builds and tests build/ with --enable-werror only" ||
	{ not_ok "check builds build/ with --enable-werror"; diag "$(cat "$LOG")"; }
grep -qx 'suite build-asan \[--enable-asan --enable-ubsan\]' "$LOG" &&
	ok "check tests build-asan/ with --enable-asan --enable-ubsan" ||
	{ not_ok "build-asan/ flags"; diag "$(cat "$LOG")"; }
grep -q "build was configured with \"\"" "$T/out" &&
	ok "check says it configures build/ again" ||
	{ not_ok "check says it configures build/ again"; diag "$(cat "$T/out")"; }

# check again: nothing configured again; demo then reuses check's build.
check "check again" boot check
! grep -q '^configure' "$LOG" && ok "a second check configures nothing" ||
	{ not_ok "a second check configures nothing"; diag "$(cat "$LOG")"; }
check "demo after check" boot demo
! grep -q '^configure' "$LOG" && grep -qx 'make build \[--enable-werror\]' "$LOG" &&
	grep -qx demo "$LOG" && ok "demo after check reuses build/ as check configured it" ||
	{ not_ok "demo after check reuses build/"; diag "$(cat "$LOG")"; }

# --- run-suite.sh's last line -------------------------------------------------------
# Two folders whose make check writes the summary automake's harness prints.
summary() {	# summary DIR PASS SKIP FAIL
	mkdir -p "$1"
	cat >"$1/Makefile.summary" <<EOF
============================================================================
# TOTAL: $(( $2 + $3 + $4 ))
# PASS:  $2
# SKIP:  $3
# XFAIL: 0
# FAIL:  $4
# XPASS: 0
# ERROR: 0
============================================================================
EOF
}
cat >"$T/bin/make" <<'EOF'
#!/bin/sh
[ "$*" = "-s -j$(nproc) check" ] || exit 9
cat Makefile.summary
grep -q '^# FAIL:  0$' Makefile.summary
EOF
summary "$T/b1" 120 3 0
summary "$T/b2" 118 5 0
sh "$T/run-suite.sh" "$T/b1" "$T/b2" >"$T/out" 2>&1 && rc=0 || rc=$?
last=$(tail -1 "$T/out")
[ "$last" = "238 passed, 0 failed, 8 skipped" ] && [ "$rc" = 0 ] &&
	ok "run-suite: last line \"$last\", exit 0" ||
	{ not_ok "run-suite: last line counts skips (got \"$last\", exit $rc)"; diag "$(cat "$T/out")"; }
echo "$last" | grep -Eq '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' &&
	ok "run-suite: the last line reads as the CI reads it" ||
	not_ok "run-suite: the last line reads as the CI reads it"
summary "$T/b3" 7 0 2
mkdir -p "$T/b3/tests"
sh "$T/run-suite.sh" "$T/b1" "$T/b3" >"$T/out" 2>&1 && rc=0 || rc=$?
last=$(tail -1 "$T/out")
[ "$last" = "127 passed, 2 failed, 3 skipped" ] && [ "$rc" = 1 ] &&
	ok "run-suite: with failures \"$last\", exit 1" ||
	{ not_ok "run-suite: with failures (got \"$last\", exit $rc)"; diag "$(cat "$T/out")"; }

done_testing
