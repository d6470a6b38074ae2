#!/bin/bash
# RubyGems, Composer and .NET packages in images, against the fixtures'
# expected lists (lang/ruby, lang/php, lang/dotnet) read here by awk: gems of
# a gem home and not a Gemfile.lock beside it, a Gemfile.lock where no gem
# home is, installed.json (Composer 1 and 2) and composer.lock only without
# vendor/, deps.json packages and not projects; a gemspec dpkg lists is the
# OS package's; the layer column is the layer that added the file.
. "$top_srcdir/tests/lib.sh"
need_fixtures
need_cmd /usr/bin/python3 tar
PY=/usr/bin/python3
MKOCI="$PY $top_srcdir/tests/mkoci.py"
L=$FIXTURES/lang

# rows ECO: the ECO packages of $T/out as "name<TAB>version<TAB>location", sorted.
rows() { awk -F'\t' -v e="$1" '!/^#/ && $6 == e { print $1 "\t" $2 "\t" $7 }' "$T/out" | LC_ALL=C sort; }
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; diag "$(diff <(echo "$2") <(echo "$3") | head -20)"; fi
}

# Layer 1: a gem home (Debian's rack gemspec, copied under a bundler home),
# a Gemfile.lock beside it, Composer 1 and 2 vendor trees, a deps.json.
R=$T/r1
GEMSPEC=$L/ruby/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec
mkdir -p "$R/usr/local/bundle/specifications" "$R/srv/shop" "$R/srv/api" "$R/srv/legacy" \
    "$R/opt/dotnet-app"
cp "$GEMSPEC" "$R/usr/local/bundle/specifications/"
printf 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.0.6)\n\nDEPENDENCIES\n  rake\n' \
    >"$R/srv/shop/Gemfile.lock"
cp -r "$L/php/composer-v2/vendor" "$R/srv/api/"
cp -r "$L/php/composer-v1/vendor" "$R/srv/legacy/"
# A composer.lock beside vendor/ is not read (vendor/ says what is installed).
printf '{"packages":[{"name":"not/installed","version":"9.9.9"}]}' >"$R/srv/api/composer.lock"
cp "$L/dotnet/TestLibrary.deps.json" "$R/opt/dotnet-app/"
tar -C "$R" -cf "$T/l1.tar" .
$MKOCI "$T/img" t "$T/l1.tar" >/dev/null
expect_status "inventory of the app image" 0 "$HULLSCAN" inventory "oci:$T/img:t"
cp "$T/out" "$T/img.out"

got=$(rows gem)
same "gem: rack 2.2.22 of the gem home (expected.tsv), the Gemfile.lock beside it not read" \
    "$(awk -F'\t' '!/^#/ { print $1 "\t" $2 "\tusr/local/bundle/specifications/" $1 "-" $2 ".gemspec" }' "$L/ruby/expected.tsv")" \
    "$got"
check "gem: purl pkg:gem/rack@2.2.22" grep -q "	pkg:gem/rack@2.2.22	" "$T/out"

want=$( { awk -F'\t' '!/^#/ && $1 ~ /^composer-v2/ { print $2 "\t" $3 "\tsrv/api/vendor/composer/installed.json" }' "$L/php/expected.tsv"
	awk -F'\t' '!/^#/ && $1 ~ /^composer-v1/ { print $2 "\t" $3 "\tsrv/legacy/vendor/composer/installed.json" }' "$L/php/expected.tsv"; } | LC_ALL=C sort)
same "composer: both installed.json shapes (expected.tsv), versions as written; composer.lock beside vendor/ not read" \
    "$want" "$(rows composer)"
check "composer: purl pkg:composer/behat/mink@v1.8.1" grep -q "	pkg:composer/behat/mink@v1.8.1	" "$T/out"

want=$(awk -F'\t' '!/^#/ && $3 == "package" { print $1 "\t" $2 "\topt/dotnet-app/TestLibrary.deps.json" }' \
    "$L/dotnet/expected.tsv" | LC_ALL=C sort)
same "nuget: the 12 package libraries of expected.tsv, not the 2 projects" "$want" "$(rows nuget)"
check "nuget: purl pkg:nuget/Newtonsoft.Json@13.0.1" grep -q "	pkg:nuget/Newtonsoft.Json@13.0.1	" "$T/out"

