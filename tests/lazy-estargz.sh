#!/bin/bash
# Lazy pulls of eStargz layers (--lazy-pull): the shared debian-12 fixture
# (12: its 51 MB layer; 12-whiteouts: that and a layer of whiteouts) turned
# into eStargz blobs by the stargz-snapshotter project's own estargz library
# (tests/estargz-build.go, built here against Debian's
# golang-github-containerd-stargz-snapshotter-dev), pushed to Debian's
# docker-registry on 127.0.0.1 and read through a small proxy of this test
# that counts the blob bytes it passes and can ignore Range or damage what it
# passes. Answers: the fixture's package list, the whiteouts the tar lists,
# the same image read whole (its gzip original, and --lazy-pull=never),
# gzip(1) and sha256sum on the blobs; never what the lazy code prints.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd docker-registry skopeo /usr/bin/python3 curl tar gzip go

GOSRC=/usr/share/gocode/src/github.com/containerd/stargz-snapshotter/estargz
if [ ! -f "$GOSRC/build.go" ]; then
	skip "Debian's golang-github-containerd-stargz-snapshotter-dev is not installed"
	done_testing; exit 0
fi
DRIVER=$top_builddir/tests/test-registry
DEB=$FIXTURES/images/debian-12
ALPINE_TGZ=$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz
export HOME=$T/home
mkdir -p "$HOME"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG

# --- the converter: built offline against Debian's Go sources, kept in the build ----
EB=$top_builddir/tests/estargz-build
if [ ! -x "$EB" ] || [ "$top_srcdir/tests/estargz-build.go" -nt "$EB" ]; then
	mkdir -p "$top_builddir/tests/.gocache"
	if ! (cd "$top_srcdir/tests" && GO111MODULE=off GOPATH=/usr/share/gocode \
	    GOFLAGS= GOCACHE="$top_builddir/tests/.gocache" \
	    go build -o "$EB" estargz-build.go) >"$T/go.err" 2>&1; then
		not_ok "go build tests/estargz-build.go"; diag "$(cat "$T/go.err")"
		done_testing; exit 1
	fi
fi

# --- the images: each fixture layer as eStargz, the config's diff_ids the new tars' ---
LAYERS=$(/usr/bin/python3 -c '
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
m = [x for x in idx["manifests"] if x["annotations"]["org.opencontainers.image.ref.name"] == "12-whiteouts"][0]
man = json.load(open(d + "/blobs/sha256/" + m["digest"][7:]))
print(man["config"]["digest"][7:], " ".join(l["digest"][7:] for l in man["layers"]))' "$DEB")
set -- $LAYERS
CONFIG=$1; shift
i=0
for l in "$@"; do
	"$EB" "$DEB/blobs/sha256/$l" "$T/layer-$i.esgz" >"$T/layer-$i.meta" 2>"$T/eb.err" ||
		{ not_ok "estargz-build of layer $l"; diag "$(cat "$T/eb.err")"; done_testing; exit 1; }
	i=$((i + 1))
done
read -r TOCD0 DIFF0 USIZE0 <"$T/layer-0.meta"
check "estargz.Build: debian-12's layer as eStargz, gzip(1) reads it whole to a tar whose sha256 is the diff_id the library gives ($DIFF0)" \
    test "sha256:$(gzip -dc "$T/layer-0.esgz" | sha256sum | cut -d' ' -f1)" = "$DIFF0"
check "the eStargz tar holds the original layer's files (tar -t, sorted, stargz entries dropped)" \
    diff <(tar -tzf "$DEB/blobs/sha256/$1" | sed 's|^\./||; s|/$||' | grep -v '^\.\{0,1\}$' | sort) \
    <(tar -tzf "$T/layer-0.esgz" | sed 's|/$||' | grep -v '^stargz.index.json$\|^\.no\.prefetch\.landmark$' | sort)
check "the TOC's JSON (stargz.index.json in the tar) has the sha256 the library gives ($TOCD0)" \
    test "sha256:$(tar -xzOf "$T/layer-0.esgz" stargz.index.json | sha256sum | cut -d' ' -f1)" = "$TOCD0"

# mkimage DIR TAG CONFIG LAYER.esgz...: an OCI layout whose layers carry the
# annotations; extra KEY=VALUE words in $EXTRA change the first layer's.
cat >"$T/mkimage.py" <<'PY_EOF'
import hashlib, json, os, sys
root, tag, config = sys.argv[1:4]
layers = sys.argv[4:]
extra = dict(kv.split("=", 1) for kv in os.environ.get("EXTRA", "").split())
os.makedirs(root + "/blobs/sha256", exist_ok=True)
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(root + "/blobs/sha256/" + d, "wb").write(data)
    return "sha256:" + d
cfg = json.load(open(config))
cfg["rootfs"]["diff_ids"] = []
descs = []
for i, path in enumerate(layers):
    toc, diff, usize = open(path[:-5] + ".meta").read().split()
    cfg["rootfs"]["diff_ids"].append(diff)
    data = open(path, "rb").read()
    a = {"containerd.io/snapshot/stargz/toc.digest": toc,
         "io.containers.estargz.uncompressed-size": usize}
    if i == 0:
        a.update(extra)
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                  "digest": put(data), "size": len(data), "annotations": a})
cfgb = json.dumps(cfg).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                             "digest": put(cfgb), "size": len(cfgb)},
                  "layers": descs}).encode()
