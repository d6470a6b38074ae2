/*
 * Fuzz target: Go's build info. Byte 0 picks the mode: the build-info blob
 * (from its magic, Go 1.18's format; the magic is put in front when absent),
 * or the text of the version and module strings ("VERSION\n" then the
 * modules) through the Go analyzer, or the toolchain version alone.
 */
#include "config.h"

#define FUZZ_NAME gobuildinfo

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
	struct inventory	*inv;
	const char		*text = (const char *)data + 1, *nl;
	char			*vers, *mod, *blob, *s;
	size_t			 len, i;
	int			 r;

	if (size == 0)
		return 0;
	len = size - 1;
	switch (data[0] % 3) {
	case 0:
		blob = xmalloc(len + 14);
		memcpy(blob, "\xff Go buildinf:", 14);
		memcpy(blob + 14, text, len);
		r = go_buildinfo_parse(blob, len + 14, &vers, &mod);
		if ((r == 0) != (vers != NULL && mod != NULL) ||
		    (r != 0 && r != 1 && r != HS_ENOENT && r != HS_EINVAL))
			abort();
		if (r == 0) {
			inv = inventory_new();
			pkg_go_parse(vers, mod, strlen(mod), "bin/x", NULL, inv);
			inventory_free(inv);
		}
		free(vers);
		free(mod);
		free(blob);
		break;
	case 1:
		nl = memchr(text, '\n', len);
		vers = nl != NULL ? xstrndup(text, nl - text) : xstrdup("go1.20");
		if (nl != NULL) {
			len -= nl + 1 - text;
			text = nl + 1;
		}
		inv = inventory_new();
		pkg_go_parse(vers, text, len, "bin/x", "sha256:0", inv);
		for (i = 0; i < inv->npkgs; i++) {
			fuzz_clean("name", inv->pkgs[i].name, 0);
			fuzz_clean("version", inv->pkgs[i].version, 0);
			fuzz_clean("purl", inv->pkgs[i].purl, 0);
		}
		inventory_free(inv);
		free(vers);
		break;
	default:
		s = fuzz_cstr((const uint8_t *)text, len);
		free(go_version_semver(s));
		free(s);
		break;
	}
	return 0;
}
