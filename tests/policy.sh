#!/bin/sh
# Every policy option through the command line (history merge applies the same
# policy code a scan does), with the exit status and verdicts each must give.
. "$top_srcdir/tests/lib.sh"

MAKE="$top_builddir/tests/test-history"
unset JOB_NAME BUILD_NUMBER BUILD_URL || true

# Shard 1 (job nightly, build 7):
#   docker.io/library/alpine:3.10  CVE-2019-14697 musl       Critical fixed 1.1.22-r3
#                                  CVE-2019-1549  openssl    Medium   fixed 1.1.1d-r0
#                                  CVE-2018-25032 zlib       High     no fix
#   reg.example/team/app:5         CVE-2019-14697 musl       Critical fixed 1.1.22-r3
#                                  CVE-2020-28928 musl-utils Low      fixed (source package musl)
# Shard 2: reg.example/team/web:3  CVE-2021-3711  openssl    Critical fixed 1.1.1l-r0
"$MAKE" make-shard "$T/s1.db" 1
"$MAKE" make-shard "$T/s2.db" 2

n=0
# merge_case DESC STATUS [options]: a fresh main history, shards 1 and 2.
merge_case() {
	_d=$1; _s=$2; shift 2
	n=$((n + 1))
	expect_status "$_d" "$_s" "$HULLSCAN" history merge --history "$T/m$n.db" "$@" \
		"$T/s1.db" "$T/s2.db"
	cp "$T/err" "$T/err$n"
	"$HULLSCAN" history diff --history "$T/m$n.db" --format json >"$T/diff$n" 2>/dev/null || true
}
reasons() { grep -c ': CVE-' "$T/err$n" || true; }
# verdicts: "image-index id verdict" for every finding, sorted.
verdicts() {
	/usr/bin/python3 -c "
import json
d = json.load(open('$T/diff$n'))
for i, img in enumerate(d['images']):
    for k in ('new', 'still_open'):
        for f in img[k]:
            print(i, f['id'], f['package'], f['verdict'])" | sort
}
has_verdict() { verdicts | grep -qx "$1"; }

merge_case "no policy option: exit 0" 0
check "no policy: every verdict is pass" sh -c "! grep -q -e fail -e ignored <<EOF
$(verdicts)
EOF"

merge_case "--fail-on critical: exit 1" 1 --fail-on critical
check "--fail-on critical: 3 reasons (2 musl, 1 openssl)" test "$(reasons)" -eq 3
check "a reason line: image, id, package, version, severity, why" grep -q \
	'^hullscan: reg.example/team/web:3: CVE-2021-3711 openssl 1.1.1k-r0 Critical: Critical is at or above --fail-on Critical; fixed in 1.1.1l-r0$' "$T/err$n"

merge_case "--fail-on high: exit 1" 1 --fail-on high
check "--fail-on high: 4 reasons, zlib High fails" sh -c "test $(reasons) -eq 4 && grep -q 'CVE-2018-25032 zlib' '$T/err$n'"
check "Medium passes under --fail-on high" has_verdict "0 CVE-2019-1549 openssl pass"

merge_case "--fail-on medium: exit 1" 1 --fail-on medium
check "--fail-on medium: 5 reasons" test "$(reasons)" -eq 5

merge_case "--fail-on high --ignore-unfixed: exit 1" 1 --fail-on high --ignore-unfixed
check "--ignore-unfixed: zlib (no fix) is ignored, 3 reasons" sh -c "
	test $(reasons) -eq 3 && ! grep -q 'CVE-2018-25032' '$T/err$n'"
check "the unfixed finding is stored as ignored" has_verdict "0 CVE-2018-25032 zlib ignored"
check "with its reason 'no fix available'" grep -q '"ignore_reason": "no fix available' "$T/diff$n"

merge_case "--fail-on unknown (everything): exit 1" 1 --fail-on unknown
check "--fail-on unknown: all 6 findings fail" test "$(reasons)" -eq 6

