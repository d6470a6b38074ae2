/*
 * The layer cache: each layer's kept files (struct layer_files) in SQLite,
 * keyed by the layer's blob digest and by CACHE_WANT_VERSION, so a base
 * layer shared by many images is read once. Safe for concurrent processes
 * (WAL, busy timeout) and for threads (one connection behind a lock).
 */
#ifndef HULLSCAN_CACHE_H
#define HULLSCAN_CACHE_H

#include "layer.h"

/*
 * Bump whenever pkg_wanted() keeps other paths or layer_read() keeps them
 * differently: entries written under another version are never read.
 */
#define CACHE_WANT_VERSION	4	/* 2: language packages' files, KEPT_TOOBIG; 3: summaries of jars and executables; 4: jars read by their central directory */

struct layer_cache;

/* $XDG_CACHE_HOME/hullscan/layers.db, else ~/.cache/hullscan/layers.db. */
char	*cache_default_path(void);
/* Open (creating it and its directory) the cache at path; NULL: the default. */
int	 cache_open(const char *path, struct layer_cache **, char **cause);
void	 cache_close(struct layer_cache *);

/*
 * The kept files of the layer with blob digest, or HS_ENOENT when it is not
 * cached. *out is the caller's. Other errors are worth a warning, not a
 * failed scan: the caller reads the layer instead.
 */
int	 cache_get(struct layer_cache *, const char *digest, struct layer_files **out,
	    char **cause);
/* Store a layer read in full (lf->digest set); replaces any entry. */
int	 cache_put(struct layer_cache *, const struct layer_files *, char **cause);

/* Counters since open, for tests and the benchmark. */
struct cache_stats {
	unsigned long	hits;
	unsigned long	misses;
	unsigned long	puts;
};
void	 cache_stats(struct layer_cache *, struct cache_stats *);

#endif
