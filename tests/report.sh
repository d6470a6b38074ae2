# The JUnit and SARIF reports against their consumers' rules: Jenkins' JUnit
# parser (suites, cases, counts, stable names) and the SARIF 2.1.0 schema.
. "$top_srcdir/tests/lib.sh"

PY=/usr/bin/python3
need_cmd "$PY"
SCHEMA=$top_srcdir/../shared/schemas/sarif-schema-2.1.0.json
GEN=$top_builddir/tests/test-report

check "reports of build 42 written" "$GEN" --write "$T/a" --templates "$top_srcdir/templates"
check "reports of build 43 written (the same references rebuilt: new digests, versions)" "$GEN" --bump \
	--write "$T/b" --templates "$top_srcdir/templates"

# What the test run holds, counted by hand from tests/test-report.c:
# web.app: scan + 7 findings (4 fail, 1 ignored, 2 pass) + 1 fixed = 9 cases;
# broken: scan (error) = 1; alpine: scan + 1 fixed = 2; evil: scan + 1 fail = 2.
cat >"$T/junit.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
path, other = sys.argv[1], sys.argv[2]
errors = []
root = ET.parse(path).getroot()
if root.tag != "testsuites": errors.append("root is %s" % root.tag)
suites = root.findall("testsuite")
want = {  # suite name, the reference as given: (tests, failures, errors, skipped)
    "docker://registry.example.com/team/web.app:1.4.2": (9, 4, 0, 1),
    "docker://registry.example.com/broken:2": (1, 0, 1, 0),
    "oci:/srv/images/alpine:3.19": (2, 0, 0, 0),
    'docker-archive:/tmp/evil.tar:evil"<script>alert(3)</script>&.img:1': (2, 1, 0, 0),
}
got = {}
ids = set()
for s in suites:
    cases = s.findall("testcase")
    if not cases: errors.append("suite %r has no testcase" % s.get("name"))
    counts = (len(cases), len(s.findall("testcase/failure")),
              len(s.findall("testcase/error")), len(s.findall("testcase/skipped")))
    attrs = tuple(int(s.get(k)) for k in ("tests", "failures", "errors", "skipped"))
    if counts != attrs:
        errors.append("suite %r: attributes %s, contents %s" % (s.get("name"), attrs, counts))
    got[s.get("name")] = counts
    refs = [p.get("value") for p in s.findall("properties/property")
            if p.get("name") == "image.reference"]
    if refs != [s.get("name")]:
        errors.append("suite %r: image.reference %r" % (s.get("name"), refs))
    for c in cases:
        cls, name = c.get("classname"), c.get("name")
        if not cls or not name: errors.append("case without classname or name")
        # Jenkins splits at the last dot: the package must be "hullscan",
        # the class the reference as given (its dots written U+2024).
        if cls.rsplit(".", 1)[0] != "hullscan":
            errors.append("classname %r does not split into hullscan.<image>" % cls)
        if cls != "hullscan." + s.get("name").replace(".", "\u2024"):
            errors.append("classname %r is not the reference %r" % (cls, s.get("name")))
        key = (s.get("name"), cls, name)
        if key in ids: errors.append("duplicate case %r" % (key,))
        ids.add(key)
        for bad in ("3.0.11", "3.0.13", "2.36", "sha256", "aaaa"):
            if bad in cls or bad in name:
                errors.append("version/digest %r in %r %r" % (bad, cls, name))
        for f in c.findall("failure"):
            if not f.get("message"): errors.append("failure without message in %r" % name)
            if not (f.text or "").strip(): errors.append("failure without body in %r" % name)
        for f in c.findall("skipped"):
            if not f.get("message"): errors.append("skipped without reason in %r" % name)
        for f in c.findall("error"):
            if not f.get("message"): errors.append("error without message in %r" % name)
if got != want: errors.append("counts %r, want %r" % (got, want))
total = tuple(int(root.get(k)) for k in ("tests", "failures", "errors", "skipped"))
if total != (14, 5, 1, 1): errors.append("totals %s" % (total,))
web = [s for s in suites if s.get("name") == "docker://registry.example.com/team/web.app:1.4.2"][0]
def case(n): return [c for c in web.findall("testcase") if c.get("name") == n]
fixed = case("CVE-2022-1111 curl")
if len(fixed) != 1 or any(ch.tag in ("failure", "skipped", "error") for ch in fixed[0]):
    errors.append("the fixed finding is not one passing case")
