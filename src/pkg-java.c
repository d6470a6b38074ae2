/*
 * Java archives (jar, war, ear, par, Jenkins' hpi and jpi): every
 * META-INF/maven/GROUP/ARTIFACT/pom.properties in the file and in the
 * archives nested in it, else what MANIFEST.MF and the file name suggest.
 * A file up to JAVA_MEMORY bytes is gathered as it streams and read from
 * memory by its central directory (java_walk_cd, a walk of our own over
 * zlib: libarchive's seekable reader calls mktime() twice an entry, and
 * glibc stats /etc/localtime each time), so the entries not wanted (the
 * classes) are passed over, never inflated, even those whose size only a
 * data descriptor says. A nested archive stored in its parent is a slice of
 * the parent's bytes; a deflated one is inflated into a buffer while the
 * memory held for the file stays under the same limit, else inflated as it
 * streams. A larger file, or one whose central directory cannot be read so
 * (cut short, Zip64, encrypted), is read as it streams with libarchive's
 * streaming zip reader, and its nested archives the same way from their
 * parent's entry, so memory stays flat whatever the sizes. A depth limit, a
 * count limit and a byte budget bound the work a hostile file can cause on
 * either path.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "pkg.h"
#include "rootfs.h"
#include "summary.h"
#include "util.h"

#define JAVA_MAX_DEPTH		8		/* archives below the file itself */
#define JAVA_MAX_ARCHIVES	4096		/* nested archives in one file */
#define JAVA_MAX_TEXT		(64 * 1024)	/* a pom.properties or MANIFEST.MF */
#define JAVA_MAX_PREFIX		(1024 * 1024)	/* a launch script before the zip */
/*
 * Bytes held in memory for one file (itself and the nested archives being
 * read, inflated); HULLSCAN_JAR_MEMORY overrides it (0: always stream).
 */
#define JAVA_MEMORY		((size_t)32 << 20)
#define JAVA_MEMORY_MAX		((size_t)1 << 30)
#define JAVA_ZCHUNK		65536		/* inflated at a time, streaming */
/*
 * Bytes read out of nested archives and inflated to get past entries of
 * unknown size: so many times the file, plus a floor.
 */
#define JAVA_BUDGET_FACTOR	16
#define JAVA_BUDGET_FLOOR	((uint64_t)64 << 20)

static const char *java_exts[] = { ".jar", ".war", ".ear", ".par", ".hpi", ".jpi" };

int
java_archive_name(const char *path)
{
	const char	*dot;
	size_t		 i;

	if ((dot = strrchr(path, '.')) == NULL || strchr(dot, '/') != NULL)
		return 0;
	for (i = 0; i < NELEM(java_exts); i++) {
		if (strcasecmp(dot, java_exts[i]) == 0)
			return 1;
	}
	return 0;
}

/* One file being summarised. */
struct java_walk {
	struct summary	 sum;
	uint64_t	 work;		/* bytes inflated or read out of entries */
	uint64_t	 budget;
	size_t		 mem_limit;	/* JAVA_MEMORY or its override */
	size_t		 mem_held;	/* bytes gathered or inflated, held now */
	size_t		 narchives;
	int		 over_budget;
	int		 warned_depth;
	int		 warned_count;
};

/* Where one archive's bytes come from: the layer (the file) or its parent. */
struct java_src {
	struct java_walk	*w;
	layer_pull_fn		 pull;
	void			*pull_ctx;
	struct archive		*parent;
	const char		*mem;		/* else the bytes, in memory */
	size_t			 memlen;
	z_stream		*z;		/* else inflated from memory */
	unsigned char		*zbuf;
	int			 zend;
	int			 started;
	size_t			 skipped;	/* bytes before the zip */
	char			*cause;
};

/* Counts n bytes of work against the budget: -1 past it. */
static int
java_work(struct java_walk *w, size_t n)
{
	w->work += n;
	if (w->work > w->budget) {
		w->over_budget = 1;
		return -1;
	}
	return 0;
}

