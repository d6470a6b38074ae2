#!/bin/bash
# docker:// against Debian's docker-registry on 127.0.0.1: no auth, htpasswd
# Basic, token auth (a token server of our own), manifest lists and OCI
# indexes, zstd layers, redirects to blob storage, broken transfers, a dying
# registry, corrupt blobs, and credentials that never show. Images are pushed
# with skopeo/buildah from the shared fixtures; answers come from skopeo,
# tar and the fixtures' package lists, never from hullscan. The library is
# driven through tests/test-registry (source_read) and the hullscan CLI.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd docker-registry skopeo buildah umoci htpasswd openssl /usr/bin/python3
if ! /usr/bin/python3 -c 'import jwt, cryptography' 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "not ok 1 - python3-jwt and python3-cryptography are needed"; echo "1..1"; exit 1
	fi
	echo "1..0 # SKIP python3-jwt or python3-cryptography missing"; exit 0
fi

DRIVER=$top_builddir/tests/test-registry
DEB=$FIXTURES/images/debian-12
ALPINE_TGZ=$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz
STORE=$T/store
USER1=hsuser
PASS1=Pw-7f3a-not-in-any-log
TOKPASS=Tk-91c2-never-printed
ALL=$T/all-output	# every stdout and stderr, grepped for secrets at the end
: >"$ALL"
export HOME=$T/home
mkdir -p "$HOME"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG

cat >"$T/helpers.py" <<'HELPERS_EOF'
#!/usr/bin/python3
"""Servers for tests/registry.sh, all on 127.0.0.1.

token:  a Docker registry token server (RS256 JWT with an x5c header), one
        user; logs each token it issues or refuses. With --refresh, it also
        takes that identity token on POST as Distribution's OAuth2 spec has it
        (grant_type=refresh_token, client_id, service, scope); without, a POST
        gets 404, as from a server that has no OAuth2 endpoint.
proxy:  an HTTP proxy in front of a registry that can throttle blob bodies,
        cut the first big blob transfer after N bytes, or redirect blob GETs
        to a blob server of its own (which logs whether credentials came).
"""
import argparse
import base64
import http.client
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def reply(h, status, body=b"", ctype="application/json", extra=None):
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (extra or {}).items():
        h.send_header(k, v)
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)


