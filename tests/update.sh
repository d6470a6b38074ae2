#!/bin/bash
# hullscan db update against a real nginx on 127.0.0.1 serving the real feed files
# (plain, gz, bz2, xz, an OSV zip): record counts against a direct "db import" of the
# same files, conditional requests read from nginx's access log, failures (a server
# that dies mid-transfer, a truncated archive, a malformed feed) leaving the failed
# feed as it was while the others update, a mirror directory with no server, and
# gzip, bzip2, xz and zstd files under every format (file:// URLs, read with sqlite3).
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd python3 gzip bzip2 xz zstd sqlite3 timeout sha256sum
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || need_cmd nginx
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# Nothing of this test may leave the machine: any proxy would be asked instead.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
unset HULLSCAN_FEED_MIRROR

F=$FIXTURES/feeds
DB=$T/db/vuln.db
W=$T/www
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT

# --- served files: real feeds, compressed copies made here -----------------------
mkdir -p "$W/tracker/data" "$W/alpine/v3.10" "$W/alpine/v3.11" "$W/alpine/v3.9" \
	"$W/osv/Ubuntu" "$W/oval" "$T/src"
cp "$F/debian-tracker/vunnel_debian.json" "$W/tracker/data/json"
cp "$F/alpine-secdb/json/v3.10/main.json" "$W/alpine/v3.10/main.json"
gzip -c "$F/alpine-secdb/json/v3.10/community.json" >"$W/alpine/v3.10/community.json.gz"
bzip2 -c "$F/alpine-secdb/json/v3.11/main.json" >"$W/alpine/v3.11/main.json.bz2"
xz -c "$F/alpine-secdb/json/v3.9/main.json" >"$W/alpine/v3.9/main.json.xz"
"$PY" - "$F/ubuntu-osv-bionic" "$W/osv/Ubuntu/all.zip" <<'EOF'
import glob, os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for p in sorted(glob.glob(sys.argv[1] + "/*.json")):
        z.write(p, os.path.basename(p))
EOF
bzip2 -c "$F/redhat-oval/rhel-8.oval.v2.xml" >"$W/oval/rhel-8.oval.xml.bz2"
cp "$F/ubuntu-oval/fetcher_ubuntu_test.xenial.oval.xml" "$W/oval/com.ubuntu.xenial.cve.oval.xml"
chmod -R a+rX,u+w "$W"	# the fixtures are read-only; cases below rewrite the copies

# NAME FORMAT PATH (under $BASE) SOURCE-FILE-FOR-THE-DIRECT-IMPORT
cat >"$T/feeds.tsv" <<EOF
debian-tracker	debian-tracker	tracker/data/json	$F/debian-tracker/vunnel_debian.json
alpine-v3.10-main	alpine-secdb	alpine/v3.10/main.json	$F/alpine-secdb/json/v3.10/main.json
alpine-v3.10-community	alpine-secdb	alpine/v3.10/community.json.gz	$F/alpine-secdb/json/v3.10/community.json
alpine-v3.11-main	alpine-secdb	alpine/v3.11/main.json.bz2	$F/alpine-secdb/json/v3.11/main.json
alpine-v3.9-main	alpine-secdb	alpine/v3.9/main.json.xz	$F/alpine-secdb/json/v3.9/main.json
osv-ubuntu	osv	osv/Ubuntu/all.zip	$W/osv/Ubuntu/all.zip
rhel-8-oval	oval	oval/rhel-8.oval.xml.bz2	$F/redhat-oval/rhel-8.oval.v2.xml
ubuntu-16.04-oval	auto	oval/com.ubuntu.xenial.cve.oval.xml	$F/ubuntu-oval/fetcher_ubuntu_test.xenial.oval.xml
EOF
NFEEDS=$(wc -l <"$T/feeds.tsv")
{
	echo "# test feeds: NAME FORMAT URL"
	while IFS=$'\t' read -r name fmt path src; do
		printf '%s\t%s\t%s/%s   # %s\n' "$name" "$fmt" "$BASE" "$path" "${src##*/}"
	done <"$T/feeds.tsv"
} >"$T/feeds.conf"

# The independent answer: each source file imported directly, one feed each.
direct() {	# direct DB NAME FILE [FORMAT]
	local fmt=()
	[ -n "${4:-}" ] && [ "$4" != auto ] && fmt=(--format "$4")
	"$HULLSCAN" db import --db "$1" --feed "$2" "${fmt[@]}" "$3" >/dev/null
}
while IFS=$'\t' read -r name fmt path src; do
	direct "$T/direct.db" "$name" "$src" "$fmt"
