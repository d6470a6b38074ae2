/*
 * The lazy-pull reader (toc.c, toc-zstd.c) against zstd:chunked blobs built
 * here the way containers/storage lays them out (each file's chunks their
 * own zstd frames between tar-header frames, the TOC a zstd frame in a
 * skippable frame, its position and digest in the layer's annotations), and
 * against hostile variants of them: each must give TOC_FULL_READ with a
 * one-line reason, never a crash or a wrong file.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zstd.h>

#include "layer.h"
#include "source.h"
#include "tap.h"
#include "toc.h"
#include "util.h"

#define MT_ZSTD	"application/vnd.oci.image.layer.v1.tar+zstd"
#define SUM_KEY	"io.containers.zstd-chunked.manifest-checksum"
#define POS_KEY	"io.containers.zstd-chunked.manifest-position"

struct tblob {
	struct buf	 data;
	json_t		*entries;
};

static void
tb_frame(struct buf *out, const void *data, size_t len)
{
	size_t	cap = ZSTD_compressBound(len), n;

	buf_reserve(out, cap);
	n = ZSTD_compress(out->data + out->len, cap, data, len, 3);
	if (ZSTD_isError(n)) {
		fprintf(stderr, "zstd: %s\n", ZSTD_getErrorName(n));
		exit(2);
	}
	out->len += n;
}

/* A tar header's frame: what lies between two files' data. */
static void
tb_header(struct tblob *b)
{
	char	hdr[512];

	memset(hdr, 'h', sizeof hdr);
	tb_frame(&b->data, hdr, sizeof hdr);
}

static char *
tb_digest(const void *data, size_t len)
{
	char	d[72];

	sha256_hex(data, len, d);
	return xstrdup(d);
}

/* A regular file, its content in chunks of at most chunk bytes (0: one). */
static json_t *
tb_file(struct tblob *b, const char *name, const char *content, size_t len,
    size_t chunk)
{
	json_t	*reg, *c = NULL;
	size_t	 off, n;
	char	*d;

	tb_header(b);
	reg = json_pack("{s:s, s:s, s:i, s:I}", "type", "reg", "name", name,
	    "mode", 0644, "size", (json_int_t)len);
	d = tb_digest(content, len);
	json_object_set_new(reg, "digest", json_string(d));
	free(d);
	json_array_append_new(b->entries, reg);
	if (len == 0)
		return reg;
	json_object_set_new(reg, "offset", json_integer((json_int_t)b->data.len));
	for (off = 0; off < len; off += n) {
		n = chunk == 0 || len - off < chunk ? len - off : chunk;
		d = tb_digest(content + off, n);
		if (off == 0) {
			if (chunk != 0) {
				json_object_set_new(reg, "chunkSize", json_integer(
				    (json_int_t)n));
				json_object_set_new(reg, "chunkDigest", json_string(d));
			}
		} else {
			c = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "type", "chunk",
			    "name", name, "offset", (json_int_t)b->data.len,
			    "chunkOffset", (json_int_t)off, "chunkSize",
			    (json_int_t)n, "chunkDigest", d);
			json_array_append_new(b->entries, c);
		}
		free(d);
		tb_frame(&b->data, content + off, n);
	}
	json_object_set_new(reg, "endOffset", json_integer((json_int_t)b->data.len));
	return reg;
}

static void
tb_entry(struct tblob *b, const char *type, const char *name, const char *link)
{
	json_t	*e = json_pack("{s:s, s:s}", "type", type, "name", name);

	if (link != NULL)
		json_object_set_new(e, "linkName", json_string(link));
	tb_header(b);
	json_array_append_new(b->entries, e);
}

/* Append the TOC (JSON text given, else the entries') and fill the layer. */
static void
tb_finish(struct tblob *b, const char *json_text, int version,
    struct image_layer *l)
{
	json_t		*root;
	struct buf	 toc;
	char		*text, pos[128], hdr[8];
	uint64_t	 off;
	uint32_t	 magic = 0x184D2A50, size;
	char		*sum;

