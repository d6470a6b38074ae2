/* The vulnerability database: the only sqlite3 user for advisories. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "util.h"

/*
 * "HSDB" in PRAGMA application_id tells our file from any other SQLite file;
 * PRAGMA user_version is the schema version below.
 */
#define VULNDB_APPLICATION_ID	0x48534442
#define VULNDB_SCHEMA_VERSION	3

/*
 * Schema, version 2. A feed is replaced whole on each import, so every row
 * carries the feed's integer id. The Debian tracker repeats a CVE's
 * description for every package and release: descriptions and links live
 * once per (feed, vulnerability) in vulns. kind is enum pkg_kind (0 source,
 * 1 binary); ecosystem and severity are stored by name ("deb", "High") so the
 * file reads the same whatever the enums become.
 *
 * "hullscan db update" added the feeds columns url, etag, last_modified
 * (the HTTP validators of the last fetch) and checked_at (the last time the
 * feed was found current, a 304 included). They are nullable, so a file
 * without them is still version 1: a writable open adds them (ALTER TABLE),
 * a read-only one reads them as NULL.
 *
 * Version 2 added advisories.last_affected, OSV's inclusive upper bound. It
 * is a version of its own, not a nullable extra: a row (introduced X,
 * last_affected Y) read by a version 1 reader would be open forever, so
 * such a reader must refuse the file. A writable open migrates a version 1
 * file (ALTER TABLE, then user_version 2); a read-only one reads it as it is,
 * every last_affected NULL (version 1 importers skipped those ranges).
 *
 * Version 3 added what language advisories (OSV records of npm, PyPI, Go,
 * crates.io, …) need: advisories.limit_version (OSV's "limit": versions at
 * or above it are outside the range, though it is no fix) and informational
 * (RustSec's "unmaintained", "unsound", "notice": not a vulnerability). A
 * version 2 reader would take a limited range for an open one and an
 * informational notice for a flaw, so it must refuse the file: a version of
 * its own again, migrated the same way.
 *
 * The aliases table (another id of a feed's vulnerability: OSV aliases,
 * upstream, related; an RHSA's CVEs) is an extra, like the feeds columns: a
 * reader without it merges no records, which is what hullscan did before it.
 * A writable open of a file without it creates it and forgets the feeds'
 * validators and hashes, so the next "db update" imports every feed again
 * and fills it.
 *
 * advisories.arch (an rpm architecture the row is for, NULL for every one:
 * Oracle respins one fix at different releases per architecture) is a
 * nullable extra like the feeds columns: a writable open adds it, a
 * read-only one goes without. A reader that does not know it takes every
 * row for every architecture: it may report a fix that is not its
 * architecture's, never miss one.
 *
 * The eol table (a feed's end-of-support dates by namespace, from
 * data/eol.tsv) is another such extra: created by a writable open, absent
 * (no dates known) for a reader of an older file.
 */
#define VULNDB_ALIASES_TABLE \
	"CREATE TABLE IF NOT EXISTS aliases (" \
	"  feed INTEGER NOT NULL," \
	"  vuln_id TEXT NOT NULL," \
	"  alias TEXT NOT NULL," \
	"  kind INTEGER NOT NULL," \
	"  UNIQUE (feed, vuln_id, alias));"

static const char vulndb_schema[] =
	"CREATE TABLE feeds ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  source TEXT,"
	"  sha256 TEXT,"
	"  imported_at INTEGER NOT NULL DEFAULT 0,"
	"  records INTEGER NOT NULL DEFAULT 0,"
	"  url TEXT,"
	"  etag TEXT,"
	"  last_modified TEXT,"
	"  checked_at INTEGER);"
	"CREATE TABLE vulns ("
	"  feed INTEGER NOT NULL,"
	"  id TEXT NOT NULL,"
	"  description TEXT,"
	"  link TEXT,"
	"  UNIQUE (feed, id));"
	"CREATE TABLE advisories ("
	"  feed INTEGER NOT NULL,"
	"  namespace TEXT NOT NULL,"
	"  package TEXT NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  ecosystem TEXT NOT NULL,"
	"  vuln_id TEXT NOT NULL,"
	"  introduced TEXT,"
	"  fixed_version TEXT,"
	"  status TEXT NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  source_severity TEXT,"
	"  last_affected TEXT,"
	"  limit_version TEXT,"
	"  informational TEXT,"
	"  arch TEXT);"
	"CREATE INDEX advisories_lookup ON advisories (namespace, kind, package);"
	"CREATE INDEX advisories_feed ON advisories (feed);"
	VULNDB_ALIASES_TABLE;

enum {
	ST_FEED_FIND,
	ST_FEED_INSERT,
	ST_FEED_UPDATE,
	ST_FEED_DONE,
	ST_DEL_ADVISORIES,
	ST_DEL_VULNS,
	ST_ADD,
	ST_ADD_VULN,
	ST_LOOKUP,		/* built from the file's columns by db_lookup_sql() */
	ST_LOOKUP_MANY,		/* built from ST_LOOKUP by db_lookup_many_stmt() */
	ST_FEED_CHECKED,
	ST_FEED_RECORDS,
	ST_FEED_DELETE,
	ST_NAMESPACE,
	ST_ADD_ALIAS,
	ST_DEL_ALIASES,
	ST_DEL_EOL,
	ST_ADD_EOL,
	ST_EOL,
	ST_MAX
};

/*
 * A lookup's aliases column: "<kind><id>" lines, or NULL. A file without
 * the aliases table reads NULL.
 */
#define LOOKUP_ALIASES \
	"(SELECT group_concat(x.kind || x.alias, char(10)) FROM aliases x" \
	" WHERE x.feed = a.feed AND x.vuln_id = a.vuln_id)"

