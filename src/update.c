/* hullscan db update: conditional fetches of the listed feeds into a copy of the database. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "embed.h"
#include "feed.h"
#include "fetch.h"
#include "stream.h"
#include "update.h"
#include "util.h"

#define UPDATE_CONF_MAX		(1 << 20)
#define UPDATE_INDEX_MAX	(4 << 20)	/* a mirror.list or repomd.xml */

/* What the database held for a feed before this update. */
struct update_prev {
	char	*name;
	char	*sha256;
	char	*url;
	char	*etag;
	char	*last_modified;
	int64_t	 records;
};

/* A feed found current: its check time is written at the end. */
struct update_check {
	const char	*name;
	char		*url;
	char		*etag;
	char		*last_modified;
	int64_t		 at;
};

struct update {
	const struct update_options	*opts;
	struct fetch			*fetch;
	char				*tmp;		/* DB.tmp-XXXXXX, once a feed changed */
	struct vulndb			*vdb;		/* open on tmp */
	int				 have_live;	/* the database exists */
	struct update_prev		*prev;
	size_t				 nprev;
	struct update_check		*checks;
	size_t				 nchecks;
	int				 changed;
	int				 current;
	int				 failed;
	double				 drawn;		/* last progress redraw */
};

/* The file a signal must not leave behind (async-signal-safe copy). */
static char		update_sig_path[PATH_MAX];
static char		update_sig_journal[PATH_MAX + 16];
static struct sigaction	update_sig_old[2];

static void
update_conf_free_feeds(struct update_feed *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].format);
		free(v[i].url);
	}
	free(v);
}

void
update_conf_free(struct update_conf *c)
{
	if (c == NULL)
		return;
	update_conf_free_feeds(c->feeds, c->n);
	free(c->path);
	free(c);
}

static int
update_url_ok(const char *url)
{
	return (str_starts(url, "http://") || str_starts(url, "https://") ||
	    str_starts(url, "file://")) && strstr(url, "://")[3] != '\0';
}

int
update_conf_parse(const char *path, const char *text, size_t len,
    struct update_conf **out, char **cause)
{
	struct update_conf	*c;
	struct update_feed	*f;
	struct strview		 in = { text, len }, line, tok[4];
	size_t			 ntok, i;
	int			 lineno = 0, rc;

