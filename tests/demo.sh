#!/bin/sh
# The main job, end to end, on the shared fixtures: fill the vulnerability
# database from feed files, scan a list of images, write the reports (JSON,
# JUnit, HTML) and the history to demo/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
hs=$top/build/hullscan
fx=${HULLSCAN_FIXTURES:-$top/../shared/fixtures}
out=$top/demo
[ -d "$fx/feeds" ] || { echo "demo: fixtures not found at $fx" >&2; exit 2; }
mkdir -p "$out"
db=$out/vuln.db

echo "demo: filling $db from the feed files"
"$hs" db import --db "$db" \
    "$fx"/feeds/alpine-secdb/json/v3.1*/main.json "$fx"/feeds/alpine-secdb/json/v3.1*/community.json \
    "$fx"/feeds/debian-tracker/vunnel_debian.json

# Wrap the Alpine root filesystems as one-layer images.
for v in 3.10.3 3.11.13; do
	/usr/bin/python3 "$top/tests/mkoci.py" "$out/alpine" "$v" \
	    "$fx/images/alpine-minirootfs/alpine-minirootfs-$v-x86_64.tar.gz" >/dev/null
done
cat >"$out/images.txt" <<LIST
# one reference a line
oci:$fx/images/debian-12:12
docker-archive:$fx/images/trivy-docker-archive/alpine-310.tar.gz
oci:$out/alpine:3.10.3
oci:$out/alpine:3.11.13
LIST
echo "demo: scanning the images in $out/images.txt"
set +e
"$hs" scan --db "$db" --images "$out/images.txt" --history "$out/history.db" \
    --json "$out/report.json" --junit "$out/junit.xml" --html "$out/html"
status=$?
set -e
echo "demo: exit status $status; reports in $out: report.json, junit.xml, html/index.html;"
echo "demo: history in $out/history.db (run again to see the build diffed against this one)"
exit $status
