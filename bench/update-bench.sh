#!/bin/bash
# Feed update benchmark (not part of make check): import throughput per feed
# format, and a Debian-tracker-sized JSON (SYNTHETIC-SIZED: the real excerpts'
# records repeated under new package names and CVE ids, ~70 MB) updated from
# a loopback nginx, first (200) and again (304). The floor is jansson alone
# parsing the same file, measured in the same run (bench/jansson-parse.c);
# the target is an import within 2x of it.
# usage: bench/update-bench.sh [BUILD_DIR] [MB]   (BUILD_DIR holds hullscan,
# default the current directory; MB the synthetic file's size, default 70)
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-.}" && pwd)
MB=${2:-70}
HULLSCAN=$B/hullscan
FIXTURES=${HULLSCAN_FIXTURES:-$top_srcdir/../shared/fixtures}
F=$FIXTURES/feeds
PY=/usr/bin/python3
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
T=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-bench.XXXXXX")
chmod 755 "$T"
NGINX_PID=
cleanup() { [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

cc -O2 -o "$T/jansson-parse" "$top_srcdir/bench/jansson-parse.c" $(pkg-config --cflags --libs jansson)
cc -O2 -o "$T/libxml2-parse" "$top_srcdir/bench/libxml2-parse.c" $(pkg-config --cflags --libs libxml-2.0)

secs() { "$PY" -c 'import sys,time; print("%.3f" % (time.time() - float(sys.argv[1])))' "$1"; }
now() { "$PY" -c 'import time; print(time.time())'; }
# best of 3 of a command's wall time
best3() {
	local best= t0 t
	for _ in 1 2 3; do
		rm -f "$T/b.db"
		t0=$(now); "$@" >/dev/null; t=$(secs "$t0")
		best=$("$PY" -c 'import sys; a=[float(x) for x in sys.argv[1:] if x]; print("%.3f" % min(a))' "$t" $best)
	done
	echo "$best"
}
row() {	# row LABEL FILE... : import time, MB/s, records/s
	local label=$1; shift
	local bytes t recs
	bytes=$(cat "$@" | wc -c)
	t=$(best3 "$HULLSCAN" db import --db "$T/b.db" "$@")
	"$HULLSCAN" db import --db "$T/b.db" "$@" >/dev/null
	recs=$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from advisories").fetchone()[0])' "$T/b.db")
	"$PY" -c 'import sys; l,b,t,r=sys.argv[1],int(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print("%-34s %8.2f MB %7.3f s %8.1f MB/s %10d records %10.0f records/s" % (l,b/1e6,t,b/1e6/t,r,r/t))' \
	    "$label" "$bytes" "$t" "$recs"
}

echo "== import throughput per format (best of 3, fresh database each time)"
row "alpine-secdb (18 files)" "$F"/alpine-secdb/json/*/*.json
row "debian-tracker (2 excerpts)" "$F"/debian-tracker/*.json
"$PY" - "$F/ubuntu-osv-bionic" "$T/osv.zip" <<'EOF'
import glob, os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for p in sorted(glob.glob(sys.argv[1] + "/*.json")):
        z.write(p, os.path.basename(p))
EOF
row "osv (62 records, zip)" "$T/osv.zip"
row "oval (rhel-8 v2, 3.5 MB)" "$F/redhat-oval/rhel-8.oval.v2.xml"
row "oval (RHEL 3 v1, 4 MB)" "$F/redhat-oval/Red_Hat_Enterprise_Linux_3.xml"
row "oval (CBL-Mariner 2.0, 4 MB)" "$F/azurelinux/cbl-mariner-2.0-oval.xml"
row "oval (Azure Linux 3.0, 2 MB)" "$F/azurelinux/azurelinux-3.0-oval.xml"
row "updateinfo (AL2, 2 updates, gz)" "$F/amazon/updateinfo_AL2-2items.xml.gz"
row "csaf (7 documents)" "$F"/redhat-csaf-vex/*.json

# The whole Go vulndb (4291 real records): its zip and the same records as one
# JSON array against jansson parsing that array alone (the floor).
echo "== OSV: the whole Go vulndb (lang/osv/govulndb, 4291 records)"
"$PY" - "$FIXTURES/lang/osv/govulndb" "$T/go.zip" "$T/go.json" <<'EOF'
import glob, json, os, sys, zipfile
files = sorted(glob.glob(sys.argv[1] + "/GO-*.json"))
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for p in files:
        z.write(p, os.path.basename(p))
json.dump([json.load(open(p)) for p in files], open(sys.argv[3], "w"))
EOF
floor=9999
for _ in 1 2 3; do
	t=$("$T/jansson-parse" "$T/go.json")
	floor=$("$PY" -c 'import sys; print("%.3f" % min(float(sys.argv[1]), float(sys.argv[2])))' "$t" "$floor")
done
echo "jansson parse of the records as one array (floor, best of 3): $floor s"
row "osv (Go vulndb, zip)" "$T/go.zip"
row "osv (Go vulndb, one JSON array)" "$T/go.json"
imp=$(best3 "$HULLSCAN" db import --db "$T/b.db" "$T/go.zip")
echo "Go vulndb zip import: $imp s, $("$PY" -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$imp" "$floor")x the jansson floor"

# Microsoft's whole CBL-Mariner 2.0 OVAL (4 MB, 2436 definitions, their tests,
# objects and states): the import against libxml2 alone parsing the same
# file into a tree (bench/libxml2-parse.c), both best of 5, interleaved.
echo "== CBL-Mariner 2.0 OVAL: import vs libxml2's parse alone"
MAR=$F/azurelinux/cbl-mariner-2.0-oval.xml
if [ -f "$MAR" ]; then
	xfloor=9999 ximp=9999
	for _ in 1 2 3 4 5; do
		t=$("$T/libxml2-parse" "$MAR")
		xfloor=$("$PY" -c 'import sys; print("%.3f" % min(float(sys.argv[1]), float(sys.argv[2])))' "$t" "$xfloor")
		rm -f "$T/m.db"
		t0=$(now); "$HULLSCAN" db import -q --db "$T/m.db" "$MAR" >/dev/null; t=$(secs "$t0")
		ximp=$("$PY" -c 'import sys; print("%.3f" % min(float(sys.argv[1]), float(sys.argv[2])))' "$t" "$ximp")
	done
	xratio=$("$PY" -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$ximp" "$xfloor")
	xverdict=pass
	"$PY" -c 'import sys; sys.exit(float(sys.argv[1]) > 2.0)' "$xratio" || { xverdict=MISSED; MISSED=1; }
	echo "libxml2 parse alone (floor, best of 5): $xfloor s"
	echo "hullscan db import, whole process (best of 5): $ximp s  (${xratio}x the floor; target <= 2x: $xverdict)"
else
	echo "skipped: $MAR is missing"
fi

echo "== synthetic-sized Debian tracker (~$MB MB, built from the real excerpts)"
mkdir -p "$T/www/tracker/data"
"$PY" - "$MB" "$F/debian-tracker/vunnel_debian.json" "$F/debian-tracker/clair_fetcher_debian_test.json" \
    "$T/www/tracker/data/json" <<'EOF'
import json, sys
target = int(sys.argv[1]) * 1000 * 1000
src = {}
for p in sys.argv[2:4]:
    for pkg, cves in json.load(open(p)).items():
        src.setdefault(pkg, {}).update(cves)
out, size, n, i = {}, 2, 0, 0
while size < target:
    for pkg, cves in src.items():
        new = {}
        for cve, info in cves.items():
            n += 1
            new["CVE-%d-%07d" % (2000 + n % 25, n)] = info
        name = "%s-syn%d" % (pkg, i)
        out[name] = new
        size += len(json.dumps({name: new})) 
    i += 1
json.dump(out, open(sys.argv[4], "w"))
EOF
J=$T/www/tracker/data/json
chmod -R a+rX "$T/www"
printf '%-34s %8.2f MB\n' "file" "$(( $(wc -c <"$J") ))e-6"
floor=9999
for _ in 1 2 3; do
	t=$("$T/jansson-parse" "$J")
	floor=$("$PY" -c 'import sys; print("%.3f" % min(float(sys.argv[1]), float(sys.argv[2])))' "$t" "$floor")
done
echo "jansson parse alone (floor, best of 3): $floor s"
imp=$(best3 "$HULLSCAN" db import --db "$T/b.db" --feed debian-tracker --format debian-tracker "$J")
ratio=$("$PY" -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$imp" "$floor")
verdict=pass
"$PY" -c 'import sys; sys.exit(float(sys.argv[1]) > 2.0)' "$ratio" || { verdict=MISSED; MISSED=1; }
echo "hullscan db import (best of 3):        $imp s  (${ratio}x the floor; target <= 2x: $verdict)"

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cat >"$T/n.conf" <<EOF
daemon off; pid $T/nginx.pid; error_log $T/nginx.err;
events {}
http { log_format st '\$uri \$status \$body_bytes_sent'; access_log $T/access st;
	server { listen 127.0.0.1:$PORT; root $T/www; } }
EOF
"$NGINX" -c "$T/n.conf" -p "$T" &
NGINX_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
printf 'debian-tracker debian-tracker http://127.0.0.1:%s/tracker/data/json\n' "$PORT" >"$T/feeds.conf"
rm -f "$T/u.db"
t0=$(now); "$HULLSCAN" db update --db "$T/u.db" --feeds "$T/feeds.conf"; t=$(secs "$t0")
echo "db update, first (200, download + import + copy + rename): $t s"
t0=$(now); "$HULLSCAN" db update --db "$T/u.db" --feeds "$T/feeds.conf"; t=$(secs "$t0")
echo "db update, again (304):                                    $t s"
echo "nginx access log:"; sed 's/^/  /' "$T/access"
ls -l "$T/u.db" | awk '{ printf "database: %.1f MB\n", $5 / 1e6 }'
exit "${MISSED:-0}"
