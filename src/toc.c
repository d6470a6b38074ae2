/* Lazy pulls: a layer's kept files from its table of contents and the chunks of the wanted files. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "layer.h"
#include "source.h"
#include "toc.h"
#include "util.h"

/* Every format of seekable layer; the first whose match says yes reads it. */
static const struct toc_format *const toc_formats[] = {
	&toc_zstd_chunked,
	&toc_estargz,
};

/* Summaries kept of one layer, as layer.c bounds them. */
#define TOC_SUMMARIES		((size_t)64 << 20)
#define TOC_SUMMARIES_TEXT	"64 MiB"

enum toc_type {
	TOC_OTHER = 0,	/* devices, fifos: nothing to keep */
	TOC_REG,
	TOC_DIR,
	TOC_SYMLINK,
	TOC_HARDLINK,
	TOC_CHUNK,	/* a further chunk of the regular file before it */
};

struct toc_entry {
	enum toc_type	 type;
	const char	*name;		/* in struct toc's strings */
	const char	*link;
	uint64_t	 size;
	uint64_t	 offset;	/* compressed start; 0: no data */
	uint64_t	 end;		/* compressed end; 0: the next offset */
	uint64_t	 chunk_offset;	/* where the chunk's bytes go in the file */
	uint64_t	 chunk_size;	/* 0: the whole file */
	const char	*digest;	/* of the file (reg) */
	const char	*chunk_digest;
	int		 zeros;		/* chunkType "zeros": no data, all zero */
};

struct toc {
	struct buf		 strings;	/* every string kept, NUL-terminated */
	struct toc_entry	*e;
	size_t			 n;
	uint64_t		*offsets;	/* every data offset, sorted */
	size_t			 noffsets;
	uint64_t		 data_end;
};

/*
 * The ranges of the files to fetch are known from the TOC before any is
 * read: neighbours less than TOC_GAP apart are fetched in one request (the
 * files of one directory lie together: dpkg's info lists), each request
 * at most TOC_SPAN_MAX bytes. A span is fetched when first needed; the
 * walk goes in offset order, so the spans before it are freed then, and
 * memory holds one span and one file at a time.
 */
#define TOC_GAP		((uint64_t)256 << 10)
#define TOC_SPAN_MAX	((uint64_t)32 << 20)

struct toc_span {
	uint64_t	off;
	uint64_t	end;
	struct buf	data;	/* once fetched: data.len == end - off */
	int		fetched;
};

/* One layer being read from its TOC. */
struct toc_ctx {
	const struct toc_format		*fmt;
	struct toc_blob			*blob;
	const struct layer_limits	*limits;
	layer_want_fn			 want;
	struct toc			*toc;
	struct layer_files		*lf;
	size_t				 files_cap;
	size_t				 whiteouts_cap;
	size_t				 opaque_cap;
	size_t				 nlinks;
	size_t				 summary_bytes;
	struct toc_span			*spans;		/* planned, by offset */
	size_t				 nspans;
	/*
	 * Two passes (toc_layer_read): the first keeps wanted files and links
	 * only, the second everything, with summaries. Wanted files read in
	 * the first are kept here by entry, not fetched twice; cand marks the
	 * files read for the summariser (no OS package owns them).
	 */
	int				 pass;
	void				*chunk_ctx;	/* the format's, for the layer */
	struct buf			*content;
	unsigned char			*cand;
};

const struct toc_format *
toc_format_of(const struct image_layer *l)
{
	size_t	i;

	for (i = 0; i < NELEM(toc_formats); i++) {
		if (toc_formats[i]->match(l))
			return toc_formats[i];
	}
	return NULL;
}

static void
toc_free(struct toc *t)
{
	buf_free(&t->strings);
	free(t->e);
	free(t->offsets);
	memset(t, 0, sizeof *t);
}

/*
 * The TOC's JSON is read by events (yajl), not into a tree: a TOC of ten
 * thousand entries costs jansson's tree several times its parse, which is
 * most of what a lazy pull costs. Only the fields below are kept; strings
 * go to one buffer (offsets while it grows).
 */
enum toc_field {
	TF_OTHER = 0,
	TF_TYPE, TF_NAME, TF_LINK, TF_DIGEST, TF_CHUNK_DIGEST, TF_CHUNK_TYPE,
	TF_SIZE, TF_OFFSET, TF_END, TF_CHUNK_OFFSET, TF_CHUNK_SIZE,
};

static const struct {
	const char	*key;
	enum toc_field	 field;
} toc_fields[] = {
	{ "type", TF_TYPE }, { "name", TF_NAME }, { "linkName", TF_LINK },
	{ "digest", TF_DIGEST }, { "chunkDigest", TF_CHUNK_DIGEST },
	{ "chunkType", TF_CHUNK_TYPE }, { "size", TF_SIZE },
	{ "offset", TF_OFFSET }, { "endOffset", TF_END },
	{ "chunkOffset", TF_CHUNK_OFFSET }, { "chunkSize", TF_CHUNK_SIZE },
};

