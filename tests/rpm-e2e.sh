#!/bin/bash
# The rpm family end to end: images made at test time from rpm databases
# (one built with Debian's rpm, the SQLite backend; the real RHEL 8
# BerkeleyDB and CBL-Mariner SQLite fixtures), scanned against real Red Hat
# OVAL and CSAF records and against OSV records written here by hand. Every
# expected finding is worked out by hand below from the records named, and
# every rpm order it relies on is checked with rpm's own rpm.vercmp.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd rpm rpmbuild /usr/bin/python3

FEEDS=$FIXTURES/feeds
MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"

json_query() {
	/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# The findings of a report, one "package id fixed severity namespace" a line, sorted.
findings() {
	json_query "$1" '"\n".join(sorted(" ".join(str(x) for x in (f["package"], f["id"],
	    f["fixed_version"], f["severity"], f["namespace"])) for f in r["images"][0]["findings"]))'
}
# same DESC WANT GOT: one case, the two texts equal.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "want:"; diag "$2"; diag "got:"; diag "$3"; fi
}
# vercmp A B: rpm's own order (-1, 0, 1) of two EVR strings.
vercmp() {
	rpm --eval "%{lua: print(rpm.vercmp(\"$1\", \"$2\"))}"
}
# order DESC A OP B...: rpm itself agrees with each "A < B" / "A = B" / "A > B"
# the hand-derived answers below rest on.
order() {
	local desc=$1 bad="" a op b want got
	shift
	while [ $# -ge 3 ]; do
		a=$1 op=$2 b=$3; shift 3
		case $op in "<") want=-1 ;; "=") want=0 ;; ">") want=1 ;; esac
		got=$(vercmp "$a" "$b")
		[ "$got" = "$want" ] || bad="$bad [$a $op $b: rpm says $got]"
	done
	[ -z "$bad" ] && ok "rpm.vercmp agrees: $desc" || not_ok "rpm.vercmp: $desc:$bad"
}

