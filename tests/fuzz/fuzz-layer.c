/*
 * Fuzz target: the layer reader (gzip/zstd/xz/bzip2 or plain tar, whiteouts,
 * links) with small limits, then the merged view over what it kept. Every
 * path it hands back must be normalised: no "/" lead, no "." or ".." part.
 */
#include "config.h"

#define FUZZ_NAME layer

#include "fuzz.h"
#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "stream.h"
#include "summary.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	log_verbosity = -1;	/* a summariser's warnings on every input */
	return 0;
}

/* Keep what the analyzers keep, and anything under "k/" so the fuzzer finds a wanted name fast. */
static int
want(const char *path)
{
	return pkg_wanted(path) || strncmp(path, "k/", 2) == 0 ||
	    strcmp(path, "k") == 0;
}

static void
check_path(const char *what, const char *p)
{
	const char	*c, *e;
	size_t		 n;

	if (p == NULL || *p == '\0' || *p == '/')
		goto bad;
	for (c = p; *c != '\0'; c = *e == '\0' ? e : e + 1) {
		e = strchrnul(c, '/');
		n = e - c;
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			goto bad;
	}
	return;
bad:
	fprintf(stderr, "fuzz: %s: path not normalised: \"%s\"\n", what,
	    p != NULL ? p : "(null)");
	abort();
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	static const char	*probe[] = { "etc/os-release", "k/a", "k/b/c",
	    "var/lib/dpkg/status", "lib/apk/db/installed", "k" };
	struct layer_limits	 lim;
	struct layer_files	*lf = NULL, *dup;
	struct stream		*s;
	struct rootfs		*r;
	const struct kept_file	**list;
	char			*cause = NULL, *name, *norm;
	size_t			 i, n;
	int			 rc;

	/* The entry-name normaliser on its own, on the input as a name. */
	name = fuzz_cstr(data, size);
	if ((norm = layer_path_normalise(name)) != NULL)
		check_path("layer_path_normalise", norm);
	free(norm);
	free(name);

	layer_limits_default(&lim);
	lim.max_file = 64 << 10;
	lim.max_entries = 4096;
	lim.max_tar = 16 << 20;
	lim.max_ratio = 200;
	lim.summariser = &summary_summariser;	/* jars and executables too */
	s = stream_open_mem(data, size);
	rc = layer_read(s, &lim, want, NULL, NULL, &lf, &cause);
	stream_close(s);
	fuzz_check("layer_read", rc, &cause);
	if (rc != 0)
		return 0;

	for (i = 0; i < lf->nfiles; i++) {
		check_path("kept file", lf->files[i].path);
		if (lf->files[i].type == KEPT_FILE &&
		    lf->files[i].len > lim.max_file) {
			fprintf(stderr, "fuzz: kept %zu bytes past the limit\n",
			    lf->files[i].len);
			abort();
		}
	}
	for (i = 0; i < lf->nwhiteouts; i++)
		check_path("whiteout", lf->whiteouts[i]);
	for (i = 0; i < lf->nopaque; i++)
		check_path("opaque", lf->opaque[i]);

	/* Lay it twice over itself: whiteouts then delete what it put. */
	dup = layer_files_dup(lf);
	r = rootfs_new();
	rootfs_apply(r, lf);
	rootfs_apply(r, dup);
	for (i = 0; i < NELEM(probe); i++)
		rootfs_get(r, probe[i]);
	for (i = 0; i < lf->nfiles; i++)
		rootfs_get(r, lf->files[i].path);
	n = rootfs_list(r, "k", &list);
	free(list);
	n = rootfs_list(r, "var/lib/dpkg/status.d", &list);
	(void)n;
	free(list);
	rootfs_free(r);
	layer_files_free(dup);
	layer_files_free(lf);
	return 0;
}
