/* The matcher: each package of an inventory against the advisories of its namespace. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "match.h"
#include "util.h"
#include "version.h"

/*
 * Which advisory namespaces an OS is matched against, in order.
 *
 * CentOS, Rocky Linux and AlmaLinux rebuild Red Hat's sources with Red Hat's
 * version-release strings (a rebuild may add ".rocky.0.1" or ".alma", which
 * sorts after Red Hat's own), so Red Hat's data ("rhel:<major>": OVAL, CSAF,
 * OSV) applies to them, as Trivy does for CentOS and Grype for all three.
 * Their own advisories come first where they exist ("rocky:8", "almalinux:9":
 * the RLSA/ALSA OSV records); CentOS has none, its own namespace is looked
 * up anyway and finds nothing. Red Hat's data brings what the rebuilders'
 * errata lack: CVEs with no fix yet, and one row per CVE. The price: a Red
 * Hat fix may be listed before the rebuild ships it. An RLSA/ALSA and the
 * CVEs it names are one finding per CVE (match_emit). Oracle Linux is not
 * mapped: it changes releases ("0.1.el8") and publishes its own data.
 */
static const struct {
	const char	*distro;
	const char	*also;
} match_also[] = {
	{ "centos", "rhel" },
	{ "rocky", "rhel" },
	{ "almalinux", "rhel" },
};

#define MATCH_MAX_NS	2

/* Fill ns[] with the namespaces of namespace; returns how many. */
static size_t
match_namespaces(const char *namespace, char *ns[MATCH_MAX_NS])
{
	const char	*colon;
	size_t		 i, n = 0;

	ns[n++] = xstrdup(namespace);
	if ((colon = strchr(namespace, ':')) == NULL)
		return n;
	for (i = 0; i < NELEM(match_also); i++) {
		if (strlen(match_also[i].distro) == (size_t)(colon - namespace) &&
		    strncmp(namespace, match_also[i].distro, colon - namespace) == 0) {
			ns[n++] = xasprintf("%s%s", match_also[i].also, colon);
			break;
		}
	}
	return n;
}

/* Another id of a row's vulnerability, copied out of the lookup. */
struct match_alias {
	char		*id;
	enum alias_kind	 kind;
};

/* One advisory row of the package, affecting it or not, copied out of the lookup. */
struct match_hit {
	char		*id;
	char		*fixed;
	enum severity	 severity;
	char		*source_severity;
	char		*namespace;
	char		*description;
	char		*link;
	enum ecosystem	 ecosystem;
	const char	*version;	/* the package's version it was compared with */
	int		 affected;
	struct match_alias *aliases;
	size_t		 naliases;
	char		*informational;
};

struct match_ctx {
	const struct package	*pkg;
	const char		*version;	/* the one the advisory names */
	/*
	 * A language package: its name as its ecosystem's advisories write it
	 * (Go's versions need no help: the order reads "v1.20.4", OSV's
	 * "1.20.4" and the toolchain's "go1.20.4" alike).
	 */
	char			*lang_name;
	struct match_hit	*hits;
	size_t			 n;
	size_t			 cap;
	const char		*src_name;
	const char		*src_version;
	int			 src_ok;	/* its versions are valid ones */
	int			 bin_ok;
	/* The ids of every row looked at, affecting the package or not. */
	char			**seen;
	size_t			  nseen;
};

/*
 * One lookup for every package of the inventory: the packages sorted by the
 * name the advisories use (source or binary), each row handed to every
 * package of that name.
 */
