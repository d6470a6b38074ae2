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


# --- PyPI: Debian's requests egg-info directory and pip's dist-info -----------
PYDIST=usr/lib/python3/dist-packages
grep -v '^#' "$L/python/expected.tsv" | cut -f1-3 | LC_ALL=C sort >"$T/py.want"
tar -C "$L/python" -cf "$T/py.tar" usr
rm -rf "$T/py"; $MKOCI "$T/py" t "$T/py.tar" >/dev/null
inv "oci:$T/py:t"
same "pypi: expected.tsv's requests and pip (name, version, metadata file)" \
	"$(cat "$T/py.want")" "$(rows pypi)"

# Names as written; purls by packaging's canonicalize_name (PEP 503); the
# other forms: an egg-info file, an egg's EGG-INFO, CRLF headers, continuation lines.
mkdir -p "$T/py2/$PYDIST" "$T/py2/opt/eggs/Zope.Interface-5.0-py3.11.egg/EGG-INFO" \
	"$T/py2/srv/venv/lib/python3.11/site-packages/Foo__Bar-2.0rc1.dist-info"
printf 'Metadata-Version: 1.1\nName: PyYAML\nVersion: 5.3.1\nSummary: YAML\n  parser\n' \
	>"$T/py2/$PYDIST/PyYAML-5.3.1.egg-info"
printf 'Metadata-Version: 1.0\nName: Zope.Interface\nVersion: 5.0\n' \
	>"$T/py2/opt/eggs/Zope.Interface-5.0-py3.11.egg/EGG-INFO/PKG-INFO"
printf 'Metadata-Version: 2.1\r\nname: Foo__Bar\r\nversion: 2.0rc1\r\nDescription-Content-Type: text/plain\r\n\r\nName: not-this\r\n' \
	>"$T/py2/srv/venv/lib/python3.11/site-packages/Foo__Bar-2.0rc1.dist-info/METADATA"
inv "dir:$T/py2"
$PY - "$T/out" "$T/py2" <<'PYEOF' >"$T/chk" 2>&1 &&
import os, sys
from email.parser import HeaderParser
from urllib.parse import quote
from packaging.utils import canonicalize_name
out, root = sys.argv[1:]
want = set()
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        if f == "METADATA" and d.endswith(".dist-info") or f == "PKG-INFO" or f.endswith(".egg-info"):
            h = HeaderParser().parse(open(p, newline=""))
            name, ver = h["Name"].strip(), h["Version"].strip()
            want.add((name, ver, os.path.relpath(p, root),
                      "pkg:pypi/%s@%s" % (quote(canonicalize_name(name), safe=""), quote(ver, safe=""))))
got = set()
for l in open(out):
    f = l.rstrip("\n").split("\t")
    if not l.startswith("#") and f[5] == "pypi":
        got.add((f[0], f[1], f[6], f[7]))
for r in sorted(want - got): print("missing:", r)
for r in sorted(got - want): print("unexpected:", r)
print("%d expected, %d read" % (len(want), len(got)))
sys.exit(want != got or len(want) != 3)
PYEOF
ok "pypi: egg-info file, EGG-INFO, CRLF dist-info; purls by packaging's canonicalize_name ($(tail -1 "$T/chk"))" ||
{ not_ok "pypi: other metadata forms"; diag "$(cat "$T/chk")"; }

