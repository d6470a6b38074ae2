/*
 * Fuzz target: an executable as the layer reader hands it over (in blocks):
 * the ELF scanner (Go build info of both formats, cargo-auditable's
 * zlib-compressed .dep-v0), then the summary through the analyzers (Go's
 * modules, the crates' JSON). Byte 0 set to 'J' feeds the rest to the
 * .dep-v0 JSON reader directly.
 */
#include "config.h"

#define FUZZ_NAME elf

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
	struct fuzz_pull	 p = { data, size, 0, 1 + size % 8191 };
	struct inventory	*inv;
	char			*sum, *cause = NULL;
	size_t			 len, head;
	int			 r;

	if (size > 0 && data[0] == 'J') {
		inv = inventory_new();
		r = pkg_cargo_parse((const char *)data + 1, size - 1, "bin/x",
		    NULL, inv, &cause);
		fuzz_check("pkg_cargo_parse", r, &cause);
		inventory_free(inv);
		return 0;
	}
	/* As the layer reader: probe on the first bytes, all of them if asked. */
	head = size < LAYER_HEAD ? size : LAYER_HEAD;
	if (elf_probe(data, head) <= 0)
		return 0;
	sum = elf_summarise("usr/bin/x", size, 1 << 30, fuzz_pull, &p, &len, &cause);
	if (sum == NULL) {
		if (cause != NULL) {
			fprintf(stderr, "fuzz: no summary, yet a cause: %s\n", cause);
			abort();
		}
		return 0;
	}
	fuzz_lang_analyze("usr/bin/x", sum, len);
	free(sum);
	return 0;
}
