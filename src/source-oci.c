/* The oci: transport, and the OCI layout logic oci-archive: shares: index, manifest, config, blobs. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layer.h"
#include "source.h"
#include "stream.h"
#include "util.h"

#define OCI_MAX_NESTING	4	/* index → index → … → manifest */
#define OCI_LAYOUT_MAX	65536

/* A blob by digest, checked against it: nothing unverified leaves here. */
int
source_oci_blob(source_get_fn get, void *arg, const char *digest, size_t max,
    char **data, size_t *len, char **cause)
{
	char	*name, got[72];
	int	 rc;

	*data = NULL;
	*len = 0;
	if (!digest_valid(digest))
		return fail(cause, HS_EINVAL, "unsupported digest \"%s\"", digest);
	name = xasprintf("blobs/sha256/%s", digest + 7);
	rc = get(arg, name, max, data, len, cause);
	free(name);
	if (rc == HS_ENOENT)
		return fail(cause, HS_ENOENT, "blob %s is missing", digest);
	if (rc != 0)
		return rc;
	sha256_hex(*data, *len, got);
	if (strcmp(got, digest) != 0) {
		free(*data);
		*data = NULL;
		return fail(cause, HS_EDIGEST, "blob digest mismatch: expected %s, "
		    "got %s", digest, got);
	}
	return 0;
}

static int
source_oci_check_layout(source_get_fn get, void *arg, char **cause)
{
	json_t		*j;
	json_error_t	 err;
	char		*data;
	size_t		 len;
	int		 rc;

	if ((rc = get(arg, "oci-layout", OCI_LAYOUT_MAX, &data, &len, cause)) != 0) {
		if (rc == HS_ENOENT)
			return fail(cause, HS_ENOENT, "not an OCI layout (no "
			    "oci-layout file)");
		return rc;
	}
	j = json_loadb(data, len, 0, &err);
	free(data);
	if (j == NULL || json_string_value(json_object_get(j,
	    "imageLayoutVersion")) == NULL) {
		json_decref(j);
		return fail(cause, HS_EINVAL, "oci-layout: not an OCI layout "
		    "file (no imageLayoutVersion)");
	}
	json_decref(j);
	return 0;
}

int
source_oci_resolve(source_get_fn get, void *arg, const char *tag,
    const struct source_options *opts, struct image *img, char **cause)
{
	char		*data = NULL, *digest = NULL, *mt = NULL, *next;
	size_t		 len, depth;
	int		 rc;

	if ((rc = source_oci_check_layout(get, arg, cause)) != 0)
		return rc;
	if ((rc = get(arg, "index.json", opts->max_json, &data, &len, cause)) != 0) {
		if (rc == HS_ENOENT)
			return fail(cause, HS_ENOENT, "not an OCI layout (no "
			    "index.json)");
		cause_prefix(cause, "index.json");
		return rc;
	}
	rc = source_pick_manifest(data, len, opts->platform, tag, &digest, &mt,
	    cause);
	free(data);
	data = NULL;
	if (rc != 0) {
		cause_prefix(cause, "index.json");
		return rc;
	}
	/* A tag may name an index (a multi-platform image): descend by platform. */
	for (depth = 0; source_media_is_index(mt); depth++) {
		if (depth == OCI_MAX_NESTING) {
			rc = fail(cause, HS_ELIMIT, "index %s: nested more than "
			    "%d deep", digest, OCI_MAX_NESTING);
			goto out;
		}
		if ((rc = source_oci_blob(get, arg, digest, opts->max_json, &data,
		    &len, cause)) != 0) {
			cause_prefix(cause, "index %s", digest);
			goto out;
		}
		free(mt);
		mt = NULL;
		rc = source_pick_manifest(data, len, opts->platform, NULL, &next,
		    &mt, cause);
		free(data);
		data = NULL;
		if (rc != 0) {
			cause_prefix(cause, "index %s", digest);
			goto out;
		}
		free(digest);
		digest = next;
	}
	if ((rc = source_oci_blob(get, arg, digest, opts->max_json, &data, &len,
	    cause)) != 0 ||
	    (rc = source_parse_manifest(data, len, img, opts, cause)) != 0) {
		cause_prefix(cause, "manifest %s", digest);
		goto out;
	}
	free(data);
	data = NULL;
	img->manifest_digest = digest;
	digest = NULL;
	if ((rc = source_oci_blob(get, arg, img->config_digest, opts->max_json,
	    &data, &len, cause)) != 0 ||
	    (rc = source_parse_config(data, len, img, cause)) != 0) {
		cause_prefix(cause, "config %s", img->config_digest);
		goto out;
	}
out:
	free(data);
	free(digest);
	free(mt);
	return rc;
}

static int
source_oci_get_file(void *arg, const char *name, size_t max, char **data,
    size_t *len, char **cause)
{
	char	*path;
	int	 rc;

	path = xasprintf("%s/%s", (const char *)arg, name);
	rc = file_read(path, max, data, len, cause);
	free(path);
	return rc;
}

struct source_oci_ctx {
	const struct image_ref		*ref;
	const struct source_options	*opts;
};

/* One layer of an oci: layout: its blob file, digest and diff_id checked. */
static int
source_oci_layer(void *arg, struct image_layer *l, char **cause)
{
	struct source_oci_ctx		*ctx = arg;
	const struct image_ref		*ref = ctx->ref;
	const struct source_options	*opts = ctx->opts;
	struct stream		*in;
	char			*path;
	int			 rc;

	if (source_layer_claim(opts, l))
		return 0;
	path = xasprintf("%s/blobs/sha256/%s", ref->path, l->digest + 7);
	rc = stream_open_file(path, &in, cause);
	free(path);
	if (rc != 0) {
		source_layer_unclaim(l);
		if (rc == HS_ENOENT)
			fail(cause, rc, "blob is missing");
		cause_prefix(cause, "layer %s", l->digest);
		return rc;
	}
	rc = source_layer_read(opts, l, NULL, in, 1, cause);
	stream_close(in);
	return rc;
}

static int
source_oci_read(const struct image_ref *ref, const struct source_options *opts,
    struct image *img, char **cause)
{
	struct stat	 st;
	struct source_oci_ctx	 ctx;
	int		 rc;

	if (stat(ref->path, &st) == -1)
		return fail(cause, errno == ENOENT ? HS_ENOENT : HS_EIO, "%s: %s",
		    ref->path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(cause, HS_EINVAL, "%s: not a directory", ref->path);
	if ((rc = source_oci_resolve(source_oci_get_file, ref->path, ref->tag,
	    opts, img, cause)) != 0)
		return rc;
	ctx.ref = ref;
	ctx.opts = opts;
	return source_layers_read(opts, img, source_oci_layer, &ctx, cause);
}

const struct source_backend source_oci_backend = {
	.name = "oci",
	.transport = TRANSPORT_OCI,
	.read = source_oci_read,
};
