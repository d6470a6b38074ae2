/* The layer reader: one pass over a layer blob gives both digests, the kept files and the whiteouts. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "layer.h"
#include "stream.h"
#include "util.h"

#define LAYER_BLOCK		65536
#define LAYER_MAX_LINK		4096	/* longest symlink target kept */
/*
 * Symlinks nobody asked for are still kept when shallow ("lib", "var/lib/rpm"):
 * a wanted path may lie behind one. Deeper ones cannot be on the way to any
 * wanted path, and a cap bounds an image made of nothing but links.
 */
#define LAYER_LINK_DEPTH	4
#define LAYER_MAX_LINKS		65536
#define LAYER_RATIO_FLOOR	(1024 * 1024)

/*
 * The two SHA-256 digests cost about as much as the decompression itself:
 * a second thread takes them while this one decompresses and walks the tar.
 * That thread also reads the blob ahead into the blob ring, hashing each
 * block as it comes, so this one only decompresses what is already there;
 * tar blocks live in libarchive's buffer, so they are copied into the tar
 * ring. Each ring holds a few blocks: memory stays flat, whatever the layer.
 */
#define LAYER_BLOB_SLOTS	8
#define LAYER_BLOB_AHEAD	2	/* blocks kept ready before tar hashing */
#define LAYER_TAR_SLOTS		8
#define LAYER_TAR_SLOT		(128 * 1024)

struct layer_ring {
	char	*data[LAYER_TAR_SLOTS];
	size_t	 len[LAYER_TAR_SLOTS];
	size_t	 nslots;
	size_t	 head;		/* tar: oldest block not hashed; blob: not given back */
	size_t	 count;		/* tar: blocks to hash; blob: blocks read, not given back */
};

struct layer_ctx {
	struct stream			*in;
	const struct layer_limits	*limits;
	layer_want_fn			 want;
	struct hs_sha256		*blob_sha;
	struct hs_sha256		*tar_sha;
	struct archive			*raw;
	struct archive			*tar;
	char				*block;
	int				 in_eof;
	int				 raw_eof;
	int				 code;	/* first error seen in a callback */
	char				*cause;
	size_t				 nentries;
	size_t				 nlinks;
	size_t				 summary_bytes;
	size_t				 files_cap;
	size_t				 whiteouts_cap;
	size_t				 opaque_cap;
	struct layer_files		*lf;
	int				 same_digest;	/* no compression: diff_id is the digest */

	/* The hashing thread (threaded only) and what it is given. */
	int				 threaded;
	pthread_t			 hasher;
	pthread_mutex_t			 lock;
	pthread_cond_t			 work;		/* the hasher waits here */
	pthread_cond_t			 space;		/* the reader waits here */
	int				 hasher_idle;
	int				 reader_waiting;
	struct layer_ring		 bring;
	struct layer_ring		 tring;
	int				 stop;
	int				 bheld;		/* libarchive holds bring's head */
	int				 bdone;		/* the hasher read the blob's end, or failed */
	int				 bcode;		/* its read error, and why */
	char				*bcause;
};

void
layer_limits_default(struct layer_limits *l)
{
	l->max_file = (size_t)256 << 20;
	l->max_entries = 2000000;
	l->max_tar = (uint64_t)64 << 30;
	l->max_ratio = 1000;
	l->summariser = NULL;
}

void
layer_files_free(struct layer_files *lf)
{
	size_t	i;

	if (lf == NULL)
		return;
	free(lf->digest);
	free(lf->diff_id);
	for (i = 0; i < lf->nfiles; i++) {
		free(lf->files[i].path);
		free(lf->files[i].data);
	}
	free(lf->files);
	for (i = 0; i < lf->nwhiteouts; i++)
		free(lf->whiteouts[i]);
	free(lf->whiteouts);
	for (i = 0; i < lf->nopaque; i++)
		free(lf->opaque[i]);
	free(lf->opaque);
	free(lf);
}

