/* Fuzz target: the SBOM reader (CycloneDX and SPDX JSON, streamed through yajl). */
#include "config.h"

#define FUZZ_NAME sbom

#include "fuzz.h"
#include "model.h"
#include "sbom.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct inventory	*inv = NULL;
	char			*cause = NULL, *name = NULL;
	FILE			*f;
	int			 rc;

	if (size == 0 || (f = fmemopen((void *)data, size, "rb")) == NULL)
		return 0;
	rc = sbom_read_file(f, "fuzz", &inv, &name, &cause);
	fclose(f);
	fuzz_check("sbom_read_file", rc, &cause);
	if (rc == 0 && inv == NULL)
		abort();
	inventory_free(inv);
	free(name);
	return 0;
}
