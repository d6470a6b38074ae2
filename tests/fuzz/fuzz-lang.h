/* Shared by the language fuzz targets: one file of the input in a merged view, analyzed whole. */
#ifndef HULLSCAN_FUZZ_LANG_H
#define HULLSCAN_FUZZ_LANG_H

#include "layer.h"
#include "model.h"
#include "pkg.h"
#include "rootfs.h"

/*
 * A view holding data at path, beside the fixed files of extra (path, data
 * pairs, NULL-terminated), through pkg_analyze: the analyzers and the OS
 * ownership lists see it as an image would give it.
 */
static inline void
fuzz_lang_view(const char *path, const uint8_t *data, size_t size,
    const char *const *extra)
{
	struct layer_files	 lf;
	struct kept_file	 kf[8];
	struct rootfs		*r;
	struct inventory	*inv = NULL;
	char			*cause = NULL;
	size_t			 n = 0;
	int			 rc;

	memset(&lf, 0, sizeof lf);
	memset(kf, 0, sizeof kf);
	for (; extra != NULL && extra[0] != NULL && n < 7; extra += 2, n++) {
		kf[n].path = (char *)extra[0];
		kf[n].data = (char *)extra[1];
		kf[n].len = strlen(extra[1]);
	}
	kf[n].path = (char *)path;
	kf[n].data = fuzz_cstr(data, size);
	kf[n].len = size;
	lf.files = kf;
	lf.nfiles = n + 1;
	lf.diff_id = (char *)"sha256:fuzz";
	r = rootfs_new();
	rootfs_apply(r, &lf);
	rc = pkg_analyze(r, &inv, &cause);
	fuzz_check("pkg_analyze", rc, &cause);
	if (inv != NULL && inv->warning != NULL) {
		char *w = xstrdup(inv->warning);

		/* The warning is one line too. */
		fuzz_check("inventory warning", HS_EINVAL, &w);
	}
	inventory_free(inv);
	rootfs_free(r);
	free(kf[n].data);
}

#endif
