#!/bin/bash
# rpm databases made at test time by Debian's rpm 4.18 (SQLite backend), and
# the shared BerkeleyDB/SQLite fixtures as rpm itself reads them: what
# pkg_rpmdb_parse finds (tests/rpmdb-dump) must be what `rpm -qa` lists.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

DUMP=${top_builddir}/tests/rpmdb-dump
need_cmd rpm rpmbuild
if [ ! -x "$DUMP" ]; then
	not_ok "tests/rpmdb-dump is not built (make check builds it)"; done_testing; exit 1
fi

QF='%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n'

# rpm -qa as rpmdb-dump -s prints it: no gpg-pubkey keys, sorted
rpm_qa() {
	rpm -qa --dbpath "$1" ${2:+--define "_db_backend $2"} --qf "$QF" |
		awk -F'\t' '$1 != "gpg-pubkey"' | LC_ALL=C sort
}

# compare DESC DBFILE DBDIR [BACKEND]
compare() {
	_desc=$1; _file=$2; _dir=$3; _backend=${4:-}
	rpm_qa "$_dir" "$_backend" >"$T/want" 2>"$T/rpm.err" || true
	if ! "$DUMP" -s "$_file" 2>"$T/dump.err" | LC_ALL=C sort >"$T/got"; then
		not_ok "$_desc"; diag "$(cat "$T/dump.err")"; return
	fi
	if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
		ok "$_desc ($(wc -l <"$T/got") packages)"
	else
		not_ok "$_desc"
		diag "$(diff "$T/want" "$T/got" | head -20; cat "$T/rpm.err" "$T/dump.err")"
	fi
}

# --- tiny noarch packages: an epoch, a ~ and a ^ version, a subpackage ---
mkdir -p "$T/specs" "$T/top"
spec() {	# spec NAME VERSION RELEASE [EPOCH] [SUBPACKAGE]
	{
		echo "Name: $1"; echo "Version: $2"; echo "Release: $3"
		[ -n "${4:-}" ] && echo "Epoch: $4"
		echo "Summary: hullscan test package"; echo "License: MIT"
		echo "BuildArch: noarch"
		echo "%description"; echo "hullscan test package"
		if [ -n "${5:-}" ]; then
			echo "%package -n $5"; echo "Summary: subpackage"
			echo "%description -n $5"; echo "subpackage"
			echo "%files -n $5"
		fi
		echo "%files"
	} >"$T/specs/$1.spec"
	rpmbuild -bb --quiet --define "_topdir $T/top" "$T/specs/$1.spec" >"$T/build.log" 2>&1
}
if spec hs-plain 1.0 1 && spec hs-epoch 3.1 4.el9 2 && spec hs-tilde 1.0~rc1 1 &&
    spec hs-caret 2.0^git20240101 1 && spec hs-source 1.2 3 1 hs-source-libs &&
    spec hs-gone 0.1 1; then
	ok "rpmbuild made $(find "$T/top/RPMS" -name '*.rpm' | wc -l) test packages"
else
	not_ok "rpmbuild failed"; diag "$(tail -20 "$T/build.log")"; done_testing; exit 1
fi

