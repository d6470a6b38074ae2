#!/bin/bash
# End of life: data/eol.tsv imported as a feed (by db import and by db update,
# from beside the feed list), a scan's warning on stderr, os.eol in JSON, a
# JUnit case, the HTML report, and --fail-on-eol. The expected facts are read
# from data/eol.tsv here with awk and compared with today's date (date -u),
# not taken from hullscan.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3

EOL=$top_srcdir/data/eol.tsv
MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"
TODAY=$(date -u +%F)
export HULLSCAN_TEMPLATES=$top_srcdir/templates

json_query() {
	/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "want:"; diag "$2"; diag "got:"; diag "$3"; fi
}
# eol_of NAMESPACE: "DATE<TAB>WHAT" from the table, read here.
eol_of() {
	awk -F'\t' -v ns="$1" '!/^#/ && $1 == ns { print $2 "\t" $3 }' "$EOL"
}
# mkimage TAG OSRELEASE [STATUS]: os-release and a dpkg status in one layer.
mkimage() {
	local d=$T/img.$1
	mkdir -p "$d/etc" "$d/var/lib/dpkg"
	cp "$2" "$d/etc/os-release"
	if [ -n "${3:-}" ]; then cp "$3" "$d/var/lib/dpkg/status"; else : >"$d/var/lib/dpkg/status"; fi
	tar -C "$d" -cf "$d.tar" etc var
	$MKOCI "$T/oci" "$1" "$d.tar" >/dev/null
}

# --- the table ---------------------------------------------------------------
ROWS=$(grep -vc -e '^#' -e '^$' "$EOL")
DB=$T/vuln.db
expect_status "db import data/eol.tsv" 0 "$HULLSCAN" db import --db "$DB" "$EOL"
same "it is the feed \"eol\", one record per release of the table ($ROWS)" "eol	$ROWS" \
    "$("$HULLSCAN" db status --db "$DB" | cut -f1,3)"
for ns in debian:buster ubuntu:18.04 alpine:v3.10 amzn:2 sles:15.3 rhel:8; do
	[ -n "$(eol_of "$ns")" ] || not_ok "data/eol.tsv lists $ns"
done
ok "data/eol.tsv lists Debian, Ubuntu, Alpine, Amazon Linux, SLES, RHEL"
same "ubuntu 18.04: end of standard support 2023-05-31 (Canonical's date)" \
    "2023-05-31	standard support" "$(eol_of ubuntu:18.04)"

# --- images ------------------------------------------------------------------
/usr/bin/python3 -c '
import sys
t = open(sys.argv[1]).read()
print(t.split("-- os-release --\n")[1].split("-- ")[0], end="")' \
    "$FIXTURES/os-release/claircore/osrelease/testdata/Bionic.txtar" >"$T/u1804.os"