static la_ssize_t
java_read(struct archive *a, void *arg, const void **buf)
{
	struct java_src	*s = arg;
	const char	*p;
	size_t		 len = 0;
	la_int64_t	 off;
	int		 r;

	if (s->z != NULL) {
		if (s->zend)
			return 0;
		s->z->next_out = s->zbuf;
		s->z->avail_out = JAVA_ZCHUNK;
		/* Each turn consumes input or gives output, or fails. */
		do {
			r = inflate(s->z, Z_NO_FLUSH);
			len = JAVA_ZCHUNK - s->z->avail_out;
		} while (r == Z_OK && len == 0);
		if (r == Z_STREAM_END)
			s->zend = 1;
		else if (r != Z_OK) {
			archive_set_error(a, EIO, "damaged deflate data");
			return -1;
		}
		if (java_work(s->w, len) != 0) {
			archive_set_error(a, EIO, "nested archives expand past %ju "
			    "bytes", (uintmax_t)s->w->budget);
			return -1;
		}
		*buf = s->zbuf;
		return (la_ssize_t)len;
	}
	if (s->mem != NULL) {
		/* The same start as from the layer, past a launch script. */
		if (s->started)
			return 0;
		s->started = 1;
		*buf = s->mem;
		len = s->memlen;
		if ((len < 4 || memcmp(s->mem, "PK\003\004", 4) != 0) &&
		    (p = memmem(s->mem, len < JAVA_MAX_PREFIX + 4 ? len :
		    JAVA_MAX_PREFIX + 4, "PK\003\004", 4)) != NULL) {
			len -= p - s->mem;
			*buf = p;
		}
		return (la_ssize_t)len;
	}
	if (s->parent == NULL) {
		for (;;) {
			if ((r = s->pull(s->pull_ctx, buf, &len, &s->cause)) < 0) {
				archive_set_error(a, EIO, "%s", s->cause != NULL ?
				    s->cause : "read error");
				return -1;
			}
			/*
			 * A launch script before the zip (Spring Boot's
			 * executable jars): start at the first local header,
			 * looked for in the first MiB.
			 */
			if (r == 0 || s->started || (len >= 4 &&
			    memcmp(*buf, "PK\003\004", 4) == 0))
				break;
			if ((p = memmem(*buf, len, "PK\003\004", 4)) != NULL) {
				len -= p - (const char *)*buf;
				*buf = p;
				break;
			}
			s->skipped += len;
			if (s->skipped > JAVA_MAX_PREFIX)
				break;
		}
		s->started = 1;
		return r == 0 ? 0 : (la_ssize_t)len;
	}
	r = archive_read_data_block(s->parent, buf, &len, &off);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		archive_set_error(a, EIO, "%s", archive_error_string(s->parent) != NULL ?
		    archive_error_string(s->parent) : "read error");
		return -1;
	}
	s->w->work += len;
	if (s->w->work > s->w->budget) {
		s->w->over_budget = 1;
		archive_set_error(a, EIO, "nested archives expand past %ju bytes",
		    (uintmax_t)s->w->budget);
		return -1;
	}
	return (la_ssize_t)len;
}

