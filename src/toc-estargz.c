/*
 * eStargz (stargz-snapshotter, nerdctl, buildkit): where its TOC lies and
 * how its chunks are compressed. The blob is a gzip tar made of many gzip
 * members: each chunk of a file's content starts a member of its own (tar
 * padding and the next headers follow it in the same member). The last two
 * members are the TOC, a tar holding one file stargz.index.json, and a
 * 51-byte footer, an empty member whose extra field gives the TOC's offset.
 * The layer's annotation containerd.io/snapshot/stargz/toc.digest is the
 * sha256 of the TOC's JSON.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "source.h"
#include "toc.h"
#include "util.h"

#define ESTARGZ_TOC_DIGEST	"containerd.io/snapshot/stargz/toc.digest"
#define ESTARGZ_TOC_NAME	"stargz.index.json"
/* The tar around the TOC's JSON: its headers (a pax one at most) and padding. */
#define ESTARGZ_TOC_TAR_SLACK	((uint64_t)64 << 10)

static int
estargz_match(const struct image_layer *l)
{
	return l->media_type != NULL && str_ends(l->media_type, "gzip") &&
	    image_layer_annotation(l, ESTARGZ_TOC_DIGEST) != NULL;
}

/*
 * The footer p[0..len): a gzip header (FEXTRA only) whose extra field is one
 * subfield "SG" of 22 bytes, "%016x" of the TOC's offset then "STARGZ", as
 * the estargz library writes and reads it. The deflate data and trailer
 * after the header are an empty member's and not looked at (nor are they by
 * that library). The offset must leave room for the TOC before the footer.
 */
