/* hullscan db: import or update feeds in the vulnerability database, show what it holds. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "db.h"
#include "feed.h"
#include "update.h"
#include "util.h"

static const char cmd_db_usage[] =
    "usage: hullscan db import [--db FILE] [--format NAME] [--feed NAME] FILE...\n"
    "       hullscan db update [--db FILE] [--feeds FILE] [--mirror DIR|URL] [-q|-v]\n"
    "       hullscan db status [--db FILE]\n";

static int cmd_db_usage_error(const char *, ...) PRINTFLIKE(1, 2);

/* A usage message (after the error, when fmt is not NULL); returns EXIT_USAGE. */
static int
cmd_db_usage_error(const char *fmt, ...)
{
	const struct feed_format	*f;
	va_list				 ap;
	char				*msg;
	size_t				 i;

	if (fmt != NULL) {
		va_start(ap, fmt);
		msg = xvasprintf(fmt, ap);
		va_end(ap);
		log_error("%s", msg);
		free(msg);
	}
	fputs(cmd_db_usage, stderr);
	fputs("formats:", stderr);
	for (i = 0; (f = feed_format_at(i)) != NULL; i++)
		fprintf(stderr, " %s", f->name);
	fputs("\n", stderr);
	return EXIT_USAGE;
}

/*
 * Options shared by the subcommands: "--db FILE" or "--db=FILE", and so on.
 * Returns the index of the first operand, or -1 after a usage message.
 */
static int
cmd_db_options(int argc, char **argv, char **db, const char **format,
    const char **feed)
{
	static const char	*names[] = { "--db", "--format", "--feed" };
	const char		*arg, *value;
	size_t			 n, k;
	int			 i;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "--") == 0)
			return i + 1;
		if (arg[0] != '-' || arg[1] == '\0')
			return i;
		for (k = 0; k < NELEM(names); k++) {
			n = strlen(names[k]);
			if (strncmp(arg, names[k], n) == 0 &&
			    (arg[n] == '\0' || arg[n] == '='))
				break;
		}
		if (k == NELEM(names) || (k != 0 && format == NULL)) {
			cmd_db_usage_error("unknown option %s", arg);
			return -1;
		}
		if (arg[n] == '=')
			value = arg + n + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else {
			cmd_db_usage_error("option %s needs a value", arg);
			return -1;
		}
		if (*value == '\0') {
			cmd_db_usage_error("option %s needs a value", arg);
			return -1;
		}
		if (k == 0) {
			free(*db);
			*db = xstrdup(value);
		} else if (k == 1)
			*format = value;
		else
			*feed = value;
	}
	return i;
}

static int
cmd_db_import(int argc, char **argv)
{
	struct vulndb	*vdb = NULL;
	char		*db = NULL, *cause = NULL;
	const char	*format = NULL, *feed = NULL;
	int64_t		 records;
	double		 t0;
	int		 first, i, status = EXIT_PASS;

	if ((first = cmd_db_options(argc, argv, &db, &format, &feed)) < 0)
		goto out_usage;
	if (first >= argc) {
		cmd_db_usage_error("db import: no feed file given");
		goto out_usage;
	}
	if (feed != NULL && argc - first > 1) {
		cmd_db_usage_error("db import: --feed %s names one feed: give one file",
		    feed);
		goto out_usage;
	}
	if (format != NULL && feed_format_find(format) == NULL) {
		cmd_db_usage_error("db import: unknown feed format %s", format);
		goto out_usage;
	}
	if (db == NULL)
		db = cmd_default_db();
	if (vulndb_open(db, VULNDB_CREATE, &vdb, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	for (i = first; i < argc; i++) {
		t0 = now_mono();
		if (feed_import_file(vdb, argv[i], format, feed, &records,
		    &cause) != 0) {
			log_error("%s", cause);
			status = EXIT_USAGE;
			continue;
		}
		printf("%s: %lld advisories (%.2f s)\n", argv[i], (long long)records,
		    now_mono() - t0);
	}
	goto out;

out_usage:
	status = EXIT_USAGE;
out:
	vulndb_close(vdb);
	free(cause);
	free(db);
	return status;
}

/* A UTC time, "-" for none. */
static void
cmd_db_time(int64_t at, char *out, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)at;

	if (at <= 0)
		snprintf(out, len, "-");
	else if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "%lld", (long long)at);
}

/*
 * One feed a line, tab-separated: name, source (the URL "db update" last
 * fetched, else the file imported), records,
 * imported (UTC), checked (UTC: the last update that found it current), age
 * (since the later of the two: "26h05m"), ETag, Last-Modified, sha256 (12
 * digits); "-" where there is none.
 */
static int
cmd_db_status_feed(const struct vulndb_feed *f, void *arg)
{
	char		 when[32], checked[32];
	const char	*hex;
	int64_t		 fresh, age;

	cmd_db_time(f->imported_at, when, sizeof when);
	cmd_db_time(f->checked_at, checked, sizeof checked);
	hex = f->sha256 != NULL ? f->sha256 : "-";
	if (str_starts(hex, "sha256:"))
		hex += 7;
	fresh = f->checked_at > f->imported_at ? f->checked_at : f->imported_at;
	if ((age = (int64_t)time(NULL) - fresh) < 0)
		age = 0;
	printf("%s\t%s\t%lld\t%s\t%s\t%lldh%02lldm\t%s\t%s\t%.12s\n", f->name,
	    f->url != NULL ? f->url : f->source != NULL ? f->source : "-",
	    (long long)f->records, when, checked, (long long)(age / 3600), (long long)(age % 3600 / 60),
	    f->etag != NULL ? f->etag : "-",
	    f->last_modified != NULL ? f->last_modified : "-", hex);
	return 0;
}

