/*
 * Summaries: what a big file (a jar, an executable) is reduced to while it
 * streams through the layer reader, so that only a few kilobytes of it are
 * kept, cached and merged like any small file. A summary is a header line
 * naming its kind, then records "TAG\tLEN\n" + LEN bytes + "\n"; a record's
 * value may hold several parts separated by NUL bytes.
 */
#ifndef HULLSCAN_SUMMARY_H
#define HULLSCAN_SUMMARY_H

#include <stddef.h>

#include "util.h"

#define SUMMARY_MAX		(4u << 20)	/* one file's summary, all records */
#define SUMMARY_MAX_PARTS	4

struct summary {
	struct buf	b;
	int		full;	/* a record did not fit: later ones are dropped */
};

/* Start a summary of a kind ("jar", "elf"). */
void	 summary_init(struct summary *, const char *kind);
/* Add a record of n parts (ptr, len pairs); past SUMMARY_MAX one warning ends it. */
void	 summary_add(struct summary *, const char *tag, int n, ...);
void	 summary_warn(struct summary *, const char *, ...) PRINTFLIKE(2, 3);
char	*summary_finish(struct summary *, size_t *len);

struct summary_rec {
	char		 tag[16];
	struct strview	 part[SUMMARY_MAX_PARTS];	/* missing parts are empty */
	int		 nparts;
};

/*
 * Check the header of data against kind and point *p past it: 0, or
 * HS_EINVAL when data is not a summary of that kind.
 */
int	 summary_open(const char *data, size_t len, const char *kind,
	    struct strview *rest);
/* The next record: 1, 0 at the end, HS_EINVAL when damaged. */
int	 summary_next(struct strview *rest, struct summary_rec *);

/*
 * What analyzers print or report from a summary is one line: a name or
 * version with a control character is refused (summary_text_ok), a path
 * has them replaced by '?' (summary_clean), and warnings go out cleaned.
 */
int	 summary_text_ok(const char *);
char	*summary_clean(char *);
void	 summary_log_warn(const char *path, struct strview msg);

/* The summariser the analyzers give the layer reader (pkg.c). */
struct layer_summariser;
extern const struct layer_summariser summary_summariser;

#endif
