#!/bin/bash
# The distributions beyond Debian, Ubuntu, Alpine and Red Hat, end to end:
# an image per distribution made at test time from a real rpm database (or
# one built with Debian's rpm), its real feed imported, the scan's findings
# compared with a second route: tests/distro-expect.py reads the same feed
# with Python's parsers, the same database with rpm -qa, and compares every
# version with rpm's own rpm.vercmp.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd rpm rpmbuild /usr/bin/python3

FEEDS=$FIXTURES/feeds
MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"
EXPECT="/usr/bin/python3 $top_srcdir/tests/distro-expect.py"

json_query() {
	/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# The findings of a report, one "package id fixed" a line, sorted.
findings() {
	json_query "$1" '"\n".join(sorted(" ".join(str(x) for x in (f["package"], f["id"],
	    f["fixed_version"])) for f in r["images"][0]["findings"]))'
}
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "want:"; diag "$2"; diag "got:"; diag "$3"
		diag "diff:"; diag "$(diff <(echo "$2") <(echo "$3") | head -20)"; fi
}
# qa DBPATH: rpm -qa of a database, as distro-expect.py reads it.
qa() {
	rpm -qa --dbpath "$1" --define '_db_backend sqlite' \
	    --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n'
}
# mkrpmdb DIR "NAME EPOCH VERSION RELEASE [ARCH [SUB,SUB...]]"...: tiny
# packages (noarch unless ARCH; with NAME-SUB subpackages of the same source
# rpm) built with rpmbuild, installed (--justdb) into
# DIR/var/lib/rpm/rpmdb.sqlite.
mkrpmdb() {
	local dir=$1 name epoch version release arch top
	shift
	top=$dir.build
	mkdir -p "$top" "$dir/var/lib/rpm"
	for spec in "$@"; do
		set -- $spec
		name=$1 epoch=$2 version=$3 release=$4 arch=${5:-noarch} subs=${6:-}
		{
			echo "Name: $name"
			[ "$epoch" = 0 ] || echo "Epoch: $epoch"
			printf 'Version: %s\nRelease: %s\nSummary: test\nLicense: MIT\n' "$version" "$release"
			[ "$arch" = noarch ] && printf 'BuildArch: noarch\n'
			printf '%%description\ntest\n%%files\n'
			for sub in ${subs//,/ }; do
				printf '%%package %s\nSummary: test\n%%description %s\ntest\n%%files %s\n' \
				    "$sub" "$sub" "$sub"
			done
		} >"$top/$name.$arch.spec"
		rpmbuild -bb --quiet --define "_topdir $top" --target "$arch" \
		    "$top/$name.$arch.spec" >"$top/log" 2>&1 || { cat "$top/log"; return 1; }
	done
	rpm --initdb --dbpath "$dir/var/lib/rpm" --define '_db_backend sqlite' &&
	rpm -i --justdb --nodeps --ignorearch --dbpath "$dir/var/lib/rpm" \
	    --define '_db_backend sqlite' "$top"/RPMS/*/*.rpm 2>/dev/null &&
	rm -f "$dir/var/lib/rpm/.rpm.lock"
}
# mkimage OCI TAG OSRELEASE ROOT [FILE]: a two-layer image, FILE (default
# etc/os-release) from OSRELEASE, then ROOT's var/ and usr/.
mkimage() {
	local oci=$1 tag=$2 osr=$3 root=$4 file=${5:-etc/os-release} l=$T/layers.$RANDOM
	mkdir -p "$l/os/$(dirname "$file")"
	cp "$osr" "$l/os/$file"
	tar -C "$l/os" -cf "$l/os.tar" "${file%%/*}"
	(cd "$root" && tar -cf "$l/pkgs.tar" $(ls -d var usr 2>/dev/null))
	$MKOCI "$oci" "$tag" "$l/os.tar" "$l/pkgs.tar" >/dev/null
}
scan() {
	"$HULLSCAN" scan -q --no-history --db "$1" --json "$2" "$3"
}
# nsof INVENTORY-OUTPUT: "id version_id namespace" of an inventory's first line.
nsof() {
	head -1 "$1" | cut -f2-4 | tr '\t' ' '
}

# --- 1. CBL-Mariner 2.0: the real rpmdb against Microsoft's whole OVAL -------
cat >"$T/mariner.os" <<'OS'
NAME="Common Base Linux Mariner"
VERSION="2.0.20220226"
ID=mariner
VERSION_ID=2.0
PRETTY_NAME="CBL-Mariner/Linux"
ANSI_COLOR="1;34"
HOME_URL="https://aka.ms/cbl-mariner"
OS
mkdir -p "$T/mar/var/lib/rpm"
cp "$FIXTURES/rpmdb/cbl-mariner-2.0-sqlite/rpmdb.sqlite" "$T/mar/var/lib/rpm/"
chmod u+w "$T/mar/var/lib/rpm/rpmdb.sqlite"
mkimage "$T/oci" mariner "$T/mariner.os" "$T/mar"
qa "$T/mar/var/lib/rpm" >"$T/mar.qa"
same "mariner: rpm -qa lists the fixture's 129 packages" 129 "$(wc -l <"$T/mar.qa")"
"$HULLSCAN" inventory -q "oci:$T/oci:mariner" >"$T/mar.inv" 2>"$T/err" || true
same "mariner: os mariner 2.0, namespace mariner:2.0" "mariner 2.0 mariner:2.0" "$(nsof "$T/mar.inv")"

DB=$T/vuln.db
expect_status "db import Microsoft's CBL-Mariner 2.0 and Azure Linux 3.0 OVAL" 0 \
    "$HULLSCAN" db import --db "$DB" "$FEEDS/azurelinux/cbl-mariner-2.0-oval.xml" \
    "$FEEDS/azurelinux/azurelinux-3.0-oval.xml"
same "import: every definition a row (2436 and 1222)" \
    "cbl-mariner-2.0-oval.xml: 2436 advisories
azurelinux-3.0-oval.xml: 1222 advisories" "$(sed 's/ (.*//; s/.*\///' "$T/out")"
$EXPECT mariner "$FEEDS/azurelinux/cbl-mariner-2.0-oval.xml" "$T/mar.qa" >"$T/mar.want"
expect_status "mariner: scan" 0 scan "$DB" "$T/mar.json" "oci:$T/oci:mariner"
same "mariner: findings equal the OVAL's tests, objects and states applied by rpm.vercmp" \
    "$(cat "$T/mar.want")" "$(findings "$T/mar.json")"
# The fixture's own derived list (386 rows on (package, definition)) reduced
# to (package, CVE): the same set, source-name rows included.
same "mariner: the fixtures' derived findings, one per package and CVE" \
    "$(awk -F'\t' '!/^#/ { print $1, $5 }' "$FEEDS/azurelinux/cbl-mariner-2.0-oval.vs-rpmdb.expected-findings.tsv" | sort -u)" \
    "$(cut -d' ' -f1,2 "$T/mar.want")"
same "mariner: 'less than or equal' rows are open (no fix), the others fixed" \
    "$(grep -c ' None$' "$T/mar.want") open" \
    "$(json_query "$T/mar.json" 'sum(f["status"] == "open" for f in r["images"][0]["findings"])') open"
same "mariner: source-name matches reported (curl-libs from curl, CVE-2021-22926)" \
    "curl-libs CVE-2021-22926 0:7.82.0-1.cm2 mariner:2.0" \
    "$(json_query "$T/mar.json" '" ".join(" ".join([f["package"], f["id"], f["fixed_version"], f["namespace"]]) for f in r["images"][0]["findings"] if f["package"] == "curl-libs" and f["id"] == "CVE-2021-22926")')"
same "mariner: Microsoft's severity kept (Critical, High, Medium, Low)" "ok" \
    "$(json_query "$T/mar.json" '"ok" if all(f["severity"] == f["source_severity"] for f in r["images"][0]["findings"]) else [(f["severity"], f["source_severity"]) for f in r["images"][0]["findings"]]')"
same "mariner: checked (no not-checked warning)" "[]" \
    "$(json_query "$T/mar.json" 'r["images"][0]["warnings"]')"

# --- 2. Azure Linux 3.0: an rpmdb built here, the whole 3.0 OVAL --------------
# vim 9.0.2190-4 is the fix of 2 definitions and below that of 1 (-5); openssl
# 3.3.0-1 is above the 1.1.1k fixes and below 3.3.0-2; containerd equals its
# fix; curl is below 8.8.0-1 (5 CVEs); hullscan-probe is in no definition.
cat >"$T/azl.os" <<'OS'
NAME="Microsoft Azure Linux"
VERSION="3.0.20240727"
ID=azurelinux
VERSION_ID="3.0"
PRETTY_NAME="Microsoft Azure Linux 3.0"
ANSI_COLOR="1;34"
HOME_URL="https://aka.ms/azurelinux"
OS
if mkrpmdb "$T/azl" "vim 0 9.0.2190 4.azl3" "openssl 0 3.3.0 1.azl3" \
    "containerd 0 1.7.13 3.azl3" "curl 0 8.5.0 1.azl3" "hullscan-probe 0 1.0 1.azl3" \
    >"$T/mk.log" 2>&1; then ok "azurelinux: rpmbuild made an rpmdb of 5 packages"
else not_ok "azurelinux: rpmdb"; diag "$(tail -5 "$T/mk.log")"; fi
mkimage "$T/oci" azl3 "$T/azl.os" "$T/azl"
"$HULLSCAN" inventory -q "oci:$T/oci:azl3" >"$T/azl.inv" 2>"$T/err" || true
same "azurelinux: os azurelinux 3.0, namespace azurelinux:3.0" \
    "azurelinux 3.0 azurelinux:3.0" "$(nsof "$T/azl.inv")"
qa "$T/azl/var/lib/rpm" >"$T/azl.qa"
$EXPECT mariner "$FEEDS/azurelinux/azurelinux-3.0-oval.xml" "$T/azl.qa" >"$T/azl.want"
expect_status "azurelinux: scan" 0 scan "$DB" "$T/azl.json" "oci:$T/oci:azl3"
same "azurelinux: findings equal the OVAL applied by rpm.vercmp" \
    "$(cat "$T/azl.want")" "$(findings "$T/azl.json")"
same "azurelinux: 1 vim, 5 curl, nothing for containerd" \
    "containerd=0 curl=5 vim=1" \
    "$(for p in containerd curl vim; do printf '%s=%s ' $p "$(grep -c "^$p " "$T/azl.want" || true)"; done | sed 's/ $//')"

# A Mariner image is never matched against Azure Linux rows, nor the reverse.
same "mariner findings all in mariner:2.0, azurelinux in azurelinux:3.0" "mariner:2.0 azurelinux:3.0" \
    "$(json_query "$T/mar.json" '" ".join(sorted({f["namespace"] for f in r["images"][0]["findings"]}))') $(json_query "$T/azl.json" '" ".join(sorted({f["namespace"] for f in r["images"][0]["findings"]}))')"

# --- 3. Amazon Linux: ALAS updateinfo.xml.gz ----------------------------------
# The real AL2023 rpmdb (103 packages) has no rsyslog: checked, no finding from
# ALAS2023-2023-001. Then rpmdbs built here against the real excerpts:
# AL2023: rsyslog 8.2204.0-3.amzn2023.0.1 (below the fix, x86_64), rsyslog-doc
#   at the fix (noarch), rsyslog-mmaudit-debuginfo below it (debuginfo is
#   skipped), rsyslog-openssl above it.
# AL2: qemu-kvm 10:1.5.3-141.amzn2.5.2 (below), qemu-img 1.5.3-141.amzn2.5.4
#   without an epoch (0 < 10: below), java-1.8.0-openjdk 1:1.8.0.161-0.b14.amzn2
#   (the fix), java-1.8.0-openjdk-headless 1.8.0.161-0.b14.amzn2 without epoch
#   (below epoch 1).
cat >"$T/al2023.os" <<'OS'
NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023.1.20230825"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"
HOME_URL="https://aws.amazon.com/linux/amazon-linux-2023/"
OS
cat >"$T/al2.os" <<'OS'
NAME="Amazon Linux"
VERSION="2"
ID="amzn"
ID_LIKE="centos rhel fedora"
VERSION_ID="2"
PRETTY_NAME="Amazon Linux 2"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2"
HOME_URL="https://amazonlinux.com/"
OS
AMZ=$FEEDS/amazon
expect_status "db import the AL2023 and AL2 updateinfo.xml.gz" 0 \
    "$HULLSCAN" db import --db "$DB" "$AMZ/updateinfo_AL2023-ALAS2023-2023-001.xml.gz" \
    "$AMZ/updateinfo_AL2-2items.xml.gz"
same "import: each release's file a feed of its own (amzn-2023-updateinfo, amzn-2-updateinfo)" \
    "amzn-2-updateinfo amzn-2023-updateinfo" \
    "$("$HULLSCAN" db status --db "$DB" | cut -f1 | grep updateinfo | tr '\n' ' ' | sed 's/ $//')"
# vuln-list-update's own parse of the same two files (its goldens): every
# package but debuginfo, debugsource and source rpms, at epoch:version-release.
same "import: the rows of each update are vuln-list-update's packages and CVEs" "ok" \
    "$(/usr/bin/python3 - "$DB" "$AMZ"/vuln-list-update-golden/*.golden <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
bad = []
for g in sys.argv[2:]:
    d = json.load(open(g))
    want = {(p["name"], "%s:%s-%s" % (p["epoch"] or "0", p["version"], p["release"]), c)
            for p in d["packages"] for c in d["cveids"]
            if not p["name"].endswith(("-debuginfo", "-debugsource")) and p["arch"] != "src"}
    got = set(db.execute("SELECT a.package, a.fixed_version, a.vuln_id FROM advisories a"
                         " JOIN vulns v ON v.feed = a.feed AND v.id = a.vuln_id"
                         " WHERE v.description LIKE ?", ("%% %s:%%" % d["id"],)))
    if want != got:
        bad.append("%s: %d want, %d got" % (d["id"], len(want), len(got)))
print("; ".join(bad) or "ok")
PY
)"
mkdir -p "$T/al/var/lib/rpm"
cp "$FIXTURES/rpmdb/amazonlinux2023-plain-sqlite/rpmdb.sqlite" "$T/al/var/lib/rpm/"
chmod u+w "$T/al/var/lib/rpm/rpmdb.sqlite"
mkimage "$T/oci" al2023 "$T/al2023.os" "$T/al"
"$HULLSCAN" inventory -q "oci:$T/oci:al2023" >"$T/al.inv" 2>"$T/err" || true
qa "$T/al/var/lib/rpm" >"$T/al.qa"
same "al2023 (real rpmdb): os amzn 2023, namespace amzn:2023, rpm -qa's 103 entries but the gpg-pubkey" \
    "amzn 2023 amzn:2023 102 103" "$(nsof "$T/al.inv") $(grep -vc '^#' "$T/al.inv") $(wc -l <"$T/al.qa")"
$EXPECT alas "$AMZ/updateinfo_AL2023-ALAS2023-2023-001.xml.gz" "$T/al.qa" >"$T/al.want"
expect_status "al2023 (real rpmdb): scan" 0 scan "$DB" "$T/al.json" "oci:$T/oci:al2023"
same "al2023 (real rpmdb): no rsyslog installed, no finding, as the second route says" \
    "$(cat "$T/al.want")" "$(findings "$T/al.json")"
same "al2023 (real rpmdb): checked (amzn:2023 is covered)" "[]" \
    "$(json_query "$T/al.json" 'r["images"][0]["warnings"]')"

mkrpmdb "$T/al3" "rsyslog 0 8.2204.0 3.amzn2023.0.1 x86_64" "rsyslog-doc 0 8.2204.0 3.amzn2023.0.2" \
    "rsyslog-mmaudit-debuginfo 0 8.2204.0 3.amzn2023.0.1 x86_64" \
    "rsyslog-openssl 0 8.2204.0 4.amzn2023 x86_64" >"$T/mk.log" 2>&1 ||
	diag "$(tail -5 "$T/mk.log")"
mkimage "$T/oci" al2023b "$T/al2023.os" "$T/al3"
qa "$T/al3/var/lib/rpm" >"$T/al3.qa"
$EXPECT alas "$AMZ/updateinfo_AL2023-ALAS2023-2023-001.xml.gz" "$T/al3.qa" >"$T/al3.want"
same "al2023 (built): the second route finds rsyslog's two CVEs only" \
    "rsyslog CVE-2014-3634 0:8.2204.0-3.amzn2023.0.2
rsyslog CVE-2022-24903 0:8.2204.0-3.amzn2023.0.2" "$(cat "$T/al3.want")"
expect_status "al2023 (built): scan" 0 scan "$DB" "$T/al3.json" "oci:$T/oci:al2023b"
same "al2023 (built): findings equal the updateinfo applied by rpm.vercmp" \
    "$(cat "$T/al3.want")" "$(findings "$T/al3.json")"
same "al2023: ALAS severity Important is High, the ALAS page the link" \
    "High Important https://alas.aws.amazon.com/AL2023/ALAS2023-2023-001.html" \
    "$(json_query "$T/al3.json" '" ".join([r["images"][0]["findings"][0][k] for k in ("severity", "source_severity", "link")])')"

mkrpmdb "$T/al2" "qemu-kvm 10 1.5.3 141.amzn2.5.2 x86_64" "qemu-img 0 1.5.3 141.amzn2.5.4 x86_64" \
    "java-1.8.0-openjdk 1 1.8.0.161 0.b14.amzn2 x86_64" \
    "java-1.8.0-openjdk-headless 0 1.8.0.161 0.b14.amzn2 x86_64" >"$T/mk.log" 2>&1 ||
	diag "$(tail -5 "$T/mk.log")"
mkimage "$T/oci" al2 "$T/al2.os" "$T/al2"
"$HULLSCAN" inventory -q "oci:$T/oci:al2" >"$T/al2.inv" 2>"$T/err" || true
same "al2: os amzn 2, namespace amzn:2" "amzn 2 amzn:2" "$(nsof "$T/al2.inv")"
qa "$T/al2/var/lib/rpm" >"$T/al2.qa"
$EXPECT alas "$AMZ/updateinfo_AL2-2items.xml.gz" "$T/al2.qa" >"$T/al2.want"
same "al2: the second route: qemu-kvm and qemu-img (epoch 10), openjdk-headless (epoch 1)" \
    "java-1.8.0-openjdk-headless qemu-img qemu-kvm" \
    "$(cut -d' ' -f1 "$T/al2.want" | sort -u | tr '\n' ' ' | sed 's/ $//')"
expect_status "al2: scan" 0 scan "$DB" "$T/al2.json" "oci:$T/oci:al2"
same "al2: findings equal the updateinfo applied by rpm.vercmp ($(wc -l <"$T/al2.want") findings)" \
    "$(cat "$T/al2.want")" "$(findings "$T/al2.json")"

# --- 4. Oracle Linux: ELSA OVAL ------------------------------------------------
# rpmdbs built here against real ELSA definitions:
# ol5 (etc/oracle-release only; ELSA-2007-0057, bind epoch 30, and
#   elsa-2018-1196-1.xml.bz2, kernel): bind 30:9.3.3-7.el5 (below),
#   bind-libs 30:9.3.3-8.el5 (the fix), bind-utils 9.3.3-9.el5 with no epoch
#   (0 < 30: below), kernel 2.6.18-419.0.0.0.9.el5 (below).
# ol6 (vunnel-mock_data: ELSA-2018-4250, UEK): kernel-uek
#   2.6.39-400.302.1.el6uek (below), kernel 2.6.39-400.302.1.el6 (another
#   package: not matched by kernel-uek's rows).
# ol7 x86_64 (vunnel-mock_per_arch_data: ELSA-2022-4803 rsyslog, respun at
#   57.0.4 on aarch64 and 57.0.1 on x86_64): rsyslog 57.0.1 x86_64 (its
#   arch's fix: none), rsyslog-crypto 57.el7_9.3 x86_64 (below 57.0.1),
#   rsyslog-doc noarch at 57.0.1 (the image's arch, x86_64: none),
#   rsyslog-kafka aarch64 at 57.0.1 (below aarch64's 57.0.4).
# ol8 (vunnel-mock_ksplice_data: ELSA-2021-9151, openssl Ksplice builds
#   2:1.1.1g-15.ksplice1.el8_3): openssl-libs 2:1.1.1g-14.ksplice1.el8_3 (a
#   Ksplice build below: affected), openssl 1:1.1.1k-4.el8 (an ordinary
#   build: a Ksplice fix is not its fix, though its epoch is lower).
ORA=$FEEDS/oracle
order() {
	local desc=$1 bad="" a op b want got
	shift
	while [ $# -ge 3 ]; do
		a=$1 op=$2 b=$3; shift 3
		case $op in "<") want=-1 ;; "=") want=0 ;; ">") want=1 ;; esac
		got=$(rpm --eval "%{lua: print(rpm.vercmp(\"$a\", \"$b\"))}")
		[ "$got" = "$want" ] || bad="$bad [$a $op $b: rpm says $got]"
	done
	[ -z "$bad" ] && ok "rpm.vercmp agrees: $desc" || not_ok "rpm.vercmp: $desc:$bad"
}
order "the Oracle cases" 0:9.3.3-9.el5 "<" 30:9.3.3-8.el5 \
    0:8.24.0-57.0.1.el7_9.3 "<" 0:8.24.0-57.0.4.el7_9.3 \
    1:1.1.1k-4.el8 "<" 2:1.1.1g-15.ksplice1.el8_3
