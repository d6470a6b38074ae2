/* The merged file view of an image: kept files of every layer, later layers winning, whiteouts deleting. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layer.h"
#include "rootfs.h"
#include "util.h"

#define ROOTFS_MAX_HOPS		40	/* symlinks followed per lookup, as Linux */
#define ROOTFS_MAX_DEPTH	64	/* directory depth walked by rootfs_load_dir */
#define ROOTFS_LINK_DEPTH	4	/* unwanted symlinks kept this shallow, as layer.c */
#define ROOTFS_MAX_LINK		4096

/* Entries sorted by path: a directory's subtree is one contiguous run. */
struct rootfs {
	struct kept_file	*v;
	size_t			 n;
	size_t			 cap;
	char			**layers;	/* diff_ids applied, the entries' ->layer */
	size_t			 nlayers;
};

struct rootfs *
rootfs_new(void)
{
	return xcalloc(1, sizeof(struct rootfs));
}

static void
rootfs_entry_free(struct kept_file *k)
{
	free(k->path);
	free(k->data);
}

void
rootfs_free(struct rootfs *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		rootfs_entry_free(&r->v[i]);
	free(r->v);
	for (i = 0; i < r->nlayers; i++)
		free(r->layers[i]);
	free(r->layers);
	free(r);
}

size_t
rootfs_count(const struct rootfs *r)
{
	return r->n;
}

const struct kept_file *
rootfs_at(const struct rootfs *r, size_t i)
{
	return i < r->n ? &r->v[i] : NULL;
}

