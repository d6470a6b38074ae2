#!/bin/bash
# Image sources and the layer reader over real images: every local transport,
# digests and kept files checked against what tar, sha256sum and skopeo say,
# whiteouts, the fixtures' expected lists, and broken input.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd skopeo /usr/bin/python3 tar gzip zstd sha256sum

DUMP=${top_builddir}/tests/test-source
IMG=$FIXTURES/images
DEB=$IMG/debian-12
BASE=$DEB/blobs/sha256/3370084cb3fb3c014a2eb54e2e98c2abada48595d07e6218028814150e065df6
WH=$DEB/blobs/sha256/da550d0e32ae96ca02b36e42d2bf0696b47d351ed471e6ed927685f0b40463a7
KEEP="-k etc/os-release -k usr/lib/os-release -k var/lib/dpkg/status -k usr/bin/zdump -k opt/app/new.txt -k var/lib/dpkg/status.d/*"

sha() { sha256sum "$1" | cut -d' ' -f1 | sed 's/^/sha256:/'; }
# has FILE LINE: FILE holds exactly this line.
has() { grep -qxF "$2" "$1"; }
# expect_fail DESC PATTERN ARGS...: the dumper fails, one line naming PATTERN.
expect_fail() {
	local desc=$1 pat=$2; shift 2
	if "$DUMP" "$@" >"$T/out" 2>"$T/err"; then
		not_ok "$desc (succeeded)"; return
	fi
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qE -- "$pat" "$T/err"; then
		ok "$desc: $(cut -c1-160 "$T/err")"
	else
		not_ok "$desc"; diag "want /$pat/, got: $(cat "$T/err")"
	fi
}
# same_view DESC A B: two dumps keep the same files and whiteouts.
same_view() {
	if diff <(grep -E '^(file|missing|empty|whiteout|opaque) ' "$2") \
	    <(grep -E '^(file|missing|empty|whiteout|opaque) ' "$3") >"$T/diff"; then
		ok "$1"
	else
		not_ok "$1"; diag "$(head -20 "$T/diff")"
	fi
}

# --- the answers, from tar and sha256sum ---------------------------------
mkdir "$T/root12"
tar -xzf "$BASE" -C "$T/root12" etc/os-release usr/lib/os-release var/lib/dpkg/status usr/bin/zdump
mkdir "$T/rootwh"
tar -xzf "$WH" -C "$T/rootwh"
DIFF0=sha256:$(gzip -dc "$BASE" | sha256sum | cut -d' ' -f1)
DIFF1=sha256:$(gzip -dc "$WH" | sha256sum | cut -d' ' -f1)

# --- oci: debian-12, both tags -------------------------------------------
if "$DUMP" $KEEP "oci:$DEB:12" >"$T/d12" 2>"$T/err"; then ok "oci:debian-12:12 reads"; else
	not_ok "oci:debian-12:12 reads"; diag "$(cat "$T/err")"; fi
check "debian-12:12: layer digest is the blob's sha256, diff_id its tar's" \
	has "$T/d12" "layer 0 $(sha "$BASE") $DIFF0"
check "debian-12:12: etc/os-release is a symlink to ../usr/lib/os-release" \
	test "$(readlink "$T/root12/etc/os-release")" = ../usr/lib/os-release
check "debian-12:12: etc/os-release resolves to usr/lib/os-release's content" \
	has "$T/d12" "file etc/os-release $(sha "$T/root12/usr/lib/os-release") $(stat -c %s "$T/root12/usr/lib/os-release")"
check "debian-12:12: var/lib/dpkg/status kept whole" \
	has "$T/d12" "file var/lib/dpkg/status $(sha "$T/root12/var/lib/dpkg/status") $(stat -c %s "$T/root12/var/lib/dpkg/status")"
check "debian-12:12: usr/bin/zdump kept" \
	has "$T/d12" "file usr/bin/zdump $(sha "$T/root12/usr/bin/zdump") $(stat -c %s "$T/root12/usr/bin/zdump")"
check "debian-12:12: no status.d" has "$T/d12" "empty var/lib/dpkg/status.d"

if "$DUMP" $KEEP "oci:$DEB:12-whiteouts" >"$T/dwh" 2>"$T/err"; then ok "oci:debian-12:12-whiteouts reads"; else
	not_ok "oci:debian-12:12-whiteouts reads"; diag "$(cat "$T/err")"; fi