struct toc_strs {	/* an entry's strings while parsing: offsets + 1, 0 none */
	size_t	type, name, link, digest, chunk_digest, chunk_type;
};

struct toc_parser {
	struct toc	*t;
	struct toc_strs	*strs;
	size_t		 cap;
	size_t		 max_entries;
	int		 depth;
	int		 top_key;	/* 1 "version", 2 "entries" */
	int		 in_entries;
	int64_t		 version;
	enum toc_field	 field;
	int		 bad;		/* an entry field of the wrong kind */
	int		 toomany;
};

static struct toc_entry *
toc_parser_cur(struct toc_parser *p)
{
	return p->in_entries && p->depth == 3 && p->t->n > 0 ?
	    &p->t->e[p->t->n - 1] : NULL;
}

static int
toc_cb_integer(void *arg, long long v)
{
	struct toc_parser	*p = arg;
	struct toc_entry	*e;

	if (p->depth == 1 && p->top_key == 1) {
		p->version = v;
		return 1;
	}
	if ((e = toc_parser_cur(p)) == NULL)
		return 1;
	if (p->field >= TF_SIZE && v < 0)
		p->bad = 1;
	switch (p->field) {
	case TF_SIZE:
		e->size = (uint64_t)v;
		break;
	case TF_OFFSET:
		e->offset = (uint64_t)v;
		break;
	case TF_END:
		e->end = (uint64_t)v;
		break;
	case TF_CHUNK_OFFSET:
		e->chunk_offset = (uint64_t)v;
		break;
	case TF_CHUNK_SIZE:
		e->chunk_size = (uint64_t)v;
		break;
	case TF_OTHER:
		break;
	default:
		p->bad = 1;	/* a number where a string belongs */
		break;
	}
	return 1;
}

static int
toc_cb_double(void *arg, double v)
{
	struct toc_parser	*p = arg;

	(void)v;
	if (toc_parser_cur(p) != NULL && p->field != TF_OTHER)
		p->bad = 1;
	return 1;
}

static int
toc_cb_string(void *arg, const unsigned char *v, size_t len)
{
	struct toc_parser	*p = arg;
	struct toc_strs		*st;
	size_t			 off, *slot = NULL;

	if (toc_parser_cur(p) == NULL || p->field == TF_OTHER)
		return 1;
	st = &p->strs[p->t->n - 1];
	switch (p->field) {
	case TF_TYPE:
		slot = &st->type;
		break;
	case TF_NAME:
		slot = &st->name;
		break;
	case TF_LINK:
		slot = &st->link;
		break;
	case TF_DIGEST:
		slot = &st->digest;
		break;
	case TF_CHUNK_DIGEST:
		slot = &st->chunk_digest;
		break;
	case TF_CHUNK_TYPE:
		slot = &st->chunk_type;
		break;
	default:
		p->bad = 1;	/* a string where a number belongs */
		return 1;
	}
	if (memchr(v, '\0', len) != NULL) {
		p->bad = 1;
		return 1;
	}
	off = p->t->strings.len;
	buf_add(&p->t->strings, v, len);
	buf_add(&p->t->strings, "", 1);
	*slot = off + 1;
	return 1;
}

static int
toc_cb_start_map(void *arg)
{
	struct toc_parser	*p = arg;

	p->depth++;
	if (p->in_entries && p->depth == 3) {
		if (p->t->n == p->max_entries) {
			p->toomany = 1;
			return 0;
		}
		if (p->t->n == p->cap) {
			p->cap = p->cap == 0 ? 1024 : p->cap * 2;
			p->t->e = xreallocarray(p->t->e, p->cap, sizeof *p->t->e);
			p->strs = xreallocarray(p->strs, p->cap, sizeof *p->strs);
		}
		memset(&p->t->e[p->t->n], 0, sizeof *p->t->e);
		memset(&p->strs[p->t->n], 0, sizeof *p->strs);
		p->t->n++;
	}
	p->field = TF_OTHER;
	return 1;
}

static int
toc_cb_end(void *arg)
{
	struct toc_parser	*p = arg;

	if (p->in_entries && p->depth == 2)
		p->in_entries = 0;
	p->depth--;
	p->field = TF_OTHER;
	return 1;
}

static int
toc_cb_start_array(void *arg)
{
	struct toc_parser	*p = arg;

	p->depth++;
	if (p->depth == 2 && p->top_key == 2)
		p->in_entries = 1;
	p->field = TF_OTHER;
	return 1;
}

