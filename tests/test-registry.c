/*
 * A driver for the shell tests of the registry, daemon and cache code: reads
 * one image through source_read and prints what it found, one fact a line.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "source.h"
#include "util.h"

static int
want(const char *path)
{
	return strcmp(path, "etc/os-release") == 0 ||
	    strcmp(path, "usr/lib/os-release") == 0 ||
	    strcmp(path, "var/lib/dpkg/status") == 0 ||
	    strcmp(path, "lib/apk/db/installed") == 0;
}

static const char *
type_name(enum kept_type t)
{
	switch (t) {
	case KEPT_FILE:
		return "file";
	case KEPT_SYMLINK:
		return "symlink";
	case KEPT_DIR:
		return "dir";
	case KEPT_TOOBIG:
		return "toobig";
	case KEPT_SUMMARY:
		return "summary";
	}
	return "?";
}

static void
print_image(const struct image *img)
{
	const struct layer_files	*lf;
	char				 sum[72];
	size_t				 i, j;

	printf("manifest\t%s\n", img->manifest_digest != NULL ? img->manifest_digest : "-");
	printf("config\t%s\n", img->config_digest != NULL ? img->config_digest : "-");
	printf("platform\t%s/%s\n", img->os != NULL ? img->os : "-",
	    img->arch != NULL ? img->arch : "-");
	for (i = 0; i < img->nlayers; i++) {
		lf = img->layers[i].files;
		printf("layer\t%zu\t%s\t%s\n", i, img->layers[i].digest,
		    img->layers[i].diff_id != NULL ? img->layers[i].diff_id : "-");
		if (lf == NULL)
			continue;
		for (j = 0; j < lf->nfiles; j++) {
			/* The layer reader keeps every symlink: show the wanted ones. */
			if (lf->files[j].type != KEPT_FILE && !want(lf->files[j].path))
				continue;
			sha256_hex(lf->files[j].data != NULL ? lf->files[j].data : "",
			    lf->files[j].len, sum);
			printf("file\t%zu\t%s\t%s\t%zu\t%s\n", i, lf->files[j].path,
			    type_name(lf->files[j].type), lf->files[j].len, sum);
		}
		for (j = 0; j < lf->nwhiteouts; j++)
			printf("whiteout\t%zu\t%s\n", i, lf->whiteouts[j]);
		for (j = 0; j < lf->nopaque; j++)
			printf("opaque\t%zu\t%s\n", i, lf->opaque[j]);
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cache", required_argument, NULL, 'c' },
		{ "creds", required_argument, NULL, 'u' },
		{ "platform", required_argument, NULL, 'p' },
		{ "tls-verify", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "pause", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "lazy-pull", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct source_options	 opts;
	struct layer_cache	*cache = NULL;
	struct cache_stats	 st;
	struct image_ref	*ref = NULL;
	struct image		*img = NULL;
	char			*cause = NULL;
	int			 ch, repeat = 1, pause_ms = 0, i, status = 0;

	source_options_default(&opts);
	opts.want = want;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			if (cache_open(optarg, &cache, &cause) != 0) {
				fprintf(stderr, "error: %s\n", cause);
				free(cause);
				return 2;
			}
			opts.cache = cache;
			break;
		case 'u':
			opts.creds = optarg;
			break;
		case 'p':
			opts.platform = optarg;
			break;
		case 't':
			opts.tls_verify = strcmp(optarg, "false") != 0;
			break;
		case 'r':
			repeat = atoi(optarg);
			break;
		case 's':
			pause_ms = atoi(optarg);
			break;
		case 'v':
			log_verbosity = 2;
			break;
		case 'l':
			opts.lazy_pull = strcmp(optarg, "never") != 0;
			break;
		default:
			fprintf(stderr, "usage: test-registry [--cache FILE] [--creds U:P] "
			    "[--platform P] [--tls-verify=false] [--repeat N] [--pause MS] "
			    "[--lazy-pull auto|never] REF\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: test-registry [options] REF\n");
		return 2;
	}
	if (image_ref_parse(argv[optind], &ref, &cause) != 0) {
		fprintf(stderr, "error: %s\n", cause);
		free(cause);
		return 2;
	}
	for (i = 0; i < repeat && status == 0; i++) {
		if (source_read(ref, &opts, &img, &cause) != 0) {
			fprintf(stderr, "error: %s: %s\n", argv[optind], cause);
			status = 3;
			break;
		}
		if (i == 0)
			print_image(img);
		if (pause_ms > 0 && i + 1 < repeat)
			usleep((useconds_t)pause_ms * 1000);
		image_free(img);
		img = NULL;
	}
	if (cache != NULL) {
		cache_stats(cache, &st);
		printf("cache\thits %lu\tmisses %lu\tputs %lu\n", st.hits, st.misses, st.puts);
	}
	free(cause);
	image_ref_free(ref);
	cache_close(cache);
	return status;
}
