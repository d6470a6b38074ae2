/*
 * The eStargz parts of the lazy-pull reader (toc-estargz.c) on hostile
 * input: the 51-byte footer, the TOC's gzip member and its tar, and one
 * chunk's gzip member. The good footer is the bytes the estargz library
 * (stargz-snapshotter 0.12, Debian's) wrote for the debian-12 fixture layer;
 * the TOC members are built here with libarchive and zlib, as that library
 * lays them out (a gzip member holding a tar of stargz.index.json).
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "source.h"
#include "tap.h"
#include "toc.h"
#include "util.h"

/* estargz.Build's footer for a TOC at 0x318b699, in a blob of 52260764 bytes. */
static const unsigned char real_footer[51] = {
	0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x1a, 0x00,
	'S', 'G', 0x16, 0x00, '0', '0', '0', '0', '0', '0', '0', '0', '0', '3',
	'1', '8', 'b', '6', '9', '9', 'S', 'T', 'A', 'R', 'G', 'Z', 0x01, 0x00,
	0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
#define REAL_SIZE	52260764ULL
#define REAL_OFF	0x318b699ULL

static int
one_line(const char *cause)
{
	return cause != NULL && *cause != '\0' && strchr(cause, '\n') == NULL;
}

/* The footer with bytes [at, at + n) replaced by s, against blob size. */
static int
footer_try(size_t at, const char *s, size_t n, uint64_t size, uint64_t *off,
    char **cause)
{
	unsigned char	f[51];

	memcpy(f, real_footer, sizeof f);
	memcpy(f + at, s, n);
	return toc_estargz_footer(f, sizeof f, size, off, cause);
}

static void
test_footer(void)
{
	static const struct {
		size_t		 at;
		const char	*bytes;
		size_t		 n;
		uint64_t	 size;
		const char	*what;
	} bad[] = {
		{ 0, "\x1e", 1, REAL_SIZE, "not gzip magic" },
		{ 2, "\x07", 1, REAL_SIZE, "not deflate" },
		{ 3, "\x00", 1, REAL_SIZE, "no FEXTRA flag" },
		{ 3, "\x0c", 1, REAL_SIZE, "FEXTRA with FNAME" },
		{ 10, "\x19", 1, REAL_SIZE, "XLEN 25" },
		{ 11, "\x01", 1, REAL_SIZE, "XLEN 282" },
		{ 12, "GS", 2, REAL_SIZE, "subfield GS" },
		{ 14, "\x15", 1, REAL_SIZE, "subfield of 21 bytes" },
		{ 32, "STARGY", 6, REAL_SIZE, "STARGY" },
		{ 16, "000000000318b69g", 16, REAL_SIZE, "hex digit g" },
		{ 16, " 00000000318b699", 16, REAL_SIZE, "a space in the offset" },
		{ 16, "-00000000318b699", 16, REAL_SIZE, "a minus sign" },
		{ 16, "+00000000318b699", 16, REAL_SIZE, "a plus sign" },
		{ 16, "0x000000318b6990", 16, REAL_SIZE, "a 0x prefix" },
		{ 16, "ffffffffffffffff", 16, REAL_SIZE, "offset 2^64-1" },
		{ 16, "8000000000000000", 16, REAL_SIZE, "offset 2^63" },
		{ 16, "00000000031d6f69", 16, REAL_SIZE, "offset at the footer" },
		{ 16, "00000000031d6f9c", 16, REAL_SIZE, "offset at the blob's end" },
		{ 16, "00000000031d7f9c", 16, REAL_SIZE, "offset past the blob" },
		{ 0, "", 0, 51, "blob of the footer alone" },
		{ 0, "", 0, 50, "blob shorter than a footer" },
		{ 0, "", 0, 0, "empty blob" },
	};
	static const size_t	lens[] = { 0, 1, 47, 50, 52 };
	unsigned char	 big[52];
	uint64_t	 off = 0;
	char		*cause = NULL;
	size_t		 i;
	int		 rc;

	rc = toc_estargz_footer(real_footer, sizeof real_footer, REAL_SIZE, &off,
	    &cause);
	tap_ok(rc == 0 && off == REAL_OFF, "the estargz library's footer: TOC at %"
	    PRIu64 " (want %llu)", off, REAL_OFF);
	free(cause);
	cause = NULL;
	rc = footer_try(16, "00000000031D6F68", 16, REAL_SIZE, &off, &cause);
	tap_ok(rc == 0 && off == REAL_SIZE - 52, "upper-case hex, the TOC one "
	    "byte before the footer: read (Go's ParseInt takes it too)");
	free(cause);
	cause = NULL;
	rc = footer_try(16, "0000000000000000", 16, REAL_SIZE, &off, &cause);
	tap_ok(rc == 0 && off == 0, "TOC at offset 0 (a layer of no files)");
	free(cause);
	for (i = 0; i < NELEM(bad); i++) {
		cause = NULL;
		off = 12345;
		rc = footer_try(bad[i].at, bad[i].bytes, bad[i].n, bad[i].size, &off,
		    &cause);
		tap_ok(rc < 0 && one_line(cause) && off == 12345, "footer, %s: "
		    "refused: %s", bad[i].what, cause != NULL ? cause : "(none)");
		free(cause);
	}
	/* Short and long reads; 47 bytes is the legacy stargz footer. */
	for (i = 0; i < NELEM(lens); i++) {
		cause = NULL;
		memset(big, 0, sizeof big);
		memcpy(big, real_footer, lens[i] < sizeof real_footer ? lens[i] :
		    sizeof real_footer);
		rc = toc_estargz_footer(big, lens[i], REAL_SIZE, &off, &cause);
		tap_ok(rc < 0 && one_line(cause), "footer of %zu bytes: refused: %s",
		    lens[i], cause != NULL ? cause : "(none)");
		free(cause);
	}
}

/* A tar of one entry name (regular unless dir) holding data, in t. */
static void
mktar(struct buf *t, const char *name, const char *data, size_t len, int dir)
{
	struct archive		*a = archive_write_new();
	struct archive_entry	*e = archive_entry_new();
	size_t			 used = 0;

	buf_reserve(t, len + 16384);
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open_memory(a, t->data, t->cap, &used);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, dir ? 0 : (la_int64_t)len);
	archive_write_header(a, e);
	if (!dir)
		archive_write_data(a, data, len);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	t->len = used;
}