expect_status "db import Oracle ELSA OVAL (plain, bz2, vunnel's real definitions)" 0 \
    "$HULLSCAN" db import --db "$DB" "$ORA/ELSA-2007-0057.xml" "$ORA/elsa-2018-1196-1.xml.bz2" \
    "$ORA/vunnel-mock_data" "$ORA/vunnel-mock_ksplice_data" "$ORA/vunnel-mock_per_arch_data"
same "ELSA-2022-4803: rsyslog's rows per architecture (x86_64 57.0.1, aarch64 57.0.4), firefox's for all" \
    "firefox 0:128.12.0-1.0.1.el10_0 -
rsyslog 0:8.24.0-57.0.1.el7_9.3 x86_64
rsyslog 0:8.24.0-57.0.4.el7_9.3 aarch64" \
    "$(/usr/bin/python3 -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute("SELECT DISTINCT package, fixed_version, coalesce(arch, \"-\") FROM advisories WHERE namespace LIKE \"ol:%\" AND package IN (\"rsyslog\", \"firefox\") ORDER BY 1, 2"): print(*r)' "$DB")"
same "ELSA-2007-0057, ELSA-2018-1196-1: rows are vuln-list-update's criteria (package, fix, CVE)" "ok" \
    "$(/usr/bin/python3 - "$DB" "$ORA"/vuln-list-update-golden/*.json <<'PY'
import json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def comments(c):
    for x in c.get("Criterions") or []:
        yield x["Comment"]
    for x in c.get("Criterias") or []:
        yield from comments(x)
bad = []
for g in sys.argv[2:]:
    d = json.load(open(g))
    want = {(m.group(1), m.group(2), cve["ID"]) for c in comments(d["Criteria"])
            for m in [re.fullmatch(r"(\S+) is earlier than (\S+)", c)] if m for cve in d["Cves"]}
    got = set(db.execute("SELECT package, fixed_version, vuln_id FROM advisories WHERE"
                         " namespace = 'ol:5' AND vuln_id IN (%s)" % ",".join("?" * len(d["Cves"])),
                         [c["ID"] for c in d["Cves"]]))
    if want != got:
        bad.append("%s: want %d, got %d" % (g.rsplit("/", 1)[1], len(want), len(got)))
print("; ".join(bad) or "ok")
PY
)"
printf 'Oracle Linux Server release 5.11\n' >"$T/ol5.rel"
printf 'Oracle Linux Server release 6.10\n' >"$T/ol6.rel"
cat >"$T/ol7.os" <<'OS'
NAME="Oracle Linux Server"
VERSION="7.9"
ID="ol"
ID_LIKE="fedora"
VARIANT="Server"
VARIANT_ID="server"
VERSION_ID="7.9"
PRETTY_NAME="Oracle Linux Server 7.9"
CPE_NAME="cpe:/o:oracle:linux:7:9:server"
OS
sed 's/7\.9/8.9/g; s/:7:/:8:/' "$T/ol7.os" >"$T/ol8.os"
mkrpmdb "$T/ol5" "bind 30 9.3.3 7.el5 x86_64" "bind-libs 30 9.3.3 8.el5 x86_64" \
    "bind-utils 0 9.3.3 9.el5 x86_64" "kernel 0 2.6.18 419.0.0.0.9.el5 x86_64" >"$T/mk.log" 2>&1 ||
	diag "$(tail -5 "$T/mk.log")"