if len(case("CVE-2024-0002 libc6")) != 1: errors.append("libc6 case not exactly once")
m = case("CVE-2024-0002 libc6")[0].find("failure").get("message")
for part in ("CVE-2024-0002", "High", "libc6", "2.36-9", "no fix yet"):
    if part not in m: errors.append("message %r lacks %r" % (m, part))
m = case("CVE-2024-0001 openssl")[0].find("failure")
for part in ("3.0.11-1~deb12u1", "3.0.13-1~deb12u1", "Critical"):
    if part not in m.get("message"): errors.append("message lacks %r" % part)
if "https://security-tracker.debian.org/tracker/CVE-2024-0001" not in m.text:
    errors.append("failure body lacks the advisory link")
sk = case("CVE-2023-0003 zlib1g")[0].find("skipped")
if sk is None or "never inflate untrusted data" not in sk.get("message"):
    errors.append("skipped case lacks the ignore reason")
evil = [s for s in suites if s.get("name", "").startswith("docker-archive:/tmp/evil")][0]
if "<script>alert(1)</script>" not in evil.find("testcase/failure").text:
    errors.append("hostile description not kept as text")
# The next build (the same references rebuilt: other digests, versions): same
# identities for what stayed.
other_ids = set()
for s in ET.parse(other).getroot().findall("testsuite"):
    for c in s.findall("testcase"):
        other_ids.add((s.get("name"), c.get("classname"), c.get("name")))
if ids != other_ids:
    errors.append("identities changed between builds: %r" % (ids ^ other_ids))
for e in errors: print(e)
sys.exit(1 if errors else 0)
EOF
check "junit: Jenkins' rules, counts, messages, stable names" \
	"$PY" "$T/junit.py" "$T/a/junit.xml" "$T/b/junit.xml"

if diff -u "$top_srcdir/tests/expected/junit.xml" "$T/a/junit.xml" >"$T/junit.diff"; then
	ok "junit: matches tests/expected/junit.xml"
else not_ok "junit: differs from tests/expected/junit.xml"; diag "$(head -40 "$T/junit.diff")"; fi

if "$PY" -c 'import jsonschema' 2>/dev/null && [ -f "$SCHEMA" ]; then
	# This copy of the schema keeps the log's own schema in definitions/Root
	# and validates nothing at its top: point the root at it. A broken log
	# must fail, or the validation proves nothing.
	check "sarif: valid against the SARIF 2.1.0 schema (and a broken log is not)" "$PY" -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
if "Root" in schema.get("definitions", {}) and "properties" not in schema:
    schema["$ref"] = "#/definitions/Root"
v = jsonschema.Draft7Validator(schema)
for f in sys.argv[2:]:
    log = json.load(open(f))
    v.validate(log)
    log["runs"][0]["results"][0]["level"] = "fatal"
    if v.is_valid(log):
        sys.exit("a log with level \"fatal\" passed the schema")
' "$SCHEMA" "$T/a/report.sarif" "$T/b/report.sarif"
elif [ "${CI:-}" = true ]; then
	not_ok "sarif: python3-jsonschema or $SCHEMA missing (required under CI)"
else
	skip "sarif: python3-jsonschema or the schema is missing"
fi

cat >"$T/sarif.py" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
errors = []
run = a["runs"][0]
rules = run["tool"]["driver"]["rules"]
results = run["results"]
if a["version"] != "2.1.0": errors.append("version")
ids = [r["id"] for r in rules]
if len(ids) != len(set(ids)): errors.append("duplicate rules")
if sorted(ids) != ["CVE-2023-0003", "CVE-2023-0004", "CVE-2024-0001", "CVE-2024-0002",
                   "CVE-2024-0005", "CVE-2024-9999", "TEMP-0000001-ABCDEF"]:
    errors.append("rules %r" % ids)
if len(results) != 8: errors.append("%d results, want 8" % len(results))
level = {"Critical": "error", "High": "error", "Medium": "warning", "Low": "note",
         "Negligible": "note"}
for r in results:
    if rules[r["ruleIndex"]]["id"] != r["ruleId"]: errors.append("ruleIndex of %s" % r["ruleId"])
    if r["level"] != level[r["properties"]["severity"]]: errors.append("level of %s" % r["ruleId"])
    loc = r["locations"][0]
    uri = loc["physicalLocation"]["artifactLocation"]["uri"]
    if ":1.4.2" in uri or "sha256" in uri: errors.append("tag or digest in uri %r" % uri)
    if loc["logicalLocations"][0]["name"] != r["properties"]["package"]:
        errors.append("package location of %s" % r["ruleId"])
    if not r.get("partialFingerprints"): errors.append("no fingerprint for %s" % r["ruleId"])
