/* The npm analyzer: node_modules package.json files, and lockfiles of apps without node_modules. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "util.h"

#define NPM_MAX_NESTING	256	/* v1 lockfile "dependencies" levels followed */

/* The component of path that ends just before end: [*start, end). */
static const char *
npm_component(const char *path, const char *end)
{
	const char	*s = end;

	while (s > path && s[-1] != '/')
		s--;
	return s;
}

static int
npm_component_is(const char *s, const char *end, const char *want)
{
	size_t	n = strlen(want);

	return (size_t)(end - s) == n && memcmp(s, want, n) == 0;
}

/*
 * Is this package.json an installed package's: "…node_modules/NAME/" or
 * "…node_modules/@SCOPE/NAME/"? Not the app's own package.json (the app,
 * not a dependency), and not the package.json files that packages carry
 * inside themselves ("lodash/fp/package.json", test fixtures).
 */
static int
npm_is_package_json(const char *path, const char *base)
{
	const char	*n, *p, *q;

	if (base == path)
		return 0;
	n = npm_component(path, base - 1);		/* NAME */
	if (n == base - 1 || *n == '.' || n == path)
		return 0;
	p = npm_component(path, n - 1);			/* node_modules or @SCOPE */
	if (npm_component_is(p, n - 1, "node_modules"))
		return *n != '@';
	if (*p != '@' || p == n - 2 || p == path)
		return 0;
	q = npm_component(path, p - 1);
	return npm_component_is(q, p - 1, "node_modules");
}

/* Is path inside some node_modules directory? */
static int
npm_in_modules(const char *path)
{
	return str_starts(path, "node_modules/") ||
	    strstr(path, "/node_modules/") != NULL;
}

static int
npm_is_lockfile(const char *base)
{
	return strcmp(base, "package-lock.json") == 0 ||
	    strcmp(base, "npm-shrinkwrap.json") == 0;
}

static int
npm_want(const char *path, const char *base)
{
	switch (base[0]) {
	case 'p':
		if (strcmp(base, "package.json") == 0)
			return npm_is_package_json(path, base) ? WANT_SOFT : WANT_NO;
		/* FALLTHROUGH */
	case 'n':
		/* An app's lockfile, and whether the app has a node_modules. */
		if (npm_is_lockfile(base) || strcmp(base, "node_modules") == 0)
			return npm_in_modules(path) ? WANT_NO : WANT_SOFT;
		break;
	}
	return WANT_NO;
}

/* npm reads JSON with a UTF-8 byte order mark (some editors write one): so do we. */
static json_t *
npm_load(const char *data, size_t len, char **cause)
{
	json_t		*root;
	json_error_t	 err;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if ((root = json_loadb(data, len, 0, &err)) == NULL)
		fail(cause, HS_EINVAL, "line %d column %d: %s", err.line, err.column,
		    err.text);
	return root;
}

/* Name and version are printed in TSV and compared: no blanks, no control characters. */
static int
npm_field(json_t *root, const char *key, char **out, char **cause)
{
	json_t			*v = json_object_get(root, key);
	const unsigned char	*s;

	if (v == NULL)
		return fail(cause, HS_EINVAL, "no \"%s\"", key);
	if (!json_is_string(v))
		return fail(cause, HS_EINVAL, "\"%s\" is not a string", key);
	s = (const unsigned char *)json_string_value(v);
	if (*s == '\0' || json_string_length(v) != strlen((const char *)s))
		return fail(cause, HS_EINVAL, "\"%s\" is empty or holds a NUL", key);
	for (; *s != '\0'; s++) {
		if (*s <= 0x20 || *s == 0x7f)
			return fail(cause, HS_EINVAL, "\"%s\" holds a blank or a "
			    "control character", key);
	}
	*out = xstrdup(json_string_value(v));
	return 0;
}

int
pkg_npm_package_json(const char *data, size_t len, char **name, char **version,
    char **cause)
{
	json_t		*root;
	int		 r;

	*name = *version = NULL;
	if ((root = npm_load(data, len, cause)) == NULL)
		return HS_EINVAL;
	if (!json_is_object(root))
		r = fail(cause, HS_EINVAL, "not a JSON object");
	else if ((r = npm_field(root, "name", name, cause)) == 0 &&
	    (r = npm_field(root, "version", version, cause)) != 0) {
		free(*name);
		*name = NULL;
	}
	json_decref(root);
	return r;
}

/* "npm:real-name@1.0.0", the version of an alias: the real name and version. */
static int
npm_alias(const char *version, char **name, char **real_version)
{
	const char	*at;

	if (!str_starts(version, "npm:"))
		return 0;
	version += 4;
	if ((at = strrchr(version, '@')) == NULL || at == version ||
	    at[1] == '\0')
		return 0;
	*name = xstrndup(version, at - version);
	*real_version = xstrdup(at + 1);
	return 1;
}

struct npm_lock {
	pkg_lock_fn	 fn;
	void		*arg;
};

/* One installed package from a lockfile, unless its version is a URL or a path. */
static void
npm_lock_add(struct npm_lock *l, const char *name, json_t *e)
{
	const char	*version;
	char		*aname = NULL, *aversion = NULL;

	if (json_is_true(json_object_get(e, "dev")) ||
	    json_is_true(json_object_get(e, "link")))
		return;
	if ((version = json_string_value(json_object_get(e, "version"))) == NULL ||
	    *version == '\0')
		return;
	if (npm_alias(version, &aname, &aversion))
		l->fn(aname, aversion, l->arg);
	else if (strchr(version, ':') == NULL && strchr(version, '/') == NULL)
		l->fn(name, version, l->arg);
	else
		log_debug("npm lockfile: %s %s: not a registry version", name,
		    version);
	free(aname);
	free(aversion);
}

