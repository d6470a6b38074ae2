/* hullscan history and rescan: list, diff, trend, prune, merge and re-match stored builds. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cmd.h"
#include "db.h"
#include "history.h"
#include "match.h"
#include "policy.h"
#include "report.h"
#include "scan.h"
#include "util.h"

enum hist_opt {
	O_HISTORY = 256,
	O_JOB,
	O_BUILD,
	O_FROM,
	O_LAST,
	O_KEEP,
	O_FORMAT,
	O_DB,
	O_JSON,
	O_FAIL_ON,
	O_FAIL_ON_NEW,
	O_IGNORE_UNFIXED,
	O_IGNORE,
	O_FAIL_UNCHECKED,
	O_BASELINE,
	O_FAIL_EOL,
};

/* Which options each subcommand takes (bit per option). */
#define B(o) (1u << ((o) - O_HISTORY))
#define POLICY_OPTS (B(O_FAIL_ON) | B(O_FAIL_ON_NEW) | B(O_IGNORE_UNFIXED) | B(O_IGNORE) | \
    B(O_FAIL_UNCHECKED) | B(O_FAIL_EOL))

static const struct option hist_options[] = {
	{ "history", required_argument, NULL, O_HISTORY },
	{ "job", required_argument, NULL, O_JOB },
	{ "build", required_argument, NULL, O_BUILD },
	{ "from", required_argument, NULL, O_FROM },
	{ "last", required_argument, NULL, O_LAST },
	{ "keep", required_argument, NULL, O_KEEP },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "db", required_argument, NULL, O_DB },
	{ "json", required_argument, NULL, O_JSON },
	{ "junit", required_argument, NULL, CMD_OPT_JUNIT },
	{ "sarif", required_argument, NULL, CMD_OPT_SARIF },
	{ "cyclonedx", required_argument, NULL, CMD_OPT_CYCLONEDX },
	{ "spdx", required_argument, NULL, CMD_OPT_SPDX },
	{ "html", required_argument, NULL, CMD_OPT_HTML },
	{ "templates", required_argument, NULL, CMD_OPT_TEMPLATES },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "fail-on-new", required_argument, NULL, O_FAIL_ON_NEW },
	{ "ignore-unfixed", no_argument, NULL, O_IGNORE_UNFIXED },
	{ "fail-on-unchecked", no_argument, NULL, O_FAIL_UNCHECKED },
	{ "fail-on-eol", no_argument, NULL, O_FAIL_EOL },
	{ "ignore", required_argument, NULL, O_IGNORE },
	{ "baseline", required_argument, NULL, O_BASELINE },
	CMD_DB_AGE_LONGOPTS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

enum format {
	FMT_TABLE,
	FMT_CSV,
	FMT_JSON,
};

struct hist_args {
	const char	*history;
	const char	*job;
	const char	*build;
	const char	*from;
	const char	*baseline;	/* --baseline: the build compared with */
	const char	*db;
	const char	*json;
	struct cmd_reports reports;	/* --junit, --sarif, --cyclonedx, --html, --templates
					   (merge, rescan) */
	struct cmd_db_age age;		/* --max-db-age, --fail-on-stale (rescan) */
	long		 last;
	long		 keep;
	enum format	 format;
	struct policy	*policy;
	char		**args;		/* operands */
	int		 nargs;
};

