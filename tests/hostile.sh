#!/bin/bash
# Hostile inputs at the CLI: layers and dir: roots that try to read the
# host's files through "..", absolute names, symlinks and hard links; a
# decompression bomb; 10,000 layers; deep JSON and XML in feeds; a layer of
# 100,000 entries. Each must end with a clear one-line error or a result
# that only the image itself gives, in bounded time.
. "$top_srcdir/tests/lib.sh"
need_cmd /usr/bin/python3

MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"

# mklayer OUT ENTRY...: a tar (gzip when OUT ends in .gz) of entries
# f:NAME=TEXT (file, \n allowed), l:NAME=TARGET (symlink), h:NAME=TARGET
# (hard link), d:NAME (directory), in that order.
mklayer() {
	/usr/bin/python3 - "$@" <<'PY'
import io, sys, tarfile
out, entries = sys.argv[1], sys.argv[2:]
with tarfile.open(out, "w:gz" if out.endswith(".gz") else "w", format=tarfile.GNU_FORMAT) as t:
    for e in entries:
        kind, spec = e[0], e[2:]
        name, _, val = spec.partition("=")
        i = tarfile.TarInfo(name)
        i.mode = 0o644
        if kind == "f":
            data = val.replace("\\n", "\n").encode()
            i.size = len(data)
            t.addfile(i, io.BytesIO(data))
            continue
        if kind == "l":
            i.type, i.linkname = tarfile.SYMTYPE, val
        elif kind == "h":
            i.type, i.linkname = tarfile.LNKTYPE, val
        elif kind == "d":
            i.type, i.mode = tarfile.DIRTYPE, 0o755
        t.addfile(i)
PY
}

# What the host would give away: its os-release ID line and its dpkg packages.
host_id=$( (. /etc/os-release 2>/dev/null && echo "${ID:-}") || true)
os_of() { head -n1 "$T/out" | cut -f2; }
npkgs() { tail -n +2 "$T/out" | grep -c . || true; }

# An image made of one layer built from ENTRY...; inventory it.
img_case() {
	_desc=$1 _want=$2; shift 2
	rm -rf "$T/img" "$T/l.tar"
	mklayer "$T/l.tar" "$@"
	$MKOCI "$T/img" t "$T/l.tar" >/dev/null
	expect_status "$_desc: exit $_want" "$_want" "$HULLSCAN" inventory "oci:$T/img:t"
}
not_host_os() {
	if [ -z "$host_id" ] || [ "$(os_of)" != "$host_id" ]; then ok "$1: not the host's os-release ($(os_of))"
	else not_ok "$1: read the host's os-release"; diag "$(head -n1 "$T/out")"; fi
}
no_pkgs() {
	if [ "$(npkgs)" -eq 0 ]; then ok "$1: no packages (the host's dpkg status is not read)"
	else not_ok "$1: $(npkgs) packages listed"; diag "$(head -n3 "$T/out")"; fi
}

# --- layers: links and names that point outside the root
img_case "layer: etc/os-release -> /etc/os-release" 0 l:etc/os-release=/etc/os-release
not_host_os "absolute symlink"
img_case "layer: etc/os-release -> ../../../../../../etc/os-release" 0 \
	l:etc/os-release=../../../../../../etc/os-release
not_host_os "relative symlink escaping the root"
img_case "layer: etc -> /etc, usr -> ../../../usr" 0 l:etc=/etc l:usr=../../../usr
not_host_os "directory symlinks out of the root"
img_case "layer: hard link etc/os-release => ../../../etc/os-release" 0 \
	h:etc/os-release=../../../etc/os-release
not_host_os "hard link escaping the root"
img_case "layer: hard link etc/os-release => /etc/os-release" 0 h:etc/os-release=/etc/os-release
not_host_os "hard link by absolute name"
img_case "layer: var/lib/dpkg/status -> /var/lib/dpkg/status" 0 \
	l:var/lib/dpkg/status=/var/lib/dpkg/status
