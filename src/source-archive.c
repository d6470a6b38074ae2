/* The docker-archive: and oci-archive: transports: one tar file (maybe compressed), layers streamed out of it. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "layer.h"
#include "source.h"
#include "stream.h"
#include "util.h"

#define ARC_BLOCK	65536
#define ARC_KEEP_TOTAL	((size_t)64 << 20)	/* small members held from the first pass */
#define ARC_MAX_MEMBERS	100000
#define ARC_MAX_HOPS	8

/*
 * What the first pass saw of the archive: every member's name, links, and
 * the content of the small ones (manifests, configs, small layers). The
 * large ones (layers) are streamed by a second pass.
 */
struct arc_member {
	char	*name;		/* normalised */
	char	*link;		/* symlink or hard link target, normalised */
	int64_t	 size;
	char	*data;		/* NULL when not held */
	size_t	 len;
};

struct arc {
	const char			*file;
	const struct source_options	*opts;
	struct arc_member		*v;
	size_t				 n;
	size_t				 held;
};

static void
arc_free(struct arc *arc)
{
	size_t	i;

	for (i = 0; i < arc->n; i++) {
		free(arc->v[i].name);
		free(arc->v[i].link);
		free(arc->v[i].data);
	}
	free(arc->v);
}

static int
arc_open(const char *file, struct archive **out, char **cause)
{
	struct archive	*a;
	struct stat	 st;

	*out = NULL;
	if (stat(file, &st) == -1)
		return fail(cause, errno == ENOENT ? HS_ENOENT : HS_EIO, "%s: %s",
		    file, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return fail(cause, HS_EINVAL, "%s: is a directory", file);
	a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	if (archive_read_open_filename(a, file, ARC_BLOCK) != ARCHIVE_OK) {
		fail(cause, HS_EIO, "%s: %s", file, archive_error_string(a));
		archive_read_free(a);
		return HS_EIO;
	}
	*out = a;
	return 0;
}

static int
arc_next(struct archive *a, const char *file, struct archive_entry **e,
    char **cause)
{
	const char	*err;
	int		 r;

	r = archive_read_next_header(a, e);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		err = archive_error_string(a);
		return fail(cause, HS_EINVAL, "%s: %s", file, err != NULL ? err :
		    "damaged archive");
	}
	return 1;
}

/* Read the current member into memory, at most max bytes. */
static int
arc_slurp(struct archive *a, const char *file, const char *name, size_t max,
    char **data, size_t *len, char **cause)
{
	struct buf	 b;
	la_ssize_t	 n;
	const char	*err;

	buf_init(&b);
	for (;;) {
		buf_reserve(&b, ARC_BLOCK);
		if ((n = archive_read_data(a, b.data + b.len, ARC_BLOCK)) == 0)
			break;
		if (n < 0) {
			err = archive_error_string(a);
			buf_free(&b);
			return fail(cause, HS_EINVAL, "%s: %s: %s", file, name,
			    err != NULL ? err : "read error");
		}
		b.len += n;
		if (b.len > max) {
			buf_free(&b);
			return fail(cause, HS_ELIMIT, "%s: larger than the limit of "
			    "%zu bytes", name, max);
		}
	}
	buf_reserve(&b, 0);
	*len = b.len;
	*data = buf_steal(&b);
	return 0;
}

static char *
arc_link_target(const char *name, const char *target)
{
	const char	*slash;
	char		*joined, *norm;

	if (*target == '/' || (slash = strrchr(name, '/')) == NULL)
		return layer_path_normalise(target);
	joined = xasprintf("%.*s/%s", (int)(slash - name), name, target);
	norm = layer_path_normalise(joined);
	free(joined);
	return norm;
}

