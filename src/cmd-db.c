/* hullscan db: import, update, remove and list the vulnerability database's feeds. */
#include "config.h"

#include <errno.h>
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

/* What the options of a subcommand set. */
struct cmd_db_args {
	char			*db;		/* --db, else the default */
	const char		*format;	/* import */
	const char		*feed;		/* import */
	const char		*feeds;		/* update */
	struct update_options	 update;	/* update: --mirror, fetch options */
};

/* One subcommand: its usage, its options, and what it does with its operands. */
struct cmd_db_sub {
	const char		*name;
	const char		*usage;
	const struct option	*options;
	int			(*exec)(const struct cmd_db_sub *,
				    struct cmd_db_args *, int argc, char **argv);
};

enum {
	OPT_DB = 256,
	OPT_FORMAT,
	OPT_FEED,
	OPT_FEEDS,
	OPT_MIRROR,
	OPT_CONNECT_TIMEOUT,
	OPT_RETRIES,
	OPT_LOCK_WAIT,
};

#define CMD_DB_USAGE_DB \
    "  --db FILE            the database (default $XDG_CACHE_HOME/hullscan/vuln.db)\n"
#define CMD_DB_USAGE_LOG \
    "  -q, --quiet          warnings and errors only\n" \
    "  -v, --verbose        debug messages\n"
#define CMD_DB_USAGE_LOCK_WAIT \
    "  --lock-wait S        seconds to wait for another writer (default 300; 0: none)\n"
#define CMD_DB_USAGE_LOCK \
    "While another db import, update or remove writes the database, waits for\n" \
    "DB.lock (up to --lock-wait seconds, then exit 2, the database unchanged).\n"

static const char cmd_db_import_usage[] =
    "usage: hullscan db import [options] FILE...\n"
    CMD_DB_USAGE_DB
    "  --format NAME        the files' format (default: detected from the content)\n"
    "  --feed NAME          the feed's name (one file only; default from the file)\n"
    CMD_DB_USAGE_LOCK_WAIT
    CMD_DB_USAGE_LOG
    "Each file is one transaction and replaces the feed of its name; gzip, bzip2,\n"
    "xz and zstd files are decompressed.\n"
    CMD_DB_USAGE_LOCK;

static const struct option cmd_db_import_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "lock-wait", required_argument, NULL, OPT_LOCK_WAIT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "feed", required_argument, NULL, OPT_FEED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char cmd_db_update_usage[] =
    "usage: hullscan db update [options]\n"
    CMD_DB_USAGE_DB
    "  --feeds FILE         the feed list (default: the built-in one, also installed as\n"
    "                       " UPDATE_DEFAULT_CONF ")\n"
    "  --mirror DIR|URL     read each feed from DIR/HOST/PATH or URL/HOST/PATH\n"
    "                       (default $HULLSCAN_FEED_MIRROR)\n"
    "  --connect-timeout S  seconds to connect (default 30)\n"
    "  --retries N          extra attempts after a network failure (default 4)\n"
    CMD_DB_USAGE_LOCK_WAIT
    CMD_DB_USAGE_LOG
    "Exit status: 0 every feed is current, 2 a feed or the feed list failed\n"
    "(the others are still updated; the failed one keeps its previous rows).\n"
    CMD_DB_USAGE_LOCK;

static const struct option cmd_db_update_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "lock-wait", required_argument, NULL, OPT_LOCK_WAIT },
	{ "feeds", required_argument, NULL, OPT_FEEDS },
	{ "mirror", required_argument, NULL, OPT_MIRROR },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char cmd_db_remove_usage[] =
    "usage: hullscan db remove [options] FEED...\n"
    CMD_DB_USAGE_DB
    CMD_DB_USAGE_LOCK_WAIT
    CMD_DB_USAGE_LOG
    "Removes each feed (a name db status lists) and its advisories, all in one\n"
    "transaction: when one is not in the database, nothing is removed (exit 2).\n"
    CMD_DB_USAGE_LOCK;

static const struct option cmd_db_remove_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "lock-wait", required_argument, NULL, OPT_LOCK_WAIT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char cmd_db_status_usage[] =
    "usage: hullscan db status [options]\n"
    CMD_DB_USAGE_DB
    CMD_DB_USAGE_LOG
    "One line per feed, tab-separated: name, source, records, imported, checked,\n"
    "age, ETag, Last-Modified, sha256 (12 digits). Exit 4 when there is no database.\n";