/* The first JAVA_MAX_TEXT bytes of the current entry; the rest is skipped. */
static int
java_read_text(struct archive *a, struct buf *b)
{
	la_ssize_t	n;

	buf_init(b);
	buf_reserve(b, 4096);
	while (b->len < JAVA_MAX_TEXT) {
		buf_reserve(b, JAVA_MAX_TEXT - b->len);
		n = archive_read_data(a, b->data + b->len, JAVA_MAX_TEXT - b->len);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* META-INF/maven/GROUP/ARTIFACT/pom.properties, nothing deeper. */
static int
java_pom_name(const char *name)
{
	const char	*p;
	int		 n = 0;

	if (!str_starts(name, "META-INF/maven/") || !str_ends(name, "/pom.properties"))
		return 0;
	for (p = name + strlen("META-INF/maven/"); *p != '\0'; p++) {
		if (*p == '/')
			n++;
	}
	return n == 2;
}

/* The headers java_guess reads, of the main section; the rest is dropped. */
static const char *java_mf_keys[] = { "Implementation-Title",
    "Implementation-Version", "Implementation-Vendor-Id", "Bundle-SymbolicName",
    "Bundle-Version" };

static void
java_manifest_keep(struct summary *sum, const char *where, const char *data,
    size_t len)
{
	struct buf	 b;
	char		*v;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < NELEM(java_mf_keys); i++) {
		if ((v = java_manifest_get(data, len, java_mf_keys[i])) != NULL)
			buf_printf(&b, "%s: %s\n", java_mf_keys[i], summary_clean(v));
		free(v);
	}
	buf_add(&b, "", 0);
	summary_add(sum, "mf", 2, where, strlen(where), b.data, b.len);
	buf_free(&b);
}

/*
 * The rest of an entry whose size only its data descriptor says: libarchive
 * would inflate it to skip it, unseen; read here, it counts against the
 * budget. -1 past the budget or on damage.
 */
static int
java_drain(struct java_walk *w, struct archive *a, struct archive_entry *e)
{
	const void	*p;
	size_t		 len;
	la_int64_t	 off;
	int		 r;

	if (archive_entry_size_is_set(e))
		return 0;	/* its compressed bytes are skipped, not inflated */
	while ((r = archive_read_data_block(a, &p, &len, &off)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		w->work += len;
		if (w->work > w->budget) {
			w->over_budget = 1;
			return -1;
		}
	}
	return r == ARCHIVE_EOF ? 0 : -1;
}

static void java_walk_archive(struct java_walk *, struct java_src *,
    const char *where, int depth);
static void java_walk_memory(struct java_walk *, const char *, size_t,
    const char *where, int depth);

/* A pom.properties or MANIFEST.MF of the archive at where, read. */
static void
java_text_keep(struct java_walk *w, const char *where, const char *name,
    const char *data, size_t len)
{
	if (java_pom_name(name))
		summary_add(&w->sum, "pom", 3, where, strlen(where), name,
		    strlen(name), data, len);
	else
		java_manifest_keep(&w->sum, where, data, len);
}

/*
 * An archive nested at where!/name, to be read: its location (recorded),
 * or NULL past the depth, count or byte limits.
 */
static char *
java_nested_begin(struct java_walk *w, const char *where, const char *name,
    int depth)
{
	char	*nested;

	if (w->over_budget)
		return NULL;
	if (depth >= JAVA_MAX_DEPTH) {
		if (!w->warned_depth++)
			summary_warn(&w->sum, "%s%s%s: archives nested more than %d "
			    "deep are not read", where, *where ? "!/" : "", name,
			    JAVA_MAX_DEPTH);
		return NULL;
	}
	if (w->narchives >= JAVA_MAX_ARCHIVES) {
		if (!w->warned_count++)
			summary_warn(&w->sum, "more than %d nested archives: the "
			    "rest are not read", JAVA_MAX_ARCHIVES);
		return NULL;
	}
	w->narchives++;
	nested = *where != '\0' ? xasprintf("%s!/%s", where, name) : xstrdup(name);
	summary_add(&w->sum, "jar", 1, nested, strlen(nested));
	return nested;
}

static int
java_text_name(const char *name)
{
	return java_pom_name(name) || strcmp(name, "META-INF/MANIFEST.MF") == 0;
}

static void
java_entry(struct java_walk *w, struct archive *a, struct archive_entry *e,
    const char *where, int depth)
{
	struct java_src	 child;
	struct buf	 b;
	const char	*name = archive_entry_pathname(e);
	char		*nested;

	if (name == NULL || archive_entry_filetype(e) != AE_IFREG)
		return;
	if (java_text_name(name)) {
		if (java_read_text(a, &b) != 0) {
			summary_warn(&w->sum, "%s%s%s: %s", where, *where ? "!/" : "",
			    name, archive_error_string(a) != NULL ?
			    archive_error_string(a) : "unreadable");
		} else
			java_text_keep(w, where, name, b.data, b.len);
		buf_free(&b);
		return;
	}
	if (!java_archive_name(name) ||
	    (nested = java_nested_begin(w, where, name, depth)) == NULL)
		return;
	memset(&child, 0, sizeof child);
	child.w = w;
	child.parent = a;
	java_walk_archive(w, &child, nested, depth + 1);
	free(child.cause);
	free(nested);
}
/* Read one archive to its end (or its first damage), recursing into archives. */
static void
java_walk_archive(struct java_walk *w, struct java_src *src, const char *where,
    int depth)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*err;
	int			 r = ARCHIVE_EOF;

	a = archive_read_new();
	archive_read_support_format_zip_streamable(a);
	/*
	 * libarchive's CRC-32 check stays on (ignorecrc32 would save a few
	 * percent): a stored entry sized only by its data descriptor ends at
	 * the descriptor whose CRC matches, not at a nested jar's own one.
	 */
	if (archive_read_open(a, src, NULL, java_read, NULL) != ARCHIVE_OK) {
		r = ARCHIVE_FATAL;
		goto out;
	}
	while (!w->over_budget && ((r = archive_read_next_header(a, &e)) ==
	    ARCHIVE_OK || r == ARCHIVE_WARN)) {
		java_entry(w, a, e, where, depth);
		if (!w->over_budget)
			java_drain(w, a, e);
	}
out:
	/* Past the budget, one warning says so (java_summarise). */
	if (r != ARCHIVE_EOF && !w->over_budget) {
		err = archive_error_string(a);
		summary_warn(&w->sum, "%s%snot a readable zip archive%s%s",
		    where, *where ? ": " : "", err != NULL ? ": " : "",
		    err != NULL ? err : "");
	}
	archive_read_free(a);
}

static uint32_t
java_le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
java_le32(const unsigned char *p)
{
	return java_le16(p) | java_le16(p + 2) << 16;
}

/*
 * Inflates in (raw deflate) into out, at most max bytes: how many, or -1
 * when the data is damaged or cut short; *more when it goes on past max.
 */
static int64_t
java_inflate(const unsigned char *in, size_t inlen, unsigned char *out,
    size_t max, int *more)
{
	z_stream	 z;
	unsigned char	 c;
	size_t		 n;
	int		 zr;

	*more = 0;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)inlen;
	z.next_out = out;
	z.avail_out = (uInt)max;
	zr = inflate(&z, Z_FINISH);
	n = max - z.avail_out;
	if (zr != Z_STREAM_END && z.avail_out == 0) {
		/* Full: one byte more says whether it ends here. */
		z.next_out = &c;
		z.avail_out = 1;
		zr = inflate(&z, Z_FINISH);
		if (z.avail_out == 0)
			*more = 1;
	}
	inflateEnd(&z);
	if (zr != Z_STREAM_END && !*more)
		return -1;
	return (int64_t)n;
}

/* A central directory record. */
struct java_cdrec {
	const unsigned char	*rec;
	size_t			 size;		/* of the record */
	const char		*name;
	size_t			 namelen;
	int			 want;		/* 1 text, 2 nested archive */
};

/* The record at p of a central directory ending at end: -1 if damaged. */
static int
java_cd_next(const unsigned char *p, const unsigned char *end,
    struct java_cdrec *r)
{
	static const char	*mf = "META-INF/MANIFEST.MF";
	const char		*dot;
	char			 ext[8];
	size_t			 elen;

	if (end - p < 46 || memcmp(p, "PK\001\002", 4) != 0)
		return -1;
	r->rec = p;
	r->namelen = java_le16(p + 28);
	r->size = 46 + r->namelen + java_le16(p + 30) + java_le16(p + 32);
	if (r->size > (size_t)(end - p))
		return -1;
	r->name = (const char *)p + 46;
	/* A quick look by length and ending before the name is copied. */
	r->want = 0;
	/* Made on Unix (3), its mode a symbolic link's: not a file. */
	if (p[5] == 3 && (java_le32(p + 38) >> 16 & 0170000) == 0120000)
		return 0;
	if ((r->namelen == strlen(mf) && memcmp(r->name, mf, r->namelen) == 0) ||
	    (r->namelen > 30 && memcmp(r->name + r->namelen - 15,
	    "/pom.properties", 15) == 0))
		r->want = 1;
	else if (r->namelen > 4 && (dot = memrchr(r->name + r->namelen - 5, '.',
	    5)) != NULL) {
		elen = r->name + r->namelen - dot;
		memcpy(ext, dot, elen);
		ext[elen] = '\0';
		if (java_archive_name(ext))
			r->want = 2;
	}
	return 0;
}

/*
 * Where the bytes of a wanted entry lie: -1 if it cannot be read here
 * (encrypted, another method, Zip64, out of bounds), to stream the whole.
 */
static int
java_cd_data(const unsigned char *data, size_t len, size_t shift,
    const struct java_cdrec *r, const unsigned char **at, size_t *csize,
    size_t *usize, int *method)
{
	const unsigned char	*p = r->rec, *lh;
	size_t			 off, start;

	*method = (int)java_le16(p + 10);
	if ((java_le16(p + 8) & 1) != 0 || (*method != 0 && *method != 8))
		return -1;
	*csize = java_le32(p + 20);
	*usize = java_le32(p + 24);
	off = java_le32(p + 42);
	if (*csize == 0xffffffff || *usize == 0xffffffff || off == 0xffffffff ||
	    off > len - shift || len - shift - off < 30)
		return -1;
	lh = data + shift + off;
	if (memcmp(lh, "PK\003\004", 4) != 0)
		return -1;
	start = shift + off + 30 + java_le16(lh + 26) + java_le16(lh + 28);
	if (start > len || *csize > len - start)
		return -1;
	*at = data + start;
	return 0;
}

