/* Fuzz target: apk's lib/apk/db/installed. */
#include "config.h"

#define FUZZ_NAME apk

#include "fuzz.h"
#include "model.h"
#include "pkg.h"

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
	char			*cause = NULL;
	int			 rc;

	inv = inventory_new();
	rc = pkg_apk_parse((const char *)data, size, inv, &cause);
	fuzz_check("pkg_apk_parse", rc, &cause);
	inventory_sort(inv);
	inventory_free(inv);
	return 0;
}
