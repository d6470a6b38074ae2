#!/bin/bash
# docker-daemon: against Podman's Docker-compatible service on a unix socket
# in the test's temp dir: images loaded through the Engine API (as `docker
# load` does), then read back with GET /images/{name}/get. Answers come from
# the engine's own image list, skopeo and tar, and the fixtures' package list.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd podman skopeo curl /usr/bin/python3 nginx openssl

DRIVER=$top_builddir/tests/test-registry
DEB=$FIXTURES/images/debian-12
ALPINE_TGZ=$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz
SOCK=$T/pod.sock
API="curl -s --max-time 60 --unix-socket $SOCK"

podman --root "$T/root" --runroot "$T/run" --storage-driver vfs \
	system service --time=0 "unix://$SOCK" >"$T/podman.log" 2>&1 &
at_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
if ! wait_for 30 $API http://d/_ping; then
	echo "not ok 1 - podman's service did not start"; cat "$T/podman.log"; echo "1..1"; exit 1
fi
export DOCKER_HOST=unix://$SOCK
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp

# Load: debian-12 as `docker save` writes it, and Alpine's minirootfs.
skopeo copy -q "oci:$DEB:12" "docker-archive:$T/deb.tar:test/debian:12"
mkdir -p "$T/alp"
cat >"$T/alp/Dockerfile" <<'DF'
FROM scratch
ADD rootfs.tar /
DF
zcat "$ALPINE_TGZ" >"$T/alp/rootfs.tar"
for tar in "$T/deb.tar"; do
	$API -X POST -H 'Content-Type: application/x-tar' -T "$tar" http://d/images/load >"$T/load.out"
done
# Alpine through the engine's own build API would need a runtime; build it
# with buildah instead (the same storage) so the engine lists it.
buildah --root "$T/root" --runroot "$T/run" --storage-driver vfs \
	bud -q -t test/alpine:3.20 "$T/alp" >/dev/null 2>"$T/bud.err" || true