/* A nested archive deflated in its parent: inflated into memory, else streamed. */
static void
java_cd_nested(struct java_walk *w, const unsigned char *at, size_t csize,
    size_t usize, const char *nested, int depth)
{
	struct java_src	 src;
	z_stream	 z;
	unsigned char	*out;
	int64_t		 n;
	int		 more;

	if (usize <= w->mem_limit - w->mem_held) {
		if (java_work(w, usize) != 0)
			return;
		out = xmalloc(usize + 1);
		w->mem_held += usize;
		if ((n = java_inflate(at, csize, out, usize, &more)) < 0)
			summary_warn(&w->sum, "%s: not a readable zip archive: "
			    "damaged deflate data", nested);
		else if (more)
			summary_warn(&w->sum, "%s: inflates past the %zu bytes its "
			    "central directory says: not read", nested, usize);
		else
			java_walk_memory(w, (const char *)out, (size_t)n, nested,
			    depth);
		w->mem_held -= usize;
		free(out);
		return;
	}
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return;
	z.next_in = (Bytef *)(uintptr_t)at;
	z.avail_in = (uInt)csize;
	memset(&src, 0, sizeof src);
	src.w = w;
	src.z = &z;
	src.zbuf = xmalloc(JAVA_ZCHUNK);
	java_walk_archive(w, &src, nested, depth);
	free(src.zbuf);
	inflateEnd(&z);
}

/*
 * An archive in memory, by its central directory, our own walk: only the
 * entries wanted are read, the others passed over by their sizes. -1 if
 * the central directory or a wanted entry cannot be read so (none found,
 * damaged, Zip64, encrypted or another method): nothing was reported, the
 * caller streams it instead.
 */
static int
java_walk_cd(struct java_walk *w, const unsigned char *data, size_t len,
    const char *where, int depth)
{
	struct java_cdrec	 r;
	struct buf		 b;
	const unsigned char	*eocd = NULL, *cd, *p, *at;
	size_t			 i, low, cdsize, cdoff, shift, csize, usize;
	int64_t			 n;
	int			 method, more, pass;
	char			*name, *nested;

	if (len < 22)
		return -1;
	low = len - 22 > 65535 ? len - 22 - 65535 : 0;
	for (i = len - 22 + 1; i > low; i--) {
		if (memcmp(data + i - 1, "PK\005\006", 4) == 0) {
			eocd = data + i - 1;
			break;
		}
	}
	if (eocd == NULL)
		return -1;
	cdsize = java_le32(eocd + 12);
	cdoff = java_le32(eocd + 16);
	if (java_le16(eocd + 10) == 0xffff || cdsize == 0xffffffff ||
	    cdoff == 0xffffffff || cdsize > (size_t)(eocd - data))
		return -1;
	cd = eocd - cdsize;
	/* A launch script before the zip shifts every offset. */
	if (cdoff > (size_t)(cd - data))
		return -1;
	shift = (size_t)(cd - data) - cdoff;
	/* First all of it is checked, then read: a fallback reports nothing twice. */
	for (pass = 0; pass < 2; pass++) {
		for (p = cd; p < eocd && !w->over_budget; p += r.size) {
			if (java_cd_next(p, eocd, &r) != 0)
				return -1;
			if (r.want == 0)
				continue;
			if (java_cd_data(data, len, shift, &r, &at, &csize, &usize,
			    &method) != 0)
				return -1;
			if (pass == 0)
				continue;
			name = xstrndup(r.name, r.namelen);
			if (r.want == 1 && java_text_name(name)) {
				buf_init(&b);
				buf_reserve(&b, JAVA_MAX_TEXT + 1);
				if (method == 0) {
					n = csize < JAVA_MAX_TEXT ? csize : JAVA_MAX_TEXT;
					memcpy(b.data, at, n);
				} else
					n = java_inflate(at, csize, (unsigned char *)
					    b.data, JAVA_MAX_TEXT, &more);
				if (n < 0)
					summary_warn(&w->sum, "%s%s%s: damaged deflate "
					    "data", where, *where ? "!/" : "", name);
				else if (java_work(w, (size_t)n) == 0) {
					b.len = (size_t)n;
					b.data[b.len] = '\0';
					java_text_keep(w, where, name, b.data, b.len);
				}
				buf_free(&b);
			} else if (r.want == 2 && java_archive_name(name) &&
			    (nested = java_nested_begin(w, where, name, depth)) != NULL) {
				if (method == 8)
					java_cd_nested(w, at, csize, usize, nested,
					    depth + 1);
				else if (java_work(w, csize) == 0)
					java_walk_memory(w, (const char *)at, csize,
					    nested, depth + 1);
				free(nested);
			}
			free(name);
		}
	}
	return 0;
}
/* An archive in memory: by its central directory, else as it streams. */
static void
java_walk_memory(struct java_walk *w, const char *data, size_t len,
    const char *where, int depth)
{
	struct java_src	src;

	if (java_walk_cd(w, (const unsigned char *)data, len, where, depth) == 0)
		return;
	memset(&src, 0, sizeof src);
	src.w = w;
	src.mem = data;
	src.memlen = len;
	java_walk_archive(w, &src, where, depth);
}

