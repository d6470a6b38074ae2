/* The scan history: the only sqlite3 user for builds, inventories and findings. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "history.h"
#include "util.h"

#define HISTORY_APPID	0x48534831	/* "HSH1" in PRAGMA application_id */
/*
 * 2: images.warning (an image scanned but not checked).
 * 3: images.key, tagged, key_given (what an image is matched by across
 *    builds); packages.location, purl, layer (language packages);
 *    findings.aliases, ecosystem, location (one finding per vulnerability).
 */
#define HISTORY_SCHEMA	3
#define HISTORY_RETRIES	8		/* whole-transaction retries when busy */
#define HISTORY_BUSY_MS	60000		/* how long one statement waits for a lock */
#define HISTORY_MAX_ROWS 10000000	/* bound on rows read back for one build */
#define HISTORY_MAX_ALIASES 1000	/* aliases read back for one finding */

static const char history_schema[] =
    "CREATE TABLE IF NOT EXISTS builds (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  job TEXT NOT NULL,\n"
    "  build TEXT NOT NULL,\n"
    "  build_url TEXT,\n"
    "  started TEXT NOT NULL,\n"
    "  recorded TEXT NOT NULL,\n"
    "  db_path TEXT,\n"
    "  previous_build TEXT,\n"
    "  exit_status INTEGER NOT NULL DEFAULT 0,\n"
    "  policy_failed INTEGER NOT NULL DEFAULT 0,\n"
    "  policy_summary TEXT,\n"
    "  UNIQUE (job, build));\n"
    "CREATE TABLE IF NOT EXISTS reasons (\n"
    "  build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS reasons_build ON reasons(build_id);\n"
    /* Inventories are shared by content: a nightly sweep stores each once. */
    "CREATE TABLE IF NOT EXISTS inventories (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  sha256 TEXT NOT NULL UNIQUE,\n"
    "  os_id TEXT, os_version_id TEXT, os_codename TEXT,\n"
    "  os_pretty_name TEXT, os_id_like TEXT, os_namespace TEXT);\n"
    "CREATE TABLE IF NOT EXISTS packages (\n"
    "  inventory_id INTEGER NOT NULL REFERENCES inventories(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL, version TEXT NOT NULL,\n"
    "  source_name TEXT NOT NULL, source_version TEXT NOT NULL,\n"
    "  arch TEXT, ecosystem TEXT NOT NULL,\n"
    "  location TEXT, purl TEXT, layer TEXT);\n"
    "CREATE INDEX IF NOT EXISTS packages_inventory ON packages(inventory_id);\n"
    "CREATE TABLE IF NOT EXISTS images (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  reference TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  digest TEXT,\n"
    "  inventory_id INTEGER REFERENCES inventories(id),\n"
    "  error TEXT,\n"
    "  seconds REAL,\n"
    "  warning TEXT,\n"
    "  key TEXT,\n"
    "  tagged TEXT,\n"
    "  key_given INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE INDEX IF NOT EXISTS images_build ON images(build_id);\n"
    "CREATE INDEX IF NOT EXISTS images_name ON images(name, build_id);\n"
    "CREATE INDEX IF NOT EXISTS images_key ON images(key, build_id);\n"
    "CREATE INDEX IF NOT EXISTS images_inventory ON images(inventory_id);\n"
    "CREATE TABLE IF NOT EXISTS texts (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  text TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS findings (\n"
    "  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  vuln_id TEXT NOT NULL,\n"
    "  package TEXT NOT NULL,\n"
    "  installed_version TEXT,\n"
    "  source_name TEXT,\n"
    "  fixed_version TEXT,\n"
    "  severity TEXT NOT NULL,\n"
    "  source_severity TEXT,\n"
    "  status TEXT,\n"
    "  namespace TEXT,\n"
    "  description_id INTEGER REFERENCES texts(id),\n"
    "  link TEXT,\n"
    "  verdict TEXT NOT NULL,\n"
    "  ignore_reason TEXT,\n"
    "  is_new INTEGER,\n"
    "  aliases TEXT,\n"
    "  ecosystem TEXT,\n"
    "  location TEXT,\n"
    "  informational TEXT);\n"
    "CREATE INDEX IF NOT EXISTS findings_image ON findings(image_id);\n"
    "CREATE INDEX IF NOT EXISTS findings_description ON findings(description_id);\n";

/* The columns schemas 2 and 3 added, as "table", "column TYPE". */
static const char *history_columns[][2] = {
	{ "images", "warning TEXT" },
	{ "images", "key TEXT" },
	{ "images", "tagged TEXT" },
	{ "images", "key_given INTEGER NOT NULL DEFAULT 0" },
	{ "packages", "location TEXT" },
	{ "packages", "purl TEXT" },
	{ "packages", "layer TEXT" },
	{ "findings", "aliases TEXT" },
	{ "findings", "ecosystem TEXT" },
	{ "findings", "location TEXT" },
	{ "findings", "informational TEXT" },
};

/*
 * Schema 1 or 2 to 3, in place, after the missing columns are added. An
 * earlier build's image is keyed by its name, as it was compared then,
 * unless the build held several of that name: then by its reference, so
 * each still meets its own successor.
 */
static const char history_migrate_3[] =
    "UPDATE images SET key = CASE WHEN (SELECT count(*) FROM images q WHERE "
    "q.build_id = images.build_id AND q.name = images.name) > 1 THEN "
    "images.reference ELSE images.name END WHERE key IS NULL;\n"
    "CREATE INDEX IF NOT EXISTS images_key ON images(key, build_id);\n"
    "PRAGMA user_version = 3;\n";

/*
 * A file opened read only keeps its schema: what schema 3 added is read as
 * NULL, and an image's key is computed as the migration would store it.
 */
#define LEGACY_KEY(t) \
	"CASE WHEN (SELECT count(*) FROM images q WHERE q.build_id = " t \
	".build_id AND q.name = " t ".name) > 1 THEN " t ".reference ELSE " t \
	".name END"

struct history {
	sqlite3	*db;
	char	*path;
	int	 writable;
	int	 busy;		/* the last error was SQLITE_BUSY / LOCKED */
	int64_t	 version;	/* the file's schema (1 has no images.warning, 2 no keys) */
};

static int
h_fail(struct history *h, char **cause, const char *what)
{
	int	rc = sqlite3_extended_errcode(h->db) & 0xff;

	h->busy = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	return fail(cause, HS_EIO, "%s: %s: %s", h->path, what, sqlite3_errmsg(h->db));
}

static int
h_exec(struct history *h, const char *sql, char **cause)
{
	if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return h_fail(h, cause, sql);
	return 0;
}

