/* Layer cache: kept files per layer digest in SQLite, shared by processes and threads. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "cache.h"
#include "layer.h"
#include "util.h"

#define CACHE_BUSY_MS	30000
#define CACHE_TRIES	5

/* Entry kinds: enum kept_type for files, then the deletions. */
enum {
	ENTRY_WHITEOUT = 10,
	ENTRY_OPAQUE = 11,
};

struct layer_cache {
	sqlite3			*db;
	char			*path;
	pthread_mutex_t		 lock;
	struct cache_stats	 stats;
};

static const char cache_schema[] =
    "CREATE TABLE IF NOT EXISTS layers ("
    " digest TEXT NOT NULL, want INTEGER NOT NULL, diff_id TEXT,"
    " blob_bytes INTEGER, tar_bytes INTEGER, stored INTEGER,"
    " PRIMARY KEY (digest, want));"
    "CREATE TABLE IF NOT EXISTS entries ("
    " digest TEXT NOT NULL, want INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " kind INTEGER NOT NULL, path TEXT NOT NULL, data BLOB,"
    " PRIMARY KEY (digest, want, seq)) WITHOUT ROWID;";

char *
cache_default_path(void)
{
	const char	*x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (x != NULL && *x == '/')
		return xasprintf("%s/hullscan/layers.db", x);
	if (home != NULL && *home != '\0')
		return xasprintf("%s/.cache/hullscan/layers.db", home);
	return xstrdup("hullscan-layers.db");
}

static int
cache_exec(struct layer_cache *c, const char *sql, char **cause)
{
	char	*err = NULL;
	int	 rc;

	if ((rc = sqlite3_exec(c->db, sql, NULL, NULL, &err)) != SQLITE_OK) {
		fail(cause, HS_EIO, "layer cache %s: %s", c->path,
		    err != NULL ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return rc;
	}
	return SQLITE_OK;
}

int
cache_open(const char *path, struct layer_cache **out, char **cause)
{
	struct layer_cache	*c;
	int			 tries;

	*out = NULL;
	c = xcalloc(1, sizeof *c);
	c->path = path != NULL ? xstrdup(path) : cache_default_path();
	pthread_mutex_init(&c->lock, NULL);
	if (mkdir_parents(c->path, cause) != 0)
		goto fail;
	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fail(cause, HS_EIO, "layer cache %s: %s", c->path,
		    c->db != NULL ? sqlite3_errmsg(c->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
	/* Another process may be creating the schema at the same moment. */
	for (tries = 0;; tries++) {
		if (cache_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
		    cause) == SQLITE_OK && cache_exec(c, cache_schema, cause) == SQLITE_OK)
			break;
		if (tries >= CACHE_TRIES)
			goto fail;
		free(*cause);
		*cause = NULL;
		sqlite3_sleep(100);
	}
	*out = c;
	return 0;
fail:
	cache_close(c);
	return HS_EIO;
}

void
cache_close(struct layer_cache *c)
{
	if (c == NULL)
		return;
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->lock);
	free(c->path);
	free(c);
}

void
cache_stats(struct layer_cache *c, struct cache_stats *st)
{
	pthread_mutex_lock(&c->lock);
	*st = c->stats;
	pthread_mutex_unlock(&c->lock);
}

static char *
column_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

static void
push_path(char ***list, size_t *n, char *path)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = path;
}

static int
cache_load(struct layer_cache *c, const char *digest, struct layer_files **out,
    char **cause)
{
	struct layer_files	*lf = NULL;
	struct kept_file	*kf;
	sqlite3_stmt		*st = NULL;
	const void		*blob;
	int			 rc, kind, n;

	if (sqlite3_prepare_v2(c->db, "SELECT diff_id, blob_bytes, tar_bytes FROM layers"
	    " WHERE digest = ?1 AND want = ?2", -1, &st, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, CACHE_WANT_VERSION);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		sqlite3_finalize(st);
		return HS_ENOENT;
	}
	if (rc != SQLITE_ROW)
		goto sqlerr;
	lf = xcalloc(1, sizeof *lf);
	lf->digest = xstrdup(digest);
	lf->diff_id = column_text(st, 0);
	lf->blob_bytes = (uint64_t)sqlite3_column_int64(st, 1);
	lf->tar_bytes = (uint64_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(c->db, "SELECT kind, path, data FROM entries"
	    " WHERE digest = ?1 AND want = ?2 ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, CACHE_WANT_VERSION);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kind = sqlite3_column_int(st, 0);
		if (kind == ENTRY_WHITEOUT) {
			push_path(&lf->whiteouts, &lf->nwhiteouts, column_text(st, 1));
			continue;
		}
		if (kind == ENTRY_OPAQUE) {
			push_path(&lf->opaque, &lf->nopaque, column_text(st, 1));
			continue;
		}
		if (kind != KEPT_FILE && kind != KEPT_SYMLINK && kind != KEPT_DIR &&
		    kind != KEPT_TOOBIG && kind != KEPT_SUMMARY) {
			sqlite3_finalize(st);
			layer_files_free(lf);
			return fail(cause, HS_EINVAL, "layer cache %s: layer %s: unknown "
			    "entry kind %d", c->path, digest, kind);
		}
		lf->files = xreallocarray(lf->files, lf->nfiles + 1, sizeof *lf->files);
		kf = &lf->files[lf->nfiles++];
		memset(kf, 0, sizeof *kf);
		kf->type = (enum kept_type)kind;
		kf->path = column_text(st, 1);
		if (kf->type == KEPT_TOOBIG) {
			/* Its size, in decimal: the content was never kept. */
			kf->len = (size_t)sqlite3_column_int64(st, 2);
			continue;
		}
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			blob = sqlite3_column_blob(st, 2);
			n = sqlite3_column_bytes(st, 2);
			kf->data = xmalloc((size_t)n + 1);
			if (n > 0)
				memcpy(kf->data, blob, (size_t)n);
			kf->data[n] = '\0';
			kf->len = (size_t)n;
		}
	}
	if (rc != SQLITE_DONE)
		goto sqlerr;
	sqlite3_finalize(st);
	*out = lf;
	return 0;
sqlerr:
	fail(cause, HS_EIO, "layer cache %s: %s", c->path, sqlite3_errmsg(c->db));
	sqlite3_finalize(st);
	layer_files_free(lf);
	return HS_EIO;
}

