/*
 * The analyzers of RubyGems, Composer and .NET over the merged view: which
 * files each wants, and which it reads (a lockfile only where nothing is
 * installed). The file parsers are pkg-gem.c, pkg-composer.c, pkg-dotnet.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "util.h"

typedef int (*apps_parse_fn)(const char *, const char *, size_t, struct inventory *,
    char **);

/* Does the directory holding base (in path) have the name dir? */
static int
apps_parent_is(const char *path, const char *base, const char *dir)
{
	size_t	n = strlen(dir);

	return (size_t)(base - path) >= n + 1 && base[-1] == '/' &&
	    memcmp(base - 1 - n, dir, n) == 0 &&
	    (base - 1 - n == path || base[-2 - (ptrdiff_t)n] == '/');
}

static const char *
apps_base(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/*
 * Parse kf with fn and add what it lists through pkg_lang_add (so a file an
 * OS package owns adds nothing, and each package knows its layer). A file
 * that cannot be read is a note, not an error: the image's other packages
 * are still reported.
 */
static void
apps_read(struct pkg_ctx *ctx, const struct kept_file *kf, apps_parse_fn fn)
{
	struct inventory	*tmp;
	const struct package	*p;
	char			*cause = NULL;
	size_t			 i;

	if (pkg_lang_toobig(ctx, kf, NULL))
		return;
	tmp = inventory_new();
	if (fn(kf->path, kf->data, kf->len, tmp, &cause) != 0) {
		pkg_note(ctx, "%s: %s", kf->path, cause);
		free(cause);
	} else {
		for (i = 0; i < tmp->npkgs; i++) {
			p = &tmp->pkgs[i];
			pkg_lang_add(ctx, p->ecosystem, p->name, p->version, kf, NULL,
			    p->purl);
		}
	}
	inventory_free(tmp);
}

/* --- RubyGems --- */

/* A gem home's specifications/NAME-VERSION.gemspec, and bundler's Gemfile.lock. */
static int
gem_want(const char *path, const char *base)
{
	if (str_ends(base, ".gemspec") && apps_parent_is(path, base, "specifications"))
		return WANT_SOFT;
	if (strcmp(base, "Gemfile.lock") == 0)
		return WANT_SOFT;
	return WANT_NO;
}

static void
gem_one(struct pkg_ctx *ctx, const struct kept_file *kf, const char *base,
    void *arg)
{
	int	lockfiles = *(int *)arg;

	(void)base;
	if (str_ends(kf->path, ".gemspec") != !lockfiles)
		return;
	apps_read(ctx, kf, lockfiles ? pkg_gemfile_lock_parse : pkg_gemspec_parse);
}

/* Installed gems; a Gemfile.lock only when the image has no gem home at all. */
static int
gem_analyze(struct pkg_ctx *ctx)
{
	size_t	before = ctx->inv->npkgs, i;
	int	lockfiles = 0, homes = 0;

	pkg_lang_each(ctx, gem_want, gem_one, &lockfiles);
	for (i = before; i < ctx->inv->npkgs; i++)
		homes |= ctx->inv->pkgs[i].ecosystem == ECO_GEM;
	for (i = 0; !homes && rootfs_at(ctx->root, i) != NULL; i++) {
		const struct kept_file *kf = rootfs_at(ctx->root, i);

		/* An OS package's gemspec is a gem home too: its gems are the OS's. */
		homes = str_ends(kf->path, ".gemspec") &&
		    apps_parent_is(kf->path, apps_base(kf->path), "specifications");
	}
	if (!homes) {
		lockfiles = 1;
		pkg_lang_each(ctx, gem_want, gem_one, &lockfiles);
	}
	return 0;
}

const struct pkg_lang pkg_lang_gem = {
	.name = "gem",
	.want = gem_want,
	.analyze = gem_analyze,
};

/* --- Composer --- */

static int
composer_want(const char *path, const char *base)
{
	if (strcmp(base, "installed.json") == 0 && apps_parent_is(path, base, "composer") &&
	    apps_parent_is(path, base - strlen("composer/"), "vendor"))
		return WANT_SOFT;
	if (strcmp(base, "composer.lock") == 0)
		return WANT_SOFT;
	return WANT_NO;
}

static void
composer_one(struct pkg_ctx *ctx, const struct kept_file *kf, const char *base,
    void *arg)
{
	char	*installed;

	(void)arg;
	if (strcmp(base, "installed.json") == 0) {
		apps_read(ctx, kf, pkg_composer_installed_parse);
		return;
	}
	/* composer.lock: only for a project whose vendor/ is not there. */
	installed = xasprintf("%.*svendor/composer/installed.json",
	    (int)(base - kf->path), kf->path);
	if (!rootfs_exists(ctx->root, installed))
		apps_read(ctx, kf, pkg_composer_lock_parse);
	free(installed);
}

static int
composer_analyze(struct pkg_ctx *ctx)
{
	pkg_lang_each(ctx, composer_want, composer_one, NULL);
	return 0;
}

const struct pkg_lang pkg_lang_composer = {
	.name = "composer",
	.want = composer_want,
	.analyze = composer_analyze,
};

/* --- .NET --- */

static int
dotnet_want(const char *path, const char *base)
{
	(void)path;
	return str_ends(base, ".deps.json") && strlen(base) > strlen(".deps.json") ?
	    WANT_SOFT : WANT_NO;
}

static void
dotnet_one(struct pkg_ctx *ctx, const struct kept_file *kf, const char *base,
    void *arg)
{
	(void)base;
	(void)arg;
	apps_read(ctx, kf, pkg_dotnet_deps_parse);
}

static int
dotnet_analyze(struct pkg_ctx *ctx)
{
	pkg_lang_each(ctx, dotnet_want, dotnet_one, NULL);
	return 0;
}

const struct pkg_lang pkg_lang_dotnet = {
	.name = "dotnet",
	.want = dotnet_want,
	.analyze = dotnet_analyze,
};