# The layer column: every package added by the image's only layer.
diffid=$($PY -c '
import json, sys, os
d = sys.argv[1]
idx = json.load(open(os.path.join(d, "index.json")))
m = json.load(open(os.path.join(d, "blobs", *idx["manifests"][0]["digest"].split(":"))))
c = json.load(open(os.path.join(d, "blobs", *m["config"]["digest"].split(":"))))
print(c["rootfs"]["diff_ids"][0])' "$T/img")
check "every app package names the layer that added it ($diffid)" sh -c \
    "awk -F'\t' '!/^#/ && (\$6 == \"gem\" || \$6 == \"composer\" || \$6 == \"nuget\") && \$9 != \"$diffid\" { bad = 1 } END { exit bad }' '$T/out'"

# Layer 2 removes the gem home: the Gemfile.lock is read now (no gem home);
# a composer.lock with no vendor/ beside it is read (its packages, not -dev).
R2=$T/r2
mkdir -p "$R2/usr/local/bundle" "$R2/srv/new"
touch "$R2/usr/local/bundle/.wh.specifications"
printf '{"packages":[{"name":"monolog/monolog","version":"2.9.1"}],"packages-dev":[{"name":"phpunit/phpunit","version":"9.6.0"}]}' \
    >"$R2/srv/new/composer.lock"
tar -C "$R2" -cf "$T/l2.tar" .
$MKOCI "$T/img" t2 "$T/l1.tar" "$T/l2.tar" >/dev/null
expect_status "inventory with the gem home whited out" 0 "$HULLSCAN" inventory "oci:$T/img:t2"
same "gem: no gem home left, so the Gemfile.lock's gems" \
    "$(printf 'rake\t13.0.6\tsrv/shop/Gemfile.lock')" "$(rows gem)"
check "composer: a composer.lock without vendor/: monolog, not its dev packages" sh -c \
    "grep -q '^monolog/monolog	2.9.1	' '$T/out' && ! grep -q phpunit '$T/out'"

# A gemspec dpkg lists (ruby-rack's, at Debian's path) is the OS package's.
R3=$T/r3
mkdir -p "$R3/var/lib/dpkg/info" "$R3/etc" "$R3/usr/share/rubygems-integration/all/specifications"
cp "$GEMSPEC" "$R3/usr/share/rubygems-integration/all/specifications/"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' \
    >"$R3/etc/os-release"
printf 'Package: ruby-rack\nStatus: install ok installed\nArchitecture: all\nVersion: 2.2.22-0+deb12u2\n\n' \
    >"$R3/var/lib/dpkg/status"
printf '/.\n/usr\n/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec\n' \
    >"$R3/var/lib/dpkg/info/ruby-rack.list"
tar -C "$R3" -cf "$T/l3.tar" .
$MKOCI "$T/deb" t "$T/l3.tar" >/dev/null
expect_status "inventory of a Debian image with ruby-rack" 0 "$HULLSCAN" inventory "oci:$T/deb:t"
check "ruby-rack's gemspec: the deb, not a gem" sh -c \
    "grep -q '^ruby-rack	2.2.22-0+deb12u2	' '$T/out' && [ -z \"\$(awk -F'\t' '\$6 == \"gem\"' '$T/out')\" ]"
rm "$R3/var/lib/dpkg/info/ruby-rack.list"
tar -C "$R3" -cf "$T/l3.tar" .
$MKOCI "$T/deb2" t "$T/l3.tar" >/dev/null
expect_status "the same without ruby-rack.list" 0 "$HULLSCAN" inventory "oci:$T/deb2:t"
check "a gemspec no OS package lists: a gem again" grep -q "^rack	2.2.22	.*	gem	" "$T/out"

# The same rule for a jar: Debian's libyaml-snakeyaml-java installs
# usr/share/java/snakeyaml-1.33.jar; listed in its .list, it is the deb's.
R5=$T/r5
mkdir -p "$R5/var/lib/dpkg/info" "$R5/etc" "$R5/usr/share/java"
cp "$L/java/snakeyaml-1.33.jar" "$R5/usr/share/java/"
cp "$R3/etc/os-release" "$R5/etc/"
printf 'Package: libyaml-snakeyaml-java\nStatus: install ok installed\nArchitecture: all\nVersion: 1.33-2\n\n' \
    >"$R5/var/lib/dpkg/status"
printf '/.\n/usr\n/usr/share/java/snakeyaml-1.33.jar\n' \
    >"$R5/var/lib/dpkg/info/libyaml-snakeyaml-java.list"
tar -C "$R5" -cf "$T/l5.tar" .
$MKOCI "$T/jar" t "$T/l5.tar" >/dev/null
expect_status "inventory of a Debian image with libyaml-snakeyaml-java" 0 "$HULLSCAN" inventory "oci:$T/jar:t"
check "snakeyaml's jar that dpkg lists: the deb, not a maven package" sh -c \
    "grep -q '^libyaml-snakeyaml-java	' '$T/out' && [ -z \"\$(awk -F'\t' '\$6 == \"maven\"' '$T/out')\" ]"
rm "$R5/var/lib/dpkg/info/libyaml-snakeyaml-java.list"
tar -C "$R5" -cf "$T/l5.tar" .
$MKOCI "$T/jar2" t "$T/l5.tar" >/dev/null
expect_status "the same without its .list" 0 "$HULLSCAN" inventory "oci:$T/jar2:t"
check "a jar no OS package lists: org.yaml:snakeyaml 1.33 (maven)" grep -q "^org.yaml:snakeyaml	1.33	.*	maven	" "$T/out"

# Hostile: a deps.json 100,000 arrays deep and a garbage installed.json are
# warnings naming the file; the image's other packages are still reported.
R4=$T/r4
mkdir -p "$R4/app/vendor/composer" "$R4/ok/vendor/composer"
$PY -c 'import sys; sys.stdout.write("{\"libraries\":" + "[" * 100000 + "]" * 100000 + "}")' \
    >"$R4/app/Deep.deps.json"
printf 'not json' >"$R4/app/vendor/composer/installed.json"
cp "$L/php/composer-v2/vendor/composer/installed.json" "$R4/ok/vendor/composer/"
tar -C "$R4" -cf "$T/l4.tar" .
$MKOCI "$T/bad" t "$T/l4.tar" >/dev/null
expect_status "hostile app files: exit 0" 0 "$HULLSCAN" inventory "oci:$T/bad:t"
check "hostile: one warning line naming the files" sh -c \
    "[ \$(grep -c '^hullscan: ' '$T/err') -ge 1 ] && grep -q 'Deep.deps.json' '$T/err' && grep -q 'app/vendor/composer/installed.json' '$T/err'"
check "hostile: the good installed.json still read" grep -q "^asm89/stack-cors	1.3.0	" "$T/out"

done_testing