static int
toc_cb_map_key(void *arg, const unsigned char *k, size_t len)
{
	struct toc_parser	*p = arg;
	size_t			 i;

	p->field = TF_OTHER;
	if (p->depth == 1) {
		p->top_key = len == 7 && memcmp(k, "version", 7) == 0 ? 1 :
		    len == 7 && memcmp(k, "entries", 7) == 0 ? 2 : 0;
		return 1;
	}
	if (!p->in_entries || p->depth != 3)
		return 1;
	for (i = 0; i < NELEM(toc_fields); i++) {
		if (strlen(toc_fields[i].key) == len &&
		    memcmp(toc_fields[i].key, k, len) == 0) {
			p->field = toc_fields[i].field;
			break;
		}
	}
	return 1;
}

static const yajl_callbacks toc_callbacks = {
	.yajl_integer = toc_cb_integer,
	.yajl_double = toc_cb_double,
	.yajl_string = toc_cb_string,
	.yajl_start_map = toc_cb_start_map,
	.yajl_map_key = toc_cb_map_key,
	.yajl_end_map = toc_cb_end,
	.yajl_start_array = toc_cb_start_array,
	.yajl_end_array = toc_cb_end,
};

static const char *
toc_strs_get(const struct toc *t, size_t off)
{
	return off == 0 ? NULL : t->strings.data + off - 1;
}

static int
toc_cmp_u64(const void *va, const void *vb)
{
	uint64_t	a = *(const uint64_t *)va, b = *(const uint64_t *)vb;

	return a < b ? -1 : a > b;
}

/* Parse the TOC's JSON into t: types, offsets and digests checked. */
static int
toc_parse(const char *json, size_t len, uint64_t data_end, size_t max_entries,
    struct toc *t, char **cause)
{
	struct toc_parser	 p;
	struct toc_entry	*e;
	struct toc_strs		*st;
	yajl_handle		 h;
	yajl_status		 ys;
	unsigned char		*err;
	const char		*type, *ct;
	size_t			 i;
	int			 rc = 0;

	memset(t, 0, sizeof *t);
	t->data_end = data_end;
	buf_init(&t->strings);
	memset(&p, 0, sizeof p);
	p.t = t;
	p.max_entries = max_entries;
	h = yajl_alloc(&toc_callbacks, NULL, &p);
	ys = yajl_parse(h, (const unsigned char *)json, len);
	if (ys == yajl_status_ok)
		ys = yajl_complete_parse(h);
	if (p.toomany)
		rc = fail(cause, HS_ELIMIT, "TOC: more than %zu entries", max_entries);
	else if (ys != yajl_status_ok) {
		err = yajl_get_error(h, 0, (const unsigned char *)json, len);
		rc = fail(cause, HS_EINVAL, "TOC: invalid JSON: %s", err != NULL ?
		    (const char *)err : "parse error");
		if (strchr(*cause, '\n') != NULL)
			*strchr(*cause, '\n') = '\0';
		for (i = strlen(*cause); i > 0 && (*cause)[i - 1] == ' '; i--)
			(*cause)[i - 1] = '\0';
		yajl_free_error(h, err);
	} else if (p.version != 1)
		rc = fail(cause, HS_EINVAL, "TOC: not version 1");
	else if (p.bad)
		rc = fail(cause, HS_EINVAL, "TOC: a field of the wrong kind (a size "
		    "or offset not a non-negative integer, or a name not a string)");
	yajl_free(h);
	if (rc != 0)
		goto out;
	t->offsets = xcalloc(t->n + 1, sizeof *t->offsets);
	for (i = 0; i < t->n; i++) {
		e = &t->e[i];
		st = &p.strs[i];
		type = toc_strs_get(t, st->type);
		e->name = toc_strs_get(t, st->name);
		e->link = toc_strs_get(t, st->link);
		e->digest = toc_strs_get(t, st->digest);
		e->chunk_digest = toc_strs_get(t, st->chunk_digest);
		ct = toc_strs_get(t, st->chunk_type);
		if (e->name == NULL || type == NULL) {
			rc = fail(cause, HS_EINVAL, "TOC: entry %zu without a name "
			    "or type", i + 1);
			goto out;
		}
		if (strcmp(type, "reg") == 0)
			e->type = TOC_REG;
		else if (strcmp(type, "dir") == 0)
			e->type = TOC_DIR;
		else if (strcmp(type, "symlink") == 0)
			e->type = TOC_SYMLINK;
		else if (strcmp(type, "hardlink") == 0)
			e->type = TOC_HARDLINK;
		else if (strcmp(type, "chunk") == 0)
			e->type = TOC_CHUNK;
		else
			e->type = TOC_OTHER;
		e->zeros = ct != NULL && strcmp(ct, "zeros") == 0;
		if ((e->type == TOC_SYMLINK || e->type == TOC_HARDLINK) &&
		    e->link == NULL) {
			rc = fail(cause, HS_EINVAL, "TOC: %s: a link without a "
			    "target", e->name);
			goto out;
		}
		if (e->type == TOC_CHUNK && (i == 0 || (t->e[i - 1].type != TOC_REG &&
		    t->e[i - 1].type != TOC_CHUNK))) {
			rc = fail(cause, HS_EINVAL, "TOC: %s: a chunk that follows "
			    "no regular file", e->name);
			goto out;
		}
		if (e->offset > data_end || e->end > data_end ||
		    (e->end != 0 && e->end < e->offset)) {
			rc = fail(cause, HS_EINVAL, "TOC: %s: data outside the "
			    "blob", e->name);
			goto out;
		}
		if (e->offset > 0)
			t->offsets[t->noffsets++] = e->offset;
	}
	qsort(t->offsets, t->noffsets, sizeof *t->offsets, toc_cmp_u64);
out:
	free(p.strs);
	return rc;
}

