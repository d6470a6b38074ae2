/*
 * Fuzz target: the lazy-pull reader (toc.c, toc-zstd.c). The input's first
 * byte says how much of the rest (16 bytes a unit) is the blob's data, whose
 * "chunks" the TOC points into; what follows is the TOC's JSON, compressed
 * and put after the data with a matching annotation, so the fuzzer reaches
 * the JSON reader, the walk, the chunk decompressor and the summariser.
 * Every answer is 0 with normalised paths, or TOC_FULL_READ with no reason
 * or a one-line one.
 */
#include "config.h"

#define FUZZ_NAME toc

#include <zstd.h>

#include "fuzz.h"
#include "layer.h"
#include "pkg.h"
#include "source.h"
#include "summary.h"
#include "toc.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_QUIET();
	log_verbosity = -1;
	return 0;
}

static int
toc_fuzz_read(void *arg, uint64_t off, uint64_t len, struct buf *out, char **cause)
{
	const struct buf	*b = arg;

	(void)cause;
	if (off > b->len || len > b->len - off)
		abort();	/* toc.c checks every range against the blob's size */
	buf_add(out, b->data + off, (size_t)len);
	return 0;
}

static void
toc_fuzz_path(const char *p)
{
	if (p == NULL || *p == '\0' || *p == '/' || strstr(p, "//") != NULL ||
	    strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	    strstr(p, "/../") != NULL) {
		fprintf(stderr, "fuzz: toc: path not normalised: \"%s\"\n",
		    p != NULL ? p : "(null)");
		abort();
	}
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct layer_limits	 lim;
	struct layer_files	*lf = NULL;
	struct image_layer	 l;
	struct toc_blob		 blob;
	struct buf		 b;
	char			*ann[4], pos[96], sum[72], hdr[8] = { 0x50, 0x2a, 0x4d, 0x18 };
	char			*cause = NULL;
	size_t			 dlen, jlen, cap, n, i;
	uint64_t		 off;
	int			 rc;

	if (size < 1)
		return 0;
	dlen = (size_t)data[0] * 16;
	if (dlen > size - 1)
		dlen = size - 1;
	jlen = size - 1 - dlen;
	buf_init(&b);
	buf_add(&b, data + 1, dlen);
	buf_add(&b, hdr, sizeof hdr);
	off = b.len;
	cap = ZSTD_compressBound(jlen);
	buf_reserve(&b, cap);
	n = ZSTD_compress(b.data + b.len, cap, data + 1 + dlen, jlen, 1);
	if (ZSTD_isError(n))
		abort();
	sha256_hex(b.data + b.len, n, sum);
	b.len += n;
	snprintf(pos, sizeof pos, "%llu:%zu:%zu:1", (unsigned long long)off, n, jlen);
	ann[0] = "io.containers.zstd-chunked.manifest-checksum";
	ann[1] = sum;
	ann[2] = "io.containers.zstd-chunked.manifest-position";
	ann[3] = pos;

	memset(&l, 0, sizeof l);
	l.digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
	l.diff_id = "sha256:0000000000000000000000000000000000000000000000000000000000000002";
	l.media_type = "application/vnd.oci.image.layer.v1.tar+zstd";
	l.size = (int64_t)b.len;
	l.annotations = ann;
	l.nannotations = 4;
	memset(&blob, 0, sizeof blob);
	blob.read = toc_fuzz_read;
	blob.arg = &b;
	blob.size = b.len;
	layer_limits_default(&lim);
	lim.max_file = 64 << 10;
	lim.max_entries = 4096;
	lim.summariser = &summary_summariser;

	rc = toc_layer_read(&l, &blob, &lim, pkg_wanted, &lf, &cause);
	if (rc == 0) {
		for (i = 0; i < lf->nfiles; i++)
			toc_fuzz_path(lf->files[i].path);
		for (i = 0; i < lf->nwhiteouts; i++)
			toc_fuzz_path(lf->whiteouts[i]);
		layer_files_free(lf);
	} else if (rc != TOC_FULL_READ || lf != NULL)
		abort();
	if (cause != NULL)
		fuzz_check("toc_layer_read", HS_EINVAL, &cause);
	buf_free(&b);
	return 0;
}
