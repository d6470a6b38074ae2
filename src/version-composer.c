/*
 * Composer version order: composer/semver's VersionParser::normalize()
 * (upstream a5e1d2d, 3.4), then PHP's version_compare() on the normalised
 * strings, as Comparator does. Pure functions, no allocation: the
 * normalised version is kept as pieces of the input.
 */
#include "config.h"

#include <string.h>

#include "util.h"
#include "version.h"
#include "version-impl.h"

/* A date version has at most 8 groups; a classical or branch one 4. */
#define CMP_MAXNUM	8

/* version_compare()'s special forms: dev < alpha < beta < RC < "#" (a number) < pl. */
enum { FORM_UNKNOWN = -1, FORM_DEV, FORM_ALPHA, FORM_BETA, FORM_RC, FORM_NUM,
    FORM_PATCH };

struct composer {
	struct vpart	 num[CMP_MAXNUM];	/* the numbers, "9999999" for x */
	size_t		 nnum;
	int		 has_word;
	int		 form;		/* the stability's special form */
	const char	*word;		/* as normalize() spells it */
	struct vpart	 digits;	/* after the stability: "(?:[.-]?\d+)*" */
	int		 dev;		/* "-dev" at the end */
	struct vpart	 branch;	/* CMP_BRANCH: the name after "dev-" */
};

/* What cmp_parse() found. */
enum { CMP_INVALID = -1, CMP_VERSION = 0, CMP_BRANCH = 2 };

static int
cmp_pcre_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* PCRE's "$": the end, or before a newline that ends the subject. */
static int
cmp_at_end(const char *p, const char *end)
{
	return p == end || (p + 1 == end && *p == '\n');
}

static size_t
cmp_digits(const char *p, const char *end)
{
	const char	*q = p;

	while (q < end && vi_digit((unsigned char)*q))
		q++;
	return q - p;
}

/* "([.-]?dev)?$" at p: 0 with *dev set, or -1. */
static int
cmp_dev_tail(const char *p, const char *end, int *dev)
{
	const char	*q = p;

	*dev = 0;
	if (cmp_at_end(p, end))
		return 0;
	if (q < end && (*q == '.' || *q == '-'))
		q++;
	if (end - q >= 3 && vi_caseeq(q, 3, "dev") && cmp_at_end(q + 3, end)) {
		*dev = 1;
		return 0;
	}
	return -1;
}

/*
 * $modifierRegex then "$": [._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)
 * ((?:[.-]?\d+)*+)?)?([.-]?dev)?. Returns 1 when normalize() returns the
 * version bare ("stable" spelt in lower case drops everything after it),
 * 0 on a match, -1 without one.
 */
static int
cmp_modifier(const char *p, const char *end, struct composer *v)
{
	static const struct {
		const char	*word;
		int		 form;
		const char	*expanded;	/* expandStability() */
	}			 words[] = {
		{ "stable", FORM_UNKNOWN, "stable" }, { "beta", FORM_BETA, "beta" },
		{ "b", FORM_BETA, "beta" }, { "rc", FORM_RC, "RC" },
		{ "alpha", FORM_ALPHA, "alpha" }, { "a", FORM_ALPHA, "alpha" },
		{ "patch", FORM_PATCH, "patch" }, { "pl", FORM_PATCH, "patch" },
		{ "p", FORM_PATCH, "patch" },
	};
	const char		*q = p, *t, *u;
	size_t			 k, wl;
	int			 dev;

	if (q < end && (*q == '.' || *q == '_' || *q == '-'))
		q++;
	for (k = 0; k < NELEM(words); k++) {
		wl = strlen(words[k].word);
		if ((size_t)(end - q) < wl || !vi_caseeq(q, wl, words[k].word))
			continue;
		/* The possessive run of [.-]?\d+ after the word. */
		t = q + wl;
		for (;;) {
			u = t;
			if (u < end && (*u == '.' || *u == '-'))
				u++;
			if (u >= end || !vi_digit((unsigned char)*u))
				break;
			t = u + cmp_digits(u, end);
		}
		if (cmp_dev_tail(t, end, &dev) != 0)
			continue;
		/* 'stable' === $matches[$index]: case-sensitive. */
		if (k == 0 && memcmp(q, "stable", 6) == 0)
			return 1;
		v->has_word = 1;
		v->form = words[k].form;
		v->word = words[k].expanded;
		v->digits.p = q + wl;
		v->digits.len = t - (q + wl);
		v->dev = dev;
		return 0;
	}
	if (cmp_dev_tail(q, end, &v->dev) == 0 ||
	    (q != p && cmp_dev_tail(p, end, &v->dev) == 0))
		return 0;
	return -1;
}

