/*
 * Image sources: an image reference in, the image's metadata and each layer's
 * kept files out, in order. A source never knows about vulnerabilities.
 */
#ifndef HULLSCAN_SOURCE_H
#define HULLSCAN_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "layer.h"

struct stream;

enum transport {
	TRANSPORT_DOCKER = 0,		/* docker://host/repo:tag, bare repo:tag */
	TRANSPORT_DOCKER_ARCHIVE,	/* docker-archive:file.tar[:name] */
	TRANSPORT_OCI,			/* oci:dir[:tag] */
	TRANSPORT_OCI_ARCHIVE,		/* oci-archive:file.tar[:tag] */
	TRANSPORT_DOCKER_DAEMON,	/* docker-daemon:name:tag */
	TRANSPORT_DIR,			/* dir:/path */
	TRANSPORT_SBOM,			/* sbom:file.json: an inventory, no image */
};

struct image_ref {
	enum transport	 transport;
	char		*text;		/* the reference as given */
	char		*path;		/* archive, layout or directory path */
	char		*tag;		/* oci/oci-archive tag, docker-archive name; NULL when none */
	/* docker:// and docker-daemon: */
	char		*registry;	/* "registry-1.docker.io", "127.0.0.1:5000" */
	char		*repository;	/* "library/debian" */
	char		*reference;	/* tag or "sha256:…" digest */
	/* Stable name across builds: the reference without tag or digest. */
	char		*name;
	/* A bare path on disk: the transport was taken from what is there. */
	int		 bare_path;
};
int	 image_ref_parse(const char *, struct image_ref **, char **cause);
void	 image_ref_free(struct image_ref *);

struct layer_cache;	/* see cache.h; NULL means no cache */

/*
 * A registry mirror (--registry-mirror [REGISTRY=]URL): images of registry
 * are pulled from host first, then from the registry itself.
 */
#define SOURCE_MAX_MIRRORS	16
struct registry_mirror {
	char	registry[256];	/* HOST[:PORT]; Docker Hub as registry-1.docker.io */
	char	host[256];	/* the mirror's HOST[:PORT] */
	int	plain;		/* 1 http://, 0 https://, -1 found as for any registry */
};
/* Parse "[REGISTRY=]URL" (no REGISTRY: Docker Hub's mirror, as dockerd's). */
int	registry_mirror_parse(const char *, struct registry_mirror *, char **cause);

struct source_options {
	layer_want_fn		 want;		/* NULL keeps no file (digests, whiteouts only) */
	struct layer_limits	 limits;
	const char		*platform;	/* "linux/amd64" */
	const char		*creds;		/* "user:pass" or NULL */
	int			 tls_verify;
	const char		*cert_dir;	/* CAs in DIR/HOST[:PORT]/NAME.crt; NULL: the certs.d dirs */
	struct layer_cache	*cache;
	size_t			 max_layers;	/* layers per image (default 256) */
	size_t			 max_json;	/* manifest/config/index size (default 4 MiB) */
	/* When set, bytes read from layer blobs are added here (atomically): progress. */
	uint64_t		*bytes_read;
	const struct registry_mirror *mirrors;	/* tried in order before the registry */
	size_t			 nmirrors;
	/* Layers of one image read at once by backends that can (default 1). */
	size_t			 layer_jobs;
	/*
	 * --lazy-pull: 1 (auto, the default) reads a registry layer that has a
	 * table of contents (zstd:chunked) through it, fetching only the wanted
	 * files' chunks; 0 (never) reads every layer whole (toc.h).
	 */
	int			 lazy_pull;
};
void	source_options_default(struct source_options *);

struct image_layer {
	char			*digest;	/* blob digest from the manifest */
	char			*diff_id;	/* from the config */
	char			*media_type;
	int64_t			 size;
	struct layer_files	*files;		/* filled by source_read; NULL for dir: */
	int			 claim;		/* source_layer_claim's slot + 1, or 0 */
	/* The manifest's string annotations of the layer: key, value, key, value. */
	char			**annotations;
	size_t			 nannotations;	/* strings, twice the pairs */
};
/* The value of the layer's annotation key, or NULL. */
const char *image_layer_annotation(const struct image_layer *, const char *key);

struct image {
	char			*manifest_digest;	/* NULL for dir: */
	char			*config_digest;
	char			*os;
	char			*arch;
	struct image_layer	*layers;
	size_t			 nlayers;
	char			*root_dir;	/* dir: transport, read by rootfs_load_dir */
};
void	image_free(struct image *);
/* Empty img for another try: its layers unclaimed, everything freed. */
void	image_clear(struct image *);

/*
 * Open the image ref names and read every layer through layer_read. On error
 * *cause names the layer or file and what is wrong.
 */
int	source_read(const struct image_ref *, const struct source_options *,
	    struct image **out, char **cause);

