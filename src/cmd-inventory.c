/* hullscan inventory: list an image's OS, its packages and its applications' packages as TSV. */
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
    "  line per package: name, version, source name, source version, arch, ecosystem,\n"
    "  location in the image, purl, layer (\"-\" when none: OS packages)\n"
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

/* A path from the image, as one TSV field: tabs and newlines would split the line. */
static void
put_field(const char *s)
{
	const unsigned char	*p;

	if (s == NULL || *s == '\0') {
		putchar('-');
		return;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

static int
cmd_inventory_exec(int argc, char **argv)
{
	struct cmd_source	 src;
	struct image_result	 r;
	struct image_ref	**refs;
	const struct package	*p;
	size_t			 i, j, n;
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
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		log_error("inventory: no image given (see hullscan inventory --help)");
		return EXIT_USAGE;
	}
	n = (size_t)(argc - optind);
	if (scan_parse_refs(argv + optind, n, &refs) != 0) {
		scan_refs_free(refs, n);
		return EXIT_USAGE;
	}
	cmd_source_start(&src);
	for (j = 0; j < n; j++) {
		memset(&r, 0, sizeof r);
		r.reference = xstrdup(argv[optind + j]);
		if (scan_image(refs[j], &src.opts, NULL, &r) != 0) {
			log_error("%s: %s", r.reference, r.error);
			status = EXIT_IMAGE;
			image_result_clear(&r);
			continue;
		}
		printf("# %s\t%s\t%s\t%s\n", r.reference, or_dash(r.inv->os.id),
		    or_dash(r.inv->os.version_id), or_dash(r.inv->os.namespace));
		for (i = 0; i < r.inv->npkgs; i++) {
			p = &r.inv->pkgs[i];
			printf("%s\t%s\t%s\t%s\t%s\t%s\t", p->name, p->version,
			    p->source_name, p->source_version, or_dash(p->arch),
			    ecosystem_name(p->ecosystem));
			put_field(p->location);
			printf("\t%s\t%s\n", or_dash(p->purl), or_dash(p->layer));
		}
		if (r.warning != NULL)
			log_warn("%s: %s", r.reference, r.warning);
		image_result_clear(&r);
	}
	cmd_source_end(&src);
	scan_refs_free(refs, n);
	return status;
}

const struct cmd_entry cmd_inventory_entry = {
	.name = "inventory",
	.usage = "inventory REF...",
	.summary = "list an image's OS and packages (TSV)",
	.exec = cmd_inventory_exec,
};
