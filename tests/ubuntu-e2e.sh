#!/bin/bash
# Ubuntu end to end on real data: the dpkg status file of a real Ubuntu 18.04
# image (dpkg/trivy-ubuntu1804-status) with claircore's 18.04 os-release,
# as a dir: root and as an OCI image, against Canonical's own OSV records
# (feeds/ubuntu-osv-bionic). The expected findings of the records named
# below are worked out by hand from each record and the status file; every
# version order they rest on is checked with dpkg --compare-versions.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd dpkg sqlite3 /usr/bin/python3

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
# Records (Ubuntu:18.04:LTS entries only; ids: UBUNTU-CVE-X is CVE-X; a USN
# is merged into the finding of each CVE its "upstream" names, and is a CVE
# finding of its own only for a CVE with no 18.04 entry of its own):
#   UBUNTU-CVE-2019-18276  bash fixed 4.4.18-2ubuntu1.3 > installed        -> bash
#   USN-5380-1             the same fix, upstream CVE-2019-18276    -> merged into it
#   UBUNTU-CVE-2016-9401   bash fixed 4.4-5ubuntu1 < installed              -> none
#   UBUNTU-CVE-2016-3189   bzip2 fixed 1.0.6-8.1 == installed               -> none
#   UBUNTU-CVE-2019-12900  bzip2 fixed 1.0.6-8.1ubuntu0.1 (clamav: not installed)
#                                                              -> bzip2, libbz2-1.0
#   UBUNTU-CVE-2018-1122   procps fixed 2:3.3.12-3ubuntu1.1 == installed    -> none
#   UBUNTU-CVE-2023-4016, USN-6477-1  procps only in Ubuntu:Pro:18.04:LTS    -> none
#   UBUNTU-CVE-2016-2781   coreutils only in Ubuntu:Pro:18.04:LTS, no fix   -> none
#   UBUNTU-CVE-2013-4235   shadow only in Ubuntu:Pro:18.04:LTS, no fix      -> none
#   USN-5745-1             shadow fixed 1:4.5-1ubuntu2.4 > 1:4.5-1ubuntu1, upstream
#                          CVE-2013-4235 (its own record: Pro only)
#                                                   -> passwd, login as CVE-2013-4235
#   UBUNTU-CVE-2024-2236   libgcrypt20, no fixed event: every version       -> libgcrypt20, open
#   UBUNTU-CVE-2021-33560  libgcrypt20 fixed 1.8.1-4ubuntu1.3; the Pro:FIPS entries
#                          are other archives                               -> libgcrypt20
#   UBUNTU-CVE-2018-0495   libgcrypt20 fixed 1.8.1-4ubuntu1.1 == installed;
#                          nss, openssl, openssl1.0 not installed           -> none
#   UBUNTU-CVE-2022-1271   gzip fixed 1.6-5ubuntu1.2; xz-utils fixed 5.2.2-1.3ubuntu0.1,
#                          compared with the source version 5.1.1alpha+20120614-2
#                                                              -> gzip, liblzma5
#   USN-5378-1 (gzip), USN-5378-2 (xz-utils): the same fixes, upstream CVE-2022-1271
#                                                    -> merged into gzip's, liblzma5's
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
bzip2 CVE-2019-12900 1.0.6-8.1ubuntu0.1 fixed
e2fsprogs CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
gzip CVE-2022-1271 1.6-5ubuntu1.2 fixed
libapt-pkg5.0 CVE-2019-3462 1.6.6ubuntu0.1 fixed
libbz2-1.0 CVE-2019-12900 1.0.6-8.1ubuntu0.1 fixed
libcom-err2 CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
libext2fs2 CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
libgcrypt20 CVE-2021-33560 1.8.1-4ubuntu1.3 fixed
libgcrypt20 CVE-2024-2236 None open
liblz4-1 CVE-2021-3520 0.0~r131-2ubuntu3.1 fixed
liblzma5 CVE-2022-1271 5.2.2-1.3ubuntu0.1 fixed
libss2 CVE-2019-5094 1.44.1-1ubuntu1.2 fixed
login CVE-2013-4235 1:4.5-1ubuntu2.4 fixed
passwd CVE-2013-4235 1:4.5-1ubuntu2.4 fixed
tar CVE-2018-20482 1.29b-2ubuntu0.2 fixed"
for kind in dir oci; do
	got=$(/usr/bin/python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("\n".join(sorted(" ".join(str(f[k]) for k in ("package", "id", "fixed_version", "status"))
    for f in r["images"][0]["findings"] if f["id"] in sys.argv[2].split())))' "$T/$kind.json" "$CHOSEN")
	same "$kind: the findings of the 23 chosen records, exactly" "$WANT" "$got"
done
same "bash: one finding, CVE-2019-18276, with its record and USN as aliases" \
    "CVE-2019-18276 Low UBUNTU-CVE-2019-18276,USN-5380-1" \
    "$(json_query "$T/oci.json" '"\n".join(" ".join((f["id"], f["severity"], ",".join(f["aliases"])))
    for f in r["images"][0]["findings"] if f["package"] == "bash")')"

