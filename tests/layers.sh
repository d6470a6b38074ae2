#!/bin/bash
# The layers of one image read several at once (issue 19): the merged view
# and the inventory are those of a one-at-a-time read and of an independent
# overlay written here, whiteouts across layers keep their order, an error
# in one layer of several names that layer, and --jobs 1 reads one at a time.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3 tar gzip sha256sum

HULLSCAN=${top_builddir}/hullscan
DUMP=${top_builddir}/tests/test-source
MKOCI="/usr/bin/python3 $top_srcdir/tests/mkoci.py"
IMG=$FIXTURES/images
DEB=$IMG/debian-12
CW=$IMG/claircore-whiteout-layers
export XDG_CACHE_HOME=$T/xdg
# Memory-checked builds read several layers at once too, only slower.
Q="-q --no-history"

# --- debian-12 cut into five layers ----------------------------------------
/usr/bin/python3 "$top_srcdir/bench/gen-images.py" split "$T/split" "$DEB" 12 5 >/dev/null
SPLIT=oci:$T/split:split
nl=$(/usr/bin/python3 -c 'import json,sys; r=sys.argv[1]; i=json.load(open(r+"/index.json")); m=json.load(open(r+"/blobs/sha256/"+i["manifests"][0]["digest"][7:])); print(len(m["layers"]))' "$T/split")
check "debian-12 cut into 5 layers ($nl)" test "$nl" = 5

# The answers: each layer's digest and diff_id from sha256sum and gzip.
/usr/bin/python3 - "$T/split" >"$T/layers.want" <<'EOF'
import hashlib, json, subprocess, sys
r = sys.argv[1]
i = json.load(open(r + "/index.json"))
m = json.load(open(r + "/blobs/sha256/" + i["manifests"][0]["digest"][7:]))
for n, l in enumerate(m["layers"]):
    p = r + "/blobs/sha256/" + l["digest"][7:]
    blob = hashlib.sha256(open(p, "rb").read()).hexdigest()
    tar = hashlib.sha256(subprocess.run(["gzip", "-dc", p], stdout=subprocess.PIPE, check=True).stdout).hexdigest()
    print("layer %d sha256:%s sha256:%s" % (n, blob, tar))
EOF
"$DUMP" -j 1 "$SPLIT" >"$T/j1" 2>"$T/err" || diag "$(cat "$T/err")"
"$DUMP" -j 5 "$SPLIT" >"$T/j5" 2>"$T/err" || diag "$(cat "$T/err")"
"$DUMP" "oci:$DEB:12" >"$T/one" 2>"$T/err" || diag "$(cat "$T/err")"
check "5 layers read one at a time: digests and diff_ids as sha256sum and gzip say" \
	diff "$T/layers.want" <(grep '^layer ' "$T/j1")
check "5 layers read at once: digests and diff_ids as sha256sum and gzip say" \
	diff "$T/layers.want" <(grep '^layer ' "$T/j5")
check "5 layers read at once: the merged view of the one-layer image" \
	diff <(grep -E '^(file|missing|empty) ' "$T/one") <(grep -E '^(file|missing|empty) ' "$T/j5")
check "5 layers read one at a time: the merged view of the one-layer image" \
	diff <(grep -E '^(file|missing|empty) ' "$T/one") <(grep -E '^(file|missing|empty) ' "$T/j1")

CMP="/usr/bin/python3 $top_srcdir/tests/cmp-inventory.py dpkg-query $IMG/debian-12.expected-packages.tsv"
expect_status "inventory of the 5-layer image (layers at once: one a core)" 0 \
	"$HULLSCAN" inventory -q --no-cache "$SPLIT"
$CMP "$T/out" >"$T/cmp" && ok "inventory: debian-12's packages ($(tail -1 "$T/cmp"))" ||
	{ not_ok "inventory: packages differ"; diag "$(head -5 "$T/cmp")"; }
