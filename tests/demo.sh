#!/bin/sh
# The nightly job, end to end, on the shared fixtures: two builds of one list
# of images, each scanned, stored in the history, diffed and reported.
#   build 1: an Ubuntu 18.04 image (a real dpkg status) against Canonical's OSV
#            records; an Alpine 3.10 app image whose musl and libssl1.1 are old;
#            Alpine 3.11.13 and Debian 12, clean.
#   build 2: the app image rebuilt on the current Alpine 3.10 packages (its four
#            findings fixed), and Ubuntu's records of two more vulnerabilities
#            published overnight (CVE-2019-5094 with USN-4142-1, CVE-2022-1271
#            with USN-5378-1 and -2: new findings in the Ubuntu image).
# Reports of build 1 in OUT/build-1/, of build 2 in OUT/ (report.json,
# junit.xml, html/index.html); the history in OUT/history.db. OUT is demo/
# or $HULLSCAN_DEMO_OUT. Exits 0 when both builds ran (whatever the policy
# said), else the failing build's status.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
hs=${HULLSCAN:-$top/build/hullscan}
fx=${HULLSCAN_FIXTURES:-$top/../shared/fixtures}
out=${HULLSCAN_DEMO_OUT:-$top/demo}
[ -d "$fx/feeds" ] || { echo "demo: fixtures not found at $fx" >&2; exit 2; }
fx=$(cd "$fx" && pwd -P)
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
osv=$fx/feeds/ubuntu-osv-bionic
# Held back for build 2: two vulnerabilities, each with every record naming it.
later="$osv/UBUNTU-CVE-2019-5094.json $osv/USN-4142-1.json \
$osv/UBUNTU-CVE-2022-1271.json $osv/USN-5378-1.json $osv/USN-5378-2.json"
minirootfs=$fx/images/alpine-minirootfs/alpine-minirootfs
mkoci() { /usr/bin/python3 "$top/tests/mkoci.py" "$@" >/dev/null; }

# A fresh start: the demo always shows the same two builds.
rm -rf "$out/images" "$out/work" "$out/work.import.log" "$out/build-1" "$out/html"
rm -f "$out/vuln.db" "$out/history.db" "$out/report.json" "$out/junit.xml" \
    "$out/images.txt"
mkdir -p "$out/images" "$out/work" "$out/build-1"
cd "$out"
w=$out/work

echo "demo: build 1: filling vuln.db from the feed files"
set --
for f in "$osv"/*.json; do
	case " $later " in *" $f "*) ;; *) set -- "$@" "$f" ;; esac
done
"$hs" db import -q --db vuln.db \
    "$fx"/feeds/alpine-secdb/json/v3.1[01]/main.json \
    "$fx"/feeds/alpine-secdb/json/v3.1[01]/community.json \
    "$fx"/feeds/debian-tracker/vunnel_debian.json "$@" >"$w.import.log"
echo "demo: build 1: $(($# + 5)) feed files imported (Alpine secdb v3.10, v3.11; a Debian"
echo "demo:          tracker excerpt; Canonical's OSV records for Ubuntu 18.04 but five)"

# The images, as a build would make them: OCI layouts.
mkdir -p "$w/ubuntu/etc" "$w/ubuntu/var/lib/dpkg" "$w/app/lib/apk/db"
cp "$fx/os-release/claircore/ubuntu/testdata/dist/18.04/etc/os-release" \
    "$fx/os-release/claircore/ubuntu/testdata/dist/18.04/etc/lsb-release" "$w/ubuntu/etc/"
cp "$fx/dpkg/trivy-ubuntu1804-status/status" "$w/ubuntu/var/lib/dpkg/status"
tar -C "$w/ubuntu" -cf "$w/ubuntu.tar" etc var
mkoci images/ubuntu 18.04 "$w/ubuntu.tar"
# The app: Alpine 3.10.3 with the older musl (1.1.22-r2) and libssl1.1
# (1.1.1b-r1) it was built with; the v3.10 secdb fixes both.
tar -xzOf "$minirootfs-3.10.3-x86_64.tar.gz" ./lib/apk/db/installed |
    sed -e '/^P:musl$/,/^$/s/^V:1.1.22-r3$/V:1.1.22-r2/' \
    -e '/^P:libssl1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1b-r1/' >"$w/app/lib/apk/db/installed"
tar -C "$w/app" -cf "$w/app-old.tar" lib
mkoci images/app latest "$minirootfs-3.10.3-x86_64.tar.gz" "$w/app-old.tar"
mkoci images/alpine 3.11.13 "$minirootfs-3.11.13-x86_64.tar.gz"
ln -s "$fx/images/debian-12" images/debian-12

cat >images.txt <<'LIST'
# The nightly list: one reference a line.
oci:images/ubuntu:18.04
oci:images/app:latest
oci:images/alpine:3.11.13
oci:images/debian-12:12
LIST

# build N DIR: scan the list as build N of job "demo", reports in DIR.
build() {
	echo "demo: build $1: scanning the images of images.txt"
	set +e
	"$hs" scan --db vuln.db --images images.txt --history history.db \
	    --job demo --build "$1" --fail-on high --templates "$top/templates" \
	    --json "$2/report.json" --junit "$2/junit.xml" --html "$2/html"
	status=$?
	set -e
	echo "demo: build $1: exit status $status"
	[ "$status" -le 1 ]
}
build 1 build-1 || exit $status

# Overnight: the app is rebuilt on the current packages, and Canonical
# publishes two more advisories.
mkoci images/app latest "$minirootfs-3.10.3-x86_64.tar.gz"
echo "demo: build 2: Ubuntu's records of two more vulnerabilities in vuln.db"
# shellcheck disable=SC2086
"$hs" db import -q --db vuln.db $later >>"$w.import.log"
build 2 . || exit $status

echo "demo: reports of build 1 in $out/build-1; of build 2, with what is new and fixed"
echo "demo: since build 1, in $out: report.json, junit.xml, html/index.html"
echo "demo: history of both builds in $out/history.db"
exit 0
