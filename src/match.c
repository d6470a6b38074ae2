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
	char		*informational;
	char		*aliases;	/* newline-separated */
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

static int
match_cb(const struct advisory *a, void *arg)
{
	struct match_ctx	*ctx = arg;
	struct match_hit	*h;
	size_t			 len;
	int			 affected;

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
	h->informational = dup_or_null(a->informational);
	h->aliases = dup_or_null(a->aliases);
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
 * Sets *len and returns a pointer into v, or NULL.
 */
static const char *
match_rpm_stream(const char *v, size_t *len)
{
	const char	*rel, *p;
	size_t		 n, m;

	if (v == NULL || (rel = strrchr(v, '-')) == NULL)
		return NULL;
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

/* Add alias to f once, unless it is f's id. */
static void
match_alias_add(struct finding *f, const char *alias, size_t len)
{
	size_t	i;

	if (len == 0 || (strlen(f->id) == len && strncmp(f->id, alias, len) == 0))
		return;
	for (i = 0; i < f->naliases; i++) {
		if (strlen(f->aliases[i]) == len &&
		    strncmp(f->aliases[i], alias, len) == 0)
			return;
	}
	f->aliases = xreallocarray(f->aliases, f->naliases + 1, sizeof *f->aliases);
	f->aliases[f->naliases++] = xstrndup(alias, len);
}

/*
 * What the affecting rows of one id say together: every alias any of them
 * names, and whether they are all notices (RustSec's informational
 * records): one vulnerability among them makes the finding one.
 */
static void
match_merge(struct finding *f, const struct match_hit *g, size_t n)
{
	const char	*p;
	size_t		 k, len;
	int		 notice = 1;

	for (k = 0; k < n; k++) {
		if (!g[k].affected)
			continue;
		for (p = g[k].aliases; p != NULL && *p != '\0'; p += len) {
			len = strcspn(p, "\n");
			match_alias_add(f, p, len);
			if (p[len] == '\n')
				len++;
		}
		if (g[k].informational == NULL)
			notice = 0;
		else if (notice && f->informational == NULL)
			f->informational = xstrdup(g[k].informational);
	}
	if (!notice) {
		free(f->informational);
		f->informational = NULL;
	}
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
		f->ecosystem = pkg->ecosystem;
		f->location = dup_or_null(pkg->location);
		match_merge(f, g, n);
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
