/*
 * Fuzz target: the version orders (dpkg, apk, rpm and the language
 * ecosystems). Besides not crashing, each order must be one: cmp(a, a) == 0
 * and cmp(a, b) == -cmp(b, a), for valid versions through version_cmp and
 * for anything through the raw comparators.
 */
#include "config.h"

#define FUZZ_NAME version

#include "fuzz.h"
#include "model.h"
#include "version.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

static void
order(const char *what, int ab, int ba, const char *a, const char *b)
{
	if (ab != -ba || ab < -1 || ab > 1) {
		fprintf(stderr, "fuzz: %s: cmp(\"%s\", \"%s\") = %d but the "
		    "reverse is %d\n", what, a, b, ab, ba);
		abort();
	}
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	static const enum ecosystem	 ecos[] = { ECO_DEB, ECO_APK, ECO_RPM,
	    ECO_NPM, ECO_PYPI, ECO_MAVEN, ECO_GO, ECO_CARGO, ECO_GEM,
	    ECO_COMPOSER, ECO_NUGET };
	static const struct {
		const char	*name;
		int		(*cmp)(const char *, const char *);
	}				 raw[] = {
		{ "npm (raw)", version_cmp_npm },
		{ "pypi (raw)", version_cmp_pypi },
		{ "maven (raw)", version_cmp_maven },
		{ "go (raw)", version_cmp_go },
		{ "cargo (raw)", version_cmp_cargo },
		{ "gem (raw)", version_cmp_gem },
		{ "composer (raw)", version_cmp_composer },
		{ "nuget (raw)", version_cmp_nuget },
	};
	char				 norm[128];
	char				*s, *a, *b, *sep;
	int				 ab, ba, aa, i;

	/* "A\nB": two versions; one line compares A with itself. */
	s = fuzz_cstr(data, size);
	a = s;
	if ((sep = strchr(s, '\n')) != NULL) {
		*sep = '\0';
		b = sep + 1;
	} else
		b = s;

	for (i = 0; i < (int)NELEM(ecos); i++) {
		version_valid(ecos[i], a);
		version_valid(ecos[i], b);
		if (version_cmp(ecos[i], a, b, &ab) == 0 &&
		    version_cmp(ecos[i], b, a, &ba) == 0)
			order(ecosystem_name(ecos[i]), ab, ba, a, b);
		if (version_cmp(ecos[i], a, a, &aa) == 0 && aa != 0) {
			fprintf(stderr, "fuzz: %s: cmp(\"%s\", itself) = %d\n",
			    ecosystem_name(ecos[i]), a, aa);
			abort();
		}
	}
	/* The raw comparators must not crash on anything, valid or not. */
	version_cmp_deb(a, b);
	version_cmp_apk(a, b);
	version_cmp_rpm(a, b);
	ab = version_rpmvercmp(a, b);
	ba = version_rpmvercmp(b, a);
	order("rpmvercmp", ab, ba, a, b);
	for (i = 0; i < (int)NELEM(raw); i++)
		order(raw[i].name, raw[i].cmp(a, b), raw[i].cmp(b, a), a, b);
	/* Normalising into a small buffer truncates, never overruns. */
	version_normalize_composer(a, norm, sizeof norm);
	free(s);
	return 0;
}
