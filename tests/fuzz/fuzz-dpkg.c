/* Fuzz target: dpkg status files and distroless status.d fragments. */
#include "config.h"

#define FUZZ_NAME dpkg

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
	int			 status_d, rc;

	for (status_d = 0; status_d <= 1; status_d++) {
		inv = inventory_new();
		rc = pkg_dpkg_parse((const char *)data, size, status_d, inv, &cause);
		fuzz_check("pkg_dpkg_parse", rc, &cause);
		inventory_sort(inv);
		inventory_free(inv);
	}
	return 0;
}