check "12-whiteouts: both layers' digests and diff_ids" \
	eval "has '$T/dwh' 'layer 0 $(sha "$BASE") $DIFF0' && has '$T/dwh' 'layer 1 $(sha "$WH") $DIFF1'"
# The whiteouts tar lists, as paths they delete.
tar -tzf "$WH" | grep '\.wh\.' | sed 's#\.wh\.##' | sed 's/^/whiteout 1 /' | sort >"$T/wh.want"
grep '^whiteout ' "$T/dwh" | sort >"$T/wh.got"
if [ -s "$T/wh.want" ] && diff "$T/wh.want" "$T/wh.got" >/dev/null; then
	ok "12-whiteouts: whiteouts as tar lists them ($(wc -l <"$T/wh.want"))"
else
	not_ok "12-whiteouts: whiteouts as tar lists them"; diag "$(diff "$T/wh.want" "$T/wh.got")"
fi
check "12-whiteouts: usr/bin/zdump deleted by usr/bin/.wh.zdump" has "$T/dwh" "missing usr/bin/zdump"
check "12-whiteouts: the new layer's opt/app/new.txt kept" \
	has "$T/dwh" "file opt/app/new.txt $(sha "$T/rootwh/opt/app/new.txt") $(stat -c %s "$T/rootwh/opt/app/new.txt")"
check "12-whiteouts: var/lib/dpkg/status untouched" \
	has "$T/dwh" "file var/lib/dpkg/status $(sha "$T/root12/var/lib/dpkg/status") $(stat -c %s "$T/root12/var/lib/dpkg/status")"
expect_fail "oci: two tagged images and no tag" "2 images.*tag" "oci:$DEB"
expect_fail "oci: a tag not in the layout" 'no image tagged "13"' "oci:$DEB:13"

# --- skopeo's copies: same view from every transport ---------------------
if skopeo --insecure-policy copy -q "oci:$DEB:12-whiteouts" "docker-archive:$T/deb.tar:test/deb:12" &&
    skopeo --insecure-policy copy -q "oci:$DEB:12-whiteouts" "oci-archive:$T/deb-oci.tar:12" &&
    skopeo --insecure-policy copy -q --dest-compress-format zstd "oci:$DEB:12-whiteouts" "oci:$T/deb-zstd:12"; then
	ok "skopeo made docker-archive, oci-archive and zstd copies"
else
	not_ok "skopeo made docker-archive, oci-archive and zstd copies"
fi
gzip -1 -c "$T/deb.tar" >"$T/deb.tar.gz"
check "the zstd copy's layers are tar+zstd" \
	grep -q 'application/vnd.oci.image.layer.v1.tar+zstd' "$(grep -l '"layers"' "$T"/deb-zstd/blobs/sha256/* | head -1)"
for ref in "docker-archive:$T/deb.tar" "docker-archive:$T/deb.tar:test/deb:12" \
    "docker-archive:$T/deb.tar:docker.io/test/deb:12" "docker-archive:$T/deb.tar.gz" \
    "docker-archive:$T/deb.tar:@0" "oci-archive:$T/deb-oci.tar:12" "oci-archive:$T/deb-oci.tar" \
    "oci:$T/deb-zstd:12"; do
	if "$DUMP" $KEEP "$ref" >"$T/v" 2>"$T/err"; then
		same_view "${ref#"$T/"}: same kept files and whiteouts as the original" "$T/dwh" "$T/v"
	else
		not_ok "${ref#"$T/"} reads"; diag "$(cat "$T/err")"
	fi
done
"$DUMP" "docker-archive:$T/deb.tar" >"$T/v" 2>&1 || true
check "docker-archive: layers stored as plain tars, digest = diff_id as the config says" \
	eval "has '$T/v' 'layer 0 $DIFF0 $DIFF0' && has '$T/v' 'layer 1 $DIFF1 $DIFF1'"
expect_fail "docker-archive: a name not in the archive" "no image named test/deb:13.*test/deb:12" \
	"docker-archive:$T/deb.tar:test/deb:13"
expect_fail "oci-archive: a tag not in it" 'no image tagged "x"' "oci-archive:$T/deb-oci.tar:x"