# hullscan's own ignore file
cat >"$T/ignore.yaml" <<'EOF'
ignore:
  - id: CVE-2019-14697
    image: reg.example/team/*
    package: musl
    reason: musl's regex is not used by the service
    expires: 2099-12-31
  - id: CVE-2021-3711
    image: reg.example/team/web
    reason: SM2 decryption not used
    expires: 2099-12-31
  - id: CVE-2018-25032
    reason: accepted once, long ago
    expires: 2020-01-31
EOF
merge_case "--fail-on high --ignore own.yaml: exit 1 (expired entry)" 1 \
	--fail-on high --ignore "$T/ignore.yaml"
check "an expired entry warns with file, line and date" grep -q \
	'ignore.yaml:11: ignore entry CVE-2018-25032 expired on 2020-01-31' "$T/err$n"
check "expired: zlib still fails; alpine's musl is outside the glob and fails" sh -c "
	test $(reasons) -eq 2 && grep -q 'alpine:3.10: CVE-2018-25032 zlib .*expired' '$T/err$n' &&
	grep -q 'alpine:3.10: CVE-2019-14697 musl' '$T/err$n'"
check "glob + package: app's musl is ignored" has_verdict "1 CVE-2019-14697 musl ignored"
check "image name without tag: web's openssl is ignored" has_verdict "2 CVE-2021-3711 openssl ignored"
check "ignored findings keep their reason and origin in the history" grep -q \
	'"ignore_reason": "SM2 decryption not used (.*ignore.yaml:7, until 2099-12-31)"' "$T/diff$n"

sed -i 's/expires: 2020-01-31/expires: 2099-01-01/' "$T/ignore.yaml"
cat >"$T/ignore2.yaml" <<'EOF'
- id: CVE-2019-14697
  image: docker.io/library/alpine
  reason: base image update pending
  expires: 2099-06-30
EOF
merge_case "two ignore files covering every High or worse: exit 0" 0 \
	--fail-on high --ignore "$T/ignore.yaml" --ignore "$T/ignore2.yaml"
check "no reason printed" test "$(reasons)" -eq 0

# clair-scanner whitelist, as is
cat >"$T/clair.yaml" <<'EOF'
generalwhitelist:
  CVE-2019-14697: musl
  CVE-2019-1549: OpenSSL
images:
  alpine:
    CVE-2018-25032: zlib
  reg.example/team/web:
    CVE-2021-3711: SM2
EOF
merge_case "clair whitelist, --fail-on medium: every Medium or worse whitelisted, exit 0" 0 \
	--fail-on medium --ignore "$T/clair.yaml"
check "no reason printed" test "$(reasons)" -eq 0
check "generalwhitelist ignores alpine's musl" has_verdict "0 CVE-2019-14697 musl ignored"
check "generalwhitelist ignores app's musl too" has_verdict "1 CVE-2019-14697 musl ignored"
check "images: alpine matches docker.io/library/alpine:3.10" has_verdict "0 CVE-2018-25032 zlib ignored"
check "images: reg.example/team/web matches reg.example/team/web:3" has_verdict "2 CVE-2021-3711 openssl ignored"
check "whitelisted findings keep the whitelist's comment" grep -q '"ignore_reason": "whitelisted: zlib' "$T/diff$n"
merge_case "clair whitelist with --fail-on low: musl-utils Low still fails" 1 \
	--fail-on low --ignore "$T/clair.yaml"
check "exactly one reason: CVE-2020-28928" sh -c "
	test $(reasons) -eq 1 && grep -q 'CVE-2020-28928 musl-utils' '$T/err$n'"

# --fail-on-new against the previous build of the same main history.
M="$T/new.db"
expect_status "--fail-on-new critical, first build (no previous): all new, exit 1" 1 \
	"$HULLSCAN" history merge --history "$M" --build 1 --fail-on-new critical "$T/s1.db"
check "2 Critical reasons, 'no earlier scan'" sh -c "
	test \$(grep -c ': CVE-' '$T/err') -eq 2 && grep -q 'no earlier scan of this image' '$T/err'"
expect_status "--fail-on-new critical, shard 2's image appears: exit 1" 1 \
	"$HULLSCAN" history merge --history "$M" --build 2 --fail-on-new critical "$T/s1.db" "$T/s2.db"
check "only web's openssl is new" sh -c "
	test \$(grep -c ': CVE-' '$T/err') -eq 1 &&
	grep -q 'reg.example/team/web:3: CVE-2021-3711 openssl 1.1.1k-r0 Critical: new since build 1' '$T/err'"
expect_status "--fail-on-new critical, same findings again: exit 0" 0 \
	"$HULLSCAN" history merge --history "$M" --build 3 --fail-on-new critical "$T/s1.db" "$T/s2.db"
expect_status "--fail-on-new low with --fail-on critical: --fail-on still fails" 1 \
	"$HULLSCAN" history merge --history "$M" --build 4 --fail-on-new low --fail-on critical \
	"$T/s1.db" "$T/s2.db"

# Usage errors: exit 2, one clear line.
expect_status "--fail-on with an unknown severity" 2 \
	"$HULLSCAN" history merge --history "$T/u.db" --fail-on severe "$T/s1.db"
check "it names the value" grep -q 'unknown severity severe' "$T/err"
expect_status "--ignore with a missing file" 2 \
	"$HULLSCAN" history merge --history "$T/u.db" --ignore "$T/none.yaml" "$T/s1.db"
printf 'ignore:\n  - id: CVE-1\n    reason: r\n' >"$T/noexp.yaml"
expect_status "--ignore: an entry without expires" 2 \
	"$HULLSCAN" history merge --history "$T/u.db" --ignore "$T/noexp.yaml" "$T/s1.db"
check "the error names file, line and field" grep -q 'noexp.yaml:2: entry CVE-1 without expires' "$T/err"
printf 'ignore:\n  - id: CVE-1\n    reason: r\n    expires: 31/12/2099\n' >"$T/baddate.yaml"
expect_status "--ignore: a bad date" 2 \
	"$HULLSCAN" history merge --history "$T/u.db" --ignore "$T/baddate.yaml" "$T/s1.db"
check "the error names the line" grep -q 'baddate.yaml:4: expires: not a date' "$T/err"
printf 'ignore: [\n' >"$T/broken.yaml"
expect_status "--ignore: broken YAML" 2 \
	"$HULLSCAN" history merge --history "$T/u.db" --ignore "$T/broken.yaml" "$T/s1.db"
check "the error names the file and position" grep -q 'broken.yaml:2:1: ' "$T/err"
check "no history was written by the failed runs" test ! -e "$T/u.db"

done_testing
