/* Image references, the backend table, and the manifest/config parsing every backend shares. */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cache.h"
#include "layer.h"
#include "source.h"
#include "stream.h"
#include "util.h"

#define MT_OCI_MANIFEST	"application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX	"application/vnd.oci.image.index.v1+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_V1	"application/vnd.docker.distribution.manifest.v1"

#define DOCKER_HUB_NAME	"docker.io"
#define DOCKER_HUB_HOST	"registry-1.docker.io"

/* Every transport's backend, in one place; see each file for its own. */
static const struct source_backend *const source_backends[] = {
	&source_oci_backend,
	&source_oci_archive_backend,
	&source_docker_archive_backend,
	&source_dir_backend,
	&source_docker_backend,
	&source_daemon_backend,
};

static const struct {
	const char	*prefix;
	enum transport	 transport;
} source_transports[] = {
	{ "docker://", TRANSPORT_DOCKER },
	{ "docker-archive:", TRANSPORT_DOCKER_ARCHIVE },
	{ "oci-archive:", TRANSPORT_OCI_ARCHIVE },
	{ "oci:", TRANSPORT_OCI },
	{ "docker-daemon:", TRANSPORT_DOCKER_DAEMON },
	{ "dir:", TRANSPORT_DIR },
	{ "sbom:", TRANSPORT_SBOM },
};

const char *
transport_name(enum transport t)
{
	size_t	i;

	for (i = 0; i < NELEM(source_transports); i++) {
		if (source_transports[i].transport == t)
			return source_transports[i].prefix;
	}
	return "unknown:";
}

void
image_ref_free(struct image_ref *ref)
{
	if (ref == NULL)
		return;
	free(ref->text);
	free(ref->path);
	free(ref->tag);
	free(ref->registry);
	free(ref->repository);
	free(ref->reference);
	free(ref->name);
	free(ref);
}

static int
ref_valid_tag(const char *s)
{
	size_t	i;

	if (*s == '\0' || strlen(s) > 128 || !(isalnum((unsigned char)*s) || *s == '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("_.-", s[i]) == NULL)
			return 0;
	}
	return 1;
}

/* Path components: lower-case alphanumerics, separated by ".", "_", "__" or "-". */
static int
ref_valid_repository(const char *s)
{
	const char	*p;
	int		 start = 1;

	if (*s == '\0' || strlen(s) > 255)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (islower((unsigned char)*p) || isdigit((unsigned char)*p)) {
			start = 0;
			continue;
		}
		if (start || strchr("._-/", *p) == NULL)
			return 0;
		if (*p == '/')
			start = 1;
	}
	return !start;
}

/* A host's ":PORT", when it has one, is 1 to 5 digits ("[::1]" has none). */
static int
ref_valid_port(const char *host)
{
	const char	*colon;
	size_t		 n;

	if ((colon = strrchr(host, ':')) == NULL ||
	    (host[0] == '[' && strchr(colon, ']') != NULL))
		return 1;
	n = strspn(colon + 1, "0123456789");
	return n >= 1 && n <= 5 && colon[1 + n] == '\0';
}

/*
 * A registry reference "[host[:port]/]repo[:tag][@sha256:…]" with Docker's
 * conventions: no host means Docker Hub, whose one-part names live under
 * "library/", and the tag defaults to "latest".
 */
int
source_parse_docker_ref(const char *text, struct image_ref *ref, char **cause)
{
	char		*s, *at, *colon, *slash, *first;
	const char	*host = NULL, *repo;
	int		 rc = HS_EINVAL;

	s = xstrdup(text);
	if ((at = strchr(s, '@')) != NULL) {
		*at++ = '\0';
		if (!digest_valid(at)) {
			fail(cause, HS_EINVAL, "%s: invalid digest \"%s\"", text, at);
			goto out;
		}
		ref->reference = xstrdup(at);
	}
	slash = strrchr(s, '/');
	colon = strrchr(slash != NULL ? slash : s, ':');
	if (colon != NULL) {
		*colon++ = '\0';
		if (!ref_valid_tag(colon)) {
			fail(cause, HS_EINVAL, "%s: invalid tag \"%s\"", text, colon);
			goto out;
		}
		if (ref->reference == NULL)
			ref->reference = xstrdup(colon);
	}
	if (ref->reference == NULL)
		ref->reference = xstrdup("latest");
	repo = s;
	if ((slash = strchr(s, '/')) != NULL) {
		first = s;
		*slash = '\0';
		if (strchr(first, '.') != NULL || strchr(first, ':') != NULL ||
		    strcmp(first, "localhost") == 0) {
			host = first;
			repo = slash + 1;
		} else
			*slash = '/';
	}
	if (host == NULL || strcmp(host, "docker.io") == 0 ||
	    strcmp(host, "index.docker.io") == 0 ||
	    strcmp(host, DOCKER_HUB_HOST) == 0) {
		ref->registry = xstrdup(DOCKER_HUB_HOST);
		if (strchr(repo, '/') == NULL)
			ref->repository = xasprintf("library/%s", repo);
		else
			ref->repository = xstrdup(repo);
		ref->name = xasprintf("%s/%s", DOCKER_HUB_NAME, ref->repository);
	} else {
		if (*host == '\0' || *host == ':' || strchr(host, '/') != NULL ||
		    !ref_valid_port(host)) {
			fail(cause, HS_EINVAL, "%s: invalid registry \"%s\"", text, host);
			goto out;
		}
		ref->registry = xstrdup(host);
		ref->repository = xstrdup(repo);
		ref->name = xasprintf("%s/%s", host, repo);
	}
	if (!ref_valid_repository(ref->repository)) {
		fail(cause, HS_EINVAL, "%s: invalid repository name \"%s\"", text,
		    repo);
		goto out;
	}
	rc = 0;
out:
	free(s);
	return rc;
}