struct match_walk {
	struct match_ctx	**by_name;
	size_t			  n;
	int			  source;
	const char		 *image_arch;	/* most packages' architecture */
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
match_hit_clear(struct match_hit *h)
{
	free(h->id);
	free(h->fixed);
	free(h->source_severity);
	free(h->namespace);
	free(h->description);
	free(h->link);
	for (size_t i = 0; i < h->naliases; i++)
		free(h->aliases[i].id);
	free(h->informational);
	free(h->aliases);
	memset(h, 0, sizeof *h);
}

static enum ecosystem
match_ecosystem(const struct package *pkg, const struct advisory *a)
{
	return pkg->ecosystem != ECO_UNKNOWN ? pkg->ecosystem : a->ecosystem;
}

/* One bound's comparison; -1 (warned) when it is not a version of eco. */
static int
match_bound(const struct match_ctx *ctx, const struct advisory *a,
    enum ecosystem eco, const char *what, const char *bound, int installed_first,
    int *r)
{
	int	rc;

	rc = installed_first ? version_cmp(eco, ctx->version, bound, r) :
	    version_cmp(eco, bound, ctx->version, r);
	if (rc != 0) {
		log_warn("%s: %s: %s version %s of %s is not a valid %s version;"
		    " advisory skipped", a->namespace, a->vuln_id, what, bound,
		    a->package, ecosystem_name(eco));
		return -1;
	}
	return 0;
}

/*
 * Is version inside [introduced, fixed), or [introduced, last_affected],
 * and below limit_version? -1 when a bound cannot be compared.
 */
static int
match_affected(const struct match_ctx *ctx, const struct advisory *a)
{
	enum ecosystem	eco = match_ecosystem(ctx->pkg, a);
	int		r;

	if (a->introduced != NULL) {
		if (match_bound(ctx, a, eco, "introduced", a->introduced, 0, &r) != 0)
			return -1;
		if (r > 0)
			return 0;
	}
	if (a->fixed_version != NULL) {
		if (match_bound(ctx, a, eco, "fixed", a->fixed_version, 1, &r) != 0)
			return -1;
		if (r >= 0)
			return 0;
	}
	if (a->last_affected != NULL) {
		if (match_bound(ctx, a, eco, "last affected", a->last_affected, 1,
		    &r) != 0)
			return -1;
		if (r > 0)
			return 0;
	}
	if (a->limit_version != NULL) {
		if (match_bound(ctx, a, eco, "limit", a->limit_version, 1, &r) != 0)
			return -1;
		if (r >= 0)
			return 0;
	}
	return 1;
}

static const char	*match_rpm_stream(const char *, size_t *);

/* "ksplice1" in an rpm release ("1.1.1g-15.ksplice1.el8_3"); NULL if none. */
static const char *
match_ksplice(const char *v, size_t *len)
{
	const char	*rel, *p;

	if (v == NULL || (rel = strrchr(v, '-')) == NULL)
		return NULL;
	for (p = rel; (p = strstr(p, "ksplice")) != NULL; p += 7) {
		if (p[-1] != '.' && p[-1] != '-')
			continue;
		*len = 7 + strspn(p + 7, "0123456789");
		return p;
	}
	return NULL;
}

/*
 * Oracle's Ksplice userspace packages ("…ksplice1.el8_3") are patched live
 * in place of the ordinary build: a Ksplice fix applies to a Ksplice build
 * of the same series only, an ordinary fix to ordinary builds only.
 */
static int
match_ksplice_same(const char *installed, const char *fix)
{
	const char	*a, *b;
	size_t		 alen = 0, blen = 0;

	a = match_ksplice(installed, &alen);
	b = match_ksplice(fix, &blen);
	if (a == NULL || b == NULL)
		return a == NULL && b == NULL;
	return alen == blen && memcmp(a, b, alen) == 0;
}

static int
match_cb(const struct advisory *a, void *arg)
{
	struct match_ctx	*ctx = arg;
	struct match_hit	*h;
	size_t			 len, i;
	int			 affected;

	if (match_ecosystem(ctx->pkg, a) == ECO_RPM && !match_ksplice_same(
	    ctx->version, a->fixed_version != NULL ? a->fixed_version :
	    a->last_affected))
		return 0;
	/* Rows come by id: one entry per id (and namespace) is enough. */
	if (ctx->nseen == 0 || strcmp(ctx->seen[ctx->nseen - 1], a->vuln_id) != 0) {
		if ((ctx->nseen & (ctx->nseen - 1)) == 0)
			ctx->seen = xreallocarray(ctx->seen, ctx->nseen == 0 ? 1 :
			    ctx->nseen * 2, sizeof *ctx->seen);
		ctx->seen[ctx->nseen++] = xstrdup(a->vuln_id);
	}
	if ((affected = match_affected(ctx, a)) == -1)
		return 0;
	/*
	 * A row that does not affect the package matters only as the fix of
	 * an rpm stream the installed release is on (match_hit_decides).
	 */
	if (!affected && (a->fixed_version == NULL ||
	    match_ecosystem(ctx->pkg, a) != ECO_RPM ||
	    match_rpm_stream(ctx->version, &len) == NULL))
		return 0;
	if (ctx->n == ctx->cap) {
		ctx->cap = ctx->cap == 0 ? 16 : ctx->cap * 2;
		ctx->hits = xreallocarray(ctx->hits, ctx->cap, sizeof *ctx->hits);
	}
	h = &ctx->hits[ctx->n++];
	h->id = xstrdup(a->vuln_id);
	h->fixed = dup_or_null(a->fixed_version);
	h->severity = a->severity;
	h->source_severity = dup_or_null(a->source_severity);
	h->namespace = xstrdup(a->namespace);
	h->description = dup_or_null(a->description);
	h->link = dup_or_null(a->link);
	h->ecosystem = match_ecosystem(ctx->pkg, a);
	h->version = ctx->version;
	h->affected = affected;
	h->aliases = a->naliases > 0 ? xreallocarray(NULL, a->naliases,
	    sizeof *h->aliases) : NULL;
	for (i = 0; i < a->naliases; i++) {
		h->aliases[i].id = xstrdup(a->aliases[i].id);
		h->aliases[i].kind = a->aliases[i].kind;
	}
	h->naliases = a->naliases;
	h->informational = dup_or_null(a->informational);
	return 0;
}

static int
match_hit_cmp_id(const void *va, const void *vb)
{
	const struct match_hit	*a = va, *b = vb;

	return strcmp(a->id, b->id);
}

/*
 * The minor-release stream of an rpm version: "el9_2" in "7.76.1-23.el9_2.4",
 * none in "7.76.1-26.el9" (the main line) or a module's "module+el8.3.0+…".
 * An Oracle UEK kernel ("5.4.17-2136.300.7.el8uek") is on its upstream line,
 * "5.4": UEK R6 and R7 (5.15) are fixed apart. Sets *len and returns a
 * pointer into v, or NULL.
 */
static const char *
match_rpm_stream(const char *v, size_t *len)
{
	const char	*rel, *p, *ver;
	size_t		 n, m;

	if (v == NULL || (rel = strrchr(v, '-')) == NULL)
		return NULL;
	if ((p = strstr(rel, "uek")) != NULL && p[-1] != '-' &&
	    (p[3] == '\0' || p[3] == '.')) {
		ver = v + strspn(v, "0123456789");
		ver = *ver == ':' ? ver + 1 : v;
		n = strspn(ver, "0123456789");
		if (n == 0 || ver[n] != '.')
			return NULL;
		m = strspn(ver + n + 1, "0123456789");
		if (m == 0)
			return NULL;
		*len = n + 1 + m;
		return ver;
	}
	for (p = rel + 1; (p = strstr(p, "el")) != NULL; p += 2) {
		if (p[-1] != '.' && p[-1] != '-')
			continue;
		n = strspn(p + 2, "0123456789");
		if (n == 0 || p[2 + n] != '_')
			continue;
		m = strspn(p + 3 + n, "0123456789");
		if (m == 0)
			continue;
		*len = 3 + n + m;
		return p;
	}
	return NULL;
}

static int
match_same_stream(const char *a, size_t alen, const char *v)
{
	const char	*b;
	size_t		 blen;

	return (b = match_rpm_stream(v, &blen)) != NULL && blen == alen &&
	    memcmp(a, b, alen) == 0;
}

/*
 * Is hit h one that decides for this package? Red Hat ships one CVE's fix
 * several times within a major release: on a minor-release stream
 * ("23.el9_2.4", RHSA-2023:5763) and on the main line ("26.el9_3.2",
 * RHSA-2023:6745), both under "rhel:9". In rpm order 23.el9_2.4 is below
 * 26.el9_3.2, so taken as two ranges a package that has the 9.2 stream's fix
 * would still be "affected" by the 9.3 row. A fix applies to the builds of
 * its own stream: when the installed release is on a stream (elN_M) that the
 * group has a fix for, only that stream's rows decide; otherwise every row
 * does. Rows without a fixed version (no fix yet) always decide.
 */
static int
match_hit_decides(const struct match_hit *h, const struct match_hit *group,
    size_t n)
{
	const char	*st;
	size_t		 len, i;

	if (h->ecosystem != ECO_RPM || h->fixed == NULL ||
	    (st = match_rpm_stream(h->version, &len)) == NULL)
		return 1;
	if (match_same_stream(st, len, h->fixed))
		return 1;
	for (i = 0; i < n; i++) {
		if (group[i].ecosystem == ECO_RPM && group[i].version == h->version &&
		    match_same_stream(st, len, group[i].fixed))
			return 0;	/* a fix of its own stream exists */
	}
	return 1;
}

/*
 * Of two affecting rows for the same (id, package) — from different feeds or
 * namespaces, a secdb listing one CVE under two versions, a second fix after
 * an incomplete first — is b better than a? A known fix beats none, and the
 * highest fixed version wins: below it the package is affected by every one
 * of them, so it is the version that clears them all. With the stream rule
 * above, when Red Hat fixed a CVE on several streams this is the fix of the
 * installed build's own stream, or, for a main-line build, the main line's.
 */
static int
match_hit_better(const struct match_hit *a, const struct match_hit *b)
{
	int	r;

	if (a->fixed == NULL || b->fixed == NULL)
		return a->fixed == NULL && b->fixed != NULL;
	if (version_cmp(b->ecosystem, b->fixed, a->fixed, &r) != 0)
		return 0;
	return r > 0;
}

/*
 * One finding per vulnerability. The records of one package are first one
 * per id (the rows of an id from several feeds or namespaces, as
 * match_hit_better chooses); records that name the same vulnerability are
 * then merged: a USN, DSA, ALSA or GHSA and the CVE it is about are one
 * finding, carrying the CVE as its id and the others as aliases.
 *
 * What a record is about: its own id when that is a CVE; else the CVEs it
 * is an alias of (OSV aliases), else those it fixes (upstream), else those
 * it names as related (an ALSA's). A record about one CVE joins that CVE's
 * finding. A record about no CVE joins a finding one of its ids (its own,
 * its aliases) already belongs to, else is a finding of its own. A notice
 * about several CVEs (USN-3658-1: five of procps's) is an alias of each of
 * their findings; a CVE it names that has no finding of its own becomes
 * one from the notice, unless the database holds that CVE's own rows for
 * the package and none of them affects it: then the CVE's own record
 * decides.
 */
struct match_strs {
	const char	**v;
	size_t		  n;
};

static void
match_strs_add(struct match_strs *s, const char *x)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], x) == 0)
			return;
	}
	if ((s->n & (s->n - 1)) == 0)
		s->v = xreallocarray(s->v, s->n == 0 ? 1 : s->n * 2, sizeof *s->v);
	s->v[s->n++] = x;
}