mkrpmdb "$T/ol6" "kernel-uek 0 2.6.39 400.302.1.el6uek x86_64" \
    "kernel 0 2.6.39 400.302.1.el6 x86_64" >"$T/mk.log" 2>&1 || diag "$(tail -5 "$T/mk.log")"
mkrpmdb "$T/ol7" "rsyslog 0 8.24.0 57.0.1.el7_9.3 x86_64" "rsyslog-crypto 0 8.24.0 57.el7_9.3 x86_64" \
    "rsyslog-doc 0 8.24.0 57.0.1.el7_9.3" "rsyslog-kafka 0 8.24.0 57.0.1.el7_9.3 aarch64" \
    "hullscan-probe 0 1.0 1.el7 x86_64" >"$T/mk.log" 2>&1 || diag "$(tail -5 "$T/mk.log")"
mkrpmdb "$T/ol8" "openssl-libs 2 1.1.1g 14.ksplice1.el8_3 x86_64" "openssl 1 1.1.1k 4.el8 x86_64" \
    >"$T/mk.log" 2>&1 || diag "$(tail -5 "$T/mk.log")"
mkimage "$T/oci" ol5 "$T/ol5.rel" "$T/ol5" etc/oracle-release
mkimage "$T/oci" ol6 "$T/ol6.rel" "$T/ol6" etc/oracle-release
mkimage "$T/oci" ol7 "$T/ol7.os" "$T/ol7"
mkimage "$T/oci" ol8 "$T/ol8.os" "$T/ol8"
for c in "ol5 ELSA-2007-0057.xml elsa-2018-1196-1.xml.bz2" "ol6 vunnel-mock_data" \
    "ol7 vunnel-mock_per_arch_data" "ol8 vunnel-mock_ksplice_data"; do
	set -- $c
	img=$1; shift
	qa "$T/$img/var/lib/rpm" >"$T/$img.qa"
	for f in "$@"; do $EXPECT elsa "$ORA/$f" "$T/$img.qa"; done | sort >"$T/$img.want"
	"$HULLSCAN" inventory -q "oci:$T/oci:$img" >"$T/$img.inv" 2>"$T/err" || true
	same "$img: namespace ${img/ol/ol:}" "${img/ol/ol:}" "$(nsof "$T/$img.inv" | cut -d' ' -f3)"
	expect_status "$img: scan" 0 scan "$DB" "$T/$img.json" "oci:$T/oci:$img"
	same "$img: findings equal the ELSA criteria applied by rpm.vercmp ($(wc -l <"$T/$img.want"))" \
	    "$(cat "$T/$img.want")" "$(findings "$T/$img.json")"