/* Where the chunk that starts at off ends: the next offset, else data_end. */
static uint64_t
toc_next_offset(const struct toc *t, uint64_t off)
{
	size_t	lo = 0, hi = t->noffsets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->offsets[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->noffsets ? t->offsets[lo] : t->data_end;
}

/*
 * Where chunk e of file f ends: at the next offset in the TOC, or sooner at
 * the file's end offset when the TOC gives one (zstd:chunked does: a tar
 * header's frame comes between two files' data).
 */
static uint64_t
toc_chunk_end(const struct toc *t, const struct toc_entry *f,
    const struct toc_entry *e)
{
	uint64_t	end = toc_next_offset(t, e->offset);

	if (f->end != 0 && f->end > e->offset && f->end < end)
		end = f->end;
	return end;
}

/*
 * The compressed bytes [*first, *last) that hold the regular file at index
 * i, its chunks (the TOC_CHUNK entries right after it) included; *last 0
 * when it has none (empty, or all zeros).
 */
static int
toc_file_range(const struct toc *t, size_t i, uint64_t *first, uint64_t *last,
    char **cause)
{
	const struct toc_entry	*f = &t->e[i], *e;
	uint64_t		 end;
	size_t			 k;

	*first = UINT64_MAX;
	*last = 0;
	for (k = i; k < t->n && (k == i || t->e[k].type == TOC_CHUNK); k++) {
		e = &t->e[k];
		if (e->zeros || f->size == 0)
			continue;
		if (e->offset == 0)
			return fail(cause, HS_EINVAL, "TOC: %s: data without an "
			    "offset", f->name);
		if ((end = toc_chunk_end(t, f, e)) <= e->offset)
			return fail(cause, HS_EINVAL, "TOC: %s: a chunk with no "
			    "data", f->name);
		if (e->offset < *first)
			*first = e->offset;
		if (end > *last)
			*last = end;
	}
	return 0;
}

static int
toc_blob_read(struct toc_blob *b, uint64_t off, uint64_t len, struct buf *out,
    char **cause)
{
	size_t	before = out->len;
	int	rc;

	if (off > b->size || len > b->size - off)
		return fail(cause, HS_EINVAL, "bytes %" PRIu64 "+%" PRIu64
		    " outside the blob of %" PRIu64, off, len, b->size);
	rc = b->read(b->arg, off, len, out, cause);
	b->fetched += out->len - before;
	return rc;
}

static int
toc_digest_check(const char *what, const char *name, const char *want,
    const void *data, size_t len, char **cause)
{
	char	got[72];

	if (want == NULL)
		return 0;
	if (!digest_valid(want))
		return fail(cause, HS_EINVAL, "TOC: %s: %s %s is not a sha256 "
		    "digest", name, what, want);
	sha256_hex(data, len, got);
	if (strcmp(got, want) != 0)
		return fail(cause, HS_EDIGEST, "%s: %s mismatch: the TOC says "
		    "%s, the content is %s", name, what, want, got);
	return 0;
}

/* Bytes [off, off + len): from a planned span, else a request of their own. */
static int
toc_ctx_read(struct toc_ctx *c, uint64_t off, uint64_t len, struct buf *out,
    char **cause)
{
	struct toc_span	*sp;
	size_t		 lo = 0, hi = c->nspans, mid, k;
	int		 rc;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->spans[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nspans && c->spans[lo].off <= off &&
	    off + len <= c->spans[lo].end) {
		sp = &c->spans[lo];
		if (!sp->fetched) {
			for (k = 0; k < lo; k++)
				buf_free(&c->spans[k].data);
			if ((rc = toc_blob_read(c->blob, sp->off, sp->end - sp->off,
			    &sp->data, cause)) != 0) {
				buf_free(&sp->data);
				return rc;
			}
			sp->fetched = 1;
		}
		if (sp->data.len == sp->end - sp->off) {
			buf_add(out, sp->data.data + (off - sp->off), (size_t)len);
			return 0;
		}
	}
	return toc_blob_read(c->blob, off, len, out, cause);
}

static int
toc_span_cmp(const void *va, const void *vb)
{
	const struct toc_span	*a = va, *b = vb;

	return a->off < b->off ? -1 : a->off > b->off;
}

static void
toc_spans_free(struct toc_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->nspans; i++)
		buf_free(&c->spans[i].data);
	free(c->spans);
	c->spans = NULL;
	c->nspans = 0;
}