static const struct option cmd_db_status_options[] = {
	{ "db", required_argument, NULL, OPT_DB },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int	cmd_db_import(const struct cmd_db_sub *, struct cmd_db_args *, int,
		    char **);
static int	cmd_db_update(const struct cmd_db_sub *, struct cmd_db_args *, int,
		    char **);
static int	cmd_db_remove(const struct cmd_db_sub *, struct cmd_db_args *, int,
		    char **);
static int	cmd_db_status(const struct cmd_db_sub *, struct cmd_db_args *, int,
		    char **);

static const struct cmd_db_sub cmd_db_subs[] = {
	{ "import", cmd_db_import_usage, cmd_db_import_options, cmd_db_import },
	{ "update", cmd_db_update_usage, cmd_db_update_options, cmd_db_update },
	{ "remove", cmd_db_remove_usage, cmd_db_remove_options, cmd_db_remove },
	{ "status", cmd_db_status_usage, cmd_db_status_options, cmd_db_status },
};

/* The usage of sub, or of every subcommand when sub is NULL, and the formats. */
static void
cmd_db_usage(FILE *f, const struct cmd_db_sub *sub)
{
	const struct feed_format	*fmt;
	size_t				 i;

	if (sub != NULL)
		fputs(sub->usage, f);
	else {
		fputs("usage: hullscan db import|update|remove|status [options] ...\n",
		    f);
		for (i = 0; i < NELEM(cmd_db_subs); i++) {
			fputs("\n", f);
			fputs(cmd_db_subs[i].usage, f);
		}
		fputs("\n", f);
	}
	fputs("formats:", f);
	for (i = 0; (fmt = feed_format_at(i)) != NULL; i++)
		fprintf(f, " %s", fmt->name);
	fputs("\n", f);
}

static int cmd_db_usage_error(const struct cmd_db_sub *, const char *, ...)
    PRINTFLIKE(2, 3);

/* An error as one line, with where the usage is; returns EXIT_USAGE. */
static int
cmd_db_usage_error(const struct cmd_db_sub *sub, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (sub != NULL)
		log_error("db %s: %s (see hullscan db %s --help)", sub->name, msg,
		    sub->name);
	else
		log_error("db: %s (see hullscan db --help)", msg);
	free(msg);
	return EXIT_USAGE;
}

/* A whole number in [min, max], else -1. */
static long
cmd_db_number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

/* What getopt_long's '?' or ':' was about, as one line. */
static int
cmd_db_bad_option(const struct cmd_db_sub *sub, char **argv, int ch)
{
	char	*name;

	name = xasprintf("db %s", sub->name);
	cmd_bad_option(name, argv, ch);
	free(name);
	return EXIT_USAGE;
}

/*
 * The options of sub into a. Returns the index of the first operand, -1
 * after a usage message (exit 2), or -2 after --help (exit 0).
 */
static int
cmd_db_parse(const struct cmd_db_sub *sub, int argc, char **argv,
    struct cmd_db_args *a)
{
	long	v;
	int	ch, idx = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":qvh", sub->options, &idx)) != -1) {
		/* --mirror '' turns $HULLSCAN_FEED_MIRROR off; others need a value. */
		if (optarg != NULL && *optarg == '\0' && ch != OPT_MIRROR) {
			cmd_db_usage_error(sub, "option --%s needs a value",
			    sub->options[idx].name);
			return -1;
		}
		switch (ch) {
		case OPT_DB:
			free(a->db);
			a->db = xstrdup(optarg);
			break;
		case OPT_FORMAT:
			if (feed_format_find(optarg) == NULL) {
				cmd_db_usage_error(sub, "unknown feed format %s", optarg);
				return -1;
			}
			a->format = optarg;
			break;
		case OPT_FEED:
			a->feed = optarg;
			break;
		case OPT_FEEDS:
			a->feeds = optarg;
			break;
		case OPT_MIRROR:
			a->update.mirror = *optarg != '\0' ? optarg : NULL;
			break;
		case OPT_CONNECT_TIMEOUT:
			if ((v = cmd_db_number(optarg, 1, 3600)) < 0) {
				cmd_db_usage_error(sub, "--connect-timeout: not a number"
				    " of seconds (1-3600): %s", optarg);
				return -1;
			}
			a->update.fetch.connect_timeout = v;
			break;
		case OPT_LOCK_WAIT:
			if ((v = cmd_db_number(optarg, 0, 86400)) < 0) {
				cmd_db_usage_error(sub, "--lock-wait: not a number"
				    " of seconds (0-86400): %s", optarg);
				return -1;
			}
			a->update.lock_wait = (int)v;
			break;
		case OPT_RETRIES:
			if ((v = cmd_db_number(optarg, 0, 20)) < 0) {
				cmd_db_usage_error(sub, "--retries: not a number (0-20):"
				    " %s", optarg);
				return -1;
			}
			a->update.fetch.retries = (int)v;
			break;
		case 'q':
			log_verbosity = 0;
			break;
		case 'v':
			log_verbosity = 2;
			break;
		case 'h':
			cmd_db_usage(stdout, sub);
			return -2;
		default:
			cmd_db_bad_option(sub, argv, ch);
			return -1;
		}
	}
	return optind;
}