static sqlite3_stmt *
h_prepare(struct history *h, const char *sql, char **cause)
{
	sqlite3_stmt	*st = NULL;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
		h_fail(h, cause, "prepare");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static void
bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static const char *
col_cstr(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

/* Run a statement that returns no rows (or whose rows are not wanted). */
static int
step_done(struct history *h, sqlite3_stmt *st, const char *what, char **cause)
{
	int	rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		h_fail(h, cause, what);
		sqlite3_reset(st);
		return HS_EIO;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

/* One integer from a one-row query; *out untouched when no row. */
static int
query_int(struct history *h, const char *sql, int64_t *out, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = h_prepare(h, sql, cause)) == NULL)
		return HS_EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		h_fail(h, cause, sql);
		sqlite3_finalize(st);
		return HS_EIO;
	}
	sqlite3_finalize(st);
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* Refuse anything that is not empty or an SQLite file, before sqlite3 touches it. */
static int
history_check_file(const char *path, int flags, char **cause)
{
	struct stat	sb;
	char		magic[16];
	ssize_t		n;
	int		fd;

	if (stat(path, &sb) != 0) {
		if (errno == ENOENT && (flags & HISTORY_CREATE))
			return mkdir_parents(path, cause);
		if (errno == ENOENT)
			return fail(cause, HS_ENOENT, "%s: no such history file", path);
		return fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(sb.st_mode))
		return fail(cause, HS_EINVAL, "%s: not a regular file", path);
	if (sb.st_size == 0)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
	n = read(fd, magic, sizeof magic);
	close(fd);
	if (n != (ssize_t)sizeof magic || memcmp(magic, "SQLite format 3", 16) != 0)
		return fail(cause, HS_EINVAL, "%s: not a hullscan history (not an SQLite "
		    "database); the file was left untouched", path);
	return 0;
}

/* Add column (its declaration) to table unless the table has it. */
static int
history_add_column(struct history *h, const char *table, const char *column,
    char **cause)
{
	sqlite3_stmt	*st;
	char		*sql;
	size_t		 n = strcspn(column, " ");
	int		 rc, have = 0;

	sql = xasprintf("SELECT count(*) FROM pragma_table_info('%s') WHERE name = "
	    "'%.*s'", table, (int)n, column);
	st = h_prepare(h, sql, cause);
	free(sql);
	if (st == NULL)
		return HS_EIO;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return h_fail(h, cause, "read schema");
	if (have)
		return 0;
	sql = xasprintf("ALTER TABLE %s ADD COLUMN %s", table, column);
	rc = h_exec(h, sql, cause);
	free(sql);
	return rc;
}

/* Create the schema once; another process may be doing the same. */
static int
history_setup(struct history *h, char **cause)
{
	int64_t	 version = 0;
	char	*sql;
	size_t	 i;
	int	 error;

	if (h_exec(h, "BEGIN IMMEDIATE", cause) != 0)
		return HS_EIO;
	if (query_int(h, "PRAGMA user_version", &version, cause) != 0)
		goto fail;
	if (version == 0) {
		if (h_exec(h, history_schema, cause) != 0)
			goto fail;
		sql = xasprintf("PRAGMA application_id = %d; PRAGMA user_version = %d",
		    HISTORY_APPID, HISTORY_SCHEMA);
		error = h_exec(h, sql, cause);
		free(sql);
		if (error != 0)
			goto fail;
	} else if (version < HISTORY_SCHEMA) {
		/* The earlier builds keep no warning, key or aliases. */
		for (i = 0; i < NELEM(history_columns); i++) {
			if (history_add_column(h, history_columns[i][0],
			    history_columns[i][1], cause) != 0)
				goto fail;
		}
		if (h_exec(h, history_migrate_3, cause) != 0)
			goto fail;
	}
	h->version = HISTORY_SCHEMA;
	if (h_exec(h, "COMMIT", cause) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return HS_EIO;
}

static int
history_open_once(struct history *h, int flags, char **cause)
{
	int64_t	appid = 0, version = 0, tables = 0;
	int	oflags;

	oflags = (flags & HISTORY_CREATE) ?
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	if (sqlite3_open_v2(h->path, &h->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		if (h->db == NULL)
			return fail(cause, HS_EIO, "%s: cannot open", h->path);
		return h_fail(h, cause, "open");
	}
	sqlite3_extended_result_codes(h->db, 1);
	sqlite3_busy_timeout(h->db, HISTORY_BUSY_MS);

	/*
	 * One read transaction, so all three answers come from the same state of
	 * the file: another process creating the history between two of them
	 * would otherwise look like a foreign database with tables but no id.
	 */
	if (h_exec(h, "BEGIN", cause) != 0 ||
	    query_int(h, "PRAGMA application_id", &appid, cause) != 0 ||
	    query_int(h, "PRAGMA user_version", &version, cause) != 0 ||
	    query_int(h, "SELECT count(*) FROM sqlite_master", &tables, cause) != 0 ||
	    h_exec(h, "COMMIT", cause) != 0) {
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
		cause_prefix(cause, "not a readable hullscan history");
		return HS_EIO;
	}
	if ((appid != 0 && appid != HISTORY_APPID) || (appid == 0 && tables != 0))
		return fail(cause, HS_EINVAL, "%s: an SQLite database but not a hullscan "
		    "history; the file was left untouched", h->path);
	if (version > HISTORY_SCHEMA)
		return fail(cause, HS_EINVAL, "%s: history schema %lld is newer than this "
		    "hullscan knows (%d)", h->path, (long long)version, HISTORY_SCHEMA);
	h->version = version;
	if (!(flags & HISTORY_CREATE)) {
		if (version == 0)
			return fail(cause, HS_ENOENT, "%s: the history is empty", h->path);
		return 0;
	}
	h->writable = 1;
	if (h_exec(h, "PRAGMA journal_mode = WAL", cause) != 0 ||
	    h_exec(h, "PRAGMA synchronous = FULL", cause) != 0 ||
	    h_exec(h, "PRAGMA foreign_keys = ON", cause) != 0)
		return HS_EIO;
	return history_setup(h, cause);
}

int
history_open(const char *path, int flags, struct history **out, char **cause)
{
	struct history	*h;
	int		 attempt, error;

	*out = NULL;
	if ((error = history_check_file(path, flags, cause)) != 0)
		return error;
	h = xcalloc(1, sizeof *h);
	h->path = xstrdup(path);
	for (attempt = 0;; attempt++) {
		h->busy = 0;
		if ((error = history_open_once(h, flags, cause)) == 0)
			break;
		sqlite3_close(h->db);
		h->db = NULL;
		if (!h->busy || attempt >= HISTORY_RETRIES) {
			history_close(h);
			return error;
		}
		sleep_ms(50L << (attempt < 6 ? attempt : 6));
	}
	*out = h;
	return 0;
}

void
history_close(struct history *h)
{
	if (h == NULL)
		return;
	sqlite3_close(h->db);
	free(h->path);
	free(h);
}

const char *
history_path(const struct history *h)
{
	return h->path;
}

void
history_identity(struct run_result *rr, const char *job, const char *build)
{
	const char	*env;

	if (job == NULL && (env = getenv("JOB_NAME")) != NULL && *env != '\0')
		job = env;
	if (build == NULL && (env = getenv("BUILD_NUMBER")) != NULL && *env != '\0')
		build = env;
	free(rr->job);
	rr->job = xstrdup(job != NULL ? job : "default");
	free(rr->build);
	rr->build = build != NULL ? xstrdup(build) : NULL;
	if ((env = getenv("BUILD_URL")) != NULL && *env != '\0' &&
	    rr->build_url == NULL)
		rr->build_url = xstrdup(env);
}

static char *
iso_now(void)
{
	char		buf[32];
	time_t		t = time(NULL);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static const char *
image_name(const struct image_result *r)
{
	return r->name != NULL ? r->name : r->reference;
}

/* What r is matched by across builds: its key, else its name. */
static const char *
image_key(const struct image_result *r)
{
	return r->key != NULL ? r->key : image_name(r);
}

/* --- Aliases, stored one per line ------------------------------------- */

static char *
aliases_join(const struct finding *f)
{
	struct buf	b;
	size_t		i;

	if (f->naliases == 0)
		return NULL;
	buf_init(&b);
	for (i = 0; i < f->naliases; i++)
		buf_printf(&b, "%s%s", i > 0 ? "\n" : "", f->aliases[i]);
	return buf_steal(&b);
}

static void
aliases_split(const char *s, struct finding *f)
{
	const char	*nl;
	size_t		 n;

	while (s != NULL && *s != '\0' && f->naliases < HISTORY_MAX_ALIASES) {
		n = (nl = strchr(s, '\n')) != NULL ? (size_t)(nl - s) : strlen(s);
		if (n > 0) {
			f->aliases = xreallocarray(f->aliases, f->naliases + 1,
			    sizeof *f->aliases);
			f->aliases[f->naliases++] = xstrndup(s, n);
		}
		s = nl != NULL ? nl + 1 : NULL;
	}
}

/* --- Diff ------------------------------------------------------------- */

struct keyset {
	char	**v;
	size_t	  n;
};

static void
keyset_add(struct keyset *ks, char *key)
{
	if ((ks->n & (ks->n - 1)) == 0)
		ks->v = xreallocarray(ks->v, ks->n == 0 ? 1 : ks->n * 2, sizeof *ks->v);
	ks->v[ks->n++] = key;
}

static void
keyset_sort(struct keyset *ks)
{
	if (ks->n > 1)
		qsort(ks->v, ks->n, sizeof *ks->v, str_cmp_ptr);
}

static int
keyset_has(const struct keyset *ks, const char *key)
{
	if (ks->n == 0)
		return 0;
	return bsearch(&key, ks->v, ks->n, sizeof *ks->v, str_cmp_ptr) != NULL;
}

static void
keyset_clear(struct keyset *ks)
{
	size_t	i;

	for (i = 0; i < ks->n; i++)
		free(ks->v[i]);
	free(ks->v);
	memset(ks, 0, sizeof *ks);
}

/*
 * A finding is the same across builds when package and location match and
 * one of its ids (the id or an alias) is one of the other's: the record
 * merge of a later build (USN-3658-1 folded into CVE-2018-1122) is neither
 * new nor fixed. Its keys are "package\tlocation\tid" for each id.
 */
static char *
finding_key(const struct finding *f, size_t i)
{
	const char	*id = i == 0 ? f->id : f->aliases[i - 1];

	return xasprintf("%s\t%s\t%s", f->package != NULL ? f->package : "",
	    f->location != NULL ? f->location : "", id != NULL ? id : "");
}

static void
keyset_add_finding(struct keyset *ks, const struct finding *f)
{
	size_t	i;

	for (i = 0; i <= f->naliases; i++)
		keyset_add(ks, finding_key(f, i));
}

static int
keyset_has_finding(const struct keyset *ks, const struct finding *f)
{
	char	*key;
	size_t	 i;
	int	 found = 0;

	for (i = 0; !found && i <= f->naliases; i++) {
		key = finding_key(f, i);
		found = keyset_has(ks, key);
		free(key);
	}
	return found;
}

static enum verdict
verdict_parse(const char *s)
{
	if (strcmp(s, verdict_name(VERDICT_FAIL)) == 0)
		return VERDICT_FAIL;
	if (strcmp(s, verdict_name(VERDICT_IGNORED)) == 0)
		return VERDICT_IGNORED;
	return VERDICT_PASS;
}

#define FINDING_COLUMNS_2 \
	"f.vuln_id, f.package, f.installed_version, f.source_name, f.fixed_version, " \
	"f.severity, f.source_severity, f.status, f.namespace, t.text, f.link, " \
	"f.verdict, f.ignore_reason, f.is_new"

/* The finding columns finding_from_row reads, as the file's schema has them. */
static const char *
finding_columns(const struct history *h)
{
	return h->version >= 3 ?
	    FINDING_COLUMNS_2 ", f.aliases, f.ecosystem, f.location, f.informational" :
	    FINDING_COLUMNS_2 ", NULL, NULL, NULL, NULL";
}

static void
finding_from_row(sqlite3_stmt *st, int c, struct finding *f)
{
	enum severity	sev = SEV_UNKNOWN;

	f->id = col_str(st, c + 0);
	f->package = col_str(st, c + 1);
	f->installed_version = col_str(st, c + 2);
	f->source_name = col_str(st, c + 3);
	f->fixed_version = col_str(st, c + 4);
	if (severity_parse(col_cstr(st, c + 5), &sev) != 0)
		sev = SEV_UNKNOWN;
	f->severity = sev;
	f->source_severity = col_str(st, c + 6);
	f->status = col_str(st, c + 7);
	f->namespace = col_str(st, c + 8);
	f->description = col_str(st, c + 9);
	f->link = col_str(st, c + 10);
	f->verdict = verdict_parse(col_cstr(st, c + 11));
	f->ignore_reason = col_str(st, c + 12);
	f->is_new = sqlite3_column_type(st, c + 13) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, c + 13);
	aliases_split((const char *)sqlite3_column_text(st, c + 14), f);
	f->ecosystem = ecosystem_from_name(col_cstr(st, c + 15));
	f->location = col_str(st, c + 16);
	f->informational = col_str(st, c + 17);
}

/* The build row id of job/build (latest of job when build is NULL). */
static int
build_find(struct history *h, const char *job, const char *build, int64_t *id,
    char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = h_prepare(h, "SELECT id FROM builds WHERE (?1 IS NULL OR job = ?1) AND "
	    "(?2 IS NULL OR build = ?2) ORDER BY id DESC LIMIT 1", cause);
	if (st == NULL)
		return HS_EIO;
	bind_str(st, 1, job);
	bind_str(st, 2, build);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	if (rc != SQLITE_DONE) {
		h_fail(h, cause, "find build");
		sqlite3_finalize(st);
		return HS_EIO;
	}
	sqlite3_finalize(st);
	if (build != NULL)
		return fail(cause, HS_ENOENT, "%s: no build %s of job %s", h->path, build,
		    job != NULL ? job : "(any)");
	return fail(cause, HS_ENOENT, "%s: no build of job %s", h->path,
	    job != NULL ? job : "(any)");
}

int
history_has_build(struct history *h, const char *job, const char *build,
    char **cause)
{
	int64_t	id;

	return build_find(h, job, build, &id, cause);
}

static int
finding_same(const struct finding *a, const struct finding *b)
{
	size_t	i, j;

	if (strcmp(a->package, b->package) != 0 || (a->location == NULL) !=
	    (b->location == NULL) || (a->location != NULL &&
	    strcmp(a->location, b->location) != 0))
		return 0;
	for (i = 0; i <= a->naliases; i++) {
		for (j = 0; j <= b->naliases; j++) {
			if (strcmp(i == 0 ? a->id : a->aliases[i - 1],
			    j == 0 ? b->id : b->aliases[j - 1]) == 0)
				return 1;
		}
	}
	return 0;
}

/* Diff one image against the findings st yields (bound by the caller). */
static int
diff_image(struct history *h, sqlite3_stmt *st, struct image_result *r, char **cause)
{
	struct keyset	 cur = { NULL, 0 }, seen = { NULL, 0 };
	struct finding	*f, prev;
	size_t		 i, j, rows = 0;
	int		 rc, found = 0, error = 0;

	for (i = 0; i < r->findings.n; i++)
		keyset_add_finding(&cur, &r->findings.v[i]);
	keyset_sort(&cur);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++rows > HISTORY_MAX_ROWS) {
			error = fail(cause, HS_ELIMIT, "%s: too many findings", h->path);
			goto out;
		}
		found = 1;
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			continue;	/* an image row with no finding */
		memset(&prev, 0, sizeof prev);
		finding_from_row(st, 0, &prev);
		keyset_add_finding(&seen, &prev);
		if (keyset_has_finding(&cur, &prev)) {
			finding_clear(&prev);
			continue;
		}
		f = finding_list_add(&r->fixed);
		*f = prev;
	}
	if (rc != SQLITE_DONE) {
		error = h_fail(h, cause, "diff");
		goto out;
	}
	/* A finding fixed in two images of the same key is listed once. */
	finding_list_sort(&r->fixed);
	if (r->fixed.n > 1) {
		j = 0;
		for (i = 1; i < r->fixed.n; i++) {
			if (finding_same(&r->fixed.v[i], &r->fixed.v[j])) {
				finding_clear(&r->fixed.v[i]);
				continue;
			}
			r->fixed.v[++j] = r->fixed.v[i];
		}
		r->fixed.n = j + 1;
	}
	keyset_sort(&seen);
	r->has_previous = found;
	for (i = 0; i < r->findings.n; i++) {
		f = &r->findings.v[i];
		f->is_new = !found || !keyset_has_finding(&seen, f);
	}
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	keyset_clear(&cur);
	keyset_clear(&seen);
	return error;
}

/*
 * The builds "before" build b of job j: all of them when b is not stored
 * (a scan about to be recorded), else those stored earlier.
 */
#define BUILD_BEFORE(j, b) \
	"COALESCE((SELECT id FROM builds WHERE job = " j " AND build = " b "), " \
	"9223372036854775807)"

/*
 * The images of the history with their keys: the table, or for a file still
 * at schema 2 (opened read only) the keys the migration would store.
 */
static const char *
images_view(const struct history *h)
{
	return h->version >= 3 ? "images" : "(SELECT id, build_id, seq, name, "
	    "reference, error, " LEGACY_KEY("images") " AS key, NULL AS tagged, "
	    "0 AS key_given FROM images)";
}

int
history_diff_run(struct history *h, struct run_result *rr, const char *against,
    char **cause)
{
	sqlite3_stmt		*st = NULL, *prev = NULL;
	struct image_result	*r;
	const char		*job = rr->job != NULL ? rr->job : "default";
	int64_t			 against_id = 0;
	const char		*view;
	char			*sql;
	size_t			 i, j;
	int			 error = 0, rc;

	free(rr->previous_build);
	rr->previous_build = NULL;
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		finding_list_clear(&r->fixed);
		r->has_previous = 0;
		for (j = 0; j < r->findings.n; j++)
			r->findings.v[j].is_new = -1;
	}
	/* One read transaction: every image sees the same snapshot. */
	if (h_exec(h, "BEGIN", cause) != 0)
		return HS_EIO;
	if (against != NULL) {
		if ((error = build_find(h, job, against, &against_id, cause)) != 0)
			goto out;
		rr->previous_build = xstrdup(against);
	} else {
		prev = h_prepare(h, "SELECT build FROM builds WHERE job = ?1 AND "
		    "id < " BUILD_BEFORE("?1", "?2") " ORDER BY id DESC LIMIT 1", cause);
		if (prev == NULL) {
			error = HS_EIO;
			goto out;
		}
		bind_str(prev, 1, job);
		bind_str(prev, 2, rr->build);
		if ((rc = sqlite3_step(prev)) == SQLITE_ROW)
			rr->previous_build = col_str(prev, 0);
		else if (rc != SQLITE_DONE) {
			error = h_fail(h, cause, "previous build");
			goto out;
		}
	}
	/*
	 * An image's predecessor in a build: the image of the same key; or,
	 * unless a key was given, the image of the same name and tag (or the
	 * same reference) that was not keyed by a given key either, when one
	 * of the two builds held several images of that name and the other
	 * one. The build compared with: the named one, or the last earlier
	 * build of the job that scanned a predecessor. Never the images of
	 * another key: what they hold is not this image's.
	 */
	view = images_view(h);
	sql = xasprintf(
	    "WITH cand AS (SELECT q.id, q.build_id, q.seq FROM ("
	    "  SELECT id, build_id, seq, error FROM %s WHERE key = ?5"
	    "  UNION SELECT id, build_id, seq, error FROM %s WHERE ?8 = 0 AND"
	    "  name = ?2 AND key_given = 0 AND (tagged = ?6 OR"
	    "  (tagged IS NULL AND reference = ?7))) q"
	    " JOIN builds bb ON bb.id = q.build_id WHERE q.error IS NULL AND"
	    " (CASE WHEN ?3 <> 0 THEN q.build_id = ?3 ELSE bb.job = ?1 AND"
	    "  bb.id < " BUILD_BEFORE("?1", "?4") " END)),"
	    " b AS (SELECT max(build_id) AS id FROM cand)"
	    " SELECT %s FROM cand c JOIN b ON c.build_id = b.id"
	    " LEFT JOIN findings f ON f.image_id = c.id"
	    " LEFT JOIN texts t ON t.id = f.description_id"
	    " ORDER BY c.seq, f.seq", view, view, finding_columns(h));
	st = h_prepare(h, sql, cause);
	free(sql);
	if (st == NULL) {
		error = HS_EIO;
		goto out;
	}
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		if (r->error != NULL)
			continue;	/* nothing known: claim nothing new or fixed */
		sqlite3_bind_text(st, 1, job, -1, SQLITE_TRANSIENT);
		bind_str(st, 2, image_name(r));
		sqlite3_bind_int64(st, 3, against_id);
		bind_str(st, 4, rr->build);
		bind_str(st, 5, image_key(r));
		bind_str(st, 6, r->tagged);
		bind_str(st, 7, r->reference);
		sqlite3_bind_int(st, 8, r->key_given);
		if ((error = diff_image(h, st, r, cause)) != 0)
			goto out;
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(prev);
	sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	return error;
}