static const char *vulndb_sql[ST_MAX] = {
	[ST_FEED_FIND] = "SELECT id FROM feeds WHERE name = ?1",
	[ST_FEED_INSERT] = "INSERT INTO feeds (name, source, sha256, imported_at, records)"
	    " VALUES (?1, ?2, ?3, ?4, 0)",
	[ST_FEED_UPDATE] = "UPDATE feeds SET source = ?2, sha256 = ?3, imported_at = ?4,"
	    " records = 0, url = NULL, etag = NULL, last_modified = NULL WHERE id = ?1",
	[ST_FEED_DONE] = "UPDATE feeds SET records = ?2, imported_at = ?3 WHERE id = ?1",
	[ST_DEL_ADVISORIES] = "DELETE FROM advisories WHERE feed = ?1",
	[ST_DEL_VULNS] = "DELETE FROM vulns WHERE feed = ?1",
	[ST_ADD] = "INSERT INTO advisories (feed, namespace, package, kind, ecosystem,"
	    " vuln_id, introduced, fixed_version, status, severity, source_severity,"
	    " last_affected, limit_version, informational, arch)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_ADD_VULN] = "INSERT OR IGNORE INTO vulns (feed, id, description, link)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[ST_FEED_CHECKED] = "UPDATE feeds SET url = ?2, etag = ?3, last_modified = ?4,"
	    " checked_at = ?5 WHERE name = ?1",
	[ST_FEED_RECORDS] = "SELECT count(*) FROM advisories WHERE feed = ?1",
	[ST_FEED_DELETE] = "DELETE FROM feeds WHERE id = ?1",
	[ST_NAMESPACE] = "SELECT 1 FROM advisories WHERE namespace = ?1 LIMIT 1",
	[ST_ADD_ALIAS] = "INSERT OR IGNORE INTO aliases (feed, vuln_id, alias, kind)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[ST_DEL_ALIASES] = "DELETE FROM aliases WHERE feed = ?1",
	[ST_DEL_EOL] = "DELETE FROM eol WHERE feed = ?1",
	[ST_ADD_EOL] = "INSERT INTO eol (feed, namespace, date, support) VALUES"
	    " (?1, ?2, ?3, ?4)",
	/* Of several feeds naming one release, the latest imported decides. */
	[ST_EOL] = "SELECT e.date, e.support FROM eol e JOIN feeds f ON f.id = e.feed"
	    " WHERE e.namespace = ?1 ORDER BY f.imported_at DESC, e.rowid DESC LIMIT 1",
};


/* The feeds columns "db update" added to schema version 1. */
static const char *vulndb_feed_columns[] = {
	"url TEXT", "etag TEXT", "last_modified TEXT", "checked_at INTEGER",
};

struct vulndb {
	sqlite3		*db;
	char		*path;
	int		 readonly;
	int		 in_tx;
	int		 has_checks;	/* feeds has the update columns */
	int		 has_aliases;	/* the aliases table is there */
	char		*lookup_sql;	/* db_lookup_sql() */
	int		 has_arch;	/* advisories has the arch column */
	int		 has_eol;	/* the eol table is there */
	int64_t		 version;	/* schema version of the file */
	sqlite3_stmt	*st[ST_MAX];	/* prepared on first use, reused */
	char		*feed;		/* feed the last reset or add named */
	int64_t		 feed_id;
	char		*last_vuln;	/* last vulns row written for feed */
	char		*last_alias;	/* last vuln_id whose aliases were written */
	/* The aliases of the row a lookup hands out. */
	char		*alias_text;
	struct advisory_alias alias_v[VULNDB_MAX_ALIASES];
};

static int
db_fail(struct vulndb *vdb, char **cause, const char *what)
{
	return fail(cause, HS_ERR, "%s: %s: %s", vdb->path, what,
	    sqlite3_errmsg(vdb->db));
}

static int
db_exec(struct vulndb *vdb, const char *sql, char **cause)
{
	char	*err = NULL;
	int	 rc;

	if ((rc = sqlite3_exec(vdb->db, sql, NULL, NULL, &err)) != SQLITE_OK) {
		fail(cause, HS_ERR, "%s: %s", vdb->path,
		    err != NULL ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return HS_ERR;
	}
	return 0;
}

/* The statement for index i, prepared once and reset for reuse. */
/*
 * The lookup the file's columns allow: a column an older file lacks (opened
 * read-only, so not migrated) reads NULL. Columns 12-16: last_affected
 * (version 2), limit_version and informational (version 3), the aliases
 * (their table), arch (an extra column).
 */
static const char *
db_lookup_sql(struct vulndb *vdb)
{
	if (vdb->lookup_sql == NULL)
		vdb->lookup_sql = xasprintf("SELECT a.namespace, a.package, a.kind,"
		    " a.ecosystem, a.vuln_id, a.introduced, a.fixed_version, a.status,"
		    " a.severity, a.source_severity, v.description, v.link,"
		    " %s, %s, %s, %s, %s"
		    " FROM advisories a LEFT JOIN vulns v ON v.feed = a.feed AND"
		    " v.id = a.vuln_id"
		    " WHERE a.namespace = ?1 AND a.kind = ?2 AND a.package = ?3"
		    " ORDER BY a.vuln_id, a.feed",
		    vdb->version >= 2 ? "a.last_affected" : "NULL",
		    vdb->version >= 3 ? "a.limit_version" : "NULL",
		    vdb->version >= 3 ? "a.informational" : "NULL",
		    vdb->has_aliases ? LOOKUP_ALIASES : "NULL",
		    vdb->has_arch ? "a.arch" : "NULL");
	return vdb->lookup_sql;
}

static sqlite3_stmt *
db_stmt(struct vulndb *vdb, int i, char **cause)
{
	if (vdb->st[i] == NULL) {
		if (sqlite3_prepare_v3(vdb->db, i == ST_LOOKUP ? db_lookup_sql(vdb) :
		    vulndb_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &vdb->st[i], NULL) != SQLITE_OK) {
			db_fail(vdb, cause, "prepare");
			return NULL;
		}
	} else {
		sqlite3_reset(vdb->st[i]);
		sqlite3_clear_bindings(vdb->st[i]);
	}
	return vdb->st[i];
}

/* Run a statement that returns no rows. */
static int
db_step_done(struct vulndb *vdb, sqlite3_stmt *st, char **cause)
{
	int	rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(vdb, cause, "write");
	return 0;
}

static int
db_pragma_int(struct vulndb *vdb, const char *sql, int64_t *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(vdb->db, sql, -1, &st, NULL) != SQLITE_OK)
		return HS_ERR;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : HS_ERR;
}