/* The first index whose path is >= key. */
static size_t
rootfs_lower(const struct rootfs *r, const char *key)
{
	size_t	lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(r->v[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct kept_file *
rootfs_find(const struct rootfs *r, const char *path)
{
	size_t	i;

	i = rootfs_lower(r, path);
	if (i < r->n && strcmp(r->v[i].path, path) == 0)
		return &r->v[i];
	return NULL;
}

/* Delete everything below dir ("" is the root), not dir itself. */
static void
rootfs_delete_below(struct rootfs *r, const char *dir)
{
	char	*prefix;
	size_t	 i, j, plen;

	if (*dir == '\0') {
		for (i = 0; i < r->n; i++)
			rootfs_entry_free(&r->v[i]);
		r->n = 0;
		return;
	}
	prefix = xasprintf("%s/", dir);
	plen = strlen(prefix);
	i = rootfs_lower(r, prefix);
	for (j = i; j < r->n && strncmp(r->v[j].path, prefix, plen) == 0; j++)
		rootfs_entry_free(&r->v[j]);
	if (j > i) {
		memmove(&r->v[i], &r->v[j], (r->n - j) * sizeof *r->v);
		r->n -= j - i;
	}
	free(prefix);
}

static void
rootfs_delete(struct rootfs *r, const char *path)
{
	struct kept_file	*k;
	size_t			 i;

	rootfs_delete_below(r, path);
	if ((k = rootfs_find(r, path)) != NULL) {
		i = k - r->v;
		rootfs_entry_free(k);
		memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof *r->v);
		r->n--;
	}
}

/* Add or replace path; takes over path and data. */
static void
rootfs_put(struct rootfs *r, char *path, enum kept_type type, char *data,
    size_t len, const char *layer)
{
	struct kept_file	*k;
	size_t			 i;

	/* A file or link where a directory was hides what was below it. */
	if (type != KEPT_DIR)
		rootfs_delete_below(r, path);
	i = rootfs_lower(r, path);
	if (i < r->n && strcmp(r->v[i].path, path) == 0) {
		k = &r->v[i];
		if (type == KEPT_DIR && k->type == KEPT_DIR) {
			free(path);
			free(data);
			return;
		}
		rootfs_entry_free(k);
	} else {
		if (r->n == r->cap) {
			r->cap = r->cap == 0 ? 64 : r->cap * 2;
			r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
		}
		memmove(&r->v[i + 1], &r->v[i], (r->n - i) * sizeof *r->v);
		r->n++;
		k = &r->v[i];
	}
	k->path = path;
	k->type = type;
	k->data = data;
	k->len = len;
	k->layer = layer;
}

static char *
rootfs_copy_data(const struct kept_file *f)
{
	char	*d;

	if (f->data == NULL)
		return NULL;
	d = xmalloc(f->len + 1);
	memcpy(d, f->data, f->len);
	d[f->len] = '\0';
	return d;
}

void
rootfs_apply(struct rootfs *r, const struct layer_files *lf)
{
	const struct kept_file	*f;
	const char		*layer = NULL;
	size_t			 i;

	if (lf->diff_id != NULL) {
		r->layers = xreallocarray(r->layers, r->nlayers + 1,
		    sizeof *r->layers);
		layer = r->layers[r->nlayers++] = xstrdup(lf->diff_id);
	}
	for (i = 0; i < lf->nopaque; i++)
		rootfs_delete_below(r, lf->opaque[i]);
	for (i = 0; i < lf->nwhiteouts; i++)
		rootfs_delete(r, lf->whiteouts[i]);
	for (i = 0; i < lf->nfiles; i++) {
		f = &lf->files[i];
		rootfs_put(r, xstrdup(f->path), f->type, rootfs_copy_data(f), f->len,
		    layer);
	}
}

static void
rootfs_pop(struct buf *b)
{
	while (b->len > 0 && b->data[b->len - 1] != '/')
		b->len--;
	if (b->len > 0)
		b->len--;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/*
 * Walk path through the view, following every symlink inside the root
 * (absolute targets restart at the root, ".." stops at it). On success the
 * resolved path is in res and its entry, if any, is returned in *out.
 */
static int
rootfs_resolve(const struct rootfs *r, const char *path, struct buf *res,
    const struct kept_file **out)
{
	const struct kept_file	*k = NULL;
	char			*rest, *next;
	const char		*p, *c;
	size_t			 n, hops = 0;

	*out = NULL;
	buf_init(res);
	buf_reserve(res, 0);
	res->data[0] = '\0';
	rest = xstrdup(path);
	p = rest;
	for (;;) {
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
			rootfs_pop(res);
			continue;
		}
		if (res->len != 0)
			buf_add(res, "/", 1);
		buf_add(res, c, n);
		k = rootfs_find(r, res->data);
		if (k == NULL || k->type != KEPT_SYMLINK)
			continue;
		if (++hops > ROOTFS_MAX_HOPS) {
			free(rest);
			buf_free(res);
			return HS_ELIMIT;
		}
		rootfs_pop(res);
		if (k->data[0] == '/') {
			res->len = 0;
			res->data[0] = '\0';
		}
		next = xasprintf("%s/%s", k->data, p);
		free(rest);
		rest = next;
		p = rest;
	}
	free(rest);
	if (res->len != 0)
		*out = rootfs_find(r, res->data);
	return 0;
}

const struct kept_file *
rootfs_get(const struct rootfs *r, const char *path)
{
	const struct kept_file	*k;
	struct buf		 res;

	if (rootfs_resolve(r, path, &res, &k) != 0)
		return NULL;
	buf_free(&res);
	if (k == NULL || k->type != KEPT_FILE)
		return NULL;
	return k;
}

char *
rootfs_realpath(const struct rootfs *r, const char *path)
{
	const struct kept_file	*k;
	struct buf		 res;

	if (rootfs_resolve(r, path, &res, &k) != 0)
		return NULL;
	return buf_steal(&res);
}

int
rootfs_exists(const struct rootfs *r, const char *path)
{
	const struct kept_file	*k;
	struct buf		 res;
	size_t			 i;
	int			 found;

	if (rootfs_resolve(r, path, &res, &k) != 0)
		return 0;
	found = k != NULL;
	if (!found && res.len != 0) {
		buf_add(&res, "/", 1);
		i = rootfs_lower(r, res.data);
		found = i < r->n && strncmp(r->v[i].path, res.data, res.len) == 0;
	}
	buf_free(&res);
	return found;
}

size_t
rootfs_list(const struct rootfs *r, const char *dir, const struct kept_file ***out)
{
	const struct kept_file	 *k, **list = NULL;
	struct buf		  res;
	size_t			  i, n = 0, plen;

	*out = NULL;
	if (rootfs_resolve(r, dir, &res, &k) != 0)
		return 0;
	if (res.len != 0)
		buf_add(&res, "/", 1);
	plen = res.len;
	for (i = rootfs_lower(r, res.data); i < r->n; i++) {
		k = &r->v[i];
		if (strncmp(k->path, res.data, plen) != 0)
			break;
		if (k->type != KEPT_FILE || strchr(k->path + plen, '/') != NULL)
			continue;
		list = xreallocarray(list, n + 1, sizeof *list);
		list[n++] = k;
	}
	buf_free(&res);
	*out = list;
	return n;
}

size_t
rootfs_summaries(const struct rootfs *r, const struct kept_file ***out)
{
	const struct kept_file	**list = NULL;
	size_t			  i, n = 0;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].type != KEPT_SUMMARY)
			continue;
		list = xreallocarray(list, n + 1, sizeof *list);
		list[n++] = &r->v[i];
	}
	*out = list;
	return n;
}

