/* The merged file view of an image: later layers win, whiteouts delete. */
#ifndef HULLSCAN_ROOTFS_H
#define HULLSCAN_ROOTFS_H

#include <stddef.h>
#include "layer.h"

struct rootfs;

struct rootfs	*rootfs_new(void);
void		 rootfs_free(struct rootfs *);
/*
 * Apply a layer on top: its whiteouts and opaque dirs first, then its files
 * (copied), each remembering lf->diff_id as its ->layer.
 */
void		 rootfs_apply(struct rootfs *, const struct layer_files *);
/*
 * Fill the view from a directory on disk (dir: transport), reading only wanted
 * paths; never follows a symlink out of root.
 */
int		 rootfs_load_dir(struct rootfs *, const char *root, layer_want_fn,
		    const struct layer_limits *, char **cause);
/* A regular file by path, following symlinks inside the view (bounded). NULL if none. */
const struct kept_file *rootfs_get(const struct rootfs *, const char *path);
/*
 * Regular files directly inside dir (e.g. "var/lib/dpkg/status.d"), sorted by
 * path. Returns the count; *out is an array the caller frees (entries borrowed).
 */
size_t		 rootfs_list(const struct rootfs *, const char *dir, const struct kept_file ***out);
size_t		 rootfs_count(const struct rootfs *);
/* Entry i of the view, in path order (files, links, dirs, KEPT_TOOBIG); NULL past the end. */
const struct kept_file *rootfs_at(const struct rootfs *, size_t i);
/* Is anything at path, or below it, in the view (symlinks followed)? */
int		 rootfs_exists(const struct rootfs *, const char *path);
/* path with every symlink in the view followed (an allocated string), NULL on a loop. */
char		*rootfs_realpath(const struct rootfs *, const char *path);
/* Every summary (KEPT_SUMMARY) in the view, sorted by path; as rootfs_list. */
size_t		 rootfs_summaries(const struct rootfs *, const struct kept_file ***out);

#endif
