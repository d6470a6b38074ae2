#!/bin/bash
# Feed importers against the real files: row counts computed independently by
# Python (json, xml.etree) from the same files and the rules the importers
# document; hostile XML (external entities, entity expansion, deep nesting,
# broken input) refused quickly with a clear error and bounded memory.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd python3 bzip2 iconv timeout
TF=$top_builddir/tests/test-feeds
F=$FIXTURES/feeds

# import FILE: "rows count" from the importer (rows added, rows in the db).
import() { timeout 120 "$TF" --import - "$1"; }

# The expected rows of one feed file, by the documented rules.
cat >"$T/expect.py" <<'EOF'
import json, re, sys, bz2, xml.etree.ElementTree as ET

DEBIAN = {"7": 1, "8": 1, "9": 1, "10": 1, "11": 1, "12": 1, "13": 1, "14": 1}

def osv_ns(eco):
    p = eco.split(":")
    if p[0] == "Ubuntu":
        if len(p) > 2 and p[-1] == "LTS":
            p = p[:-1]
        return len(p) >= 2 and re.fullmatch(r"[0-9.]+", p[-1]) is not None
    if p[0] == "Debian":
        return len(p) == 2 and p[1] in DEBIAN
    if p[0] == "Alpine":
        return len(p) == 2 and p[1].startswith("v") and len(p[1]) > 1
    if eco in ("Chainguard", "Wolfi"):
        return True
    if p[0] in ("AlmaLinux", "Rocky Linux"):
        return len(p) == 2 and p[1].isdigit()
    if eco.startswith("Red Hat:enterprise_linux:"):
        return re.match(r"Red Hat:enterprise_linux:[0-9]+(:|$)", eco) is not None
    return False

def osv_rows(rec):
    if rec.get("withdrawn"):
        return 0
    n = 0
    for a in rec.get("affected", []):
        pkg = a.get("package", {})
        if not pkg.get("name") or not osv_ns(pkg.get("ecosystem", "")):
            continue
        for r in a.get("ranges", []):
            if r["type"] != "ECOSYSTEM":
                continue
            intro, is_open = None, False
            for ev in r["events"]:
                if "introduced" in ev:
                    n += is_open
                    intro, is_open = ev["introduced"], True
                elif "fixed" in ev:
                    n += intro != ev["fixed"]
                    intro, is_open = None, False
                elif "last_affected" in ev:
                    n += 1
                    intro, is_open = None, False
            n += is_open
    return n

def osv(path):
    d = json.load(open(path))
    return sum(osv_rows(r) for r in (d if isinstance(d, list) else [d]))

NS = "{http://oval.mitre.org/XMLSchema/oval-definitions-5}"

def rh_walk(crit, release, module, out):
    if crit.get("operator", "AND") == "AND":
        for c in crit.findall(NS + "criterion"):
            m = re.fullmatch(r"Red Hat Enterprise Linux (\d+) is installed", c.get("comment", ""))
            if m and release_set.get(id(crit)) is None:
                release_set[id(crit)] = m.group(1)
            m = re.fullmatch(r"Module (\S+) is enabled", c.get("comment", ""))
            if m and module_set.get(id(crit)) is None:
                module_set[id(crit)] = m.group(1)
        release = release_set.get(id(crit), release)
        module = module_set.get(id(crit), module)
    for c in crit:
        if c.tag == NS + "criteria":
            rh_walk(c, release, module, out)
        elif c.tag == NS + "criterion":
            m = re.fullmatch(r"(\S+) is earlier than (\S+)", c.get("comment", ""))
            if m and release is not None:
                name = m.group(1) if module is None else module + "/" + m.group(1)
                out.add((release, name, m.group(2)))

release_set, module_set = {}, {}

def oval(path):
    data = bz2.open(path).read() if path.endswith(".bz2") else open(path, "rb").read()
    root = ET.fromstring(data)
    n = 0
    for d in root.iter(NS + "definition"):
        if d.get("class") not in ("patch", "vulnerability"):
            continue
        meta = d.find(NS + "metadata")
        cves = [r.get("ref_id") for r in meta.findall(NS + "reference") if r.get("source") == "CVE"]
        crit = d.find(NS + "criteria")
        if d.get("id").startswith("oval:com.ubuntu."):
            states = [c for c in crit.iter(NS + "criterion")
                      if re.match(r"\S+ package in ", c.get("comment", "")) and
                      (" is affected" in c.get("comment") or
                       re.search(r"was vulnerable but has been fixed \(note: '[^']+'\)", c.get("comment")))]
            n += len(states) if cves else 0
            continue
        plats = [p.text for p in meta.iter(NS + "platform")
                 if re.fullmatch(r"Red Hat Enterprise Linux \d+", p.text)]
        out = set()
        rh_walk(crit, plats[0].split()[-1] if len(plats) == 1 else None, None, out)
        adv = [r.get("ref_id") for r in meta.findall(NS + "reference")
               if r.get("source") in ("RHSA", "RHBA", "RHEA")]
        if cves:
            n += len(cves) * len(out)
        elif adv and adv[0].startswith("RHSA-"):
            n += len(out)
    return n