/* in[0..len) as one gzip member appended to out. */
static void
gz(struct buf *out, const void *in, size_t len)
{
	z_stream	z;

	memset(&z, 0, sizeof z);
	deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	buf_reserve(out, deflateBound(&z, len) + 64);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->data + out->len;
	z.avail_out = (uInt)(out->cap - out->len - 1);
	deflate(&z, Z_FINISH);
	out->len = (size_t)((char *)z.next_out - out->data);
	deflateEnd(&z);
}

static int
json_try(const struct buf *member, struct buf *json, char **cause)
{
	buf_init(json);
	*cause = NULL;
	return toc_estargz_json(member->data, member->len, json, cause);
}

static void
test_json(void)
{
	static const char	 toc[] = "{\"version\":1,\"entries\":[]}";
	struct buf		 t, m, json;
	char			*cause;
	char			*zeros;
	size_t			 zlen = (size_t)(TOC_MAX_JSON + ((uint64_t)1 << 20));
	int			 rc;

	buf_init(&t);
	buf_init(&m);
	mktar(&t, "stargz.index.json", toc, strlen(toc), 0);
	gz(&m, t.data, t.len);
	rc = json_try(&m, &json, &cause);
	tap_ok(rc == 0 && json.len == strlen(toc) && memcmp(json.data, toc,
	    json.len) == 0, "TOC member: the JSON of its stargz.index.json");
	buf_free(&json);
	free(cause);

	/* The same member with a byte more, then a second member. */
	buf_add(&m, "x", 1);
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "TOC member with a byte after it: "
	    "refused: %s", cause);
	buf_free(&json);
	free(cause);
	m.len--;
	gz(&m, "abc", 3);
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "TOC member followed by a second "
	    "member: refused: %s", cause);
	buf_free(&json);
	free(cause);

	/* Cut short, damaged, empty. */
	m.len = 0;
	gz(&m, t.data, t.len);
	m.len -= 9;
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "TOC member cut 9 bytes short: "
	    "refused: %s", cause);
	buf_free(&json);
	free(cause);
	m.len += 9;
	m.data[m.len - 6] ^= 0x40;	/* the CRC-32 */
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "TOC member with a wrong CRC-32: "
	    "refused: %s", cause);
	buf_free(&json);
	free(cause);
	m.len = 0;
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "empty TOC member: refused: %s", cause);
	buf_free(&json);
	free(cause);

	/* Not the TOC's tar. */
	t.len = 0;
	m.len = 0;
	mktar(&t, "etc/passwd", toc, strlen(toc), 0);
	gz(&m, t.data, t.len);
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "a tar of another file: refused: %s",
	    cause);
	buf_free(&json);
	free(cause);
	t.len = 0;
	m.len = 0;
	mktar(&t, "stargz.index.json", NULL, 0, 1);
	gz(&m, t.data, t.len);
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "stargz.index.json a directory: "
	    "refused: %s", cause);
	buf_free(&json);
	free(cause);
	m.len = 0;
	gz(&m, toc, strlen(toc));
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause), "the JSON gzipped with no tar around "
	    "it: refused: %s", cause);
	buf_free(&json);
	free(cause);

	/* A tar header that claims more than the limit, with no data. */
	t.len = 0;
	m.len = 0;
	mktar(&t, "stargz.index.json", toc, strlen(toc), 0);
	snprintf(t.data + 124, 12, "%011llo", (unsigned long long)(TOC_MAX_JSON + 1));
	{
		unsigned sum = 0, i;

		memset(t.data + 148, ' ', 8);
		for (i = 0; i < 512; i++)
			sum += (unsigned char)t.data[i];
		snprintf(t.data + 148, 8, "%06o", sum);
	}
	gz(&m, t.data, t.len);
	rc = json_try(&m, &json, &cause);
	tap_ok(rc < 0 && one_line(cause) && json.cap < ((size_t)1 << 20),
	    "a header claiming %llu bytes: refused before any allocation: %s",
	    (unsigned long long)(TOC_MAX_JSON + 1), cause);
	buf_free(&json);
	free(cause);

	/* A member that inflates past the limit (zeros: about 256 KiB of gzip). */
	zeros = xcalloc(1, zlen);
	m.len = 0;
	gz(&m, zeros, zlen);
	free(zeros);
	rc = json_try(&m, &json, &cause);
	tap_ok(rc == HS_ELIMIT && one_line(cause), "a %zu-byte member inflating "
	    "to %zu bytes: refused at the limit: %s", m.len, zlen, cause);
	buf_free(&json);
	free(cause);
	buf_free(&t);
	buf_free(&m);
}

