#!/bin/bash
# Which image a build is compared with: two tags of one repository in one
# list, a retag, an image dropped from the list, keys given in the list,
# --baseline, and shards merged. The images are Alpine 3.10.3's root
# filesystem with a layer that rewrites lib/apk/db/installed (content A:
# openssl 1.1.1c-r0; content B: busybox 1.29.3-r9 and musl 1.1.22-r2),
# matched against the real secdb v3.10. The answer for every diff is
# computed by a second route: each content scanned alone without a history,
# and the expected new and fixed lists taken as set differences of those
# findings (by id and package) in Python.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3

SECDB=$FIXTURES/feeds/alpine-secdb/json/v3.10/main.json
ROOTFS=$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz
MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"
DB=$T/vuln.db
unset JOB_NAME BUILD_NUMBER BUILD_URL || true

"$HULLSCAN" db import --db "$DB" "$SECDB" >/dev/null 2>&1 || { not_ok "db import"; done_testing; exit 1; }

# content NAME SED...: a layer tar rewriting the installed db with sed.
content() {
	local name=$1
	shift
	mkdir -p "$T/layer-$name/lib/apk/db"
	tar -xzOf "$ROOTFS" ./lib/apk/db/installed | sed "$@" \
	    >"$T/layer-$name/lib/apk/db/installed"
	tar -C "$T/layer-$name" -cf "$T/layer-$name.tar" lib
}
content A -e '/^P:libcrypto1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1c-r0/' \
    -e '/^P:libssl1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1c-r0/'
content B -e '/^P:busybox$/,/^$/s/^V:1.30.1-r2$/V:1.29.3-r9/' \
    -e '/^P:ssl_client$/,/^$/s/^V:1.30.1-r2$/V:1.29.3-r9/' \
    -e '/^P:musl$/,/^$/s/^V:1.1.22-r3$/V:1.1.22-r2/' \
    -e '/^P:musl-utils$/,/^$/s/^V:1.1.22-r3$/V:1.1.22-r2/'
# (A is 3 CVEs fixed in 1.1.1d-r0 in two binaries; B is busybox's 2 fixed in
# 1.29.3-r10 and 1 in 1.30.1-r2 in two binaries: 6 each; no id is in both.)
# tag LAYOUT TAG CONTENT: (re)tag LAYOUT:TAG to that content.
tag() { $MKOCI "$T/$1" "$2" "$ROOTFS" "$T/layer-$3.tar" >/dev/null; }

# The second route: each content's findings alone.
tag solo A A
tag solo B B
for c in A B; do
	"$HULLSCAN" scan -q --no-history --db "$DB" --json "$T/solo-$c.json" "oci:$T/solo:$c"
done
check "content A and B have findings, none in common" /usr/bin/python3 -c "
import json
a = json.load(open('$T/solo-A.json'))['images'][0]['findings']
b = json.load(open('$T/solo-B.json'))['images'][0]['findings']
assert len(a) >= 4 and len(b) >= 4 and not {(f['id'], f['package']) for f in a} & {(f['id'], f['package']) for f in b}, (len(a), len(b))"
NA=$(/usr/bin/python3 -c "import json; print(len(json.load(open('$T/solo-A.json'))['images'][0]['findings']))")
NB=$(/usr/bin/python3 -c "import json; print(len(json.load(open('$T/solo-B.json'))['images'][0]['findings']))")

# expect REPORT REF OLD NEW [HAS_PREVIOUS]: the image REF of the JSON report
# has as new what content NEW has and OLD had not, as fixed the reverse
# (OLD "-": a first scan, everything new and nothing fixed).
cat >"$T/expect.py" <<'PY'
import json, sys
report, ref, old, new = sys.argv[1:5]
T = sys.argv[5]
def ids(c):
    if c == "-":
        return set()
    return {(f["id"], f["package"]) for f in json.load(open("%s/solo-%s.json" % (T, c)))["images"][0]["findings"]}
imgs = [i for i in json.load(open(report))["images"] if i["reference"] == ref]
assert len(imgs) == 1, "%s: %d images" % (ref, len(imgs))
d = imgs[0]["diff"]
got_new = {(f["id"], f["package"]) for f in d["new"]}
got_fixed = {(f["id"], f["package"]) for f in d["fixed"]}
want_new, want_fixed = ids(new) - ids(old), ids(old) - ids(new)
assert got_new == want_new, ("new", sorted(got_new), sorted(want_new))
assert got_fixed == want_fixed, ("fixed", sorted(got_fixed), sorted(want_fixed))
assert d["has_previous"] == (old != "-"), d["has_previous"]
print(len(got_new), "new", len(got_fixed), "fixed")
PY
expect() {
	local desc=$1 out
	shift
	if out=$(/usr/bin/python3 "$T/expect.py" "$@" "$T" 2>&1); then ok "$desc ($out)"; else
		not_ok "$desc"; diag "$out"; fi
}
scan() { "$HULLSCAN" scan --db "$DB" --history "$T/h.db" "$@"; }

