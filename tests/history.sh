#!/bin/sh
# hullscan history list/diff/trend/prune/merge/rescan against builds whose
# findings are known: tests/test-history writes them (make-* modes), and every
# expected count below is derived by hand from those lists (see the comments).
. "$top_srcdir/tests/lib.sh"

MAKE="$top_builddir/tests/test-history"
H="$T/h.db"
unset JOB_NAME BUILD_NUMBER BUILD_URL || true

# app-job: build 1 {musl CVE-2020-1 High, openssl CVE-2020-2 Medium}
#          build 2 {musl CVE-2020-1 (bumped), zlib CVE-2020-3 Critical} + other:7 {musl CVE-2020-1}
#          build 3 app could not be scanned
#          build 4 {musl, zlib, openssl}
# other-job: build 1, one image, no finding.
"$MAKE" make-sequence "$H"

expect_status "list exits 0" 0 "$HULLSCAN" history list --history "$H"
check "list shows the 5 builds" test "$(grep -c -E '^(app|other)-job ' "$T/out")" -eq 5

expect_status "list --format csv" 0 "$HULLSCAN" history list --history "$H" --format csv
check "csv: header + 5 rows, build 2 has 1 critical 2 high" sh -c "
	test \$(wc -l < '$T/out') -eq 6 &&
	grep -q '^job,build,started,images,images_failed,findings,ignored,policy,critical,high,medium,low,negligible,unknown,total\$' '$T/out' &&
	grep -q '^app-job,2,[^,]*,2,0,3,0,pass,1,2,0,0,0,0,3\$' '$T/out' &&
	grep -q '^app-job,3,[^,]*,1,1,0,0,pass,0,0,0,0,0,0,0\$' '$T/out'"

expect_status "list --format json" 0 "$HULLSCAN" history list --history "$H" --format json
check "json: 5 builds, build 4 counts" /usr/bin/python3 -c "
import json, sys
b = json.load(open('$T/out'))
assert len(b) == 5, b
c = [x for x in b if x['job'] == 'app-job' and x['build'] == '4'][0]['counts']
assert (c['critical'], c['high'], c['medium'], c['total']) == (1, 1, 1, 3), c"

# Build 4 against the last scan of the image that worked (build 2): openssl is back.
expect_status "diff (default: last build against the one before)" 0 \
	"$HULLSCAN" history diff --history "$H" --job app-job
check "diff: build 4 against 3, 1 new, 0 fixed, 2 still open" sh -c "
	grep -q '^job app-job: build 4 against 3\$' '$T/out' &&
	grep -q '^total: 1 new, 0 fixed, 2 still open\$' '$T/out' &&
	grep -q '^  new  *CVE-2020-2  *openssl ' '$T/out'"

# Build 2 against build 1: zlib new, openssl fixed, musl still open (a version
# bump is not new); other:7 was not in build 1, so its finding is new.
expect_status "diff 1 2" 0 "$HULLSCAN" history diff --history "$H" --job app-job 1 2
check "diff 1 2: 2 new, 1 fixed, 1 still open" sh -c "
	grep -q '^total: 2 new, 1 fixed, 1 still open\$' '$T/out' &&
	grep -q '^  fixed  *CVE-2020-2  *openssl ' '$T/out' &&
	grep -q '^  open  *CVE-2020-1  *musl  *1.1.22-r3a ' '$T/out' &&
	grep -q '^reg.example/other:7: 1 new, 0 fixed, 0 still open (not scanned before)\$' '$T/out'"

expect_status "diff 1 2 --format json" 0 \
	"$HULLSCAN" history diff --history "$H" --job app-job --format json 1 2
check "diff json counts and lists" /usr/bin/python3 -c "
import json
d = json.load(open('$T/out'))
assert d['build'] == '2' and d['against'] == '1', d
assert d['counts'] == {'new': 2, 'fixed': 1, 'still_open': 1}, d['counts']
app = d['images'][0]
assert [f['id'] for f in app['new']] == ['CVE-2020-3']
assert [(f['id'], f['package']) for f in app['fixed']] == [('CVE-2020-2', 'openssl')]
assert [f['installed_version'] for f in app['still_open']] == ['1.1.22-r3a']"

# JOB_NAME picks the job, as under Jenkins.
expect_status "diff with JOB_NAME set" 0 env JOB_NAME=app-job "$HULLSCAN" history diff --history "$H"
check "JOB_NAME selects the job" grep -q '^job app-job: build 4 against 3$' "$T/out"