no_pkgs "symlinked dpkg status"
img_case "layer: var/lib/dpkg -> ../../../../var/lib/dpkg" 0 l:var/lib/dpkg=../../../../var/lib/dpkg
no_pkgs "symlinked dpkg directory"

# ".." entries cannot overwrite what a path means; an absolute name is the image's own path.
img_case "layer: etc/os-release then ../etc/os-release and etc/../../etc/os-release" 0 \
	'f:etc/os-release=ID=alpine\nVERSION_ID=3.11.5\n' \
	'f:../etc/os-release=ID=evil\nVERSION_ID=6.6.6\n' \
	'f:etc/../../etc/os-release=ID=evil\nVERSION_ID=6.6.6\n' \
	'f:../../../../../etc/os-release=ID=evil\nVERSION_ID=6.6.6\n'
check "'..' entries are dropped: still alpine 3.11.5" sh -c "head -n1 '$T/out' | grep -q '	alpine	3.11.5	'"
img_case "layer: /etc/os-release by absolute name" 0 'f:/etc/os-release=ID=alpine\nVERSION_ID=3.20.3\n'
check "an absolute entry name is the image's own etc/os-release" sh -c "head -n1 '$T/out' | grep -q '	alpine	3.20.3	'"
img_case "layer: a hard link to a '..' name keeps nothing" 0 \
	'f:etc/os-release=ID=alpine\nVERSION_ID=3.11.5\n' h:usr/lib/os-release=../../x/../../etc/shadow
check "still the image's own os-release" sh -c "head -n1 '$T/out' | grep -q '	alpine	3.11.5	'"

# --- dir: never follows a symlink out of its root
R=$T/root
mkdir -p "$R/etc" "$R/var/lib/dpkg"
ln -s /etc/os-release "$R/etc/os-release"
ln -s /var/lib/dpkg/status "$R/var/lib/dpkg/status"
expect_status "dir: with absolute symlinks to the host's files: exit 0" 0 "$HULLSCAN" inventory "dir:$R"
not_host_os "dir: etc/os-release -> /etc/os-release"
no_pkgs "dir: var/lib/dpkg/status -> /var/lib/dpkg/status"
rm -rf "$R"; mkdir -p "$R/etc" "$R/var/lib"
ln -s ../../../../../../../etc/os-release "$R/etc/os-release"
ln -s ../../../../../../../var/lib/dpkg "$R/var/lib/dpkg"
expect_status "dir: with relative symlinks escaping the root: exit 0" 0 "$HULLSCAN" inventory "dir:$R"
not_host_os "dir: relative os-release symlink"
no_pkgs "dir: var/lib/dpkg -> ../../../../var/lib/dpkg"
rm -rf "$R"; mkdir -p "$R"
ln -s /etc "$R/etc"; ln -s /var "$R/var"; ln -s /usr "$R/usr"; ln -s /lib "$R/lib"
expect_status "dir: whose etc, var, usr, lib are the host's: exit 0" 0 "$HULLSCAN" inventory "dir:$R"
not_host_os "dir: etc -> /etc"
no_pkgs "dir: var -> /var"

rm -rf "$R"; mkdir -p "$R/etc" "$R/var/lib/dpkg"
mkfifo "$R/etc/os-release" "$R/var/lib/dpkg/status"
start=$(date +%s)
expect_status "dir: whose os-release and dpkg status are FIFOs: exit 0, no hang" 0 \
	timeout 60 "$HULLSCAN" inventory "dir:$R"
check "the FIFOs are skipped at once" test $(( $(date +%s) - start )) -lt 10

