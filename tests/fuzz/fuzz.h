/* Shared by the libFuzzer targets: the contract every parser keeps on bad input. */
#ifndef HULLSCAN_FUZZ_H
#define HULLSCAN_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Each target defines FUZZ_INIT(name) and FUZZ_ONE(name): libFuzzer's two
 * entry points in a fuzzer build, and fuzz_<name>_init / fuzz_<name>_one
 * when every target is linked into the one replay program (FUZZ_ALL).
 */
#define FUZZ_CAT(a, b, c)	a##b##c
#ifdef FUZZ_ALL
#define FUZZ_INIT(n)		FUZZ_CAT(fuzz_, n, _init)
#define FUZZ_ONE(n)		FUZZ_CAT(fuzz_, n, _one)
#else
#define FUZZ_INIT(n)		LLVMFuzzerInitialize
#define FUZZ_ONE(n)		LLVMFuzzerTestOneInput
#endif
#ifndef FUZZ_NAME
#error "define FUZZ_NAME (the target) before including fuzz.h"
#endif
int	FUZZ_INIT(FUZZ_NAME)(int *, char ***);
int	FUZZ_ONE(FUZZ_NAME)(const uint8_t *, size_t);

/*
 * A failing call returns one of the HS_* codes and a one-line cause; a
 * cause goes to logs and reports, so it carries no control character (a
 * newline would split it). Anything else is a bug: abort, so the fuzzer
 * keeps the input.
 */
static inline void
fuzz_check(const char *what, int rc, char **cause)
{
	const unsigned char	*p;

	if (rc < 0) {
		if (rc < HS_EAUTH) {
			fprintf(stderr, "fuzz: %s: unknown error code %d\n", what, rc);
			abort();
		}
		if (*cause == NULL || **cause == '\0') {
			fprintf(stderr, "fuzz: %s: error %d without a cause\n", what, rc);
			abort();
		}
		for (p = (const unsigned char *)*cause; *p != '\0'; p++) {
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(stderr, "fuzz: %s: control character 0x%02x in "
				    "the cause: %s\n", what, *p, *cause);
				abort();
			}
		}
	}
	/* HULLSCAN_FUZZ_VERBOSE=1: say what each call gave (to see where an input goes). */
	if (getenv("HULLSCAN_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz: %s: %d%s%s\n", what, rc, *cause != NULL ?
		    ": " : "", *cause != NULL ? *cause : "");
	free(*cause);
	*cause = NULL;
}

/* A NUL-terminated copy of the input, for APIs that take C strings. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t len)
{
	char	*s = xmalloc(len + 1);

	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

/* Quiet: warnings on every input would drown the fuzzer's own output. */
#define FUZZ_QUIET()	do { extern int log_verbosity; log_verbosity = 0; } while (0)

#endif