# scan --json's packages against dpkg-query's list, by a second route.
same_pkgs() {
	/usr/bin/python3 - "$IMG/debian-12.expected-packages.tsv" "$1" <<'EOF2'
import json, sys
want = sorted(tuple(l.rstrip("\n").split("\t")) for l in open(sys.argv[1]) if not l.startswith("#"))
img = json.load(open(sys.argv[2]))["images"][0]
got = sorted((p["name"], p["version"], p["source_name"], p["source_version"], p["arch"])
             for p in img["packages"])
sys.exit(0 if want == got and not img.get("error") else 1)
EOF2
}
for jobs in 1 2 4; do
	expect_status "scan --jobs $jobs of the 5-layer image" 0 \
		"$HULLSCAN" scan $Q --no-match --no-cache --jobs "$jobs" --json "$T/s$jobs.json" "$SPLIT"
	check "scan --jobs $jobs: debian-12's packages, as dpkg-query lists them" same_pkgs "$T/s$jobs.json"
done

# --jobs 1 reads one layer at a time; the default reads several when the
# machine has more than one core (the debug line says how many).
expect_status "scan -v --jobs 1" 0 "$HULLSCAN" scan -v --no-history --no-match --no-cache --jobs 1 "$SPLIT"
check "--jobs 1: one layer at a time" eval "! grep -q 'read at once' '$T/err'"
if [ "$(nproc)" -gt 1 ]; then
	expect_status "scan -v --jobs 2" 0 "$HULLSCAN" scan -v --no-history --no-match --no-cache --jobs 2 "$SPLIT"
	check "--jobs 2: 5 layers, 2 read at once" grep -q '5 layers, 2 read at once' "$T/err"
else
	skip "one core: layers are read one at a time"
fi

# The layer cache: a cold read at once fills it, a warm one reads nothing.
expect_status "cold scan into a cache, layers at once" 0 \
	"$HULLSCAN" inventory -q --cache "$T/c.db" "$SPLIT"
$CMP "$T/out" >"$T/cmp" && ok "cold, cached: debian-12's packages" ||
	{ not_ok "cold, cached: packages differ"; diag "$(head -5 "$T/cmp")"; }
chmod 000 "$T/split/blobs/sha256/"*
expect_status "warm scan: every layer from the cache (blobs unreadable)" 0 \
	"$HULLSCAN" inventory -q --cache "$T/c.db" "$SPLIT"
chmod 644 "$T/split/blobs/sha256/"*
$CMP "$T/out" >"$T/cmp" && ok "warm: debian-12's packages" ||
	{ not_ok "warm: packages differ"; diag "$(head -5 "$T/cmp")"; }

# --- whiteouts across layers: claircore's layers over files of our own -------
mkdir -p "$T/w0/etc" "$T/w0/a" "$T/w0/b" "$T/w0/c" "$T/w2/a" "$T/w2/c" "$T/w5/a"
echo "profile 0" >"$T/w0/etc/profile"
echo "a file 0" >"$T/w0/a/a_file.txt"
echo "kept 0" >"$T/w0/a/keep.txt"
echo "root file 0" >"$T/w0/a_root_file.txt"
echo "b 0" >"$T/w0/b/x.txt"
echo "c 0" >"$T/w0/c/c.txt"
echo "a file 2" >"$T/w2/a/a_file.txt"
echo "c 2" >"$T/w2/c/c.txt"
echo "new 5" >"$T/w5/a/new.txt"
for n in 0 2 5; do tar -czf "$T/l$n.tar.gz" -C "$T/w$n" .; done
WLAYERS="$T/l0.tar.gz $CW/whiteout.layer $T/l2.tar.gz $CW/whiteout_advanced.layer $CW/whiteout_opaque.layer $T/l5.tar.gz"
$MKOCI "$T/wimg" wh $WLAYERS >/dev/null
WKEEP="-k etc/profile -k a_root_file.txt -k c/c.txt -k a/* -k b/*"
# The answer: the layers' tar listings applied in order by a second route
# (whiteouts and opaque directories as the OCI image spec defines them).
/usr/bin/python3 - $WLAYERS >"$T/wh.want" <<'EOF'
import hashlib, sys, tarfile
def norm(n):
    while n.startswith("./"):
        n = n[2:]
    return n.strip("/")
