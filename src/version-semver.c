/*
 * Semantic-version orders: node-semver (npm), golang.org/x/mod/semver (Go
 * modules) and Cargo's semver crate. Pure functions, no allocation; every
 * loop walks its input once.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "version.h"
#include "version-impl.h"

/*
 * One parsed version. A Go toolchain tag ("go1.21rc2") has its pre-release
 * in two pieces that are not one run of the string: tagword "rc", tagnum "2".
 */
struct semver {
	struct vpart	 major, minor, patch;
	struct vpart	 pre;		/* identifiers and dots, without '-' */
	struct vpart	 build;		/* without '+' */
	struct vpart	 tagword, tagnum;
	int		 has_pre;
};

/* The next pre-release identifier from *pos on; 0 at the end. */
static int
semver_pre_next(const struct semver *v, size_t *pos, struct vpart *id)
{
	const char	*dot;

	if (v->tagword.len != 0) {
		if (*pos > 1)
			return 0;
		*id = *pos == 0 ? v->tagword : v->tagnum;
		(*pos)++;
		return 1;
	}
	if (!v->has_pre || *pos > v->pre.len)
		return 0;
	id->p = v->pre.p + *pos;
	dot = memchr(id->p, '.', v->pre.len - *pos);
	id->len = dot != NULL ? (size_t)(dot - id->p) : v->pre.len - *pos;
	*pos += id->len + 1;
	return 1;
}

/* Identifiers of [0-9A-Za-z-], dot-separated, none empty; the run's length or 0. */
static size_t
semver_idents(const char *p, const char *end, int stop_at_plus)
{
	const char	*q = p;
	size_t		 seg = 0;

	while (q < end) {
		if (*q == '+' && stop_at_plus)
			break;
		if (*q == '.') {
			if (seg == 0)
				return 0;
			seg = 0;
		} else if (vi_alnum((unsigned char)*q) || *q == '-')
			seg++;
		else
			return 0;
		q++;
	}
	if (seg == 0)
		return 0;
	return q - p;
}

/* Whether any dot-separated identifier is a number with a leading zero. */
static int
semver_leading_zero(struct vpart s)
{
	size_t	i = 0, start;

	while (i < s.len) {
		start = i;
		while (i < s.len && s.p[i] != '.')
			i++;
		if (i - start > 1 && s.p[start] == '0' &&
		    vi_alldigits(s.p + start, i - start))
			return 1;
		i++;
	}
	return 0;
}

/* Digits at *p: the run (0 when none). */
static size_t
semver_digits(const char *p, const char *end)
{
	const char	*q = p;

	while (q < end && vi_digit((unsigned char)*q))
		q++;
	return q - p;
}

/* --- npm: node-semver 7 (classes/semver.js, internal/re.js) --- */

/* node-semver's MAX_LENGTH and Number.MAX_SAFE_INTEGER. */
#define NPM_MAX_LENGTH		256
#define NPM_MAX_SAFE		"9007199254740991"

/* Whether a run of digits is below, at or above MAX_SAFE_INTEGER: -1, 0, 1. */
static int
npm_vs_safe(struct vpart d)
{
	return vi_numcmp(d.p, d.len, NPM_MAX_SAFE, sizeof NPM_MAX_SAFE - 1);
}

/*
 * What may follow the patch number: PRERELEASELOOSE "-?" then identifiers
 * (the '-' is taken when identifiers follow it, else it is the first
 * identifier's own first character: "1.2.3-" has the pre-release "-"),
 * then "+" and build identifiers.
 */
static int
npm_parse_rest(const char *p, const char *end, struct semver *v)
{
	size_t	n;

	v->has_pre = 0;
	v->pre.len = v->build.len = 0;
	if (p < end && *p != '+') {
		if (*p == '-' && p + 1 < end && p[1] != '.' && p[1] != '+')
			p++;
		if ((n = semver_idents(p, end, 1)) == 0)
			return -1;
		v->has_pre = 1;
		v->pre.p = p;
		v->pre.len = n;
		p += n;
	}
	if (p < end) {	/* '+' */
		p++;
		if ((n = semver_idents(p, end, 0)) == 0)
			return -1;
		v->build.p = p;
		v->build.len = n;
		p += n;
	}
	return p == end ? 0 : -1;
}