def csaf_ns(cpe):
    m = re.match(r"cpe:/[oa]:redhat:enterprise_linux:(\d+)(:|$)", cpe or "")
    if m:
        return "rhel:" + m.group(1)
    m = re.match(r"cpe:/[oa]:redhat:rhel_(eus|aus|e4s|tus):([\d.]+)(:|$)", cpe or "")
    return "rhel-%s:%s" % (m.group(1), m.group(2)) if m else None

def csaf_pkg(ref, product):
    purl = product.get("product_identification_helper", {}).get("purl", "")
    m = re.match(r"pkg:rpm/[^/]+/([^@?]+)(?:@([^?]+))?(?:\?(.*))?$", purl)
    if m:
        q = dict(kv.split("=", 1) for kv in (m.group(3) or "").split("&") if "=" in kv)
        evr = "%s:%s" % (q.get("epoch", "0"), m.group(2)) if m.group(2) else None
        return m.group(1), evr, q.get("arch")
    m = re.fullmatch(r"(.+)-((?:\d+:)?\d[^-]*-[^-]+)\.([^.-]+)", ref)
    if m:
        evr = m.group(2) if ":" in m.group(2) else "0:" + m.group(2)
        return m.group(1), evr, m.group(3)
    return ref, None, None

def csaf(path):
    d = json.load(open(path))
    prods = {}
    def walk(b):
        for x in b.get("branches", []) or []:
            if "product" in x:
                prods[x["product"]["product_id"]] = x["product"]
            walk(x)
    walk(d["product_tree"])
    rels = {r["full_product_name"]["product_id"]: r
            for r in d["product_tree"].get("relationships", [])}
    n = 0
    for v in d["vulnerabilities"]:
        seen = set()
        for status in ("fixed", "known_affected"):
            for pid in v.get("product_status", {}).get(status, []):
                r = rels.get(pid)
                if r is None:
                    continue
                ns = csaf_ns(prods.get(r["relates_to_product_reference"], {})
                             .get("product_identification_helper", {}).get("cpe"))
                if ns is None:
                    continue
                name, evr, arch = csaf_pkg(r["product_reference"],
                                           prods.get(r["product_reference"], {}))
                if status == "fixed":
                    if evr is None or arch == "src":
                        continue
                    seen.add((ns, name, 1, evr))
                else:
                    seen.add((ns, name, 1 if evr else 0, ""))
        n += len(seen)
    return n

kind, path = sys.argv[1], sys.argv[2]
print({"osv": osv, "oval": oval, "csaf": csaf}[kind](path))
EOF

# count_case KIND FILE: the importer's rows == Python's, and == rows in the db.
count_case() {
	_kind=$1 _file=$2 _name=${2#"$F"/}
	if ! _want=$(/usr/bin/python3 "$T/expect.py" "$_kind" "$_file" 2>"$T/py.err"); then
		not_ok "$_name: python could not count"; diag "$(cat "$T/py.err")"; return
	fi
	if ! _got=$(import "$_file" 2>"$T/imp.err"); then
		not_ok "$_name: import failed"; diag "$(cat "$T/imp.err")"; return
	fi
	set -- $_got
	if [ "$1" = "$_want" ] && [ "$2" = "$_want" ]; then
		ok "$_name: $_want rows, as counted independently"
	else
		not_ok "$_name: importer says $1 rows ($2 in the db), python $_want"
	fi
}

for f in "$F"/osv/*.json; do count_case osv "$f"; done
# Canonical's bionic set: every file, summed (no file may fail).
want=0 got=0 bad=""
for f in "$F"/ubuntu-osv-bionic/*.json; do
	w=$(/usr/bin/python3 "$T/expect.py" osv "$f") || bad="$bad ${f##*/}"
	g=$(import "$f" 2>/dev/null) || bad="$bad ${f##*/}"
	set -- $g
	want=$((want + w)); got=$((got + ${1:-0}))
	[ "${1:-x}" = "$w" ] || bad="$bad ${f##*/}"
