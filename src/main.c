/* hullscan: dispatch a subcommand; its result becomes the exit status. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static const struct cmd_entry *cmd_table[] = {
	&cmd_scan_entry,
	&cmd_db_entry,
	&cmd_inventory_entry,
	&cmd_history_entry,
	&cmd_rescan_entry,
	&cmd_vercmp_entry,
};

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: hullscan COMMAND [options]\n\ncommands:\n");
	for (i = 0; i < NELEM(cmd_table); i++)
		fprintf(f, "  %-34s %s\n", cmd_table[i]->usage, cmd_table[i]->summary);
	fprintf(f, "\nexit status: 0 passed, 1 policy failed, 2 usage or input error,\n"
	    "3 an image could not be scanned, 4 vulnerability database missing or stale;\n"
	    "bad usage (2) and the database (4) stop a run before any image is read;\n"
	    "after a scan, 1 wins over 3, and 3 over 2 (a report or the history that\n"
	    "could not be written)\n");
}

void
cmd_bad_option(const char *cmd, char **argv, int ch)
{
	const char	*arg = argv[optind - 1];
	int		 n;

	if (strncmp(arg, "--", 2) == 0) {
		n = (int)strcspn(arg, "=");
		if (ch == ':')
			log_error("%s: option %.*s needs a value (see hullscan %s --help)",
			    cmd, n, arg, cmd);
		else if (optopt != 0)
			log_error("%s: option %.*s takes no value (see hullscan %s "
			    "--help)", cmd, n, arg, cmd);
		else
			log_error("%s: unknown option %.*s (see hullscan %s --help)",
			    cmd, n, arg, cmd);
	} else if (ch == ':')
		log_error("%s: option -%c needs a value (see hullscan %s --help)", cmd,
		    optopt, cmd);
	else
		log_error("%s: unknown option -%c (see hullscan %s --help)", cmd,
		    optopt, cmd);
}

char *
cmd_default_db(void)
{
	const char	*xdg, *home;

	if ((xdg = getenv("XDG_CACHE_HOME")) != NULL && *xdg == '/')
		return xasprintf("%s/hullscan/vuln.db", xdg);
	if ((home = getenv("HOME")) != NULL && *home != '\0')
		return xasprintf("%s/.cache/hullscan/vuln.db", home);
	return xstrdup("hullscan-vuln.db");
}

int
main(int argc, char **argv)
{
	size_t	i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hullscan %s\n", PACKAGE_VERSION);
		return EXIT_PASS;
	}
	for (i = 0; i < NELEM(cmd_table); i++) {
		if (strcmp(argv[1], cmd_table[i]->name) == 0)
			return cmd_table[i]->exec(argc - 1, argv + 1);
	}
	log_error("unknown command: %s (see hullscan --help)", argv[1]);
	return EXIT_USAGE;
}
