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
#include "pkg.h"
#include "report.h"
#include "scan.h"
#include "source.h"
#include "util.h"

struct scan_args {
	char			**refs;
	size_t			  nrefs;
	char			 *db_path;
	char			 *json_path;
	int			  jobs;
	int			  no_match;
	long			  max_db_age;	/* seconds */
	int			  fail_on_stale;
	struct source_options	  sopts;
};

/* A list file: one reference a line, '#' starts a comment, blank lines skipped. */
static int
read_list(const char *path, struct scan_args *a, char **cause)
{
	struct strview	 in, line;
	char		*data, *hash;
	size_t		 len, lineno = 0;

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
		a->refs = xreallocarray(a->refs, a->nrefs + 1, sizeof *a->refs);
		a->refs[a->nrefs++] = sv_dup(line);
	}
	free(data);
	return 0;
}

static const char *scan_usage =
    "usage: hullscan scan [options] REF...\n"
    "  --images FILE        read references from FILE (one a line, # comments)\n"
    "  --db FILE            vulnerability database (default $XDG_CACHE_HOME/hullscan/vuln.db)\n"
    "  --json FILE          write the JSON report\n"
    "  --jobs N             scan N images at once (default: number of cores)\n"
    "  --max-db-age HOURS   warn when the database is older (default 24)\n"
    "  --fail-on-stale      exit 4 when the database is older than --max-db-age\n"
    "  --no-match           list packages only; no vulnerability database needed\n"
    "  --max-file-size N    largest package database kept from a layer, in MiB (default 256)\n"
    "  -q, --quiet          only errors on stderr\n"
    "  -v, --verbose        debug messages\n";

enum {
	OPT_IMAGES = 256,
	OPT_DB,
	OPT_JSON,
	OPT_JOBS,
	OPT_MAX_DB_AGE,
	OPT_FAIL_ON_STALE,
	OPT_NO_MATCH,
	OPT_MAX_FILE,
};

static const struct option scan_options[] = {
	{ "images", required_argument, NULL, OPT_IMAGES },
	{ "db", required_argument, NULL, OPT_DB },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "max-db-age", required_argument, NULL, OPT_MAX_DB_AGE },
	{ "fail-on-stale", no_argument, NULL, OPT_FAIL_ON_STALE },
	{ "no-match", no_argument, NULL, OPT_NO_MATCH },
	{ "max-file-size", required_argument, NULL, OPT_MAX_FILE },
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

	for (i = 0; i < a->nrefs; i++)
		free(a->refs[i]);
	free(a->refs);
	free(a->db_path);
	free(a->json_path);
}

static int
scan_parse(int argc, char **argv, struct scan_args *a)
{
	char	*cause = NULL;
	long	 v;
	int	 ch, i;

	memset(a, 0, sizeof *a);
	source_options_default(&a->sopts);
	a->sopts.want = pkg_wanted;
	a->max_db_age = 24 * 3600;
	a->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (a->jobs < 1)
		a->jobs = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "qvh", scan_options, NULL)) != -1) {
		switch (ch) {
		case OPT_IMAGES:
			if (read_list(optarg, a, &cause) != 0) {
				log_error("--images: %s", cause);
				free(cause);
				return EXIT_USAGE;
			}
			break;
		case OPT_DB:
			free(a->db_path);
			a->db_path = xstrdup(optarg);
			break;
		case OPT_JSON:
			free(a->json_path);
			a->json_path = xstrdup(optarg);
			break;
		case OPT_JOBS:
			if (parse_long(optarg, 1, 256, &v) != 0) {
				log_error("--jobs: not a number from 1 to 256: %s", optarg);
				return EXIT_USAGE;
			}
			a->jobs = (int)v;
			break;
		case OPT_MAX_DB_AGE:
			if (parse_long(optarg, 0, 24 * 3650, &v) != 0) {
				log_error("--max-db-age: not a number of hours: %s", optarg);
				return EXIT_USAGE;
			}
			a->max_db_age = v * 3600;
			break;
		case OPT_FAIL_ON_STALE:
			a->fail_on_stale = 1;
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
			a->sopts.limits.max_file = (size_t)v << 20;
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
			fputs(scan_usage, stderr);
			return EXIT_USAGE;
		}
	}
	for (i = optind; i < argc; i++) {
		a->refs = xreallocarray(a->refs, a->nrefs + 1, sizeof *a->refs);
		a->refs[a->nrefs++] = xstrdup(argv[i]);
	}
	if (a->nrefs == 0) {
		log_error("scan: no image given (REF... or --images FILE)");
		fputs(scan_usage, stderr);
		return EXIT_USAGE;
	}
	if (a->db_path == NULL)
		a->db_path = cmd_default_db();
	return EXIT_PASS;
}