static int
match_strs_has(const struct match_strs *s, const char *x)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], x) == 0)
			return 1;
	}
	return 0;
}

static int
match_is_cve(const char *id)
{
	return str_starts(id, "CVE-");
}

/* The rows of one id, reduced to the one that decides. */
struct match_rec {
	const struct match_hit	*best;
	const struct match_hit	*rows;		/* every row of the id */
	size_t			 nrows;
	enum severity		 sev;		/* the highest of its deciding rows */
	struct match_strs	 same;		/* its id and the ids of the same vulnerability */
	struct match_strs	 cves;		/* the CVEs it is about */
};

struct match_group {
	const char		*cve;		/* NULL: a vulnerability without a CVE */
	size_t			*recs;
	size_t			 n;
};

static void
match_rec_ids(struct match_rec *r)
{
	const struct match_hit	*h;
	enum alias_kind		 kind;
	size_t			 i, k;

	match_strs_add(&r->same, r->best->id);
	for (i = 0; i < r->nrows; i++) {
		h = &r->rows[i];
		for (k = 0; k < h->naliases; k++) {
			if (h->aliases[k].kind == ALIAS_SAME)
				match_strs_add(&r->same, h->aliases[k].id);
		}
	}
	if (match_is_cve(r->best->id)) {
		match_strs_add(&r->cves, r->best->id);
		return;
	}
	for (kind = ALIAS_SAME; kind <= ALIAS_RELATED && r->cves.n == 0; kind++) {
		for (i = 0; i < r->nrows; i++) {
			h = &r->rows[i];
			for (k = 0; k < h->naliases; k++) {
				if (h->aliases[k].kind == kind &&
				    match_is_cve(h->aliases[k].id))
					match_strs_add(&r->cves, h->aliases[k].id);
			}
		}
	}
}