idx = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
       "digest": put(man), "size": len(man), "annotations": {"org.opencontainers.image.ref.name": tag}}]}
json.dump(idx, open(root + "/index.json", "w"))
PY_EOF
mk() { /usr/bin/python3 "$T/mkimage.py" "$@" || { not_ok "mkimage $1"; done_testing; exit 1; }; }
mk "$T/deb" 1 "$DEB/blobs/sha256/$CONFIG" "$T/layer-0.esgz"
mk "$T/debwh" 1 "$DEB/blobs/sha256/$CONFIG" "$T/layer-0.esgz" "$T/layer-1.esgz"
# Alpine 3.10.3 and a layer with a Go binary no OS package owns (esbuild,
# 9 MB: three 4 MiB chunks, the last one with no chunkSize in the TOC).
mkdir -p "$T/gobin/usr/local/bin"
cp "$FIXTURES/lang/go/esbuild-0.17.19/esbuild" "$T/gobin/usr/local/bin/"
tar -C "$T/gobin" --owner=0 --group=0 -cf "$T/gobin.tar" usr
"$EB" "$ALPINE_TGZ" "$T/alp.esgz" >"$T/alp.meta" 2>"$T/eb.err" &&
    "$EB" "$T/gobin.tar" "$T/gobin.esgz" >"$T/gobin.meta" 2>>"$T/eb.err" ||
	{ not_ok "estargz-build of the Alpine and Go layers"; diag "$(cat "$T/eb.err")"; done_testing; exit 1; }
mk "$T/ago" 1 "$DEB/blobs/sha256/$CONFIG" "$T/alp.esgz" "$T/gobin.esgz"
check "the library split esbuild in three chunks, the last without a chunkSize (what toc.c must read to the file's end)" \
    test "$(tar -xzOf "$T/gobin.esgz" stargz.index.json | /usr/bin/python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin)["entries"] if x["name"] == "usr/local/bin/esbuild"]
print(len(e), [x.get("chunkSize", 0) for x in e][-1], e[0]["size"])')" = "3 0 $(stat -c %s "$T/gobin/usr/local/bin/esbuild")"
# A footer whose TOC offset points past the blob's end (the rest as it was:
# a whole read still reads the same tar, so its diff_id holds).
/usr/bin/python3 - "$T/layer-0.esgz" "$T/oob.esgz" <<'PY_EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
assert b[-51 + 32:-51 + 38] == b"STARGZ", b[-51:]
b[-51 + 16:-51 + 32] = b"%016x" % (len(b) + 4096)
open(sys.argv[2], "wb").write(b)
PY_EOF
cp "$T/layer-0.meta" "$T/oob.meta"
mk "$T/oob" 1 "$DEB/blobs/sha256/$CONFIG" "$T/oob.esgz"
# The manifest's TOC digest not the TOC's.
EXTRA="containerd.io/snapshot/stargz/toc.digest=sha256:$(printf '%064d' 0)" \
    mk "$T/badtoc" 1 "$DEB/blobs/sha256/$CONFIG" "$T/layer-0.esgz"