	root = json_pack("{s:i, s:O}", "version", version, "entries", b->entries);
	text = json_text != NULL ? xstrdup(json_text) : json_dumps(root, JSON_COMPACT);
	json_decref(root);
	buf_init(&toc);
	tb_frame(&toc, text, strlen(text));
	size = (uint32_t)toc.len;
	memcpy(hdr, &magic, 4);		/* little-endian machines only: fine here */
	memcpy(hdr + 4, &size, 4);
	buf_add(&b->data, hdr, 8);
	off = b->data.len;
	buf_add(&b->data, toc.data, toc.len);
	snprintf(pos, sizeof pos, "%llu:%zu:%zu:1", (unsigned long long)off, toc.len,
	    strlen(text));
	sum = tb_digest(toc.data, toc.len);
	memset(l, 0, sizeof *l);
	l->digest = tb_digest(b->data.data, b->data.len);
	l->diff_id = xstrdup("sha256:0000000000000000000000000000000000000000000000000000000000000000");
	l->media_type = xstrdup(MT_ZSTD);
	l->size = (int64_t)b->data.len;
	l->annotations = xcalloc(4, sizeof *l->annotations);
	l->annotations[0] = xstrdup(SUM_KEY);
	l->annotations[1] = sum;
	l->annotations[2] = xstrdup(POS_KEY);
	l->annotations[3] = xstrdup(pos);
	l->nannotations = 4;
	buf_free(&toc);
	free(text);
}

static void
layer_clear(struct image_layer *l)
{
	size_t	i;

	free(l->digest);
	free(l->diff_id);
	free(l->media_type);
	for (i = 0; i < l->nannotations; i++)
		free(l->annotations[i]);
	free(l->annotations);
}

/* The blob as a registry serves it: ranges, or (no_range) the whole blob. */
struct mem {
	const struct buf	*b;
	int			 no_range;
	int			 requests;
	int			 flip_at;	/* flip a byte of request N (1-based); 0 none */
};

static int
mem_read(void *arg, uint64_t off, uint64_t len, struct buf *out, char **cause)
{
	struct mem	*m = arg;
	size_t		 before = out->len;

	(void)cause;
	if (m->no_range)
		return TOC_FULL_READ;
	m->requests++;
	buf_add(out, m->b->data + off, (size_t)len);
	if (m->flip_at == m->requests && len > 0)
		out->data[before + len / 2] ^= 0x55;
	return 0;
}

static int
want(const char *path)
{
	if (str_starts(path, "etc/os-release"))
		return WANT_KEEP;
	if (strcmp(path, "var/lib/dpkg/status") == 0)
		return WANT_KEEP;
	if (strcmp(path, "var/lib/dpkg/info/x.list") == 0)
		return WANT_SOFT;
	return WANT_NO;
}

/* A fake summariser: "MAGIC" files by content, *.jar by name; the list owns usr/bin/owned. */
static int
fake_probe(const char *path, uint64_t size, const void *head, size_t len)
{
	(void)size;
	if (str_ends(path, ".jar"))
		return 2;
	return len >= 5 && memcmp(head, "MAGIC", 5) == 0 ? 1 : 0;
}

static int fake_pulled;

static char *
fake_make(int kind, const char *path, uint64_t size, uint64_t max,
    layer_pull_fn pull, void *ctx, size_t *len, char **cause)
{
	const void	*b;
	size_t		 n, total = 0;
	char		*s;
	int		 r;

	(void)max;
	fake_pulled++;
	while ((r = pull(ctx, &b, &n, cause)) > 0)
		total += n;
	if (r < 0)
		return NULL;
	s = xasprintf("%s %d %zu/%llu", path, kind, total, (unsigned long long)size);
	*len = strlen(s);
	return s;
}

static char *
fake_skipped(int kind, const char *why, size_t *len)
{
	char	*s = xasprintf("%d %s", kind, why);

	*len = strlen(s);
	return s;
}

static void *
fake_owners(const struct layer_files *lf)
{
	size_t	i;

	/* Owned only when this layer's file list says so, as pkg_owner reads it. */
	for (i = 0; i < lf->nfiles; i++) {
		if (strcmp(lf->files[i].path, "var/lib/dpkg/info/x.list") == 0 &&
		    lf->files[i].data != NULL &&
		    strstr(lf->files[i].data, "/usr/bin/owned") != NULL)
			return xstrdup("usr/bin/owned");
	}
	return NULL;
}

static int
fake_owned(void *arg, const char *path)
{
	return arg != NULL && strcmp(arg, path) == 0;
}

static const struct layer_summariser fake = {
	.min_size = 8,
	.probe = fake_probe,
	.make = fake_make,
	.skipped = fake_skipped,
	.owners = fake_owners,
	.owned = fake_owned,
	.owners_free = free,
};

static const struct kept_file *
kept(const struct layer_files *lf, const char *path)
{
	size_t	i;

	for (i = 0; i < lf->nfiles; i++) {
		if (strcmp(lf->files[i].path, path) == 0)
			return &lf->files[i];
	}
	return NULL;
}