# --- a decompression bomb: 256 MiB of zeros, gzip twice (a few KiB)
/usr/bin/python3 - "$T/bomb.tar.gz" <<'PY'
import gzip, io, sys, tarfile
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n
inner = io.BytesIO()
with gzip.GzipFile(fileobj=inner, mode="wb", compresslevel=9) as gz:
    with tarfile.open(fileobj=gz, mode="w|") as t:
        i = tarfile.TarInfo("var/lib/dpkg/status"); i.size = 256 << 20
        t.addfile(i, io.BufferedReader(Zeros(i.size), 1 << 20))
open(sys.argv[1], "wb").write(gzip.compress(inner.getvalue(), 9))
PY
rm -rf "$T/img"; $MKOCI "$T/img" t "$T/bomb.tar.gz" >/dev/null
start=$(date +%s)
expect_status "gzip bomb ($(stat -c %s "$T/bomb.tar.gz") bytes for 256 MiB): exit 3" 3 \
	"$HULLSCAN" inventory "oci:$T/img:t"
check "the bomb is stopped by the ratio limit, in one line" sh -c \
	"grep -q 'expands more than 1000 times' '$T/err' && [ \$(wc -l <'$T/err') -eq 1 ]"
diag "$(cat "$T/err")"
check "the bomb is stopped in under 30 s" test $(( $(date +%s) - start )) -lt 30

# --- a kept file over --max-file-size
/usr/bin/python3 - "$T/big.tar" <<'PY'
import io, sys, tarfile
s = b"".join(b"Package: p%d\nStatus: install ok installed\nVersion: 1.%d\nArchitecture: all\n\n" % (i, i) for i in range(40000))
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("var/lib/dpkg/status"); i.size = len(s); t.addfile(i, io.BytesIO(s))
PY
rm -rf "$T/img"; $MKOCI "$T/img" t "$T/big.tar" >/dev/null
expect_status "a 3 MiB dpkg status with --max-file-size 1: exit 3" 3 \
	"$HULLSCAN" scan --no-match --max-file-size 1 "oci:$T/img:t"
check "the error names the file and the limit" grep -q 'var/lib/dpkg/status.*limit' "$T/err"

# --- 10,000 layers in one manifest
/usr/bin/python3 - "$T/many" <<'PY'
import hashlib, io, json, os, sys, tarfile
root = sys.argv[1]
os.makedirs(root + "/blobs/sha256")
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(root + "/blobs/sha256/" + d, "wb").write(b)
    return "sha256:" + d
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w") as t:
    pass
layer = put(raw.getvalue())
n = 10000
cfg = json.dumps({"architecture": "amd64", "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": [layer] * n}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer,
                "size": len(raw.getvalue())}] * n}).encode()
md = put(man)
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
open(root + "/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": len(man),
     "annotations": {"org.opencontainers.image.ref.name": "t"}}]}))
PY
start=$(date +%s)
expect_status "a manifest of 10,000 layers: exit 3" 3 "$HULLSCAN" inventory "oci:$T/many:t"
check "the layer limit is named, in one line" sh -c \
	"grep -q '10000 layers, more than the limit' '$T/err' && [ \$(wc -l <'$T/err') -eq 1 ]"
check "refused in under 10 s" test $(( $(date +%s) - start )) -lt 10

# --- docker-archive: layer and config names out of the archive
/usr/bin/python3 - "$T/evil.tar" <<'PY'
import io, json, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    m = json.dumps([{"Config": "/etc/passwd", "RepoTags": ["x:1"],
                     "Layers": ["../../../../etc/shadow"]}]).encode()
    i = tarfile.TarInfo("manifest.json"); i.size = len(m); t.addfile(i, io.BytesIO(m))
PY
expect_status "docker-archive naming ../../etc/shadow and /etc/passwd: exit 3" 3 \
	"$HULLSCAN" inventory "docker-archive:$T/evil.tar"
check "an invalid-path error, in one line" sh -c \
	"grep -qi 'invalid path\|not in the archive' '$T/err' && [ \$(wc -l <'$T/err') -eq 1 ]"

