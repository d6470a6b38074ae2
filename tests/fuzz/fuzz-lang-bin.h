/*
 * Shared by the language-package fuzz targets: a summary kept as a layer
 * would keep it, analyzed in a merged view, and every package it gives
 * checked to be one clean line (no control character, nothing empty).
 */
#ifndef HULLSCAN_FUZZ_LANG_BIN_H
#define HULLSCAN_FUZZ_LANG_BIN_H

#include "layer.h"
#include "model.h"
#include "pkg.h"
#include "rootfs.h"

/* Warnings are what these targets make of bad input: not a word of them. */
#define FUZZ_SILENT()	do { extern int log_verbosity; log_verbosity = -1; } while (0)

static inline void
fuzz_clean(const char *what, const char *s, int may_be_null)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (s == NULL) {
		if (may_be_null)
			return;
		fprintf(stderr, "fuzz: %s is NULL\n", what);
		abort();
	}
	if (*s == '\0' && !may_be_null) {
		fprintf(stderr, "fuzz: %s is empty\n", what);
		abort();
	}
	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(stderr, "fuzz: %s: control character 0x%02x\n", what, *p);
			abort();
		}
	}
}

/* A pull over the input, in blocks of varying size (as tar blocks come). */
struct fuzz_pull {
	const uint8_t	*data;
	size_t		 len;
	size_t		 off;
	size_t		 step;
};

static inline int
fuzz_pull(void *arg, const void **buf, size_t *len, char **cause)
{
	struct fuzz_pull	*p = arg;
	size_t			 n;

	if (p->off >= p->len)
		return 0;
	n = p->step;
	if (n > p->len - p->off)
		n = p->len - p->off;
	*buf = p->data + p->off;
	*len = n;
	p->off += n;
	p->step = p->step * 3 % 65521 + 1;	/* sizes that move about */
	return 1;
}

/* Analyze one summary in a view of its own; check what comes out. */
static inline void
fuzz_lang_analyze(const char *path, char *sum, size_t len)
{
	struct layer_files	 lf;
	struct kept_file	 kf;
	struct rootfs		*r;
	struct inventory	*inv = NULL;
	char			*cause = NULL;
	size_t			 i;

	memset(&lf, 0, sizeof lf);
	memset(&kf, 0, sizeof kf);
	kf.path = (char *)path;
	kf.type = KEPT_SUMMARY;
	kf.data = sum;
	kf.len = len;
	lf.files = &kf;
	lf.nfiles = 1;
	lf.diff_id = (char *)"sha256:0";
	r = rootfs_new();
	rootfs_apply(r, &lf);
	if (pkg_analyze(r, &inv, &cause) != 0) {
		fprintf(stderr, "fuzz: pkg_analyze failed on a summary: %s\n", cause);
		abort();
	}
	for (i = 0; i < inv->npkgs; i++) {
		fuzz_clean("name", inv->pkgs[i].name, 0);
		fuzz_clean("version", inv->pkgs[i].version, 0);
		fuzz_clean("location", inv->pkgs[i].location, 0);
		fuzz_clean("purl", inv->pkgs[i].purl, 0);
		fuzz_clean("origin", inv->pkgs[i].origin, 1);
		if (inv->pkgs[i].layer == NULL) {
			fprintf(stderr, "fuzz: a package without its layer\n");
			abort();
		}
	}
	inventory_free(inv);
	rootfs_free(r);
}

#endif
