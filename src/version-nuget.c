/*
 * NuGet version order: NuGet.Versioning's NuGetVersion.TryParse and
 * VersionComparer.Default: two to four numbers (System.Version), release
 * labels compared case-insensitively, metadata ignored. Pure functions, no
 * allocation.
 */
#include "config.h"

#include <string.h>

#include "util.h"
#include "version.h"
#include "version-impl.h"

struct nuget {
	struct vpart	 num[4];	/* major, minor, patch, revision; len 0: 0 */
	struct vpart	 labels;	/* without '-'; len 0: none */
	int		 has_labels;
};

/* .NET's number white space (NumberStyles.AllowLeading/TrailingWhite). */
static int
nuget_white(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/*
 * int.TryParse(component, NumberStyles.Integer) with a result >= 0: white
 * space around, digits, at most int.MaxValue. A sign cannot reach here:
 * '-' and '+' end the version part.
 */
static int
nuget_component(const char *p, const char *end, struct vpart *out)
{
	static const char	 max[] = "2147483647";

	while (p < end && nuget_white((unsigned char)*p))
		p++;
	while (end > p && nuget_white((unsigned char)end[-1]))
		end--;
	if (!vi_alldigits(p, end - p) ||
	    vi_numcmp(p, end - p, max, sizeof max - 1) > 0)
		return -1;
	out->p = p;
	out->len = end - p;
	return 0;
}

/* IsValidPart(): [0-9A-Za-z-]+, and no leading zero in a number unless allowed. */
static int
nuget_part_ok(const char *p, size_t len, int leading_zeros)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (!vi_alnum((unsigned char)p[i]) && p[i] != '-')
			return 0;
	}
	if (!leading_zeros && len > 1 && p[0] == '0' && vi_alldigits(p, len))
		return 0;
	return 1;
}

static int
nuget_parts_ok(const char *p, const char *end, int leading_zeros)
{
	const char	*dot;

	for (;;) {
		dot = memchr(p, '.', end - p);
		if (!nuget_part_ok(p, (dot != NULL ? dot : end) - p, leading_zeros))
			return 0;
		if (dot == NULL)
			return 1;
		p = dot + 1;
	}
}

/*
 * TryParse: String.Trim(), then ParseSections (the version part ends at the
 * first '-' or '+'; labels run to the next '+'), then System.Version.TryParse
 * of the version part, ".0" added when it has no dot.
 */
static int
nuget_parse(const char *s, struct nuget *v)
{
	const char	*p, *end, *vend, *q, *dot;
	int		 i;

	memset(v, 0, sizeof *v);
	if (s == NULL)
		return -1;
	p = s;
	end = s + strlen(s);
	vi_trim(&p, &end, VI_SPACE_NET);
	if (p == end)
		return -1;
	for (vend = p; vend < end && *vend != '-' && *vend != '+'; vend++)
		/* nothing */;
	/* A '-' or '+' that ends the string stays in its section, which then fails. */
	if (vend == end - 1)
		return -1;
	/* System.Version: two to four components. */
	q = p;
	for (i = 0; i < 4; i++) {
		dot = memchr(q, '.', vend - q);
		if (nuget_component(q, dot != NULL ? dot : vend, &v->num[i]) != 0)
			return -1;
		if (dot == NULL)
			break;
		q = dot + 1;
	}
	if (i == 4)
		return -1;	/* a fifth component */
	if (vend == end)
		return 0;
	q = vend + 1;
	if (*vend == '-') {
		for (vend = q; vend < end && *vend != '+'; vend++)
			/* nothing */;
		if (vend == end - 1)
			return -1;
		if (!nuget_parts_ok(q, vend, 0))
			return -1;
		v->has_labels = 1;
		v->labels.p = q;
		v->labels.len = vend - q;
		if (vend == end)
			return 0;
		q = vend + 1;
	}
	/* Build metadata: checked, then not compared. */
	return nuget_parts_ok(q, end, 1) ? 0 : -1;
}

/*
 * int.TryParse of a label: digits with an optional '-' in front, within
 * Int32. The value as (sign, digits) with "-0" made 0.
 */
static int
nuget_label_int(struct vpart l, int *neg, struct vpart *digits)
{
	static const char	 max[] = "2147483647", min[] = "2147483648";

	*neg = l.len > 0 && l.p[0] == '-';
	digits->p = l.p + *neg;
	digits->len = l.len - *neg;
	if (!vi_alldigits(digits->p, digits->len))
		return 0;
	if (vi_numcmp(digits->p, digits->len, *neg ? min : max, 10) > 0)
		return 0;
	if (vi_numcmp(digits->p, digits->len, "0", 1) == 0)
		*neg = 0;
	return 1;
}

/* CompareRelease(): numbers first and by value, others OrdinalIgnoreCase. */
static int
nuget_labelcmp(struct vpart a, struct vpart b)
{
	struct vpart	da, db;
	int		ia, ib, na, nb;

	ia = nuget_label_int(a, &na, &da);
	ib = nuget_label_int(b, &nb, &db);
	if (ia && ib) {
		if (na != nb)
			return na ? -1 : 1;
		return na ? -vi_numcmp(da.p, da.len, db.p, db.len) :
		    vi_numcmp(da.p, da.len, db.p, db.len);
	}
	if (ia || ib)
		return ia ? -1 : 1;
	/* Labels are [0-9A-Za-z-]: folding to lower case orders them as upper does. */
	return vi_bytecasecmp(a.p, a.len, b.p, b.len);
}

static int
nuget_next_label(struct vpart l, size_t *pos, struct vpart *out)
{
	const char	*dot;

	if (*pos > l.len)
		return 0;
	out->p = l.p + *pos;
	dot = memchr(out->p, '.', l.len - *pos);
	out->len = dot != NULL ? (size_t)(dot - out->p) : l.len - *pos;
	*pos += out->len + 1;
	return 1;
}

int
version_valid_nuget(const char *s)
{
	struct nuget	v;

	return nuget_parse(s, &v) == 0;
}

int
version_cmp_nuget(const char *a, const char *b)
{
	struct nuget	va, vb;
	struct vpart	la, lb;
	size_t		pa = 0, pb = 0, i;
	int		ha, hb, r;

	(void)nuget_parse(a, &va);
	(void)nuget_parse(b, &vb);
	/* Major, minor, patch, then the legacy fourth number; missing ones are 0. */
	for (i = 0; i < 4; i++) {
		if ((r = vi_numcmp(va.num[i].p, va.num[i].len, vb.num[i].p,
		    vb.num[i].len)) != 0)
			return r;
	}
	if (va.has_labels != vb.has_labels)
		return va.has_labels ? -1 : 1;
	if (!va.has_labels)
		return 0;
	for (;;) {
		ha = nuget_next_label(va.labels, &pa, &la);
		hb = nuget_next_label(vb.labels, &pb, &lb);
		if (!ha || !hb)
			return ha - hb;
		if ((r = nuget_labelcmp(la, lb)) != 0)
			return r;
	}
}