static int
cmp_date_sep(int c)
{
	return c == '.' || c == ':' || c == '-';
}

/* (?:[.:-]?\d{1,3}){0,n} up to end, trying every split (n is at most 2). */
static int
cmp_date_tail(const char *t, const char *end, int n)
{
	const char	*u;
	size_t		 d;

	if (t == end)
		return 1;
	if (n == 0)
		return 0;
	u = t + cmp_date_sep((unsigned char)*t);
	for (d = 1; d <= 3 && u + d <= end && vi_digit((unsigned char)u[d - 1]); d++) {
		if (cmp_date_tail(u + d, end, n - 1))
			return 1;
	}
	return 0;
}

/* Whether [p, end) is "\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2}". */
static int
cmp_date_ok(const char *p, const char *end)
{
	const char	*t;
	size_t		 k;

	if (end - p < 4 || cmp_digits(p, p + 4) != 4)
		return 0;
	t = p + 4;
	for (k = 0; k < 6; k++) {
		if (t < end && cmp_date_sep((unsigned char)*t))
			t++;
		if (end - t < 2 || cmp_digits(t, t + 2) != 2)
			return 0;
		t += 2;
		if (cmp_date_tail(t, end, 2))
			return 1;
	}
	return 0;
}

/*
 * Date versions: v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2}) then the
 * modifier. The date is the whole run of digit groups joined by single
 * [.:-] (a modifier cannot begin with a digit), its separators made dots.
 */
static int
cmp_date(const char *p, const char *end, struct composer *v)
{
	const char	*q = p, *run;
	size_t		 n;

	if (q < end && (*q == 'v' || *q == 'V'))
		q++;
	run = q;
	v->nnum = 0;
	for (;;) {
		if ((n = cmp_digits(q, end)) == 0)
			return -1;
		if (v->nnum == CMP_MAXNUM)
			return -1;
		v->num[v->nnum].p = q;
		v->num[v->nnum++].len = n;
		q += n;
		if (q + 1 < end && cmp_date_sep((unsigned char)*q) &&
		    vi_digit((unsigned char)q[1]))
			q++;
		else
			break;
	}
	if (!cmp_date_ok(run, q))
		return -1;
	return cmp_modifier(q, end, v);
}

/* v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)? then the modifier; missing numbers are 0. */
static int
cmp_classical(const char *p, const char *end, struct composer *v)
{
	const char	*q = p;
	size_t		 n, i;

	if (q < end && (*q == 'v' || *q == 'V'))
		q++;
	if ((n = cmp_digits(q, end)) == 0 || n > 5)
		return -1;
	v->num[0].p = q;
	v->num[0].len = n;
	q += n;
	for (i = 1; i < 4; i++) {
		if (q + 1 < end && *q == '.' && vi_digit((unsigned char)q[1])) {
			v->num[i].p = q + 1;
			v->num[i].len = cmp_digits(q + 1, end);
			q += 1 + v->num[i].len;
		} else {
			v->num[i].p = "0";
			v->num[i].len = 1;
		}
	}
	v->nnum = 4;
	return cmp_modifier(q, end, v);
}

/*
 * normalizeBranch() of what precedes "[.-]?dev": v?(\d++)(\.(?:\d++|[xX*]))?
 * (three times), x for what is missing, then 9999999 for every x.
 */
static int
cmp_branch(const char *p, const char *end, struct composer *v)
{
	const char	*q;
	size_t		 n, i;

	vi_trim(&p, &end, VI_SPACE_PHP);
	q = p;
	if (q < end && (*q == 'v' || *q == 'V'))
		q++;
	if ((n = cmp_digits(q, end)) == 0)
		return -1;
	v->num[0].p = q;
	v->num[0].len = n;
	q += n;
	for (i = 1; i < 4; i++) {
		v->num[i].p = "9999999";
		v->num[i].len = 7;
		if (q + 1 >= end || *q != '.')
			continue;
		if (vi_digit((unsigned char)q[1])) {
			v->num[i].p = q + 1;
			v->num[i].len = cmp_digits(q + 1, end);
			q += 1 + v->num[i].len;
		} else if (q[1] == 'x' || q[1] == 'X' || q[1] == '*')
			q += 2;
	}
	if (!cmp_at_end(q, end))
		return -1;
	v->nnum = 4;
	v->has_word = 0;
	v->dev = 1;
	return 0;
}

