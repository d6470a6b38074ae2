/*
 * Lazy pulls: a layer blob whose table of contents (TOC) says where each
 * file's compressed chunks lie is read without reading it whole. The TOC
 * is fetched and checked against the layer's annotations, then only the
 * chunks of the files the analyzers want, each checked against its digest
 * in the TOC. The TOC's JSON ({"version", "entries": [{type, name,
 * linkName, size, offset, endOffset, digest, chunkOffset, chunkSize,
 * chunkDigest, chunkType}]}) is shared by zstd:chunked and eStargz; what
 * differs is where the TOC lies and how a chunk is compressed: one
 * struct toc_format per format (toc-zstd.c, ...), listed in toc.c. A new
 * format is a file with its match, locate ("find, fetch, verify and
 * decompress the TOC") and chunk ("decompress one chunk") functions.
 */
#ifndef HULLSCAN_TOC_H
#define HULLSCAN_TOC_H

#include <stddef.h>
#include <stdint.h>

#include "layer.h"
#include "util.h"

struct image_layer;

/* The answer that says: read this layer whole instead. */
#define TOC_FULL_READ	1

/*
 * Random access to a layer blob (an HTTP Range request): bytes [off, off +
 * len) into out (appended). Returns 0, TOC_FULL_READ when the source cannot
 * read ranges (the server sent the whole blob), or a negative code.
 */
struct toc_blob {
	int		(*read)(void *arg, uint64_t off, uint64_t len, struct buf *out,
			    char **cause);
	void		*arg;
	uint64_t	 size;		/* the blob's size, from the manifest */
	uint64_t	 fetched;	/* bytes read through read (toc.c counts) */
};

/* One format of seekable layer. */
struct toc_format {
	const char	*name;		/* "zstd:chunked" */
	/* 1 when the layer says (media type, annotations) it has a TOC of this format. */
	int		(*match)(const struct image_layer *);
	/*
	 * Locate, fetch and decompress the TOC, checked against the layer's
	 * annotations: its JSON in *json, and where the file data ends in
	 * *data_end (a chunk with no end offset runs to the next chunk's
	 * offset, the last to data_end). Returns as toc_blob's read does.
	 */
	int		(*locate)(const struct image_layer *, struct toc_blob *,
			    struct buf *json, uint64_t *data_end, char **cause);
	/*
	 * Decompress one chunk's compressed bytes in[0..len) into out
	 * (appended): exactly want bytes, else an error. ctx is one from
	 * chunk_ctx (a decompressor kept for the layer), or NULL.
	 */
	int		(*chunk)(void *ctx, const void *in, size_t len, uint64_t want,
			    struct buf *out, char **cause);
	void		*(*chunk_ctx)(void);		/* NULL: no context */
	void		 (*chunk_ctx_free)(void *);
};

extern const struct toc_format toc_zstd_chunked;	/* toc-zstd.c */
extern const struct toc_format toc_estargz;		/* toc-estargz.c */

/*
 * eStargz's footer p[0..len), the last TOC_ESTARGZ_FOOTER bytes of a blob
 * of blob_size bytes: the TOC's offset in *toc_off, inside the blob before
 * the footer, else an error. And the TOC's JSON from its compressed member
 * comp[0..len) (a gzip tar holding stargz.index.json), appended to json.
 */
#define TOC_ESTARGZ_FOOTER	51
int	toc_estargz_footer(const void *p, size_t len, uint64_t blob_size,
	    uint64_t *toc_off, char **cause);
int	toc_estargz_json(const void *comp, size_t len, struct buf *json,
	    char **cause);

/* The format of l's TOC, or NULL when it has none (read it whole). */
const struct toc_format *toc_format_of(const struct image_layer *);

/* Limits of a TOC: its compressed and uncompressed JSON sizes. */
#define TOC_MAX_COMPRESSED	((uint64_t)64 << 20)
#define TOC_MAX_JSON		((uint64_t)256 << 20)

/*
 * Read layer l through its TOC: the files want keeps (and those the
 * summariser of limits picks by name, without their content) are fetched
 * through blob, each checked against its digests in the TOC, and *out holds
 * what layer_read would keep of them, whiteouts and links as it does. Its
 * digest and diff_id are l's, not computed: a lazy read cannot check them.
 * Returns 0, or TOC_FULL_READ when the layer must be read whole instead:
 * silently (*cause NULL) when it has no TOC or blob cannot read ranges,
 * else with the reason in *cause (a TOC or chunk that does not match its
 * digest, a damaged TOC, a limit, a failed request). The whole read checks
 * every digest, so whatever went wrong here is caught or proved harmless.
 */
int	toc_layer_read(const struct image_layer *l, struct toc_blob *,
	    const struct layer_limits *, layer_want_fn, struct layer_files **out,
	    char **cause);

#endif