done <"$T/feeds.tsv"
records() {	# records DB NAME: the feed's record count from db status
	"$HULLSCAN" db status --db "$1" | awk -F'\t' -v n="$2" '$1 == n { print $3 }'
}
status_field() {	# status_field DB NAME COLUMN
	"$HULLSCAN" db status --db "$1" | awk -F'\t' -v n="$2" -v c="$3" '$1 == n { print $c }'
}
# Every advisory row of the database, sorted, hashed: "the same rows".
rows_sha() {
	"$PY" -c 'import sqlite3, sys, hashlib
c = sqlite3.connect(sys.argv[1])
rows = sorted(repr(r) for r in c.execute("select f.name, a.namespace, a.package, a.kind, a.ecosystem, a.vuln_id, a.introduced, a.fixed_version, a.status, a.severity from advisories a join feeds f on f.id = a.feed"))
print(len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())' "$1"
}
counts_match() {	# counts_match DB: every feed of feeds.tsv has the direct import's count
	local bad=0 name fmt path src want got
	while IFS=$'\t' read -r name fmt path src; do
		want=$(records "$T/direct.db" "$name"); got=$(records "$1" "$name")
		if [ -z "$want" ] || [ "$want" = 0 ] || [ "$got" != "$want" ]; then
			diag "$name: $got records, direct import $want"; bad=1
		fi
	done <"$T/feeds.tsv"
	return $bad
}

# --- nginx -------------------------------------------------------------------------
cat >"$T/n.conf" <<EOF
daemon off; pid $T/nginx.pid; error_log $T/nginx.err;
events {}
http {
	log_format st '\$uri \$status';
	access_log $T/access st;
	types { application/json json; application/zip zip; }
	server { listen 127.0.0.1:$PORT; root $W; }
}
EOF
start_nginx() {
	: >"$T/access"
	"$NGINX" -c "$T/n.conf" -p "$T" 2>>"$T/nginx.err" &
	NGINX_PID=$!
	wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"
}
stop_nginx() {
	if [ -n "${NGINX_PID:-}" ]; then
		kill "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
		NGINX_PID=
	fi
}
at_exit stop_nginx
if ! start_nginx; then
	echo "not ok 1 - nginx did not start on 127.0.0.1:$PORT"; cat "$T/nginx.err" | sed 's/^/# /'
	echo "1..1"; exit 1
fi
log_mark() { wc -l <"$T/access"; }
# Access log lines since mark: "URI STATUS"
log_since() { tail -n +"$(( $1 + 1 ))" "$T/access"; }

update() { timeout 120 "$HULLSCAN" db update --db "$DB" --feeds "$T/feeds.conf" "$@"; }

# --- 1. first update: every feed 200, counts as imported directly -----------------
m=$(log_mark)
expect_status "first update: exit 0" 0 update
cp "$T/err" "$T/err.first"
n200=$(log_since "$m" | awk '$2 == 200' | wc -l)
[ "$n200" -eq "$NFEEDS" ] && [ "$(log_since "$m" | wc -l)" -eq "$NFEEDS" ] &&
	ok "first update: $NFEEDS requests, all 200 in nginx's log" ||
	{ not_ok "first update requests"; diag "$(log_since "$m")"; }
counts_match "$DB" && ok "first update: every feed's records == direct db import of the same file" ||
	not_ok "first update: records differ from the direct import"
[ "$(rows_sha "$DB" | cut -d' ' -f1)" = "$(rows_sha "$T/direct.db" | cut -d' ' -f1)" ] &&
	[ "$(rows_sha "$DB" | cut -d' ' -f2)" = "$(rows_sha "$T/direct.db" | cut -d' ' -f2)" ] &&
	ok "first update: the same advisory rows as the direct imports" ||
	not_ok "first update rows: $(rows_sha "$DB") vs direct $(rows_sha "$T/direct.db")"
grep -Eq "^hullscan: alpine-v3.10-community: 200, [0-9.]+ kB, [0-9,]+ records \([0-9.]+ s\)$" "$T/err.first" &&
	[ "$(grep -c ': 200, ' "$T/err.first")" -eq "$NFEEDS" ] &&
	ok "first update: one line per feed (status, size, records, time)" ||
	{ not_ok "first update: progress lines"; diag "$(cat "$T/err.first")"; }
[ -z "$(ls "$T/db" | grep -v '^vuln\.db\(\.lock\)\?$')" ] && ok "no temporary file left beside the database" ||
	not_ok "left in $T/db: $(ls "$T/db")"
# db status: URL, fetch time, validators (nginx sends both), records, age.
st=$("$HULLSCAN" db status --db "$DB" | awk -F'\t' '$1 == "alpine-v3.10-main"')
echo "$st" | awk -F'\t' -v u="$BASE/alpine/v3.10/main.json" '$2 == u && $5 ~ /^20[0-9-]+T[0-9:]+Z$/ &&
	$6 == "0h00m" && $7 ~ /^"[0-9a-f]+-[0-9a-f]+"$/ && $8 ~ / GMT$/ && $9 ~ /^[0-9a-f]+$/ && length($9) == 12' | grep -q . &&
	ok "db status: URL, check time, age, ETag and Last-Modified of a feed" ||
	{ not_ok "db status line"; diag "$st"; }