/*
 * A thread that read images is done with them: what it kept for its next
 * image (its last registry connection) is freed. A thread that calls
 * source_read calls this before it ends.
 */
void	source_thread_end(void);
void	source_registry_thread_end(void);	/* source-registry.c's part */

/* Backends, one per transport family; listed in source.c's table. */
struct source_backend {
	const char	*name;
	enum transport	 transport;
	int		(*read)(const struct image_ref *, const struct source_options *,
			    struct image *, char **cause);
};

/*
 * Shared by the backends: parse an OCI/Docker manifest and config (both
 * already digest-checked by the caller) into img's layer list and platform.
 */
int	source_parse_manifest(const char *json, size_t len, struct image *, const struct source_options *, char **cause);
int	source_parse_config(const char *json, size_t len, struct image *, char **cause);
/*
 * From an OCI index or Docker manifest list pick the manifest for the
 * platform ("os/arch[/variant]") or, for an OCI layout, the one with tag
 * (org.opencontainers.image.ref.name). Returns an allocated digest.
 */
int	source_pick_manifest(const char *json, size_t len, const char *platform,
	    const char *tag, char **digest, char **media_type, char **cause);
/* (The three above leave *cause unprefixed: the caller names the blob or file.) */

/* The backends, one descriptor each (listed in source.c's table). */
extern const struct source_backend source_oci_backend;		/* source-oci.c */
extern const struct source_backend source_oci_archive_backend;	/* source-archive.c */
extern const struct source_backend source_docker_archive_backend; /* source-archive.c */
extern const struct source_backend source_dir_backend;		/* source.c */
extern const struct source_backend source_docker_backend;	/* source-registry.c */
extern const struct source_backend source_daemon_backend;	/* source-daemon.c */

/*
 * What the tar file at path (maybe compressed) holds: TRANSPORT_DOCKER_ARCHIVE
 * when manifest.json is at its top, else TRANSPORT_OCI_ARCHIVE when
 * oci-layout is; HS_EINVAL naming the file when neither (source-archive.c).
 */
int	source_archive_kind(const char *path, enum transport *, char **cause);

/* "docker://", "oci:", ... for messages. */
const char *transport_name(enum transport);
/* Fill registry, repository, reference, name from "[host/]repo[:tag][@digest]". */
int	source_parse_docker_ref(const char *, struct image_ref *, char **cause);
int	source_media_is_index(const char *);
int	source_media_is_manifest(const char *);

/*
 * Shared by the backends for each layer: take its kept files from the cache
 * (returns 1) when one is set and holds the digest; else read it from in
 * through layer_read, the diff_id always checked and the blob digest when
 * check_digest, and store the result in the cache. what names the layer in
 * *cause (NULL: its digest).
 *
 * A backend that reads one layer at a time calls source_layer_claim instead
 * of source_layer_cached: when another thread is reading the same layer it
 * waits for it and takes the result from the cache. The claim it may leave
 * in the layer ends with source_layer_read, source_layer_unclaim or
 * image_free.
 */
int	source_layer_cached(const struct source_options *, struct image_layer *);
int	source_layer_claim(const struct source_options *, struct image_layer *);
void	source_layer_unclaim(struct image_layer *);
int	source_layer_read(const struct source_options *, struct image_layer *,
	    const char *what, struct stream *in, int check_digest, char **cause);

/*
 * Read every layer of img through read_one, up to opts->layer_jobs of them
 * at once, each in a thread of its own (this one included), the largest
 * first. read_one claims, reads and verifies one layer as a backend does for
 * one layer at a time; each fills its own layer's files, which are applied
 * in layer order afterwards, so whiteouts keep their meaning. On errors, no
 * layer is started after the first, and the one of the lowest layer index
 * is returned (*cause names the layer); the others are freed.
 */
typedef int (*source_layer_fn)(void *arg, struct image_layer *, char **cause);
int	source_layers_read(const struct source_options *, struct image *,
	    source_layer_fn read_one, void *arg, char **cause);
/* How many threads source_layers_read uses for img's layers. */
size_t	source_layers_jobs(const struct source_options *, const struct image *);
/* The number of online processors, at least 1. */
size_t	source_cores(void);

/*
 * An OCI layout read through get: its small files by name ("oci-layout",
 * "index.json", "blobs/sha256/<hex>"), HS_ENOENT when absent, at most max
 * bytes. source_oci_resolve checks the layout, picks the manifest (by tag,
 * else the only one; nested indexes by platform), and fills img from the
 * manifest and config; source_oci_blob gets one blob, digest-checked.
 */
typedef int (*source_get_fn)(void *arg, const char *name, size_t max,
	    char **data, size_t *len, char **cause);
int	source_oci_resolve(source_get_fn, void *arg, const char *tag,
	    const struct source_options *, struct image *, char **cause);
int	source_oci_blob(source_get_fn, void *arg, const char *digest, size_t max,
	    char **data, size_t *len, char **cause);

#endif