/*
 * Walking a directory on disk (dir: transport). Language packages may lie
 * anywhere, so every directory is walked, to ROOTFS_MAX_DEPTH and within
 * the root's own file system (a host's /proc and /sys are not its files).
 */
struct rootfs_walk {
	struct rootfs			*r;
	layer_want_fn			 want;
	const struct layer_limits	*limits;
	const char			*root;
	dev_t				 dev;
	size_t				 nentries;
	size_t				 summary_bytes;
};

/* A file being summarised, as the summariser pulls it: its head, then the rest. */
struct rootfs_pull {
	struct rootfs_walk	*w;
	const char		*path;
	int			 fd;
	const char		*head;
	size_t			 head_len;
	int			 given;
	char			 blk[65536];
};

static ssize_t
rootfs_read_some(int fd, void *buf, size_t len)
{
	ssize_t	n;

	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	return n;
}

static int
rootfs_pull(void *arg, const void **buf, size_t *len, char **cause)
{
	struct rootfs_pull	*p = arg;
	ssize_t			 n;

	if (!p->given) {
		p->given = 1;
		if (p->head_len > 0) {
			*buf = p->head;
			*len = p->head_len;
			return 1;
		}
	}
	if ((n = rootfs_read_some(p->fd, p->blk, sizeof p->blk)) == -1)
		return fail(cause, HS_EIO, "%s/%s: %s", p->w->root, p->path,
		    strerror(errno));
	*buf = p->blk;
	*len = n;
	return n > 0;
}

/*
 * A regular file nobody asked for by path: the summariser (jars, ELF
 * executables) looks at its first bytes and may reduce it to a summary, as
 * the layer reader does for an image's files. The file is read only when
 * its name or first bytes say it is of interest.
 */
static void
rootfs_summarise(struct rootfs_walk *w, int dfd, const char *name,
    const char *path, const struct stat *st)
{
	const struct layer_summariser	*s = w->limits->summariser;
	struct rootfs_pull		*p;
	struct buf			 head;
	char				*sum, *why = NULL;
	size_t				 slen, want;
	ssize_t				 n;
	int				 kind = -1;

	if (s == NULL || (uintmax_t)st->st_size < s->min_size)
		return;
	p = xcalloc(1, sizeof *p);
	p->w = w;
	p->path = path;
	p->fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (p->fd == -1) {
		free(p);
		return;		/* an unreadable file is no package's */
	}
	buf_init(&head);
	/* A little first (most files are of no interest), more if asked. */
	want = 4096;
	while (kind < 0 && head.len < LAYER_HEAD) {
		buf_reserve(&head, want);
		if ((n = rootfs_read_some(p->fd, head.data + head.len, want)) <= 0)
			break;
		head.len += n;
		kind = s->probe(path, (uint64_t)st->st_size, head.data, head.len);
		want = LAYER_HEAD - head.len;
	}
	if (kind <= 0)
		goto out;
	p->head = head.data;
	p->head_len = head.len;
	if (w->summary_bytes > LAYER_SUMMARIES)
		sum = s->skipped(kind, "not read: the file system's summaries "
		    "pass the limit of " LAYER_SUMMARIES_TEXT, &slen);
	else
		sum = s->make(kind, path, (uint64_t)st->st_size,
		    w->limits->max_file, rootfs_pull, p, &slen, &why);
	if (sum == NULL) {
		if (why != NULL)
			log_warn("%s: %s", path, why);
	} else {
		w->summary_bytes += slen;
		rootfs_put(w->r, xstrdup(path), KEPT_SUMMARY, sum, slen, NULL);
	}
out:
	free(why);
	buf_free(&head);
	close(p->fd);
	free(p);
}