static size_t
java_memory_limit(void)
{
	const char		*env;
	char			*end;
	unsigned long long	 v;

	if ((env = getenv("HULLSCAN_JAR_MEMORY")) == NULL || *env == '\0')
		return JAVA_MEMORY;
	errno = 0;
	v = strtoull(env, &end, 10);
	if (errno != 0 || *end != '\0')
		return JAVA_MEMORY;
	return v < JAVA_MEMORY_MAX ? (size_t)v : JAVA_MEMORY_MAX;
}

/* The whole file from the layer into b: 0, or -1 with the cause. */
static int
java_gather(layer_pull_fn pull, void *ctx, uint64_t size, struct buf *b,
    char **cause)
{
	const void	*p;
	size_t		 len;
	int		 r;

	buf_init(b);
	buf_reserve(b, (size_t)size + 1);
	while ((r = pull(ctx, &p, &len, cause)) > 0)
		buf_add(b, p, len);
	if (r < 0) {
		if (*cause == NULL)
			*cause = xstrdup("read error");
		buf_free(b);
		return -1;
	}
	return 0;
}

char *
java_summarise(const char *path, uint64_t size, uint64_t max, layer_pull_fn pull,
    void *ctx, size_t *len, char **cause)
{
	struct java_walk	w;
	struct java_src		src;
	struct buf		b;

	memset(&w, 0, sizeof w);
	summary_init(&w.sum, "jar");
	if (size > max) {
		summary_warn(&w.sum, "%ju bytes, larger than the limit of %ju "
		    "bytes: not read", (uintmax_t)size, (uintmax_t)max);
		return summary_finish(&w.sum, len);
	}
	w.budget = size * JAVA_BUDGET_FACTOR + JAVA_BUDGET_FLOOR;
	w.mem_limit = java_memory_limit();
	if (size <= w.mem_limit) {
		if (java_gather(pull, ctx, size, &b, cause) != 0) {
			/* The layer itself failed under us: the caller reports it. */
			free(summary_finish(&w.sum, len));
			return NULL;
		}
		w.mem_held = b.len < w.mem_limit ? b.len : w.mem_limit;
		java_walk_memory(&w, b.data != NULL ? b.data : "", b.len, "", 0);
		buf_free(&b);
		goto out;
	}
	memset(&src, 0, sizeof src);
	src.w = &w;
	src.pull = pull;
	src.pull_ctx = ctx;
	java_walk_archive(&w, &src, "", 0);
	if (src.cause != NULL) {
		/* The layer itself failed under us: the caller reports it. */
		*cause = src.cause;
		free(summary_finish(&w.sum, len));
		return NULL;
	}
out:
	if (w.over_budget)
		summary_warn(&w.sum, "nested archives or entries expand past %ju "
		    "bytes (a zip bomb?): the rest is not read", (uintmax_t)w.budget);
	return summary_finish(&w.sum, len);
}

/*
 * Java properties: "key=value", "key: value" or "key value"; '#' and '!'
 * comments; a line ending in an odd number of backslashes goes on.
 * Escapes are undone but for \uXXXX, kept as written (the keys we read are
 * ASCII).
 */
static void
java_props_each(const char *data, size_t len,
    void (*fn)(void *, const char *key, const char *value), void *arg)
{
	struct strview	 in = { data, len }, line;
	struct buf	 key, val, *cur = NULL;
	const char	*p, *end;
	int		 cont = 0, sep = 0;

	buf_init(&key);
	buf_init(&val);
	while (sv_getline(&in, &line)) {
		p = line.ptr;
		end = line.ptr + line.len;
		if (end > p && end[-1] == '\r')
			end--;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\f'))
			p++;
		if (!cont) {
			if (p == end || *p == '#' || *p == '!')
				continue;
			key.len = val.len = 0;
			cur = &key;
			sep = 0;
		} else
			cur = sep ? &val : &key;
		cont = 0;
		for (; p < end; p++) {
			if (*p == '\\') {
				if (p + 1 == end) {
					cont = 1;
					break;
				}
				p++;
				buf_add(cur, *p == 't' ? "\t" : *p == 'n' ? "\n" :
				    *p == 'r' ? "\r" : p, 1);
				continue;
			}
			if (cur == &key && (*p == '=' || *p == ':' || *p == ' ' ||
			    *p == '\t')) {
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				if (p < end && (*p == '=' || *p == ':'))
					p++;
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				cur = &val;
				sep = 1;
				p--;
				continue;
			}
			buf_add(cur, p, 1);
		}
		if (cont)
			continue;
		buf_add(&key, "", 0);
		buf_add(&val, "", 0);
		fn(arg, key.data != NULL ? key.data : "", val.data != NULL ?
		    val.data : "");
	}
	if (cont && key.len > 0) {
		buf_add(&key, "", 0);
		buf_add(&val, "", 0);
		fn(arg, key.data, val.data != NULL ? val.data : "");
	}
	buf_free(&key);
	buf_free(&val);
}