# --- feeds: deep JSON, deep XML, entity expansion
/usr/bin/python3 - "$T" <<'PY'
import sys
d = sys.argv[1]
deep = 200000
open(d + "/deep.json", "w").write('{"id":"X","affected":' + "[" * deep + "]" * deep + "}")
open(d + "/deep-obj.json", "w").write('{"id":"X","affected":[' + '{"a":' * deep + "1" + "}" * deep + "]}")
open(d + "/deep.xml", "w").write('<?xml version="1.0"?>\n<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"><definitions>'
    + "<a>" * deep + "</a>" * deep + "</definitions></oval_definitions>")
lol = ['<!ENTITY l0 "lollollollollollollollollollol">']
for i in range(1, 10):
    lol.append('<!ENTITY l%d "%s">' % (i, ("&l%d;" % (i - 1)) * 10))
open(d + "/laughs.xml", "w").write('<?xml version="1.0"?>\n<!DOCTYPE oval_definitions [' + "".join(lol) + ']>\n'
    '<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"><definitions>'
    '<definition id="oval:x:def:1" class="patch"><metadata><title>&l9;</title></metadata></definition>'
    '</definitions></oval_definitions>')
open(d + "/deep-ui.xml", "w").write('<?xml version="1.0"?>\n<updates><update type="security">'
    + "<a>" * deep + "</a>" * deep + "</update></updates>")
open(d + "/laughs-ui.xml", "w").write('<?xml version="1.0"?>\n<!DOCTYPE updates [' + "".join(lol) + ']>\n'
    '<updates><update type="security"><id>ALAS-1</id><title>&l9;</title></update></updates>')
PY
for fmt in osv debian-tracker alpine-secdb csaf photon bodhi; do
	for f in deep deep-obj; do
		start=$(date +%s)
		expect_status "db import --format $fmt of $f JSON (200,000 levels): exit 2" 2 \
			"$HULLSCAN" db import --db "$T/vuln-$fmt.db" --format $fmt "$T/$f.json"
		check "$fmt $f: one-line error in bounded time" sh -c \
			"[ \$(wc -l <'$T/err') -eq 1 ] && [ $(( $(date +%s) - start )) -lt 20 ]"
	done
done
for f in deep laughs; do
	start=$(date +%s)
	expect_status "db import --format oval of $f.xml: exit 2" 2 \
		"$HULLSCAN" db import --db "$T/vuln-oval.db" --format oval "$T/$f.xml"
	check "oval $f: one-line error in bounded time" sh -c \
		"[ \$(wc -l <'$T/err') -eq 1 ] && [ $(( $(date +%s) - start )) -lt 20 ]"
	diag "$(cat "$T/err")"
done
for f in deep-ui laughs-ui; do
	start=$(date +%s)
	expect_status "db import --format updateinfo of $f.xml: exit 2" 2 \
		"$HULLSCAN" db import --db "$T/vuln-ui.db" --format updateinfo "$T/$f.xml"
	check "updateinfo $f: one-line error in bounded time" sh -c \
		"[ \$(wc -l <'$T/err') -eq 1 ] && [ $(( $(date +%s) - start )) -lt 20 ]"
	diag "$(cat "$T/err")"
done