def token_server(a):
    import jwt
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(open(a.key, "rb").read(), None)
    cert = x509.load_pem_x509_certificate(open(a.cert, "rb").read())
    x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    log = open(a.log, "a", buffering=1)

    class H(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            q = parse_qs(urlparse(self.path).query)
            who = None
            auth = self.headers.get("Authorization")
            if auth is not None:
                user, _, pw = base64.b64decode(auth.split(" ", 1)[1]).decode().partition(":")
                if not auth.startswith("Basic ") or user != a.user or pw != a.password:
                    log.write("refused\n")
                    return reply(self, 401, b'{"details":"incorrect username or password"}')
                who = user
            access = []
            for scope in q.get("scope", []):
                typ, _, rest = scope.partition(":")
                name, _, actions = rest.rpartition(":")
                if who is not None:
                    access.append({"type": typ, "name": name, "actions": actions.split(",")})
            now = int(time.time())
            claims = {"iss": a.issuer, "sub": who or "", "aud": q.get("service", [""])[0],
                      "exp": now + a.expires, "nbf": now - 10, "iat": now,
                      "jti": os.urandom(8).hex(), "access": access}
            tok = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": [x5c]})
            log.write("token %s %s\n" % (who or "-", " ".join(q.get("scope", []))))
            reply(self, 200, json.dumps({"token": tok, "expires_in": a.expires}).encode())

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            f = parse_qs(self.rfile.read(n).decode())
            one = lambda k: f.get(k, [""])[0]
            if not a.refresh:
                return reply(self, 404, b'{"errors":[{"code":"NOT_FOUND"}]}')
            if (self.headers.get("Content-Type") != "application/x-www-form-urlencoded"
                    or one("grant_type") != "refresh_token" or not one("client_id")
                    or not one("service")):
                log.write("bad-form %s\n" % sorted(f))
                return reply(self, 400, b'{"error":"invalid_request"}')
            if one("refresh_token") != a.refresh:
                log.write("refused-refresh\n")
                return reply(self, 400, b'{"error":"invalid_grant"}')
            access = []
            for scope in " ".join(f.get("scope", [])).split():
                typ, _, rest = scope.partition(":")
                name, _, actions = rest.rpartition(":")
                access.append({"type": typ, "name": name, "actions": actions.split(",")})
            now = int(time.time())
            claims = {"iss": a.issuer, "sub": a.user, "aud": one("service"),
                      "exp": now + a.expires, "nbf": now - 10, "iat": now,
                      "jti": os.urandom(8).hex(), "access": access}
            tok = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": [x5c]})
            log.write("refresh %s %s client=%s\n" % (a.user, one("scope"), one("client_id")))
            reply(self, 200, json.dumps({"access_token": tok, "expires_in": a.expires,
                                         "scope": one("scope")}).encode())

    ThreadingHTTPServer(("127.0.0.1", a.port), H).serve_forever()


def proxy(a):
    log = open(a.log, "a", buffering=1)
    state = {"cut": False}
    lock = threading.Lock()

    class Blobs(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            log.write("blobserver %s auth=%s\n" % (self.path,
                      "yes" if "Authorization" in self.headers else "no"))
            hexd = self.path.rsplit(":", 1)[1]
            p = os.path.join(a.storage, "docker/registry/v2/blobs/sha256", hexd[:2], hexd, "data")
            reply(self, 200, open(p, "rb").read(), "application/octet-stream")

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self.relay()

        def do_GET(self):
            self.relay()

        def relay(self):
            blob = "/blobs/sha256:" in self.path
            log.write("%s %s auth=%s range=%s\n" % (self.command, self.path,
                      "yes" if "Authorization" in self.headers else "no",
                      self.headers.get("Range", "-")))
            if blob and a.redirect and self.command == "GET":
                return reply(self, 307, b"", extra={
                    "Location": "http://127.0.0.1:%d/b/%s" % (a.redirect, self.path.rsplit("/", 1)[1])})
            hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            try:
                c = http.client.HTTPConnection(a.upstream, timeout=30)
                c.request(self.command, self.path, headers=hdrs)
                r = c.getresponse()
            except OSError:
                return reply(self, 502, b'{"errors":[{"code":"UNAVAILABLE","message":"upstream down"}]}')
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in ("connection", "transfer-encoding", "keep-alive"):
                    self.send_header(k, v)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if self.command == "HEAD":
                return
            big = blob and (r.length or 0) > (1 << 20)
            with lock:
                cut = big and a.cut_after > 0 and not state["cut"]
                if cut:
                    state["cut"] = True
            sent = 0
            step = 16384 if big and a.rate else 65536
            try:
                while True:
                    chunk = r.read(step)
                    if not chunk:
                        break
                    if cut and sent + len(chunk) >= a.cut_after:
                        self.wfile.write(chunk[:a.cut_after - sent])
                        self.wfile.flush()
                        log.write("cut after %d bytes\n" % a.cut_after)
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    if big and a.rate:
                        time.sleep(len(chunk) / a.rate)
            except OSError:
                pass
            if r.length:
                # The upstream died before the end: drop the client too.
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    if a.redirect:
        s = ThreadingHTTPServer(("127.0.0.1", a.redirect), Blobs)
        threading.Thread(target=s.serve_forever, daemon=True).start()
    ThreadingHTTPServer(("127.0.0.1", a.port), H).serve_forever()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("token")
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--key", required=True)
    t.add_argument("--cert", required=True)
    t.add_argument("--issuer", required=True)
    t.add_argument("--user", required=True)
    t.add_argument("--password", required=True)
    t.add_argument("--expires", type=int, default=300)
    t.add_argument("--refresh", default="")
    t.add_argument("--log", required=True)
    x = sub.add_parser("proxy")
    x.add_argument("--port", type=int, required=True)
    x.add_argument("--upstream", required=True)
    x.add_argument("--rate", type=float, default=0)
    x.add_argument("--cut-after", type=int, default=0)
    x.add_argument("--redirect", type=int, default=0)
    x.add_argument("--storage", default="")
    x.add_argument("--log", required=True)
    a = p.parse_args()
    if a.cmd == "token":
        token_server(a)
    else:
        proxy(a)


if __name__ == "__main__":
    sys.exit(main())
HELPERS_EOF
HELPERS="/usr/bin/python3 $T/helpers.py"

# start_registry NAME PORT [AUTH-YAML [HTTP-YAML]]: a registry on the shared storage.
start_registry() {
	cat >"$T/$1.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $STORE}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$2${4:+, $4}}
${3:-}
EOF
	docker-registry serve "$T/$1.yml" >"$T/$1.log" 2>&1 &
	eval "${1}_PID=$!"
	at_exit "kill $! 2>/dev/null"
	wait_for 20 curl -sk -o /dev/null "http${4:+s}://127.0.0.1:$2/v2/" || {
		echo "not ok 1 - registry $1 did not start"; cat "$T/$1.log"; echo "1..1"; exit 1; }
}

# run OUTFILE CMD...: run, keep stdout in OUTFILE and stderr in OUTFILE.err,
# add both to $ALL; returns CMD's status.
run() {
	local out=$1; shift
	set +e
	timeout 120 "$@" >"$out" 2>"$out.err"
	local st=$?
	set -e
	cat "$out" "$out.err" >>"$ALL"
	return $st
}

# expect_fail DESC STATUS PATTERN CMD...: CMD exits STATUS and stderr matches PATTERN.
expect_fail() {
	local desc=$1 want=$2 pat=$3; shift 3
	local st=0
	run "$T/f.out" "$@" || st=$?
	if [ "$st" -eq "$want" ] && grep -Eq "$pat" "$T/f.out.err"; then
		ok "$desc: $(head -c 300 "$T/f.out.err")"
	else
		not_ok "$desc (exit $st, want $want, /$pat/)"; diag "$(head -c 1500 "$T/f.out.err")"
	fi
}

field() { awk -F'\t' -v k="$1" '$1 == k { print $0 }' "$2"; }
layers_of() { awk -F'\t' '$1 == "layer" { print $3 }' "$1"; }
filesum() { awk -F'\t' -v p="$2" '$1 == "file" && $3 == p { print $6 }' "$1"; }

# Independent answers: skopeo for manifests, tar for file contents.
skopeo_layers() { skopeo inspect --tls-verify=false "$@" |
	/usr/bin/python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["Layers"]))'; }
raw_digest() { echo "sha256:$(skopeo inspect --raw --tls-verify=false "$1" | sha256sum | cut -d' ' -f1)"; }
tar_sum() { echo "sha256:$(tar -xOf "$1" --wildcards "$2" "./$2" 2>/dev/null | sha256sum | cut -d' ' -f1)"; }

# --- images -----------------------------------------------------------------
P1=$(free_port)
start_registry plain "$P1"
R=127.0.0.1:$P1
skopeo copy -q --dest-tls-verify=false "oci:$DEB:12" "docker://$R/test/debian:12"
skopeo copy -q --dest-compress-format zstd "oci:$DEB:12" "oci:$T/zstd:12"
skopeo copy -q --dest-tls-verify=false "oci:$T/zstd:12" "docker://$R/test/debian:12-zstd"
# Alpine's minirootfs as a one-layer image.
umoci init --layout "$T/alpine"
umoci new --image "$T/alpine:3.20"
zcat "$ALPINE_TGZ" >"$T/alpine.tar"
umoci raw add-layer --image "$T/alpine:3.20" "$T/alpine.tar"
skopeo copy -q --dest-tls-verify=false "oci:$T/alpine:3.20" "docker://$R/test/alpine:3.20"
# A multi-arch index: debian as linux/amd64, alpine labelled linux/arm64/v8.
cat >"$T/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$T/bs/root"
runroot = "$T/bs/run"
EOF
export CONTAINERS_STORAGE_CONF=$T/storage.conf
buildah manifest create test/multi >/dev/null
buildah manifest add test/multi "oci:$DEB:12" >/dev/null
buildah manifest add --arch arm64 --variant v8 test/multi "oci:$T/alpine:3.20" >/dev/null
buildah manifest push -q --all --format oci --tls-verify=false test/multi "docker://$R/test/multi:oci"
buildah manifest push -q --all --format v2s2 --tls-verify=false test/multi "docker://$R/test/multi:v2s2"
unset CONTAINERS_STORAGE_CONF

DEB_OS=$(tar_sum "$DEB/blobs/sha256/$(skopeo_layers "oci:$DEB:12" | head -1 | cut -d: -f2)" usr/lib/os-release)
DEB_STATUS=$(tar_sum "$DEB/blobs/sha256/$(skopeo_layers "oci:$DEB:12" | head -1 | cut -d: -f2)" var/lib/dpkg/status)
ALP_DB=$(tar_sum "$T/alpine.tar" lib/apk/db/installed)

# check_image DESC OUT REF [SKOPEO-OPTS]: layers and manifest digest as skopeo
# sees them, and the wanted files as tar extracts them.
check_image() {
	local desc=$1 out=$2 ref=$3; shift 3
	if [ "$(layers_of "$out")" = "$(skopeo_layers "$@" "$ref")" ]; then
		ok "$desc: layer digests match skopeo"
	else
		not_ok "$desc: layer digests"; diag "$(layers_of "$out") vs $(skopeo_layers "$@" "$ref")"
	fi
}

# --- no auth ------------------------------------------------------------------
if run "$T/deb.out" "$DRIVER" "docker://$R/test/debian:12"; then
	ok "debian:12 from a registry without auth"
	check_image "debian:12" "$T/deb.out" "docker://$R/test/debian:12"
	[ "$(field manifest "$T/deb.out" | cut -f2)" = "$(raw_digest "docker://$R/test/debian:12")" ] &&
		ok "debian:12: manifest digest is the sha256 of skopeo's raw manifest" ||
		not_ok "debian:12: manifest digest"
	[ "$(filesum "$T/deb.out" usr/lib/os-release)" = "$DEB_OS" ] &&
	[ "$(filesum "$T/deb.out" var/lib/dpkg/status)" = "$DEB_STATUS" ] &&
		ok "debian:12: os-release and dpkg status are the bytes tar extracts" ||
		not_ok "debian:12: kept files differ from tar's"
else
	not_ok "debian:12 from a registry without auth"; diag "$(cat "$T/deb.out.err")"
fi

if run "$T/zstd.out" "$DRIVER" "docker://$R/test/debian:12-zstd"; then
	ok "debian:12-zstd (tar+zstd layer)"
	check_image "debian:12-zstd" "$T/zstd.out" "docker://$R/test/debian:12-zstd"
	[ "$(filesum "$T/zstd.out" var/lib/dpkg/status)" = "$DEB_STATUS" ] &&
		ok "debian:12-zstd: dpkg status is the same bytes as in the gzip layer" ||
		not_ok "debian:12-zstd: dpkg status differs"
else
	not_ok "debian:12-zstd"; diag "$(cat "$T/zstd.out.err")"
fi

if run "$T/alp.out" "$DRIVER" "docker://$R/test/alpine:3.20" &&
    [ "$(filesum "$T/alp.out" lib/apk/db/installed)" = "$ALP_DB" ]; then
	ok "alpine:3.20: lib/apk/db/installed is the minirootfs's"
else
	not_ok "alpine:3.20"; diag "$(cat "$T/alp.out.err")"
fi

DIGEST=$(raw_digest "docker://$R/test/debian:12")
if run "$T/dig.out" "$DRIVER" "docker://$R/test/debian@$DIGEST" &&
    [ "$(field manifest "$T/dig.out" | cut -f2)" = "$DIGEST" ]; then
	ok "debian by digest (@$DIGEST)"
else
	not_ok "debian by digest"; diag "$(cat "$T/dig.out.err")"
fi

expect_fail "unknown tag" 3 "manifest nope not found.*MANIFEST_UNKNOWN" \
	"$DRIVER" "docker://$R/test/debian:nope"
expect_fail "unknown repository" 3 "not found" "$DRIVER" "docker://$R/test/nothere:1"
expect_fail "nothing listening" 3 "127.0.0.1:1" "$DRIVER" "docker://127.0.0.1:1/test/x:1"

# --- manifest lists and OCI indexes -------------------------------------------
for fmt in oci v2s2; do
	ref="docker://$R/test/multi:$fmt"
	if run "$T/m.out" "$DRIVER" "$ref"; then
		check_image "index $fmt, default platform linux/amd64" "$T/m.out" "$ref" --override-arch amd64
	else
		not_ok "index $fmt, default platform"; diag "$(cat "$T/m.out.err")"
	fi
	if run "$T/m.out" "$DRIVER" --platform linux/arm64/v8 "$ref"; then
		check_image "index $fmt, --platform linux/arm64/v8" "$T/m.out" "$ref" \
		    --override-arch arm64 --override-variant v8
	else
		not_ok "index $fmt, --platform linux/arm64/v8"; diag "$(cat "$T/m.out.err")"
	fi
	[ "$(field manifest "$T/m.out" | cut -f2)" = "$(raw_digest "$ref")" ] &&
		ok "index $fmt: the image digest is the index's" || not_ok "index $fmt: digest"
	expect_fail "index $fmt: missing platform" 3 "linux/s390x" \
	    "$DRIVER" --platform linux/s390x "$ref"
done

# --- TLS ----------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null
P4=$(free_port)
start_registry tls "$P4" "" "tls: {certificate: $T/tls.crt, key: $T/tls.key}"
expect_fail "TLS registry with an unknown certificate: verified by default" 3 \
	"127.0.0.1:$P4: .*certificate.*--tls-verify=false" "$DRIVER" "docker://127.0.0.1:$P4/test/alpine:3.20"
if run "$T/tls.out" "$DRIVER" --tls-verify false "docker://127.0.0.1:$P4/test/alpine:3.20" &&
    [ "$(filesum "$T/tls.out" lib/apk/db/installed)" = "$ALP_DB" ]; then
	ok "TLS registry with --tls-verify=false"
else
	not_ok "TLS registry with --tls-verify=false"; diag "$(cat "$T/tls.out.err")"
fi

# The registry's own CA from a certs.d directory (--cert-dir; Docker's and
# Podman's layout HOST:PORT/*.crt): verified, no --tls-verify=false.
mkdir -p "$T/certs.d/127.0.0.1:$P4" "$T/other.d/127.0.0.1:$P4" "$T/bad.d/127.0.0.1:$P4"
cp "$T/tls.crt" "$T/certs.d/127.0.0.1:$P4/ca.crt"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/other.key" -out "$T/other.d/127.0.0.1:$P4/ca.crt" 2>/dev/null
echo "not a certificate" >"$T/bad.d/127.0.0.1:$P4/ca.crt"
if run "$T/ca.out" "$HULLSCAN" inventory -q --cert-dir "$T/certs.d" "docker://127.0.0.1:$P4/test/alpine:3.20" &&
    /usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" apk \
    "$FIXTURES/apk/minirootfs-expected/3.20.3.expected_packages.tsv" "$T/ca.out" >/dev/null; then
	ok "TLS registry verified against its CA in --cert-dir"
else
	not_ok "TLS registry with --cert-dir"; diag "$(cat "$T/ca.out.err")"
fi
expect_fail "TLS registry, --cert-dir holding another CA: refused" 3 \
	"127.0.0.1:$P4: .*certificate" "$HULLSCAN" inventory -q --cert-dir "$T/other.d" "docker://127.0.0.1:$P4/test/alpine:3.20"
expect_fail "--cert-dir with a file that is no certificate: named" 3 \
	"bad.d/127.0.0.1:$P4/ca.crt: no PEM certificate" "$HULLSCAN" inventory -q --cert-dir "$T/bad.d" "docker://127.0.0.1:$P4/test/alpine:3.20"

# --- Basic auth (htpasswd) ----------------------------------------------------
htpasswd -Bbc "$T/htpasswd" "$USER1" "$PASS1" 2>/dev/null
P2=$(free_port)
start_registry basic "$P2" "auth: {htpasswd: {realm: hullscan-test, path: $T/htpasswd}}"
RB=127.0.0.1:$P2
if run "$T/b.out" "$DRIVER" --creds "$USER1:$PASS1" "docker://$RB/test/alpine:3.20" &&
    [ "$(filesum "$T/b.out" lib/apk/db/installed)" = "$ALP_DB" ]; then
	ok "Basic auth with --creds"
else
	not_ok "Basic auth with --creds"; diag "$(cat "$T/b.out.err")"
fi
B64=$(printf '%s' "$USER1:$PASS1" | base64 -w0)
mkdir -p "$HOME/.docker"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$RB" "$B64" >"$HOME/.docker/config.json"
run "$T/b.out" "$DRIVER" "docker://$RB/test/alpine:3.20" &&
	ok "Basic auth from ~/.docker/config.json" ||
	{ not_ok "Basic auth from ~/.docker/config.json"; diag "$(cat "$T/b.out.err")"; }
rm "$HOME/.docker/config.json"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$RB" "$B64" >"$T/auth.json"
REGISTRY_AUTH_FILE=$T/auth.json run "$T/b.out" "$DRIVER" "docker://$RB/test/alpine:3.20" &&
	ok "Basic auth from \$REGISTRY_AUTH_FILE" ||
	{ not_ok "Basic auth from \$REGISTRY_AUTH_FILE"; diag "$(cat "$T/b.out.err")"; }
# A Docker credential helper of the test's own (docker-credential-NAME get,
# the server on stdin, JSON out), named by credHelpers and by credsStore.
mkdir -p "$T/bin"
cat >"$T/bin/docker-credential-hstest" <<HELPER
#!/bin/sh
[ "\$1" = get ] || exit 3
read -r server
echo "\$server" >>"$T/helper.log"
[ "\$server" = "$RB" ] || { echo "credentials not found in native keychain"; exit 1; }
printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "\$server" "$USER1" "$PASS1"
HELPER
chmod +x "$T/bin/docker-credential-hstest"
printf '{"auths": {}, "credHelpers": {"%s": "hstest"}}\n' "$RB" >"$T/helper.json"
printf '{"auths": {"%s": {}}, "credsStore": "hstest"}\n' "$RB" >"$T/store.json"
for f in helper store; do
	: >"$T/helper.log"
	if PATH=$T/bin:$PATH REGISTRY_AUTH_FILE=$T/$f.json run "$T/b.out" "$HULLSCAN" inventory -q \
	    "docker://$RB/test/alpine:3.20" && [ "$(cat "$T/helper.log")" = "$RB" ] &&
	    /usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" apk \
	    "$FIXTURES/apk/minirootfs-expected/3.20.3.expected_packages.tsv" "$T/b.out" >/dev/null; then
		ok "Basic auth from a credential helper ($f.json): asked once, for $RB"
	else
		not_ok "Basic auth from a credential helper ($f.json)"; diag "$(cat "$T/b.out.err" "$T/helper.log")"
	fi
done
expect_fail "Basic auth, wrong password" 3 "authentication refused \(HTTP 401" \
	"$DRIVER" --creds "$USER1:wrong-$PASS1" "docker://$RB/test/alpine:3.20"
expect_fail "Basic auth, no credentials" 3 "wants a login" \
	"$DRIVER" "docker://$RB/test/alpine:3.20"

# --- Bearer tokens ------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hullscan-test-token \
	-keyout "$T/token.key" -out "$T/token.crt" 2>/dev/null
TP=$(free_port)
IDTOK=idtok-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
$HELPERS token --port "$TP" --key "$T/token.key" --cert "$T/token.crt" \
	--issuer hullscan-test-issuer --user "$USER1" --password "$TOKPASS" \
	--refresh "$IDTOK" --log "$T/token.log" >"$T/tokensrv.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$TP/token"
P3=$(free_port)
start_registry tokreg "$P3" "auth: {token: {realm: http://127.0.0.1:$TP/token, service: hullscan-test, issuer: hullscan-test-issuer, rootcertbundle: $T/token.crt}}"
RT=127.0.0.1:$P3
: >"$T/token.log"
if run "$T/t.out" "$DRIVER" --repeat 3 --creds "$USER1:$TOKPASS" "docker://$RT/test/debian:12" &&
    [ "$(filesum "$T/t.out" var/lib/dpkg/status)" = "$DEB_STATUS" ]; then
	ok "Bearer token flow with --creds (image read 3 times)"
else
	not_ok "Bearer token flow"; diag "$(cat "$T/t.out.err" "$T/tokensrv.log")"
fi
n=$(grep -c "^token $USER1 repository:test/debian:pull" "$T/token.log" || true)
[ "$n" = 1 ] && ok "one token for 3 reads: reused until it expires" ||
	{ not_ok "token reuse: $n token requests for 3 reads"; diag "$(cat "$T/token.log")"; }
# Short-lived tokens (10 s: hullscan keeps each 5 s) are asked for again once too old.
TP2=$(free_port)
$HELPERS token --port "$TP2" --key "$T/token.key" --cert "$T/token.crt" --expires 10 \
	--issuer hullscan-test-issuer --user "$USER1" --password "$TOKPASS" \
	--log "$T/token2.log" >"$T/tokensrv2.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$TP2/token"
P6=$(free_port)
start_registry tokreg2 "$P6" "auth: {token: {realm: http://127.0.0.1:$TP2/token, service: hullscan-test, issuer: hullscan-test-issuer, rootcertbundle: $T/token.crt}}"
run "$T/t2.out" "$DRIVER" --repeat 2 --creds "$USER1:$TOKPASS" "docker://127.0.0.1:$P6/test/alpine:3.20" || true
run "$T/t3.out" "$DRIVER" --repeat 2 --pause 6000 --creds "$USER1:$TOKPASS" "docker://127.0.0.1:$P6/test/alpine:3.20" || true
n=$(grep -c "^token $USER1" "$T/token2.log" || true)
[ "$n" = 3 ] && ok "a 10 s token: reused within its kept 5 s, asked again after it (3 tokens for 2+2 reads)" ||
	{ not_ok "short tokens: $n token requests, want 3"; diag "$(cat "$T/token2.log" "$T/t2.out.err" "$T/t3.out.err")"; }
expect_fail "Bearer, wrong password" 3 "token server .* refused the credentials \(HTTP 401\)" \
	"$DRIVER" --creds "$USER1:nope" "docker://$RT/test/debian:12"
expect_fail "Bearer, anonymous gets no access" 3 "anonymous access refused \(HTTP 401" \
	"$DRIVER" "docker://$RT/test/debian:12"
# An identity token, as `docker login` keeps it for a token server that gives
# refresh tokens: "auth" holds the user name alone, "identitytoken" the token.
# It is traded for an access token by POST (OAuth2), once per scope.
mkdir -p "$T/idcfg" "$T/idbad" "$T/idhelp"
idconf() {	# idconf DIR REGISTRY TOKEN
	printf '{"auths": {"%s": {"auth": "%s", "identitytoken": "%s"}}}\n' "$2" \
		"$(printf '%s:' "$USER1" | base64 -w0)" "$3" >"$1/config.json"
}
idconf "$T/idcfg" "$RT" "$IDTOK"
: >"$T/token.log"
if DOCKER_CONFIG=$T/idcfg run "$T/id.out" "$HULLSCAN" inventory -q "docker://$RT/test/debian:12" &&
    /usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" dpkg-query \
    "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/id.out" >/dev/null; then
	ok "identity token from config.json: the image read, its packages as expected"
else
	not_ok "identity token from config.json"; diag "$(cat "$T/id.out.err" "$T/token.log")"
fi
[ "$(cat "$T/token.log")" = "refresh $USER1 repository:test/debian:pull client=hullscan" ] &&
	ok "one OAuth2 refresh_token grant for the image (manifest and blobs), no password grant" ||
	{ not_ok "identity token requests"; diag "$(cat "$T/token.log")"; }
# The same token from a credential helper (its "<token>" user name).
cat >"$T/bin/docker-credential-hsid" <<HELPER
#!/bin/sh
read -r server
printf '{"ServerURL":"%s","Username":"<token>","Secret":"%s"}\n' "\$server" "$IDTOK"
HELPER
chmod +x "$T/bin/docker-credential-hsid"
printf '{"credHelpers": {"%s": "hsid"}}\n' "$RT" >"$T/idhelp/config.json"
: >"$T/token.log"
PATH=$T/bin:$PATH DOCKER_CONFIG=$T/idhelp run "$T/idh.out" "$HULLSCAN" inventory -q \
	"docker://$RT/test/debian:12" &&
	grep -q "^refresh $USER1 repository:test/debian:pull client=hullscan$" "$T/token.log" &&
	ok "identity token from a credential helper's <token> answer" ||
	{ not_ok "identity token from a helper"; diag "$(cat "$T/idh.out.err" "$T/token.log")"; }
idconf "$T/idbad" "$RT" "idtok-revoked"
DOCKER_CONFIG=$T/idbad expect_fail "a refused identity token: exit 3, named" 3 \
	"^hullscan: docker://$RT/test/debian:12: $RT: token server http://127.0.0.1:$TP/token refused the identity token \(HTTP 400, invalid_grant\)$" \
	"$HULLSCAN" inventory -q "docker://$RT/test/debian:12"
idconf "$T/idbad" "127.0.0.1:$P6" "$IDTOK"
DOCKER_CONFIG=$T/idbad expect_fail "a token server without OAuth2: exit 3, says so" 3 \
	"token server http://127.0.0.1:$TP2/token does not take identity tokens \(HTTP 404\)" \
	"$HULLSCAN" inventory -q "docker://127.0.0.1:$P6/test/alpine:3.20"
idconf "$T/idbad" "$RB" "$IDTOK"
DOCKER_CONFIG=$T/idbad expect_fail "an identity token for a Basic-auth registry: exit 3, says why" 3 \
	"$RB: the registry wants a user name and password \(Basic\) and its credentials are an identity token" \
	"$HULLSCAN" inventory -q "docker://$RB/test/alpine:3.20"
if grep -qF "$IDTOK" "$ALL"; then not_ok "no identity token in any output"; else
	ok "no identity token in any output"; fi
if grep -q "eyJ" "$ALL"; then not_ok "no token in any output"; else ok "no token in any output"; fi

# --- redirects to blob storage ------------------------------------------------
PX=$(free_port); PB=$(free_port)
$HELPERS proxy --port "$PX" --upstream "$RB" --redirect "$PB" --storage "$STORE" \
	--log "$T/redirect.log" >"$T/redirect.err" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PX/v2/"
if run "$T/r.out" "$DRIVER" --creds "$USER1:$PASS1" "docker://127.0.0.1:$PX/test/alpine:3.20" &&
    [ "$(filesum "$T/r.out" lib/apk/db/installed)" = "$ALP_DB" ]; then
	ok "blob redirected to another host is read"
else
	not_ok "blob redirect"; diag "$(cat "$T/r.out.err" "$T/redirect.log")"
fi
if grep -q "/blobs/.* auth=yes" "$T/redirect.log" && grep -q "^blobserver .* auth=no" "$T/redirect.log" &&
    ! grep -q "^blobserver .* auth=yes" "$T/redirect.log"; then
	ok "credentials go to the registry, never to the blob host"
else
	not_ok "credentials sent across the redirect"; diag "$(cat "$T/redirect.log")"
fi

# --- broken transfers ---------------------------------------------------------
PC=$(free_port)
$HELPERS proxy --port "$PC" --upstream "$R" --cut-after 5000000 --log "$T/cut.log" >"$T/cut.err" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PC/v2/"
if run "$T/c.out" "$DRIVER" "docker://127.0.0.1:$PC/test/debian:12" &&
    [ "$(filesum "$T/c.out" var/lib/dpkg/status)" = "$DEB_STATUS" ]; then
	ok "a transfer cut after 5 MB is resumed and the layer checks out"
else
	not_ok "resume after a cut"; diag "$(cat "$T/c.out.err" "$T/cut.log")"
fi
grep -q "range=bytes=5000000-" "$T/cut.log" && ok "resumed with Range: bytes=5000000-" ||
	{ not_ok "no Range request after the cut"; diag "$(cat "$T/cut.log")"; }

# A registry that dies during a slow pull: a clear error, in bounded time.
P5=$(free_port)
start_registry dying "$P5"
PS=$(free_port)
$HELPERS proxy --port "$PS" --upstream "127.0.0.1:$P5" --rate 4000000 --log "$T/slow.log" >"$T/slow.err" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PS/v2/"
# Killed once the layer's transfer has begun (the proxy logs the request),
# not after a guessed delay: a slow start must not turn it into another case.
( wait_for 60 grep -q "GET /v2/test/debian/blobs/sha256:3370" "$T/slow.log"; sleep 1
  kill "$dying_PID" ) &
start=$(date +%s)
expect_fail "registry killed mid-transfer" 3 "layer sha256:3370.*(HTTP 502|Connection refused|after)" \
	"$DRIVER" "docker://127.0.0.1:$PS/test/debian:12"
took=$(( $(date +%s) - start ))
[ "$took" -lt 60 ] && ok "gave up after ${took}s (retries with backoff, bounded)" ||
	not_ok "took ${took}s to give up"

# --- end to end through the CLI ------------------------------------------------
CMP="/usr/bin/python3 $top_srcdir/tests/cmp-inventory.py"
if run "$T/inv.tsv" "$HULLSCAN" inventory -q "docker://$R/test/debian:12" &&
    $CMP dpkg-query "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/inv.tsv" >"$T/cmp"; then
	ok "hullscan inventory docker://…/test/debian:12 ($(tail -1 "$T/cmp"))"
else
	not_ok "hullscan inventory docker:// debian"; diag "$(cat "$T/inv.tsv.err" "$T/cmp" 2>/dev/null | head)"
fi
if run "$T/inv.tsv" "$HULLSCAN" inventory -q "docker://$R/test/multi:oci" &&
    $CMP dpkg-query "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/inv.tsv" >"$T/cmp"; then
	ok "hullscan inventory of an OCI index picks linux/amd64 ($(tail -1 "$T/cmp"))"
else
	not_ok "hullscan inventory docker:// index"; diag "$(cat "$T/inv.tsv.err" "$T/cmp" 2>/dev/null | head)"
fi
if REGISTRY_AUTH_FILE=$T/auth.json run "$T/inv.tsv" "$HULLSCAN" inventory -q "docker://$RB/test/alpine:3.20" &&
    $CMP apk "$FIXTURES/apk/minirootfs-expected/3.20.3.expected_packages.tsv" "$T/inv.tsv" >"$T/cmp"; then
	ok "hullscan inventory with Basic auth from \$REGISTRY_AUTH_FILE ($(tail -1 "$T/cmp"))"
else
	not_ok "hullscan inventory with Basic auth"; diag "$(cat "$T/inv.tsv.err" "$T/cmp" 2>/dev/null | head)"
fi
# Four images at once (threads), one behind Basic auth: every one scanned.
if REGISTRY_AUTH_FILE=$T/auth.json run "$T/scan.out" "$HULLSCAN" scan --no-match --jobs 4 \
    --json "$T/report.json" "docker://$R/test/debian:12" "docker://$R/test/debian:12-zstd" \
    "docker://$RB/test/alpine:3.20" "docker://$R/test/multi:v2s2"; then
	ok "hullscan scan --jobs 4 over four registry images"
else
	not_ok "hullscan scan --jobs 4"; diag "$(cat "$T/scan.out.err" | head)"
fi
# A list of images on one plain-HTTP registry (one of its own, logging each
# request, on the shared storage): TLS is tried for the first image only
# (each try reads the CA bundle), the three images' requests share one
# connection, every image is scanned.
P7=$(free_port)
cat >"$T/conn.yml" <<YML
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $STORE}}
http: {addr: 127.0.0.1:$P7}
YML
docker-registry serve "$T/conn.yml" >"$T/conn.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$P7/v2/"
RC=127.0.0.1:$P7
: >"$T/conn.log"
if run "$T/scan3.out" "$HULLSCAN" scan -v --no-match --jobs 1 --no-cache \
    --json "$T/report3.json" "docker://$RC/test/debian:12" "docker://$RC/test/debian:12-zstd" \
    "docker://$RC/test/alpine:3.20" &&
    [ "$(grep -c "trying plain HTTP" "$T/scan3.out.err")" = 1 ] &&
    [ "$(/usr/bin/python3 -c 'import json,sys; print(len([i for i in json.load(open(sys.argv[1]))["images"] if i.get("packages")]))' "$T/report3.json")" = 3 ]; then
	ok "three images from a plain-HTTP registry: one TLS try, three scanned"
