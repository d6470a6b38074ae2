/* The analyzers' front: which paths to keep, and the merged view to an inventory. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "util.h"

/* A path and its length: pkg_wanted runs for every tar entry. */
struct wanted {
	const char	*s;
	size_t		 n;
};
#define W(s)	{ s, sizeof(s) - 1 }

/* Files an analyzer reads, exactly. */
static const struct wanted wanted_files[] = {
	W("etc/os-release"),
	W("usr/lib/os-release"),
	W("etc/lsb-release"),
	W("etc/debian_version"),
	W("etc/alpine-release"),
	W("etc/redhat-release"),
	W("etc/centos-release"),
	W("etc/rocky-release"),
	W("etc/almalinux-release"),
	W("etc/system-release"),
	W("etc/oracle-release"),
	W("etc/fedora-release"),
	W("etc/SuSE-release"),
	W("var/lib/dpkg/status"),
	W("lib/apk/db/installed"),
	W("usr/lib/apk/db/installed"),
	W("var/lib/rpm/rpmdb.sqlite"),
	W("var/lib/rpm/rpmdb.sqlite-wal"),
	W("var/lib/rpm/Packages"),
	W("var/lib/rpm/Packages.db"),
	W("usr/lib/sysimage/rpm/rpmdb.sqlite"),
	W("usr/lib/sysimage/rpm/rpmdb.sqlite-wal"),
	W("usr/lib/sysimage/rpm/Packages"),
	W("usr/lib/sysimage/rpm/Packages.db"),
};

/* Directories whose regular files (one level) an analyzer reads. */
static const struct wanted wanted_dirs[] = {
	W("var/lib/dpkg/status.d"),
};

/* The language analyzers, each naming its own files. */
static const struct pkg_lang *pkg_langs[] = {
	&pkg_lang_npm,
	&pkg_lang_pypi,
	&pkg_lang_gem,
	&pkg_lang_composer,
	&pkg_lang_dotnet,
};

#define PKG_MAX_NOTES	100	/* notes kept per image; the rest are counted */
#define PKG_SHOW_NOTES	3	/* notes the warning line spells out */

/* The rpm databases by preference, then where they live. */
static const char *rpm_names[] = { "rpmdb.sqlite", "Packages.db", "Packages" };
static const char *rpm_dirs[] = { "var/lib/rpm", "usr/lib/sysimage/rpm" };

/* Is path want itself, or one of its leading directories ("var/lib" of "var/lib/dpkg/status")? */
static int
is_or_parent(const char *path, size_t len, const struct wanted *w)
{
	return len <= w->n && memcmp(path, w->s, len) == 0 &&
	    (len == w->n || w->s[len] == '/');
}

#define DPKG_INFO	"var/lib/dpkg/info/"

/*
 * Exact files, the files directly in a wanted directory, and every leading
 * directory of those: a directory may be a symlink ("lib" → "usr/lib",
 * "var/lib/rpm" → "../../usr/lib/sysimage/rpm"), which the view must see to
 * resolve the path through it. Then the OS packages' file lists (dpkg's
 * info/NAME.list, status.d/NAME.md5sums) and the language analyzers' files,
 * by the last component first.
 */
int
pkg_wanted(const char *path)
{
	const char	*slash, *base;
	size_t		 i, len, dlen;
	int		 w;

	if (path == NULL || *path == '\0')
		return WANT_NO;
	len = strlen(path);
	for (i = 0; i < NELEM(wanted_files); i++) {
		if (is_or_parent(path, len, &wanted_files[i]))
			return WANT_KEEP;
	}
	for (i = 0; i < NELEM(wanted_dirs); i++) {
		if (is_or_parent(path, len, &wanted_dirs[i]))
			return WANT_KEEP;
		dlen = wanted_dirs[i].n;
		if (len > dlen + 1 && memcmp(path, wanted_dirs[i].s, dlen) == 0 &&
		    path[dlen] == '/') {
			if ((slash = strchr(path + dlen + 1, '/')) != NULL)
				return WANT_NO;
			return str_ends(path, ".md5sums") ? WANT_SOFT : WANT_KEEP;
		}
	}
	if (strncmp(path, DPKG_INFO, strlen(DPKG_INFO)) == 0)
		return strchr(path + strlen(DPKG_INFO), '/') == NULL &&
		    str_ends(path, ".list") ? WANT_SOFT : WANT_NO;
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	for (i = 0; i < NELEM(pkg_langs); i++) {
		if ((w = pkg_langs[i]->want(path, base)) != WANT_NO)
			return w;
	}
	return WANT_NO;
}