/* lockfileVersion 1: "dependencies", nested the way node_modules is. */
static int
npm_lock_v1(struct npm_lock *l, json_t *deps, int depth, char **cause)
{
	const char	*key;
	json_t		*e, *sub;

	if (depth > NPM_MAX_NESTING)
		return fail(cause, HS_ELIMIT, "\"dependencies\" nested more than "
		    "%d levels", NPM_MAX_NESTING);
	json_object_foreach(deps, key, e) {
		if (!json_is_object(e) || *key == '\0')
			continue;
		npm_lock_add(l, key, e);
		if (json_is_true(json_object_get(e, "dev")))
			continue;
		sub = json_object_get(e, "dependencies");
		if (json_is_object(sub) && npm_lock_v1(l, sub, depth + 1, cause) != 0)
			return HS_ELIMIT;
	}
	return 0;
}

/*
 * lockfileVersion 2 and 3: "packages" by install path. "" is the project
 * itself; a path with no node_modules is a workspace member's source, whose
 * install is a link.
 */
static void
npm_lock_v2(struct npm_lock *l, json_t *pkgs)
{
	const char	*key, *name, *p;
	json_t		*e;

	json_object_foreach(pkgs, key, e) {
		if (!json_is_object(e))
			continue;
		/* The name is what follows the last node_modules/ component. */
		name = NULL;
		for (p = key; (p = strstr(p, "node_modules/")) != NULL;
		    p += strlen("node_modules/")) {
			if (p == key || p[-1] == '/')
				name = p + strlen("node_modules/");
		}
		if (name == NULL || *name == '\0')
			continue;
		if (json_is_string(json_object_get(e, "name")))
			name = json_string_value(json_object_get(e, "name"));
		npm_lock_add(l, name, e);
	}
}

int
pkg_npm_lockfile(const char *data, size_t len, pkg_lock_fn fn, void *arg,
    char **cause)
{
	struct npm_lock	 l = { fn, arg };
	json_t		*root, *pkgs, *deps;
	int		 r = 0;

	if ((root = npm_load(data, len, cause)) == NULL)
		return HS_EINVAL;
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(cause, HS_EINVAL, "not a JSON object");
	}
	pkgs = json_object_get(root, "packages");
	deps = json_object_get(root, "dependencies");
	if (json_is_object(pkgs))
		npm_lock_v2(&l, pkgs);
	else if (json_is_object(deps))
		r = npm_lock_v1(&l, deps, 0, cause);
	else if (!json_is_integer(json_object_get(root, "lockfileVersion")))
		r = fail(cause, HS_EINVAL, "no \"lockfileVersion\", \"packages\" "
		    "or \"dependencies\": not an npm lockfile");
	json_decref(root);
	return r;
}

struct npm_lock_add {
	struct pkg_ctx			*ctx;
	const struct kept_file		*kf;
	size_t				 n;
};

static void
npm_lock_cb(const char *name, const char *version, void *arg)
{
	struct npm_lock_add	*a = arg;

	if (pkg_lang_add(a->ctx, ECO_NPM, name, version, a->kf, NULL, NULL) != NULL)
		a->n++;
}

/*
 * An app's lockfile, read only when the app has no node_modules (an image
 * that ships the lockfile and installs nothing, or installs elsewhere).
 */
static void
npm_lockfile(struct pkg_ctx *ctx, const struct kept_file *kf, const char *base)
{
	struct npm_lock_add	 a = { ctx, kf, 0 };
	char			*dir, *other, *cause = NULL;
	int			 skip;

	dir = xstrndup(kf->path, base - kf->path);
	other = xasprintf("%snode_modules", dir);
	skip = rootfs_exists(ctx->root, other);
	free(other);
	/* npm prefers npm-shrinkwrap.json to package-lock.json beside it. */
	if (!skip && strcmp(base, "package-lock.json") == 0) {
		other = xasprintf("%snpm-shrinkwrap.json", dir);
		skip = rootfs_exists(ctx->root, other);
		free(other);
	}
	free(dir);
	if (skip) {
		log_debug("%s: not read: node_modules or npm-shrinkwrap.json beside it",
		    kf->path);
		return;
	}
	if (pkg_lang_toobig(ctx, kf, "its packages are not listed"))
		return;
	if (pkg_npm_lockfile(kf->data, kf->len, npm_lock_cb, &a, &cause) != 0)
		pkg_note(ctx, "%s: %s", kf->path, cause);
	else
		log_debug("%s: %zu packages (no node_modules beside it)", kf->path,
		    a.n);
	free(cause);
}

static void
npm_one(struct pkg_ctx *ctx, const struct kept_file *kf, const char *base,
    void *arg)
{
	char	*name, *version, *cause = NULL;

	(void)arg;
	if (npm_is_lockfile(base)) {
		npm_lockfile(ctx, kf, base);
		return;
	}
	if (strcmp(base, "package.json") != 0 || pkg_lang_toobig(ctx, kf, NULL))
		return;
	if (pkg_npm_package_json(kf->data, kf->len, &name, &version,
	    &cause) != 0) {
		pkg_note(ctx, "%s: %s", kf->path, cause);
		free(cause);
		return;
	}
	pkg_lang_add(ctx, ECO_NPM, name, version, kf, NULL, NULL);
	free(name);
	free(version);
}

static int
npm_analyze(struct pkg_ctx *ctx)
{
	pkg_lang_each(ctx, npm_want, npm_one, NULL);
	return 0;
}

const struct pkg_lang pkg_lang_npm = {
	.name = "npm",
	.want = npm_want,
	.analyze = npm_analyze,
};
