/* Feed importers: a feed file in, advisories into the vulnerability db. */
#ifndef HULLSCAN_FEED_H
#define HULLSCAN_FEED_H

#include <stddef.h>
#include <stdint.h>

struct vulndb;

struct feed_format {
	const char	*name;		/* "debian-tracker", "alpine-secdb", "osv", … */
	/* Does this look like ours? (first bytes of the file) */
	int		(*detect)(const char *data, size_t len);
	/* Import data (the whole file) as feed; returns records added. */
	int		(*import)(struct vulndb *, const char *feed, const char *data,
			    size_t len, int64_t *records, char **cause);
};

const struct feed_format *feed_format_find(const char *name);
const struct feed_format *feed_format_detect(const char *data, size_t len);

/*
 * Import one file (format NULL: detected) in its own transaction. The feed is
 * named after the file's base name unless feed is given.
 */
int	feed_import_file(struct vulndb *, const char *path, const char *format,
	    const char *feed, int64_t *records, char **cause);

#endif