# --- the registry, and the proxy in front of it -----------------------------------------
cat >"$T/proxy.py" <<'PROXY_EOF'
#!/usr/bin/python3
"""A proxy in front of a registry, for tests/lazy-estargz.sh, on 127.0.0.1.
Its mode, read from MODEFILE at each request: pass; norange (drop Range: the
registry answers 200 with the whole blob); flip-toc (flip a byte of the 206
answer starting at TOC_OFFSET); flip-chunk (flip a byte of every other 206
answer but the footer's, the last 51 bytes). Each blob GET is logged to LOG
as "STATUS RANGE BYTES-SENT PATH"."""
import http.client, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
port, upstream, modefile, log, toc_offset = sys.argv[1:6]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        self.forward()
    def do_HEAD(self):
        self.forward()
    def forward(self):
        mode = open(modefile).read().strip()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        rng = headers.get("Range", "-")
        if mode == "norange":
            headers.pop("Range", None)
        c = http.client.HTTPConnection(upstream, timeout=60)
        c.request(self.command, self.path, headers=headers)
        r = c.getresponse()
        body = r.read() if self.command == "GET" else b""
        blob = "/blobs/" in self.path and self.command == "GET"
        cr = r.getheader("Content-Range", "")
        if blob and mode.startswith("flip-") and r.status == 206 and body and cr:
            span, total = cr.split(" ")[1].split("/")
            start, end = span.split("-")
            if ((mode == "flip-toc" and start == toc_offset) or
                    (mode == "flip-chunk" and start != toc_offset and
                     int(end) < int(total) - 1)):
                b = bytearray(body)
                b[len(b) // 2] ^= 0x55
                body = bytes(b)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)) if self.command == "GET"
                         else r.getheader("Content-Length", "0"))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        if blob:
            with open(log, "a") as f:
                f.write("%d %s %d %s\n" % (r.status, rng.replace(" ", ""), len(body), self.path))
        c.close()

ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
PROXY_EOF
PR=$(free_port)
cat >"$T/reg.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $T/store}}
http: {addr: 127.0.0.1:$PR}
EOF
docker-registry serve "$T/reg.yml" >"$T/reg.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PR/v2/" || {
	not_ok "the registry did not start"; diag "$(cat "$T/reg.log")"; done_testing; exit 1; }