else
	not_ok "three images from a plain-HTTP registry"
	diag "$(grep -c "trying plain HTTP" "$T/scan3.out.err") TLS tries; $(head -c 600 "$T/scan3.out.err")"
fi
# (The TLS try leaves raw bytes in the log: printable characters only.)
tr -c '[:print:]\n' ' ' <"$T/conn.log" | grep 'msg="response completed"' >"$T/conn.txt" || true
conns=$(grep -o 'remoteaddr="\?[0-9.:]*' "$T/conn.txt" | sort -u | wc -l)
reqs=$(wc -l <"$T/conn.txt")
if [ "$conns" -eq 1 ] && [ "$reqs" -ge 9 ]; then
	ok "three images: $reqs requests over one connection"
else
	not_ok "three images: $reqs requests over $conns connections (want 1)"
	diag "$(head -2 "$T/conn.txt")"
fi
cat "$T/report.json" >>"$ALL" 2>/dev/null || true
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$RB" "$(printf '%s' "$USER1:bad-$PASS1" | base64 -w0)" >"$T/bad-auth.json"
if REGISTRY_AUTH_FILE=$T/bad-auth.json run "$T/scan.out" "$HULLSCAN" scan --no-match \
    --json "$T/report-bad.json" "docker://$RB/test/alpine:3.20"; then
	not_ok "hullscan scan with a wrong password should exit 3"
