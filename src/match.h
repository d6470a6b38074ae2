/* The matcher: inventory × advisories → findings, per-ecosystem version order. */
#ifndef HULLSCAN_MATCH_H
#define HULLSCAN_MATCH_H

#include "model.h"

struct vulndb;

/* Append to out every advisory of inv->os.namespace that the inventory is affected by. */
int	match_inventory(struct vulndb *, const struct inventory *, struct finding_list *out,
	    char **cause);

#endif
