/* The PHP Composer analyzer: vendor/composer/installed.json, composer.lock without vendor/. */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "pkg.h"
#include "util.h"

#define COMPOSER_MAX_PACKAGES	1000000

/* "vendor/name": two non-empty parts, as Composer names packages. */
static int
composer_name_ok(const char *s)
{
	const char	*slash = strchr(s, '/');

	return slash != NULL && slash != s && slash[1] != '\0' &&
	    strchr(slash + 1, '/') == NULL && strlen(s) <= 256 &&
	    strpbrk(s, " \t\r\n\"") == NULL;
}

static void
composer_add(struct inventory *inv, const char *path, const char *name,
    const char *version)
{
	struct package	*p;

	p = inventory_add(inv, name, version, NULL, NULL, NULL, ECO_COMPOSER);
	p->location = xstrdup(path);
	p->purl = ecosystem_purl(ECO_COMPOSER, name, version);
}

/* Each {"name", "version"} of an array; entries without both are skipped. */
static int
composer_packages(const json_t *arr, const char *path, struct inventory *inv,
    char **cause)
{
	const json_t	*e, *n, *v;
	size_t		 i;

	if (!json_is_array(arr))
		return fail(cause, HS_EINVAL, "\"packages\" is not an array");
	if (json_array_size(arr) > COMPOSER_MAX_PACKAGES)
		return fail(cause, HS_EINVAL, "more than %d packages",
		    COMPOSER_MAX_PACKAGES);
	json_array_foreach(arr, i, e) {
		n = json_object_get(e, "name");
		v = json_object_get(e, "version");
		if (!json_is_string(n) || !json_is_string(v) ||
		    !composer_name_ok(json_string_value(n)) ||
		    json_string_length(v) == 0 || json_string_length(v) > 128)
			continue;
		composer_add(inv, path, json_string_value(n), json_string_value(v));
	}
	return 0;
}

static json_t *
composer_load(const char *data, size_t len, char **cause)
{
	json_error_t	 err;
	json_t		*root;

	if ((root = json_loadb(data != NULL ? data : "", data != NULL ? len : 0,
	    0, &err)) == NULL)
		fail(cause, HS_EINVAL, "invalid JSON: %s near line %d", err.text,
		    err.line);
	return root;
}

/*
 * vendor/composer/installed.json: Composer 1 writes a bare array, Composer 2
 * {"packages": [...], "dev-package-names": [...]}. Every package in it is
 * installed in vendor/, dev ones too (composer install without --no-dev):
 * all are reported, with versions as written ("v1.8.1").
 */
int
pkg_composer_installed_parse(const char *path, const char *data, size_t len,
    struct inventory *inv, char **cause)
{
	json_t	*root, *arr;
	int	 r;

	if ((root = composer_load(data, len, cause)) == NULL)
		return HS_EINVAL;
	arr = json_is_array(root) ? root : json_object_get(root, "packages");
	if (arr == NULL)
		r = fail(cause, HS_EINVAL, "neither an array nor {\"packages\": [...]}");
	else
		r = composer_packages(arr, path, inv, cause);
	json_decref(root);
	return r;
}

/*
 * composer.lock, read only for a project without vendor/: what a
 * production install (--no-dev) would bring, its "packages"; "packages-dev"
 * are not installed there.
 */
int
pkg_composer_lock_parse(const char *path, const char *data, size_t len,
    struct inventory *inv, char **cause)
{
	json_t	*root, *arr;
	int	 r;

	if ((root = composer_load(data, len, cause)) == NULL)
		return HS_EINVAL;
	if (!json_is_object(root) || (arr = json_object_get(root, "packages")) == NULL)
		r = fail(cause, HS_EINVAL, "no \"packages\" array");
	else
		r = composer_packages(arr, path, inv, cause);
	json_decref(root);
	return r;
}
