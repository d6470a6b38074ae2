/* Version order of dpkg, apk-tools 2.x and rpm, the dispatch, and shared helpers. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "util.h"
#include "version.h"
#include "version-impl.h"

static int
v_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int
v_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int
v_isalpha(int c)
{
	return v_islower(c) || (c >= 'A' && c <= 'Z');
}

static int
v_sign(long d)
{
	return d < 0 ? -1 : d > 0;
}

/* --- dpkg: lib/dpkg/parsehelp.c parseversion(), lib/dpkg/version.c --- */

struct debver {
	long		 epoch;
	struct vpart	 version;
	struct vpart	 revision;
};

/*
 * Split "[epoch:]upstream[-revision]" as parseversion() does. Returns 0, or
 * -1 where dpkg reports an error (its warnings, such as an upstream version
 * not starting with a digit, are accepted as dpkg accepts them). The empty
 * string is an error here: dpkg --compare-versions reads '' as a blank
 * version, but no package database holds one.
 */
static int
deb_parse(const char *s, struct debver *dv)
{
	const char	*end, *p, *colon, *hyphen, *digits;
	long		 epoch;
	int		 neg = 0;

	memset(dv, 0, sizeof *dv);
	dv->version.p = dv->revision.p = "";
	if (s == NULL)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return -1;
	for (end = s; *end != '\0' && *end != ' ' && *end != '\t'; end++)
		/* nothing */;
	for (p = end; *p == ' ' || *p == '\t'; p++)
		/* nothing */;
	if (*p != '\0')
		return -1;	/* embedded spaces */

	colon = memchr(s, ':', end - s);
	if (colon != NULL) {
		/* strtol(): an optional sign, then digits up to the colon. */
		p = s;
		if (*p == '+' || *p == '-')
			neg = (*p++ == '-');
		digits = p;
		epoch = 0;
		while (v_isdigit(*p)) {
			if (epoch <= INT_MAX)
				epoch = epoch * 10 + (*p - '0');
			p++;
		}
		if (p == digits)
			return -1;	/* epoch is empty */
		if (p != colon)
			return -1;	/* epoch is not a number */
		if (neg && epoch != 0)
			return -1;	/* epoch is negative */
		if (epoch > INT_MAX)
			return -1;	/* epoch is too big */
		if (colon + 1 == end)
			return -1;	/* nothing after the colon */
		dv->epoch = epoch;
		s = colon + 1;
	}
	dv->version.p = s;
	dv->version.len = end - s;
	hyphen = NULL;
	for (p = s; p < end; p++) {
		if (*p == '-')
			hyphen = p;
	}
	if (hyphen != NULL) {
		dv->version.len = hyphen - s;
		dv->revision.p = hyphen + 1;
		dv->revision.len = end - (hyphen + 1);
		if (dv->revision.len == 0)
			return -1;	/* revision is empty */
	}
	if (dv->version.len == 0)
		return -1;	/* version is empty */
	return 0;
}

static int
deb_at(const struct vpart *v, size_t i)
{
	return i < v->len ? (unsigned char)v->p[i] : 0;
}

static int
deb_order(int c)
{
	if (v_isdigit(c))
		return 0;
	if (v_isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c != 0)
		return c + 256;
	return 0;
}

/* verrevcmp(): non-digit runs by deb_order, digit runs by value. */
static int
deb_verrevcmp(const struct vpart *a, const struct vpart *b)
{
	size_t	i = 0, j = 0;
	int	ac, bc, first_diff;

	while (i < a->len || j < b->len) {
		first_diff = 0;
		while ((i < a->len && !v_isdigit(deb_at(a, i))) ||
		    (j < b->len && !v_isdigit(deb_at(b, j)))) {
			ac = deb_order(deb_at(a, i));
			bc = deb_order(deb_at(b, j));
			if (ac != bc)
				return v_sign(ac - bc);
			i++;
			j++;
		}
		while (deb_at(a, i) == '0')
			i++;
		while (deb_at(b, j) == '0')
			j++;
		while (v_isdigit(deb_at(a, i)) && v_isdigit(deb_at(b, j))) {
			if (first_diff == 0)
				first_diff = deb_at(a, i) - deb_at(b, j);
			i++;
			j++;
		}
		if (v_isdigit(deb_at(a, i)))
			return 1;
		if (v_isdigit(deb_at(b, j)))
			return -1;
		if (first_diff != 0)
			return v_sign(first_diff);
	}
	return 0;
}