static const char *
db_not_ours(void)
{
	return "not a hullscan vulnerability database";
}

/* The advisories columns versions 2 and 3 added. */
static const char *vulndb_advisory_columns[] = {
	"last_affected", "limit_version", "informational",
};

/* Add the advisories columns a file lacks (inside the caller's transaction). */
static int
db_add_columns(struct vulndb *vdb, char **cause)
{
	sqlite3_stmt	*st;
	const char	*name;
	char		*sql;
	size_t		 i;
	int		 have[NELEM(vulndb_advisory_columns)] = { 0 };

	if (sqlite3_prepare_v2(vdb->db, "PRAGMA table_info(advisories)", -1, &st,
	    NULL) != SQLITE_OK)
		return db_fail(vdb, cause, "read schema");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((name = (const char *)sqlite3_column_text(st, 1)) == NULL)
			continue;
		for (i = 0; i < NELEM(vulndb_advisory_columns); i++)
			have[i] |= strcmp(name, vulndb_advisory_columns[i]) == 0;
	}
	sqlite3_finalize(st);
	for (i = 0; i < NELEM(vulndb_advisory_columns); i++) {
		if (have[i])
			continue;
		sql = xasprintf("ALTER TABLE advisories ADD COLUMN %s TEXT",
		    vulndb_advisory_columns[i]);
		if (db_exec(vdb, sql, cause) != 0) {
			free(sql);
			return HS_ERR;
		}
		free(sql);
	}
	return 0;
}

/*
 * Bring a writable version 1 or 2 file to version 3 in one transaction; the
 * version is read again inside it, as another process may have done it first.
 */
static int
db_migrate(struct vulndb *vdb, char **cause)
{
	int64_t	version;

	if (db_exec(vdb, "BEGIN IMMEDIATE", cause) != 0)
		return HS_ERR;
	if (db_pragma_int(vdb, "PRAGMA user_version", &version) != 0) {
		sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
		return db_fail(vdb, cause, "read schema version");
	}
	if (version < VULNDB_SCHEMA_VERSION && (db_add_columns(vdb, cause) != 0 ||
	    db_exec(vdb, "PRAGMA user_version = 3", cause) != 0)) {
		sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
		return HS_ERR;
	}
	if (db_exec(vdb, "COMMIT", cause) != 0) {
		sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
		return HS_ERR;
	}
	vdb->version = VULNDB_SCHEMA_VERSION;
	return 0;
}