# --- two tags of one repository in one list ------------------------------------
tag multi a A
tag multi b B
M=oci:$T/multi
printf '%s\n' "$M:a" "$M:b" >"$T/list"
expect_status "build 1: multi:a (A), multi:b (B)" 0 scan --job main --json "$T/b1.json" --images "$T/list"
check "a warning says two images of one name are keyed by name and tag" \
	grep -q "warning: 2 images of $M in this build ($M:a, $M:b): each is compared with earlier builds by name and tag" "$T/err"
check "the JSON report gives each its key" /usr/bin/python3 -c "
import json
r = json.load(open('$T/b1.json'))
assert [i['key'] for i in r['images']] == ['$M:a', '$M:b'], [i['key'] for i in r['images']]"
expect "build 1: multi:a is a first scan" "$T/b1.json" "$M:a" - A
expect "build 1: multi:b is a first scan" "$T/b1.json" "$M:b" - B

expect_status "build 2: the same list again, --fail-on-new unknown passes" 0 \
	scan --job main --json "$T/b2.json" --images "$T/list" --fail-on-new unknown
expect "build 2: multi:a unchanged, 0 new, 0 fixed" "$T/b2.json" "$M:a" A A
expect "build 2: multi:b unchanged, 0 new, 0 fixed" "$T/b2.json" "$M:b" B B

# The issue's case: a retagged to new content; b unchanged.
tag multi a B
expect_status "build 3: multi:a retagged to B, --fail-on-new unknown fails" 1 \
	scan --job main --json "$T/b3.json" --images "$T/list" --fail-on-new unknown
expect "build 3: multi:a compared with its own last scan" "$T/b3.json" "$M:a" A B
expect "build 3: multi:b, 0 new, 0 fixed" "$T/b3.json" "$M:b" B B
check "build 3: every policy reason names multi:a" sh -c "
	grep -q '^hullscan: $M:a: ' '$T/err' && ! grep -q '^hullscan: $M:b: ' '$T/err'"

# An image dropped from the list: nothing of it is "fixed".
echo "$M:a" >"$T/list-a"
expect_status "build 4: only multi:a" 0 scan --job main --json "$T/b4.json" --images "$T/list-a"
expect "build 4: multi:a, alone, still meets its predecessor" "$T/b4.json" "$M:a" B B
check "build 4: one image, keyed by its name again, no fixed at all" /usr/bin/python3 -c "
import json
r = json.load(open('$T/b4.json'))
assert [i['key'] for i in r['images']] == ['$M'], r['images'][0]['key']
assert sum(len(i['diff']['fixed']) for i in r['images']) == 0"
expect_status "build 5: both again" 0 scan --job main --json "$T/b5.json" --images "$T/list"
expect "build 5: multi:a against build 4's" "$T/b5.json" "$M:a" B B
expect "build 5: multi:b against its last scan (build 3)" "$T/b5.json" "$M:b" B B
"$HULLSCAN" history diff --history "$T/h.db" --job main >"$T/out" 2>&1
check "history diff: build 5 against 4, per image" sh -c "
	grep -q '^$M:a: 0 new, 0 fixed, $NB still open\$' '$T/out' &&
	grep -q '^$M:b: 0 new, 0 fixed, $NB still open\$' '$T/out'"

# --- --baseline ------------------------------------------------------------
expect_status "build 6 --baseline 1" 0 scan --job main --json "$T/b6.json" --baseline 1 --images "$T/list"
expect "--baseline 1: multi:a against build 1's (A)" "$T/b6.json" "$M:a" A B
expect "--baseline 1: multi:b against build 1's" "$T/b6.json" "$M:b" B B
check "--baseline 1: the report says build 1" /usr/bin/python3 -c "
import json; assert json.load(open('$T/b6.json'))['build']['previous'] == '1'"
"$HULLSCAN" history list --history "$T/h.db" --job main --format csv >"$T/before" 2>/dev/null
expect_status "--baseline 99 (no such build): exit 2" 2 scan --job main --baseline 99 --images "$T/list"
check "the error names the build; nothing recorded" sh -c "
	grep -q 'no build 99 of job main' '$T/err' &&
	\"$HULLSCAN\" history list --history '$T/h.db' --job main --format csv | cmp -s - '$T/before'"
expect_status "history diff --baseline 1 4" 0 "$HULLSCAN" history diff --history "$T/h.db" \
	--job main --format json --baseline 1 4
