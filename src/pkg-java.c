/*
 * Java archives (jar, war, ear, par, Jenkins' hpi and jpi): every
 * META-INF/maven/GROUP/ARTIFACT/pom.properties in the file and in the
 * archives nested in it, else what MANIFEST.MF and the file name suggest.
 * A file up to JAVA_MEMORY bytes is gathered as it streams and read from
 * memory with libarchive's seekable zip reader: it follows the central
 * directory, so the entries not wanted (the classes) are passed over, never
 * inflated, even those whose size only a data descriptor says. A nested
 * archive stored in its parent is a slice of the parent's bytes; a deflated
 * one is inflated into a buffer while the memory held for the file stays
 * under the same limit. A larger file, one without a central directory
 * (truncated) or one whose central directory is too large, is read as it
 * streams, with libarchive's streaming zip reader, and a nested archive the
 * same way from its parent's entry, so memory stays flat whatever the sizes.
 * A depth limit, a count limit and a byte budget bound the work a hostile
 * file can cause on either path.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>

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
 * Central directories held at once by the seekable reader, at most
 * JAVA_MAX_CD bytes: libarchive keeps a record for each of their entries.
 */
#define JAVA_MEMORY		((size_t)32 << 20)
#define JAVA_MAX_CD		((size_t)2 << 20)
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
	size_t		 cd_held;	/* central directory bytes being walked */
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
	int			 started;
	size_t			 skipped;	/* bytes before the zip */
	char			*cause;
};

static la_ssize_t
java_read(struct archive *a, void *arg, const void **buf)
{
	struct java_src	*s = arg;
	const char	*p;
	size_t		 len = 0;
	la_int64_t	 off;
	int		 r;

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

/*
 * A nested archive of an archive read from memory, if it fits in memory
 * too: a stored one is a slice of its parent's bytes (the first block
 * libarchive gives is all of it), a deflated one is inflated into a
 * buffer. 0 when read; -1 when it does not fit, nothing consumed: the
 * caller streams it from the parent.
 */
static int
java_nested_memory(struct java_walk *w, struct archive *a,
    struct archive_entry *e, const char *where, int depth)
{
	struct buf	 b;
	const void	*p;
	size_t		 len, size;
	la_int64_t	 off;
	int		 r;

	if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0 ||
	    (uint64_t)archive_entry_size(e) > w->mem_limit - w->mem_held)
		return -1;
	size = (size_t)archive_entry_size(e);
	r = archive_read_data_block(a, &p, &len, &off);
	if (r == ARCHIVE_EOF)
		len = 0;
	else if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		goto bad;
	if (java_work(w, len) != 0)
		return 0;
	if (r == ARCHIVE_EOF || (off == 0 && len == size)) {
		java_walk_memory(w, r == ARCHIVE_EOF ? "" : p, len, where, depth);
		return 0;
	}
	buf_init(&b);
	buf_reserve(&b, size);
	w->mem_held += size;
	for (;;) {
		if (off < 0 || (uint64_t)off != b.len || len > size - b.len) {
			summary_warn(&w->sum, "%s: more bytes than its central "
			    "directory says: not read", where);
			goto out;
		}
		buf_add(&b, p, len);
		r = archive_read_data_block(a, &p, &len, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			buf_free(&b);
			w->mem_held -= size;
			goto bad;
		}
		if (java_work(w, len) != 0)
			goto out;
	}
	java_walk_memory(w, b.data != NULL ? b.data : "", b.len, where, depth);
out:
	w->mem_held -= size;
	buf_free(&b);
	return 0;
bad:
	summary_warn(&w->sum, "%s: not a readable zip archive: %s", where,
	    archive_error_string(a) != NULL ? archive_error_string(a) :
	    "read error");
	return 0;
}

