/* The analyzers' front: which paths to keep, and the merged view to an inventory. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "util.h"

/* Files an analyzer reads, exactly. */
static const char *wanted_files[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"etc/lsb-release",
	"etc/debian_version",
	"etc/alpine-release",
	"etc/redhat-release",
	"etc/centos-release",
	"etc/rocky-release",
	"etc/almalinux-release",
	"etc/system-release",
	"etc/fedora-release",
	"etc/SuSE-release",
	"var/lib/dpkg/status",
	"lib/apk/db/installed",
	"usr/lib/apk/db/installed",
	"var/lib/rpm/rpmdb.sqlite",
	"var/lib/rpm/rpmdb.sqlite-wal",
	"var/lib/rpm/Packages",
	"var/lib/rpm/Packages.db",
	"usr/lib/sysimage/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/rpmdb.sqlite-wal",
	"usr/lib/sysimage/rpm/Packages",
	"usr/lib/sysimage/rpm/Packages.db",
};

/* Directories whose regular files (one level) an analyzer reads. */
static const char *wanted_dirs[] = {
	"var/lib/dpkg/status.d",
};

/* The rpm databases by preference, then where they live. */
static const char *rpm_names[] = { "rpmdb.sqlite", "Packages.db", "Packages" };
static const char *rpm_dirs[] = { "var/lib/rpm", "usr/lib/sysimage/rpm" };

/* Is path a leading directory of want ("var/lib" of "var/lib/dpkg/status")? */
static int
is_parent(const char *path, size_t len, const char *want)
{
	return strncmp(want, path, len) == 0 && want[len] == '/';
}

/*
 * Exact files, the files directly in a wanted directory, and every leading
 * directory of those: a directory may be a symlink ("lib" → "usr/lib",
 * "var/lib/rpm" → "../../usr/lib/sysimage/rpm"), which the view must see to
 * resolve the path through it. dpkg's *.md5sums beside status.d entries are
 * not wanted.
 */
int
pkg_wanted(const char *path)
{
	const char	*slash;
	size_t		 i, len, dlen;

	if (path == NULL || *path == '\0')
		return 0;
	len = strlen(path);
	for (i = 0; i < NELEM(wanted_files); i++) {
		if (strcmp(path, wanted_files[i]) == 0 ||
		    is_parent(path, len, wanted_files[i]))
			return 1;
	}
	for (i = 0; i < NELEM(wanted_dirs); i++) {
		dlen = strlen(wanted_dirs[i]);
		if (strcmp(path, wanted_dirs[i]) == 0 ||
		    is_parent(path, len, wanted_dirs[i]))
			return 1;
		if (len > dlen + 1 && strncmp(path, wanted_dirs[i], dlen) == 0 &&
		    path[dlen] == '/') {
			slash = strchr(path + dlen + 1, '/');
			return slash == NULL && !str_ends(path, ".md5sums");
		}
	}
	return 0;
}

/* A purl component: percent-encoded but for unreserved characters (and '/' in ns). */
static void
purl_add(struct buf *b, const char *s, int keep_slash)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
		    c == '~' || (keep_slash && c == '/'))
			buf_add(b, s, 1);
		else {
			buf_add(b, "%", 1);
			buf_add(b, &hex[c >> 4], 1);
			buf_add(b, &hex[c & 15], 1);
		}
	}
}

char *
pkg_purl(const char *type, const char *ns, const char *name, const char *version)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "pkg:%s/", type);
	if (ns != NULL && *ns != '\0') {
		purl_add(&b, ns, 1);
		buf_add(&b, "/", 1);
	}
	purl_add(&b, name, 0);
	if (version != NULL && *version != '\0') {
		buf_add(&b, "@", 1);
		purl_add(&b, version, 0);
	}
	return buf_steal(&b);
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

static int
analyze_rpm(const struct rootfs *root, struct inventory *inv, char **cause)
{
	const struct kept_file	*kf, *wal;
	char			*path, *walpath;
	size_t			 i, j;
	int			 r;

	/* One rpm database: the newest format present wins. */
	for (i = 0; i < NELEM(rpm_names); i++) {
		for (j = 0; j < NELEM(rpm_dirs); j++) {
			path = xasprintf("%s/%s", rpm_dirs[j], rpm_names[i]);
			kf = rootfs_get(root, path);
			if (kf == NULL) {
				free(path);
				continue;
			}
			walpath = xasprintf("%s-wal", path);
			wal = rootfs_get(root, walpath);
			free(walpath);
			r = pkg_rpmdb_parse_wal(path, kf->data, kf->len,
			    wal != NULL ? wal->data : NULL, wal != NULL ? wal->len : 0,
			    inv, cause);
			if (r != 0 && cause != NULL && *cause != NULL &&
			    strncmp(*cause, path, strlen(path)) != 0)
				cause_prefix(cause, "%s", path);
			free(path);
			return r;
		}
	}
	return 0;
}

int
pkg_analyze(const struct rootfs *root, struct inventory **out, char **cause)
{
	struct inventory	*inv;
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
	pkg_java_analyze(root, inv);
	pkg_elf_analyze(root, inv);
	inventory_sort(inv);
	*out = inv;
	return 0;
}
