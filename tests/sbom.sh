#!/bin/bash
# The CycloneDX report (--cyclonedx) over real images: valid against the
# CycloneDX 1.5 JSON schema (the schema files CycloneDX publishes in its npm
# library, fetched by bootstrap.sh), every package of the fixtures' expected
# lists present once with a package URL that parses back to it (purl spec),
# the findings those of the JSON report, and every reference resolving.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3

IMG=$FIXTURES/images
FEEDS=$FIXTURES/feeds
PY=/usr/bin/python3
CDX_SCHEMAS=${HULLSCAN_CDX_SCHEMAS:-$top_srcdir/.schemas/cyclonedx}
DB=$T/vuln.db

"$HULLSCAN" db import -q --db "$DB" "$FEEDS/alpine-secdb/json/v3.10/main.json" \
	"$FEEDS/debian-tracker/vunnel_debian.json" >/dev/null ||
	{ not_ok "db import"; done_testing; exit 1; }

# Alpine 3.10.3 with older musl and libssl1.1: 4 findings (lib.sh).
alpine_old "$T/alpine-old"
# Amazon Linux 2023's rpmdb.sqlite (three packages carry an epoch), not
# checked (no Amazon feed), so its SBOM has packages and no vulnerabilities.
mkdir -p "$T/amzn/etc" "$T/amzn/var/lib/rpm"
cp "$FIXTURES"/rpmdb/amazonlinux2023-plain-sqlite/rpmdb.sqlite* "$T/amzn/var/lib/rpm/"
printf 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\n' >"$T/amzn/etc/os-release"

# The checks, on a report and the JSON report of the same scan.
cat >"$T/check.py" <<'EOF'
import json, sys
from urllib.parse import unquote

bom = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
errors = []

def purl_parse(p):
    """pkg:type/namespace/name@version?qualifiers, as the purl spec reads it."""
    if not p.startswith("pkg:"): raise ValueError(p)
    rest, _, quals = p[4:].partition("?")
    path, _, version = rest.rpartition("@")
    segs = path.split("/")
    q = dict(kv.split("=", 1) for kv in quals.split("&")) if quals else {}
    return (segs[0], [unquote(s) for s in segs[1:-1]], unquote(segs[-1]),
            unquote(version), {k: unquote(v) for k, v in q.items()})

if bom.get("bomFormat") != "CycloneDX" or bom.get("specVersion") != "1.5":
    errors.append("not a CycloneDX 1.5 BOM")
refs = {}
def walk(comps, image):
    for c in comps:
        r = c.get("bom-ref")
        if r in refs: errors.append("bom-ref %r twice" % r)
        refs[r] = (c, image)
        walk(c.get("components", []), image if c["type"] != "container" else c)
images = rep["images"]
if len(images) == 1:
    top = bom["metadata"]["component"]
    refs[top["bom-ref"]] = (top, top)
    walk(bom["components"], top)
    containers = [top]
else:
    walk(bom["components"], None)
    containers = [c for c in bom["components"] if c["type"] == "container"]
if len(containers) != len(images):
    errors.append("%d containers for %d images" % (len(containers), len(images)))
for d in bom.get("dependencies", []):
    for r in [d["ref"]] + d.get("dependsOn", []):
        if r not in refs: errors.append("dependency on unknown ref %r" % r)

vulns = bom.get("vulnerabilities", [])
sev = {"Critical": "critical", "High": "high", "Medium": "medium", "Low": "low",
       "Negligible": "info", "Unknown": "unknown"}
for img, cont in zip(images, containers):
    ref_prop = [p["value"] for p in cont.get("properties", []) if p["name"] == "hullscan:reference"]
    if ref_prop != [img["reference"]]:
        errors.append("container %r is not image %r" % (ref_prop, img["reference"]))
    if img.get("error"):
        if not any(p["name"] == "hullscan:error" for p in cont.get("properties", [])):
            errors.append("failed image %r without its error" % img["reference"])
        continue
    pkgs = {}
    for r, (c, owner) in refs.items():
        if owner is cont and c["type"] == "library":
            t, ns, name, version, q = purl_parse(c["purl"])
            if (name, version) != (c["name"], c["version"].split(":", 1)[-1] if t == "rpm" else c["version"]):
                errors.append("purl %r is not %s %s" % (c["purl"], c["name"], c["version"]))
            if t == "rpm" and q.get("epoch"):
                version = q["epoch"] + ":" + version
            pkgs[(name, version, q.get("arch"))] = r
    want = {(p["name"], p["version"], p.get("arch")) for p in img["packages"]}
    if set(pkgs) != want:
        errors.append("%s: packages differ: %s" % (img["reference"],
                      sorted(set(pkgs) ^ want)[:5]))
    got = []
    for v in vulns:
        for a in v["affects"]:
            c, owner = refs.get(a["ref"], (None, None))
            if owner is cont:
                got.append((v["id"], c["name"], v["ratings"][0]["severity"]))
    want = [(f["id"], f["package"], sev[f["severity"]]) for f in img["findings"]]
    if sorted(got) != sorted(want):
        errors.append("%s: vulnerabilities %s, JSON report %s" % (img["reference"],
                      sorted(got)[:5], sorted(want)[:5]))