int
version_valid_deb(const char *s)
{
	struct debver	dv;

	return deb_parse(s, &dv) == 0;
}

int
version_cmp_deb(const char *a, const char *b)
{
	struct debver	va, vb;
	int		r;

	/* Invalid input still gets a stable answer from what did parse. */
	(void)deb_parse(a, &va);
	(void)deb_parse(b, &vb);
	if (va.epoch != vb.epoch)
		return va.epoch < vb.epoch ? -1 : 1;
	if ((r = deb_verrevcmp(&va.version, &vb.version)) != 0)
		return r;
	return deb_verrevcmp(&va.revision, &vb.revision);
}

/* --- apk-tools 2.x: src/version.c (Gentoo-style tokens) --- */

enum apk_token {
	APK_INVALID = -1,
	APK_DIGIT_OR_ZERO,
	APK_DIGIT,
	APK_LETTER,
	APK_SUFFIX,
	APK_SUFFIX_NO,
	APK_REVISION_NO,
	APK_END,
};

static void
apk_next_token(int *type, struct vpart *v)
{
	int	n = APK_INVALID;

	if (v->len == 0 || v->p[0] == '\0')
		n = APK_END;
	else if ((*type == APK_DIGIT || *type == APK_DIGIT_OR_ZERO) &&
	    v_islower((unsigned char)v->p[0]))
		n = APK_LETTER;
	else if (*type == APK_LETTER && v_isdigit(v->p[0]))
		n = APK_DIGIT;
	else if (*type == APK_SUFFIX && v_isdigit(v->p[0]))
		n = APK_SUFFIX_NO;
	else {
		switch (v->p[0]) {
		case '.':
			n = APK_DIGIT_OR_ZERO;
			break;
		case '_':
			n = APK_SUFFIX;
			break;
		case '-':
			if (v->len > 1 && v->p[1] == 'r') {
				n = APK_REVISION_NO;
				v->p++;
				v->len--;
			} else
				n = APK_INVALID;
			break;
		}
		v->p++;
		v->len--;
	}
	if (n < *type) {
		if (!((n == APK_DIGIT_OR_ZERO && *type == APK_DIGIT) ||
		    (n == APK_SUFFIX && *type == APK_SUFFIX_NO) ||
		    (n == APK_DIGIT && *type == APK_LETTER)))
			n = APK_INVALID;
	}
	*type = n;
}

/*
 * One token's value. apk-tools 2.14 differs from the older 2.x sources: a
 * run of zeros after a dot keeps its last zero for the number that follows
 * ("1.0_pre1" reads 1, 0 (zeros), 0, _pre1), and a number of 18 digits or
 * more makes the version invalid instead of overflowing.
 */
static long long
apk_get_token(int *type, struct vpart *v)
{
	static const char	*pre[] = { "alpha", "beta", "pre", "rc" };
	static const char	*post[] = { "cvs", "svn", "git", "hg", "p" };
	size_t			 i = 0, k, n = 0;
	long long		 val = 0;
	int			 nt = APK_INVALID;

	if (v->len == 0) {
		*type = APK_END;
		return 0;
	}
	switch (*type) {
	case APK_DIGIT_OR_ZERO:
		/* Leading zeros after a dot: the more zeros, the smaller. */
		if (v->p[0] == '0') {
			while (i + 1 < v->len && v->p[i + 1] == '0')
				i++;
			nt = APK_DIGIT;
			val = -(long long)i;
			break;
		}
		/* FALLTHROUGH */
	case APK_DIGIT:
	case APK_SUFFIX_NO:
	case APK_REVISION_NO:
		while (i < v->len && v_isdigit(v->p[i])) {
			val = val * 10 + (v->p[i++] - '0');
			if (i >= 18)
				goto invalid;
		}
		break;
	case APK_LETTER:
		val = (unsigned char)v->p[i++];
		break;
	case APK_SUFFIX:
		for (k = 0; k < NELEM(pre); k++) {
			n = strlen(pre[k]);
			if (n <= v->len && strncmp(pre[k], v->p, n) == 0)
				break;
		}
		if (k < NELEM(pre)) {
			i = n;
			val = (long long)k - (long long)NELEM(pre);
			break;
		}
		for (k = 0; k < NELEM(post); k++) {
			n = strlen(post[k]);
			if (n <= v->len && strncmp(post[k], v->p, n) == 0)
				break;
		}
		if (k < NELEM(post)) {
			i = n;
			val = (long long)k;
			break;
		}
		goto invalid;	/* not a suffix apk knows */
	default:
		goto invalid;
	}
	v->p += i;
	v->len -= i;
	if (v->len == 0)
		*type = APK_END;
	else if (nt != APK_INVALID)
		*type = nt;
	else
		apk_next_token(type, v);
	return val;

invalid:
	*type = APK_INVALID;
	return -1;
}

