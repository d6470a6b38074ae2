#!/bin/sh
# Write, on stdout, a C source holding the given files (the HTML templates and
# the default feed list) so that the binary works wherever it is put:
#   embed.sh SRCDIR FILE...
# Each FILE is read as SRCDIR/FILE and found at run time by its name FILE
# (embed_find). Only POSIX sh, od and awk: it runs in out-of-tree builds and
# under make distcheck.
set -eu
srcdir=$1
shift
echo "/* Generated at build time by src/embed.sh from $*: do not edit. */"
echo '#include "config.h"'
echo
echo '#include <stddef.h>'
echo
echo '#include "embed.h"'
n=0
for f in "$@"; do
	if [ ! -r "$srcdir/$f" ]; then
		echo "embed.sh: $srcdir/$f: cannot read" >&2
		exit 1
	fi
	echo
	echo "static const unsigned char embed_data_$n[] = {"
	# Every byte as 0xNN, then a NUL after the last one.
	od -An -v -tx1 "$srcdir/$f" | awk '
		{ s = "\t"; for (i = 1; i <= NF; i++) s = s "0x" $i ","; print s }'
	echo "	0"
	echo "};"
	n=$((n + 1))
done
echo
echo "const struct embed_file embed_files[] = {"
n=0
for f in "$@"; do
	size=$(wc -c <"$srcdir/$f" | tr -d ' ')
	echo "	{ \"$f\", embed_data_$n, $size },"
	n=$((n + 1))
done
echo "	{ NULL, NULL, 0 }"
echo "};"
