/* One image through the whole pipeline: source, layers, analyzers, matcher. */
#ifndef HULLSCAN_SCAN_H
#define HULLSCAN_SCAN_H

#include "model.h"
#include "source.h"

struct vulndb;

/*
 * Scan ref into r: read the image, build its inventory and match it against
 * db (NULL: inventory only). On failure r->error says why, naming the image;
 * returns 0 on success or a negative code.
 */
int	scan_image(const char *ref, const struct source_options *, struct vulndb *,
	    struct image_result *r);

/*
 * After matching r's inventory against db: r->warning when its packages were
 * not checked because db holds nothing for its OS (or the OS is unknown), so
 * that "no findings" is never mistaken for "nothing vulnerable"; r->eol_*
 * from db's end-of-life table (reached: the date is today or past, UTC).
 */
void	scan_coverage(struct vulndb *db, struct image_result *r);

#endif
