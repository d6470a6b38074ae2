/* One image through the whole pipeline: source, layers, analyzers, matcher. */
#ifndef HULLSCAN_SCAN_H
#define HULLSCAN_SCAN_H

#include "model.h"
#include "source.h"

struct vulndb;

/*
 * Scan ref (parsed beforehand: a reference that does not parse is the
 * caller's usage error) into r: read the image, build its inventory and
 * match it against db (NULL: inventory only). On failure r->error says why,
 * naming the image; returns 0 on success or a negative code.
 */
int	scan_image(const struct image_ref *ref, const struct source_options *,
	    struct vulndb *, struct image_result *r);

/*
 * Parse every reference of refs into parsed (n of them, allocated): each one
 * that does not parse is said on its own line; returns how many failed (their
 * slots are NULL). A bare path taken as an archive or a directory says so.
 */
size_t	scan_parse_refs(char *const *refs, size_t n, struct image_ref ***parsed);
void	scan_refs_free(struct image_ref **, size_t n);

/*
 * After matching r's inventory against db: r->warning when its packages were
 * not checked because db holds nothing for its OS (or the OS is unknown), so
 * that "no findings" is never mistaken for "nothing vulnerable".
 */
void	scan_coverage(struct vulndb *db, struct image_result *r);

#endif
