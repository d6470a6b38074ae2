/*
 * Image sources: reference parsing and manifest/config/index parsing as TAP
 * cases (no arguments), or, given an image reference, a dumper printing what
 * source_read and the merged view give, for tests/source.sh to compare with
 * what tar, sha256sum and skopeo say.
 *
 *   test-source [-j LAYERS] [-k PATH]... [-m MAXFILE] [-p OS/ARCH] REF
 *   test-source -L LAYERFILE [-k PATH]...	one layer blob through layer_read
 *
 * A PATH ending in a slash and a star keeps that directory's files.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layer.h"
#include "rootfs.h"
#include "source.h"
#include "stream.h"
#include "tap.h"
#include "util.h"

/* What the dumper keeps by default. */
static const char *default_keep[] = {
	"etc/os-release",
	"usr/lib/os-release",
	"var/lib/dpkg/status",
	"lib/apk/db/installed",
	"var/lib/dpkg/status.d/*",
};
static const char **keep = default_keep;
static size_t nkeep = NELEM(default_keep);

/* Our own predicate (not pkg_wanted): the kept paths and their leading directories. */
static int
want(const char *path)
{
	size_t	i, len = strlen(path), klen;

	for (i = 0; i < nkeep; i++) {
		klen = strlen(keep[i]);
		if (str_ends(keep[i], "/*")) {
			klen -= 2;
			if (len > klen + 1 && strncmp(path, keep[i], klen) == 0 &&
			    path[klen] == '/' && strchr(path + klen + 1, '/') == NULL)
				return 1;
		} else if (strcmp(path, keep[i]) == 0)
			return 1;
		if (len < klen && strncmp(keep[i], path, len) == 0 &&
		    keep[i][len] == '/')
			return 1;
	}
	return 0;
}

static void
print_file(const struct kept_file *k, const char *as)
{
	char	hex[72];

	sha256_hex(k->data, k->len, hex);
	printf("file %s %s %zu\n", as, hex, k->len);
}

static void
print_view(const struct rootfs *rfs)
{
	const struct kept_file	 *k, **list;
	char			 *dir;
	size_t			  i, j, n;

	for (i = 0; i < nkeep; i++) {
		if (str_ends(keep[i], "/*")) {
			dir = xstrndup(keep[i], strlen(keep[i]) - 2);
			n = rootfs_list(rfs, dir, &list);
			for (j = 0; j < n; j++)
				print_file(list[j], list[j]->path);
			if (n == 0)
				printf("empty %s\n", dir);
			free(list);
			free(dir);
		} else if ((k = rootfs_get(rfs, keep[i])) != NULL)
			print_file(k, keep[i]);
		else
			printf("missing %s\n", keep[i]);
	}
}

static void
print_layer(size_t i, const struct layer_files *lf)
{
	size_t	j;

	printf("layer %zu %s %s\n", i, lf->digest, lf->diff_id);
	for (j = 0; j < lf->nwhiteouts; j++)
		printf("whiteout %zu %s\n", i, lf->whiteouts[j]);
	for (j = 0; j < lf->nopaque; j++)
		printf("opaque %zu %s\n", i, *lf->opaque[j] != '\0' ?
		    lf->opaque[j] : "/");
}

static int
dump_layer(const char *file, const struct layer_limits *limits)
{
	struct stream		*in;
	struct layer_files	*lf;
	struct rootfs		*rfs;
	char			*cause = NULL;

	if (stream_open_file(file, &in, &cause) != 0 ||
	    layer_read(in, limits, want, NULL, NULL, &lf, &cause) != 0) {
		fprintf(stderr, "test-source: %s: %s\n", file, cause);
		return 1;
	}
	stream_close(in);
	print_layer(0, lf);
	rfs = rootfs_new();
	rootfs_apply(rfs, lf);
	print_view(rfs);
	rootfs_free(rfs);
	layer_files_free(lf);
	return 0;
}

