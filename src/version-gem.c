/*
 * RubyGems version order: Gem::Version (rubygems/version.rb): segments of
 * digits or letters, "-" read as ".pre.", letters before numbers, trailing
 * zeros of the release and of the pre-release part ignored. Pure functions,
 * no allocation, one pass.
 */
#include "config.h"

#include <string.h>

#include "util.h"
#include "version.h"
#include "version-impl.h"

/* Ruby's \s and String#strip (which also takes NUL, never in a C string). */
static int
gem_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

static void
gem_trim(const char **p, const char **end)
{
	while (*p < *end && gem_space((unsigned char)**p))
		(*p)++;
	while (*end > *p && gem_space((unsigned char)(*end)[-1]))
		(*end)--;
}

/*
 * ANCHORED_VERSION_PATTERN: \A\s*([0-9]+(?>\.[0-9a-zA-Z]+)*
 * (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z. Blank is a version ("0").
 */
int
version_valid_gem(const char *s)
{
	const char	*p, *end, *q;

	if (s == NULL)
		return 0;
	p = s;
	end = s + strlen(s);
	gem_trim(&p, &end);
	if (p == end)
		return 1;
	if (!vi_digit((unsigned char)*p))
		return 0;
	while (p < end && vi_digit((unsigned char)*p))
		p++;
	while (p < end && *p == '.') {
		q = ++p;
		while (p < end && vi_alnum((unsigned char)*p))
			p++;
		if (p == q)
			return 0;
	}
	if (p < end && *p == '-') {
		for (;;) {
			q = ++p;
			while (p < end && (vi_alnum((unsigned char)*p) || *p == '-'))
				p++;
			if (p == q)
				return 0;
			if (p == end || *p != '.')
				break;
		}
	}
	return p == end;
}

enum gem_tok { GEM_END, GEM_NUM, GEM_STR };

/*
 * The segments as <=> sees them: canonical_segments, made lazily. In the
 * leading run of numbers, zeros count only when a non-zero number follows
 * them before the first letters; later zeros cannot change the answer,
 * as a missing segment compares as 0.
 */
struct gem_iter {
	const char	*p, *end;
	int		 in_release;	/* still in the leading numbers */
	size_t		 zeros;		/* zeros still to give */
	int		 held;		/* a token read ahead */
	struct vpart	 held_v;
};

/* The next segment of version.strip.gsub("-", ".pre.").scan(/[0-9]+|[a-z]+/i). */
static int
gem_raw(struct gem_iter *it, struct vpart *v)
{
	const char	*q;

	while (it->p < it->end) {
		q = it->p;
		if (*q == '-') {
			it->p++;
			v->p = "pre";
			v->len = 3;
			return GEM_STR;
		}
		if (vi_digit((unsigned char)*q)) {
			while (it->p < it->end && vi_digit((unsigned char)*it->p))
				it->p++;
			v->p = q;
			v->len = it->p - q;
			return GEM_NUM;
		}
		if (vi_alpha((unsigned char)*q)) {
			while (it->p < it->end && vi_alpha((unsigned char)*it->p))
				it->p++;
			v->p = q;
			v->len = it->p - q;
			return GEM_STR;
		}
		it->p++;
	}
	return GEM_END;
}

static int
gem_iszero(struct vpart v)
{
	size_t	i;

	for (i = 0; i < v.len; i++) {
		if (v.p[i] != '0')
			return 0;
	}
	return 1;
}

static int
gem_next(struct gem_iter *it, struct vpart *v)
{
	size_t	n;
	int	t;

	if (it->zeros > 0) {
		it->zeros--;
		v->p = "0";
		v->len = 1;
		return GEM_NUM;
	}
	if (it->held != GEM_END) {
		t = it->held;
		*v = it->held_v;
		it->held = GEM_END;
		return t;
	}
	t = gem_raw(it, v);
	if (t == GEM_STR)
		it->in_release = 0;
	if (t != GEM_NUM || !it->in_release || !gem_iszero(*v))
		return t;
	/* A run of zeros in the release: keep it only before a non-zero number. */
	n = 1;
	while ((t = gem_raw(it, v)) == GEM_NUM && gem_iszero(*v))
		n++;
	if (t == GEM_NUM) {
		it->held = t;
		it->held_v = *v;
		it->zeros = n - 1;
		v->p = "0";
		v->len = 1;
		return GEM_NUM;
	}
	if (t == GEM_STR)
		it->in_release = 0;
	return t;
}

static void
gem_iter_init(struct gem_iter *it, const char *s)
{
	memset(it, 0, sizeof *it);
	it->p = s != NULL ? s : "";
	it->end = it->p + strlen(it->p);
	gem_trim(&it->p, &it->end);
	it->in_release = 1;
}

int
version_cmp_gem(const char *a, const char *b)
{
	struct gem_iter	ia, ib;
	struct vpart	va, vb;
	int		ta, tb, r;

	gem_iter_init(&ia, a);
	gem_iter_init(&ib, b);
	for (;;) {
		ta = gem_next(&ia, &va);
		tb = gem_next(&ib, &vb);
		if (ta == GEM_END && tb == GEM_END)
			return 0;
		/* lhsegments[i] || 0 */
		if (ta == GEM_END) {
			ta = GEM_NUM;
			va.p = "0";
			va.len = 1;
		}
		if (tb == GEM_END) {
			tb = GEM_NUM;
			vb.p = "0";
			vb.len = 1;
		}
		if (ta != tb)
			return ta == GEM_STR ? -1 : 1;
		r = ta == GEM_NUM ? vi_numcmp(va.p, va.len, vb.p, vb.len) :
		    vi_bytecmp(va.p, va.len, vb.p, vb.len);
		if (r != 0)
			return r;
	}
}
