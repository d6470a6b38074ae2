/* The vulnerability database: the only sqlite3 user for advisories. */
#ifndef HULLSCAN_DB_H
#define HULLSCAN_DB_H

#include <stdint.h>
#include "model.h"

struct vulndb;

enum {
	VULNDB_READ = 0,
	VULNDB_CREATE = 1,	/* create the file and schema when missing */
	VULNDB_WRITE = 2,	/* writable, but the file must be there */
};

/* Which name an advisory uses: the source package (Debian, Ubuntu, Alpine) or the binary. */
enum pkg_kind {
	PKG_SOURCE = 0,
	PKG_BINARY,
};

/* How another id of an advisory relates to the id findings carry. */
enum alias_kind {
	ALIAS_SAME = 0,		/* the same vulnerability: OSV aliases, the record's own id */
	ALIAS_UPSTREAM,		/* what it fixes: OSV upstream (a USN's CVEs) */
	ALIAS_RELATED,		/* OSV related (an ALSA's CVEs, a CVE's USNs), its RHSA */
};
struct advisory_alias {
	const char	*id;
	enum alias_kind	 kind;
};
/* At most this many aliases are stored or read for one id of a feed. */
#define VULNDB_MAX_ALIASES	1000

struct advisory {
	const char	*namespace;	/* "debian:bookworm", "alpine:v3.10" */
	const char	*package;
	enum pkg_kind	 kind;
	enum ecosystem	 ecosystem;
	const char	*vuln_id;
	/*
	 * Affected when introduced <= installed < fixed (or <= last_affected);
	 * NULL bounds are open.
	 */
	const char	*introduced;
	const char	*fixed_version;	/* NULL: no fix yet, every version affected */
	/*
	 * OSV's "last_affected": an inclusive upper bound (installed <=
	 * last_affected) when no fixed version is known; NULL when none.
	 */
	const char	*last_affected;
	/*
	 * OSV's "limit": an exclusive upper bound of the range that is not a
	 * fix (installed < limit_version); NULL when none.
	 */
	const char	*limit_version;
	/* RustSec's informational kinds ("unmaintained", "unsound", "notice"); NULL: a vulnerability. */
	const char	*informational;
	const char	*status;	/* "fixed", "open" */
	/*
	 * The rpm architecture the row is for ("x86_64", "aarch64"); NULL for
	 * every one (a package's fix the same on each).
	 */
	const char	*arch;
	enum severity	 severity;
	const char	*source_severity;
	const char	*description;
	const char	*link;
	/*
	 * Other ids of the vulnerability, per feed and vuln_id: vulndb_add
	 * stores them (once), a lookup hands them back.
	 */
	const struct advisory_alias *aliases;
	size_t		 naliases;
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
/*
 * vulndb_lookup for n packages in a few statements, not one per package:
 * cb sees the advisories naming any of names (duplicates allowed), in order
 * of package, then id.
 */
int	vulndb_lookup_many(struct vulndb *, const char *namespace, enum pkg_kind,
	    const char *const *names, size_t n, vulndb_cb, void *, char **cause);

/* One imported feed, as "hullscan db status" lists it. */
struct vulndb_feed {
	const char	*name;
	const char	*source;	/* file path or URL it came from */
	const char	*sha256;	/* "sha256:<hex>" of the file */
	int64_t		 imported_at;	/* seconds since the epoch */
	int64_t		 records;	/* advisories it holds */
	/* From "hullscan db update"; NULL or 0 for a feed only ever imported. */
	const char	*url;		/* URL of the last fetch */
	const char	*etag;		/* its validators */
	const char	*last_modified;
	int64_t		 checked_at;	/* last time the feed was found current */
};
typedef int (*vulndb_feed_cb)(const struct vulndb_feed *, void *);
/* Call cb for each feed, by name. */
int	vulndb_feeds(struct vulndb *, vulndb_feed_cb, void *, char **cause);

/*
 * Record a feed's last successful update check: the URL fetched, its HTTP
 * validators (either may be NULL) and when. HS_ENOENT when no such feed.
 */
int	vulndb_feed_checked(struct vulndb *, const char *feed, const char *url,
	    const char *etag, const char *last_modified, int64_t checked_at,
	    char **cause);
/*
 * Forget feed: its advisories, vulnerability texts and its row, inside the
 * open transaction; *records is what it held. HS_ENOENT when no such feed.
 */
int	vulndb_feed_remove(struct vulndb *, const char *feed, int64_t *records,
	    char **cause);
/* Copy the database file from into to (SQLite's online backup). */
int	vulndb_backup(const char *from, const char *to, char **cause);

/*
 * Seconds since the stalest feed was last imported or found current by an
 * update check, or -1 when the database holds none.
 */
int64_t	vulndb_age(struct vulndb *);
int64_t	vulndb_count(struct vulndb *);
/* Whether any advisory is of namespace ("debian:12"): 1, 0, or -1 on error. */
int	vulndb_has_namespace(struct vulndb *, const char *namespace);

/*
 * End of support of a release, by namespace ("ubuntu:18.04"): date is
 * "YYYY-MM-DD", support what ends then ("standard support"). Add one inside
 * the open transaction of feed; look one up (1 found, 0 none, -1 error;
 * *date and *support allocated, NULL when none).
 */
int	vulndb_eol_add(struct vulndb *, const char *feed, const char *namespace,
	    const char *date, const char *support, char **cause);
int	vulndb_eol(struct vulndb *, const char *namespace, char **date,
	    char **support);

/*
 * Every command that writes a database (db update, import, remove) holds
 * PATH.lock (flock) while it does: taken here, waiting up to wait seconds
 * (VULNDB_LOCK_WAIT unless --lock-wait) for another holder, then HS_EIO
 * naming the lock. *fd is the lock to give to vulndb_unlock (which takes -1
 * too).
 */
#define VULNDB_LOCK_WAIT	300
int	vulndb_lock(const char *path, int wait, int *fd, char **cause);
void	vulndb_unlock(int fd);

#endif
