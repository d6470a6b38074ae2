/* A few TAP helpers for the C test programs (one "ok"/"not ok" line per case). */
#ifndef HULLSCAN_TAP_H
#define HULLSCAN_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static int
tap_ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((format(printf, 1, 2))) static void
tap_diag(const char *fmt, ...)
{
	va_list	ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

__attribute__((format(printf, 1, 2))) static void
tap_skip(const char *fmt, ...)
{
	va_list	ap;

	printf("ok %d # SKIP ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * Where the shared fixtures live: $HULLSCAN_FIXTURES, else ../shared/fixtures
 * beside the source tree. Returns NULL when missing (the caller skips, or
 * fails under CI=true: see tap_need_fixtures).
 */
static const char *
tap_fixtures(void)
{
	static char	 path[4096];
	const char	*env, *top;

	if ((env = getenv("HULLSCAN_FIXTURES")) != NULL && *env != '\0')
		snprintf(path, sizeof path, "%s", env);
	else {
		top = getenv("top_srcdir");
		snprintf(path, sizeof path, "%s/../shared/fixtures",
		    top != NULL ? top : ".");
	}
	{
		FILE	*f;
		char	 readme[4200];

		snprintf(readme, sizeof readme, "%s/README.md", path);
		if ((f = fopen(readme, "r")) == NULL)
			return NULL;
		fclose(f);
	}
	return path;
}

/* Missing fixtures: skip everything locally, fail under CI. Exits. */
static void
tap_no_fixtures(void)
{
	const char	*ci = getenv("CI");

	if (ci != NULL && strcmp(ci, "true") == 0) {
		printf("not ok 1 - ../shared/fixtures is missing (required under CI)\n1..1\n");
		exit(1);
	}
	printf("1..0 # SKIP ../shared/fixtures is missing\n");
	exit(0);
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif
