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
 * that "no findings" is never mistaken for "nothing vulnerable"; r->eol_*
 * from db's end-of-life table (reached: the date is today or past, UTC).
 */
void	scan_coverage(struct vulndb *db, struct image_result *r);

/*
 * Key every image of rr for the history diff: a key the list gave stays;
 * an image is otherwise keyed by its name, or by its name with tag or
 * digest when rr holds several images of that name (a warning says so).
 * Fills each image's name and tagged name from its reference when missing.
 */
void	scan_keys(struct run_result *rr);

/*
 * "KEY=REF" (a list line or an operand) into key and ref; text that is not
 * one (no '=', or a ':' or space before it) is a reference, *key NULL.
 * HS_EINVAL with *cause when KEY or REF is empty.
 */
int	scan_split_key(const char *text, char **key, char **ref, char **cause);

#endif
