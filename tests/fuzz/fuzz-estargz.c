/*
 * Fuzz target: the eStargz reader (toc-estargz.c, through toc.c). Three
 * calls on each input: the footer parser on its last 51 bytes, the TOC
 * member reader on the whole input, and a whole lazy read of a blob built
 * from it as the estargz library lays one out: the input's first byte says
 * how much of the rest (16 bytes a unit) is the blob's data (its gzip
 * members, which the TOC points into); what follows is the TOC's JSON, put
 * in a tar as stargz.index.json, gzipped after the data, with the footer
 * and a matching toc.digest annotation, so the fuzzer reaches the JSON
 * reader, the walk and the chunk inflater. Every answer is 0 (paths
 * normalised, offsets inside the blob) or an error with a one-line reason.
 */
#include "config.h"

#define FUZZ_NAME estargz

#include <zlib.h>

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
estargz_fuzz_read(void *arg, uint64_t off, uint64_t len, struct buf *out,
    char **cause)
{
	const struct buf	*b = arg;

	(void)cause;
	if (off > b->len || len > b->len - off)
		abort();	/* every range is checked against the blob's size */
	buf_add(out, b->data + off, (size_t)len);
	return 0;
}

static void
estargz_fuzz_path(const char *p)
{
	if (p == NULL || *p == '\0' || *p == '/' || strstr(p, "//") != NULL ||
	    strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	    strstr(p, "/../") != NULL) {
		fprintf(stderr, "fuzz: estargz: path not normalised: \"%s\"\n",
		    p != NULL ? p : "(null)");
		abort();
	}
}

/* in[0..len) as one gzip member appended to b. */
static void
estargz_fuzz_gzip(struct buf *b, const void *in, size_t len)
{
	z_stream	z;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	buf_reserve(b, deflateBound(&z, len) + 64);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)b->data + b->len;
	z.avail_out = (uInt)(b->cap - b->len - 1);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	b->len = (size_t)((char *)z.next_out - b->data);
	deflateEnd(&z);
}

/* A ustar archive of the one file stargz.index.json holding json. */
static void
estargz_fuzz_tar(struct buf *t, const void *json, size_t len)
{
	char		h[512];
	unsigned	sum = 0;
	size_t		i;

	memset(h, 0, sizeof h);
	strcpy(h, "stargz.index.json");
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf(h + 124, 12, "%011llo", (unsigned long long)len);
	memcpy(h + 136, "00000000000", 12);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < sizeof h; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	buf_add(t, h, sizeof h);
	buf_add(t, json, len);
	memset(h, 0, sizeof h);
	buf_add(t, h, (512 - len % 512) % 512);
	buf_add(t, h, sizeof h);
	buf_add(t, h, sizeof h);
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	static const unsigned char	 foot[51] = {
		0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x1a, 0, 'S', 'G',
		0x16, 0, '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0',
		'0', '0', '0', '0', 'S', 'T', 'A', 'R', 'G', 'Z', 0x01, 0, 0, 0xff,
		0xff, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct layer_limits	 lim;
	struct layer_files	*lf = NULL;
	struct image_layer	 l;
	struct toc_blob		 blob;
	struct buf		 b, tar, json;
	char			*ann[4], sum[72], hex[17];
	char			*cause = NULL;
	size_t			 dlen, jlen, i;
	uint64_t		 off;
	int			 rc;

	if (size < 1)
		return 0;

	/* The footer parser on the input's tail. */
	if (size >= TOC_ESTARGZ_FOOTER) {
		off = UINT64_MAX;
		rc = toc_estargz_footer(data + size - TOC_ESTARGZ_FOOTER,
		    TOC_ESTARGZ_FOOTER, size, &off, &cause);
		if (rc == 0 && off >= size - TOC_ESTARGZ_FOOTER)
			abort();
		fuzz_check("toc_estargz_footer", rc, &cause);
		cause = NULL;
	}

	/* The TOC member reader on the input as a member. */
	buf_init(&json);
	rc = toc_estargz_json(data, size, &json, &cause);
	if (rc == 0 && json.len > TOC_MAX_JSON)
		abort();
	fuzz_check("toc_estargz_json", rc, &cause);
	cause = NULL;
	buf_free(&json);

	/* A blob: data, the TOC member, the footer. */
	dlen = (size_t)data[0] * 16;
	if (dlen > size - 1)
		dlen = size - 1;
	jlen = size - 1 - dlen;
	buf_init(&b);
	buf_init(&tar);
	buf_add(&b, data + 1, dlen);
	off = b.len;
	estargz_fuzz_tar(&tar, data + 1 + dlen, jlen);
	estargz_fuzz_gzip(&b, tar.data, tar.len);
	buf_free(&tar);
	sha256_hex(data + 1 + dlen, jlen, sum);
	buf_add(&b, foot, sizeof foot);
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)off);
	memcpy(b.data + b.len - sizeof foot + 16, hex, 16);
	ann[0] = "containerd.io/snapshot/stargz/toc.digest";
	ann[1] = sum;
	ann[2] = "io.containers.estargz.uncompressed-size";
	ann[3] = "0";

	memset(&l, 0, sizeof l);
	l.digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
	l.diff_id = "sha256:0000000000000000000000000000000000000000000000000000000000000002";
	l.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
	l.size = (int64_t)b.len;
	l.annotations = ann;
	l.nannotations = 4;
	memset(&blob, 0, sizeof blob);
	blob.read = estargz_fuzz_read;
	blob.arg = &b;
	blob.size = b.len;
	layer_limits_default(&lim);
	lim.max_file = 64 << 10;
	lim.max_entries = 4096;
	lim.summariser = &summary_summariser;

	rc = toc_layer_read(&l, &blob, &lim, pkg_wanted, &lf, &cause);
	if (rc == 0) {
		for (i = 0; i < lf->nfiles; i++)
			estargz_fuzz_path(lf->files[i].path);
		for (i = 0; i < lf->nwhiteouts; i++)
			estargz_fuzz_path(lf->whiteouts[i]);
		layer_files_free(lf);
	} else if (rc != TOC_FULL_READ || lf != NULL)
		abort();
	if (cause != NULL)
		fuzz_check("toc_layer_read", HS_EINVAL, &cause);
	buf_free(&b);
	return 0;
}
