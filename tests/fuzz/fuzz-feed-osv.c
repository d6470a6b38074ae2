/*
 * Fuzz target: the osv feed importer (JSON, YAML, zip), then the matcher
 * over what it wrote: a package of each language ecosystem and of an OS,
 * their versions in and around the fixtures' ranges.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "match.h"
#include "model.h"
#include "util.h"

static const struct {
	enum ecosystem	 eco;
	const char	*name, *version;
} fuzz_osv_pkgs[] = {
	{ ECO_NPM, "qs", "6.7.0" }, { ECO_NPM, "@scope/name", "1.0.0-rc.1" },
	{ ECO_PYPI, "Requests", "2.28.1" }, { ECO_PYPI, "pip", "23.0.1" },
	{ ECO_MAVEN, "org.yaml:snakeyaml", "1.33" }, { ECO_GO, "stdlib", "v1.20.4" },
	{ ECO_GO, "golang.org/x/sys", "v0.0.0-20220715151400-c0bba94af5f8" },
	{ ECO_CARGO, "tokio", "1.18.0" }, { ECO_GEM, "rack", "2.2.22" },
	{ ECO_COMPOSER, "Behat/Mink", "v1.8.1" }, { ECO_NUGET, "Newtonsoft.Json", "13.0.1" },
	{ ECO_DEB, "openssl", "3.0.11-1~deb12u1" },
};

static void
fuzz_osv_match(struct vulndb *db)
{
	struct inventory	*inv;
	struct finding_list	 fl;
	char			*cause = NULL;
	size_t			 i;

	inv = inventory_new();
	inv->os.namespace = xstrdup("debian:bookworm");
	for (i = 0; i < sizeof fuzz_osv_pkgs / sizeof fuzz_osv_pkgs[0]; i++)
		inventory_add(inv, fuzz_osv_pkgs[i].name, fuzz_osv_pkgs[i].version,
		    NULL, NULL, NULL, fuzz_osv_pkgs[i].eco)->location =
		    xstrdup("fuzz/location");
	memset(&fl, 0, sizeof fl);
	if (match_inventory(db, inv, &fl, &cause) != 0)
		free(cause);
	finding_list_clear(&fl);
	inventory_free(inv);
}

#define FUZZ_AFTER_IMPORT(db) fuzz_osv_match(db)
#define FUZZ_FEED feed_format_osv
#define FUZZ_NAME feed_osv
#include "fuzz-feed.h"