static int
cmd_db_import(const struct cmd_db_sub *sub, struct cmd_db_args *a, int argc,
    char **argv)
{
	struct vulndb	*vdb = NULL;
	char		*cause = NULL;
	int64_t		 records;
	double		 t0;
	int		 i, lockfd = -1, status = EXIT_PASS;

	if (argc == 0)
		return cmd_db_usage_error(sub, "no feed file given");
	if (a->feed != NULL && argc > 1) {
		return cmd_db_usage_error(sub, "--feed %s names one feed: give one"
		    " file", a->feed);
	}
	/* db update renames its copy over the file: write it only under the lock. */
	if (mkdir_parents(a->db, &cause) != 0 ||
	    vulndb_lock(a->db, a->update.lock_wait, &lockfd, &cause) != 0 ||
	    vulndb_open(a->db, VULNDB_CREATE, &vdb, &cause) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < argc; i++) {
		t0 = now_mono();
		if (feed_import_file(vdb, argv[i], a->format, a->feed, &records,
		    &cause) != 0) {
			log_error("%s", cause);
			free(cause);
			cause = NULL;
			status = EXIT_USAGE;
			continue;
		}
		printf("%s: %lld advisories (%.2f s)\n", argv[i], (long long)records,
		    now_mono() - t0);
	}
out:
	vulndb_close(vdb);
	vulndb_unlock(lockfd);
	free(cause);
	return status;
}