struct java_pom {
	char	*group;
	char	*artifact;
	char	*version;
};

static void
java_pom_key(void *arg, const char *key, const char *value)
{
	struct java_pom	*p = arg;
	char		**slot = NULL;

	if (strcmp(key, "groupId") == 0)
		slot = &p->group;
	else if (strcmp(key, "artifactId") == 0)
		slot = &p->artifact;
	else if (strcmp(key, "version") == 0)
		slot = &p->version;
	if (slot == NULL)
		return;
	free(*slot);
	*slot = *value != '\0' ? xstrdup(value) : NULL;
}

void
java_pom_parse(const char *data, size_t len, char **group, char **artifact,
    char **version)
{
	struct java_pom	p = { NULL, NULL, NULL };

	java_props_each(data, len, java_pom_key, &p);
	*group = p.group;
	*artifact = p.artifact;
	*version = p.version;
}

/*
 * A header of the manifest's main section (up to its first empty line);
 * lines are wrapped at 72 bytes, a continuation starting with one space.
 */
char *
java_manifest_get(const char *data, size_t len, const char *name)
{
	struct strview	 in = { data, len }, line;
	struct buf	 v;
	size_t		 nlen = strlen(name);
	int		 in_value = 0;

	buf_init(&v);
	while (sv_getline(&in, &line)) {
		if (line.len > 0 && line.ptr[line.len - 1] == '\r')
			line.len--;
		if (line.len == 0)
			break;
		if (line.ptr[0] == ' ') {
			if (in_value)
				buf_add(&v, line.ptr + 1, line.len - 1);
			continue;
		}
		if (in_value)
			break;
		if (line.len > nlen + 1 && strncasecmp(line.ptr, name, nlen) == 0 &&
		    line.ptr[nlen] == ':') {
			in_value = 1;
			line.ptr += nlen + 1;
			line.len -= nlen + 1;
			line = sv_trim(line);
			buf_add(&v, line.ptr, line.len);
		}
	}
	if (!in_value) {
		buf_free(&v);
		return NULL;
	}
	buf_add(&v, "", 0);
	return buf_steal(&v);
}

/* "snakeyaml-1.33.jar" → "snakeyaml" and "1.33"; the version starts at "-DIGIT". */
static void
java_name_split(const char *file, char **name, char **version)
{
	const char	*base, *dot, *p;
	size_t		 len;

	*name = *version = NULL;
	base = strrchr(file, '/');
	base = base != NULL ? base + 1 : file;
	dot = strrchr(base, '.');
	len = dot != NULL ? (size_t)(dot - base) : strlen(base);
	for (p = base; p + 1 < base + len; p++) {
		if (*p == '-' && p[1] >= '0' && p[1] <= '9') {
			*name = xstrndup(base, p - base);
			*version = xstrndup(p + 1, base + len - p - 1);
			return;
		}
	}
	if (len > 0)
		*name = xstrndup(base, len);
}

int
java_guess(const char *file, const char *mf, size_t mflen, char **name,
    char **version)
{
	char	*fname, *fvers, *group = NULL, *title = NULL, *v = NULL, *semi;

	*name = *version = NULL;
	java_name_split(file, &fname, &fvers);
	if (mf != NULL) {
		v = java_manifest_get(mf, mflen, "Implementation-Version");
		if (v == NULL)
			v = java_manifest_get(mf, mflen, "Bundle-Version");
		group = java_manifest_get(mf, mflen, "Implementation-Vendor-Id");
		if (fname == NULL || fvers == NULL) {
			title = java_manifest_get(mf, mflen, "Implementation-Title");
			if (title == NULL &&
			    (title = java_manifest_get(mf, mflen,
			    "Bundle-SymbolicName")) != NULL &&
			    (semi = strchr(title, ';')) != NULL)
				*semi = '\0';
		}
	}
	if (v == NULL) {
		v = fvers;
		fvers = NULL;
	}
	if (title != NULL && *title != '\0' && (fname == NULL || fvers == NULL)) {
		free(fname);
		fname = title;
		title = NULL;
	}
	if (v == NULL || *v == '\0' || fname == NULL || *fname == '\0') {
		free(fname);
		free(fvers);
		free(group);
		free(title);
		free(v);
		return HS_ENOENT;
	}
	*name = group != NULL && *group != '\0' ? xasprintf("%s:%s", group, fname) :
	    xstrdup(fname);
	*version = v;
	free(fname);
	free(fvers);
	free(group);
	free(title);
	return 0;
}

