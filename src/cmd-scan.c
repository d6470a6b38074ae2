/* hullscan scan: scan a list of images in turn and write the reports. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "db.h"
#include "history.h"
#include "pkg.h"
#include "summary.h"
#include "policy.h"
#include "report.h"
#include "scan.h"
#include "source.h"
#include "util.h"

struct scan_args {
	char			**refs;
	char			**keys;		/* KEY of a KEY=REF, else NULL */
	char			**where;	/* "FILE: line N" or "argument", for messages */
	size_t			  nrefs;
	struct image_ref	**parsed;	/* refs parsed, once all are read */
	const char		 *empty_list;	/* an --images file that listed none */
	char			 *db_path;
	struct cmd_reports	  reports;
	char			 *history_path;	/* NULL with --no-history */
	char			 *job;
	char			 *build;
	char			 *baseline;	/* --baseline: the build compared with */
	struct policy		 *policy;
	int			  shard_k, shard_n;
	int			  jobs;
	int			  no_match;
	struct cmd_db_age	  age;
	struct cmd_source	  src;
};

/* Add one reference (or KEY=REF) to the list. */
static int
add_ref(struct scan_args *a, const char *text, char *where, char **cause)
{
	char	*key, *ref;

	if (scan_split_key(text, &key, &ref, cause) != 0) {
		cause_prefix(cause, "%s", where);
		free(where);
		return HS_EINVAL;
	}
	a->refs = xreallocarray(a->refs, a->nrefs + 1, sizeof *a->refs);
	a->keys = xreallocarray(a->keys, a->nrefs + 1, sizeof *a->keys);
	a->where = xreallocarray(a->where, a->nrefs + 1, sizeof *a->where);
	a->refs[a->nrefs] = ref;
	a->keys[a->nrefs] = key;
	a->where[a->nrefs] = where;
	a->nrefs++;
	return 0;
}

/* A list file: one reference a line, '#' starts a comment, blank lines skipped. */
static int
read_list(const char *path, struct scan_args *a, char **cause)
{
	struct strview	 in, line;
	char		*data, *hash, *text;
	size_t		 len, lineno = 0;
	int		 rc;

	if (file_read(path, 16 << 20, &data, &len, cause) != 0)
		return HS_EINVAL;
	in.ptr = data;
	in.len = len;
	while (sv_getline(&in, &line)) {
		lineno++;
		if ((hash = memchr(line.ptr, '#', line.len)) != NULL)
			line.len = hash - line.ptr;
		line = sv_trim(line);
		if (line.len == 0)
			continue;
		if (memchr(line.ptr, '\0', line.len) != NULL) {
			free(data);
			return fail(cause, HS_EINVAL, "%s: line %zu: NUL byte",
			    path, lineno);
		}
		text = sv_dup(line);
		rc = add_ref(a, text, xasprintf("%s: line %zu", path, lineno), cause);
		free(text);
		if (rc != 0) {
			free(data);
			return rc;
		}
	}
	free(data);
	return 0;
}

/* Two images given one key would be one image to the history: refused. */
static int
check_keys(const struct scan_args *a, char **cause)
{
	size_t	i, j;

	for (i = 0; i < a->nrefs; i++) {
		for (j = 0; a->keys[i] != NULL && j < i; j++) {
			if (a->keys[j] != NULL && strcmp(a->keys[i], a->keys[j]) == 0)
				return fail(cause, HS_EINVAL, "%s: key %s is already "
				    "given to %s (%s)", a->where[i], a->keys[i],
				    a->refs[j], a->where[j]);
		}
	}
	return 0;
}