/*
 * node-semver's loose grammar, which is what npm applies to a package.json
 * (normalize-package-data): trimmed, then [v=\s]* before
 * \d+.\d+.\d+, an optional '-' before the pre-release, build metadata after
 * '+'. Strict versions parse the same way. Numbers above MAX_SAFE_INTEGER
 * and strings longer than 256 UTF-16 units are invalid, as in node-semver.
 */
static int
npm_parse(const char *s, struct semver *v)
{
	const char	*p = s, *end;
	struct vpart	*num[3];
	size_t		 n, sp;
	int		 i;

	memset(v, 0, sizeof *v);
	if (s == NULL)
		return -1;
	end = s + strlen(s);
	if (vi_utf16len(s, end - s, NPM_MAX_LENGTH) > NPM_MAX_LENGTH)
		return -1;
	vi_trim(&p, &end, VI_SPACE_JS);
	for (;;) {
		if (p < end && (*p == 'v' || *p == '='))
			p++;
		else if ((sp = vi_space(p, end, VI_SPACE_JS)) != 0)
			p += sp;
		else
			break;
	}
	num[0] = &v->major;
	num[1] = &v->minor;
	num[2] = &v->patch;
	for (i = 0; i < 3; i++) {
		if (i > 0) {
			if (p >= end || *p != '.')
				return -1;
			p++;
		}
		if ((n = semver_digits(p, end)) == 0)
			return -1;
		num[i]->p = p;
		num[i]->len = n;
		if (i < 2 && npm_vs_safe(*num[i]) > 0)
			return -1;
		p += n;
	}
	/* The constructor checks the patch the regex settled on. */
	if (npm_parse_rest(p, end, v) == 0)
		return npm_vs_safe(v->patch) > 0 ? -1 : 0;
	/*
	 * The regex backtracks into the patch number: "1.2.34.5" is 1.2.3
	 * with the pre-release "4.5". Only the patch's last digit matters, as
	 * any run of [0-9A-Za-z-] is a loose identifier.
	 */
	if (v->patch.len < 2)
		return -1;
	v->patch.len--;
	if (npm_parse_rest(p - 1, end, v) != 0)
		return -1;
	return npm_vs_safe(v->patch) > 0 ? -1 : 0;
}
/* A numeric identifier's value as JavaScript's unary + gives it: a double. */
static double
npm_double(struct vpart d)
{
	char	buf[NPM_MAX_LENGTH + 1];
	size_t	n = d.len < NPM_MAX_LENGTH ? d.len : NPM_MAX_LENGTH;

	memcpy(buf, d.p, n);
	buf[n] = '\0';
	return strtod(buf, NULL);
}

/*
 * The loop of comparePre() with compareIdentifiers(): an all-digit
 * identifier below MAX_SAFE_INTEGER is a number; larger ones stay strings,
 * and two strings of digits compare as the doubles they round to, which can
 * make them equal (and then comparePre answers 0 at once).
 */
static int
npm_precmp(const struct semver *a, const struct semver *b)
{
	struct vpart	ia, ib;
	size_t		pa = 0, pb = 0;
	int		ha, hb, na, nb, sa, sb;
	double		da, db;

	if (a->has_pre != b->has_pre)
		return a->has_pre ? -1 : 1;
	if (!a->has_pre)
		return 0;
	for (;;) {
		ha = semver_pre_next(a, &pa, &ia);
		hb = semver_pre_next(b, &pb, &ib);
		if (!ha || !hb)
			return ha - hb;
		na = vi_alldigits(ia.p, ia.len);
		nb = vi_alldigits(ib.p, ib.len);
		if (na && nb) {
			sa = npm_vs_safe(ia) < 0;
			sb = npm_vs_safe(ib) < 0;
			if (sa && sb) {
				if (vi_numcmp(ia.p, ia.len, ib.p, ib.len) == 0)
					continue;
				return vi_numcmp(ia.p, ia.len, ib.p, ib.len);
			}
			if (sa != sb)
				return sa ? -1 : 1;
			if (ia.len == ib.len && memcmp(ia.p, ib.p, ia.len) == 0)
				continue;
			da = npm_double(ia);
			db = npm_double(ib);
			return da < db ? -1 : da > db;
		}
		if (na != nb)
			return na ? -1 : 1;
		if (ia.len == ib.len && memcmp(ia.p, ib.p, ia.len) == 0)
			continue;
		return vi_bytecmp(ia.p, ia.len, ib.p, ib.len);
	}
}

