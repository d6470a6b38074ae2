#!/bin/sh
# Run the whole suite in each build directory given (the plain build, then the
# ASan+UBSan one) and end with one line "N passed, N failed, N skipped" over
# all of them (a skipped case is counted once, in neither of the others).
set -u
total_pass=0
total_failed=0
total_skipped=0
for builddir in "$@"; do
	echo "== make check in $builddir"
	(cd "$builddir" && make -s -j"$(nproc)" check >check.out 2>&1)
	rc=$?
	out=$builddir/check.out
	grep -E '^(FAIL|ERROR|XPASS):' "$out" | head -100
	grep -E '^SKIP:' "$out" | head -40
	grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$out"
	pass=$(sed -n 's/^# PASS: *//p' "$out" | tail -1)
	fail=$(sed -n 's/^# FAIL: *//p' "$out" | tail -1)
	err=$(sed -n 's/^# ERROR: *//p' "$out" | tail -1)
	xpass=$(sed -n 's/^# XPASS: *//p' "$out" | tail -1)
	skipped=$(sed -n 's/^# SKIP: *//p' "$out" | tail -1)
	if [ -z "$pass" ]; then
		# The build or the harness failed before any summary.
		tail -40 "$out"
		pass=0
		fail=1
	fi
	failed=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		tail -40 "$out"
		failed=1
	fi
	if [ "$failed" -ne 0 ]; then
		for log in "$builddir"/tests/*.log; do
			grep -q '^not ok' "$log" 2>/dev/null || continue
			echo "-- $log"
			grep -E '^(not ok|#)' "$log" | head -40
		done
	fi
	total_pass=$((total_pass + pass))
	total_failed=$((total_failed + failed))
	total_skipped=$((total_skipped + ${skipped:-0}))
done
echo "$total_pass passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" -eq 0 ]
