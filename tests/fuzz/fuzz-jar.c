/*
 * Fuzz target: a Java archive as the layer reader hands it over (in blocks),
 * through the central-directory walk from memory, or (by the input's size)
 * the streaming zip reader, or both with nested archives over a 4 KiB memory
 * limit streamed, then the summary through the Java analyzer. The summary
 * stays under its bound.
 */
#include "config.h"

#define FUZZ_NAME jar

#include "fuzz.h"
#include "fuzz-lang-bin.h"
#include "summary.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_SILENT();
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct fuzz_pull	 p = { data, size, 0, 1 + size % 4093 };
	char			*sum, *cause = NULL;
	size_t			 len;
	static const char	*limits[] = { "", "0", "4096" };

	setenv("HULLSCAN_JAR_MEMORY", limits[size % 3], 1);
	sum = java_summarise("opt/app.jar", size, 1 << 30, fuzz_pull, &p, &len,
	    &cause);
	if (sum == NULL) {
		fprintf(stderr, "fuzz: no summary: %s\n", cause);
		abort();
	}
	if (len > SUMMARY_MAX + 4096) {
		fprintf(stderr, "fuzz: a summary of %zu bytes\n", len);
		abort();
	}
	fuzz_lang_analyze("opt/app.jar", sum, len);
	free(sum);
	return 0;
}
