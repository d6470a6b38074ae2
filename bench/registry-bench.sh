#!/bin/bash
# Registry benchmark: 50 images (distinct manifests, one shared debian-12
# base layer) from a loopback docker-registry, read with no layer cache, with
# a new cache (cold) and with the same cache again (warm). Prints wall time
# and how many times the 51 MB base layer was pulled.
# usage: bench/registry-bench.sh [BUILD_DIR] [N]   (run from anywhere; BUILD_DIR
# holds hullscan and tests/test-registry, default the current directory)
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-.}" && pwd)
N=${2:-50}
FIXTURES=${HULLSCAN_FIXTURES:-$top_srcdir/../shared/fixtures}
DEB=$FIXTURES/images/debian-12
LAYER=3370084cb3fb3c014a2eb54e2e98c2abada48595d07e6218028814150e065df6
T=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-bench.XXXXXX")
REG_PID=
cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cat >"$T/reg.yml" <<YML
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $T/store}}
http: {addr: 127.0.0.1:$PORT}
YML
docker-registry serve "$T/reg.yml" >"$T/reg.log" 2>&1 &
REG_PID=$!
for i in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/" && break; sleep 0.1; done
R=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false "oci:$DEB:12" "docker://$R/bench/app:base"
# N distinct images: the same config and layer, one annotation apart.
MT=application/vnd.oci.image.manifest.v1+json
curl -s -H "Accept: $MT" "http://$R/v2/bench/app/manifests/base" >"$T/base.json"
: >"$T/images.txt"
for i in $(seq "$N"); do
	/usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m.setdefault("annotations",{})["bench"]=sys.argv[2]; sys.stdout.write(json.dumps(m))' \
	    "$T/base.json" "$i" >"$T/m.json"
	curl -s -o /dev/null -X PUT -H "Content-Type: $MT" --data-binary @"$T/m.json" \
	    "http://$R/v2/bench/app/manifests/v$i"
	echo "docker://$R/bench/app:v$i" >>"$T/images.txt"
done

pulls() { grep -c "GET /v2/[^ ]*/blobs/sha256:$LAYER" "$T/reg.log" || true; }

# One pass over every image, with or without a cache; prints seconds.
pass() {
	local start end
	start=$(date +%s.%N)
	if "$B/hullscan" scan --help 2>/dev/null | grep -q -- --cache; then
		"$B/hullscan" scan -q --no-match --jobs 1 "$@" --images "$T/images.txt" >/dev/null
	else
		# Until the CLI has --cache: the library through the test driver.
		while read -r ref; do "$B/tests/test-registry" "$@" "$ref" >/dev/null; done <"$T/images.txt"
	fi
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}

p0=$(pulls)
t_none=$(pass ${NO_CACHE_OPT:-})
p1=$(pulls)
t_cold=$(pass --cache "$T/layers.db")
p2=$(pulls)
t_warm=$(pass --cache "$T/layers.db")
p3=$(pulls)
printf 'images\tcache\tseconds\tbase layer pulls\n'
printf '%s\tnone\t%.2f\t%s\n' "$N" "$t_none" $((p1 - p0))
printf '%s\tcold\t%.2f\t%s\n' "$N" "$t_cold" $((p2 - p1))
printf '%s\twarm\t%.2f\t%s\n' "$N" "$t_warm" $((p3 - p2))
