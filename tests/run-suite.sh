#!/bin/sh
# Run the whole suite in a build directory and end with "N passed, N failed".
set -u
builddir=${1:-build}
cd "$builddir" || exit 2
make -s -j"$(nproc)" check >check.out 2>&1
rc=$?
# The automake summary counts every TAP case of every test program.
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP|XFAIL):' check.out | grep -v '^PASS' | head -200
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' check.out
pass=$(sed -n 's/^# PASS: *//p' check.out | tail -1)
fail=$(sed -n 's/^# FAIL: *//p' check.out | tail -1)
err=$(sed -n 's/^# ERROR: *//p' check.out | tail -1)
xpass=$(sed -n 's/^# XPASS: *//p' check.out | tail -1)
if [ -z "$pass" ]; then
	# The build or the harness itself failed before any summary.
	tail -40 check.out
	echo "0 passed, 1 failed"
	exit 1
fi
failed=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	tail -40 check.out
	failed=1
fi
[ "$failed" -eq 0 ] || cat tests/*.log 2>/dev/null | grep -E '^(not ok|#)' | head -100
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
