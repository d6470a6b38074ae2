#!/bin/bash
# hullscan db import / status: row counts against counts derived here with python3
# from the same JSON, exit statuses, and a bad file leaving the database as it was.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd python3 sha256sum sqlite3 flock

F=$FIXTURES/feeds
DB=$T/v.db
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# Rows per file as the secdb means them, written independently of feed-secdb.c:
# every CVE id in an entry ("CVE-…", "CVE_…", "CVE …", suffixes dropped), else its
# first other dashed id (XSA-207); version "0" is "not affected", no row.
cat >"$T/secdb_count.py" <<'EOF'
import json, re, sys
def ids(s):
    cves = ["CVE-" + m for m in re.findall(r"CVE[-_ ](\d{4}-\d{4,})", s)]
    if cves:
        return cves
    for t in s.split():
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)+", t) and re.search(r"\d", t):
            return [t]
    return []
raw = 0
for f in sys.argv[1:]:
    d = json.load(open(f))
    rows = set()
    for p in d["packages"]:
        for ver, lst in (p["pkg"].get("secfixes") or {}).items():
            for s in lst or []:
                raw += 1
                if ver != "0":
                    for i in ids(s):
                        rows.add((p["pkg"]["name"], ver, i))
    print(f, len(rows))
print("raw", raw)
EOF

# The tracker: "resolved" needs a version other than "0"; anything else is a row.
cat >"$T/tracker_count.py" <<'EOF'
import json, sys
for f in sys.argv[1:]:
    n = 0
    for pkg, cves in json.load(open(f)).items():
        for cve, info in cves.items():
            rel = info.get("releases")
            if not isinstance(rel, dict):
                continue
            for code, r in rel.items():
                if r["status"] == "resolved" and r.get("fixed_version") in (None, "", "0"):
                    continue
                n += 1
    print(f, n)
EOF

count_rows() {
	"$PY" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from advisories").fetchone()[0])' "$1"
}