done
same "ol5: bind and bind-utils (no epoch, below 30), kernel" "bind bind-utils kernel" \
    "$(cut -d' ' -f1 "$T/ol5.want" | sort -u | tr '\n' ' ' | sed 's/ $//')"
same "ol6: kernel-uek only" "kernel-uek" "$(cut -d' ' -f1 "$T/ol6.want" | sort -u | tr '\n' ' ' | sed 's/ $//')"
same "ol7: rsyslog-crypto at x86_64's fix, rsyslog-kafka at aarch64's" \
    "rsyslog-crypto CVE-2022-24903 0:8.24.0-57.0.1.el7_9.3
rsyslog-kafka CVE-2022-24903 0:8.24.0-57.0.4.el7_9.3" "$(cat "$T/ol7.want")"
same "ol8: the Ksplice build only" "openssl-libs" "$(cut -d' ' -f1 "$T/ol8.want" | sort -u)"

# --- 5. SUSE: CSAF advisories; the real SLE 15 SP3 BCI NDB rpmdb ---------------
# The real documents: SUSE-SU-2019:0048-2 fixes helm-mirror 0.2.1-1.7.1 in the
# Containers module of SLE 15 SP1 (cpe:/o:suse:sle-module-containers:15:sp1,
# so sles:15.1); openSUSE-SU-2019:0003-1 is for SUSE Package Hub 15, which is
# not SLES (no finding on any image). Two documents derived here from
# SUSE-SU-2019:0048-2 move it to the Basesystem module of 15 SP3 (its CPE
# changed) and to packages the BCI image holds: libzstd1 1.4.4-1.9.1 (above
# the installed 1.4.4-1.6.1: three findings) and bash 4.4-19.6.1 (the
# installed one: none). A SLES 15 SP1 rpmdb built here holds helm-mirror
# 0.2.1-1.6.1 (below the real fix).
SUSE=$FEEDS/suse
/usr/bin/python3 - "$SUSE/csaf-suse-su-2019_0048-2.json" "$T" <<'PY'
import sys
t = open(sys.argv[1]).read()
t = t.replace("SUSE Linux Enterprise Module for Containers 15 SP1",
              "SUSE Linux Enterprise Module for Basesystem 15 SP3")