/* VersionParser::normalize(): CMP_VERSION, CMP_BRANCH ("dev-…") or CMP_INVALID. */
static int
cmp_parse(const char *s, struct composer *v)
{
	static const char	*flags[] = { "stable", "rc", "beta", "alpha", "dev" };
	const char		*p, *end, *q, *r, *t;
	size_t			 k, wl, n;
	int			 rc;

	memset(v, 0, sizeof *v);
	if (s == NULL)
		return CMP_INVALID;
	p = s;
	end = s + strlen(s);
	vi_trim(&p, &end, VI_SPACE_PHP);

	/* {^([^,\s]++) ++as ++([^,\s]++)$}: keep what the alias names. */
	for (q = p; q < end && *q != ',' && !cmp_pcre_space((unsigned char)*q); q++)
		/* nothing */;
	if (q > p && q < end && *q == ' ') {
		for (r = q; r < end && *r == ' '; r++)
			/* nothing */;
		if (end - r > 2 && r[0] == 'a' && r[1] == 's' && r[2] == ' ') {
			for (r += 2; r < end && *r == ' '; r++)
				/* nothing */;
			for (t = r; t < end && *t != ',' &&
			    !cmp_pcre_space((unsigned char)*t); t++)
				/* nothing */;
			if (t > r && t == end)
				end = q;
		}
	}
	/* {@(?:stable|RC|beta|alpha|dev)$}i */
	n = end - p;
	for (k = 0; k < NELEM(flags); k++) {
		wl = strlen(flags[k]);
		if (n > wl && p[n - wl - 1] == '@' &&
		    vi_caseeq(end - wl, wl, flags[k])) {
			end -= wl + 1;
			break;
		}
	}
	n = end - p;
	if ((n == 6 && memcmp(p, "master", 6) == 0) ||
	    (n == 5 && memcmp(p, "trunk", 5) == 0) ||
	    (n == 7 && memcmp(p, "default", 7) == 0)) {
		v->branch.p = p;
		v->branch.len = n;
		return CMP_BRANCH;
	}
	if (n >= 4 && vi_caseeq(p, 4, "dev-")) {
		v->branch.p = p + 4;
		v->branch.len = n - 4;
		return CMP_BRANCH;
	}
	/* {^([^,\s+]++)\+[^\s]++$}: build metadata goes. */
	for (q = p; q < end && *q != ',' && *q != '+' &&
	    !cmp_pcre_space((unsigned char)*q); q++)
		/* nothing */;
	if (q > p && q < end && *q == '+') {
		for (t = q + 1; t < end && !cmp_pcre_space((unsigned char)*t); t++)
			/* nothing */;
		if (t > q + 1 && cmp_at_end(t, end))
			end = q;
	}
	if ((rc = cmp_classical(p, end, v)) >= 0 || (rc = cmp_date(p, end, v)) >= 0) {
		if (rc == 1) {
			v->has_word = 0;
			v->dev = 0;
		}
		return CMP_VERSION;
	}
	/* {(.*?)[.-]?dev$}i, then normalizeBranch() of the first group. */
	memset(v, 0, sizeof *v);
	q = end;
	if (q > p && q[-1] == '\n')
		q--;
	if (q - p < 3 || !vi_caseeq(q - 3, 3, "dev"))
		return CMP_INVALID;
	q -= 3;
	if (q > p && (q[-1] == '.' || q[-1] == '-'))
		q--;
	/* The match is unanchored and "." stops at a newline: it starts after the last. */
	for (r = q; r > p; r--) {
		if (r[-1] == '\n')
			break;
	}
	return cmp_branch(r, q, v) == 0 ? CMP_VERSION : CMP_INVALID;
}

/* Append n bytes to out; *len counts what was wanted, even past size. */
static void
cmp_put(char *out, size_t size, size_t *len, const char *p, size_t n)
{
	if (*len < size)
		memcpy(out + *len, p, *len + n < size ? n : size - *len);
	*len += n;
}

