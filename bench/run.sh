#!/bin/bash
# Performance benchmark of issue 9 (`make bench`; never part of `make check`).
# Cases: cold scans of debian-12 (gzip, and a zstd copy made here) against
# the floor (bench/floor: libarchive reading every entry's data of the same
# blob while SHA-256 hashes it, measured in this same run); a warm scan
# (every layer cached); a cold scan of 150 MiB of jars (issue 15) against its
# layer's floor; 100 images sharing the base layer; matching 5,000
# packages against 100,000 advisories (bench/match-bench, timed around
# match_inventory only); peak RSS of each, and of a 1 GiB synthetic layer
# against a 64 MiB one (RSS must stay flat); 50 tags over one layer from a
# loopback docker-registry, cold and warm; the five layers of debian-12 cut
# in five (bench/gen-images.py split) read at once, against the sum of their
# floors and against --jobs 1 (issue 19); debian-12 as zstd:chunked from the
# loopback registry, lazily pulled, against --lazy-pull=never (issue 19).
# Times are the best of
# BENCH_RUNS runs (default 5): the machine is shared and small.
# Writes bench/results.md (gitignored) in the source tree, or $BENCH_OUT.
# Exit status 1 when a target is missed.
# usage: bench/run.sh [BUILD_DIR]   (BUILD_DIR holds hullscan, bench/floor and
#   bench/match-bench, default the current directory)
# env: BENCH_RUNS (5), BENCH_MANY (100 images), BENCH_BIG_MIB (1024),
#   BENCH_REGISTRY_TAGS (50), BENCH_JAVA_MIB (150), BENCH_OUT, BENCH_ONLY=layers|java|lazy (that case only)
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-.}" && pwd)
RUNS=${BENCH_RUNS:-5}
MANY=${BENCH_MANY:-100}
BIG_MIB=${BENCH_BIG_MIB:-1024}
OUT=${BENCH_OUT:-$top_srcdir/bench/results.md}
HULLSCAN=$B/hullscan
FLOOR=$B/bench/floor
MATCH=$B/bench/match-bench
FIXTURES=${HULLSCAN_FIXTURES:-$top_srcdir/../shared/fixtures}
DEB=$FIXTURES/images/debian-12
PY=/usr/bin/python3
RSS_LIMIT_KB=$((64 * 1024))

for f in "$HULLSCAN" "$FLOOR" "$MATCH"; do
	[ -x "$f" ] || { echo "bench: $f is missing (make bench builds it)" >&2; exit 2; }