sup = [r for r in results if r.get("suppressions")]
if [r["ruleId"] for r in sup] != ["CVE-2023-0003"]: errors.append("suppressions %r" % sup)
evil = [r for r in results if r["ruleId"] == "CVE-2024-9999"][0]
if '"' in evil["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
    errors.append("uri not escaped")
desc = [r for r in rules if r["id"] == "CVE-2023-0004"][0]["fullDescription"]["text"]
if desc != "<script>alert(1)</script> \"double\" 'single' & ampersand": errors.append("description %r" % desc)
if "helpUri" in [r for r in rules if r["id"] == "CVE-2023-0004"][0]: errors.append("javascript: helpUri")
notes = run["invocations"][0]["toolExecutionNotifications"]
if len(notes) != 1 or "manifest unknown" not in notes[0]["message"]["text"]:
    errors.append("scan error not reported")
def fps(d):
    return sorted((r["ruleId"], r["properties"]["package"], list(r["partialFingerprints"].values())[0])
                  for r in d["runs"][0]["results"])
if fps(a) != fps(b): errors.append("fingerprints changed between builds")
if len({v for _, _, v in fps(a)}) != 7: errors.append("fingerprints not distinct per image/id/package")
for e in errors: print(e)
sys.exit(1 if errors else 0)
EOF
check "sarif: rules, levels, locations, suppressions, stable fingerprints" \
	"$PY" "$T/sarif.py" "$T/a/report.sarif" "$T/b/report.sarif"

# CycloneDX: the same run (a broken image, a hostile name, findings whose
# package is not in the inventory, one finding twice) as a valid BOM whose
# every reference resolves and where each finding is one vulnerability.
CDX_SCHEMAS=${HULLSCAN_CDX_SCHEMAS:-$top_srcdir/.schemas/cyclonedx}
if [ -f "$CDX_SCHEMAS/bom-1.5.SNAPSHOT.schema.json" ] && "$PY" -c 'import jsonschema' 2>/dev/null; then
	check "cyclonedx: valid against the CycloneDX 1.5 schema (and a broken BOM is not)" \
		"$PY" "$top_srcdir/tests/cdx-schema.py" "$CDX_SCHEMAS" "$T/a/bom.cdx.json" "$T/b/bom.cdx.json"
else
	skip "cyclonedx: the CycloneDX 1.5 schema is not in $CDX_SCHEMAS (bootstrap.sh fetches it with npm)"
fi
check "cyclonedx: 4 containers, the broken one with its error, 8 vulnerabilities, every ref known" \
	"$PY" -c '
import json, sys
bom = json.load(open(sys.argv[1]))
refs = set()
def walk(cs):
    for c in cs:
        assert c["bom-ref"] not in refs, c["bom-ref"]
        refs.add(c["bom-ref"])
        walk(c.get("components", []))
walk(bom["components"])
conts = [c for c in bom["components"] if c["type"] == "container"]
assert [c["name"] for c in conts] == ["registry.example.com/team/web.app",
    "registry.example.com/broken", "oci:/srv/images/alpine",
    "evil\"<script>alert(3)</script>&.img"], [c["name"] for c in conts]
props = {p["name"]: p["value"] for p in conts[1]["properties"]}
assert props["hullscan:error"] == "manifest unknown <b>bold</b> & \"quoted\"", props
assert "components" not in conts[1]
vulns = bom["vulnerabilities"]
# web.app 7 findings (libssl3 twice), evil 1; no finding for what was fixed.
assert len(vulns) == 8 and len({v["bom-ref"] for v in vulns}) == 8, len(vulns)
for v in vulns:
    refs.add(v["bom-ref"])
for d in bom["dependencies"]:
    for r in [d["ref"]] + d["dependsOn"]:
        assert r in refs, r
for v in vulns:
    for a in v["affects"]:
        assert a["ref"] in refs, a["ref"]
ign = [v for v in vulns if {"name": "hullscan:verdict", "value": "ignored"} in v.get("properties", [])]
assert [v["id"] for v in ign] == ["CVE-2023-0003"], ign
zlib = [c for c in conts[0]["components"] if c["name"] == "zlib1g"][0]
assert zlib["purl"] == "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64", zlib["purl"]
assert [a["ref"] for a in ign[0]["affects"]] == [zlib["bom-ref"]]
' "$T/a/bom.cdx.json"

done_testing