# --- trivy's docker save archives -----------------------------------------
TDA=$IMG/trivy-docker-archive
tsv() { awk -F'\t' -v k="$2" '$1 == k { print $2 }' "$1"; }
if "$DUMP" "docker-archive:$TDA/alpine-311.tar.gz" >"$T/a311" 2>"$T/err"; then
	ok "trivy alpine-311 docker-archive reads"; else not_ok "trivy alpine-311 reads"; diag "$(cat "$T/err")"; fi
check "alpine-311: config digest is trivy's image ID" \
	has "$T/a311" "config $(tsv "$TDA/alpine-311.expected_image.tsv" 'image_id (config digest)')"
check "alpine-311: diff_id[0] as trivy says" \
	grep -q "^layer 0 .* $(tsv "$TDA/alpine-311.expected_image.tsv" 'diff_id[0]')\$" "$T/a311"
check "alpine-311: platform linux/$(tsv "$TDA/alpine-311.expected_image.tsv" architecture)" \
	has "$T/a311" "platform linux/$(tsv "$TDA/alpine-311.expected_image.tsv" architecture)"
id=$(tar -xzOf "$TDA/alpine-311.tar.gz" manifest.json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][0])')
tar -xzOf "$TDA/alpine-311.tar.gz" "$id" | tar -xOf - lib/apk/db/installed >"$T/installed"
check "alpine-311: $(tsv "$TDA/alpine-311.expected_image.tsv" package_db_path) kept whole" \
	has "$T/a311" "file lib/apk/db/installed $(sha "$T/installed") $(stat -c %s "$T/installed")"
check "docker-archive: by RepoTags name" "$DUMP" "docker-archive:$TDA/alpine-311.tar.gz:alpine:3.11"
check "docker-archive: by normalised name" "$DUMP" "docker-archive:$TDA/alpine-311.tar.gz:docker.io/library/alpine:3.11"
expect_fail "docker-archive: a name not there" "no image named alpine:3.12 \(the archive has: alpine:3.11\)" \
	"docker-archive:$TDA/alpine-311.tar.gz:alpine:3.12"
id=$(tar -xzOf "$TDA/alpine-310.tar.gz" manifest.json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Layers"][0])')
want=sha256:$(tar -xzOf "$TDA/alpine-310.tar.gz" "$id" | sha256sum | cut -d' ' -f1)
if "$DUMP" "docker-archive:$TDA/alpine-310.tar.gz" >"$T/a310" 2>"$T/err" &&
    grep -q "^layer 0 $want $want\$" "$T/a310" && grep -q '^file lib/apk/db/installed ' "$T/a310"; then
	ok "alpine-310: diff_id is its layer.tar's sha256; apk db kept"
else
	not_ok "alpine-310"; diag "$(cat "$T/err" "$T/a310")"
fi

# --- trivy's OCI layouts: which open, which fail and how -------------------
TOL=$IMG/trivy-oci-layouts
while IFS=$'\t' read -r input expected _; do
	[ "$input" = input ] && continue
	case $expected in
	"opens OK"*)
		if "$DUMP" "oci:$TOL/$input" >"$T/o" 2>"$T/err"; then
			d=$(echo "$expected" | grep -o 'diff_id sha256:[0-9a-f]*' | cut -d' ' -f2 || true)
			if [ -z "$d" ] || grep -q "^layer 0 .* $d\$" "$T/o"; then ok "trivy $input: $expected"
			else not_ok "trivy $input: diff_id $d"; diag "$(cat "$T/o")"; fi
		else
			not_ok "trivy $input opens"; diag "$(cat "$T/err")"
		fi ;;
	"error: invalid OCI image ref (tag not present)")
		expect_fail "trivy $input: $expected" 'index.json: no image tagged "0.0.0"' "oci:$TOL/$input" ;;
	"error: invalid index.json")
		expect_fail "trivy $input: $expected" 'index.json: invalid JSON' "oci:$TOL/$input" ;;
	"error: no valid manifest")
		expect_fail "trivy $input: $expected" 'index.json: no valid manifest' "oci:$TOL/$input" ;;
	"error: invalid OCI image (manifest digest in index does not resolve)")
		expect_fail "trivy $input: $expected" 'sha256:bad744871f99.*unsupported media type' "oci:$TOL/$input" ;;
	*)
		not_ok "trivy $input: no case for \"$expected\"" ;;
	esac