/* --- Record ----------------------------------------------------------- */

struct record_stmts {
	sqlite3_stmt	*build;
	sqlite3_stmt	*reason;
	sqlite3_stmt	*inv_find;
	sqlite3_stmt	*inv_add;
	sqlite3_stmt	*pkg_add;
	sqlite3_stmt	*image;
	sqlite3_stmt	*text_add;
	sqlite3_stmt	*text_find;
	sqlite3_stmt	*finding;
};

static void
record_stmts_free(struct record_stmts *s)
{
	sqlite3_finalize(s->build);
	sqlite3_finalize(s->reason);
	sqlite3_finalize(s->inv_find);
	sqlite3_finalize(s->inv_add);
	sqlite3_finalize(s->pkg_add);
	sqlite3_finalize(s->image);
	sqlite3_finalize(s->text_add);
	sqlite3_finalize(s->text_find);
	sqlite3_finalize(s->finding);
	memset(s, 0, sizeof *s);
}

static int
record_stmts_prepare(struct history *h, struct record_stmts *s, char **cause)
{
	if ((s->build = h_prepare(h, "INSERT INTO builds (job, build, build_url, "
	    "started, recorded, db_path, previous_build, exit_status, policy_failed, "
	    "policy_summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cause)) == NULL ||
	    (s->reason = h_prepare(h, "INSERT INTO reasons (build_id, seq, text) "
	    "VALUES (?, ?, ?)", cause)) == NULL ||
	    (s->inv_find = h_prepare(h, "SELECT id FROM inventories WHERE sha256 = ?",
	    cause)) == NULL ||
	    (s->inv_add = h_prepare(h, "INSERT INTO inventories (sha256, os_id, "
	    "os_version_id, os_codename, os_pretty_name, os_id_like, os_namespace) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", cause)) == NULL ||
	    (s->pkg_add = h_prepare(h, "INSERT INTO packages (inventory_id, seq, name, "
	    "version, source_name, source_version, arch, ecosystem, location, purl, "
	    "layer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cause)) == NULL ||
	    (s->image = h_prepare(h, "INSERT INTO images (build_id, seq, reference, "
	    "name, digest, inventory_id, error, seconds, warning, key, tagged, "
	    "key_given) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cause)) == NULL ||
	    (s->text_add = h_prepare(h, "INSERT OR IGNORE INTO texts (text) VALUES (?)",
	    cause)) == NULL ||
	    (s->text_find = h_prepare(h, "SELECT id FROM texts WHERE text = ?",
	    cause)) == NULL ||
	    (s->finding = h_prepare(h, "INSERT INTO findings (image_id, seq, vuln_id, "
	    "package, installed_version, source_name, fixed_version, severity, "
	    "source_severity, status, namespace, description_id, link, verdict, "
	    "ignore_reason, is_new, aliases, ecosystem, location, informational) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cause)) == NULL)
		return HS_EIO;
	return 0;
}

static void
hash_field(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_add(b, "\001", 2);
	else
		buf_add(b, s, strlen(s) + 1);
}

/* The content hash that shares one stored inventory between images. */
static void
inventory_hash(const struct inventory *inv, char out[72])
{
	struct buf	 b;
	size_t		 i;
	const char	*os[6];

	buf_init(&b);
	os[0] = inv->os.id;
	os[1] = inv->os.version_id;
	os[2] = inv->os.codename;
	os[3] = inv->os.pretty_name;
	os[4] = inv->os.id_like;
	os[5] = inv->os.namespace;
	for (i = 0; i < NELEM(os); i++)
		hash_field(&b, os[i]);
	for (i = 0; i < inv->npkgs; i++) {
		hash_field(&b, inv->pkgs[i].name);
		hash_field(&b, inv->pkgs[i].version);
		hash_field(&b, inv->pkgs[i].source_name);
		hash_field(&b, inv->pkgs[i].source_version);
		hash_field(&b, inv->pkgs[i].arch);
		hash_field(&b, ecosystem_name(inv->pkgs[i].ecosystem));
		/* Only when set: an OS inventory hashes as before schema 3. */
		if (inv->pkgs[i].location != NULL || inv->pkgs[i].purl != NULL ||
		    inv->pkgs[i].layer != NULL) {
			buf_add(&b, "\002", 2);
			hash_field(&b, inv->pkgs[i].location);
			hash_field(&b, inv->pkgs[i].purl);
			hash_field(&b, inv->pkgs[i].layer);
		}
	}
	sha256_hex(b.data, b.len, out);
	buf_free(&b);
}

static int
record_inventory(struct history *h, struct record_stmts *s,
    const struct inventory *inv, int64_t *id, char **cause)
{
	const struct package	*p;
	char			 hash[72];
	size_t			 i;
	int			 rc;

	inventory_hash(inv, hash);
	sqlite3_bind_text(s->inv_find, 1, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s->inv_find);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s->inv_find, 0);
	sqlite3_reset(s->inv_find);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return h_fail(h, cause, "find inventory");

	sqlite3_bind_text(s->inv_add, 1, hash, -1, SQLITE_TRANSIENT);
	bind_str(s->inv_add, 2, inv->os.id);
	bind_str(s->inv_add, 3, inv->os.version_id);
	bind_str(s->inv_add, 4, inv->os.codename);
	bind_str(s->inv_add, 5, inv->os.pretty_name);
	bind_str(s->inv_add, 6, inv->os.id_like);
	bind_str(s->inv_add, 7, inv->os.namespace);
	if (step_done(h, s->inv_add, "store inventory", cause) != 0)
		return HS_EIO;
	*id = sqlite3_last_insert_rowid(h->db);
	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		sqlite3_bind_int64(s->pkg_add, 1, *id);
		sqlite3_bind_int64(s->pkg_add, 2, (int64_t)i);
		bind_str(s->pkg_add, 3, p->name != NULL ? p->name : "");
		bind_str(s->pkg_add, 4, p->version != NULL ? p->version : "");
		bind_str(s->pkg_add, 5, p->source_name != NULL ? p->source_name :
		    (p->name != NULL ? p->name : ""));
		bind_str(s->pkg_add, 6, p->source_version != NULL ? p->source_version :
		    (p->version != NULL ? p->version : ""));
		bind_str(s->pkg_add, 7, p->arch);
		bind_str(s->pkg_add, 8, ecosystem_name(p->ecosystem));
		bind_str(s->pkg_add, 9, p->location);
		bind_str(s->pkg_add, 10, p->purl);
		bind_str(s->pkg_add, 11, p->layer);
		if (step_done(h, s->pkg_add, "store package", cause) != 0)
			return HS_EIO;
	}
	return 0;
}

static int
record_text(struct history *h, struct record_stmts *s, const char *text, int64_t *id,
    char **cause)
{
	int	rc;

	bind_str(s->text_add, 1, text);
	if (step_done(h, s->text_add, "store text", cause) != 0)
		return HS_EIO;
	bind_str(s->text_find, 1, text);
	rc = sqlite3_step(s->text_find);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s->text_find, 0);
	sqlite3_reset(s->text_find);
	if (rc != SQLITE_ROW)
		return h_fail(h, cause, "find text");
	return 0;
}

static int
record_finding(struct history *h, struct record_stmts *s, int64_t image_id,
    size_t seq, const struct finding *f, char **cause)
{
	sqlite3_stmt	*st = s->finding;
	int64_t		 text_id = 0;
	char		*aliases;
	int		 rc;

	if (f->description != NULL &&
	    record_text(h, s, f->description, &text_id, cause) != 0)
		return HS_EIO;
	sqlite3_bind_int64(st, 1, image_id);
	sqlite3_bind_int64(st, 2, (int64_t)seq);
	bind_str(st, 3, f->id != NULL ? f->id : "");
	bind_str(st, 4, f->package != NULL ? f->package : "");
	bind_str(st, 5, f->installed_version);
	bind_str(st, 6, f->source_name);
	bind_str(st, 7, f->fixed_version);
	bind_str(st, 8, severity_name(f->severity));
	bind_str(st, 9, f->source_severity);
	bind_str(st, 10, f->status);
	bind_str(st, 11, f->namespace);
	if (f->description != NULL)
		sqlite3_bind_int64(st, 12, text_id);
	bind_str(st, 13, f->link);
	bind_str(st, 14, verdict_name(f->verdict));
	bind_str(st, 15, f->ignore_reason);
	if (f->is_new >= 0)
		sqlite3_bind_int(st, 16, f->is_new);
	aliases = aliases_join(f);
	bind_str(st, 17, aliases);
	bind_str(st, 18, f->ecosystem != ECO_UNKNOWN ? ecosystem_name(f->ecosystem) :
	    NULL);
	bind_str(st, 19, f->location);
	bind_str(st, 20, f->informational);
	rc = step_done(h, st, "store finding", cause);
	free(aliases);
	return rc;
}

static int
record_once(struct history *h, struct run_result *rr, char **build_out, char **cause)
{
	struct record_stmts	 s;
	struct image_result	*r;
	sqlite3_stmt		*st = NULL;
	const char		*job = rr->job != NULL ? rr->job : "default";
	char			*build = NULL, *recorded = NULL;
	int64_t			 build_id, image_id, inv_id, next = 0, replaced = 0;
	size_t			 i, j;
	int			 error = HS_EIO;

	memset(&s, 0, sizeof s);
	if (h_exec(h, "BEGIN IMMEDIATE", cause) != 0)
		return HS_EIO;
	if (rr->build != NULL)
		build = xstrdup(rr->build);
	else {
		st = h_prepare(h, "SELECT COALESCE(MAX(CAST(build AS INTEGER)), 0) + 1 "
		    "FROM builds WHERE job = ?", cause);
		if (st == NULL)
			goto out;
		sqlite3_bind_text(st, 1, job, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_ROW) {
			h_fail(h, cause, "next build number");
			goto out;
		}
		next = sqlite3_column_int64(st, 0);
		build = xasprintf("%lld", (long long)next);
		sqlite3_finalize(st);
		st = NULL;
	}

	/* The same job and build again (a retried stage): the new one wins. */
	st = h_prepare(h, "DELETE FROM builds WHERE job = ? AND build = ?", cause);
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 1, job, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, build, -1, SQLITE_TRANSIENT);
	if (step_done(h, st, "replace build", cause) != 0)
		goto out;
	replaced = sqlite3_changes(h->db);
	sqlite3_finalize(st);
	st = NULL;

	if (record_stmts_prepare(h, &s, cause) != 0)
		goto out;
	recorded = iso_now();
	bind_str(s.build, 1, job);
	bind_str(s.build, 2, build);
	bind_str(s.build, 3, rr->build_url);
	bind_str(s.build, 4, rr->started != NULL ? rr->started : recorded);
	bind_str(s.build, 5, recorded);
	bind_str(s.build, 6, rr->db_path);
	bind_str(s.build, 7, rr->previous_build);
	sqlite3_bind_int(s.build, 8, rr->exit_status);
	sqlite3_bind_int(s.build, 9, rr->policy_failed);
	bind_str(s.build, 10, rr->policy_summary);
	if (step_done(h, s.build, "store build", cause) != 0)
		goto out;
	build_id = sqlite3_last_insert_rowid(h->db);
	for (i = 0; i < rr->nreasons; i++) {
		sqlite3_bind_int64(s.reason, 1, build_id);
		sqlite3_bind_int64(s.reason, 2, (int64_t)i);
		bind_str(s.reason, 3, rr->reasons[i]);
		if (step_done(h, s.reason, "store reason", cause) != 0)
			goto out;
	}
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		inv_id = 0;
		if (r->inv != NULL &&
		    record_inventory(h, &s, r->inv, &inv_id, cause) != 0)
			goto out;
		sqlite3_bind_int64(s.image, 1, build_id);
		sqlite3_bind_int64(s.image, 2, (int64_t)i);
		bind_str(s.image, 3, r->reference != NULL ? r->reference : "");
		bind_str(s.image, 4, image_name(r) != NULL ? image_name(r) : "");
		bind_str(s.image, 5, r->digest);
		if (r->inv != NULL)
			sqlite3_bind_int64(s.image, 6, inv_id);
		bind_str(s.image, 7, r->error);
		sqlite3_bind_double(s.image, 8, r->seconds);
		bind_str(s.image, 9, r->warning);
		bind_str(s.image, 10, image_key(r));
		bind_str(s.image, 11, r->tagged);
		sqlite3_bind_int(s.image, 12, r->key_given);
		if (step_done(h, s.image, "store image", cause) != 0)
			goto out;
		image_id = sqlite3_last_insert_rowid(h->db);
		for (j = 0; j < r->findings.n; j++) {
			if (record_finding(h, &s, image_id, j, &r->findings.v[j],
			    cause) != 0)
				goto out;
		}
	}
	if (h_exec(h, "COMMIT", cause) != 0)
		goto out;
	if (replaced != 0)
		log_warn("%s: build %s of job %s was already stored: replaced", h->path,
		    build, job);
	*build_out = build;
	build = NULL;
	error = 0;
out:
	if (error != 0)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(st);
	record_stmts_free(&s);
	free(build);
	free(recorded);
	return error;
}

int
history_record(struct history *h, struct run_result *rr, char **cause)
{
	char	*build = NULL;
	size_t	 i;
	int	 attempt, error;

	if (!h->writable)
		return fail(cause, HS_EINVAL, "%s: history opened read only", h->path);
	for (attempt = 0;; attempt++) {
		h->busy = 0;
		if ((error = record_once(h, rr, &build, cause)) == 0)
			break;
		if (!h->busy || attempt >= HISTORY_RETRIES)
			return error;
		log_debug("%s: busy, retrying (%d)", h->path, attempt + 1);
		sleep_ms(50L << (attempt < 6 ? attempt : 6));
	}
	if (rr->build == NULL)
		rr->build = build;
	else
		free(build);
	if (rr->job == NULL)
		rr->job = xstrdup("default");
	for (i = 0; i < rr->nimages; i++) {	/* as stored */
		if (rr->images[i].key == NULL)
			rr->images[i].key = xstrdup(image_key(&rr->images[i]));
	}
	return 0;
}

/* --- List, trend, load, prune ----------------------------------------- */

void
history_builds_free(struct history_build *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].job);
		free(v[i].build);
		free(v[i].build_url);
		free(v[i].started);
	}
	free(v);
}

int
history_list(struct history *h, const char *job, size_t last,
    struct history_build **out, size_t *nout, char **cause)
{
	sqlite3_stmt		*st = NULL, *cnt = NULL;
	struct history_build	*v = NULL, *b, tmp;
	enum severity		 sev;
	size_t			 n = 0, i;
	int			 rc, error = HS_EIO;

	*out = NULL;
	*nout = 0;
	if (h_exec(h, "BEGIN", cause) != 0)
		return HS_EIO;
	st = h_prepare(h, "SELECT b.id, b.job, b.build, b.build_url, b.started, "
	    "b.policy_failed, (SELECT count(*) FROM images i WHERE i.build_id = b.id), "
	    "(SELECT count(*) FROM images i WHERE i.build_id = b.id AND "
	    "i.error IS NOT NULL) FROM builds b WHERE (?1 IS NULL OR b.job = ?1) "
	    "ORDER BY b.id DESC LIMIT ?2", cause);
	cnt = h_prepare(h, "SELECT f.severity, f.verdict, count(*) FROM findings f "
	    "JOIN images i ON i.id = f.image_id WHERE i.build_id = ? "
	    "GROUP BY f.severity, f.verdict", cause);
	if (st == NULL || cnt == NULL)
		goto out;
	bind_str(st, 1, job);
	sqlite3_bind_int64(st, 2, last == 0 ? -1 : (int64_t)last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n >= HISTORY_MAX_ROWS) {
			error = fail(cause, HS_ELIMIT, "%s: too many builds", h->path);
			goto out;
		}
		if ((n & (n - 1)) == 0)
			v = xreallocarray(v, n == 0 ? 1 : n * 2, sizeof *v);
		b = &v[n++];
		memset(b, 0, sizeof *b);
		b->id = sqlite3_column_int64(st, 0);
		b->job = col_str(st, 1);
		b->build = col_str(st, 2);
		b->build_url = col_str(st, 3);
		b->started = col_str(st, 4);
		b->policy_failed = sqlite3_column_int(st, 5);
		b->nimages = sqlite3_column_int(st, 6);
		b->nerrors = sqlite3_column_int(st, 7);
		sqlite3_bind_int64(cnt, 1, b->id);
		while ((rc = sqlite3_step(cnt)) == SQLITE_ROW) {
			if (severity_parse(col_cstr(cnt, 0), &sev) != 0)
				sev = SEV_UNKNOWN;
			b->counts[sev] += sqlite3_column_int(cnt, 2);
			b->nfindings += sqlite3_column_int(cnt, 2);
			if (verdict_parse(col_cstr(cnt, 1)) == VERDICT_IGNORED)
				b->nignored += sqlite3_column_int(cnt, 2);
		}
		sqlite3_reset(cnt);
		if (rc != SQLITE_DONE) {
			h_fail(h, cause, "count findings");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		h_fail(h, cause, "list builds");
		goto out;
	}
	for (i = 0; i < n / 2; i++) {	/* oldest first */
		tmp = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = tmp;
	}
	*out = v;
	*nout = n;
	v = NULL;
	n = 0;
	error = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	history_builds_free(v, n);
	return error;
}

int
history_trend(struct history *h, const char *job, size_t last, struct run_result *rr,
    char **cause)
{
	struct history_build	*v;
	size_t			 n, i;
	int			 error;

	if ((error = history_list(h, job, last, &v, &n, cause)) != 0)
		return error;
	for (i = 0; i < rr->ntrend; i++) {
		free(rr->trend[i].build);
		free(rr->trend[i].started);
	}
	free(rr->trend);
	rr->trend = n != 0 ? xcalloc(n, sizeof *rr->trend) : NULL;
	rr->ntrend = n;
	for (i = 0; i < n; i++) {
		rr->trend[i].build = v[i].build;
		rr->trend[i].started = v[i].started;
		v[i].build = v[i].started = NULL;
		memcpy(rr->trend[i].counts, v[i].counts, sizeof v[i].counts);
	}
	history_builds_free(v, n);
	return 0;
}

int
history_latest_job(struct history *h, char **job, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	*job = NULL;
	st = h_prepare(h, "SELECT job FROM builds ORDER BY id DESC LIMIT 1", cause);
	if (st == NULL)
		return HS_EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*job = col_str(st, 0);
	else if (rc != SQLITE_DONE) {
		h_fail(h, cause, "latest job");
		sqlite3_finalize(st);
		return HS_EIO;
	}
	sqlite3_finalize(st);
	if (*job == NULL)
		return fail(cause, HS_ENOENT, "%s: the history holds no build", h->path);
	return 0;
}

static int
load_inventory(struct history *h, int64_t inv_id, int with_packages,
    struct inventory **out, char **cause)
{
	struct inventory	*inv;
	struct package		*p;
	sqlite3_stmt		*st;
	size_t			 rows = 0;
	int			 rc;

	*out = NULL;
	st = h_prepare(h, "SELECT os_id, os_version_id, os_codename, os_pretty_name, "
	    "os_id_like, os_namespace FROM inventories WHERE id = ?", cause);
	if (st == NULL)
		return HS_EIO;
	sqlite3_bind_int64(st, 1, inv_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			fail(cause, HS_EINVAL, "%s: inventory %lld is missing", h->path,
			    (long long)inv_id);
		else
			h_fail(h, cause, "load inventory");
		sqlite3_finalize(st);
		return HS_EIO;
	}
	inv = inventory_new();
	inv->os.id = col_str(st, 0);
	inv->os.version_id = col_str(st, 1);
	inv->os.codename = col_str(st, 2);
	inv->os.pretty_name = col_str(st, 3);
	inv->os.id_like = col_str(st, 4);
	inv->os.namespace = col_str(st, 5);
	sqlite3_finalize(st);
	if (!with_packages) {
		*out = inv;
		return 0;
	}
	st = h_prepare(h, h->version >= 3 ? "SELECT name, version, source_name, "
	    "source_version, arch, ecosystem, location, purl, layer FROM packages "
	    "WHERE inventory_id = ? ORDER BY seq" : "SELECT name, version, "
	    "source_name, source_version, arch, ecosystem, NULL, NULL, NULL FROM "
	    "packages WHERE inventory_id = ? ORDER BY seq", cause);
	if (st == NULL) {
		inventory_free(inv);
		return HS_EIO;
	}
	sqlite3_bind_int64(st, 1, inv_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && ++rows <= HISTORY_MAX_ROWS) {
		p = inventory_add(inv, col_cstr(st, 0), col_cstr(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4),
		    ecosystem_from_name(col_cstr(st, 5)));
		p->location = col_str(st, 6);
		p->purl = col_str(st, 7);
		p->layer = col_str(st, 8);
	}
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_ROW)
			fail(cause, HS_ELIMIT, "%s: too many packages", h->path);
		else
			h_fail(h, cause, "load packages");
		sqlite3_finalize(st);
		inventory_free(inv);
		return HS_EIO;
	}
	sqlite3_finalize(st);
	*out = inv;
	return 0;
}