/* What a regular file is to a pass: read for its path, for a summary, or not at all. */
enum toc_plan {
	TOC_PLAN_NONE = 0,
	TOC_PLAN_WANTED,	/* an analyzer wants it by path */
	TOC_PLAN_NAMED,		/* the summariser picks it by name (a jar) */
	TOC_PLAN_PROBE,		/* only its content says (an ELF file): read to probe */
};

static enum toc_plan
toc_plan_of(struct toc_ctx *c, size_t i)
{
	const struct layer_summariser	*s = c->limits->summariser;
	const struct toc_entry		*e = &c->toc->e[i];
	enum toc_plan			 plan = TOC_PLAN_NONE;
	char				*path, *target;
	int				 kind;

	if (e->type != TOC_REG || e->size == 0 || e->size > c->limits->max_file)
		return TOC_PLAN_NONE;
	if ((path = layer_path_normalise(e->name)) == NULL)
		return TOC_PLAN_NONE;
	if (layer_whiteout_target(path, &target) != LAYER_WH_NONE)
		free(target);
	else if (c->want != NULL && c->want(path) != WANT_NO)
		plan = TOC_PLAN_WANTED;
	else if (s != NULL && e->size >= s->min_size) {
		kind = s->probe(path, e->size, "", 0);
		plan = kind > 0 ? TOC_PLAN_NAMED : TOC_PLAN_PROBE;
	}
	free(path);
	return plan;
}

/*
 * Plan the requests of a pass: the files whose plan is in want (a bit per
 * enum toc_plan) and, for the summariser's, that no OS package owns by
 * owners (when given); cand[i] set for each, their ranges merged into spans.
 */
static int
toc_plan(struct toc_ctx *c, unsigned want, void *owners, char **cause)
{
	const struct layer_summariser	*s = c->limits->summariser;
	struct toc_span			*v = NULL, *m;
	enum toc_plan			 plan;
	uint64_t			 first, last;
	size_t				 i, n = 0, k, nfiles;
	char				*path;
	int				 rc = 0;

	toc_spans_free(c);
	for (i = 0; i < c->toc->n; i++) {
		plan = toc_plan_of(c, i);
		if (plan == TOC_PLAN_NONE || (want & (1u << plan)) == 0)
			continue;
		if (plan != TOC_PLAN_WANTED && owners != NULL) {
			path = layer_path_normalise(c->toc->e[i].name);
			k = s->owned(owners, path);
			free(path);
			if (k)
				continue;	/* an OS package's: a summary is dropped */
		}
		c->cand[i] = 1;
		if ((rc = toc_file_range(c->toc, i, &first, &last, cause)) != 0)
			goto out;
		if (last == 0)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		memset(&v[n], 0, sizeof v[n]);
		v[n].off = first;
		v[n].end = last;
		n++;
	}
	if (n == 0)
		goto out;
	qsort(v, n, sizeof *v, toc_span_cmp);
	/* Merge in place: v[k] grows while the next starts close enough. */
	for (i = 1, k = 0; i < n; i++) {
		m = &v[k];
		if (v[i].off <= m->end + TOC_GAP && (v[i].end > m->end ? v[i].end :
		    m->end) - m->off <= TOC_SPAN_MAX) {
			if (v[i].end > m->end)
				m->end = v[i].end;
		} else
			v[++k] = v[i];
	}
	nfiles = n;
	c->spans = v;
	c->nspans = k + 1;
	v = NULL;
	log_debug("%s: %zu files' chunks in %zu requests", c->fmt->name,
	    nfiles, c->nspans);
out:
	free(v);
	return rc;
}

/*
 * The content of the regular file at index i (its chunks follow it): one
 * range request for all its compressed bytes, each chunk decompressed and
 * checked against its digest, the whole against the file's.
 */