# --- 2. second update: every feed 304, nothing re-imported ------------------------
before_rows=$(rows_sha "$DB")
before_imp=$("$HULLSCAN" db status --db "$DB" | cut -f1,3,4,9)
ino=$(stat -c %i "$DB")
m=$(log_mark)
expect_status "second update: exit 0" 0 update
[ "$(log_since "$m" | awk '$2 == 304' | wc -l)" -eq "$NFEEDS" ] &&
	[ "$(log_since "$m" | wc -l)" -eq "$NFEEDS" ] &&
	ok "second update: one request per feed, all 304 in nginx's log" ||
	{ not_ok "second update: not all 304"; diag "$(log_since "$m")"; }
[ "$(grep -c '^hullscan: [^:]*: 304 not modified (' "$T/err")" -eq "$NFEEDS" ] &&
	ok "second update: '304 not modified' for each feed" || { not_ok "304 lines"; diag "$(cat "$T/err")"; }
[ "$("$HULLSCAN" db status --db "$DB" | cut -f1,3,4,9)" = "$before_imp" ] && [ "$(rows_sha "$DB")" = "$before_rows" ] &&
	[ "$(stat -c %i "$DB")" = "$ino" ] &&
	ok "second update: no re-import (same rows, import times, hashes; database not replaced)" ||
	not_ok "second update changed the database"

# --- a 304 refreshes the age: feeds made 48 h old, checked again ------------------
"$PY" -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1]); t = int(time.time()) - 48 * 3600
c.execute("update feeds set imported_at = ?, checked_at = ?", (t, t)); c.commit()' "$DB"
[ "$(status_field "$DB" debian-tracker 6)" = "48h00m" ] && ok "db status shows a 48 h old feed" ||
	not_ok "age column: $(status_field "$DB" debian-tracker 6)"
m=$(log_mark)
expect_status "update of 48 h old feeds, all unchanged: exit 0" 0 update
ages=$("$HULLSCAN" db status --db "$DB" | cut -f6 | sort -u)
[ "$ages" = "0h00m" ] && [ "$(log_since "$m" | awk '$2 == 304' | wc -l)" -eq "$NFEEDS" ] &&
	ok "a 304 makes every feed current again (age 0h00m)" || not_ok "ages after 304: $ages"
# The scan side reads the same age: --fail-on-stale passes now, fails on an aged feed.
mkdir -p "$T/rootfs/etc"
printf 'ID=alpine\nVERSION_ID=3.10.3\n' >"$T/rootfs/etc/os-release"
expect_status "scan --fail-on-stale after the update: not 4" 0 \
	"$HULLSCAN" scan --db "$DB" --fail-on-stale "dir:$T/rootfs"
"$PY" -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1]); t = int(time.time()) - 48 * 3600
c.execute("update feeds set imported_at = ?, checked_at = ? where name = ?", (t, t, "rhel-8-oval")); c.commit()' "$DB"
expect_status "scan --fail-on-stale with one feed unchecked for 48 h: exit 4" 4 \
	"$HULLSCAN" scan --db "$DB" --fail-on-stale "dir:$T/rootfs"

# --- 3. one feed changed: only it is fetched whole and re-imported ----------------
imp_before=$(status_field "$DB" alpine-v3.10-main 4)
sleep 1	# a new Last-Modified second and ETag for nginx
cp "$F/debian-tracker/clair_fetcher_debian_test.json" "$W/tracker/data/json"
direct "$T/direct.db" debian-tracker "$F/debian-tracker/clair_fetcher_debian_test.json"
sleep 1
m=$(log_mark)
expect_status "update with one changed feed: exit 0" 0 update
log_since "$m" | awk '$2 == 200 { print $1 }' >"$T/got200"
[ "$(cat "$T/got200")" = "/tracker/data/json" ] && [ "$(log_since "$m" | awk '$2 == 304' | wc -l)" -eq $((NFEEDS - 1)) ] &&
	ok "one changed feed: only it answered 200, the others 304" ||
	{ not_ok "one changed feed: requests"; diag "$(log_since "$m")"; }
counts_match "$DB" && [ "$(rows_sha "$DB")" = "$(rows_sha "$T/direct.db")" ] &&
	ok "one changed feed: its new records == direct import, the others unchanged" ||
	not_ok "one changed feed: counts"
