/* The matching benchmark: an inventory file against an open vulnerability database, timed around match_inventory only. */
#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "match.h"
#include "model.h"
#include "util.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* name, version, source, source version, arch: one package a line. */
static int
read_inventory(const char *path, struct inventory *inv)
{
	char	*data = NULL, *line, *next, *f[5], *p;
	size_t	 len, i;

	if (file_read(path, (size_t)64 << 20, &data, &len, NULL) != 0) {
		fprintf(stderr, "match-bench: %s: cannot read\n", path);
		return -1;
	}
	for (line = data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		for (i = 0, p = line; i < 5; i++) {
			f[i] = p;
			if (p != NULL && (p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (f[4] == NULL) {
			fprintf(stderr, "match-bench: %s: short line\n", path);
			free(data);
			return -1;
		}
		inventory_add(inv, f[0], f[1], f[2], f[3], f[4], ECO_DEB);
	}
	free(data);
	return 0;
}

/*
 * usage: match-bench [-p] [-n RUNS] [-s NAMESPACE] DB INVENTORY
 * Prints the first call's time, the best of RUNS calls, the findings of one
 * call, the packages, and the peak RSS in KiB; -p first prints the findings
 * of the last call (to compare two builds of the matcher).
 */
int
main(int argc, char **argv)
{
	struct vulndb		*vdb = NULL;
	struct inventory	*inv;
	struct finding_list	 out;
	struct rusage		 ru;
	const char		*ns = "debian:bookworm";
	char			*cause = NULL;
	double			 t0, t, first = -1, best = -1;
	size_t			 nfindings = 0;
	size_t			 i;
	int			 ch, runs = 5, run, print = 0;

	while ((ch = getopt(argc, argv, "pn:s:")) != -1) {
		switch (ch) {
		case 'p':
			print = 1;
			break;
		case 'n':
			runs = atoi(optarg);
			break;
		case 's':
			ns = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || runs < 1 || runs > 1000)
		goto usage;
	inv = inventory_new();
	inv->os.id = xstrdup("debian");
	inv->os.namespace = xstrdup(ns);
	if (read_inventory(argv[1], inv) != 0)
		return 1;
	inventory_sort(inv);
	if (vulndb_open(argv[0], VULNDB_READ, &vdb, &cause) != 0) {
		fprintf(stderr, "match-bench: %s\n", cause);
		return 1;
	}
	for (run = 0; run < runs; run++) {
		memset(&out, 0, sizeof out);
		t0 = now();
		if (match_inventory(vdb, inv, &out, &cause) != 0) {
			fprintf(stderr, "match-bench: %s\n", cause);
			return 1;
		}
		t = now() - t0;
		if (first < 0)
			first = t;
		if (best < 0 || t < best)
			best = t;
		nfindings = out.n;
		for (i = 0; print && run == runs - 1 && i < out.n; i++) {
			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", out.v[i].id,
			    out.v[i].package, out.v[i].installed_version,
			    out.v[i].fixed_version != NULL ? out.v[i].fixed_version : "-",
			    severity_name(out.v[i].severity), out.v[i].namespace,
			    out.v[i].description != NULL ? out.v[i].description : "-");
		}
		finding_list_clear(&out);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%.4f\t%.4f\t%zu\t%zu\t%ld\n", first, best, nfindings, inv->npkgs,
	    ru.ru_maxrss);
	vulndb_close(vdb);
	inventory_free(inv);
	return 0;

usage:
	fprintf(stderr, "usage: match-bench [-p] [-n RUNS] [-s NAMESPACE] DB INVENTORY\n");
	return 2;
}