static const char *scan_usage =
    "usage: hullscan scan [options] [KEY=]REF...\n"
    "  --images FILE        read references from FILE (one a line, # comments;\n"
    "                       KEY=REF: the key the history matches the image by)\n"
    "  --db FILE            vulnerability database (default $XDG_CACHE_HOME/hullscan/vuln.db)\n"
    CMD_REPORT_USAGE
    "  --history FILE       scan history (default ./hullscan-history.db)\n"
    "  --no-history         neither read nor write a history\n"
    "  --job NAME           job name in the history (default $JOB_NAME, else \"default\")\n"
    "  --build ID           build id in the history (default $BUILD_NUMBER, else the next number)\n"
    "  --baseline BUILD     compare with that build of the job (default: each image's\n"
    "                       last successful scan)\n"
    "  --fail-on SEV        fail (exit 1) on a finding at or above SEV that is not ignored\n"
    "  --fail-on-new SEV    fail only on such findings that are new since the previous build\n"
    "  --ignore-unfixed     findings with no fixed version never fail\n"
    "  --fail-on-unchecked  fail when an image's packages could not be checked (no\n"
    "                       advisories for its OS in the database, or no os-release)\n"
    "  --fail-on-eol        fail when an image's release is past its end of support\n"
    "  --ignore FILE        ignore list: hullscan YAML or a clair-scanner whitelist (repeatable)\n"
    "  --shard K/N          scan only the K-th of N shares of the image list\n"
    "  --jobs N             scan N images at once, and read up to N layers at once\n"
    "                       in all (at most one a core; default: number of cores)\n"
    CMD_DB_AGE_USAGE
    "  --no-match           list packages only; no vulnerability database needed\n"
    "  --max-file-size N    largest package database kept, or jar or executable read, in MiB (default 256)\n"
    CMD_SOURCE_USAGE
    "  -q, --quiet          only warnings and errors on stderr\n"
    "  -v, --verbose        debug messages\n";

enum {
	OPT_IMAGES = 256,
	OPT_DB,
	OPT_JOBS,
	OPT_NO_MATCH,
	OPT_MAX_FILE,
	OPT_HISTORY,
	OPT_NO_HISTORY,
	OPT_JOB,
	OPT_BUILD,
	OPT_FAIL_ON,
	OPT_FAIL_ON_NEW,
	OPT_IGNORE_UNFIXED,
	OPT_FAIL_UNCHECKED,
	OPT_FAIL_EOL,
	OPT_IGNORE,
	OPT_SHARD,
	OPT_BASELINE,
};

static const struct option scan_options[] = {
	{ "images", required_argument, NULL, OPT_IMAGES },
	{ "db", required_argument, NULL, OPT_DB },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	CMD_DB_AGE_LONGOPTS,
	{ "no-match", no_argument, NULL, OPT_NO_MATCH },
	{ "max-file-size", required_argument, NULL, OPT_MAX_FILE },
	CMD_REPORT_LONGOPTS,
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "no-history", no_argument, NULL, OPT_NO_HISTORY },
	{ "job", required_argument, NULL, OPT_JOB },
	{ "build", required_argument, NULL, OPT_BUILD },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "fail-on-new", required_argument, NULL, OPT_FAIL_ON_NEW },
	{ "ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED },
	{ "fail-on-unchecked", no_argument, NULL, OPT_FAIL_UNCHECKED },
	{ "fail-on-eol", no_argument, NULL, OPT_FAIL_EOL },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	CMD_SOURCE_LONGOPTS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return HS_EINVAL;
	*out = v;
	return 0;
}

static void
scan_args_free(struct scan_args *a)
{
	size_t	i;

	scan_refs_free(a->parsed, a->nrefs);
	for (i = 0; i < a->nrefs; i++) {
		free(a->refs[i]);
		free(a->keys[i]);
		free(a->where[i]);
	}
	free(a->refs);
	free(a->keys);
	free(a->where);
	free(a->db_path);
	free(a->baseline);
	free(a->history_path);
	free(a->job);
	free(a->build);
	policy_free(a->policy);
}

/* Replace *slot with a copy of value. */
static void
set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* Keep only the references of shard k of n; the order stays the list's. */
static void
scan_shard(struct scan_args *a)
{
	size_t	i, j;

	for (i = j = 0; i < a->nrefs; i++) {
		if (policy_shard_pick(a->refs[i], a->shard_k, a->shard_n)) {
			a->keys[j] = a->keys[i];
			a->where[j] = a->where[i];
			a->refs[j++] = a->refs[i];
		} else {
			free(a->refs[i]);
			free(a->keys[i]);
			free(a->where[i]);
		}
	}
	log_info("shard %d/%d: %zu of %zu images", a->shard_k, a->shard_n, j, a->nrefs);
	a->nrefs = j;
}