for e in errors: print(e)
sys.exit(1 if errors else 0)
EOF

# --- one image per report, each ecosystem --------------------------------------
n=0
for ref in "oci:$IMG/debian-12:12" "oci:$T/alpine-old:1" "dir:$T/amzn"; do
	n=$((n + 1))
	set +e
	"$HULLSCAN" scan -q --no-history --db "$DB" --cyclonedx "$T/bom$n.json" \
		--json "$T/rep$n.json" "$ref" 2>"$T/err$n"
	st=$?
	set -e
	[ "$st" -eq 0 ] && $PY "$T/check.py" "$T/bom$n.json" "$T/rep$n.json" >"$T/chk" 2>&1 &&
		ok "$ref: every package once, its purl parses back to it; the JSON report's findings" ||
		{ not_ok "$ref: SBOM (exit $st)"; diag "$(cat "$T/err$n" "$T/chk")"; }
done

# The independent package lists: dpkg-query's for debian-12, rpm's for Amazon.
$PY - "$T/bom1.json" "$IMG/debian-12.expected-packages.tsv" <<'EOF' >"$T/chk" 2>&1 &&
import json, sys
from urllib.parse import unquote
bom = json.load(open(sys.argv[1]))
got = set()
for c in bom["components"]:
    if c["type"] != "library": continue
    p = c["purl"]
    assert p.startswith("pkg:deb/debian/") and "distro=debian-12" in p, p
    path, _, q = p.partition("?")
    name, _, ver = path[len("pkg:deb/debian/"):].rpartition("@")
    arch = dict(kv.split("=") for kv in q.split("&"))["arch"]
    got.add((unquote(name), unquote(ver), arch))
want = set()
for l in open(sys.argv[2]):
    if l.startswith("#") or not l.strip(): continue
    f = l.rstrip("\n").split("\t")
    want.add((f[0], f[1], f[4]))
print(len(got), "purls,", len(want), "expected")
sys.exit(0 if got == want else 1)
EOF
	ok "debian-12: the purls are dpkg-query's packages ($(cat "$T/chk"))" ||
	{ not_ok "debian-12 purls against dpkg-query"; diag "$(cat "$T/chk")"; }
$PY - "$T/bom3.json" "$FIXTURES/rpmdb/amazonlinux2023-plain-sqlite/expected_packages.tsv" <<'EOF' >"$T/chk" 2>&1 &&
import csv, json, sys
from urllib.parse import unquote
bom = json.load(open(sys.argv[1]))
got = set()
for c in bom["components"]:
    if c["type"] != "library": continue
    path, _, q = c["purl"].partition("?")
    assert path.startswith("pkg:rpm/amzn/"), path
    name, _, ver = path[len("pkg:rpm/amzn/"):].rpartition("@")
    q = dict(kv.split("=") for kv in q.split("&"))
    assert q["distro"] == "amzn-2023", q
    got.add((q.get("epoch", ""), unquote(name), unquote(ver), q["arch"]))
want = set()
rows = list(csv.reader(open(sys.argv[2]), delimiter="\t"))
for r in rows[1:]:
    if r[1] == "gpg-pubkey": continue
    want.add((r[0] if r[0] not in ("", "0") else "", r[1], r[2] + "-" + r[3], r[4]))
epochs = sum(1 for g in got if g[0])
print(len(got), "purls,", epochs, "with an epoch qualifier,", len(want), "expected")
sys.exit(0 if got == want and epochs == 3 else 1)
EOF
	ok "amazon 2023: the purls are rpm's packages, epochs as qualifiers ($(cat "$T/chk"))" ||
	{ not_ok "amazon 2023 purls against rpm"; diag "$(cat "$T/chk")"; }