mkimage u1804 "$T/u1804.os" "$FIXTURES/dpkg/trivy-ubuntu1804-status/status"
cp "$FIXTURES/os-release/claircore/debian/testdata/dist/12/etc/os-release" "$T/deb12.os"
mkimage deb12 "$T/deb12.os"
printf 'NAME="Hullscan Test OS"\nID=hullscantest\nVERSION_ID=1\n' >"$T/other.os"
mkimage other "$T/other.os"
# The Ubuntu image is checked against Canonical's OSV records of its packages.
expect_status "db import the Ubuntu 18.04 OSV records" 0 "$HULLSCAN" db import --db "$DB" \
    "$FIXTURES"/feeds/ubuntu-osv-bionic/*.json

IFS=$'\t' read -r U_DATE U_WHAT <<<"$(eol_of ubuntu:18.04)"
IFS=$'\t' read -r D_DATE D_WHAT <<<"$(eol_of debian:bookworm)"
[[ "$U_DATE" < "$TODAY" || "$U_DATE" = "$TODAY" ]] && U_REACHED=True || U_REACHED=False
[[ "$D_DATE" < "$TODAY" || "$D_DATE" = "$TODAY" ]] && D_REACHED=True || D_REACHED=False
U_MSG="ubuntu 18.04 reached end of $U_WHAT on $U_DATE: no more fixes"

expect_status "scan: Ubuntu 18.04, Debian 12, an OS the table does not know (no policy: exit 0)" 0 \
    "$HULLSCAN" scan --no-history --db "$DB" --json "$T/r.json" --junit "$T/j.xml" --html "$T/html" \
    "oci:$T/oci:u1804" "oci:$T/oci:deb12" "oci:$T/oci:other"
same "stderr: one line for the Ubuntu image's end of life ($U_REACHED as of $TODAY)" \
    "$([ $U_REACHED = True ] && echo "hullscan: warning: oci:$T/oci:u1804: $U_MSG")" \
    "$(grep 'reached end of' "$T/err")"
same "JSON os.eol of the Ubuntu image" \
    "{'date': '$U_DATE', 'support': '$U_WHAT', 'reached': $U_REACHED, 'fails': False, 'message': $([ $U_REACHED = True ] && echo "'$U_MSG'" || echo None)}" \
    "$(json_query "$T/r.json" 'r["images"][0]["os"]["eol"]')"
same "JSON os.eol of the Debian 12 image: $D_DATE, reached $D_REACHED" "$D_DATE $D_WHAT $D_REACHED" \
    "$(json_query "$T/r.json" '" ".join(str(r["images"][1]["os"]["eol"][k]) for k in ("date", "support", "reached"))')"
same "JSON os.eol of a release the table does not list: null" "None" \
    "$(json_query "$T/r.json" 'r["images"][2]["os"]["eol"]')"
if [ "$U_REACHED" = True ]; then
	same "JUnit: an \"end of life\" case, skipped (reported, not failed)" "skipped: oci:$T/oci:u1804: $U_MSG" \
	    "$(/usr/bin/python3 - "$T/j.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
for tc in ET.parse(sys.argv[1]).iter("testcase"):
    if tc.get("name") == "end of life":
        for k in tc:
            print("%s: %s" % (k.tag, k.get("message")))
PY
)"
	grep -q "End of life: </strong>$U_MSG" "$T/html/index.html" &&
	    grep -q 'tag-warn">end of life<' "$T/html/index.html" &&
	    ok "HTML: the Ubuntu image's end of life, tagged in the summary" ||
	    not_ok "HTML: end of life not shown"
fi
if /usr/bin/python3 - "$top_srcdir/data/report.schema.json" "$T/r.json" 2>"$T/schema.err" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit(3)
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
then ok "the report validates against data/report.schema.json (os.eol)"
elif [ $? -eq 3 ]; then skip "python3-jsonschema is not installed"
else not_ok "schema"; diag "$(tail -3 "$T/schema.err")"; fi

# --- --fail-on-eol; the day itself ----------------------------------------------
expect_status "--fail-on-eol: the Ubuntu 18.04 image fails the policy (exit 1)" 1 \
    "$HULLSCAN" scan --no-history --db "$DB" --fail-on-eol --json "$T/f.json" --junit "$T/f.xml" \
    "oci:$T/oci:u1804" "oci:$T/oci:other"
grep -q "^hullscan: oci:$T/oci:u1804: $U_MSG" "$T/err" &&
	ok "... saying why: $(grep -m1 "^hullscan: oci:.*$U_MSG" "$T/err")" ||
	{ not_ok "--fail-on-eol reason"; diag "$(cat "$T/err")"; }
same "--fail-on-eol: os.eol.fails, JUnit failure EndOfLife" "True EndOfLife" \
    "$(json_query "$T/f.json" 'r["images"][0]["os"]["eol"]["fails"]') $(/usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
print(" ".join(f.get("type") for tc in ET.parse(sys.argv[1]).iter("testcase") if tc.get("name") == "end of life" for f in tc))' "$T/f.xml")"
expect_status "--fail-on-eol: Debian 12 the day before its date passes" 0 \
    env HULLSCAN_TODAY=$(date -u -d "$D_DATE - 1 day" +%F) "$HULLSCAN" scan -q --no-history \
    --db "$DB" --fail-on-eol "oci:$T/oci:deb12"
expect_status "--fail-on-eol: Debian 12 on its date fails" 1 \
    env HULLSCAN_TODAY="$D_DATE" "$HULLSCAN" scan -q --no-history --db "$DB" --fail-on-eol "oci:$T/oci:deb12"
grep -q "debian 12 reached end of $D_WHAT on $D_DATE: no more fixes" "$T/err" &&
	ok "... \"debian 12 reached end of $D_WHAT on $D_DATE\"" || { not_ok "debian message"; diag "$(cat "$T/err")"; }

# --- rescan recomputes it; db update takes eol.tsv from beside the feed list ----
expect_status "scan into a history" 0 "$HULLSCAN" scan -q --history "$T/h.db" --db "$DB" "oci:$T/oci:u1804"
expect_status "rescan --fail-on-eol: fails on the stored Ubuntu inventory" 1 \
    "$HULLSCAN" rescan --history "$T/h.db" --db "$DB" --fail-on-eol --json "$T/re.json"
same "rescan: os.eol as the scan had it" "$U_DATE True" \
    "$(json_query "$T/re.json" '"%s %s" % (r["images"][0]["os"]["eol"]["date"], r["images"][0]["os"]["eol"]["fails"])')"
mkdir -p "$T/conf"
cp "$EOL" "$T/conf/eol.tsv"
cp "$FIXTURES/feeds/alpine-secdb/json/v3.10/main.json" "$T/main.json"
printf 'alpine-v3.10-main alpine-secdb file://%s/main.json\n' "$T" >"$T/conf/feeds.conf"
expect_status "db update: the feed list and the eol.tsv beside it" 0 \
    "$HULLSCAN" db update --db "$T/up.db" --feeds "$T/conf/feeds.conf"
same "db update: the eol feed, from the table's file" "eol	file://$T/conf/eol.tsv	$ROWS" \
    "$("$HULLSCAN" db status --db "$T/up.db" | grep '^eol' | cut -f1-3)"
expect_status "db update again" 0 "$HULLSCAN" db update --db "$T/up.db" --feeds "$T/conf/feeds.conf"
grep -q "^hullscan: eol: file, .*, unchanged" "$T/err" && ok "again: eol unchanged" ||
	{ not_ok "eol unchanged"; diag "$(cat "$T/err")"; }
printf 'alpine:v3.10\t2099-01-01\tsupport\n' >>"$T/conf/eol.tsv"
"$HULLSCAN" db update -q --db "$T/up.db" --feeds "$T/conf/feeds.conf" 2>/dev/null || true
alpine_old "$T/aoci"
expect_status "a later row for the same release wins (alpine:v3.10 moved to 2099)" 0 \
    "$HULLSCAN" scan --no-history --db "$T/up.db" --fail-on-eol --json "$T/a.json" "oci:$T/aoci:1"
same "alpine 3.10 against the edited table: 2099-01-01, not reached" "2099-01-01 False" \
    "$(json_query "$T/a.json" '"%s %s" % (r["images"][0]["os"]["eol"]["date"], r["images"][0]["os"]["eol"]["reached"])')"

# --- bad tables: one line naming the file and line, exit 2 ------------------------
bad() {
	printf '# hullscan end-of-life table\n%b' "$2" >"$T/bad.tsv"
	set +e
	"$HULLSCAN" db import --db "$T/bad.db" "$T/bad.tsv" >/dev/null 2>"$T/err"
	local st=$?
	set -e
	if [ $st -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "bad.tsv: line 2: .*$3" "$T/err"
	then ok "bad table: $1: $(cat "$T/err")"; else not_ok "bad table: $1 (exit $st)"; diag "$(cat "$T/err")"; fi
}
bad "a date that is not one" 'ubuntu:18.04\t2023-13-01\tstandard support\n' "not a YYYY-MM-DD date"
bad "no date" 'ubuntu:18.04\n' "not a YYYY-MM-DD date"
bad "not a release" 'ubuntu 18.04\t2023-05-31\n' "not a release"
bad "too many words" "ubuntu:18.04\t2023-05-31\t$(printf 'x%.0s' $(seq 100))\n" "more than a few words"

done_testing
