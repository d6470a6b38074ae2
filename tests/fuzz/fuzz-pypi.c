/*
 * Fuzz target: Python core metadata (METADATA, PKG-INFO) and the OS file
 * lists that decide whether it is a language package. Byte 0 picks the
 * parser alone, the analyzer with the input at a dist-info METADATA, or the
 * input as a dpkg .list, a distroless .md5sums or an apk installed database
 * beside a fixed METADATA.
 */
#include "config.h"

#define FUZZ_NAME pypi

#include "fuzz.h"
#include "fuzz-lang.h"

#define META	"usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	static const char *const meta[] = {
		"lib", "usr/lib",
		META, "Name: requests\nVersion: 2.28.1\n",
		NULL,
	};
	static const char *const status[] = {
		"var/lib/dpkg/status", "Package: p\nStatus: install ok installed\nVersion: 1\n",
		META, "Name: requests\nVersion: 2.28.1\n",
		NULL,
	};
	char	*cause = NULL, *name = NULL, *version = NULL, *copy;
	int	 rc;

	if (size == 0)
		return 0;
	switch (data[0] % 5) {
	case 0:
		copy = fuzz_cstr(data + 1, size - 1);
		rc = pkg_pypi_metadata(copy, size - 1, &name, &version, &cause);
		fuzz_check("pkg_pypi_metadata", rc, &cause);
		if (rc == 0 && (name == NULL || version == NULL))
			abort();
		free(name);
		free(version);
		free(copy);
		break;
	case 1:
		fuzz_lang_view("srv/venv/x-1.0.dist-info/METADATA", data + 1, size - 1,
		    NULL);
		break;
	case 2:
		fuzz_lang_view("var/lib/dpkg/info/p:amd64.list", data + 1, size - 1,
		    status);
		break;
	case 3:
		fuzz_lang_view("var/lib/dpkg/status.d/p.md5sums", data + 1, size - 1,
		    meta);
		break;
	case 4:
		fuzz_lang_view("lib/apk/db/installed", data + 1, size - 1, meta);
		break;
	}
	return 0;
}