/*
 * The distance between word (len bytes, case ignored) and name: the edits
 * (insert, delete, change, swap two neighbours) from one to the other.
 */
static size_t
ref_distance(const char *word, size_t len, const char *name)
{
	size_t	d[33][33], n = strlen(name), i, j, best;
	int	a, b;

	if (len > 32 || n > 32)
		return SIZE_MAX;
	for (i = 0; i <= len; i++)
		d[i][0] = i;
	for (j = 0; j <= n; j++)
		d[0][j] = j;
	for (i = 1; i <= len; i++) {
		a = tolower((unsigned char)word[i - 1]);
		for (j = 1; j <= n; j++) {
			b = (unsigned char)name[j - 1];
			best = d[i - 1][j - 1] + (a != b);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a == (unsigned char)name[j - 2] &&
			    tolower((unsigned char)word[i - 2]) == b &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[len][n];
}

/*
 * The transport whose name word (len bytes) is a slip of: one edit away from
 * a short name ("ocii"), two from a long one ("docker-archiv"). "docker" is
 * a transport only as "docker://": with_registry says whether it counts.
 * Returns its prefix ("oci:"), or NULL.
 */
static const char *
ref_near_transport(const char *word, size_t len, int with_registry)
{
	const char	*prefix, *best = NULL;
	char		 name[32];
	size_t		 i, d, nlen, best_d = SIZE_MAX;

	for (i = 0; i < NELEM(source_transports); i++) {
		if (source_transports[i].transport == TRANSPORT_DOCKER &&
		    !with_registry)
			continue;
		prefix = source_transports[i].prefix;
		nlen = strcspn(prefix, ":");
		snprintf(name, sizeof name, "%.*s", (int)nlen, prefix);
		d = ref_distance(word, len, name);
		if (d <= (nlen <= 3 ? 1 : 2) && d < best_d) {
			best = prefix;
			best_d = d;
		}
	}
	return best;
}

/* "TEXT: unknown transport "WORD:"" and what it may have meant; HS_EINVAL. */
static int
ref_unknown_transport(const char *text, size_t len, const char *sep, char **cause)
{
	const char	*near;
	struct buf	 known;
	size_t		 i;
	int		 rc;

	if ((near = ref_near_transport(text, len, 1)) != NULL)
		return fail(cause, HS_EINVAL, "%s: unknown transport \"%.*s%s\" "
		    "(did you mean %s?)", text, (int)len, text, sep, near);
	buf_init(&known);
	for (i = 0; i < NELEM(source_transports); i++)
		buf_printf(&known, "%s%s", i > 0 ? ", " : "",
		    source_transports[i].prefix);
	rc = fail(cause, HS_EINVAL, "%s: unknown transport \"%.*s%s\" (transports: "
	    "%s)", text, (int)len, text, sep, known.data);
	buf_free(&known);
	return rc;
}

/*
 * A bare reference that names an existing file or directory: a directory is
 * an OCI layout when it holds oci-layout, else a root filesystem (dir:); a
 * file is a docker-archive or oci-archive by what it holds, else an error.
 */
static int
ref_path(const char *text, const struct stat *st, struct image_ref *ref,
    char **cause)
{
	enum transport	 t;
	char		*p;
	int		 rc;

	if (S_ISDIR(st->st_mode)) {
		p = xasprintf("%s/oci-layout", text);
		t = access(p, F_OK) == 0 ? TRANSPORT_OCI : TRANSPORT_DIR;
		free(p);
	} else if (S_ISREG(st->st_mode)) {
		if ((rc = source_archive_kind(text, &t, cause)) != 0)
			return rc;
	} else
		return fail(cause, HS_EINVAL, "%s: neither an image archive nor a "
		    "directory", text);
	ref->transport = t;
	ref->path = xstrdup(text);
	ref->name = xasprintf("%s%s", transport_name(t), text);
	ref->bare_path = 1;
	return 0;
}

/* A reference with no transport: a path on disk, a transport mistyped, or a registry's. */
static int
ref_parse_bare(const char *text, struct image_ref *ref, char **cause)
{
	const char	*colon, *sep;
	struct stat	 st;
	size_t		 len = 0;
	int		 rc;

	if ((sep = strstr(text, "://")) != NULL)
		return ref_unknown_transport(text, (size_t)(sep - text), "://", cause);
	if (stat(text, &st) == 0)
		return ref_path(text, &st, ref, cause);
	/*
	 * "ocii:/x", "docker-archiv:x.tar": the word before the first ':' is a
	 * transport's name mistyped. A registry's "HOST:PORT/…" is not, nor a
	 * name with a '/' before its tag.
	 */
	if ((colon = strchr(text, ':')) != NULL)
		len = (size_t)(colon - text);
	if (len > 0 && memchr(text, '/', len) == NULL &&
	    !(strspn(colon + 1, "0123456789") > 0 &&
	    colon[1 + strspn(colon + 1, "0123456789")] == '/') &&
	    ref_near_transport(text, len, 0) != NULL)
		return ref_unknown_transport(text, len, ":", cause);
	if ((rc = source_parse_docker_ref(text, ref, cause)) != 0) {
		/* "foo:/x", "foo:./x": a transport's name, then a path. */
		if (len > 0 && strspn(text, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == len &&
		    (colon[1] == '/' || colon[1] == '.' || colon[1] == '~'))
			return ref_unknown_transport(text, len, ":", cause);
		return rc;
	}
	return 0;
}

int
image_ref_parse(const char *text, struct image_ref **out, char **cause)
{
	struct image_ref	*ref;
	const char		*rest = text;
	char			*colon;
	size_t			 i;
	int			 rc = HS_EINVAL;

	*out = NULL;
	ref = xcalloc(1, sizeof *ref);
	ref->text = xstrdup(text);
	ref->transport = TRANSPORT_DOCKER;
	for (i = 0; i < NELEM(source_transports); i++) {
		if (str_starts(text, source_transports[i].prefix)) {
			ref->transport = source_transports[i].transport;
			rest = text + strlen(source_transports[i].prefix);
			break;
		}
	}
	if (*rest == '\0') {
		fail(cause, HS_EINVAL, "%s: empty image reference", text);
		goto out;
	}
	switch (ref->transport) {
	case TRANSPORT_DOCKER:
		if (i == NELEM(source_transports))
			rc = ref_parse_bare(text, ref, cause);
		else
			rc = source_parse_docker_ref(rest, ref, cause);
		if (rc != 0)
			goto out;
		break;
	case TRANSPORT_DOCKER_DAEMON:
		/* An image ID names no repository. */
		if (str_starts(rest, "sha256:")) {
			if (!digest_valid(rest)) {
				fail(cause, HS_EINVAL, "%s: invalid image ID", text);
				goto out;
			}
			ref->reference = xstrdup(rest);
			ref->name = xstrdup(text);
			break;
		}
		if ((rc = source_parse_docker_ref(rest, ref, cause)) != 0)
			goto out;
		break;
	case TRANSPORT_DIR:
		ref->path = xstrdup(rest);
		ref->name = xstrdup(text);
		break;
	case TRANSPORT_SBOM:
		/* The whole rest is the path: an SBOM has no tag. */
		if (*rest == '\0') {
			fail(cause, HS_EINVAL, "%s: empty path", text);
			goto out;
		}
		ref->path = xstrdup(rest);
		ref->name = xstrdup(text);
		break;
	case TRANSPORT_OCI:
	case TRANSPORT_OCI_ARCHIVE:
	case TRANSPORT_DOCKER_ARCHIVE:
		/* As containers-transports(5): the path ends at the first colon. */
		if ((colon = strchr(rest, ':')) != NULL) {
			ref->path = xstrndup(rest, colon - rest);
			if (colon[1] == '\0') {
				fail(cause, HS_EINVAL, "%s: empty tag after ':'", text);
				goto out;
			}
			ref->tag = xstrdup(colon + 1);
		} else
			ref->path = xstrdup(rest);
		if (*ref->path == '\0') {
			fail(cause, HS_EINVAL, "%s: empty path", text);
			goto out;
		}
		ref->name = xasprintf("%s%s", source_transports[i].prefix, ref->path);
		break;
	}
	*out = ref;
	ref = NULL;
	rc = 0;
out:
	image_ref_free(ref);
	return rc;
}

void
source_options_default(struct source_options *o)
{
	memset(o, 0, sizeof *o);
	o->want = NULL;
	layer_limits_default(&o->limits);
	o->platform = "linux/amd64";
	o->tls_verify = 1;
	o->max_layers = 256;
	o->max_json = (size_t)4 << 20;
	o->layer_jobs = 1;
	o->lazy_pull = 1;
}

void
image_free(struct image *img)
{
	if (img == NULL)
		return;
	image_clear(img);
	free(img);
}

void
image_clear(struct image *img)
{
	size_t	i, j;

	free(img->manifest_digest);
	free(img->config_digest);
	free(img->os);
	free(img->arch);
	for (i = 0; i < img->nlayers; i++) {
		source_layer_unclaim(&img->layers[i]);
		free(img->layers[i].digest);
		free(img->layers[i].diff_id);
		free(img->layers[i].media_type);
		layer_files_free(img->layers[i].files);
		for (j = 0; j < img->layers[i].nannotations; j++)
			free(img->layers[i].annotations[j]);
		free(img->layers[i].annotations);
	}
	free(img->layers);
	free(img->root_dir);
	memset(img, 0, sizeof *img);
}

void
source_thread_end(void)
{
	source_registry_thread_end();
}

int
source_read(const struct image_ref *ref, const struct source_options *opts,
    struct image **out, char **cause)
{
	const struct source_backend	*b = NULL;
	struct image			*img;
	size_t				 i;
	int				 rc;

	*out = NULL;
	for (i = 0; i < NELEM(source_backends); i++) {
		if (source_backends[i] != NULL &&
		    source_backends[i]->transport == ref->transport) {
			b = source_backends[i];
			break;
		}
	}
	if (b == NULL || b->read == NULL)
		return fail(cause, HS_EINVAL, "%s: the %s transport is not "
		    "available in this build", ref->text,
		    transport_name(ref->transport));
	img = xcalloc(1, sizeof *img);
	if ((rc = b->read(ref, opts, img, cause)) != 0) {
		image_free(img);
		return rc;
	}
	*out = img;
	return 0;
}

int
source_media_is_index(const char *mt)
{
	return mt != NULL && (strcmp(mt, MT_OCI_INDEX) == 0 ||
	    strcmp(mt, MT_DOCKER_LIST) == 0);
}

int
source_media_is_manifest(const char *mt)
{
	return mt != NULL && (strcmp(mt, MT_OCI_MANIFEST) == 0 ||
	    strcmp(mt, MT_DOCKER_MANIFEST) == 0);
}

static int
source_media_is_layer(const char *mt)
{
	return str_starts(mt, "application/vnd.oci.image.layer.") ||
	    str_starts(mt, "application/vnd.docker.image.rootfs.");
}

static json_t *
source_json_load(const char *data, size_t len, size_t max, char **cause)
{
	json_error_t	 err;
	json_t		*j;

	if (len > max) {
		fail(cause, HS_ELIMIT, "%zu bytes, larger than the limit of %zu",
		    len, max);
		return NULL;
	}
	if ((j = json_loadb(data, len, 0, &err)) == NULL) {
		fail(cause, HS_EINVAL, "invalid JSON: %s (line %d)", err.text,
		    err.line);
		return NULL;
	}
	if (!json_is_object(j)) {
		fail(cause, HS_EINVAL, "not a JSON object");
		json_decref(j);
		return NULL;
	}
	return j;
}

static const char *
source_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* At most this many annotations of a layer are kept, each value this long. */
#define SOURCE_MAX_ANNOTATIONS	64
#define SOURCE_MAX_ANNOTATION	4096

static void
source_keep_annotations(struct image_layer *l, json_t *obj)
{
	const char	*key;
	json_t		*v;
	size_t		 n = 0;

	if (!json_is_object(obj))
		return;
	json_object_foreach(obj, key, v) {
		if (!json_is_string(v) || json_string_length(v) > SOURCE_MAX_ANNOTATION)
			continue;
		if (n == SOURCE_MAX_ANNOTATIONS)
			break;
		l->annotations = xreallocarray(l->annotations, 2 * n + 2,
		    sizeof *l->annotations);
		l->annotations[2 * n] = xstrdup(key);
		l->annotations[2 * n + 1] = xstrdup(json_string_value(v));
		n++;
	}
	l->nannotations = 2 * n;
}

const char *
image_layer_annotation(const struct image_layer *l, const char *key)
{
	size_t	i;

	for (i = 0; i + 1 < l->nannotations; i += 2) {
		if (strcmp(l->annotations[i], key) == 0)
			return l->annotations[i + 1];
	}
	return NULL;
}

int
source_parse_manifest(const char *json, size_t len, struct image *img,
    const struct source_options *opts, char **cause)
{
	json_t		*j, *layers, *l;
	const char	*mt, *digest, *cfg;
	size_t		 i, n, max_layers = opts != NULL ? opts->max_layers : 256;
	int		 rc = HS_EINVAL;

	if ((j = source_json_load(json, len, opts != NULL ?
	    opts->max_json : (size_t)4 << 20, cause)) == NULL)
		return HS_EINVAL;
	mt = source_json_str(j, "mediaType");
	if (json_integer_value(json_object_get(j, "schemaVersion")) == 1 ||
	    (mt != NULL && str_starts(mt, MT_DOCKER_V1))) {
		fail(cause, HS_EINVAL, "Docker schema 1 manifests are "
		    "not supported");
		goto out;
	}
	if (source_media_is_index(mt)) {
		fail(cause, HS_EINVAL, "is an index (%s), not an image "
		    "manifest", mt);
		goto out;
	}
	if (mt != NULL && !source_media_is_manifest(mt)) {
		fail(cause, HS_EINVAL, "unsupported media type %s", mt);
		goto out;
	}
	if (json_integer_value(json_object_get(j, "schemaVersion")) != 2) {
		fail(cause, HS_EINVAL, "schemaVersion is not 2");
		goto out;
	}
	cfg = source_json_str(json_object_get(j, "config"), "digest");
	if (cfg == NULL || !digest_valid(cfg)) {
		fail(cause, HS_EINVAL, "missing or invalid config digest");
		goto out;
	}
	layers = json_object_get(j, "layers");
	if (!json_is_array(layers)) {
		fail(cause, HS_EINVAL, "no layers array");
		goto out;
	}
	if ((n = json_array_size(layers)) > max_layers) {
		rc = fail(cause, HS_ELIMIT, "%zu layers, more than the "
		    "limit of %zu", n, max_layers);
		goto out;
	}
	img->config_digest = xstrdup(cfg);
	img->layers = xcalloc(n, sizeof *img->layers);
	for (i = 0; i < n; i++) {
		l = json_array_get(layers, i);
		digest = source_json_str(l, "digest");
		mt = source_json_str(l, "mediaType");
		if (digest == NULL || !digest_valid(digest)) {
			fail(cause, HS_EINVAL, "layer %zu: missing or "
			    "invalid digest", i + 1);
			goto out;
		}
		if (mt == NULL || !source_media_is_layer(mt)) {
			fail(cause, HS_EINVAL, "layer %s: unsupported "
			    "media type %s", digest, mt != NULL ? mt : "(none)");
			goto out;
		}
		img->layers[i].digest = xstrdup(digest);
		img->layers[i].media_type = xstrdup(mt);
		img->layers[i].size = json_integer_value(json_object_get(l, "size"));
		source_keep_annotations(&img->layers[i], json_object_get(l,
		    "annotations"));
		img->nlayers++;
	}
	rc = 0;
out:
	json_decref(j);
	return rc;
}

int
source_parse_config(const char *json, size_t len, struct image *img, char **cause)
{
	json_t		*j, *rootfs, *ids;
	const char	*os, *arch, *variant, *id;
	size_t		 i, n;
	int		 rc = HS_EINVAL;

	if ((j = source_json_load(json, len, (size_t)4 << 20, cause)) == NULL)
		return HS_EINVAL;
	os = source_json_str(j, "os");
	arch = source_json_str(j, "architecture");
	variant = source_json_str(j, "variant");
	rootfs = json_object_get(j, "rootfs");
	ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_array(ids)) {
		fail(cause, HS_EINVAL, "no rootfs.diff_ids array");
		goto out;
	}
	if ((n = json_array_size(ids)) != img->nlayers) {
		fail(cause, HS_EINVAL, "%zu diff_ids for %zu layers", n,
		    img->nlayers);
		goto out;
	}
	for (i = 0; i < n; i++) {
		id = json_string_value(json_array_get(ids, i));
		if (id == NULL || !digest_valid(id)) {
			fail(cause, HS_EINVAL, "diff_id %zu is not a valid "
			    "sha256 digest", i + 1);
			goto out;
		}
		free(img->layers[i].diff_id);
		img->layers[i].diff_id = xstrdup(id);
	}
	free(img->os);
	free(img->arch);
	img->os = os != NULL ? xstrdup(os) : NULL;
	if (arch != NULL && variant != NULL && *variant != '\0')
		img->arch = xasprintf("%s/%s", arch, variant);
	else
		img->arch = arch != NULL ? xstrdup(arch) : NULL;
	rc = 0;
out:
	json_decref(j);
	return rc;
}

/* Does an index entry's platform object match "os/arch[/variant]"? */
static int
source_platform_match(const json_t *m, const char *platform)
{
	const json_t	*p = json_object_get(m, "platform");
	const char	*os, *arch, *variant;
	char		*want, *warch, *wvariant;
	int		 match;

	if (platform == NULL)
		return 1;
	if (!json_is_object(p))
		return 0;
	os = source_json_str(p, "os");
	arch = source_json_str(p, "architecture");
	variant = source_json_str(p, "variant");
	if (os == NULL || arch == NULL)
		return 0;
	want = xstrdup(platform);
	if ((warch = strchr(want, '/')) != NULL)
		*warch++ = '\0';
	if (warch != NULL && (wvariant = strchr(warch, '/')) != NULL)
		*wvariant++ = '\0';
	else
		wvariant = NULL;
	match = strcmp(os, want) == 0 && (warch == NULL || strcmp(arch, warch) == 0) &&
	    (wvariant == NULL || (variant != NULL && strcmp(variant, wvariant) == 0));
	free(want);
	return match;
}

int
source_pick_manifest(const char *json, size_t len, const char *platform,
    const char *tag, char **digest, char **media_type, char **cause)
{
	json_t		*j, *ms, *m, *plat, *pick = NULL, *pick_noplat = NULL;
	json_t		*only = NULL;
	const char	*mt, *name, *d, *os;
	size_t		 i, n, ntag = 0, nnoplat = 0, ncand = 0;
	int		 rc = HS_EINVAL;

	*digest = NULL;
	if (media_type != NULL)
		*media_type = NULL;
	if ((j = source_json_load(json, len, (size_t)4 << 20, cause)) == NULL)
		return HS_EINVAL;
	ms = json_object_get(j, "manifests");
	if (!json_is_array(ms) || (n = json_array_size(ms)) == 0) {
		rc = fail(cause, HS_ENOENT, "no valid manifest (no \"manifests\" "
		    "entries)");
		goto out;
	}
	for (i = 0; i < n; i++) {
		m = json_array_get(ms, i);
		if (tag != NULL) {
			name = source_json_str(json_object_get(m, "annotations"),
			    "org.opencontainers.image.ref.name");
			if (name == NULL || strcmp(name, tag) != 0)
				continue;
			ntag++;
		}
		if ((plat = json_object_get(m, "platform")) != NULL) {
			/* Attestations ride along as "unknown/unknown". */
			os = source_json_str(plat, "os");
			if (os != NULL && strcmp(os, "unknown") == 0)
				continue;
			ncand++;
			only = m;
			if (pick == NULL && source_platform_match(m, platform))
				pick = m;
		} else {
			nnoplat++;
			if (pick_noplat == NULL)
				pick_noplat = m;
		}
	}
	if (tag != NULL && ntag == 0) {
		rc = fail(cause, HS_ENOENT, "no image tagged \"%s\"", tag);
		goto out;
	}
	/* An image a layout tags by name is the one meant, whatever its platform. */
	if (pick == NULL && tag != NULL && ncand == 1 && nnoplat == 0)
		pick = only;
	if (pick == NULL) {
		if (nnoplat > 1) {
			fail(cause, HS_EINVAL, "%zu images%s%s%s: name one with "
			    "a tag", nnoplat, tag != NULL ? " tagged \"" : "",
			    tag != NULL ? tag : "", tag != NULL ? "\"" : "");
			goto out;
		}
		pick = pick_noplat;
	}
	if (pick == NULL) {
		rc = fail(cause, HS_ENOENT, "no manifest for platform %s",
		    platform != NULL ? platform : "(any)");
		goto out;
	}
	d = source_json_str(pick, "digest");
	mt = source_json_str(pick, "mediaType");
	if (d == NULL || !digest_valid(d)) {
		fail(cause, HS_EINVAL, "manifest entry without a valid sha256 "
		    "digest");
		goto out;
	}
	if (mt != NULL && !source_media_is_manifest(mt) && !source_media_is_index(mt)) {
		fail(cause, HS_EINVAL, "manifest %s: unsupported media type %s",
		    d, mt);
		goto out;
	}
	*digest = xstrdup(d);
	if (media_type != NULL)
		*media_type = xstrdup(mt != NULL ? mt : MT_OCI_MANIFEST);
	rc = 0;
out:
	json_decref(j);
	return rc;
}

/*
 * A cached layer was read under some --max-file-size: a WANT_SOFT file it
 * left out (KEPT_TOOBIG) that fits this run's limit means reading the layer
 * again (-1); one it kept that does not fit is left out now, as a read would.
 */
static int
source_layer_relimit(const struct source_options *opts, struct layer_files *lf)
{
	struct kept_file	*k;
	size_t			 i;

	for (i = 0; i < lf->nfiles; i++) {
		k = &lf->files[i];
		if (k->type == KEPT_TOOBIG && k->len <= opts->limits.max_file)
			return -1;
		if (k->type == KEPT_FILE && k->len > opts->limits.max_file &&
		    opts->want != NULL && opts->want(k->path) == WANT_SOFT) {
			free(k->data);
			k->data = NULL;
			k->type = KEPT_TOOBIG;
		}
	}
	return 0;
}

int
source_layer_cached(const struct source_options *opts, struct image_layer *l)
{
	struct layer_files	*lf = NULL;
	char			*cause = NULL;
	int			 rc;

	if (opts->cache == NULL || l->digest == NULL || l->files != NULL)
		return 0;
	rc = cache_get(opts->cache, l->digest, &lf, &cause);
	if (rc == HS_ENOENT) {
		free(cause);
		return 0;
	}
	if (rc != 0) {
		log_warn("layer cache: %s", cause != NULL ? cause : "read failed");
		free(cause);
		return 0;
	}
	if (l->diff_id != NULL && (lf->diff_id == NULL ||
	    strcmp(lf->diff_id, l->diff_id) != 0)) {
		layer_files_free(lf);
		return 0;
	}
	if (source_layer_relimit(opts, lf) != 0) {
		layer_files_free(lf);
		return 0;
	}
	l->files = lf;
	return 1;
}

/* A stream that counts what passes through it into a shared progress counter. */
struct counting {
	struct stream	*in;
	uint64_t	*bytes;
};

static ssize_t
counting_read(struct stream *s, void *buf, size_t n, char **cause)
{
	struct counting	*c = s->ctx;
	ssize_t		 got;

	got = stream_read(c->in, buf, n, cause);
	if (got > 0)
		__atomic_add_fetch(c->bytes, (uint64_t)got, __ATOMIC_RELAXED);
	return got;
}

static void
counting_close(struct stream *s)
{
	/* The wrapped stream belongs to the caller of source_layer_read. */
	(void)s;
}

static const struct stream_ops counting_ops = { counting_read, counting_close };

/*
 * Layers some thread of this process is reading right now, by digest.
 * Images scanned at once (--jobs) often share a base layer that is not
 * cached yet: the second thread to need it waits for the first and takes
 * it from the cache, instead of pulling the same blob twice at once.
 *
 * A thread waits only while it holds no claim of its own, so two threads
 * can never wait for each other; a wait is bounded in time all the same,
 * after which the thread reads the layer itself.
 */
#define SOURCE_MAX_READING	64
#define SOURCE_CLAIM_WAIT	600	/* seconds */

static pthread_mutex_t	 source_reading_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 source_reading_cond = PTHREAD_COND_INITIALIZER;
static const char	*source_reading[SOURCE_MAX_READING];
static __thread int	 source_claims_held;

static int	source_layer_read_one(const struct source_options *,
		    struct image_layer *, const char *, struct stream *, int, char **);

static int
source_reading_find(const char *digest)
{
	int	i;

	for (i = 0; i < SOURCE_MAX_READING; i++) {
		if (source_reading[i] != NULL &&
		    strcmp(source_reading[i], digest) == 0)
			return i;
	}
	return -1;
}

/*
 * Claim l's digest for this thread, recorded in l->claim. Returns 1 when
 * another thread was reading it and this one waited (look in the cache
 * again), 0 otherwise: claimed, or read without a claim (table full, wait
 * too long, a claim already held).
 */
static int
source_reading_claim(struct image_layer *l)
{
	struct timespec	until;
	int		i, waited = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SOURCE_CLAIM_WAIT;
	pthread_mutex_lock(&source_reading_lock);
	while (source_claims_held == 0 && source_reading_find(l->digest) != -1) {
		waited = 1;
		if (pthread_cond_timedwait(&source_reading_cond,
		    &source_reading_lock, &until) != 0)
			break;
	}
	if (!waited && source_reading_find(l->digest) == -1) {
		for (i = 0; i < SOURCE_MAX_READING; i++) {
			if (source_reading[i] == NULL) {
				source_reading[i] = l->digest;
				l->claim = i + 1;
				source_claims_held++;
				break;
			}
		}
	}
	pthread_mutex_unlock(&source_reading_lock);
	return waited;
}

void
source_layer_unclaim(struct image_layer *l)
{
	if (l->claim == 0)
		return;
	pthread_mutex_lock(&source_reading_lock);
	source_reading[l->claim - 1] = NULL;
	l->claim = 0;
	source_claims_held--;
	pthread_cond_broadcast(&source_reading_cond);
	pthread_mutex_unlock(&source_reading_lock);
}

int
source_layer_claim(const struct source_options *opts, struct image_layer *l)
{
	int	i;

	if (source_layer_cached(opts, l))
		return 1;
	if (opts->cache == NULL || l->digest == NULL || l->files != NULL)
		return 0;
	/* Each round waits for one reader; a handful is plenty. */
	for (i = 0; i < 8 && source_reading_claim(l); i++) {
		if (source_layer_cached(opts, l)) {
			log_debug("layer %s: read by another image meanwhile",
			    l->digest);
			return 1;
		}
	}
	return 0;
}

int
source_layer_read(const struct source_options *opts, struct image_layer *l,
    const char *what, struct stream *in, int check_digest, char **cause)
{
	int	rc;

	rc = source_layer_read_one(opts, l, what, in, check_digest, cause);
	source_layer_unclaim(l);
	return rc;
}

static int
source_layer_read_one(const struct source_options *opts, struct image_layer *l,
    const char *what, struct stream *in, int check_digest, char **cause)
{
	struct layer_files	*lf = NULL;
	char			*ccause = NULL;
	struct counting		 c;
	struct stream		 counted;
	int			 rc;

	if (opts->bytes_read != NULL) {
		c.in = in;
		c.bytes = opts->bytes_read;
		counted.ops = &counting_ops;
		counted.ctx = &c;
		in = &counted;
	}
	rc = layer_read(in, &opts->limits, opts->want, check_digest ? l->digest :
	    NULL, l->diff_id, &lf, cause);
	if (rc != 0) {
		cause_prefix(cause, "layer %s", what != NULL ? what : l->digest);
		return rc;
	}
	if (l->digest == NULL)
		l->digest = xstrdup(lf->digest);
	if (opts->cache != NULL && cache_put(opts->cache, lf, &ccause) != 0) {
		log_warn("layer cache: %s", ccause != NULL ? ccause : "write failed");
		free(ccause);
	}
	layer_files_free(l->files);
	l->files = lf;
	return 0;
}

size_t
source_cores(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (size_t)n;
}

/*
 * Several layers of one image at once. The threads take layers in order of
 * size (largest first: the last to finish is then a small one), each reading
 * into its own image_layer. Claims stay right: a thread holds a claim only
 * while it reads that one layer, and waits for another thread's claim only
 * while holding none (see source_reading_claim).
 */
#define SOURCE_MAX_LAYER_JOBS	64

struct source_par_item {
	int64_t	size;
	size_t	index;
};

struct source_par {
	const struct source_options	*opts;
	struct image			*img;
	source_layer_fn			 read_one;
	void				*arg;
	struct source_par_item		*order;	/* largest first */
	pthread_mutex_t			 lock;
	size_t				 next;	/* into order */
	size_t				 failed;	/* lowest failed layer, or nlayers */
	int				 rc;
	char				*cause;
};

static void
source_par_work(struct source_par *p)
{
	size_t	i, n = p->img->nlayers;
	char	*cause;
	int	 rc;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->failed == n && p->next < n ? p->order[p->next++].index : n;
		pthread_mutex_unlock(&p->lock);
		if (i == n)
			break;
		cause = NULL;
		rc = p->read_one(p->arg, &p->img->layers[i], &cause);
		if (rc == 0)
			continue;
		pthread_mutex_lock(&p->lock);
		if (p->failed == n || i < p->failed) {
			free(p->cause);
			p->cause = cause;
			p->failed = i;
			p->rc = rc;
			cause = NULL;
		}
		pthread_mutex_unlock(&p->lock);
		free(cause);
	}
}

static void *
source_par_thread(void *arg)
{
	source_par_work(arg);
	source_thread_end();
	return NULL;
}

static int
source_par_cmp(const void *va, const void *vb)
{
	const struct source_par_item	*a = va, *b = vb;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

size_t
source_layers_jobs(const struct source_options *opts, const struct image *img)
{
	size_t	n;

	n = opts->layer_jobs < img->nlayers ? opts->layer_jobs : img->nlayers;
	if (n > SOURCE_MAX_LAYER_JOBS)
		n = SOURCE_MAX_LAYER_JOBS;
	return n > 0 ? n : 1;
}

int
source_layers_read(const struct source_options *opts, struct image *img,
    source_layer_fn read_one, void *arg, char **cause)
{
	struct source_par	 p;
	pthread_t		 threads[SOURCE_MAX_LAYER_JOBS];
	size_t			 i, n, started = 0;

	memset(&p, 0, sizeof p);
	p.opts = opts;
	p.img = img;
	p.read_one = read_one;
	p.arg = arg;
	p.failed = img->nlayers;
	p.order = xcalloc(img->nlayers + 1, sizeof *p.order);
	for (i = 0; i < img->nlayers; i++) {
		p.order[i].size = img->layers[i].size;
		p.order[i].index = i;
	}
	n = source_layers_jobs(opts, img);
	if (n > 1)
		qsort(p.order, img->nlayers, sizeof *p.order, source_par_cmp);
	pthread_mutex_init(&p.lock, NULL);
	/* This thread is one of the n; a thread that cannot start is one fewer. */
	for (i = 1; i < n; i++) {
		if (pthread_create(&threads[started], NULL, source_par_thread,
		    &p) != 0)
			break;
		started++;
	}
	if (started > 0)
		log_debug("%zu layers, %zu read at once", img->nlayers, started + 1);
	source_par_work(&p);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	free(p.order);
	if (p.rc != 0) {
		if (cause != NULL)
			*cause = p.cause;
		else
			free(p.cause);
		return p.rc;
	}
	return 0;
}

/* dir: the directory itself is the root filesystem; rootfs_load_dir reads it. */
static int
source_dir_read(const struct image_ref *ref, const struct source_options *opts,
    struct image *img, char **cause)
{
	struct stat	 st;
	char		*real;

	if ((real = realpath(ref->path, NULL)) == NULL)
		return fail(cause, errno == ENOENT ? HS_ENOENT : HS_EIO, "%s: %s",
		    ref->path, strerror(errno));
	if (stat(real, &st) == -1 || !S_ISDIR(st.st_mode)) {
		free(real);
		return fail(cause, HS_EINVAL, "%s: not a directory", ref->path);
	}
	img->root_dir = real;
	return 0;
}

const struct source_backend source_dir_backend = {
	.name = "dir",
	.transport = TRANSPORT_DIR,
	.read = source_dir_read,
};
