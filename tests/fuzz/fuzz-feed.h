/*
 * The body of every feed fuzz target: FUZZ_FEED names the format. Each input
 * is imported into an in-memory vulnerability db in a transaction that is
 * rolled back, so every run starts from the same empty db.
 */
#include "config.h"

#include "db.h"
#include "feed.h"
#include "fuzz.h"

static struct vulndb	*fuzz_db;

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	char	*cause = NULL;

	FUZZ_QUIET();
	if (vulndb_open(":memory:", VULNDB_CREATE, &fuzz_db, &cause) != 0) {
		fprintf(stderr, "fuzz: %s\n", cause);
		abort();
	}
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	const struct feed_format	*fmt = &FUZZ_FEED;
	const char			*in = (const char *)data;
	char				*cause = NULL, *name;
	int64_t				 records = 0;
	int				 rc;

	fmt->detect(in, size);
	feed_format_detect(in, size);
	if (fmt->feed_name != NULL) {
		name = fmt->feed_name(in, size);
		free(name);
	}
	if ((rc = vulndb_begin(fuzz_db, &cause)) != 0 ||
	    (rc = vulndb_feed_reset(fuzz_db, "fuzz", "fuzz", "sha256:0", &cause)) != 0) {
		fprintf(stderr, "fuzz: %s\n", cause);
		abort();
	}
	rc = fmt->import(fuzz_db, "fuzz", in, size, &records, &cause);
	fuzz_check(fmt->name, rc, &cause);
	if (rc == 0 && records < 0)
		abort();
#ifdef FUZZ_AFTER_IMPORT
	/* What a target reads back from the rows it wrote (the matcher). */
	if (rc == 0)
		FUZZ_AFTER_IMPORT(fuzz_db);
#endif
	vulndb_rollback(fuzz_db);
	return 0;
}