t = t.replace("cpe:/o:suse:sle-module-containers:15:sp1", "cpe:/o:suse:sle-module-basesystem:15:sp3")
for name, pkg in (("zstd", "libzstd1-1.4.4-1.9.1"), ("bash", "bash-4.4-19.6.1")):
    open("%s/suse-derived-%s.json" % (sys.argv[2], name), "w").write(
        t.replace("helm-mirror-0.2.1-1.7.1", pkg).replace("SUSE-SU-2019:0048-2", "DERIVED-" + name))
PY
expect_status "db import SUSE's CSAF (2 real, 2 derived)" 0 "$HULLSCAN" db import --db "$DB" \
    "$SUSE/csaf-suse-su-2019_0048-2.json" "$SUSE/csaf-opensuse-su-2019_0003-1.json" \
    "$T/suse-derived-zstd.json" "$T/suse-derived-bash.json"
same "SUSE-SU-2019:0048-2: rows are vuln-list-update's (helm-mirror 0.2.1-1.7.1, 3 CVEs) in sles:15.1" "ok" \
    "$(/usr/bin/python3 - "$DB" "$SUSE/vuln-list-update-golden/csaf-SUSE-SU-2019-0048-2.json" <<'PY'
import json, sqlite3, sys
g = json.load(open(sys.argv[2]))
want = set()
for v in g["vulnerabilities"]:
    for pid in v["product_status"]["recommended"]:
        pkg = pid.split(":", 1)[1].rsplit(".", 1)[0]
        n, ver, rel = pkg.rsplit("-", 2)
        want.add(("sles:15.1", n, v["cve"], "0:%s-%s" % (ver, rel)))
got = set(sqlite3.connect(sys.argv[1]).execute(
    "SELECT namespace, package, vuln_id, fixed_version FROM advisories WHERE package = 'helm-mirror'"))
print("ok" if want == got else "want %s got %s" % (sorted(want), sorted(got)))
PY
)"
cat >"$T/sles153.os" <<'OS'
NAME="SLES"
VERSION="15-SP3"
VERSION_ID="15.3"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP3"
ID="sles"
ID_LIKE="suse"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:15:sp3"
DOCUMENTATION_URL="https://documentation.suse.com/"
OS
sed 's/15-SP3/15-SP1/; s/15\.3/15.1/; s/15 SP3/15 SP1/; s/sp3/sp1/' "$T/sles153.os" >"$T/sles151.os"
mkdir -p "$T/bci/var/lib/rpm"
cp "$FIXTURES/rpmdb/sle15-bci-ndb-b/Packages.db" "$T/bci/var/lib/rpm/"
mkimage "$T/oci" bci "$T/sles153.os" "$T/bci"
# No rpm here reads NDB: the package list is the fixture's own (rpm -qa in the image).
awk -F'\t' 'NR > 1 { print $2 "\t" ($1 == "" ? "(none)" : $1) "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' \
    "$FIXTURES/rpmdb/sle15-bci-ndb-b/expected_packages.tsv" >"$T/bci.qa"
"$HULLSCAN" inventory -q "oci:$T/oci:bci" >"$T/bci.inv" 2>"$T/err" || true
same "bci (real NDB rpmdb): os sles 15.3, namespace sles:15.3, the fixture's 36 packages" \
    "sles 15.3 sles:15.3 36" "$(nsof "$T/bci.inv") $(grep -vc '^#' "$T/bci.inv")"
for f in "$SUSE/csaf-suse-su-2019_0048-2.json" "$SUSE/csaf-opensuse-su-2019_0003-1.json" \
    "$T/suse-derived-zstd.json" "$T/suse-derived-bash.json"; do
	$EXPECT suse "$f" "$T/bci.qa" sles:15.3
done | sort >"$T/bci.want"
same "bci: the second route finds libzstd1's three CVEs only" \
    "libzstd1 CVE-2018-16873 0:1.4.4-1.9.1
libzstd1 CVE-2018-16874 0:1.4.4-1.9.1
libzstd1 CVE-2018-16875 0:1.4.4-1.9.1" "$(cat "$T/bci.want")"
expect_status "bci: scan" 0 scan "$DB" "$T/bci.json" "oci:$T/oci:bci"
same "bci: findings equal the CSAF applied by rpm.vercmp" "$(cat "$T/bci.want")" "$(findings "$T/bci.json")"
same "bci: SUSE's link and the advisory as description" \
    "https://www.suse.com/security/cve/CVE-2018-16873 DERIVED-zstd: Security update for helm-mirror" \
    "$(json_query "$T/bci.json" '" ".join(next([f["link"], f["description"]] for f in r["images"][0]["findings"] if f["id"] == "CVE-2018-16873"))')"
mkrpmdb "$T/sl151" "helm-mirror 0 0.2.1 1.6.1 x86_64" "bash 0 4.4 19.6.1 x86_64" >"$T/mk.log" 2>&1 ||
	diag "$(tail -5 "$T/mk.log")"
mkimage "$T/oci" sles151 "$T/sles151.os" "$T/sl151"
qa "$T/sl151/var/lib/rpm" >"$T/sl151.qa"
for f in "$SUSE/csaf-suse-su-2019_0048-2.json" "$SUSE/csaf-opensuse-su-2019_0003-1.json" \
    "$T/suse-derived-zstd.json" "$T/suse-derived-bash.json"; do
	$EXPECT suse "$f" "$T/sl151.qa" sles:15.1
done | sort >"$T/sl151.want"
expect_status "sles 15 SP1 (built): scan" 0 scan "$DB" "$T/sl151.json" "oci:$T/oci:sles151"
same "sles 15 SP1: helm-mirror's 3 CVEs from the real advisory, nothing from 15 SP3's" \
    "$(cat "$T/sl151.want")" "$(findings "$T/sl151.json")"
same "sles 15 SP1: the second route agrees it is 3" 3 "$(wc -l <"$T/sl151.want")"
# The whole set as SUSE publishes it (csaf.tar.bz2): one feed, read entry by entry.
mkdir -p "$T/csaf-tar"
cp "$SUSE"/csaf-*.json "$T/suse-derived-zstd.json" "$T/csaf-tar/"
tar -C "$T/csaf-tar" -cjf "$T/csaf.tar.bz2" .
expect_status "db import csaf.tar.bz2 (4 documents) as one feed" 0 \
    "$HULLSCAN" db import --db "$T/tar.db" --format csaf "$T/csaf.tar.bz2"
same "csaf.tar.bz2: 6 rows (3 sles:15.1, 3 sles:15.3)" "csaf.tar.bz2: 6 advisories" "$(sed 's/ (.*//; s/.*\///' "$T/out")"

# --- 6. Photon OS: cve_data_photonN.0.json ------------------------------------
# Photon 4.0 (vunnel's input, a real excerpt): curl 7.88.1-3.ph4 (below its
# two fixes), curl-libs at its fix, nghttp2 below, python3 (CVE-2023-50447:
# "Fixed" but res_ver NA, no fix named: open), httpd ("Not Affected": none),
# krb5-devel below (a BDSA id). Photon 3.0 (the fixtures' excerpt):
# apache-tomcat 8.5.40-1.ph3 (one fix reached, the other not), ansible below,
# curl ("Not Affected").
PH=$FEEDS/photon
expect_status "db import Photon 3.0 and 4.0 CVE data" 0 "$HULLSCAN" db import --db "$DB" \
    "$PH/cve_data_photon3.0.json" "$PH/vunnel-input/cve_data_photon4.0.json"