/* The standard layer, then a hostile change by variant. */
enum variant {
	V_GOOD = 0, V_TOC_SUM, V_FILE_DIGEST, V_CHUNK_DIGEST, V_OUTSIDE,
	V_CHUNK_FIRST, V_NEG_SIZE, V_STR_SIZE, V_BAD_JSON, V_VERSION2, V_SHORT,
	V_NO_LINK, V_BAD_POS, V_NO_ANNOT, V_BOMB,
};

static char	*status_text, *big;
static size_t	 status_len, big_len;

static void
build(enum variant v, struct tblob *b, struct image_layer *l)
{
	json_t	*reg, *first;
	char	 bomb[4096];
	size_t	 i;

	buf_init(&b->data);
	b->entries = json_array();
	if (v == V_CHUNK_FIRST)
		json_array_append_new(b->entries, json_pack("{s:s, s:s, s:i}", "type",
		    "chunk", "name", "x", "offset", 1));
	tb_entry(b, "dir", "etc/", NULL);
	reg = tb_file(b, "etc/os-release", "ID=test\nVERSION_ID=1\n", 21, 0);
	if (v == V_FILE_DIGEST)
		json_object_set_new(reg, "digest", json_string("sha256:"
		    "1111111111111111111111111111111111111111111111111111111111111111"));
	if (v == V_NEG_SIZE)
		json_object_set_new(reg, "size", json_integer(-5));
	if (v == V_STR_SIZE)
		json_object_set_new(reg, "size", json_string("21"));
	if (v == V_SHORT)
		json_object_set_new(reg, "size", json_integer(40));
	tb_entry(b, "hardlink", "etc/os-release.copy", v == V_NO_LINK ? NULL :
	    "etc/os-release");
	tb_entry(b, "symlink", "lib", "usr/lib");
	tb_entry(b, "reg", "usr/bin/.wh.zdump", NULL);
	tb_entry(b, "reg", "opt/.wh..wh..opq", NULL);
	big = big != NULL ? big : xmalloc(big_len = 1 << 20);
	for (i = 0; i < big_len; i++)
		big[i] = (char)(rand() & 0xff);
	tb_file(b, "usr/share/big.bin", big, big_len, 0);
	first = tb_file(b, "var/lib/dpkg/status", status_text, status_len, 40000);
	if (v == V_CHUNK_DIGEST) {
		/* The second chunk's digest. */
		for (i = 0; i < json_array_size(b->entries); i++) {
			json_t *e = json_array_get(b->entries, i);

			if (strcmp(json_string_value(json_object_get(e, "type")),
			    "chunk") == 0) {
				json_object_set_new(e, "chunkDigest", json_string(
				    "sha256:2222222222222222222222222222222222222222"
				    "222222222222222222222222"));
				break;
			}
		}
	}
	if (v == V_OUTSIDE)
		json_object_set_new(first, "endOffset", json_integer((json_int_t)1 << 40));
	tb_file(b, "var/lib/dpkg/info/x.list", "/usr/bin/owned\n", 15, 0);
	tb_file(b, "usr/bin/owned", "MAGIC owned by x\n", 17, 0);
	tb_file(b, "usr/local/bin/app", "MAGIC an app of its own\n", 24, 0);
	tb_file(b, "usr/local/bin/script", "#!/bin/sh\necho not magic\n", 26, 0);
	tb_file(b, "opt/lib/a.jar", "PK a jar by its name", 20, 0);
	if (v == V_BOMB) {
		memset(bomb, 'z', sizeof bomb);
		reg = tb_file(b, "etc/os-release.bomb", bomb, sizeof bomb, 0);
		json_object_set_new(reg, "size", json_integer(100));
		json_object_del(reg, "digest");
	}
	tb_finish(b, v == V_BAD_JSON ? "{\"version\":1,\"entries\":[{\"type\":" : NULL,
	    v == V_VERSION2 ? 2 : 1, l);
	if (v == V_TOC_SUM) {
		free(l->annotations[1]);
		l->annotations[1] = xstrdup("sha256:"
		    "3333333333333333333333333333333333333333333333333333333333333333");
	}
	if (v == V_BAD_POS) {
		free(l->annotations[3]);
		l->annotations[3] = xstrdup("12:34");
	}
	if (v == V_NO_ANNOT)
		l->nannotations = 0;
}

static void
tb_free(struct tblob *b, struct image_layer *l)
{
	if (l->nannotations == 0)
		l->nannotations = 4;	/* V_NO_ANNOT hid them */
	layer_clear(l);
	json_decref(b->entries);
	buf_free(&b->data);
}

static int
run(enum variant v, struct mem *m, const struct layer_limits *lim,
    struct layer_files **lf, char **cause, uint64_t *fetched, uint64_t *size)
{
	struct tblob		b;
	struct image_layer	l;
	struct toc_blob		blob;
	int			rc;