struct layer_files *
layer_files_dup(const struct layer_files *lf)
{
	struct layer_files	*d;
	size_t			 i;

	d = xcalloc(1, sizeof *d);
	d->digest = lf->digest != NULL ? xstrdup(lf->digest) : NULL;
	d->diff_id = lf->diff_id != NULL ? xstrdup(lf->diff_id) : NULL;
	d->files = xcalloc(lf->nfiles, sizeof *d->files);
	for (i = 0; i < lf->nfiles; i++) {
		d->files[i].path = xstrdup(lf->files[i].path);
		d->files[i].type = lf->files[i].type;
		d->files[i].len = lf->files[i].len;
		if (lf->files[i].data != NULL) {
			d->files[i].data = xmalloc(lf->files[i].len + 1);
			memcpy(d->files[i].data, lf->files[i].data,
			    lf->files[i].len + 1);
		}
	}
	d->nfiles = lf->nfiles;
	d->whiteouts = xcalloc(lf->nwhiteouts, sizeof *d->whiteouts);
	for (i = 0; i < lf->nwhiteouts; i++)
		d->whiteouts[i] = xstrdup(lf->whiteouts[i]);
	d->nwhiteouts = lf->nwhiteouts;
	d->opaque = xcalloc(lf->nopaque, sizeof *d->opaque);
	for (i = 0; i < lf->nopaque; i++)
		d->opaque[i] = xstrdup(lf->opaque[i]);
	d->nopaque = lf->nopaque;
	d->blob_bytes = lf->blob_bytes;
	d->tar_bytes = lf->tar_bytes;
	return d;
}