/* The first pass: list members, hold the small ones. */
static int
arc_scan(struct arc *arc, char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	struct arc_member	*m;
	const char		*name, *link;
	char			*norm;
	size_t			 cap = 0, max = arc->opts->max_json;
	int64_t			 size;
	int			 r;

	if ((r = arc_open(arc->file, &a, cause)) != 0)
		return r;
	while ((r = arc_next(a, arc->file, &e, cause)) > 0) {
		if ((name = archive_entry_pathname(e)) == NULL ||
		    (norm = layer_path_normalise(name)) == NULL)
			continue;
		if (arc->n == ARC_MAX_MEMBERS) {
			free(norm);
			r = fail(cause, HS_ELIMIT, "%s: more than %d members",
			    arc->file, ARC_MAX_MEMBERS);
			break;
		}
		if (arc->n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			arc->v = xreallocarray(arc->v, cap, sizeof *arc->v);
		}
		m = &arc->v[arc->n];
		memset(m, 0, sizeof *m);
		m->name = norm;
		size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
		if ((link = archive_entry_hardlink(e)) != NULL)
			m->link = layer_path_normalise(link);
		else if (archive_entry_filetype(e) == AE_IFLNK &&
		    (link = archive_entry_symlink(e)) != NULL)
			m->link = arc_link_target(norm, link);
		else if (archive_entry_filetype(e) != AE_IFREG)
			link = NULL;
		else
			link = "";
		if (m->link == NULL && link != NULL && *link != '\0') {
			free(norm);	/* a link out of the archive */
			continue;
		}
		if (link == NULL) {
			free(norm);	/* directories and the like */
			continue;
		}
		if (m->link == NULL && size >= 0 && (uint64_t)size <= max &&
		    arc->held + size <= ARC_KEEP_TOTAL) {
			if ((r = arc_slurp(a, arc->file, norm, max, &m->data,
			    &m->len, cause)) != 0) {
				free(norm);
				break;
			}
			arc->held += m->len;
		}
		m->size = m->data != NULL ? (int64_t)m->len : size;
		arc->n++;
	}
	archive_read_free(a);
	return r < 0 ? r : 0;
}

/* A member by name, through links; later members of the same name win. */
static struct arc_member *
arc_find(struct arc *arc, const char *name)
{
	struct arc_member	*m;
	size_t			 i, hops;

	for (hops = 0; hops < ARC_MAX_HOPS; hops++) {
		m = NULL;
		for (i = arc->n; i > 0; i--) {
			if (strcmp(arc->v[i - 1].name, name) == 0) {
				m = &arc->v[i - 1];
				break;
			}
		}
		if (m == NULL || m->link == NULL)
			return m;
		name = m->link;
	}
	return NULL;
}

/* A member not held after the first pass: one more pass to fetch it. */
static int
arc_fetch(struct arc *arc, struct arc_member *m, size_t max, char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*name;
	char			*norm;
	int			 r, found;

	if ((r = arc_open(arc->file, &a, cause)) != 0)
		return r;
	while ((r = arc_next(a, arc->file, &e, cause)) > 0) {
		if ((name = archive_entry_pathname(e)) == NULL ||
		    (norm = layer_path_normalise(name)) == NULL)
			continue;
		found = strcmp(norm, m->name) == 0 &&
		    archive_entry_filetype(e) == AE_IFREG;
		free(norm);
		if (!found)
			continue;
		free(m->data);
		m->data = NULL;
		r = arc_slurp(a, arc->file, m->name, max, &m->data, &m->len, cause);
		break;
	}
	archive_read_free(a);
	if (r < 0)
		return r;
	if (m->data == NULL)
		return fail(cause, HS_ENOENT, "%s: %s vanished", arc->file, m->name);
	return 0;
}

/* source_get_fn over the archive. */
static int
arc_get(void *arg, const char *name, size_t max, char **data, size_t *len,
    char **cause)
{
	struct arc		*arc = arg;
	struct arc_member	*m;
	int			 rc;

	*data = NULL;
	*len = 0;
	if ((m = arc_find(arc, name)) == NULL)
		return HS_ENOENT;
	if (m->size > 0 && (uint64_t)m->size > max)
		return fail(cause, HS_ELIMIT, "%s: %jd bytes, larger than the limit "
		    "of %zu bytes", name, (intmax_t)m->size, max);
	if (m->data == NULL && (rc = arc_fetch(arc, m, max, cause)) != 0)
		return rc;
	*data = xmalloc(m->len + 1);
	memcpy(*data, m->data, m->len);
	(*data)[m->len] = '\0';
	*len = m->len;
	return 0;
}