# --- one finding per vulnerability, by a second route ---------------------------
# Python reads the OSV records and the status file itself: a record's 18.04
# entry affects each installed binary of its source package whose source
# version dpkg puts below the fix. That gives the findings one per record.
# It then merges them by what the records say: a record is about its CVE
# (UBUNTU-CVE-X: CVE-X), else the CVEs in its aliases, else upstream, else
# related; one finding per (binary, CVE), the other records' ids and the
# record's own id as aliases; a USN naming several CVEs is an alias of each,
# and a finding of a CVE of its own only where no 18.04 entry of that CVE's
# record names the source package. Severity: Ubuntu's priority from the
# CVE's own record. The scan must give exactly that.
/usr/bin/python3 - "$OSV" "$T/git.json" "$STATUS" "$T/oci.json" >"$T/merge" 2>&1 <<'PY' || true
import glob, json, subprocess, sys
osv, extra, status, report = sys.argv[1:5]
recs = [json.load(open(f)) for f in sorted(glob.glob(osv + "/*.json")) + [extra]]
inst = {}
for st in open(status).read().split("\n\n"):
    d = dict(l.split(": ", 1) for l in st.splitlines() if ": " in l and not l.startswith(" "))
    if d.get("Status") != "install ok installed":
        continue
    src = d.get("Source", d["Package"])
    inst[d["Package"]] = (src.split(" (")[0], src.split("(")[1].rstrip(")") if "(" in src else d["Version"])
def norm(i):
    return i[len("UBUNTU-"):] if i.startswith("UBUNTU-CVE-") else i
def vuln_id(r):
    i = r["id"]
    if i.startswith("UBUNTU-CVE-") or i.startswith("CVE-"):
        return norm(i)
    for a in r.get("aliases") or []:
        if a.startswith("CVE-"):
            return a
    up = [a for a in r.get("upstream") or [] if a.startswith("CVE-")]
    return up[0] if len(up) == 1 else i
def cves(r):
    v = vuln_id(r)
    if v.startswith("CVE-"):
        return [v]
    for k in ("aliases", "upstream", "related"):
        c = sorted({norm(x) for x in r.get(k) or [] if norm(x).startswith("CVE-")})
        if c:
            return c
    return []
def lt(a, b):
    return subprocess.call(["dpkg", "--compare-versions", a, "lt", b]) == 0
def priority(r, entry):
    p = (entry.get("ecosystem_specific") or {}).get("ubuntu_priority")
    for s in r.get("severity") or []:
        if s.get("type") == "Ubuntu":
            p = p or s["score"]
    return p.capitalize() if p else None
raw, entries = [], {}
for r in recs:
    for e in r.get("affected", []):
        if e["package"]["ecosystem"] != "Ubuntu:18.04:LTS":
            continue
        src = e["package"]["name"]
        entries.setdefault(src, set()).add(vuln_id(r))
        fixed = [ev["fixed"] for rg in e.get("ranges", []) for ev in rg["events"] if "fixed" in ev]
        fixed = fixed[0] if fixed else None
        for b, (s, sv) in inst.items():
            if s == src and (fixed is None or lt(sv, fixed)):
                raw.append((b, r, e, fixed))