char *
layer_path_normalise(const char *name)
{
	struct buf	 b;
	const char	*p = name, *c;
	size_t		 n;

	buf_init(&b);
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		c = p;
		while (*p != '\0' && *p != '/')
			p++;
		n = p - c;
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (b.len == 0) {
				buf_free(&b);
				return NULL;
			}
			while (b.len > 0 && b.data[b.len - 1] != '/')
				b.len--;
			if (b.len > 0)
				b.len--;
			b.data[b.len] = '\0';
			continue;
		}
		if (b.len != 0)
			buf_add(&b, "/", 1);
		buf_add(&b, c, n);
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Remember the first error a callback meets; later ones are consequences. */
static int
layer_error(struct layer_ctx *c, int code, const char *fmt, ...)
{
	va_list	ap;

	if (c->code == 0) {
		c->code = code;
		free(c->cause);
		va_start(ap, fmt);
		c->cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return c->code;
}

/*
 * The second thread: it reads the blob ahead into the blob ring, hashing each
 * block, and hashes the tar blocks the reader copies into the tar ring. It
 * reads first while the reader has fewer than LAYER_BLOB_AHEAD blocks in
 * hand (or nothing else is to be done), and hashes tar blocks otherwise.
 * Called with the lock held; returns with it held.
 */
static void
layer_hasher_read(struct layer_ctx *c)
{
	struct layer_ring	*r = &c->bring;
	size_t			 slot = (r->head + r->count) % r->nslots;
	char			*cause = NULL;
	ssize_t			 n;

	pthread_mutex_unlock(&c->lock);
	n = stream_read(c->in, r->data[slot], LAYER_BLOCK, &cause);
	if (n > 0)
		sha256_update(c->blob_sha, r->data[slot], (size_t)n);
	pthread_mutex_lock(&c->lock);
	if (n > 0) {
		r->len[slot] = (size_t)n;
		r->count++;
	} else {
		c->bdone = 1;
		c->bcode = (int)n;
		c->bcause = cause;
	}
}

static void *
layer_hasher(void *arg)
{
	struct layer_ctx	*c = arg;
	struct layer_ring	*b = &c->bring, *t = &c->tring;
	int			 can_read;

#ifdef __GLIBC__
	pthread_setname_np(pthread_self(), "hullscan-hash");	/* for top and perf */
#endif
	pthread_mutex_lock(&c->lock);
	for (;;) {
		can_read = !c->bdone && !c->stop && b->count < b->nslots;
		if (can_read && (t->count == 0 ||
		    b->count - (size_t)c->bheld < LAYER_BLOB_AHEAD))
			layer_hasher_read(c);
		else if (t->count > 0) {
			pthread_mutex_unlock(&c->lock);
			sha256_update(c->tar_sha, t->data[t->head], t->len[t->head]);
			pthread_mutex_lock(&c->lock);
			t->head = (t->head + 1) % t->nslots;
			t->count--;
		} else if (c->stop)
			break;
		else {
			c->hasher_idle = 1;
			pthread_cond_wait(&c->work, &c->lock);
			c->hasher_idle = 0;
			continue;
		}
		if (c->reader_waiting)
			pthread_cond_signal(&c->space);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* The next free slot of the tar ring, once the hasher is done with it. */
static char *
layer_ring_slot(struct layer_ctx *c, struct layer_ring *r)
{
	char	*p;

	pthread_mutex_lock(&c->lock);
	while (r->count == r->nslots) {
		c->reader_waiting = 1;
		pthread_cond_wait(&c->space, &c->lock);
		c->reader_waiting = 0;
	}
	p = r->data[(r->head + r->count) % r->nslots];
	pthread_mutex_unlock(&c->lock);
	return p;
}

/* Hand the slot layer_ring_slot gave to the hasher. */
static void
layer_ring_push(struct layer_ctx *c, struct layer_ring *r, size_t len)
{
	pthread_mutex_lock(&c->lock);
	r->len[(r->head + r->count) % r->nslots] = len;
	r->count++;
	if (c->hasher_idle)
		pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->lock);
}

/* Hash a tar block: a copy to the hasher, or here. */
static void
layer_hash_tar(struct layer_ctx *c, const void *buf, size_t size)
{
	const char	*p = buf;
	size_t		 n;

	if (c->same_digest)
		return;
	if (!c->threaded) {
		sha256_update(c->tar_sha, buf, size);
		return;
	}
	while (size > 0) {
		n = size < LAYER_TAR_SLOT ? size : LAYER_TAR_SLOT;
		memcpy(layer_ring_slot(c, &c->tring), p, n);
		layer_ring_push(c, &c->tring, n);
		p += n;
		size -= n;
	}
}

static void
layer_ring_init(struct layer_ring *r, size_t nslots, size_t size)
{
	size_t	i;

	memset(r, 0, sizeof *r);
	r->nslots = nslots;
	for (i = 0; i < nslots; i++)
		r->data[i] = xmalloc(size);
}

static void
layer_ring_free(struct layer_ring *r)
{
	size_t	i;

	for (i = 0; i < r->nslots; i++)
		free(r->data[i]);
	r->nslots = 0;
}

/* Start the hasher; without one, both digests are taken in this thread. */
static void
layer_hasher_start(struct layer_ctx *c)
{
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->space, NULL);
	layer_ring_init(&c->bring, LAYER_BLOB_SLOTS, LAYER_BLOCK);
	layer_ring_init(&c->tring, LAYER_TAR_SLOTS, LAYER_TAR_SLOT);
	c->bdone = c->in_eof;	/* detecting the compression may have read it all */
	if (pthread_create(&c->hasher, NULL, layer_hasher, c) == 0)
		c->threaded = 1;
	else {
		layer_ring_free(&c->bring);
		layer_ring_free(&c->tring);
		pthread_cond_destroy(&c->work);
		pthread_cond_destroy(&c->space);
		pthread_mutex_destroy(&c->lock);
	}
}

/*
 * Let the hasher finish what it was given; both digests are then up to date,
 * and blob blocks it read ahead are counted as read. 0, or the error it had
 * reading the blob (in c).
 */
static int
layer_hasher_stop(struct layer_ctx *c)
{
	struct layer_ring	*b = &c->bring;
	size_t			 i;

	if (!c->threaded)
		return 0;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->hasher, NULL);
	c->threaded = 0;
	for (i = c->bheld; i < b->count; i++)
		c->lf->blob_bytes += b->len[(b->head + i) % b->nslots];
	if (c->bdone && c->bcode == 0)
		c->in_eof = 1;
	if (c->bcode < 0)
		layer_error(c, c->bcode, "%s", c->bcause != NULL ? c->bcause :
		    "read error");
	free(c->bcause);
	c->bcause = NULL;
	layer_ring_free(&c->bring);
	layer_ring_free(&c->tring);
	pthread_cond_destroy(&c->work);
	pthread_cond_destroy(&c->space);
	pthread_mutex_destroy(&c->lock);
	return c->bcode < 0 ? c->code : 0;
}

/*
 * The next blob block the hasher read (and hashed): the one libarchive held
 * until now goes back to the ring. Waits while none is ready. Returns its
 * length, 0 at the end, or the read error (a copy of why in *cause), as
 * stream_read does.
 */
static ssize_t
layer_blob_next(struct layer_ctx *c, char **block, char **cause)
{
	struct layer_ring	*b = &c->bring;
	ssize_t			 n;

	pthread_mutex_lock(&c->lock);
	if (c->bheld) {
		b->head = (b->head + 1) % b->nslots;
		b->count--;
		c->bheld = 0;
	}
	while (b->count == 0 && !c->bdone) {
		if (c->hasher_idle)
			pthread_cond_signal(&c->work);
		c->reader_waiting = 1;
		pthread_cond_wait(&c->space, &c->lock);
		c->reader_waiting = 0;
	}
	if (b->count > 0) {
		*block = b->data[b->head];
		n = (ssize_t)b->len[b->head];
		c->bheld = 1;
	} else {
		n = c->bcode;
		if (n < 0 && c->bcause != NULL)
			*cause = xstrdup(c->bcause);
	}
	if (c->hasher_idle)
		pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->lock);
	return n;
}