static int
dump(const char *text, struct source_options *opts)
{
	struct image_ref	*ref = NULL;
	struct image		*img = NULL;
	struct rootfs		*rfs;
	char			*cause = NULL;
	size_t			 i;

	if (image_ref_parse(text, &ref, &cause) != 0 ||
	    source_read(ref, opts, &img, &cause) != 0) {
		fprintf(stderr, "test-source: %s: %s\n", text, cause);
		free(cause);
		image_ref_free(ref);
		return 1;
	}
	printf("name %s\n", ref->name);
	printf("manifest %s\n", img->manifest_digest != NULL ?
	    img->manifest_digest : "-");
	printf("config %s\n", img->config_digest != NULL ? img->config_digest : "-");
	printf("platform %s/%s\n", img->os != NULL ? img->os : "-",
	    img->arch != NULL ? img->arch : "-");
	rfs = rootfs_new();
	if (img->root_dir != NULL &&
	    rootfs_load_dir(rfs, img->root_dir, want, &opts->limits, &cause) != 0) {
		fprintf(stderr, "test-source: %s: %s\n", text, cause);
		free(cause);
		rootfs_free(rfs);
		image_free(img);
		image_ref_free(ref);
		return 1;
	}
	for (i = 0; i < img->nlayers; i++) {
		if (strcmp(img->layers[i].digest, img->layers[i].files->digest) != 0 ||
		    strcmp(img->layers[i].diff_id, img->layers[i].files->diff_id) != 0)
			printf("layer %zu: digests differ from the manifest's\n", i);
		print_layer(i, img->layers[i].files);
		rootfs_apply(rfs, img->layers[i].files);
	}
	print_view(rfs);
	rootfs_free(rfs);
	image_free(img);
	image_ref_free(ref);
	return 0;
}

/* --- unit cases ---------------------------------------------------------- */

static void
ref_case(const char *text, const char *transport, const char *path,
    const char *tag, const char *registry, const char *repository,
    const char *reference, const char *name)
{
	struct image_ref	*ref;
	char			*cause = NULL;
	int			 ok;

#define SAME(a, b) ((a) == NULL ? (b) == NULL : (b) != NULL && strcmp((a), (b)) == 0)
	if (image_ref_parse(text, &ref, &cause) != 0) {
		tap_ok(0, "parse %s", text);
		tap_diag("%s", cause);
		free(cause);
		return;
	}
	ok = strcmp(transport_name(ref->transport), transport) == 0 &&
	    SAME(path, ref->path) && SAME(tag, ref->tag) &&
	    SAME(registry, ref->registry) && SAME(repository, ref->repository) &&
	    SAME(reference, ref->reference) && SAME(name, ref->name);
	if (!tap_ok(ok, "parse %s", text))
		tap_diag("got %s path=%s tag=%s registry=%s repository=%s "
		    "reference=%s name=%s", transport_name(ref->transport),
		    ref->path, ref->tag, ref->registry, ref->repository,
		    ref->reference, ref->name);
	image_ref_free(ref);
#undef SAME
}

static void
ref_bad(const char *text, const char *needle)
{
	struct image_ref	*ref = NULL;
	char			*cause = NULL;
	int			 rc;

	rc = image_ref_parse(text, &ref, &cause);
	if (!tap_ok(rc == HS_EINVAL && cause != NULL && strstr(cause, needle) != NULL,
	    "refuse \"%s\" (%s)", text, needle))
		tap_diag("rc %d cause %s", rc, cause != NULL ? cause : "(none)");
	image_ref_free(ref);
	free(cause);
}

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D64B "sha256:1111111111111111111111111111111111111111111111111111111111111111"