# --- OS-owned files are the OS package's, not language packages ---------------
# owned_check ROOT TOOL: each metadata file under ROOT is expected as a pypi
# package exactly when TOOL (dpkg, rpm, apk, md5sums) says no OS package owns
# it; $T/out is hullscan's inventory of the image.
owned_check() {
	$PY - "$T/out" "$1" "$2" <<'PYEOF'
import os, subprocess, sys
from email.parser import HeaderParser
out, root, tool = sys.argv[1:]
def owned(rel):
    p = "/" + rel
    if tool == "dpkg":
        return subprocess.run(["dpkg-query", "--admindir", root + "/var/lib/dpkg", "-S", p],
                              capture_output=True).returncode == 0
    if tool == "rpm":
        return subprocess.run(["rpm", "--dbpath", root + "/var/lib/rpm", "--define", "_db_backend sqlite",
                               "-qf", p], capture_output=True).returncode == 0
    if tool == "apk":
        r = subprocess.run(["chroot", root, "/sbin/apk", "info", "--who-owns", p], capture_output=True, text=True)
        return r.returncode == 0 and "owned by" in r.stdout
    if tool == "md5sums":
        d = root + "/var/lib/dpkg/status.d"
        return any(l.split(None, 1)[1].strip() == rel for f in os.listdir(d) if f.endswith(".md5sums")
                   for l in open(os.path.join(d, f)))
want, owned_n = set(), 0
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        rel = os.path.relpath(p, root)
        if f == "METADATA" and d.endswith(".dist-info") or f == "PKG-INFO" and d.endswith(".egg-info"):
            if owned(rel):
                owned_n += 1
                continue
            h = HeaderParser().parse(open(p, errors="replace"))
            want.add((h["Name"], h["Version"], rel))
got = {tuple(l.split("\t")[i] for i in (0, 1, 6)) for l in open(out)
       if not l.startswith("#") and l.split("\t")[5] == "pypi"}
for r in sorted(want - got): print("missing:", r)
for r in sorted(got - want): print("unexpected:", r)
print("%d metadata files owned by %s, %d pypi packages expected, %d read" % (owned_n, tool, len(want), len(got)))
sys.exit(want != got or owned_n == 0)
PYEOF
}

# dpkg: Debian's python3-requests and python3-pip unpacked by dpkg itself (which
# writes their .list files): the real packages when apt can fetch them, else
# packages built here from the fixture's files.
R=$T/deb-root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/etc" "$T/debs"
: >"$R/var/lib/dpkg/status"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$R/etc/os-release"
if (cd "$T/debs" && timeout 120 apt-get download python3-requests python3-pip) >"$T/apt.log" 2>&1; then
	deb_from="Debian's own packages"
else
	deb_from="packages built from the fixture (apt-get download failed)"
	for p in requests:python3-requests:2.28.1+dfsg-1 pip:python3-pip:23.0.1+dfsg-1; do
		IFS=: read -r d n v <<<"$p"
		mkdir -p "$T/pkg-$n/DEBIAN" "$T/pkg-$n/$PYDIST"
		cp -r "$L/python/$PYDIST/$d-"* "$T/pkg-$n/$PYDIST/"
		printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' \
			"$n" "$v" >"$T/pkg-$n/DEBIAN/control"
		dpkg-deb -b "$T/pkg-$n" "$T/debs/$n.deb" >/dev/null
	done
