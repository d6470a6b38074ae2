/*
 * The files the OS package manager installed, each with its package: a
 * language package whose metadata file is one of them is the OS package's
 * (its distribution patches it), never reported as a language package.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "util.h"

struct owned_slot {
	char		*path;		/* as in the view: no leading "/", links followed */
	const char	*owner;		/* one of owners[] */
};

struct pkg_owned {
	struct owned_slot	*slots;		/* open addressing, half full at most */
	size_t			 cap;
	size_t			 n;
	char			**owners;
	size_t			 nowners;
	const struct rootfs	*root;
	char			*dir;		/* the last directory resolved... */
	char			*real;		/* ...and where it leads in the view */
	const char		*rpm_owner;	/* the header being read, interned */
};

static uint64_t
owned_hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct owned_slot *
owned_slot(struct owned_slot *slots, size_t cap, const char *path)
{
	size_t	i = owned_hash(path) & (cap - 1);

	while (slots[i].path != NULL && strcmp(slots[i].path, path) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void
owned_grow(struct pkg_owned *o)
{
	struct owned_slot	*slots, *s;
	size_t			 cap, i;

	cap = o->cap == 0 ? 1024 : o->cap * 2;
	slots = xcalloc(cap, sizeof *slots);
	for (i = 0; i < o->cap; i++) {
		if (o->slots[i].path != NULL) {
			s = owned_slot(slots, cap, o->slots[i].path);
			*s = o->slots[i];
		}
	}
	free(o->slots);
	o->slots = slots;
	o->cap = cap;
}

/* An owner's name, kept for the index's lifetime. */
static const char *
owned_owner(struct pkg_owned *o, const char *name, size_t len)
{
	o->owners = xreallocarray(o->owners, o->nowners + 1, sizeof *o->owners);
	return o->owners[o->nowners++] = xstrndup(name, len);
}

/*
 * Add one listed path ("/usr/lib/x", "usr/lib/x"), its directory resolved
 * through the view's symlinks ("/lib/x" where lib → usr/lib is usr/lib/x).
 */
static void
owned_add(const char *owner, const char *path, size_t len, void *arg)
{
	struct pkg_owned	*o = arg;
	struct owned_slot	*s;
	const char		*base;
	char			*dir, *key;

	while (len > 0 && (*path == '/' || (*path == '.' && len > 1 &&
	    path[1] == '/'))) {
		path++;
		len--;
	}
	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 0 || (len == 1 && *path == '.') || memchr(path, '\0', len))
		return;
	for (base = path + len; base > path && base[-1] != '/'; base--)
		;
	if (base == path)
		key = xstrndup(path, len);
	else {
		dir = xstrndup(path, base - 1 - path);
		if (o->dir == NULL || strcmp(dir, o->dir) != 0) {
			free(o->dir);
			free(o->real);
			o->dir = dir;
			if ((o->real = rootfs_realpath(o->root, dir)) == NULL)
				o->real = xstrdup(dir);
		} else
			free(dir);
		key = xasprintf("%s%s%.*s", o->real, *o->real != '\0' ? "/" : "",
		    (int)(path + len - base), base);
	}
	if ((o->n + 1) * 2 > o->cap)
		owned_grow(o);
	s = owned_slot(o->slots, o->cap, key);
	if (s->path != NULL) {
		free(key);
		return;
	}
	s->path = key;
	s->owner = owner;
	o->n++;
}

/* The name a dpkg list file stands for: "libc6:amd64.list" is libc6's. */
static const char *
owned_dpkg_owner(struct pkg_owned *o, const char *path, const char *suffix)
{
	const char	*base, *colon;
	size_t		 n;

	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	n = strlen(base) - strlen(suffix);
	if ((colon = memchr(base, ':', n)) != NULL)
		n = colon - base;
	return owned_owner(o, base, n);
}

/* dpkg: info/NAME.list (a path a line), status.d/NAME.md5sums ("md5  path"). */
static void
owned_dpkg(struct pkg_owned *o)
{
	static const struct {
		const char	*dir;
		const char	*suffix;
		int		 md5sums;
	} lists[] = {
		{ "var/lib/dpkg/info", ".list", 0 },
		{ "var/lib/dpkg/status.d", ".md5sums", 1 },
	};
	const struct kept_file	 **files;
	const char		  *owner;
	struct strview		   in, line;
	size_t			   i, j, k, n;

	for (i = 0; i < NELEM(lists); i++) {
		n = rootfs_list(o->root, lists[i].dir, &files);
		for (j = 0; j < n; j++) {
			if (!str_ends(files[j]->path, lists[i].suffix))
				continue;
			owner = owned_dpkg_owner(o, files[j]->path, lists[i].suffix);
			in.ptr = files[j]->data;
			in.len = files[j]->len;
			while (sv_getline(&in, &line)) {
				if (lists[i].md5sums) {
					for (k = 0; k < line.len && line.ptr[k] != ' '; k++)
						;
					while (k < line.len && line.ptr[k] == ' ')
						k++;
					line.ptr += k;
					line.len -= k;
				}
				owned_add(owner, line.ptr, line.len, o);
			}
		}
		free(files);
	}
}

/* apk: P: starts a package, F: a directory, R: a file in it. */
static void
owned_apk(struct pkg_owned *o)
{
	static const char	*paths[] = { "lib/apk/db/installed",
	    "usr/lib/apk/db/installed" };
	const struct kept_file	*kf = NULL;
	const char		*owner = NULL;
	struct strview		 in, line, dir = { "", 0 };
	char			*path;
	size_t			 i;

	for (i = 0; i < NELEM(paths) && kf == NULL; i++)
		kf = rootfs_get(o->root, paths[i]);
	if (kf == NULL)
		return;
	in.ptr = kf->data;
	in.len = kf->len;
	while (sv_getline(&in, &line)) {
		if (line.len < 2 || line.ptr[1] != ':')
			continue;
		switch (line.ptr[0]) {
		case 'P':
			owner = owned_owner(o, line.ptr + 2, line.len - 2);
			dir.ptr = "";
			dir.len = 0;
			break;
		case 'F':
			dir.ptr = line.ptr + 2;
			dir.len = line.len - 2;
			break;
		case 'R':
			if (owner == NULL)
				break;
			path = xasprintf("%.*s/%.*s", (int)dir.len, dir.ptr,
			    (int)line.len - 2, line.ptr + 2);
			owned_add(owner, path, strlen(path), o);
			free(path);
			break;
		}
	}
}

/* The header's name lives as long as the header: keep a copy. */
static void
owned_rpm_add(const char *owner, const char *path, size_t len, void *arg)
{
	struct pkg_owned	*o = arg;

	if (o->rpm_owner == NULL || strcmp(o->rpm_owner, owner) != 0)
		o->rpm_owner = owned_owner(o, owner, strlen(owner));
	owned_add(o->rpm_owner, path, len, o);
}

/* rpm: the headers' file lists, read again from the database the OS analyzer read. */
static void
owned_rpm(struct pkg_owned *o)
{
	const struct kept_file	*kf, *wal;
	char			*path, *cause = NULL;

	if ((kf = pkg_rpmdb_find(o->root, &path, &wal)) == NULL)
		return;
	if (pkg_rpmdb_files(path, kf->data, kf->len, wal != NULL ? wal->data :
	    NULL, wal != NULL ? wal->len : 0, owned_rpm_add, o, &cause) != 0)
		log_debug("%s: file lists not read: %s", path, cause);
	free(cause);
	free(path);
}

void
pkg_owned_free(struct pkg_owned *o)
{
	size_t	i;

	if (o == NULL)
		return;
	for (i = 0; i < o->cap; i++)
		free(o->slots[i].path);
	free(o->slots);
	for (i = 0; i < o->nowners; i++)
		free(o->owners[i]);
	free(o->owners);
	free(o->dir);
	free(o->real);
	free(o);
}

/* Built at the first question: an image with no language metadata never pays for it. */
const char *
pkg_owner(struct pkg_ctx *ctx, const char *path)
{
	struct pkg_owned	*o;
	struct owned_slot	*s;

	if (!ctx->owned_built) {
		ctx->owned_built = 1;
		o = xcalloc(1, sizeof *o);
		o->root = ctx->root;
		owned_dpkg(o);
		owned_apk(o);
		owned_rpm(o);
		free(o->dir);
		free(o->real);
		o->dir = o->real = NULL;
		log_debug("%zu files listed by the OS packages", o->n);
		ctx->owned = o;
	}
	if ((o = ctx->owned) == NULL || o->n == 0)
		return NULL;
	s = owned_slot(o->slots, o->cap, path);
	return s->path != NULL ? s->owner : NULL;
}