int
version_normalize_composer(const char *s, char *out, size_t size)
{
	struct composer	v;
	size_t		len = 0, i;
	const char	*d;
	int		rc;

	if ((rc = cmp_parse(s, &v)) == CMP_INVALID)
		return HS_EINVAL;
	if (rc == CMP_BRANCH) {
		cmp_put(out, size, &len, "dev-", 4);
		cmp_put(out, size, &len, v.branch.p, v.branch.len);
	} else {
		for (i = 0; i < v.nnum; i++) {
			if (i > 0)
				cmp_put(out, size, &len, ".", 1);
			cmp_put(out, size, &len, v.num[i].p, v.num[i].len);
		}
		if (v.has_word) {
			cmp_put(out, size, &len, "-", 1);
			cmp_put(out, size, &len, v.word, strlen(v.word));
			/* ltrim($matches[$index + 1], '.-') */
			d = v.digits.p;
			i = v.digits.len;
			while (i > 0 && (*d == '.' || *d == '-')) {
				d++;
				i--;
			}
			cmp_put(out, size, &len, d, i);
		}
		if (v.dev)
			cmp_put(out, size, &len, "-dev", 4);
	}
	if (len >= size) {
		if (size > 0)
			out[size - 1] = '\0';
		return HS_ELIMIT;
	}
	out[len] = '\0';
	return 0;
}

/* The next element of the normalised version as version_compare() splits it. */
struct cmp_elem {
	int		 num;	/* 1: a number (digits), 0: a special form */
	struct vpart	 digits;
	int		 form;
};

static int
cmp_next(const struct composer *v, size_t *i, size_t *pos, struct cmp_elem *e)
{
	const char	*p;
	size_t		 rest;

	if (*i < v->nnum) {
		e->num = 1;
		e->digits = v->num[(*i)++];
		return 1;
	}
	if (*i == v->nnum) {
		(*i)++;
		if (v->has_word) {
			e->num = 0;
			e->form = v->form;
			return 1;
		}
	}
	if (*i == v->nnum + 1) {
		/* The numbers after the stability, one run of digits each. */
		while (*pos < v->digits.len &&
		    !vi_digit((unsigned char)v->digits.p[*pos]))
			(*pos)++;
		if (v->has_word && *pos < v->digits.len) {
			p = v->digits.p + *pos;
			rest = v->digits.len - *pos;
			e->num = 1;
			e->digits.p = p;
			e->digits.len = cmp_digits(p, p + rest);
			*pos += e->digits.len;
			return 1;
		}
		(*i)++;
	}
	if (*i == v->nnum + 2) {
		(*i)++;
		if (v->dev) {
			e->num = 0;
			e->form = FORM_DEV;
			return 1;
		}
	}
	return 0;
}

/* strtol(): numbers past LONG_MAX are LONG_MAX. */
static int
cmp_numcmp(struct vpart a, struct vpart b)
{
	static const char	 max[] = "9223372036854775807";

	if (vi_numcmp(a.p, a.len, max, sizeof max - 1) > 0) {
		a.p = max;
		a.len = sizeof max - 1;
	}
	if (vi_numcmp(b.p, b.len, max, sizeof max - 1) > 0) {
		b.p = max;
		b.len = sizeof max - 1;
	}
	return vi_numcmp(a.p, a.len, b.p, b.len);
}

int
version_valid_composer(const char *s)
{
	struct composer	v;

	return cmp_parse(s, &v) == CMP_VERSION;
}

/*
 * php_version_compare(): element by element, numbers by value, a number
 * against a name as "#"; when one side has more, a number there wins, and
 * a name compares with "#".
 */
int
version_cmp_composer(const char *a, const char *b)
{
	struct composer	va, vb;
	struct cmp_elem	ea, eb;
	size_t		ia = 0, ib = 0, pa = 0, pb = 0;
	int		ha, hb, fa, fb, r;

	(void)cmp_parse(a, &va);
	(void)cmp_parse(b, &vb);
	for (;;) {
		ha = cmp_next(&va, &ia, &pa, &ea);
		hb = cmp_next(&vb, &ib, &pb, &eb);
		if (!ha || !hb)
			break;
		if (ea.num && eb.num)
			r = cmp_numcmp(ea.digits, eb.digits);
		else {
			fa = ea.num ? FORM_NUM : ea.form;
			fb = eb.num ? FORM_NUM : eb.form;
			r = vi_sign(fa - fb);
		}
		if (r != 0)
			return r;
	}
	if (ha)
		return ea.num ? 1 : vi_sign(ea.form - FORM_NUM);
	if (hb)
		return eb.num ? -1 : vi_sign(FORM_NUM - eb.form);
	return 0;
}