static void
refs(void)
{
	ref_case("oci:/data/img", "oci:", "/data/img", NULL, NULL, NULL, NULL,
	    "oci:/data/img");
	ref_case("oci:/data/img:12", "oci:", "/data/img", "12", NULL, NULL, NULL,
	    "oci:/data/img");
	ref_case("oci-archive:x.tar:v1", "oci-archive:", "x.tar", "v1", NULL, NULL,
	    NULL, "oci-archive:x.tar");
	ref_case("docker-archive:/t/a.tar", "docker-archive:", "/t/a.tar", NULL,
	    NULL, NULL, NULL, "docker-archive:/t/a.tar");
	ref_case("docker-archive:/t/a.tar:test/deb:12", "docker-archive:",
	    "/t/a.tar", "test/deb:12", NULL, NULL, NULL, "docker-archive:/t/a.tar");
	ref_case("dir:/", "dir:", "/", NULL, NULL, NULL, NULL, "dir:/");
	ref_case("dir:/a:b", "dir:", "/a:b", NULL, NULL, NULL, NULL, "dir:/a:b");
	ref_case("debian", "docker://", NULL, NULL, "registry-1.docker.io",
	    "library/debian", "latest", "docker.io/library/debian");
	ref_case("debian:12", "docker://", NULL, NULL, "registry-1.docker.io",
	    "library/debian", "12", "docker.io/library/debian");
	ref_case("docker://debian:12", "docker://", NULL, NULL,
	    "registry-1.docker.io", "library/debian", "12",
	    "docker.io/library/debian");
	ref_case("docker://docker.io/library/debian:12", "docker://", NULL, NULL,
	    "registry-1.docker.io", "library/debian", "12",
	    "docker.io/library/debian");
	ref_case("bitnami/redis", "docker://", NULL, NULL, "registry-1.docker.io",
	    "bitnami/redis", "latest", "docker.io/bitnami/redis");
	ref_case("docker://127.0.0.1:5000/test/x:1", "docker://", NULL, NULL,
	    "127.0.0.1:5000", "test/x", "1", "127.0.0.1:5000/test/x");
	ref_case("localhost/x", "docker://", NULL, NULL, "localhost", "x",
	    "latest", "localhost/x");
	ref_case("localhost:5000/a/b/c@" D64, "docker://", NULL, NULL,
	    "localhost:5000", "a/b/c", D64, "localhost:5000/a/b/c");
	ref_case("quay.io/app/web:1.2@" D64, "docker://", NULL, NULL, "quay.io",
	    "app/web", D64, "quay.io/app/web");
	ref_case("docker-daemon:myapp:latest", "docker-daemon:", NULL, NULL,
	    "registry-1.docker.io", "library/myapp", "latest",
	    "docker.io/library/myapp");
	ref_case("docker-daemon:" D64, "docker-daemon:", NULL, NULL, NULL, NULL,
	    D64, "docker-daemon:" D64);

	ref_bad("", "empty");
	ref_bad("oci:", "empty");
	ref_bad("oci:/x:", "empty tag");
	ref_bad("Debian:12", "invalid repository");
	ref_bad("debian:1 2", "invalid tag");
	ref_bad("debian@sha256:abc", "invalid digest");
	ref_bad("ftp://host/x", "unknown transport");
	ref_bad("docker://", "empty");
	ref_bad("a//b", "invalid repository");

	/* Transports mistyped (issue 14): never a registry, and what was meant. */
	ref_bad("ocii:/x", "unknown transport \"ocii:\" (did you mean oci:?)");
	ref_bad("docker-archiv:x.tar",
	    "unknown transport \"docker-archiv:\" (did you mean docker-archive:?)");
	ref_bad("dockerarchive:x.tar", "(did you mean docker-archive:?)");
	ref_bad("oci_archive:x.tar", "(did you mean oci-archive:?)");
	ref_bad("docker-deamon:app:1", "(did you mean docker-daemon:?)");
	ref_bad("dri:/srv/root", "(did you mean dir:?)");
	ref_bad("Oci:/x", "(did you mean oci:?)");
	ref_bad("dokcer://x/y", "(did you mean docker://?)");
	ref_bad("docker:/x", "(did you mean docker://?)");
	ref_bad("foo:/x", "unknown transport \"foo:\" (transports: docker://,");
	ref_bad("host:/x", "unknown transport \"host:\"");
	ref_bad("host:99999999/x", "invalid registry");
	/* Docker Hub names, hosts with ports: registries as before. */
	ref_case("docker:24-dind", "docker://", NULL, NULL, "registry-1.docker.io",
	    "library/docker", "24-dind", "docker.io/library/docker");
	ref_case("dirr:5000/x", "docker://", NULL, NULL, "dirr:5000", "x",
	    "latest", "dirr:5000/x");
	ref_case("[::1]:5000/x:2", "docker://", NULL, NULL, "[::1]:5000", "x", "2",
	    "[::1]:5000/x");
	ref_case("golang:1.22", "docker://", NULL, NULL, "registry-1.docker.io",
	    "library/golang", "1.22", "docker.io/library/golang");
	ref_case("ubuntu/nginx:1", "docker://", NULL, NULL, "registry-1.docker.io",
	    "ubuntu/nginx", "1", "docker.io/ubuntu/nginx");
}