/* One archive of a summary: the file itself or a nested one. */
struct java_archive {
	char		*where;		/* "" for the file, else its nested path */
	int		 npoms;
	struct strview	 mf;
};

static struct package *
java_add(struct inventory *inv, const struct kept_file *kf, const char *where,
    const char *group, const char *artifact, const char *version)
{
	struct package	*p;
	char		*name;

	name = group != NULL ? xasprintf("%s:%s", group, artifact) :
	    xstrdup(artifact);
	p = inventory_add(inv, name, version, NULL, NULL, NULL, ECO_MAVEN);
	p->location = summary_clean(*where != '\0' ? xasprintf("%s!/%s", kf->path,
	    where) : xstrdup(kf->path));
	p->purl = ecosystem_purl(ECO_MAVEN, name, version);
	p->layer = kf->layer != NULL ? xstrdup(kf->layer) : NULL;
	free(name);
	return p;
}

static struct java_archive *
java_archive_find(struct java_archive *v, size_t n, struct strview where)
{
	size_t	i;

	for (i = n; i > 0; i--) {
		if (strlen(v[i - 1].where) == where.len &&
		    memcmp(v[i - 1].where, where.ptr, where.len) == 0)
			return &v[i - 1];
	}
	return NULL;
}

static void
java_analyze_one(const struct kept_file *kf, struct inventory *inv)
{
	struct java_archive	*v = NULL, *ar;
	struct summary_rec	 rec;
	struct strview		 rest;
	struct package		*p;
	char			*g, *a, *ver, *name, *where;
	const char		*file;
	size_t			 n = 0, i;
	int			 r;

	if (summary_open(kf->data, kf->len, "jar", &rest) != 0)
		return;
	v = xcalloc(1, sizeof *v);
	v[n++].where = xstrdup("");
	while ((r = summary_next(&rest, &rec)) > 0) {
		if (strcmp(rec.tag, "jar") == 0) {
			v = xreallocarray(v, n + 1, sizeof *v);
			memset(&v[n], 0, sizeof v[n]);
			v[n++].where = sv_dup(rec.part[0]);
		} else if (strcmp(rec.tag, "warn") == 0)
			log_warn("%s: %.*s", kf->path, (int)rec.part[0].len,
			    rec.part[0].ptr);
		else if ((ar = java_archive_find(v, n, rec.part[0])) == NULL)
			continue;
		else if (strcmp(rec.tag, "mf") == 0)
			ar->mf = rec.part[1];
		else if (strcmp(rec.tag, "pom") == 0) {
			java_pom_parse(rec.part[2].ptr, rec.part[2].len, &g, &a, &ver);
			if (summary_text_ok(g) && summary_text_ok(a) &&
			    summary_text_ok(ver)) {
				java_add(inv, kf, ar->where, g, a, ver);
				ar->npoms++;
			} else {
				where = xasprintf("%s%s%s", kf->path, *ar->where ?
				    "!/" : "", ar->where);
				summary_log_warn(where, SV("a pom.properties without "
				    "a valid groupId, artifactId and version"));
				free(where);
			}
			free(g);
			free(a);
			free(ver);
		}
	}
	if (r < 0)
		summary_log_warn(kf->path, SV("damaged summary"));
	/* Without pom.properties, a less certain name from the manifest or file. */
	for (i = 0; i < n; i++) {
		ar = &v[i];
		if (ar->npoms == 0) {
			file = *ar->where != '\0' ? ar->where : kf->path;
			if (java_guess(file, ar->mf.ptr, ar->mf.len, &name, &ver) == 0 &&
			    summary_text_ok(name) && summary_text_ok(ver)) {
				if ((a = strchr(name, ':')) != NULL)
					*a++ = '\0';
				p = java_add(inv, kf, ar->where, a != NULL ? name : NULL,
				    a != NULL ? a : name, ver);
				p->origin = xstrdup("guessed");
			}
			free(name);
			free(ver);
		}
		free(ar->where);
	}
	free(v);
}

void
pkg_java_analyze(const struct rootfs *root, struct inventory *inv)
{
	const struct kept_file	**list;
	size_t			  i, n;

	n = rootfs_summaries(root, &list);
	for (i = 0; i < n; i++)
		java_analyze_one(list[i], inv);
	free(list);
}