[ "$(status_field "$DB" alpine-v3.10-main 4)" = "$imp_before" ] && [ "$(grep -c ': 200, ' "$T/err")" -eq 1 ] &&
	ok "one changed feed: the others keep their import time, one re-import reported" ||
	{ not_ok "one changed feed: others re-imported"; diag "$(cat "$T/err")"; }

# --- 4. the server dies mid-transfer: that feed fails, keeps its rows -------------
PPORT=$(free_port)
cat >"$T/half.py" <<'EOF'
# Answers each request with the full Content-Length, sends half the body, closes.
import socket, sys, time
port, path, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(8); s.settimeout(1)
end = time.time() + 90
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    c.settimeout(10)
    try:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n" % len(data))
        c.sendall(data[: len(data) // 2])
        open(log, "a").write("half\n")
    except OSError:
        pass
    c.close()
EOF
"$PY" "$T/half.py" "$PPORT" "$F/redhat-oval/rhel-8.oval.v2.xml" "$T/half.log" &
HALF_PID=$!
at_exit "kill $HALF_PID 2>/dev/null"
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PPORT" || diag "half server not up"
sed "s|^rhel-8-oval\toval\t[^ ]*|rhel-8-oval\toval\thttp://127.0.0.1:$PPORT/rhel-8.oval.xml|" "$T/feeds.conf" >"$T/feeds-half.conf"
# Change another feed at the same time: it must still update.
sleep 1
cp "$F/debian-tracker/vunnel_debian.json" "$W/tracker/data/json"
direct "$T/direct.db" debian-tracker "$F/debian-tracker/vunnel_debian.json"
sleep 1
rhel_before=$("$HULLSCAN" db status --db "$DB" | awk -F'\t' '$1 == "rhel-8-oval" { print $3, $4, $9, $7 }')
t0=$(date +%s)
expect_status "server closing mid-transfer: exit 2" 2 \
	timeout 120 "$HULLSCAN" db update --db "$DB" --feeds "$T/feeds-half.conf" --retries 1
t1=$(date +%s)
grep -q "^hullscan: rhel-8-oval: http://127.0.0.1:$PPORT/rhel-8.oval.xml: .*; keeping its previous [0-9,]* records$" "$T/err" &&
	ok "mid-transfer: one clear line names the feed and its URL" || { not_ok "mid-transfer message"; diag "$(cat "$T/err")"; }
[ "$(grep -c half "$T/half.log" 2>/dev/null)" -ge 2 ] && [ $((t1 - t0)) -lt 60 ] &&
	ok "mid-transfer: retried once, gave up in $((t1 - t0)) s" || not_ok "mid-transfer: $(cat "$T/half.log" 2>/dev/null | wc -l) attempts in $((t1 - t0)) s"
[ "$("$HULLSCAN" db status --db "$DB" | awk -F'\t' '$1 == "rhel-8-oval" { print $3, $4, $9, $7 }')" = "$rhel_before" ] &&
	[ "$(records "$DB" rhel-8-oval)" = "$(records "$T/direct.db" rhel-8-oval)" ] &&
	ok "mid-transfer: the feed keeps its records, import time, hash and ETag" || not_ok "mid-transfer: rhel-8-oval changed"
counts_match "$DB" && [ "$(rows_sha "$DB")" = "$(rows_sha "$T/direct.db")" ] &&
	grep -q '^hullscan: debian-tracker: 200, ' "$T/err" &&
	ok "mid-transfer: the other changed feed still updated" || not_ok "mid-transfer: other feeds"
[ -z "$(ls "$T/db" | grep -v '^vuln\.db\(\.lock\)\?$')" ] && ok "mid-transfer: no temporary file left" ||
	not_ok "left in $T/db: $(ls "$T/db")"
kill "$HALF_PID" 2>/dev/null || true

# --- 5. a truncated archive: the feed fails, the database keeps its rows ----------
good=$(rows_sha "$DB")
sleep 1
gzip -c "$F/alpine-secdb/json/v3.10/community.json" >"$T/c.gz"
head -c $(( $(stat -c %s "$T/c.gz") / 2 )) "$T/c.gz" >"$W/alpine/v3.10/community.json.gz"
m=$(log_mark)
expect_status "truncated gzip feed: exit 2" 2 update
grep -q "^hullscan: alpine-v3.10-community: $BASE/alpine/v3.10/community.json.gz: gzip data: .*; keeping its previous" "$T/err" &&
	[ "$(grep -c '^hullscan: alpine-v3.10-community: ' "$T/err")" -eq 1 ] &&
	ok "truncated gzip: one line names the feed, its URL and the gzip failure" || { not_ok "truncated gzip message"; diag "$(cat "$T/err")"; }
[ "$(rows_sha "$DB")" = "$good" ] && [ "$(log_since "$m" | awk '$2 == 200' | wc -l)" -eq 1 ] &&
	ok "truncated gzip: every advisory row as it was" || not_ok "truncated gzip: rows changed"
m=$(log_mark)
expect_status "the truncated feed is fetched again next time (its old validators no longer match): exit 2" 2 update
log_since "$m" | grep -q '^/alpine/v3.10/community.json.gz 200$' && ok "failed feed: refetched, not 304" ||
	{ not_ok "failed feed refetch"; diag "$(log_since "$m")"; }
gzip -c "$F/alpine-secdb/json/v3.10/community.json" >"$W/alpine/v3.10/community.json.gz"

# --- 6. a malformed feed among good ones -----------------------------------------
sleep 1
printf '{"packages": [ {"pkg": ' | xz -c >"$W/alpine/v3.9/main.json.xz"
bzip2 -c "$F/alpine-secdb/json/v3.8/main.json" >"$W/alpine/v3.11/main.json.bz2"
direct "$T/direct.db" alpine-v3.11-main "$F/alpine-secdb/json/v3.8/main.json"
v39_before=$("$HULLSCAN" db status --db "$DB" | awk -F'\t' '$1 == "alpine-v3.9-main" { print $3, $4, $9 }')
expect_status "malformed feed among good ones: exit 2" 2 update
grep -q "^hullscan: alpine-v3.9-main: $BASE/alpine/v3.9/main.json.xz: .*JSON" "$T/err" &&
	grep -q "^hullscan: 1 of $NFEEDS feeds failed$" "$T/err" &&
	ok "malformed feed: named with its URL; the summary counts 1 failure" || { not_ok "malformed feed message"; diag "$(cat "$T/err")"; }
[ "$("$HULLSCAN" db status --db "$DB" | awk -F'\t' '$1 == "alpine-v3.9-main" { print $3, $4, $9 }')" = "$v39_before" ] &&
	counts_match "$DB" && [ "$(rows_sha "$DB")" = "$(rows_sha "$T/direct.db")" ] &&
	ok "malformed feed: keeps its rows; the changed good feed updated (== direct import)" ||
	not_ok "malformed feed among good ones: rows"

# --- killed mid-update: SIGTERM removes the new file, SIGKILL's is removed next time --
cat >"$T/slow.py" <<'EOF'
# Sends headers, then one byte every 0.2 s (bounded: 60 s), to keep an update busy.
import socket, sys, time
port, log = int(sys.argv[1]), sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(8); s.settimeout(1)
end = time.time() + 60
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    open(log, "a").write("conn\n")
    try:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
        while time.time() < end:
            c.sendall(b" "); time.sleep(0.2)
    except OSError:
        pass
    c.close()
EOF
SPORT=$(free_port)
"$PY" "$T/slow.py" "$SPORT" "$T/slow.log" &
SLOW_PID=$!
at_exit "kill $SLOW_PID 2>/dev/null"
K=$T/k/vuln.db
printf 'a alpine-secdb file://%s\n' "$F/alpine-secdb/json/v3.10/main.json" >"$T/k1.conf"
printf 'a alpine-secdb file://%s\nb alpine-secdb http://127.0.0.1:%s/slow.json\n' \
	"$F/alpine-secdb/json/v3.11/main.json" "$SPORT" >"$T/k2.conf"
"$HULLSCAN" db update -q --db "$K" --feeds "$T/k1.conf"
kbefore=$(rows_sha "$K")
killed_update() {	# killed_update SIGNAL: start an update, kill it once its new file exists
	: >"$T/slow.log"
	"$HULLSCAN" db update -q --db "$K" --feeds "$T/k2.conf" 2>/dev/null &
	local pid=$!
	wait_for 20 grep -q conn "$T/slow.log" && wait_for 10 bash -c "ls '$T/k' | grep -q 'vuln.db.tmp-'" ||
		diag "update not busy"
	kill -"$1" "$pid"; wait "$pid" 2>/dev/null || true
}
killed_update TERM
[ -z "$(ls "$T/k" | grep tmp-)" ] && [ "$(rows_sha "$K")" = "$kbefore" ] &&
	ok "SIGTERM mid-update: new file removed, database as it was" || not_ok "SIGTERM: $(ls "$T/k")"
killed_update KILL
[ -n "$(ls "$T/k" | grep tmp-)" ] && [ "$(rows_sha "$K")" = "$kbefore" ] &&
	ok "SIGKILL mid-update: database as it was (its new file stays behind)" || not_ok "SIGKILL: $(ls "$T/k")"
expect_status "the next update: exit 0" 0 "$HULLSCAN" db update --db "$K" --feeds "$T/k1.conf"
[ -z "$(ls "$T/k" | grep tmp-)" ] && ok "the next update removes the killed one's file" || not_ok "left: $(ls "$T/k")"
kill "$SLOW_PID" 2>/dev/null || true

# --- a database from before "db update": columns added on the first update --------
cp "$T/direct.db" "$T/old.db"
"$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for col in ("url", "etag", "last_modified", "checked_at"):
    c.execute("alter table feeds drop column " + col)
c.commit()' "$T/old.db"
expect_status "db status of a database without the update columns: exit 0" 0 "$HULLSCAN" db status --db "$T/old.db"
[ "$(awk -F'\t' '$5 == "-" && $7 == "-" && $8 == "-"' "$T/out" | wc -l)" -eq "$NFEEDS" ] &&
	ok "old database: no check time or validators shown" || { not_ok "old database status"; diag "$(cat "$T/out")"; }
printf 'debian-tracker debian-tracker file://%s\n' "$F/debian-tracker/vunnel_debian.json" >"$T/old.conf"
expect_status "db update of that database: exit 0" 0 "$HULLSCAN" db update --db "$T/old.db" --feeds "$T/old.conf"
"$HULLSCAN" db status --db "$T/old.db" | awk -F'\t' '$1 == "debian-tracker" && $5 != "-" && $2 ~ /^file:/' | grep -q . &&
	[ "$(records "$T/old.db" alpine-v3.10-main)" = "$(records "$T/direct.db" alpine-v3.10-main)" ] &&
	ok "old database: columns added, the feed updated, the others kept" || not_ok "old database update"

# --- 7. feed list errors ------------------------------------------------------------
printf 'debian-tracker debian-tracker\n' >"$T/bad1.conf"
expect_status "feed list line with two fields: exit 2" 2 "$HULLSCAN" db update --db "$T/x.db" --feeds "$T/bad1.conf"
grep -q "^hullscan: $T/bad1.conf:1: expected NAME FORMAT URL$" "$T/err" && ok "bad feed list line named FILE:LINE" ||
	{ not_ok "bad feed list message"; diag "$(cat "$T/err")"; }
printf '# c\n\na nosuch http://127.0.0.1:1/a\n' >"$T/bad2.conf"
expect_status "unknown format in the feed list: exit 2" 2 "$HULLSCAN" db update --db "$T/x.db" --feeds "$T/bad2.conf"
grep -q "bad2.conf:3: a: unknown feed format nosuch" "$T/err" && ok "unknown format named with its line" || not_ok "unknown format message"
printf 'a osv ftp://x/a\n' >"$T/bad3.conf"
expect_status "ftp URL in the feed list: exit 2" 2 "$HULLSCAN" db update --db "$T/x.db" --feeds "$T/bad3.conf"
printf 'a osv http://127.0.0.1:%s/a\na osv http://127.0.0.1:%s/b\n' "$PORT" "$PORT" >"$T/bad4.conf"
expect_status "a feed listed twice: exit 2" 2 "$HULLSCAN" db update --db "$T/x.db" --feeds "$T/bad4.conf"
grep -q "bad4.conf:2: feed a already listed on line 1" "$T/err" && ok "duplicate feed named" || not_ok "duplicate feed message"
[ ! -e "$T/x.db" ] && ok "a bad feed list creates no database" || not_ok "bad feed list created $T/x.db"
printf 'gone osv %s/nope/all.zip\n' "$BASE" >"$T/404.conf"
expect_status "a 404 feed: exit 2" 2 "$HULLSCAN" db update --db "$T/x.db" --feeds "$T/404.conf"
grep -q "^hullscan: gone: $BASE/nope/all.zip: HTTP 404$" "$T/err" && ok "404 named with its URL" ||
	{ not_ok "404 message"; diag "$(cat "$T/err")"; }
expect_status "a missing feed list: exit 2" 2 "$HULLSCAN" db update --db "$T/x.db" --feeds "$T/none.conf"
"$HULLSCAN" db update --db "$T/x.db" --feeds "$top_srcdir/data/feeds.conf" --mirror "$T/empty" >"$T/out" 2>"$T/err" || true
n=$(grep -v '^#' "$top_srcdir/data/feeds.conf" | grep -c .)
[ "$(grep -c "^hullscan: [^:]*: $T/empty/.*: No such file or directory\$" "$T/err")" -eq "$n" ] &&
	ok "data/feeds.conf parses: $n feeds, each mapped into the mirror" || { not_ok "data/feeds.conf"; diag "$(head -5 "$T/err")"; }

# --- a mirror URL: URL/HOST/PATH on another server ---------------------------------
mkdir -p "$W/m/security-tracker.debian.org/tracker/data"
cp "$F/debian-tracker/vunnel_debian.json" "$W/m/security-tracker.debian.org/tracker/data/json"
chmod -R a+rX "$W/m"
printf 'debian-tracker debian-tracker https://security-tracker.debian.org/tracker/data/json\n' >"$T/up1.conf"
m=$(log_mark)
expect_status "--mirror URL: exit 0" 0 "$HULLSCAN" db update --db "$T/mu.db" --feeds "$T/up1.conf" --mirror "$BASE/m/"
[ "$(log_since "$m")" = "/m/security-tracker.debian.org/tracker/data/json 200" ] &&
	[ "$(records "$T/mu.db" debian-tracker)" = "$(records "$T/direct.db" debian-tracker)" ] &&
	ok "--mirror URL: fetched URL/HOST/PATH, records == direct import" || { not_ok "--mirror URL"; diag "$(log_since "$m")"; }

# --- 8. a mirror directory, no server at all --------------------------------------
stop_nginx
M=$T/mirror
mkdir -p "$M/security-tracker.debian.org/tracker/data" "$M/secdb.alpinelinux.org/v3.10" \
	"$M/osv-vulnerabilities.storage.googleapis.com/Rocky Linux" \
	"$M/security.access.redhat.com/data/oval/v2/RHEL8"
cp "$F/debian-tracker/vunnel_debian.json" "$M/security-tracker.debian.org/tracker/data/json"
cp "$F/alpine-secdb/json/v3.10/main.json" "$M/secdb.alpinelinux.org/v3.10/main.json"
gzip -c "$F/alpine-secdb/json/v3.10/community.json" >"$M/secdb.alpinelinux.org/v3.10/community.json.gz"
"$PY" - "$F/osv" "$M/osv-vulnerabilities.storage.googleapis.com/Rocky Linux/all.zip" <<'EOF'
import glob, os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for p in sorted(glob.glob(sys.argv[1] + "/RLSA-*.json")):
        z.write(p, os.path.basename(p))
EOF
bzip2 -c "$F/redhat-oval/rhel-8.oval.v2.xml" >"$M/security.access.redhat.com/data/oval/v2/RHEL8/rhel-8.oval.xml.bz2"
cat >"$T/upstream.conf" <<'EOF'
debian-tracker	debian-tracker	https://security-tracker.debian.org/tracker/data/json
alpine-v3.10-main	alpine-secdb	https://secdb.alpinelinux.org/v3.10/main.json
alpine-v3.10-community	alpine-secdb	https://secdb.alpinelinux.org/v3.10/community.json.gz
osv-rocky	osv	https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip
rhel-8-oval	oval	https://security.access.redhat.com/data/oval/v2/RHEL8/rhel-8.oval.xml.bz2
EOF
"$PY" - "$M/osv-vulnerabilities.storage.googleapis.com/Rocky Linux/all.zip" "$T/rocky.zip" <<'EOF'
import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])
EOF
direct "$T/mdirect.db" debian-tracker "$F/debian-tracker/vunnel_debian.json"
direct "$T/mdirect.db" alpine-v3.10-main "$F/alpine-secdb/json/v3.10/main.json"
direct "$T/mdirect.db" alpine-v3.10-community "$F/alpine-secdb/json/v3.10/community.json"
direct "$T/mdirect.db" osv-rocky "$T/rocky.zip"
direct "$T/mdirect.db" rhel-8-oval "$F/redhat-oval/rhel-8.oval.v2.xml"
# Any request that escaped the mirror would go to a closed loopback port, never out.
export https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9
expect_status "--mirror DIR with no server: exit 0" 0 timeout 60 "$HULLSCAN" db update --db "$T/m.db" \
	--feeds "$T/upstream.conf" --mirror "$M" --retries 0
