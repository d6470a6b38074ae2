/*
 * Fuzz target: pom.properties and MANIFEST.MF parsing, and the guess made
 * from a manifest and a file name. Byte 0 picks the mode; the rest is the
 * text (mode 2: "file name\n" then the manifest).
 */
#include "config.h"

#define FUZZ_NAME java_text

#include "fuzz.h"
#include "fuzz-lang-bin.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_SILENT();
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	static const char	*keys[] = { "Implementation-Version",
	    "Bundle-SymbolicName", "Manifest-Version", "X" };
	const char		*text = (const char *)data + 1, *nl;
	char			*g, *a, *v, *name, *file;
	size_t			 len, i;

	if (size == 0)
		return 0;
	len = size - 1;
	switch (data[0] % 3) {
	case 0:
		java_pom_parse(text, len, &g, &a, &v);
		free(g);
		free(a);
		free(v);
		break;
	case 1:
		for (i = 0; i < NELEM(keys); i++)
			free(java_manifest_get(text, len, keys[i]));
		break;
	default:
		nl = memchr(text, '\n', len);
		file = nl != NULL ? xstrndup(text, nl - text) : xstrdup("x-1.0.jar");
		if (nl != NULL) {
			len -= nl + 1 - text;
			text = nl + 1;
		}
		if (java_guess(file, text, len, &name, &v) == 0) {
			if (name == NULL || v == NULL)
				abort();
			free(name);
			free(v);
		}
		free(file);
		break;
	}
	return 0;
}
