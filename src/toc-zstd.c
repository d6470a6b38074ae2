/*
 * zstd:chunked (Podman, Buildah, skopeo): where its TOC lies and how its
 * chunks are compressed. Each file's content is one or more zstd frames of
 * its own; the TOC is a zstd frame inside a skippable frame near the end of
 * the blob, and the layer's annotations give its position and its digest.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "source.h"
#include "toc.h"
#include "util.h"

/* skopeo 1.9 writes the first names, later containers/storage the second. */
static const char *const zstd_checksum_keys[] = {
	"io.github.containers.zstd-chunked.manifest-checksum",
	"io.containers.zstd-chunked.manifest-checksum",
};
static const char *const zstd_position_keys[] = {
	"io.github.containers.zstd-chunked.manifest-position",
	"io.containers.zstd-chunked.manifest-position",
};
#define ZSTD_TOC_TYPE	1	/* the position's last field: the TOC is zstd JSON */

static const char *
zstd_annotation(const struct image_layer *l, const char *const keys[2])
{
	const char	*v;

	if ((v = image_layer_annotation(l, keys[0])) == NULL)
		v = image_layer_annotation(l, keys[1]);
	return v;
}

static int
zstd_match(const struct image_layer *l)
{
	return l->media_type != NULL && str_ends(l->media_type, "+zstd") &&
	    zstd_annotation(l, zstd_checksum_keys) != NULL &&
	    zstd_annotation(l, zstd_position_keys) != NULL;
}

/*
 * Decompress the zstd frames in[0..len) into out: exactly want bytes, the
 * last frame complete. Skippable frames are passed over.
 */
static void *
zstd_chunk_ctx(void)
{
	return ZSTD_createDCtx();
}

static void
zstd_chunk_ctx_free(void *ctx)
{
	ZSTD_freeDCtx(ctx);
}

static int
zstd_chunk(void *ctx, const void *in, size_t len, uint64_t want, struct buf *out,
    char **cause)
{
	ZSTD_DCtx	*d = ctx;
	ZSTD_inBuffer	 ib;
	ZSTD_outBuffer	 ob;
	size_t		 r = 1, before_in, before_out;
	int		 rc = 0;

	if (want >= SIZE_MAX - out->len - 1)
		return fail(cause, HS_ELIMIT, "chunk too large");
	if (d == NULL && (d = ZSTD_createDCtx()) == NULL)
		return fail(cause, HS_ERR, "out of memory");
	ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
	/* One byte more than wanted: a chunk that gives more is caught. */
	buf_reserve(out, (size_t)want + 1);
	ib.src = in;
	ib.size = len;
	ib.pos = 0;
	ob.dst = out->data + out->len;
	ob.size = (size_t)want + 1;
	ob.pos = 0;
	while (ib.pos < ib.size) {
		before_in = ib.pos;
		before_out = ob.pos;
		r = ZSTD_decompressStream(d, &ob, &ib);
		if (ZSTD_isError(r)) {
			rc = fail(cause, HS_EINVAL, "zstd: %s", ZSTD_getErrorName(r));
			goto out;
		}
		if (ob.pos > want) {
			rc = fail(cause, HS_EINVAL, "chunk larger than the %" PRIu64
			    " bytes the TOC says", want);
			goto out;
		}
		if (ib.pos == before_in && ob.pos == before_out)
			break;
	}
	if (r != 0 || ib.pos != ib.size) {
		rc = fail(cause, HS_EINVAL, "zstd: truncated frame");
		goto out;
	}
	if (ob.pos != want) {
		rc = fail(cause, HS_EINVAL, "chunk of %zu bytes, the TOC says %"
		    PRIu64, ob.pos, want);
		goto out;
	}
	out->len += ob.pos;
out:
	if (d != ctx)
		ZSTD_freeDCtx(d);
	return rc;
}

static int
zstd_locate(const struct image_layer *l, struct toc_blob *blob, struct buf *json,
    uint64_t *data_end, char **cause)
{
	const char	*pos, *sum;
	struct buf	 comp;
	uint64_t	 off, len, ulen, type;
	char		 got[72];
	int		 rc, n = 0;

	pos = zstd_annotation(l, zstd_position_keys);
	sum = zstd_annotation(l, zstd_checksum_keys);
	if (sscanf(pos, "%" SCNu64 ":%" SCNu64 ":%" SCNu64 ":%" SCNu64 "%n", &off,
	    &len, &ulen, &type, &n) != 4 || pos[n] != '\0')
		return fail(cause, HS_EINVAL, "manifest-position annotation \"%s\" is "
		    "not OFFSET:LENGTH:SIZE:TYPE", pos);
	if (type != ZSTD_TOC_TYPE)
		return fail(cause, HS_EINVAL, "TOC of unknown type %" PRIu64, type);
	if (!digest_valid(sum))
		return fail(cause, HS_EINVAL, "manifest-checksum annotation is not a "
		    "sha256 digest");
	if (len == 0 || len > TOC_MAX_COMPRESSED || ulen > TOC_MAX_JSON)
		return fail(cause, HS_ELIMIT, "TOC of %" PRIu64 " bytes (%" PRIu64
		    " uncompressed), over the limit", len, ulen);
	if (off > blob->size || len > blob->size - off)
		return fail(cause, HS_EINVAL, "TOC at %" PRIu64 "+%" PRIu64 " outside "
		    "the blob of %" PRIu64 " bytes", off, len, blob->size);
	buf_init(&comp);
	if ((rc = blob->read(blob->arg, off, len, &comp, cause)) != 0) {
		buf_free(&comp);
		return rc;
	}
	blob->fetched += comp.len;
	sha256_hex(comp.data, comp.len, got);
	if (strcmp(got, sum) != 0) {
		rc = fail(cause, HS_EDIGEST, "TOC digest mismatch: the manifest says "
		    "%s, the blob holds %s", sum, got);
		buf_free(&comp);
		return rc;
	}
	rc = zstd_chunk(NULL, comp.data, comp.len, ulen, json, cause);
	buf_free(&comp);
	if (rc != 0) {
		cause_prefix(cause, "TOC");
		return rc;
	}
	*data_end = off;
	return 0;
}

const struct toc_format toc_zstd_chunked = {
	.name = "zstd:chunked",
	.match = zstd_match,
	.locate = zstd_locate,
	.chunk = zstd_chunk,
	.chunk_ctx = zstd_chunk_ctx,
	.chunk_ctx_free = zstd_chunk_ctx_free,
};