/*
 * libarchive pulls the blob through here: the blob digest is taken on the
 * way (by the hasher, threaded). The block handed to libarchive stays
 * untouched until it asks for the next one.
 */
static la_ssize_t
layer_raw_read(struct archive *a, void *arg, const void **buf)
{
	struct layer_ctx	*c = arg;
	char			*cause = NULL, *block = c->block;
	ssize_t			 n;

	if (c->in_eof)
		return 0;
	if (c->threaded)
		n = layer_blob_next(c, &block, &cause);
	else
		n = stream_read(c->in, block, LAYER_BLOCK, &cause);
	if (n < 0) {
		layer_error(c, (int)n, "%s", cause != NULL ? cause : "read error");
		archive_set_error(a, EIO, "%s", c->cause);
		free(cause);
		return -1;
	}
	if (n == 0) {
		c->in_eof = 1;
		return 0;
	}
	if (!c->threaded)
		sha256_update(c->blob_sha, block, n);
	c->lf->blob_bytes += n;
	*buf = block;
	return n;
}

/*
 * The next block of the decompressed tar, hashed for the diff_id and checked
 * against the size and ratio limits. 1 data, 0 end, -1 error (in c).
 */
static int
layer_tar_pull(struct layer_ctx *c, const void **buf, size_t *size)
{
	const struct layer_limits	*l = c->limits;
	struct layer_files		*lf = c->lf;
	la_int64_t			 off;
	const char			*err;
	int				 r;

	for (;;) {
		if (c->raw_eof)
			return 0;
		r = archive_read_data_block(c->raw, buf, size, &off);
		if (r == ARCHIVE_EOF) {
			c->raw_eof = 1;
			return 0;
		}
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			err = archive_error_string(c->raw);
			layer_error(c, HS_EINVAL, "%s",
			    err != NULL ? err : "decompression failed");
			return -1;
		}
		if (*size != 0)
			break;
	}
	layer_hash_tar(c, *buf, *size);
	lf->tar_bytes += *size;
	if (lf->tar_bytes > l->max_tar) {
		layer_error(c, HS_ELIMIT, "uncompressed layer is larger than "
		    "the limit of %" PRIu64 " bytes", l->max_tar);
		return -1;
	}
	if (lf->tar_bytes > LAYER_RATIO_FLOOR && lf->blob_bytes > 0 &&
	    lf->tar_bytes / lf->blob_bytes > l->max_ratio) {
		layer_error(c, HS_ELIMIT, "layer expands more than %" PRIu64
		    " times its compressed size (%" PRIu64 " bytes from %"
		    PRIu64 ")", l->max_ratio, lf->tar_bytes, lf->blob_bytes);
		return -1;
	}
	return 1;
}

static la_ssize_t
layer_tar_read(struct archive *a, void *arg, const void **buf)
{
	struct layer_ctx	*c = arg;
	size_t			 size;
	int			 r;

	if ((r = layer_tar_pull(c, buf, &size)) < 0) {
		archive_set_error(a, EIO, "%s", c->cause);
		return -1;
	}
	return r == 0 ? 0 : (la_ssize_t)size;
}

struct kept_file *
layer_files_add(struct layer_files *lf, size_t *cap, char *path,
    enum kept_type type)
{
	struct kept_file	*k;

	if (lf->nfiles == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		lf->files = xreallocarray(lf->files, *cap, sizeof *lf->files);
	}
	k = &lf->files[lf->nfiles++];
	memset(k, 0, sizeof *k);
	k->path = path;
	k->type = type;
	return k;
}

void
layer_strv_add(char ***v, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 8 : *cap * 2;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = s;
}

static struct kept_file *
layer_add_file(struct layer_ctx *c, char *path, enum kept_type type)
{
	return layer_files_add(c->lf, &c->files_cap, path, type);
}

