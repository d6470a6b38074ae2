#!/bin/bash
# Ubuntu end to end on real data: the dpkg status file of a real Ubuntu 18.04
# image (dpkg/trivy-ubuntu1804-status) with claircore's 18.04 os-release,
# as a dir: root and as an OCI image, against Canonical's own OSV records
# (feeds/ubuntu-osv-bionic). The expected findings of the records named
# below are worked out by hand from each record and the status file; every
# version order they rest on is checked with dpkg --compare-versions.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd dpkg /usr/bin/python3

OSV=$FIXTURES/feeds/ubuntu-osv-bionic
STATUS=$FIXTURES/dpkg/trivy-ubuntu1804-status/status
OSREL=$FIXTURES/os-release/claircore/ubuntu/testdata/dist/18.04/etc
MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"
DB=$T/vuln.db

json_query() {
	/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "want:"; diag "$2"; diag "got:"; diag "$3"; fi
}
# order DESC A OP B...: dpkg agrees with each comparison (lt, eq, gt).
order() {
	local desc=$1 bad=""
	shift
	while [ $# -ge 3 ]; do
		dpkg --compare-versions "$1" "$2" "$3" || bad="$bad [$1 $2 $3]"
		shift 3
	done
	[ -z "$bad" ] && ok "dpkg agrees: $desc" || not_ok "dpkg disagrees: $desc:$bad"
}

# --- the root filesystem and the image ---------------------------------------
mkdir -p "$T/root/etc" "$T/root/var/lib/dpkg"
cp "$OSREL/os-release" "$OSREL/lsb-release" "$T/root/etc/"
cp "$STATUS" "$T/root/var/lib/dpkg/status"
tar -C "$T/root" -cf "$T/os.tar" etc
tar -C "$T/root" -cf "$T/dpkg.tar" var
$MKOCI "$T/oci" bionic "$T/os.tar" "$T/dpkg.tar" >/dev/null

# Canonical's 62 records, plus one made here: git is in the status file only
# as "deinstall ok config-files", so a record for it must give nothing.
cat >"$T/git.json" <<'J'
{"id": "UBUNTU-CVE-2099-0001", "modified": "2024-01-01T00:00:00Z", "summary": "hand-made",
 "affected": [{"package": {"ecosystem": "Ubuntu:18.04:LTS", "name": "git"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:9.9-1"}]}]}]}
J
expect_status "db import of the 62 ubuntu-osv-bionic records and one hand-made" 0 \
    "$HULLSCAN" db import --db "$DB" "$OSV"/*.json "$T/git.json"

expect_status "dir: root: scan" 0 "$HULLSCAN" scan -q --no-history --db "$DB" \
    --json "$T/dir.json" "dir:$T/root"
expect_status "oci image: scan" 0 "$HULLSCAN" scan -q --no-history --db "$DB" \
    --json "$T/oci.json" "oci:$T/oci:bionic"
same "os: ubuntu 18.04, namespace ubuntu:18.04" "ubuntu 18.04 ubuntu:18.04" \
    "$(json_query "$T/oci.json" '" ".join(str(r["images"][0]["os"][k]) for k in ("id", "version_id", "namespace"))')"

# --- records worked out by hand ------------------------------------------------
# Status file (source package: installed binaries at their versions):
#   bash: bash 4.4.18-2ubuntu1            tar: tar 1.29b-2          gzip: gzip 1.6-5ubuntu1
#   xz-utils: liblzma5 5.1.1alpha+20120614-2+b3, "Source: xz-utils (5.1.1alpha+20120614-2)"
#   procps: procps, libprocps6 2:3.3.12-3ubuntu1.1      libgcrypt20: libgcrypt20 1.8.1-4ubuntu1.1
#   shadow: passwd, login 1:4.5-1ubuntu1     bzip2: bzip2, libbz2-1.0 1.0.6-8.1
#   lz4: liblz4-1 0.0~r131-2ubuntu3          apt: apt, libapt-pkg5.0 1.6.3ubuntu0.1
#   e2fsprogs: e2fsprogs, libcom-err2, libss2, libext2fs2 1.44.1-1
#   coreutils 8.28-1ubuntu1;  git: deinstall ok config-files (not installed)
# Records (Ubuntu:18.04:LTS entries only; ids: UBUNTU-CVE-X is CVE-X, a USN keeps its id):
#   UBUNTU-CVE-2019-18276  bash fixed 4.4.18-2ubuntu1.3 > installed        -> bash
#   USN-5380-1             the same fix                                     -> bash
#   UBUNTU-CVE-2016-9401   bash fixed 4.4-5ubuntu1 < installed              -> none
#   UBUNTU-CVE-2016-3189   bzip2 fixed 1.0.6-8.1 == installed               -> none
#   UBUNTU-CVE-2019-12900  bzip2 fixed 1.0.6-8.1ubuntu0.1 (clamav: not installed)
#                                                              -> bzip2, libbz2-1.0
#   UBUNTU-CVE-2018-1122   procps fixed 2:3.3.12-3ubuntu1.1 == installed    -> none
#   UBUNTU-CVE-2023-4016, USN-6477-1  procps only in Ubuntu:Pro:18.04:LTS    -> none
#   UBUNTU-CVE-2016-2781   coreutils only in Ubuntu:Pro:18.04:LTS, no fix   -> none
#   UBUNTU-CVE-2013-4235   shadow only in Ubuntu:Pro:18.04:LTS, no fix      -> none
#   USN-5745-1             shadow fixed 1:4.5-1ubuntu2.4 > 1:4.5-1ubuntu1   -> passwd, login
#   UBUNTU-CVE-2024-2236   libgcrypt20, no fixed event: every version       -> libgcrypt20, open
#   UBUNTU-CVE-2021-33560  libgcrypt20 fixed 1.8.1-4ubuntu1.3; the Pro:FIPS entries
#                          are other archives                               -> libgcrypt20
#   UBUNTU-CVE-2018-0495   libgcrypt20 fixed 1.8.1-4ubuntu1.1 == installed;
#                          nss, openssl, openssl1.0 not installed           -> none
#   UBUNTU-CVE-2022-1271   gzip fixed 1.6-5ubuntu1.2; xz-utils fixed 5.2.2-1.3ubuntu0.1,
#                          compared with the source version 5.1.1alpha+20120614-2
#                                                              -> gzip, liblzma5
#   USN-5378-1 (gzip), USN-5378-2 (xz-utils): the same fixes   -> gzip; liblzma5
#   UBUNTU-CVE-2019-5094   e2fsprogs fixed 1.44.1-1ubuntu1.2    -> its 4 binaries
#   UBUNTU-CVE-2018-20482  tar fixed 1.29b-2ubuntu0.2 > 1.29b-2 -> tar
#   UBUNTU-CVE-2021-3520   lz4 fixed 0.0~r131-2ubuntu3.1        -> liblz4-1
#   UBUNTU-CVE-2019-3462   apt fixed 1.6.6ubuntu0.1             -> apt, libapt-pkg5.0
#   UBUNTU-CVE-2016-6321   no Ubuntu 18.04 entry at all         -> none
#   UBUNTU-CVE-2099-0001   (hand-made) git, not installed       -> none
order "the hand-derived comparisons" \
    4.4.18-2ubuntu1 lt 4.4.18-2ubuntu1.3  4.4.18-2ubuntu1 gt 4.4-5ubuntu1 \
    1.0.6-8.1 eq 1.0.6-8.1  1.0.6-8.1 lt 1.0.6-8.1ubuntu0.1 \
    2:3.3.12-3ubuntu1.1 eq 2:3.3.12-3ubuntu1.1  1:4.5-1ubuntu1 lt 1:4.5-1ubuntu2.4 \
    1.8.1-4ubuntu1.1 lt 1.8.1-4ubuntu1.3  1.8.1-4ubuntu1.1 eq 1.8.1-4ubuntu1.1 \
    1.6-5ubuntu1 lt 1.6-5ubuntu1.2  5.1.1alpha+20120614-2 lt 5.2.2-1.3ubuntu0.1 \
    1.44.1-1 lt 1.44.1-1ubuntu1.2  1.29b-2 lt 1.29b-2ubuntu0.2 \
    0.0~r131-2ubuntu3 lt 0.0~r131-2ubuntu3.1  1.6.3ubuntu0.1 lt 1.6.6ubuntu0.1
CHOSEN="CVE-2019-18276 USN-5380-1 CVE-2016-9401 CVE-2016-3189 CVE-2019-12900 CVE-2018-1122
CVE-2023-4016 USN-6477-1 CVE-2016-2781 CVE-2013-4235 USN-5745-1 CVE-2024-2236 CVE-2021-33560
CVE-2018-0495 CVE-2022-1271 USN-5378-1 USN-5378-2 CVE-2019-5094 CVE-2018-20482 CVE-2021-3520
CVE-2019-3462 CVE-2016-6321 CVE-2099-0001"
WANT="apt CVE-2019-3462 1.6.6ubuntu0.1 fixed
bash CVE-2019-18276 4.4.18-2ubuntu1.3 fixed
bash USN-5380-1 4.4.18-2ubuntu1.3 fixed
bzip2 CVE-2019-12900 1.0.6-8.1ubuntu0.1 fixed
e2fsprogs CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
gzip CVE-2022-1271 1.6-5ubuntu1.2 fixed
gzip USN-5378-1 1.6-5ubuntu1.2 fixed
libapt-pkg5.0 CVE-2019-3462 1.6.6ubuntu0.1 fixed
libbz2-1.0 CVE-2019-12900 1.0.6-8.1ubuntu0.1 fixed
libcom-err2 CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
libext2fs2 CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
libgcrypt20 CVE-2021-33560 1.8.1-4ubuntu1.3 fixed
libgcrypt20 CVE-2024-2236 None open
liblz4-1 CVE-2021-3520 0.0~r131-2ubuntu3.1 fixed
liblzma5 CVE-2022-1271 5.2.2-1.3ubuntu0.1 fixed
liblzma5 USN-5378-2 5.2.2-1.3ubuntu0.1 fixed
libss2 CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
login USN-5745-1 1:4.5-1ubuntu2.4 fixed
passwd USN-5745-1 1:4.5-1ubuntu2.4 fixed
tar CVE-2018-20482 1.29b-2ubuntu0.2 fixed"
for kind in dir oci; do
	got=$(/usr/bin/python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("\n".join(sorted(" ".join(str(f[k]) for k in ("package", "id", "fixed_version", "status"))
    for f in r["images"][0]["findings"] if f["id"] in sys.argv[2].split())))' "$T/$kind.json" "$CHOSEN")
	same "$kind: the findings of the 23 chosen records, exactly" "$WANT" "$got"
done

# --- the whole scan -------------------------------------------------------------
# Every finding's id is one of the imported records' ids; its namespace is
# ubuntu:18.04 (never an Ubuntu Pro or FIPS archive); its package is
# installed; and dpkg itself puts the installed version (the source version
# when the Source: field names one) below the fixed one.
/usr/bin/python3 - "$OSV" "$T/git.json" "$STATUS" "$T/oci.json" >"$T/whole" 2>&1 <<'PY' || true
import glob, json, subprocess, sys
ids = set()
for f in glob.glob(sys.argv[1] + "/*.json") + [sys.argv[2]]:
    i = json.load(open(f))["id"]
    ids.add(i[len("UBUNTU-"):] if i.startswith("UBUNTU-CVE-") else i)
installed = {}
for st in open(sys.argv[3]).read().split("\n\n"):
    d = dict(l.split(": ", 1) for l in st.splitlines() if ": " in l and not l.startswith(" "))
    if d.get("Status") != "install ok installed":
        continue
    src = d.get("Source", "")
    sv = src.split("(")[1].rstrip(")") if "(" in src else d["Version"]
    installed[d["Package"]] = sv
r = json.load(open(sys.argv[4]))
bad = []
fs = r["images"][0]["findings"]
for f in fs:
    if f["id"] not in ids:
        bad.append("unknown id " + f["id"])
    if f["namespace"] != "ubuntu:18.04":
        bad.append(f["id"] + " in " + f["namespace"])
    if f["package"] not in installed:
        bad.append(f["package"] + " is not installed")
    elif f["fixed_version"] is not None and subprocess.call(["dpkg", "--compare-versions",
            installed[f["package"]], "lt", f["fixed_version"]]) != 0:
        bad.append("%s %s: %s is not below %s" % (f["package"], f["id"],
            installed[f["package"]], f["fixed_version"]))
print(len(fs), len(bad))
for b in bad:
    print(b)
PY
set -- $(head -1 "$T/whole")
if [ "${2:-x}" = 0 ] && [ "${1:-0}" -gt 20 ]; then
	ok "whole scan: $1 findings, every id imported, namespace ubuntu:18.04, installed < fixed by dpkg"
else
	not_ok "whole scan"; diag "$(head -20 "$T/whole")"
fi
if diff <(json_query "$T/dir.json" 'sorted((f["package"], f["id"]) for f in r["images"][0]["findings"])') \
    <(json_query "$T/oci.json" 'sorted((f["package"], f["id"]) for f in r["images"][0]["findings"])') >/dev/null; then
	ok "dir: root and OCI image give the same findings"
else
	not_ok "dir: root and OCI image give the same findings"
fi

# Ubuntu OVAL (Canonical's CVE OVAL, claircore's xenial excerpt): its
# criterion comments name source packages ("libmspack package in xenial was
# vulnerable but has been fixed (note: '0.4-3')."), its namespace comes from
# "Ubuntu 16.04 LTS", which is what a 16.04 os-release gives.
mkdir -p "$T/x/etc" "$T/x/var/lib/dpkg"
cp "$FIXTURES/os-release/claircore/ubuntu/testdata/dist/16.04/etc/os-release" "$T/x/etc/"
cat >"$T/x/var/lib/dpkg/status" <<'ST'
Package: libmspack0
Status: install ok installed
Architecture: amd64
Source: libmspack
Version: 0.4-1

Package: cabextract
Status: install ok installed
Architecture: amd64
Version: 1.6-1

ST
# libmspack0 (source libmspack 0.4-1 < 0.4-3): fixed at 0.4-3; cabextract:
# "is affected and needs fixing": open. Both CVE-2015-4471.
order "the xenial OVAL case" 0.4-1 lt 0.4-3
expect_status "xenial OVAL excerpt: import" 0 "$HULLSCAN" db import --db "$T/oval.db" \
    "$FIXTURES/feeds/ubuntu-oval/fetcher_ubuntu_test.xenial.oval.xml"
expect_status "xenial dir: scan" 0 "$HULLSCAN" scan -q --no-history --db "$T/oval.db" \
    --json "$T/x.json" "dir:$T/x"
same "xenial: libmspack0 by its source name, fixed 0.4-3; cabextract open" \
"cabextract CVE-2015-4471 None open ubuntu:16.04
libmspack0 CVE-2015-4471 0.4-3 fixed ubuntu:16.04" \
    "$(json_query "$T/x.json" '"\n".join(sorted(" ".join(str(f[k]) for k in ("package", "id",
    "fixed_version", "status", "namespace")) for f in r["images"][0]["findings"]))')"

done_testing
