#!/bin/bash
# ./bootstrap.sh demo shows something: tests/demo.sh run into a temp dir must
# give findings in build 1 and a diff in build 2, and the reports must name
# each image as images.txt lists it. The expected findings come from a
# second route written here: Canonical's OSV records read with Python and
# every version compared by dpkg itself (the Ubuntu image), and the four
# findings of the old app image worked out by hand from the v3.10 secdb
# (tests/lib.sh, alpine_old).
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd dpkg /usr/bin/python3
PY=/usr/bin/python3
OUT=$T/demo

expect_status "the demo runs both builds: exit 0" 0 \
	env HULLSCAN="$HULLSCAN" HULLSCAN_FIXTURES="$FIXTURES" HULLSCAN_DEMO_OUT="$OUT" \
	sh "$top_srcdir/tests/demo.sh"
missing=""
for f in build-1/report.json build-1/junit.xml build-1/html/index.html \
	report.json junit.xml html/index.html history.db; do
	[ -s "$OUT/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "demo wrote the reports of both builds and the history"
else not_ok "demo did not write:$missing"; fi

# The Ubuntu image's findings by the second route: every installed binary
# whose source package an Ubuntu:18.04:LTS entry names, while dpkg puts the
# installed source version below the entry's fix (or there is none).
# UBUNTU-CVE-X is reported as CVE-X; a USN keeps its id.
cat >"$T/route.py" <<'EOF'
import json, subprocess, sys
status, records = sys.argv[1], sys.argv[2:]
by_source = {}
for st in open(status).read().split("\n\n"):
    d = dict(l.split(": ", 1) for l in st.splitlines() if ": " in l and not l.startswith(" "))
    if d.get("Status") != "install ok installed":
        continue
    src = d.get("Source", d["Package"])
    name, _, ver = src.partition(" (")
    by_source.setdefault(name, []).append((d["Package"], ver.rstrip(")") or d["Version"]))
out = set()
for path in records:
    r = json.load(open(path))
    rid = r["id"][len("UBUNTU-"):] if r["id"].startswith("UBUNTU-CVE-") else r["id"]
    for a in r["affected"]:
        if a["package"]["ecosystem"] != "Ubuntu:18.04:LTS":
            continue
        for rng in a.get("ranges", []):
            ev = rng["events"]
            assert rng["type"] == "ECOSYSTEM" and ev[0] == {"introduced": "0"}, path
            fixed = ev[1]["fixed"] if len(ev) > 1 else None
            for binary, ver in by_source.get(a["package"]["name"], []):
                if fixed is None or subprocess.call(["dpkg", "--compare-versions",
                                                     ver, "lt", fixed]) == 0:
                    out.add("%s %s" % (binary, rid))
print("\n".join(sorted(out)))
EOF
OSV=$FIXTURES/feeds/ubuntu-osv-bionic
# Held back by the demo until build 2: two vulnerabilities with every record
# naming them (so records merged by alias stay apart from build 1's).
LATER_RE='UBUNTU-CVE-2019-5094|USN-4142-1|UBUNTU-CVE-2022-1271|USN-5378-1|USN-5378-2'
EARLY=$(ls "$OSV"/*.json | grep -v -E "$LATER_RE")
LATER=$(ls "$OSV"/*.json | grep -E "$LATER_RE")
STATUS=$FIXTURES/dpkg/trivy-ubuntu1804-status/status
# shellcheck disable=SC2086
"$PY" "$T/route.py" "$STATUS" $EARLY >"$T/want1"
# shellcheck disable=SC2086
"$PY" "$T/route.py" "$STATUS" $EARLY $LATER >"$T/want2"
comm -13 "$T/want1" "$T/want2" >"$T/want-new"
printf '%s\n' "libssl1.1 CVE-2019-1547" "libssl1.1 CVE-2019-1549" \
	"libssl1.1 CVE-2019-1563" "musl CVE-2019-14697" >"$T/app-old"
: >"$T/none"

# covers DESC JSON REF KIND WANT: the image's findings (KIND: findings, new
# or fixed) are what the file WANT lists ("package id" lines, one per
# record). A finding may carry several records' ids (its id and aliases,
# when records of one vulnerability are merged): every line of WANT must be
# one of a finding's ids, and every finding must have an id in WANT.
cat >"$T/covers.py" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
img = [i for i in r["images"] if i["reference"] == sys.argv[2]][0]
kind = sys.argv[3]
fs = img["diff"][kind] if kind == "fixed" else [f for f in img["findings"]
    if kind == "findings" or f["new"]]
want = set(l for l in open(sys.argv[4]).read().split("\n") if l)
have = set()
errors = []
for f in fs:
    ids = set("%s %s" % (f["package"], i) for i in [f["id"]] + (f.get("aliases") or []))
    if not ids & want:
        errors.append("unexpected: %s %s" % (f["package"], f["id"]))
    have |= ids
for w in sorted(want - have):
    errors.append("missing: " + w)
print("# %d findings for %d lines" % (len(fs), len(want)))
for e in errors: print(e)
sys.exit(1 if errors else 0)
PY
covers() {
	if "$PY" "$T/covers.py" "$2" "$3" "$4" "$5" >"$T/covers.out" 2>&1; then
		ok "$1 ($(head -1 "$T/covers.out" | sed 's/^# //'))"
	else not_ok "$1"; diag "$(head -20 "$T/covers.out")"; fi
}

covers "build 1: the Ubuntu image's findings, as the OSV records and dpkg say" \
	"$OUT/build-1/report.json" oci:images/ubuntu:18.04 findings "$T/want1"
covers "build 1: the app image's findings: old musl, libssl1.1" \
	"$OUT/build-1/report.json" oci:images/app:latest findings "$T/app-old"
covers "build 2: the Ubuntu image's findings with the later records" \
	"$OUT/report.json" oci:images/ubuntu:18.04 findings "$T/want2"
if [ -s "$T/want-new" ]; then ok "the second route gives $(wc -l <"$T/want-new") new lines for build 2"
else not_ok "the second route gives new findings for build 2"; fi
covers "build 2: new since build 1, exactly those of the later records" \
	"$OUT/report.json" oci:images/ubuntu:18.04 new "$T/want-new"
covers "build 2: the rebuilt app image has nothing left" \
	"$OUT/report.json" oci:images/app:latest findings "$T/none"
covers "build 2: fixed since build 1, the app image's 4" \
	"$OUT/report.json" oci:images/app:latest fixed "$T/app-old"
nn=$("$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(sum(1 for i in r["images"] for f in i["findings"] if f["new"]))' "$OUT/report.json" || echo 0)
nf=$("$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(sum(len(i["diff"]["fixed"]) for i in r["images"]))' "$OUT/report.json" || echo 0)

# What a person reads: the HTML counts the diff, and every report names the
# images as images.txt lists them, each once.
LISTED=$(grep -v '^#' "$OUT/images.txt")
cat >"$T/page.py" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
from html.parser import HTMLParser
page, junit, listed, new, fixed = sys.argv[1], sys.argv[2], sys.argv[3].split("\n"), sys.argv[4], sys.argv[5]
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.where, self.h2, self.h3 = None, [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2" and "image-name" in (a.get("class") or ""):
            self.where = self.h2; self.h2.append("")
        elif tag == "h3":
            self.where = self.h3; self.h3.append("")
    def handle_endtag(self, tag):
        if tag in ("h2", "h3"): self.where = None
    def handle_data(self, d):
        if self.where is not None: self.where[-1] += d
p = P()
p.feed(open(page, encoding="utf-8").read())
errors = []
if p.h2 != listed: errors.append("image headings %r, want %r" % (p.h2, listed))
h3 = [" ".join(h.split()) for h in p.h3]
for want in ("New " + new, "Fixed " + fixed):
    if want not in h3: errors.append("no heading %r in %r" % (want, h3))
suites = [s.get("name") for s in ET.parse(junit).getroot().findall("testsuite")]
if sorted(suites) != sorted(listed) or len(set(suites)) != len(suites):
    errors.append("junit suites %r, want %r" % (suites, listed))
for e in errors: print(e)
sys.exit(1 if errors else 0)
EOF
check "build 2 HTML: New $nn, Fixed $nf as in the JSON; HTML and JUnit name the images as images.txt does" \
	"$PY" "$T/page.py" "$OUT/html/index.html" "$OUT/junit.xml" "$LISTED" "$nn" "$nf"

done_testing