int
version_valid_apk(const char *s)
{
	struct vpart	v;
	int		t = APK_DIGIT;

	if (s == NULL)
		return 0;
	v.p = s;
	v.len = strlen(s);
	while (t != APK_END && t != APK_INVALID)
		apk_get_token(&t, &v);
	return t == APK_END;
}

int
version_cmp_apk(const char *a, const char *b)
{
	struct vpart	va, vb;
	long long	av = 0, bv = 0;
	int		at = APK_DIGIT, bt = APK_DIGIT, tt;

	va.p = a != NULL ? a : "";
	va.len = strlen(va.p);
	vb.p = b != NULL ? b : "";
	vb.len = strlen(vb.p);

	/* Each token consumes input, so this ends within len + 1 rounds. */
	while (at == bt && at != APK_END && at != APK_INVALID && av == bv) {
		av = apk_get_token(&at, &va);
		bv = apk_get_token(&bt, &vb);
	}
	if (av < bv)
		return -1;
	if (av > bv)
		return 1;
	if (at == bt)
		return 0;
	/* Equal so far: the longer is newer, unless a pre-release suffix follows. */
	tt = at;
	if (at == APK_SUFFIX && apk_get_token(&tt, &va) < 0)
		return -1;
	tt = bt;
	if (bt == APK_SUFFIX && apk_get_token(&tt, &vb) < 0)
		return 1;
	if (at > bt)
		return -1;
	if (bt > at)
		return 1;
	return 0;
}

/* --- rpm: rpmio/rpmvercmp.c rpmvercmp(), lib/rpmver.c rpmverCmp() --- */

static int
rpm_isalnum(int c)
{
	return v_isdigit(c) || v_isalpha(c);
}

/* rpmvercmp() on two length-bounded strings. */
static int
rpm_segcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	i = 0, j = 0, s1, s2, n1, n2;
	int	isnum, rc;