db=$T/db
rpm --initdb --dbpath "$db" --define '_db_backend sqlite'
rpm -i --justdb --nodeps --nosignature --dbpath "$db" --define '_db_backend sqlite' \
	"$T"/top/RPMS/noarch/*.rpm 2>/dev/null
compare "SQLite rpmdb after rpm -i: rpmdb-dump matches rpm -qa" "$db/rpmdb.sqlite" "$db"

rpm -e --justdb --nodeps --dbpath "$db" --define '_db_backend sqlite' hs-gone 2>/dev/null
compare "SQLite rpmdb after rpm -e: rpmdb-dump matches rpm -qa" "$db/rpmdb.sqlite" "$db"
if "$DUMP" "$db/rpmdb.sqlite" | grep -q '^hs-gone'; then
	not_ok "a package removed with rpm -e is gone"
else
	ok "a package removed with rpm -e is gone"
fi
# rpm checkpoints its WAL when it closes the database: the main file is whole
if [ ! -s "$db/rpmdb.sqlite-wal" ]; then
	ok "rpm leaves an empty -wal file when it closes the database"
else
	not_ok "rpm left $(stat -c %s "$db/rpmdb.sqlite-wal") bytes in rpmdb.sqlite-wal"
fi

# A -wal holding a transaction past the last checkpoint (an rpm killed
# before it closed the database): applied as SQLite applies it. Made with
# Python's sqlite3 (checkpoints off), copied while the connection is open;
# the truth is rpm -qa over another copy, which SQLite opens with its WAL.
wal_copy() {	# wal_copy SRC DST: the database and its -wal, as they are now
	mkdir -p "$2"; cp "$1/rpmdb.sqlite" "$1/rpmdb.sqlite-wal" "$2/"
}
cp -r "$db" "$T/walsrc"
if /usr/bin/python3 - "$T/walsrc" "$T/wal1" "$T/wal1-rpm" <<'PY'
import os, shutil, sqlite3, sys
src, a, b = sys.argv[1:4]
c = sqlite3.connect(os.path.join(src, "rpmdb.sqlite"), isolation_level=None)
assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("DELETE FROM Packages WHERE hnum = (SELECT max(hnum) FROM Packages)")
for d in (a, b):
    os.makedirs(d)
    for f in ("rpmdb.sqlite", "rpmdb.sqlite-wal"):
        shutil.copy(os.path.join(src, f), d)
assert os.path.getsize(os.path.join(a, "rpmdb.sqlite-wal")) > 0
os._exit(0)   # no close: no checkpoint
PY
then
	compare "a -wal past the checkpoint: rpmdb-dump matches rpm -qa" "$T/wal1/rpmdb.sqlite" "$T/wal1-rpm" sqlite
	nwal=$(wc -l <"$T/got")
	[ "$nwal" -eq $(($("$DUMP" "$db/rpmdb.sqlite" | wc -l) - 1)) ] &&
		ok "the -wal's deletion is seen: one package fewer than the main file alone" ||
		not_ok "the -wal's deletion is not seen"
	# The same log torn in its last frame: that transaction never committed.
	wal_copy "$T/wal1" "$T/wal2"
	truncate -s -100 "$T/wal2/rpmdb.sqlite-wal"
	wal_copy "$T/wal2" "$T/wal2-rpm"
	compare "a -wal torn in its commit frame: rpmdb-dump matches rpm -qa" "$T/wal2/rpmdb.sqlite" "$T/wal2-rpm" sqlite
	# A log with its magic broken: one line naming it, not a crash.
	wal_copy "$T/wal1" "$T/wal3"
	printf 'XXXX' | dd of="$T/wal3/rpmdb.sqlite-wal" bs=1 conv=notrunc 2>/dev/null
	if ! "$DUMP" "$T/wal3/rpmdb.sqlite" 2>"$T/err" >/dev/null &&
	    grep -q "rpmdb.sqlite: -wal: not an SQLite write-ahead log" "$T/err"; then
		ok "a -wal that is not a WAL: $(cat "$T/err")"
	else
		not_ok "a broken -wal"; diag "$(cat "$T/err")"
	fi
	# End to end: an image's root filesystem holding both files.
	mkdir -p "$T/walroot/etc" "$T/walroot/var/lib/rpm"
	printf 'ID=fedora\nVERSION_ID=39\n' >"$T/walroot/etc/os-release"
	cp "$T/wal1/rpmdb.sqlite" "$T/wal1/rpmdb.sqlite-wal" "$T/walroot/var/lib/rpm/"
	if "$top_builddir/hullscan" inventory -q "dir:$T/walroot" >"$T/inv" 2>"$T/err" &&
	    [ "$(grep -vc '^#' "$T/inv")" -eq "$nwal" ]; then
		ok "hullscan inventory applies an image's rpmdb.sqlite-wal ($(grep -vc '^#' "$T/inv") packages)"
	else
		not_ok "inventory with a -wal"; diag "$(cat "$T/err" "$T/inv")"
	fi
else
	not_ok "could not make a database with a -wal"
fi

# epoch and source as the inventory holds them (the scanner's view)
if "$DUMP" -s "$db/rpmdb.sqlite" | grep -qx $'hs-source-libs\t1\t1.2\t3\tnoarch\ths-source-1.2-3.src.rpm' &&
    "$DUMP" "$db/rpmdb.sqlite" | grep -qx $'hs-tilde\t0\t1.0~rc1\t1\tnoarch'; then
	ok "subpackage source rpm and a ~ version read back"
else
	not_ok "subpackage source rpm and a ~ version read back"
	diag "$("$DUMP" -s "$db/rpmdb.sqlite")"
fi

# --- the shared fixtures, read by rpm 4.18 here and by hullscan ---
if [ -f "$FIXTURES/README.md" ]; then
	for d in amazonlinux2023-plain-sqlite cbl-mariner-2.0-sqlite; do
		mkdir -p "$T/fx/$d"
		cp "$FIXTURES/rpmdb/$d/rpmdb.sqlite" "$T/fx/$d/"
		compare "fixture $d: rpmdb-dump matches rpm -qa" \
			"$FIXTURES/rpmdb/$d/rpmdb.sqlite" "$T/fx/$d" sqlite
	done
	for d in libuuid-bdb syft-dive-bdb; do
		mkdir -p "$T/fx/$d"
		cp "$FIXTURES/rpmdb/$d/Packages" "$T/fx/$d/"
		compare "fixture $d (BerkeleyDB): rpmdb-dump matches rpm -qa" \
			"$FIXTURES/rpmdb/$d/Packages" "$T/fx/$d" bdb_ro
	done
elif [ "${CI:-}" = true ]; then
	not_ok "../shared/fixtures is missing (required under CI)"
else
	skip "../shared/fixtures is missing"
fi

done_testing
