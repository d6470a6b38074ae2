/*
 * Fuzz target: docker-archive and oci-archive images. Byte 0 picks what the
 * rest is: a docker save manifest.json (modes 0, 1: with fixed config and
 * layer blobs beside it, no tag or a tag), a whole archive (2), or an OCI
 * index.json beside a fixed manifest, config and layer (3). The archive is
 * written to a temp file and read through source_read, as the CLI does.
 * With $HULLSCAN_FUZZ_SEEDS set, Initialize writes one seed per mode there.
 */
#include "config.h"

#define FUZZ_NAME docker_archive

#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "fuzz.h"
#include "pkg.h"
#include "source.h"

struct blob {
	char	*data;
	size_t	 len;
	char	 digest[72];	/* "sha256:<hex>" */
};

static struct blob	layer, config, manifest;
static char		path[256];

static void
blob_set(struct blob *b, char *data, size_t len)
{
	b->data = data;
	b->len = len;
	sha256_hex(data, len, b->digest);
}

/* Entries are (name, data, len) triples, NULL-terminated. */
static void
tar_write(const char *file, const char *const *names, const char *const *datas,
    const size_t *lens, size_t n)
{
	struct archive		*a;
	struct archive_entry	*e;
	size_t			 i;

	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, file) != ARCHIVE_OK)
		abort();
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, lens[i]);
		archive_write_header(a, e);
		archive_write_data(a, datas[i], lens[i]);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static char *
file_slurp(const char *file, size_t *len)
{
	char	*data, *cause = NULL;

	if (file_read(file, 1 << 20, &data, len, &cause) != 0)
		abort();
	return data;
}

static void
write_seed(const char *dir, int mode, const char *text)
{
	char	*name;
	FILE	*f;

	name = xasprintf("%s/seed-%d", dir, mode);
	if ((f = fopen(name, "wb")) != NULL) {
		fputc(mode, f);
		fputs(text, f);
		fclose(f);
	}
	free(name);
}

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	const char	*names[1] = { "etc/os-release" };
	const char	*datas[1] = { "ID=alpine\nVERSION_ID=3.11.5\n" };
	size_t		 lens[1];
	const char	*tmp, *seeds;
	char		*text, *mf;

	FUZZ_QUIET();
	if ((tmp = getenv("TMPDIR")) == NULL)
		tmp = "/tmp";
	snprintf(path, sizeof path, "%s/hullscan-fuzz-archive.%ld.tar", tmp,
	    (long)getpid());

	lens[0] = strlen(datas[0]);
	tar_write(path, names, datas, lens, 1);
	text = file_slurp(path, &lens[0]);
	blob_set(&layer, text, lens[0]);
	text = xasprintf("{\"architecture\":\"amd64\",\"os\":\"linux\","
	    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
	    layer.digest);
	blob_set(&config, text, strlen(text));
	text = xasprintf("{\"schemaVersion\":2,\"mediaType\":"
	    "\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
	    "\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
	    "\"digest\":\"%s\",\"size\":%zu},\"layers\":[{\"mediaType\":"
	    "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\","
	    "\"size\":%zu}]}", config.digest, config.len, layer.digest, layer.len);
	blob_set(&manifest, text, strlen(text));
	unlink(path);

	if ((seeds = getenv("HULLSCAN_FUZZ_SEEDS")) != NULL) {
		mf = xasprintf("[{\"Config\":\"config.json\",\"RepoTags\":"
		    "[\"test/x:1\"],\"Layers\":[\"layer.tar\"]}]");
		write_seed(seeds, 0, mf);
		write_seed(seeds, 1, mf);
		free(mf);
		mf = xasprintf("[{\"Config\":\"blobs/sha256/%s\",\"RepoTags\":"
		    "null,\"Layers\":[\"blobs/sha256/%s\"]}]", config.digest + 7,
		    layer.digest + 7);
		write_seed(seeds, 0, mf);
		free(mf);
		mf = xasprintf("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		    "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
		    "\"%s\",\"size\":%zu,\"annotations\":{"
		    "\"org.opencontainers.image.ref.name\":\"1\"}}]}",
		    manifest.digest, manifest.len);
		write_seed(seeds, 3, mf);
		free(mf);
	}
	return 0;
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct source_options	 opts;
	struct image_ref	*ref = NULL;
	struct image		*img = NULL;
	char			*cause = NULL, *text, cfgname[80], layname[80], mname[80];
	const char		*names[6], *datas[6];
	size_t			 lens[6], n = 0;
	FILE			*f;
	int			 rc, mode;

	if (size == 0)
		return 0;
	mode = data[0] % 4;
	data++;
	size--;
	snprintf(cfgname, sizeof cfgname, "blobs/sha256/%s", config.digest + 7);
	snprintf(layname, sizeof layname, "blobs/sha256/%s", layer.digest + 7);
	snprintf(mname, sizeof mname, "blobs/sha256/%s", manifest.digest + 7);
	switch (mode) {
	case 0:
	case 1:
		names[n] = "manifest.json"; datas[n] = (const char *)data; lens[n++] = size;
		names[n] = "config.json"; datas[n] = config.data; lens[n++] = config.len;
		names[n] = "layer.tar"; datas[n] = layer.data; lens[n++] = layer.len;
		names[n] = cfgname; datas[n] = config.data; lens[n++] = config.len;
		names[n] = layname; datas[n] = layer.data; lens[n++] = layer.len;
		tar_write(path, names, datas, lens, n);
		break;
	case 2:
		if ((f = fopen(path, "wb")) == NULL)
			abort();
		fwrite(data, 1, size, f);
		fclose(f);
		break;
	case 3:
		names[n] = "oci-layout"; datas[n] = "{\"imageLayoutVersion\":\"1.0.0\"}";
		lens[n] = strlen(datas[n]); n++;
		names[n] = "index.json"; datas[n] = (const char *)data; lens[n++] = size;
		names[n] = mname; datas[n] = manifest.data; lens[n++] = manifest.len;
		names[n] = cfgname; datas[n] = config.data; lens[n++] = config.len;
		names[n] = layname; datas[n] = layer.data; lens[n++] = layer.len;
		tar_write(path, names, datas, lens, n);
		break;
	}

	if (mode == 3)
		text = xasprintf("oci-archive:%s", path);
	else if (mode == 1)
		text = xasprintf("docker-archive:%s:test/x:1", path);
	else
		text = xasprintf("docker-archive:%s", path);
	rc = image_ref_parse(text, &ref, &cause);
	fuzz_check("image_ref_parse", rc, &cause);
	if (rc == 0) {
		source_options_default(&opts);
		opts.want = pkg_wanted;
		opts.max_layers = 8;
		opts.max_json = 64 << 10;
		opts.limits.max_file = 64 << 10;
		opts.limits.max_entries = 1024;
		opts.limits.max_tar = 4 << 20;
		rc = source_read(ref, &opts, &img, &cause);
		fuzz_check("source_read", rc, &cause);
		image_free(img);
	}
	image_ref_free(ref);
	free(text);
	unlink(path);
	return 0;
}
