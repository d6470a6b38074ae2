/* hullscan vercmp: compare two versions in an ecosystem's order: <, = or >. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util.h"
#include "version.h"

static const char cmd_vercmp_usage[] =
    "usage: hullscan vercmp [--] ECOSYSTEM VERSION1 VERSION2\n"
    "ECOSYSTEM: deb, apk, rpm, npm, pypi, maven, go, cargo, gem, composer, nuget\n";

static int
cmd_vercmp_exec(int argc, char **argv)
{
	enum ecosystem	 eco;
	const char	*name;
	int		 i = 1, result, k;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(cmd_vercmp_usage, stdout);
		return EXIT_PASS;
	}
	/* "--" lets a version start with '-' ("-r1" is a valid apk version). */
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (argc - i != 3) {
		log_error("vercmp: expected an ecosystem and two versions");
		fputs(cmd_vercmp_usage, stderr);
		return EXIT_USAGE;
	}
	name = argv[i];
	eco = ecosystem_from_name(name);
	if (eco == ECO_UNKNOWN || !version_has_order(eco)) {
		log_error("vercmp: unknown ecosystem '%s' (deb, apk, rpm, npm, "
		    "pypi, maven, go, cargo, gem, composer, nuget)", name);
		fputs(cmd_vercmp_usage, stderr);
		return EXIT_USAGE;
	}
	for (k = 1; k <= 2; k++) {
		if (!version_valid(eco, argv[i + k])) {
			log_error("vercmp: invalid %s version '%s'", name,
			    argv[i + k]);
			return EXIT_USAGE;
		}
	}
	if (version_cmp(eco, argv[i + 1], argv[i + 2], &result) != 0) {
		log_error("vercmp: cannot compare '%s' and '%s'", argv[i + 1],
		    argv[i + 2]);
		return EXIT_USAGE;
	}
	puts(result < 0 ? "<" : result > 0 ? ">" : "=");
	return EXIT_PASS;
}

const struct cmd_entry cmd_vercmp_entry = {
	.name = "vercmp",
	.usage = "vercmp ECOSYSTEM V1 V2",
	.summary = "compare two versions: prints <, = or >",
	.exec = cmd_vercmp_exec,
};