static int
match_group_new(struct match_group **gs, size_t *n, const char *cve)
{
	*gs = xreallocarray(*gs, *n + 1, sizeof **gs);
	memset(&(*gs)[*n], 0, sizeof **gs);
	(*gs)[*n].cve = cve;
	return (int)(*n)++;
}

static void
match_group_add(struct match_group *g, size_t r)
{
	g->recs = xreallocarray(g->recs, g->n + 1, sizeof *g->recs);
	g->recs[g->n++] = r;
}

/* The group whose CVE is cve, or -1. */
static int
match_group_find(const struct match_group *gs, size_t n, const char *cve)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (gs[i].cve != NULL && strcmp(gs[i].cve, cve) == 0)
			return (int)i;
	}
	return -1;
}

/* A group holding a record that shares an id with r, or -1. */
static int
match_group_overlap(const struct match_group *gs, size_t n,
    const struct match_rec *recs, const struct match_rec *r)
{
	size_t	i, j, k;

	for (i = 0; i < n; i++) {
		for (j = 0; j < gs[i].n; j++) {
			if (recs[gs[i].recs[j]].cves.n > 1)
				continue;
			for (k = 0; k < r->same.n; k++) {
				if (match_strs_has(&recs[gs[i].recs[j]].same,
				    r->same.v[k]))
					return (int)i;
			}
		}
	}
	return -1;
}