#define A(k) ((k) < alen ? (unsigned char)a[k] : 0)
#define B(k) ((k) < blen ? (unsigned char)b[k] : 0)
	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	while (A(i) != 0 || B(j) != 0) {
		while (A(i) != 0 && !rpm_isalnum(A(i)) && A(i) != '~' && A(i) != '^')
			i++;
		while (B(j) != 0 && !rpm_isalnum(B(j)) && B(j) != '~' && B(j) != '^')
			j++;

		/* A tilde sorts before everything, even the end. */
		if (A(i) == '~' || B(j) == '~') {
			if (A(i) != '~')
				return 1;
			if (B(j) != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		/* A caret sorts after the end but before anything else. */
		if (A(i) == '^' || B(j) == '^') {
			if (A(i) == 0)
				return -1;
			if (B(j) == 0)
				return 1;
			if (A(i) != '^')
				return 1;
			if (B(j) != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (A(i) == 0 || B(j) == 0)
			break;

		s1 = i;
		s2 = j;
		if (v_isdigit(A(i))) {
			while (v_isdigit(A(i)))
				i++;
			while (v_isdigit(B(j)))
				j++;
			isnum = 1;
		} else {
			while (v_isalpha(A(i)))
				i++;
			while (v_isalpha(B(j)))
				j++;
			isnum = 0;
		}
		/* Numeric segments are newer than alpha ones. */
		if (j == s2)
			return isnum ? 1 : -1;
		if (isnum) {
			while (s1 < i && a[s1] == '0')
				s1++;
			while (s2 < j && b[s2] == '0')
				s2++;
			if (i - s1 > j - s2)
				return 1;
			if (j - s2 > i - s1)
				return -1;
		}
		n1 = i - s1;
		n2 = j - s2;
		rc = memcmp(a + s1, b + s2, n1 < n2 ? n1 : n2);
		if (rc != 0)
			return rc < 0 ? -1 : 1;
		if (n1 != n2)
			return n1 < n2 ? -1 : 1;
	}
	if (A(i) == 0 && B(j) == 0)
		return 0;
	return A(i) == 0 ? -1 : 1;
#undef A
#undef B
}

int
version_rpmvercmp(const char *a, const char *b)
{
	if (a == NULL)
		a = "";
	if (b == NULL)
		b = "";
	return rpm_segcmp(a, strlen(a), b, strlen(b));
}

struct rpmevr {
	struct vpart	e;	/* len 0 and p NULL: no epoch */
	struct vpart	v;
	struct vpart	r;	/* p NULL: no release */
};

/* parseEVR(): digits then ':' make the epoch; the last '-' ends the version. */
static void
rpm_parse(const char *s, struct rpmevr *evr)
{
	const char	*p, *q, *end, *hyphen = NULL;

	memset(evr, 0, sizeof *evr);
	end = s + strlen(s);
	for (p = s; v_isdigit(*p); p++)
		/* nothing */;
	for (q = p; q < end; q++) {
		if (*q == '-')
			hyphen = q;
	}
	if (*p == ':') {
		evr->e.p = s;
		evr->e.len = p - s;
		if (evr->e.len == 0) {
			evr->e.p = "0";
			evr->e.len = 1;
		}
		s = p + 1;
	}
	evr->v.p = s;
	evr->v.len = (hyphen != NULL ? hyphen : end) - s;
	if (hyphen != NULL) {
		evr->r.p = hyphen + 1;
		evr->r.len = end - (hyphen + 1);
	}
}

int
version_valid_rpm(const char *s)
{
	/* rpmverParse() refuses only NULL and the empty string. */
	return s != NULL && *s != '\0';
}

int
version_cmp_rpm(const char *a, const char *b)
{
	struct rpmevr	ea, eb;
	int		rc;

	rpm_parse(a != NULL ? a : "", &ea);
	rpm_parse(b != NULL ? b : "", &eb);
	if (ea.e.p == NULL) {
		ea.e.p = "0";
		ea.e.len = 1;
	}
	if (eb.e.p == NULL) {
		eb.e.p = "0";
		eb.e.len = 1;
	}
	if ((rc = rpm_segcmp(ea.e.p, ea.e.len, eb.e.p, eb.e.len)) != 0)
		return rc;
	if ((rc = rpm_segcmp(ea.v.p, ea.v.len, eb.v.p, eb.v.len)) != 0)
		return rc;
	/* As rpm 4.18's rpmverCmp (rpm.vercmp): no release sorts before any. */
	if (ea.r.p != NULL && eb.r.p != NULL)
		return rpm_segcmp(ea.r.p, ea.r.len, eb.r.p, eb.r.len);
	if (ea.r.p != NULL)
		return 1;
	if (eb.r.p != NULL)
		return -1;
	return 0;
}

/* --- helpers shared with version-*.c --- */

int
vi_alldigits(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (!vi_digit((unsigned char)p[i]))
			return 0;
	}
	return len > 0;
}

int
vi_numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	r;

	while (alen > 0 && *a == '0') {
		a++;
		alen--;
	}
	while (blen > 0 && *b == '0') {
		b++;
		blen--;
	}
	if (alen != blen)
		return alen < blen ? -1 : 1;
	if (alen == 0)
		return 0;
	r = memcmp(a, b, alen);
	return vi_sign(r);
}

int
vi_bytecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	n = alen < blen ? alen : blen;
	int	r;

	if (n > 0 && (r = memcmp(a, b, n)) != 0)
		return vi_sign(r);
	return alen < blen ? -1 : alen > blen;
}

int
vi_bytecasecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	i, n = alen < blen ? alen : blen;
	int	ca, cb;

	for (i = 0; i < n; i++) {
		ca = vi_tolower((unsigned char)a[i]);
		cb = vi_tolower((unsigned char)b[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen;
}

int
vi_caseeq(const char *p, size_t len, const char *w)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (w[i] == '\0' || vi_tolower((unsigned char)p[i]) != w[i])
			return 0;
	}
	return w[len] == '\0';
}