static const char *history_usage =
    "usage: hullscan history COMMAND [options]\n"
    "  list  [--job J] [--last N] [--format table|csv|json]   builds stored\n"
    "  diff  [--job J] [--format table|json] [--baseline BUILD_A] [BUILD_B]\n"
    "        new, fixed and still open in BUILD_B (default: the latest) against\n"
    "        BUILD_A (default: each image's last successful scan before it);\n"
    "        \"diff BUILD_A BUILD_B\" works too\n"
    "  trend [--job J] [--last N] [--format table|csv|json]   counts by severity per build\n"
    "  prune --keep N [--job J]                                keep the last N builds of each job\n"
    "  merge [--job J] [--build B] [--baseline BUILD] [report options] [policy options]\n"
    "        SHARD_HISTORY...\n"
    "        fold the latest build of each shard's history into one build\n"
    "  rescan [--db FILE] [--job J] [--from BUILD] [--build B] [--baseline BUILD]\n"
    "         [--max-db-age HOURS]\n"
    "         [--fail-on-stale] [report options] [policy options]\n"
    "        re-match the stored inventories of a build against today's database;\n"
    "        the database's age is checked as scan checks it (default: warn past 24 h)\n"
    "options for all: --history FILE (default ./" HISTORY_DEFAULT_PATH "),\n"
    "  -q, --quiet (warnings and errors only), -v, --verbose (debug messages)\n"
    "policy options: --fail-on SEV, --fail-on-new SEV, --ignore-unfixed, --ignore FILE,\n"
    "  --fail-on-unchecked, --fail-on-eol\n"
    "report options: --json FILE, --junit FILE, --sarif FILE, --cyclonedx FILE, --spdx FILE,\n"
    "  --html DIR, --templates DIR\n"
    "The job defaults to --job, else $JOB_NAME, else the job of the latest build.\n";

static int
parse_count(const char *opt, const char *s, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 1000000) {
		log_error("%s: not a number from 0 to 1000000: %s", opt, s);
		return EXIT_USAGE;
	}
	*out = v;
	return 0;
}

/* Parse argv for one subcommand; allowed says which options it takes. */
static int
hist_parse(int argc, char **argv, unsigned allowed, struct hist_args *a)
{
	char	*cause = NULL, *name;
	int	 ch, idx;

	memset(a, 0, sizeof *a);
	a->history = HISTORY_DEFAULT_PATH;
	a->policy = policy_new();
	cmd_db_age_init(&a->age);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":qvh", hist_options, &idx)) != -1) {
		if (ch == '?' || ch == ':') {
			name = strcmp(argv[0], "rescan") == 0 ? xstrdup(argv[0]) :
			    xasprintf("history %s", argv[0]);
			cmd_bad_option(name, argv, ch);
			free(name);
			return EXIT_USAGE;
		}
		/* The database's age goes where --db does: rescan. */
		if (ch == CMD_OPT_MAX_DB_AGE || ch == CMD_OPT_FAIL_ON_STALE) {
			if (!(allowed & B(O_DB))) {
				log_error("%s: option --%s does not apply", argv[0],
				    hist_options[idx].name);
				return EXIT_USAGE;
			}
			if (cmd_db_age_option(&a->age, ch, optarg) < 0)
				return EXIT_USAGE;
			continue;
		}
		if (ch >= O_HISTORY && !(allowed & B(ch)) && ch != O_HISTORY) {
			log_error("%s: option --%s does not apply", argv[0],
			    hist_options[idx].name);
			return EXIT_USAGE;
		}
		/* The other reports go where --json does: merge and rescan. */
		if (ch >= CMD_OPT_JUNIT && ch <= CMD_OPT_TEMPLATES) {
			if (!(allowed & B(O_JSON))) {
				log_error("%s: option --%s does not apply", argv[0],
				    hist_options[idx].name);
				return EXIT_USAGE;
			}
			cmd_report_option(&a->reports, ch, optarg);
			continue;
		}
		switch (ch) {
		case O_HISTORY:
			a->history = optarg;
			break;
		case O_JOB:
			a->job = optarg;
			break;
		case O_BUILD:
			a->build = optarg;
			break;
		case O_FROM:
			a->from = optarg;
			break;
		case O_BASELINE:
			a->baseline = optarg;
			break;
		case O_DB:
			a->db = optarg;
			break;
		case O_JSON:
			a->json = a->reports.json = optarg;
			break;
		case O_LAST:
			if (parse_count("--last", optarg, &a->last) != 0)
				return EXIT_USAGE;
			break;
		case O_KEEP:
			if (parse_count("--keep", optarg, &a->keep) != 0)
				return EXIT_USAGE;
			if (a->keep < 1) {
				log_error("--keep: at least 1");
				return EXIT_USAGE;
			}
			break;
		case O_FORMAT:
			if (strcmp(optarg, "table") == 0)
				a->format = FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				a->format = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				a->format = FMT_JSON;
			else {
				log_error("--format: table, csv or json, not %s", optarg);
				return EXIT_USAGE;
			}
			break;
		case O_FAIL_ON:
			if (policy_set_fail_on(a->policy, optarg, &cause) != 0)
				goto bad;
			break;
		case O_FAIL_ON_NEW:
			if (policy_set_fail_on_new(a->policy, optarg, &cause) != 0)
				goto bad;
			break;
		case O_IGNORE_UNFIXED:
			policy_set_ignore_unfixed(a->policy, 1);
			break;
		case O_FAIL_UNCHECKED:
			policy_set_fail_unchecked(a->policy, 1);
			break;
		case O_FAIL_EOL:
			policy_set_fail_eol(a->policy, 1);
			break;
		case O_IGNORE:
			if (policy_load_ignore(a->policy, optarg, &cause) != 0)
				goto bad;
			break;
		case 'q':
			log_verbosity = 0;
			break;
		case 'v':
			log_verbosity = 2;
			break;
		case 'h':
			fputs(history_usage, stdout);
			exit(EXIT_PASS);
		default:
			log_error("%s: option -%c not handled (see hullscan history "
			    "--help)", argv[0], ch);
			return EXIT_USAGE;
		}
	}
	a->args = argv + optind;
	a->nargs = argc - optind;
	return 0;