static int
match_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The id of a group without a CVE: a GHSA when there is one, else the first. */
static const char *
match_group_id(const struct match_group *g, const struct match_rec *recs)
{
	const char	*id = NULL, *x;
	size_t		 i, k;

	for (i = 0; i < g->n; i++) {
		for (k = 0; k < recs[g->recs[i]].same.n; k++) {
			x = recs[g->recs[i]].same.v[k];
			if (id == NULL || (str_starts(x, "GHSA-") &&
			    !str_starts(id, "GHSA-")) || (str_starts(x, "GHSA-") ==
			    str_starts(id, "GHSA-") && strcmp(x, id) < 0))
				id = x;
		}
	}
	return id;
}

/*
 * How well a record of group g speaks for the group: 0 it is the
 * vulnerability's own record (its id is the group's: the distribution's
 * CVE tracker, with its own rating), 1 another record of that one
 * vulnerability (GHSA-…, a USN about that CVE alone), 2 a notice about
 * several.
 */
static int
match_rec_tier(const struct match_rec *r, const char *id)
{
	if (strcmp(r->best->id, id) == 0)
		return 0;
	return r->cves.n > 1 ? 2 : 1;
}

static void
match_group_emit(const struct match_ctx *ctx, const struct match_group *g,
    const struct match_rec *recs, struct finding_list *out)
{
	const struct package	*pkg = ctx->pkg;
	const struct match_rec	*r, *best = NULL, *sevrec = NULL;
	struct match_strs	 al;
	struct finding		*f;
	const char		*id;
	size_t			 i, k;
	int			 tier, top = 3, sevtier = 3, notice;

	id = g->cve != NULL ? g->cve : match_group_id(g, recs);
	for (i = 0; i < g->n; i++) {
		tier = match_rec_tier(&recs[g->recs[i]], id);
		if (tier < top)
			top = tier;
		if (recs[g->recs[i]].sev != SEV_UNKNOWN && tier < sevtier)
			sevtier = tier;
	}
	for (i = 0; i < g->n; i++) {
		r = &recs[g->recs[i]];
		tier = match_rec_tier(r, id);
		if (tier == top && (best == NULL || match_hit_better(best->best,
		    r->best)))
			best = r;
		if (tier == sevtier && (sevrec == NULL || r->sev > sevrec->sev))
			sevrec = r;
	}
	if (sevrec == NULL)
		sevrec = best;
	f = finding_list_add(out);
	f->id = xstrdup(id);
	f->package = xstrdup(pkg->name);
	f->installed_version = xstrdup(pkg->version);
	f->source_name = xstrdup(pkg->source_name != NULL ?
	    pkg->source_name : pkg->name);
	f->fixed_version = dup_or_null(best->best->fixed);
	f->severity = sevrec->sev;
	f->source_severity = dup_or_null(sevrec->best->source_severity);
	f->status = xstrdup(best->best->fixed != NULL ? "fixed" : "open");
	f->namespace = xstrdup(best->best->namespace);
	f->description = dup_or_null(best->best->description);
	f->link = dup_or_null(best->best->link);
	f->ecosystem = pkg->ecosystem != ECO_UNKNOWN ? pkg->ecosystem :
	    best->best->ecosystem;
	f->location = dup_or_null(pkg->location);
	/*
	 * RustSec's informational records (unmaintained, unsound): a notice,
	 * not a vulnerability, when every affecting row of the group is one.
	 */
	notice = 1;
	for (i = 0; i < g->n && notice; i++) {
		r = &recs[g->recs[i]];
		for (k = 0; k < r->nrows; k++) {
			if (!r->rows[k].affected)
				continue;
			if (r->rows[k].informational == NULL) {
				notice = 0;
				break;
			}
			if (f->informational == NULL)
				f->informational = xstrdup(r->rows[k].informational);
		}
	}
	if (!notice) {
		free(f->informational);
		f->informational = NULL;
	}
	/* Another row may know what the chosen one does not. */
	for (i = 0; i < g->n; i++) {
		r = &recs[g->recs[i]];
		for (k = 0; k < r->nrows; k++) {
			if (f->description == NULL && r->rows[k].description != NULL)
				f->description = xstrdup(r->rows[k].description);
			if (f->link == NULL && r->rows[k].link != NULL)
				f->link = xstrdup(r->rows[k].link);
		}
	}
	/* Its other ids: the records merged, and what they call the same. */
	memset(&al, 0, sizeof al);
	for (i = 0; i < g->n; i++) {
		r = &recs[g->recs[i]];
		if (strcmp(r->best->id, id) != 0)
			match_strs_add(&al, r->best->id);
		if (r->cves.n > 1)
			continue;	/* a notice's other ids are other vulnerabilities' */
		for (k = 0; k < r->same.n; k++) {
			if (strcmp(r->same.v[k], id) != 0)
				match_strs_add(&al, r->same.v[k]);
		}
	}
	if (al.n > 1)
		qsort(al.v, al.n, sizeof *al.v, match_str_cmp);
	f->aliases = al.n > 0 ? xreallocarray(NULL, al.n, sizeof *f->aliases) : NULL;
	for (i = 0; i < al.n; i++)
		f->aliases[i] = xstrdup(al.v[i]);
	f->naliases = al.n;
	free(al.v);
}

