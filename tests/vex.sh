#!/bin/bash
# OpenVEX documents as --ignore files, over a real scan: Alpine 3.10.3 with
# older musl and libssl1.1, whose 4 findings come from the real secdb v3.10
# (musl CVE-2019-14697; libssl1.1 CVE-2019-1547, CVE-2019-1549, CVE-2019-1563).
# Each document below is written by hand from the OpenVEX spec (v0.2.0), and
# what it must ignore is worked out from the spec's rules, not from the code.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3 skopeo

IMG=$FIXTURES/images
PY=/usr/bin/python3
DB=$T/vuln.db

"$HULLSCAN" db import -q --db "$DB" "$FIXTURES/feeds/alpine-secdb/json/v3.10/main.json" >/dev/null ||
	{ not_ok "db import"; done_testing; exit 1; }
alpine_old "$T/alp"
REF=oci:$T/alp:1
# The image's digest, as skopeo reads it (pkg:oci names an image by it).
DIGEST=sha256:$(skopeo inspect --raw "$REF" | sha256sum | cut -d' ' -f1)

# vex NAME STATEMENTS-JSON: an OpenVEX document.
vex() {
	cat >"$T/$1.json" <<EOF
{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/$1",
  "author": "Security Team <security@example.com>",
  "timestamp": "2024-03-01T12:00:00Z",
  "version": 1,
  "statements": $2
}
EOF
}
# ignored VEX...: the sorted "package id" pairs a scan with those documents ignores.
ignored() {
	local args="" f
	for f in "$@"; do args="$args --ignore $T/$f.json"; done
	rm -f "$T/rep.json"
	# shellcheck disable=SC2086
	"$HULLSCAN" scan -q --no-history --db "$DB" --fail-on unknown $args \
		--json "$T/rep.json" "$REF" 2>"$T/err" >/dev/null || true
	$PY -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(" ".join(sorted(f["package"] + ":" + f["id"] for f in r["images"][0]["findings"]
                      if f["verdict"] == "ignored")))' "$T/rep.json" 2>/dev/null
}
case_is() {	# case_is DESC WANT VEX...
	local desc=$1 want=$2 got; shift 2
	got=$(ignored "$@")
	[ "$got" = "$want" ] && ok "$desc" || { not_ok "$desc: ignored '$got', want '$want'"; diag "$(cat "$T/err")"; }
}

expect_status "no VEX: the 4 findings fail (--fail-on unknown)" 1 \
	"$HULLSCAN" scan -q --no-history --db "$DB" --fail-on unknown "$REF"

# The image by digest, one package inside it.
vex image-sub '[{
  "vulnerability": {"name": "CVE-2019-1547"},
  "products": [{"@id": "pkg:oci/alp@'"${DIGEST/:/%3A}"'",
                "subcomponents": [{"@id": "pkg:apk/alpine/libssl1.1"}]}],
  "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]'
case_is "pkg:oci by digest, a subcomponent: that finding only" "libssl1.1:CVE-2019-1547" image-sub
grep -q '"ignore_reason": "VEX not_affected: vulnerable_code_not_in_execute_path ('"$T"'/image-sub.json: statements\[0\])"' "$T/rep.json" &&
	ok "the reason: status, justification, the file and statement" ||
	{ not_ok "VEX reason"; diag "$(grep ignore_reason "$T/rep.json")"; }
expect_status "every other finding still fails: exit 1" 1 \
	"$HULLSCAN" scan -q --no-history --db "$DB" --fail-on unknown --ignore "$T/image-sub.json" "$REF"
sed "s/${DIGEST#sha256:}/$(printf '0%.0s' $(seq 64))/" "$T/image-sub.json" >"$T/other-image.json"
case_is "another image's digest: nothing" "" other-image

# A package purl with its version (any image), status fixed.
vex pkg-version '[{
  "vulnerability": {"name": "CVE-2019-14697"},
  "products": [{"@id": "pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64"}],
  "status": "fixed"}]'
case_is "a package purl at the installed version: ignored" "musl:CVE-2019-14697" pkg-version
sed 's/musl@1.1.22-r2/musl@1.1.22-r3/' "$T/pkg-version.json" >"$T/pkg-other.json"
case_is "at another version: not" "" pkg-other

# An alias, several products, an image glob (not a purl), under_investigation.
vex mixed '[{
  "vulnerability": {"name": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2019-1549"]},
  "products": [{"@id": "pkg:apk/alpine/libssl1.1"}], "status": "not_affected",
  "justification": "inline_mitigations_already_exist"},
 {"vulnerability": {"name": "CVE-2019-1563"}, "products": [{"@id": "*alp:1"}],
  "status": "not_affected", "impact_statement": "only signed inputs"},
 {"vulnerability": {"name": "CVE-2019-1547"}, "products": [{"@id": "pkg:apk/alpine/libssl1.1"}],
  "status": "under_investigation"}]'
case_is "alias, image glob, under_investigation ignores nothing" \
	"libssl1.1:CVE-2019-1549 libssl1.1:CVE-2019-1563" mixed

