/* Constructors, destructors and orderings for the pipeline's plain structs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "util.h"

static const char *ecosystem_names[] = {
	[ECO_UNKNOWN] = "unknown",
	[ECO_DEB] = "deb",
	[ECO_APK] = "apk",
	[ECO_RPM] = "rpm",
	[ECO_NPM] = "npm",
	[ECO_PYPI] = "pypi",
	[ECO_MAVEN] = "maven",
	[ECO_GO] = "go",
	[ECO_CARGO] = "cargo",
	[ECO_GEM] = "gem",
	[ECO_COMPOSER] = "composer",
	[ECO_NUGET] = "nuget",
};

const char *
ecosystem_name(enum ecosystem e)
{
	if ((size_t)e >= NELEM(ecosystem_names))
		return "unknown";
	return ecosystem_names[e];
}

int
ecosystem_is_lang(enum ecosystem e)
{
	return e >= ECO_NPM && e <= ECO_LAST;
}

char *
ecosystem_package_name(enum ecosystem e, const char *name)
{
	char	*out, *p;
	size_t	 i, n;

	out = xstrdup(name);
	switch (e) {
	case ECO_PYPI:
		/* PEP 503: lower case, each run of "-", "_" and "." one "-". */
		for (i = 0, n = 0; name[i] != '\0'; i++) {
			if (name[i] == '-' || name[i] == '_' || name[i] == '.') {
				if (n == 0 || out[n - 1] != '-')
					out[n++] = '-';
				continue;
			}
			out[n++] = name[i] >= 'A' && name[i] <= 'Z' ?
			    name[i] - 'A' + 'a' : name[i];
		}
		out[n] = '\0';
		break;
	case ECO_COMPOSER:
	case ECO_NUGET:
		for (p = out; *p != '\0'; p++) {
			if (*p >= 'A' && *p <= 'Z')
				*p = *p - 'A' + 'a';
		}
		break;
	default:
		break;
	}
	return out;
}

/* The purl types of the language ecosystems: their names but Go's. */
static const char *
ecosystem_purl_type(enum ecosystem e)
{
	return e == ECO_GO ? "golang" : ecosystem_name(e);
}

enum ecosystem
ecosystem_from_purl_type(const char *type, size_t len)
{
	int	e;

	for (e = ECO_NPM; e <= ECO_LAST; e++) {
		if (strlen(ecosystem_purl_type(e)) == len &&
		    strncasecmp(type, ecosystem_purl_type(e), len) == 0)
			return e;
	}
	return ECO_UNKNOWN;
}

void
purl_encode(struct buf *b, const char *s, size_t len, int keep)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	size_t			 i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
		    c == '~' || c == ':' || (keep != 0 && c == keep))
			buf_add(b, (const char *)&c, 1);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

char *
ecosystem_purl(enum ecosystem e, const char *name, const char *version)
{
	struct buf	 b;
	const char	*colon;
	char		*canon;

	if (!ecosystem_is_lang(e) || name == NULL || *name == '\0')
		return NULL;
	/*
	 * A PyPI name normalised as PEP 503 says (lower case, '_' as '-' as
	 * the purl spec asks, and '.' too); a Composer name lower-cased, as
	 * the spec asks. NuGet, npm and the others keep their case.
	 */
	canon = e == ECO_NUGET ? xstrdup(name) : ecosystem_package_name(e, name);
	buf_init(&b);
	buf_printf(&b, "pkg:%s/", ecosystem_purl_type(e));
	if (e == ECO_MAVEN && (colon = strchr(canon, ':')) != NULL) {
		/* "group:artifact": the group is the purl's namespace. */
		purl_encode(&b, canon, colon - canon, 0);
		buf_adds(&b, "/");
		purl_encode(&b, colon + 1, strlen(colon + 1), 0);
	} else if (e == ECO_NPM || e == ECO_GO || e == ECO_COMPOSER)
		/* "@scope/name", a module path, "vendor/name": namespace and name. */
		purl_encode(&b, canon, strlen(canon), '/');
	else
		purl_encode(&b, canon, strlen(canon), 0);
	if (version != NULL && *version != '\0') {
		buf_adds(&b, "@");
		purl_encode(&b, version, strlen(version), 0);
	}
	free(canon);
	return buf_steal(&b);
}