/* Turn the rows of one package into findings, one per vulnerability. */
static void
match_emit(struct match_ctx *ctx, struct finding_list *out)
{
	struct match_hit	*best, *g, *h;
	struct match_rec	*recs = NULL, *r;
	struct match_group	*gs = NULL;
	struct match_strs	 seen;
	enum severity		 sev = SEV_UNKNOWN;
	size_t			 i, j, k, n, nrecs = 0, ngs = 0;
	int			 gi, pass, attached;

	if (ctx->n > 1)
		qsort(ctx->hits, ctx->n, sizeof *ctx->hits, match_hit_cmp_id);
	for (i = 0; i < ctx->n; i = j) {
		g = &ctx->hits[i];
		for (j = i + 1; j < ctx->n && strcmp(ctx->hits[j].id, g->id) == 0; j++)
			/* nothing */;
		n = j - i;
		best = NULL;
		for (k = 0; k < n; k++) {
			h = &g[k];
			if (!h->affected || !match_hit_decides(h, g, n))
				continue;
			if (best == NULL || h->severity > sev)
				sev = h->severity;
			if (best == NULL || match_hit_better(best, h))
				best = h;
		}
		if (best == NULL)
			continue;
		recs = xreallocarray(recs, nrecs + 1, sizeof *recs);
		r = &recs[nrecs++];
		memset(r, 0, sizeof *r);
		r->best = best;
		r->rows = g;
		r->nrows = n;
		r->sev = sev;
		match_rec_ids(r);
	}

	/* Records about one CVE first, then those about none, then notices. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nrecs; i++) {
			r = &recs[i];
			if (r->cves.n != (pass == 0 ? 1u : 0u))
				continue;
			gi = r->cves.n == 1 ? match_group_find(gs, ngs, r->cves.v[0]) :
			    match_group_overlap(gs, ngs, recs, r);
			if (gi < 0)
				gi = match_group_new(&gs, &ngs, r->cves.n == 1 ?
				    r->cves.v[0] : NULL);
			match_group_add(&gs[gi], i);
		}
	}
	memset(&seen, 0, sizeof seen);
	for (i = 0; i < ctx->nseen; i++)
		match_strs_add(&seen, ctx->seen[i]);
	for (i = 0; i < nrecs; i++) {
		r = &recs[i];
		if (r->cves.n < 2)
			continue;
		attached = 0;
		for (k = 0; k < r->cves.n; k++) {
			if ((gi = match_group_find(gs, ngs, r->cves.v[k])) < 0) {
				if (match_strs_has(&seen, r->cves.v[k]))
					continue;	/* its own rows say not affected */
				gi = match_group_new(&gs, &ngs, r->cves.v[k]);
			}
			match_group_add(&gs[gi], i);
			attached = 1;
		}
		if (!attached) {
			gi = match_group_new(&gs, &ngs, NULL);
			match_group_add(&gs[gi], i);
		}
	}
	for (i = 0; i < ngs; i++) {
		match_group_emit(ctx, &gs[i], recs, out);
		free(gs[i].recs);
	}
	free(gs);
	for (i = 0; i < nrecs; i++) {
		free(recs[i].same.v);
		free(recs[i].cves.v);
	}
	free(recs);
	free(seen.v);
	for (i = 0; i < ctx->n; i++)
		match_hit_clear(&ctx->hits[i]);
	ctx->n = 0;
}

/* Does the package's version make sense in its own order? Warn once if not. */
static int
match_version_ok(const struct package *pkg, const char *version)
{
	if (pkg->ecosystem == ECO_UNKNOWN || version_valid(pkg->ecosystem, version))
		return 1;
	/* An ecosystem with no order at all: scan_coverage() says so, once. */
	if (!version_has_order(pkg->ecosystem))
		return 0;
	log_warn("%s %s: not a valid %s version; package not matched", pkg->name,
	    version, ecosystem_name(pkg->ecosystem));
	return 0;
}

/*
 * A language package's name as its advisories write it. A Maven package
 * an analyzer named by its artifact alone has its group in its purl
 * (pkg:maven/org.yaml/snakeyaml@1.33): advisories name "group:artifact".
 */
