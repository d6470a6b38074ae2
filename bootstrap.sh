#!/bin/sh
# Set up a fresh Debian 12 machine for hullscan and run it:
#   ./bootstrap.sh demo    install packages, build, fill the database from the feed
#                          files, scan the example images, write reports to demo/
#   ./bootstrap.sh check   install packages, build with --enable-werror (in build/,
#                          configured again if it was configured otherwise), run
#                          the whole test suite, then run it again in an ASan+UBSan
#                          build (build-asan/); the last line is
#                          "N passed, N failed, N skipped"
# Both install what they need with apt-get (as root, or through sudo).
set -eu
cd "$(dirname "$0")"
top=$(pwd)
mode=${1:-check}

PACKAGES="build-essential autoconf automake libtool pkg-config
libcurl4-openssl-dev libjansson-dev libxml2-dev libxslt1-dev libsqlite3-dev
libarchive-dev libssl-dev libyaml-dev libyajl-dev zlib1g-dev libzstd-dev
python3 python3-jwt python3-cryptography python3-jsonschema python3-packaging skopeo buildah podman umoci rpm
docker-registry apache2-utils nginx-light chromium zstd bzip2 xz-utils
dpkg-dev curl ca-certificates sqlite3 ruby php-cli php-composer-semver zip golang-go default-jdk-headless
golang-github-containerd-stargz-snapshotter-dev"

install_packages() {
	missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "bootstrap: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

# The CycloneDX 1.5 JSON schema for tests/sbom.sh, as CycloneDX publishes it in
# its npm library (pinned; npm checks the package's integrity). Without npm or
# the network the test says it skipped the schema, and everything else runs.
CDX_LIB=@cyclonedx/cyclonedx-library@10.3.0
fetch_schemas() {
	dest=$top/.schemas/cyclonedx
	[ -f "$dest/bom-1.5.SNAPSHOT.schema.json" ] && return 0
	if ! command -v npm >/dev/null 2>&1; then
		echo "bootstrap: npm not found: the CycloneDX schema test will be skipped"
		return 0
	fi
	tmp=$(mktemp -d)
	if (cd "$tmp" && timeout 180 npm pack --silent "$CDX_LIB" >/dev/null 2>&1) &&
	    mkdir -p "$dest" && tar -xzf "$tmp"/*.tgz -C "$tmp" package/res/schema &&
	    cp "$tmp"/package/res/schema/bom-1.5.SNAPSHOT.schema.json \
	    "$tmp"/package/res/schema/spdx.SNAPSHOT.schema.json \
	    "$tmp"/package/res/schema/jsf-0.82.SNAPSHOT.schema.json "$dest/"; then
		echo "bootstrap: CycloneDX schemas from $CDX_LIB"
	else
		echo "bootstrap: could not fetch $CDX_LIB: the CycloneDX schema test will be skipped"
	fi
	rm -rf "$tmp"
}

# cdxgen (CycloneDX's SBOM generator, npm, pinned) for tests/sbom-in.sh: SBOMs
# written by another tool, over the fixtures' root filesystems, read as sbom:.
CDXGEN=@cyclonedx/cdxgen@12.8.4
fetch_cdxgen() {
	dest=$top/.tools/cdxgen
	[ -x "$dest/node_modules/.bin/cdxgen" ] && return 0
	if ! command -v npm >/dev/null 2>&1; then
		echo "bootstrap: npm not found: the cdxgen SBOM test will be skipped"
		return 0
	fi
	mkdir -p "$dest"
	if (cd "$dest" && timeout 300 npm install --silent --no-audit --no-fund \
	    "$CDXGEN" >/dev/null 2>&1); then
		echo "bootstrap: $CDXGEN"
	else
		echo "bootstrap: could not install $CDXGEN: the cdxgen SBOM test will be skipped"
	fi
}

# The options DIR was configured with, as config.status says them.
configured_with() {
	(cd "$1" && ./config.status --config) 2>/dev/null
}

# build DIR [configure options]: an out-of-tree build configured with exactly
# these options. A folder configured otherwise (by demo, or by hand) is
# emptied and configured again: objects compiled without -Werror would
# otherwise be kept by make, and check would not build with the flags it claims.
build() {
	dir=$1; shift
	[ -x configure ] || ./autogen.sh
	if [ -f "$dir/config.status" ] && [ "$(configured_with "$dir")" != "$*" ]; then
		echo "bootstrap: $dir was configured with \"$(configured_with "$dir")\":" \
		    "configuring it again with \"$*\""
		rm -rf "$dir"
	fi
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || ../configure -q "$@"; } && make -s -j"$(nproc)")
}

# build_any DIR: a build of any configuration (the demo's): one made by check is
# reused as it is.
build_any() {
	if [ -f "$1/Makefile" ]; then
		(cd "$1" && make -s -j"$(nproc)")
	else
		build "$1"
	fi
}

case $mode in
demo)
	install_packages
	build_any build
	exec sh "$top/tests/demo.sh"
	;;
check)
	install_packages
	fetch_schemas
	fetch_cdxgen
	build build --enable-werror
	# The whole suite once more under AddressSanitizer and UBSan.
	build build-asan --enable-asan --enable-ubsan
	exec sh "$top/tests/run-suite.sh" "$top/build" "$top/build-asan"
	;;
*)
	echo "usage: $0 demo|check" >&2
	exit 2
	;;
esac