	*out = NULL;
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	while (sv_getline(&in, &line)) {
		lineno++;
		/* Tokens split on blanks; '#' at the start of one ends the line. */
		for (ntok = 0; ntok < NELEM(tok);) {
			while (line.len > 0 && isspace((unsigned char)*line.ptr)) {
				line.ptr++;
				line.len--;
			}
			if (line.len == 0 || *line.ptr == '#')
				break;
			tok[ntok].ptr = line.ptr;
			for (i = 0; i < line.len && !isspace((unsigned char)line.ptr[i]); i++)
				;
			tok[ntok++].len = i;
			line.ptr += i;
			line.len -= i;
		}
		if (ntok == 0)
			continue;
		if (ntok != 3) {
			rc = fail(cause, HS_EINVAL, "%s:%d: expected NAME FORMAT URL",
			    path, lineno);
			goto fail;
		}
		if (c->n >= UPDATE_MAX_FEEDS) {
			rc = fail(cause, HS_ELIMIT, "%s:%d: more than %d feeds", path,
			    lineno, UPDATE_MAX_FEEDS);
			goto fail;
		}
		c->feeds = xreallocarray(c->feeds, c->n + 1, sizeof *c->feeds);
		f = &c->feeds[c->n++];
		memset(f, 0, sizeof *f);
		f->line = lineno;
		f->name = sv_dup(tok[0]);
		f->format = sv_eq(tok[1], "auto") ? NULL : sv_dup(tok[1]);
		f->url = sv_dup(tok[2]);
		if (f->format != NULL && feed_format_find(f->format) == NULL) {
			rc = fail(cause, HS_EINVAL, "%s:%d: %s: unknown feed format %s",
			    path, lineno, f->name, f->format);
			goto fail;
		}
		if (!update_url_ok(f->url)) {
			rc = fail(cause, HS_EINVAL, "%s:%d: %s: not an http://, https://"
			    " or file:// URL: %s", path, lineno, f->name, f->url);
			goto fail;
		}
		for (i = 0; i + 1 < c->n; i++) {
			if (strcmp(c->feeds[i].name, f->name) == 0) {
				rc = fail(cause, HS_EINVAL, "%s:%d: feed %s already"
				    " listed on line %d", path, lineno, f->name,
				    c->feeds[i].line);
				goto fail;
			}
		}
	}
	if (c->n == 0) {
		rc = fail(cause, HS_EINVAL, "%s: no feed listed", path);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	update_conf_free(c);
	return rc;
}

int
update_conf_read(const char *path, struct update_conf **out, char **cause)
{
	char	*data;
	size_t	 len;
	int	 rc;

	*out = NULL;
	if ((rc = file_read(path, UPDATE_CONF_MAX, &data, &len, cause)) != 0)
		return rc;
	rc = update_conf_parse(path, data, len, out, cause);
	free(data);
	return rc;
}

int
update_conf_builtin(struct update_conf **out, char **cause)
{
	const struct embed_file	*f;

	*out = NULL;
	if ((f = embed_find("data/feeds.conf")) == NULL)
		return fail(cause, HS_ENOENT, "%s: not built in", UPDATE_BUILTIN_CONF);
	return update_conf_parse(UPDATE_BUILTIN_CONF, (const char *)f->data, f->len,
	    out, cause);
}

char *
update_mirror_url(const char *mirror, const char *url)
{
	const char	*p, *host, *end, *at;
	char		*rest, *u, *base, cwd[PATH_MAX];
	size_t		 blen;

	if (str_starts(url, "http://"))
		p = url + 7;
	else if (str_starts(url, "https://"))
		p = url + 8;
	else
		return NULL;
	/* HOST[:PORT]/PATH, without user@, query or fragment. */
	end = p + strcspn(p, "?#");
	host = p;
	at = memchr(p, '@', strcspn(p, "/?#"));
	if (at != NULL)
		host = at + 1;

	base = xstrdup(mirror);
	blen = strlen(base);
	while (blen > 1 && base[blen - 1] == '/')
		base[--blen] = '\0';
	if (str_starts(base, "http://") || str_starts(base, "https://"))
		u = xasprintf("%s/%.*s", base, (int)(end - host), host);
	else {
		/* A mirror on disk holds the decoded names; a '/' stays escaped. */
		rest = fetch_unescape(host, (size_t)(end - host), "/");
		if (str_starts(base, "file://"))
			u = xasprintf("%s/%s", base, rest);
		else if (base[0] == '/')
			u = xasprintf("file://%s/%s", base, rest);
		else {
			/* A relative directory: made absolute now. */
			if (getcwd(cwd, sizeof cwd) == NULL)
				snprintf(cwd, sizeof cwd, ".");
			u = xasprintf("file://%s/%s/%s", cwd, base, rest);
		}
		free(rest);
	}
	free(base);
	return u;
}

/* "4,312" */
static const char *
update_count(int64_t n, char out[32])
{
	char	tmp[32];
	size_t	len, i, o = 0;

	snprintf(tmp, sizeof tmp, "%lld", (long long)n);
	len = strlen(tmp);
	for (i = 0; i < len; i++) {
		if (i > 0 && tmp[i - 1] != '-' && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return out;
}

/* "1.2 MB" */
static const char *
update_bytes(uint64_t n, char out[32])
{
	if (n < 1000)
		snprintf(out, 32, "%llu B", (unsigned long long)n);
	else if (n < 1000 * 1000)
		snprintf(out, 32, "%.1f kB", n / 1e3);
	else
		snprintf(out, 32, "%.1f MB", n / 1e6);
	return out;
}

static void
update_progress(struct update *u, const char *name, uint64_t got, int64_t total)
{
	char	a[32], b[32];
	double	t;

	if (!u->opts->progress)
		return;
	t = now_mono();
	if (t - u->drawn < 0.1)
		return;
	u->drawn = t;
	if (total > 0)
		fprintf(stderr, "\r\033[Khullscan: %s: %s of %s", name,
		    update_bytes(got, a), update_bytes((uint64_t)total, b));
	else
		fprintf(stderr, "\r\033[Khullscan: %s: %s", name, update_bytes(got, a));
	fflush(stderr);
}

static void
update_progress_clear(struct update *u)
{
	if (u->opts->progress && u->drawn > 0) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	u->drawn = 0;
}

static void
update_signal(int sig)
{
	if (update_sig_path[0] != '\0') {
		unlink(update_sig_path);
		unlink(update_sig_journal);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
update_signals(const char *tmp)
{
	struct sigaction	sa;

	if (tmp == NULL) {
		sigaction(SIGINT, &update_sig_old[0], NULL);
		sigaction(SIGTERM, &update_sig_old[1], NULL);
		update_sig_path[0] = '\0';
		return;
	}
	snprintf(update_sig_path, sizeof update_sig_path, "%s", tmp);
	snprintf(update_sig_journal, sizeof update_sig_journal, "%s-journal", tmp);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = update_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &update_sig_old[0]);
	sigaction(SIGTERM, &sa, &update_sig_old[1]);
}

static int
update_prev_cb(const struct vulndb_feed *f, void *arg)
{
	struct update		*u = arg;
	struct update_prev	*p;

	u->prev = xreallocarray(u->prev, u->nprev + 1, sizeof *u->prev);
	p = &u->prev[u->nprev++];
	p->name = xstrdup(f->name);
	p->sha256 = f->sha256 != NULL ? xstrdup(f->sha256) : NULL;
	p->url = f->url != NULL ? xstrdup(f->url) : NULL;
	p->etag = f->etag != NULL ? xstrdup(f->etag) : NULL;
	p->last_modified = f->last_modified != NULL ? xstrdup(f->last_modified) : NULL;
	p->records = f->records;
	return 0;
}

static const struct update_prev *
update_prev_find(const struct update *u, const char *name)
{
	size_t	i;

	for (i = 0; i < u->nprev; i++) {
		if (strcmp(u->prev[i].name, name) == 0)
			return &u->prev[i];
	}
	return NULL;
}

/* Start the new database: a copy of the current one (or an empty file), same mode. */
static int
update_start_tmp(struct update *u, char **cause)
{
	struct stat	 st;
	mode_t		 mask;
	char		*tmp;
	int		 fd, rc;

	if (u->vdb != NULL)
		return 0;
	tmp = xasprintf("%s.tmp-XXXXXX", u->opts->db);
	if ((fd = mkstemp(tmp)) == -1) {
		rc = fail(cause, HS_EIO, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return rc;
	}
	u->tmp = tmp;
	update_signals(tmp);
	if (u->have_live && stat(u->opts->db, &st) == 0)
		fchmod(fd, st.st_mode & 0777);
	else {
		mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	close(fd);
	if (u->have_live && (rc = vulndb_backup(u->opts->db, tmp, cause)) != 0)
		return rc;
	return vulndb_open(tmp, VULNDB_CREATE, &u->vdb, cause);
}

/* Remember a feed found current; its check time is written at the end. */
static void
update_check_add(struct update *u, const char *name, const char *url, const char *etag,
    const char *last_modified)
{
	struct update_check	*c;

	u->checks = xreallocarray(u->checks, u->nchecks + 1, sizeof *u->checks);
	c = &u->checks[u->nchecks++];
	c->name = name;
	c->url = xstrdup(url);
	c->etag = etag != NULL ? xstrdup(etag) : NULL;
	c->last_modified = last_modified != NULL ? xstrdup(last_modified) : NULL;
	c->at = (int64_t)time(NULL);
}

/* Import data as feed f into the new database, in one transaction. */
static int
update_import(struct update *u, const struct update_feed *f, const char *url,
    const char *data, size_t len, const char *sha, const char *etag,
    const char *last_modified, int64_t *records, char **cause)
{
	const struct feed_format	*fmt = NULL;
	struct buf			 plain;
	int				 rc;

	*records = 0;
	buf_init(&plain);
	if (f->format != NULL)
		fmt = feed_format_find(f->format);
	if ((rc = feed_prepare(&fmt, &data, &len, &plain, cause)) != 0)
		goto out;
	if (fmt == NULL) {
		rc = fail(cause, HS_EINVAL, "not a feed format hullscan knows (give"
		    " its format in the feed list)");
		goto out;
	}
	if ((rc = update_start_tmp(u, cause)) != 0)
		goto out;
	if ((rc = vulndb_begin(u->vdb, cause)) != 0)
		goto out;
	if ((rc = vulndb_feed_reset(u->vdb, f->name, url, sha, cause)) != 0 ||
	    (rc = fmt->import(u->vdb, f->name, data, len, records, cause)) != 0 ||
	    (rc = vulndb_feed_done(u->vdb, f->name, *records, cause)) != 0 ||
	    (rc = vulndb_feed_checked(u->vdb, f->name, url, etag, last_modified,
	    (int64_t)time(NULL), cause)) != 0 ||
	    (rc = vulndb_commit(u->vdb, cause)) != 0)
		vulndb_rollback(u->vdb);
out:
	buf_free(&plain);
	return rc;
}

/* An HTTP date for a file's modification time. */
static char *
update_http_date(time_t t)
{
	char		s[64];
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof s, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
		return NULL;
	return xstrdup(s);
}

/* Read a file:// URL whole, or a file built into the binary (builtin:NAME). */
static int
update_read_file(const char *url, struct buf *body, char **last_modified, char **cause)
{
	struct stat		 st;
	const struct embed_file	*ef;
	const char		*path = url + strlen("file://");
	char			*data;
	size_t			 len;
	int			 rc;

	if (str_starts(url, "builtin:")) {
		if ((ef = embed_find(url + strlen("builtin:"))) == NULL)
			return fail(cause, HS_ENOENT, "%s: not built in", url);
		buf_free(body);
		buf_init(body);
		buf_add(body, ef->data, ef->len);
		return 0;
	}

	if (str_starts(path, "localhost/"))
		path += strlen("localhost");
	if (*path != '/')
		return fail(cause, HS_EINVAL, "%s: not a local path", url);
	if ((rc = file_read(path, FEED_MAX_SIZE, &data, &len, cause)) != 0)
		return rc;
	if (stat(path, &st) == 0)
		*last_modified = update_http_date(st.st_mtime);
	buf_free(body);
	body->data = data;
	body->len = len;
	body->cap = len + 1;
	return 0;
}

/* Fetch url with the previous validators; *status 304 when not modified. */
static int
update_fetch(struct update *u, const struct update_feed *f, const char *url,
    const struct update_prev *p, struct buf *body, long *status, char **etag,
    char **last_modified, char **cause)
{
	struct fetch_request	 req;
	struct fetch_response	 resp;
	struct stream		*s = NULL;
	const char		*hdrs[3];
	char			*inm = NULL, *ims = NULL, chunk[65536];
	size_t			 nh = 0;
	ssize_t			 n;
	int			 rc;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	resp.content_length = -1;
	if (p != NULL && p->url != NULL && strcmp(p->url, url) == 0) {
		if (p->etag != NULL)
			hdrs[nh++] = inm = xasprintf("If-None-Match: %s", p->etag);
		if (p->last_modified != NULL)
			hdrs[nh++] = ims = xasprintf("If-Modified-Since: %s",
			    p->last_modified);
	}
	hdrs[nh] = NULL;
	req.url = url;
	req.headers = hdrs;
	req.max_body = FEED_MAX_SIZE;
	if ((rc = fetch_open(u->fetch, &req, &resp, &s, cause)) != 0)
		goto out;
	*status = resp.status;
	*etag = resp.etag != NULL ? xstrdup(resp.etag) : NULL;
	*last_modified = resp.last_modified != NULL ? xstrdup(resp.last_modified) : NULL;
	if (resp.status == 304)
		goto out;
	if (s == NULL) {
		rc = fail(cause, HS_EIO, "%s: HTTP %ld", url, resp.status);
		goto out;
	}
	if (resp.content_length > 0 && (uint64_t)resp.content_length <= FEED_MAX_SIZE)
		buf_reserve(body, (size_t)resp.content_length + 1);
	while ((n = stream_read(s, chunk, sizeof chunk, cause)) > 0) {
		buf_add(body, chunk, (size_t)n);
		update_progress(u, f->name, body->len, resp.content_length);
	}
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	if (resp.content_length >= 0 && body->len != (uint64_t)resp.content_length) {
		rc = fail(cause, HS_EIO, "%s: %zu bytes of %lld", url, body->len,
		    (long long)resp.content_length);
		goto out;
	}
out:
	stream_close(s);
	fetch_response_clear(&resp);
	free(inm);
	free(ims);
	return rc;
}

static int
update_is_http(struct strview s)
{
	return (s.len > 7 && memcmp(s.ptr, "http://", 7) == 0) ||
	    (s.len > 8 && memcmp(s.ptr, "https://", 8) == 0);
}

/* A small index (mirror.list, repomd.xml) at url, through the mirror if set. */
static int
update_get_index(struct update *u, const struct update_feed *f, const char *url,
    struct buf *body, char **cause)
{
	char	*mirrored = NULL, *etag = NULL, *lm = NULL;
	long	 status = 0;
	int	 rc;

	if (u->opts->mirror != NULL &&
	    (mirrored = update_mirror_url(u->opts->mirror, url)) != NULL)
		url = mirrored;
	if (str_starts(url, "file://"))
		rc = update_read_file(url, body, &lm, cause);
	else
		rc = update_fetch(u, f, url, NULL, body, &status, &etag, &lm, cause);
	update_progress_clear(u);
	if (rc == 0 && body->len > UPDATE_INDEX_MAX)
		rc = fail(cause, HS_ELIMIT, "%s: larger than %d bytes", url,
		    UPDATE_INDEX_MAX);
	free(mirrored);
	free(etag);
	free(lm);
	return rc;
}

/* The href of repomd.xml's <data type="updateinfo"> <location>; NULL if none. */
static char *
update_repomd_updateinfo(const struct buf *b)
{
	const char	*p, *end, *h, *q;
	size_t		 n;

	if (b->data == NULL || (p = memmem(b->data, b->len,
	    "type=\"updateinfo\"", 17)) == NULL)
		return NULL;
	n = b->len - (p - b->data);
	if ((end = memmem(p, n, "</data>", 7)) == NULL)
		end = p + n;
	if ((h = memmem(p, end - p, "<location", 9)) == NULL ||
	    (h = memmem(h, end - h, "href=\"", 6)) == NULL)
		return NULL;
	h += 6;
	if ((q = memchr(h, '"', end - h)) == NULL || q == h)
		return NULL;
	for (p = h; p < q; p++) {
		if ((unsigned char)*p <= ' ' || *p == '\\' || *p == '?' || *p == '#')
			return NULL;
	}
	if (*h == '/' || memmem(h, q - h, "..", 2) != NULL ||
	    memmem(h, q - h, "://", 3) != NULL)
		return NULL;
	return xstrndup(h, q - h);
}

/*
 * A yum repository's updateinfo (Amazon Linux publishes its ALAS that way):
 * a feed URL naming the repository's mirror.list (its first URL is the
 * repository) or its repodata/repomd.xml resolves to the updateinfo file
 * repomd.xml lists, whose name changes with each publication. *out NULL:
 * the URL is the feed's own.
 */
static int
update_resolve(struct update *u, const struct update_feed *f, char **out,
    char **cause)
{
	struct buf	 b;
	struct strview	 in, line;
	char		*base = NULL, *repomd, *href;
	size_t		 n;
	int		 rc;

	*out = NULL;
	buf_init(&b);
	if (str_ends(f->url, "/mirror.list")) {
		if ((rc = update_get_index(u, f, f->url, &b, cause)) != 0)
			goto out;
		in.ptr = b.data != NULL ? b.data : "";
		in.len = b.len;
		while (base == NULL && sv_getline(&in, &line)) {
			line = sv_trim(line);
			if (line.len > 0 && line.ptr[0] != '#' &&
			    memchr(line.ptr, ' ', line.len) == NULL &&
			    (update_is_http(line)))
				base = sv_dup(line);
		}
		if (base == NULL) {
			rc = fail(cause, HS_EINVAL, "%s: no repository URL in it",
			    f->url);
			goto out;
		}
	} else if (str_ends(f->url, "/repodata/repomd.xml")) {
		base = xstrndup(f->url, strlen(f->url) -
		    strlen("/repodata/repomd.xml"));
	} else
		return 0;
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	repomd = xasprintf("%s/repodata/repomd.xml", base);
	b.len = 0;
	rc = update_get_index(u, f, repomd, &b, cause);
	if (rc == 0 && (href = update_repomd_updateinfo(&b)) == NULL)
		rc = fail(cause, HS_EINVAL, "%s: no updateinfo listed", repomd);
	else if (rc == 0) {
		*out = xasprintf("%s/%s", base, href);
		free(href);
	}
	free(repomd);
out:
	free(base);
	buf_free(&b);
	return rc;
}

/* Check one feed and re-import it when it changed. */
static void
update_one(struct update *u, const struct update_feed *f)
{
	const struct update_prev	*p;
	struct buf			 body;
	char				*mirrored = NULL, *etag = NULL, *lm = NULL;
	char				*cause = NULL, sha[72], a[32], b[32];
	char				*resolved = NULL;
	const char			*url;
	long				 status = 0;
	int64_t				 records = 0;
	double				 t0 = now_mono();
	int				 rc, local;

	buf_init(&body);
	p = update_prev_find(u, f->name);
	if ((rc = update_resolve(u, f, &resolved, &cause)) != 0)
		goto failed;
	url = resolved != NULL ? resolved : f->url;
	if (u->opts->mirror != NULL &&
	    (mirrored = update_mirror_url(u->opts->mirror, url)) != NULL)
		url = mirrored;
	local = str_starts(url, "file://") || str_starts(url, "builtin:");
	if (local)
		rc = update_read_file(url, &body, &lm, &cause);
	else
		rc = update_fetch(u, f, url, p, &body, &status, &etag, &lm, &cause);
	update_progress_clear(u);
	if (rc != 0)
		goto failed;

	if (status == 304 && p == NULL) {
		rc = fail(&cause, HS_EIO, "%s: 304 to a request without validators", url);
		goto failed;
	}
	if (status == 304) {
		/* Not modified: keep the validators the server still stands by. */
		update_check_add(u, f->name, url, etag != NULL ? etag : p->etag,
		    lm != NULL ? lm : p->last_modified);
		u->current++;
		log_info("%s: 304 not modified (%.2f s)", f->name, now_mono() - t0);
		goto out;
	}
	sha256_hex(body.data, body.len, sha);
	if (p != NULL && p->sha256 != NULL && strcmp(p->sha256, sha) == 0) {
		/* The same bytes again (no validators, or a new URL): no re-import. */
		update_check_add(u, f->name, url, etag, lm);
		u->current++;
		log_info("%s: %s, %s, unchanged (%.2f s)", f->name,
		    local ? "file" : "200", update_bytes(body.len, a),
		    now_mono() - t0);
		goto out;
	}
	if ((rc = update_import(u, f, url, body.data, body.len, sha, etag, lm,
	    &records, &cause)) != 0) {
		cause_prefix(&cause, "%s", url);
		goto failed;
	}
	u->changed++;
	if (local)
		log_info("%s: file, %s, %s records (%.2f s)", f->name,
		    update_bytes(body.len, a), update_count(records, b),
		    now_mono() - t0);
	else
		log_info("%s: %ld, %s, %s records (%.2f s)", f->name, status,
		    update_bytes(body.len, a), update_count(records, b),
		    now_mono() - t0);
	goto out;

failed:
	u->failed++;
	if (p != NULL)
		log_error("%s: %s; keeping its previous %s records", f->name, cause,
		    update_count(p->records, a));
	else
		log_error("%s: %s", f->name, cause);
out:
	free(cause);
	free(etag);
	free(lm);
	free(mirrored);
	free(resolved);
	buf_free(&body);
}

/* Write the check times of the feeds found current into db. */
static int
update_write_checks(struct update *u, struct vulndb *vdb, char **cause)
{
	struct update_check	*c;
	size_t			 i;
	int			 rc;

	if (u->nchecks == 0)
		return 0;
	if ((rc = vulndb_begin(vdb, cause)) != 0)
		return rc;
	for (i = 0; i < u->nchecks; i++) {
		c = &u->checks[i];
		if ((rc = vulndb_feed_checked(vdb, c->name, c->url, c->etag,
		    c->last_modified, c->at, cause)) != 0) {
			vulndb_rollback(vdb);
			return rc;
		}
	}
	return vulndb_commit(vdb, cause);
}

static int
update_fsync_path(const char *path, int flags, char **cause)
{
	int	fd, rc = 0;

	if ((fd = open(path, flags | O_CLOEXEC)) == -1)
		return fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
	if (fsync(fd) == -1 && errno != EINVAL)
		rc = fail(cause, HS_EIO, "%s: fsync: %s", path, strerror(errno));
	close(fd);
	return rc;
}

/* Close the new database, flush it and rename it over the old one. */
static int
update_finish_tmp(struct update *u, char **cause)
{
	char	*dir, *slash;
	int	 rc;

	vulndb_close(u->vdb);
	u->vdb = NULL;
	if ((rc = update_fsync_path(u->tmp, O_RDONLY, cause)) != 0)
		return rc;
	if (rename(u->tmp, u->opts->db) == -1)
		return fail(cause, HS_EIO, "%s: rename to %s: %s", u->tmp, u->opts->db,
		    strerror(errno));
	free(u->tmp);
	u->tmp = NULL;
	update_signals(NULL);
	dir = xstrdup(u->opts->db);
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	update_fsync_path(dir, O_RDONLY | O_DIRECTORY, NULL);
	free(dir);
	return 0;
}

/*
 * Temporary databases of an update that was killed (SIGKILL, power loss):
 * only the lock holder makes them, so under the lock every one is stale.
 */
static void
update_remove_stale(const char *db)
{
	glob_t	 g;
	char	*pattern, *esc;
	size_t	 i;

	esc = xstrdup(db);
	for (i = 0; esc[i] != '\0'; i++) {
		if (strchr("*?[\\", esc[i]) != NULL)
			esc[i] = '?';
	}
	pattern = xasprintf("%s.tmp-??????*", esc);
	if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc && i < 64; i++) {
			if (unlink(g.gl_pathv[i]) == 0)
				log_debug("removed %s, left by an update that was killed",
				    g.gl_pathv[i]);
		}
		globfree(&g);
	}
	free(pattern);
	free(esc);
}

/*
 * The end-of-life table is updated with the feeds: the eol.tsv beside the
 * feed list (installed beside feeds.conf; built in with the built-in list)
 * is the feed "eol", unless the list
 * names an eol feed of its own. Returns 1 with *f filled (its url allocated).
 */
static int
update_eol_feed(const struct update_conf *conf, struct update_feed *f)
{
	struct stat	 st;
	char		*dir, *path, abs[PATH_MAX], *slash;
	size_t		 i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < conf->n; i++) {
		if ((conf->feeds[i].format != NULL &&
		    strcmp(conf->feeds[i].format, "eol") == 0) ||
		    strcmp(conf->feeds[i].name, "eol") == 0)
			return 0;
	}
	if (conf->path == NULL)
		return 0;
	/* The built-in list's table is built in too. */
	if (strcmp(conf->path, UPDATE_BUILTIN_CONF) == 0) {
		if (embed_find("data/eol.tsv") == NULL)
			return 0;
		f->name = "eol";
		f->format = "eol";
		f->url = xstrdup("builtin:data/eol.tsv");
		return 1;
	}
	dir = xstrdup(conf->path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	path = xasprintf("%s/eol.tsv", dir);
	free(dir);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    realpath(path, abs) == NULL) {
		free(path);
		return 0;
	}
	free(path);
	f->name = "eol";
	f->format = "eol";
	f->url = xasprintf("file://%s", abs);
	return 1;
}

int
update_run(const struct update_options *opts, const struct update_conf *conf,
    int *failed, char **cause)
{
	struct update		 u;
	struct update_feed	 eol;
	struct vulndb		*live = NULL;
	struct stat		 st;
	size_t			 i;
	int			 lockfd = -1, rc;

	*failed = 0;
	memset(&eol, 0, sizeof eol);
	memset(&u, 0, sizeof u);
	u.opts = opts;
	if ((rc = mkdir_parents(opts->db, cause)) != 0)
		return rc;
	if ((rc = vulndb_lock(opts->db, opts->lock_wait, &lockfd, cause)) != 0)
		return rc;
	update_remove_stale(opts->db);

	/* What the current database holds: hashes and validators per feed. */
	if (stat(opts->db, &st) == 0) {
		u.have_live = 1;
		if ((rc = vulndb_open(opts->db, VULNDB_READ, &live, cause)) != 0 ||
		    (rc = vulndb_feeds(live, update_prev_cb, &u, cause)) != 0)
			goto out;
		vulndb_close(live);
		live = NULL;
	} else if (errno != ENOENT) {
		rc = fail(cause, HS_EIO, "%s: %s", opts->db, strerror(errno));
		goto out;
	}

	u.fetch = fetch_new(&opts->fetch);
	for (i = 0; i < conf->n; i++)
		update_one(&u, &conf->feeds[i]);
	if (update_eol_feed(conf, &eol))
		update_one(&u, &eol);

	if (u.vdb != NULL) {
		if ((rc = update_write_checks(&u, u.vdb, cause)) != 0 ||
		    (rc = update_finish_tmp(&u, cause)) != 0)
			goto out;
	} else if (u.nchecks > 0) {
		/* Nothing changed: record the checks in place, one transaction. */
		if ((rc = vulndb_open(opts->db, VULNDB_CREATE, &live, cause)) != 0 ||
		    (rc = update_write_checks(&u, live, cause)) != 0)
			goto out;
	}
	log_info("%s: %d feed%s updated, %d current, %d failed", opts->db, u.changed,
	    u.changed == 1 ? "" : "s", u.current, u.failed);
	*failed = u.failed;
	rc = 0;
out:
	vulndb_close(live);
	vulndb_close(u.vdb);
	if (u.tmp != NULL) {
		char	*journal = xasprintf("%s-journal", u.tmp);

		unlink(u.tmp);
		unlink(journal);
		free(journal);
		free(u.tmp);
		update_signals(NULL);
	}
	fetch_free(u.fetch);
	free(eol.url);
	for (i = 0; i < u.nprev; i++) {
		free(u.prev[i].name);
		free(u.prev[i].sha256);
		free(u.prev[i].url);
		free(u.prev[i].etag);
		free(u.prev[i].last_modified);
	}
	free(u.prev);
	for (i = 0; i < u.nchecks; i++) {
		free(u.checks[i].url);
		free(u.checks[i].etag);
		free(u.checks[i].last_modified);
	}
	free(u.checks);
	vulndb_unlock(lockfd);
	return rc;
}
