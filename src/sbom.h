/* SBOMs in: CycloneDX and SPDX JSON documents as inventories. */
#ifndef HULLSCAN_SBOM_H
#define HULLSCAN_SBOM_H

#include <stdio.h>
#include "model.h"

/*
 * Read the SBOM at path into *out: its packages by purl (OS and language
 * ones; others are skipped), the OS from an operating-system component or
 * package, else from the OS packages' distro qualifier. *name is the
 * document's subject (CycloneDX metadata.component, SPDX's CONTAINER
 * package), NULL when none. A file that is neither format, or too large,
 * is an error; the cause does not name the file (the caller does).
 */
int	sbom_read(const char *path, struct inventory **out, char **name, char **cause);
/* The same from an open stream; path only names it in debug messages. */
int	sbom_read_file(FILE *, const char *path, struct inventory **out, char **name,
	    char **cause);

#endif
