/* Version order for each package ecosystem: pure functions, no allocation. */
#ifndef HULLSCAN_VERSION_H
#define HULLSCAN_VERSION_H

#include "model.h"

/*
 * Compare a and b in the order of the ecosystem: *result is -1, 0 or 1.
 * Returns 0, or HS_EINVAL when either version is not valid for it (the
 * caller names the version in its message; version_valid tells which).
 */
int	version_cmp(enum ecosystem, const char *a, const char *b, int *result);
int	version_valid(enum ecosystem, const char *);
/* Whether the ecosystem has a version order here. */
int	version_has_order(enum ecosystem);

/* The comparators themselves, for callers that know what they hold. */
int	version_cmp_deb(const char *, const char *);	/* dpkg --compare-versions */
int	version_cmp_apk(const char *, const char *);	/* apk-tools 2.x */
int	version_cmp_rpm(const char *, const char *);	/* rpm EVR: [epoch:]version[-release] */
int	version_valid_deb(const char *);
int	version_valid_apk(const char *);
int	version_valid_rpm(const char *);
/* rpmvercmp() itself: one version or release string, no epoch or '-' split. */
int	version_rpmvercmp(const char *, const char *);

/*
 * Language ecosystems (version-semver.c: npm, go, cargo; version-pypi.c,
 * version-maven.c, version-gem.c, version-composer.c, version-nuget.c).
 * Each comparator answers for any two strings, valid or not, in bounded
 * time and stack; only versions its version_valid_* accepts are meaningful.
 *
 * npm: node-semver 7's compare() with its loose grammar, which npm applies
 *   to package.json ("v1.2.3", "=1.2.3", "1.2.3beta", leading zeros); at
 *   most 256 characters and numbers up to 2^53 - 1, as node-semver.
 *   Build metadata does not count.
 * pypi: PEP 440 as pypa/packaging sorts it (epochs, pre, post, dev, local),
 *   ASCII letters only, as packaging after 23.0.
 * maven: ComparableVersion of Maven master (540897d3), at most 256
 *   characters as later Maven; a version whose number part Maven cannot
 *   parse ("a" U+0668 "b1") is invalid. Letters are lowered with Unicode's
 *   one-to-one mappings (Java's final-sigma rule is not applied).
 * go: golang.org/x/mod/semver with the "v" optional (OSV writes "1.20.4",
 *   "1.21.0-0"); a toolchain tag "go1.20.4", "go1.21rc2", "go1.20-pre4"
 *   reads as golang.org/x/vuln's GoTagToSemver makes it (v1.20.4,
 *   v1.21.0-rc.2, v1.20.0-pre.4; "go1.0" is none). "+incompatible" and
 *   other build metadata do not count.
 * cargo: the semver crate's Version order: strict SemVer (no "v", no
 *   leading zeros, numbers up to 2^64 - 1), and unlike SemVer's precedence
 *   build metadata breaks ties ("1.0.0+a" < "1.0.0+b"), as Cargo sorts.
 * gem: Gem::Version: segments of digits or letters, "-" as ".pre.",
 *   letters before numbers, trailing zeros ignored; blank is "0".
 * composer: composer/semver's VersionParser::normalize() ("v" prefix,
 *   stability suffixes -dev, -alpha/-a, -beta/-b, -RC, -patch/-pl/-p,
 *   date versions, "1.x-dev"), then PHP's version_compare() on the
 *   normalised forms. A branch ("dev-master") has no order: invalid.
 * nuget: NuGet.Versioning's NuGetVersion: two to four numbers (1.0 ==
 *   1.0.0.0), release labels compared case-insensitively, numeric labels
 *   by value, metadata ignored.
 */
int	version_cmp_npm(const char *, const char *);
int	version_cmp_pypi(const char *, const char *);
int	version_cmp_maven(const char *, const char *);
int	version_cmp_go(const char *, const char *);
int	version_valid_npm(const char *);
int	version_valid_pypi(const char *);
int	version_valid_maven(const char *);
int	version_valid_go(const char *);
int	version_cmp_cargo(const char *, const char *);
int	version_cmp_gem(const char *, const char *);
int	version_cmp_composer(const char *, const char *);
int	version_cmp_nuget(const char *, const char *);
int	version_valid_cargo(const char *);
int	version_valid_gem(const char *);
int	version_valid_composer(const char *);
int	version_valid_nuget(const char *);
/*
 * VersionParser::normalize() of composer/semver into out (NUL-terminated),
 * branches included ("dev-master"): 0, HS_EINVAL where normalize() throws,
 * HS_ELIMIT when out is too small (it then holds a truncated string).
 */
int	version_normalize_composer(const char *, char *, size_t);

#endif
