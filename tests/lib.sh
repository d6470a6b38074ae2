# Shared set-up for every shell test: strict mode, a temp dir, TAP helpers.
# Source it first: . "$top_srcdir/tests/lib.sh"
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${HULLSCAN:=$top_builddir/hullscan}"
FIXTURES=${HULLSCAN_FIXTURES:-$top_srcdir/../shared/fixtures}

T=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-test.XXXXXX")
chmod 755 "$T"
_cleanups=""
# Run a command at exit (servers to stop), last added first.
at_exit() { _cleanups="$1;$_cleanups"; }
_cleanup() {
	set +e
	eval "$_cleanups"
	rm -rf "$T"
}
trap _cleanup EXIT
trap 'exit 1' INT TERM

_n=0
_failed=0
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
not_ok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n # SKIP $*"; }
diag() { echo "# $*" | sed '2,$s/^/# /'; }
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }

# check DESC CMD...: one case, passing when CMD exits 0.
check() {
	_desc=$1; shift
	if ( "$@" ) >"$T/.out" 2>&1; then ok "$_desc"; else not_ok "$_desc"; diag "$(cat "$T/.out")"; fi
}

# expect_status DESC STATUS CMD...: CMD's exit status must be STATUS; its
# stdout is left in $T/out and stderr in $T/err.
expect_status() {
	_desc=$1; _want=$2; shift 2
	set +e
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	set -e
	if [ "$_got" -eq "$_want" ]; then ok "$_desc"; else
		not_ok "$_desc (exit $_got, want $_want)"; diag "$(head -c 2000 "$T/err")"; fi
}

# Fixtures are required under CI and optional on a developer's machine.
need_fixtures() {
	if [ -f "$FIXTURES/README.md" ]; then return 0; fi
	if [ "${CI:-}" = true ]; then
		echo "not ok 1 - ../shared/fixtures is missing (required under CI)"; echo "1..1"; exit 1
	fi
	echo "1..0 # SKIP ../shared/fixtures is missing"; exit 0
}

# A tool the test needs: skip locally when missing, fail under CI (set-up installs it).
need_cmd() {
	for _c in "$@"; do
		if ! command -v "$_c" >/dev/null 2>&1; then
			if [ "${CI:-}" = true ]; then
				echo "not ok 1 - $_c is not installed (set-up should have)"; echo "1..1"; exit 1
			fi
			echo "1..0 # SKIP $_c is not installed"; exit 0
		fi
	done
}

# A free TCP port on 127.0.0.1.
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; bounded.
wait_for() {
	_limit=$(( $1 * 10 )); shift
	_i=0
	while [ "$_i" -lt "$_limit" ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# alpine_old OCI-DIR: Alpine 3.10.3's minirootfs with a second layer that
# rewrites lib/apk/db/installed with older musl (1.1.22-r2) and libssl1.1
# (1.1.1b-r1). Against the real secdb v3.10 main.json that gives exactly 4
# findings: musl CVE-2019-14697; libssl1.1 CVE-2019-1547, -1549 and -1563.
alpine_old() {
	mkdir -p "$T/alpine-old-layer/lib/apk/db"
	tar -xzOf "$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" \
	    ./lib/apk/db/installed |
	    sed -e '/^P:musl$/,/^$/s/^V:1.1.22-r3$/V:1.1.22-r2/' \
	    -e '/^P:libssl1.1$/,/^$/s/^V:1.1.1d-r0$/V:1.1.1b-r1/' \
	    >"$T/alpine-old-layer/lib/apk/db/installed"
	tar -C "$T/alpine-old-layer" -cf "$T/alpine-old-layer.tar" lib
	/usr/bin/python3 "$top_srcdir/tests/mkoci.py" "$1" 1 \
	    "$FIXTURES/images/alpine-minirootfs/alpine-minirootfs-3.10.3-x86_64.tar.gz" \
	    "$T/alpine-old-layer.tar" >/dev/null
}

# Each test gets a private cache, database and history unless it says otherwise:
# the working directory (where ./hullscan-history.db goes by default) is $T.
export XDG_CACHE_HOME="$T/cache"
cd "$T"
