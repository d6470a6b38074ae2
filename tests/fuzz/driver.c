/*
 * The replay program for the fuzz targets, built without clang's fuzzer
 * runtime: "fuzz-replay TARGET PATH..." runs TARGET's entry point once on
 * each file (a directory: each file inside it), so the regression inputs
 * under tests/fuzz/regress/ run in `make check`, under ASan when enabled.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FUZZ_DECL(n) \
	int fuzz_##n##_init(int *, char ***); \
	int fuzz_##n##_one(const uint8_t *, size_t);
#define FUZZ_TARGETS(X) \
	X(osrelease, "osrelease") X(dpkg, "dpkg") X(apk, "apk") \
	X(rpmdb, "rpmdb") X(version, "version") X(layer, "layer") \
	X(manifest, "manifest") X(docker_archive, "docker-archive") \
	X(feed_debian, "feed-debian") X(feed_secdb, "feed-secdb") \
	X(feed_osv, "feed-osv") X(feed_oval, "feed-oval") \
	X(feed_csaf, "feed-csaf") X(ignore, "ignore") X(auth, "auth") X(sbom, "sbom") \
	X(npm, "npm") X(pypi, "pypi") \
	X(gem, "gem") X(composer, "composer") X(dotnet, "dotnet") \
	X(feed_updateinfo, "feed-updateinfo") X(feed_photon, "feed-photon") \
	X(feed_bodhi, "feed-bodhi") X(feed_eol, "feed-eol") \
	X(java_text, "java-text") X(jar, "jar") X(gobuildinfo, "gobuildinfo") \
	X(elf, "elf") X(toc, "toc") X(estargz, "estargz")

#define X(n, s) FUZZ_DECL(n)
FUZZ_TARGETS(X)
#undef X

static const struct target {
	const char	*name;
	int		(*init)(int *, char ***);
	int		(*one)(const uint8_t *, size_t);
} targets[] = {
#define X(n, s) { s, fuzz_##n##_init, fuzz_##n##_one },
	FUZZ_TARGETS(X)
#undef X
};

static int
run_file(const struct target *t, const char *path)
{
	FILE		*f;
	uint8_t		*data;
	long		 size;
	size_t		 got;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		return 1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "%s: cannot size\n", path);
		fclose(f);
		return 1;
	}
	/* An exact-size copy, so ASan sees a read past the input's end. */
	if ((data = malloc(size > 0 ? (size_t)size : 1)) == NULL) {
		fclose(f);
		return 1;
	}
	got = fread(data, 1, (size_t)size, f);
	fclose(f);
	if (got != (size_t)size) {
		fprintf(stderr, "%s: short read\n", path);
		free(data);
		return 1;
	}
	t->one(data, got);
	free(data);
	printf("%s: ran %s (%zu bytes)\n", t->name, path, got);
	return 0;
}

static int
run_path(const struct target *t, const char *path)
{
	struct stat	  st;
	struct dirent	**names;
	char		 *sub;
	int		  i, n, rc = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "%s: not found\n", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(t, path);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			if (asprintf(&sub, "%s/%s", path, names[i]->d_name) == -1)
				abort();
			rc |= run_path(t, sub);
			free(sub);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct target	*t = NULL;
	size_t			 i;
	int			 rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: fuzz-replay TARGET [PATH...]\ntargets:");
		for (i = 0; i < sizeof targets / sizeof targets[0]; i++)
			fprintf(stderr, " %s", targets[i].name);
		fprintf(stderr, "\n");
		return 2;
	}
	for (i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		if (strcmp(targets[i].name, argv[1]) == 0)
			t = &targets[i];
	}
	if (t == NULL) {
		fprintf(stderr, "fuzz-replay: unknown target %s\n", argv[1]);
		return 2;
	}
	t->init(&argc, &argv);
	for (i = 2; i < (size_t)argc; i++)
		rc |= run_path(t, argv[i]);
	return rc;
}