/* A stream over the archive's current member. */
struct arc_stream {
	struct archive	*a;
	const char	*file;
	const char	*name;
};

static ssize_t
arc_stream_read(struct stream *s, void *buf, size_t n, char **cause)
{
	struct arc_stream	*as = s->ctx;
	la_ssize_t		 r;
	const char		*err;

	if ((r = archive_read_data(as->a, buf, n)) < 0) {
		err = archive_error_string(as->a);
		return fail(cause, HS_EINVAL, "%s: %s: %s", as->file, as->name,
		    err != NULL ? err : "read error");
	}
	return r;
}

static void
arc_stream_close(struct stream *s)
{
	free(s->ctx);
}

static const struct stream_ops arc_stream_ops = {
	.read = arc_stream_read,
	.close = arc_stream_close,
};

/* Layer j reads the same member as layer i, already read: copy it. */
static int
arc_layer_copy(struct image *img, size_t i, size_t j, const char *what,
    char **cause)
{
	struct image_layer	*li = &img->layers[i], *lj = &img->layers[j];

	if (lj->diff_id != NULL && strcmp(lj->diff_id, li->files->diff_id) != 0)
		return fail(cause, HS_EDIGEST, "layer %s: diff_id mismatch: "
		    "expected %s, got %s", what, lj->diff_id, li->files->diff_id);
	lj->files = layer_files_dup(li->files);
	if (lj->digest == NULL)
		lj->digest = xstrdup(li->digest);
	return 0;
}

/*
 * Read every layer: from the cache, from memory when the first pass held
 * it, else in one more pass streaming each member through layer_read.
 * members[i] is layer i's member name, what[i] how to name it in a message.
 */