int
version_valid_npm(const char *s)
{
	struct semver	v;

	return npm_parse(s, &v) == 0;
}

int
version_cmp_npm(const char *a, const char *b)
{
	struct semver	va, vb;
	int		r;

	(void)npm_parse(a, &va);
	(void)npm_parse(b, &vb);
	if ((r = vi_numcmp(va.major.p, va.major.len, vb.major.p, vb.major.len)) != 0 ||
	    (r = vi_numcmp(va.minor.p, va.minor.len, vb.minor.p, vb.minor.len)) != 0 ||
	    (r = vi_numcmp(va.patch.p, va.patch.len, vb.patch.p, vb.patch.len)) != 0)
		return r;
	return npm_precmp(&va, &vb);
}

/* --- Go: golang.org/x/mod/semver, with OSV's and the toolchain's spellings --- */

/* parseInt(): digits, no leading zero. */
static size_t
go_int(const char *p, const char *end, struct vpart *out)
{
	size_t	n = semver_digits(p, end);

	if (n == 0 || (n > 1 && *p == '0'))
		return 0;
	out->p = p;
	out->len = n;
	return n;
}

/*
 * A Go toolchain tag as golang.org/x/vuln's GoTagToSemver reads it:
 * go(\d+\.\d+)(\.\d+|)((beta|rc|-pre)(\d+))?, "go1" is v1.0.0 and "go1.0"
 * is nothing. The numbers then obey x/mod's rules.
 */
static int
go_parse_tag(const char *p, const char *end, struct semver *v)
{
	static const char	*words[] = { "beta", "rc", "-pre" };
	size_t			 n, k, wl;

	if (end - p == 1 && *p == '1') {
		v->major.p = p;
		v->major.len = 1;
		v->minor.p = v->patch.p = "0";
		v->minor.len = v->patch.len = 1;
		return 0;
	}
	if (end - p == 3 && memcmp(p, "1.0", 3) == 0)
		return -1;
	if ((n = go_int(p, end, &v->major)) == 0)
		return -1;
	p += n;
	if (p >= end || *p != '.' || (n = go_int(p + 1, end, &v->minor)) == 0)
		return -1;
	p += 1 + n;
	v->patch.p = "0";
	v->patch.len = 1;
	if (p < end && *p == '.') {
		if ((n = go_int(p + 1, end, &v->patch)) == 0)
			return -1;
		p += 1 + n;
	}
	if (p == end)
		return 0;
	for (k = 0; k < NELEM(words); k++) {
		wl = strlen(words[k]);
		if ((size_t)(end - p) > wl && memcmp(p, words[k], wl) == 0)
			break;
	}
	if (k == NELEM(words))
		return -1;
	/* "-pre4" becomes the pre-release "pre.4", "rc2" "rc.2". */
	v->tagword.p = p + (words[k][0] == '-');
	v->tagword.len = wl - (words[k][0] == '-');
	p += wl;
	if ((n = semver_digits(p, end)) == 0 || p + n != end)
		return -1;
	/* The tag's number becomes a numeric identifier: no leading zero. */
	if (n > 1 && *p == '0')
		return -1;
	v->tagnum.p = p;
	v->tagnum.len = n;
	v->has_pre = 1;
	return 0;
}

