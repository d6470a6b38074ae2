#!/bin/bash
# Fill a fuzz target's corpus dir with seeds: files from ../shared/fixtures
# (copied at run time, never into the repository) and tests/fuzz/seeds/.
# usage: seed.sh TARGET DIR   (FIXTURES, top_srcdir and FUZZ_BIN in the environment)
set -eu
target=$1 dir=$2
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FIXTURES:=$top_srcdir/../shared/fixtures}"
F=$FIXTURES
mkdir -p "$dir"

# copy FILE... : each small file as is, under a name made unique by its path.
copy() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(stat -c %s "$f")" -le 131072 ] || continue
		cp "$f" "$dir/$(echo "${f#"$F"/}" | tr '/' '_')"
	done
}
# prefix BYTE FILE... : each file behind one mode byte (the targets that read byte 0).
prefix() {
	_b=$1; shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		{ printf "\\$(printf '%03o' "$_b")"; head -c 131072 "$f"; } \
		    >"$dir/$_b-$(echo "${f#"$F"/}" | tr '/' '_')"
	done
}

case $target in
osrelease)	copy $(find "$F/os-release" -type f) ;;
dpkg)		copy $(find "$F/dpkg" -type f -name 'status*') $(find "$F/dpkg/syft-status.d" -type f) ;;
apk)		copy $(find "$F/apk" -type f ! -name '*.tsv') ;;
rpmdb)
	prefix 0 $(find "$F/rpmdb" -type f -name Packages)
	prefix 1 $(find "$F/rpmdb" -type f -name Packages.db)
	# Mode 3: single header blobs out of the SQLite databases.
	/usr/bin/python3 - "$dir" $(find "$F/rpmdb" -type f -name rpmdb.sqlite) <<'PY'
import sqlite3, sys
out = sys.argv[1]
for i, path in enumerate(sys.argv[2:]):
    db = sqlite3.connect("file:%s?mode=ro&immutable=1" % path, uri=True)
    for j, (blob,) in enumerate(db.execute("SELECT blob FROM Packages ORDER BY hnum LIMIT 12")):
        open("%s/3-hdr-%d-%d" % (out, i, j), "wb").write(b"\x03" + bytes(blob))
# Modes 4 and 5: a -wal as it is (a header, a frame) and frames for the harness.
hdr = bytes.fromhex("377f0683002de21800001000000000000000123400005678" + "00" * 8)
open("%s/4-wal-header" % out, "wb").write(b"\x04" + hdr + bytes(24 + 4096))
open("%s/5-frames" % out, "wb").write(b"\x05" + bytes(range(256)) * 2)
PY
	;;
version)
	/usr/bin/python3 - "$F/version" "$dir" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
n = 0
for name in sorted(os.listdir(src)):
    if not name.endswith(".tsv"):
        continue
    with open(os.path.join(src, name), encoding="utf-8", errors="replace") as f:
        for i, line in enumerate(f):
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2 or i % 7 != 0 or cols[0].startswith("#"):
                continue
            with open(os.path.join(out, "%s-%d" % (name, i)), "w") as o:
                o.write(cols[0] + "\n" + cols[1])
            n += 1
PY
	;;
