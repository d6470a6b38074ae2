/*
 * PEP 440 version order as pypa/packaging's Version reads and sorts it
 * (version.py: VERSION_PATTERN, _cmpkey). Pure functions, no allocation.
 */
#include "config.h"

#include <string.h>

#include "util.h"
#include "version.h"
#include "version-impl.h"

enum pep_pre { PRE_A = 1, PRE_B, PRE_RC };

struct pep440 {
	struct vpart	 epoch;		/* digits; len 0: 0 */
	struct vpart	 release;	/* digits and dots */
	int		 pre;		/* 0 or enum pep_pre */
	struct vpart	 pre_n;		/* len 0: 0 */
	int		 has_post;
	struct vpart	 post_n;
	int		 has_dev;
	struct vpart	 dev_n;
	int		 has_local;
	struct vpart	 local;		/* without '+' */
};

static int
pep_sep(const char *p, const char *end)
{
	return p < end && (*p == '-' || *p == '_' || *p == '.');
}

static size_t
pep_digits(const char *p, const char *end)
{
	const char	*q = p;

	while (q < end && vi_digit((unsigned char)*q))
		q++;
	return q - p;
}

/* The first of words (in order, as the regex alternation tries them) at p. */
static int
pep_word(const char *p, const char *end, const char *const *words, size_t n,
    size_t *len)
{
	size_t	k, wl, i;

	for (k = 0; k < n; k++) {
		wl = strlen(words[k]);
		if ((size_t)(end - p) < wl)
			continue;
		for (i = 0; i < wl; i++) {
			if (vi_tolower((unsigned char)p[i]) != words[k][i])
				break;
		}
		if (i == wl) {
			*len = wl;
			return (int)k;
		}
	}
	return -1;
}

/*
 * After a label: "[-_\.]?(?P<n>[0-9]+)?". The separator is taken even
 * with no number after it: whatever may follow also matches without one,
 * so that is the regex's first match.
 */
static const char *
pep_label_number(const char *p, const char *end, struct vpart *n)
{
	size_t	d;

	n->p = p;
	n->len = 0;
	if (pep_sep(p, end))
		p++;
	if ((d = pep_digits(p, end)) != 0) {
		n->p = p;
		n->len = d;
		p += d;
	}
	return p;
}

/*
 * VERSION_PATTERN between "^\s*" and "\s*$", ASCII letters only (case
 * folded), as packaging after 23.0 reads it: 23.0 let Unicode letters that
 * fold to ASCII ones through ("1.0+\u0130").
 */
static int
pep_parse(const char *s, struct pep440 *v)
{
	static const char *const	 pre_words[] = { "alpha", "a", "beta", "b",
	    "preview", "pre", "c", "rc" };
	static const int		 pre_kind[] = { PRE_A, PRE_A, PRE_B, PRE_B,
	    PRE_RC, PRE_RC, PRE_RC, PRE_RC };
	static const char *const	 post_words[] = { "post", "rev", "r" };
	static const char *const	 dev_words[] = { "dev" };
	const char			*p, *end, *q;
	size_t				 n, wl;
	int				 k;

	memset(v, 0, sizeof *v);
	if (s == NULL)
		return -1;
	p = s;
	end = s + strlen(s);
	vi_trim(&p, &end, VI_SPACE_PY);
	if (p < end && (*p == 'v' || *p == 'V'))
		p++;
	if ((n = pep_digits(p, end)) == 0)
		return -1;
	if (p + n < end && p[n] == '!') {
		v->epoch.p = p;
		v->epoch.len = n;
		p += n + 1;
		if ((n = pep_digits(p, end)) == 0)
			return -1;
	}
	v->release.p = p;
	p += n;
	while (p + 1 < end && *p == '.' && vi_digit((unsigned char)p[1]))
		p += 1 + pep_digits(p + 1, end);
	v->release.len = p - v->release.p;

	/* pre: [-_\.]?(alpha|a|beta|b|preview|pre|c|rc)[-_\.]?[0-9]* */
	q = p + pep_sep(p, end);
	if ((k = pep_word(q, end, pre_words, NELEM(pre_words), &wl)) >= 0) {
		v->pre = pre_kind[k];
		p = pep_label_number(q + wl, end, &v->pre_n);
	}
	/* post: -[0-9]+ or [-_\.]?(post|rev|r)[-_\.]?[0-9]* */
	if (p + 1 < end && *p == '-' && vi_digit((unsigned char)p[1])) {
		v->has_post = 1;
		v->post_n.p = p + 1;
		v->post_n.len = pep_digits(p + 1, end);
		p += 1 + v->post_n.len;
	} else {
		q = p + pep_sep(p, end);
		if (pep_word(q, end, post_words, NELEM(post_words), &wl) >= 0) {
			v->has_post = 1;
			p = pep_label_number(q + wl, end, &v->post_n);
		}
	}
	/* dev: [-_\.]?dev[-_\.]?[0-9]* */
	q = p + pep_sep(p, end);
	if (pep_word(q, end, dev_words, NELEM(dev_words), &wl) >= 0) {
		v->has_dev = 1;
		p = pep_label_number(q + wl, end, &v->dev_n);
	}
	/* local: \+[a-z0-9]+([-_\.][a-z0-9]+)* */
	if (p < end && *p == '+') {
		p++;
		v->local.p = p;
		v->has_local = 1;
		for (;;) {
			q = p;
			while (p < end && vi_alnum((unsigned char)*p))
				p++;
			if (p == q)
				return -1;
			if (p == end || !pep_sep(p, end))
				break;
			p++;
		}
		v->local.len = p - v->local.p;
	}
	return p == end ? 0 : -1;
}

