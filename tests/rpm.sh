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
	ok "rpm leaves an empty -wal file (the reader reads the main file only)"
else
	not_ok "rpm left $(stat -c %s "$db/rpmdb.sqlite-wal") bytes in rpmdb.sqlite-wal"
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
