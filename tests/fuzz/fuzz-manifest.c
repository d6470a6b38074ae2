/*
 * Fuzz target: OCI/Docker image manifests, image configs and indexes /
 * manifest lists. Byte 0 picks which reader; the rest is the JSON.
 */
#include "config.h"

#define FUZZ_NAME manifest

#include "fuzz.h"
#include "source.h"

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

static const char *platforms[] = { "linux/amd64", "linux/arm64/v8", "linux", NULL };
static const char *tags[] = { NULL, "latest", "12" };

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct source_options	 opts;
	struct image		*img;
	const char		*json;
	char			*cause = NULL, *digest = NULL, *mt = NULL;
	size_t			 len, i;
	int			 rc, mode;

	if (size == 0)
		return 0;
	mode = data[0];
	json = (const char *)data + 1;
	len = size - 1;
	source_options_default(&opts);
	opts.max_layers = 16;
	opts.max_json = 1 << 20;

	switch (mode % 3) {
	case 0:
		/* A manifest, then a config over its layers. */
		img = xcalloc(1, sizeof *img);
		rc = source_parse_manifest(json, len, img, &opts, &cause);
		fuzz_check("source_parse_manifest", rc, &cause);
		if (rc == 0 && img->nlayers > opts.max_layers)
			abort();
		rc = source_parse_config(json, len, img, &cause);
		fuzz_check("source_parse_config", rc, &cause);
		image_free(img);
		break;
	case 1:
		/* A config for an image of (mode / 3) % 4 layers. */
		img = xcalloc(1, sizeof *img);
		img->nlayers = (mode / 3) % 4;
		img->layers = xcalloc(img->nlayers + 1, sizeof *img->layers);
		rc = source_parse_config(json, len, img, &cause);
		fuzz_check("source_parse_config", rc, &cause);
		image_free(img);
		break;
	case 2:
		i = (mode / 3) % (NELEM(platforms) * NELEM(tags));
		rc = source_pick_manifest(json, len, platforms[i % NELEM(platforms)],
		    tags[i / NELEM(platforms)], &digest, &mt, &cause);
		fuzz_check("source_pick_manifest", rc, &cause);
		if (rc == 0 && (digest == NULL || !digest_valid(digest) || mt == NULL))
			abort();
		free(digest);
		free(mt);
		break;
	}
	return 0;
}
