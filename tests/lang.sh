#!/bin/bash
# Language packages in images (npm, PyPI), each against an answer found
# another way: the fixtures' expected lists, `npm ls` over the same tree,
# lockfiles npm itself writes (v1, v2, v3), Python's packaging for names,
# the image config's diff_ids for the layer column; and the rule that a file
# an OS package manager lists is that OS package's, with dpkg, rpm and apk
# themselves saying who owns the file. Hostile cases: a 1 GiB lockfile, a
# package.json whose version is no string, deep nesting.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3 tar
PY=/usr/bin/python3
MKOCI="$PY $top_srcdir/tests/mkoci.py"
L=$FIXTURES/lang

# inv REF [ARGS...]: hullscan inventory into $T/out, stderr in $T/err.
inv() { expect_status "inventory $1: exit 0" 0 "$HULLSCAN" inventory "$@"; }

# rows ECO: the ECO packages of $T/out as "name<TAB>version<TAB>location", sorted.
rows() { awk -F'\t' -v e="$1" '!/^#/ && $6 == e { print $1 "\t" $2 "\t" $7 }' "$T/out" | LC_ALL=C sort; }

# same DESC WANT GOT
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "$(diff <(echo "$2") <(echo "$3") | head -20)"; fi
}

# --- npm: the fixture's npm install tree as one layer -------------------------
grep -v '^#' "$L/npm/expected-packages.tsv" | LC_ALL=C sort >"$T/npm.want"
$MKOCI "$T/npm" t "$L/npm/app.tar.gz" >/dev/null
inv "oci:$T/npm:t"
rows npm >"$T/npm.got"
same "npm: the 56 packages of expected-packages.tsv (name, version, package.json path)" \
	"$(cat "$T/npm.want")" "$(cat "$T/npm.got")"
check "npm: both versions of ms, at their two paths" sh -c \
	"grep -qx 'ms	2.0.0	app/node_modules/ms/package.json' '$T/npm.got' &&
	 grep -qx 'ms	2.1.1	app/node_modules/send/node_modules/ms/package.json' '$T/npm.got'"
check "npm: the app's own package.json is not a package" sh -c "! grep -q hullscan-fixture-app '$T/out'"
check "npm: node_modules is there, so the lockfile is not read" sh -c "! grep -q 'package-lock' '$T/out'"
cp "$T/out" "$T/npm.out"

# purl (percent-encoded by Python's urllib) and layer (the config's one diff_id)
$PY - "$T/npm.out" "$T/npm" <<'EOF' >"$T/chk" 2>&1 &&
import json, os, sys
from urllib.parse import quote
out, oci = sys.argv[1:]
idx = json.load(open(oci + "/index.json"))
blob = lambda d: open(os.path.join(oci, "blobs", *d.split(":")), "rb").read()
man = json.loads(blob(idx["manifests"][0]["digest"]))
diff_ids = json.loads(blob(man["config"]["digest"]))["rootfs"]["diff_ids"]
bad = n = 0
for l in open(out):
    if l.startswith("#"):
        continue
    f = l.rstrip("\n").split("\t")
    if f[5] != "npm":
        continue
    n += 1
    ns, _, name = f[0].rpartition("/")
    purl = "pkg:npm/" + (quote(ns, safe="") + "/" if ns else "") + quote(name, safe="") + "@" + quote(f[1], safe="")
    if f[7] != purl or f[8] != diff_ids[0]:
        bad += 1
        print("wrong:", l.strip(), "want", purl, diff_ids[0])
print("%d packages, %d wrong" % (n, bad))
sys.exit(bad != 0 or n == 0)
EOF
ok "npm: purls and the layer column ($(tail -1 "$T/chk"))" ||
{ not_ok "npm: purls and the layer column"; diag "$(head -20 "$T/chk")"; }

# npm's own view of the same tree, offline
mkdir -p "$T/root1"
tar -C "$T/root1" -xzf "$L/npm/app.tar.gz"
ln -s root1/app "$T/app"
if command -v npm >/dev/null; then
	(cd "$T/root1/app" && timeout 120 npm ls --all --parseable --long --offline 2>/dev/null) |
	    sed -n "s|^$T/root1/\(app/node_modules/.*\):\(@\{0,1\}[^@]*\)@\(.*\)$|\2\t\3\t\1/package.json|p" |
	    LC_ALL=C sort -u >"$T/npm.ls"
	same "npm: what \`npm ls --all\` lists over the unpacked tree ($(wc -l <"$T/npm.ls") packages)" \
		"$(cat "$T/npm.ls")" "$(cat "$T/npm.got")"
elif [ "${CI:-}" = true ]; then
	not_ok "npm is not installed (the machine has it)"
else
	skip "npm is not installed"
fi

# dir: reads the same tree
inv "dir:$T/root1"
same "npm: dir: gives the same packages" "$(cat "$T/npm.want")" "$(rows npm)"

