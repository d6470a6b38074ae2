/* The matcher: each package of an inventory against the advisories of its namespace. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "match.h"
#include "util.h"
#include "version.h"

/* One advisory that matched the package, copied out of the lookup. */
struct match_hit {
	char		*id;
	char		*fixed;
	enum severity	 severity;
	char		*source_severity;
	char		*namespace;
	char		*description;
	char		*link;
	enum ecosystem	 ecosystem;
};

struct match_ctx {
	const struct package	*pkg;
	const char		*version;	/* the one the advisory names */
	struct match_hit	*hits;
	size_t			 n;
	size_t			 cap;
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

/* Is version inside [introduced, fixed)? -1 when a bound cannot be compared. */
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
	return 1;
}

static int
match_cb(const struct advisory *a, void *arg)
{
	struct match_ctx	*ctx = arg;
	struct match_hit	*h;

	if (match_affected(ctx, a) != 1)
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
	return 0;
}

static int
match_hit_cmp_id(const void *va, const void *vb)
{
	const struct match_hit	*a = va, *b = vb;

	return strcmp(a->id, b->id);
}

/*
 * Of two advisories for the same (id, package) — from different feeds, or a
 * secdb listing one CVE under two versions — is b better than a? A known
 * fix beats none, and the highest fixed version wins: below it the package
 * is affected by every one of them, so it is the version that clears them all.
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

/* Turn the hits of one package into findings, one per id. */
static void
match_emit(struct match_ctx *ctx, struct finding_list *out)
{
	const struct package	*pkg = ctx->pkg;
	struct match_hit	*best;
	struct finding		*f;
	enum severity		 sev;
	size_t			 i, j;

	if (ctx->n > 1)
		qsort(ctx->hits, ctx->n, sizeof *ctx->hits, match_hit_cmp_id);
	for (i = 0; i < ctx->n; i = j) {
		best = &ctx->hits[i];
		sev = best->severity;
		for (j = i + 1; j < ctx->n && strcmp(ctx->hits[j].id, best->id) == 0;
		    j++) {
			if (match_hit_better(best, &ctx->hits[j]))
				best = &ctx->hits[j];
			if (ctx->hits[j].severity > sev)
				sev = ctx->hits[j].severity;
		}
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
		for (; i < j; i++) {
			if (f->description == NULL && ctx->hits[i].description != NULL)
				f->description = xstrdup(ctx->hits[i].description);
			if (f->link == NULL && ctx->hits[i].link != NULL)
				f->link = xstrdup(ctx->hits[i].link);
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

int
match_inventory(struct vulndb *vdb, const struct inventory *inv,
    struct finding_list *out, char **cause)
{
	struct match_ctx	 ctx;
	const struct package	*pkg;
	const char		*ns = inv->os.namespace, *src_name, *src_version;
	size_t			 i;
	int			 rc = 0, src_ok, bin_ok;

	if (ns == NULL || *ns == '\0') {
		log_debug("no advisory namespace for this operating system: nothing"
		    " to match");
		return 0;
	}
	memset(&ctx, 0, sizeof ctx);
	for (i = 0; i < inv->npkgs; i++) {
		pkg = &inv->pkgs[i];
		if (pkg->name == NULL || pkg->version == NULL)
			continue;
		ctx.pkg = pkg;
		src_name = pkg->source_name != NULL ? pkg->source_name : pkg->name;
		src_version = pkg->source_version != NULL ? pkg->source_version :
		    pkg->version;

		/* Debian, Ubuntu and Alpine advisories name the source package. */
		src_ok = match_version_ok(pkg, src_version);
		ctx.version = src_version;
		if (src_ok && (rc = vulndb_lookup(vdb, ns, PKG_SOURCE, src_name,
		    match_cb, &ctx, cause)) != 0)
			break;

		bin_ok = strcmp(pkg->version, src_version) == 0 ? src_ok :
		    match_version_ok(pkg, pkg->version);
		ctx.version = pkg->version;
		if (bin_ok && (rc = vulndb_lookup(vdb, ns, PKG_BINARY, pkg->name,
		    match_cb, &ctx, cause)) != 0)
			break;
		match_emit(&ctx, out);
	}
	for (i = 0; i < ctx.n; i++)
		match_hit_clear(&ctx.hits[i]);
	free(ctx.hits);
	if (rc != 0)
		return rc;
	finding_list_sort(out);
	return 0;
}