same "photon: rows are vuln-list-update's for 3.0 (fix or none, Not Affected left out)" "ok" \
    "$(/usr/bin/python3 - "$DB" "$PH"/vuln-list-update-golden/*.json <<'PY'
import json, sqlite3, sys
want = set()
for g in sys.argv[2:]:
    d = json.load(open(g))
    if d["os_version"] == "3.0" and d["res_ver"] != "NA":
        want.add((d["pkg"], d["cve_id"], d["res_ver"]))
got = set(sqlite3.connect(sys.argv[1]).execute(
    "SELECT package, vuln_id, fixed_version FROM advisories WHERE namespace = 'photon:3.0'"))
print("ok" if want == got else "want %s got %s" % (sorted(want), sorted(got)))
PY
)"
same "photon: 4.0 rows are vunnel's (name, version, severity; None no fix)" "ok" \
    "$(/usr/bin/python3 - "$DB" "$PH"/vunnel-snapshots/photon_4.0/*.json <<'PY'
import json, sqlite3, sys
want = set()
for g in sys.argv[2:]:
    v = json.load(open(g))["item"]["Vulnerability"]
    for f in v["FixedIn"]:
        want.add((f["Name"], v["Name"], None if f["Version"] == "None" else f["Version"], v["Severity"]))
got = set(sqlite3.connect(sys.argv[1]).execute(
    "SELECT package, vuln_id, fixed_version, severity FROM advisories WHERE namespace = 'photon:4.0'"
    " AND vuln_id LIKE 'CVE-%'"))
print("ok" if want == got else "want %s got %s" % (sorted(want, key=str), sorted(got, key=str)))
PY
)"
cat >"$T/ph4.os" <<'OS'
NAME="VMware Photon OS"
VERSION="4.0"
ID=photon
VERSION_ID=4.0
PRETTY_NAME="VMware Photon OS/Linux"
ANSI_COLOR="1;34"
HOME_URL="https://vmware.github.io/photon/"
BUG_REPORT_URL="https://github.com/vmware/photon/issues"
OS
sed 's/4\.0/3.0/g' "$T/ph4.os" >"$T/ph3.os"
mkrpmdb "$T/ph4" "curl 0 7.88.1 3.ph4 x86_64" "curl-libs 0 7.88.1 4.ph4 x86_64" \
    "nghttp2 0 1.55.1 1.ph4 x86_64" "python3 0 3.10.11 1.ph4 x86_64" "httpd 0 2.4.57 1.ph4 x86_64" \
    "krb5-devel 0 1.17 14.ph4 x86_64" >"$T/mk.log" 2>&1 || diag "$(tail -5 "$T/mk.log")"
mkrpmdb "$T/ph3" "apache-tomcat 0 8.5.40 1.ph3 noarch" "ansible 0 2.7.6 1.ph3 noarch" \
    "curl 0 7.88.1 1.ph3 x86_64" >"$T/mk.log" 2>&1 || diag "$(tail -5 "$T/mk.log")"
mkimage "$T/oci" ph4 "$T/ph4.os" "$T/ph4"
mkimage "$T/oci" ph3 "$T/ph3.os" "$T/ph3"
for c in "ph4 vunnel-input/cve_data_photon4.0.json 4.0" "ph3 cve_data_photon3.0.json 3.0"; do
	set -- $c
	qa "$T/$1/var/lib/rpm" >"$T/$1.qa"
	$EXPECT photon "$PH/$2" "$T/$1.qa" >"$T/$1.want"
	"$HULLSCAN" inventory -q "oci:$T/oci:$1" >"$T/$1.inv" 2>"$T/err" || true
	same "$1: namespace photon:$3" "photon:$3" "$(nsof "$T/$1.inv" | cut -d' ' -f3)"
	expect_status "$1: scan" 0 scan "$DB" "$T/$1.json" "oci:$T/oci:$1"
	same "$1: findings equal the CVE data applied by rpm.vercmp ($(wc -l <"$T/$1.want"))" \
	    "$(cat "$T/$1.want")" "$(findings "$T/$1.json")"
done
same "ph4: the second route: curl twice, nghttp2, python3 open, krb5-devel; not httpd, curl-libs" \
    "curl CVE-2023-38545 7.88.1-4.ph4
curl CVE-2023-38546 7.88.1-4.ph4
krb5-devel BDSA-2025-0719 1.17-15.ph4
nghttp2 CVE-2023-44487 1.57.0-1.ph4
python3 CVE-2023-50447 None" "$(cat "$T/ph4.want")"
same "ph4: cve_score 9.8 is Critical, 3.7 Low" "Critical Low" \
    "$(json_query "$T/ph4.json" '" ".join(next(f["severity"] for f in r["images"][0]["findings"] if f["id"] == c) for c in ("CVE-2023-38545", "CVE-2023-38546"))')"
same "ph3: apache-tomcat's second fix, ansible" "ansible apache-tomcat" \
    "$(cut -d' ' -f1 "$T/ph3.want" | tr '\n' ' ' | sed 's/ $//')"

# --- 7. Fedora: Bodhi's security updates -------------------------------------
# vunnel's six real Bodhi records (trimmed): two Fedora 21 updates, httpd
# 2.4.55-1 for Fedora 36 and 37, two EPEL updates (not Fedora: no row; vunnel
# files EPEL 7 under fedora:7). Bodhi builds are source packages: a Fedora 36
# rpmdb built here holds httpd 2.4.54-1.fc36 and its subpackages httpd-tools
# and httpd-filesystem (all below, matched by their source rpm, httpd), mod_ssl
# 1:2.4.55-1.fc36 (source mod_ssl: no update names it) and drupal7 7.33-1.fc36
# (the Fedora 21 fix is not Fedora 36's).
FED=$FEEDS/fedora
expect_status "db import Bodhi's records" 0 "$HULLSCAN" db import --db "$DB" "$FED"/vunnel-merge-input/*.json
same "fedora: rows are vunnel's for fedora:21, 36, 37 (source, E:V-R, severity), EPEL left out" "ok" \
    "$(/usr/bin/python3 - "$DB" "$FED"/vunnel-snapshots/merge/fedora_*/*.json <<'PY'
import json, sqlite3, sys
want = set()
for g in sys.argv[2:]:
    v = json.load(open(g))["item"]["Vulnerability"]
    if v["NamespaceName"] == "fedora:7":
        continue
    for f in v["FixedIn"]:
        want.add((v["NamespaceName"], f["Name"], v["Name"], f["Version"], v["Severity"]))
got = set(sqlite3.connect(sys.argv[1]).execute(
    "SELECT namespace, package, vuln_id, fixed_version, severity FROM advisories"
    " WHERE namespace LIKE 'fedora:%' AND kind = 0"))