done <"$TOL/expected_cases.tsv"

# --- claircore's whiteout layers -----------------------------------------
CW=$IMG/claircore-whiteout-layers
while IFS=$'\t' read -r layer count _; do
	[ "$layer" = layer ] && continue
	if "$DUMP" -L "$CW/$layer" >"$T/w" 2>"$T/err" &&
	    [ "$(grep -cE '^(whiteout|opaque) ' "$T/w")" -eq "$count" ]; then
		ok "claircore $layer: $count whiteout entries"
	else
		not_ok "claircore $layer: $count whiteout entries"; diag "$(cat "$T/err" "$T/w")"
	fi
done <"$CW/expected.tsv"
"$DUMP" -L "$CW/whiteout_opaque.layer" >"$T/w" 2>&1 || true
check "claircore opaque: a/ is opaque, b/not.a.wh..wh..opq is no marker" \
	eval "has '$T/w' 'opaque 0 a' && ! grep -q '^whiteout' '$T/w'"

# --- dir: an unpacked root filesystem -------------------------------------
mkdir "$T/alp"
tar -xzf "$IMG/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz" -C "$T/alp"
if "$DUMP" "dir:$T/alp" >"$T/dir" 2>"$T/err" &&
    has "$T/dir" "file lib/apk/db/installed $(sha "$T/alp/lib/apk/db/installed") $(stat -c %s "$T/alp/lib/apk/db/installed")" &&
    has "$T/dir" "file etc/os-release $(sha "$T/alp/etc/os-release") $(stat -c %s "$T/alp/etc/os-release")"; then
	ok "dir: alpine 3.20.3 rootfs, apk db and os-release read"
else
	not_ok "dir: alpine rootfs"; diag "$(cat "$T/err" "$T/dir")"
fi
mkdir -p "$T/evil/etc"
ln -s /etc/hostname "$T/evil/etc/os-release"
"$DUMP" "dir:$T/evil" >"$T/dir" 2>&1 || true
check "dir: an absolute symlink never reads the host's file" has "$T/dir" "missing etc/os-release"
expect_fail "dir: a missing directory" "No such file" "dir:$T/nothere"

# --- broken images: one clean line naming the layer or file ---------------
# mkbad DIR BLOBFILE [DIFF_ID]: a one-layer OCI layout holding BLOBFILE as is.
mkbad() {
	/usr/bin/python3 - "$@" <<'EOF'
import hashlib, json, os, sys
root, blobfile = sys.argv[1], sys.argv[2]
os.makedirs(root + "/blobs/sha256", exist_ok=True)
def put(b):
    d = hashlib.sha256(b).hexdigest()
    open(root + "/blobs/sha256/" + d, "wb").write(b)
    return "sha256:" + d
data = open(blobfile, "rb").read()
diff = sys.argv[3] if len(sys.argv) > 3 else "sha256:" + "0" * 64
cfg = json.dumps({"os": "linux", "architecture": "amd64",
                  "rootfs": {"type": "layers", "diff_ids": [diff]}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg), "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(data), "size": len(data)}]}).encode()
json.dump({"imageLayoutVersion": "1.0.0"}, open(root + "/oci-layout", "w"))
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": put(man), "size": len(man)}]}, open(root + "/index.json", "w"))
print(put(data))
EOF
}
mkdir -p "$T/tree/etc"
head -c 300 /dev/urandom | base64 >"$T/tree/etc/os-release"
tar -cf "$T/small.tar" -C "$T/tree" etc
gzip -c "$T/small.tar" >"$T/small.tgz"
SMALLDIFF=$(sha "$T/small.tar")

d=$(mkbad "$T/good" "$T/small.tgz" "$SMALLDIFF")
check "a small good image reads" "$DUMP" "oci:$T/good"
expect_fail "a wanted file over the size limit names layer and file" \
	"layer $d: etc/os-release: [0-9]+ bytes, larger than the limit of 100 bytes" -m 100 "oci:$T/good"
d=$(mkbad "$T/baddiff" "$T/small.tgz")
expect_fail "a diff_id the config does not hold" \
	"layer $d: diff_id mismatch: expected sha256:0{64}, got $SMALLDIFF" "oci:$T/baddiff"
head -c 400 "$T/small.tgz" >"$T/trunc.tgz"
d=$(mkbad "$T/trunc" "$T/trunc.tgz" "$SMALLDIFF")
expect_fail "a truncated gzip layer" "layer $d: truncated gzip input" "oci:$T/trunc"
/usr/bin/python3 -c '
import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[512+148:512+154] = b"777777"
open(sys.argv[2], "wb").write(d)' "$T/small.tar" "$T/corrupt.tar"
gzip -c "$T/corrupt.tar" >"$T/corrupt.tgz"
d=$(mkbad "$T/corrupt" "$T/corrupt.tgz" "$(sha "$T/corrupt.tar")")
expect_fail "a corrupt tar layer" "layer $d: Damaged tar archive" "oci:$T/corrupt"
cp -r "$T/good" "$T/wrongblob"
chmod -R u+w "$T/wrongblob"
d=$(sha "$T/small.tgz")
cp "$T/corrupt.tgz" "$T/wrongblob/blobs/sha256/${d#sha256:}"
expect_fail "a blob whose content is not its digest" \
	"layer $d: blob digest mismatch: expected $d, got $(sha "$T/corrupt.tgz")" "oci:$T/wrongblob"
rm "$T/wrongblob/blobs/sha256/${d#sha256:}"
expect_fail "a missing layer blob" "layer $d: blob is missing" "oci:$T/wrongblob"
cp -r "$T/good" "$T/noindex"
rm -f "$T/noindex/index.json"
expect_fail "a layout without index.json" "not an OCI layout \(no index.json\)" "oci:$T/noindex"
rm -f "$T/noindex/oci-layout"
expect_fail "a directory that is no OCI layout" "not an OCI layout \(no oci-layout file\)" "oci:$T/noindex"
c=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"])' \
	"$T/good/blobs/sha256/$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$T/good/index.json")")
