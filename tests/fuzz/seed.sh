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
feed-osv)	copy "$F"/feeds/osv/*.json $(ls "$F"/feeds/ubuntu-osv-bionic/*.json | head -20) ;;
feed-oval)	copy "$F"/feeds/ubuntu-oval/*.xml "$F"/feeds/redhat-oval/*.bz2 ;;
feed-csaf)	copy "$F"/feeds/redhat-csaf-vex/*.json "$F"/feeds/ubuntu-oval/*.json ;;
ignore|auth)	cp "$top_srcdir/tests/fuzz/seeds/$target"/* "$dir/" ;;
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
*)		echo "seed.sh: unknown target $target" >&2; exit 2 ;;
esac
# Past crashes are the best seeds.
if [ -d "$top_srcdir/tests/fuzz/regress/$target" ]; then
	cp "$top_srcdir/tests/fuzz/regress/$target"/* "$dir/" 2>/dev/null || true
fi