bad:
	log_error("%s", cause);
	free(cause);
	return EXIT_USAGE;
}

/* The job a read command looks at: --job, $JOB_NAME, else the latest build's. */
static int
hist_job(struct history *h, const struct hist_args *a, char **job)
{
	const char	*env;
	char		*cause = NULL;

	if (a->job != NULL) {
		*job = xstrdup(a->job);
		return 0;
	}
	if ((env = getenv("JOB_NAME")) != NULL && *env != '\0') {
		*job = xstrdup(env);
		return 0;
	}
	if (history_latest_job(h, job, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	return 0;
}

static int
hist_open(const struct hist_args *a, int flags, struct history **h)
{
	char	*cause = NULL;

	if (history_open(a->history, flags, h, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	return 0;
}

static void
csv_field(FILE *f, const char *s, int last)
{
	const char	*p;

	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") != NULL) {
		fputc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputc(last ? '\n' : ',', f);
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static void
json_print(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

static const enum severity sev_order[] = {
	SEV_CRITICAL, SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_NEGLIGIBLE, SEV_UNKNOWN,
};

static json_t *
json_counts(const int *counts)
{
	json_t	*o = json_object();
	size_t	 i;
	char	 key[32];
	int	 total = 0;

	for (i = 0; i < NELEM(sev_order); i++) {
		snprintf(key, sizeof key, "%s", severity_name(sev_order[i]));
		key[0] = (char)(key[0] - 'A' + 'a');
		json_object_set_new(o, key, json_integer(counts[sev_order[i]]));
		total += counts[sev_order[i]];
	}
	json_object_set_new(o, "total", json_integer(total));
	return o;
}

/* --- list, trend ---------------------------------------------------------- */

static int
cmd_history_list_trend(int argc, char **argv, int trend)
{
	struct hist_args	 a;
	struct history		*h = NULL;
	struct history_build	*v = NULL, *b;
	char			*job = NULL, *cause = NULL, num[16][32];
	size_t			 n = 0, i, k;
	json_t			*arr, *o;
	int			 status, total;

	if ((status = hist_parse(argc, argv, B(O_JOB) | B(O_LAST) | B(O_FORMAT), &a)) != 0)
		goto out;
	if (a.nargs != 0) {
		log_error("%s: unexpected argument %s", argv[0], a.args[0]);
		status = EXIT_USAGE;
		goto out;
	}
	if ((status = hist_open(&a, HISTORY_READ, &h)) != 0)
		goto out;
	/* list shows every job unless one is named; trend is per job. */
	if (trend && (status = hist_job(h, &a, &job)) != 0)
		goto out;
	if (!trend && a.job != NULL)
		job = xstrdup(a.job);
	if (history_list(h, job, (size_t)a.last, &v, &n, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	switch (a.format) {
	case FMT_JSON:
		arr = json_array();
		for (i = 0; i < n; i++) {
			b = &v[i];
			o = json_pack("{s:s, s:s, s:o, s:s}", "job", b->job, "build",
			    b->build, "build_url", jstr(b->build_url), "started",
			    b->started);
			if (!trend) {
				json_object_set_new(o, "images", json_integer(b->nimages));
				json_object_set_new(o, "images_failed",
				    json_integer(b->nerrors));
				json_object_set_new(o, "findings",
				    json_integer(b->nfindings));
				json_object_set_new(o, "ignored", json_integer(b->nignored));
				json_object_set_new(o, "policy", json_string(
				    b->policy_failed ? "fail" : "pass"));
			}
			json_object_set_new(o, "counts", json_counts(b->counts));
			json_array_append_new(arr, o);
		}
		if (trend)
			json_print(json_pack("{s:s, s:o}", "job", job, "builds", arr));
		else
			json_print(arr);
		break;
	case FMT_CSV:
		if (!trend)
			fputs("job,build,started,images,images_failed,findings,ignored,"
			    "policy,", stdout);
		else
			fputs("job,build,started,", stdout);
		fputs("critical,high,medium,low,negligible,unknown,total\n", stdout);
		for (i = 0; i < n; i++) {
			b = &v[i];
			csv_field(stdout, b->job, 0);
			csv_field(stdout, b->build, 0);
			csv_field(stdout, b->started, 0);
			if (!trend)
				printf("%d,%d,%d,%d,%s,", b->nimages, b->nerrors,
				    b->nfindings, b->nignored,
				    b->policy_failed ? "fail" : "pass");
			total = 0;
			for (k = 0; k < NELEM(sev_order); k++) {
				printf("%d,", b->counts[sev_order[k]]);
				total += b->counts[sev_order[k]];
			}
			printf("%d\n", total);
		}
		break;
	case FMT_TABLE:
		if (n == 0) {
			printf("no builds%s%s\n", job != NULL ? " of job " : "",
			    job != NULL ? job : "");
			break;
		}
		if (!trend)
			printf("%-20s %-8s %-20s %6s %6s %8s %7s %-6s ", "JOB", "BUILD",
			    "STARTED", "IMAGES", "FAILED", "FINDINGS", "IGNORED", "POLICY");
		else
			printf("job %s\n%-8s %-20s ", job, "BUILD", "STARTED");
		printf("%8s %6s %6s %6s %10s %7s %6s\n", "CRITICAL", "HIGH", "MEDIUM",
		    "LOW", "NEGLIGIBLE", "UNKNOWN", "TOTAL");
		for (i = 0; i < n; i++) {
			b = &v[i];
			if (!trend)
				printf("%-20s %-8s %-20s %6d %6d %8d %7d %-6s ", b->job,
				    b->build, b->started, b->nimages, b->nerrors,
				    b->nfindings, b->nignored,
				    b->policy_failed ? "fail" : "pass");
			else
				printf("%-8s %-20s ", b->build, b->started);
			total = 0;
			for (k = 0; k < NELEM(sev_order); k++) {
				snprintf(num[k], sizeof num[k], "%d",
				    b->counts[sev_order[k]]);
				total += b->counts[sev_order[k]];
			}
			printf("%8s %6s %6s %6s %10s %7s %6d\n", num[0], num[1], num[2],
			    num[3], num[4], num[5], total);
		}
		break;
	}
	status = EXIT_PASS;
out:
	history_builds_free(v, n);
	history_close(h);
	policy_free(a.policy);
	free(job);
	free(cause);
	return status;
}

/* --- diff ----------------------------------------------------------------- */

static json_t *
json_diff_finding(const struct finding *f)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s}", "id", f->id, "package",
	    f->package, "installed_version", jstr(f->installed_version),
	    "fixed_version", jstr(f->fixed_version), "severity",
	    severity_name(f->severity), "verdict", verdict_name(f->verdict));
	if (f->ignore_reason != NULL)
		json_object_set_new(o, "ignore_reason", json_string(f->ignore_reason));
	return o;
}

static void
table_finding(const char *what, const struct finding *f)
{
	printf("  %-6s %-18s %-20s %-22s %-9s %s%s%s\n", what, f->id, f->package,
	    f->installed_version != NULL ? f->installed_version : "-",
	    severity_name(f->severity),
	    f->fixed_version != NULL ? "fixed in " : "no fix",
	    f->fixed_version != NULL ? f->fixed_version : "",
	    f->verdict == VERDICT_IGNORED ? " (ignored)" : "");
}

static void
diff_print(const struct run_result *rr, enum format fmt)
{
	const struct image_result	*r;
	size_t				 i, j, nnew, nopen, tnew = 0, tfixed = 0, topen = 0;
	json_t				*imgs = NULL, *o, *an, *af, *ao;

	if (fmt == FMT_JSON)
		imgs = json_array();
	else
		printf("job %s: build %s against %s\n", rr->job, rr->build,
		    rr->previous_build != NULL ? rr->previous_build : "nothing (first build)");
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		nnew = nopen = 0;
		for (j = 0; j < r->findings.n; j++) {
			if (r->findings.v[j].is_new == 1)
				nnew++;
			else
				nopen++;
		}
		tnew += nnew;
		topen += nopen;
		tfixed += r->fixed.n;
		if (fmt == FMT_JSON) {
			an = json_array();
			af = json_array();
			ao = json_array();
			for (j = 0; j < r->findings.n; j++)
				json_array_append_new(r->findings.v[j].is_new == 1 ? an : ao,
				    json_diff_finding(&r->findings.v[j]));
			for (j = 0; j < r->fixed.n; j++)
				json_array_append_new(af, json_diff_finding(&r->fixed.v[j]));
			o = json_pack("{s:s, s:s, s:o, s:o, s:b, s:{s:i, s:i, s:i}, s:o, "
			    "s:o, s:o}", "name", r->name != NULL ? r->name : r->reference,
			    "reference", r->reference, "digest", jstr(r->digest),
			    "error", jstr(r->error), "in_previous", r->has_previous,
			    "counts", "new", (int)nnew, "fixed", (int)r->fixed.n,
			    "still_open", (int)nopen, "new", an, "fixed", af,
			    "still_open", ao);
			json_array_append_new(imgs, o);
			continue;
		}
		if (r->error != NULL) {
			printf("%s: could not be scanned: %s\n", r->reference, r->error);
			continue;
		}
		printf("%s: %zu new, %zu fixed, %zu still open%s\n", r->reference, nnew,
		    r->fixed.n, nopen, r->has_previous ? "" : " (not scanned before)");
		for (j = 0; j < r->findings.n; j++) {
			if (r->findings.v[j].is_new == 1)
				table_finding("new", &r->findings.v[j]);
		}
		for (j = 0; j < r->fixed.n; j++)
			table_finding("fixed", &r->fixed.v[j]);
		for (j = 0; j < r->findings.n; j++) {
			if (r->findings.v[j].is_new != 1)
				table_finding("open", &r->findings.v[j]);
		}
	}
	if (fmt == FMT_JSON) {
		json_print(json_pack("{s:s, s:s, s:o, s:{s:i, s:i, s:i}, s:o}", "job",
		    rr->job, "build", rr->build, "against", jstr(rr->previous_build),
		    "counts", "new", (int)tnew, "fixed", (int)tfixed, "still_open",
		    (int)topen, "images", imgs));
		return;
	}
	printf("total: %zu new, %zu fixed, %zu still open\n", tnew, tfixed, topen);
}

static int
cmd_history_diff(int argc, char **argv)
{
	struct hist_args	 a;
	struct history		*h = NULL;
	struct run_result	*rr = NULL;
	const char		*against = NULL, *build = NULL;
	char			*job = NULL, *cause = NULL;
	int			 status;

	if ((status = hist_parse(argc, argv, B(O_JOB) | B(O_FORMAT) | B(O_BASELINE),
	    &a)) != 0)
		goto out;
	if (a.nargs > 2 || (a.baseline != NULL && a.nargs > 1)) {
		log_error("diff: at most two builds (--baseline BUILD_A BUILD_B, or "
		    "BUILD_A BUILD_B)");
		status = EXIT_USAGE;
		goto out;
	}
	if (a.format == FMT_CSV) {
		log_error("diff: --format table or json");
		status = EXIT_USAGE;
		goto out;
	}
	if (a.baseline != NULL) {
		against = a.baseline;
		if (a.nargs == 1)
			build = a.args[0];
	} else {
		if (a.nargs >= 1)
			against = a.args[0];
		if (a.nargs == 2)
			build = a.args[1];
	}
	if ((status = hist_open(&a, HISTORY_READ, &h)) != 0 ||
	    (status = hist_job(h, &a, &job)) != 0)
		goto out;
	status = EXIT_USAGE;
	if (history_load(h, job, build, HISTORY_LOAD_FINDINGS, &rr, &cause) != 0 ||
	    history_diff_run(h, rr, against, &cause) != 0) {
		log_error("%s", cause);
		goto out;
	}
	diff_print(rr, a.format);
	status = EXIT_PASS;
out:
	run_result_free(rr);
	history_close(h);
	policy_free(a.policy);
	free(job);
	free(cause);
	return status;
}

/* --- prune ---------------------------------------------------------------- */

static int
cmd_history_prune(int argc, char **argv)
{
	struct hist_args	 a;
	struct history		*h = NULL;
	char			*cause = NULL;
	size_t			 removed;
	int			 status;

	if ((status = hist_parse(argc, argv, B(O_JOB) | B(O_KEEP), &a)) != 0)
		goto out;
	if (a.keep < 1 || a.nargs != 0) {
		log_error("prune: --keep N is required, and nothing else");
		status = EXIT_USAGE;
		goto out;
	}
	if ((status = hist_open(&a, HISTORY_CREATE, &h)) != 0)
		goto out;
	if (history_prune(h, a.job, (size_t)a.keep, &removed, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	log_info("%s: removed %zu build%s, kept the last %ld of %s", a.history, removed,
	    removed == 1 ? "" : "s", a.keep, a.job != NULL ? a.job : "each job");
	status = EXIT_PASS;
out:
	history_close(h);
	policy_free(a.policy);
	free(cause);
	return status;
}

/* --- shared tail of merge and rescan: diff, policy, record, report --------- */

static char *
now_iso(void)
{
	char		buf[32];
	time_t		t = time(NULL);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static int
finish_build(struct history *h, const struct hist_args *a, struct run_result *rr,
    int apply_policy)
{
	char	*cause = NULL;
	size_t	 i, j, nnew = 0, nfixed = 0, nerr = 0, nfind = 0;
	int	 status = EXIT_PASS;

	scan_keys(rr);
	if (history_diff_run(h, rr, a->baseline, &cause) != 0)
		goto fail;
	if (apply_policy)
		status = policy_apply(a->policy, rr);
	else
		status = rr->policy_failed ? EXIT_POLICY : EXIT_PASS;
	for (i = 0; i < rr->nimages; i++) {
		if (rr->images[i].error != NULL)
			nerr++;
		nfind += rr->images[i].findings.n;
		nfixed += rr->images[i].fixed.n;
		for (j = 0; j < rr->images[i].findings.n; j++)
			nnew += rr->images[i].findings.v[j].is_new == 1;
	}
	if (status == EXIT_PASS && nerr != 0)
		status = EXIT_IMAGE;
	rr->exit_status = status;
	if (history_record(h, rr, &cause) != 0 ||
	    history_trend(h, rr->job, 30, rr, &cause) != 0)
		goto fail;
	if (cmd_reports_write(&a->reports, rr) != 0 && status == EXIT_PASS)
		status = rr->exit_status = EXIT_USAGE;
	for (i = 0; i < rr->nreasons; i++)
		log_error("%s", rr->reasons[i]);
	log_info("job %s build %s: %zu image%s (%zu failed), %zu findings, %zu new, "
	    "%zu fixed since %s; policy %s", rr->job, rr->build, rr->nimages,
	    rr->nimages == 1 ? "" : "s", nerr, nfind, nnew, nfixed,
	    rr->previous_build != NULL ? rr->previous_build : "(none)",
	    rr->policy_failed ? "failed" : "passed");
	return status;
fail:
	log_error("%s", cause);
	free(cause);
	return EXIT_USAGE;
}

/* --- merge ---------------------------------------------------------------- */

/* Move the images of src to the end of dst. */
static void
move_images(struct run_result *dst, struct run_result *src)
{
	size_t	i;

	dst->images = xreallocarray(dst->images, dst->nimages + src->nimages,
	    sizeof *dst->images);
	for (i = 0; i < src->nimages; i++)
		dst->images[dst->nimages++] = src->images[i];
	free(src->images);
	src->images = NULL;
	src->nimages = 0;
}

static int
cmd_history_merge(int argc, char **argv)
{
	struct hist_args	 a;
	struct history		*h = NULL, *sh;
	struct run_result	*rr = NULL, *part;
	char			*cause = NULL;
	int			 status, i;
	size_t			 j;

	if ((status = hist_parse(argc, argv, B(O_JOB) | B(O_BUILD) | B(O_JSON) |
	    B(O_BASELINE) | POLICY_OPTS, &a)) != 0)
		goto out;
	if (a.nargs == 0) {
		log_error("merge: no shard history given");
		status = EXIT_USAGE;
		goto out;
	}
	status = EXIT_USAGE;
	rr = run_result_new();
	for (i = 0; i < a.nargs; i++) {
		if (strcmp(a.args[i], a.history) == 0) {
			log_error("merge: %s is the main history itself", a.args[i]);
			goto out;
		}
		if (history_open(a.args[i], HISTORY_READ, &sh, &cause) != 0)
			goto fail;
		if (history_load(sh, a.job, NULL, HISTORY_LOAD_FINDINGS |
		    HISTORY_LOAD_INVENTORY, &part, &cause) != 0) {
			history_close(sh);
			goto fail;
		}
		history_close(sh);
		if (rr->job == NULL) {
			rr->job = xstrdup(part->job);
			rr->build = xstrdup(part->build);
			rr->build_url = part->build_url != NULL ?
			    xstrdup(part->build_url) : NULL;
			rr->db_path = part->db_path != NULL ? xstrdup(part->db_path) : NULL;
		} else if (strcmp(rr->job, part->job) != 0 ||
		    strcmp(rr->build, part->build) != 0)
			log_warn("merge: %s holds build %s of job %s, not %s of %s",
			    a.args[i], part->build, part->job, rr->build, rr->job);
		if (rr->started == NULL || (part->started != NULL &&
		    strcmp(part->started, rr->started) < 0)) {
			free(rr->started);
			rr->started = part->started != NULL ? xstrdup(part->started) : NULL;
		}
		rr->policy_failed |= part->policy_failed;
		for (j = 0; j < part->nreasons; j++) {
			rr->reasons = xreallocarray(rr->reasons, rr->nreasons + 1,
			    sizeof *rr->reasons);
			rr->reasons[rr->nreasons++] = part->reasons[j];
			part->reasons[j] = NULL;
		}
		move_images(rr, part);
		run_result_free(part);
	}
	if (a.job != NULL) {
		free(rr->job);
		rr->job = xstrdup(a.job);
	}
	if (a.build != NULL) {
		free(rr->build);
		rr->build = xstrdup(a.build);
	}
	if (hist_open(&a, HISTORY_CREATE, &h) != 0)
		goto out;
	status = finish_build(h, &a, rr, policy_active(a.policy));
	goto out;
fail:
	log_error("%s", cause);
	status = EXIT_USAGE;
out:
	run_result_free(rr);
	history_close(h);
	policy_free(a.policy);
	free(cause);
	return status;
}

/* --- rescan --------------------------------------------------------------- */

static int
cmd_rescan_exec(int argc, char **argv)
{
	struct hist_args	 a;
	struct history		*h = NULL;
	struct vulndb		*db = NULL;
	struct run_result	*src = NULL, *rr = NULL;
	struct image_result	*s, *r;
	const char		*env;
	char			*job = NULL, *db_path = NULL, *cause = NULL, *eol;
	size_t			 i;
	int			 status;

	if ((status = hist_parse(argc, argv, B(O_JOB) | B(O_BUILD) | B(O_FROM) |
	    B(O_DB) | B(O_JSON) | B(O_BASELINE) | POLICY_OPTS, &a)) != 0)
		goto out;
	if (a.nargs != 0) {
		log_error("rescan: unexpected argument %s", a.args[0]);
		status = EXIT_USAGE;
		goto out;
	}
	db_path = a.db != NULL ? xstrdup(a.db) : cmd_default_db();
	if ((status = hist_open(&a, HISTORY_CREATE, &h)) != 0 ||
	    (status = hist_job(h, &a, &job)) != 0)
		goto out;
	if (history_load(h, job, a.from, HISTORY_LOAD_INVENTORY, &src, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	if ((status = cmd_db_check(db_path, &a.age, &db)) != 0)
		goto out;

	rr = run_result_new();
	rr->job = xstrdup(job);
	/* Jenkins' BUILD_NUMBER counts only when this is that job's own build. */
	if (a.build != NULL)
		rr->build = xstrdup(a.build);
	else if ((env = getenv("JOB_NAME")) != NULL && strcmp(env, job) == 0 &&
	    (env = getenv("BUILD_NUMBER")) != NULL && *env != '\0')
		rr->build = xstrdup(env);
	if ((env = getenv("BUILD_URL")) != NULL && *env != '\0')
		rr->build_url = xstrdup(env);
	rr->started = now_iso();
	rr->db_path = xstrdup(db_path);
	log_info("rescanning build %s of job %s (%zu images) against %s", src->build,
	    job, src->nimages, db_path);
	for (i = 0; i < src->nimages; i++) {
		s = &src->images[i];
		r = run_result_add(rr, s->reference);
		r->name = s->name != NULL ? xstrdup(s->name) : NULL;
		r->digest = s->digest != NULL ? xstrdup(s->digest) : NULL;
		r->key = s->key != NULL ? xstrdup(s->key) : NULL;
		r->tagged = s->tagged != NULL ? xstrdup(s->tagged) : NULL;
		r->key_given = s->key_given;
		if (s->inv == NULL) {
			r->error = xasprintf("not rescanned: build %s holds no inventory%s%s",
			    src->build, s->error != NULL ? ": " : "",
			    s->error != NULL ? s->error : "");
			continue;
		}
		r->inv = s->inv;
		s->inv = NULL;
		r->seconds = now_mono();
		if (match_inventory(db, r->inv, &r->findings, &cause) != 0) {
			r->error = cause;
			cause = NULL;
			finding_list_clear(&r->findings);
		} else {
			finding_list_sort(&r->findings);
			scan_coverage(db, r);
		}
		r->seconds = now_mono() - r->seconds;
		if (r->error != NULL)
			log_error("%s: %s", r->reference, r->error);
		else if (r->warning != NULL)
			log_warn("%s: %s", r->reference, r->warning);
		if (r->error == NULL &&
		    (eol = image_result_eol_message(r)) != NULL) {
			log_warn("%s: %s", r->reference, eol);
			free(eol);
		}
	}
	status = finish_build(h, &a, rr, 1);
out:
	vulndb_close(db);
	run_result_free(src);
	run_result_free(rr);
	history_close(h);
	policy_free(a.policy);
	free(job);
	free(db_path);
	free(cause);
	return status;
}

static int
cmd_history_exec(int argc, char **argv)
{
	if (argc < 2) {
		fputs(history_usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(history_usage, stdout);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "list") == 0)
		return cmd_history_list_trend(argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "trend") == 0)
		return cmd_history_list_trend(argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "diff") == 0)
		return cmd_history_diff(argc - 1, argv + 1);
	if (strcmp(argv[1], "prune") == 0)
		return cmd_history_prune(argc - 1, argv + 1);
	if (strcmp(argv[1], "merge") == 0)
		return cmd_history_merge(argc - 1, argv + 1);
	if (strcmp(argv[1], "rescan") == 0)
		return cmd_rescan_exec(argc - 1, argv + 1);
	log_error("history: unknown command %s (list, diff, trend, prune, merge, rescan)",
	    argv[1]);
	return EXIT_USAGE;
}

const struct cmd_entry cmd_history_entry = {
	.name = "history",
	.usage = "history COMMAND [options]",
	.summary = "list, diff, trend, prune, merge, rescan stored builds",
	.exec = cmd_history_exec,
};

const struct cmd_entry cmd_rescan_entry = {
	.name = "rescan",
	.usage = "rescan [options]",
	.summary = "re-match the latest build's inventories, no image pulled",
	.exec = cmd_rescan_exec,
};
