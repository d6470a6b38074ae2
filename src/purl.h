/* Package URLs (github.com/package-url/purl-spec): parse and map to ecosystems. */
#ifndef HULLSCAN_PURL_H
#define HULLSCAN_PURL_H

#include <stddef.h>
#include "model.h"

struct purl {
	char	*type;		/* lower-cased: "deb", "npm", "maven" */
	char	*ns;		/* decoded, '/'-joined; NULL when none */
	char	*name;		/* decoded */
	char	*version;	/* decoded; NULL when none */
	char	*subpath;	/* NULL when none */
	char	**keys;		/* qualifiers, keys lower-cased, values decoded */
	char	**values;
	size_t	 nquals;
};

/* Parse s; a string that is not a purl is HS_EINVAL with a cause saying why. */
int	purl_parse(const char *s, struct purl **out, char **cause);
void	purl_free(struct purl *);
/* A qualifier's decoded value (borrowed), NULL when absent. */
const char *purl_qualifier(const struct purl *, const char *key);
/*
 * The ecosystem of a purl's type (deb, apk, rpm, npm, pypi, maven, golang,
 * cargo, gem, composer, nuget), ECO_UNKNOWN for any other; and the package
 * name as hullscan's analyzers spell it in that ecosystem: Maven
 * "group:artifact", Go and Composer "namespace/name", npm "@scope/name".
 */
enum ecosystem purl_ecosystem(const struct purl *);
char	*purl_package_name(const struct purl *);

#endif