static int
toc_fetch_file(struct toc_ctx *c, size_t i, struct buf *out, char **cause)
{
	struct toc		*t = c->toc;
	const struct toc_entry	*f = &t->e[i], *e;
	struct buf		 comp;
	uint64_t		 first = UINT64_MAX, last = 0, end, want;
	size_t			 j, k, before;
	int			 rc = 0;

	buf_init(out);
	buf_init(&comp);
	if (f->size > c->limits->max_file)
		return fail(cause, HS_ELIMIT, "%s: %" PRIu64 " bytes, larger than "
		    "the limit of %zu bytes", f->name, f->size, c->limits->max_file);
	/* Its chunks: this entry, then every TOC_CHUNK right after it. */
	for (j = i + 1; j < t->n && t->e[j].type == TOC_CHUNK; j++)
		;
	if (f->size == 0)
		goto check;
	if ((rc = toc_file_range(t, i, &first, &last, cause)) != 0)
		return rc;
	if (last != 0 && (rc = toc_ctx_read(c, first, last - first, &comp,
	    cause)) != 0)
		goto out;
	buf_reserve(out, (size_t)f->size);
	for (k = i; k < j; k++) {
		e = &t->e[k];
		/* eStargz leaves out the size of a file's last chunk. */
		want = e->chunk_size != 0 ? e->chunk_size : f->size - out->len;
		if (e->chunk_offset != out->len || want > f->size - out->len) {
			rc = fail(cause, HS_EINVAL, "TOC: %s: chunks out of order "
			    "or past the file's size", f->name);
			goto out;
		}
		before = out->len;
		if (e->zeros) {
			buf_reserve(out, (size_t)want);
			memset(out->data + out->len, 0, (size_t)want);
			out->len += (size_t)want;
		} else {
			end = toc_chunk_end(t, f, e);
			if ((rc = c->fmt->chunk(c->chunk_ctx, comp.data +
			    (e->offset - first), (size_t)(end - e->offset), want,
			    out, cause)) != 0) {
				cause_prefix(cause, "%s", f->name);
				goto out;
			}
		}
		if ((rc = toc_digest_check("chunk digest", f->name,
		    e->chunk_digest, out->data + before, out->len - before,
		    cause)) != 0)
			goto out;
	}
	if (out->len != f->size) {
		rc = fail(cause, HS_EINVAL, "%s: %zu bytes in its chunks, the TOC "
		    "says %" PRIu64, f->name, out->len, f->size);
		goto out;
	}
check:
	rc = toc_digest_check("digest", f->name, f->digest, out->data != NULL ?
	    out->data : "", out->len, cause);
out:
	buf_free(&comp);
	if (rc != 0)
		buf_free(out);
	return rc;
}

static struct kept_file *
toc_add_file(struct toc_ctx *c, char *path, enum kept_type type)
{
	return layer_files_add(c->lf, &c->files_cap, path, type);
}

/* A wanted regular file: kept whole, or as its size when too big and WANT_SOFT. */
static int
toc_keep_file(struct toc_ctx *c, size_t i, char *path, int wanted, char **cause)
{
	const struct toc_entry	*f = &c->toc->e[i];
	struct kept_file	*k;
	struct buf		 data;
	int			 rc;

	if (f->size > c->limits->max_file) {
		if (wanted == WANT_SOFT) {
			k = toc_add_file(c, path, KEPT_TOOBIG);
			k->len = f->size > SIZE_MAX ? SIZE_MAX : (size_t)f->size;
			return 0;
		}
		rc = fail(cause, HS_ELIMIT, "%s: %" PRIu64 " bytes, larger than "
		    "the limit of %zu bytes", path, f->size, c->limits->max_file);
		free(path);
		return rc;
	}
	if (c->pass == 2 && c->content[i].data != NULL) {
		data = c->content[i];	/* read by the first pass */
		buf_init(&c->content[i]);
	} else if ((rc = toc_fetch_file(c, i, &data, cause)) != 0) {
		free(path);
		return rc;
	} else if (c->pass == 1) {
		buf_init(&c->content[i]);
		buf_add(&c->content[i], data.data, data.len);
	}
	buf_reserve(&data, 1);
	data.data[data.len] = '\0';
	c->lf->tar_bytes += data.len;
	k = toc_add_file(c, path, KEPT_FILE);
	k->len = data.len;
	k->data = buf_steal(&data);
	return 0;
}

/* A file being summarised: fetched when the summariser first pulls, unless it was to be probed. */
struct toc_pull {
	struct toc_ctx	*c;
	size_t		 i;
	struct buf	 data;
	int		 loaded;
	int		 given;
	int		 failed;
};

static int
toc_pull(void *arg, const void **buf, size_t *len, char **cause)
{
	struct toc_pull	*p = arg;

	if (!p->loaded) {
		p->loaded = 1;
		if (toc_fetch_file(p->c, p->i, &p->data, cause) != 0) {
			p->failed = 1;
			return HS_EIO;
		}
		p->c->lf->tar_bytes += p->data.len;
	}
	if (p->given)
		return 0;
	p->given = 1;
	*buf = p->data.data != NULL ? p->data.data : "";
	*len = p->data.len;
	return p->data.len > 0;
}