want, owned = {}, set()
for b in sorted({x[0] for x in raw}):
    mine = [x for x in raw if x[0] == b]
    groups = {}
    for _, r, e, fixed in mine:
        if len(cves(r)) == 1:
            groups.setdefault(cves(r)[0], []).append((r, e, fixed))
    for _, r, e, fixed in mine:
        c = cves(r)
        if len(c) == 0:
            groups.setdefault(vuln_id(r), []).append((r, e, fixed))
        elif len(c) > 1:
            for x in c:
                if x in groups or x not in entries[inst[b][0]]:
                    groups.setdefault(x, []).append((r, e, fixed))
    for key, g in groups.items():
        own = [m for m in g if vuln_id(m[0]) == key]
        al = sorted({vuln_id(m[0]) for m in g if vuln_id(m[0]) != key} |
                    {m[0]["id"] for m in g if len(cves(m[0])) <= 1 and m[0]["id"] != key})
        if own:
            owned.add((b, key))
        top = own or [m for m in g if len(cves(m[0])) <= 1] or g
        fx = top[0][2]
        for m in top[1:]:
            if fx is not None and (m[2] is None or lt(fx, m[2])):
                fx = m[2]
        sev = priority(own[0][0], own[0][1]) if own else None
        want[(b, key)] = (fx, al, sev)
got = {(f["package"], f["id"]): (f["fixed_version"], f["aliases"], f["severity"])
       for f in json.load(open(report))["images"][0]["findings"]}
bad = []
for k in sorted(set(want) | set(got)):
    w, g = want.get(k), got.get(k)
    if w is None or g is None or w[0] != g[0] or w[1] != g[1] or (w[2] is not None and w[2] != g[2]):
        bad.append("%s %s: want %s, got %s" % (k[0], k[1], w, g))
notices = [(x[0], x[1]) for x in raw if not vuln_id(x[1]).startswith("CVE-")]
dups = sum(1 for b, r in notices if any((b, c) in owned for c in cves(r)))
print(len(raw), len(want), len(notices), dups, len(want) - len(owned), len(bad))
for x in bad:
    print(x)
PY
set -- $(head -1 "$T/merge")
if [ "${6:-x}" = 0 ] && [ "${1:-0}" -gt "${2:-0}" ] && [ "$(json_query "$T/oci.json" 'len(r["images"][0]["findings"])')" = "${2:-}" ]; then
	ok "one finding per vulnerability: $1 findings of single records are $2; of their $3 USN findings $4 duplicated a CVE's own finding and are its aliases now, the others are the $5 findings of CVEs only a USN names for 18.04; ids, fixes, aliases, severities as the records say"
else
	not_ok "one finding per vulnerability"; diag "$(head -30 "$T/merge")"
fi
same "no finding is a USN any more (each is an alias)" "0" \
    "$(json_query "$T/oci.json" 'sum(f["id"].startswith("USN-") for f in r["images"][0]["findings"])')"

# Each report names a finding's aliases: bash's CVE-2019-18276 is also
# UBUNTU-CVE-2019-18276 and USN-5380-1.
expect_status "oci image: SARIF, JUnit, CycloneDX and HTML reports" 0 "$HULLSCAN" scan -q \
    --no-history --db "$DB" --sarif "$T/u.sarif" --junit "$T/u.xml" --cyclonedx "$T/u.cdx" \
    --html "$T/html" --templates "$top_srcdir/templates" "oci:$T/oci:bionic"
AKA="UBUNTU-CVE-2019-18276 USN-5380-1"
same "SARIF: the result's aliases property" "$AKA" "$(json_query "$T/u.sarif" '" ".join(
    a for x in r["runs"][0]["results"] if x["ruleId"] == "CVE-2019-18276" for a in x["properties"]["aliases"])')"