[ "$(grep -c '^hullscan: [^:]*: file, .* records (' "$T/err")" -eq 5 ] && [ "$(rows_sha "$T/m.db")" = "$(rows_sha "$T/mdirect.db")" ] &&
	[ "$(records "$T/m.db" osv-rocky)" -gt 0 ] &&
	ok "mirror: HOST/PATH files (a %20 path too) imported, rows == direct imports" ||
	{ not_ok "mirror import"; diag "$(cat "$T/err")"; }
status_field "$T/m.db" osv-rocky 2 | grep -q "^file://$M/osv-vulnerabilities.storage.googleapis.com/Rocky Linux/all.zip$" &&
	ok "mirror: db status shows the file it came from" || not_ok "mirror source: $(status_field "$T/m.db" osv-rocky 2)"
ino=$(stat -c %i "$T/m.db")
expect_status "HULLSCAN_FEED_MIRROR, unchanged files: exit 0" 0 env HULLSCAN_FEED_MIRROR="$M" \
	timeout 60 "$HULLSCAN" db update --db "$T/m.db" --feeds "$T/upstream.conf" --retries 0
[ "$(grep -c ': file, .*, unchanged (' "$T/err")" -eq 5 ] && [ "$(stat -c %i "$T/m.db")" = "$ino" ] &&
	ok "mirror again: every feed unchanged, nothing re-imported" || { not_ok "mirror second run"; diag "$(cat "$T/err")"; }