/* Workers take the next image by index; results land in their own slot. */
struct scan_work {
	const struct scan_args	*args;
	struct run_result	*rr;
	pthread_mutex_t		 lock;
	size_t			 next;
	size_t			 done;
};

static void
scan_log_result(const struct scan_work *w, const struct image_result *r)
{
	if (r->error != NULL) {
		log_error("%s: %s", r->reference, r->error);
		return;
	}
	log_info("[%zu/%zu] %s: %s %s, %zu packages, %zu findings (%.2f s)",
	    w->done, w->rr->nimages, r->reference,
	    r->inv->os.id != NULL ? r->inv->os.id : "unknown OS",
	    r->inv->os.version_id != NULL ? r->inv->os.version_id : "",
	    r->inv->npkgs, r->findings.n, r->seconds);
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
		pthread_mutex_unlock(&w->lock);
		if (i >= w->rr->nimages)
			break;
		r = &w->rr->images[i];
		scan_image(r->reference, &w->args->sopts, db, r);
		pthread_mutex_lock(&w->lock);
		w->done++;
		scan_log_result(w, r);
		pthread_mutex_unlock(&w->lock);
	}
	vulndb_close(db);
	return NULL;
}

static void
scan_run(const struct scan_args *a, struct run_result *rr)
{
	struct scan_work	 w;
	pthread_t		*threads;
	size_t			 i, n;

	memset(&w, 0, sizeof w);
	w.args = a;
	w.rr = rr;
	pthread_mutex_init(&w.lock, NULL);
	n = (size_t)a->jobs < rr->nimages ? (size_t)a->jobs : rr->nimages;
	if (n <= 1) {
		scan_worker(&w);
		pthread_mutex_destroy(&w.lock);
		return;
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

/* Is the database there and fresh enough? Returns 0, or EXIT_STALE. */
static int
scan_check_db(const struct scan_args *a)
{
	struct vulndb	*db;
	char		*cause = NULL;
	int64_t		 age;

	if (vulndb_open(a->db_path, VULNDB_READ, &db, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return EXIT_STALE;
	}
	age = vulndb_age(db);
	vulndb_close(db);
	if (age < 0) {
		log_error("vulnerability database %s holds no feed: run 'hullscan db import' "
		    "or 'hullscan db update'", a->db_path);
		return EXIT_STALE;
	}
	if (age > a->max_db_age) {
		if (a->fail_on_stale) {
			log_error("vulnerability database %s is %lld hours old (limit %ld)",
			    a->db_path, (long long)(age / 3600), a->max_db_age / 3600);
			return EXIT_STALE;
		}
		log_warn("vulnerability database %s is %lld hours old (limit %ld)",
		    a->db_path, (long long)(age / 3600), a->max_db_age / 3600);
	}
	return 0;
}

static int
cmd_scan_exec(int argc, char **argv)
{
	struct scan_args	 a;
	struct run_result	*rr;
	char			*cause = NULL;
	size_t			 i, failed = 0;
	int			 status;

	if ((status = scan_parse(argc, argv, &a)) != EXIT_PASS) {
		scan_args_free(&a);
		return status;
	}
	if (!a.no_match && (status = scan_check_db(&a)) != 0) {
		scan_args_free(&a);
		return status;
	}
	rr = run_result_new();
	rr->started = iso_now();
	rr->db_path = a.no_match ? NULL : xstrdup(a.db_path);
	/* Every slot exists before any worker starts: pointers stay put. */
	rr->images = xcalloc(a.nrefs, sizeof *rr->images);
	for (i = 0; i < a.nrefs; i++)
		rr->images[i].reference = xstrdup(a.refs[i]);
	rr->nimages = a.nrefs;

	scan_run(&a, rr);

	for (i = 0; i < rr->nimages; i++) {
		if (rr->images[i].error != NULL)
			failed++;
	}
	status = EXIT_PASS;
	if (failed != 0)
		status = EXIT_IMAGE;
	rr->exit_status = status;
	if (a.json_path != NULL && report_json_write(rr, a.json_path, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		cause = NULL;
		status = EXIT_USAGE;
	}
	if (failed != 0)
		log_error("%zu of %zu images could not be scanned", failed, rr->nimages);
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