/*
 * A file nobody asked for by path. The summariser is asked first by its
 * path and size alone: a jar is picked by name and fetched when summarised.
 * A file only its content can tell (an ELF executable) is fetched and
 * probed with its first bytes, as the tar reader probes it. Either is read
 * only when no OS package of this layer owns it (cand, toc_plan): what a
 * summary finds in an OS package's file is dropped (pkg.c) anyway.
 */
static int
toc_summarise(struct toc_ctx *c, size_t i, char *path, char **cause)
{
	const struct layer_summariser	*s = c->limits->summariser;
	const struct toc_entry		*f = &c->toc->e[i];
	struct toc_pull			 p;
	struct kept_file		*k;
	size_t				 slen;
	char				*sum = NULL, *why = NULL;
	int				 kind, rc = 0;

	memset(&p, 0, sizeof p);
	p.c = c;
	p.i = i;
	buf_init(&p.data);
	kind = s->probe(path, f->size, "", 0);
	if (kind > 0 && f->size <= c->limits->max_file && !c->cand[i])
		goto out;	/* a jar an OS package owns */
	if (kind <= 0) {
		if (!c->cand[i])
			goto out;
		p.loaded = 1;
		if ((rc = toc_fetch_file(c, i, &p.data, cause)) != 0)
			goto out;
		c->lf->tar_bytes += p.data.len;
		if (p.data.len == 0 || (kind = s->probe(path, f->size, p.data.data,
		    p.data.len < LAYER_HEAD ? p.data.len : LAYER_HEAD)) <= 0)
			goto out;
	}
	if (c->summary_bytes > TOC_SUMMARIES)
		sum = s->skipped(kind, "not read: the layer's summaries pass the "
		    "limit of " TOC_SUMMARIES_TEXT, &slen);
	else
		sum = s->make(kind, path, f->size, c->limits->max_file, toc_pull, &p,
		    &slen, &why);
	if (p.failed) {
		free(sum);
		rc = fail(cause, HS_EINVAL, "%s", why != NULL ? why : "read error");
	} else if (sum == NULL) {
		if (why != NULL)
			log_warn("%s: %s", path, why);
	} else {
		k = toc_add_file(c, path, KEPT_SUMMARY);
		k->data = sum;
		k->len = slen;
		c->summary_bytes += slen;
		path = NULL;
	}
out:
	buf_free(&p.data);
	free(why);
	free(path);
	return rc;
}

/* A hard link, as layer.c keeps one: a copy of a target kept earlier, else a symlink. */
static void
toc_keep_hardlink(struct toc_ctx *c, char *path, const char *target, int wanted)
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
		free(path);
		free(norm);
		return;
	}
	if (t != NULL && t->type != KEPT_DIR) {
		i = t - lf->files;
		k = toc_add_file(c, path, t->type);
		t = &lf->files[i];
		k->len = t->len;
		if (t->data != NULL) {
			k->data = xmalloc(t->len + 1);
			memcpy(k->data, t->data, t->len + 1);
		}
	} else {
		k = toc_add_file(c, path, KEPT_SYMLINK);
		k->data = xasprintf("/%s", norm);
		k->len = strlen(k->data);
	}
	free(norm);
}

/* One TOC entry, as layer_entry takes one tar entry. */
static int
toc_entry(struct toc_ctx *c, size_t i, char **cause)
{
	const struct layer_summariser	*s;
	const struct toc_entry	*e = &c->toc->e[i];
	struct layer_files	*lf = c->lf;
	struct kept_file	*k;
	char			*path, *target;
	int			 wanted;

	if (e->type == TOC_CHUNK)
		return 0;
	if ((path = layer_path_normalise(e->name)) == NULL)
		return 0;
	switch (layer_whiteout_target(path, &target)) {
	case LAYER_WH_OPAQUE:
		layer_strv_add(&lf->opaque, &lf->nopaque, &c->opaque_cap, target);
		free(path);
		return 0;
	case LAYER_WH_DELETE:
		layer_strv_add(&lf->whiteouts, &lf->nwhiteouts, &c->whiteouts_cap,
		    target);
		free(path);
		return 0;
	case LAYER_WH_OTHER:
		free(path);
		return 0;
	}
	wanted = c->want != NULL ? c->want(path) : WANT_NO;
	/* The first pass keeps what the package databases need: no summaries. */
	s = c->pass == 1 ? NULL : c->limits->summariser;
	switch (e->type) {
	case TOC_HARDLINK:
		if (wanted || s != NULL)
			toc_keep_hardlink(c, path, e->link, wanted);
		else
			free(path);
		return 0;
	case TOC_REG:
		if (wanted)
			return toc_keep_file(c, i, path, wanted, cause);
		if (s != NULL && e->size >= s->min_size)
			return toc_summarise(c, i, path, cause);
		break;
	case TOC_SYMLINK:
		if (!layer_link_kept(path, e->link, wanted, c->nlinks))
			break;
		c->nlinks++;
		k = toc_add_file(c, path, KEPT_SYMLINK);
		k->data = xstrdup(e->link);
		k->len = strlen(e->link);
		return 0;
	case TOC_DIR:
		if (wanted) {
			toc_add_file(c, path, KEPT_DIR);
			return 0;
		}
		break;
	default:
		break;
	}
	free(path);
	return 0;
}