int
layer_whiteout_target(const char *path, char **target)
{
	const char	*base;
	size_t		 dirlen;

	*target = NULL;
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	if (strncmp(base, ".wh.", 4) != 0)
		return LAYER_WH_NONE;
	dirlen = base == path ? 0 : (size_t)(base - path - 1);
	if (strcmp(base, ".wh..wh..opq") == 0) {
		*target = xstrndup(path, dirlen);
		return LAYER_WH_OPAQUE;
	}
	if (strncmp(base, ".wh..wh.", 8) == 0 || base[4] == '\0')
		return LAYER_WH_OTHER;	/* aufs bookkeeping, not a deletion */
	if (dirlen == 0)
		*target = xstrdup(base + 4);
	else
		*target = xasprintf("%.*s/%s", (int)dirlen, path, base + 4);
	return LAYER_WH_DELETE;
}

/* Record ".wh.NAME" and ".wh..wh..opq"; returns 1 when the entry was one. */
static int
layer_whiteout(struct layer_ctx *c, const char *path)
{
	struct layer_files	*lf = c->lf;
	char			*target;

	switch (layer_whiteout_target(path, &target)) {
	case LAYER_WH_NONE:
		return 0;
	case LAYER_WH_OPAQUE:
		layer_strv_add(&lf->opaque, &lf->nopaque, &c->opaque_cap, target);
		return 1;
	case LAYER_WH_DELETE:
		layer_strv_add(&lf->whiteouts, &lf->nwhiteouts, &c->whiteouts_cap,
		    target);
		return 1;
	}
	return 1;
}

/* A WANT_SOFT file over max_file: its size is kept, not its content. */
static int
layer_keep_toobig(struct layer_ctx *c, char *path, size_t size)
{
	struct kept_file	*k;

	log_debug("layer: %s: %zu bytes, over the limit of %zu: not kept", path,
	    size, c->limits->max_file);
	k = layer_add_file(c, path, KEPT_TOOBIG);
	k->len = size;
	return 0;
}

/*
 * Read a wanted regular file's content, bounded by max_file: past it, a
 * WANT_SOFT file is noted (KEPT_TOOBIG), any other fails the layer.
 */
static int
layer_keep_data(struct layer_ctx *c, struct archive_entry *e, char *path,
    int want)
{
	size_t		 max = c->limits->max_file;
	struct buf	 b;
	struct kept_file *k;
	la_ssize_t	 n;
	const char	*err;

	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
	    (uint64_t)archive_entry_size(e) > max) {
		if (want == WANT_SOFT)
			return layer_keep_toobig(c, path,
			    (uint64_t)archive_entry_size(e) > SIZE_MAX ? SIZE_MAX :
			    (size_t)archive_entry_size(e));
		layer_error(c, HS_ELIMIT, "%s: %jd bytes, larger than the limit "
		    "of %zu bytes", path, (intmax_t)archive_entry_size(e), max);
		free(path);
		return -1;
	}
	buf_init(&b);
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
		buf_reserve(&b, archive_entry_size(e));
	for (;;) {
		buf_reserve(&b, LAYER_BLOCK);
		n = archive_read_data(c->tar, b.data + b.len, LAYER_BLOCK);
		if (n == 0)
			break;
		if (n < 0) {
			err = archive_error_string(c->tar);
			layer_error(c, HS_EINVAL, "%s: %s", path,
			    err != NULL ? err : "read error");
			goto fail;
		}
		b.len += n;
		if (b.len > max) {
			if (want == WANT_SOFT) {
				n = b.len;
				buf_free(&b);
				return layer_keep_toobig(c, path, n);
			}
			layer_error(c, HS_ELIMIT, "%s: larger than the limit of "
			    "%zu bytes", path, max);
			goto fail;
		}
	}
	buf_reserve(&b, 0);
	b.data[b.len] = '\0';
	k = layer_add_file(c, path, KEPT_FILE);
	k->len = b.len;
	k->data = buf_steal(&b);
	return 0;

fail:
	buf_free(&b);
	free(path);
	return -1;
}

/* A file being summarised, as the summariser pulls it: its head, then the rest. */
struct layer_pull {
	struct layer_ctx	*c;
	const void		*first;
	size_t			 first_len;
	int			 given;
	int			 failed;	/* the tar failed, not the file */
};