static void
test_chunk(void)
{
	static const char	 data[] = "Package: libc6\nVersion: 2.36-9\n";
	struct buf		 m, out;
	void			*ctx = toc_estargz.chunk_ctx();
	char			*cause;
	size_t			 n = strlen(data), want;
	int			 rc, k;

	buf_init(&m);
	buf_init(&out);
	for (k = 0; k < 2; k++) {	/* with the layer's context, and without */
		m.len = 0;
		gz(&m, data, n);
		/* A chunk is the start of its member: the rest is tar padding. */
		want = 15;
		out.len = 0;
		cause = NULL;
		rc = toc_estargz.chunk(k ? NULL : ctx, m.data, m.len, want, &out,
		    &cause);
		tap_ok(rc == 0 && out.len == want && memcmp(out.data, data, want) ==
		    0, "chunk of %zu bytes from a member of %zu (%s context)", want,
		    n, k ? "no" : "a");
		free(cause);
		out.len = 0;
		cause = NULL;
		rc = toc_estargz.chunk(k ? NULL : ctx, m.data, m.len, n, &out, &cause);
		tap_ok(rc == 0 && out.len == n && memcmp(out.data, data, n) == 0,
		    "chunk the whole member");
		free(cause);
		out.len = 0;
		cause = NULL;
		rc = toc_estargz.chunk(k ? NULL : ctx, m.data, m.len, n + 1, &out,
		    &cause);
		tap_ok(rc < 0 && one_line(cause) && out.len == 0, "chunk wanting "
		    "a byte more than its member holds: refused: %s", cause);
		free(cause);
		out.len = 0;
		cause = NULL;
		rc = toc_estargz.chunk(k ? NULL : ctx, m.data, m.len / 2, n, &out,
		    &cause);
		tap_ok(rc < 0 && one_line(cause) && out.len == 0, "chunk cut to "
		    "half its member: refused: %s", cause);
		free(cause);
		out.len = 0;
		cause = NULL;
		rc = toc_estargz.chunk(k ? NULL : ctx, data, n, 4, &out, &cause);
		tap_ok(rc < 0 && one_line(cause) && out.len == 0, "chunk not gzip: "
		    "refused: %s", cause);
		free(cause);
	}
	toc_estargz.chunk_ctx_free(ctx);
	buf_free(&m);
	buf_free(&out);
}

int
main(void)
{
	test_footer();
	test_json();
	test_chunk();
	(void)tap_diag;		/* tap.h's others, unused here */
	(void)tap_skip;
	(void)tap_fixtures;
	(void)tap_no_fixtures;
	return tap_done();
}
