#!/bin/bash
# SBOMs in (sbom:FILE) and SPDX out (--spdx): real images scanned, their
# CycloneDX and SPDX written, each read back as sbom: — the same packages
# and findings as the image's own scan (the first route); --spdx valid
# against SPDX's own 2.3 JSON schema (tests/schemas, from spdx/spdx-spec); a
# real SPDX document of another party read by its purls; bad SBOMs refused
# with one line naming the file.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3

PY=/usr/bin/python3
FEEDS=$FIXTURES/feeds
SCHEMA=$top_srcdir/tests/schemas/spdx-2.3.schema.json
export HULLSCAN_DB="$T/vuln.db"

"$HULLSCAN" db import -q "$FEEDS/alpine-secdb/json/v3.10/main.json" \
	"$FEEDS/debian-tracker/vunnel_debian.json" "$FEEDS"/ubuntu-osv-bionic/*.json \
	>/dev/null 2>&1 || { not_ok "db import"; done_testing; exit 1; }

# The images: Alpine 3.10.3 with 4 findings (lib.sh), debian 12, Ubuntu
# 18.04's status with its os-release (findings from the OSV records), and
# Amazon Linux 2023's rpmdb (epochs, source rpms; not checked).
alpine_old "$T/alpine-old"
mkdir -p "$T/ubuntu/etc" "$T/ubuntu/var/lib/dpkg" "$T/amzn/etc" "$T/amzn/var/lib/rpm"
cp "$FIXTURES/dpkg/trivy-ubuntu1804-status/status" "$T/ubuntu/var/lib/dpkg/status"
cp "$FIXTURES/os-release/claircore/ubuntu/testdata/dist/18.04/etc/os-release" "$T/ubuntu/etc/"
cp "$FIXTURES"/rpmdb/amazonlinux2023-plain-sqlite/rpmdb.sqlite* "$T/amzn/var/lib/rpm/"
printf 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\n' >"$T/amzn/etc/os-release"

# same A.json B.json: packages (name, version, source, arch, ecosystem) and
# findings (id, package, installed, fixed, severity) of one image each.
cat >"$T/same.py" <<'EOF'
import json, sys
def key(path):
    img = json.load(open(path))["images"][0]
    pk = sorted((p["name"], p["version"], p.get("source_name"), p.get("source_version"),
                 p.get("arch"), p.get("ecosystem")) for p in img.get("packages", []))
    fd = sorted((f["id"], f["package"], f.get("installed_version"), f.get("fixed_version"),
                 f.get("severity")) for f in img.get("findings", []))
    return pk, fd, (img.get("os") or {}).get("namespace")
a, b = key(sys.argv[1]), key(sys.argv[2])
if a != b:
    for what, x, y in zip(("packages", "findings", "namespace"), a, b):
        if x != y:
            print("%s differ: %d vs %d" % (what, len(x) if isinstance(x, list) else 0,
                  len(y) if isinstance(y, list) else 0))
            if isinstance(x, list):
                print("only in image:", [e for e in x if e not in y][:5])
                print("only in sbom:", [e for e in y if e not in x][:5])
            else:
                print(x, y)
    sys.exit(1)
print("%d packages, %d findings" % (len(a[0]), len(a[1])))
EOF

roundtrip() {
	_name=$1 _ref=$2 _minfind=$3
	expect_status "$_name: scan with --cyclonedx and --spdx" 0 \
	    "$HULLSCAN" scan -q --history "$T/h-$_name.db" --json "$T/$_name.json" \
	    --cyclonedx "$T/$_name.cdx.json" --spdx "$T/$_name.spdx.json" "$_ref"
	n=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["images"][0]["findings"]))' "$T/$_name.json")
	if [ "$n" -ge "$_minfind" ]; then ok "$_name: $n findings (at least $_minfind)"; else
		not_ok "$_name: $n findings, want at least $_minfind"; fi
	for f in cdx spdx; do
		expect_status "$_name: sbom:$f scans" 0 "$HULLSCAN" scan -q --history \
		    "$T/h2-$_name.db" --json "$T/$_name.$f.rep.json" "sbom:$T/$_name.$f.json"
		check "$_name: sbom:$f has the image's packages and findings" \
		    $PY "$T/same.py" "$T/$_name.json" "$T/$_name.$f.rep.json"
	done
	check "$_name: --spdx is valid SPDX 2.3 (spdx-spec's schema)" $PY -c '
import json, sys, jsonschema
jsonschema.Draft201909Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
	    "$SCHEMA" "$T/$_name.spdx.json"
}

roundtrip alpine "oci:$T/alpine-old" 4
roundtrip debian "oci:$FIXTURES/images/debian-12:12" 0
roundtrip ubuntu "dir:$T/ubuntu" 10
roundtrip amazon "dir:$T/amzn" 0

# The schema check itself rejects a broken document (it can fail).
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); d["packages"][0]["primaryPackagePurpose"]="OPERATING-SYSTEM"; json.dump(d,open(sys.argv[2],"w"))' \
    "$T/alpine.spdx.json" "$T/broken.spdx.json"
if $PY -c 'import json, sys, jsonschema
jsonschema.Draft201909Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
    "$SCHEMA" "$T/broken.spdx.json" >/dev/null 2>&1; then
	not_ok "the SPDX schema check accepts a broken document"; else
	ok "the SPDX schema check refuses a broken document"; fi

# Amazon's rpm epochs: the SPDX purls carry them as the epoch qualifier, and
# they come back in the version (rpm -qa's list is the answer).
$PY - "$T/amazon.spdx.json" "$FIXTURES/rpmdb/amazonlinux2023-plain-sqlite" >"$T/epochs" <<'EOF'
import json, sys, glob
d = json.load(open(sys.argv[1]))
n = sum(1 for p in d["packages"] for r in p.get("externalRefs", [])
        if r["referenceType"] == "purl" and "epoch=" in r["referenceLocator"])
print(n)
EOF
if [ "$(cat "$T/epochs")" -ge 1 ]; then ok "amazon: $(cat "$T/epochs") purls with an epoch qualifier"; else
	not_ok "amazon: no purl carries an epoch"; fi

# A list file mixing an image and an SBOM: both scanned, both in the report.
printf 'oci:%s\nsbom:%s\n' "$T/alpine-old" "$T/ubuntu.cdx.json" >"$T/list"
expect_status "a list of an image and an SBOM" 0 "$HULLSCAN" scan -q --history "$T/h3.db" \
    --json "$T/mixed.json" --images "$T/list"
check "the mixed list: two images, each with its findings" $PY -c '
import json, sys
imgs = json.load(open(sys.argv[1]))["images"]
assert len(imgs) == 2, len(imgs)
assert all(len(i["findings"]) >= 4 for i in imgs), [len(i["findings"]) for i in imgs]' "$T/mixed.json"

# Build to build: an SBOM keeps the image's name, so the history compares
# the image's scan with the SBOM's: nothing new, nothing fixed.
"$HULLSCAN" scan -q --history "$T/h4.db" --json /dev/null "oci:$T/alpine-old" >/dev/null 2>&1 || true
expect_status "the SBOM as the next build of the same image" 0 "$HULLSCAN" scan -q \
    --history "$T/h4.db" --json "$T/next.json" "sbom:$T/alpine.cdx.json"
check "the SBOM build: 0 new, 0 fixed against the image's" $PY -c '
import json, sys
i = json.load(open(sys.argv[1]))["images"][0]
new = [f for f in i["findings"] if f.get("new")]
assert i["findings"] and not new and not i.get("fixed"), (len(new), i.get("fixed"))' "$T/next.json"

# Another party's SPDX 2.3 document (spdx-spec's own example): valid, and
# its one package with a purl is read (Maven org.apache.jena:apache-jena).
EX=$top_srcdir/tests/data/SPDXJSONExample-v2.3.spdx.json
check "spdx-spec's example is valid against the schema" $PY -c 'import json, sys, jsonschema
jsonschema.Draft201909Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
    "$SCHEMA" "$EX"
expect_status "spdx-spec's example as sbom:" 0 "$HULLSCAN" inventory "sbom:$EX"
want=$($PY -c '
import json, sys
from urllib.parse import unquote
for p in json.load(open(sys.argv[1]))["packages"]:
    for r in p.get("externalRefs", []):
        if r["referenceType"] == "purl":
            t, rest = r["referenceLocator"][4:].split("/", 1)
            path, v = rest.rsplit("@", 1)
            g, a = path.split("/")
            print("%s:%s\t%s" % (unquote(g), unquote(a), v))' "$EX")
got=$(grep -v '^#' "$T/out" | cut -f1,2)
if [ "$got" = "$want" ] && [ -n "$want" ]; then ok "spdx-spec's example: $want"; else
	not_ok "spdx-spec's example: got '$got', want '$want'"; fi

# An SBOM written by another tool: cdxgen (CycloneDX's generator, installed
# by bootstrap.sh) over the npm fixture's root filesystem. Its 56 components
# are the fixture's expected list, and sbom: reads every one of them.
CDXGEN=${HULLSCAN_CDXGEN:-$top_srcdir/.tools/cdxgen/node_modules/.bin/cdxgen}
if [ -x "$CDXGEN" ]; then
	mkdir -p "$T/npmroot"
	tar -xzf "$FIXTURES/lang/npm/app.tar.gz" -C "$T/npmroot"
	for spec in 1.6 1.7; do
		CDXGEN_NO_BANNER=1 FETCH_LICENSE=false timeout 300 "$CDXGEN" -t js \
		    --spec-version $spec --no-install-deps -o "$T/cdxgen-$spec.json" \
		    "$T/npmroot" >"$T/cdxgen.log" 2>&1 || true
		if [ ! -s "$T/cdxgen-$spec.json" ]; then
			not_ok "cdxgen $spec wrote no SBOM"; diag "$(tail -5 "$T/cdxgen.log")"; continue
		fi
		expect_status "cdxgen's CycloneDX $spec SBOM as sbom:" 0 "$HULLSCAN" inventory \
		    "sbom:$T/cdxgen-$spec.json"
		check "cdxgen $spec: hullscan reads the fixture's 56 npm packages" $PY -c '
import json, sys
exp = sorted(tuple(l.split("\t")[:2]) for l in open(sys.argv[1]) if not l.startswith("#"))
got = sorted(tuple(l.split("\t")[:2]) for l in open(sys.argv[2]) if not l.startswith("#")
             and l.rstrip("\n").split("\t")[5] == "npm")
assert len(exp) == 56 and got == exp, (len(got), [x for x in exp if x not in got][:3])' \
		    "$FIXTURES/lang/npm/expected-packages.tsv" "$T/out"
	done
	# hullscan's own npm inventory of the same tree, as an image, against
	# what cdxgen found in it (name, version).
	/usr/bin/python3 "$top_srcdir/tests/mkoci.py" "$T/npmimg" t "$FIXTURES/lang/npm/app.tar.gz" >/dev/null
	expect_status "hullscan inventory of the npm fixture image" 0 "$HULLSCAN" inventory "oci:$T/npmimg:t"
	check "hullscan's npm packages are cdxgen's" $PY -c '
import json, sys
bom = json.load(open(sys.argv[1]))
cdx = sorted(((c["group"] + "/" if c.get("group") else "") + c["name"], c["version"])
             for c in bom["components"] if c.get("purl", "").startswith("pkg:npm/"))
got = sorted(tuple(l.split("\t")[:2]) for l in open(sys.argv[2]) if not l.startswith("#")
             and l.rstrip("\n").split("\t")[5] == "npm")
assert cdx and got == cdx, (len(got), len(cdx), [x for x in cdx if x not in got][:3],
                             [x for x in got if x not in cdx][:3])' "$T/cdxgen-1.6.json" "$T/out"
elif [ "${CI:-}" = true ]; then
	not_ok "cdxgen is not installed (bootstrap.sh installs it)"
else
	skip "cdxgen is not installed (bootstrap.sh installs it)"
fi

# Bad SBOMs: one line naming the file, exit 3 for that image, others scanned.
printf '{"bomFormat":"CycloneDX","specVersion":"1.2","components":[]}' >"$T/old.json"
printf '{"spdxVersion":"SPDX-2.3","packages":{}}' >"$T/badpk.json"
printf 'not json' >"$T/garbage.json"
printf '{"hello":1}' >"$T/neither.json"
for f in old badpk garbage neither missing; do
	expect_status "sbom:$f.json: exit 3 and the other image scanned" 3 "$HULLSCAN" scan \
	    -q --history "$T/h5.db" --json "$T/bad.json" "sbom:$T/$f.json" "oci:$T/alpine-old"
	if [ "$(grep -c "sbom:" "$T/err")" -eq 1 ] && grep -q "^hullscan: sbom:$T/$f.json: [^/]" "$T/err"; then
		ok "sbom:$f.json: one line naming the file: $(cut -c1-100 "$T/err")"; else
		not_ok "sbom:$f.json: message"; diag "$(cat "$T/err")"; fi
done

# An SBOM of two images (hullscan's own, of a two-image scan) is refused:
# one image's packages are never mixed with another's.
"$HULLSCAN" scan -q --no-history --no-match --cyclonedx "$T/two.cdx.json" --spdx \
    "$T/two.spdx.json" "oci:$T/alpine-old" "dir:$T/ubuntu" >/dev/null 2>&1 || true
for f in cdx spdx; do
	expect_status "two images in one $f SBOM: exit 3" 3 "$HULLSCAN" scan -q --no-history \
	    "sbom:$T/two.$f.json"
	if grep -q "several images" "$T/err"; then ok "two images in one $f SBOM: says so"; else
		not_ok "two images in one $f SBOM: $(cat "$T/err")"; fi
done

# A million components: streamed, refused past 500,000 packages with one
# line, in bounded memory.
$PY - "$T/big.json" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[')
    for i in range(1000000):
        f.write('%s{"type":"library","name":"p%d","version":"1.0.%d","purl":"pkg:npm/p%d@1.0.%d"}'
                % ("," if i else "", i, i, i, i))
    f.write("]}")
EOF
/usr/bin/time -f '%M' -o "$T/rss" "$HULLSCAN" scan -q --history "$T/h6.db" --no-match \
    "sbom:$T/big.json" >"$T/out" 2>"$T/err" || true
rss=$(tail -1 "$T/rss")
# The memory bound is the plain build's: ASan's shadow memory and quarantine
# are not the program's.
asan=$(ldd "$HULLSCAN" 2>/dev/null | grep -o libasan || true)
if grep -q "more than 500000 packages" "$T/err" && { [ -n "$asan" ] || [ "$rss" -lt 262144 ]; }; then
	ok "a million-component SBOM ($(($(stat -c %s "$T/big.json") >> 20)) MiB): refused, $((rss >> 10)) MiB RSS"
else
	not_ok "a million-component SBOM: $(head -c 300 "$T/err"), RSS $rss KiB"
fi

done_testing