int
toc_estargz_footer(const void *p, size_t len, uint64_t blob_size, uint64_t *toc_off,
    char **cause)
{
	static const unsigned char	 head[] = { 0x1f, 0x8b, 0x08, 0x04 };
	const unsigned char		*b = p;
	uint64_t			 off = 0;
	size_t				 i;
	int				 c;

	if (len != TOC_ESTARGZ_FOOTER)
		return fail(cause, HS_EINVAL, "footer of %zu bytes, not %d", len,
		    TOC_ESTARGZ_FOOTER);
	if (memcmp(b, head, sizeof head) != 0)
		return fail(cause, HS_EINVAL, "no gzip header with an extra field "
		    "in the last %d bytes", TOC_ESTARGZ_FOOTER);
	if (b[10] != 26 || b[11] != 0 || b[12] != 'S' || b[13] != 'G' ||
	    b[14] != 22 || b[15] != 0 || memcmp(b + 32, "STARGZ", 6) != 0)
		return fail(cause, HS_EINVAL, "footer without the STARGZ subfield");
	for (i = 16; i < 32; i++) {
		c = b[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return fail(cause, HS_EINVAL, "footer: TOC offset is not 16 "
			    "hex digits");
		off = off << 4 | (uint64_t)c;
	}
	if (blob_size < TOC_ESTARGZ_FOOTER || off >= blob_size - TOC_ESTARGZ_FOOTER)
		return fail(cause, HS_EINVAL, "footer: TOC at %" PRIu64 ", outside "
		    "the blob of %" PRIu64 " bytes", off, blob_size);
	*toc_off = off;
	return 0;
}

/*
 * Inflate the one gzip member in[0..len) into out (appended): at most max
 * bytes, and nothing after the member.
 */
static int
estargz_inflate_member(const void *in, size_t len, uint64_t max, struct buf *out,
    char **cause)
{
	z_stream	z;
	size_t		step;
	int		zr, rc = 0;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return fail(cause, HS_ERR, "out of memory");
	z.next_in = (Bytef *)(uintptr_t)in;
	for (;;) {
		step = len > UINT_MAX ? UINT_MAX : len;
		z.avail_in = (uInt)step;
		if (out->len >= max + 1) {
			rc = fail(cause, HS_ELIMIT, "more than %" PRIu64 " bytes "
			    "uncompressed", max);
			break;
		}
		buf_reserve(out, 65536);
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = 65536;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len = (size_t)((char *)z.next_out - out->data);
		len -= step - z.avail_in;
		if (zr == Z_STREAM_END) {
			if (len != 0 || z.avail_in != 0)
				rc = fail(cause, HS_EINVAL, "data after its gzip member");
			break;
		}
		if (zr != Z_OK) {
			rc = fail(cause, HS_EINVAL, "gzip: %s", zr == Z_BUF_ERROR ?
			    "truncated member" : z.msg != NULL ? z.msg : "bad data");
			break;
		}
	}
	inflateEnd(&z);
	if (rc == 0 && out->len > max)
		rc = fail(cause, HS_ELIMIT, "more than %" PRIu64 " bytes "
		    "uncompressed", max);
	return rc;
}

/*
 * The JSON of the TOC from its compressed member comp[0..len): one gzip
 * member holding a tar whose first entry is the regular file
 * stargz.index.json, of at most TOC_MAX_JSON bytes.
 */
int
toc_estargz_json(const void *comp, size_t len, struct buf *json, char **cause)
{
	struct archive		*ar = NULL;
	struct archive_entry	*ae;
	struct buf		 tar;
	la_ssize_t		 n;
	int64_t			 size;
	int			 rc = 0;

	buf_init(&tar);
	if ((rc = estargz_inflate_member(comp, len, TOC_MAX_JSON +
	    ESTARGZ_TOC_TAR_SLACK, &tar, cause)) != 0)
		goto out;
	ar = archive_read_new();
	archive_read_support_format_tar(ar);
	if (archive_read_open_memory(ar, tar.data != NULL ? tar.data : "",
	    tar.len) != ARCHIVE_OK || archive_read_next_header(ar, &ae) !=
	    ARCHIVE_OK) {
		rc = fail(cause, HS_EINVAL, "not a tar: %s",
		    archive_error_string(ar) != NULL ? archive_error_string(ar) :
		    "no entry");
		goto out;
	}
	if (archive_entry_pathname(ae) == NULL || strcmp(archive_entry_pathname(ae),
	    ESTARGZ_TOC_NAME) != 0 || archive_entry_filetype(ae) != AE_IFREG) {
		rc = fail(cause, HS_EINVAL, "its tar holds no " ESTARGZ_TOC_NAME
		    " first");
		goto out;
	}
	size = archive_entry_size(ae);
	if (size <= 0 || (uint64_t)size > TOC_MAX_JSON) {
		rc = fail(cause, HS_ELIMIT, ESTARGZ_TOC_NAME " of %" PRId64
		    " bytes", (int64_t)size);
		goto out;
	}
	buf_reserve(json, (size_t)size + 1);
	n = archive_read_data(ar, json->data + json->len, (size_t)size + 1);
	if (n != (la_ssize_t)size) {
		rc = fail(cause, HS_EINVAL, ESTARGZ_TOC_NAME ": %s",
		    n < 0 && archive_error_string(ar) != NULL ?
		    archive_error_string(ar) : "shorter than its header says");
		goto out;
	}
	json->len += (size_t)n;
out:
	if (ar != NULL)
		archive_read_free(ar);
	buf_free(&tar);
	return rc;
}

static void *
estargz_chunk_ctx(void)
{
	z_stream	*z;

	z = xcalloc(1, sizeof *z);
	if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
		free(z);
		return NULL;
	}
	return z;
}

static void
estargz_chunk_ctx_free(void *ctx)
{
	if (ctx != NULL) {
		inflateEnd(ctx);
		free(ctx);
	}
}

/*
 * The want bytes a chunk's gzip member in[0..len) starts with. The member
 * goes on (tar padding, the next entries' headers) and is not read further:
 * the chunk's digest, checked by the caller, covers what is kept.
 */