static int
layer_pull(void *arg, const void **buf, size_t *len, char **cause)
{
	struct layer_pull	*p = arg;
	const char		*err;
	la_int64_t		 off;
	int			 r;

	if (!p->given) {
		p->given = 1;
		if (p->first_len > 0) {
			*buf = p->first;
			*len = p->first_len;
			return 1;
		}
	}
	for (;;) {
		r = archive_read_data_block(p->c->tar, buf, len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			p->failed = 1;
			err = archive_error_string(p->c->tar);
			return fail(cause, HS_EINVAL, "%s", err != NULL ? err :
			    "read error");
		}
		if (*len > 0)
			return 1;
	}
}

/* The next data block of the current entry: 1, 0 at its end, -1 error (in c). */
static int
layer_entry_block(struct layer_ctx *c, const char *path, const void **blk,
    size_t *n)
{
	const char	*err;
	la_int64_t	 off;
	int		 r;

	do {
		r = archive_read_data_block(c->tar, blk, n, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			err = archive_error_string(c->tar);
			layer_error(c, HS_EINVAL, "%s: %s", path, err != NULL ?
			    err : "read error");
			return -1;
		}
	} while (*n == 0);
	return 1;
}

/*
 * A file nobody asked for by path: the summariser looks at its first bytes
 * (the first block as it comes: nothing is copied for a file of no
 * interest) and may reduce it to a summary while it streams.
 */
static int
layer_summarise(struct layer_ctx *c, struct archive_entry *e, char *path)
{
	const struct layer_summariser	*s = c->limits->summariser;
	struct layer_pull		 p;
	struct kept_file		*k;
	struct buf			 head;
	const void			*blk;
	uint64_t			 size = (uint64_t)archive_entry_size(e);
	size_t				 n, slen;
	char				*sum, *why = NULL;
	int				 kind, r;

	memset(&p, 0, sizeof p);
	p.c = c;
	buf_init(&head);
	if ((r = layer_entry_block(c, path, &blk, &n)) <= 0)
		goto out;
	kind = s->probe(path, size, blk, n);
	p.first = blk;
	p.first_len = n;
	if (kind < 0) {
		buf_add(&head, blk, n);
		while (kind < 0 && head.len < LAYER_HEAD && head.len < size) {
			if ((r = layer_entry_block(c, path, &blk, &n)) < 0)
				goto out;
			if (r == 0)
				break;
			buf_add(&head, blk, n);
			kind = s->probe(path, size, head.data, head.len);
		}
		p.first = head.data;
		p.first_len = head.len;
	}
	r = 0;
	if (kind <= 0)
		goto out;
	if (c->summary_bytes > LAYER_SUMMARIES) {
		/* Enough kept of this layer: the file says why it was not read. */
		sum = s->skipped(kind, "not read: the layer's summaries pass "
		    "the limit of " LAYER_SUMMARIES_TEXT, &slen);
	} else
		sum = s->make(kind, path, size, c->limits->max_file, layer_pull,
		    &p, &slen, &why);
	if (p.failed || c->code != 0) {
		free(sum);
		layer_error(c, HS_EINVAL, "%s: %s", path, why != NULL ? why :
		    "read error");
		r = -1;
	} else if (sum == NULL) {
		if (why != NULL)
			log_warn("%s: %s", path, why);
	} else {
		k = layer_add_file(c, path, KEPT_SUMMARY);
		k->data = sum;
		k->len = slen;
		c->summary_bytes += slen;
		path = NULL;
	}
out:
	free(why);
	buf_free(&head);
	free(path);
	return r < 0 ? -1 : 0;
}

/*
 * A hard link to a file kept earlier in this layer gets a copy of it. A link
 * to a file nobody wanted cannot get its content back (the tar carried it
 * earlier): it becomes an absolute symlink, which the merged view resolves
 * if another layer kept the target.
 */
static void
layer_keep_hardlink(struct layer_ctx *c, char *path, const char *target,
    int wanted)
{
	struct layer_files	*lf = c->lf;
	struct kept_file	*k, *t = NULL;
	char			*norm;
	size_t			 i;

	if ((norm = layer_path_normalise(target)) == NULL) {
		free(path);
		return;
	}
	for (i = lf->nfiles; i > 0; i--) {
		if (strcmp(lf->files[i - 1].path, norm) == 0) {
			t = &lf->files[i - 1];
			break;
		}
	}
	if (!wanted && (t == NULL || t->type != KEPT_SUMMARY)) {
		free(path);		/* only a summary's links are kept unasked */
		free(norm);
		return;
	}
	if (t != NULL && t->type != KEPT_DIR) {
		i = t - lf->files;
		k = layer_add_file(c, path, t->type);
		t = &lf->files[i];	/* the array may have moved */
		k->len = t->len;
		if (t->data != NULL) {	/* KEPT_TOOBIG has none */
			k->data = xmalloc(t->len + 1);
			memcpy(k->data, t->data, t->len + 1);
		}
	} else {
		k = layer_add_file(c, path, KEPT_SYMLINK);
		k->data = xasprintf("/%s", norm);
		k->len = strlen(k->data);
	}
	free(norm);
}

