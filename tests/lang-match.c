/*
 * Match a list of language packages against a vulnerability database, for
 * lang-osv.sh: "lang-match DB PACKAGES.tsv" reads lines "ecosystem<TAB>name
 * <TAB>version<TAB>location" (no operating system: the inventory of a
 * distroless image), runs the matcher and prints one line per finding:
 * ecosystem, name, version, location, id, fixed version ("-" when none),
 * severity, aliases (sorted, comma-separated, "-") and the informational
 * kind ("-"). "lang-match --orders" prints the language ecosystems whose
 * version order hullscan has, comma-separated.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "match.h"
#include "util.h"
#include "version.h"

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *
or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

int
main(int argc, char **argv)
{
	struct vulndb		*vdb = NULL;
	struct inventory	*inv;
	struct finding_list	 fl;
	struct package		*p;
	const struct finding	*f;
	FILE			*in;
	char			 line[4096], *field[4], *cause = NULL, *s;
	size_t			 i, j, n;

	if (argc == 2 && strcmp(argv[1], "--orders") == 0) {
		for (n = 0, i = ECO_NPM; i <= ECO_LAST; i++) {
			if (version_valid(i, i == ECO_GO ? "v1.0.0" : "1.0.0"))
				printf("%s%s", n++ > 0 ? "," : "", ecosystem_name(i));
		}
		printf("\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: lang-match DB PACKAGES.tsv\n");
		return 2;
	}
	if (vulndb_open(argv[1], VULNDB_READ, &vdb, &cause) != 0) {
		fprintf(stderr, "lang-match: %s\n", cause);
		return 2;
	}
	if ((in = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 2;
	}
	inv = inventory_new();
	while (fgets(line, sizeof line, in) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (n = 0, s = line; n < 4 && s != NULL; n++) {
			field[n] = s;
			if ((s = strchr(s, '\t')) != NULL)
				*s++ = '\0';
		}
		if (n < 3) {
			fprintf(stderr, "lang-match: %s: a line of fewer than 3 fields\n",
			    argv[2]);
			return 2;
		}
		p = inventory_add(inv, field[1], field[2], NULL, NULL, NULL,
		    ecosystem_from_name(field[0]));
		if (n == 4 && *field[3] != '\0')
			p->location = xstrdup(field[3]);
	}
	fclose(in);
	memset(&fl, 0, sizeof fl);
	if (match_inventory(vdb, inv, &fl, &cause) != 0) {
		fprintf(stderr, "lang-match: %s\n", cause);
		return 1;
	}
	for (i = 0; i < fl.n; i++) {
		f = &fl.v[i];
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t", ecosystem_name(f->ecosystem),
		    f->package, f->installed_version, or_dash(f->location), f->id,
		    or_dash(f->fixed_version), severity_name(f->severity));
		if (f->naliases > 1)
			qsort(f->aliases, f->naliases, sizeof *f->aliases, str_cmp);
		for (j = 0; j < f->naliases; j++)
			printf("%s%s", j > 0 ? "," : "", f->aliases[j]);
		printf("%s\t%s\n", f->naliases == 0 ? "-" : "",
		    or_dash(f->informational));
	}
	finding_list_clear(&fl);
	inventory_free(inv);
	vulndb_close(vdb);
	return 0;
}