/*
 * x/mod's parse(): "v" then major[.minor[.patch[-pre][+build]]], the short
 * forms only without pre-release or build. The "v" may be left out, as OSV
 * writes Go versions ("1.20.4", "1.21.0-0"), and a toolchain tag ("go1.20.4",
 * "go1.21rc2") reads as golang.org/x/vuln reads it.
 */
static int
go_parse(const char *s, struct semver *v)
{
	const char	*p = s, *end;
	size_t		 n;

	memset(v, 0, sizeof *v);
	if (s == NULL || *s == '\0')
		return -1;
	end = s + strlen(s);
	if (end - p > 2 && p[0] == 'g' && p[1] == 'o' && vi_digit((unsigned char)p[2]))
		return go_parse_tag(p + 2, end, v);
	if (*p == 'v')
		p++;
	if ((n = go_int(p, end, &v->major)) == 0)
		return -1;
	p += n;
	v->minor.p = v->patch.p = "0";
	v->minor.len = v->patch.len = 1;
	if (p == end)
		return 0;
	if (*p != '.' || (n = go_int(p + 1, end, &v->minor)) == 0)
		return -1;
	p += 1 + n;
	if (p == end)
		return 0;
	if (*p != '.' || (n = go_int(p + 1, end, &v->patch)) == 0)
		return -1;
	p += 1 + n;
	if (p < end && *p == '-') {
		p++;
		if ((n = semver_idents(p, end, 1)) == 0)
			return -1;
		v->has_pre = 1;
		v->pre.p = p;
		v->pre.len = n;
		if (semver_leading_zero(v->pre))
			return -1;
		p += n;
	}
	if (p < end && *p == '+') {
		p++;
		if ((n = semver_idents(p, end, 0)) == 0)
			return -1;
		v->build.p = p;
		v->build.len = n;
		p += n;
	}
	return p == end ? 0 : -1;
}

/*
 * comparePrerelease() of x/mod, which is also the crate's Prerelease order:
 * numbers (no leading zeros) by length then digits, below other identifiers,
 * which compare as bytes; a longer list wins a tie.
 */
static int
semver_precmp(const struct semver *a, const struct semver *b)
{
	struct vpart	ia, ib;
	size_t		pa = 0, pb = 0;
	int		ha, hb, na, nb;

	if (a->has_pre != b->has_pre)
		return a->has_pre ? -1 : 1;
	for (;;) {
		ha = semver_pre_next(a, &pa, &ia);
		hb = semver_pre_next(b, &pb, &ib);
		if (!ha || !hb)
			return ha - hb;
		na = vi_alldigits(ia.p, ia.len);
		nb = vi_alldigits(ib.p, ib.len);
		if (na != nb)
			return na ? -1 : 1;
		if (na && ia.len != ib.len)
			return ia.len < ib.len ? -1 : 1;
		if (vi_bytecmp(ia.p, ia.len, ib.p, ib.len) != 0)
			return vi_bytecmp(ia.p, ia.len, ib.p, ib.len);
	}
}

static int
semver_maincmp(const struct semver *a, const struct semver *b)
{
	int	r;

	if ((r = vi_numcmp(a->major.p, a->major.len, b->major.p, b->major.len)) != 0 ||
	    (r = vi_numcmp(a->minor.p, a->minor.len, b->minor.p, b->minor.len)) != 0 ||
	    (r = vi_numcmp(a->patch.p, a->patch.len, b->patch.p, b->patch.len)) != 0)
		return r;
	return 0;
}

int
version_valid_go(const char *s)
{
	struct semver	v;

	return go_parse(s, &v) == 0;
}

int
version_cmp_go(const char *a, const char *b)
{
	struct semver	va, vb;
	int		r;

	/* x/mod: an invalid version sorts before every valid one. */
	if (go_parse(a, &va) != 0)
		return go_parse(b, &vb) != 0 ? 0 : -1;
	if (go_parse(b, &vb) != 0)
		return 1;
	if ((r = semver_maincmp(&va, &vb)) != 0)
		return r;
	/* Build metadata ("+incompatible") does not count. */
	return semver_precmp(&va, &vb);
}

/* --- Cargo: the semver crate 1.x (src/parse.rs, src/impls.rs) --- */