elif grep -q "authentication refused" "$T/scan.out.err" && grep -q "authentication refused" "$T/report-bad.json"; then
	ok "hullscan scan, wrong password: exit 3, the refusal in stderr and the report"
else
	not_ok "hullscan scan, wrong password"; diag "$(cat "$T/scan.out.err")"
fi
cat "$T/report-bad.json" >>"$ALL" 2>/dev/null || true
BAD64=$(printf '%s' "$USER1:bad-$PASS1" | base64 -w0)

# --- registry mirrors -----------------------------------------------------------
# A real pull-through cache (the registry's proxy mode, its own storage) in
# front of $R; a plain registry of its own holding Docker Hub's library/debian
# (the network here reaches no Docker Hub: the mirror alone must serve it); a
# closed port. Each logs its requests (level info).
mirror_yml() {	# mirror_yml NAME PORT [EXTRA-YAML]
	mkdir -p "$T/$1-store"
	cat >"$T/$1.yml" <<YML
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $T/$1-store}}
http: {addr: 127.0.0.1:$2}
${3:-}
YML
	docker-registry serve "$T/$1.yml" >"$T/$1.log" 2>&1 &
	at_exit "kill $! 2>/dev/null"
	wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$2/v2/" || diag "registry $1 did not start"
}
requests() {	# requests LOG: manifest and blob GETs the registry answered
	tr -c '[:print:]\n' ' ' <"$1" | grep 'msg="response completed"' |
		grep -c 'http.request.method=GET .*http.request.uri="\?/v2/.*/\(manifests\|blobs\)/' || true
}
PM=$(free_port); PH=$(free_port); PX0=$(free_port)
mirror_yml pullthrough "$PM" "proxy: {remoteurl: http://$R}"
mirror_yml hub "$PH"
skopeo copy -q --dest-tls-verify=false "oci:$DEB:12" "docker://127.0.0.1:$PH/library/debian:12"
: >"$T/pullthrough.log"
if run "$T/m.out" "$HULLSCAN" inventory -q --no-cache --registry-mirror "$R=http://127.0.0.1:$PM" \
    "docker://$R/test/debian:12" &&
    /usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" dpkg-query \
    "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/m.out" >/dev/null &&
    [ "$(requests "$T/pullthrough.log")" -ge 3 ] && [ ! -s "$T/m.out.err" ]; then
	ok "through a pull-through mirror of $R: debian-12's packages; manifest, config and layer from the mirror ($(requests "$T/pullthrough.log") GETs)"
