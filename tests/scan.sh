#!/bin/bash
# End to end over real images: every local transport, the inventories against
# the fixtures' expected lists, Alpine and Debian matching against real feed
# records, the JSON report against its schema, and bad input.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd skopeo /usr/bin/python3

IMG=$FIXTURES/images
FEEDS=$FIXTURES/feeds
CMP="/usr/bin/python3 $top_srcdir/tests/cmp-inventory.py"
MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"
DB=$T/vuln.db

inventory() { "$HULLSCAN" inventory -q "$@"; }

# compare_inventory DESC KIND EXPECTED REF...
compare_inventory() {
	local desc=$1 kind=$2 exp=$3; shift 3
	if inventory "$@" >"$T/inv.tsv" 2>"$T/err" && $CMP "$kind" "$exp" "$T/inv.tsv" >"$T/cmp"; then
		ok "$desc ($(tail -1 "$T/cmp"))"
	else
		not_ok "$desc"; diag "$(cat "$T/err" "$T/cmp" 2>/dev/null | head -20)"
	fi
}

# json_query FILE PYTHON-EXPR: print the expression over the parsed report `r`.
json_query() {
	/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# --- inventories of real images, every transport -------------------------
for tag in 12 12-whiteouts; do
	compare_inventory "oci:debian-12:$tag: packages match dpkg-query" dpkg-query \
	    "$IMG/debian-12.expected-packages.tsv" "oci:$IMG/debian-12:$tag"
done
inventory "oci:$IMG/debian-12:12" >"$T/deb-12.tsv" 2>/dev/null || true
if grep -q "^# .*	debian	12	debian:bookworm\$" "$T/deb-12.tsv"; then
	ok "debian-12: os debian 12, namespace debian:bookworm"
else
	not_ok "debian-12: os line"; diag "$(head -1 "$T/deb-12.tsv")"
fi

# skopeo derives the other transports and a zstd copy from the same image.
if skopeo --insecure-policy copy -q "oci:$IMG/debian-12:12" "docker-archive:$T/deb.tar:test/deb:12" &&
    skopeo --insecure-policy copy -q "oci:$IMG/debian-12:12" "oci-archive:$T/deb-oci.tar:12" &&
    skopeo --insecure-policy copy -q --dest-compress-format zstd "oci:$IMG/debian-12:12" "oci:$T/deb-zstd:12"; then
	ok "skopeo made docker-archive, oci-archive and zstd copies"
else
	not_ok "skopeo made docker-archive, oci-archive and zstd copies"
fi
for ref in "docker-archive:$T/deb.tar" "docker-archive:$T/deb.tar:test/deb:12" \
    "oci-archive:$T/deb-oci.tar:12" "oci:$T/deb-zstd:12"; do
	if inventory "$ref" >"$T/derived.tsv" 2>"$T/err" &&
	    diff <(sed 1d "$T/deb-12.tsv") <(sed 1d "$T/derived.tsv") >"$T/diff"; then
		ok "$ref: same packages as the OCI original"
	else
		not_ok "$ref: same packages as the OCI original"; diag "$(cat "$T/err" "$T/diff" | head -20)"
	fi
done

# A bare path that exists is what it holds (issue 14): each copy above given
# without its transport, as what skopeo made it, and a root filesystem holding
# the image's package files.
gzip -1 -c "$T/deb.tar" >"$T/deb.tar.gz"
mkdir -p "$T/root12"
tar -xzf "$IMG/debian-12/blobs/sha256/3370084cb3fb3c014a2eb54e2e98c2abada48595d07e6218028814150e065df6" \
	-C "$T/root12" etc/os-release usr/lib/os-release var/lib/dpkg/status
for case in "deb.tar docker-archive" "deb.tar.gz docker-archive" "deb-oci.tar oci-archive" \
    "deb-zstd oci" "root12 dir"; do
	set -- $case
	if "$HULLSCAN" inventory "$T/$1" >"$T/derived.tsv" 2>"$T/err" &&
	    diff <(sed 1d "$T/deb-12.tsv") <(sed 1d "$T/derived.tsv") >"$T/diff" &&
	    [ "$(cat "$T/err")" = "hullscan: $T/$1: an existing $([ "$2" = dir ] && echo directory ||
	    { [ "$2" = oci ] && echo "OCI layout" || echo archive; }): read as $2:$T/$1" ]; then
		ok "bare $1: read as $2:, same packages as the OCI original"
	else
		not_ok "bare $1: read as $2:"; diag "$(cat "$T/err" "$T/diff" | head -20)"
	fi
done

# The Alpine minirootfs tarballs are single gzip layers: wrap each as an image.
for v in 3.10.3 3.11.13 3.20.3 20240923; do
	$MKOCI "$T/alpine" "$v" "$IMG/alpine-minirootfs/alpine-minirootfs-$v-x86_64.tar.gz" >/dev/null
	compare_inventory "alpine $v: packages match the image's own apk" apk \
	    "$FIXTURES/apk/minirootfs-expected/$v.expected_packages.tsv" "oci:$T/alpine:$v"
done

# docker save archives, gzipped as a whole.
compare_inventory "docker-archive alpine-311.tar.gz: packages match trivy's list" trivy \
    "$IMG/trivy-docker-archive/alpine-311.expected_packages_trivy.tsv" \
    "docker-archive:$IMG/trivy-docker-archive/alpine-311.tar.gz"
compare_inventory "docker-archive alpine-310.tar.gz: packages match apk list --installed" apk-list \
    "$IMG/trivy-docker-archive/alpine-310.apk-list-installed_ref.txt" \
    "docker-archive:$IMG/trivy-docker-archive/alpine-310.tar.gz"

# dir: reads an unpacked root filesystem.
mkdir -p "$T/rootfs"
tar -xzf "$IMG/alpine-minirootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz" -C "$T/rootfs"
compare_inventory "dir: alpine 3.11.13 root filesystem" apk \
    "$FIXTURES/apk/minirootfs-expected/3.11.13.expected_packages.tsv" "dir:$T/rootfs"

# --- matching against real feeds ---------------------------------------------
expect_status "db import of the real Alpine secdb v3.10 and v3.11" 0 \
    "$HULLSCAN" db import --db "$DB" "$FEEDS/alpine-secdb/json/v3.10/main.json" \
    "$FEEDS/alpine-secdb/json/v3.10/community.json" "$FEEDS/alpine-secdb/json/v3.11/main.json" \
    "$FEEDS/alpine-secdb/json/v3.11/community.json" "$FEEDS/debian-tracker/vunnel_debian.json"

# Alpine 3.10.3 postdates every fix in the 2020-06-08 v3.10 snapshot that
# touches its packages: the scan is clean.
expect_status "alpine 3.10.3 against secdb v3.10: exit 0" 0 \
    "$HULLSCAN" scan -q --db "$DB" --json "$T/clean.json" "oci:$T/alpine:3.10.3"
n=$(json_query "$T/clean.json" 'len(r["images"][0]["findings"])')
[ "$n" = 0 ] && ok "alpine 3.10.3 has no findings" || not_ok "alpine 3.10.3 has no findings (got $n)"

# A second layer rewrites lib/apk/db/installed with older musl and openssl
# builds. secdb v3.10 main.json then gives exactly these findings:
#   musl   "1.1.22-r3": [CVE-2019-14697]          -> musl, musl-utils at 1.1.22-r2
#   openssl "1.1.1d-r0": [CVE-2019-1547, CVE-2019-1549, CVE-2019-1563]
#                                                  -> libcrypto1.1, libssl1.1 at 1.1.1b-r1
#   (openssl "1.1.1b-r1": [CVE-2019-1543] is not below 1.1.1b-r1: no finding;
#    busybox stays at 1.30.1-r2, the version of its newest secfix: no finding)
mkdir -p "$T/old/lib/apk/db"
sed -e '/^P:musl$/,/^$/s/^V:1.1.22-r3$/V:1.1.22-r2/' \
    -e '/^P:musl-utils$/,/^$/s/^V:1.1.22-r3$/V:1.1.22-r2/' \
    -e '/^P:libcrypto1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1b-r1/' \
    -e '/^P:libssl1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1b-r1/' \
    <(tar -xzOf "$IMG/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" ./lib/apk/db/installed) \
    >"$T/old/lib/apk/db/installed"
tar -C "$T/old" -cf "$T/old.tar" lib
$MKOCI "$T/alpine-old" 1 "$IMG/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" "$T/old.tar" >/dev/null
expect_status "alpine 3.10.3 with older musl/openssl: exit 0 (no policy given)" 0 \
    "$HULLSCAN" scan -q --no-history --db "$DB" --json "$T/old.json" "oci:$T/alpine-old:1"
got=$(json_query "$T/old.json" '"\n".join(sorted(f["package"]+" "+f["id"]+" "+str(f["fixed_version"]) for f in r["images"][0]["findings"]))')
want="libcrypto1.1 CVE-2019-1547 1.1.1d-r0
libcrypto1.1 CVE-2019-1549 1.1.1d-r0
libcrypto1.1 CVE-2019-1563 1.1.1d-r0
libssl1.1 CVE-2019-1547 1.1.1d-r0
libssl1.1 CVE-2019-1549 1.1.1d-r0
libssl1.1 CVE-2019-1563 1.1.1d-r0
musl CVE-2019-14697 1.1.22-r3
musl-utils CVE-2019-14697 1.1.22-r3"
if [ "$got" = "$want" ]; then ok "older alpine packages: exactly the 8 hand-picked secfixes findings"; else
	not_ok "older alpine packages: exactly the 8 hand-picked secfixes findings"; diag "$got"; fi

# Debian: the tracker names source packages. A bookworm root filesystem with
# binary packages built from sope and chromium (records in vunnel_debian.json):
#   sope CVE-2025-53603 bookworm fixed 5.8.0-1+deb12u1 -> libsope1 5.8.0-1 affected
#   chromium CVE-2022-0456 bookworm fixed 98.0.4758.80-1 -> chromium 98.0.4758.102-1 not affected
mkdir -p "$T/deb/etc" "$T/deb/var/lib/dpkg"
cat >"$T/deb/etc/os-release" <<'OS'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
OS
cat >"$T/deb/var/lib/dpkg/status" <<'ST'
Package: libsope1
Status: install ok installed
Architecture: amd64
Source: sope
Version: 5.8.0-1

Package: chromium
Status: install ok installed
Architecture: amd64
Version: 98.0.4758.102-1

ST
expect_status "debian bookworm dir: scan" 0 "$HULLSCAN" scan -q --db "$DB" --json "$T/deb.json" "dir:$T/deb"
got=$(json_query "$T/deb.json" '"\n".join(f["package"]+" "+f["source_name"]+" "+f["id"]+" "+str(f["fixed_version"]) for f in r["images"][0]["findings"])')
[ "$got" = "libsope1 sope CVE-2025-53603 5.8.0-1+deb12u1" ] &&
	ok "debian: source-package match gives exactly sope CVE-2025-53603" ||
	{ not_ok "debian: source-package match"; diag "$got"; }
sed -i 's/^Version: 5.8.0-1$/Version: 5.8.0-1+deb12u1/' "$T/deb/var/lib/dpkg/status"
"$HULLSCAN" scan -q --db "$DB" --json "$T/deb2.json" "dir:$T/deb" || true
n=$(json_query "$T/deb2.json" 'len(r["images"][0]["findings"])')
[ "$n" = 0 ] && ok "debian: installed == fixed version is not affected" || not_ok "debian: fixed version (got $n)"

# --- history: one image name over several builds ----------------------------
# One image name (one OCI layout, tags 1..3), three builds. Expected counts,
# derived by hand from secdb (the 8 findings listed above for old.tar):
#   build 1: 3.10.3 + old.tar (older musl, openssl)   -> 8 findings, all new
#   build 2: 3.10.3 + ossl.tar (only openssl older)    -> 6 findings:
#            musl/musl-utils CVE-2019-14697 fixed (2), 6 openssl still open, 0 new
#   build 3: 3.11.13 against secdb v3.11               -> 0 findings: 6 fixed
#            (every 3.11.13 package is at or above its v3.11 secfix; checked
#             with the rootfs's own `apk version -t`, e.g. musl 1.1.24-r3 > 1.1.23-r2)
#   build 4: tag 1 again                               -> 8 new against build 3
#   build 5: tag 1 again                               -> 0 new
mkdir -p "$T/ossl/lib/apk/db"
sed -e '/^P:libcrypto1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1b-r1/' \
    -e '/^P:libssl1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1b-r1/' \
    <(tar -xzOf "$IMG/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" ./lib/apk/db/installed) \
    >"$T/ossl/lib/apk/db/installed"
tar -C "$T/ossl" -cf "$T/ossl.tar" lib
$MKOCI "$T/seq" 1 "$IMG/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" "$T/old.tar" >/dev/null
$MKOCI "$T/seq" 2 "$IMG/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" "$T/ossl.tar" >/dev/null
$MKOCI "$T/seq" 3 "$IMG/alpine-minirootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz" >/dev/null
H="$T/hist.db"
for b in 1 2 3; do
	expect_status "history e2e: build $b recorded" 0 "$HULLSCAN" scan -q --db "$DB" \
	    --history "$H" --job e2e --build "$b" "oci:$T/seq:$b"
done
"$HULLSCAN" history diff --history "$H" --job e2e 1 2 >"$T/d12" 2>&1
check "history e2e: 1 -> 2: 0 new, 2 fixed (musl, musl-utils), 6 still open" sh -c "
	grep -q '^total: 0 new, 2 fixed, 6 still open\$' '$T/d12' &&
	test \$(grep -c '^  fixed  *CVE-2019-14697 ' '$T/d12') -eq 2"
"$HULLSCAN" history diff --history "$H" --job e2e 2 3 >"$T/d23" 2>&1
check "history e2e: 2 -> 3 (alpine 3.11.13): 0 new, 6 fixed, 0 still open" \
	grep -q '^total: 0 new, 6 fixed, 0 still open$' "$T/d23"
"$HULLSCAN" history trend --history "$H" --job e2e --format csv >"$T/tr" 2>&1
check "history e2e: trend totals 8, 6, 0 (secdb has no severity: Unknown)" sh -c "
	test \"\$(cut -d, -f2,9,10 '$T/tr' | tail -n +2 | tr '\n' ' ')\" = '1,8,8 2,6,6 3,0,0 '"
expect_status "history e2e: build 4 (findings back) --fail-on-new unknown: exit 1" 1 \
	"$HULLSCAN" scan -q --db "$DB" --history "$H" --job e2e --build 4 \
	--fail-on-new unknown "oci:$T/seq:1"
check "history e2e: 8 reason lines, each 'new since build 3'" \
	test "$(grep -c 'new since build 3' "$T/err")" -eq 8
expect_status "history e2e: build 5, same image: nothing new, exit 0" 0 \
	"$HULLSCAN" scan -q --db "$DB" --history "$H" --job e2e --build 5 \
	--fail-on-new unknown "oci:$T/seq:1"

# --- every report from one real scan --------------------------------------------
expect_status "reports: --fail-on unknown over the 8 findings: exit 1" 1 \
    "$HULLSCAN" scan -q --history "$T/rep.db" --db "$DB" --fail-on unknown \
    --junit "$T/rep/junit.xml" --sarif "$T/rep/out.sarif" --html "$T/rep/html" \
    --templates "$top_srcdir/templates" "oci:$T/alpine-old:1"
[ "$(grep -c 'CVE-' "$T/err")" -eq 8 ] && ok "reports: 8 reason lines on stderr" ||
	{ not_ok "reports: 8 reason lines"; diag "$(cat "$T/err")"; }
if /usr/bin/python3 - "$T/rep/junit.xml" >"$T/jo" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite") if root.tag == "testsuites" else [root]
cases = [c for s in suites for c in s.findall("testcase")]
fails = [c for c in cases if c.find("failure") is not None]
assert len(suites) == 1, suites
assert len(fails) == 8, len(fails)
assert all(f.find("failure").get("message") for f in fails)
PY
then ok "reports: JUnit has one suite and 8 failures with messages"; else
	not_ok "reports: JUnit"; diag "$(cat "$T/jo")"; fi
[ -s "$T/rep/html/index.html" ] && [ -s "$T/rep/html/report.css" ] && [ -s "$T/rep/out.sarif" ] &&
	ok "reports: HTML (index.html, report.css) and SARIF written" || not_ok "reports: HTML and SARIF written"
# The sharded flow: a shard's history merged into a main one writes the same reports.
expect_status "history merge with --junit and --html: exit 1 (policy)" 1 \
    "$HULLSCAN" history merge -q --history "$T/main.db" --fail-on unknown \
    --junit "$T/merged/junit.xml" --html "$T/merged/html" --templates "$top_srcdir/templates" "$T/rep.db"
[ -s "$T/merged/junit.xml" ] && [ -s "$T/merged/html/index.html" ] &&
	ok "history merge wrote JUnit and HTML" || { not_ok "history merge wrote JUnit and HTML"; diag "$(cat "$T/err")"; }

# --- the JSON report -----------------------------------------------------------
if /usr/bin/python3 - "$top_srcdir/data/report.schema.json" "$T/old.json" "$T/deb.json" >"$T/err" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for p in sys.argv[2:]:
    jsonschema.validate(json.load(open(p)), schema)
PY
then ok "JSON reports validate against data/report.schema.json"; else
	not_ok "JSON reports validate against data/report.schema.json"; diag "$(tail -5 "$T/err")"; fi
"$HULLSCAN" scan -q --no-history --db "$DB" --json "$T/again.json" "oci:$T/alpine-old:1" || true
if diff <(grep -v '"started"' "$T/old.json") <(grep -v '"started"' "$T/again.json") >/dev/null; then
	ok "JSON report is deterministic"; else not_ok "JSON report is deterministic"; fi

# --- coverage: "no findings" must never hide "nothing checked" --------------------
# The database holds Alpine v3.10/v3.11 and Debian bookworm: Alpine 3.20 is
# scanned but cannot be checked, and says so in stderr, JSON, JUnit and rescan.
n320=$(($(wc -l <"$FIXTURES/apk/minirootfs-expected/3.20.3.expected_packages.tsv") - 1))
W320="the vulnerability database holds no advisories for alpine:v3.20: its $n320 packages were not checked"
expect_status "Alpine 3.20 against a database without v3.20: still exit 0" 0 \
    "$HULLSCAN" scan --db "$DB" --job cov --history "$T/cov.db" --json "$T/cov.json" --junit "$T/cov.xml" \
    --sarif "$T/cov.sarif" "oci:$T/alpine:3.20.3" "oci:$T/alpine:3.11.13"
# (Besides the one that says the two tags of one layout are keyed by tag.)
[ "$(grep -v ' images of .* in this build ' "$T/err" | grep -c 'warning')" = 1 ] &&
	grep -qxF "hullscan: warning: oci:$T/alpine:3.20.3: $W320" "$T/err" &&
	ok "uncovered OS: one warning line naming the image and the namespace" ||
	{ not_ok "uncovered OS warning"; diag "$(cat "$T/err")"; }
[ "$(json_query "$T/cov.json" 'r["images"][0]["warnings"]')" = "['$W320']" ] &&
[ "$(json_query "$T/cov.json" 'r["images"][1]["warnings"]')" = "[]" ] &&
	ok "JSON: warnings of the uncovered image only" || { not_ok "JSON warnings"; diag "$(json_query "$T/cov.json" '[i["warnings"] for i in r["images"]]')"; }
if /usr/bin/python3 - "$T/cov.xml" "oci:$T/alpine:3.20.3: $W320" >"$T/junit.out" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
sk = [s.get("message") for s in root.iter("skipped")]
assert root.get("skipped") == "1", root.get("skipped")
assert sk == [sys.argv[2]], sk
suites = root.findall("testsuite")
assert [s.get("skipped") for s in suites] == ["1", "0"], [s.get("skipped") for s in suites]
PY
then ok "JUnit: the uncovered image's scan case is skipped with the warning, counted"; else
	not_ok "JUnit skipped scan case"; diag "$(cat "$T/junit.out")"; fi
[ "$(json_query "$T/cov.sarif" '[(n["level"], n["message"]["text"]) for n in r["runs"][0]["invocations"][0]["toolExecutionNotifications"]]')" = "[('warning', 'oci:$T/alpine:3.20.3: $W320')]" ] &&
[ "$(json_query "$T/cov.sarif" 'r["runs"][0]["invocations"][0]["executionSuccessful"]')" = True ] &&
	ok "SARIF: a warning notification, the run still successful" ||
	{ not_ok "SARIF warning notification"; diag "$(json_query "$T/cov.sarif" 'r["runs"][0]["invocations"]')"; }
expect_status "rescan of that build: exit 0" 0 "$HULLSCAN" rescan --db "$DB" --job cov --history "$T/cov.db" \
    --json "$T/rescan.json"
grep -qxF "hullscan: warning: oci:$T/alpine:3.20.3: $W320" "$T/err" &&
[ "$(json_query "$T/rescan.json" 'r["images"][0]["warnings"]')" = "['$W320']" ] &&
	ok "rescan: the same warning" || { not_ok "rescan warning"; diag "$(cat "$T/err")"; }
# --fail-on-unchecked makes it a policy failure: exit 1, the reason on one
# line, the JUnit scan case a failure; a covered image alone still passes.
expect_status "--fail-on-unchecked with Alpine 3.20: exit 1" 1 \
    "$HULLSCAN" scan -q --no-history --db "$DB" --fail-on-unchecked --junit "$T/covf.xml" \
    "oci:$T/alpine:3.20.3" "oci:$T/alpine:3.11.13"
[ "$(tail -1 "$T/err")" = "hullscan: oci:$T/alpine:3.20.3: not checked: $W320" ] &&
[ "$(grep -c "not checked: " "$T/err")" = 1 ] &&
	ok "--fail-on-unchecked: the reason, one line" || { not_ok "--fail-on-unchecked reason"; diag "$(cat "$T/err")"; }
if /usr/bin/python3 - "$T/covf.xml" >"$T/junit.out" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
f = [(x.get("type"), x.get("message").split(": ", 1)[1]) for x in root.iter("failure")]
assert root.get("failures") == "1" and root.get("skipped") == "0", root.attrib
assert len(f) == 1 and f[0][0] == "NotChecked" and "alpine:v3.20" in f[0][1], f
PY
then ok "--fail-on-unchecked: the JUnit scan case fails (NotChecked)"; else
	not_ok "--fail-on-unchecked JUnit"; diag "$(cat "$T/junit.out")"; fi
expect_status "--fail-on-unchecked, covered image only: exit 0" 0 \
    "$HULLSCAN" scan -q --no-history --db "$DB" --fail-on-unchecked "oci:$T/alpine:3.11.13"
expect_status "rescan --fail-on-unchecked: exit 1" 1 "$HULLSCAN" rescan -q --db "$DB" --job cov \
    --history "$T/cov.db" --fail-on-unchecked
# The history keeps the warning: a merge of that build reports it and fails
# on it as the scan did.
expect_status "history merge --fail-on-unchecked of a shard holding it: exit 1" 1 \
    "$HULLSCAN" history merge -q --history "$T/covm.db" --job cov --fail-on-unchecked \
    --json "$T/covm.json" "$T/cov.db"
[ "$(json_query "$T/covm.json" '[i["warnings"] for i in r["images"]]')" = "[['$W320'], []]" ] &&
	ok "history merge: the shard's warning in the merged report" ||
	{ not_ok "merge warning"; diag "$(json_query "$T/covm.json" '[i["warnings"] for i in r["images"]]')"; }
# A history of schema 1 (no warning column) is brought to schema 3 in place
# by the next scan; its earlier builds stay readable.
cp "$T/cov.db" "$T/v1.db"
sqlite3 "$T/v1.db" "ALTER TABLE images DROP COLUMN warning; PRAGMA user_version = 1"
expect_status "history list of a schema-1 history (read-only)" 0 "$HULLSCAN" history list \
    --history "$T/v1.db" --format csv
grep -q "^cov," "$T/out" && ok "schema 1: its builds listed" || { not_ok "schema 1 list"; diag "$(cat "$T/out" "$T/err")"; }
expect_status "scan into a schema-1 history" 0 "$HULLSCAN" scan -q --db "$DB" --job cov \
    --history "$T/v1.db" "oci:$T/alpine:3.11.13"
[ "$(sqlite3 "$T/v1.db" "PRAGMA user_version")" = 3 ] &&
[ "$(sqlite3 "$T/v1.db" "PRAGMA integrity_check")" = ok ] &&
[ "$(sqlite3 "$T/v1.db" "SELECT count(*) FROM builds WHERE job = 'cov'")" -ge 2 ] &&
	ok "schema 1 migrated to 3, earlier builds kept, file intact" ||
	not_ok "schema migration: version $(sqlite3 "$T/v1.db" "PRAGMA user_version")"
# Packages but no os-release: not recognised, not checked.
mkdir -p "$T/noos/var/lib/dpkg"
cp "$T/deb/var/lib/dpkg/status" "$T/noos/var/lib/dpkg/status"
nnoos=$(grep -c '^Package:' "$T/noos/var/lib/dpkg/status")
expect_status "packages without an os-release: exit 0" 0 "$HULLSCAN" scan --no-history --db "$DB" \
    --json "$T/noos.json" "dir:$T/noos"
grep -qxF "hullscan: warning: dir:$T/noos: operating system not recognised (no os-release): its $nnoos packages were not checked" "$T/err" &&
	ok "no os-release: the packages are said not checked" || { not_ok "no os-release warning"; diag "$(cat "$T/err")"; }
if /usr/bin/python3 - "$top_srcdir/data/report.schema.json" "$T/cov.json" "$T/noos.json" >"$T/err" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for p in sys.argv[2:]:
    jsonschema.validate(json.load(open(p)), schema)
PY
then ok "reports with warnings validate against the schema"; else
	not_ok "reports with warnings validate"; diag "$(tail -5 "$T/err")"; fi

# --- bad input: one line naming the image, exit 3, the others still scanned ----
mkdir -p "$T/bad"
head -c 100000 "$IMG/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" >"$T/bad/trunc.tar.gz"
$MKOCI "$T/trunc" 1 "$T/bad/trunc.tar.gz" >/dev/null
head -c 20000 /dev/urandom >"$T/bad/garbage.tar"
$MKOCI "$T/corrupt" 1 "$T/bad/garbage.tar" >/dev/null
$MKOCI "$T/wrongdigest" 1 "$IMG/alpine-minirootfs/alpine-minirootfs-3.11.13-x86_64.tar.gz" >/dev/null
blob=$(find "$T/wrongdigest/blobs/sha256" -type f -size +100k)
printf 'x' | dd of="$blob" bs=1 seek=5000 conv=notrunc 2>/dev/null
mkdir -p "$T/noindex"; echo '{"imageLayoutVersion":"1.0.0"}' >"$T/noindex/oci-layout"
cat >"$T/list.txt" <<LIST
# a list file: comments and blank lines are skipped
oci:$T/alpine:3.11.13

oci:$T/trunc:1       # truncated gzip
oci:$T/corrupt:1
oci:$T/wrongdigest:1
oci:$T/noindex
docker-archive:$T/missing.tar
oci:$T/alpine:3.10.3
LIST
expect_status "a run with broken images exits 3" 3 \
    "$HULLSCAN" scan --jobs 2 --no-cache --db "$DB" --json "$T/bad.json" --images "$T/list.txt"
errs=$(json_query "$T/bad.json" '"\n".join(i["reference"]+"="+("ok" if i["error"] is None else "err") for i in r["images"])')
want="oci:$T/alpine:3.11.13=ok
oci:$T/trunc:1=err
oci:$T/corrupt:1=err
oci:$T/wrongdigest:1=err
oci:$T/noindex=err
docker-archive:$T/missing.tar=err
oci:$T/alpine:3.10.3=ok"
[ "$errs" = "$want" ] && ok "report lists every image in order, the good ones scanned" ||
	{ not_ok "report lists every image in order"; diag "$errs"; }
for pat in "oci:$T/trunc:1: .*sha256:" "oci:$T/corrupt:1: .*sha256:" \
    "oci:$T/wrongdigest:1: .*digest" "oci:$T/noindex: .*index.json" "docker-archive:$T/missing.tar: "; do
	if grep -q "^hullscan: $pat" "$T/err"; then ok "one-line error: $pat"; else
		not_ok "one-line error: $pat"; diag "$(cat "$T/err")"; fi
done
n=$(json_query "$T/bad.json" 'len(r["images"][6]["packages"])')
[ "$n" = 14 ] && ok "the image after the broken ones is still scanned (14 packages)" ||
	not_ok "image after broken ones scanned (got $n)"

# A package database over the size limit is an error for that image.
mkdir -p "$T/big/var/lib/dpkg"; cp "$T/deb/etc" -r "$T/big/"
for i in $(seq 1 40000); do printf 'Package: p%d\nStatus: install ok installed\nVersion: 1.0-%d\nDescription: padding padding padding\n\n' "$i" "$i"; done >"$T/big/var/lib/dpkg/status"
expect_status "--max-file-size 1 with a 4 MiB dpkg status: exit 3" 3 \
    "$HULLSCAN" scan -q --max-file-size 1 --db "$DB" "dir:$T/big"
grep -q "^hullscan: dir:$T/big: .*var/lib/dpkg/status.*limit" "$T/err" &&
	ok "size limit error names the file" || { not_ok "size limit error names the file"; diag "$(cat "$T/err")"; }

# --- exit statuses ------------------------------------------------------------------
expect_status "no image: exit 2" 2 "$HULLSCAN" scan --db "$DB"
[ "$(cat "$T/err")" = "hullscan: scan: no image given: REF... or --images FILE (see hullscan scan --help)" ] &&
	ok "no image: one line, where the usage is" || { not_ok "no image: one line"; diag "$(cat "$T/err")"; }
expect_status "unknown option: exit 2" 2 "$HULLSCAN" scan --bogus "oci:$T/alpine:3.10.3"
[ "$(cat "$T/err")" = "hullscan: scan: unknown option --bogus (see hullscan scan --help)" ] &&
	ok "unknown option: one line, where the usage is" || { not_ok "unknown option: one line"; diag "$(cat "$T/err")"; }
# An --images file with no image in it: one line naming it (issue 14).
printf '# the nightly list\n\n   # nothing yet\n' >"$T/none.txt"
: >"$T/empty.txt"
for f in none.txt empty.txt; do
	expect_status "--images $f with no image: exit 2" 2 "$HULLSCAN" scan --db "$DB" --images "$T/$f"
	[ "$(cat "$T/err")" = "hullscan: scan: --images $T/$f lists no image (only blank lines or comments)" ] &&
		ok "--images $f: one line naming the file" ||
		{ not_ok "--images $f: one line naming the file"; diag "$(cat "$T/err")"; }
done
# A mistyped transport is a usage error found before any image is read: no
# registry is asked (exit 2, not 3), and the message says what was meant.
mistyped() {	# mistyped REF WANT-TRANSPORT
	expect_status "$1: exit 2" 2 timeout 20 "$HULLSCAN" scan --no-match --no-history "$1"
	[ "$(cat "$T/err")" = "hullscan: $1: unknown transport \"${1%%:*}:\" (did you mean $2?)" ] &&
		ok "$1: one line, did you mean $2?" || { not_ok "$1: did you mean $2?"; diag "$(cat "$T/err")"; }
}
mistyped "ocii:$T/alpine" oci:
mistyped "docker-archiv:$T/deb.tar" docker-archive:
mistyped "oci-archiv:$T/deb-oci.tar" oci-archive:
mistyped "OCI:$T/alpine" oci:
mistyped "docker:$T/x" docker://
expect_status "ftp://host/x: exit 2" 2 "$HULLSCAN" scan --no-match --no-history "ftp://host/x"
grep -q '^hullscan: ftp://host/x: unknown transport "ftp://" (transports: docker://, .*dir:, sbom:)$' "$T/err" &&
	ok "ftp://: the transports listed" || { not_ok "ftp://: the transports listed"; diag "$(cat "$T/err")"; }
# In a list, every bad line is named and nothing is scanned.
printf 'oci:%s/alpine:3.10.3\nocii:/x\n%s/empty.txt\n' "$T" "$T" >"$T/typo.txt"
expect_status "a list with a typo: exit 2" 2 "$HULLSCAN" scan --no-match --no-history \
	--json "$T/typo.json" --images "$T/typo.txt"
[ "$(wc -l <"$T/err")" = 2 ] && grep -q '^hullscan: ocii:/x: unknown transport' "$T/err" &&
	grep -q "^hullscan: $T/empty.txt: not an image archive" "$T/err" && [ ! -e "$T/typo.json" ] &&
	ok "a list with a typo: each bad line named, nothing scanned" ||
	{ not_ok "a list with a typo: each bad line named, nothing scanned"; diag "$(cat "$T/err")"; }
# A bare file that is no image archive: a usage error naming it.
expect_status "a bare file that is no image: exit 2" 2 "$HULLSCAN" scan --no-match --no-history "$T/typo.txt"
[ "$(cat "$T/err")" = "hullscan: $T/typo.txt: not an image archive (a tar holding manifest.json or oci-layout)" ] &&
	ok "a bare file that is no image: one line naming it" ||
	{ not_ok "a bare file that is no image: one line naming it"; diag "$(cat "$T/err")"; }
# A bare name that is also a folder here: the folder wins (docker:// for the registry's).
mkdir -p "$T/here/debian"
cp -r "$T/root12/." "$T/here/debian/"
expect_status "bare 'debian' with a folder debian here: exit 0" 0 \
	bash -c "cd '$T/here' && exec '$HULLSCAN' scan -q --no-match --no-history --json '$T/here.json' debian"
[ "$(json_query "$T/here.json" 'r["images"][0]["name"]')" = "dir:debian" ] &&
	ok "bare 'debian' with a folder debian here: scanned as dir:debian" ||
	{ not_ok "bare 'debian': scanned as dir:debian"; diag "$(head -c 300 "$T/here.json")"; }
expect_status "unreadable --images: exit 2" 2 "$HULLSCAN" scan --db "$DB" --images "$T/nope.txt"
expect_status "missing database: exit 4" 4 "$HULLSCAN" scan --db "$T/none.db" "oci:$T/alpine:3.10.3"
grep -q "^hullscan: .*$T/none.db" "$T/err" && ok "missing database message names the file" ||
	{ not_ok "missing database message names the file"; diag "$(cat "$T/err")"; }
# Which status wins when several apply (issue 14; hullscan(1) EXIT STATUS):
# after a scan, 1 (policy) over 3 (an image not scanned) over 2 (a report or
# the history not written); each problem still has its own line.
NOWHERE=$T/typo.txt/report.json	# under a regular file: never writable
expect_status "a report not written, nothing else: exit 2" 2 \
	"$HULLSCAN" scan -q --no-history --db "$DB" --json "$NOWHERE" "oci:$T/alpine-old:1"
grep -q "^hullscan: $NOWHERE" "$T/err" && ok "the report not written is named" ||
	{ not_ok "the report not written is named"; diag "$(cat "$T/err")"; }
expect_status "a report not written and an image not scanned: exit 3" 3 \
	"$HULLSCAN" scan -q --no-history --db "$DB" --json "$NOWHERE" "oci:$T/alpine-old:1" "oci:$T/nothing"
grep -q "^hullscan: $NOWHERE" "$T/err" && grep -q "^hullscan: oci:$T/nothing: " "$T/err" &&
	ok "... both said" || { not_ok "... both said"; diag "$(cat "$T/err")"; }
expect_status "a report not written, an image not scanned, the policy failed: exit 1" 1 \
	"$HULLSCAN" scan -q --history "$T/wins.db" --db "$DB" --fail-on unknown --json "$NOWHERE" \
	"oci:$T/alpine-old:1" "oci:$T/nothing"
grep -q "^hullscan: $NOWHERE" "$T/err" && grep -q "^hullscan: oci:$T/nothing: " "$T/err" &&
	grep -q "^hullscan: .*: CVE-.* at or above --fail-on" "$T/err" &&
	ok "... all three said" || { not_ok "... all three said"; diag "$(cat "$T/err")"; }
expect_status "a Docker Hub name that cannot be pulled (bogus:whatever): exit 3" 3 \
	"$HULLSCAN" scan -q --db "$DB" "bogus:whatever"

# A malformed feed leaves the database as it was.
before=$(sqlite3 "$DB" 'select count(*) from advisories' 2>/dev/null || echo none)
printf '{"distroversion":"v3.10","packages":[{"pkg":' >"$T/broken.json"
expect_status "malformed feed JSON: exit 2" 2 "$HULLSCAN" db import --db "$DB" "$T/broken.json"
grep -q "broken.json" "$T/err" && ok "feed error names the file" || { not_ok "feed error names the file"; diag "$(cat "$T/err")"; }
after=$(sqlite3 "$DB" 'select count(*) from advisories' 2>/dev/null || echo none)
[ "$before" = "$after" ] && ok "database unchanged after a malformed feed ($after rows)" ||
	not_ok "database unchanged after a malformed feed ($before -> $after)"

done_testing
