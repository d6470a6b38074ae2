/* One image through the whole pipeline: source, layers, analyzers, matcher. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "pkg.h"
#include "rootfs.h"
#include "scan.h"
#include "source.h"
#include "util.h"

/* Build the merged view: a root directory for dir:, else the layers in order. */
static int
scan_rootfs(const struct image *img, const struct source_options *opts,
    struct rootfs **out, char **cause)
{
	struct rootfs	*rfs;
	size_t		 i;

	rfs = rootfs_new();
	if (img->root_dir != NULL) {
		if (rootfs_load_dir(rfs, img->root_dir, opts->want, &opts->limits,
		    cause) != 0) {
			rootfs_free(rfs);
			return HS_ERR;
		}
	} else {
		for (i = 0; i < img->nlayers; i++) {
			if (img->layers[i].files != NULL)
				rootfs_apply(rfs, img->layers[i].files);
		}
	}
	*out = rfs;
	return 0;
}

/* The inventory's own warning (files not read), then what coverage adds. */
static void
scan_warning(struct image_result *r, char *coverage)
{
	const char	*own = r->inv != NULL ? r->inv->warning : NULL;

	free(r->warning);
	if (own != NULL && coverage != NULL)
		r->warning = xasprintf("%s; %s", own, coverage);
	else if (own != NULL)
		r->warning = xstrdup(own);
	else
		r->warning = coverage != NULL ? xstrdup(coverage) : NULL;
	free(coverage);
}

void
scan_coverage(struct vulndb *db, struct image_result *r)
{
	const struct inventory	*inv = r->inv;
	char			*names, *coverage = NULL;

	if (inv == NULL || inv->npkgs == 0) {
		scan_warning(r, NULL);
		return;
	}
	if (inv->os.namespace == NULL || *inv->os.namespace == '\0')
		coverage = xasprintf("operating system not recognised (%s): its %zu "
		    "packages were not checked", inv->os.id != NULL ? inv->os.id :
		    "no os-release", inv->npkgs);
	else {
		if (match_covered(db, inv->os.namespace, &names) == 0)
			coverage = xasprintf("the vulnerability database holds no "
			    "advisories for %s: its %zu packages were not checked",
			    names, inv->npkgs);
		free(names);
	}
	scan_warning(r, coverage);
}

int
scan_image(const char *text, const struct source_options *opts, struct vulndb *db,
    struct image_result *r)
{
	struct image_ref	*ref = NULL;
	struct image		*img = NULL;
	struct rootfs		*rfs = NULL;
	struct inventory	*inv = NULL;
	char			*cause = NULL;
	double			 start = now_mono();
	int			 rc;

	if ((rc = image_ref_parse(text, &ref, &cause)) != 0)
		goto out;
	free(r->name);
	r->name = xstrdup(ref->name);
	if ((rc = source_read(ref, opts, &img, &cause)) != 0)
		goto out;
	if (img->manifest_digest != NULL) {
		free(r->digest);
		r->digest = xstrdup(img->manifest_digest);
	}
	if ((rc = scan_rootfs(img, opts, &rfs, &cause)) != 0)
		goto out;
	if ((rc = pkg_analyze(rfs, &inv, &cause)) != 0)
		goto out;
	if (db != NULL && inv->os.namespace != NULL) {
		if ((rc = match_inventory(db, inv, &r->findings, &cause)) != 0)
			goto out;
		finding_list_sort(&r->findings);
	}
	r->inv = inv;
	inv = NULL;
	if (db != NULL)
		scan_coverage(db, r);
	else
		scan_warning(r, NULL);
out:
	if (rc != 0) {
		free(r->error);
		r->error = cause != NULL ? cause : xstrdup("scan failed");
		cause = NULL;
	}
	r->seconds = now_mono() - start;
	free(cause);
	inventory_free(inv);
	rootfs_free(rfs);
	image_free(img);
	image_ref_free(ref);
	return rc;
}