sbom)
	copy "$top_srcdir"/tests/data/*.spdx.json
	printf '{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"name":"x"}},"components":[{"type":"operating-system","name":"debian","version":"12"},{"type":"library","name":"a","version":"1","purl":"pkg:deb/debian/a@1?arch=amd64&upstream=b%%402&distro=debian-12","components":[{"purl":"pkg:npm/%%40s/c@1.0.0"}]}]}' >"$dir/cdx-1"
	printf '{"spdxVersion":"SPDX-2.3","packages":[{"name":"alpine","versionInfo":"3.18.0","primaryPackagePurpose":"OPERATING_SYSTEM"},{"name":"musl","comment":"source package musl 1.2","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:apk/alpine/musl@1.2.4-r1?arch=x86_64"}]}]}' >"$dir/spdx-1" ;;
gem)
	prefix 0 $(find "$F/lang/ruby" -type f -name '*.gemspec')
	printf '\001GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.6.4)\n      x (~> 1.0)\n    n (1.1-x86_64-linux)\n\nPLATFORMS\n  ruby\n' >"$dir/lock-1" ;;
composer)
	prefix 0 $(find "$F/lang/php" -type f -name installed.json)
	prefix 1 $(find "$F/lang/php" -type f -name installed.json) ;;
dotnet)	prefix 0 $(find "$F/lang/dotnet" -type f -name '*.deps.json') ;;
layer)
	copy "$F"/images/claircore-whiteout-layers/*.layer
	for f in "$F"/images/claircore-whiteout-layers/*.layer; do
		gzip -c "$f" >"$dir/$(basename "$f").gz"
	done ;;
manifest)
	for b in 0 1 2; do
		prefix $b $(find "$F/images/trivy-oci-layouts" -type f \( -name index.json -o -path '*/blobs/*' \) -size -64k)
	done ;;
docker-archive)
	# The target writes seeds that match its fixed blobs.
	HULLSCAN_FUZZ_SEEDS=$dir "$FUZZ_BIN" -runs=0 "$dir" >/dev/null 2>&1 || true ;;
feed-debian)	copy "$F"/feeds/debian-tracker/* ;;
feed-secdb)	copy "$F"/feeds/alpine-secdb-excerpts/* $(find "$F/feeds/alpine-secdb" -type f) ;;
feed-osv)	copy "$F"/feeds/osv/*.json $(ls "$F"/feeds/ubuntu-osv-bionic/*.json | head -20) \
		"$F"/lang/osv/ghsa/*.json "$F"/lang/osv/pypa/*/*.yaml \
		$(ls "$F"/lang/osv/govulndb/*.json | head -40) $(ls "$F"/lang/osv/rustsec/crates/*.json | head -40)
	cp "$top_srcdir"/tests/fuzz/seeds/feed-osv/* "$dir/" ;;
feed-oval)	copy "$F"/feeds/ubuntu-oval/*.xml "$F"/feeds/redhat-oval/*.bz2 \
		    "$F"/feeds/azurelinux/vunnel-*.xml "$F"/feeds/oracle/*.xml \
		    "$F"/feeds/oracle/*.bz2 "$F"/feeds/oracle/vunnel-mock_* ;;
feed-bodhi)	copy "$F"/feeds/fedora/vunnel-merge-input/*.json "$F"/feeds/fedora/vunnel-input/*.json
	/usr/bin/python3 -c 'import json,sys,glob; json.dump({"updates": [json.load(open(f)) for f in sorted(glob.glob(sys.argv[1] + "/*.json"))]}, open(sys.argv[2], "w"))' \
	    "$F/feeds/fedora/vunnel-merge-input" "$dir/bodhi-page.json" ;;
feed-eol)	cp "$top_srcdir/data/eol.tsv" "$dir/eol.tsv" ;;
feed-photon)	copy "$F"/feeds/photon/*.json "$F"/feeds/photon/vunnel-input/*.json ;;
feed-updateinfo)
	for f in "$F"/feeds/amazon/*.xml.gz; do
		gzip -dc "$f" | head -c 131072 >"$dir/$(basename "$f" .gz)"
	done ;;
feed-csaf)	copy "$F"/feeds/redhat-csaf-vex/*.json "$F"/feeds/ubuntu-oval/*.json \
		    "$F"/feeds/suse/*.json
	# A tar of two documents, plain and bzip2'd (SUSE's csaf.tar.bz2).
	mkdir -p "$dir.tmp" && cp "$F"/feeds/suse/*.json "$dir.tmp/" &&
	    tar -C "$dir.tmp" -cf "$dir/suse-csaf.tar" . &&
	    tar -C "$dir.tmp" -cjf "$dir/suse-csaf.tar.bz2" . && rm -rf "$dir.tmp" ;;
ignore|auth)	cp "$top_srcdir/tests/fuzz/seeds/$target"/* "$dir/" ;;
npm)
	# The fixture's npm tree: each package.json (modes 0 and 2), the
	# lockfile (modes 1 and 3) and the same as v1/v2 shapes.
	_x=$(mktemp -d)
	tar -C "$_x" -xzf "$F/lang/npm/app.tar.gz"
	for m in 0 2; do prefix $m $(find "$_x/app/node_modules" -name package.json | head -30); done
	for m in 1 3; do prefix $m "$_x/app/package-lock.json"; done
	printf '\001{"lockfileVersion":1,"dependencies":{"a":{"version":"npm:b@1.0.0","dependencies":{"c":{"version":"2.0.0","dev":true}}}}}' >"$dir/1-v1"
	rm -rf "$_x" ;;
pypi)
	for m in 0 1; do prefix $m $(find "$F/lang/python" -name METADATA -o -name PKG-INFO); done
	printf '\002/.\n/usr\n/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA\n' >"$dir/2-list"
	printf '\003d41d8cd98f00b204e9800998ecf8427e  usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA\n' >"$dir/3-md5sums"
	prefix 4 $(find "$F/apk" -type f ! -name "*.tsv" | head -5) ;;
java-text|jar|gobuildinfo|elf)
	# The language fixtures (jars, Go and Rust executables) cut to what
	# each target reads, and small archives and executables made here.
	/usr/bin/python3 - "$target" "$dir" "$F/lang" "$top_srcdir/tests/mkelf.py" <<'PY'
import io, os, struct, subprocess, sys, tempfile, zipfile, zlib
target, out, lang, mkelf = sys.argv[1:5]
jars = sorted(os.path.join(lang, "java", n) for n in os.listdir(os.path.join(lang, "java"))
              if n.endswith((".jar", ".war")))
def put(name, data):
    open(os.path.join(out, name), "wb").write(data)
def texts():
    for j in jars:
        with zipfile.ZipFile(j) as z:
            for n in z.namelist():
                if n.endswith(("pom.properties", "MANIFEST.MF")):
                    yield os.path.basename(j), n, z.read(n)
def jar(entries, stored=False):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        for n, d in entries:
            z.writestr(n, d)
    return b.getvalue()
def dep_v0(path):
    d = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", d, 40)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 58)
    sh = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize) for i in range(shnum)]
    names = sh[shstrndx][4]
    for s in sh:
        name = d[names + s[0]:d.index(b"\0", names + s[0])]
        if name == b".dep-v0":
            return zlib.decompress(d[s[4]:s[4] + s[5]])
if target == "java-text":
    for i, (j, n, t) in enumerate(texts()):
        put("%d-%s" % (i, os.path.basename(n)), (b"\0" if n.endswith("properties") else b"\1") + t)
        if n.endswith("MANIFEST.MF"):
            put("%d-guess" % i, b"\2" + j.encode() + b"\n" + t)
elif target == "jar":
    pom = b"groupId=org.example\nartifactId=inner\nversion=1.0\n"
    mf = b"Manifest-Version: 1.0\r\nImplementation-Version: 2.1\r\n\r\n"
    inner = jar([("META-INF/MANIFEST.MF", mf), ("META-INF/maven/org.example/inner/pom.properties", pom)])
    mid = jar([("META-INF/MANIFEST.MF", mf), ("lib/inner-1.0.jar", inner)])
    put("plain.jar", inner)
    put("nested.jar", jar([("BOOT-INF/lib/mid-2.0.jar", mid), ("WEB-INF/lib/inner.jar", inner)], stored=True))
    put("deflated.war", jar([("WEB-INF/lib/mid.jar", mid)]))
    put("script.jar", b"#!/bin/sh\nexec java -jar $0\n" + inner)
elif target == "gobuildinfo":
    d = open(os.path.join(lang, "go/esbuild-0.17.19/esbuild"), "rb").read()
    i = d.index(b"\xff Go buildinf:")
    put("0-esbuild", b"\0" + d[i + 14:i + 14 + 1024])
    exp = open(os.path.join(lang, "go/esbuild-0.17.19/expected.txt"), "rb").read().split(b"\n")
    put("1-esbuild", b"\1" + b"go1.20.4\n" + b"\n".join(l.lstrip(b"\t") for l in exp[1:]))
    for v in (b"go1.20.4", b"go1.21rc2", b"go1.18beta1", b"go1.9", b"devel go1.22-abc"):
        put("2-" + v.decode().replace(" ", "_"), b"\2" + v)
else:
    t = tempfile.mkdtemp()
    mod = os.path.join(t, "mod")
    open(mod, "wb").write(b"path\tex.com/a\nmod\tex.com/a\tv1.0.0\t\ndep\tex.com/b\tv0.1.0\th1:x=\n=>\tex.com/c\tv0.2.0\th1:y=\n")
    js = dep_v0(os.path.join(lang, "rust/uses_serde_json"))
    open(os.path.join(t, "j"), "wb").write(js)
    put("J-dep-v0", b"J" + js)
    for name, args in (("go-new", ["go-new", "go1.20.4", mod]), ("go-old", ["go-old", "go1.16.15", mod]),
                       ("cargo", ["cargo", os.path.join(t, "j")]), ("plain", ["plain"])):
        subprocess.run([sys.executable, mkelf, os.path.join(out, name)] + args, check=True)
PY
	;;
toc)		;;	# its seeds are tests/fuzz/regress/toc (a data length byte, frames, a TOC)
estargz)	;;	# its seeds are tests/fuzz/regress/estargz (a data length byte, gzip members, a TOC)
*)		echo "seed.sh: unknown target $target" >&2; exit 2 ;;
esac
# Past crashes are the best seeds.
if [ -d "$top_srcdir/tests/fuzz/regress/$target" ]; then
	cp "$top_srcdir/tests/fuzz/regress/$target"/* "$dir/" 2>/dev/null || true
fi