check "history diff --baseline 1 4: multi:a A→B; multi:b (not in 4) absent" /usr/bin/python3 -c "
import json
d = json.load(open('$T/out'))
assert d['build'] == '4' and d['against'] == '1', d
assert [i['reference'] for i in d['images']] == ['$M:a']
assert d['counts'] == {'new': $NB, 'fixed': $NA, 'still_open': 0}, d['counts']"
expect_status "history diff 1 4 (the old spelling) agrees" 0 "$HULLSCAN" history diff \
	--history "$T/h.db" --job main --format json 1 4
check "same counts" /usr/bin/python3 -c "
import json; d = json.load(open('$T/out')); assert d['counts'] == {'new': $NB, 'fixed': $NA, 'still_open': 0}, d['counts']"

# --- a retag of a single image is compared, as app:41 -> app:42 -------------------
tag app 41 A
tag app 42 B
expect_status "retag: app:41" 0 scan --job retag --json "$T/r1.json" "oci:$T/app:41"
expect_status "retag: app:42" 0 scan --job retag --json "$T/r2.json" "oci:$T/app:42"
expect "app:42 is compared with app:41" "$T/r2.json" "oci:$T/app:42" A B

# --- keys given in the list ---------------------------------------------------------
printf '%s\n' "# KEY=REF" "web=oci:$T/app:41" "api=oci:$T/app:42" >"$T/keyed"
expect_status "keys: web=app:41, api=app:42" 0 scan --job keyed --json "$T/k1.json" --images "$T/keyed"
check "no several-images warning: keys were given" sh -c "! grep -q 'images of' '$T/err'"
expect "keys: web is a first scan" "$T/k1.json" "oci:$T/app:41" - A
printf '%s\n' "web=oci:$T/app:42" "api=oci:$T/app:41" >"$T/keyed"
expect_status "keys swapped: web=app:42, api=app:41" 0 scan --job keyed --json "$T/k2.json" --images "$T/keyed"
expect "web follows its key: A to B" "$T/k2.json" "oci:$T/app:42" A B
expect "api follows its key: B to A" "$T/k2.json" "oci:$T/app:41" B A
check "the keys are in the report" /usr/bin/python3 -c "
import json
assert [i['key'] for i in json.load(open('$T/k2.json'))['images']] == ['web', 'api']"
expect_status "a key given twice: exit 2" 2 scan --job keyed "web=oci:$T/app:41" "web=oci:$T/app:42"
check "the error names the key and both images" grep -q "argument: key web is already given to oci:$T/app:41" "$T/err"
printf '%s\n' "web=oci:$T/app:41" "" "web=oci:$T/app:42" >"$T/dup"
expect_status "a key given twice in a list: exit 2" 2 scan --job keyed --images "$T/dup"
check "the error names the lines" grep -q "dup: line 3: key web is already given to oci:$T/app:41 (.*dup: line 1)" "$T/err"
expect_status "an empty key: exit 2" 2 scan --job keyed "=oci:$T/app:41"
check "the error says so" grep -q "argument: =oci:$T/app:41: empty key before '='" "$T/err"

# --- shards merged ---------------------------------------------------------------
tag multi a A
printf '%s\n' "$M:a" "$M:b" "oci:$T/app:41" >"$T/list3"
shard_build() {
	local b=$1 k
	rm -f "$T/s1.db" "$T/s2.db"
	for k in 1 2; do
		"$HULLSCAN" scan -q --db "$DB" --history "$T/s$k.db" --job nightly --build "$b" \
		    --shard "$k/2" --images "$T/list3" || return 1
	done
	"$HULLSCAN" history merge --history "$T/m.db" --json "$T/m$b.json" "$T/s1.db" "$T/s2.db" 2>"$T/merge-err"
}
check "shards, build 1: scanned and merged" shard_build 1
check "merge keys the two multi images by tag, the third by name" /usr/bin/python3 -c "
import json
r = json.load(open('$T/m1.json'))
assert sorted(i['key'] for i in r['images']) == sorted(['$M:a', '$M:b', 'oci:$T/app']), [i['key'] for i in r['images']]"
check "shards, build 2: the same" shard_build 2
expect "merged build 2: multi:a, 0 new, 0 fixed" "$T/m2.json" "$M:a" A A
expect "merged build 2: multi:b, 0 new, 0 fixed" "$T/m2.json" "$M:b" B B
expect "merged build 2: app:41, 0 new, 0 fixed" "$T/m2.json" "oci:$T/app:41" A A
tag multi a B
check "shards, build 3: multi:a retagged to B" shard_build 3
expect "merged build 3: multi:a A to B" "$T/m3.json" "$M:a" A B
expect "merged build 3: multi:b unchanged" "$T/m3.json" "$M:b" B B

done_testing