/* numeric_identifier(): digits, no leading zero, at most u64::MAX. */
static size_t
cargo_int(const char *p, const char *end, struct vpart *out)
{
	static const char	 max[] = "18446744073709551615";
	size_t			 n = semver_digits(p, end);

	if (n == 0 || (n > 1 && *p == '0'))
		return 0;
	if (vi_numcmp(p, n, max, sizeof max - 1) > 0)
		return 0;
	out->p = p;
	out->len = n;
	return n;
}

/*
 * Version::from_str: major.minor.patch, then "-" and pre-release
 * identifiers (a number without leading zeros), then "+" and build
 * identifiers (leading zeros allowed). No "v", no whitespace.
 */
static int
cargo_parse(const char *s, struct semver *v)
{
	const char	*p = s, *end;
	struct vpart	*num[3];
	size_t		 n;
	int		 i;

	memset(v, 0, sizeof *v);
	if (s == NULL || *s == '\0')
		return -1;
	end = s + strlen(s);
	num[0] = &v->major;
	num[1] = &v->minor;
	num[2] = &v->patch;
	for (i = 0; i < 3; i++) {
		if (i > 0) {
			if (p >= end || *p != '.')
				return -1;
			p++;
		}
		if ((n = cargo_int(p, end, num[i])) == 0)
			return -1;
		p += n;
	}
	if (p < end && *p == '-') {
		p++;
		if ((n = semver_idents(p, end, 1)) == 0)
			return -1;
		v->has_pre = 1;
		v->pre.p = p;
		v->pre.len = n;
		if (semver_leading_zero(v->pre))
			return -1;
		p += n;
	}
	if (p < end && *p == '+') {
		p++;
		if ((n = semver_idents(p, end, 0)) == 0)
			return -1;
		v->build.p = p;
		v->build.len = n;
		p += n;
	}
	return p == end ? 0 : -1;
}

/*
 * impl Ord for BuildMetadata: identifiers left to right, numbers by value
 * and then by length ("0 < 00 < 1 < 01"), numbers before other
 * identifiers, which compare as bytes; none at all sorts first.
 */
static int
cargo_buildcmp(struct vpart a, struct vpart b)
{
	struct semver	sa, sb;
	struct vpart	ia, ib;
	size_t		pa = 0, pb = 0;
	int		ha, hb, na, nb, r;

	memset(&sa, 0, sizeof sa);
	memset(&sb, 0, sizeof sb);
	sa.has_pre = a.len != 0;
	sa.pre = a;
	sb.has_pre = b.len != 0;
	sb.pre = b;
	if (!sa.has_pre || !sb.has_pre)
		return sa.has_pre - sb.has_pre;
	for (;;) {
		ha = semver_pre_next(&sa, &pa, &ia);
		hb = semver_pre_next(&sb, &pb, &ib);
		if (!ha || !hb)
			return ha - hb;
		na = vi_alldigits(ia.p, ia.len);
		nb = vi_alldigits(ib.p, ib.len);
		if (na != nb)
			return na ? -1 : 1;
		if (na) {
			if ((r = vi_numcmp(ia.p, ia.len, ib.p, ib.len)) != 0)
				return r;
			if (ia.len != ib.len)
				return ia.len < ib.len ? -1 : 1;
		} else if ((r = vi_bytecmp(ia.p, ia.len, ib.p, ib.len)) != 0)
			return r;
	}
}

int
version_valid_cargo(const char *s)
{
	struct semver	v;

	return cargo_parse(s, &v) == 0;
}

int
version_cmp_cargo(const char *a, const char *b)
{
	struct semver	va, vb;
	int		r;

	(void)cargo_parse(a, &va);
	(void)cargo_parse(b, &vb);
	if ((r = semver_maincmp(&va, &vb)) != 0 ||
	    (r = semver_precmp(&va, &vb)) != 0)
		return r;
	/* The crate's Ord goes on to the build metadata, unlike SemVer's precedence. */
	return cargo_buildcmp(va.build, vb.build);
}