static int
scan_parse(int argc, char **argv, struct scan_args *a)
{
	char	*cause = NULL;
	size_t	 before;
	long	 v;
	int	 ch, i;

	memset(a, 0, sizeof *a);
	a->policy = policy_new();
	a->history_path = xstrdup(HISTORY_DEFAULT_PATH);
	cmd_source_init(&a->src);
	a->src.opts.want = pkg_wanted;
	a->src.opts.limits.summariser = &summary_summariser;
	cmd_db_age_init(&a->age);
	a->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (a->jobs < 1)
		a->jobs = 1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":qvh", scan_options, NULL)) != -1) {
		if (cmd_report_option(&a->reports, ch, optarg))
			continue;
		switch (cmd_source_option(&a->src, ch, optarg)) {
		case 1:
			continue;
		case -1:
			return EXIT_USAGE;
		}
		switch (cmd_db_age_option(&a->age, ch, optarg)) {
		case 1:
			continue;
		case -1:
			return EXIT_USAGE;
		}
		switch (ch) {
		case OPT_IMAGES:
			before = a->nrefs;
			if (read_list(optarg, a, &cause) != 0) {
				log_error("--images: %s", cause);
				free(cause);
				return EXIT_USAGE;
			}
			if (a->nrefs == before)
				a->empty_list = optarg;
			break;
		case OPT_DB:
			set_str(&a->db_path, optarg);
			break;
		case OPT_HISTORY:
			set_str(&a->history_path, optarg);
			break;
		case OPT_NO_HISTORY:
			free(a->history_path);
			a->history_path = NULL;
			break;
		case OPT_JOB:
			set_str(&a->job, optarg);
			break;
		case OPT_BUILD:
			set_str(&a->build, optarg);
			break;
		case OPT_BASELINE:
			set_str(&a->baseline, optarg);
			break;
		case OPT_FAIL_ON:
			if (policy_set_fail_on(a->policy, optarg, &cause) != 0)
				goto bad;
			break;
		case OPT_FAIL_ON_NEW:
			if (policy_set_fail_on_new(a->policy, optarg, &cause) != 0)
				goto bad;
			break;
		case OPT_IGNORE_UNFIXED:
			policy_set_ignore_unfixed(a->policy, 1);
			break;
		case OPT_FAIL_UNCHECKED:
			policy_set_fail_unchecked(a->policy, 1);
			break;
		case OPT_FAIL_EOL:
			policy_set_fail_eol(a->policy, 1);
			break;
		case OPT_IGNORE:
			if (policy_load_ignore(a->policy, optarg, &cause) != 0)
				goto bad;
			break;
		case OPT_SHARD:
			if (policy_shard_parse(optarg, &a->shard_k, &a->shard_n,
			    &cause) != 0)
				goto bad;
			break;
		case OPT_JOBS:
			if (parse_long(optarg, 1, 256, &v) != 0) {
				log_error("--jobs: not a number from 1 to 256: %s", optarg);
				return EXIT_USAGE;
			}
			a->jobs = (int)v;
			break;
		case OPT_NO_MATCH:
			a->no_match = 1;
			break;
		case OPT_MAX_FILE:
			if (parse_long(optarg, 1, 4096, &v) != 0) {
				log_error("--max-file-size: not a number of MiB from 1 to 4096: %s",
				    optarg);
				return EXIT_USAGE;
			}
			a->src.opts.limits.max_file = (size_t)v << 20;
			break;
		case 'q':
			log_verbosity = 0;
			break;
		case 'v':
			log_verbosity = 2;
			break;
		case 'h':
			fputs(scan_usage, stdout);
			exit(EXIT_PASS);
		default:
			cmd_bad_option("scan", argv, ch);
			return EXIT_USAGE;
		}
	}
	for (i = optind; i < argc; i++) {
		if (add_ref(a, argv[i], xstrdup("argument"), &cause) != 0)
			goto bad;
	}
	if (check_keys(a, &cause) != 0)
		goto bad;
	if (a->baseline != NULL && a->history_path == NULL) {
		log_error("scan: --baseline needs a history (not --no-history)");
		return EXIT_USAGE;
	}
	if (a->nrefs == 0 && a->empty_list != NULL) {
		log_error("scan: --images %s lists no image (only blank lines or "
		    "comments)", a->empty_list);
		return EXIT_USAGE;
	}
	if (a->nrefs == 0) {
		log_error("scan: no image given: REF... or --images FILE (see "
		    "hullscan scan --help)");
		return EXIT_USAGE;
	}
	if (a->db_path == NULL)
		a->db_path = cmd_default_db();
	if (a->shard_n > 1)
		scan_shard(a);
	/* A reference that is not one stops the run before any image is read. */
	if (scan_parse_refs(a->refs, a->nrefs, &a->parsed) != 0)
		return EXIT_USAGE;
	return EXIT_PASS;