static int
layer_depth(const char *path)
{
	int	n = 1;

	for (; *path != '\0'; path++) {
		if (*path == '/')
			n++;
	}
	return n;
}

int
layer_link_kept(const char *path, const char *target, int wanted, size_t nlinks)
{
	if (target == NULL || strlen(target) > LAYER_MAX_LINK)
		return 0;
	if (!wanted && (layer_depth(path) > LAYER_LINK_DEPTH ||
	    nlinks >= LAYER_MAX_LINKS))
		return 0;
	return 1;
}

/* One tar entry: a whiteout, a wanted file, a symlink, or nothing we keep. */
static int
layer_entry(struct layer_ctx *c, struct archive_entry *e)
{
	const char		*name, *link;
	char			*path;
	struct kept_file	*k;
	int			 wanted;

	if ((name = archive_entry_pathname(e)) == NULL &&
	    (name = archive_entry_pathname_utf8(e)) == NULL)
		return 0;
	if ((path = layer_path_normalise(name)) == NULL) {
		if (strspn(name, "./") != strlen(name))
			log_debug("layer: skipping entry outside the root: %s", name);
		return 0;
	}
	if (layer_whiteout(c, path)) {
		free(path);
		return 0;
	}
	wanted = c->want != NULL ? c->want(path) : WANT_NO;
	if ((link = archive_entry_hardlink(e)) != NULL &&
	    !(archive_entry_size_is_set(e) && archive_entry_size(e) > 0)) {
		if (wanted || c->limits->summariser != NULL)
			layer_keep_hardlink(c, path, link, wanted);
		else
			free(path);
		return 0;
	}
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		if (wanted)
			return layer_keep_data(c, e, path, wanted);
		if (c->limits->summariser != NULL && archive_entry_size_is_set(e) &&
		    archive_entry_size(e) >= 0 && (uint64_t)archive_entry_size(e) >=
		    c->limits->summariser->min_size)
			return layer_summarise(c, e, path);
		break;
	case AE_IFLNK:
		link = archive_entry_symlink(e);
		if (!layer_link_kept(path, link, wanted, c->nlinks))
			break;
		c->nlinks++;
		k = layer_add_file(c, path, KEPT_SYMLINK);
		k->data = xstrdup(link);
		k->len = strlen(link);
		return 0;
	case AE_IFDIR:
		if (wanted) {
			layer_add_file(c, path, KEPT_DIR);
			return 0;
		}
		break;
	}
	free(path);
	return 0;
}

static int
layer_check(char **cause, const char *what, const char *want, const char *got)
{
	if (want == NULL || strcmp(want, got) == 0)
		return 0;
	return fail(cause, HS_EDIGEST, "%s mismatch: expected %s, got %s", what,
	    want, got);
}

int
layer_read(struct stream *in, const struct layer_limits *limits,
    layer_want_fn want, const char *want_digest, const char *want_diff_id,
    struct layer_files **out, char **cause)
{
	struct layer_ctx	 c;
	struct layer_limits	 deflimits;
	struct archive_entry	*e;
	const void		*p;
	size_t			 size;
	ssize_t			 n;
	char			 digest[72], diff_id[72], *rcause = NULL;
	const char		*err;
	int			 r, rc = HS_EINVAL;

	*out = NULL;
	if (limits == NULL) {
		layer_limits_default(&deflimits);
		limits = &deflimits;
	}
	memset(&c, 0, sizeof c);
	c.in = in;
	c.limits = limits;
	c.want = want;
	c.blob_sha = sha256_new();
	c.tar_sha = sha256_new();
	c.block = xmalloc(LAYER_BLOCK);
	c.lf = xcalloc(1, sizeof *c.lf);