int
cache_get(struct layer_cache *c, const char *digest, struct layer_files **out,
    char **cause)
{
	int	rc;

	*out = NULL;
	if (c == NULL || digest == NULL)
		return HS_ENOENT;
	pthread_mutex_lock(&c->lock);
	rc = cache_load(c, digest, out, cause);
	if (rc == 0)
		c->stats.hits++;
	else
		c->stats.misses++;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static int
insert_entry(sqlite3_stmt *st, const char *digest, int seq, int kind, const char *path,
    const char *data, size_t len)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, CACHE_WANT_VERSION);
	sqlite3_bind_int(st, 3, seq);
	sqlite3_bind_int(st, 4, kind);
	sqlite3_bind_text(st, 5, path, -1, SQLITE_STATIC);
	if (data != NULL)
		sqlite3_bind_blob64(st, 6, len > 0 ? data : "", len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int
cache_store(struct layer_cache *c, const struct layer_files *lf)
{
	sqlite3_stmt	*st = NULL;
	char		 size[32];
	size_t		 i;
	int		 seq = 0, ok = 0;

	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(c->db, "DELETE FROM entries WHERE digest = ?1 AND want = ?2",
	    -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, lf->digest, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, CACHE_WANT_VERSION);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO layers (digest, want, diff_id,"
	    " blob_bytes, tar_bytes, stored) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st,
	    NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, lf->digest, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, CACHE_WANT_VERSION);
	sqlite3_bind_text(st, 3, lf->diff_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)lf->blob_bytes);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)lf->tar_bytes);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(c->db, "INSERT INTO entries (digest, want, seq, kind, path,"
	    " data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < lf->nfiles; i++) {
		if (lf->files[i].type == KEPT_TOOBIG) {
			snprintf(size, sizeof size, "%zu", lf->files[i].len);
			if (insert_entry(st, lf->digest, seq++, KEPT_TOOBIG,
			    lf->files[i].path, size, strlen(size)) != 0)
				goto out;
			continue;
		}
		if (insert_entry(st, lf->digest, seq++, (int)lf->files[i].type,
		    lf->files[i].path, lf->files[i].data, lf->files[i].len) != 0)
			goto out;
	}
	for (i = 0; i < lf->nwhiteouts; i++) {
		if (insert_entry(st, lf->digest, seq++, ENTRY_WHITEOUT, lf->whiteouts[i],
		    NULL, 0) != 0)
			goto out;
	}
	for (i = 0; i < lf->nopaque; i++) {
		if (insert_entry(st, lf->digest, seq++, ENTRY_OPAQUE, lf->opaque[i],
		    NULL, 0) != 0)
			goto out;
	}
	ok = 1;
out:
	sqlite3_finalize(st);
	if (ok && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
cache_put(struct layer_cache *c, const struct layer_files *lf, char **cause)
{
	int	tries, rc = 0;

	if (c == NULL)
		return 0;
	if (lf->digest == NULL || !digest_valid(lf->digest))
		return fail(cause, HS_EINVAL, "layer cache: layer without a digest");
	pthread_mutex_lock(&c->lock);
	for (tries = 0;; tries++) {
		if (cache_store(c, lf) == 0) {
			c->stats.puts++;
			break;
		}
		if (tries >= CACHE_TRIES) {
			rc = fail(cause, HS_EIO, "layer cache %s: layer %s: %s", c->path,
			    lf->digest, sqlite3_errmsg(c->db));
			break;
		}
		sqlite3_sleep(50 << tries);
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}