enum ecosystem
ecosystem_from_name(const char *s)
{
	size_t	i;

	for (i = 0; i < NELEM(ecosystem_names); i++) {
		if (strcmp(s, ecosystem_names[i]) == 0)
			return i;
	}
	return ECO_UNKNOWN;
}

static const char *severity_names[] = {
	[SEV_UNKNOWN] = "Unknown",
	[SEV_NEGLIGIBLE] = "Negligible",
	[SEV_LOW] = "Low",
	[SEV_MEDIUM] = "Medium",
	[SEV_HIGH] = "High",
	[SEV_CRITICAL] = "Critical",
};

const char *
severity_name(enum severity s)
{
	if ((size_t)s >= NELEM(severity_names))
		return "Unknown";
	return severity_names[s];
}

int
severity_parse(const char *s, enum severity *out)
{
	size_t	i;

	for (i = 0; i < NELEM(severity_names); i++) {
		if (strcasecmp(s, severity_names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return HS_EINVAL;
}

static const char *verdict_names[] = {
	[VERDICT_PASS] = "pass",
	[VERDICT_FAIL] = "fail",
	[VERDICT_IGNORED] = "ignored",
};

const char *
verdict_name(enum verdict v)
{
	if ((size_t)v >= NELEM(verdict_names))
		return "pass";
	return verdict_names[v];
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
os_info_clear(struct os_info *os)
{
	free(os->id);
	free(os->version_id);
	free(os->codename);
	free(os->pretty_name);
	free(os->id_like);
	free(os->namespace);
	memset(os, 0, sizeof *os);
}

void
os_info_copy(struct os_info *dst, const struct os_info *src)
{
	dst->id = dup_or_null(src->id);
	dst->version_id = dup_or_null(src->version_id);
	dst->codename = dup_or_null(src->codename);
	dst->pretty_name = dup_or_null(src->pretty_name);
	dst->id_like = dup_or_null(src->id_like);
	dst->namespace = dup_or_null(src->namespace);
}

struct inventory *
inventory_new(void)
{
	return xcalloc(1, sizeof(struct inventory));
}

void
package_clear(struct package *p)
{
	free(p->name);
	free(p->version);
	free(p->source_name);
	free(p->source_version);
	free(p->arch);
	free(p->location);
	free(p->purl);
	free(p->layer);
	free(p->origin);
}

void
inventory_free(struct inventory *inv)
{
	size_t	i;

	if (inv == NULL)
		return;
	os_info_clear(&inv->os);
	for (i = 0; i < inv->npkgs; i++)
		package_clear(&inv->pkgs[i]);
	free(inv->pkgs);
	free(inv->warning);
	free(inv);
}

struct package *
inventory_add(struct inventory *inv, const char *name, const char *version,
    const char *source_name, const char *source_version, const char *arch,
    enum ecosystem eco)
{
	struct package	*p;

	/* Grow by powers of two: npkgs is the only count kept. */
	if ((inv->npkgs & (inv->npkgs - 1)) == 0)
		inv->pkgs = xreallocarray(inv->pkgs, inv->npkgs == 0 ? 1 :
		    inv->npkgs * 2, sizeof *inv->pkgs);
	p = &inv->pkgs[inv->npkgs++];
	memset(p, 0, sizeof *p);	/* location, purl, layer: none yet */
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	p->source_name = xstrdup(source_name != NULL && *source_name != '\0' ?
	    source_name : name);
	p->source_version = xstrdup(source_version != NULL &&
	    *source_version != '\0' ? source_version : version);
	p->arch = dup_or_null(arch);
	p->ecosystem = eco;
	return p;
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
package_cmp(const void *va, const void *vb)
{
	const struct package	*a = va, *b = vb;
	int			 r;

	if ((r = strcmp(a->name, b->name)) != 0)
		return r;
	if ((r = strcmp(a->version, b->version)) != 0)
		return r;
	if ((r = strcmp_null(a->arch, b->arch)) != 0)
		return r;
	if ((r = (int)a->ecosystem - (int)b->ecosystem) != 0)
		return r;
	/* Two copies of one package in two places are two packages. */
	return strcmp_null(a->location, b->location);
}

void
inventory_sort(struct inventory *inv)
{
	size_t	i, j;

	if (inv->npkgs == 0)
		return;
	qsort(inv->pkgs, inv->npkgs, sizeof *inv->pkgs, package_cmp);
	for (i = 1, j = 0; i < inv->npkgs; i++) {
		if (package_cmp(&inv->pkgs[j], &inv->pkgs[i]) == 0 &&
		    strcmp(inv->pkgs[j].source_name, inv->pkgs[i].source_name) == 0) {
			package_clear(&inv->pkgs[i]);
			continue;
		}
		inv->pkgs[++j] = inv->pkgs[i];
	}
	inv->npkgs = j + 1;
}

void
finding_clear(struct finding *f)
{
	free(f->id);
	free(f->package);
	free(f->installed_version);
	free(f->source_name);
	free(f->fixed_version);
	free(f->source_severity);
	free(f->status);
	free(f->namespace);
	free(f->description);
	free(f->link);
	free(f->ignore_reason);
	for (size_t i = 0; i < f->naliases; i++)
		free(f->aliases[i]);
	free(f->aliases);
	free(f->location);
	free(f->informational);
	memset(f, 0, sizeof *f);
}

struct finding *
finding_list_add(struct finding_list *l)
{
	struct finding	*f;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	f = &l->v[l->n++];
	memset(f, 0, sizeof *f);
	f->is_new = -1;
	return f;
}

static int
finding_cmp(const void *va, const void *vb)
{
	const struct finding	*a = va, *b = vb;
	int			 r;

	if (a->severity != b->severity)
		return (int)b->severity - (int)a->severity;
	if ((r = strcmp(a->id, b->id)) != 0)
		return r;
	if ((r = strcmp(a->package, b->package)) != 0)
		return r;
	if ((r = strcmp_null(a->location, b->location)) != 0)
		return r;
	return strcmp_null(a->installed_version, b->installed_version);
}

void
finding_list_sort(struct finding_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, finding_cmp);
}

void
finding_list_clear(struct finding_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		finding_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void
image_result_clear(struct image_result *r)
{
	free(r->reference);
	free(r->name);
	free(r->key);
	free(r->tagged);
	free(r->digest);
	inventory_free(r->inv);
	finding_list_clear(&r->findings);
	finding_list_clear(&r->fixed);
	free(r->error);
	free(r->warning);
	free(r->eol_date);
	free(r->eol_support);
	memset(r, 0, sizeof *r);
}

char *
image_result_eol_message(const struct image_result *r)
{
	const struct os_info	*os;

	if (!r->eol_reached || r->eol_date == NULL || r->inv == NULL)
		return NULL;
	os = &r->inv->os;
	return xasprintf("%s %s reached end of %s on %s: no more fixes",
	    os->id != NULL ? os->id : "the operating system",
	    os->version_id != NULL ? os->version_id : os->namespace != NULL ?
	    os->namespace : "", r->eol_support != NULL ? r->eol_support :
	    "support", r->eol_date);
}

struct run_result *
run_result_new(void)
{
	return xcalloc(1, sizeof(struct run_result));
}

void
run_result_free(struct run_result *rr)
{
	size_t	i;

	if (rr == NULL)
		return;
	for (i = 0; i < rr->nimages; i++)
		image_result_clear(&rr->images[i]);
	free(rr->images);
	free(rr->db_path);
	free(rr->started);
	free(rr->job);
	free(rr->build);
	free(rr->build_url);
	free(rr->previous_build);
	for (i = 0; i < rr->nreasons; i++)
		free(rr->reasons[i]);
	free(rr->reasons);
	free(rr->policy_summary);
	for (i = 0; i < rr->ntrend; i++) {
		free(rr->trend[i].build);
		free(rr->trend[i].started);
	}
	free(rr->trend);
	free(rr);
}

struct image_result *
run_result_add(struct run_result *rr, const char *reference)
{
	struct image_result	*r;

	rr->images = xreallocarray(rr->images, rr->nimages + 1, sizeof *rr->images);
	r = &rr->images[rr->nimages++];
	memset(r, 0, sizeof *r);
	r->reference = xstrdup(reference);
	return r;
}