/* mem: a is read from memory, its nested archives may be too. */
static void
java_entry(struct java_walk *w, struct archive *a, struct archive_entry *e,
    const char *where, int depth, int mem)
{
	struct java_src	 child;
	struct buf	 b;
	const char	*name = archive_entry_pathname(e);
	char		*nested;

	if (name == NULL || archive_entry_filetype(e) != AE_IFREG)
		return;
	if (java_pom_name(name) || strcmp(name, "META-INF/MANIFEST.MF") == 0) {
		if (java_read_text(a, &b) != 0) {
			summary_warn(&w->sum, "%s%s%s: %s", where, *where ? "!/" : "",
			    name, archive_error_string(a) != NULL ?
			    archive_error_string(a) : "unreadable");
		} else if (mem && java_work(w, b.len) != 0)
			;	/* the same entry, listed again and again */
		else if (java_pom_name(name))
			summary_add(&w->sum, "pom", 3, where, strlen(where), name,
			    strlen(name), b.data, b.len);
		else
			java_manifest_keep(&w->sum, where, b.data, b.len);
		buf_free(&b);
		return;
	}
	if (!java_archive_name(name) || w->over_budget)
		return;
	if (depth >= JAVA_MAX_DEPTH) {
		if (!w->warned_depth++)
			summary_warn(&w->sum, "%s%s%s: archives nested more than %d "
			    "deep are not read", where, *where ? "!/" : "", name,
			    JAVA_MAX_DEPTH);
		return;
	}
	if (w->narchives >= JAVA_MAX_ARCHIVES) {
		if (!w->warned_count++)
			summary_warn(&w->sum, "more than %d nested archives: the "
			    "rest are not read", JAVA_MAX_ARCHIVES);
		return;
	}
	w->narchives++;
	nested = *where != '\0' ? xasprintf("%s!/%s", where, name) : xstrdup(name);
	summary_add(&w->sum, "jar", 1, nested, strlen(nested));
	if (!mem || java_nested_memory(w, a, e, nested, depth + 1) != 0) {
		memset(&child, 0, sizeof child);
		child.w = w;
		child.parent = a;
		java_walk_archive(w, &child, nested, depth + 1);
		free(child.cause);
	}
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
		java_entry(w, a, e, where, depth, 0);
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

/*
 * The size of the central directory the end record at the end of data says,
 * or -1 without one (a truncated file) or with Zip64's.
 */
static int64_t
java_cd_size(const unsigned char *data, size_t len)
{
	size_t	i, low;

	if (len < 22)
		return -1;
	low = len - 22 > 65535 ? len - 22 - 65535 : 0;
	for (i = len - 22 + 1; i > low; i--) {
		if (memcmp(data + i - 1, "PK\005\006", 4) == 0) {
			data += i - 1;
			if (data[12] == 0xff && data[13] == 0xff &&
			    data[14] == 0xff && data[15] == 0xff)
				return -1;
			return (int64_t)data[12] | (int64_t)data[13] << 8 |
			    (int64_t)data[14] << 16 | (int64_t)data[15] << 24;
		}
	}
	return -1;
}

/*
 * An archive in memory, through its central directory: -1 if that cannot
 * be read (nothing reported yet), for the caller to stream it instead.
 */
static int
java_walk_seekable(struct java_walk *w, const char *data, size_t len,
    const char *where, int depth)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*err;
	int64_t			 cd;
	int			 r = ARCHIVE_EOF, first = 1;

	if ((cd = java_cd_size((const unsigned char *)data, len)) < 0 ||
	    (uint64_t)cd > JAVA_MAX_CD - w->cd_held)
		return -1;
	a = archive_read_new();
	archive_read_support_format_zip_seekable(a);
	/* Sizes come from the central directory: the CRC-32 proves nothing. */
	archive_read_set_options(a, "zip:ignorecrc32");
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return -1;
	}
	w->cd_held += (size_t)cd;
	while (!w->over_budget && ((r = archive_read_next_header(a, &e)) ==
	    ARCHIVE_OK || r == ARCHIVE_WARN)) {
		first = 0;
		java_entry(w, a, e, where, depth, 1);
	}
	w->cd_held -= (size_t)cd;
	if (first && r != ARCHIVE_EOF) {
		archive_read_free(a);
		return -1;
	}
	if (r != ARCHIVE_EOF && !w->over_budget) {
		err = archive_error_string(a);
		summary_warn(&w->sum, "%s%snot a readable zip archive%s%s",
		    where, *where ? ": " : "", err != NULL ? ": " : "",
		    err != NULL ? err : "");
	}
	archive_read_free(a);
	return 0;
}

/* An archive in memory: by its central directory, else as it streams. */
static void
java_walk_memory(struct java_walk *w, const char *data, size_t len,
    const char *where, int depth)
{
	struct java_src	src;

	if (java_walk_seekable(w, data, len, where, depth) == 0)
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
	if (errno != 0 || *end != '\0' || v > SIZE_MAX / 2)
		return JAVA_MEMORY;
	return (size_t)v;
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
	p->purl = pkg_purl_make("maven", group, artifact, version);
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
