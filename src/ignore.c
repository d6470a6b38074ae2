/*
 * Ignore files: hullscan's own YAML list and clair-scanner whitelists, read
 * with libyaml, and OpenVEX documents, read with jansson.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <yaml.h>

#include "fetch.h"
#include "policy.h"
#include "purl.h"
#include "util.h"

#define IGNORE_MAX_FILE		(8 << 20)
#define IGNORE_MAX_ENTRIES	100000

struct ignore_file {
	const char		*path;
	const char		*today;
	yaml_document_t		*doc;
	struct ignore_list	*list;
};

static int
node_line(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static yaml_node_t *
node_get(struct ignore_file *f, yaml_node_item_t i)
{
	return yaml_document_get_node(f->doc, i);
}

/* A scalar's value, NULL when the node is not a scalar. "~" and "" count as empty. */
static const char *
node_scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static int
node_is_null(const yaml_node_t *n)
{
	const char	*s = node_scalar(n);

	if (s == NULL)
		return 0;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

/* A real calendar date in the form YYYY-MM-DD. */
static int
date_valid(const char *s)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int			 y, m, d, i, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	}
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && d == 29 && !leap)
		return 0;
	return 1;
}

static void
today_local(char out[11])
{
	time_t		t = time(NULL);
	struct tm	tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static struct ignore_entry *
entry_add(struct ignore_file *f, int line, char **cause)
{
	struct ignore_list	*l = f->list;
	struct ignore_entry	*e;

	if (l->n >= IGNORE_MAX_ENTRIES) {
		fail(cause, HS_ELIMIT, "%s:%d: more than %d ignore entries", f->path,
		    line, IGNORE_MAX_ENTRIES);
		return NULL;
	}
	if ((l->n & (l->n - 1)) == 0)
		l->v = xreallocarray(l->v, l->n == 0 ? 1 : l->n * 2, sizeof *l->v);
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->origin = xasprintf("%s:%d", f->path, line);
	return e;
}

static void
entry_free(struct ignore_entry *e)
{
	free(e->id);
	free(e->image);
	free(e->package);
	free(e->reason);
	free(e->digest);
	free(e->version);
	free(e->origin);
}

static void
entry_check_expiry(struct ignore_file *f, struct ignore_entry *e)
{
	if (e->expires[0] == '\0' || strcmp(e->expires, f->today) >= 0)
		return;
	e->expired = 1;
	log_warn("%s: ignore entry %s%s%s expired on %s: it no longer ignores",
	    e->origin, e->id, e->image != NULL ? " for " : "",
	    e->image != NULL ? e->image : "", e->expires);
}

/*
 * The package a purl names ("pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS",
 * read by purl_parse as SBOMs are), into e: a language package's whole
 * name as its advisories write it ("@scope/name", "group:artifact", a Go
 * module path) with its ecosystem, any other's name; its version, with an
 * rpm's epoch qualifier put back. -1 when s is no package URL.
 */
static int
purl_package(const char *s, struct ignore_entry *e)
{
	struct purl	*p;
	const char	*epoch;
	char		*name;
	enum ecosystem	 eco;

	if (purl_parse(s, &p, NULL) != 0)
		return -1;
	eco = purl_ecosystem(p);
	free(e->package);
	if (ecosystem_is_lang(eco)) {
		name = purl_package_name(p);
		e->package = ecosystem_package_name(eco, name);
		free(name);
		e->ecosystem = eco;
	} else
		e->package = xstrdup(p->name);
	if (p->version != NULL) {
		free(e->version);
		epoch = eco == ECO_RPM ? purl_qualifier(p, "epoch") : NULL;
		if (epoch != NULL && strcmp(epoch, "0") != 0)
			e->version = xasprintf("%s:%s", epoch, p->version);
		else
			e->version = xstrdup(p->version);
	}
	purl_free(p);
	return 0;
}

/* One entry of hullscan's own list: {id, image, package, reason, expires}. */
static int
own_entry(struct ignore_file *f, yaml_node_t *n, char **cause)
{
	struct ignore_entry	*e;
	yaml_node_pair_t	*p;
	yaml_node_t		*k, *v;
	const char		*key, *val;
	char			**slot;

	if (n->type != YAML_MAPPING_NODE)
		return fail(cause, HS_EINVAL, "%s:%d: an ignore entry must be a mapping "
		    "(id, image, package, reason, expires)", f->path, node_line(n));
	if ((e = entry_add(f, node_line(n), cause)) == NULL)
		return HS_ELIMIT;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = node_get(f, p->key);
		v = node_get(f, p->value);
		if ((key = node_scalar(k)) == NULL)
			return fail(cause, HS_EINVAL, "%s:%d: a key must be a plain word",
			    f->path, node_line(k != NULL ? k : n));
		if ((val = node_scalar(v)) == NULL)
			return fail(cause, HS_EINVAL, "%s:%d: %s: a single value is "
			    "expected", f->path, node_line(v != NULL ? v : k), key);
		if (strcmp(key, "id") == 0)
			slot = &e->id;
		else if (strcmp(key, "image") == 0)
			slot = &e->image;
		else if (strcmp(key, "package") == 0)
			slot = &e->package;
		else if (strcmp(key, "reason") == 0)
			slot = &e->reason;
		else if (strcmp(key, "expires") == 0) {
			if (!date_valid(val))
				return fail(cause, HS_EINVAL, "%s:%d: expires: not a date "
				    "YYYY-MM-DD: %s", f->path, node_line(v), val);
			memcpy(e->expires, val, 11);
			continue;
		} else
			return fail(cause, HS_EINVAL, "%s:%d: unknown key %s (id, image, "
			    "package, reason, expires)", f->path, node_line(k), key);
		if (*slot != NULL)
			return fail(cause, HS_EINVAL, "%s:%d: %s given twice", f->path,
			    node_line(k), key);
		if (node_is_null(v) || *val == '\0') {
			if (slot == &e->image || slot == &e->package)
				continue;	/* empty: any */
			return fail(cause, HS_EINVAL, "%s:%d: %s is empty", f->path,
			    node_line(v), key);
		}
		if (slot == &e->package && str_starts(val, "pkg:")) {
			if (purl_package(val, e) != 0)
				return fail(cause, HS_EINVAL, "%s:%d: package: %s is "
				    "not a package URL", f->path, node_line(v), val);
			continue;
		}
		*slot = xstrdup(val);
	}
	if (e->id == NULL)
		return fail(cause, HS_EINVAL, "%s: entry without id", e->origin);
	if (e->reason == NULL)
		return fail(cause, HS_EINVAL, "%s: entry %s without reason", e->origin,
		    e->id);
	if (e->expires[0] == '\0')
		return fail(cause, HS_EINVAL, "%s: entry %s without expires (YYYY-MM-DD)",
		    e->origin, e->id);
	entry_check_expiry(f, e);
	return 0;
}