static char *
match_lang_name(const struct package *pkg)
{
	const char	*p, *slash;
	size_t		 n;

	if (pkg->ecosystem == ECO_MAVEN && strchr(pkg->name, ':') == NULL &&
	    pkg->purl != NULL && str_starts(pkg->purl, "pkg:maven/")) {
		p = pkg->purl + strlen("pkg:maven/");
		n = strcspn(p, "@?#");
		if ((slash = memchr(p, '/', n)) != NULL && slash > p &&
		    (size_t)(slash - p) + 1 < n)
			return xasprintf("%.*s:%.*s", (int)(slash - p), p,
			    (int)(n - (size_t)(slash - p) - 1), slash + 1);
	}
	return ecosystem_package_name(pkg->ecosystem, pkg->name);
}

static const char *
match_key(const struct match_ctx *ctx, int source)
{
	if (source)
		return ctx->src_name;
	return ctx->lang_name != NULL ? ctx->lang_name : ctx->pkg->name;
}

static int
match_walk_cmp_src(const void *a, const void *b)
{
	return strcmp((*(struct match_ctx *const *)a)->src_name,
	    (*(struct match_ctx *const *)b)->src_name);
}

static int
match_walk_cmp_bin(const void *a, const void *b)
{
	return strcmp(match_key(*(struct match_ctx *const *)a, 0),
	    match_key(*(struct match_ctx *const *)b, 0));
}

/*
 * Does a row for architecture arch (NULL: every one) apply to pkg? Its own
 * architecture must be the row's; a noarch package is the image's (Oracle
 * lists noarch packages under each architecture's criteria), and a row for
 * noarch applies whatever the package became since.
 */
static int
match_arch_applies(const char *arch, const struct package *pkg,
    const char *image_arch)
{
	const char	*mine = pkg->arch;

	if (arch == NULL || mine == NULL || strcmp(arch, "noarch") == 0)
		return 1;
	if (strcmp(mine, "noarch") == 0)
		mine = image_arch;
	return mine == NULL || strcmp(arch, mine) == 0;
}

/* The architecture most of the inventory's packages are built for; NULL if none. */
static const char *
match_image_arch(const struct inventory *inv)
{
	const char	*arch[16], *a;
	size_t		 count[16], n = 0, i, j, best = 0;

	for (i = 0; i < inv->npkgs; i++) {
		if ((a = inv->pkgs[i].arch) == NULL || strcmp(a, "noarch") == 0)
			continue;
		for (j = 0; j < n && strcmp(arch[j], a) != 0; j++)
			/* nothing */;
		if (j == n) {
			if (n == NELEM(arch))
				continue;	/* a 17th architecture counts for none */
			arch[n] = a;
			count[n++] = 0;
		}
		if (++count[j] > count[best])
			best = j;
	}
	return n > 0 ? arch[best] : NULL;
}

static int
match_walk_cb(const struct advisory *a, void *arg)
{
	struct match_walk	*w = arg;
	struct match_ctx	*ctx;
	size_t			 lo = 0, hi = w->n, mid;

	if (a->package == NULL)
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(match_key(w->by_name[mid], w->source), a->package) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < w->n; lo++) {
		ctx = w->by_name[lo];
		if (strcmp(match_key(ctx, w->source), a->package) != 0)
			break;
		if (!match_arch_applies(a->arch, ctx->pkg, w->image_arch))
			continue;
		ctx->version = w->source ? ctx->src_version : ctx->pkg->version;
		match_cb(a, ctx);
	}
	return 0;
}

/* Look up every package of w in namespace ns at once. */
static int
match_walk_run(struct vulndb *vdb, const char *ns, struct match_walk *w,
    char **cause)
{
	const char	**names;
	size_t		  i;
	int		  rc;

	if (w->n == 0)
		return 0;
	qsort(w->by_name, w->n, sizeof *w->by_name, w->source ?
	    match_walk_cmp_src : match_walk_cmp_bin);
	names = xreallocarray(NULL, w->n, sizeof *names);
	for (i = 0; i < w->n; i++)
		names[i] = match_key(w->by_name[i], w->source);
	rc = vulndb_lookup_many(vdb, ns, w->source ? PKG_SOURCE : PKG_BINARY,
	    names, w->n, match_walk_cb, w, cause);
	free(names);
	return rc;
}

int
match_covered(struct vulndb *vdb, const char *namespace, char **names)
{
	struct buf	 b;
	char		*ns[MATCH_MAX_NS];
	size_t		 k, nns;
	int		 r, covered = 0;

	buf_init(&b);
	nns = match_namespaces(namespace, ns);
	for (k = 0; k < nns; k++) {
		buf_printf(&b, "%s%s", k > 0 ? " or " : "", ns[k]);
		if (covered == 0 && (r = vulndb_has_namespace(vdb, ns[k])) != 0)
			covered = r;
		free(ns[k]);
	}
	*names = buf_steal(&b);
	return covered;
}