	build(v, &b, &l);
	m->b = &b.data;
	memset(&blob, 0, sizeof blob);
	blob.read = mem_read;
	blob.arg = m;
	blob.size = (uint64_t)l.size;
	*cause = NULL;
	rc = toc_layer_read(&l, &blob, lim, want, lf, cause);
	if (fetched != NULL)
		*fetched = blob.fetched;
	if (size != NULL)
		*size = (uint64_t)l.size;
	tb_free(&b, &l);
	return rc;
}

/* A hostile variant: TOC_FULL_READ, a one-line reason holding what. */
static void
hostile(enum variant v, const char *name, const char *what)
{
	struct layer_limits	 lim;
	struct layer_files	*lf = NULL;
	struct mem		 m = { 0 };
	char			*cause = NULL;
	int			 rc;

	layer_limits_default(&lim);
	rc = run(v, &m, &lim, &lf, &cause, NULL, NULL);
	tap_ok(rc == TOC_FULL_READ && lf == NULL && cause != NULL &&
	    strstr(cause, what) != NULL && strchr(cause, '\n') == NULL,
	    "%s: read whole instead: %s", name, cause != NULL ? cause : "(no reason)");
	free(cause);
	layer_files_free(lf);
}

int
main(void)
{
	struct layer_limits	 lim;
	struct layer_files	*lf = NULL;
	const struct kept_file	*k;
	struct mem		 m = { 0 };
	struct buf		 st;
	uint64_t		 fetched, size;
	char			*cause = NULL;
	int			 rc, i;

	buf_init(&st);
	for (i = 0; i < 3000; i++)
		buf_printf(&st, "Package: pkg%d\nVersion: 1.%d\nStatus: install ok "
		    "installed\n\n", i, i);
	status_len = st.len;
	status_text = buf_steal(&st);

	/* The good layer, no summariser. */
	layer_limits_default(&lim);
	rc = run(V_GOOD, &m, &lim, &lf, &cause, &fetched, &size);
	tap_ok(rc == 0 && lf != NULL, "a good layer is read through its TOC (%s)",
	    cause != NULL ? cause : "no error");
	if (lf == NULL) {
		free(cause);
		return tap_done();
	}
	k = kept(lf, "etc/os-release");
	tap_ok(k != NULL && k->type == KEPT_FILE && k->len == 21 &&
	    memcmp(k->data, "ID=test\nVERSION_ID=1\n", 21) == 0,
	    "etc/os-release: its content");
	k = kept(lf, "var/lib/dpkg/status");
	tap_ok(k != NULL && k->len == status_len && memcmp(k->data, status_text,
	    status_len) == 0, "var/lib/dpkg/status: %zu bytes in 3 chunks, whole",
	    status_len);
	k = kept(lf, "etc/os-release.copy");
	tap_ok(k != NULL && k->type == KEPT_FILE && k->len == 21,
	    "a hard link to a kept file: a copy of it");
	k = kept(lf, "lib");
	tap_ok(k != NULL && k->type == KEPT_SYMLINK && strcmp(k->data, "usr/lib") == 0,
	    "a shallow symlink is kept");
	tap_ok(lf->nwhiteouts == 1 && strcmp(lf->whiteouts[0], "usr/bin/zdump") == 0,
	    "usr/bin/.wh.zdump: a whiteout of usr/bin/zdump");
	tap_ok(lf->nopaque == 1 && strcmp(lf->opaque[0], "opt") == 0,
	    "opt/.wh..wh..opq: opt made opaque");
	tap_ok(kept(lf, "usr/share/big.bin") == NULL && fetched < size / 4,
	    "the 1 MiB file nobody wants is not fetched (%llu of %llu bytes)",
	    (unsigned long long)fetched, (unsigned long long)size);
	tap_ok(m.requests == 3, "the TOC, then the wanted files in 2 requests, the "
	    "1 MiB between them left out (%d requests)", m.requests);
	tap_ok(kept(lf, "usr/local/bin/app") == NULL,
	    "no summariser: nothing read for one");
	layer_files_free(lf);
	lf = NULL;

	/* With a summariser: unowned content-probed files and jars are read. */
	lim.summariser = &fake;
	memset(&m, 0, sizeof m);
	fake_pulled = 0;
	rc = run(V_GOOD, &m, &lim, &lf, &cause, NULL, NULL);
	tap_ok(rc == 0 && lf != NULL, "with a summariser: read (%s)",
	    cause != NULL ? cause : "no error");
	if (lf != NULL) {
		k = kept(lf, "usr/local/bin/app");
		tap_ok(k != NULL && k->type == KEPT_SUMMARY &&
		    strstr(k->data, "usr/local/bin/app 1 24/24") != NULL,
		    "an unowned file its content marks: probed, summarised whole");
		tap_ok(kept(lf, "usr/bin/owned") == NULL,
		    "a file the layer's own list owns: not read");
		tap_ok(kept(lf, "usr/local/bin/script") == NULL,
		    "an unowned file its content does not mark: no summary");
		k = kept(lf, "opt/lib/a.jar");
		tap_ok(k != NULL && k->type == KEPT_SUMMARY &&
		    strstr(k->data, "opt/lib/a.jar 2 20/20") != NULL,
		    "a jar by its name: summarised");
		tap_ok(fake_pulled == 2, "the summariser made 2 summaries (%d)",
		    fake_pulled);
		tap_ok(kept(lf, "var/lib/dpkg/status") != NULL &&
		    kept(lf, "var/lib/dpkg/status")->len == status_len,
		    "wanted files kept once, as without a summariser");
	}
	layer_files_free(lf);
	lf = NULL;
	lim.summariser = NULL;

	/* A registry that ignores Range: silently read whole. */
	memset(&m, 0, sizeof m);
	m.no_range = 1;
	rc = run(V_GOOD, &m, &lim, &lf, &cause, NULL, NULL);
	tap_ok(rc == TOC_FULL_READ && cause == NULL && lf == NULL,
	    "a blob source that cannot read ranges: read whole, no reason given");
	free(cause);

	/* A chunk damaged in transit: its frame or digest says so. */
	memset(&m, 0, sizeof m);
	m.flip_at = 2;
	rc = run(V_GOOD, &m, &lim, &lf, &cause, NULL, NULL);
	tap_ok(rc == TOC_FULL_READ && cause != NULL && lf == NULL,
	    "a damaged chunk: read whole instead: %s", cause != NULL ? cause : "-");
	free(cause);

	hostile(V_TOC_SUM, "a TOC whose digest is not the annotation's",
	    "TOC digest mismatch");
	hostile(V_FILE_DIGEST, "a file whose digest is not the TOC's", "digest mismatch");
	hostile(V_CHUNK_DIGEST, "a chunk whose digest is not the TOC's",
	    "chunk digest mismatch");
	hostile(V_OUTSIDE, "a file's end offset outside the blob", "outside the blob");
	hostile(V_CHUNK_FIRST, "a chunk before any regular file", "follows no regular");
	hostile(V_NEG_SIZE, "a negative size", "wrong kind");
	hostile(V_STR_SIZE, "a size that is a string", "wrong kind");
	hostile(V_BAD_JSON, "a TOC cut short", "invalid JSON");
	hostile(V_VERSION2, "a TOC of version 2", "not version 1");
	hostile(V_SHORT, "a file shorter than the TOC says", "TOC says");
	hostile(V_NO_LINK, "a hard link without a target", "without a target");
	hostile(V_BAD_POS, "a position annotation that is not four numbers",
	    "OFFSET:LENGTH:SIZE:TYPE");
	hostile(V_BOMB, "a chunk that inflates past its size", "larger than");

	/* No TOC annotation: read whole, silently. */
	memset(&m, 0, sizeof m);
	rc = run(V_NO_ANNOT, &m, &lim, &lf, &cause, NULL, NULL);
	tap_ok(rc == TOC_FULL_READ && cause == NULL && m.requests == 0,
	    "a layer without a TOC annotation: read whole, nothing fetched");
	free(cause);

	/* Limits: entries, and a wanted file over max_file. */
	lim.max_entries = 3;
	memset(&m, 0, sizeof m);
	rc = run(V_GOOD, &m, &lim, &lf, &cause, NULL, NULL);
	tap_ok(rc == TOC_FULL_READ && cause != NULL && strstr(cause, "more than 3") != NULL,
	    "more TOC entries than max_entries: %s", cause != NULL ? cause : "-");
	free(cause);
	layer_limits_default(&lim);
	lim.max_file = 1000;
	memset(&m, 0, sizeof m);
	rc = run(V_GOOD, &m, &lim, &lf, &cause, NULL, NULL);
	tap_ok(rc == TOC_FULL_READ && cause != NULL && strstr(cause,
	    "var/lib/dpkg/status") != NULL && strstr(cause, "limit") != NULL,
	    "a package database over max_file: %s", cause != NULL ? cause : "-");
	free(cause);

	free(status_text);
	free(big);
	(void)tap_diag;		/* tap.h's others, unused here */
	(void)tap_skip;
	(void)tap_fixtures;
	(void)tap_no_fixtures;
	return tap_done();
}