static void
manifests(void)
{
	struct source_options	 opts;
	struct image		*img;
	char			*cause = NULL, *digest, *mt;
	const char		*j;
	int			 rc;

	source_options_default(&opts);
	j = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	    "\"config\":{\"digest\":\"" D64 "\"},\"layers\":[{\"mediaType\":"
	    "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" D64B
	    "\",\"size\":5}]}";
	img = xcalloc(1, sizeof *img);
	rc = source_parse_manifest(j, strlen(j), img, &opts, &cause);
	tap_ok(rc == 0 && img->nlayers == 1 && strcmp(img->config_digest, D64) == 0 &&
	    strcmp(img->layers[0].digest, D64B) == 0 && img->layers[0].size == 5,
	    "Docker v2 manifest");
	j = "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\","
	    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D64 "\"]}}";
	rc = source_parse_config(j, strlen(j), img, &cause);
	tap_ok(rc == 0 && strcmp(img->os, "linux") == 0 &&
	    strcmp(img->arch, "arm64/v8") == 0 &&
	    strcmp(img->layers[0].diff_id, D64) == 0, "config: platform, diff_ids");
	j = "{\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[\"" D64 "\",\"" D64 "\"]}}";
	rc = source_parse_config(j, strlen(j), img, &cause);
	tap_ok(rc == HS_EINVAL && strstr(cause, "2 diff_ids for 1 layers") != NULL,
	    "config: diff_ids count must equal the layer count");
	image_free(img);

	img = xcalloc(1, sizeof *img);
	j = "{\"schemaVersion\":1,\"name\":\"x\"}";
	rc = source_parse_manifest(j, strlen(j), img, &opts, &cause);
	tap_ok(rc == HS_EINVAL && strstr(cause, "schema 1") != NULL,
	    "schema 1 refused");
	j = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D64 "\"},\"layers\":"
	    "[{\"mediaType\":\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\","
	    "\"digest\":\"" D64 "\"}]}";
	rc = source_parse_manifest(j, strlen(j), img, &opts, &cause);
	tap_ok(rc == HS_EINVAL && strstr(cause, "helm") != NULL,
	    "a non-image layer media type refused");
	image_free(img);
	img = xcalloc(1, sizeof *img);
	opts.max_layers = 1;
	j = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D64 "\"},\"layers\":"
	    "[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
	    D64 "\"},{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
	    "\"digest\":\"" D64 "\"}]}";
	rc = source_parse_manifest(j, strlen(j), img, &opts, &cause);
	tap_ok(rc == HS_ELIMIT, "layer count limit");
	image_free(img);
	img = xcalloc(1, sizeof *img);
	opts.max_json = 10;
	rc = source_parse_manifest(j, strlen(j), img, &opts, &cause);
	tap_ok(rc == HS_ELIMIT || rc == HS_EINVAL, "manifest size limit");
	tap_ok(cause != NULL && strstr(cause, "limit") != NULL,
	    "manifest size limit named: %s", cause);
	image_free(img);

	/* A Docker manifest list: pick by platform, skip attestations. */
	j = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
	    "\"manifests\":["
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D64 "\","
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D64B "\","
	    "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
	    "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D64B "\","
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
	rc = source_pick_manifest(j, strlen(j), "linux/amd64", NULL, &digest, &mt, &cause);
	tap_ok(rc == 0 && strcmp(digest, D64B) == 0 &&
	    strcmp(mt, "application/vnd.docker.distribution.manifest.v2+json") == 0,
	    "index: linux/amd64 picked");
	free(digest);
	free(mt);
	rc = source_pick_manifest(j, strlen(j), "linux/arm64", NULL, &digest, &mt, &cause);
	tap_ok(rc == 0 && strcmp(digest, D64) == 0, "index: linux/arm64 picked");
	free(digest);
	free(mt);
	rc = source_pick_manifest(j, strlen(j), "linux/s390x", NULL, &digest, &mt, &cause);
	tap_ok(rc == HS_ENOENT && strstr(cause, "linux/s390x") != NULL,
	    "index: no manifest for the platform");
	rc = source_pick_manifest(j, strlen(j), "linux/unknown", NULL, &digest, &mt, &cause);
	tap_ok(rc == HS_ENOENT, "index: attestation entries are never picked");
	j = "{\"schemaVersion\":2,\"manifests\":["
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D64 "\","
	    "\"annotations\":{\"org.opencontainers.image.ref.name\":\"arm\"},"
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}]}";
	rc = source_pick_manifest(j, strlen(j), "linux/amd64", "arm", &digest, &mt, &cause);
	tap_ok(rc == 0 && strcmp(digest, D64) == 0,
	    "layout: the image a tag names is picked whatever its platform");
	free(digest);
	free(mt);
	rc = source_pick_manifest(j, strlen(j), "linux/amd64", NULL, &digest, &mt, &cause);
	tap_ok(rc == HS_ENOENT && strstr(cause, "linux/amd64") != NULL,
	    "index: an untagged pick keeps to the platform");
	free(cause);
}

int
main(int argc, char **argv)
{
	struct source_options	 opts;
	const char		*layer = NULL;
	int			 ch;

	source_options_default(&opts);
	opts.want = want;
	while ((ch = getopt(argc, argv, "j:k:L:m:p:")) != -1) {
		switch (ch) {
		case 'j':
			opts.layer_jobs = strtoul(optarg, NULL, 10);
			break;
		case 'k':
			if (keep == default_keep) {
				keep = NULL;
				nkeep = 0;
			}
			keep = xreallocarray(keep, nkeep + 1, sizeof *keep);
			keep[nkeep++] = optarg;
			break;
		case 'L':
			layer = optarg;
			break;
		case 'm':
			opts.limits.max_file = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			opts.platform = optarg;
			break;
		default:
			fprintf(stderr, "usage: test-source [-j LAYERS] [-k PATH]... "
			    "[-m MAX] [-p PLATFORM] REF | -L LAYER\n");
			return 2;
		}
	}
	if (layer != NULL)
		return dump_layer(layer, &opts.limits);
	if (optind < argc)
		return dump(argv[optind], &opts);

	(void)tap_fixtures;
	(void)tap_no_fixtures;
	(void)tap_skip;
	refs();
	manifests();
	return tap_done();
}