fi
if dpkg --root="$R" --log="$T/dpkg-run.log" --force-depends --unpack "$T"/debs/*.deb >"$T/dpkg.log" 2>&1; then
	ok "dpkg --unpack into a root of its own ($deb_from)"
else
	not_ok "dpkg --unpack"; diag "$(cat "$T/apt.log" "$T/dpkg.log")"
fi
# A pip install on top: the same pip, in /usr/local, that no package lists.
mkdir -p "$R/usr/local/lib/python3.11/dist-packages"
cp -r "$L/python/$PYDIST/pip-23.0.1.dist-info" "$R/usr/local/lib/python3.11/dist-packages/"
tar -C "$R" -cf "$T/deb-root.tar" .
rm -rf "$T/deb"; $MKOCI "$T/deb" t "$T/deb-root.tar" >/dev/null
inv "oci:$T/deb:t"
if owned_check "$R" dpkg >"$T/chk" 2>&1; then
	ok "dpkg: pypi packages are the metadata files dpkg-query -S does not own ($(tail -1 "$T/chk"))"
else
	not_ok "dpkg-owned files"; diag "$(cat "$T/chk")"
fi
check "dpkg: python3-requests reported as the deb it is" grep -q '^python3-requests	.*	deb	' "$T/out"
check "dpkg: requests is not also a pypi package" sh -c "! grep -q '^requests	.*	pypi	' '$T/out'"

# Without python3-requests.list, its egg-info is nobody's: a pypi package again.
rm "$R/var/lib/dpkg/info/python3-requests.list"
inv "dir:$R"
if owned_check "$R" dpkg >"$T/chk" 2>&1 && grep -q '^requests	.*	pypi	' "$T/out"; then
	ok "dpkg: without the .list, requests is a pypi package ($(tail -1 "$T/chk"))"
else
	not_ok "dpkg: without the .list"; diag "$(cat "$T/chk")"
fi

# distroless: status.d/NAME and NAME.md5sums, no info/ (the md5sums dpkg wrote)
R2=$T/distroless
mkdir -p "$R2/var/lib/dpkg/status.d" "$R2/etc"
cp "$R/etc/os-release" "$R2/etc/"
cp -r "$R/usr" "$R2/"
$PY - "$R/var/lib/dpkg/status" "$R2/var/lib/dpkg/status.d" <<'PYEOF'
import sys
for st in open(sys.argv[1]).read().strip().split("\n\n"):
    name = st.split("\n", 1)[0].split(": ", 1)[1]
    open("%s/%s" % (sys.argv[2], name), "w").write(
        "\n".join(l for l in st.split("\n") if not l.startswith("Status:")) + "\n")
PYEOF
cp "$R/var/lib/dpkg/info/python3-requests.md5sums" "$R2/var/lib/dpkg/status.d/"
inv "dir:$R2"
if owned_check "$R2" md5sums >"$T/chk" 2>&1; then
	ok "distroless status.d md5sums: requests is python3-requests' ($(tail -1 "$T/chk"))"
else
	not_ok "distroless md5sums"; diag "$(cat "$T/chk")"
fi

# rpm: a package holding the egg-info, installed (--justdb) into an SQLite rpmdb
RR=$T/rpm-root
SP=usr/lib/python3.9/site-packages
mkdir -p "$T/top" "$RR/etc" "$RR/$SP" "$RR/usr/local/$SP"
printf 'ID="rhel"\nVERSION_ID="9.3"\n' >"$RR/etc/os-release"
cat >"$T/req.spec" <<SPEC
Name: python3-requests
Version: 2.28.1
Release: 1.el9
Summary: t
License: ASL 2.0
BuildArch: noarch
%description
t
%install
mkdir -p %{buildroot}/$SP
cp -r $L/python/$PYDIST/requests-2.28.1.egg-info %{buildroot}/$SP/
%files
/$SP/requests-2.28.1.egg-info
SPEC
if ! command -v rpmbuild >/dev/null; then
	skip "rpmbuild is not installed"
elif rpmbuild -bb --quiet --define "_topdir $T/top" "$T/req.spec" >"$T/rpmbuild.log" 2>&1 &&
    rpm --initdb --dbpath "$RR/var/lib/rpm" --define '_db_backend sqlite' &&
    rpm -i --justdb --nodeps --nosignature --dbpath "$RR/var/lib/rpm" \
	--define '_db_backend sqlite' "$T"/top/RPMS/noarch/*.rpm >>"$T/rpmbuild.log" 2>&1; then
	cp -r "$L/python/$PYDIST/requests-2.28.1.egg-info" "$RR/$SP/"
	cp -r "$L/python/$PYDIST/requests-2.28.1.egg-info" "$RR/usr/local/$SP/"
	inv "dir:$RR"
	if owned_check "$RR" rpm >"$T/chk" 2>&1; then
		ok "rpm: pypi packages are the metadata files rpm -qf does not own ($(tail -1 "$T/chk"))"
	else
		not_ok "rpm-owned files"; diag "$(cat "$T/chk")"
	fi
else
	not_ok "rpmbuild / rpm -i --justdb"; diag "$(tail -20 "$T/rpmbuild.log")"
fi

# The file lists pkg_rpmdb_files reads are rpm's own (rpm -qa FILENAMES).
for d in amazonlinux2023-plain-sqlite cbl-mariner-2.0-sqlite; do
	mkdir -p "$T/fx/$d"; cp "$FIXTURES/rpmdb/$d/rpmdb.sqlite" "$T/fx/$d/"
	rpm -qa --dbpath "$T/fx/$d" --define '_db_backend sqlite' --qf '[%{=NAME}\t%{FILENAMES}\n]' 2>/dev/null |
	    awk -F'\t' '$1 != "gpg-pubkey" && $2 != "(none)"' | LC_ALL=C sort >"$T/files.want"
	"$top_builddir/tests/rpmdb-dump" -f "$FIXTURES/rpmdb/$d/rpmdb.sqlite" | LC_ALL=C sort >"$T/files.got"
	if [ -s "$T/files.want" ] && cmp -s "$T/files.want" "$T/files.got"; then
		ok "rpmdb $d: the file lists rpm -qa prints ($(wc -l <"$T/files.got") files)"
	else
		not_ok "rpmdb $d: file lists"; diag "$(diff "$T/files.want" "$T/files.got" | head)"
	fi
done

# apk: Alpine 3.20's minirootfs with one more installed package whose F:/R:
# lines list a dist-info; Alpine's own apk (chroot) says who owns what.
A=$T/alpine
ASP=usr/lib/python3.12/site-packages
mkdir -p "$A"
tar -C "$A" -xzf "$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"
{
	echo "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA="; echo "P:py3-requests"; echo "V:2.31.0-r1"
	echo "A:noarch"; echo "S:1"; echo "I:1"; echo "T:t"; echo "U:t"; echo "L:Apache-2.0"
	echo "o:py3-requests"; echo "t:1"
	echo "F:$ASP/requests-2.31.0.dist-info"; echo "R:METADATA"; echo
} >>"$A/lib/apk/db/installed"
mkdir -p "$A/$ASP/requests-2.31.0.dist-info" "$A/opt/venv/$ASP/requests-2.31.0.dist-info"
printf 'Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n' >"$A/$ASP/requests-2.31.0.dist-info/METADATA"
cp "$A/$ASP/requests-2.31.0.dist-info/METADATA" "$A/opt/venv/$ASP/requests-2.31.0.dist-info/"
if [ "$(id -u)" -eq 0 ] && chroot "$A" /sbin/apk info --who-owns /sbin/apk >/dev/null 2>&1; then
	tar -C "$A" -cf "$T/alpine.tar" .
	rm -rf "$T/apk"; $MKOCI "$T/apk" t "$T/alpine.tar" >/dev/null
	inv "oci:$T/apk:t"
	if owned_check "$A" apk >"$T/chk" 2>&1; then
		ok "apk: pypi packages are the metadata files apk info --who-owns does not own ($(tail -1 "$T/chk"))"
	else
		not_ok "apk-owned files"; diag "$(cat "$T/chk")"
	fi
	check "apk: py3-requests reported as the apk it is" grep -q '^py3-requests	2.31.0-r1	.*	apk	' "$T/out"
else
	skip "apk-owned files: a chroot into the minirootfs needs root"
fi

# --- hostile: what cannot be read is a warning; the image's other packages stay
# one_warning WHAT: stderr is one "hullscan: warning: REF: ..." line naming WHAT.
one_warning() {
	[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^hullscan: warning: .*$1" "$T/err"
}
# A 1 GiB lockfile (sparse: no disk, and a tar of a few MiB) of an app with
# no node_modules, beside the fixture's app.
H=$T/huge
mkdir -p "$H/app2"
tar -C "$H" -xzf "$L/npm/app.tar.gz"
truncate -s 1G "$H/app2/package-lock.json"
start=$(date +%s)
inv "dir:$H"
same "a 1 GiB lockfile (dir:): the other app's 56 packages still listed" \
	"$(cat "$T/npm.want")" "$(rows npm)"
check "a 1 GiB lockfile (dir:): one warning naming it and its size" \
	one_warning "app2/package-lock.json: 1073741824 bytes, over the --max-file-size limit"
tar -C "$H" --sparse -cf "$T/huge.tar" app app2
rm -rf "$T/huge.oci"; $MKOCI "$T/huge.oci" t "$T/huge.tar" >/dev/null
inv "oci:$T/huge.oci:t"
same "a 1 GiB lockfile (layer of $(($(stat -c %s "$T/huge.tar") / 1024)) KiB): the 56 packages still listed" \
	"$(cat "$T/npm.want")" "$(rows npm)"
check "a 1 GiB lockfile (layer): one warning naming it" \
	one_warning "app2/package-lock.json: 1073741824 bytes, over the --max-file-size limit"
check "both read in under 20 s" test $(( $(date +%s) - start )) -lt 20
# The same streamed through gzip: a 3 MiB lockfile over --max-file-size 1.
rm -f "$H/app2/package-lock.json"
$PY -c 'import sys; sys.stdout.write("{\"lockfileVersion\": 3, \"packages\": {" + ",".join("\"node_modules/p%d\": {\"version\": \"1.0.%d\"}" % (i, i) for i in range(60000)) + "}}")' \
	>"$H/app2/package-lock.json"
tar -C "$H" -czf "$T/lock3.tar.gz" app app2
rm -rf "$T/lock3"; $MKOCI "$T/lock3" t "$T/lock3.tar.gz" >/dev/null
expect_status "a $(($(stat -c %s "$H/app2/package-lock.json") / 1048576)) MiB lockfile, scan --max-file-size 1: exit 0" 0 \
	"$HULLSCAN" scan --no-match --no-history --max-file-size 1 --json "$T/lock3.json" "oci:$T/lock3:t"
check "scan: one warning naming the lockfile" sh -c \
	"[ \$(grep -c '^hullscan: warning:' '$T/err') -eq 1 ] &&
	 grep -q 'warning: .*app2/package-lock.json: [0-9]* bytes, over the --max-file-size limit' '$T/err'"
check "scan: the JSON report has the warning and the 56 packages" $PY -c '
import json, sys
i = json.load(open(sys.argv[1]))["images"][0]
n = sum(1 for p in i["packages"] if p.get("ecosystem") == "npm")
sys.exit(not (n == 56 and any("package-lock.json" in w for w in i["warnings"])))' "$T/lock3.json"
# Under the default limit the same layer, cached by that scan, is read again:
# the lockfile's 60,000 packages. Then the cache holds it whole, and a
# smaller limit leaves it out again.
expect_status "the same lockfile under the default limit: exit 0" 0 "$HULLSCAN" inventory "oci:$T/lock3:t"
check "the 60,000 packages of the lockfile are listed" \
	test "$(awk -F'\t' '$7 == "app2/package-lock.json"' "$T/out" | wc -l)" -eq 60000
expect_status "scan --max-file-size 1 again, from the cache: exit 0" 0 \
	"$HULLSCAN" scan --no-match --no-history --max-file-size 1 --json "$T/lock3.json" "oci:$T/lock3:t"
check "the lockfile is left out again, with the warning" sh -c \
	"grep -q 'warning: .*app2/package-lock.json: [0-9]* bytes, over the --max-file-size limit' '$T/err' &&
	 grep -q '56 packages' '$T/err'"

# package.json files that are not what they should be; other packages still listed
B=$T/bad
mkdir -p "$B/app/node_modules/numver" "$B/app/node_modules/nover" "$B/app/node_modules/deep" \
	"$B/app/node_modules/notjson" "$B/app/node_modules/ctl" "$B/app/node_modules/fine" \
	"$B/$PYDIST/broken-1.0.dist-info"
echo '{"name":"numver","version":1.2}' >"$B/app/node_modules/numver/package.json"
echo '{"name":"nover"}' >"$B/app/node_modules/nover/package.json"
$PY -c 'print("{\"name\":\"deep\",\"version\":\"1.0.0\",\"x\":" + "[" * 100000 + "]" * 100000 + "}")' \
	>"$B/app/node_modules/deep/package.json"
echo 'not json' >"$B/app/node_modules/notjson/package.json"
printf '{"name":"ctl","version":"1.0\\n0"}' >"$B/app/node_modules/ctl/package.json"
echo '{"name":"fine","version":"1.0.0"}' >"$B/app/node_modules/fine/package.json"
printf 'Metadata-Version: 2.1\nSummary: no name\n' >"$B/$PYDIST/broken-1.0.dist-info/METADATA"
inv "dir:$B"
same "malformed package.json and METADATA: the good package is still listed" \
	"fine	1.0.0	app/node_modules/fine/package.json" "$(rows npm)"
check "one warning line, naming the first three files and counting the rest" sh -c \
	"[ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'ctl/package.json: \"version\" holds a blank or a control' '$T/err' &&
	 grep -q 'and 3 more files not read' '$T/err'"
diag "$(cat "$T/err")"
expect_status "the same with -v: every file named" 0 "$HULLSCAN" inventory -v "dir:$B"
for f in numver nover deep notjson ctl; do
	check "-v names app/node_modules/$f/package.json" grep -q "app/node_modules/$f/package.json: " "$T/err"
done
check "-v names the METADATA without a Name" grep -q "broken-1.0.dist-info/METADATA: no Name header" "$T/err"

# node_modules nested 150 deep (a layer: every level; dir: walks 64 directories deep)
$PY - "$T/nest.tar" <<'PYEOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    p = "app"
    for i in range(150):
        p += "/node_modules/n%d" % i
        d = b'{"name":"n%d","version":"1.0.%d"}' % (i, i)
        m = tarfile.TarInfo(p + "/package.json"); m.size = len(d); t.addfile(m, io.BytesIO(d))
PYEOF
rm -rf "$T/nest"; $MKOCI "$T/nest" t "$T/nest.tar" >/dev/null
start=$(date +%s)
inv "oci:$T/nest:t"
check "node_modules 150 deep in a layer: all 150 packages" test "$(rows npm | wc -l)" -eq 150
mkdir -p "$T/nestdir"; tar -C "$T/nestdir" -xf "$T/nest.tar"
inv "dir:$T/nestdir"
check "node_modules 150 deep in dir: the 31 within 64 directories, in bounded time" sh -c \
	"[ \$(awk -F'\t' '\$6 == \"npm\"' '$T/out' | wc -l) -eq 31 ] && [ $(( $(date +%s) - start )) -lt 30 ]"

# lockfile v1 "dependencies" nested 300 deep: a warning, other packages stay
$PY -c '
d = {"version": "1.0.0"}
for i in range(300):
    d = {"version": "1.0.0", "dependencies": {"n%d" % i: d}}
import json; print(json.dumps({"lockfileVersion": 1, "dependencies": {"top": d}}))' >"$T/deep-lock.json"
mkdir -p "$T/dl/svc" "$T/dl/app/node_modules/fine"
cp "$T/deep-lock.json" "$T/dl/svc/package-lock.json"
cp "$B/app/node_modules/fine/package.json" "$T/dl/app/node_modules/fine/"
inv "dir:$T/dl"
check "a v1 lockfile nested 300 deep: one warning, the other app's package listed" sh -c \
	"grep -q '^fine	1.0.0	' '$T/out' && grep -q 'svc/package-lock.json: \"dependencies\" nested more than 256 levels' '$T/err'"
done_testing
