#!/bin/bash
# Every input under tests/fuzz/regress/TARGET/ (crashes the fuzzers found,
# since fixed) runs through TARGET's harness built as a plain program, and
# through the CLI where one reads that input: each must end cleanly, with no
# signal, an exit status from the documented set and one-line errors.
. "$top_srcdir/tests/lib.sh"

REPLAY=${top_builddir}/tests/fuzz/fuzz-replay
R=$top_srcdir/tests/fuzz/regress
[ -x "$REPLAY" ] || { echo "1..0 # SKIP fuzz-replay is not built"; exit 0; }
export HULLSCAN_DB="$T/vuln.db"

# clean DESC ALLOWED CMD...: no signal, status in ALLOWED ("0 2 3"), and
# every stderr line a "hullscan: " message with no control character.
clean() {
	_desc=$1 _allowed=$2; shift 2
	set +e
	timeout 120 "$@" >"$T/out" 2>"$T/err"
	_st=$?
	set -e
	if [ $_st -ge 124 ]; then
		not_ok "$_desc: killed or timed out (exit $_st)"; diag "$(tail -c 3000 "$T/err")"; return
	fi
	case " $_allowed " in *" $_st "*) ;; *)
		not_ok "$_desc: exit $_st, want one of $_allowed"; diag "$(tail -c 2000 "$T/err")"; return ;;
	esac
	if grep -qv '^hullscan: ' "$T/err"; then
		not_ok "$_desc: stray stderr"; diag "$(head -c 2000 "$T/err")"; return
	fi
	if LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' "$T/err"; then
		not_ok "$_desc: control characters in a message"; diag "$(head -c 2000 "$T/err" | od -c | head)"; return
	fi
	ok "$_desc (exit $_st)"
}

# The CLI reading the same input as TARGET's harness; "" when there is none.
cli_case() {
	_t=$1 _f=$2 _root=$T/root
	rm -rf "$_root" "$T/oci" "$T/arc.tar"; mkdir -p "$_root"
	case $_t in
	osrelease|rpmdb)
		_rel=$(/usr/bin/python3 - "$_t" "$_f" "$_root" <<'PY'
import os, sys
t, f, root = sys.argv[1:]
data = open(f, "rb").read()
if t == "osrelease":
    paths = ["etc/os-release", "usr/lib/os-release", "etc/lsb-release",
             "etc/redhat-release", "etc/centos-release", "etc/system-release",
             "etc/SuSE-release", "etc/debian_version", "etc/alpine-release", "etc/issue"]
else:
    paths = ["var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite",
             "usr/lib/sysimage/rpm/rpmdb.sqlite"]
if not data:
    sys.exit(0)
mode = data[0] % len(paths)
p = os.path.join(root, paths[mode])
os.makedirs(os.path.dirname(p), exist_ok=True)
if t == "rpmdb" and mode == 3:
    # The harness's mode 3: the input is one header blob in a SQLite rpmdb.
    import sqlite3
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
    db.execute("INSERT INTO Packages (blob) VALUES (?)", (data[1:],))
    db.commit()
    db.close()
else:
    open(p, "wb").write(data[1:])
PY
)
		clean "$_t/$(basename "$_f"): inventory dir:" "0 2 3" "$HULLSCAN" inventory "dir:$_root" ;;
	dpkg|apk)
		if [ $_t = dpkg ]; then _p=var/lib/dpkg/status; else _p=lib/apk/db/installed; fi
		mkdir -p "$_root/$(dirname $_p)"; cp "$_f" "$_root/$_p"
		clean "$_t/$(basename "$_f"): inventory dir:" "0 2 3" "$HULLSCAN" inventory "dir:$_root" ;;
	layer)
		if /usr/bin/python3 "$top_srcdir/tests/mkoci.py" "$T/oci" t "$_f" >/dev/null 2>&1; then
			clean "$_t/$(basename "$_f"): inventory oci:" "0 2 3" "$HULLSCAN" inventory "oci:$T/oci:t"
		else
			skip "$_t/$(basename "$_f"): mkoci.py cannot unpack it to wrap it"
		fi ;;
	docker-archive)
		/usr/bin/python3 - "$_f" "$T/arc.tar" <<'PY'
import hashlib, io, json, sys, tarfile
f, out = sys.argv[1:]
data = open(f, "rb").read()
if not data:
    open(out, "wb").close(); sys.exit(0)