# --- Alpine secdb, all 18 files ---------------------------------------------------
ALPINE=$(ls "$F"/alpine-secdb/json/v3.*/*.json)
"$PY" "$T/secdb_count.py" $ALPINE >"$T/secdb.expected"
[ "$(sed -n 's/^raw //p' "$T/secdb.expected")" = 12028 ] &&
	ok "python3 counts 12,028 secfixes entries, as the fixtures README says" ||
	not_ok "raw secfixes entries: $(sed -n 's/^raw //p' "$T/secdb.expected") (want 12028)"

expect_status "db import of the 18 Alpine secdb files: exit 0" 0 \
	"$HULLSCAN" db import --db "$DB" $ALPINE
[ "$(wc -l <"$T/out")" -eq 18 ] && ok "one line per imported file" || not_ok "one line per imported file"
expect_status "db status: exit 0" 0 "$HULLSCAN" db status --db "$DB"
cp "$T/out" "$T/status"
[ "$(wc -l <"$T/status")" -eq 18 ] && ok "db status lists 18 feeds" || { not_ok "db status lists 18 feeds"; diag "$(cat "$T/status")"; }

bad=0
while read -r file want; do
	[ "$file" = raw ] && continue
	got=$(awk -F'\t' -v f="$file" '$2 == f { print $3 }' "$T/status")
	sha=$(sha256sum "$file" | cut -c1-12)
	line=$(awk -F'\t' -v f="$file" '$2 == f' "$T/status")
	if [ "$got" != "$want" ]; then
		bad=$((bad + 1)); diag "$file: $got rows, python3 says $want"
	fi
	case $line in *"	$sha") ;; *) bad=$((bad + 1)); diag "$file: sha256 column is not $sha";; esac
done <"$T/secdb.expected"
[ "$bad" -eq 0 ] && ok "every secdb feed: records == python3's count, sha256 column right" ||
	not_ok "secdb feed records/sha256 ($bad wrong)"
total=$(awk '$1 != "raw" { s += $2 } END { print s }' "$T/secdb.expected")
[ "$(count_rows "$DB")" -eq "$total" ] && ok "advisories table holds $total rows" ||
	not_ok "advisories table: $(count_rows "$DB") rows, want $total"
# Each file feeds its own namespace: alpine:<distroversion>.
"$PY" -c 'import sqlite3, sys; print("\n".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("select distinct namespace from advisories order by 1")))' "$DB" >"$T/ns"
printf 'alpine:v3.%s\n' 10 11 3 4 5 6 7 8 9 | sort >"$T/ns.want"
sort "$T/ns" | cmp -s - "$T/ns.want" && ok "namespaces alpine:v3.3 … alpine:v3.11" ||
	{ not_ok "namespaces"; diag "$(cat "$T/ns")"; }

# Importing the same files again replaces their feeds.
"$HULLSCAN" db import --db "$DB" $ALPINE >/dev/null 2>&1
[ "$(count_rows "$DB")" -eq "$total" ] && ok "re-import replaces, does not add" ||
	not_ok "re-import: $(count_rows "$DB") rows, want $total"

# --- Debian tracker excerpts ------------------------------------------------------
"$PY" "$T/tracker_count.py" "$F"/debian-tracker/*.json >"$T/tracker.expected"
expect_status "db import of both tracker excerpts: exit 0" 0 \
	"$HULLSCAN" db import --db "$DB" "$F"/debian-tracker/*.json
"$HULLSCAN" db status --db "$DB" >"$T/status"
bad=0
while read -r file want; do
	got=$(awk -F'\t' -v f="$file" '$2 == f { print $3 }' "$T/status")
	[ "$got" = "$want" ] || { bad=$((bad + 1)); diag "$file: $got rows, python3 says $want"; }
done <"$T/tracker.expected"
[ "$bad" -eq 0 ] && ok "tracker feeds: records == python3's count" || not_ok "tracker feed records"
awk -F'\t' '$1 == "vunnel_debian.json" && $4 ~ /^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]+Z$/' \
	"$T/status" | grep -q . && ok "feed named after the file, imported time in UTC" ||
	{ not_ok "status line of vunnel_debian.json"; diag "$(cat "$T/status")"; }

# --- Wolfi / Chainguard, --format given -------------------------------------------
expect_status "db import --format alpine-secdb of the wolfi excerpt: exit 0" 0 \
	"$HULLSCAN" db import --db "$DB" --format alpine-secdb "$F/alpine-secdb-excerpts/wolfi_security.json"
"$HULLSCAN" db status --db "$DB" | grep -q '^wolfi-secdb	' && ok "wolfi feed listed as wolfi-secdb" ||
	not_ok "wolfi feed listed"

# --- A bad file among good ones ---------------------------------------------------
before=$(count_rows "$DB")
head -c 3000 "$F/debian-tracker/vunnel_debian.json" >"$T/vunnel_debian.json"
expect_status "--feed with two files: exit 2" 2 "$HULLSCAN" db import --db "$DB" --feed x \
	"$F/debian-tracker/vunnel_debian.json" "$T/vunnel_debian.json"
expect_status "good, truncated, good (one feed each): exit 2" 2 "$HULLSCAN" db import --db "$DB" \
	"$F/alpine-secdb-excerpts/chainguard_security.json" "$T/vunnel_debian.json" \
	"$F/debian-tracker/clair_fetcher_debian_test.json"
[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^hullscan: $T/vunnel_debian.json: invalid JSON at line" "$T/err" &&
	ok "one error line naming the bad file" || { not_ok "error line for the bad file"; diag "$(cat "$T/err")"; }
grep -q "chainguard_security.json: " "$T/out" && grep -q "clair_fetcher_debian_test.json: " "$T/out" &&
	ok "the good files around it are still imported" || not_ok "good files imported"
after=$(count_rows "$DB")
want=$((before + $(awk -F'\t' '$1 == "chainguard-secdb" { print $3 }' <("$HULLSCAN" db status --db "$DB"))))
[ "$after" -eq "$want" ] && ok "the bad file changed nothing (rows $before + chainguard = $after)" ||
	not_ok "rows after a bad file: $after, want $want"
# The same bad file over an existing feed of that name: its old rows stay.
before=$(count_rows "$DB")
expect_status "truncated file over an existing feed: exit 2" 2 \
	"$HULLSCAN" db import --db "$DB" "$T/vunnel_debian.json"
[ "$(count_rows "$DB")" -eq "$before" ] && "$HULLSCAN" db status --db "$DB" |
	awk -F'\t' '$1 == "vunnel_debian.json" && $3 == 21' | grep -q . &&
	ok "the feed keeps its 21 rows" || not_ok "feed vunnel_debian.json after a failed re-import"

# --- Exit statuses and messages ---------------------------------------------------
expect_status "db import of a missing file: exit 2" 2 "$HULLSCAN" db import --db "$DB" "$T/nope.json"
grep -q "^hullscan: $T/nope.json: " "$T/err" && ok "missing file named" || not_ok "missing file named"
expect_status "db import of a file of no known format: exit 2" 2 \
	"$HULLSCAN" db import --db "$DB" "$F/debian-tracker/vunnel_DSA_list.txt"
grep -q "vunnel_DSA_list.txt: not a feed format hullscan knows" "$T/err" && ok "unknown format named" ||
	{ not_ok "unknown format message"; diag "$(cat "$T/err")"; }
expect_status "db import --format of a name it does not know: exit 2" 2 \
	"$HULLSCAN" db import --db "$DB" --format nosuch "$F/debian-tracker/vunnel_debian.json"
expect_status "db import --format alpine-secdb of a tracker file: exit 2" 2 \
	"$HULLSCAN" db import --db "$DB" --format alpine-secdb "$F/debian-tracker/vunnel_debian.json"
expect_status "db import with no file: exit 2" 2 "$HULLSCAN" db import --db "$DB"
expect_status "db with no subcommand: exit 2" 2 "$HULLSCAN" db
expect_status "db frobnicate: exit 2" 2 "$HULLSCAN" db frobnicate
expect_status "db status of a missing database: exit 4" 4 "$HULLSCAN" db status --db "$T/none/v.db"
[ "$(cat "$T/err")" = "hullscan: vulnerability database $T/none/v.db not found: run 'hullscan db import' or 'hullscan db update'" ] &&
	ok "missing database: the message says what to run" || { not_ok "missing database message"; diag "$(cat "$T/err")"; }
[ ! -e "$T/none" ] && ok "db status creates nothing" || not_ok "db status created $T/none"
expect_status "db status of a text file: exit 2" 2 "$HULLSCAN" db status --db "$F/debian-tracker/vunnel_DSA_list.txt"
grep -q "not a hullscan vulnerability database" "$T/err" && ok "text file: not a hullscan database" ||
	{ not_ok "text file message"; diag "$(cat "$T/err")"; }

# Default path: $XDG_CACHE_HOME/hullscan/vuln.db, parent folders created.
expect_status "db import with the default database: exit 0" 0 \
	"$HULLSCAN" db import "$F/alpine-secdb/json/v3.10/main.json"
[ -f "$XDG_CACHE_HOME/hullscan/vuln.db" ] && ok "default database in \$XDG_CACHE_HOME/hullscan" ||
	not_ok "default database path"
expect_status "db status with the default database: exit 0" 0 "$HULLSCAN" db status
grep -q '^alpine-secdb:v3.10/main	' "$T/out" && ok "default database lists alpine-secdb:v3.10/main" ||
	not_ok "default database status"
"$HULLSCAN" db status >"$T/status.plain"
expect_status "db status -q -v: exit 0" 0 "$HULLSCAN" db status -q -v
cmp -s "$T/out" "$T/status.plain" && ok "db status -q -v: the same lines" || not_ok "db status -q -v output"

# --- db remove: a feed and its advisories, in one transaction ---------------------
# Counts read with sqlite3; the one left is checked against python3's count above.
R=$T/r.db
A=$F/alpine-secdb/json/v3.10
"$HULLSCAN" db import --db "$R" "$A/main.json" "$A/community.json" "$F/debian-tracker/vunnel_debian.json" >/dev/null
q() { sqlite3 "$R" "$1"; }
feed_rows() { q "select count(*) from advisories a join feeds f on f.id = a.feed where f.name = '$1'"; }
adv0=$(q "select count(*) from advisories"); vulns0=$(q "select count(*) from vulns")
main=$(feed_rows alpine-secdb:v3.10/main); tracker=$(feed_rows vunnel_debian.json)
[ "$(q "select count(*) from feeds")" -eq 3 ] && [ "$main" -gt 0 ] && [ "$tracker" -gt 0 ] &&
	ok "db remove set-up: 3 feeds" || not_ok "db remove set-up: $(q "select name from feeds")"

expect_status "db remove of a known and an unknown feed: exit 2" 2 \
	"$HULLSCAN" db remove --db "$R" alpine-secdb:v3.10/main nosuch
[ "$(cat "$T/err")" = "hullscan: $R: no feed named nosuch; nothing removed" ] && [ ! -s "$T/out" ] &&
	ok "unknown feed: one line naming it" || { not_ok "unknown feed message"; diag "$(cat "$T/err")"; }
[ "$(q "select count(*) from feeds")" -eq 3 ] && [ "$(q "select count(*) from advisories")" -eq "$adv0" ] &&
	[ "$(q "select count(*) from vulns")" -eq "$vulns0" ] && [ "$(feed_rows alpine-secdb:v3.10/main)" -eq "$main" ] &&
	ok "unknown feed: nothing removed, the known one neither" || not_ok "unknown feed: rows changed"

expect_status "db remove of two feeds: exit 0" 0 \
	"$HULLSCAN" db remove --db "$R" alpine-secdb:v3.10/main vunnel_debian.json
printf 'alpine-secdb:v3.10/main: removed, %s advisories\nvunnel_debian.json: removed, %s advisories\n' \
	"$main" "$tracker" | cmp -s - "$T/out" && ok "db remove: one line per feed with its advisories" ||
	{ not_ok "db remove output"; diag "$(cat "$T/out" "$T/err")"; }
community=$(awk -v f="$A/community.json" '$1 == f { print $2 }' "$T/secdb.expected")
[ "$(q "select name from feeds")" = "alpine-secdb:v3.10/community" ] &&
	[ "$(q "select count(*) from advisories")" -eq $((adv0 - main - tracker)) ] &&
	[ "$(q "select count(*) from advisories")" -eq "$community" ] &&
	ok "db remove: only community's $community advisories left (python3's count)" ||
	not_ok "db remove: feeds $(q "select name from feeds"), $(q "select count(*) from advisories") advisories"
[ "$(q "select count(*) from vulns where feed not in (select id from feeds)")" -eq 0 ] &&
	[ "$(q "select count(*) from vulns")" -gt 0 ] && [ "$(q "pragma integrity_check")" = ok ] &&
	ok "db remove: their vulnerability texts gone too, the file intact" || not_ok "db remove: vulns left"
expect_status "db remove of a feed already removed: exit 2" 2 "$HULLSCAN" db remove --db "$R" vunnel_debian.json
expect_status "db remove with no feed: exit 2" 2 "$HULLSCAN" db remove --db "$R"
expect_status "db remove from a missing database: exit 2" 2 "$HULLSCAN" db remove --db "$T/none/v.db" x
grep -q "^hullscan: vulnerability database $T/none/v.db not found" "$T/err" && [ ! -e "$T/none" ] &&
	ok "missing database: named, nothing created" || { not_ok "db remove of a missing database"; diag "$(cat "$T/err")"; }

# Why: a feed no longer updated ages the database until scans exit 4; removing it ends that.
mkdir -p "$T/rootfs/etc"
printf 'ID=alpine\nVERSION_ID=3.10.3\n' >"$T/rootfs/etc/os-release"
"$HULLSCAN" db import --db "$R" "$A/main.json" >/dev/null
q "update feeds set imported_at = strftime('%s', 'now') - 48 * 3600 where name = 'alpine-secdb:v3.10/community'"
expect_status "scan --fail-on-stale with a feed 48 h old: exit 4" 4 \
	"$HULLSCAN" scan --no-history --db "$R" --fail-on-stale "dir:$T/rootfs"
"$HULLSCAN" db remove --db "$R" alpine-secdb:v3.10/community >/dev/null 2>&1 || diag "db remove failed"
expect_status "the same scan once that feed is removed: exit 0" 0 \
	"$HULLSCAN" scan --no-history --db "$R" --fail-on-stale "dir:$T/rootfs"

# --- db import and remove take db update's lock (DB.lock, flock) -------------------
# Held here with flock(1) until the test lets go, after it has seen the command
# say that it waits and has read the feeds meanwhile: each waits, says so, and
# writes after the lock is freed, not during — with no timing to guess.
# (The 300 s default limit is not waited for here: --lock-wait 1 tries the limit.)
L=$T/lock/v.db
"$HULLSCAN" db import --db "$L" "$A/main.json" >/dev/null
held() {	# held CMD...: run CMD while DB.lock is held; $T/mid: feeds during
	rm -f "$T/held" "$T/release" "$T/st"
	: >"$T/err"
	flock "$L.lock" sh -c ": >'$T/held'; i=0
	    while [ ! -e '$T/release' ] && [ \$i -lt 600 ]; do sleep 0.05; i=\$((i + 1)); done" &
	_hold=$!
	wait_for 10 test -e "$T/held" || diag "flock did not take $L.lock"
	( set +e; "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/st" ) &
	_pid=$!
	_waited=no
	wait_for 30 grep -q "waiting for" "$T/err" && _waited=yes
	sleep 0.3
	sqlite3 "$L" "select group_concat(name, ' ') from feeds" >"$T/mid"
	_still=no
	[ -e "$T/st" ] || _still=yes
	: >"$T/release"
	wait "$_pid" || true
	_st=$(cat "$T/st")
	wait "$_hold" || true
}
held "$HULLSCAN" db import --db "$L" "$A/community.json"
[ "$_st" -eq 0 ] && [ "$_waited" = yes ] && [ "$_still" = yes ] &&
	ok "db import while DB.lock is held: waited until it was freed, then exit 0" ||
	{ not_ok "db import under a held lock: exit $_st, waited $_waited, still running $_still"; diag "$(cat "$T/err")"; }
[ "$(cat "$T/err")" = "hullscan: waiting for $L.lock: another hullscan is writing $L" ] &&
	ok "db import: one line says what it waits for" || { not_ok "db import wait message"; diag "$(cat "$T/err")"; }
[ "$(cat "$T/mid")" = "alpine-secdb:v3.10/main" ] &&
	[ "$(sqlite3 "$L" "select count(*) from advisories a join feeds f on f.id = a.feed where f.name = 'alpine-secdb:v3.10/community'")" -eq "$community" ] &&
	[ "$(sqlite3 "$L" "pragma integrity_check")" = ok ] &&
	ok "db import: nothing written while the lock was held; then community's $community advisories, file intact" ||
	not_ok "db import under the lock: feeds meanwhile '$(cat "$T/mid")'"
held "$HULLSCAN" db remove --db "$L" alpine-secdb:v3.10/main
[ "$_st" -eq 0 ] && [ "$_waited" = yes ] && [ "$_still" = yes ] &&
	[ "$(cat "$T/mid")" = "alpine-secdb:v3.10/community alpine-secdb:v3.10/main" ] &&
	[ "$(sqlite3 "$L" "select name from feeds")" = "alpine-secdb:v3.10/community" ] &&
	ok "db remove while DB.lock is held: waited until it was freed, removed after" ||
	{ not_ok "db remove under a held lock: exit $_st, waited $_waited, meanwhile '$(cat "$T/mid")'"; diag "$(cat "$T/err")"; }
# --lock-wait 1 against a lock held for 8 s: gives up after about 1 s, exit 2,
# one line naming the lock and the limit, the database as it was. The same for
# db remove and db update.
before=$(sqlite3 "$L" "select count(*) from advisories")
printf 'alpine-secdb:v3.10/main alpine-secdb file://%s\n' "$A/main.json" >"$T/lock.conf"
for cmd in "import $A/main.json" "remove alpine-secdb:v3.10/community" "update --feeds $T/lock.conf"; do
	rm -f "$T/held"
	# -o: only flock itself holds the lock, so killing it frees the lock.
	flock -o "$L.lock" sh -c ": >'$T/held'; sleep 8" &
	_hold=$!
	wait_for 10 test -e "$T/held" || diag "flock did not take $L.lock"
	_t0=$(date +%s%N)
	set +e
	# shellcheck disable=SC2086
	"$HULLSCAN" db ${cmd%% *} --db "$L" --lock-wait 1 ${cmd#* } >"$T/out" 2>"$T/err"
	_st=$?
	set -e
	_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
	kill "$_hold" 2>/dev/null; wait "$_hold" 2>/dev/null || true
	if [ "$_st" -eq 2 ] && [ "$_ms" -ge 900 ] && [ "$_ms" -lt 6000 ] &&
	    [ "$(tail -1 "$T/err")" = "hullscan: $L.lock: held by another hullscan for 1 s; $L not changed" ] &&
	    [ "$(sqlite3 "$L" "select count(*) from advisories")" -eq "$before" ]; then
		ok "db ${cmd%% *} --lock-wait 1 under a held lock: exit 2 after $_ms ms, the database as it was"
	else
		not_ok "db ${cmd%% *} --lock-wait 1: exit $_st after $_ms ms"; diag "$(cat "$T/err")"
	fi
done
expect_status "db import --lock-wait -1: exit 2" 2 "$HULLSCAN" db import --db "$L" --lock-wait -1 "$A/main.json"
[ "$(cat "$T/err")" = "hullscan: db import: --lock-wait: not a number of seconds (0-86400): -1 (see hullscan db import --help)" ] &&
	ok "a bad --lock-wait is named" || { not_ok "bad --lock-wait message"; diag "$(cat "$T/err")"; }

# A lock that cannot be taken: one line naming it, exit 2, the database as it was.
before=$(sqlite3 "$L" "select count(*) from advisories")
mkdir -p "$T/bad"
cp "$L" "$T/bad/v.db"
mkdir "$T/bad/v.db.lock"
expect_status "db import when DB.lock cannot be opened: exit 2" 2 \
	"$HULLSCAN" db import --db "$T/bad/v.db" "$A/main.json"
[ "$(cat "$T/err")" = "hullscan: $T/bad/v.db.lock: Is a directory" ] &&
	[ "$(sqlite3 "$T/bad/v.db" "select count(*) from advisories")" -eq "$before" ] &&
	ok "lock failure: one line naming the lock; nothing imported" || { not_ok "lock failure"; diag "$(cat "$T/err")"; }

done_testing