done
[ -d "$DEB" ] || { echo "bench: no fixtures at $FIXTURES" >&2; exit 2; }
for c in skopeo /usr/bin/time "$PY"; do
	command -v "$c" >/dev/null || { echo "bench: $c is needed" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME=$T/xdg
log() { printf 'bench: %s\n' "$*" >&2; }

# measure CMD...: run once; sets US (wall microseconds), RSS (KiB) and CPU_US
# (user + system microseconds).
# hullscan scan exits 1 when findings fail a policy: only >= 2 is an error.
measure() {
	local t0 t1 rc=0
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S %M' -o "$T/rss" "$@" >"$T/out" 2>"$T/err" || rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -ge 2 ]; then
		log "failed ($rc): $*"; sed 's/^/  /' "$T/err" | head -5 >&2
		return 1
	fi
	US=$(( (t1 - t0) / 1000 ))
	RSS=$(tail -1 "$T/rss" | awk '{ print $3 }')
	CPU_US=$(tail -1 "$T/rss" | awk '{ printf "%d", ($1 + $2) * 1000000 }')
}

# best_of N PREP CMD...: the best wall time of N runs of CMD, each after
# running PREP (a shell function, or :); sets BEST_US, MAX_RSS.
best_of() {
	local n=$1 prep=$2 i
	shift 2
	BEST_US=; MAX_RSS=0
	for ((i = 0; i < n; i++)); do
		$prep
		measure "$@"
		if [ -z "$BEST_US" ] || [ "$US" -lt "$BEST_US" ]; then BEST_US=$US; fi
		if [ "$RSS" -gt "$MAX_RSS" ]; then MAX_RSS=$RSS; fi
	done
}

ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

ROWS=()
FAILED=0
# row CASE TIME FLOOR RATIO TARGET RSS_KB OK(0/1) [RSS_LIMIT_KB]
row() {
	local verdict=pass
	if [ "$7" -ne 1 ] || [ "$6" -ge "${8:-$RSS_LIMIT_KB}" ]; then verdict=MISSED; FAILED=1; fi
	ROWS+=("| $1 | $2 | $3 | $4 | $5 | $(mib "$6") | $verdict |")
}

# --- the report -------------------------------------------------------------------
report() {
	{
	echo "# hullscan benchmark (issue 9)"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- hullscan: $("$HULLSCAN" --version 2>&1 | head -1); $(git -C "$top_srcdir" describe --always --dirty 2>/dev/null || echo 'no git')"
	echo "- times: best of $RUNS runs (the 100-image case: best of $((RUNS < 3 ? RUNS : 3))), wall clock of the whole process, the floor (bench/floor, linked with libarchive and libcrypto only) included; the floor runs in turns with hullscan over the same blob"
	[ -n "${ONE_PASS:-}" ] && echo "- one pass: a cold scan of debian-12 (gzip): $ONE_PASS"
	[ -n "${NADV:-}" ] && echo "- database: $NADV advisories (bench/gen-advisories.py), imported in $(ms "$IMPORT_US") (RSS $(mib "$IMPORT_RSS")); scans match against it"
	[ -n "${LAYERS_NOTE:-}" ] && echo "- 5 layers at once: $LAYERS_NOTE"
	echo
	echo "| case | time | floor (same run) | ratio | target | peak RSS | verdict |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "Peak RSS target: < 64 MiB for every case but the jars' (< 128 MiB)."
	} >"$OUT"
	cat "$OUT"
}

# --- parallel decode: the layers of one image at once (issue 19) -------------------
# debian-12's layer cut in five (same files, five gzip layers); a cold scan
# (the default --jobs: one layer a core) against the sum of the five layers'
# floors (bench/floor over the five blobs, one after another, one thread) and
# against --jobs 1, in turns. The inventory must be debian-12's.
# Target: ≤ 0.75× the floor on 2 cores.
layers_case() {
	local floor_us= hs_us= serial_us= hs_rss=0 hs_cpu= floor_cpu= serial_cpu= i r ok=0 blobs npk
	log "debian-12 cut into 5 layers"
	"$PY" "$top_srcdir/bench/gen-images.py" split "$T/split" "$DEB" 12 5 >/dev/null
	mapfile -t blobs < <("$PY" -c 'import json,sys; r=sys.argv[1]; i=json.load(open(r+"/index.json")); m=json.load(open(r+"/blobs/sha256/"+i["manifests"][0]["digest"][7:])); print("\n".join(r+"/blobs/sha256/"+l["digest"][7:] for l in m["layers"]))' "$T/split")
	log "5 layers at once: floor, hullscan and hullscan --jobs 1, $RUNS turns"
	for ((i = 0; i < RUNS; i++)); do
		measure "$FLOOR" -n 1 "${blobs[@]}"
		if [ -z "$floor_us" ] || [ "$US" -lt "$floor_us" ]; then floor_us=$US floor_cpu=$CPU_US; fi
		measure "$HULLSCAN" scan -q --no-match --no-history --no-cache --json "$T/split.json" "oci:$T/split:split"
		if [ -z "$hs_us" ] || [ "$US" -lt "$hs_us" ]; then hs_us=$US hs_cpu=$CPU_US; fi
		if [ "$RSS" -gt "$hs_rss" ]; then hs_rss=$RSS; fi
		measure "$HULLSCAN" scan -q --no-match --no-history --no-cache --jobs 1 "oci:$T/split:split"
		if [ -z "$serial_us" ] || [ "$US" -lt "$serial_us" ]; then serial_us=$US serial_cpu=$CPU_US; fi
	done
	npk=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["images"][0]; print(len(r.get("packages", [])))' "$T/split.json" 2>/dev/null || echo 0)
	r=$(ratio "$hs_us" "$floor_us")
	le "$r" 0.75 && [ "$npk" = "$(grep -vc '^#' "$DEB.expected-packages.tsv")" ] && ok=1
	row "cold scan, debian-12 cut into 5 gzip layers, read at once ($npk packages; --jobs 1: $(ms "$serial_us"), $(ratio "$serial_us" "$floor_us")× floor)" \
	    "$(ms "$hs_us")" "$(ms "$floor_us") (sum of the 5 layers)" "$r" "≤ 0.75× floor" "$hs_rss" $ok
	LAYERS_NOTE="CPU time (user + system) of the best runs: floor $(ms "$floor_cpu"), hullscan at once $(ms "$hs_cpu"), hullscan --jobs 1 $(ms "$serial_cpu"); on $(nproc) idle cores hullscan's wall time cannot go below its CPU time / cores = $(ms $((hs_cpu / $(nproc)))), and the floor's is about its CPU time: the best ratio reachable is $(ratio $((hs_cpu / $(nproc))) "$floor_cpu")"
	rm -rf "$T/split"
}
if [ "${BENCH_ONLY:-}" = layers ]; then
	LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
	layers_case
	report
	exit $FAILED
fi
# --- Java archives: 150 MiB of jars, some nested, against their layer's floor ---
java_case() {
	local blob floor_us= floor_rss=0 hs_us= hs_rss=0 i r ok=0 npkg want
	log "an image of ${JAVA_MIB} MiB of jars (gen-images.py java)"
	"$PY" "$top_srcdir/bench/gen-images.py" java "$T/java" "$JAVA_MIB" >/dev/null 2>"$T/java.gen"
	want=$(sed -n 's/.* \([0-9]*\) pom.properties$/\1/p' "$T/java.gen")
	blob=$(layer_blob "$T/java")
	log "cold scan of the jars: floor and hullscan, $RUNS turns"
	for ((i = 0; i < RUNS; i++)); do
		measure "$FLOOR" -n 1 "$blob"
		if [ -z "$floor_us" ] || [ "$US" -lt "$floor_us" ]; then floor_us=$US; fi
		if [ "$RSS" -gt "$floor_rss" ]; then floor_rss=$RSS; fi
		fresh_cache
		measure "$HULLSCAN" inventory --cache "$T/cold.db" "oci:$T/java:java"
		if [ -z "$hs_us" ] || [ "$US" -lt "$hs_us" ]; then hs_us=$US; fi
		if [ "$RSS" -gt "$hs_rss" ]; then hs_rss=$RSS; fi
	done
	npkg=$(awk -F'\t' '$6 == "maven"' "$T/out" | wc -l)
	r=$(ratio "$hs_us" "$floor_us")
	le "$r" 1.3 && [ "$npkg" = "$want" ] && ok=1
	row "cold scan, $(($(stat -c %s "$blob") / 1048576)) MiB layer of jars (fat jar, war, 3 deep; $npkg of $want pom.properties)" \
	    "$(ms "$hs_us")" "$(ms "$floor_us") (RSS $(mib "$floor_rss"))" "$r" "≤ 1.3× floor, RSS < 128 MiB" \
	    "$hs_rss" $ok $((128 * 1024))
	rm -rf "$T/java"
}
# The one big blob of a layout: its layer.
layer_blob() { ls -S "$1"/blobs/sha256/* | head -1; }
fresh_cache() { rm -f "$T"/cold.db*; }
JAVA_MIB=${BENCH_JAVA_MIB:-150}
if [ "${BENCH_ONLY:-}" = java ]; then
	LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
	java_case
	report
	exit $FAILED
fi

# The database every scan matches against: 100,000 advisories.
make_db() {
	log "100,000 advisories and a 5,000-package inventory"
	"$PY" "$top_srcdir/bench/gen-advisories.py" "$T/gen" "$FIXTURES/images/debian-12.expected-packages.tsv" >/dev/null
	DB=$T/vuln.db
	measure "$HULLSCAN" db import --db "$DB" "$T/gen/tracker.json"
	IMPORT_US=$US IMPORT_RSS=$RSS
	NADV=$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from advisories").fetchone()[0])' "$DB")
	SCAN=("$HULLSCAN" scan -q --db "$DB" --no-history --max-db-age 8760)
}

# --- lazy pull: debian-12 as zstd:chunked from a loopback registry (issue 19) ------
# skopeo converts debian-12 to zstd:chunked and pushes it to docker-registry
# on 127.0.0.1; a cold scan (fresh cache) with the default --lazy-pull=auto
# against the same with --lazy-pull=never, in turns. Bytes fetched are the
# registry's own count (its access log) of the layer's blob. Targets: ≤ 20%
# of the layer's bytes, ≤ 0.5× the scan that reads it whole; the same
# packages and findings both ways.
lazy_case() {
	local port store pid i lazy_us= never_us= lazy_rss=0 never_rss=0 ldig lsize bytes r ok=0 same
	command -v docker-registry >/dev/null || { log "no docker-registry: lazy case skipped"; return 0; }
	log "debian-12 as zstd:chunked (skopeo)"
	skopeo --insecure-policy copy -q --dest-compress-format zstd:chunked "oci:$DEB:12" "oci:$T/deb-zc:12"
	port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	store=$T/lazyreg
	mkdir -p "$store"
	printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
	    "$store/data" "$port" >"$store/reg.yml"
	docker-registry serve "$store/reg.yml" >"$store/reg.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
		sleep 0.1
	done
	skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$T/deb-zc:12" "docker://127.0.0.1:$port/bench/deb:zc"
	read -r ldig lsize < <("$PY" -c 'import json,sys; r=sys.argv[1]; i=json.load(open(r+"/index.json")); m=json.load(open(r+"/blobs/sha256/"+i["manifests"][0]["digest"][7:])); l=m["layers"][0]; print(l["digest"], l["size"])' "$T/deb-zc")
	log "lazy pull: --lazy-pull=auto and never, $RUNS turns"
	for ((i = 0; i < RUNS; i++)); do
		fresh_cache
		: >"$store/reg.log"
		measure "${SCAN[@]}" --cache "$T/cold.db" --json "$T/lazy.json" "docker://127.0.0.1:$port/bench/deb:zc"
		if [ -z "$lazy_us" ] || [ "$US" -lt "$lazy_us" ]; then lazy_us=$US; fi
		if [ "$RSS" -gt "$lazy_rss" ]; then lazy_rss=$RSS; fi
		bytes=$(awk -v d="$ldig" 'index($0, "GET /v2/bench/deb/blobs/" d) { n += $10 } END { print n + 0 }' "$store/reg.log")
		fresh_cache
		measure "${SCAN[@]}" --cache "$T/cold.db" --lazy-pull=never --json "$T/never.json" "docker://127.0.0.1:$port/bench/deb:zc"
		if [ -z "$never_us" ] || [ "$US" -lt "$never_us" ]; then never_us=$US; fi
		if [ "$RSS" -gt "$never_rss" ]; then never_rss=$RSS; fi
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	same=$("$PY" -c '
import json, sys
def key(p):
    i = json.load(open(p))["images"][0]
    return (sorted((x["name"], x["version"]) for x in i.get("packages", [])),
            sorted((f["id"], f["package"]) for f in i.get("findings", [])))
a, b = key(sys.argv[1]), key(sys.argv[2])
print("%d packages, %d findings, %s" % (len(a[0]), len(a[1]), "the same both ways" if a == b else "DIFFERENT"))' "$T/lazy.json" "$T/never.json")
	r=$(ratio "$lazy_us" "$never_us")
	le "$r" 0.5 && [ $((bytes * 5)) -le "$lsize" ] && [ "$bytes" -gt 0 ] && case $same in *"the same"*) ok=1;; esac
	row "cold scan, debian-12 zstd:chunked from a loopback registry, lazy pull ($same; $bytes of $lsize layer bytes fetched: $(awk -v a="$bytes" -v b="$lsize" 'BEGIN { printf "%.1f%%", 100 * a / b }'))" \
	    "$(ms "$lazy_us")" "$(ms "$never_us") (--lazy-pull=never, RSS $(mib "$never_rss"))" "$r" "≤ 0.5× never, ≤ 20% of the bytes" "$lazy_rss" $ok
	rm -rf "$T/deb-zc" "$store"
}
if [ "${BENCH_ONLY:-}" = lazy ]; then
	LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
	make_db
	lazy_case
	report
	exit $FAILED
fi

# --- inputs, made here --------------------------------------------------------
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "zstd copy of debian-12 (skopeo)"
skopeo --insecure-policy copy -q --dest-compress-format zstd "oci:$DEB:12" "oci:$T/deb-zstd:12"
GZ_BLOB=$(layer_blob "$DEB")
ZS_BLOB=$(layer_blob "$T/deb-zstd")

make_db

log "$MANY images sharing the base layer"
"$PY" "$top_srcdir/bench/gen-images.py" many "$T/many" "$DEB" 12 "$MANY" >"$T/many.list"

# --- cold scans against the floor ---------------------------------------------
cold_case() {
	local name=$1 ref=$2 blob=$3 floor_us= floor_rss=0 hs_us= hs_rss=0 i r ok=0
	# The floor and hullscan each run as a whole process, in turns, so that
	# both pay a process start and a drift of the machine touches both.
	log "cold scan, $name: floor and hullscan, $RUNS turns"
	for ((i = 0; i < RUNS; i++)); do
		measure "$FLOOR" -n 1 "$blob"
		if [ -z "$floor_us" ] || [ "$US" -lt "$floor_us" ]; then floor_us=$US; fi
		if [ "$RSS" -gt "$floor_rss" ]; then floor_rss=$RSS; fi
		fresh_cache
		measure "${SCAN[@]}" --cache "$T/cold.db" --json "$T/cold.json" "$ref"
		if [ -z "$hs_us" ] || [ "$US" -lt "$hs_us" ]; then hs_us=$US; fi
		if [ "$RSS" -gt "$hs_rss" ]; then hs_rss=$RSS; fi
	done
	r=$(ratio "$hs_us" "$floor_us")
	le "$r" 1.15 && ok=1
	row "cold scan, debian-12 $name ($(($(stat -c %s "$blob") / 1048576)) MiB blob)" \
	    "$(ms "$hs_us")" "$(ms "$floor_us") (RSS $(mib "$floor_rss"))" "$r" "≤ 1.15× floor" "$hs_rss" $ok
	eval "COLD_${name}_US=$hs_us"
}
cold_case gzip "oci:$DEB:12" "$GZ_BLOB"
cold_case zstd "oci:$T/deb-zstd:12" "$ZS_BLOB"

java_case

# --- one pass: how many bytes of the blob a cold scan reads (strace) -----------
ONE_PASS="not checked (no strace)"
if command -v strace >/dev/null; then
	log "one pass over the blob (strace)"
	strace -f -qq -o "$T/strace" -e trace=openat,read,close -e verbose=none \
	    "$HULLSCAN" scan -q --no-match --no-history --no-cache "oci:$DEB:12" >/dev/null 2>&1 || true
	ONE_PASS=$("$PY" - "$T/strace" "$GZ_BLOB" <<'PYEOF'
import os, re, sys
path, blob = sys.argv[1], os.path.realpath(sys.argv[2])
fds, opens, total = {}, 0, 0
for line in open(path):
    m = re.search(r'openat\([^,]*, "([^"]*)".*\) = (\d+)', line)
    if m:
        fds[m.group(2)] = os.path.realpath(m.group(1)) == blob
        opens += fds[m.group(2)]
        continue
    m = re.search(r'read\((\d+),.*\) = (\d+)', line)
    if m and fds.get(m.group(1)):
        total += int(m.group(2))
        continue
    m = re.search(r'close\((\d+)\)', line)
    if m:
        fds.pop(m.group(1), None)
size = os.path.getsize(blob)
print("blob opened %d time(s), %d of its %d bytes read (%.2f passes)" % (opens, total, size, total / size))
PYEOF
)
fi

# --- warm scan ----------------------------------------------------------------
log "warm scan"
rm -f "$T"/warm.db*
"${SCAN[@]}" --cache "$T/warm.db" "oci:$DEB:12" >/dev/null || [ $? -eq 1 ]
best_of "$RUNS" : "${SCAN[@]}" --cache "$T/warm.db" --json "$T/warm.json" "oci:$DEB:12"
WARM_US=$BEST_US
NFIND=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(len(i.get("findings", [])) for i in r["images"]))' "$T/warm.json" 2>/dev/null || echo "?")
ok=0; [ "$WARM_US" -le 30000 ] && ok=1
row "warm scan, debian-12 (every layer cached; $NFIND findings)" "$(ms "$WARM_US")" "—" "—" "≤ 30 ms" "$MAX_RSS" $ok

# --- many images sharing base layers --------------------------------------------
log "$MANY images, one fresh cache"
MANY_BEST=; MANY_RSS=0
for ((i = 0; i < (RUNS < 3 ? RUNS : 3); i++)); do
	rm -f "$T"/many.db*
	measure "${SCAN[@]}" --cache "$T/many.db" --images "$T/many.list" --json "$T/many.json"
	if [ -z "$MANY_BEST" ] || [ "$US" -lt "$MANY_BEST" ]; then MANY_BEST=$US; fi
	if [ "$RSS" -gt "$MANY_RSS" ]; then MANY_RSS=$RSS; fi
done
NIMG=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(1 for i in r["images"] if not i.get("error")))' "$T/many.json" 2>/dev/null || echo "?")
MANY_TARGET=$((COLD_gzip_US + MANY * WARM_US))
ok=0; [ "$NIMG" = "$MANY" ] && [ "$MANY_BEST" -le "$MANY_TARGET" ] && ok=1
row "$MANY images sharing the debian-12 layer ($NIMG scanned, cold cache)" "$(ms "$MANY_BEST")" \
    "—" "$(ratio "$MANY_BEST" "$MANY_TARGET") of target" "≤ cold + $MANY × warm = $(ms "$MANY_TARGET")" "$MANY_RSS" $ok

# --- matching ---------------------------------------------------------------------
log "matching"
"$MATCH" -n "$RUNS" "$DB" "$T/gen/inventory.tsv" >"$T/match.out"
read -r M_FIRST M_BEST M_FIND M_PKGS M_RSS <"$T/match.out"
M_FIRST_US=$(awk -v s="$M_FIRST" 'BEGIN { printf "%d", s * 1000000 }')
M_BEST_US=$(awk -v s="$M_BEST" 'BEGIN { printf "%d", s * 1000000 }')
ok=0; [ "$M_BEST_US" -le 100000 ] && ok=1
row "matching: $M_PKGS packages × $NADV advisories ($M_FIND findings; first call $(ms "$M_FIRST_US"))" \
    "$(ms "$M_BEST_US")" "—" "—" "≤ 100 ms" "$M_RSS" $ok

# --- a big layer: RSS stays flat --------------------------------------------------
big_case() {
	local mib=$1 floor_us
	log "synthetic layer of $mib MiB"
	rm -rf "$T/big"
	"$PY" "$top_srcdir/bench/gen-images.py" big "$T/big" "$mib" >/dev/null
	measure "$FLOOR" -n 1 "$(layer_blob "$T/big")"
	floor_us=$US
	measure "$HULLSCAN" scan -q --no-match --no-history --no-cache --json "$T/big.json" "oci:$T/big:big"
	BIG_US=$US BIG_RSS=$RSS BIG_FLOOR_US=$floor_us
	BIG_BLOB_MIB=$(($(stat -c %s "$(layer_blob "$T/big")") / 1048576))
	rm -rf "$T/big"
}
big_case 64
SMALL_RSS=$BIG_RSS
big_case "$BIG_MIB"
ok=0; [ $((BIG_RSS - SMALL_RSS)) -le 4096 ] && ok=1
row "$BIG_MIB MiB synthetic layer ($BIG_BLOB_MIB MiB gzip; 64 MiB layer: RSS $(mib "$SMALL_RSS"))" \
    "$(ms "$BIG_US")" "$(ms "$BIG_FLOOR_US")" "$(ratio "$BIG_US" "$BIG_FLOOR_US")" \
    "RSS flat (± 4 MiB) and < 64 MiB" "$BIG_RSS" $ok

# --- tags from a loopback registry (issue 3) ---------------------------------------
# REG_N distinct manifests over the one debian-12 layer in docker-registry on
# 127.0.0.1: one image cold (fresh cache), all of them cold, all again warm.
# Target: a warm image costs at most 0.05 of the first cold one.
registry_case() {
	local port store pid n=$REG_N i cold1 cold_all warm_all warm_rss pulls0 pulls1 ok=0
	command -v docker-registry >/dev/null || { log "no docker-registry: registry case skipped"; return 0; }
	port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	store=$T/reg
	mkdir -p "$store"
	printf 'version: 0.1\nlog: {level: info}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
	    "$store/data" "$port" >"$store/reg.yml"
	docker-registry serve "$store/reg.yml" >"$store/reg.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
		sleep 0.1
	done
	log "registry: $n tags over one layer"
	skopeo copy -q --dest-tls-verify=false "oci:$DEB:12" "docker://127.0.0.1:$port/bench/app:base"
	curl -s -H "Accept: application/vnd.oci.image.manifest.v1+json" \
	    "http://127.0.0.1:$port/v2/bench/app/manifests/base" >"$store/base.json"
	: >"$store/list"
	for ((i = 1; i <= n; i++)); do
		"$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); m.setdefault("annotations",{})["bench"]=sys.argv[2]; sys.stdout.write(json.dumps(m))' \
		    "$store/base.json" "$i" >"$store/m.json"
		curl -s -o /dev/null -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
		    --data-binary @"$store/m.json" "http://127.0.0.1:$port/v2/bench/app/manifests/v$i"
		echo "docker://127.0.0.1:$port/bench/app:v$i" >>"$store/list"
	done
	best_of "$RUNS" fresh_cache "${SCAN[@]}" --cache "$T/cold.db" "docker://127.0.0.1:$port/bench/app:v1"
	cold1=$BEST_US
	pulls0=$(grep -c "GET /v2/bench/app/blobs/sha256:$(basename "$GZ_BLOB")" "$store/reg.log" || true)
	fresh_cache
	measure "${SCAN[@]}" --cache "$T/cold.db" --images "$store/list"
	cold_all=$US
	pulls1=$(grep -c "GET /v2/bench/app/blobs/sha256:$(basename "$GZ_BLOB")" "$store/reg.log" || true)
	best_of "$RUNS" : "${SCAN[@]}" --cache "$T/cold.db" --images "$store/list"
	warm_all=$BEST_US warm_rss=$MAX_RSS
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	r=$(awk -v w="$warm_all" -v n="$n" -v c="$cold1" 'BEGIN { printf "%.3f", w / n / c }')
	le "$r" 0.05 && [ $((pulls1 - pulls0)) = 1 ] && ok=1
	row "$n registry tags over one layer: first image cold $(ms "$cold1"); all $n cold $(ms "$cold_all") (layer pulled $((pulls1 - pulls0))×); all warm" \
	    "$(ms "$warm_all") ($(ms $((warm_all / n))) an image)" "—" "$r per image" "warm image ≤ 0.05 × first cold" "$warm_rss" $ok
}
REG_N=${BENCH_REGISTRY_TAGS:-50}
registry_case
layers_case
lazy_case

report
exit $FAILED