static int
load_images(struct history *h, int64_t build_id, int flags, struct run_result *rr,
    char **cause)
{
	sqlite3_stmt		*st = NULL, *fs = NULL;
	struct image_result	*r;
	int64_t			 image_id;
	size_t			 rows = 0;
	char			*sql;
	int			 rc, error = HS_EIO;

	/* Schema 1 has no warning column, 2 no keys. */
	sql = xasprintf("SELECT id, reference, name, digest, inventory_id, error, "
	    "seconds, %s, %s FROM images WHERE build_id = ? ORDER BY seq",
	    h->version >= 2 ? "warning" : "NULL", h->version >= 3 ?
	    "key, tagged, key_given" : LEGACY_KEY("images") ", NULL, 0");
	st = h_prepare(h, sql, cause);
	free(sql);
	sql = xasprintf("SELECT %s FROM findings f LEFT JOIN texts t ON t.id = "
	    "f.description_id WHERE f.image_id = ? ORDER BY f.seq",
	    finding_columns(h));
	fs = h_prepare(h, sql, cause);
	free(sql);
	if (st == NULL || fs == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, build_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++rows > HISTORY_MAX_ROWS) {
			fail(cause, HS_ELIMIT, "%s: too many images", h->path);
			goto out;
		}
		image_id = sqlite3_column_int64(st, 0);
		r = run_result_add(rr, col_cstr(st, 1));
		r->name = col_str(st, 2);
		r->digest = col_str(st, 3);
		r->error = col_str(st, 5);
		r->seconds = sqlite3_column_double(st, 6);
		r->warning = col_str(st, 7);
		r->key = col_str(st, 8);
		r->tagged = col_str(st, 9);
		r->key_given = sqlite3_column_int(st, 10);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL &&
		    load_inventory(h, sqlite3_column_int64(st, 4),
		    (flags & HISTORY_LOAD_INVENTORY) != 0, &r->inv, cause) != 0)
			goto out;
		if (!(flags & HISTORY_LOAD_FINDINGS))
			continue;
		sqlite3_bind_int64(fs, 1, image_id);
		while ((rc = sqlite3_step(fs)) == SQLITE_ROW) {
			if (++rows > HISTORY_MAX_ROWS) {
				fail(cause, HS_ELIMIT, "%s: too many findings", h->path);
				goto out;
			}
			finding_from_row(fs, 0, finding_list_add(&r->findings));
		}
		sqlite3_reset(fs);
		if (rc != SQLITE_DONE) {
			h_fail(h, cause, "load findings");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		h_fail(h, cause, "load images");
		goto out;
	}
	error = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(fs);
	return error;
}