print("ok" if want == got else "want %s got %s" % (sorted(want - got), sorted(got - want)))
PY
)"
cat >"$T/f36.os" <<'OS'
NAME="Fedora Linux"
VERSION="36 (Container Image)"
ID=fedora
VERSION_ID=36
VERSION_CODENAME=""
PLATFORM_ID="platform:f36"
PRETTY_NAME="Fedora Linux 36 (Container Image)"
CPE_NAME="cpe:/o:fedoraproject:fedora:36"
VARIANT="Container Image"
VARIANT_ID=container
OS
mkrpmdb "$T/f36" "httpd 0 2.4.54 1.fc36 x86_64 tools,filesystem" "mod_ssl 1 2.4.55 1.fc36 x86_64" \
    "drupal7 0 7.33 1.fc36 noarch" >"$T/mk.log" 2>&1 || diag "$(tail -5 "$T/mk.log")"
mkimage "$T/oci" f36 "$T/f36.os" "$T/f36"
qa "$T/f36/var/lib/rpm" >"$T/f36.qa"
for f in "$FED"/vunnel-merge-input/*.json; do $EXPECT bodhi "$f" "$T/f36.qa" fedora:36; done | sort >"$T/f36.want"
"$HULLSCAN" inventory -q "oci:$T/oci:f36" >"$T/f36.inv" 2>"$T/err" || true
same "f36: namespace fedora:36, 5 packages (httpd and 2 subpackages)" "fedora:36 5" \
    "$(nsof "$T/f36.inv" | cut -d' ' -f3) $(grep -vc '^#' "$T/f36.inv")"
expect_status "f36: scan" 0 scan "$DB" "$T/f36.json" "oci:$T/oci:f36"
same "f36: findings equal Bodhi's updates applied by rpm.vercmp ($(wc -l <"$T/f36.want"))" \
    "$(cat "$T/f36.want")" "$(findings "$T/f36.json")"
same "f36: httpd, httpd-tools, httpd-filesystem: 3 CVEs each; not mod_ssl, not drupal7" \
    "httpd=3 httpd-filesystem=3 httpd-tools=3 mod_ssl=0 drupal7=0" \
    "$(for p in httpd httpd-filesystem httpd-tools mod_ssl drupal7; do printf '%s=%s ' $p "$(grep -c "^$p " "$T/f36.want" || true)"; done | sed 's/ $//')"
same "f36: Bodhi's page as link, severity medium as Medium" \
    "https://bodhi.fedoraproject.org/updates/FEDORA-2023-6d4055d482 Medium" \
    "$(json_query "$T/f36.json" '" ".join(next([f["link"], f["severity"]] for f in r["images"][0]["findings"] if f["package"] == "httpd-tools"))')"
/usr/bin/python3 -c 'import json,sys,glob; json.dump({"updates": [json.load(open(f)) for f in sorted(glob.glob(sys.argv[1] + "/*.json"))], "page": 1, "pages": 1, "rows_per_page": 20, "total": 6}, open(sys.argv[2], "w"))' \
    "$FED/vunnel-merge-input" "$T/bodhi-page.json"
expect_status "db import one page of Bodhi's API (the six records)" 0 \
    "$HULLSCAN" db import --db "$T/page.db" "$T/bodhi-page.json"
same "the page: the same 12 rows as the records one by one" "bodhi-page.json: 12 advisories" \
    "$(sed 's/ (.*//; s/.*\///' "$T/out")"

# --- 8. Microsoft OVAL that says no release ------------------------------------
sed 's/\.cm2</</g' "$FEEDS/azurelinux/vunnel-mariner-truncated-2.0-oval.xml" >"$T/notag.xml"
expect_status "an OVAL with no .cmN/.azlN tag: refused (exit 2)" 2 \
    "$HULLSCAN" db import --db "$T/notag.db" "$T/notag.xml"
grep -q "notag.xml.*which release it covers is unknown" "$T/err" &&
	ok "... naming the file: $(head -1 "$T/err")" || { not_ok "no-tag message"; diag "$(cat "$T/err")"; }

# --- 9. db update: the shipped feeds.conf's lines for these distributions -----
# A loopback nginx serves the fixture files as the upstream hosts' paths
# (--mirror http://127.0.0.1:PORT: HOST/PATH); Amazon's through mirror.list
# and repodata/repomd.xml as its repositories publish them. Each feed's rows
# equal a direct db import of the same file; a second update is all 304s.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ -x "$NGINX" ]; then
	W=$T/www
	AL=$W/cdn.amazonlinux.com
	R1=$W/repo.us-west-2.amazonaws.com/2018.03/updates
	MS=$W/raw.githubusercontent.com/microsoft/AzureLinuxVulnerabilityData/main
	PV=$W/packages.vmware.com/photon/photon_cve_metadata
	mkdir -p "$AL/al2023/core/mirrors/latest/x86_64" "$AL/al2023/core/guids/0a1b2c/x86_64/repodata" \
	    "$AL/2/core/latest/x86_64" "$AL/2/core/2.0/x86_64/6b0225cc/repodata" \
	    "$R1/x86_64" "$R1/e7fc1/x86_64/repodata" "$W/linux.oracle.com/security/oval" \
	    "$MS" "$W/ftp.suse.com/pub/projects/security" "$PV"
	repomd() {	# repomd DIR HREF: a repomd.xml listing HREF as updateinfo
		cat >"$1/repomd.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1700000000</revision>
  <data type="primary"><location href="repodata/primary.xml.gz"/></data>
  <data type="updateinfo">
    <checksum type="sha256">0</checksum>
    <location href="$2"/>
  </data>
</repomd>
XML
	}
	echo "https://cdn.amazonlinux.com/al2023/core/guids/0a1b2c/x86_64/" \
	    >"$AL/al2023/core/mirrors/latest/x86_64/mirror.list"
	repomd "$AL/al2023/core/guids/0a1b2c/x86_64/repodata" repodata/updateinfo.xml.gz
	cp "$AMZ/updateinfo_AL2023-ALAS2023-2023-001.xml.gz" "$AL/al2023/core/guids/0a1b2c/x86_64/repodata/updateinfo.xml.gz"
	echo "https://cdn.amazonlinux.com/2/core/2.0/x86_64/6b0225cc" >"$AL/2/core/latest/x86_64/mirror.list"
	repomd "$AL/2/core/2.0/x86_64/6b0225cc/repodata" repodata/0e4f9c-updateinfo.xml.gz
	cp "$AMZ/updateinfo_AL2-2items.xml.gz" "$AL/2/core/2.0/x86_64/6b0225cc/repodata/0e4f9c-updateinfo.xml.gz"
	printf '# AL1\nhttp://repo.us-west-2.amazonaws.com/2018.03/updates/e7fc1/x86_64/\n' >"$R1/x86_64/mirror.list"
	repomd "$R1/e7fc1/x86_64/repodata" repodata/updateinfo.xml.gz
	printf '<?xml version="1.0" ?>\n<updates></updates>\n' | gzip >"$R1/e7fc1/x86_64/repodata/updateinfo.xml.gz"
	bzip2 -c "$ORA/vunnel-mock_per_arch_data" >"$W/linux.oracle.com/security/oval/com.oracle.elsa-ol7.xml.bz2"
	bzip2 -c "$ORA/vunnel-mock_ksplice_data" >"$W/linux.oracle.com/security/oval/com.oracle.elsa-ol8.xml.bz2"
	cp "$ORA/elsa-2018-1196-1.xml.bz2" "$W/linux.oracle.com/security/oval/com.oracle.elsa-ol9.xml.bz2"
	cp "$FEEDS/azurelinux/vunnel-mariner-truncated-2.0-oval.xml" "$MS/cbl-mariner-1.0-oval.xml"
	cp "$FEEDS/azurelinux/cbl-mariner-2.0-oval.xml" "$FEEDS/azurelinux/azurelinux-3.0-oval.xml" "$MS/"
	cp "$T/csaf.tar.bz2" "$W/ftp.suse.com/pub/projects/security/csaf.tar.bz2"
	cp "$PH/cve_data_photon3.0.json" "$PV/"
	cp "$PH/vunnel-input/cve_data_photon4.0.json" "$PV/"
	cp "$PH/cve_data_photon1.0.json" "$PV/cve_data_photon5.0.json"
	chmod -R a+rX,u+w "$W"
	PORT=$(free_port)
	cat >"$T/n.conf" <<NGINXCONF