# mkrpmdb DIR "NAME EPOCH VERSION RELEASE"...: tiny noarch packages built with
# rpmbuild, installed (--justdb) into DIR/var/lib/rpm/rpmdb.sqlite.
mkrpmdb() {
	local dir=$1 name epoch version release top
	shift
	top=$dir.build
	mkdir -p "$top" "$dir/var/lib/rpm"
	for spec in "$@"; do
		set -- $spec
		name=$1 epoch=$2 version=$3 release=$4
		{
			echo "Name: $name"
			[ "$epoch" = 0 ] || echo "Epoch: $epoch"
			printf 'Version: %s\nRelease: %s\nSummary: test\nLicense: MIT\n' "$version" "$release"
			printf 'BuildArch: noarch\n%%description\ntest\n%%files\n'
		} >"$top/$name.spec"
		rpmbuild -bb --quiet --define "_topdir $top" "$top/$name.spec" >"$top/log" 2>&1 ||
			{ cat "$top/log"; return 1; }
	done
	rpm --initdb --dbpath "$dir/var/lib/rpm" --define '_db_backend sqlite' &&
	rpm -i --justdb --nodeps --dbpath "$dir/var/lib/rpm" --define '_db_backend sqlite' \
	    "$top"/RPMS/noarch/*.rpm 2>/dev/null &&
	rm -f "$dir/var/lib/rpm/.rpm.lock"
}
# mkimage OCI TAG OSRELEASE ROOT: a two-layer image, etc/os-release then ROOT's var/.
mkimage() {
	local oci=$1 tag=$2 osr=$3 root=$4 l=$T/layers.$RANDOM
	mkdir -p "$l/os/etc"
	cp "$osr" "$l/os/etc/os-release"
	tar -C "$l/os" -cf "$l/os.tar" etc
	tar -C "$root" -cf "$l/pkgs.tar" var
	$MKOCI "$oci" "$tag" "$l/os.tar" "$l/pkgs.tar" >/dev/null
}
scan() {
	"$HULLSCAN" scan -q --no-history --db "$1" --json "$2" "$3"
}

# --- os-release files --------------------------------------------------------
# RHEL 8 from claircore's Ubi8 case; the others as those images ship them.
/usr/bin/python3 -c '
import sys
t = open(sys.argv[1]).read()
print(t.split("-- os-release --\n")[1].split("-- ")[0], end="")' \
    "$FIXTURES/os-release/claircore/osrelease/testdata/Ubi8.txtar" >"$T/rhel8.os"
cat >"$T/rhel9.os" <<'OS'
NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
OS
cat >"$T/rocky8.os" <<'OS'
NAME="Rocky Linux"
VERSION="8.9 (Green Obsidian)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="8.9"
PLATFORM_ID="platform:el8"
PRETTY_NAME="Rocky Linux 8.9 (Green Obsidian)"
OS
cat >"$T/centos8.os" <<'OS'
NAME="CentOS Linux"
VERSION="8"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="8"
PLATFORM_ID="platform:el8"
PRETTY_NAME="CentOS Linux 8"
OS
cat >"$T/mariner.os" <<'OS'
NAME="Common Base Linux Mariner"
VERSION="2.0.20220226"
ID=mariner
VERSION_ID=2.0
PRETTY_NAME="CBL-Mariner/Linux"
OS

# --- 1. Debian's rpm builds an RHEL 8 rpmdb; the real rhel-8.oval.v2.xml ------
# Packages and the OVAL criteria that decide them (rhel-8.oval.v2.xml):
#   curl 7.61.1-10.el8         RHSA-2019:3701 "curl is earlier than 0:7.61.1-11.el8",
#                              CVEs 2018-16890, 2018-20483, 2019-3822 (Moderate) and
#                              2019-3823 (impact="low")                    -> 4 findings
#   libcurl 7.61.1-11.el8      same RHSA, "libcurl is earlier than 0:7.61.1-11.el8":
#                              installed == fixed                          -> none
#   sqlite-libs 3.26.0-3.el8   RHSA-2020:0273 "sqlite-libs is earlier than
#                              0:3.26.0-4.el8_1", CVE-2019-13734 (Important) -> 1 finding
#   openssl-libs 1:1.1.1-9.el8 RHSA-2019:3700 (Low) "openssl-libs is earlier than
#                              1:1.1.1c-2.el8", CVEs 2018-0734, 2018-0735, 2019-1543
#                              (1.1.1 < 1.1.1c)                            -> 3 findings
#   grub2-common 2:2.02-10.el8 "grub2-common is earlier than 1:2.02-78.el8_1.1":
#                              epoch 2 > 1, whatever the version           -> none
#   hullscan-probe 1.0-1.el8   in no record                                -> none
# Red Hat's Moderate/Important/Low are hullscan's Medium/High/Low.
order "the RHEL 8 OVAL cases" \
    0:7.61.1-10.el8 "<" 0:7.61.1-11.el8  0:7.61.1-11.el8 "=" 0:7.61.1-11.el8 \
    0:3.26.0-3.el8 "<" 0:3.26.0-4.el8_1  1:1.1.1-9.el8 "<" 1:1.1.1c-2.el8 \
    2:2.02-10.el8 ">" 1:2.02-78.el8_1.1
if mkrpmdb "$T/r8" "curl 0 7.61.1 10.el8" "libcurl 0 7.61.1 11.el8" \
    "sqlite-libs 0 3.26.0 3.el8" "openssl-libs 1 1.1.1 9.el8" \
    "grub2-common 2 2.02 10.el8" "hullscan-probe 0 1.0 1.el8" >"$T/mk.log" 2>&1; then
	ok "rpmbuild + rpm -i --justdb made a SQLite rpmdb of 6 packages"
else
	not_ok "rpmbuild + rpm made an rpmdb"; diag "$(tail -5 "$T/mk.log")"
fi
mkimage "$T/oci" rhel8 "$T/rhel8.os" "$T/r8"
mkimage "$T/oci" rocky8 "$T/rocky8.os" "$T/r8"
mkimage "$T/oci" centos8 "$T/centos8.os" "$T/r8"

# The inventory against rpm's own listing of the same database.
rpm -qa --dbpath "$T/r8/var/lib/rpm" --define '_db_backend sqlite' \
    --qf '%{NAME} %{EPOCHNUM} %{VERSION} %{RELEASE}\n' | sort >"$T/r8.want"
if "$HULLSCAN" inventory -q "oci:$T/oci:rhel8" >"$T/r8.inv" 2>"$T/err"; then
	/usr/bin/python3 - "$T/r8.inv" >"$T/r8.got" <<'PY'
import sys
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    f = line.rstrip("\n").split("\t")
    name, ver = f[0], f[1]
    epoch = ver.split(":", 1)[0] if ":" in ver else "0"
    evr = ver.split(":", 1)[-1]
    v, r = evr.rsplit("-", 1)
    print(name, epoch, v, r)
PY
	sort -o "$T/r8.got" "$T/r8.got"
	same "rhel8 image: inventory equals rpm -qa of the database" "$(cat "$T/r8.want")" "$(cat "$T/r8.got")"
	same "rhel8 image: os rhel 8.0, namespace rhel:8" "rhel	8.0	rhel:8" \
	    "$(head -1 "$T/r8.inv" | cut -f2-4)"
else
	not_ok "rhel8 image: inventory"; diag "$(cat "$T/err")"
fi

DB=$T/vuln.db
expect_status "db import rhel-8.oval.v2.xml and CVE-2023-38545 CSAF" 0 \
    "$HULLSCAN" db import --db "$DB" "$FEEDS/redhat-oval/rhel-8.oval.v2.xml" \
    "$FEEDS/redhat-csaf-vex/cve-2023-38545.json"
RHEL8_WANT="curl CVE-2018-16890 0:7.61.1-11.el8 Medium rhel:8
curl CVE-2018-20483 0:7.61.1-11.el8 Medium rhel:8
curl CVE-2019-3822 0:7.61.1-11.el8 Medium rhel:8
curl CVE-2019-3823 0:7.61.1-11.el8 Low rhel:8
openssl-libs CVE-2018-0734 1:1.1.1c-2.el8 Low rhel:8
openssl-libs CVE-2018-0735 1:1.1.1c-2.el8 Low rhel:8
openssl-libs CVE-2019-1543 1:1.1.1c-2.el8 Low rhel:8
sqlite-libs CVE-2019-13734 0:3.26.0-4.el8_1 High rhel:8"
expect_status "rhel8 image: scan" 0 scan "$DB" "$T/rhel8.json" "oci:$T/oci:rhel8"
same "rhel8 image against Red Hat OVAL: exactly the 8 hand-derived findings" \
    "$RHEL8_WANT" "$(findings "$T/rhel8.json")"

# --- 2. CentOS and Rocky are matched against Red Hat's data too ---------------
# Namespaces: centos:8 then rhel:8; rocky:8 then rhel:8. A hand-made Rocky
# record (ecosystem "Rocky Linux:8", the RLSA form) names curl fixed at
# 7.61.1-11.el8, related to CVE-2018-16890 and CVE-2019-3822: for Rocky only,
# it is one more record of those two vulnerabilities, so an alias of their
# two findings, not a ninth finding.
cat >"$T/rlsa.json" <<'J'
{"id": "RLSA-2099:0001", "modified": "2024-01-01T00:00:00Z",
 "related": ["CVE-2018-16890", "CVE-2019-3822"],
 "summary": "Moderate: curl security update (hand-made for hullscan's tests)",
 "affected": [{"package": {"ecosystem": "Rocky Linux:8", "name": "curl"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "7.61.1-11.el8"}]}]}]}
J
for os in "rocky 8.9 rocky:8" "centos 8 centos:8"; do
	set -- $os
	"$HULLSCAN" inventory -q "oci:$T/oci:${1}8" >"$T/inv" 2>&1 || true
	same "${1}8 image: os $1 $2, namespace $3" "$1	$2	$3" "$(head -1 "$T/inv" | cut -f2-4)"
done
expect_status "db import a hand-made Rocky OSV record" 0 "$HULLSCAN" db import --db "$DB" "$T/rlsa.json"
expect_status "centos8 image: scan" 0 scan "$DB" "$T/centos8.json" "oci:$T/oci:centos8"
same "centos8 image: the same 8 findings, from rhel:8" "$RHEL8_WANT" "$(findings "$T/centos8.json")"
# No centos:8 advisory at all, but rhel:8 covers it: checked, no warning.
same "centos8 image: covered through rhel:8, no not-checked warning" "[]" \
    "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][0]["warnings"])' "$T/centos8.json")"
expect_status "rocky8 image: scan" 0 scan "$DB" "$T/rocky8.json" "oci:$T/oci:rocky8"
same "rocky8 image: the 8 Red Hat findings" "$RHEL8_WANT" "$(findings "$T/rocky8.json")"
same "rocky8 image: RLSA-2099:0001 an alias of the two CVEs it names, of nothing else" \
    "curl CVE-2018-16890
curl CVE-2019-3822" \
    "$(json_query "$T/rocky8.json" '"\n".join(sorted(f["package"] + " " + f["id"]
    for f in r["images"][0]["findings"] if "RLSA-2099:0001" in f["aliases"]))')"
same "centos8 image: no RLSA alias (rocky:8 is not consulted)" "0" \
    "$(json_query "$T/centos8.json" 'sum("RLSA-2099:0001" in f["aliases"] for f in r["images"][0]["findings"])')"
expect_status "rhel8 image: scan again" 0 scan "$DB" "$T/rhel8b.json" "oci:$T/oci:rhel8"
same "rhel8 image: never consults rocky:8" "$RHEL8_WANT" "$(findings "$T/rhel8b.json")"

# --- 3. One CVE fixed on two RHEL 9 streams (real CSAF, CVE-2023-38545) --------
# cve-2023-38545.json gives, under rhel:9, every curl binary fixed twice:
# 0:7.76.1-23.el9_2.4 (RHSA-2023:5763, the 9.2 stream) and 0:7.76.1-26.el9_3.2
# (RHSA-2023:6745, 9.3); and 0:7.76.1-14.el9_0.9 for 9.0 EUS (rhel-eus:9.0,
# never consulted by an ordinary RHEL 9 image). One finding per package:
#   curl 7.76.1-23.el9_2.2         on the el9_2 stream, below its fix -> 23.el9_2.4
#   libcurl 7.76.1-23.el9_2.4      has the el9_2 stream's fix; rpm order puts it
#                                  below 26.el9_3.2, but that is another stream -> none
#   curl-minimal 7.76.1-26.el9     the 9.3 main line: 23.el9_2.4 is below it,
#                                  26.el9_3.2 above                 -> 26.el9_3.2
#   libcurl-minimal 7.76.1-14.el9  9.0 main line, below both fixes: the one that
#                                  clears both                      -> 26.el9_3.2
# Red Hat rates CVE-2023-38545 Important: High.
order "the RHEL 9 stream cases" \
    0:7.76.1-23.el9_2.2 "<" 0:7.76.1-23.el9_2.4  0:7.76.1-23.el9_2.4 "<" 0:7.76.1-26.el9_3.2 \
    0:7.76.1-26.el9 ">" 0:7.76.1-23.el9_2.4  0:7.76.1-26.el9 "<" 0:7.76.1-26.el9_3.2 \
    0:7.76.1-14.el9 "<" 0:7.76.1-23.el9_2.4
mkrpmdb "$T/r9" "curl 0 7.76.1 23.el9_2.2" "libcurl 0 7.76.1 23.el9_2.4" \
    "curl-minimal 0 7.76.1 26.el9" "libcurl-minimal 0 7.76.1 14.el9" >"$T/mk.log" 2>&1 ||
	diag "$(tail -5 "$T/mk.log")"
mkimage "$T/oci" rhel9 "$T/rhel9.os" "$T/r9"
expect_status "rhel9 image: scan" 0 scan "$DB" "$T/rhel9.json" "oci:$T/oci:rhel9"
same "rhel9 image: one finding per package, the fix of its own stream" \
"curl CVE-2023-38545 0:7.76.1-23.el9_2.4 High rhel:9
curl-minimal CVE-2023-38545 0:7.76.1-26.el9_3.2 High rhel:9
libcurl-minimal CVE-2023-38545 0:7.76.1-26.el9_3.2 High rhel:9" "$(findings "$T/rhel9.json")"

# --- 4. The real RHEL 8 BerkeleyDB fixture and hand-made OSV records -----------
# rpmdb/libuuid-bdb/Packages holds one package from UBI 8: libuuid
# 2.32.1-42.el8_8 (its rpm4.18-qa.psv). Records in ecosystem
# "Red Hat:enterprise_linux:8::baseos" (namespace rhel:8), one per case:
#   HS-ABOVE   fixed 2.32.1-43.el8 (above)                          -> finding, 2.32.1-43.el8
#   HS-BELOW   fixed 2.32.1-39.el8_7 (below)                        -> none
#   HS-LAST-EQ last_affected 2.32.1-42.el8_8 (== installed, inclusive) -> finding, no fix
#   HS-LAST-LT last_affected 2.32.1-42.el8_7 (below)                -> none
#   HS-INTRO   introduced 2.32.1-43.el8, fixed 2.32.1-45.el8 (starts above) -> none
#   HS-STREAM  fixed 2.32.1-42.el8_8.2 (its own el8_8 stream, above) and
#              2.32.1-44.el8 (main line)                            -> finding, 2.32.1-42.el8_8.2
#   HS-OTHER   fixed 2.32.1-42.el8_8 (own stream, reached) and
#              2.32.1-44.el8_9 (the el8_9 stream, above)            -> none
#   HS-TWICE   fixed 2.32.1-43.el8 and 2.32.1-45.el8 (main line, no
#              el8_8 fix: a first fix and a later one)              -> finding, 2.32.1-45.el8
want=$(awk -F'\302\266' '{ print $2, $3, $4 }' "$FIXTURES/rpmdb/libuuid-bdb/rpm4.18-qa.psv")
same "libuuid-bdb lists libuuid 2.32.1-42.el8_8" "libuuid 2.32.1 42.el8_8" "$want"
order "the libuuid cases" \
    2.32.1-42.el8_8 "<" 2.32.1-43.el8  2.32.1-42.el8_8 ">" 2.32.1-39.el8_7 \
    2.32.1-42.el8_8 ">" 2.32.1-42.el8_7  2.32.1-42.el8_8 "<" 2.32.1-42.el8_8.2 \
    2.32.1-42.el8_8 "<" 2.32.1-44.el8_9  2.32.1-42.el8_8 "<" 2.32.1-45.el8
mkdir -p "$T/uuid/var/lib/rpm"
cp "$FIXTURES/rpmdb/libuuid-bdb/Packages" "$T/uuid/var/lib/rpm/Packages"
mkimage "$T/oci" uuid "$T/rhel8.os" "$T/uuid"
/usr/bin/python3 - "$T/hs.json" <<'PY'
import json, sys
def rec(id, *ranges):
    return {"id": id, "modified": "2024-01-01T00:00:00Z", "summary": id,
            "affected": [{"package": {"ecosystem": "Red Hat:enterprise_linux:8::baseos",
                                      "name": "libuuid"},
                          "ranges": [{"type": "ECOSYSTEM", "events": ev}]} for ev in ranges]}
fx = lambda v: [{"introduced": "0"}, {"fixed": v}]
la = lambda v: [{"introduced": "0"}, {"last_affected": v}]
json.dump([
    rec("HS-ABOVE", fx("2.32.1-43.el8")),
    rec("HS-BELOW", fx("2.32.1-39.el8_7")),
    rec("HS-LAST-EQ", la("2.32.1-42.el8_8")),
    rec("HS-LAST-LT", la("2.32.1-42.el8_7")),
    rec("HS-INTRO", [{"introduced": "2.32.1-43.el8"}, {"fixed": "2.32.1-45.el8"}]),
    rec("HS-STREAM", fx("2.32.1-42.el8_8.2"), fx("2.32.1-44.el8")),
    rec("HS-OTHER", fx("2.32.1-42.el8_8"), fx("2.32.1-44.el8_9")),
    rec("HS-TWICE", fx("2.32.1-43.el8"), fx("2.32.1-45.el8")),
], open(sys.argv[1], "w"))
PY
DB2=$T/hs.db
expect_status "db import the hand-made libuuid records (last_affected: no warning)" 0 \
    "$HULLSCAN" db import --db "$DB2" "$T/hs.json"
grep -q "skipped" "$T/err" && not_ok "import warned: $(cat "$T/err")" || ok "import said nothing was skipped"
expect_status "libuuid image (BerkeleyDB): scan" 0 scan "$DB2" "$T/uuid.json" "oci:$T/oci:uuid"
UUID_WANT="libuuid HS-ABOVE 2.32.1-43.el8 Unknown rhel:8
libuuid HS-LAST-EQ None Unknown rhel:8
libuuid HS-STREAM 2.32.1-42.el8_8.2 Unknown rhel:8
libuuid HS-TWICE 2.32.1-45.el8 Unknown rhel:8"
same "libuuid: exactly HS-ABOVE, HS-LAST-EQ, HS-STREAM, HS-TWICE" "$UUID_WANT" "$(findings "$T/uuid.json")"
same "libuuid: HS-LAST-EQ is open (no fixed version named)" "open" \
    "$(json_query "$T/uuid.json" '[f["status"] for f in r["images"][0]["findings"] if f["id"] == "HS-LAST-EQ"][0]')"

# --- 5. Schema version 3 (last_affected, then the language columns) and older files ------------------------
# A version 1 file (no last_affected column) is read as it is, and migrated by
# the first writable open; a file newer than this hullscan is refused.
cp "$DB2" "$T/v1.db"
/usr/bin/python3 - "$T/v1.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM advisories WHERE last_affected IS NOT NULL")
c.execute("ALTER TABLE advisories DROP COLUMN last_affected")
c.execute("PRAGMA user_version = 1")
c.commit()
PY
expect_status "a version 1 database: scan reads it" 0 scan "$T/v1.db" "$T/v1.json" "oci:$T/oci:uuid"
same "a version 1 database: the findings it holds (no last_affected rows)" \
    "$(grep -v HS-LAST <<<"$UUID_WANT")" "$(findings "$T/v1.json")"
same "a read-only open leaves it at version 1" 1 \
    "$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$T/v1.db")"
expect_status "a version 1 database: db import migrates it" 0 \
    "$HULLSCAN" db import --db "$T/v1.db" "$T/hs.json"
same "migrated: version 3 with advisories.last_affected, limit_version, informational and the aliases table" "3 3 1" \
    "$(/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA user_version").fetchone()[0], sum(1 for r in c.execute("PRAGMA table_info(advisories)") if r[1] in ("last_affected", "limit_version", "informational")), c.execute("SELECT count(*) FROM sqlite_master WHERE type = ? AND name = ?", ("table", "aliases")).fetchone()[0])' "$T/v1.db")"
scan "$T/v1.db" "$T/v1b.json" "oci:$T/oci:uuid" 2>/dev/null || true
same "migrated: the same findings as a new database" "$UUID_WANT" "$(findings "$T/v1b.json")"
cp "$DB2" "$T/v4.db"
/usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 4"); c.commit()' "$T/v4.db"
expect_status "a version 4 database: refused (exit 4)" 4 scan "$T/v4.db" "$T/v4.json" "oci:$T/oci:uuid"
grep -q "schema version 4 is newer" "$T/err" && ok "... naming its schema version: $(head -1 "$T/err")" ||
	{ not_ok "version 4 message"; diag "$(cat "$T/err")"; }

# --- 6. The CBL-Mariner SQLite fixture: detected, inventoried, nothing to match --
# This database holds no mariner:2.0 rows (Microsoft's OVAL is tested in
# distros.sh): the image is inventoried in full and its scan is clean, not an
# error, and never matched against Red Hat's records.
mkdir -p "$T/mar/var/lib/rpm"
cp "$FIXTURES/rpmdb/cbl-mariner-2.0-sqlite/rpmdb.sqlite" "$T/mar/var/lib/rpm/"
mkimage "$T/oci" mariner "$T/mariner.os" "$T/mar"
"$HULLSCAN" inventory -q "oci:$T/oci:mariner" >"$T/mar.inv" 2>"$T/err" || true
same "mariner image: namespace mariner:2.0 and 129 packages (expected_packages_rpm4.18.tsv)" \
    "mariner:2.0 $(($(wc -l <"$FIXTURES/rpmdb/cbl-mariner-2.0-sqlite/expected_packages_rpm4.18.tsv") - 1))" \
    "$(head -1 "$T/mar.inv" | cut -f4) $(grep -vc '^#' "$T/mar.inv")"
expect_status "mariner image: scan against the Red Hat data: exit 0" 0 scan "$DB" "$T/mar.json" "oci:$T/oci:mariner"
same "mariner image: no findings from other distributions' records" "" "$(findings "$T/mar.json")"

done_testing