static int
own_list(struct ignore_file *f, yaml_node_t *n, char **cause)
{
	yaml_node_item_t	*it;
	int			 error;

	if (node_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(cause, HS_EINVAL, "%s:%d: ignore: a list of entries is "
		    "expected", f->path, node_line(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if ((error = own_entry(f, node_get(f, *it), cause)) != 0)
			return error;
	}
	return 0;
}

/* A clair-scanner map of CVE → comment, for one image key or for all (NULL). */
static int
clair_map(struct ignore_file *f, yaml_node_t *n, const char *image, char **cause)
{
	struct ignore_entry	*e;
	yaml_node_pair_t	*p;
	yaml_node_t		*k, *v;
	const char		*id, *comment;

	if (node_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail(cause, HS_EINVAL, "%s:%d: a map of CVE: description is "
		    "expected", f->path, node_line(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = node_get(f, p->key);
		v = node_get(f, p->value);
		if ((id = node_scalar(k)) == NULL || *id == '\0')
			return fail(cause, HS_EINVAL, "%s:%d: a vulnerability id is "
			    "expected", f->path, node_line(k != NULL ? k : n));
		comment = node_scalar(v);
		if (v != NULL && comment == NULL)
			return fail(cause, HS_EINVAL, "%s:%d: %s: a description is "
			    "expected", f->path, node_line(v), id);
		if ((e = entry_add(f, node_line(k), cause)) == NULL)
			return HS_ELIMIT;
		e->id = xstrdup(id);
		e->clair = 1;
		if (image != NULL)
			e->image = xstrdup(image);
		if (comment != NULL && !node_is_null(v) && *comment != '\0')
			e->reason = xasprintf("whitelisted: %s", comment);
		else
			e->reason = xstrdup("whitelisted");
	}
	return 0;
}

static int
clair_images(struct ignore_file *f, yaml_node_t *n, char **cause)
{
	yaml_node_pair_t	*p;
	yaml_node_t		*k;
	const char		*image;
	int			 error;

	if (node_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail(cause, HS_EINVAL, "%s:%d: images: a map of image: {CVE: "
		    "description} is expected", f->path, node_line(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		k = node_get(f, p->key);
		if ((image = node_scalar(k)) == NULL || *image == '\0')
			return fail(cause, HS_EINVAL, "%s:%d: an image name is expected",
			    f->path, node_line(k != NULL ? k : n));
		if ((error = clair_map(f, node_get(f, p->value), image, cause)) != 0)
			return error;
	}
	return 0;
}

static int
ignore_root(struct ignore_file *f, yaml_node_t *root, char **cause)
{
	yaml_node_pair_t	*p;
	yaml_node_t		*k, *v;
	const char		*key;
	int			 error, clair = 0, own = 0;

	if (root == NULL || node_is_null(root))
		return 0;	/* an empty file ignores nothing */
	if (root->type == YAML_SEQUENCE_NODE)
		return own_list(f, root, cause);
	if (root->type != YAML_MAPPING_NODE)
		return fail(cause, HS_EINVAL, "%s:%d: not an ignore file (a list of "
		    "entries, \"ignore:\", or a clair-scanner whitelist)", f->path,
		    node_line(root));
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		k = node_get(f, p->key);
		v = node_get(f, p->value);
		if ((key = node_scalar(k)) == NULL)
			return fail(cause, HS_EINVAL, "%s:%d: a key must be a plain word",
			    f->path, node_line(k != NULL ? k : root));
		if (strcmp(key, "ignore") == 0) {
			own = 1;
			error = own_list(f, v, cause);
		} else if (strcmp(key, "generalwhitelist") == 0) {
			clair = 1;
			error = clair_map(f, v, NULL, cause);
		} else if (strcmp(key, "images") == 0) {
			clair = 1;
			error = clair_images(f, v, cause);
		} else
			return fail(cause, HS_EINVAL, "%s:%d: unknown key %s (ignore:, or "
			    "generalwhitelist: and images: of a clair-scanner whitelist)",
			    f->path, node_line(k), key);
		if (error != 0)
			return error;
	}
	if (own && clair)
		return fail(cause, HS_EINVAL, "%s: mixes ignore: with a clair-scanner "
		    "whitelist", f->path);
	return 0;
}

/* --- OpenVEX ----------------------------------------------------------------- */

#define VEX_CONTEXT	"https://openvex.dev/ns"

/* One (vulnerability, product, subcomponent) a statement speaks of. */
struct vex_claim {
	char		*key;		/* lower-cased id, product and subcomponent */
	const char	*id;
	json_t		*product;	/* borrowed from the document */
	json_t		*sub;		/* NULL: the whole product */
	time_t		 when;
	size_t		 statement;
	int		 ignores;	/* not_affected or fixed */
	char		*reason;
};

static int
vex_claim_cmp(const void *va, const void *vb)
{
	const struct vex_claim	*a = va, *b = vb;
	int			 c;

	if ((c = strcmp(a->key, b->key)) != 0)
		return c;
	if (a->when != b->when)
		return a->when < b->when ? -1 : 1;
	return a->statement < b->statement ? -1 : a->statement > b->statement;
}

/* RFC 3339 ("2023-01-08T18:02:03.647787998-06:00") to seconds since the epoch. */
static int
vex_time(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*p;
	int		 n = 0, oh, om, sign;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	p = s + n;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	*out = timegm(&tm);
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 0;
	if ((*p != '+' && *p != '-') || sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 ||
	    n != 5 || p[6] != '\0' || oh > 23 || om > 59)
		return -1;
	sign = *p == '+' ? 1 : -1;
	*out -= sign * (oh * 3600 + om * 60);
	return 0;
}

/* A product or subcomponent's identifier: its @id, else identifiers.purl, or itself. */
static const char *
vex_component_id(json_t *c)
{
	const char	*id;

	if (json_is_string(c))
		return json_string_value(c);
	if ((id = json_string_value(json_object_get(c, "@id"))) != NULL && *id != '\0')
		return id;
	return json_string_value(json_object_get(json_object_get(c, "identifiers"),
	    "purl"));
}

/*
 * What a component names, into e: an image by pkg:oci (its digest, else its
 * repository_url or name), a package by any other purl (its name, and its
 * version with an rpm's epoch qualifier put back), else an image glob.
 */
static int
vex_component(struct ignore_file *f, size_t st, const char *id,
    struct ignore_entry *e, char **cause)
{
	struct purl	*p;
	const char	*repo;

	if (!str_starts(id, "pkg:")) {
		free(e->image);
		e->image = xstrdup(id);
		return 0;
	}
	if (purl_parse(id, &p, NULL) != 0)
		return fail(cause, HS_EINVAL, "%s: statements[%zu]: %s is not a package "
		    "URL", f->path, st, id);
	if (strcmp(p->type, "oci") == 0) {
		if (p->version != NULL) {
			free(e->digest);
			e->digest = xstrdup(p->version);
		} else {
			free(e->image);
			repo = purl_qualifier(p, "repository_url");
			e->image = xstrdup(repo != NULL ? repo : p->name);
		}
		purl_free(p);
		return 0;
	}
	purl_free(p);
	if (purl_package(id, e) != 0)
		return fail(cause, HS_EINVAL, "%s: statements[%zu]: %s is not a package "
		    "URL", f->path, st, id);
	return 0;
}

/* The claims of statement st into *v (grown), or an error naming it. */
static int
vex_statement(struct ignore_file *f, json_t *s, size_t st, time_t doc_when,
    struct vex_claim **v, size_t *n, char **cause)
{
	json_t		*vuln, *products, *prod, *subs, *sub, *aliases, *a;
	const char	*status, *when, *just, *impact, *ids[65], *pid, *sid;
	size_t		 nids = 0, i, j, k, m;
	struct vex_claim *c;
	time_t		 t = doc_when;
	char		*lower, *p;

	if (!json_is_object(s))
		return fail(cause, HS_EINVAL, "%s: statements[%zu]: not an object",
		    f->path, st);
	status = json_string_value(json_object_get(s, "status"));
	if (status == NULL || (strcmp(status, "not_affected") != 0 &&
	    strcmp(status, "affected") != 0 && strcmp(status, "fixed") != 0 &&
	    strcmp(status, "under_investigation") != 0))
		return fail(cause, HS_EINVAL, "%s: statements[%zu]: status must be "
		    "not_affected, affected, fixed or under_investigation", f->path, st);
	if ((when = json_string_value(json_object_get(s, "timestamp"))) != NULL &&
	    vex_time(when, &t) != 0)
		return fail(cause, HS_EINVAL, "%s: statements[%zu]: timestamp %s is not "
		    "RFC 3339", f->path, st, when);
	vuln = json_object_get(s, "vulnerability");
	if (json_is_string(vuln))
		ids[nids++] = json_string_value(vuln);
	else if (json_is_object(vuln) &&
	    json_is_string(json_object_get(vuln, "name"))) {
		ids[nids++] = json_string_value(json_object_get(vuln, "name"));
		aliases = json_object_get(vuln, "aliases");
		json_array_foreach(aliases, i, a) {
			if (json_is_string(a) && json_string_length(a) > 0 &&
			    nids < NELEM(ids))
				ids[nids++] = json_string_value(a);
		}
	}
	if (nids == 0 || *ids[0] == '\0')
		return fail(cause, HS_EINVAL, "%s: statements[%zu]: no vulnerability "
		    "name", f->path, st);
	products = json_object_get(s, "products");
	if (!json_is_array(products) || json_array_size(products) == 0)
		return fail(cause, HS_EINVAL, "%s: statements[%zu]: no products",
		    f->path, st);
	just = json_string_value(json_object_get(s, "justification"));
	impact = json_string_value(json_object_get(s, "impact_statement"));
	json_array_foreach(products, j, prod) {
		if ((pid = vex_component_id(prod)) == NULL || *pid == '\0')
			return fail(cause, HS_EINVAL, "%s: statements[%zu]: products[%zu] "
			    "has no @id", f->path, st, j);
		subs = json_object_get(prod, "subcomponents");
		m = json_is_array(subs) ? json_array_size(subs) : 0;
		for (k = 0; k < (m > 0 ? m : 1); k++) {
			sub = m > 0 ? json_array_get(subs, k) : NULL;
			sid = sub != NULL ? vex_component_id(sub) : "";
			if (sid == NULL || (sub != NULL && *sid == '\0'))
				return fail(cause, HS_EINVAL, "%s: statements[%zu]: a "
				    "subcomponent of %s has no @id", f->path, st, pid);
			for (i = 0; i < nids; i++) {
				if (*n >= IGNORE_MAX_ENTRIES)
					return fail(cause, HS_ELIMIT, "%s: more than %d "
					    "VEX claims", f->path, IGNORE_MAX_ENTRIES);
				if ((*n & (*n - 1)) == 0)
					*v = xreallocarray(*v, *n == 0 ? 1 : *n * 2,
					    sizeof **v);
				c = &(*v)[(*n)++];
				memset(c, 0, sizeof *c);
				lower = xstrdup(ids[i]);
				for (p = lower; *p != '\0'; p++)
					*p = (char)tolower((unsigned char)*p);
				c->key = xasprintf("%s\n%s\n%s", lower, pid, sid);
				free(lower);
				c->id = ids[i];
				c->product = prod;
				c->sub = sub;
				c->when = t;
				c->statement = st;
				c->ignores = strcmp(status, "not_affected") == 0 ||
				    strcmp(status, "fixed") == 0;
				c->reason = xasprintf("VEX %s%s%s%s%s", status,
				    just != NULL ? ": " : "", just != NULL ? just : "",
				    impact != NULL ? ": " : "", impact != NULL ? impact : "");
			}
		}
	}
	return 0;
}

/*
 * An OpenVEX document: each statement that says not_affected or fixed
 * ignores its vulnerability (and aliases) in its products. For the same
 * vulnerability, product and subcomponent the newest statement decides, so
 * a later "affected" takes an earlier "not_affected" back. Returns -1 when
 * data is not an OpenVEX document (another format then reads it).
 */
static int
vex_try(struct ignore_file *f, const char *data, size_t len, char **cause)
{
	json_t			*root, *statements, *s;
	json_error_t		 jerr;
	const char		*ctx, *when;
	struct vex_claim	*v = NULL, *c;
	struct ignore_entry	*e;
	size_t			 n = 0, i, st;
	time_t			 doc_when = 0;
	int			 error = 0;

	while (len > 0 && isspace((unsigned char)*data))
		data++, len--;
	if (len == 0 || *data != '{')
		return -1;
	if ((root = json_loadb(data, len, 0, &jerr)) == NULL)
		return -1;	/* YAML's flow style, or garbage the YAML reader names */
	ctx = json_string_value(json_object_get(root, "@context"));
	if (ctx == NULL || !str_starts(ctx, VEX_CONTEXT)) {
		json_decref(root);
		return -1;
	}
	if ((when = json_string_value(json_object_get(root, "timestamp"))) != NULL &&
	    vex_time(when, &doc_when) != 0) {
		error = fail(cause, HS_EINVAL, "%s: timestamp %s is not RFC 3339",
		    f->path, when);
		goto out;
	}
	statements = json_object_get(root, "statements");
	if (!json_is_array(statements)) {
		error = fail(cause, HS_EINVAL, "%s: an OpenVEX document without "
		    "statements", f->path);
		goto out;
	}
	json_array_foreach(statements, st, s) {
		if ((error = vex_statement(f, s, st, doc_when, &v, &n, cause)) != 0)
			goto out;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, vex_claim_cmp);
	for (i = 0; i < n; i++) {
		c = &v[i];
		if (!c->ignores || (i + 1 < n && strcmp(v[i + 1].key, c->key) == 0))
			continue;	/* says affected, or a newer statement decides */
		if ((e = entry_add(f, 0, cause)) == NULL) {
			error = HS_ELIMIT;
			goto out;
		}
		free(e->origin);
		e->origin = xasprintf("%s: statements[%zu]", f->path, c->statement);
		e->id = xstrdup(c->id);
		e->reason = xstrdup(c->reason);
		if ((error = vex_component(f, c->statement, vex_component_id(c->product),
		    e, cause)) != 0 || (c->sub != NULL && (error = vex_component(f,
		    c->statement, vex_component_id(c->sub), e, cause)) != 0))
			goto out;
	}
out:
	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].reason);
	}
	free(v);
	json_decref(root);
	return error;
}

int
ignore_load(struct ignore_list *l, const char *path, const char *today, char **cause)
{
	struct ignore_file	 f;
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	char			*data = NULL, day[11];
	size_t			 len, n0 = l->n;
	int			 error;

	if (today == NULL) {
		today_local(day);
		today = day;
	}
	if ((error = file_read(path, IGNORE_MAX_FILE, &data, &len, cause)) != 0)
		return error;
	f.path = path;
	f.today = today;
	f.list = l;
	if ((error = vex_try(&f, data, len, cause)) != -1) {
		free(data);
		while (error != 0 && l->n > n0)
			entry_free(&l->v[--l->n]);
		return error;
	}
	if (!yaml_parser_initialize(&parser)) {
		free(data);
		return fail(cause, HS_ERR, "%s: cannot start the YAML parser", path);
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		error = fail(cause, HS_EINVAL, "%s:%zu:%zu: %s%s%s", path,
		    parser.problem_mark.line + 1, parser.problem_mark.column + 1,
		    parser.problem != NULL ? parser.problem : "invalid YAML",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
		yaml_parser_delete(&parser);
		free(data);
		return error;
	}
	f.doc = &doc;
	error = ignore_root(&f, yaml_document_get_root_node(&doc), cause);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(data);
	/* All or nothing: a half-read entry (no id yet) must not stay behind. */
	while (error != 0 && l->n > n0)
		entry_free(&l->v[--l->n]);
	return error;
}

void
ignore_list_clear(struct ignore_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		entry_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Drop what does not name the image itself: the transport and Docker Hub's prefixes. */
static const char *
image_short(const char *s)
{
	static const char	*prefixes[] = {
		"docker://", "docker.io/library/", "docker.io/",
		"index.docker.io/library/", "index.docker.io/",
		"registry-1.docker.io/library/", "registry-1.docker.io/", "library/",
	};
	size_t			 i;

	for (i = 0; i < NELEM(prefixes); i++) {
		if (str_starts(s, prefixes[i]))
			s += strlen(prefixes[i]);
	}
	return s;
}

static int
glob_eq(const char *pattern, const char *s)
{
	return s != NULL && fnmatch(pattern, s, 0) == 0;
}

/* clair-scanner's own rule: the image name up to the first ':'. */
static int
clair_image_match(const char *key, const struct image_result *r)
{
	const char	*ref;
	size_t		 n;

	if (r->name != NULL && (strcmp(key, r->name) == 0 ||
	    strcmp(image_short(key), image_short(r->name)) == 0))
		return 1;
	ref = image_short(r->reference);
	n = strcspn(ref, ":@");
	return strlen(image_short(key)) == n &&
	    strncmp(image_short(key), ref, n) == 0;
}

/* Does the entry's id name the finding: its id, or one of its aliases (GHSA-…)? */
static int
entry_id_match(const struct ignore_entry *e, const struct finding *f)
{
	size_t	i;

	if (f->id != NULL && strcasecmp(e->id, f->id) == 0)
		return 1;
	for (i = 0; i < f->naliases; i++) {
		if (f->aliases[i] != NULL && strcasecmp(e->id, f->aliases[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * A language package's purl names a package of its ecosystem, by the name
 * its advisories write ("Jinja2" is "jinja2"); a Maven finding named by its
 * artifact alone matches "group:artifact" by the artifact.
 */
static int
entry_lang_match(const struct ignore_entry *e, const struct finding *f)
{
	const char	*colon;
	char		*canon;
	int		 r;

	if (f->package == NULL || (f->ecosystem != ECO_UNKNOWN &&
	    f->ecosystem != e->ecosystem))
		return 0;
	canon = ecosystem_package_name(e->ecosystem, f->package);
	r = strcmp(canon, e->package) == 0;
	free(canon);
	if (!r && e->ecosystem == ECO_MAVEN && strchr(f->package, ':') == NULL &&
	    (colon = strrchr(e->package, ':')) != NULL)
		r = strcmp(colon + 1, f->package) == 0;
	return r;
}

static int
entry_match(const struct ignore_entry *e, const struct image_result *r,
    const struct finding *f)
{
	if (!entry_id_match(e, f))
		return 0;
	if (e->package != NULL && e->ecosystem != ECO_UNKNOWN) {
		if (!entry_lang_match(e, f))
			return 0;
	} else if (e->package != NULL && !glob_eq(e->package, f->package) &&
	    !glob_eq(e->package, f->source_name))
		return 0;
	if (e->version != NULL && (f->installed_version == NULL ||
	    strcmp(e->version, f->installed_version) != 0))
		return 0;
	if (e->digest != NULL && (r->digest == NULL || strcmp(e->digest, r->digest) != 0))
		return 0;
	if (e->image == NULL)
		return 1;
	if (e->clair)
		return clair_image_match(e->image, r);
	return glob_eq(e->image, r->name) || glob_eq(e->image, r->reference) ||
	    (r->name != NULL && glob_eq(image_short(e->image), image_short(r->name))) ||
	    glob_eq(image_short(e->image), image_short(r->reference));
}

const struct ignore_entry *
ignore_match(const struct ignore_list *l, const struct image_result *r,
    const struct finding *f)
{
	const struct ignore_entry	*expired = NULL;
	size_t				 i;

	for (i = 0; i < l->n; i++) {
		if (!entry_match(&l->v[i], r, f))
			continue;
		if (!l->v[i].expired)
			return &l->v[i];
		if (expired == NULL)
			expired = &l->v[i];
	}
	return expired;
}