void
pkg_note(struct pkg_ctx *ctx, const char *fmt, ...)
{
	va_list		 ap;
	char		*s;
	unsigned char	*p;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	/* Paths and causes quote the image: keep the line one line. */
	for (p = (unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	log_debug("%s", s);
	if (ctx->nnotes < PKG_MAX_NOTES) {
		ctx->notes = xreallocarray(ctx->notes, ctx->nnotes + 1,
		    sizeof *ctx->notes);
		ctx->notes[ctx->nnotes] = s;
	} else
		free(s);
	ctx->nnotes++;
}

char *
pkg_notes_take(struct pkg_ctx *ctx)
{
	struct buf	 b;
	size_t		 i, kept;

	if (ctx->nnotes == 0)
		return NULL;
	kept = ctx->nnotes < PKG_MAX_NOTES ? ctx->nnotes : PKG_MAX_NOTES;
	buf_init(&b);
	for (i = 0; i < kept && i < PKG_SHOW_NOTES; i++)
		buf_printf(&b, "%s%s", i > 0 ? "; " : "", ctx->notes[i]);
	if (ctx->nnotes > PKG_SHOW_NOTES)
		buf_printf(&b, "; and %zu more files not read (-v lists them)",
		    ctx->nnotes - PKG_SHOW_NOTES);
	for (i = 0; i < kept; i++)
		free(ctx->notes[i]);
	free(ctx->notes);
	ctx->notes = NULL;
	ctx->nnotes = 0;
	return buf_steal(&b);
}

void
pkg_ctx_clear(struct pkg_ctx *ctx)
{
	free(pkg_notes_take(ctx));
	pkg_owned_free(ctx->owned);
	ctx->owned = NULL;
	ctx->owned_built = 0;
}

struct pkg_layer_owners {
	struct rootfs	*root;
	struct pkg_ctx	 ctx;
};

void *
pkg_layer_owners(const struct layer_files *lf)
{
	struct pkg_layer_owners	*o;

	o = xcalloc(1, sizeof *o);
	o->root = rootfs_new();
	rootfs_apply(o->root, lf);
	o->ctx.root = o->root;
	return o;
}

int
pkg_layer_owned(void *arg, const char *path)
{
	struct pkg_layer_owners	*o = arg;

	return pkg_owner(&o->ctx, path) != NULL;
}

void
pkg_layer_owners_free(void *arg)
{
	struct pkg_layer_owners	*o = arg;

	if (o == NULL)
		return;
	pkg_ctx_clear(&o->ctx);
	rootfs_free(o->root);
	free(o);
}

/* Is s a name or version we can print in TSV and compare: no blank, no control character? */
static int
pkg_token_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (p == NULL || *p == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

void
pkg_lang_each(struct pkg_ctx *ctx, pkg_lang_want_fn want, pkg_lang_file_fn fn,
    void *arg)
{
	const struct kept_file	*kf;
	const char		*base;
	size_t			 i;

	for (i = 0; (kf = rootfs_at(ctx->root, i)) != NULL; i++) {
		if (kf->type != KEPT_FILE && kf->type != KEPT_TOOBIG)
			continue;
		base = strrchr(kf->path, '/');
		base = base != NULL ? base + 1 : kf->path;
		if (want(kf->path, base) != WANT_NO)
			fn(ctx, kf, base, arg);
	}
}

int
pkg_lang_toobig(struct pkg_ctx *ctx, const struct kept_file *kf,
    const char *what)
{
	if (kf->type != KEPT_TOOBIG)
		return 0;
	pkg_note(ctx, "%s: %zu bytes, over the --max-file-size limit: %s",
	    kf->path, kf->len, what != NULL ? what : "not read");
	return 1;
}

struct package *
pkg_lang_add(struct pkg_ctx *ctx, enum ecosystem eco, const char *name,
    const char *version, const struct kept_file *kf, const char *location,
    const char *purl)
{
	struct package	*p;
	const char	*owner;

	if (!pkg_token_ok(name) || !pkg_token_ok(version)) {
		pkg_note(ctx, "%s: a %s package with an empty name or version, or "
		    "one holding blanks", location != NULL ? location : kf->path,
		    ecosystem_name(eco));
		return NULL;
	}
	if ((owner = pkg_owner(ctx, kf->path)) != NULL) {
		log_debug("%s: %s %s %s belongs to the OS package %s: reported "
		    "as that package only", kf->path, ecosystem_name(eco), name,
		    version, owner);
		return NULL;
	}
	p = inventory_add(ctx->inv, name, version, NULL, NULL, NULL, eco);
	p->location = xstrdup(location != NULL ? location : kf->path);
	p->purl = purl != NULL ? xstrdup(purl) : ecosystem_purl(eco, name, version);
	p->layer = kf->layer != NULL ? xstrdup(kf->layer) : NULL;
	return p;
}

static int
analyze_dpkg(const struct rootfs *root, struct inventory *inv, char **cause)
{
	const struct kept_file	 *kf, **list = NULL;
	size_t			  i, n;
	int			  r = 0;

	if ((kf = rootfs_get(root, "var/lib/dpkg/status")) != NULL &&
	    (r = pkg_dpkg_parse(kf->data, kf->len, 0, inv, cause)) != 0) {
		cause_prefix(cause, "var/lib/dpkg/status");
		return r;
	}
	n = rootfs_list(root, "var/lib/dpkg/status.d", &list);
	for (i = 0; i < n; i++) {
		kf = list[i];
		if (str_ends(kf->path, ".md5sums"))
			continue;
		if ((r = pkg_dpkg_parse(kf->data, kf->len, 1, inv, cause)) != 0) {
			cause_prefix(cause, "%s", kf->path);
			break;
		}
	}
	free(list);
	return r;
}

static int
analyze_apk(const struct rootfs *root, struct inventory *inv, char **cause)
{
	static const char	*paths[] = { "lib/apk/db/installed",
	    "usr/lib/apk/db/installed" };
	const struct kept_file	*kf;
	size_t			 i;
	int			 r;

	for (i = 0; i < NELEM(paths); i++) {
		if ((kf = rootfs_get(root, paths[i])) == NULL)
			continue;
		if ((r = pkg_apk_parse(kf->data, kf->len, inv, cause)) != 0) {
			cause_prefix(cause, "%s", paths[i]);
			return r;
		}
		return 0;	/* one database: the other path is the same file */
	}
	return 0;
}

const struct kept_file *
pkg_rpmdb_find(const struct rootfs *root, char **path,
    const struct kept_file **wal)
{
	const struct kept_file	*kf;
	char			*walpath;
	size_t			 i, j;

	/* One rpm database: the newest format present wins. */
	for (i = 0; i < NELEM(rpm_names); i++) {
		for (j = 0; j < NELEM(rpm_dirs); j++) {
			*path = xasprintf("%s/%s", rpm_dirs[j], rpm_names[i]);
			if ((kf = rootfs_get(root, *path)) != NULL) {
				walpath = xasprintf("%s-wal", *path);
				*wal = rootfs_get(root, walpath);
				free(walpath);
				return kf;
			}
			free(*path);
		}
	}
	*path = NULL;
	*wal = NULL;
	return NULL;
}

static int
analyze_rpm(const struct rootfs *root, struct inventory *inv, char **cause)
{
	const struct kept_file	*kf, *wal;
	char			*path;
	int			 r;

	if ((kf = pkg_rpmdb_find(root, &path, &wal)) == NULL)
		return 0;
	r = pkg_rpmdb_parse_wal(path, kf->data, kf->len,
	    wal != NULL ? wal->data : NULL, wal != NULL ? wal->len : 0, inv, cause);
	if (r != 0 && cause != NULL && *cause != NULL &&
	    strncmp(*cause, path, strlen(path)) != 0)
		cause_prefix(cause, "%s", path);
	free(path);
	return r;
}

/*
 * The archive and ELF readers name packages by file: a jar or executable an
 * OS package installed is that package's (its distribution patches it), so
 * what was found in it (location "usr/share/java/x.jar!/…" too) is dropped.
 */
static void
pkg_drop_owned(struct pkg_ctx *ctx, size_t from)
{
	struct inventory	*inv = ctx->inv;
	struct package		*p;
	char			*outer, *bang;
	size_t			 i, j = from;
	int			 owned;

	for (i = from; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		owned = 0;
		if (p->location != NULL) {
			outer = xstrdup(p->location);
			if ((bang = strchr(outer, '!')) != NULL)
				*bang = '\0';
			owned = pkg_owner(ctx, outer) != NULL;
			if (owned)
				log_debug("%s: an OS package's file: not a %s package",
				    outer, ecosystem_name(p->ecosystem));
			free(outer);
		}
		if (owned)
			package_clear(p);
		else
			inv->pkgs[j++] = *p;
	}
	inv->npkgs = j;
}

int
pkg_analyze(const struct rootfs *root, struct inventory **out, char **cause)
{
	struct inventory	*inv;
	struct pkg_ctx		 ctx;
	size_t			 i, before;
	int			 r;

	*out = NULL;
	inv = inventory_new();
	if (pkg_os_detect(root, &inv->os) != 0)
		os_info_clear(&inv->os);
	if ((r = analyze_dpkg(root, inv, cause)) != 0 ||
	    (r = analyze_apk(root, inv, cause)) != 0 ||
	    (r = analyze_rpm(root, inv, cause)) != 0) {
		inventory_free(inv);
		return r;
	}
	/* A file a language analyzer cannot read is a warning, not a failed image. */
	memset(&ctx, 0, sizeof ctx);
	ctx.root = root;
	ctx.inv = inv;
	for (i = 0; r == 0 && i < NELEM(pkg_langs); i++) {
		if ((r = pkg_langs[i]->analyze(&ctx)) != 0)
			cause_prefix(cause, "%s", pkg_langs[i]->name);
	}
	if (r == 0) {
		before = inv->npkgs;
		pkg_java_analyze(root, inv);
		pkg_elf_analyze(root, inv);
		pkg_drop_owned(&ctx, before);
	}
	inv->warning = pkg_notes_take(&ctx);
	pkg_ctx_clear(&ctx);
	if (r != 0) {
		inventory_free(inv);
		return r;
	}
	inventory_sort(inv);
	*out = inv;
	return 0;
}
