/*
 * Fuzz target: npm's package.json and lockfiles (v1, v2, v3). Byte 0 picks
 * the parser alone (package.json, lockfile) or the whole analyzer with the
 * input at a node_modules package.json or an app's package-lock.json.
 */
#include "config.h"

#define FUZZ_NAME npm

#include "fuzz.h"
#include "fuzz-lang.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

static void
lock_cb(const char *name, const char *version, void *arg)
{
	size_t	*sum = arg;

	*sum += strlen(name) + strlen(version);
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	static const char *const with_nm[] = {
		"srv/node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1.0.0\"}",
		NULL,
	};
	char	*cause = NULL, *name = NULL, *version = NULL, *copy;
	size_t	 sum = 0;
	int	 rc;

	if (size == 0)
		return 0;
	copy = fuzz_cstr(data + 1, size - 1);
	switch (data[0] % 4) {
	case 0:
		rc = pkg_npm_package_json(copy, size - 1, &name, &version, &cause);
		fuzz_check("pkg_npm_package_json", rc, &cause);
		if (rc == 0 && (name == NULL || version == NULL))
			abort();
		free(name);
		free(version);
		break;
	case 1:
		rc = pkg_npm_lockfile(copy, size - 1, lock_cb, &sum, &cause);
		fuzz_check("pkg_npm_lockfile", rc, &cause);
		break;
	case 2:
		fuzz_lang_view("app/node_modules/@s/x/package.json", data + 1, size - 1,
		    with_nm);
		break;
	case 3:
		fuzz_lang_view("app/package-lock.json", data + 1, size - 1, with_nm);
		break;
	}
	free(copy);
	return 0;
}