static int
estargz_chunk(void *ctx, const void *in, size_t len, uint64_t want, struct buf *out,
    char **cause)
{
	z_stream	*z = ctx;
	uint64_t	 got = 0;
	size_t		 step, ostep;
	int		 zr, rc = 0;

	if (want >= SIZE_MAX - out->len - 1)
		return fail(cause, HS_ELIMIT, "chunk too large");
	if (z == NULL && (z = estargz_chunk_ctx()) == NULL)
		return fail(cause, HS_ERR, "out of memory");
	if (inflateReset(z) != Z_OK) {
		rc = fail(cause, HS_ERR, "zlib: cannot reset");
		goto out;
	}
	buf_reserve(out, (size_t)want);
	z->next_in = (Bytef *)(uintptr_t)in;
	while (got < want) {
		step = len > UINT_MAX ? UINT_MAX : len;
		ostep = want - got > UINT_MAX ? UINT_MAX : (size_t)(want - got);
		z->avail_in = (uInt)step;
		z->next_out = (Bytef *)out->data + out->len + got;
		z->avail_out = (uInt)ostep;
		zr = inflate(z, Z_NO_FLUSH);
		got += ostep - z->avail_out;
		len -= step - z->avail_in;
		if (zr == Z_STREAM_END && got < want) {
			rc = fail(cause, HS_EINVAL, "chunk of %" PRIu64 " bytes, the "
			    "TOC says %" PRIu64, got, want);
			goto out;
		}
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = fail(cause, HS_EINVAL, "gzip: %s", zr == Z_BUF_ERROR ?
			    "truncated chunk" : z->msg != NULL ? z->msg : "bad data");
			goto out;
		}
	}
	out->len += (size_t)got;
out:
	if (z != ctx)
		estargz_chunk_ctx_free(z);
	return rc;
}

static int
estargz_locate(const struct image_layer *l, struct toc_blob *blob, struct buf *json,
    uint64_t *data_end, char **cause)
{
	const char	*sum;
	struct buf	 b;
	uint64_t	 off, len;
	char		 got[72];
	int		 rc;

	sum = image_layer_annotation(l, ESTARGZ_TOC_DIGEST);
	if (!digest_valid(sum))
		return fail(cause, HS_EINVAL, "toc.digest annotation is not a sha256 "
		    "digest");
	if (blob->size <= TOC_ESTARGZ_FOOTER)
		return fail(cause, HS_EINVAL, "blob of %" PRIu64 " bytes, too short "
		    "for a footer", blob->size);
	buf_init(&b);
	if ((rc = blob->read(blob->arg, blob->size - TOC_ESTARGZ_FOOTER,
	    TOC_ESTARGZ_FOOTER, &b, cause)) != 0)
		goto out;
	blob->fetched += b.len;
	if ((rc = toc_estargz_footer(b.data, b.len, blob->size, &off, cause)) != 0)
		goto out;
	len = blob->size - TOC_ESTARGZ_FOOTER - off;
	if (len > TOC_MAX_COMPRESSED) {
		rc = fail(cause, HS_ELIMIT, "TOC of %" PRIu64 " bytes compressed, "
		    "over the limit", len);
		goto out;
	}
	b.len = 0;
	if ((rc = blob->read(blob->arg, off, len, &b, cause)) != 0)
		goto out;
	blob->fetched += b.len;
	if ((rc = toc_estargz_json(b.data, b.len, json, cause)) != 0) {
		cause_prefix(cause, "TOC");
		goto out;
	}
	sha256_hex(json->data, json->len, got);
	if (strcmp(got, sum) != 0) {
		rc = fail(cause, HS_EDIGEST, "TOC digest mismatch: the manifest says "
		    "%s, the blob holds %s", sum, got);
		goto out;
	}
	*data_end = off;
out:
	buf_free(&b);
	return rc;
}

const struct toc_format toc_estargz = {
	.name = "eStargz",
	.match = estargz_match,
	.locate = estargz_locate,
	.chunk = estargz_chunk,
	.chunk_ctx = estargz_chunk_ctx,
	.chunk_ctx_free = estargz_chunk_ctx_free,
};
