/* Analyzers: the merged file view in, the OS and its installed packages out. */
#ifndef HULLSCAN_PKG_H
#define HULLSCAN_PKG_H

#include <stddef.h>
#include "model.h"

struct rootfs;

/* Does any analyzer want this (normalised) path kept from the layers? */
int	pkg_wanted(const char *path);

/*
 * Detect the OS and read every package database present. A malformed package
 * database fails with a cause naming the file; an image with no package
 * database and no os-release gives an empty inventory, not an error.
 */
int	pkg_analyze(const struct rootfs *, struct inventory **out, char **cause);

/* The parsers, exposed for tests and fuzzers. */
int	pkg_osrelease_parse(const char *data, size_t len, struct os_info *);
int	pkg_os_detect(const struct rootfs *, struct os_info *);
/* Derive os->namespace from id/version_id/codename; leaves NULL when unknown. */
void	pkg_os_namespace(struct os_info *);
int	pkg_dpkg_parse(const char *data, size_t len, int status_d, struct inventory *, char **cause);
int	pkg_apk_parse(const char *data, size_t len, struct inventory *, char **cause);
int	pkg_rpmdb_parse(const char *path_in_image, const char *data, size_t len,
	    struct inventory *, char **cause);
/* The same, with an rpmdb.sqlite's -wal (NULL: none) applied as SQLite would. */
int	pkg_rpmdb_parse_wal(const char *path_in_image, const char *data, size_t len,
	    const char *wal, size_t wal_len, struct inventory *, char **cause);

/*
 * Language analyzers of one file each: path is where it is in the image
 * (each package's location); packages are appended with purl and location.
 */
int	pkg_gemspec_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_gemfile_lock_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_composer_installed_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_composer_lock_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_dotnet_deps_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);

#endif