same "CycloneDX: the vulnerability's references" "$AKA" "$(json_query "$T/u.cdx" '" ".join(
    x["id"] for v in r["vulnerabilities"] if v["id"] == "CVE-2019-18276" for x in v["references"])')"
same "JUnit: the case's message" \
    "CVE-2019-18276 (Low) in bash 4.4.18-2ubuntu1: fixed in 4.4.18-2ubuntu1.3; also UBUNTU-CVE-2019-18276, USN-5380-1" \
    "$(/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E
for c in E.parse(sys.argv[1]).iter("testcase"):
    if c.get("name") == "CVE-2019-18276 bash":
        print(c.find("system-out").text)' "$T/u.xml")"
grep -q '>also UBUNTU-CVE-2019-18276, USN-5380-1<' "$T/html/index.html" &&
	ok "HTML: the finding's aliases under its id" || not_ok "HTML: the finding's aliases"
CDX_SCHEMAS=${HULLSCAN_CDX_SCHEMAS:-$top_srcdir/.schemas/cyclonedx}
if [ -f "$CDX_SCHEMAS/bom-1.5.SNAPSHOT.schema.json" ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	check "CycloneDX with references valid against the 1.5 schema" \
		/usr/bin/python3 "$top_srcdir/tests/cdx-schema.py" "$CDX_SCHEMAS" "$T/u.cdx"
else
	skip "the CycloneDX 1.5 schema is not in $CDX_SCHEMAS (bootstrap.sh fetches it with npm)"
fi

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

# --- the merge across an upgrade: nothing new, nothing fixed ---------------------
# Build 1 as the hullscan before this one saw it: a database without the
# aliases table (nothing merged: every USN a finding of its own) and a
# history at schema 2 (the columns schema 3 added dropped again). Build 2:
# the database with aliases, the history migrated in place by the scan.
cp "$DB" "$T/old.db"
sqlite3 "$T/old.db" "DROP TABLE aliases"
expect_status "build 1: unmerged findings" 0 "$HULLSCAN" scan -q --db "$T/old.db" \
    --history "$T/h.db" --job up --json "$T/up1.json" "oci:$T/oci:bionic"
sqlite3 "$T/h.db" "DROP INDEX images_key;
ALTER TABLE images DROP COLUMN key; ALTER TABLE images DROP COLUMN tagged;
ALTER TABLE images DROP COLUMN key_given; ALTER TABLE packages DROP COLUMN location;
ALTER TABLE packages DROP COLUMN purl; ALTER TABLE packages DROP COLUMN layer;
ALTER TABLE findings DROP COLUMN aliases; ALTER TABLE findings DROP COLUMN ecosystem;
ALTER TABLE findings DROP COLUMN location; PRAGMA user_version = 2"
same "build 1: as many findings as records affect, USNs among them" \
    "$(head -1 "$T/merge" | cut -d' ' -f1) $(head -1 "$T/merge" | cut -d' ' -f3)" \
    "$(json_query "$T/up1.json" '"%d %d" % (len(r["images"][0]["findings"]),
    sum(f["id"].startswith("USN-") for f in r["images"][0]["findings"]))')"
expect_status "build 2: merged, --fail-on-new unknown passes" 0 "$HULLSCAN" scan -q --db "$DB" \
    --history "$T/h.db" --job up --json "$T/up2.json" --fail-on-new unknown "oci:$T/oci:bionic"
same "build 2: the history migrated to schema 3" 3 "$(sqlite3 "$T/h.db" "PRAGMA user_version")"
same "build 2: against build 1, 0 new, 0 fixed, every finding still open" \
    "True 0 0 $(head -1 "$T/merge" | cut -d' ' -f2)" \
    "$(json_query "$T/up2.json" '" ".join(str(x) for x in (r["images"][0]["diff"]["has_previous"],
    len(r["images"][0]["diff"]["new"]), len(r["images"][0]["diff"]["fixed"]),
    len(r["images"][0]["findings"])))')"

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
