#!/bin/bash
# The layer cache: a layer seen before is not fetched or read again, a base
# layer shared by many images is pulled once, concurrent processes share one
# cache file, entries of another "want" version are ignored, whiteouts come
# back as stored. Answers come from the registry's access log, tar and sqlite3.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd docker-registry skopeo sqlite3 /usr/bin/python3

DRIVER=$top_builddir/tests/test-registry
DEB=$FIXTURES/images/debian-12
C=$T/layers.db
LAYER=3370084cb3fb3c014a2eb54e2e98c2abada48595d07e6218028814150e065df6

PORT=$(free_port)
cat >"$T/reg.yml" <<YML
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $T/store}}
http: {addr: 127.0.0.1:$PORT}
YML
docker-registry serve "$T/reg.yml" >"$T/reg.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for 20 curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/" || {
	echo "not ok 1 - registry did not start"; echo "1..1"; exit 1; }
R=127.0.0.1:$PORT
for i in 1 2 3 4 5 6 7 8; do
	skopeo copy -q --dest-tls-verify=false "oci:$DEB:12" "docker://$R/test/app$i:1"
done

pulls() { grep -c "GET /v2/[^ ]*/blobs/sha256:$LAYER" "$T/reg.log" || true; }
files() { grep -E '^(file|whiteout|opaque)' "$1" | sort; }
stat_of() { awk -F'\t' '$1 == "cache" { print $2, $3, $4 }' "$1"; }

expect_status "cold read with an empty cache" 0 "$DRIVER" --cache "$C" "docker://$R/test/app1:1"
cp "$T/out" "$T/cold.out"
[ "$(stat_of "$T/cold.out")" = "hits 0 misses 1 puts 1" ] && ok "cold: one miss, one layer stored" ||
	not_ok "cold: $(stat_of "$T/cold.out")"
[ "$(pulls)" = 1 ] && ok "cold: the layer blob was pulled once" || not_ok "cold: $(pulls) pulls"

expect_status "warm read of the same image" 0 "$DRIVER" --cache "$C" "docker://$R/test/app1:1"
[ "$(stat_of "$T/out")" = "hits 1 misses 0 puts 0" ] && ok "warm: a hit, nothing stored" ||
	not_ok "warm: $(stat_of "$T/out")"
[ "$(pulls)" = 1 ] && ok "warm: the blob was not pulled again" || not_ok "warm: $(pulls) pulls"
files "$T/cold.out" >"$T/cold.files"
files "$T/out" >"$T/warm.files"
cmp -s "$T/cold.files" "$T/warm.files" && [ -s "$T/cold.files" ] &&
	ok "warm: the same kept files ($(wc -l <"$T/cold.files") entries)" || not_ok "warm: kept files differ"
want=$(tar -xzOf "$DEB/blobs/sha256/$LAYER" --wildcards var/lib/dpkg/status ./var/lib/dpkg/status 2>/dev/null | sha256sum | cut -d' ' -f1)
grep -q "	var/lib/dpkg/status	file	[0-9]*	sha256:$want\$" "$T/warm.files" &&
	ok "warm: dpkg status from the cache is the bytes tar extracts" || not_ok "warm: dpkg status"

# Five more images on the same base layer, one process each: no pull at all.
for i in 2 3 4 5 6; do
	"$DRIVER" --cache "$C" "docker://$R/test/app$i:1" >"$T/s$i.out" 2>&1 || true
done
n=$(grep -l "hits 1	misses 0" "$T"/s[2-6].out | wc -l)
[ "$n" = 5 ] && [ "$(pulls)" = 1 ] && ok "6 images sharing a base layer: pulled and read once" ||
	{ not_ok "shared base layer: $n hits, $(pulls) pulls"; diag "$(cat "$T/s2.out" | tail -3)"; }

# Concurrent processes on a fresh cache: no "database is locked", all right.
C2=$T/layers2.db
pids=""
for i in 1 2 3 4 5 6 7 8; do
	"$DRIVER" --cache "$C2" "docker://$R/test/app$i:1" >"$T/p$i.out" 2>"$T/p$i.err" &
	pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