cp -r "$T/good" "$T/badcfg"
chmod -R u+w "$T/badcfg"
echo '{}' >"$T/badcfg/blobs/sha256/${c#sha256:}"
expect_fail "a config blob that is not its digest" "config $c: blob digest mismatch" "oci:$T/badcfg"
# A tag naming an index (multi-platform): the manifest is picked by platform.
cp -r "$T/good" "$T/nested"
chmod -R u+w "$T/nested"
/usr/bin/python3 - "$T/nested" <<'EOF'
import hashlib, json, sys
root = sys.argv[1]
desc = json.load(open(root + "/index.json"))["manifests"][0]
arm = dict(desc, digest="sha256:" + "a" * 64, platform={"os": "linux", "architecture": "arm64"})
desc["platform"] = {"os": "linux", "architecture": "amd64"}
idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": [arm, desc]}).encode()
d = hashlib.sha256(idx).hexdigest()
open(root + "/blobs/sha256/" + d, "wb").write(idx)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
    "digest": "sha256:" + d, "size": len(idx), "annotations": {"org.opencontainers.image.ref.name": "multi"}}]},
    open(root + "/index.json", "w"))
EOF
check "oci: a tag naming a nested index, linux/amd64 picked" "$DUMP" "oci:$T/nested:multi"
expect_fail "oci: nested index, the linux/arm64 manifest is missing" \
	"manifest sha256:a{64}: blob sha256:a{64} is missing" -p linux/arm64 "oci:$T/nested:multi"
tar -cf "$T/nomanifest.tar" -C "$T/tree" etc
expect_fail "docker-archive without manifest.json" "not a docker archive \(no manifest.json\)" \
	"docker-archive:$T/nomanifest.tar"
expect_fail "docker-archive that is not there" "nothere.tar: No such file" "docker-archive:$T/nothere.tar"
expect_fail "oci-archive that is no tar" "Unrecognized archive format" "oci-archive:$T/tree/etc/os-release"
expect_fail "oci-archive of something else" "not an OCI layout \(no oci-layout file\)" "oci-archive:$T/small.tgz"
head -c 20000 "$T/deb.tar.gz" >"$T/deb-trunc.tar.gz"
expect_fail "a truncated gzipped docker-archive" "deb-trunc.tar.gz: .*(truncated|Truncated)" \
	"docker-archive:$T/deb-trunc.tar.gz"

done_testing