static int
cmd_db_update(const struct cmd_db_sub *sub, struct cmd_db_args *a, int argc,
    char **argv)
{
	struct update_conf	*conf = NULL;
	char			*cause = NULL;
	int			 failed = 0, status = EXIT_PASS;

	if (argc > 0)
		return cmd_db_usage_error(sub, "unexpected argument %s", argv[0]);
	if ((a->feeds != NULL ? update_conf_read(a->feeds, &conf, &cause) :
	    update_conf_builtin(&conf, &cause)) != 0) {
		log_error("%s", cause);
		status = EXIT_USAGE;
		goto out;
	}
	a->update.db = a->db;
	a->update.progress = log_verbosity == 1 && isatty(STDERR_FILENO);
	if (update_run(&a->update, conf, &failed, &cause) != 0) {
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
	return status;
}

static int
cmd_db_remove(const struct cmd_db_sub *sub, struct cmd_db_args *a, int argc,
    char **argv)
{
	struct vulndb	*vdb = NULL;
	char		*cause = NULL;
	int64_t		*records;
	int		 i, j, lockfd = -1, missing = 0, status = EXIT_USAGE, rc;

	if (argc == 0)
		return cmd_db_usage_error(sub, "no feed named");
	records = xcalloc((size_t)argc, sizeof *records);
	/* No database, nothing to remove: and no lock file made beside it. */
	if (vulndb_open(a->db, VULNDB_READ, &vdb, &cause) != 0)
		goto fail;
	vulndb_close(vdb);
	vdb = NULL;
	if (vulndb_lock(a->db, a->update.lock_wait, &lockfd, &cause) != 0 ||
	    vulndb_open(a->db, VULNDB_WRITE, &vdb, &cause) != 0 ||
	    vulndb_begin(vdb, &cause) != 0)
		goto fail;
	for (i = 0; i < argc; i++) {
		for (j = 0; j < i && strcmp(argv[j], argv[i]) != 0; j++)
			;
		if (j < i) {
			records[i] = -1;	/* named twice: removed once */
			continue;
		}
		rc = vulndb_feed_remove(vdb, argv[i], &records[i], &cause);
		if (rc == HS_ENOENT) {
			log_error("%s; nothing removed", cause);
			free(cause);
			cause = NULL;
			missing++;
			continue;
		}
		if (rc != 0)
			goto fail;
	}
	if (missing > 0) {
		vulndb_rollback(vdb);
		goto out;
	}
	if (vulndb_commit(vdb, &cause) != 0)
		goto fail;
	for (i = 0; i < argc; i++) {
		if (records[i] >= 0)
			printf("%s: removed, %lld advisories\n", argv[i],
			    (long long)records[i]);
	}
	status = EXIT_PASS;
	goto out;
fail:
	log_error("%s", cause);
out:
	vulndb_close(vdb);
	vulndb_unlock(lockfd);
	free(records);
	free(cause);
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
cmd_db_status(const struct cmd_db_sub *sub, struct cmd_db_args *a, int argc,
    char **argv)
{
	struct vulndb	*vdb = NULL;
	char		*cause = NULL;
	int		 status = EXIT_PASS, rc;

	if (argc > 0)
		return cmd_db_usage_error(sub, "unexpected argument %s", argv[0]);
	if ((rc = vulndb_open(a->db, VULNDB_READ, &vdb, &cause)) != 0) {
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
	return status;
}

static int
cmd_db_exec(int argc, char **argv)
{
	const struct cmd_db_sub	*sub = NULL;
	struct cmd_db_args	 a;
	const char		*env;
	size_t			 i;
	int			 first, status;

	if (argc < 2) {
		cmd_db_usage(stderr, NULL);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_db_usage(stdout, NULL);
		return EXIT_PASS;
	}
	for (i = 0; i < NELEM(cmd_db_subs); i++) {
		if (strcmp(argv[1], cmd_db_subs[i].name) == 0)
			sub = &cmd_db_subs[i];
	}
	if (sub == NULL)
		return cmd_db_usage_error(NULL, "unknown subcommand %s", argv[1]);

	memset(&a, 0, sizeof a);
	fetch_options_default(&a.update.fetch);
	a.update.lock_wait = VULNDB_LOCK_WAIT;
	if ((env = getenv("HULLSCAN_FEED_MIRROR")) != NULL && *env != '\0')
		a.update.mirror = env;
	argc--;
	argv++;
	if ((first = cmd_db_parse(sub, argc, argv, &a)) < 0)
		status = first == -2 ? EXIT_PASS : EXIT_USAGE;
	else {
		if (a.db == NULL)
			a.db = cmd_default_db();
		status = sub->exec(sub, &a, argc - first, argv + first);
	}
	free(a.db);
	return status;
}

const struct cmd_entry cmd_db_entry = {
	.name = "db",
	.usage = "db COMMAND [options]",
	.summary = "import, download, remove, list vulnerability feeds",
	.exec = cmd_db_exec,
};

/* --- the database's age, for scan and rescan ----------------------------- */

void
cmd_db_age_init(struct cmd_db_age *age)
{
	age->max_age = 24 * 3600;
	age->fail_on_stale = 0;
}

int
cmd_db_age_option(struct cmd_db_age *age, int ch, const char *arg)
{
	long	v;

	switch (ch) {
	case CMD_OPT_MAX_DB_AGE:
		if ((v = cmd_db_number(arg, 0, 24 * 3650)) < 0) {
			log_error("--max-db-age: not a number of hours: %s", arg);
			return -1;
		}
		age->max_age = v * 3600;
		return 1;
	case CMD_OPT_FAIL_ON_STALE:
		age->fail_on_stale = 1;
		return 1;
	}
	return 0;
}

int
cmd_db_check(const char *path, const struct cmd_db_age *limit, struct vulndb **out)
{
	struct vulndb	*db;
	char		*cause = NULL;
	int64_t		 age;

	if (out != NULL)
		*out = NULL;
	if (vulndb_open(path, VULNDB_READ, &db, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return EXIT_STALE;
	}
	age = vulndb_age(db);
	if (age < 0) {
		log_error("vulnerability database %s holds no feed: run 'hullscan db"
		    " import' or 'hullscan db update'", path);
		vulndb_close(db);
		return EXIT_STALE;
	}
	if (age > limit->max_age) {
		if (limit->fail_on_stale) {
			log_error("vulnerability database %s is %lld hours old"
			    " (limit %ld)", path, (long long)(age / 3600),
			    limit->max_age / 3600);
			vulndb_close(db);
			return EXIT_STALE;
		}
		log_warn("vulnerability database %s is %lld hours old (limit %ld)",
		    path, (long long)(age / 3600), limit->max_age / 3600);
	}
	if (out != NULL)
		*out = db;
	else
		vulndb_close(db);
	return 0;
}
