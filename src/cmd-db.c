/* hullscan db: import feed files into the vulnerability database, show what it holds. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "db.h"
#include "feed.h"
#include "util.h"

static const char cmd_db_usage[] =
    "usage: hullscan db import [--db FILE] [--format NAME] [--feed NAME] FILE...\n"
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

static int
cmd_db_status_feed(const struct vulndb_feed *f, void *arg)
{
	char		 when[32];
	struct tm	 tm;
	time_t		 t = (time_t)f->imported_at;
	const char	*hex;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof when, "%lld", (long long)f->imported_at);
	hex = f->sha256 != NULL ? f->sha256 : "-";
	if (str_starts(hex, "sha256:"))
		hex += 7;
	printf("%s\t%s\t%lld\t%s\t%.12s\n", f->name,
	    f->source != NULL ? f->source : "-", (long long)f->records, when, hex);
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
	return cmd_db_usage_error("db: unknown subcommand %s", argv[1]);
}

const struct cmd_entry cmd_db_entry = {
	.name = "db",
	.usage = "db import|status [--db FILE] ...",
	.summary = "import feed files into the vulnerability database; list its feeds",
	.exec = cmd_db_exec,
};