/* The next dot-separated number of a release, or "0" past its end. */
static struct vpart
pep_release_next(struct vpart r, size_t *pos, int *more)
{
	struct vpart	 seg;
	const char	*dot;

	if (*pos >= r.len) {
		*more = 0;
		seg.p = "0";
		seg.len = 1;
		return seg;
	}
	*more = 1;
	seg.p = r.p + *pos;
	dot = memchr(seg.p, '.', r.len - *pos);
	seg.len = dot != NULL ? (size_t)(dot - seg.p) : r.len - *pos;
	*pos += seg.len + 1;
	return seg;
}

/* The next local segment (split on [-_.]); 0 at the end. */
static int
pep_local_next(struct vpart l, size_t *pos, struct vpart *seg)
{
	size_t	i;

	if (*pos > l.len || l.len == 0)
		return 0;
	seg->p = l.p + *pos;
	for (i = *pos; i < l.len && vi_alnum((unsigned char)l.p[i]); i++)
		/* nothing */;
	seg->len = i - *pos;
	*pos = i + 1;
	return 1;
}

/* _cmpkey's pre-release rank: -Infinity, a, b, rc, +Infinity. */
static int
pep_pre_rank(const struct pep440 *v)
{
	if (v->pre == 0 && !v->has_post && v->has_dev)
		return 0;
	if (v->pre == 0)
		return 4;
	return v->pre;
}

static int
pep_localcmp(const struct pep440 *a, const struct pep440 *b)
{
	struct vpart	sa, sb;
	size_t		pa = 0, pb = 0;
	int		ha, hb, na, nb, r;

	if (a->has_local != b->has_local)
		return a->has_local ? 1 : -1;
	for (;;) {
		ha = pep_local_next(a->local, &pa, &sa);
		hb = pep_local_next(b->local, &pb, &sb);
		if (!ha || !hb)
			return ha - hb;
		/* Numbers (int) sort after strings (-Infinity, str). */
		na = vi_alldigits(sa.p, sa.len);
		nb = vi_alldigits(sb.p, sb.len);
		if (na != nb)
			return na ? 1 : -1;
		r = na ? vi_numcmp(sa.p, sa.len, sb.p, sb.len) :
		    vi_bytecasecmp(sa.p, sa.len, sb.p, sb.len);
		if (r != 0)
			return r;
	}
}

int
version_valid_pypi(const char *s)
{
	struct pep440	v;

	return pep_parse(s, &v) == 0;
}

int
version_cmp_pypi(const char *a, const char *b)
{
	struct pep440	va, vb;
	struct vpart	sa, sb;
	size_t		pa = 0, pb = 0;
	int		ma = 1, mb = 1, r;

	(void)pep_parse(a, &va);
	(void)pep_parse(b, &vb);
	if ((r = vi_numcmp(va.epoch.p, va.epoch.len, vb.epoch.p, vb.epoch.len)) != 0)
		return r;
	/* Trailing zeros of the release do not count: compare with 0 past the end. */
	for (;;) {
		sa = pep_release_next(va.release, &pa, &ma);
		sb = pep_release_next(vb.release, &pb, &mb);
		if (!ma && !mb)
			break;
		if ((r = vi_numcmp(sa.p, sa.len, sb.p, sb.len)) != 0)
			return r;
	}
	if ((r = pep_pre_rank(&va) - pep_pre_rank(&vb)) != 0)
		return vi_sign(r);
	if (va.pre != 0 &&
	    (r = vi_numcmp(va.pre_n.p, va.pre_n.len, vb.pre_n.p, vb.pre_n.len)) != 0)
		return r;
	if (va.has_post != vb.has_post)
		return va.has_post ? 1 : -1;
	if (va.has_post &&
	    (r = vi_numcmp(va.post_n.p, va.post_n.len, vb.post_n.p, vb.post_n.len)) != 0)
		return r;
	if (va.has_dev != vb.has_dev)
		return va.has_dev ? -1 : 1;
	if (va.has_dev &&
	    (r = vi_numcmp(va.dev_n.p, va.dev_n.len, vb.dev_n.p, vb.dev_n.len)) != 0)
		return r;
	return pep_localcmp(&va, &vb);
}
