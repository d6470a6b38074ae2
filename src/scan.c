/* One image through the whole pipeline: source, layers, analyzers, matcher. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "db.h"
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

/* Today in UTC as "YYYY-MM-DD"; HULLSCAN_TODAY (the same form) for tests. */
static void
scan_today(char out[11])
{
	const char	*env = getenv("HULLSCAN_TODAY");
	struct tm	 tm;
	time_t		 t = time(NULL);

	if (env != NULL && strlen(env) == 10 && env[4] == '-' && env[7] == '-') {
		memcpy(out, env, 11);
		return;
	}
	if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		memcpy(out, "0000-00-00", 11);
}

/* The release's end of support, and whether it has come. */
static void
scan_eol(struct vulndb *db, struct image_result *r)
{
	char	today[11];

	free(r->eol_date);
	free(r->eol_support);
	r->eol_date = r->eol_support = NULL;
	r->eol_reached = r->eol_fails = 0;
	if (r->inv == NULL || r->inv->os.namespace == NULL ||
	    vulndb_eol(db, r->inv->os.namespace, &r->eol_date,
	    &r->eol_support) != 1)
		return;
	scan_today(today);
	r->eol_reached = strcmp(r->eol_date, today) <= 0;
}

void
scan_coverage(struct vulndb *db, struct image_result *r)
{
	const struct inventory	*inv = r->inv;
	char			*names;

	free(r->warning);
	r->warning = NULL;
	scan_eol(db, r);
	if (inv == NULL || inv->npkgs == 0)
		return;
	if (inv->os.namespace == NULL || *inv->os.namespace == '\0')
		r->warning = xasprintf("operating system not recognised (%s): its %zu "
		    "packages were not checked", inv->os.id != NULL ? inv->os.id :
		    "no os-release", inv->npkgs);
	else {
		if (match_covered(db, inv->os.namespace, &names) == 0)
			r->warning = xasprintf("the vulnerability database holds no "
			    "advisories for %s: its %zu packages were not checked",
			    names, inv->npkgs);
		free(names);
	}
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