fs = {}
for path in sys.argv[1:]:
    with tarfile.open(path) as t:
        ms = t.getmembers()
        for m in ms:  # opaque markers first: they hide lower layers only
            n = norm(m.name)
            if n.rsplit("/", 1)[-1] == ".wh..wh..opq":
                d = n.rsplit("/", 1)[0] + "/" if "/" in n else ""
                for k in [k for k in fs if k.startswith(d)]:
                    del fs[k]
        for m in ms:
            n = norm(m.name)
            if not n:
                continue
            base = n.rsplit("/", 1)[-1]
            if base == ".wh..wh..opq":
                continue
            if base.startswith(".wh."):
                gone = n[:len(n) - len(base)] + base[4:]
                for k in [k for k in fs if k == gone or k.startswith(gone + "/")]:
                    del fs[k]
            elif m.isreg():
                fs[n] = t.extractfile(m).read()
def show(p):
    d = fs[p]
    print("file %s sha256:%s %d" % (p, hashlib.sha256(d).hexdigest(), len(d)))
for k in ["etc/profile", "a_root_file.txt", "c/c.txt"]:
    show(k) if k in fs else print("missing " + k)
for d in ["a", "b"]:
    l = sorted(k for k in fs if k.startswith(d + "/") and "/" not in k[len(d) + 1:])
    for k in l:
        show(k)
    if not l:
        print("empty " + d)
EOF
for j in 1 6; do
	"$DUMP" -j $j $WKEEP "oci:$T/wimg:wh" >"$T/wj$j" 2>"$T/err" || diag "$(cat "$T/err")"
	check "whiteouts over 6 layers, $j at once: the view an independent overlay gives" \
		diff "$T/wh.want" <(grep -E '^(file|missing|empty) ' "$T/wj$j")
done
check "whiteouts: the same layers, whiteouts and opaque directories either way" \
	diff "$T/wj1" "$T/wj6"
check "whiteouts: the answer deletes and keeps what claircore's layers say" \
	eval "grep -qx 'missing etc/profile' '$T/wh.want' && grep -qx 'missing a_root_file.txt' '$T/wh.want' &&
	    grep -q '^file a/new.txt ' '$T/wh.want' && ! grep -q '^file a/keep.txt' '$T/wh.want' &&
	    grep -q '^file b/not.a.wh..wh..opq ' '$T/wh.want'"
"$DUMP" -j 2 "oci:$DEB:12-whiteouts" -k usr/bin/zdump -k var/lib/dpkg/status >"$T/dwh" 2>"$T/err" ||
	diag "$(cat "$T/err")"
check "debian-12:12-whiteouts, 2 at once: usr/bin/zdump deleted by the upper layer" \
	grep -qx 'missing usr/bin/zdump' "$T/dwh"
check "debian-12:12-whiteouts, 2 at once: var/lib/dpkg/status kept" \
	grep -q '^file var/lib/dpkg/status ' "$T/dwh"

# --- an error in one layer of several ------------------------------------------
blob_of() { /usr/bin/python3 -c 'import json,sys; r=sys.argv[1]; i=json.load(open(r+"/index.json")); m=json.load(open(r+"/blobs/sha256/"+i["manifests"][0]["digest"][7:])); print(m["layers"][int(sys.argv[2])]["digest"])' "$1" "$2"; }
cp -r "$T/split" "$T/bad"
L1=$(blob_of "$T/bad" 1)
L3=$(blob_of "$T/bad" 3)
# Layer 3 loses its end: a truncated gzip stream, not its digest.
truncate -s 100000 "$T/bad/blobs/sha256/${L3#sha256:}"
for j in 1 5; do
	expect_status "one truncated layer of five, $j at once: exit 3" 3 \
		"$HULLSCAN" scan $Q --no-match --no-cache --jobs $j "oci:$T/bad:split"
	check "one bad layer, $j at once: one line naming layer 3 ($(head -c 160 "$T/err"))" \
		eval "[ \$(grep -c ' layer ' '$T/err') -eq 1 ] && grep -q ': layer $L3: ' '$T/err'"