# --- 100,000 tar entries in one layer: bounded time, the wanted file still found
/usr/bin/python3 - "$T/many.tar.gz" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz", compresslevel=1) as t:
    for n in range(100000):
        t.addfile(tarfile.TarInfo("usr/share/x/%d/f%d" % (n // 1000, n)))
    s = b"ID=alpine\nVERSION_ID=3.11.5\n"
    i = tarfile.TarInfo("etc/os-release"); i.size = len(s); t.addfile(i, io.BytesIO(s))
PY
rm -rf "$T/img"; $MKOCI "$T/img" t "$T/many.tar.gz" >/dev/null
start=$(date +%s)
expect_status "a layer of 100,000 entries: exit 0" 0 "$HULLSCAN" inventory "oci:$T/img:t"
took=$(( $(date +%s) - start ))
check "100,000 entries read in under 30 s (${took} s), os-release found" sh -c \
	"[ $took -lt 30 ] && head -n1 '$T/out' | grep -q '	alpine	3.11.5	'"

# --- a hostile registry: credentials stay out of messages, odd challenges, huge answers
cat >"$T/reg.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, headers, body=b""):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD": self.wfile.write(body)
    def do_GET(self):
        p = self.path
        if p == "/v2/" or p == "/v2":
            self.send(200, [("Docker-Distribution-API-Version", "registry/2.0")])
        elif p.startswith("/v2/secret/"):
            self.send(401, [("WWW-Authenticate", 'Basic realm="r"')], b'{"errors":[{"code":"UNAUTHORIZED"}]}')
        elif p.startswith("/v2/trail/"):
            self.send(401, [("WWW-Authenticate", "Bearer realm=x ")])
        elif p.startswith("/v2/junk/"):
            self.send(401, [("WWW-Authenticate", "\x1b[2J, , =,=, Negotiate abc")])
        elif p.startswith("/v2/big/"):
            self.send(200, [("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
                      b"{" + b" " * (64 << 20) + b"}")
        else:
            self.send(404, [("Content-Type", "application/json")], b'{"errors":[{"code":"NAME_UNKNOWN"}]}')
    do_HEAD = do_GET
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
PORT=$(free_port)
timeout 600 /usr/bin/python3 "$T/reg.py" "$PORT" >"$T/reg.log" 2>&1 &
REGPID=$!
at_exit "kill $REGPID"
if wait_for 10 /usr/bin/python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/v2/')"; then
	SECRET='S3cr3t-Pa55-hostile'
	B64=$(printf 'fuzzuser:%s' "$SECRET" | base64 -w0)
	printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$PORT" "$B64" >"$T/auth.json"
	start=$(date +%s)
	REGISTRY_AUTH_FILE=$T/auth.json expect_status "registry refusing the credentials: exit 3" 3 \
		"$HULLSCAN" inventory "docker://127.0.0.1:$PORT/secret/app:1"
	check "the refusal says so in one line" sh -c "grep -qi 'password\|credential\|401\|denied\|unauthorized' '$T/err' && [ \$(wc -l <'$T/err') -eq 1 ]"
	check "the password and its base64 appear nowhere in the output" sh -c \
		"! grep -qF -e '$SECRET' -e '$B64' '$T/err' '$T/out'"
	if "$HULLSCAN" scan --help 2>&1 | grep -q -e '--creds'; then
		expect_status "a --creds password refused: exit 3" 3 \
			"$HULLSCAN" scan --no-match --creds "fuzzuser:$SECRET" --json "$T/r.json" \
			"docker://127.0.0.1:$PORT/secret/app:1"
		check "a --creds password is not in stderr, stdout or the JSON report" sh -c \
			"! grep -qF -e '$SECRET' -e '$B64' '$T/err' '$T/out' $T/r.json 2>/dev/null"
	else
		skip "scan has no --creds option in this build"
	fi
	expect_status "a challenge with a trailing blank: exit 3" 3 \
		"$HULLSCAN" inventory "docker://127.0.0.1:$PORT/trail/app:1"
	expect_status "a junk challenge with an escape sequence: exit 3" 3 \
		"$HULLSCAN" inventory "docker://127.0.0.1:$PORT/junk/app:1"
	check "no control character reaches stderr" sh -c "! LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' '$T/err'"
	expect_status "a 64 MiB manifest: exit 3" 3 "$HULLSCAN" inventory "docker://127.0.0.1:$PORT/big/app:1"
	check "the size limit is named" grep -qi 'limit\|more than the [0-9]* allowed' "$T/err"
	check "the registry cases end in under 60 s" test $(( $(date +%s) - start )) -lt 60
else
	not_ok "the fake registry did not start"
fi

done_testing