n=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vulnerabilities"]))' "$T/bom2.json")
[ "$n" = 4 ] && ok "alpine with older musl and libssl: the 4 secdb findings (musl CVE-2019-14697; libssl1.1 CVE-2019-1547, -1549, -1563)" ||
	not_ok "alpine findings in the SBOM: $n"

# --- several images in one report, one of them broken ---------------------------
set +e
"$HULLSCAN" scan -q --no-history --db "$DB" --cyclonedx "$T/multi.json" --json "$T/multi-rep.json" \
	"oci:$IMG/debian-12:12" "oci:$T/nothere:1" "oci:$T/alpine-old:1" "dir:$T/amzn" 2>"$T/err"
st=$?
set -e
[ "$st" -eq 3 ] && $PY "$T/check.py" "$T/multi.json" "$T/multi-rep.json" >"$T/chk" 2>&1 &&
	ok "4 images, one missing (exit 3): 4 containers, packages nested, refs unique and resolving" ||
	{ not_ok "several images (exit $st)"; diag "$(cat "$T/err" "$T/chk")"; }

# --- from the history: rescan writes it as scan does -----------------------------
"$HULLSCAN" scan -q --db "$DB" --history "$T/h.db" --job j "oci:$T/alpine-old:1" >/dev/null 2>&1 || true
set +e
"$HULLSCAN" history rescan -q --history "$T/h.db" --db "$DB" --job j --cyclonedx "$T/re.json" \
	--json "$T/re-rep.json" 2>"$T/err"
st=$?
set -e
[ "$st" -eq 0 ] && $PY "$T/check.py" "$T/re.json" "$T/re-rep.json" >"$T/chk" 2>&1 &&
	ok "history rescan --cyclonedx: the stored inventory and today's findings" ||
	{ not_ok "rescan --cyclonedx (exit $st)"; diag "$(cat "$T/err" "$T/chk")"; }
for k in 1 2; do
	"$HULLSCAN" scan -q --db "$DB" --history "$T/shard$k.db" --job m --build 7 --shard "$k/2" \
		"oci:$T/alpine-old:1" "dir:$T/amzn" >/dev/null 2>&1 || true
done
set +e
"$HULLSCAN" history merge -q --history "$T/main.db" --cyclonedx "$T/merged.json" \
	--json "$T/merged-rep.json" "$T/shard1.db" "$T/shard2.db" 2>"$T/err"
st=$?
set -e
[ "$st" -eq 0 ] && $PY "$T/check.py" "$T/merged.json" "$T/merged-rep.json" >"$T/chk" 2>&1 &&
	[ "$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["images"]))' "$T/merged-rep.json")" = 2 ] &&
	ok "history merge --cyclonedx of two shards: both images, their packages and findings" ||
	{ not_ok "merge --cyclonedx (exit $st)"; diag "$(cat "$T/err" "$T/chk")"; }
"$HULLSCAN" scan -q --no-history --no-match --cyclonedx - "oci:$T/alpine-old:1" >"$T/stdout.json" 2>"$T/err" &&
	$PY -c 'import json,sys; b=json.load(open(sys.argv[1])); assert b["components"] and not b["vulnerabilities"]' \
	"$T/stdout.json" 2>>"$T/err" &&
	ok "--no-match --cyclonedx -: an SBOM on stdout, no vulnerabilities" ||
	{ not_ok "--cyclonedx - with --no-match"; diag "$(cat "$T/err")"; }
expect_status "--cyclonedx into a directory that cannot be made: exit 2" 2 \
	"$HULLSCAN" scan -q --no-history --db "$DB" --cyclonedx /proc/nope/bom.json "oci:$T/alpine-old:1"
grep -q "/proc/nope" "$T/err" && [ "$(wc -l <"$T/err")" -eq 1 ] &&
	ok "an unwritable SBOM path: one line naming it" || { not_ok "unwritable path message"; diag "$(cat "$T/err")"; }

# --- the CycloneDX 1.5 JSON schema -----------------------------------------------
if [ -f "$CDX_SCHEMAS/bom-1.5.SNAPSHOT.schema.json" ] && $PY -c 'import jsonschema' 2>/dev/null; then
	check "every report valid against the CycloneDX 1.5 schema (and a broken one is not)" \
		$PY "$top_srcdir/tests/cdx-schema.py" "$CDX_SCHEMAS" "$T/bom1.json" "$T/bom2.json" "$T/bom3.json" \
		"$T/multi.json" "$T/re.json" "$T/merged.json"
else
	skip "the CycloneDX 1.5 schema is not in $CDX_SCHEMAS (bootstrap.sh fetches it with npm)"
fi

done_testing
