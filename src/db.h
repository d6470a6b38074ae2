/* The vulnerability database: the only sqlite3 user for advisories. */
#ifndef HULLSCAN_DB_H
#define HULLSCAN_DB_H

#include <stdint.h>
#include "model.h"

struct vulndb;

enum {
	VULNDB_READ = 0,
	VULNDB_CREATE = 1,	/* create the file and schema when missing */
};

/* Which name an advisory uses: the source package (Debian, Ubuntu, Alpine) or the binary. */
enum pkg_kind {
	PKG_SOURCE = 0,
	PKG_BINARY,
};

struct advisory {
	const char	*namespace;	/* "debian:bookworm", "alpine:v3.10" */
	const char	*package;
	enum pkg_kind	 kind;
	enum ecosystem	 ecosystem;
	const char	*vuln_id;
	/* Affected when introduced <= installed < fixed; NULL bounds are open. */
	const char	*introduced;
	const char	*fixed_version;	/* NULL: no fix yet, every version affected */
	const char	*status;	/* "fixed", "open" */
	enum severity	 severity;
	const char	*source_severity;
	const char	*description;
	const char	*link;
};

int	vulndb_open(const char *path, int flags, struct vulndb **out, char **cause);
void	vulndb_close(struct vulndb *);

/* An import is one transaction: begin, replace a feed's rows, commit or roll back. */
int	vulndb_begin(struct vulndb *, char **cause);
int	vulndb_commit(struct vulndb *, char **cause);
void	vulndb_rollback(struct vulndb *);
/* Forget every advisory of feed (name) and record its new source and hash. */
int	vulndb_feed_reset(struct vulndb *, const char *feed, const char *source,
	    const char *sha256, char **cause);
int	vulndb_feed_done(struct vulndb *, const char *feed, int64_t records, char **cause);
int	vulndb_add(struct vulndb *, const char *feed, const struct advisory *, char **cause);

typedef int (*vulndb_cb)(const struct advisory *, void *);
/*
 * Call cb for each advisory of namespace naming package of that kind; its
 * strings live until cb returns. A non-zero return from cb stops the walk and
 * is returned.
 */
int	vulndb_lookup(struct vulndb *, const char *namespace, enum pkg_kind,
	    const char *package, vulndb_cb, void *, char **cause);

/* One imported feed, as "hullscan db status" lists it. */
struct vulndb_feed {
	const char	*name;
	const char	*source;	/* file path or URL it came from */
	const char	*sha256;	/* "sha256:<hex>" of the file */
	int64_t		 imported_at;	/* seconds since the epoch */
	int64_t		 records;	/* advisories it holds */
};
typedef int (*vulndb_feed_cb)(const struct vulndb_feed *, void *);
/* Call cb for each feed, by name. */
int	vulndb_feeds(struct vulndb *, vulndb_feed_cb, void *, char **cause);

/* Seconds since the newest feed import, or -1 when the database holds none. */
int64_t	vulndb_age(struct vulndb *);
int64_t	vulndb_count(struct vulndb *);

#endif