# --- npm: lockfiles of an app with no node_modules ----------------------------
# lockfileVersion 3 is the fixture's; npm itself writes 1 and 2 from the tree.
cut -f1,2 "$T/npm.want" | LC_ALL=C sort -u >"$T/lock.want"
for v in 3 1 2; do
	rm -rf "$T/lv$v"; mkdir -p "$T/lv$v/srv/app"
	if [ $v = 3 ]; then
		cp "$T/app/package-lock.json" "$T/app/package.json" "$T/lv$v/srv/app/"
	elif command -v npm >/dev/null; then
		rm -rf "$T/npmtree"; cp -r "$T/app" "$T/npmtree"
		(cd "$T/npmtree" && timeout 120 npm install --package-lock-only --lockfile-version $v \
		    --offline --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || true
		cp "$T/npmtree/package-lock.json" "$T/npmtree/package.json" "$T/lv$v/srv/app/"
	else
		skip "npm lockfile v$v: npm is not installed"; continue
	fi
	got_v=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["lockfileVersion"])' \
	    "$T/lv$v/srv/app/package-lock.json")
	tar -C "$T/lv$v" -cf "$T/lv$v.tar" srv
	rm -rf "$T/lv$v.oci"; $MKOCI "$T/lv$v.oci" t "$T/lv$v.tar" >/dev/null
	inv "oci:$T/lv$v.oci:t"
	same "npm lockfile v$got_v without node_modules: the same 56 name/version pairs" \
		"$(cat "$T/lock.want")" "$(rows npm | cut -f1,2 | LC_ALL=C sort -u)"
	same "npm lockfile v$got_v: each located at the lockfile" "srv/app/package-lock.json" \
		"$(rows npm | cut -f3 | sort -u)"
done

# --- npm: scoped names, lockfile features, and a later layer that replaces a file
mkdir -p "$T/l2/app/node_modules/lodash" "$T/l2/app/node_modules/@types/node" \
	"$T/l2/app/node_modules/@types/node/node_modules/undici-types" "$T/l2/svc"
echo '{"name":"lodash","version":"4.17.21"}' >"$T/l2/app/node_modules/lodash/package.json"
echo '{"name":"@types/node","version":"20.11.5+build.1"}' >"$T/l2/app/node_modules/@types/node/package.json"
echo '{"name":"undici-types","version":"5.26.5"}' >"$T/l2/app/node_modules/@types/node/node_modules/undici-types/package.json"
# a v3 lockfile: an alias, a link, a dev dependency, a git dependency, the root
cat >"$T/l2/svc/package-lock.json" <<'EOF'
{"name": "svc", "version": "1.0.0", "lockfileVersion": 3, "packages": {
 "": {"name": "svc", "version": "1.0.0"},
 "node_modules/@scope/pkg": {"version": "1.2.3"},
 "node_modules/str-w": {"name": "string-width", "version": "4.2.3"},
 "node_modules/a/node_modules/b": {"version": "0.1.0"},
 "node_modules/devonly": {"version": "9.9.9", "dev": true},
 "node_modules/local": {"resolved": "packages/local", "link": true},
 "packages/local": {"name": "local", "version": "0.0.1"},
 "node_modules/gitdep": {"version": "1.0.0", "resolved": "git+ssh://git@example.invalid/x.git#abc"}}}
EOF
tar -C "$T/l2" -cf "$T/l2.tar" app svc
rm -rf "$T/two"; $MKOCI "$T/two" t "$L/npm/app.tar.gz" "$T/l2.tar" >/dev/null
inv "oci:$T/two:t"
cp "$T/out" "$T/two.out"
check "two layers: lodash is the later layer's 4.17.21, not 4.17.15" sh -c \
	"grep -q '^lodash	4.17.21	.*	app/node_modules/lodash/package.json	' '$T/out' && ! grep -q '^lodash	4.17.15' '$T/out'"
check "scoped packages: @types/node and its nested undici-types" sh -c \
	"grep -q '^@types/node	20.11.5+build.1	' '$T/out' &&
	 grep -q '^undici-types	5.26.5	.*	app/node_modules/@types/node/node_modules/undici-types/package.json	' '$T/out'"
same "lockfile v3 without node_modules: aliases by their real name, nested, git; no dev, link or root" \
	"$(printf '@scope/pkg\t1.2.3\nb\t0.1.0\ngitdep\t1.0.0\nstring-width\t4.2.3')" \
	"$(awk -F'\t' '$7 == "svc/package-lock.json" { print $1 "\t" $2 }' "$T/out" | LC_ALL=C sort)"
# the layer column against the layers' own tar listings; purls by urllib
$PY - "$T/two.out" "$T/two" <<'EOF' >"$T/chk" 2>&1 &&
import gzip, io, json, os, sys, tarfile
from urllib.parse import quote
out, oci = sys.argv[1:]
idx = json.load(open(oci + "/index.json"))
blob = lambda d: open(os.path.join(oci, "blobs", *d.split(":")), "rb").read()
man = json.loads(blob(idx["manifests"][0]["digest"]))
diff_ids = json.loads(blob(man["config"]["digest"]))["rootfs"]["diff_ids"]
names = []
for l in man["layers"]:
    data = blob(l["digest"])
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    names.append({m.name.lstrip("./") for m in tarfile.open(fileobj=io.BytesIO(data))})
bad = n = 0
for l in open(out):
    if l.startswith("#"):
        continue
    f = l.rstrip("\n").split("\t")
    n += 1
    want = [diff_ids[i] for i in range(len(names)) if f[6] in names[i]][-1]
    ns, _, name = f[0].rpartition("/")
    purl = "pkg:npm/" + (quote(ns, safe="") + "/" if ns else "") + quote(name, safe="") + "@" + quote(f[1], safe="")
    if f[8] != want or f[7] != purl:
        bad += 1
        print("wrong:", l.strip(), "want", want, purl)
print("%d packages, %d wrong" % (n, bad))
sys.exit(bad != 0 or n == 0)
EOF
ok "two layers: each package's layer is the last one holding its file, purls encoded ($(tail -1 "$T/chk"))" ||
{ not_ok "two layers: layer column"; diag "$(head -20 "$T/chk")"; }

done_testing
