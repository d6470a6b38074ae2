/* Ignore files: hullscan's own YAML list and clair-scanner whitelists, read with libyaml. */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <yaml.h>

#include "policy.h"
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
entry_check_expiry(struct ignore_file *f, struct ignore_entry *e)
{
	if (e->expires[0] == '\0' || strcmp(e->expires, f->today) >= 0)
		return;
	e->expired = 1;
	log_warn("%s: ignore entry %s%s%s expired on %s: it no longer ignores",
	    e->origin, e->id, e->image != NULL ? " for " : "",
	    e->image != NULL ? e->image : "", e->expires);
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

int
ignore_load(struct ignore_list *l, const char *path, const char *today, char **cause)
{
	struct ignore_file	 f;
	struct ignore_entry	*e;
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
	f.path = path;
	f.today = today;
	f.doc = &doc;
	f.list = l;
	error = ignore_root(&f, yaml_document_get_root_node(&doc), cause);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(data);
	/* All or nothing: a half-read entry (no id yet) must not stay behind. */
	while (error != 0 && l->n > n0) {
		e = &l->v[--l->n];
		free(e->id);
		free(e->image);
		free(e->package);
		free(e->reason);
		free(e->origin);
	}
	return error;
}

void
ignore_list_clear(struct ignore_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].image);
		free(l->v[i].package);
		free(l->v[i].reason);
		free(l->v[i].origin);
	}
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

static int
entry_match(const struct ignore_entry *e, const struct image_result *r,
    const struct finding *f)
{
	if (f->id == NULL || strcasecmp(e->id, f->id) != 0)
		return 0;
	if (e->package != NULL && !glob_eq(e->package, f->package) &&
	    !glob_eq(e->package, f->source_name))
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