	/* A "raw" archive undoes the compression, whatever it is... */
	c.raw = archive_read_new();
	archive_read_support_format_raw(c.raw);
	archive_read_support_filter_gzip(c.raw);
	archive_read_support_filter_zstd(c.raw);
	archive_read_support_filter_xz(c.raw);
	archive_read_support_filter_bzip2(c.raw);
	if (archive_read_open(c.raw, &c, NULL, layer_raw_read, NULL) != ARCHIVE_OK ||
	    ((r = archive_read_next_header(c.raw, &e)) != ARCHIVE_OK &&
	    r != ARCHIVE_WARN && r != ARCHIVE_EOF)) {
		err = archive_error_string(c.raw);
		layer_error(&c, HS_EINVAL, "%s", err != NULL ? err : "unreadable blob");
		goto fail;
	}
	if (r == ARCHIVE_EOF)
		c.raw_eof = 1;
	/* Not compressed: the tar is the blob, one hash gives both digests. */
	c.same_digest = archive_filter_code(c.raw, 0) == ARCHIVE_FILTER_NONE;
	layer_hasher_start(&c);

	/* ...and a tar reader walks what comes out. */
	c.tar = archive_read_new();
	archive_read_support_format_tar(c.tar);
	archive_read_support_format_empty(c.tar);
	if (archive_read_open(c.tar, &c, NULL, layer_tar_read, NULL) != ARCHIVE_OK) {
		err = archive_error_string(c.tar);
		layer_error(&c, HS_EINVAL, "%s", err != NULL ? err : "not a tar archive");
		goto fail;
	}
	for (;;) {
		r = archive_read_next_header(c.tar, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			err = archive_error_string(c.tar);
			layer_error(&c, HS_EINVAL, "%s", err != NULL ? err :
			    "damaged tar archive");
			goto fail;
		}
		if (++c.nentries > limits->max_entries) {
			layer_error(&c, HS_ELIMIT, "more than %zu entries",
			    limits->max_entries);
			goto fail;
		}
		if (layer_entry(&c, e) != 0)
			goto fail;
	}

	/* The tar ends before its padding: finish both digests. */
	while ((r = layer_tar_pull(&c, &p, &size)) > 0)
		;
	if (r < 0 || layer_hasher_stop(&c) != 0)
		goto fail;
	while (!c.in_eof) {
		if ((n = stream_read(in, c.block, LAYER_BLOCK, &rcause)) < 0) {
			layer_error(&c, (int)n, "%s", rcause);
			goto fail;
		}
		if (n == 0)
			break;
		sha256_update(c.blob_sha, c.block, n);
		c.lf->blob_bytes += n;
	}
	sha256_final(c.blob_sha, digest);
	c.blob_sha = NULL;
	if (c.same_digest)
		memcpy(diff_id, digest, sizeof diff_id);
	else {
		sha256_final(c.tar_sha, diff_id);
		c.tar_sha = NULL;
	}
	c.lf->digest = xstrdup(digest);
	c.lf->diff_id = xstrdup(diff_id);
	if ((rc = layer_check(cause, "blob digest", want_digest, digest)) != 0 ||
	    (rc = layer_check(cause, "diff_id", want_diff_id, diff_id)) != 0)
		goto out;
	*out = c.lf;
	c.lf = NULL;
	rc = 0;
	goto out;

fail:
	layer_hasher_stop(&c);
	rc = c.code != 0 ? c.code : HS_EINVAL;
	/*
	 * A blob that fails to decompress may simply be the wrong blob (a
	 * corrupt download): when its digest is known, say which it is.
	 */
	if (want_digest != NULL && rc != HS_EIO && c.blob_sha != NULL) {
		archive_read_free(c.tar);
		archive_read_free(c.raw);
		c.tar = c.raw = NULL;
		while (!c.in_eof && c.lf->blob_bytes <= limits->max_tar) {
			if ((n = stream_read(in, c.block, LAYER_BLOCK, &rcause)) <= 0) {
				c.in_eof = n == 0;
				break;
			}
			sha256_update(c.blob_sha, c.block, n);
			c.lf->blob_bytes += n;
		}
		if (c.in_eof) {
			sha256_final(c.blob_sha, digest);
			c.blob_sha = NULL;
			if (strcmp(digest, want_digest) != 0) {
				rc = layer_check(cause, "blob digest",
				    want_digest, digest);
				goto out;
			}
		}
	}
	fail(cause, rc, "%s", c.cause != NULL ? c.cause : "unreadable layer");

out:
	layer_hasher_stop(&c);
	archive_read_free(c.tar);
	archive_read_free(c.raw);
	sha256_free(c.blob_sha);
	sha256_free(c.tar_sha);
	layer_files_free(c.lf);
	free(c.block);
	free(c.cause);
	free(rcause);
	return rc;
}