bad:
	log_error("%s", cause);
	free(cause);
	return EXIT_USAGE;
}

/* Workers take the next image by index; results land in their own slot. */
struct scan_work {
	const struct scan_args	*args;
	struct run_result	*rr;
	pthread_mutex_t		 lock;
	size_t			 next;
	size_t			 done;
	/* Progress on a terminal: one line redrawn; plain log lines otherwise. */
	int			 tty;
	int			 stop;
	uint64_t		 bytes;		/* layer bytes read, all workers */
	const char		*latest;	/* the image most recently started */
};

/* Clear the progress line before a log line takes its place (lock held). */
static void
scan_progress_clear(const struct scan_work *w)
{
	if (w->tty)
		fputs("\r\033[K", stderr);
}

static void *
scan_progress(void *arg)
{
	struct scan_work	*w = arg;
	uint64_t		 bytes;
	int			 ticks;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		if (__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
			scan_progress_clear(w);
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		bytes = __atomic_load_n(&w->bytes, __ATOMIC_RELAXED);
		fprintf(stderr, "\r\033[Khullscan: [%zu/%zu] %.1f MiB read  %.60s",
		    w->done, w->rr->nimages, bytes / 1048576.0,
		    w->latest != NULL ? w->latest : "");
		fflush(stderr);
		pthread_mutex_unlock(&w->lock);
		/* 200 ms between redraws, checking for the end every 20 ms. */
		for (ticks = 0; ticks < 10 && !__atomic_load_n(&w->stop, __ATOMIC_RELAXED);
		    ticks++)
			usleep(20000);
	}
}

static void
scan_log_result(const struct scan_work *w, const struct image_result *r)
{
	char	*eol;

	scan_progress_clear(w);
	if (r->error != NULL) {
		log_error("%s: %s", r->reference, r->error);
		return;
	}
	log_info("[%zu/%zu] %s: %s %s, %zu packages, %zu findings (%.2f s)",
	    w->done, w->rr->nimages, r->reference,
	    r->inv->os.id != NULL ? r->inv->os.id : "unknown OS",
	    r->inv->os.version_id != NULL ? r->inv->os.version_id : "",
	    r->inv->npkgs, r->findings.n, r->seconds);
	if (r->warning != NULL)
		log_warn("%s: %s", r->reference, r->warning);
	if ((eol = image_result_eol_message(r)) != NULL) {
		log_warn("%s: %s", r->reference, eol);
		free(eol);
	}
}

static void *
scan_worker(void *arg)
{
	struct scan_work	*w = arg;
	struct vulndb		*db = NULL;
	struct image_result	*r;
	char			*cause = NULL;
	size_t			 i;

	/* One database handle per thread: prepared statements are not shared. */
	if (!w->args->no_match && vulndb_open(w->args->db_path, VULNDB_READ, &db,
	    &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&w->lock);
		i = w->next++;
		if (i < w->rr->nimages)
			w->latest = w->rr->images[i].reference;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->rr->nimages)
			break;
		r = &w->rr->images[i];
		scan_image(w->args->parsed[i], &w->args->src.opts, db, r);
		pthread_mutex_lock(&w->lock);
		w->done++;
		scan_log_result(w, r);
		pthread_mutex_unlock(&w->lock);
	}
	source_thread_end();
	vulndb_close(db);
	return NULL;
}

static void
scan_run(struct scan_args *a, struct run_result *rr)
{
	struct scan_work	 w;
	pthread_t		*threads, progress;
	size_t			 i, n;
	int			 has_progress = 0;

	memset(&w, 0, sizeof w);
	w.args = a;
	w.rr = rr;
	pthread_mutex_init(&w.lock, NULL);
	w.tty = log_verbosity == 1 && isatty(STDERR_FILENO);
	if (w.tty) {
		a->src.opts.bytes_read = &w.bytes;
		has_progress = pthread_create(&progress, NULL, scan_progress, &w) == 0;
	}
	n = (size_t)a->jobs < rr->nimages ? (size_t)a->jobs : rr->nimages;
	/*
	 * The thread budget: --jobs bounds images at once and, with the cores,
	 * layers read at once in all; the images' threads share it.
	 */
	a->src.opts.layer_jobs = (size_t)a->jobs < source_cores() ?
	    (size_t)a->jobs : source_cores();
	a->src.opts.layer_jobs /= n > 1 ? n : 1;
	if (a->src.opts.layer_jobs < 1)
		a->src.opts.layer_jobs = 1;
	if (n <= 1) {
		scan_worker(&w);
		goto out;
	}
	threads = xcalloc(n, sizeof *threads);
	for (i = 0; i < n; i++) {
		if (pthread_create(&threads[i], NULL, scan_worker, &w) != 0) {
			n = i;
			break;
		}
	}
	if (n == 0)
		scan_worker(&w);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
out:
	if (has_progress) {
		__atomic_store_n(&w.stop, 1, __ATOMIC_RELAXED);
		pthread_join(progress, NULL);
	}
	a->src.opts.bytes_read = NULL;
	pthread_mutex_destroy(&w.lock);
}