push() {	# push SRC NAME
	skopeo copy -q --dest-tls-verify=false "$1" "docker://127.0.0.1:$PR/test/$2" \
	    >/dev/null 2>"$T/skopeo.err" ||
		{ not_ok "skopeo copy $1"; diag "$(cat "$T/skopeo.err")"; done_testing; exit 1; }
}
push "oci:$T/deb:1" deb:esgz
push "oci:$T/debwh:1" debwh:esgz
push "oci:$T/oob:1" deb:oob
push "oci:$T/badtoc:1" deb:badtoc
push "oci:$DEB:12" deb:gz
push "oci:$T/ago:1" ago:esgz
curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:$PR/v2/test/deb/manifests/esgz" >"$T/deb-esgz.json"
read -r LSIZE LDIGEST LTOC < <(/usr/bin/python3 -c '
import json, sys
l = json.load(open(sys.argv[1]))["layers"][0]
print(l["size"], l["digest"], l.get("annotations", {}).get("containerd.io/snapshot/stargz/toc.digest", "none"))' "$T/deb-esgz.json")
check "the registry's manifest keeps the layer's eStargz annotations ($LSIZE bytes, TOC $LTOC)" \
    test "$LTOC" = "$TOCD0" -a "$LDIGEST" = "sha256:$(sha256sum <"$T/layer-0.esgz" | cut -d' ' -f1)"
read -r OOBDIGEST < <(echo "sha256:$(sha256sum <"$T/oob.esgz" | cut -d' ' -f1)")

PP=$(free_port)
echo pass >"$T/mode"
# The TOC's offset, from the footer as the estargz library writes it.
TOCOFF=$(tail -c 51 "$T/layer-0.esgz" | /usr/bin/python3 -c '
import sys
f = sys.stdin.buffer.read()
assert f[12:14] == b"SG" and f[32:38] == b"STARGZ", f
print(int(f[16:32], 16))')
/usr/bin/python3 "$T/proxy.py" "$PP" "127.0.0.1:$PR" "$T/mode" "$T/proxy.log" "$TOCOFF" >"$T/proxy.out" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PP/v2/" || {
	not_ok "the proxy did not start"; diag "$(cat "$T/proxy.out")"; done_testing; exit 1; }
VIA=docker://127.0.0.1:$PP/test

inv() {	# inv MODE LAZY OUT REF: an inventory through the proxy, no cache
	echo "$1" >"$T/mode"
	: >"$T/proxy.log"
	set +e
	timeout 120 "$HULLSCAN" inventory --no-cache --lazy-pull="$2" "$4" >"$3" 2>"$3.err"
	local st=$?
	set -e
	cp "$T/proxy.log" "$3.log"
	return $st
}
bytes() { awk -v d="$2" 'index($4, d) { n += $3 } END { print n + 0 }' "$1.log"; }
ranges() { awk -v d="$2" 'index($4, d) && $1 == 206 { n++ } END { print n + 0 }' "$1.log"; }
fulls() { awk -v d="$2" 'index($4, d) && $1 == 200 { n++ } END { print n + 0 }' "$1.log"; }
packages() { grep -v '^#' "$1" | cut -f1-5 | sort; }
body() { grep -v '^#' "$1"; }

# --- debian 12 as eStargz: lazy, whole, and the gzip original agree ---------------------
grep -v '^#' "$DEB.expected-packages.tsv" | sort >"$T/expected"
inv pass auto "$T/lazy" "$VIA/deb:esgz" || true
check "debian-12 eStargz, lazy: exit 0, no message" sh -c 'cat "$1"; test ! -s "$1"' - "$T/lazy.err"
if [ "$(packages "$T/lazy")" = "$(cat "$T/expected")" ]; then
	ok "debian-12 eStargz lazy: the fixture's $(wc -l <"$T/expected") packages, names to arch"
else not_ok "debian-12 eStargz lazy: package list differs"; diag "$(diff <(packages "$T/lazy") "$T/expected" | head)"; fi
LB=$(bytes "$T/lazy" "$LDIGEST")
check "debian-12 eStargz lazy: read by range requests only ($(ranges "$T/lazy" "$LDIGEST"), the footer first), no whole GET" \
    test "$(ranges "$T/lazy" "$LDIGEST")" -gt 2 -a "$(fulls "$T/lazy" "$LDIGEST")" -eq 0 -a \
    "$(awk -v d="$LDIGEST" 'index($4, d) { print $2; exit }' "$T/lazy.log")" = "bytes=$((LSIZE - 51))-$((LSIZE - 1))"
check "debian-12 eStargz lazy: $LB of $LSIZE layer bytes fetched ($((LB * 1000 / LSIZE / 10)).$((LB * 1000 / LSIZE % 10))%), at most 20%" \
    test "$LB" -gt 0 -a "$((LB * 5))" -le "$LSIZE"
inv pass never "$T/never" "$VIA/deb:esgz" || true
check "debian-12 eStargz --lazy-pull=never: one whole GET of the layer, no range, exit 0" \
    test "$(fulls "$T/never" "$LDIGEST")" -eq 1 -a "$(ranges "$T/never" "$LDIGEST")" -eq 0 -a \
    "$(bytes "$T/never" "$LDIGEST")" -eq "$LSIZE" -a ! -s "$T/never.err"
check "debian-12 eStargz: lazy and --lazy-pull=never inventories identical (every column)" \
    diff <(body "$T/lazy") <(body "$T/never")
inv pass auto "$T/gz" "$VIA/deb:gz" || true
check "debian-12 eStargz lazy and the fixture's gzip layer read whole: identical inventories" \
    diff <(body "$T/lazy") <(body "$T/gz")

# --- whiteouts: two eStargz layers --------------------------------------------------------
echo pass >"$T/mode"
"$DRIVER" "$VIA/debwh:esgz" >"$T/drv-lazy" 2>"$T/drv-lazy.err" || true
"$DRIVER" --lazy-pull never "$VIA/debwh:esgz" >"$T/drv-never" 2>"$T/drv-never.err" || true
tar -tzf "$DEB/blobs/sha256/$2" |
    sed -n 's|^\(\./\)\{0,1\}\(.*/\)\{0,1\}\.wh\.\([^/]*\)$|whiteout\t1\t\2\3|p' | sort >"$T/wh-expected"
check "debian-12:12-whiteouts as eStargz, lazy: the whiteouts the tar lists ($(tr '\n' ' ' <"$T/wh-expected" | tr '\t' ' '))" \
    diff <(grep '^whiteout' "$T/drv-lazy" | sort) "$T/wh-expected"
check "12-whiteouts eStargz: lazy and whole reads keep the same files, links and whiteouts" \
    diff <(grep -v '^cache' "$T/drv-lazy") <(grep -v '^cache' "$T/drv-never")
inv pass auto "$T/wh" "$VIA/debwh:esgz" || true
inv pass never "$T/whn" "$VIA/debwh:esgz" || true
check "12-whiteouts eStargz: lazy and --lazy-pull=never inventories identical" \
    diff <(body "$T/wh") <(body "$T/whn")

# --- a file of several chunks: a Go binary no OS package owns ------------------------------
inv pass auto "$T/go-lazy" "$VIA/ago:esgz" || true
inv pass never "$T/go-never" "$VIA/ago:esgz" || true
GOWANT=$(sed -n 's/^esbuild: go\(.*\)$/stdlib \1/p; s/^\t\(dep\|mod\)\t\([^\t]*\)\t\([^\t]*\).*$/\2 \3/p' \
    "$FIXTURES/lang/go/esbuild-0.17.19/expected.txt" | sort)
check "esbuild in an eStargz layer, lazy, no message: stdlib, module and dep as go version -m printed them ($(echo $GOWANT))" \
    test ! -s "$T/go-lazy.err" -a "$(awk -F'\t' '$6 == "go" { print $1, $2 }' "$T/go-lazy" | sed 's/ v\{0,1\}/ /' | sort)" = \
    "$(echo "$GOWANT" | sed 's/ v\{0,1\}/ /')"
check "Alpine and esbuild as eStargz: lazy and --lazy-pull=never inventories identical" \
    diff <(body "$T/go-lazy") <(body "$T/go-never")

# --- fallbacks -------------------------------------------------------------------------------
inv norange auto "$T/nr" "$VIA/deb:esgz" || true
check "a registry that ignores Range: no message, the whole layer in a 200 answer, same inventory" \
    test ! -s "$T/nr.err" -a "$(awk -v d="$LDIGEST" -v s="$LSIZE" 'index($4, d) && $1 == 200 && $3 == s' "$T/nr.log" | wc -l)" -ge 1 -a \
    "$(diff <(body "$T/nr") <(body "$T/never") | wc -l)" -eq 0
inv flip-chunk auto "$T/fc" "$VIA/deb:esgz" || true
if [ "$(wc -l <"$T/fc.err")" -eq 1 ] && grep -q "^hullscan: warning: layer $LDIGEST: eStargz: .*reading the whole layer instead" "$T/fc.err" &&
    diff <(body "$T/fc") <(body "$T/never") >/dev/null; then
	ok "a damaged chunk: one warning naming the layer, read whole, same inventory: $(cat "$T/fc.err")"
else not_ok "a damaged chunk"; diag "$(cat "$T/fc.err")"; fi
inv flip-toc auto "$T/ft" "$VIA/deb:esgz" || true
if [ "$(wc -l <"$T/ft.err")" -eq 1 ] && grep -q "^hullscan: warning: layer $LDIGEST: eStargz: TOC: gzip: .*reading the whole layer instead" "$T/ft.err" &&
    diff <(body "$T/ft") <(body "$T/never") >/dev/null; then
	ok "a damaged TOC member: one warning naming the layer, read whole, same inventory: $(cat "$T/ft.err")"
else not_ok "a damaged TOC member"; diag "$(cat "$T/ft.err")"; fi
inv pass auto "$T/bt" "$VIA/deb:badtoc" || true
if [ "$(wc -l <"$T/bt.err")" -eq 1 ] && grep -q "^hullscan: warning: layer $LDIGEST: eStargz: TOC digest mismatch: the manifest says sha256:0000.*reading the whole layer instead" "$T/bt.err" &&
    diff <(body "$T/bt") <(body "$T/never") >/dev/null; then
	ok "a TOC not matching the manifest's toc.digest: one warning, read whole, same inventory: $(cat "$T/bt.err")"
else not_ok "a TOC not matching toc.digest"; diag "$(cat "$T/bt.err")"; fi
inv pass auto "$T/oob-inv" "$VIA/deb:oob" || true
if [ "$(wc -l <"$T/oob-inv.err")" -eq 1 ] && grep -q "^hullscan: warning: layer $OOBDIGEST: eStargz: footer: TOC at $((LSIZE + 4096)), outside the blob of $LSIZE bytes.*reading the whole layer instead" "$T/oob-inv.err" &&
    diff <(body "$T/oob-inv") <(body "$T/never") >/dev/null &&
    [ "$(ranges "$T/oob-inv" "$OOBDIGEST")" -eq 1 ]; then
	ok "a footer pointing past the blob: one warning, nothing fetched but the footer, read whole, same inventory: $(cat "$T/oob-inv.err")"
else not_ok "a footer pointing past the blob"; diag "$(cat "$T/oob-inv.err")"; fi

done_testing