expect_status "no mirror, no network: exit 2, nothing lost" 2 timeout 60 "$HULLSCAN" db update --db "$T/m.db" \
	--feeds "$T/upstream.conf" --retries 0 --connect-timeout 5
[ "$(grep -c '; keeping its previous' "$T/err")" -eq 5 ] && [ "$(rows_sha "$T/m.db")" = "$(rows_sha "$T/mdirect.db")" ] &&
	ok "unreachable feeds: each named, every row kept" || { not_ok "unreachable feeds"; diag "$(cat "$T/err")"; }
unset https_proxy http_proxy

# --- 9. every compression, whatever the format --------------------------------------
# Feeds compressed here with gzip, bzip2, xz and zstd, listed as oval, alpine-secdb or
# auto, read from file:// URLs. The independent answer: each feed's advisory rows, read
# with sqlite3, are those of the uncompressed file imported as it is.
Z=$T/z
mkdir -p "$Z"
ROVAL=$F/redhat-oval/rhel-8.oval.v2.xml
UOVAL=$F/ubuntu-oval/fetcher_ubuntu_test.xenial.oval.xml
SECDB=$F/alpine-secdb/json/v3.10/main.json
zstd -q -c "$ROVAL" >"$Z/rhel-8.oval.xml.zst"
gzip -c "$UOVAL" >"$Z/ubuntu.xml.gz"
bzip2 -c "$UOVAL" >"$Z/ubuntu.xml.bz2"
xz -c "$UOVAL" >"$Z/ubuntu.xml.xz"
zstd -q -c "$UOVAL" >"$Z/ubuntu.xml.zst"
zstd -q -c "$SECDB" >"$Z/main.json.zst"
# NAME FORMAT FILE (in $Z) UNCOMPRESSED-SOURCE
cat >"$T/z.tsv" <<EOF
rhel-8-zstd	oval	rhel-8.oval.xml.zst	$ROVAL
ubuntu-gzip	oval	ubuntu.xml.gz	$UOVAL
ubuntu-bzip2	oval	ubuntu.xml.bz2	$UOVAL
ubuntu-xz	oval	ubuntu.xml.xz	$UOVAL
ubuntu-zstd	oval	ubuntu.xml.zst	$UOVAL
ubuntu-zstd-auto	auto	ubuntu.xml.zst	$UOVAL
alpine-zstd	alpine-secdb	main.json.zst	$SECDB
alpine-zstd-auto	auto	main.json.zst	$SECDB
EOF
while IFS=$'\t' read -r name fmt file src; do
	printf '%s\t%s\tfile://%s/%s\n' "$name" "$fmt" "$Z" "$file"
	direct "$T/zplain.db" "$name" "$src" "$fmt"