static int
rootfs_read_file(struct rootfs_walk *w, int dfd, const char *name,
    const char *path, int want, char **cause)
{
	struct stat	 st;
	struct buf	 b;
	ssize_t		 n;
	int		 fd, rc = 0;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return fail(cause, HS_EIO, "%s/%s: %s", w->root, path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if ((uintmax_t)st.st_size > w->limits->max_file) {
		close(fd);
		if (want == WANT_SOFT) {
			rootfs_put(w->r, xstrdup(path), KEPT_TOOBIG, NULL,
			    (uintmax_t)st.st_size > SIZE_MAX ? SIZE_MAX :
			    (size_t)st.st_size, NULL);
			return 0;
		}
		return fail(cause, HS_ELIMIT, "%s/%s: %jd bytes, larger than the "
		    "limit of %zu bytes", w->root, path, (intmax_t)st.st_size,
		    w->limits->max_file);
	}
	buf_init(&b);
	for (;;) {
		buf_reserve(&b, 65536);
		n = read(fd, b.data + b.len, 65536);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = fail(cause, HS_EIO, "%s/%s: %s", w->root, path,
			    strerror(errno));
			break;
		}
		if (n == 0)
			break;
		b.len += n;
		if (b.len > w->limits->max_file) {
			if (want == WANT_SOFT) {
				rootfs_put(w->r, xstrdup(path), KEPT_TOOBIG, NULL,
				    b.len, NULL);
				close(fd);
				buf_free(&b);
				return 0;
			}
			rc = fail(cause, HS_ELIMIT, "%s/%s: larger than the limit "
			    "of %zu bytes", w->root, path, w->limits->max_file);
			break;
		}
	}
	close(fd);
	if (rc != 0) {
		buf_free(&b);
		return rc;
	}
	b.data[b.len] = '\0';
	n = b.len;
	rootfs_put(w->r, xstrdup(path), KEPT_FILE, buf_steal(&b), n, NULL);
	return 0;
}

static int
rootfs_walk_dir(struct rootfs_walk *w, int dfd, const char *dir, int depth,
    char **cause)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*path, link[ROOTFS_MAX_LINK + 1];
	ssize_t		 n;
	int		 fd, rc = 0, wanted;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return fail(cause, HS_EIO, "%s/%s: %s", w->root, dir, strerror(errno));
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->nentries > w->limits->max_entries) {
			rc = fail(cause, HS_ELIMIT, "%s: more than %zu entries",
			    w->root, w->limits->max_entries);
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		path = *dir == '\0' ? xstrdup(de->d_name) :
		    xasprintf("%s/%s", dir, de->d_name);
		wanted = w->want != NULL ? w->want(path) : WANT_NO;
		if (S_ISLNK(st.st_mode)) {
			if (wanted || depth < ROOTFS_LINK_DEPTH) {
				n = readlinkat(dirfd(d), de->d_name, link, sizeof link);
				if (n > 0 && n <= ROOTFS_MAX_LINK) {
					rootfs_put(w->r, path, KEPT_SYMLINK,
					    xstrndup(link, n), n, NULL);
					path = NULL;
				}
			}
		} else if (S_ISREG(st.st_mode)) {
			if (wanted)
				rc = rootfs_read_file(w, dirfd(d), de->d_name, path,
				    wanted, cause);
			else
				rootfs_summarise(w, dirfd(d), de->d_name, path,
				    &st);
		} else if (S_ISDIR(st.st_mode) && depth + 1 < ROOTFS_MAX_DEPTH &&
		    st.st_dev == w->dev) {
			if (wanted)
				rootfs_put(w->r, xstrdup(path), KEPT_DIR, NULL, 0,
				    NULL);
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd != -1)
				rc = rootfs_walk_dir(w, fd, path, depth + 1, cause);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

int
rootfs_load_dir(struct rootfs *r, const char *root, layer_want_fn want,
    const struct layer_limits *limits, char **cause)
{
	struct rootfs_walk	 w;
	struct layer_limits	 deflimits;
	struct stat		 st;
	int			 fd;

	if (limits == NULL) {
		layer_limits_default(&deflimits);
		limits = &deflimits;
	}
	memset(&w, 0, sizeof w);
	w.r = r;
	w.want = want;
	w.limits = limits;
	w.root = root;
	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return fail(cause, errno == ENOENT ? HS_ENOENT : HS_EIO, "%s: %s",
		    root, strerror(errno));
	if (fstat(fd, &st) == -1) {
		close(fd);
		return fail(cause, HS_EIO, "%s: %s", root, strerror(errno));
	}
	w.dev = st.st_dev;
	return rootfs_walk_dir(&w, fd, "", 0, cause);
}