done
if [ -z "$bad" ] && [ "$want" -gt 0 ]; then
	ok "ubuntu-osv-bionic: 62 files, $got rows, each as counted independently"
else
	not_ok "ubuntu-osv-bionic: $got rows, python $want; differing:$bad"
fi

# The same records as one JSON array and as an osv.dev-style zip (all.zip).
/usr/bin/python3 -c '
import glob, json, sys, zipfile
files = sorted(glob.glob(sys.argv[1] + "/*.json"))
json.dump([json.load(open(f)) for f in files], open(sys.argv[2] + "/all.json", "w"))
with zipfile.ZipFile(sys.argv[2] + "/all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in files:
        z.write(f, f.rsplit("/", 1)[1])' "$F/ubuntu-osv-bionic" "$T"
want=$(/usr/bin/python3 "$T/expect.py" osv "$T/all.json")
got=$(import "$T/all.json" 2>&1) || true
[ "$got" = "$want $want" ] && ok "ubuntu-osv-bionic as one JSON array: $want rows" ||
	not_ok "ubuntu-osv-bionic as one JSON array: $got, python $want"
got=$(import "$T/all.zip" 2>&1) || true
[ "$got" = "$want $want" ] && ok "ubuntu-osv-bionic as a zip: $want rows" ||
	not_ok "ubuntu-osv-bionic as a zip: $got, python $want"

# last_affected (an inclusive bound): one row each, no warning; SEMVER
# ranges: skipped, counted, and said on stderr.
sed 's/"fixed"/"last_affected"/' "$F/osv/UBUNTU-CVE-2021-3782.json" >"$T/last.json"
sed 's/"ECOSYSTEM"/"SEMVER"/' "$F/osv/ALSA-2022_8194.json" >"$T/semver.json"
want=$(/usr/bin/python3 "$T/expect.py" osv "$T/last.json")
got=$(import "$T/last.json" 2>"$T/err") || true
if [ "$got" = "$want $want" ] && [ "$want" -gt 0 ] && ! grep -q "skipped" "$T/err"; then
	ok "last_affected ranges: $want rows, no warning"
else
	not_ok "last_affected ranges: $got, python $want"; diag "$(cat "$T/err")"
fi
want=$(/usr/bin/python3 "$T/expect.py" osv "$T/semver.json")
got=$(import "$T/semver.json" 2>"$T/err") || true
if [ "$got" = "$want $want" ] && grep -q "skipped" "$T/err"; then
	ok "semver ranges: $want rows, a warning: $(cat "$T/err")"
else
	not_ok "semver ranges: $got, python $want"; diag "$(cat "$T/err")"
fi

for f in "$F"/redhat-oval/*.xml "$F"/redhat-oval/*.bz2 "$F"/ubuntu-oval/*.xml; do
	count_case oval "$f"
done

for f in "$F"/redhat-csaf-vex/*.json; do count_case csaf "$f"; done
# known_not_affected turned known_affected: the open rows by component name.
/usr/bin/python3 -c '
import sys
t = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(t.replace("\"known_not_affected\"", "\"known_affected\""))' \
    "$F/redhat-csaf-vex/cve-2023-4154.json" "$T/cve-2023-4154-affected.json"
count_case csaf "$T/cve-2023-4154-affected.json"

# Definitions: the importer's debug line against xml.etree's count.
for f in "$F"/redhat-oval/com.redhat.rhsa-RHEL8.xml "$F"/redhat-oval/Red_Hat_Enterprise_Linux_3.xml \
    "$F"/redhat-oval/rhel-8.oval.v2.xml "$F"/redhat-oval/ansible-2.8.oval.v2.xml.bz2; do
	want=$(/usr/bin/python3 -c '
import sys, bz2, xml.etree.ElementTree as ET
p = sys.argv[1]
d = bz2.open(p).read() if p.endswith(".bz2") else open(p, "rb").read()
print(len(ET.fromstring(d).findall("{*}definitions/{*}definition")))' "$f")
	got=$(HULLSCAN_DEBUG=1 "$TF" --import - "$f" 2>&1 >/dev/null |
	    sed -n 's/.*: \([0-9]*\) definitions,.*/\1/p')
	if [ "$got" = "$want" ]; then ok "${f##*/}: $want definitions read"
	else not_ok "${f##*/}: $got definitions read, xml.etree counts $want"; fi
done

# ---- hostile XML ----------------------------------------------------------
OVAL_NS='xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"'
oval_body() {
	cat <<EOF
<oval_definitions $OVAL_NS><definitions>
<definition class="patch" id="oval:com.redhat.rhsa:def:1" version="1"><metadata>
<title>$1</title><reference ref_id="CVE-2000-0001" source="CVE" ref_url="x"/>
<advisory><severity>Low</severity></advisory></metadata>
<criteria operator="AND"><criterion comment="Red Hat Enterprise Linux 8 is installed" test_ref="t"/>
<criterion comment="bash is earlier than 0:1-1.el8" test_ref="t"/></criteria></definition>
</definitions></oval_definitions>
EOF
}

# The same document without a DTD imports: the cases below fail for the DTD alone.
oval_body "plain" >"$T/plain.xml"
got=$(import "$T/plain.xml" 2>"$T/err") || true
[ "$got" = "1 1" ] && ok "hostile: the control document imports (1 row)" ||
	{ not_ok "hostile: the control document imports"; diag "$got $(cat "$T/err")"; }

{ echo '<?xml version="1.0"?>'
  echo '<!DOCTYPE oval_definitions [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>'
  oval_body '&xxe;'; } >"$T/xxe.xml"
# AddressSanitizer reserves terabytes of address space: no ulimit -v under it.
asan=$(ldd "$TF" 2>/dev/null | grep -o libasan || true)
# refused DESC FILE PATTERN [FORMAT]: exit 1 within 20 s under 512 MB, error
# names PATTERN.
refused() {
	_desc=$1 _file=$2 _pat=$3 _fmt=${4:--}
	set +e
	( [ -n "$asan" ] || ulimit -v 524288; timeout 20 "$TF" --import "$_fmt" "$_file" ) \
	    >"$T/out" 2>"$T/err"
	_st=$?
	set -e
	if [ "$_st" -eq 1 ] && grep -q -- "$_pat" "$T/err" && ! grep -q 'root:' "$T/err" "$T/out"; then
		ok "$_desc: refused ($(head -c 200 "$T/err"))"
	else
		not_ok "$_desc: exit $_st, want 1 and \"$_pat\""; diag "$(head -c 500 "$T/err")"
	fi
}
refused "hostile: external entity file:///etc/passwd" "$T/xxe.xml" "external entity"

{ echo '<?xml version="1.0"?>'
  echo '<!DOCTYPE oval_definitions ['
  echo ' <!ENTITY lol "lol">'
  prev=lol
  for i in 1 2 3 4 5 6 7 8 9; do
	printf ' <!ENTITY lol%d "' "$i"
	for j in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done
	echo '">'
	prev=lol$i
  done
  echo ']>'
  oval_body '&lol9;'; } >"$T/laughs.xml"
refused "hostile: billion laughs" "$T/laughs.xml" "entity declaration"

bzip2 -k "$T/laughs.xml"
refused "hostile: billion laughs, bzip2-compressed" "$T/laughs.xml.bz2" "entity declaration"

# In UTF-16 the byte check cannot see the DOCTYPE: libxml2's DTD node is checked too.
iconv -f UTF-8 -t UTF-16 "$T/xxe.xml" >"$T/xxe16.xml"
refused "hostile: external entity in a UTF-16 document" "$T/xxe16.xml" "external entity" oval
iconv -f UTF-8 -t UTF-16 "$T/laughs.xml" >"$T/laughs16.xml"
refused "hostile: billion laughs in a UTF-16 document" "$T/laughs16.xml" "entity declaration" oval

{ echo '<?xml version="1.0"?>'
  echo '<!DOCTYPE oval_definitions [ <!ENTITY % p SYSTEM "file:///etc/passwd"> %p; ]>'
  oval_body 'x'; } >"$T/pe.xml"
refused "hostile: external parameter entity" "$T/pe.xml" "external entity"

# 100,000 nested elements inside a definition: a depth limit, not a stack overflow.
/usr/bin/python3 -c '
import sys
sys.stdout.write("<oval_definitions %s><definitions><definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:1\"><metadata><title>t</title></metadata><criteria>" % sys.argv[1])
sys.stdout.write("<criteria>" * 100000)' "$OVAL_NS" >"$T/deep.xml"
refused "hostile: 100,000 nested elements" "$T/deep.xml" "depth"

head -c 100000 "$F/redhat-oval/com.redhat.rhsa-RHEL8.xml" >"$T/truncated.xml"
refused "broken: a truncated OVAL file" "$T/truncated.xml" "line "
head -c 2000 "$F/redhat-oval/ansible-2.8.oval.v2.xml.bz2" >"$T/truncated.xml.bz2"
refused "broken: a truncated bzip2 OVAL file" "$T/truncated.xml.bz2" "truncated.xml.bz2: " oval

done_testing