/*
 * Every package against the advisories of its namespace: the OS's packages
 * against the distribution's (when it is known), each language package
 * against its ecosystem's ("npm", "pypi", …), whatever the distribution,
 * and whether or not there is one.
 */
int
match_inventory(struct vulndb *vdb, const struct inventory *inv,
    struct finding_list *out, char **cause)
{
	struct match_ctx	*ctxs, *ctx;
	struct match_walk	 src, bin, lang[ECO_LAST + 1];
	const struct package	*pkg;
	char			*ns[MATCH_MAX_NS];
	size_t			 i, j, k, n = 0, nns = 0;
	int			 rc = 0, e, os;

	os = inv->os.namespace != NULL && *inv->os.namespace != '\0';
	if (!os)
		log_debug("no advisory namespace for this operating system: its"
		    " packages are not matched");
	ctxs = xcalloc(inv->npkgs + 1, sizeof *ctxs);
	memset(&src, 0, sizeof src);
	memset(&bin, 0, sizeof bin);
	memset(lang, 0, sizeof lang);
	src.source = 1;
	src.by_name = xcalloc(inv->npkgs + 1, sizeof *src.by_name);
	bin.by_name = xcalloc(inv->npkgs + 1, sizeof *bin.by_name);
	for (i = 0; i < inv->npkgs; i++) {
		pkg = &inv->pkgs[i];
		if (pkg->name == NULL || pkg->version == NULL)
			continue;
		if (ecosystem_is_lang(pkg->ecosystem)) {
			ctx = &ctxs[n++];
			ctx->pkg = pkg;
			ctx->src_name = pkg->name;
			ctx->src_version = pkg->version;
			ctx->lang_name = match_lang_name(pkg);
			if (!match_version_ok(pkg, pkg->version))
				continue;
			if (lang[pkg->ecosystem].by_name == NULL)
				lang[pkg->ecosystem].by_name = xcalloc(inv->npkgs + 1,
				    sizeof *lang[pkg->ecosystem].by_name);
			lang[pkg->ecosystem].by_name[lang[pkg->ecosystem].n++] = ctx;
			continue;
		}
		if (!os)
			continue;
		ctx = &ctxs[n++];
		ctx->pkg = pkg;
		ctx->src_name = pkg->source_name != NULL ? pkg->source_name :
		    pkg->name;
		ctx->src_version = pkg->source_version != NULL ?
		    pkg->source_version : pkg->version;
		ctx->src_ok = match_version_ok(pkg, ctx->src_version);
		ctx->bin_ok = strcmp(pkg->version, ctx->src_version) == 0 ?
		    ctx->src_ok : match_version_ok(pkg, pkg->version);
		/* Debian, Ubuntu and Alpine advisories name the source package. */
		if (ctx->src_ok)
			src.by_name[src.n++] = ctx;
		if (ctx->bin_ok)
			bin.by_name[bin.n++] = ctx;
	}
	src.image_arch = bin.image_arch = match_image_arch(inv);
	qsort(src.by_name, src.n, sizeof *src.by_name, match_walk_cmp_src);
	qsort(bin.by_name, bin.n, sizeof *bin.by_name, match_walk_cmp_bin);

	/* A few statements for the whole inventory, not two per package. */
	if (os)
		nns = match_namespaces(inv->os.namespace, ns);
	for (k = 0; rc == 0 && k < nns; k++) {
		if ((rc = match_walk_run(vdb, ns[k], &src, cause)) == 0)
			rc = match_walk_run(vdb, ns[k], &bin, cause);
	}
	for (e = ECO_NPM; rc == 0 && e <= ECO_LAST; e++)
		rc = match_walk_run(vdb, ecosystem_name(e), &lang[e], cause);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			match_emit(&ctxs[i], out);
		for (j = 0; j < ctxs[i].n; j++)
			match_hit_clear(&ctxs[i].hits[j]);
		free(ctxs[i].hits);
		for (j = 0; j < ctxs[i].nseen; j++)
			free(ctxs[i].seen[j]);
		free(ctxs[i].seen);
		free(ctxs[i].lang_name);
	}
	free(ctxs);
	free(src.by_name);
	free(bin.by_name);
	for (e = 0; e <= ECO_LAST; e++)
		free(lang[e].by_name);
	for (k = 0; k < nns; k++)
		free(ns[k]);
	if (rc != 0)
		return rc;
	finding_list_sort(out);
	return 0;
}