static char *
iso_now(void)
{
	char		buf[32];
	time_t		t = time(NULL);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static int
cmd_scan_exec(int argc, char **argv)
{
	struct scan_args	 a;
	struct run_result	*rr;
	struct history		*h = NULL;
	char			*cause = NULL;
	size_t			 i, failed = 0;
	int			 status;

	if ((status = scan_parse(argc, argv, &a)) != EXIT_PASS) {
		scan_args_free(&a);
		return status;
	}
	if (!a.no_match && (status = cmd_db_check(a.db_path, &a.age, NULL)) != 0) {
		scan_args_free(&a);
		return status;
	}
	/* A history that cannot be opened stops the run before any scan. */
	if (a.history_path != NULL && history_open(a.history_path, HISTORY_CREATE, &h,
	    &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		scan_args_free(&a);
		return EXIT_USAGE;
	}
	rr = run_result_new();
	rr->started = iso_now();
	rr->db_path = a.no_match ? NULL : xstrdup(a.db_path);
	history_identity(rr, a.job, a.build);
	/* Every slot exists before any worker starts: pointers stay put. */
	rr->images = xcalloc(a.nrefs, sizeof *rr->images);
	for (i = 0; i < a.nrefs; i++) {
		rr->images[i].reference = xstrdup(a.refs[i]);
		if (a.keys[i] != NULL) {
			rr->images[i].key = xstrdup(a.keys[i]);
			rr->images[i].key_given = 1;
		}
	}
	rr->nimages = a.nrefs;
	/* A baseline that is not there is an error before any image is pulled. */
	if (h != NULL && a.baseline != NULL && history_has_build(h, rr->job,
	    a.baseline, &cause) != 0) {
		log_error("--baseline: %s", cause);
		free(cause);
		history_close(h);
		run_result_free(rr);
		scan_args_free(&a);
		return EXIT_USAGE;
	}

	cmd_source_start(&a.src);
	scan_run(&a, rr);
	cmd_source_end(&a.src);

	for (i = 0; i < rr->nimages; i++) {
		if (rr->images[i].error != NULL)
			failed++;
	}
	if (h != NULL)
		scan_keys(rr);
	if (h != NULL && history_diff_run(h, rr, a.baseline, &cause) != 0) {
		log_warn("%s", cause);
		free(cause);
		cause = NULL;
	}
	status = policy_apply(a.policy, rr);
	if (status == EXIT_PASS && failed != 0)
		status = EXIT_IMAGE;
	rr->exit_status = status;
	if (h != NULL) {
		if (history_record(h, rr, &cause) != 0) {
			log_error("%s", cause);
			free(cause);
			cause = NULL;
			if (status == EXIT_PASS)
				status = rr->exit_status = EXIT_USAGE;
		} else if (history_trend(h, rr->job, 30, rr, &cause) != 0) {
			log_warn("%s", cause);
			free(cause);
			cause = NULL;
		}
	}
	if (cmd_reports_write(&a.reports, rr) != 0 && status == EXIT_PASS)
		status = EXIT_USAGE;
	for (i = 0; i < rr->nreasons; i++)
		log_error("%s", rr->reasons[i]);
	if (failed != 0)
		log_error("%zu of %zu images could not be scanned", failed, rr->nimages);
	history_close(h);
	run_result_free(rr);
	scan_args_free(&a);
	return status;
}

const struct cmd_entry cmd_scan_entry = {
	.name = "scan",
	.usage = "scan [options] REF...",
	.summary = "scan images, match them, write reports",
	.exec = cmd_scan_exec,
};
