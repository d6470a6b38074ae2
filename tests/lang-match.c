/*
 * Match a list of language packages against a vulnerability database, for
 * lang-osv.sh: "lang-match DB PACKAGES.tsv" reads lines "ecosystem<TAB>name
 * <TAB>version<TAB>location" (no operating system: the inventory of a
 * distroless image), runs the matcher and prints one line per finding:
 * ecosystem, name, version, location, id, fixed version ("-" when none),
 * severity, aliases (sorted, comma-separated, "-") and the informational
 * kind ("-"). "lang-match --orders" prints the language ecosystems whose
 * version order hullscan has, comma-separated. With "--reports DIR" after
 * the two arguments, and optionally "--fail-on SEV" and "--ignore FILE", it
 * also gives the findings their verdicts, as one image "lang/app:1" of a
 * run, writes report.json, junit.xml, report.sarif and bom.cdx.json in DIR,
 * prints the image's warning (scan_coverage) and the policy's reasons to
 * stderr and exits with its status.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "match.h"
#include "policy.h"
#include "report.h"
#include "scan.h"
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
	struct run_result	*rr;
	struct image_result	*r;
	struct policy		*pol;
	const char		*dir = NULL;
	char			*path;
	int			 a, status;
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
	if (argc < 3) {
		fprintf(stderr, "usage: lang-match DB PACKAGES.tsv [--reports DIR"
		    " [--fail-on SEV] [--ignore FILE]...]\n");
		return 2;
	}
	pol = policy_new();
	policy_set_today(pol, "2026-12-01");
	for (a = 3; a + 1 < argc; a += 2) {
		if (strcmp(argv[a], "--reports") == 0)
			dir = argv[a + 1];
		else if ((strcmp(argv[a], "--fail-on") == 0 &&
		    policy_set_fail_on(pol, argv[a + 1], &cause) != 0) ||
		    (strcmp(argv[a], "--ignore") == 0 &&
		    policy_load_ignore(pol, argv[a + 1], &cause) != 0)) {
			fprintf(stderr, "lang-match: %s\n", cause);
			return 2;
		}
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
	if (dir == NULL) {
		finding_list_clear(&fl);
		inventory_free(inv);
		policy_free(pol);
		vulndb_close(vdb);
		return 0;
	}
	rr = run_result_new();
	rr->started = xstrdup("2026-12-01T10:00:00Z");
	rr->db_path = xstrdup(argv[1]);
	r = run_result_add(rr, "docker://registry.example.com/lang/app:1");
	r->name = xstrdup("registry.example.com/lang/app");
	r->inv = inv;
	r->findings = fl;
	scan_coverage(vdb, r);
	if (r->warning != NULL)
		fprintf(stderr, "warning: %s\n", r->warning);
	status = policy_apply(pol, rr);
	rr->exit_status = status;
	for (i = 0; i < rr->nreasons; i++)
		fprintf(stderr, "reason: %s\n", rr->reasons[i]);
	for (i = 0; i < r->findings.n; i++) {
		if (r->findings.v[i].verdict == VERDICT_IGNORED)
			fprintf(stderr, "ignored: %s %s %s: %s\n", r->findings.v[i].id,
			    r->findings.v[i].package, or_dash(r->findings.v[i].location),
			    r->findings.v[i].ignore_reason);
	}
	path = xasprintf("%s/report.json", dir);
	if (report_json_write(rr, path, &cause) != 0)
		status = 2;
	free(path);
	path = xasprintf("%s/junit.xml", dir);
	if (status != 2 && report_junit_write(rr, path, &cause) != 0)
		status = 2;
	free(path);
	path = xasprintf("%s/report.sarif", dir);
	if (status != 2 && report_sarif_write(rr, path, &cause) != 0)
		status = 2;
	free(path);
	path = xasprintf("%s/bom.cdx.json", dir);
	if (status != 2 && report_cyclonedx_write(rr, path, &cause) != 0)
		status = 2;
	free(path);
	if (status == 2)
		fprintf(stderr, "lang-match: %s\n", cause);
	run_result_free(rr);
	policy_free(pol);
	vulndb_close(vdb);
	return status;
}
