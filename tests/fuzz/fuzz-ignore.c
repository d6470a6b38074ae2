/*
 * Fuzz target: ignore files (hullscan's YAML and clair-scanner whitelists).
 * The input goes to a temp file, as ignore_load reads a path; each entry
 * read is then matched against a fixed finding.
 */
#include "config.h"

#define FUZZ_NAME ignore

#include <unistd.h>

#include "fuzz.h"
#include "model.h"
#include "policy.h"

static char	path[256];

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	const char	*tmp;

	FUZZ_QUIET();
	if ((tmp = getenv("TMPDIR")) == NULL)
		tmp = "/tmp";
	snprintf(path, sizeof path, "%s/hullscan-fuzz-ignore.%ld.yaml", tmp,
	    (long)getpid());
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct ignore_list	 l;
	struct image_result	 r;
	struct finding		 f;
	char			*cause = NULL;
	FILE			*fp;
	size_t			 i;
	int			 rc;

	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);

	memset(&l, 0, sizeof l);
	rc = ignore_load(&l, path, "2024-06-01", &cause);
	fuzz_check("ignore_load", rc, &cause);
	memset(&r, 0, sizeof r);
	memset(&f, 0, sizeof f);
	r.reference = "docker://registry.example/app:1";
	r.name = "registry.example/app";
	f.id = "CVE-2024-0001";
	f.package = "openssl";
	f.source_name = "openssl";
	f.installed_version = "3.0.1-1";
	f.status = "open";
	ignore_match(&l, &r, &f);
	for (i = 0; i < l.n; i++) {
		/* Match each entry's own id against it: the fuzzer's words reach fnmatch. */
		f.id = l.v[i].id;
		if (l.v[i].package != NULL)
			f.package = f.source_name = l.v[i].package;
		ignore_match(&l, &r, &f);
	}
	ignore_list_clear(&l);
	unlink(path);
	return 0;
}