/* Walk every entry into a fresh c->lf. */
static int
toc_walk(struct toc_ctx *c, char **cause)
{
	size_t	i;
	int	rc = 0;

	layer_files_free(c->lf);
	c->lf = xcalloc(1, sizeof *c->lf);
	c->files_cap = c->whiteouts_cap = c->opaque_cap = 0;
	c->nlinks = 0;
	c->summary_bytes = 0;
	for (i = 0; i < c->toc->n && rc == 0; i++)
		rc = toc_entry(c, i, cause);
	return rc;
}

int
toc_layer_read(const struct image_layer *l, struct toc_blob *blob,
    const struct layer_limits *limits, layer_want_fn want,
    struct layer_files **out, char **cause)
{
	const struct layer_summariser	*s;
	const struct toc_format	*fmt;
	struct layer_limits	 deflimits;
	struct toc_ctx		 c;
	struct toc		 t;
	struct buf		 json;
	uint64_t		 data_end = 0;
	void			*owners = NULL;
	size_t			 i;
	int			 rc;

	*out = NULL;
	if ((fmt = toc_format_of(l)) == NULL || l->diff_id == NULL)
		return TOC_FULL_READ;
	if (limits == NULL) {
		layer_limits_default(&deflimits);
		limits = &deflimits;
	}
	s = limits->summariser;
	memset(&c, 0, sizeof c);
	memset(&t, 0, sizeof t);
	buf_init(&json);
	c.fmt = fmt;
	c.blob = blob;
	c.limits = limits;
	c.want = want;
	c.toc = &t;
	if ((rc = fmt->locate(l, blob, &json, &data_end, cause)) != 0)
		goto out;
	if (data_end > blob->size)
		data_end = blob->size;
	if ((rc = toc_parse(json.data, json.len, data_end, limits->max_entries, &t,
	    cause)) != 0)
		goto out;
	buf_free(&json);
	if (fmt->chunk_ctx != NULL)
		c.chunk_ctx = fmt->chunk_ctx();
	c.content = xcalloc(t.n + 1, sizeof *c.content);
	c.cand = xcalloc(t.n + 1, 1);
	/*
	 * Pass 1: the wanted files (package databases, their file lists) and
	 * links. Pass 2, with a summariser: everything again, the wanted files
	 * from pass 1, and fetched now the jars and the files only their
	 * content tells, but those an OS package of this layer owns.
	 */
	c.pass = s != NULL ? 1 : 2;
	if ((rc = toc_plan(&c, 1u << TOC_PLAN_WANTED, NULL, cause)) != 0 ||
	    (rc = toc_walk(&c, cause)) != 0)
		goto out;
	if (s != NULL) {
		if (s->owners != NULL && s->owned != NULL)
			owners = s->owners(c.lf);
		rc = toc_plan(&c, 1u << TOC_PLAN_NAMED | 1u << TOC_PLAN_PROBE, owners,
		    cause);
		if (owners != NULL && s->owners_free != NULL)
			s->owners_free(owners);
		c.pass = 2;
		if (rc != 0 || (rc = toc_walk(&c, cause)) != 0)
			goto out;
	}
	c.lf->digest = xstrdup(l->digest);
	c.lf->diff_id = xstrdup(l->diff_id);
	c.lf->blob_bytes = blob->fetched;
	*out = c.lf;
	c.lf = NULL;
out:
	if (rc != 0 && rc != TOC_FULL_READ && cause != NULL && *cause != NULL)
		cause_prefix(cause, "%s", fmt->name);
	for (i = 0; c.content != NULL && i < t.n + 1; i++)
		buf_free(&c.content[i]);
	free(c.content);
	if (c.chunk_ctx != NULL)
		fmt->chunk_ctx_free(c.chunk_ctx);
	toc_free(&t);
	buf_free(&json);
	toc_spans_free(&c);
	free(c.cand);
	layer_files_free(c.lf);
	if (rc < 0)
		rc = TOC_FULL_READ;
	return rc;
}