static int
cmd_db_status(int argc, char **argv)
{
	struct vulndb	*vdb = NULL;
	char		*db = NULL, *cause = NULL;
	int		 first, status = EXIT_PASS, rc;

	if ((first = cmd_db_options(argc, argv, &db, NULL, NULL)) < 0)
		return EXIT_USAGE;
	if (first < argc) {
		free(db);
		return cmd_db_usage_error("db status: unexpected argument %s",
		    argv[first]);
	}
	if (db == NULL)
		db = cmd_default_db();
	if ((rc = vulndb_open(db, VULNDB_READ, &vdb, &cause)) != 0) {
		log_error("%s", cause);
		status = rc == HS_ENOENT ? EXIT_STALE : EXIT_USAGE;
		goto out;
	}
	if (vulndb_feeds(vdb, cmd_db_status_feed, NULL, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
	}
out:
	vulndb_close(vdb);
	free(cause);
	free(db);
	return status;
}

static const char cmd_db_update_usage[] =
    "usage: hullscan db update [options]\n"
    "  --db FILE            the database (default $XDG_CACHE_HOME/hullscan/vuln.db)\n"
    "  --feeds FILE         the feed list (default " UPDATE_DEFAULT_CONF ")\n"
    "  --mirror DIR|URL     read each feed from DIR/HOST/PATH or URL/HOST/PATH\n"
    "                       (default $HULLSCAN_FEED_MIRROR)\n"
    "  --connect-timeout S  seconds to connect (default 30)\n"
    "  --retries N          extra attempts after a network failure (default 4)\n"
    "  -q, --quiet          errors only\n"
    "  -v, --verbose        debug messages\n"
    "Exit status: 0 every feed is current, 2 a feed or the feed list failed\n"
    "(the others are still updated; the failed one keeps its previous rows).\n";

enum {
	OPT_UPD_DB = 1,
	OPT_UPD_FEEDS,
	OPT_UPD_MIRROR,
	OPT_UPD_CONNECT_TIMEOUT,
	OPT_UPD_RETRIES,
};

static const struct option cmd_db_update_options[] = {
	{ "db", required_argument, NULL, OPT_UPD_DB },
	{ "feeds", required_argument, NULL, OPT_UPD_FEEDS },
	{ "mirror", required_argument, NULL, OPT_UPD_MIRROR },
	{ "connect-timeout", required_argument, NULL, OPT_UPD_CONNECT_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_UPD_RETRIES },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* A whole number in [min, max], else -1. */
static long
cmd_db_number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

static int
cmd_db_update(int argc, char **argv)
{
	struct update_options	 opts;
	struct update_conf	*conf = NULL;
	const char		*feeds = NULL, *env;
	char			*db = NULL, *cause = NULL;
	int			 ch, failed = 0, status = EXIT_PASS;
	long			 v;

	memset(&opts, 0, sizeof opts);
	fetch_options_default(&opts.fetch);
	if ((env = getenv("HULLSCAN_FEED_MIRROR")) != NULL && *env != '\0')
		opts.mirror = env;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "qvh", cmd_db_update_options,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_UPD_DB:
			free(db);
			db = xstrdup(optarg);
			break;
		case OPT_UPD_FEEDS:
			feeds = optarg;
			break;
		case OPT_UPD_MIRROR:
			opts.mirror = *optarg != '\0' ? optarg : NULL;
			break;
		case OPT_UPD_CONNECT_TIMEOUT:
			if ((v = cmd_db_number(optarg, 1, 3600)) < 0) {
				status = cmd_db_usage_error("--connect-timeout: not a"
				    " number of seconds (1-3600): %s", optarg);
				goto out;
			}
			opts.fetch.connect_timeout = v;
			break;
		case OPT_UPD_RETRIES:
			if ((v = cmd_db_number(optarg, 0, 20)) < 0) {
				status = cmd_db_usage_error("--retries: not a number"
				    " (0-20): %s", optarg);
				goto out;
			}
			opts.fetch.retries = (int)v;
			break;
		case 'q':
			log_verbosity = 0;
			break;
		case 'v':
			log_verbosity = 2;
			break;
		case 'h':
			fputs(cmd_db_update_usage, stdout);
			goto out;
		default:
			fputs(cmd_db_update_usage, stderr);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		status = cmd_db_usage_error("db update: unexpected argument %s",
		    argv[optind]);
		goto out;
	}
	if (feeds == NULL)
		feeds = UPDATE_DEFAULT_CONF;
	if (update_conf_read(feeds, &conf, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	opts.db = db != NULL ? db : (db = cmd_default_db());
	opts.progress = log_verbosity == 1 && isatty(STDERR_FILENO);
	if (update_run(&opts, conf, &failed, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	if (failed > 0) {
		log_error("%d of %zu feeds failed", failed, conf->n);
		status = EXIT_USAGE;
	}
out:
	update_conf_free(conf);
	free(cause);
	free(db);
	return status;
}

static int
cmd_db_exec(int argc, char **argv)
{
	if (argc < 2)
		return cmd_db_usage_error(NULL);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(cmd_db_usage, stdout);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "import") == 0)
		return cmd_db_import(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_db_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "update") == 0)
		return cmd_db_update(argc - 1, argv + 1);
	return cmd_db_usage_error("db: unknown subcommand %s", argv[1]);
}

const struct cmd_entry cmd_db_entry = {
	.name = "db",
	.usage = "db import|update|status [--db FILE] ...",
	.summary = "import or download feeds into the vulnerability database; list its feeds",
	.exec = cmd_db_exec,
};
