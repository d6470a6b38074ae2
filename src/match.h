/* The matcher: inventory × advisories → findings, per-ecosystem version order. */
#ifndef HULLSCAN_MATCH_H
#define HULLSCAN_MATCH_H

#include "model.h"

struct vulndb;

/* Append to out every advisory of inv->os.namespace that the inventory is affected by. */
/*
 * Whether vdb holds advisories for any namespace an inventory of namespace
 * is matched against (centos:8 is matched against rhel:8 too): 1, 0, or -1
 * on error. *names is those namespaces, " or "-joined, for messages.
 */
int	match_covered(struct vulndb *, const char *namespace, char **names);
int	match_inventory(struct vulndb *, const struct inventory *, struct finding_list *out,
	    char **cause);

#endif
