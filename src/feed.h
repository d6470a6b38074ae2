/* Feed importers: a feed file in, advisories into the vulnerability db. */
#ifndef HULLSCAN_FEED_H
#define HULLSCAN_FEED_H

#include <stddef.h>
#include <stdint.h>

struct archive;
struct buf;
struct vulndb;

struct feed_format {
	const char	*name;		/* "debian-tracker", "alpine-secdb", "osv", … */
	/* Does this look like ours? (first bytes of the file) */
	int		(*detect)(const char *data, size_t len);
	/* Import data (the whole file) as feed; returns records added. */
	int		(*import)(struct vulndb *, const char *feed, const char *data,
			    size_t len, int64_t *records, char **cause);
	/*
	 * Optional: a feed name read from the content (allocated), for
	 * formats whose files share base names ("main.json" of every
	 * Alpine release). NULL hook or NULL result: the file's base name.
	 */
	char		*(*feed_name)(const char *data, size_t len);
	/*
	 * import reads gzip, bzip2, xz and zstd data itself as it streams
	 * (feed_archive_filters): such data is handed over compressed.
	 */
	int		 reads_compressed;
};

/* The formats feed.c lists (each feed-*.c defines its own). */
extern const struct feed_format feed_format_debian_tracker;
extern const struct feed_format feed_format_alpine_secdb;
extern const struct feed_format feed_format_osv;
extern const struct feed_format feed_format_oval;
extern const struct feed_format feed_format_csaf;
extern const struct feed_format feed_format_updateinfo;
extern const struct feed_format feed_format_photon;
extern const struct feed_format feed_format_bodhi;
extern const struct feed_format feed_format_eol;

/* CVSS v3.0/v3.1 base score of a vector ("CVSS:3.1/AV:N/…"); HS_EINVAL when malformed. */
int	feed_cvss3_score(const char *vector, double *score);
/* CVSS v4.0 base score of a vector ("CVSS:4.0/AV:N/…"), threat and environmental metrics honoured. */
int	feed_cvss4_score(const char *vector, double *score);

/*
 * An XML feed's prolog: HS_EINVAL when a DOCTYPE (an entity declaration, an
 * external one) comes before the first element, saying "WHAT needs no DTD".
 */
#define FEED_XML_HEAD	65536
int	feed_xml_check_head(const char *data, size_t len, const char *what,
	    char **cause);

/* Largest feed file read (the whole Debian tracker JSON is tens of MB). */
#define FEED_MAX_SIZE	((size_t)1 << 30)

const struct feed_format *feed_format_find(const char *name);
const struct feed_format *feed_format_detect(const char *data, size_t len);
/* The i-th known format, NULL past the end (for usage lists). */
const struct feed_format *feed_format_at(size_t i);

/* The compression of data by its magic bytes: "gzip", "bzip2", "xz", "zstd", else NULL. */
const char *feed_compression(const char *data, size_t len);
/* Give a libarchive reader the filters of every compression feed_compression names. */
void	feed_archive_filters(struct archive *);
/*
 * The bytes fmt's importer reads. Compressed data is decompressed in memory
 * into plain (at most FEED_MAX_SIZE bytes), *data and *len then pointing
 * there, unless the format reads it compressed. *fmt NULL: detected, from the
 * compressed bytes and then the decompressed ones; still NULL when nothing
 * matched. Whatever the format, every compression is read.
 */
int	feed_prepare(const struct feed_format **fmt, const char **data, size_t *len,
	    struct buf *plain, char **cause);

/*
 * Import one file (format NULL: detected) in its own transaction. The feed is
 * named after the file's base name unless feed is given.
 */
int	feed_import_file(struct vulndb *, const char *path, const char *format,
	    const char *feed, int64_t *records, char **cause);

#endif