else
	not_ok "pull-through mirror"; diag "$(cat "$T/m.out.err"; requests "$T/pullthrough.log")"
fi
if run "$T/m.out" "$HULLSCAN" inventory -q --registry-mirror "http://127.0.0.1:$PH" \
    "debian:12" && /usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" dpkg-query \
    "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/m.out" >/dev/null; then
	ok "debian:12 through a Docker Hub mirror (no HOST=): served by the mirror alone"
else
	not_ok "Docker Hub mirror"; diag "$(cat "$T/m.out.err")"
fi
# A mirror that is down, then one that does not hold the image: a warning
# each, and the image from $R, whole.
: >"$T/hub.log"
if run "$T/m.out" "$HULLSCAN" inventory -q --registry-mirror "$R=http://127.0.0.1:$PX0" \
    --registry-mirror "$R=127.0.0.1:$PH" "docker://$R/test/debian:12" &&
    /usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" dpkg-query \
    "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/m.out" >/dev/null &&
    [ "$(grep -c "^hullscan: warning: docker://$R/test/debian:12: mirror 127.0.0.1:$PX0: .*; not asked again in this run, trying the next$" "$T/m.out.err")" = 1 ] &&
    [ "$(grep -c "^hullscan: warning: docker://$R/test/debian:12: mirror 127.0.0.1:$PH: .*not found.*; trying the next$" "$T/m.out.err")" = 1 ] &&
    [ "$(wc -l <"$T/m.out.err")" = 2 ]; then
	ok "a mirror down and one without the image: a warning each, the image from $R"
else
	not_ok "failing mirrors"; diag "$(cat "$T/m.out.err")"
fi
# A mirror that is down is asked once in a run, not once per image.
if run "$T/m.out" "$HULLSCAN" scan -q --no-match --no-history --jobs 1 \
    --registry-mirror "$R=http://127.0.0.1:$PX0" "docker://$R/test/debian:12" \
    "docker://$R/test/alpine:3.20" "docker://$R/test/debian:12-zstd" &&
    [ "$(grep -c "mirror 127.0.0.1:$PX0" "$T/m.out.err")" = 1 ] && [ "$(wc -l <"$T/m.out.err")" = 1 ]; then
	ok "three images, the mirror down: one warning, three images scanned from $R"
else
	not_ok "a down mirror over three images"; diag "$(cat "$T/m.out.err")"
fi
expect_fail "mirror and registry both failing: exit 3, the registry's error" 3 \
	"^(hullscan: )?(error: )?docker://127.0.0.1:$PX0/test/debian:12: .*(Connection refused|connect)" \
	"$HULLSCAN" inventory -q --registry-mirror "127.0.0.1:$PX0=127.0.0.1:$PH" \
	"docker://127.0.0.1:$PX0/test/debian:12"
for bad in "ftp://127.0.0.1:$PM" "http://user@127.0.0.1:$PM" "http://127.0.0.1:$PM/v2" "$R/x=127.0.0.1:$PM" ""; do
	expect_fail "--registry-mirror '$bad': exit 2, one line" 2 "^hullscan: --registry-mirror" \
		"$HULLSCAN" inventory -q --registry-mirror "$bad" "docker://$R/test/debian:12"
done

# --- corrupt blob (last: it damages the shared storage) ----------------------
ALP_LAYER=$(skopeo_layers "docker://$R/test/alpine:3.20" | head -1 | cut -d: -f2)
BLOB=$STORE/docker/registry/v2/blobs/sha256/${ALP_LAYER:0:2}/$ALP_LAYER/data
printf 'XXXXXXXX' | dd of="$BLOB" bs=1 seek=100000 conv=notrunc 2>/dev/null
expect_fail "blob whose content does not match its digest" 3 \
	"layer sha256:$ALP_LAYER.*(digest|sha256)" "$DRIVER" "docker://$R/test/alpine:3.20"

# --- secrets ------------------------------------------------------------------
for s in "$PASS1" "$TOKPASS" "$B64" "$BAD64"; do
	if grep -qF -- "$s" "$ALL"; then not_ok "a secret appears in the output"; else
		ok "secret ${s:0:3}… never appears in stdout or stderr"; fi
done

done_testing