daemon off; pid $T/nginx.pid; error_log $T/nginx.err;
events {}
http { log_format st '\$uri \$status'; access_log $T/access st;
	server { listen 127.0.0.1:$PORT; root $W; } }
NGINXCONF
	"$NGINX" -c "$T/n.conf" -p "$T" 2>/dev/null &
	NGINX_PID=$!
	at_exit "kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null"
	wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" || diag "nginx did not start"
	# The shipped list's lines for these distributions, as they are.
	grep -E '^(amzn|oracle|mariner|azurelinux|suse|photon)-' "$top_srcdir/data/feeds.conf" >"$T/new.conf"
	same "data/feeds.conf lists 13 feeds for these distributions" 13 "$(wc -l <"$T/new.conf")"
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	expect_status "db update of those feeds through the loopback mirror" 0 \
	    "$HULLSCAN" db update --db "$T/up.db" --feeds "$T/new.conf" --mirror "http://127.0.0.1:$PORT"
	/usr/bin/python3 - "$T/new.conf" "$W" <<'PY' >"$T/direct.tsv"
import sys, urllib.parse
for line in open(sys.argv[1]):
    name, fmt, url = line.split()
    u = urllib.parse.urlsplit(url)
    print(name, fmt, sys.argv[2] + "/" + u.netloc + u.path, sep="\t")
PY
	bad=""
	while IFS=$'\t' read -r name fmt path; do
		if [ "$fmt" = updateinfo ]; then	# the file repomd.xml names
			path=$(find "$W/$(echo "${path#"$W"/}" | cut -d/ -f1-2)" -name '*updateinfo.xml.gz' | head -1)
		fi
		"$HULLSCAN" db import --db "$T/direct.db" --format "$fmt" --feed "$name" "$path" >/dev/null 2>&1 ||
			bad="$bad [$name: direct import of $path failed]"
	done <"$T/direct.tsv"
	counts=$(/usr/bin/python3 - "$T/up.db" "$T/direct.db" <<'PY'
import sqlite3, sys
def counts(p):
    c = sqlite3.connect(p)
    return dict(c.execute("SELECT f.name, count(a.feed) FROM feeds f LEFT JOIN advisories a"
                          " ON a.feed = f.id GROUP BY f.name"))
a, b = counts(sys.argv[1]), counts(sys.argv[2])
print("ok" if a == b and len(a) == 13 else "update %s direct %s" % (sorted(a.items()), sorted(b.items())))
PY
)
	same "each feed's rows equal a direct db import of the same file$bad" "ok" "$counts"
	same "db status lists the 13 feeds, each fetched from its upstream URL's mirror" 13 \
	    "$("$HULLSCAN" db status --db "$T/up.db" | awk -F'\t' 'index($2, "http://127.0.0.1") == 1' | wc -l)"
	same "amzn-2-updateinfo: fetched from the file repomd.xml names" \
	    "http://127.0.0.1:$PORT/cdn.amazonlinux.com/2/core/2.0/x86_64/6b0225cc/repodata/0e4f9c-updateinfo.xml.gz" \
	    "$("$HULLSCAN" db status --db "$T/up.db" | awk -F'\t' '$1 == "amzn-2-updateinfo" { print $2 }')"
	expect_status "db update again" 0 \
	    "$HULLSCAN" db update --db "$T/up.db" --feeds "$T/new.conf" --mirror "http://127.0.0.1:$PORT"
	same "again: every feed 304 not modified (the updateinfo files too)" 13 \
	    "$(grep -c ': 304 not modified' "$T/err")"
else
	skip "nginx is not installed: db update of the new feeds"
fi

# --- 10. Hostile and broken feeds: one line naming the file, exit 2 -----------
# oneline DESC WANT FILE FORMAT: import refused with exit 2, stderr one
# "hullscan: FILE: ..." line containing WANT, the database untouched.
oneline() {
	local desc=$1 want=$2 file=$3 fmt=$4
	set +e
	"$HULLSCAN" db import --db "$T/hostile.db" --format "$fmt" "$file" >/dev/null 2>"$T/err"
	local st=$?
	set -e
	if [ $st -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	    grep -q "^hullscan: $file: .*$want" "$T/err"; then ok "$desc: $(cat "$T/err")"
	else not_ok "$desc (exit $st)"; diag "$(head -c 1500 "$T/err")"; fi
}
printf '<?xml version="1.0" encoding="EUC-JP"?>\n<updates><update type="security"><id>\x80\x00\xff\xfe</id></update></updates>' >"$T/enc.xml"
oneline "updateinfo in a broken encoding" "input conversion failed" "$T/enc.xml" updateinfo
sed 's/updates/oval_definitions/g' "$T/enc.xml" >"$T/enc-oval.xml"
oneline "OVAL in a broken encoding" "input conversion failed" "$T/enc-oval.xml" oval
{ echo '<!DOCTYPE updates [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>'
  echo '<updates><update type="security"><id>&xxe;</id></update></updates>'; } >"$T/xxe.xml"
oneline "updateinfo with an external entity" "external entity declaration refused" "$T/xxe.xml" updateinfo
zcat "$AMZ/updateinfo_AL2-2items.xml.gz" | head -c 3000 >"$T/trunc.xml"
oneline "updateinfo cut short" "line" "$T/trunc.xml" updateinfo
head -c 2000 "$AMZ/updateinfo_AL2-2items.xml.gz" >"$T/trunc.xml.gz"
oneline "updateinfo.xml.gz cut short" "gzip" "$T/trunc.xml.gz" updateinfo
echo '<updates><update type="security"><title>no id</title></update></updates>' >"$T/noid.xml"
oneline "an update without an id" "update 1: no id" "$T/noid.xml" updateinfo
echo '{"cve_id": "CVE-1", "pkg": "x", "res_ver": "1-1.ph4"}' >"$T/obj.json"
oneline "Photon data that is not an array" "not a JSON array" "$T/obj.json" photon
echo '[{"cve_id": "CVE-1", "pkg": "x", "res_ver": "NA"}]' >"$T/norel.json"
oneline "Photon data naming no release" "which release it covers is unknown" "$T/norel.json" photon
head -c 5000 "$SUSE/csaf-suse-su-2019_0048-2.json" >"$T/cut.json"
oneline "a CSAF document cut short" "line" "$T/cut.json" csaf
mkdir -p "$T/badtar" && cp "$T/cut.json" "$T/badtar/x.json" && tar -C "$T/badtar" -cjf "$T/bad.tar.bz2" .
oneline "a tar of CSAF with a broken document, naming it" "x.json: line" "$T/bad.tar.bz2" csaf
same "nothing was written by the refused imports" "" \
    "$("$HULLSCAN" db status --db "$T/hostile.db" 2>/dev/null | cut -f1)"

done_testing
