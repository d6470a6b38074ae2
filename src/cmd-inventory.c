/* hullscan inventory: list an image's OS and installed packages as TSV. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "pkg.h"
#include "summary.h"
#include "scan.h"
#include "source.h"
#include "util.h"

static const char *inventory_usage =
    "usage: hullscan inventory [options] REF...\n"
    "  prints, per image, a line \"# REF<TAB>os<TAB>version<TAB>namespace\" and then one\n"
    "  line per package: name, version, source name, source version, arch, ecosystem\n"
    CMD_SOURCE_USAGE
    "  -q, --quiet          only warnings and errors on stderr\n"
    "  -v, --verbose        debug messages\n";

static const struct option inventory_options[] = {
	CMD_SOURCE_LONGOPTS,
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static const char *
or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

static int
cmd_inventory_exec(int argc, char **argv)
{
	struct cmd_source	 src;
	struct image_result	 r;
	const struct package	*p;
	size_t			 i;
	int			 ch, status = EXIT_PASS;

	cmd_source_init(&src);
	src.opts.want = pkg_wanted;
	src.opts.limits.summariser = &summary_summariser;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":qvh", inventory_options, NULL)) != -1) {
		switch (cmd_source_option(&src, ch, optarg)) {
		case 1:
			continue;
		case -1:
			return EXIT_USAGE;
		}
		switch (ch) {
		case 'q':
			log_verbosity = 0;
			break;
		case 'v':
			log_verbosity = 2;
			break;
		case 'h':
			fputs(inventory_usage, stdout);
			return EXIT_PASS;
		default:
			cmd_bad_option("inventory", argv, ch);
			fputs(inventory_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(inventory_usage, stderr);
		return EXIT_USAGE;
	}
	cmd_source_start(&src);
	for (; optind < argc; optind++) {
		memset(&r, 0, sizeof r);
		r.reference = xstrdup(argv[optind]);
		if (scan_image(r.reference, &src.opts, NULL, &r) != 0) {
			log_error("%s: %s", r.reference, r.error);
			status = EXIT_IMAGE;
			image_result_clear(&r);
			continue;
		}
		printf("# %s\t%s\t%s\t%s\n", r.reference, or_dash(r.inv->os.id),
		    or_dash(r.inv->os.version_id), or_dash(r.inv->os.namespace));
		for (i = 0; i < r.inv->npkgs; i++) {
			p = &r.inv->pkgs[i];
			printf("%s\t%s\t%s\t%s\t%s\t%s\n", p->name, p->version,
			    p->source_name, p->source_version, or_dash(p->arch),
			    ecosystem_name(p->ecosystem));
		}
		image_result_clear(&r);
	}
	cmd_source_end(&src);
	return status;
}

const struct cmd_entry cmd_inventory_entry = {
	.name = "inventory",
	.usage = "inventory REF...",
	.summary = "list an image's OS and packages (TSV)",
	.exec = cmd_inventory_exec,
};