expect_status "diff against a build that does not exist" 2 \
	"$HULLSCAN" history diff --history "$H" --job app-job 99
check "the error names the missing build" grep -q 'no build 99 of job app-job' "$T/err"

expect_status "trend --last 2 --format csv" 0 \
	"$HULLSCAN" history trend --history "$H" --job app-job --last 2 --format csv
check "trend: builds 3 and 4, counts by severity" sh -c "
	test \$(wc -l < '$T/out') -eq 3 &&
	sed -n 2p '$T/out' | grep -q '^app-job,3,[^,]*,0,0,0,0,0,0,0\$' &&
	sed -n 3p '$T/out' | grep -q '^app-job,4,[^,]*,1,1,1,0,0,0,3\$'"
expect_status "trend --format json" 0 \
	"$HULLSCAN" history trend --history "$H" --job app-job --format json
check "trend json: 4 builds oldest first" /usr/bin/python3 -c "
import json
d = json.load(open('$T/out'))
assert d['job'] == 'app-job'
assert [b['build'] for b in d['builds']] == ['1', '2', '3', '4']
assert [b['counts']['total'] for b in d['builds']] == [2, 3, 0, 3]"
expect_status "trend table" 0 "$HULLSCAN" history trend --history "$H" --job app-job
check "trend table has a row per build" test "$(grep -c '^[1-4] ' "$T/out")" -eq 4

expect_status "prune --keep 2 --job app-job" 0 \
	"$HULLSCAN" history prune --history "$H" --job app-job --keep 2
"$HULLSCAN" history list --history "$H" --format csv >"$T/list" 2>/dev/null
check "after prune: app-job 3, 4 and other-job 1 remain" sh -c "
	test \"\$(cut -d, -f1,2 '$T/list' | tail -n +2 | tr '\n' ' ')\" = 'app-job,3 app-job,4 other-job,1 '"
check "integrity_check ok after prune" sh -c "
	/usr/bin/python3 -c \"import sqlite3; c = sqlite3.connect('$H'); assert c.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'\""
expect_status "prune without --keep is a usage error" 2 "$HULLSCAN" history prune --history "$H"

# Garbage bytes: a clear error, and the file is never written.
head -c 65536 /dev/urandom >"$T/garbage.db"
cp "$T/garbage.db" "$T/garbage.orig"
expect_status "list on garbage bytes" 2 "$HULLSCAN" history list --history "$T/garbage.db"
check "the error says it is not a history" grep -q "garbage.db: not a hullscan history" "$T/err"
expect_status "prune on garbage bytes" 2 "$HULLSCAN" history prune --history "$T/garbage.db" --keep 1
"$MAKE" make-shard "$T/s1.db" 1
expect_status "merge into garbage bytes" 2 "$HULLSCAN" history merge --history "$T/garbage.db" "$T/s1.db"
check "garbage file byte for byte unchanged, no WAL beside it" sh -c "
	cmp '$T/garbage.db' '$T/garbage.orig' && test ! -e '$T/garbage.db-wal'"

expect_status "a missing history is an error" 2 "$HULLSCAN" history list --history "$T/nope.db"
check "it says so, and creates nothing" sh -c "
	grep -q 'nope.db: no such history file' '$T/err' && test ! -e '$T/nope.db'"
expect_status "unknown history command" 2 "$HULLSCAN" history frobnicate

# Shards: each wrote its own history; merge folds them into one build.
"$MAKE" make-shard "$T/s2.db" 2
expect_status "merge two shards" 0 "$HULLSCAN" history merge --history "$T/main.db" "$T/s1.db" "$T/s2.db"
"$HULLSCAN" history list --history "$T/main.db" --format csv >"$T/list" 2>/dev/null
check "one build 7 of job nightly with the 3 images and 6 findings" sh -c "
	test \$(wc -l < '$T/list') -eq 2 && grep -q '^nightly,7,[^,]*,3,0,6,' '$T/list'"
expect_status "merge the same shards as build 8" 0 \
	"$HULLSCAN" history merge --history "$T/main.db" --build 8 "$T/s1.db" "$T/s2.db"
"$HULLSCAN" history diff --history "$T/main.db" >"$T/out" 2>&1
check "build 8 against 7: nothing new, nothing fixed" grep -q '^total: 0 new, 0 fixed, 6 still open$' "$T/out"
expect_status "merging the main history into itself is refused" 2 \
	"$HULLSCAN" history merge --history "$T/main.db" "$T/main.db"