/* Check the file is ours and its schema one we know; create it when empty. */
static int
db_check_schema(struct vulndb *vdb, int flags, char **cause)
{
	int64_t	 app, version, tables;
	char	*sql;
	int	 rc;

	/* One read transaction: the three answers describe the same file. */
	if (sqlite3_exec(vdb->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    db_pragma_int(vdb, "PRAGMA application_id", &app) != 0 ||
	    db_pragma_int(vdb, "PRAGMA user_version", &version) != 0 ||
	    db_pragma_int(vdb, "SELECT count(*) FROM sqlite_master", &tables) != 0 ||
	    sqlite3_exec(vdb->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail(cause, HS_EINVAL, "%s: %s (%s)", vdb->path, db_not_ours(),
		    sqlite3_errmsg(vdb->db));
		sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (app == 0 && version == 0 && tables == 0 && (flags & VULNDB_CREATE)) {
		sql = xasprintf("BEGIN; %s PRAGMA application_id = %d;"
		    " PRAGMA user_version = %d; COMMIT;", vulndb_schema,
		    VULNDB_APPLICATION_ID, VULNDB_SCHEMA_VERSION);
		if (db_exec(vdb, sql, cause) != 0) {
			free(sql);
			sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
			return HS_ERR;
		}
		free(sql);
		vdb->version = VULNDB_SCHEMA_VERSION;
		return 0;
	}
	if (app != VULNDB_APPLICATION_ID || version < 1)
		return fail(cause, HS_EINVAL, "%s: %s", vdb->path, db_not_ours());
	if (version > VULNDB_SCHEMA_VERSION) {
		return fail(cause, HS_EINVAL, "%s: vulnerability database schema version"
		    " %lld is newer than this hullscan reads (%d): upgrade hullscan or"
		    " rebuild the database", vdb->path, (long long)version,
		    VULNDB_SCHEMA_VERSION);
	}
	vdb->version = version;
	if (version < VULNDB_SCHEMA_VERSION && !vdb->readonly)
		return db_migrate(vdb, cause);
	return 0;
}

static int
db_has_arch(struct vulndb *vdb, int *has, char **cause)
{
	sqlite3_stmt	*st;
	const char	*name;

	*has = 0;
	if (sqlite3_prepare_v2(vdb->db, "PRAGMA table_info(advisories)", -1, &st,
	    NULL) != SQLITE_OK)
		return db_fail(vdb, cause, "read schema");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((name = (const char *)sqlite3_column_text(st, 1)) != NULL &&
		    strcmp(name, "arch") == 0)
			*has = 1;
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * Does advisories have arch? A writable database gets it, in a transaction
 * that looks again: another process may have added it first.
 */
static int
db_check_arch(struct vulndb *vdb, char **cause)
{
	int64_t	n;
	int	has;

	if (db_pragma_int(vdb, "SELECT count(*) FROM sqlite_master WHERE type ="
	    " 'table' AND name = 'eol'", &n) != 0)
		return db_fail(vdb, cause, "read schema");
	vdb->has_eol = n > 0;
	if (!vdb->has_eol && !vdb->readonly) {
		if (db_exec(vdb, "CREATE TABLE IF NOT EXISTS eol (feed INTEGER NOT"
		    " NULL, namespace TEXT NOT NULL, date TEXT NOT NULL, support"
		    " TEXT); CREATE INDEX IF NOT EXISTS eol_namespace ON eol"
		    " (namespace)", cause) != 0)
			return HS_ERR;
		vdb->has_eol = 1;
	}
	if (db_has_arch(vdb, &vdb->has_arch, cause) != 0)
		return HS_ERR;
	if (vdb->has_arch || vdb->readonly)
		return 0;
	if (db_exec(vdb, "BEGIN IMMEDIATE", cause) != 0)
		return HS_ERR;
	if (db_has_arch(vdb, &has, cause) != 0 || (!has && db_exec(vdb,
	    "ALTER TABLE advisories ADD COLUMN arch TEXT", cause) != 0) ||
	    db_exec(vdb, "COMMIT", cause) != 0) {
		sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
		return HS_ERR;
	}
	vdb->has_arch = 1;
	return 0;
}

/*
 * Does feeds have the "db update" columns? A writable database gets the
 * missing ones; a read-only one goes without.
 */
static int
db_check_columns(struct vulndb *vdb, char **cause)
{
	sqlite3_stmt	*st;
	const char	*name;
	char		*sql;
	size_t		 i, n;
	int		 have[NELEM(vulndb_feed_columns)] = { 0 }, missing = 0, rc;

	if (sqlite3_prepare_v2(vdb->db, "PRAGMA table_info(feeds)", -1, &st,
	    NULL) != SQLITE_OK)
		return db_fail(vdb, cause, "read schema");
	while (sqlite3_step(st) == SQLITE_ROW) {
		if ((name = (const char *)sqlite3_column_text(st, 1)) == NULL)
			continue;
		for (i = 0; i < NELEM(vulndb_feed_columns); i++) {
			n = strcspn(vulndb_feed_columns[i], " ");
			if (strlen(name) == n &&
			    strncmp(name, vulndb_feed_columns[i], n) == 0)
				have[i] = 1;
		}
	}
	sqlite3_finalize(st);
	if ((rc = db_check_arch(vdb, cause)) != 0)
		return rc;
	for (i = 0; i < NELEM(vulndb_feed_columns); i++)
		missing += !have[i];
	if (missing == 0) {
		vdb->has_checks = 1;
		return 0;
	}
	if (vdb->readonly)
		return 0;
	if (db_exec(vdb, "BEGIN IMMEDIATE", cause) != 0)
		return HS_ERR;
	for (i = 0; i < NELEM(vulndb_feed_columns); i++) {
		if (have[i])
			continue;
		sql = xasprintf("ALTER TABLE feeds ADD COLUMN %s",
		    vulndb_feed_columns[i]);
		if (db_exec(vdb, sql, cause) != 0) {
			free(sql);
			sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
			return HS_ERR;
		}
		free(sql);
	}
	if (db_exec(vdb, "COMMIT", cause) != 0) {
		sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
		return HS_ERR;
	}
	vdb->has_checks = 1;
	return 0;
}

/*
 * Is the aliases table there? A writable file without it gets it, and its
 * feeds are marked for import again (see the schema's comment).
 */
static int
db_check_aliases(struct vulndb *vdb, char **cause)
{
	int64_t	n = 0, feeds = 0;

	if (db_pragma_int(vdb, "SELECT count(*) FROM sqlite_master WHERE type ="
	    " 'table' AND name = 'aliases'", &n) != 0)
		return db_fail(vdb, cause, "read schema");
	if (n > 0 || vdb->readonly) {
		vdb->has_aliases = n > 0;
		return 0;
	}
	if (db_exec(vdb, "BEGIN IMMEDIATE", cause) != 0)
		return HS_ERR;
	if (db_exec(vdb, VULNDB_ALIASES_TABLE, cause) != 0 ||
	    db_pragma_int(vdb, "SELECT count(*) FROM feeds", &feeds) != 0 ||
	    (feeds > 0 && db_exec(vdb, "UPDATE feeds SET sha256 = NULL, etag = NULL,"
	    " last_modified = NULL", cause) != 0) ||
	    db_exec(vdb, "COMMIT", cause) != 0) {
		sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
		return HS_ERR;
	}
	if (feeds > 0)
		log_info("%s: the database now keeps each advisory's aliases: its %lld"
		    " feeds will be imported again by the next update", vdb->path,
		    (long long)feeds);
	vdb->has_aliases = 1;
	return 0;
}

int
vulndb_open(const char *path, int flags, struct vulndb **out, char **cause)
{
	struct vulndb	*vdb;
	struct stat	 st;
	int		 oflags, rc;

	*out = NULL;
	if (stat(path, &st) == -1) {
		if (errno != ENOENT)
			return fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
		if (!(flags & VULNDB_CREATE)) {
			return fail(cause, HS_ENOENT, "vulnerability database %s not"
			    " found: run 'hullscan db import' or 'hullscan db update'",
			    path);
		}
		if ((rc = mkdir_parents(path, cause)) != 0)
			return rc;
	} else if (!S_ISREG(st.st_mode))
		return fail(cause, HS_EINVAL, "%s: not a regular file", path);

	vdb = xcalloc(1, sizeof *vdb);
	vdb->path = xstrdup(path);
	vdb->feed_id = -1;
	vdb->readonly = !(flags & (VULNDB_CREATE | VULNDB_WRITE));
	if (vdb->readonly)
		oflags = SQLITE_OPEN_READONLY;
	else if (flags & VULNDB_CREATE)
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	else
		oflags = SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, &vdb->db, oflags, NULL) != SQLITE_OK) {
		if (vdb->db == NULL)
			fail(cause, HS_EIO, "%s: cannot open", path);
		else
			db_fail(vdb, cause, "open");
		vulndb_close(vdb);
		return HS_EIO;
	}
	sqlite3_busy_timeout(vdb->db, 10000);
	if ((rc = db_check_schema(vdb, flags, cause)) != 0 ||
	    (rc = db_check_columns(vdb, cause)) != 0 ||
	    (rc = db_check_aliases(vdb, cause)) != 0) {
		vulndb_close(vdb);
		return rc;
	}
	/*
	 * The file is rebuilt or replaced whole: a rollback journal is enough,
	 * and a large page cache keeps index building in memory on import.
	 */
	if (!vdb->readonly && db_exec(vdb, "PRAGMA synchronous = NORMAL;"
	    " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;", cause) != 0) {
		vulndb_close(vdb);
		return HS_ERR;
	}
	*out = vdb;
	return 0;
}

void
vulndb_close(struct vulndb *vdb)
{
	int	i;

	if (vdb == NULL)
		return;
	if (vdb->in_tx)
		vulndb_rollback(vdb);
	for (i = 0; i < ST_MAX; i++)
		sqlite3_finalize(vdb->st[i]);
	sqlite3_close(vdb->db);
	free(vdb->feed);
	free(vdb->last_vuln);
	free(vdb->last_alias);
	free(vdb->alias_text);
	free(vdb->lookup_sql);
	free(vdb->path);
	free(vdb);
}

static void
db_forget_feed(struct vulndb *vdb)
{
	free(vdb->feed);
	vdb->feed = NULL;
	vdb->feed_id = -1;
	free(vdb->last_vuln);
	vdb->last_vuln = NULL;
	free(vdb->last_alias);
	vdb->last_alias = NULL;
}

int
vulndb_begin(struct vulndb *vdb, char **cause)
{
	if (vdb->readonly)
		return fail(cause, HS_EINVAL, "%s: opened read-only", vdb->path);
	if (vdb->in_tx)
		return fail(cause, HS_EINVAL, "%s: transaction already open", vdb->path);
	if (db_exec(vdb, "BEGIN IMMEDIATE", cause) != 0)
		return HS_ERR;
	vdb->in_tx = 1;
	db_forget_feed(vdb);
	return 0;
}

int
vulndb_commit(struct vulndb *vdb, char **cause)
{
	if (!vdb->in_tx)
		return fail(cause, HS_EINVAL, "%s: no transaction open", vdb->path);
	if (db_exec(vdb, "COMMIT", cause) != 0) {
		vulndb_rollback(vdb);
		return HS_ERR;
	}
	vdb->in_tx = 0;
	db_forget_feed(vdb);
	return 0;
}

void
vulndb_rollback(struct vulndb *vdb)
{
	int	i;

	if (vdb == NULL || !vdb->in_tx)
		return;
	for (i = 0; i < ST_MAX; i++) {
		if (vdb->st[i] != NULL)
			sqlite3_reset(vdb->st[i]);
	}
	sqlite3_exec(vdb->db, "ROLLBACK", NULL, NULL, NULL);
	vdb->in_tx = 0;
	db_forget_feed(vdb);
}

/* Find the id of feed; HS_ENOENT when it has none yet. */
static int
db_feed_id(struct vulndb *vdb, const char *feed, int64_t *id, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (vdb->feed != NULL && strcmp(vdb->feed, feed) == 0) {
		*id = vdb->feed_id;
		return 0;
	}
	if ((st = db_stmt(vdb, ST_FEED_FIND, cause)) == NULL)
		return HS_ERR;
	sqlite3_bind_text(st, 1, feed, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		db_forget_feed(vdb);
		vdb->feed = xstrdup(feed);
		vdb->feed_id = *id;
		return 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(vdb, cause, "read feeds");
	return fail(cause, HS_ENOENT, "%s: no feed named %s", vdb->path, feed);
}

static void
bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int
vulndb_feed_reset(struct vulndb *vdb, const char *feed, const char *source,
    const char *sha256, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if (vdb->readonly)
		return fail(cause, HS_EINVAL, "%s: opened read-only", vdb->path);
	rc = db_feed_id(vdb, feed, &id, cause);
	if (rc == HS_ENOENT) {
		if ((st = db_stmt(vdb, ST_FEED_INSERT, cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_text(st, 1, feed, -1, SQLITE_STATIC);
		bind_text_or_null(st, 2, source);
		bind_text_or_null(st, 3, sha256);
		sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
		id = sqlite3_last_insert_rowid(vdb->db);
	} else if (rc != 0)
		return rc;
	else {
		if ((st = db_stmt(vdb, ST_DEL_ADVISORIES, cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_int64(st, 1, id);
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
		if ((st = db_stmt(vdb, ST_DEL_VULNS, cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_int64(st, 1, id);
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
		if ((st = db_stmt(vdb, ST_DEL_ALIASES, cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_int64(st, 1, id);
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
		if (vdb->has_eol) {
			if ((st = db_stmt(vdb, ST_DEL_EOL, cause)) == NULL)
				return HS_ERR;
			sqlite3_bind_int64(st, 1, id);
			if (db_step_done(vdb, st, cause) != 0)
				return HS_ERR;
		}
		if ((st = db_stmt(vdb, ST_FEED_UPDATE, cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_int64(st, 1, id);
		bind_text_or_null(st, 2, source);
		bind_text_or_null(st, 3, sha256);
		sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
	}
	db_forget_feed(vdb);
	vdb->feed = xstrdup(feed);
	vdb->feed_id = id;
	return 0;
}

int
vulndb_feed_done(struct vulndb *vdb, const char *feed, int64_t records, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if ((rc = db_feed_id(vdb, feed, &id, cause)) != 0)
		return rc;
	if ((st = db_stmt(vdb, ST_FEED_DONE, cause)) == NULL)
		return HS_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, records);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	return db_step_done(vdb, st, cause);
}

/* Store a's aliases (those not a's own id, each once) under feed id. */
static int
db_add_aliases(struct vulndb *vdb, int64_t id, const struct advisory *a,
    char **cause)
{
	sqlite3_stmt	*st;
	size_t		 i;

	if (!vdb->has_aliases)
		return 0;
	for (i = 0; i < a->naliases && i < VULNDB_MAX_ALIASES; i++) {
		if (a->aliases[i].id == NULL || *a->aliases[i].id == '\0' ||
		    strchr(a->aliases[i].id, '\n') != NULL ||
		    strcmp(a->aliases[i].id, a->vuln_id) == 0)
			continue;
		if ((st = db_stmt(vdb, ST_ADD_ALIAS, cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, a->vuln_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a->aliases[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, a->aliases[i].kind);
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
	}
	return 0;
}

int
vulndb_add(struct vulndb *vdb, const char *feed, const struct advisory *a,
    char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if (a->namespace == NULL || a->package == NULL || a->vuln_id == NULL ||
	    a->status == NULL || *a->namespace == '\0' || *a->package == '\0' ||
	    *a->vuln_id == '\0') {
		return fail(cause, HS_EINVAL, "advisory %s: namespace, package, id"
		    " and status are required", a->vuln_id != NULL ? a->vuln_id : "?");
	}
	if ((rc = db_feed_id(vdb, feed, &id, cause)) != 0)
		return rc;

	if ((a->description != NULL || a->link != NULL) &&
	    (vdb->last_vuln == NULL || strcmp(vdb->last_vuln, a->vuln_id) != 0)) {
		if ((st = db_stmt(vdb, ST_ADD_VULN, cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, a->vuln_id, -1, SQLITE_STATIC);
		bind_text_or_null(st, 3, a->description);
		bind_text_or_null(st, 4, a->link);
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
		free(vdb->last_vuln);
		vdb->last_vuln = xstrdup(a->vuln_id);
	}

	if (a->naliases > 0 && (vdb->last_alias == NULL ||
	    strcmp(vdb->last_alias, a->vuln_id) != 0)) {
		if ((rc = db_add_aliases(vdb, id, a, cause)) != 0)
			return rc;
		free(vdb->last_alias);
		vdb->last_alias = xstrdup(a->vuln_id);
	}

	if ((st = db_stmt(vdb, ST_ADD, cause)) == NULL)
		return HS_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, a->namespace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->package, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, a->kind);
	sqlite3_bind_text(st, 5, ecosystem_name(a->ecosystem), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->vuln_id, -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, a->introduced);
	bind_text_or_null(st, 8, a->fixed_version);
	sqlite3_bind_text(st, 9, a->status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, severity_name(a->severity), -1, SQLITE_STATIC);
	bind_text_or_null(st, 11, a->source_severity);
	bind_text_or_null(st, 12, a->last_affected);
	bind_text_or_null(st, 13, a->limit_version);
	bind_text_or_null(st, 14, a->informational);
	bind_text_or_null(st, 15, a->arch);
	return db_step_done(vdb, st, cause);
}

static const char *
column_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Point a->aliases at the "<kind><id>" lines of text, copied into vdb. */
static void
db_lookup_aliases(struct vulndb *vdb, const char *text, struct advisory *a)
{
	char	*p, *nl;
	int	 kind;

	free(vdb->alias_text);
	vdb->alias_text = NULL;
	if (text == NULL)
		return;
	vdb->alias_text = xstrdup(text);
	for (p = vdb->alias_text; p != NULL && *p != '\0' &&
	    a->naliases < VULNDB_MAX_ALIASES; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		kind = *p - '0';
		if (kind < ALIAS_SAME || kind > ALIAS_RELATED || p[1] == '\0')
			continue;
		vdb->alias_v[a->naliases].kind = kind;
		vdb->alias_v[a->naliases++].id = p + 1;
	}
	a->aliases = vdb->alias_v;
}

/* One row of a lookup statement as an advisory; 0 when it lacks what every advisory has. */
static int
db_lookup_row(struct vulndb *vdb, sqlite3_stmt *st, struct advisory *a)
{
	const char	*s;

	memset(a, 0, sizeof *a);
	a->namespace = column_text(st, 0);
	a->package = column_text(st, 1);
	a->kind = sqlite3_column_int(st, 2);
	a->ecosystem = ecosystem_from_name((s = column_text(st, 3)) != NULL ?
	    s : "");
	a->vuln_id = column_text(st, 4);
	a->introduced = column_text(st, 5);
	a->fixed_version = column_text(st, 6);
	a->status = column_text(st, 7);
	if ((s = column_text(st, 8)) == NULL ||
	    severity_parse(s, &a->severity) != 0)
		a->severity = SEV_UNKNOWN;
	a->source_severity = column_text(st, 9);
	a->description = column_text(st, 10);
	a->link = column_text(st, 11);
	a->last_affected = column_text(st, 12);
	a->limit_version = column_text(st, 13);
	a->informational = column_text(st, 14);
	db_lookup_aliases(vdb, column_text(st, 15), a);
	a->arch = column_text(st, 16);
	return a->vuln_id != NULL && a->status != NULL;
}

/* Step st to its end, calling cb on each advisory; st is reset. */
static int
db_lookup_walk(struct vulndb *vdb, sqlite3_stmt *st, vulndb_cb cb, void *arg,
    char **cause)
{
	struct advisory	a;
	int		rc, r = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!db_lookup_row(vdb, st, &a))
			continue;
		if ((r = cb(&a, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return db_fail(vdb, cause, "lookup");
	}
	sqlite3_reset(st);
	return r;
}

/* The lookup statement a file of this schema version answers. */

int
vulndb_lookup(struct vulndb *vdb, const char *namespace, enum pkg_kind kind,
    const char *package, vulndb_cb cb, void *arg, char **cause)
{
	sqlite3_stmt		*st;

	if ((st = db_stmt(vdb, ST_LOOKUP, cause)) == NULL)
		return HS_ERR;
	sqlite3_bind_text(st, 1, namespace, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_text(st, 3, package, -1, SQLITE_STATIC);
	return db_lookup_walk(vdb, st, cb, arg, cause);
}

/*
 * The many-package lookup: the columns and joins of the one-package lookup,
 * "package IN (?3, …)" with LOOKUP_BATCH names, ordered by package too.
 * Prepared once, like the others.
 */
#define LOOKUP_BATCH	200

static sqlite3_stmt *
db_lookup_many_stmt(struct vulndb *vdb, char **cause)
{
	const char	*one, *where;
	struct buf	 sql;
	int		 i, rc;

	if (vdb->st[ST_LOOKUP_MANY] != NULL) {
		sqlite3_reset(vdb->st[ST_LOOKUP_MANY]);
		sqlite3_clear_bindings(vdb->st[ST_LOOKUP_MANY]);
		return vdb->st[ST_LOOKUP_MANY];
	}
	one = db_lookup_sql(vdb);
	if ((where = strstr(one, " WHERE a.namespace ")) == NULL) {
		fail(cause, HS_ERR, "%s: no lookup statement", vdb->path);
		return NULL;
	}
	buf_init(&sql);
	buf_add(&sql, one, where - one);
	buf_printf(&sql, " WHERE a.namespace = ?1 AND a.kind = ?2 AND a.package IN (");
	for (i = 0; i < LOOKUP_BATCH; i++)
		buf_printf(&sql, "%s?%d", i == 0 ? "" : ",", i + 3);
	buf_printf(&sql, ") ORDER BY a.package, a.vuln_id, a.feed");
	rc = sqlite3_prepare_v3(vdb->db, sql.data, -1, SQLITE_PREPARE_PERSISTENT,
	    &vdb->st[ST_LOOKUP_MANY], NULL);
	buf_free(&sql);
	if (rc != SQLITE_OK) {
		db_fail(vdb, cause, "prepare");
		return NULL;
	}
	return vdb->st[ST_LOOKUP_MANY];
}

static int
db_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
vulndb_lookup_many(struct vulndb *vdb, const char *namespace, enum pkg_kind kind,
    const char *const *names, size_t n, vulndb_cb cb, void *arg, char **cause)
{
	sqlite3_stmt	 *st;
	const char	**sorted;
	size_t		  i, j, nsorted, done;
	int		  r = 0;

	if (n == 0)
		return 0;
	/* Sorted and unique: each name in one batch, rows in package order. */
	sorted = xreallocarray(NULL, n, sizeof *sorted);
	memcpy(sorted, names, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, db_name_cmp);
	for (i = 1, nsorted = 1; i < n; i++) {
		if (strcmp(sorted[i], sorted[nsorted - 1]) != 0)
			sorted[nsorted++] = sorted[i];
	}
	for (done = 0; r == 0 && done < nsorted; done += j) {
		if ((st = db_lookup_many_stmt(vdb, cause)) == NULL) {
			r = HS_ERR;
			break;
		}
		sqlite3_bind_text(st, 1, namespace, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, kind);
		for (j = 0; j < LOOKUP_BATCH && done + j < nsorted; j++)
			sqlite3_bind_text(st, (int)j + 3, sorted[done + j], -1,
			    SQLITE_STATIC);
		r = db_lookup_walk(vdb, st, cb, arg, cause);
	}
	free(sorted);
	return r;
}

int
vulndb_feeds(struct vulndb *vdb, vulndb_feed_cb cb, void *arg, char **cause)
{
	sqlite3_stmt		*st;
	struct vulndb_feed	 f;
	const char		*sql;
	int			 rc, r = 0;

	sql = vdb->has_checks ? "SELECT name, source, sha256, imported_at, records,"
	    " url, etag, last_modified, checked_at FROM feeds ORDER BY name" :
	    "SELECT name, source, sha256, imported_at, records, NULL, NULL, NULL,"
	    " NULL FROM feeds ORDER BY name";
	if (sqlite3_prepare_v2(vdb->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(vdb, cause, "read feeds");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		f.name = column_text(st, 0);
		f.source = column_text(st, 1);
		f.sha256 = column_text(st, 2);
		f.imported_at = sqlite3_column_int64(st, 3);
		f.records = sqlite3_column_int64(st, 4);
		f.url = column_text(st, 5);
		f.etag = column_text(st, 6);
		f.last_modified = column_text(st, 7);
		f.checked_at = sqlite3_column_type(st, 8) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(st, 8);
		if (f.name == NULL)
			continue;
		if ((r = cb(&f, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = db_fail(vdb, cause, "read feeds");
	sqlite3_finalize(st);
	return r;
}

int64_t
vulndb_age(struct vulndb *vdb)
{
	sqlite3_stmt	*st;
	int64_t		 age = -1, now;

	const char	*sql;

	/*
	 * A feed is as fresh as its last import or its last check that found
	 * it current (a 304); the database is as old as its stalest feed.
	 */
	sql = vdb->has_checks ? "SELECT min(max(imported_at, coalesce(checked_at, 0)))"
	    " FROM feeds" : "SELECT min(imported_at) FROM feeds";
	if (sqlite3_prepare_v2(vdb->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		now = time(NULL);
		age = now - sqlite3_column_int64(st, 0);
		if (age < 0)
			age = 0;
	}
	sqlite3_finalize(st);
	return age;
}

int
vulndb_has_namespace(struct vulndb *vdb, const char *namespace)
{
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 r;

	if ((st = db_stmt(vdb, ST_NAMESPACE, &cause)) == NULL) {
		free(cause);
		return -1;
	}
	sqlite3_bind_text(st, 1, namespace, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

int64_t
vulndb_count(struct vulndb *vdb)
{
	int64_t	n;

	if (db_pragma_int(vdb, "SELECT count(*) FROM advisories", &n) != 0)
		return -1;
	return n;
}

int
vulndb_feed_checked(struct vulndb *vdb, const char *feed, const char *url,
    const char *etag, const char *last_modified, int64_t checked_at, char **cause)
{
	sqlite3_stmt	*st;

	if (vdb->readonly || !vdb->has_checks)
		return fail(cause, HS_EINVAL, "%s: opened read-only", vdb->path);
	if ((st = db_stmt(vdb, ST_FEED_CHECKED, cause)) == NULL)
		return HS_ERR;
	sqlite3_bind_text(st, 1, feed, -1, SQLITE_STATIC);
	bind_text_or_null(st, 2, url);
	bind_text_or_null(st, 3, etag);
	bind_text_or_null(st, 4, last_modified);
	sqlite3_bind_int64(st, 5, checked_at);
	if (db_step_done(vdb, st, cause) != 0)
		return HS_ERR;
	if (sqlite3_changes(vdb->db) == 0)
		return fail(cause, HS_ENOENT, "%s: no feed named %s", vdb->path, feed);
	return 0;
}

int
vulndb_feed_remove(struct vulndb *vdb, const char *feed, int64_t *records,
    char **cause)
{
	static const int	 del[] = {
		ST_DEL_ADVISORIES, ST_DEL_VULNS, ST_DEL_ALIASES, ST_DEL_EOL, ST_FEED_DELETE
	};
	sqlite3_stmt		*st;
	int64_t			 id;
	size_t			 i;
	int			 rc;

	*records = 0;
	if (!vdb->in_tx)
		return fail(cause, HS_EINVAL, "%s: no transaction open", vdb->path);
	if ((rc = db_feed_id(vdb, feed, &id, cause)) != 0)
		return rc;
	if ((st = db_stmt(vdb, ST_FEED_RECORDS, cause)) == NULL)
		return HS_ERR;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*records = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_fail(vdb, cause, "read advisories");
	for (i = 0; i < NELEM(del); i++) {
		if (del[i] == ST_DEL_EOL && !vdb->has_eol)
			continue;
		if ((st = db_stmt(vdb, del[i], cause)) == NULL)
			return HS_ERR;
		sqlite3_bind_int64(st, 1, id);
		if (db_step_done(vdb, st, cause) != 0)
			return HS_ERR;
	}
	db_forget_feed(vdb);
	return 0;
}

int
vulndb_backup(const char *from, const char *to, char **cause)
{
	sqlite3		*src = NULL, *dst = NULL;
	sqlite3_backup	*bk;
	int		 rc = HS_ERR;

	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fail(cause, HS_EIO, "%s: %s", from, src != NULL ?
		    sqlite3_errmsg(src) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(src, 10000);
	if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL) != SQLITE_OK) {
		fail(cause, HS_EIO, "%s: %s", to, dst != NULL ?
		    sqlite3_errmsg(dst) : "cannot open");
		goto out;
	}
	if ((bk = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		fail(cause, HS_EIO, "%s: copy to %s: %s", from, to, sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_backup_step(bk, -1);
	if (sqlite3_backup_finish(bk) != SQLITE_OK) {
		fail(cause, HS_EIO, "%s: copy to %s: %s", from, to, sqlite3_errmsg(dst));
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(dst);
	sqlite3_close(src);
	return rc;
}

int
vulndb_lock(const char *path, int wait, int *fd, char **cause)
{
	char	*lock;
	int	 i, rc = 0;

	lock = xasprintf("%s.lock", path);
	if ((*fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) == -1) {
		rc = fail(cause, HS_EIO, "%s: %s", lock, strerror(errno));
		goto out;
	}
	for (i = 0; flock(*fd, LOCK_EX | LOCK_NB) == -1; i++) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = fail(cause, HS_EIO, "%s: lock: %s", lock, strerror(errno));
			break;
		}
		if (i >= wait * 5) {
			rc = fail(cause, HS_EIO, "%s: held by another hullscan for %d s;"
			    " %s not changed", lock, wait, path);
			break;
		}
		if (i == 0)
			log_info("waiting for %s: another hullscan is writing %s",
			    lock, path);
		usleep(200000);
	}
	if (rc != 0) {
		close(*fd);
		*fd = -1;
	}
out:
	free(lock);
	return rc;
}

void
vulndb_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

int
vulndb_eol_add(struct vulndb *vdb, const char *feed, const char *namespace,
    const char *date, const char *support, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc;

	if (!vdb->has_eol)
		return fail(cause, HS_EINVAL, "%s: no end-of-life table", vdb->path);
	if ((rc = db_feed_id(vdb, feed, &id, cause)) != 0)
		return rc;
	if ((st = db_stmt(vdb, ST_ADD_EOL, cause)) == NULL)
		return HS_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, namespace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_STATIC);
	bind_text_or_null(st, 4, support);
	return db_step_done(vdb, st, cause);
}

int
vulndb_eol(struct vulndb *vdb, const char *namespace, char **date, char **support)
{
	sqlite3_stmt	*st;
	char		*cause = NULL;
	const char	*d, *s;
	int		 r;

	*date = *support = NULL;
	if (!vdb->has_eol || namespace == NULL)
		return 0;
	if ((st = db_stmt(vdb, ST_EOL, &cause)) == NULL) {
		free(cause);
		return -1;
	}
	sqlite3_bind_text(st, 1, namespace, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW &&
	    (d = column_text(st, 0)) != NULL) {
		*date = xstrdup(d);
		s = column_text(st, 1);
		*support = s != NULL ? xstrdup(s) : NULL;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}