mode, body = data[0] % 4, data[1:]
if mode == 2:
    open(out, "wb").write(body); sys.exit(0)
lb = io.BytesIO()
with tarfile.open(fileobj=lb, mode="w", format=tarfile.PAX_FORMAT) as t:
    c = b"ID=alpine\nVERSION_ID=3.11.5\n"
    i = tarfile.TarInfo("etc/os-release"); i.size = len(c); t.addfile(i, io.BytesIO(c))
layer = lb.getvalue()
ld = hashlib.sha256(layer).hexdigest()
cfg = json.dumps({"architecture": "amd64", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + ld]}}).encode()
cd = hashlib.sha256(cfg).hexdigest()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cd, "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:" + ld, "size": len(layer)}]}).encode()
md = hashlib.sha256(man).hexdigest()
if mode == 3:
    members = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", body),
               ("blobs/sha256/" + md, man), ("blobs/sha256/" + cd, cfg), ("blobs/sha256/" + ld, layer)]
else:
    members = [("manifest.json", body), ("config.json", cfg), ("layer.tar", layer),
               ("blobs/sha256/" + cd, cfg), ("blobs/sha256/" + ld, layer)]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for n, d in members:
        i = tarfile.TarInfo(n); i.size = len(d); t.addfile(i, io.BytesIO(d))
PY
		_m=$(head -c1 "$_f" | od -An -tu1 | tr -d ' '); _m=$(( ${_m:-0} % 4 ))
		case $_m in
		1) _ref="docker-archive:$T/arc.tar:test/x:1" ;;
		3) _ref="oci-archive:$T/arc.tar" ;;
		*) _ref="docker-archive:$T/arc.tar" ;;
		esac
		clean "$_t/$(basename "$_f"): inventory ${_ref%%:*}:" "0 2 3" "$HULLSCAN" inventory "$_ref" ;;
	manifest)
		/usr/bin/python3 - "$_f" "$T/oci" <<'PY'
import hashlib, json, os, sys
f, root = sys.argv[1:]
data = open(f, "rb").read() or b"\0"
mode, body = data[0] % 3, data[1:]
os.makedirs(root + "/blobs/sha256")
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(root + "/blobs/sha256/" + d, "wb").write(b)
    return "sha256:" + d
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
if mode == 2:
    open(root + "/index.json", "wb").write(body); sys.exit(0)
if mode == 0:
    man = body
else:
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(body), "size": len(body)},
        "layers": []}).encode()
idx = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": put(man), "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "t"}}]}
open(root + "/index.json", "w").write(json.dumps(idx))
PY
		clean "$_t/$(basename "$_f"): inventory oci:" "0 2 3" "$HULLSCAN" inventory "oci:$T/oci:t" ;;
	feed-*)
		case $_t in
		feed-debian) _fmt=debian-tracker ;; feed-secdb) _fmt=alpine-secdb ;;
		*) _fmt=${_t#feed-} ;;
		esac
		rm -f "$T/vuln.db"
		clean "$_t/$(basename "$_f"): db import --format $_fmt" "0 2" \
		    "$HULLSCAN" db import --db "$T/vuln.db" --format "$_fmt" "$_f" ;;
	ignore)
		if "$HULLSCAN" scan --help 2>&1 | grep -q -e '--ignore '; then
			clean "$_t/$(basename "$_f"): scan --ignore" "0 1 2 3" \
			    "$HULLSCAN" scan --no-match --ignore "$_f" "dir:$_root"
		fi ;;
	version)
		if ! tr -d '\n' <"$_f" | grep -qaP '\x00' && [ "$(wc -l <"$_f")" -le 1 ]; then
			_a=$(head -n1 "$_f"); _b=$(tail -n +2 "$_f"); [ -n "$_b" ] || _b=$_a
			for _e in deb apk rpm; do
				clean "$_t/$(basename "$_f"): vercmp $_e" "0 2" "$HULLSCAN" vercmp $_e "$_a" "$_b"
			done
		fi ;;
	esac
}

n=0
for dir in "$R"/*/; do
	[ -d "$dir" ] || continue
	t=$(basename "$dir")
	for f in "$dir"*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		clean "$t/$(basename "$f"): harness" "0" "$REPLAY" "$t" "$f"
		cli_case "$t" "$f"
	done
done
diag "$n regression inputs"
[ $n -gt 0 ] && ok "regression inputs present ($n)" || not_ok "no regression inputs under tests/fuzz/regress"
done_testing