done
# Layer 1 too: the lower one is named, whichever thread failed first.
printf 'XXXX' | dd of="$T/bad/blobs/sha256/${L1#sha256:}" bs=1 seek=5000 conv=notrunc 2>/dev/null
for j in 1 5; do
	expect_status "two bad layers of five, $j at once: exit 3" 3 \
		"$HULLSCAN" scan $Q --no-match --no-cache --jobs $j "oci:$T/bad:split"
	check "two bad layers, $j at once: one line naming the lower, layer 1 ($(head -c 160 "$T/err"))" \
		eval "[ \$(grep -c ' layer ' '$T/err') -eq 1 ] && grep -q ': layer $L1: ' '$T/err'"
done
# A missing blob among several, and the good image beside it still scanned.
cp -r "$T/split" "$T/gone"
L2=$(blob_of "$T/gone" 2)
rm "$T/gone/blobs/sha256/${L2#sha256:}"
expect_status "a missing layer blob, the good image beside it: exit 3" 3 \
	"$HULLSCAN" inventory -q --no-cache "oci:$T/gone:split" "$SPLIT"
check "missing blob: named ($(head -c 160 "$T/err"))" grep -q "layer $L2: blob is missing" "$T/err"
check "missing blob: the other image's packages still listed" \
	grep -q "^# $SPLIT" "$T/out"

# --- docker://: the same images from a loopback registry ------------------------
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
	PORT=$(free_port)
	cat >"$T/reg.yml" <<EOF
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $T/store}}
http: {addr: 127.0.0.1:$PORT}
EOF
	docker-registry serve "$T/reg.yml" >"$T/reg.log" 2>&1 &
	at_exit "kill $! 2>/dev/null"
	if wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/"; then
		R=127.0.0.1:$PORT
		skopeo --insecure-policy copy -q --dest-tls-verify=false "$SPLIT" "docker://$R/t/split:5"
		skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$T/wimg:wh" "docker://$R/t/wh:6"
		expect_status "docker://, 5 layers at once" 0 "$HULLSCAN" scan -v --no-history --no-match \
			--no-cache --jobs 2 --json "$T/r.json" "docker://$R/t/split:5"
		check "docker://, 5 layers at once: debian-12's packages, as dpkg-query lists them" \
			same_pkgs "$T/r.json"
		if [ "$(nproc)" -gt 1 ]; then
			check "docker://: 2 layers read at once" grep -q '5 layers, 2 read at once' "$T/err"
		else
			skip "one core: layers are read one at a time"
		fi
		n=0
		for b in $(grep '^layer ' "$T/j1" | cut -d' ' -f3); do
			[ "$(grep -c "GET /v2/t/split/blobs/$b" "$T/reg.log")" -eq 1 ] && n=$((n + 1))
		done
		check "docker://: each of the 5 layers pulled once ($n)" test "$n" -eq 5
		for j in 1 6; do
			"$DUMP" -j $j $WKEEP "docker://$R/t/wh:6" >"$T/rw$j" 2>"$T/err" || diag "$(cat "$T/err")"
			check "docker://, whiteouts over 6 layers, $j at once: the independent overlay's view" \
				diff "$T/wh.want" <(grep -E '^(file|missing|empty) ' "$T/rw$j")
		done
		# The registry serves layer 3 damaged: a digest mismatch naming it.
		data=$T/store/docker/registry/v2/blobs/sha256/${L3:7:2}/${L3#sha256:}/data
		if [ -f "$data" ]; then
			printf 'XXXX' | dd of="$data" bs=1 seek=5000 conv=notrunc 2>/dev/null
			expect_status "docker://, one damaged layer of five, at once: exit 3" 3 \
				"$HULLSCAN" scan $Q --no-match --no-cache --jobs 2 "docker://$R/t/split:5"
			check "docker://, damaged layer named ($(head -c 200 "$T/err"))" \
				eval "[ \$(grep -c ' layer ' '$T/err') -eq 1 ] && grep -q 'layer $L3: .*digest' '$T/err'"
		else
			not_ok "docker://: the registry's copy of layer 3 at $data"
		fi
	else
		not_ok "docker-registry did not start"; diag "$(cat "$T/reg.log")"
	fi
else
	skip "no docker-registry or skopeo: docker:// not tested"
fi

done_testing