int
history_load(struct history *h, const char *job, const char *build, int flags,
    struct run_result **out, char **cause)
{
	struct run_result	*rr = NULL;
	sqlite3_stmt		*st = NULL;
	int64_t			 id;
	int			 rc, error;

	*out = NULL;
	if (h_exec(h, "BEGIN", cause) != 0)
		return HS_EIO;
	if ((error = build_find(h, job, build, &id, cause)) != 0)
		goto out;
	error = HS_EIO;
	st = h_prepare(h, "SELECT job, build, build_url, started, db_path, "
	    "previous_build, exit_status, policy_failed, policy_summary "
	    "FROM builds WHERE id = ?", cause);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		h_fail(h, cause, "load build");
		goto out;
	}
	rr = run_result_new();
	rr->job = col_str(st, 0);
	rr->build = col_str(st, 1);
	rr->build_url = col_str(st, 2);
	rr->started = col_str(st, 3);
	rr->db_path = col_str(st, 4);
	rr->previous_build = col_str(st, 5);
	rr->exit_status = sqlite3_column_int(st, 6);
	rr->policy_failed = sqlite3_column_int(st, 7);
	rr->policy_summary = col_str(st, 8);
	sqlite3_finalize(st);
	st = h_prepare(h, "SELECT text FROM reasons WHERE build_id = ? ORDER BY seq",
	    cause);
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && rr->nreasons < HISTORY_MAX_ROWS) {
		rr->reasons = xreallocarray(rr->reasons, rr->nreasons + 1,
		    sizeof *rr->reasons);
		rr->reasons[rr->nreasons++] = xstrdup(col_cstr(st, 0));
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		h_fail(h, cause, "load reasons");
		goto out;
	}
	if (load_images(h, id, flags, rr, cause) != 0)
		goto out;
	*out = rr;
	rr = NULL;
	error = 0;