size_t
vi_space(const char *p, const char *end, enum vi_space kind)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 n = end - p;

	if (n == 0)
		return 0;
	switch (u[0]) {
	case ' ': case '\t': case '\n': case '\v': case '\r':
		return 1;
	case '\f':
		return kind != VI_SPACE_PHP;
	case 0x1c: case 0x1d: case 0x1e: case 0x1f:
		return kind == VI_SPACE_PY;
	}
	if (kind != VI_SPACE_JS && kind != VI_SPACE_PY && kind != VI_SPACE_NET)
		return 0;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)		/* U+00A0 */
		return 2;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0x85)		/* U+0085 */
		return kind != VI_SPACE_JS ? 2 : 0;
	if (n < 3)
		return 0;
	if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)	/* U+1680 */
		return 3;
	if (u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] <= 0x8a || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return u[2] >= 0x80 ? 3 : 0;	/* U+2000-200A, 2028, 2029, 202F */
	if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f)	/* U+205F */
		return 3;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)	/* U+3000 */
		return 3;
	if (u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)	/* U+FEFF */
		return kind == VI_SPACE_JS ? 3 : 0;
	return 0;
}

/* The start of the UTF-8 character that ends at end (a continuation-byte walk, at most 4). */
static const char *
vi_prevchar(const char *start, const char *end)
{
	const char	*q = end - 1;
	int		 k = 0;

	while (q > start && k < 3 && ((unsigned char)*q & 0xc0) == 0x80) {
		q--;
		k++;
	}
	return q;
}

void
vi_trim(const char **pp, const char **endp, enum vi_space kind)
{
	const char	*p = *pp, *end = *endp, *q;
	size_t		 n;

	while ((n = vi_space(p, end, kind)) != 0)
		p += n;
	while (end > p) {
		q = vi_prevchar(p, end);
		if (vi_space(q, end, kind) != (size_t)(end - q))
			break;
		end = q;
	}
	*pp = p;
	*endp = end;
}

size_t
vi_utf16len(const char *p, size_t len, size_t max)
{
	size_t	i, n = 0;
	int	c;

	for (i = 0; i < len && n <= max; i++) {
		c = (unsigned char)p[i];
		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/* --- dispatch --- */

/* Each ecosystem's pair of functions, in enum order. */
static const struct {
	enum ecosystem	  eco;
	int		(*valid)(const char *);
	int		(*cmp)(const char *, const char *);
} version_orders[] = {
	{ ECO_DEB, version_valid_deb, version_cmp_deb },
	{ ECO_APK, version_valid_apk, version_cmp_apk },
	{ ECO_RPM, version_valid_rpm, version_cmp_rpm },
	{ ECO_NPM, version_valid_npm, version_cmp_npm },
	{ ECO_PYPI, version_valid_pypi, version_cmp_pypi },
	{ ECO_MAVEN, version_valid_maven, version_cmp_maven },
	{ ECO_GO, version_valid_go, version_cmp_go },
	{ ECO_CARGO, version_valid_cargo, version_cmp_cargo },
	{ ECO_GEM, version_valid_gem, version_cmp_gem },
	{ ECO_COMPOSER, version_valid_composer, version_cmp_composer },
	{ ECO_NUGET, version_valid_nuget, version_cmp_nuget },
};

int
version_has_order(enum ecosystem eco)
{
	size_t	i;

	for (i = 0; i < NELEM(version_orders); i++) {
		if (version_orders[i].eco == eco)
			return 1;
	}
	return 0;
}

int
version_valid(enum ecosystem eco, const char *s)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; i < NELEM(version_orders); i++) {
		if (version_orders[i].eco == eco)
			return version_orders[i].valid(s);
	}
	return 0;
}

int
version_cmp(enum ecosystem eco, const char *a, const char *b, int *result)
{
	size_t	i;

	*result = 0;
	for (i = 0; i < NELEM(version_orders); i++) {
		if (version_orders[i].eco != eco)
			continue;
		if (a == NULL || b == NULL || !version_orders[i].valid(a) ||
		    !version_orders[i].valid(b))
			return HS_EINVAL;
		*result = version_orders[i].cmp(a, b);
		return 0;
	}
	return HS_EINVAL;
}