done <"$T/z.tsv" >"$T/z.conf"
feed_rows() {	# feed_rows DB NAME: count and hash of the feed's rows, feed name left out
	local sel="from advisories a join feeds f on f.id = a.feed where f.name = '$2'"
	printf '%s %s\n' "$(sqlite3 "$1" "select count(*) $sel")" "$(sqlite3 -separator '|' "$1" \
	    "select a.namespace, a.package, a.kind, a.ecosystem, a.vuln_id, a.introduced, a.fixed_version,
	    a.last_affected, a.status, a.severity $sel order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10" | sha256sum | cut -c1-16)"
}
expect_status "compressed feeds of every format: exit 0" 0 timeout 60 "$HULLSCAN" db update --db "$T/z.db" --feeds "$T/z.conf"
while IFS=$'\t' read -r name fmt file src; do
	got=$(feed_rows "$T/z.db" "$name"); want=$(feed_rows "$T/zplain.db" "$name")
	if [ "$got" = "$want" ] && [ "${want%% *}" -gt 0 ]; then
		ok "$name ($fmt, $file): the ${want%% *} advisories of the uncompressed file"
	else
		not_ok "$name ($fmt, $file): $got, uncompressed $want"
	fi
done <"$T/z.tsv"
# db import reads them the same way.
bad=0
while IFS=$'\t' read -r name fmt file src; do
	direct "$T/zimport.db" "$name" "$Z/$file" "$fmt" 2>>"$T/zimport.err" || bad=1
	[ "$(feed_rows "$T/zimport.db" "$name")" = "$(feed_rows "$T/zplain.db" "$name")" ] || bad=1
done <"$T/z.tsv"
[ "$bad" -eq 0 ] && ok "db import of the same compressed files: the same rows" ||
	{ not_ok "db import of compressed files"; diag "$(cat "$T/zimport.err")"; }

done_testing
