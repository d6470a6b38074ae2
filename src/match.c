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
 * Hat fix may be listed before the rebuild ships it, and one flaw can show
 * twice, under its RLSA/ALSA id and its CVE id. Oracle Linux is not mapped:
 * it changes releases ("0.1.el8") and publishes its own data.
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
};

struct match_ctx {
	const struct package	*pkg;
	const char		*version;	/* the one the advisory names */
	struct match_hit	*hits;
	size_t			 n;
	size_t			 cap;
	const char		*src_name;
	const char		*src_version;
	int			 src_ok;	/* its versions are valid ones */
	int			 bin_ok;
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
	memset(h, 0, sizeof *h);
}

static enum ecosystem
match_ecosystem(const struct package *pkg, const struct advisory *a)
{
	return pkg->ecosystem != ECO_UNKNOWN ? pkg->ecosystem : a->ecosystem;
}

/*
 * Is version inside [introduced, fixed), or [introduced, last_affected]?
 * -1 when a bound cannot be compared.
 */
static int
match_affected(const struct match_ctx *ctx, const struct advisory *a)
{
	enum ecosystem	eco = match_ecosystem(ctx->pkg, a);
	int		r;

	if (a->introduced != NULL) {
		if (version_cmp(eco, a->introduced, ctx->version, &r) != 0) {
			log_warn("%s: %s: introduced version %s is not a valid %s"
			    " version; advisory skipped", a->namespace, a->vuln_id,
			    a->introduced, ecosystem_name(eco));
			return -1;
		}
		if (r > 0)
			return 0;
	}
	if (a->fixed_version != NULL) {
		if (version_cmp(eco, ctx->version, a->fixed_version, &r) != 0) {
			log_warn("%s: %s: fixed version %s of %s is not a valid %s"
			    " version; advisory skipped", a->namespace, a->vuln_id,
			    a->fixed_version, a->package, ecosystem_name(eco));
			return -1;
		}
		if (r >= 0)
			return 0;
	}
	if (a->last_affected != NULL) {
		if (version_cmp(eco, ctx->version, a->last_affected, &r) != 0) {
			log_warn("%s: %s: last affected version %s of %s is not a"
			    " valid %s version; advisory skipped", a->namespace,
			    a->vuln_id, a->last_affected, a->package,
			    ecosystem_name(eco));
			return -1;
		}
		if (r > 0)
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
	size_t			 len;
	int			 affected;

	if (match_ecosystem(ctx->pkg, a) == ECO_RPM && !match_ksplice_same(
	    ctx->version, a->fixed_version != NULL ? a->fixed_version :
	    a->last_affected))
		return 0;
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

/* Turn the rows of one package into findings, one per id. */
static void
match_emit(struct match_ctx *ctx, struct finding_list *out)
{
	const struct package	*pkg = ctx->pkg;
	struct match_hit	*best, *g, *h;
	struct finding		*f;
	enum severity		 sev = SEV_UNKNOWN;
	size_t			 i, j, k, n;

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
		f = finding_list_add(out);
		f->id = xstrdup(best->id);
		f->package = xstrdup(pkg->name);
		f->installed_version = xstrdup(pkg->version);
		f->source_name = xstrdup(pkg->source_name != NULL ?
		    pkg->source_name : pkg->name);
		f->fixed_version = dup_or_null(best->fixed);
		f->severity = sev;
		f->source_severity = dup_or_null(best->source_severity);
		f->status = xstrdup(best->fixed != NULL ? "fixed" : "open");
		f->namespace = xstrdup(best->namespace);
		f->description = dup_or_null(best->description);
		f->link = dup_or_null(best->link);
		/* Another of the group may know what the chosen one does not. */
		for (k = 0; k < n; k++) {
			if (f->description == NULL && g[k].description != NULL)
				f->description = xstrdup(g[k].description);
			if (f->link == NULL && g[k].link != NULL)
				f->link = xstrdup(g[k].link);
		}
	}
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
	log_warn("%s %s: not a valid %s version; package not matched", pkg->name,
	    version, ecosystem_name(pkg->ecosystem));
	return 0;
}

static const char *
match_key(const struct match_ctx *ctx, int source)
{
	return source ? ctx->src_name : ctx->pkg->name;
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
	return strcmp((*(struct match_ctx *const *)a)->pkg->name,
	    (*(struct match_ctx *const *)b)->pkg->name);
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

int
match_inventory(struct vulndb *vdb, const struct inventory *inv,
    struct finding_list *out, char **cause)
{
	struct match_ctx	*ctxs, *ctx;
	struct match_walk	 src, bin;
	const struct package	*pkg;
	char			*ns[MATCH_MAX_NS];
	size_t			 i, j, k, n = 0, nns;
	int			 rc = 0;

	if (inv->os.namespace == NULL || *inv->os.namespace == '\0') {
		log_debug("no advisory namespace for this operating system: nothing"
		    " to match");
		return 0;
	}
	ctxs = xcalloc(inv->npkgs + 1, sizeof *ctxs);
	memset(&src, 0, sizeof src);
	memset(&bin, 0, sizeof bin);
	src.source = 1;
	src.by_name = xcalloc(inv->npkgs + 1, sizeof *src.by_name);
	bin.by_name = xcalloc(inv->npkgs + 1, sizeof *bin.by_name);
	for (i = 0; i < inv->npkgs; i++) {
		pkg = &inv->pkgs[i];
		if (pkg->name == NULL || pkg->version == NULL)
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
	nns = match_namespaces(inv->os.namespace, ns);
	for (k = 0; rc == 0 && k < nns; k++) {
		if ((rc = match_walk_run(vdb, ns[k], &src, cause)) == 0)
			rc = match_walk_run(vdb, ns[k], &bin, cause);
	}
	for (i = 0; i < n; i++) {
		if (rc == 0)
			match_emit(&ctxs[i], out);
		for (j = 0; j < ctxs[i].n; j++)
			match_hit_clear(&ctxs[i].hits[j]);
		free(ctxs[i].hits);
	}
	free(ctxs);
	free(src.by_name);
	free(bin.by_name);
	for (k = 0; k < nns; k++)
		free(ns[k]);
	if (rc != 0)
		return rc;
	finding_list_sort(out);
	return 0;
}
