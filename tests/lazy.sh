#!/bin/bash
# Lazy pulls (--lazy-pull): zstd:chunked images made by skopeo from the shared
# fixtures, pushed to Debian's docker-registry on 127.0.0.1, read through a
# small HTTP proxy of this test that counts the blob bytes it passes and can
# ignore Range requests or damage what it passes. Answers: the fixture's
# package list, the 4 Alpine 3.10 findings of lib.sh's alpine_old, the
# whiteouts tar itself lists, and the same image read whole (gzip, and
# --lazy-pull=never), never what the lazy code prints.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd docker-registry skopeo /usr/bin/python3 curl tar zstd htpasswd

DRIVER=$top_builddir/tests/test-registry
DEB=$FIXTURES/images/debian-12
ALPINE_TGZ=$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz
export HOME=$T/home
mkdir -p "$HOME"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG

cat >"$T/proxy.py" <<'PROXY_EOF'
#!/usr/bin/python3
"""A proxy in front of a registry, for tests/lazy.sh, on 127.0.0.1.

It reads its mode from MODEFILE at each request:
  pass         forward as is
  norange      drop the Range header: the registry answers 200 with the whole blob
  flip-toc     flip a byte of a 206 answer for DIGEST that starts at TOC_OFFSET (its TOC)
  flip-chunk   flip a byte of every other 206 answer for DIGEST (files' chunks)
  flip-all     flip a byte of every blob answer over 1000 bytes, 200 or 206
and logs each blob request to LOG: "STATUS RANGE-START BYTES-SENT PATH".
"""
import http.client
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, upstream, modefile, log, toc_offset, digest = sys.argv[1:7]


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
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection")}
        rng = headers.get("Range")
        if mode == "norange":
            headers.pop("Range", None)
        c = http.client.HTTPConnection(upstream, timeout=60)
        c.request(self.command, self.path, headers=headers)
        r = c.getresponse()
        body = r.read() if self.command == "GET" else b""
        start = rng.split("=")[1].split("-")[0] if rng else "-"
        blob = "/blobs/" in self.path and self.command == "GET"
        flip = False
        if blob and r.status == 206 and digest in self.path:
            flip = ((mode == "flip-toc" and start == toc_offset) or
                    (mode == "flip-chunk" and start != toc_offset))
        if blob and mode == "flip-all" and len(body) > 1000:
            flip = True
        if flip and body:
            b = bytearray(body)
            b[len(b) // 2] ^= 0x55
            body = bytes(b)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if self.command == "GET"
                                               else r.getheader("Content-Length", "0")))
        self.end_headers()
        sent = 0
        try:
            for i in range(0, len(body), 65536):
                self.wfile.write(body[i:i + 65536])
                sent += len(body[i:i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        if blob:
            with open(log, "a") as f:
                f.write("%d %s %d %s\n" % (r.status, start, sent, self.path))
        c.close()


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
PROXY_EOF

# --- the registry, and the proxy in front of it -----------------------------------
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
	echo "not ok 1 - the registry did not start"; cat "$T/reg.log"; echo "1..1"; exit 1; }

# --- the images ---------------------------------------------------------------------
# debian-12:12-whiteouts (the 51 MB debian layer and a layer of whiteouts),
# alpine_old (Alpine 3.10.3 and a layer rewriting its package db: 4 findings),
# and Alpine 3.10.3 with a layer that makes lib/apk/db opaque and holds a
# package db of two packages. Each goes to the registry as skopeo's
# zstd:chunked; the debian one also as it is (gzip).
alpine_old "$T/aold"
mkdir -p "$T/opq/lib/apk/db"
tar -xzOf "$ALPINE_TGZ" ./lib/apk/db/installed | /usr/bin/python3 -c '
import sys
st = sys.stdin.read().split("\n\n")
keep = [s for s in st if "\nP:musl\n" in "\n" + s + "\n" or "\nP:zlib\n" in "\n" + s + "\n"]
assert len(keep) == 2, len(keep)
sys.stdout.write("\n\n".join(keep) + "\n\n")' >"$T/opq/lib/apk/db/installed"
: >"$T/opq/lib/apk/db/.wh..wh..opq"
tar -C "$T/opq" --owner=0 --group=0 -cf "$T/opq.tar" lib
/usr/bin/python3 "$top_srcdir/tests/mkoci.py" "$T/aopq" 1 "$ALPINE_TGZ" "$T/opq.tar" >/dev/null

# normalise OCI-DIR: each layer's tar rewritten as skopeo's zstd:chunked
# writer writes tars (one round trip, decompressed), as a new image in
# OCI-DIR.n. skopeo 1.9 keeps a layer's diff_id when it converts it, but
# writes its tar anew: a tar made by another writer (Alpine's, tar(1)) then
# no longer matches its diff_id, and a whole read rightly refuses it.
normalise() {
	skopeo copy -q --dest-compress-format zstd:chunked "oci:$1:1" "oci:$1.rt:1" >/dev/null
	/usr/bin/python3 - "$1.rt" "$1.n" "$top_srcdir/tests/mkoci.py" <<'NORM_EOF'
import json, subprocess, sys
src, dst, mkoci = sys.argv[1:4]
idx = json.load(open(src + "/index.json"))
m = json.load(open(src + "/blobs/sha256/" + idx["manifests"][0]["digest"][7:]))
tars = []
for i, l in enumerate(m["layers"]):
    tars.append("%s/layer-%d.tar" % (src, i))
    with open(tars[-1], "wb") as f:
        subprocess.run(["zstd", "-dcq", src + "/blobs/sha256/" + l["digest"][7:]],
                       stdout=f, check=True)
subprocess.run(["/usr/bin/python3", mkoci, dst, "1"] + tars, check=True,
               stdout=subprocess.DEVNULL)
NORM_EOF
}
# Alpine 3.10.3 and a layer with a Go binary (esbuild, whose build info
# `go version -m` printed into the fixture's expected.txt) and two jars (a
# fat jar holding snakeyaml 1.33 and jackson-databind 2.14.0, and log4j-core
# 2.19.0): files no OS package owns, which a lazy pull reads as a whole
# read does.
mkdir -p "$T/gobin/usr/local/bin" "$T/gobin/opt/app"
cp "$FIXTURES/lang/go/esbuild-0.17.19/esbuild" "$T/gobin/usr/local/bin/"
cp "$FIXTURES/lang/java/app-fat.jar" "$FIXTURES/lang/java/log4j-core-2.19.0.jar" "$T/gobin/opt/app/"
tar -C "$T/gobin" --owner=0 --group=0 -cf "$T/gobin.tar" usr opt
/usr/bin/python3 "$top_srcdir/tests/mkoci.py" "$T/ago" 1 "$ALPINE_TGZ" "$T/gobin.tar" >/dev/null
normalise "$T/aold"
normalise "$T/aopq"
normalise "$T/ago"

push() {	# push SRC NAME [zstd:chunked]
	skopeo copy -q --dest-tls-verify=false ${3:+--dest-compress-format "$3"} \
	    "$1" "docker://127.0.0.1:$PR/test/$2" >/dev/null 2>"$T/skopeo.err" ||
		{ echo "not ok 1 - skopeo copy $1"; cat "$T/skopeo.err"; echo "1..1"; exit 1; }
}
push "oci:$DEB:12-whiteouts" deb:zc zstd:chunked
push "oci:$DEB:12-whiteouts" deb:gz
push "oci:$T/aold.n:1" aold:zc zstd:chunked
push "oci:$T/aopq.n:1" aopq:zc zstd:chunked
push "oci:$T/ago.n:1" ago:zc zstd:chunked

manifest() {
	curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
	    "http://127.0.0.1:$PR/v2/test/$1/manifests/$2"
}
manifest deb zc >"$T/deb-zc.json"
# The layer's size, its TOC's offset, and that skopeo wrote zstd:chunked at all.
read -r LSIZE TOCOFF LDIGEST < <(/usr/bin/python3 -c '
import json, sys
l = json.load(open(sys.argv[1]))["layers"][0]
a = l.get("annotations", {})
pos = a.get("io.github.containers.zstd-chunked.manifest-position") or \
    a.get("io.containers.zstd-chunked.manifest-position")
print(l["size"], pos.split(":")[0] if pos else "none", l["digest"])' "$T/deb-zc.json")
if [ "$TOCOFF" != none ]; then ok "skopeo wrote a zstd:chunked debian layer ($LSIZE bytes, TOC at $TOCOFF)"
else not_ok "skopeo wrote no zstd:chunked TOC annotation"; diag "$(cat "$T/deb-zc.json")"; fi

PP=$(free_port)
echo pass >"$T/mode"
/usr/bin/python3 "$T/proxy.py" "$PP" "127.0.0.1:$PR" "$T/mode" "$T/proxy.log" "$TOCOFF" "$LDIGEST" \
    >"$T/proxy.out" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PP/v2/" || {
	not_ok "the proxy did not start"; diag "$(cat "$T/proxy.out")"; done_testing; exit 1; }
VIA=docker://127.0.0.1:$PP/test

# inv MODE LAZY OUT REF: an inventory through the proxy in MODE, no cache;
# the proxy's log of it in OUT.log, stderr in OUT.err; returns hullscan's status.
inv() {
	echo "$1" >"$T/mode"
	: >"$T/proxy.log"
	set +e
	timeout 120 "$HULLSCAN" inventory --no-cache --lazy-pull="$2" "$4" >"$3" 2>"$3.err"
	local st=$?
	set -e
	cp "$T/proxy.log" "$3.log"
	return $st
}
# bytes OUT DIGEST: blob bytes the proxy sent for that layer; ranges: 206 answers.
bytes() { awk -v d="$2" 'index($4, d) { n += $3 } END { print n + 0 }' "$1.log"; }
ranges() { awk -v d="$2" 'index($4, d) && $1 == 206 { n++ } END { print n + 0 }' "$1.log"; }
fulls() { awk -v d="$2" 'index($4, d) && $1 == 200 { n++ } END { print n + 0 }' "$1.log"; }
# packages OUT: the package lines, the reference line dropped.
packages() { grep -v '^#' "$1" | cut -f1-5 | sort; }

# --- debian 12: lazy, whole, and gzip give the fixture's package list -----------------
grep -v '^#' "$DEB.expected-packages.tsv" | sort >"$T/expected"
inv pass auto "$T/lazy" "$VIA/deb:zc" || true
check "debian-12 zstd:chunked, lazy: exit 0, no warning" sh -c 'cat "$1"; test ! -s "$1"' - "$T/lazy.err"
if [ "$(packages "$T/lazy")" = "$(cat "$T/expected")" ]; then
	ok "debian-12 lazy: the fixture's $(wc -l <"$T/expected") packages, names to arch"
else not_ok "debian-12 lazy: package list differs"; diag "$(diff <(packages "$T/lazy") "$T/expected" | head)"; fi
LB=$(bytes "$T/lazy" "$LDIGEST")
check "debian-12 lazy: read by range requests only ($(ranges "$T/lazy" "$LDIGEST") of them, no whole GET)" \
    test "$(ranges "$T/lazy" "$LDIGEST")" -gt 1 -a "$(fulls "$T/lazy" "$LDIGEST")" -eq 0
check "debian-12 lazy: $LB of $LSIZE layer bytes fetched ($((LB * 1000 / LSIZE / 10)).$((LB * 1000 / LSIZE % 10))%), at most 20%" \
    test "$LB" -gt 0 -a "$((LB * 5))" -le "$LSIZE"

inv pass never "$T/never" "$VIA/deb:zc" || true
check "debian-12 --lazy-pull=never: one whole GET of the layer, no range" \
    test "$(fulls "$T/never" "$LDIGEST")" -eq 1 -a "$(ranges "$T/never" "$LDIGEST")" -eq 0 -a \
    "$(bytes "$T/never" "$LDIGEST")" -eq "$LSIZE"
check "debian-12: lazy and --lazy-pull=never inventories identical (every column)" \
    diff <(grep -v '^#' "$T/lazy") <(grep -v '^#' "$T/never")
inv pass auto "$T/gz" "$VIA/deb:gz" || true
check "debian-12 gzip, auto: read whole as before (no range request), same inventory" \
    test "$(grep -c ' 206 \|^206 ' "$T/gz.log")" -eq 0 -a \
    "$(diff <(grep -v '^#' "$T/gz") <(grep -v '^#' "$T/lazy") | wc -l)" -eq 0

# --- fallbacks -----------------------------------------------------------------------
inv norange auto "$T/nr" "$VIA/deb:zc" || true
check "a registry that ignores Range: no message" sh -c 'cat "$1"; test ! -s "$1"' - "$T/nr.err"
check "a registry that ignores Range: read whole, same inventory" \
    diff <(grep -v '^#' "$T/nr") <(grep -v '^#' "$T/never")
check "ignored Range: the whole layer came in a 200 answer" \
    test "$(awk -v d="$LDIGEST" 'index($4, d) && $1 == 200 && $3 == '"$LSIZE"' { n++ } END { print n + 0 }' "$T/nr.log")" -ge 1

inv flip-toc auto "$T/ft" "$VIA/deb:zc" || true
if [ "$(wc -l <"$T/ft.err")" -eq 1 ] && grep -q "^hullscan: warning: .*TOC digest mismatch.*reading the whole layer instead" "$T/ft.err" &&
    diff <(grep -v '^#' "$T/ft") <(grep -v '^#' "$T/never") >/dev/null; then
	ok "a damaged TOC: one warning, read whole, same inventory: $(cat "$T/ft.err")"
else not_ok "a damaged TOC"; diag "$(cat "$T/ft.err")"; fi

inv flip-chunk auto "$T/fc" "$VIA/deb:zc" || true
if [ "$(wc -l <"$T/fc.err")" -eq 1 ] && grep -q "^hullscan: warning: layer $LDIGEST: zstd:chunked: .*reading the whole layer instead" "$T/fc.err" &&
    diff <(grep -v '^#' "$T/fc") <(grep -v '^#' "$T/never") >/dev/null; then
	ok "a damaged chunk: one warning, read whole, same inventory: $(cat "$T/fc.err")"
else not_ok "a damaged chunk"; diag "$(cat "$T/fc.err")"; fi

st=0; inv flip-all auto "$T/fa" "$VIA/deb:zc" || st=$?
if [ "$st" -eq 3 ] && grep -q "warning: .*reading the whole layer instead" "$T/fa.err" &&
    grep -q "^hullscan: .*$LDIGEST.*digest mismatch" "$T/fa.err"; then
	ok "damaged everywhere: the whole read catches it, exit 3: $(grep -v warning "$T/fa.err" | head -1)"
else not_ok "damaged everywhere (exit $st, want 3)"; diag "$(cat "$T/fa.err")"; fi

# --- whiteouts and opaque directories, as the whole read sees them ---------------------
echo pass >"$T/mode"
"$DRIVER" "$VIA/deb:zc" >"$T/drv-lazy" 2>"$T/drv-lazy.err" || true
"$DRIVER" --lazy-pull never "$VIA/deb:zc" >"$T/drv-never" 2>"$T/drv-never.err" || true
tar -tzf "$DEB/blobs/sha256/da550d0e32ae96ca02b36e42d2bf0696b47d351ed471e6ed927685f0b40463a7" |
    sed -n 's|^\(.*/\)\{0,1\}\.wh\.\([^/]*\)$|whiteout\t1\t\1\2|p' | sort >"$T/wh-expected"
check "debian-12:12-whiteouts lazy: the whiteouts the tar lists ($(tr '\n' ' ' <"$T/wh-expected" | tr '\t' ' '))" \
    diff <(grep '^whiteout' "$T/drv-lazy" | sort) "$T/wh-expected"
check "debian-12:12-whiteouts: lazy and whole reads keep the same files, links and whiteouts" \
    diff <(grep -v '^cache' "$T/drv-lazy") <(grep -v '^cache' "$T/drv-never")

"$DRIVER" "$VIA/aopq:zc" >"$T/opq-lazy" 2>"$T/opq-lazy.err" || true
"$DRIVER" --lazy-pull never "$VIA/aopq:zc" >"$T/opq-never" 2>&1 || true
check "opaque lib/apk/db: lazy read records it" grep -qx "opaque	1	lib/apk/db" "$T/opq-lazy"
check "opaque lib/apk/db: lazy and whole reads agree" \
    diff <(grep -v '^cache' "$T/opq-lazy") <(grep -v '^cache' "$T/opq-never")
inv pass auto "$T/opq-inv" "$VIA/aopq:zc" || true
check "opaque lib/apk/db: exactly the two packages of the upper layer (musl, zlib)" \
    test "$(grep -v '^#' "$T/opq-inv" | cut -f1 | sort | tr '\n' ' ')" = "musl zlib "

# --- executables: what no OS package owns is read, what one owns need not be ------------
inv pass auto "$T/go-lazy" "$VIA/ago:zc" || true
inv pass never "$T/go-never" "$VIA/ago:zc" || true
GOWANT=$(sed -n 's/^esbuild: go\(.*\)$/stdlib \1/p; s/^\t\(dep\|mod\)\t\([^\t]*\)\t\([^\t]*\).*$/\2 \3/p' \
    "$FIXTURES/lang/go/esbuild-0.17.19/expected.txt" | sort)
check "Go binary in a zstd:chunked layer, lazy: stdlib, module and dep as go version -m printed them ($(echo $GOWANT))" \
    test "$(awk -F'\t' '$6 == "go" { print $1, $2 }' "$T/go-lazy" | sed 's/ v\{0,1\}/ /' | sort)" = \
    "$(echo "$GOWANT" | sed 's/ v\{0,1\}/ /')"
check "Go binary and jars: lazy and --lazy-pull=never inventories identical" \
    diff <(grep -v '^#' "$T/go-lazy") <(grep -v '^#' "$T/go-never")
check "jars, lazy: snakeyaml 1.33, jackson-databind 2.14.0 (in the fat jar), log4j-core 2.19.0" \
    test "$(awk -F'\t' '$6 == "maven" { print $1, $2 }' "$T/go-lazy" | grep -E 'snakeyaml 1.33|jackson-databind 2.14.0|log4j-core 2.19.0' | wc -l)" -eq 3
# debian-12's executables are 24% of its layer, all owned by its packages:
# the byte count above (at most 20%) shows they were not fetched.

# --- findings: Alpine 3.10 against its secdb, lazy and whole ---------------------------
export HULLSCAN_DB="$T/vuln.db"
"$HULLSCAN" db import -q "$FIXTURES/feeds/alpine-secdb/json/v3.10/main.json" >/dev/null 2>&1 ||
	not_ok "db import of the Alpine 3.10 secdb"
findings() {	# findings JSON: "ID PACKAGE INSTALLED FIXED" lines, sorted
	/usr/bin/python3 -c '
import json, sys
img = json.load(open(sys.argv[1]))["images"][0]
for f in sorted(img.get("findings", []), key=lambda f: (f["id"], f["package"])):
    print(f["id"], f["package"], f.get("installed_version"), f.get("fixed_version"))' "$1"
}
for m in auto never; do
	echo pass >"$T/mode"
	: >"$T/proxy.log"
	"$HULLSCAN" scan -q --no-cache --no-history --lazy-pull=$m --json "$T/aold-$m.json" \
	    "$VIA/aold:zc" >/dev/null 2>"$T/aold-$m.err" || true
	cp "$T/proxy.log" "$T/aold-$m.log"
done
cat >"$T/aold-expected" <<EOF
CVE-2019-14697 musl 1.1.22-r2 1.1.22-r3
CVE-2019-1547 libssl1.1 1.1.1b-r1 1.1.1d-r0
CVE-2019-1549 libssl1.1 1.1.1b-r1 1.1.1d-r0
CVE-2019-1563 libssl1.1 1.1.1b-r1 1.1.1d-r0
EOF
check "alpine_old (2 zstd:chunked layers), lazy: the 4 findings of the secdb" \
    diff <(findings "$T/aold-auto.json") "$T/aold-expected"
check "alpine_old: lazy and --lazy-pull=never findings identical" \
    diff <(findings "$T/aold-auto.json") <(findings "$T/aold-never.json")
check "alpine_old lazy: both layers by range requests, none whole" \
    test "$(awk '$1 == 206' "$T/aold-auto.log" | wc -l)" -ge 2 -a \
    "$(awk '$1 == 200 && $3 > 1000' "$T/aold-auto.log" | wc -l)" -eq 0

# --- the layer cache keeps whole reads only ----------------------------------------------
echo pass >"$T/mode"
C=$T/layers.db
: >"$T/proxy.log"
"$HULLSCAN" inventory --cache "$C" "$VIA/deb:zc" >/dev/null 2>&1 || true
"$HULLSCAN" inventory --cache "$C" "$VIA/deb:zc" >/dev/null 2>&1 || true
check "a lazily read layer is not cached: the second run fetches its TOC again" \
    test "$(awk -v o="$TOCOFF" -v d="$LDIGEST" 'index($4, d) && $2 == o' "$T/proxy.log" | wc -l)" -eq 2
"$HULLSCAN" inventory --cache "$C" --lazy-pull=never "$VIA/deb:zc" >/dev/null 2>&1 || true
: >"$T/proxy.log"
"$HULLSCAN" inventory --cache "$C" "$VIA/deb:zc" >"$T/cached" 2>&1 || true
check "after a whole read, a lazy run takes the layer from the cache (no blob fetched)" \
    test "$(awk -v d="$LDIGEST" 'index($4, d)' "$T/proxy.log" | wc -l)" -eq 0

# --- a registry that wants a login: the range requests carry it --------------------------
htpasswd -Bbc "$T/htpasswd" lazyuser Lz-5e1-not-logged >/dev/null 2>&1
PB=$(free_port)
cat >"$T/basic.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $T/store}}
http: {addr: 127.0.0.1:$PB}
auth: {htpasswd: {realm: lazy-test, path: $T/htpasswd}}
EOF
docker-registry serve "$T/basic.yml" >"$T/basic.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PB/v2/" || true
set +e
"$HULLSCAN" inventory --no-cache --creds lazyuser:Lz-5e1-not-logged \
    "docker://127.0.0.1:$PB/test/deb:zc" >"$T/basic.out" 2>"$T/basic.err"
set -e
check "Basic auth: the lazy pull's range requests are answered 206, none refused" \
    test "$(grep -c "GET /v2/test/deb/blobs/$LDIGEST HTTP/1.1\" 206 " "$T/basic.log")" -ge 2 -a \
    "$(grep -c "blobs/$LDIGEST HTTP/1.1\" 401 " "$T/basic.log")" -eq 0
check "Basic auth, lazy: the same inventory" \
    diff <(grep -v '^#' "$T/basic.out") <(grep -v '^#' "$T/never")

# --- the option ----------------------------------------------------------------------------
expect_status "--lazy-pull=sometimes: usage error" 2 "$HULLSCAN" inventory --lazy-pull=sometimes "$VIA/deb:zc"
check "--lazy-pull=sometimes: one line naming the values" \
    test "$(cat "$T/err")" = "hullscan: --lazy-pull: expected auto or never, not sometimes"

done_testing
