/* The floor for layer benchmarks: libarchive reading every entry's data of a blob while SHA-256 hashes the blob, one thread. */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "util.h"

#define FLOOR_BLOCK	65536

struct floor_in {
	int			 fd;
	char			*block;
	struct hs_sha256	*sha;
	uint64_t		 bytes;
};

static la_ssize_t
floor_read(struct archive *a, void *arg, const void **buf)
{
	struct floor_in	*in = arg;
	ssize_t		 n;

	do
		n = read(in->fd, in->block, FLOOR_BLOCK);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read: %s", strerror(errno));
		return -1;
	}
	sha256_update(in->sha, in->block, n);
	in->bytes += n;
	*buf = in->block;
	return n;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Read one blob: every entry's data through libarchive (any filter, tar),
 * the compressed bytes through SHA-256 on the way. Blob bytes left after the
 * tar's end are hashed too, as a digest check must.
 */
static int
floor_blob(const char *path, uint64_t *tar_bytes, size_t *entries)
{
	struct floor_in		 in;
	struct archive		*a;
	struct archive_entry	*e;
	const void		*p;
	size_t			 size;
	la_int64_t		 off;
	char			 digest[72];
	ssize_t			 n;
	int			 r, rc = -1;

	memset(&in, 0, sizeof in);
	if ((in.fd = open(path, O_RDONLY)) == -1) {
		fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
		return -1;
	}
	in.block = xmalloc(FLOOR_BLOCK);
	in.sha = sha256_new();
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_empty(a);
	if (archive_read_open(a, &in, NULL, floor_read, NULL) != ARCHIVE_OK)
		goto out;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		(*entries)++;
		while ((r = archive_read_data_block(a, &p, &size, &off)) ==
		    ARCHIVE_OK || r == ARCHIVE_WARN)
			*tar_bytes += size;
		if (r != ARCHIVE_EOF)
			goto out;
	}
	if (r != ARCHIVE_EOF)
		goto out;
	while ((n = floor_read(a, &in, &p)) > 0)
		;
	sha256_final(in.sha, digest);
	in.sha = NULL;
	if (getenv("FLOOR_VERBOSE") != NULL)
		fprintf(stderr, "floor: %s: %s\n", path, digest);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "floor: %s: %s\n", path, archive_error_string(a));
	archive_read_free(a);
	sha256_free(in.sha);
	free(in.block);
	close(in.fd);
	return rc;
}

/*
 * usage: floor [-n RUNS] BLOB...
 * Prints the best wall time of RUNS passes over all the blobs, then the bytes
 * and entries of one pass and the peak RSS.
 */
int
main(int argc, char **argv)
{
	struct rusage	ru;
	uint64_t	tar_bytes = 0;
	size_t		entries = 0;
	double		t0, t, best = -1;
	int		ch, i, runs = 1, run;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			runs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || runs < 1 || runs > 1000)
		goto usage;
	for (run = 0; run < runs; run++) {
		tar_bytes = 0;
		entries = 0;
		t0 = now();
		for (i = 0; i < argc; i++) {
			if (floor_blob(argv[i], &tar_bytes, &entries) != 0)
				return 1;
		}
		t = now() - t0;
		if (best < 0 || t < best)
			best = t;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%.4f\t%llu\t%zu\t%ld\n", best, (unsigned long long)tar_bytes,
	    entries, ru.ru_maxrss);
	return 0;

usage:
	fprintf(stderr, "usage: floor [-n RUNS] BLOB...\n");
	return 2;
}
