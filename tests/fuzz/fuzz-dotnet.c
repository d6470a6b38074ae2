/* Fuzz target: .NET: a deps.json (the mode byte is skipped). */
#include "config.h"

#define FUZZ_NAME dotnet

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

	if (size < 1)
		return 0;
	inv = inventory_new();
	if (data[0] & 1)
		rc = pkg_dotnet_deps_parse("x", (const char *)data + 1, size - 1, inv, &cause);
	else
		rc = pkg_dotnet_deps_parse("x", (const char *)data + 1, size - 1, inv, &cause);
	fuzz_check("dotnet", rc, &cause);
	inventory_sort(inv);
	inventory_free(inv);
	return 0;
}