static int
arc_read_layers(struct arc *arc, struct image *img, char **members,
    char **what, char **cause)
{
	const struct source_options	*opts = arc->opts;
	struct archive			*a = NULL;
	struct archive_entry		*e;
	struct arc_member		*m;
	struct arc_stream		*as;
	struct stream			*in;
	const char			*name;
	char				*norm, **resolved;
	size_t				 i, j, pending = 0;
	int				 rc = 0;

	resolved = xcalloc(img->nlayers, sizeof *resolved);
	for (i = 0; i < img->nlayers && rc == 0; i++) {
		if (source_layer_cached(opts, &img->layers[i]))
			continue;
		if ((m = arc_find(arc, members[i])) == NULL) {
			rc = fail(cause, HS_ENOENT, "layer %s: %s is not in %s",
			    what[i], members[i], arc->file);
			break;
		}
		resolved[i] = m->name;
		for (j = 0; j < i; j++) {
			if (img->layers[j].files != NULL && resolved[j] != NULL &&
			    strcmp(resolved[j], m->name) == 0)
				break;
		}
		if (j < i) {
			rc = arc_layer_copy(img, j, i, what[i], cause);
			continue;
		}
		if (m->data == NULL) {
			pending++;
			continue;
		}
		in = stream_open_mem(m->data, m->len);
		rc = source_layer_read(opts, &img->layers[i], what[i], in,
		    img->layers[i].digest != NULL, cause);
		stream_close(in);
	}
	if (rc != 0 || pending == 0)
		goto out;

	if ((rc = arc_open(arc->file, &a, cause)) != 0)
		goto out;
	while (pending > 0 && (rc = arc_next(a, arc->file, &e, cause)) > 0) {
		rc = 0;
		if ((name = archive_entry_pathname(e)) == NULL ||
		    archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_hardlink(e) != NULL ||
		    (norm = layer_path_normalise(name)) == NULL)
			continue;
		for (i = 0; i < img->nlayers; i++) {
			if (img->layers[i].files == NULL && resolved[i] != NULL &&
			    strcmp(resolved[i], norm) == 0)
				break;
		}
		if (i == img->nlayers) {
			free(norm);
			continue;
		}
		as = xcalloc(1, sizeof *as);
		as->a = a;
		as->file = arc->file;
		as->name = norm;
		in = xcalloc(1, sizeof *in);
		in->ops = &arc_stream_ops;
		in->ctx = as;
		rc = source_layer_read(opts, &img->layers[i], what[i], in,
		    img->layers[i].digest != NULL, cause);
		stream_close(in);
		free(norm);
		if (rc != 0)
			break;
		pending--;
		for (j = i + 1; j < img->nlayers && rc == 0; j++) {
			if (img->layers[j].files == NULL && resolved[j] != NULL &&
			    strcmp(resolved[j], resolved[i]) == 0) {
				rc = arc_layer_copy(img, i, j, what[j], cause);
				pending--;
			}
		}
		if (rc != 0)
			break;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	for (i = 0; i < img->nlayers; i++) {
		if (img->layers[i].files == NULL) {
			rc = fail(cause, HS_ENOENT, "layer %s: %s is not in %s",
			    what[i], members[i], arc->file);
			break;
		}
	}
out:
	if (a != NULL)
		archive_read_free(a);
	free(resolved);
	return rc;
}

static void
arc_strv_free(char **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* oci-archive: a tar of an OCI layout. */
static int
source_oci_archive_read(const struct image_ref *ref,
    const struct source_options *opts, struct image *img, char **cause)
{
	struct arc	  arc;
	char		**members = NULL, **what = NULL;
	size_t		  i, n = 0;
	int		  rc;

	memset(&arc, 0, sizeof arc);
	arc.file = ref->path;
	arc.opts = opts;
	if ((rc = arc_scan(&arc, cause)) != 0)
		goto out;
	if ((rc = source_oci_resolve(arc_get, &arc, ref->tag, opts, img,
	    cause)) != 0)
		goto out;
	n = img->nlayers;
	members = xcalloc(n, sizeof *members);
	what = xcalloc(n, sizeof *what);
	for (i = 0; i < n; i++) {
		members[i] = xasprintf("blobs/sha256/%s", img->layers[i].digest + 7);
		what[i] = xstrdup(img->layers[i].digest);
	}
	rc = arc_read_layers(&arc, img, members, what, cause);
out:
	arc_strv_free(members, n);
	arc_strv_free(what, n);
	arc_free(&arc);
	return rc;
}

/* Does a RepoTags entry name the image the user asked for ("alpine:3.11")? */
static int
arc_tag_match(const char *want, const char *tag)
{
	struct image_ref	a, b;
	int			match;

	if (strcmp(want, tag) == 0)
		return 1;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	match = source_parse_docker_ref(want, &a, NULL) == 0 &&
	    source_parse_docker_ref(tag, &b, NULL) == 0 &&
	    strcmp(a.name, b.name) == 0 && strcmp(a.reference, b.reference) == 0;
	free(a.registry);
	free(a.repository);
	free(a.reference);
	free(a.name);
	free(b.registry);
	free(b.repository);
	free(b.reference);
	free(b.name);
	return match;
}

/* Pick the manifest.json entry: by name, by "@N", or the only one. */
static json_t *
arc_pick_image(json_t *list, const char *tag, char **cause)
{
	json_t		*m, *tags;
	struct buf	 names;
	const char	*t;
	char		*end;
	size_t		 i, j, n = json_array_size(list);
	unsigned long	 idx;

	if (tag == NULL) {
		if (n == 1)
			return json_array_get(list, 0);
		fail(cause, HS_EINVAL, "manifest.json: %zu images in the archive: "
		    "name one", n);
		return NULL;
	}
	if (tag[0] == '@') {
		errno = 0;
		idx = strtoul(tag + 1, &end, 10);
		if (tag[1] == '\0' || *end != '\0' || errno != 0 || idx >= n) {
			fail(cause, HS_ENOENT, "manifest.json: no image %s (%zu in "
			    "the archive)", tag, n);
			return NULL;
		}
		return json_array_get(list, idx);
	}
	buf_init(&names);
	for (i = 0; i < n; i++) {
		m = json_array_get(list, i);
		tags = json_object_get(m, "RepoTags");
		for (j = 0; j < json_array_size(tags); j++) {
			if ((t = json_string_value(json_array_get(tags, j))) == NULL)
				continue;
			if (arc_tag_match(tag, t)) {
				buf_free(&names);
				return m;
			}
			buf_printf(&names, "%s%s", names.len != 0 ? ", " : "", t);
		}
	}
	fail(cause, HS_ENOENT, "manifest.json: no image named %s (the archive "
	    "has: %s)", tag, names.len != 0 ? names.data : "no names");
	buf_free(&names);
	return NULL;
}

/* The digest a member's name promises ("<hex>.json", "blobs/sha256/<hex>"), if any. */
static char *
arc_name_digest(const char *name)
{
	const char	*base;
	char		*d;

	base = strrchr(name, '/');
	base = base != NULL ? base + 1 : name;
	d = xasprintf("sha256:%.64s", base);
	if (digest_valid(d) && (strlen(base) == 64 ||
	    strcmp(base + 64, ".json") == 0))
		return d;
	free(d);
	return NULL;
}

/* docker-archive: what docker save / podman save write. */
static int
source_docker_archive_read(const struct image_ref *ref,
    const struct source_options *opts, struct image *img, char **cause)
{
	struct arc	  arc;
	json_t		 *list = NULL, *m, *layers;
	json_error_t	  err;
	const char	 *cfg, *lname;
	char		 *data = NULL, **members = NULL, **what = NULL, *want;
	char		  got[72];
	size_t		  i, n = 0, len;
	int		  rc;

	memset(&arc, 0, sizeof arc);
	arc.file = ref->path;
	arc.opts = opts;
	if ((rc = arc_scan(&arc, cause)) != 0)
		goto out;
	if ((rc = arc_get(&arc, "manifest.json", opts->max_json, &data, &len,
	    cause)) != 0) {
		if (rc == HS_ENOENT)
			rc = fail(cause, HS_ENOENT, "not a docker archive (no "
			    "manifest.json)");
		goto out;
	}
	if ((list = json_loadb(data, len, 0, &err)) == NULL ||
	    !json_is_array(list) || json_array_size(list) == 0) {
		rc = fail(cause, HS_EINVAL, "manifest.json: %s", list == NULL ?
		    err.text : "not a list of images");
		goto out;
	}
	free(data);
	data = NULL;
	if ((m = arc_pick_image(list, ref->tag, cause)) == NULL) {
		rc = HS_ENOENT;
		goto out;
	}
	cfg = json_string_value(json_object_get(m, "Config"));
	layers = json_object_get(m, "Layers");
	if (cfg == NULL || !json_is_array(layers)) {
		rc = fail(cause, HS_EINVAL, "manifest.json: an image without "
		    "Config or Layers");
		goto out;
	}
	if ((n = json_array_size(layers)) > opts->max_layers) {
		rc = fail(cause, HS_ELIMIT, "manifest.json: %zu layers, more "
		    "than the limit of %zu", n, opts->max_layers);
		n = 0;
		goto out;
	}
	img->layers = xcalloc(n, sizeof *img->layers);
	img->nlayers = n;
	members = xcalloc(n, sizeof *members);
	what = xcalloc(n, sizeof *what);
	for (i = 0; i < n; i++) {
		lname = json_string_value(json_array_get(layers, i));
		if (lname == NULL || (members[i] = layer_path_normalise(lname)) == NULL) {
			rc = fail(cause, HS_EINVAL, "manifest.json: layer %zu: "
			    "invalid path", i + 1);
			goto out;
		}
		what[i] = xstrdup(members[i]);
		img->layers[i].media_type =
		    xstrdup("application/vnd.docker.image.rootfs.diff.tar");
		/* Newer docker save names layers by their blob digest. */
		if (str_starts(members[i], "blobs/sha256/"))
			img->layers[i].digest = arc_name_digest(members[i]);
	}

	if ((want = layer_path_normalise(cfg)) == NULL) {
		rc = fail(cause, HS_EINVAL, "manifest.json: invalid Config path");
		goto out;
	}
	rc = arc_get(&arc, want, opts->max_json, &data, &len, cause);
	if (rc == HS_ENOENT)
		rc = fail(cause, HS_ENOENT, "config %s is not in the archive", want);
	if (rc != 0) {
		free(want);
		goto out;
	}
	sha256_hex(data, len, got);
	img->config_digest = arc_name_digest(want);
	if (img->config_digest != NULL && strcmp(img->config_digest, got) != 0) {
		rc = fail(cause, HS_EDIGEST, "config %s: blob digest mismatch: "
		    "expected %s, got %s", want, img->config_digest, got);
		free(want);
		goto out;
	}
	if (img->config_digest == NULL)
		img->config_digest = xstrdup(got);
	if ((rc = source_parse_config(data, len, img, cause)) != 0) {
		cause_prefix(cause, "config %s", want);
		free(want);
		goto out;
	}
	free(want);
	rc = arc_read_layers(&arc, img, members, what, cause);
out:
	json_decref(list);
	free(data);
	arc_strv_free(members, n);
	arc_strv_free(what, n);
	arc_free(&arc);
	return rc;
}

const struct source_backend source_oci_archive_backend = {
	.name = "oci-archive",
	.transport = TRANSPORT_OCI_ARCHIVE,
	.read = source_oci_archive_read,
};

const struct source_backend source_docker_archive_backend = {
	.name = "docker-archive",
	.transport = TRANSPORT_DOCKER_ARCHIVE,
	.read = source_docker_archive_read,
};

int
source_archive_kind(const char *file, enum transport *out, char **cause)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*name, *err;
	char			*norm, *why = NULL;
	size_t			 n = 0;
	int			 r, manifest = 0, layout = 0;

	if ((r = arc_open(file, &a, cause)) != 0) {
		/* Readable, but libarchive found no tar in it. */
		if (r == HS_EIO && access(file, R_OK) == 0)
			return fail(cause, HS_EINVAL, "%s: not an image archive (a "
			    "tar holding manifest.json or oci-layout)", file);
		return r;
	}
	/* Member names only: libarchive skips the data in between. */
	while (!manifest && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			err = archive_error_string(a);
			why = xstrdup(err != NULL ? err : "damaged archive");
			break;
		}
		if (++n > ARC_MAX_MEMBERS) {
			why = xasprintf("more than %d members", ARC_MAX_MEMBERS);
			break;
		}
		if ((name = archive_entry_pathname(e)) == NULL ||
		    archive_entry_filetype(e) != AE_IFREG ||
		    (norm = layer_path_normalise(name)) == NULL)
			continue;
		if (strcmp(norm, "manifest.json") == 0)
			manifest = 1;
		else if (strcmp(norm, "oci-layout") == 0)
			layout = 1;
		free(norm);
	}
	archive_read_free(a);
	if (why != NULL || (!manifest && !layout)) {
		r = fail(cause, HS_EINVAL, "%s: not an image archive (a tar holding "
		    "manifest.json or oci-layout)%s%s", file, why != NULL ? ": " : "",
		    why != NULL ? why : "");
		free(why);
		return r;
	}
	/* Docker 25 and later save both; manifest.json names the images. */
	*out = manifest ? TRANSPORT_DOCKER_ARCHIVE : TRANSPORT_OCI_ARCHIVE;
	return 0;
}
