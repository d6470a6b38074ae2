/* Fuzz target: rpm databases (BerkeleyDB hash, NDB, SQLite) and the header blobs in them. */
#include "config.h"

#define FUZZ_NAME rpmdb

#include "fuzz.h"
#include "model.h"
#include "pkg.h"

/* pkg_rpmdb_parse tells the formats apart by the file name; byte 0 picks it. */
static const char *paths[] = {
	"var/lib/rpm/Packages",
	"usr/lib/sysimage/rpm/Packages.db",
	"var/lib/rpm/rpmdb.sqlite",
};

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct inventory	*inv;
	char			*cause = NULL, *copy;
	int			 rc;

	if (size == 0)
		return 0;
	/* The analyzers get kept files, which are NUL-terminated. */
	copy = fuzz_cstr(data + 1, size - 1);
	inv = inventory_new();
	rc = pkg_rpmdb_parse(paths[data[0] % NELEM(paths)], copy, size - 1, inv,
	    &cause);
	fuzz_check("pkg_rpmdb_parse", rc, &cause);
	inventory_sort(inv);
	inventory_free(inv);
	free(copy);
	return 0;
}