out:
	sqlite3_finalize(st);
	sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	run_result_free(rr);
	return error;
}

int
history_prune(struct history *h, const char *job, size_t keep, size_t *removed,
    char **cause)
{
	sqlite3_stmt	*st = NULL;
	int		 attempt, error;

	*removed = 0;
	if (!h->writable)
		return fail(cause, HS_EINVAL, "%s: history opened read only", h->path);
	for (attempt = 0;; attempt++) {
		h->busy = 0;
		error = HS_EIO;
		if (h_exec(h, "BEGIN IMMEDIATE", cause) != 0)
			goto retry;
		st = h_prepare(h, "DELETE FROM builds WHERE id IN (SELECT id FROM ("
		    "SELECT id, row_number() OVER (PARTITION BY job ORDER BY id DESC) "
		    "AS rn FROM builds WHERE (?1 IS NULL OR job = ?1)) WHERE rn > ?2)",
		    cause);
		if (st == NULL)
			goto rollback;
		bind_str(st, 1, job);
		sqlite3_bind_int64(st, 2, (int64_t)keep);
		if (step_done(h, st, "prune builds", cause) != 0)
			goto rollback;
		*removed = (size_t)sqlite3_changes(h->db);
		sqlite3_finalize(st);
		st = NULL;
		/* Inventories and texts are shared: drop only those no build uses. */
		if (h_exec(h, "DELETE FROM inventories WHERE id NOT IN (SELECT "
		    "inventory_id FROM images WHERE inventory_id IS NOT NULL)", cause) != 0 ||
		    h_exec(h, "DELETE FROM texts WHERE id NOT IN (SELECT description_id "
		    "FROM findings WHERE description_id IS NOT NULL)", cause) != 0 ||
		    h_exec(h, "COMMIT", cause) != 0)
			goto rollback;
		return 0;
rollback:
		sqlite3_finalize(st);
		st = NULL;
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
retry:
		if (!h->busy || attempt >= HISTORY_RETRIES)
			return error;
		sleep_ms(50L << (attempt < 6 ? attempt : 6));
	}
}