# rescan: the stored inventory (musl 1.1.22-r2 on alpine:v3.10) against the
# real Alpine 3.10 secdb, which says CVE-2019-14697 is fixed in musl 1.1.22-r3.
SECDB="$FIXTURES/feeds/alpine-secdb/json/v3.10/main.json"
if [ -f "$SECDB" ]; then
	"$MAKE" make-inventory "$T/r.db" 1.1.22-r2
	if "$HULLSCAN" db import --db "$T/vuln.db" "$SECDB" >"$T/import.out" 2>&1; then
		expect_status "rescan --fail-on-new unknown: the finding is new" 1 \
			"$HULLSCAN" rescan --history "$T/r.db" --db "$T/vuln.db" --fail-on-new unknown
		check "the reason names CVE-2019-14697 in musl" \
			grep -q 'alpine:3.10.3: CVE-2019-14697 musl 1.1.22-r2 .*new since build 1' "$T/err"
		"$HULLSCAN" history diff --history "$T/r.db" --format json >"$T/out" 2>/dev/null
		check "rescan stored build 2 with the finding, fixed in 1.1.22-r3" /usr/bin/python3 -c "
import json
d = json.load(open('$T/out'))
assert d['build'] == '2' and d['against'] == '1', d
f = d['images'][0]['new']
assert [(x['id'], x['package'], x['fixed_version']) for x in f] == [('CVE-2019-14697', 'musl', '1.1.22-r3')], f"
		expect_status "rescan again: nothing new, passes" 0 \
			"$HULLSCAN" history rescan --history "$T/r.db" --db "$T/vuln.db" --fail-on-new unknown
		"$MAKE" make-inventory "$T/r2.db" 1.1.22-r3
		expect_status "rescan of a fixed musl: no finding" 0 \
			"$HULLSCAN" rescan --history "$T/r2.db" --db "$T/vuln.db" --fail-on unknown
		# The database's age, as scan checks it: the feed made 48 h old here.
		/usr/bin/python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("update feeds set imported_at = ?, checked_at = NULL", (int(time.time()) - 48 * 3600,))
c.commit()' "$T/vuln.db"
		builds=$("$HULLSCAN" history list --history "$T/r2.db" --format csv | wc -l)
		expect_status "rescan with a 48 h old database: a warning, exit 0" 0 \
			"$HULLSCAN" rescan --history "$T/r2.db" --db "$T/vuln.db"
		check "the warning says how old, and the limit" grep -qx \
			"hullscan: warning: vulnerability database $T/vuln.db is 48 hours old (limit 24)" "$T/err"
		expect_status "rescan --fail-on-stale with a 48 h old database: exit 4" 4 \
			"$HULLSCAN" rescan --history "$T/r2.db" --db "$T/vuln.db" --fail-on-stale
		check "one error line, as scan's" test "$(cat "$T/err")" = \
			"hullscan: vulnerability database $T/vuln.db is 48 hours old (limit 24)"
		check "a stale rescan records no build" test \
			"$("$HULLSCAN" history list --history "$T/r2.db" --format csv | wc -l)" -eq $((builds + 1))
		expect_status "history rescan --max-db-age 72 --fail-on-stale: exit 0" 0 \
			"$HULLSCAN" history rescan --history "$T/r2.db" --db "$T/vuln.db" --max-db-age 72 --fail-on-stale
		check "no warning within --max-db-age" sh -c "! grep -q 'hours old' '$T/err'"
		expect_status "rescan --max-db-age x: exit 2" 2 \
			"$HULLSCAN" rescan --history "$T/r2.db" --db "$T/vuln.db" --max-db-age x
		expect_status "history merge --max-db-age: does not apply, exit 2" 2 \
			"$HULLSCAN" history merge --history "$T/m.db" --max-db-age 1 "$T/r2.db"
	else
		not_ok "db import of the Alpine 3.10 secdb (needed for rescan)"
		diag "$(cat "$T/import.out")"
	fi
	expect_status "rescan with no vulnerability database" 4 \
		"$HULLSCAN" rescan --history "$T/r.db" --db "$T/missing/vuln.db"
elif [ "${CI:-}" = true ]; then
	not_ok "fixture $SECDB is missing (required under CI)"
else
	skip "rescan: fixture $SECDB is missing"
fi

done_testing