same=0
for i in 1 2 3 4 5 6 7 8; do
	files "$T/p$i.out" | cmp -s - "$T/cold.files" && same=$((same + 1))
done
[ "$failed" = 0 ] && [ "$same" = 8 ] && ok "8 concurrent processes on one new cache file" ||
	{ not_ok "concurrent: $failed failed, $same right"; diag "$(cat "$T"/p*.err | head -5)"; }
rows=$(sqlite3 "$C2" "SELECT count(*) FROM layers")
[ "$rows" = 1 ] && ok "one cache entry for the shared layer" || not_ok "$rows entries"
[ "$(sqlite3 "$C2" "PRAGMA journal_mode")" = wal ] && ok "cache runs in WAL mode" || not_ok "not WAL"

# Entries written for another want set are not used.
sqlite3 "$C" "UPDATE layers SET want = want + 1000; UPDATE entries SET want = want + 1000"
before=$(pulls)
expect_status "read after the want set changed" 0 "$DRIVER" --cache "$C" "docker://$R/test/app1:1"
[ "$(stat_of "$T/out")" = "hits 0 misses 1 puts 1" ] && [ "$(pulls)" = $((before + 1)) ] &&
	ok "an entry of another want version is a miss: read and stored again" ||
	not_ok "want version: $(stat_of "$T/out"), $(pulls) pulls after $before"

# One process, --jobs 4, four images on one base layer, a fresh cache: the
# threads that need the layer while another reads it wait and take it from
# the cache, so the blob is pulled once, not four times at once.
before=$(pulls)
expect_status "--jobs 4 over 4 images sharing a layer, cold cache" 0 "$HULLSCAN" scan -q \
    --no-match --no-history --jobs 4 --cache "$T/jobs.db" \
    "docker://$R/test/app1:1" "docker://$R/test/app2:1" "docker://$R/test/app3:1" "docker://$R/test/app4:1"
[ "$(pulls)" = $((before + 1)) ] && ok "--jobs 4: the shared layer was pulled once" ||
	not_ok "--jobs 4: $(( $(pulls) - before )) pulls of the shared layer"
[ "$(sqlite3 "$T/jobs.db" "SELECT count(*) FROM layers")" = 1 ] &&
	ok "--jobs 4: one cache entry" || not_ok "--jobs 4: $(sqlite3 "$T/jobs.db" "SELECT count(*) FROM layers") entries"

# Whiteouts come back from the cache as the layer has them (tar's listing).
expect_status "oci: 12-whiteouts, cold" 0 "$DRIVER" --cache "$T/wh.db" "oci:$DEB:12-whiteouts"
cp "$T/out" "$T/wh1.out"
expect_status "oci: 12-whiteouts, warm" 0 "$DRIVER" --cache "$T/wh.db" "oci:$DEB:12-whiteouts"
L1=$(awk -F'\t' '$1 == "layer" && $2 == 1 { print $3 }' "$T/out" | cut -d: -f2)
tar -tzf "$DEB/blobs/sha256/$L1" | sed -n 's|^\./||; s|\(.*\)/\.wh\.\([^/]*\)$|whiteout	1	\1/\2|p' | sort >"$T/wh.want"
grep '^whiteout' "$T/out" | sort >"$T/wh.got"
[ "$(stat_of "$T/out")" = "hits 2 misses 0 puts 0" ] && cmp -s "$T/wh.want" "$T/wh.got" && [ -s "$T/wh.got" ] &&
	ok "whiteouts from the cache match tar's .wh. entries ($(wc -l <"$T/wh.got"))" ||
	{ not_ok "whiteouts from the cache"; diag "$(stat_of "$T/out"; cat "$T/wh.want" "$T/wh.got")"; }

# A damaged cache file is named in a one-line error.
printf 'this is not a database, not at all, really not\n%.0s' 1 2 3 4 5 6 7 8 9 10 >"$T/bad.db"
expect_status "a damaged cache file is refused" 2 "$DRIVER" --cache "$T/bad.db" "docker://$R/test/app1:1"
grep -q "layer cache $T/bad.db: .*not a database" "$T/err" && ok "damaged cache: $(cat "$T/err")" ||
	{ not_ok "damaged cache message"; diag "$(cat "$T/err")"; }

done_testing