image_id() { $API "http://d/images/$1/json" |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Id"])'; }
tar_sum() { echo "sha256:$(tar -xOf "$1" --wildcards "$2" "./$2" 2>/dev/null | sha256sum | cut -d' ' -f1)"; }
filesum() { awk -F'\t' -v p="$2" '$1 == "file" && $3 == p { print $6 }' "$1"; }
DEB_BLOB=$DEB/blobs/sha256/$(skopeo inspect "oci:$DEB:12" |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Layers"][0].split(":")[1])')
DIFF_IDS=$(skopeo inspect --config "oci:$DEB:12" |
	/usr/bin/python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["rootfs"]["diff_ids"]))')

if expect_status "docker-daemon:test/debian:12 is read" 0 "$DRIVER" docker-daemon:test/debian:12; then
	cp "$T/out" "$T/deb.out"
fi
ID=$(image_id test/debian:12)
[ "$(awk -F'\t' '$1 == "config" { print $2 }' "$T/deb.out")" = "$ID" ] &&
	ok "config digest is the engine's image ID ($ID)" || not_ok "config digest vs image ID $ID"
[ "$(awk -F'\t' '$1 == "layer" { print $4 }' "$T/deb.out")" = "$DIFF_IDS" ] &&
	ok "layer diff_ids are the image config's" || not_ok "diff_ids"
[ "$(filesum "$T/deb.out" var/lib/dpkg/status)" = "$(tar_sum "$DEB_BLOB" var/lib/dpkg/status)" ] &&
	ok "dpkg status is the bytes tar extracts from the original layer" || not_ok "dpkg status"

expect_status "by image ID (docker-daemon:$ID)" 0 "$DRIVER" "docker-daemon:$ID"

if grep -q . "$T/bud.err" && ! image_id test/alpine:3.20 >/dev/null 2>&1; then
	skip "alpine: buildah could not build it here ($(head -c 200 "$T/bud.err"))"
else
	expect_status "docker-daemon:test/alpine:3.20 is read" 0 "$DRIVER" docker-daemon:test/alpine:3.20
	[ "$(filesum "$T/out" lib/apk/db/installed)" = "$(tar_sum "$T/alp/rootfs.tar" lib/apk/db/installed)" ] &&
		ok "alpine: lib/apk/db/installed is the minirootfs's" || not_ok "alpine: apk db"
fi

expect_status "unknown image" 3 "$DRIVER" docker-daemon:test/nothere:1
grep -q "the engine at unix://$SOCK: .*(HTTP 404)" "$T/err" && ok "unknown image: $(cat "$T/err")" ||
	{ not_ok "unknown image message"; diag "$(cat "$T/err")"; }
DOCKER_HOST=unix://$T/none.sock expect_status "no engine at the socket" 3 \
	"$DRIVER" docker-daemon:test/debian:12
grep -q "cannot get the image from the engine at unix://$T/none.sock" "$T/err" &&
	ok "no engine: $(cat "$T/err")" || { not_ok "no engine message"; diag "$(cat "$T/err")"; }
DOCKER_HOST=ssh://user@host expect_status "DOCKER_HOST=ssh:// refused" 3 \
	"$DRIVER" docker-daemon:test/debian:12
grep -q "DOCKER_HOST=ssh://user@host: not unix://PATH or tcp://HOST:PORT" "$T/err" &&
	ok "ssh:// named: $(cat "$T/err")" || { not_ok "ssh:// message"; diag "$(cat "$T/err")"; }

# Docker contexts, as the CLI finds one when DOCKER_HOST is not set:
# $DOCKER_CONTEXT, else config.json's currentContext. Made with the docker
# CLI when it is installed, else written in the files `docker context create`
# writes (contexts/meta/SHA256(NAME)/meta.json, contexts/tls/SHA256(NAME)/docker).
mkctx() {	# mkctx CONFIGDIR NAME HOST [TLSDIR [SKIPVERIFY]]
	local dir=$1 name=$2 host=$3 tls=${4:-} skip=${5:-false} spec h
	mkdir -p "$dir"
	if command -v docker >/dev/null 2>&1; then
		spec="host=$host"
		[ -n "$tls" ] && [ -e "$tls/ca.pem" ] && spec="$spec,ca=$tls/ca.pem"
		[ -n "$tls" ] && [ -e "$tls/cert.pem" ] && spec="$spec,cert=$tls/cert.pem,key=$tls/key.pem"
		[ "$skip" = true ] && spec="$spec,skip-tls-verify=true"
		env -u DOCKER_HOST DOCKER_CONFIG="$dir" docker context create "$name" \
			--docker "$spec" >/dev/null 2>&1 || diag "docker context create $name failed"
	else
		h=$(printf %s "$name" | sha256sum | cut -d' ' -f1)
		mkdir -p "$dir/contexts/meta/$h"
		printf '{"Name":"%s","Metadata":{},"Endpoints":{"docker":{"Host":"%s","SkipTLSVerify":%s}}}' \
			"$name" "$host" "$skip" >"$dir/contexts/meta/$h/meta.json"
		if [ -n "$tls" ]; then
			mkdir -p "$dir/contexts/tls/$h/docker"
			cp "$tls"/*.pem "$dir/contexts/tls/$h/docker/"
		fi
	fi
}
CTX=$T/ctx
nohost() {	# nohost CMD...: CMD without DOCKER_HOST, so a context is looked for
	local _h=$DOCKER_HOST _rc=0
	unset DOCKER_HOST
	"$@" || _rc=$?
	export DOCKER_HOST=$_h
	return $_rc
}
command -v docker >/dev/null 2>&1 && made="the docker CLI" || made="hand, in its format"
mkctx "$CTX" ci-unix "unix://$SOCK"
mkctx "$CTX" ci-gone "unix://$T/none.sock"
mkctx "$CTX" ci-ssh "ssh://user@host"
DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=ci-unix nohost expect_status \
	"DOCKER_CONTEXT=ci-unix (made by $made)" 0 "$DRIVER" docker-daemon:test/debian:12
cmp -s <(grep -E '^(config|layer|file)' "$T/out") <(grep -E '^(config|layer|file)' "$T/deb.out") &&
	ok "context: the same config, layers and files as through DOCKER_HOST" ||
	not_ok "context: a different image"
printf '{"auths": {}, "currentContext": "ci-unix"}\n' >"$CTX/config.json"
DOCKER_CONFIG="$CTX" nohost expect_status "config.json's currentContext" 0 \
	"$DRIVER" docker-daemon:test/debian:12
printf '{"currentContext": "ci-gone"}\n' >"$CTX/config.json"
DOCKER_CONFIG="$CTX" nohost expect_status "currentContext's engine is not there: exit 3" 3 \
	"$DRIVER" docker-daemon:test/debian:12
grep -q "engine at unix://$T/none.sock (Docker context ci-gone)" "$T/err" &&
	ok "the context is named: $(head -c 200 "$T/err")" || { not_ok "context message"; diag "$(cat "$T/err")"; }
DOCKER_CONFIG=$CTX expect_status "DOCKER_HOST wins over currentContext" 0 \
	"$DRIVER" docker-daemon:test/debian:12
DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=ci-unix nohost expect_status \
	"DOCKER_CONTEXT wins over currentContext" 0 "$DRIVER" docker-daemon:test/debian:12
DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=default nohost expect_status \
	"DOCKER_CONTEXT=default: the default socket" 3 "$DRIVER" docker-daemon:test/debian:12
grep -q "engine at unix:///var/run/docker.sock: " "$T/err" &&
	ok "default context: /var/run/docker.sock named" || { not_ok "default context"; diag "$(cat "$T/err")"; }
DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=nosuch nohost expect_status \
	"an unknown context: exit 3" 3 "$DRIVER" docker-daemon:test/debian:12
grep -q "Docker context \"nosuch\" (from DOCKER_CONTEXT) not found: no $CTX/contexts/meta/[0-9a-f]\{64\}/meta.json" "$T/err" &&
	ok "unknown context: one line naming it and the file: $(head -c 200 "$T/err")" ||
	{ not_ok "unknown context message"; diag "$(cat "$T/err")"; }
DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=ci-ssh nohost expect_status \
	"an ssh:// context: exit 3" 3 "$DRIVER" docker-daemon:test/debian:12
grep -q "Docker context \"ci-ssh\": Host ssh://user@host: not unix://PATH or tcp://HOST:PORT" "$T/err" &&
	ok "ssh:// context named: $(cat "$T/err")" || { not_ok "ssh:// context message"; diag "$(cat "$T/err")"; }
echo '{"currentContext": ' >"$CTX/config.json"
DOCKER_CONFIG="$CTX" nohost expect_status "a malformed config.json: exit 3" 3 \
	"$DRIVER" docker-daemon:test/debian:12
grep -q "$CTX/config.json: not a JSON object" "$T/err" &&
	ok "malformed config.json named" || { not_ok "malformed config.json message"; diag "$(cat "$T/err")"; }
rm -f "$CTX/config.json"

# The same engine on a loopback TCP port (DOCKER_HOST=tcp://, plain HTTP).
TPORT=$(free_port)
podman --root "$T/root" --runroot "$T/run" --storage-driver vfs \
	system service --time=0 "tcp://127.0.0.1:$TPORT" >"$T/podman-tcp.log" 2>&1 &
at_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
if wait_for 30 curl -s -o /dev/null "http://127.0.0.1:$TPORT/_ping"; then
	DOCKER_HOST=tcp://127.0.0.1:$TPORT expect_status "DOCKER_HOST=tcp://127.0.0.1:$TPORT" 0 \
		"$DRIVER" docker-daemon:test/debian:12
	cmp -s <(grep -E '^(config|layer|file)' "$T/out") <(grep -E '^(config|layer|file)' "$T/deb.out") &&
		ok "tcp://: the same config, layers and files as over the unix socket" ||
		not_ok "tcp://: a different image"
	DOCKER_HOST=tcp://127.0.0.1:$TPORT expect_status "tcp://: unknown image" 3 \
		"$DRIVER" docker-daemon:test/nothere:1
	grep -q "the engine at tcp://127.0.0.1:$TPORT: .*(HTTP 404)" "$T/err" &&
		ok "tcp://: unknown image named: $(cat "$T/err")" || { not_ok "tcp:// 404 message"; diag "$(cat "$T/err")"; }

	# TLS as dockerd --tlsverify serves it (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH
	# with ca.pem, cert.pem, key.pem): nginx terminates TLS in front of the
	# TCP service and admits only clients with a certificate from the CA.
	C=$T/tls
	mkdir -p "$C/client" "$C/nginx"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca \
		-keyout "$C/ca.key" -out "$C/client/ca.pem" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$C/server.key" \
		-out "$C/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' >"$C/san.ext"
	openssl x509 -req -in "$C/server.csr" -CA "$C/client/ca.pem" -CAkey "$C/ca.key" \
		-CAcreateserial -days 2 -extfile "$C/san.ext" -out "$C/server.pem" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout "$C/client/key.pem" \
		-out "$C/client.csr" 2>/dev/null
	openssl x509 -req -in "$C/client.csr" -CA "$C/client/ca.pem" -CAkey "$C/ca.key" \
		-CAcreateserial -days 2 -out "$C/client/cert.pem" 2>/dev/null
	mkdir -p "$C/nocert"
	cp "$C/client/ca.pem" "$C/nocert/ca.pem"
	SPORT=$(free_port)
	cat >"$C/nginx/n.conf" <<NGINX
daemon off; pid $C/nginx/nginx.pid; error_log $C/nginx/err;
events {}
http {
	access_log $C/nginx/access;
	client_body_temp_path $C/nginx/body; proxy_temp_path $C/nginx/proxy;
	fastcgi_temp_path $C/nginx/fcgi; uwsgi_temp_path $C/nginx/uwsgi; scgi_temp_path $C/nginx/scgi;
	server {
		listen 127.0.0.1:$SPORT ssl;
		ssl_certificate $C/server.pem; ssl_certificate_key $C/server.key;
		ssl_client_certificate $C/client/ca.pem; ssl_verify_client on;
		location / { proxy_pass http://127.0.0.1:$TPORT; proxy_buffering off; proxy_http_version 1.1; }
	}
}
NGINX
	nginx -c "$C/nginx/n.conf" -p "$C/nginx" >"$C/nginx/out" 2>&1 &
	at_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	if wait_for 20 curl -s -o /dev/null --cacert "$C/client/ca.pem" --cert "$C/client/cert.pem" \
	    --key "$C/client/key.pem" "https://127.0.0.1:$SPORT/_ping"; then
		DOCKER_HOST=tcp://127.0.0.1:$SPORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C/client \
			expect_status "DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY and a client certificate" 0 \
			"$HULLSCAN" inventory -q docker-daemon:test/debian:12
		/usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" dpkg-query \
		    "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/out" >"$T/cmp" &&
			ok "TLS engine: debian-12's packages ($(tail -1 "$T/cmp"))" ||
			{ not_ok "TLS engine: packages differ"; diag "$(head -5 "$T/cmp")"; }
		DOCKER_HOST=tcp://127.0.0.1:$SPORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C/nocert \
			expect_status "TLS engine, no client certificate: exit 3" 3 \
			"$HULLSCAN" inventory -q docker-daemon:test/debian:12
		grep -q "tcp://127.0.0.1:$SPORT (TLS): .*No required SSL certificate was sent (HTTP 400)" "$T/err" &&
			ok "no client certificate: the engine and its answer named: $(head -c 200 "$T/err")" ||
			{ not_ok "no client certificate message"; diag "$(cat "$T/err")"; }
		DOCKER_HOST=tcp://127.0.0.1:$SPORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$T/empty \
			expect_status "DOCKER_TLS_VERIFY without ca.pem: exit 3" 3 \
			"$HULLSCAN" inventory -q docker-daemon:test/debian:12
		grep -q "DOCKER_TLS_VERIFY is set but $T/empty/ca.pem" "$T/err" &&
			ok "DOCKER_TLS_VERIFY without ca.pem: named" || { not_ok "missing ca.pem message"; diag "$(cat "$T/err")"; }
		# Another CA's engine certificate is refused; DOCKER_TLS alone does not verify.
		mkdir -p "$C/otherca"
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
			-keyout "$C/otherca/ca.key" -out "$C/otherca/ca.pem" 2>/dev/null
		cp "$C/client/cert.pem" "$C/client/key.pem" "$C/otherca/"
		DOCKER_HOST=tcp://127.0.0.1:$SPORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$C/otherca \
			expect_status "TLS engine whose certificate another CA signed: exit 3" 3 \
			"$HULLSCAN" inventory -q docker-daemon:test/debian:12
		grep -qi "certificate" "$T/err" && ok "another CA: a certificate error" ||
			{ not_ok "another CA message"; diag "$(cat "$T/err")"; }
		DOCKER_HOST=tcp://127.0.0.1:$SPORT DOCKER_TLS=1 DOCKER_CERT_PATH=$C/otherca \
			expect_status "DOCKER_TLS without verification" 0 \
			"$HULLSCAN" inventory -q docker-daemon:test/debian:12
		# The same through contexts holding the TLS files.
		mkctx "$CTX" ci-tls "tcp://127.0.0.1:$SPORT" "$C/client"
		mkctx "$CTX" ci-tls-nocert "tcp://127.0.0.1:$SPORT" "$C/nocert"
		mkctx "$CTX" ci-tls-other "tcp://127.0.0.1:$SPORT" "$C/otherca"
		mkctx "$CTX" ci-tls-skip "tcp://127.0.0.1:$SPORT" "$C/otherca" true
		DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=ci-tls nohost expect_status \
			"a TLS context with ca, cert and key" 0 "$HULLSCAN" inventory -q docker-daemon:test/debian:12
		/usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" dpkg-query \
		    "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/out" >"$T/cmp" &&
			ok "TLS context: debian-12's packages ($(tail -1 "$T/cmp"))" ||
			{ not_ok "TLS context: packages differ"; diag "$(head -5 "$T/cmp")"; }
		DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=ci-tls-nocert nohost expect_status \
			"a TLS context without a client certificate: exit 3" 3 \
			"$HULLSCAN" inventory -q docker-daemon:test/debian:12
		grep -q "tcp://127.0.0.1:$SPORT (Docker context ci-tls-nocert, TLS): .*No required SSL certificate was sent (HTTP 400)" "$T/err" &&
			ok "TLS context, no client certificate: named: $(head -c 200 "$T/err")" ||
			{ not_ok "TLS context, no client certificate message"; diag "$(cat "$T/err")"; }
		DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=ci-tls-other nohost expect_status \
			"a TLS context whose ca.pem did not sign the engine: exit 3" 3 \
			"$HULLSCAN" inventory -q docker-daemon:test/debian:12
		grep -qi "certificate" "$T/err" && ok "TLS context, another CA: a certificate error" ||
			{ not_ok "TLS context, another CA message"; diag "$(cat "$T/err")"; }
		DOCKER_CONFIG="$CTX" DOCKER_CONTEXT=ci-tls-skip nohost expect_status \
			"the same with SkipTLSVerify" 0 "$HULLSCAN" inventory -q docker-daemon:test/debian:12
	else
		not_ok "nginx TLS proxy on 127.0.0.1:$SPORT did not start"; diag "$(cat "$C/nginx/err" "$C/nginx/out")"
	fi
else
	not_ok "podman's service on tcp://127.0.0.1:$TPORT did not start"; diag "$(cat "$T/podman-tcp.log")"
fi
[ -z "$(ls -A "$T/tmp")" ] && ok "nothing written to \$TMPDIR (the export is streamed)" ||
	{ not_ok "files left in \$TMPDIR"; diag "$(ls -la "$T/tmp")"; }

# The layer cache: the second export's layer is found by its name, not read.
expect_status "with a cache, cold" 0 "$DRIVER" --cache "$T/layers.db" docker-daemon:test/debian:12
expect_status "with a cache, warm" 0 "$DRIVER" --cache "$T/layers.db" docker-daemon:test/debian:12
grep -q "^cache	hits 1	misses 0	puts 0" "$T/out" && cmp -s <(grep '^file' "$T/out") <(grep '^file' "$T/deb.out") &&
	ok "warm export: the layer comes from the cache, the same files" ||
	{ not_ok "warm export"; diag "$(grep '^cache' "$T/out")"; }

# A stand-in engine on another socket serving archives as Docker streams them:
# trivy's real `docker save` of alpine 3.11, a Docker 25 style export (OCI
# blobs/, legacy symlinks) built from debian-12's blobs, and a cut export.
cat >"$T/engine.py" <<'PY'
import gzip, hashlib, io, json, os, socketserver, sys, tarfile
from http.server import BaseHTTPRequestHandler
sock, trivy, oci = sys.argv[1:4]

def docker25():
    idx = json.load(open(os.path.join(oci, "index.json")))
    man = [m for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == "12"][0]
    blob = lambda d: open(os.path.join(oci, "blobs/sha256", d.split(":")[1]), "rb").read()
    m = json.loads(blob(man["digest"]))
    cfg = blob(m["config"]["digest"])
    out = io.BytesIO()
    t = tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT)
    def add(name, data):
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
    layers = []
    for l in m["layers"]:
        raw = gzip.decompress(blob(l["digest"]))
        h = hashlib.sha256(raw).hexdigest()
        add("blobs/sha256/" + h, raw)
        i = tarfile.TarInfo("legacy" + h[:8] + "/layer.tar"); i.type = tarfile.SYMTYPE
        i.linkname = "../blobs/sha256/" + h; t.addfile(i)
        layers.append("legacy" + h[:8] + "/layer.tar")
    add("blobs/sha256/" + m["config"]["digest"].split(":")[1], cfg)
    add("manifest.json", json.dumps([{"Config": "blobs/sha256/" + m["config"]["digest"].split(":")[1],
        "RepoTags": ["test/d25:1"], "Layers": layers}]).encode())
    add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    t.close()
    return out.getvalue()

class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.startswith("/images/alpine:3.11/get"):
            body = gzip.decompress(open(trivy, "rb").read())
        elif self.path.startswith("/images/test/d25:1/get"):
            body = docker25()
        elif self.path.startswith("/images/cut:1/get"):
            body = gzip.decompress(open(trivy, "rb").read())
            self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
            self.wfile.write(body[:len(body) // 2]); self.wfile.flush()
            self.connection.shutdown(2); return
        else:
            b = b'{"message":"No such image"}'
            self.send_response(404); self.send_header("Content-Length", str(len(b))); self.end_headers()
            self.wfile.write(b); return
        self.send_response(200); self.send_header("Content-Type", "application/x-tar")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)

class S(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    def get_request(self):
        r, _ = super().get_request(); return r, ("local", 0)
S(sock, H).serve_forever()
PY
/usr/bin/python3 "$T/engine.py" "$T/fake.sock" "$FIXTURES/images/trivy-docker-archive/alpine-311.tar.gz" "$DEB" \
	>"$T/engine.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 test -S "$T/fake.sock"
CMP="/usr/bin/python3 $top_srcdir/tests/cmp-inventory.py"
if DOCKER_HOST=unix://$T/fake.sock "$HULLSCAN" inventory -q docker-daemon:alpine:3.11 >"$T/inv.tsv" 2>"$T/err" &&
    $CMP trivy "$FIXTURES/images/trivy-docker-archive/alpine-311.expected_packages_trivy.tsv" "$T/inv.tsv" >"$T/cmp"; then
	ok "Docker's own save of alpine 3.11 over the API: packages match trivy's list ($(tail -1 "$T/cmp"))"
else
	not_ok "docker save of alpine 3.11 over the API"; diag "$(cat "$T/err" "$T/cmp" 2>/dev/null | head)"
fi
if DOCKER_HOST=unix://$T/fake.sock "$HULLSCAN" inventory -q docker-daemon:test/d25:1 >"$T/inv.tsv" 2>"$T/err" &&
    $CMP dpkg-query "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/inv.tsv" >"$T/cmp"; then
	ok "Docker 25 style export (blobs/, symlinked layer.tar): packages match ($(tail -1 "$T/cmp"))"
else
	not_ok "Docker 25 style export"; diag "$(cat "$T/err" "$T/cmp" 2>/dev/null | head)"
fi
DOCKER_HOST=unix://$T/fake.sock expect_status "Docker 25 style export, cold cache" 0 \
	"$DRIVER" --cache "$T/d25.db" docker-daemon:test/d25:1
DOCKER_HOST=unix://$T/fake.sock expect_status "Docker 25 style export, warm cache" 0 \
	"$DRIVER" --cache "$T/d25.db" docker-daemon:test/d25:1
grep -q "^cache	hits 1	misses 0	puts 0" "$T/out" && ok "Docker 25 style: blobs/sha256/<hex> found in the cache" ||
	{ not_ok "Docker 25 style warm cache"; diag "$(grep '^cache' "$T/out")"; }
DOCKER_HOST=unix://$T/fake.sock expect_status "an export cut in the middle" 3 "$DRIVER" docker-daemon:cut:1
grep -Eq "export|Truncated|after [0-9]+ bytes" "$T/err" && ok "cut export: $(cat "$T/err")" ||
	{ not_ok "cut export message"; diag "$(cat "$T/err")"; }

# End to end through the CLI: the packages match dpkg-query's list.
if "$HULLSCAN" inventory -q docker-daemon:test/debian:12 >"$T/inv.tsv" 2>"$T/err" &&
    /usr/bin/python3 "$top_srcdir/tests/cmp-inventory.py" dpkg-query \
    "$FIXTURES/images/debian-12.expected-packages.tsv" "$T/inv.tsv" >"$T/cmp"; then
	ok "hullscan inventory docker-daemon:test/debian:12 ($(tail -1 "$T/cmp"))"
else
	not_ok "hullscan inventory docker-daemon:"; diag "$(cat "$T/err" "$T/cmp" 2>/dev/null | head)"
fi

done_testing