# The newest statement decides, whatever their order in the file and their
# time zones: 09:30Z is after 10:00+01:00 (09:00Z).
vex newer-affected '[{
  "vulnerability": {"name": "CVE-2019-14697"}, "products": [{"@id": "pkg:apk/alpine/musl"}],
  "status": "affected", "action_statement": "upgrade", "timestamp": "2024-03-02T09:30:00Z"},
 {"vulnerability": {"name": "CVE-2019-14697"}, "products": [{"@id": "pkg:apk/alpine/musl"}],
  "status": "not_affected", "justification": "component_not_present",
  "timestamp": "2024-03-02T10:00:00+01:00"}]'
case_is "a newer 'affected' takes an older 'not_affected' back" "" newer-affected
sed -e 's/09:30:00Z/08:30:00Z/' "$T/newer-affected.json" >"$T/newer-not.json"
case_is "a newer 'not_affected' ignores" "musl:CVE-2019-14697" newer-not
# Two documents: VEX files combine with each other and with the YAML list.
cat >"$T/own.yaml" <<'EOF'
ignore:
  - id: CVE-2019-1563
    package: libssl1.1
    reason: accepted until the rebuild
    expires: 2099-01-01
EOF
cp "$T/own.yaml" "$T/own.json"
case_is "two VEX files and hullscan's own list: their union" \
	"libssl1.1:CVE-2019-1547 libssl1.1:CVE-2019-1563 musl:CVE-2019-14697" image-sub pkg-version own
expect_status "every finding VEXed or ignored: exit 0" 0 \
	"$HULLSCAN" scan -q --no-history --db "$DB" --fail-on unknown --ignore "$T/image-sub.json" \
	--ignore "$T/pkg-version.json" --ignore "$T/mixed.json" --ignore "$T/own.yaml" "$REF"

# The CycloneDX report carries what the VEX said as each vulnerability's
# analysis: not_affected with OpenVEX's justification in CycloneDX's words,
# fixed as resolved; an ignore-list entry (an accepted risk) none.
"$HULLSCAN" scan -q --no-history --db "$DB" --ignore "$T/image-sub.json" \
	--ignore "$T/pkg-version.json" --ignore "$T/own.yaml" --cyclonedx "$T/bom.json" "$REF" 2>"$T/err" || true
$PY - "$T/bom.json" >"$T/chk" 2>&1 <<'EOF' &&
import json, sys
bom = json.load(open(sys.argv[1]))
got = {}
for v in bom["vulnerabilities"]:
    a = v.get("analysis")
    got[v["id"]] = (a["state"], a.get("justification")) if a else None
want = {"CVE-2019-1547": ("not_affected", "code_not_reachable"),
        "CVE-2019-14697": ("resolved", None), "CVE-2019-1563": None, "CVE-2019-1549": None}
print(got)
sys.exit(0 if got == want else 1)
EOF
	ok "cyclonedx: VEX statements as analysis (not_affected/code_not_reachable, resolved), none for the rest" ||
	{ not_ok "cyclonedx analysis from VEX"; diag "$(cat "$T/err" "$T/chk")"; }
CDX_SCHEMAS=${HULLSCAN_CDX_SCHEMAS:-$top_srcdir/.schemas/cyclonedx}
if [ -f "$CDX_SCHEMAS/bom-1.5.SNAPSHOT.schema.json" ] && $PY -c 'import jsonschema' 2>/dev/null; then
	check "cyclonedx with analysis: valid against the CycloneDX 1.5 schema" \
		$PY "$top_srcdir/tests/cdx-schema.py" "$CDX_SCHEMAS" "$T/bom.json"
else
	skip "the CycloneDX 1.5 schema is not in $CDX_SCHEMAS (bootstrap.sh fetches it with npm)"
fi

# Bad documents: exit 2, one line naming the file and the statement; the scan
# does not start.
bad() {	# bad DESC PATTERN STATEMENTS
	vex bad "$3"
	expect_status "$1: exit 2" 2 "$HULLSCAN" scan -q --no-history --db "$DB" --ignore "$T/bad.json" "$REF"
	[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "$2" "$T/err" &&
		ok "$1: $(cat "$T/err")" || { not_ok "$1 message"; diag "$(cat "$T/err")"; }
}
bad "an unknown status" "bad.json: statements\[0\]: status must be" \
	'[{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "x"}], "status": "fine"}]'
bad "a bad timestamp" "bad.json: statements\[1\]: timestamp yesterday is not RFC 3339" \
	'[{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "x"}], "status": "fixed"},
	  {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "x"}], "status": "fixed", "timestamp": "yesterday"}]'
bad "no products" "bad.json: statements\[0\]: no products" \
	'[{"vulnerability": {"name": "CVE-1"}, "status": "fixed"}]'
bad "no vulnerability" "bad.json: statements\[0\]: no vulnerability name" \
	'[{"products": [{"@id": "x"}], "status": "fixed"}]'
bad "a product purl without a name" "bad.json: statements\[0\]: pkg:apk is not a package URL" \
	'[{"vulnerability": {"name": "CVE-2019-1547"}, "products": [{"@id": "pkg:apk"}], "status": "fixed"}]'
vex empty '[]'
case_is "a document with no statements ignores nothing" "" empty

done_testing
