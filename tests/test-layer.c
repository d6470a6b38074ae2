/*
 * The layer reader and the merged view, on layers built here with
 * libarchive's writer: kept files, digests, whiteouts, links, limits, broken
 * blobs, symlink resolution, and rootfs_load_dir on a temporary tree.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "cache.h"
#include "layer.h"
#include "rootfs.h"
#include "stream.h"
#include "tap.h"
#include "util.h"

struct ent {
	const char	*path;
	char		 type;		/* f file, l symlink, h hard link, d dir, z zeros */
	const char	*data;		/* content, link target */
	size_t		 size;		/* for z */
};

static la_ssize_t
tar_write(struct archive *a, void *arg, const void *p, size_t n)
{
	buf_add(arg, p, n);
	return n;
}

/* A tar of the entries, through filter 0 (none), 'g' (gzip) or 'z' (zstd). */
static char *
mktar(const struct ent *e, size_t n, int filter, size_t *len)
{
	struct archive		*a;
	struct archive_entry	*ae;
	struct buf		 b;
	char			*zeros;
	size_t			 i, size;

	buf_init(&b);
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (filter == 'g')
		archive_write_add_filter_gzip(a);
	else if (filter == 'z')
		archive_write_add_filter_zstd(a);
	/* No padding after the compressed stream: blobs have none. */
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open(a, &b, NULL, tar_write, NULL);
	for (i = 0; i < n; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_perm(ae, 0644);
		size = 0;
		switch (e[i].type) {
		case 'f':
			archive_entry_set_filetype(ae, AE_IFREG);
			size = strlen(e[i].data);
			break;
		case 'z':
			archive_entry_set_filetype(ae, AE_IFREG);
			size = e[i].size;
			break;
		case 'l':
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e[i].data);
			break;
		case 'h':
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].data);
			break;
		case 'd':
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
			break;
		}
		archive_entry_set_size(ae, size);
		archive_write_header(a, ae);
		if (e[i].type == 'f')
			archive_write_data(a, e[i].data, size);
		else if (e[i].type == 'z') {
			zeros = xcalloc(1, size);
			archive_write_data(a, zeros, size);
			free(zeros);
		}
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = b.len;
	return buf_steal(&b);
}

static int
want(const char *path)
{
	return strcmp(path, "etc/os-release") == 0 ||
	    strcmp(path, "usr/lib/os-release") == 0 ||
	    strcmp(path, "var/lib/dpkg/status") == 0 ||
	    strcmp(path, "big") == 0 ||
	    str_starts(path, "var/lib/dpkg/status.d/") ? WANT_KEEP :
	    str_starts(path, "soft") ? WANT_SOFT : WANT_NO;
}

static int
rd(const char *data, size_t len, const struct layer_limits *limits,
    const char *digest, const char *diff_id, struct layer_files **out,
    char **cause)
{
	struct stream	*in;
	int		 rc;

	free(*cause);
	*cause = NULL;
	layer_files_free(*out);
	*out = NULL;
	in = stream_open_mem(data, len);
	rc = layer_read(in, limits, want, digest, diff_id, out, cause);
	stream_close(in);
	return rc;
}

static const struct kept_file *
kept(const struct layer_files *lf, const char *path)
{
	size_t	i;

	for (i = 0; i < lf->nfiles; i++) {
		if (strcmp(lf->files[i].path, path) == 0)
			return &lf->files[i];
	}
	return NULL;
}

static int
has(char **v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return 1;
	}
	return 0;
}

static void
normalise(void)
{
	static const char *cases[][2] = {
		{ "etc/os-release", "etc/os-release" },
		{ "./etc/os-release", "etc/os-release" },
		{ "/etc//os-release/", "etc/os-release" },
		{ "././a/./b", "a/b" },
		{ "a/../b", "b" },
		{ "a/b/../../c", "c" },
		{ "../x", NULL },
		{ "a/../../x", NULL },
		{ "/../x", NULL },
		{ ".", NULL },
		{ "./", NULL },
		{ "", NULL },
	};
	size_t	 i;
	char	*got;

	for (i = 0; i < NELEM(cases); i++) {
		got = layer_path_normalise(cases[i][0]);
		tap_ok(cases[i][1] == NULL ? got == NULL :
		    got != NULL && strcmp(got, cases[i][1]) == 0,
		    "normalise \"%s\" -> %s", cases[i][0],
		    cases[i][1] != NULL ? cases[i][1] : "(rejected)");
		free(got);
	}
}

static const struct ent base[] = {
	{ "./", 'd', NULL, 0 },
	{ "./etc/", 'd', NULL, 0 },
	{ "./etc/os-release", 'l', "../usr/lib/os-release", 0 },
	{ "./etc/passwd", 'f', "root:x:0:0\n", 0 },
	{ "./usr/lib/os-release", 'f', "ID=debian\nVERSION_ID=\"12\"\n", 0 },
	{ "./var/lib/dpkg/status", 'f', "Package: a\nVersion: 1\n", 0 },
	{ "./var/lib/dpkg/status.d/b", 'f', "Package: b\n", 0 },
	{ "./var/lib/dpkg/status.d/a", 'f', "Package: a\n", 0 },
	{ "./lib", 'l', "usr/lib", 0 },
	{ "./usr/share/doc/x/deep/link", 'l', "../../y", 0 },
	{ "../escape", 'f', "no", 0 },
};

static void
read_base(void)
{
	struct layer_files	*lf = NULL, *gz = NULL, *zs = NULL;
	const struct kept_file	*k;
	char			*tar, *tgz, *tzs, *cause = NULL, hex[72], hexgz[72];
	size_t			 len, lengz, lenzs;
	int			 rc;

	tar = mktar(base, NELEM(base), 0, &len);
	tgz = mktar(base, NELEM(base), 'g', &lengz);
	tzs = mktar(base, NELEM(base), 'z', &lenzs);
	sha256_hex(tar, len, hex);
	sha256_hex(tgz, lengz, hexgz);

	rc = rd(tar, len, NULL, hex, hex, &lf, &cause);
	tap_ok(rc == 0, "plain tar read (%s)", cause != NULL ? cause : "ok");
	if (rc != 0)
		goto out;
	tap_ok(strcmp(lf->digest, hex) == 0 && strcmp(lf->diff_id, hex) == 0,
	    "plain tar: digest = diff_id = sha256 of the tar");
	tap_ok(lf->blob_bytes == len && lf->tar_bytes == len,
	    "plain tar: every byte counted (%ju)", (uintmax_t)lf->blob_bytes);
	k = kept(lf, "usr/lib/os-release");
	tap_ok(k != NULL && k->type == KEPT_FILE && k->len == 26 &&
	    memcmp(k->data, "ID=debian\nVERSION_ID=\"12\"\n", 26) == 0 &&
	    k->data[k->len] == '\0', "wanted file kept with its content");
	k = kept(lf, "etc/os-release");
	tap_ok(k != NULL && k->type == KEPT_SYMLINK &&
	    strcmp(k->data, "../usr/lib/os-release") == 0,
	    "wanted symlink kept with its target");
	tap_ok(kept(lf, "etc/passwd") == NULL, "unwanted file skipped");
	k = kept(lf, "lib");
	tap_ok(k != NULL && k->type == KEPT_SYMLINK, "shallow directory symlink kept");
	tap_ok(kept(lf, "usr/share/doc/x/deep/link") == NULL,
	    "deep unwanted symlink skipped");
	tap_ok(kept(lf, "escape") == NULL && kept(lf, "../escape") == NULL,
	    "an entry escaping the root is skipped");
	tap_ok(lf->nwhiteouts == 0 && lf->nopaque == 0, "no whiteouts");

	rc = rd(tgz, lengz, NULL, hexgz, hex, &gz, &cause);
	tap_ok(rc == 0 && strcmp(gz->digest, hexgz) == 0 &&
	    strcmp(gz->diff_id, hex) == 0 && gz->nfiles == lf->nfiles,
	    "gzip: digest of the blob, diff_id of the tar, same files");
	rc = rd(tzs, lenzs, NULL, NULL, hex, &zs, &cause);
	tap_ok(rc == 0 && strcmp(zs->diff_id, hex) == 0 && zs->nfiles == lf->nfiles,
	    "zstd: diff_id of the tar, same files (%s)", cause != NULL ? cause : "ok");

	/* Digest checks name which digest and both values. */
	rc = rd(tgz, lengz, NULL, hex, NULL, &gz, &cause);
	tap_ok(rc == HS_EDIGEST && str_starts(cause, "blob digest mismatch: expected sha256:") &&
	    strstr(cause, hexgz) != NULL, "wrong blob digest: %s", cause);
	rc = rd(tgz, lengz, NULL, hexgz, hexgz, &gz, &cause);
	tap_ok(rc == HS_EDIGEST && str_starts(cause, "diff_id mismatch: expected "),
	    "wrong diff_id: %s", cause);

	/* Truncated gzip: the decompressor's error, or the digest when known. */
	rc = rd(tgz, lengz / 2, NULL, NULL, NULL, &gz, &cause);
	tap_ok(rc == HS_EINVAL && cause != NULL, "truncated gzip: %s", cause);
	rc = rd(tgz, lengz / 2, NULL, hexgz, NULL, &gz, &cause);
	tap_ok(rc == HS_EDIGEST, "truncated gzip with its digest known: %s", cause);
	sha256_hex(tgz, lengz / 2, hex);
	rc = rd(tgz, lengz / 2, NULL, hex, NULL, &gz, &cause);
	tap_ok(rc == HS_EINVAL, "truncated gzip matching its digest: %s", cause);

	/* A corrupt tar: a header checksum that does not add up. */
	memset(tar + 512 + 148, '7', 6);
	rc = rd(tar, len, NULL, NULL, NULL, &gz, &cause);
	tap_ok(rc == HS_EINVAL && cause != NULL, "corrupt tar: %s", cause);
	rc = rd("not a tar at all, not compressed either", 39, NULL, NULL, NULL,
	    &gz, &cause);
	tap_ok(rc == HS_EINVAL && cause != NULL, "garbage blob: %s", cause);
out:
	layer_files_free(lf);
	layer_files_free(gz);
	layer_files_free(zs);
	free(tar);
	free(tgz);
	free(tzs);
	free(cause);
}

static void
limits(void)
{
	static const struct ent big[] = {
		{ "big", 'z', NULL, 4 << 20 },
		{ "etc/os-release", 'f', "ID=x\n", 0 },
	};
	struct layer_limits	 l;
	struct layer_files	*lf = NULL;
	char			*tgz, *cause = NULL;
	size_t			 len;
	int			 rc;

	tgz = mktar(big, NELEM(big), 'g', &len);
	layer_limits_default(&l);
	rc = rd(tgz, len, &l, NULL, NULL, &lf, &cause);
	tap_ok(rc == 0 && kept(lf, "big") != NULL && kept(lf, "big")->len == 4 << 20,
	    "a 4 MiB wanted file kept under the default limits");
	layer_files_free(lf);
	lf = NULL;
	l.max_file = 1000;
	rc = rd(tgz, len, &l, NULL, NULL, &lf, &cause);
	tap_ok(rc == HS_ELIMIT && str_starts(cause, "big: ") &&
	    strstr(cause, "limit of 1000 bytes") != NULL,
	    "wanted file over max_file: %s", cause);
	layer_limits_default(&l);
	l.max_entries = 1;
	rc = rd(tgz, len, &l, NULL, NULL, &lf, &cause);
	tap_ok(rc == HS_ELIMIT && strstr(cause, "more than 1 entries") != NULL,
	    "entry count limit: %s", cause);
	layer_limits_default(&l);
	l.max_ratio = 100;
	rc = rd(tgz, len, &l, NULL, NULL, &lf, &cause);
	tap_ok(rc == HS_ELIMIT && strstr(cause, "times its compressed size") != NULL,
	    "compression ratio limit: %s", cause);
	layer_limits_default(&l);
	l.max_tar = 1 << 20;
	rc = rd(tgz, len, &l, NULL, NULL, &lf, &cause);
	tap_ok(rc == HS_ELIMIT && strstr(cause, "uncompressed layer is larger") != NULL,
	    "uncompressed size limit: %s", cause);
	free(tgz);
	free(cause);
}

static struct layer_files *layer_of(const struct ent *, size_t);

/*
 * WANT_SOFT files over max_file: their size kept, not their content, and
 * the layer read on (a hard link to one too); through the cache and the
 * merged view, which also says which layer each file came from.
 */
static void
soft_limits(void)
{
	static const struct ent e[] = {
		{ "soft", 'z', NULL, 4 << 20 },
		{ "soft-link", 'h', "soft", 0 },
		{ "soft-small", 'f', "fits", 0 },
		{ "etc/os-release", 'f', "ID=x\n", 0 },
	};
	static const struct ent upper[] = {
		{ "soft-small", 'f', "upper", 0 },
		{ ".wh.soft-link", 'f', "", 0 },
	};
	struct layer_limits	 l;
	struct layer_files	*lf = NULL, *up = NULL, *back = NULL;
	struct layer_cache	*c = NULL;
	struct rootfs		*r;
	const struct kept_file	*k, *s;
	char			*tgz, *cause = NULL, dir[] = "/tmp/hullscan-soft.XXXXXX", *db;
	size_t			 len, i;
	int			 rc;

	tgz = mktar(e, NELEM(e), 'g', &len);
	layer_limits_default(&l);
	l.max_file = 1000;
	rc = rd(tgz, len, &l, NULL, NULL, &lf, &cause);
	k = rc == 0 ? kept(lf, "soft") : NULL;
	tap_ok(k != NULL && k->type == KEPT_TOOBIG && k->len == 4 << 20 &&
	    k->data == NULL && kept(lf, "etc/os-release") != NULL,
	    "a WANT_SOFT file over max_file: KEPT_TOOBIG with its size, the layer read on (%s)",
	    cause != NULL ? cause : "no error");
	k = rc == 0 ? kept(lf, "soft-link") : NULL;
	tap_ok(k != NULL && k->type == KEPT_TOOBIG && k->len == 4 << 20 && k->data == NULL,
	    "a hard link to it: the same, no content");
	k = rc == 0 ? kept(lf, "soft-small") : NULL;
	tap_ok(k != NULL && k->type == KEPT_FILE && strcmp(k->data, "fits") == 0,
	    "a WANT_SOFT file under max_file is kept whole");

	/* The cache keeps the size of a file it never had. */
	if (mkdtemp(dir) != NULL) {
		db = xasprintf("%s/layers.db", dir);
		if (cache_open(db, &c, &cause) == 0 && cache_put(c, lf, &cause) == 0 &&
		    cache_get(c, lf->digest, &back, &cause) == 0) {
			k = kept(back, "soft");
			tap_ok(k != NULL && k->type == KEPT_TOOBIG && k->len == 4 << 20 &&
			    k->data == NULL, "the cache keeps KEPT_TOOBIG and its size");
		} else
			tap_ok(0, "cache round trip: %s", cause);
		cache_close(c);
		unlink(db);
		for (i = 0; i < 2; i++) {
			char *side = xasprintf("%s%s", db, i == 0 ? "-wal" : "-shm");

			unlink(side);
			free(side);
		}
		rmdir(dir);
		free(db);
	}

	free(lf->diff_id);
	lf->diff_id = xstrdup("sha256:lower");
	up = layer_of(upper, NELEM(upper));
	free(up->diff_id);
	up->diff_id = xstrdup("sha256:upper");
	r = rootfs_new();
	rootfs_apply(r, lf);
	rootfs_apply(r, up);
	k = rootfs_get(r, "etc/os-release");
	s = rootfs_get(r, "soft-small");
	tap_ok(k != NULL && k->layer != NULL && strcmp(k->layer, "sha256:lower") == 0 &&
	    s != NULL && s->layer != NULL && strcmp(s->layer, "sha256:upper") == 0 &&
	    strcmp(s->data, "upper") == 0,
	    "the merged view: each file's layer is the diff_id of the layer it won from");
	tap_ok(rootfs_get(r, "soft") == NULL && rootfs_exists(r, "soft") &&
	    !rootfs_exists(r, "soft-link"),
	    "KEPT_TOOBIG in the view: no file to read, but there; a whiteout deletes one");
	for (i = 0, k = NULL; (s = rootfs_at(r, i)) != NULL; i++) {
		if (strcmp(s->path, "soft") == 0)
			k = s;
	}
	tap_ok(k != NULL && k->type == KEPT_TOOBIG && k->len == 4 << 20 &&
	    rootfs_at(r, rootfs_count(r)) == NULL,
	    "rootfs_at walks the view, KEPT_TOOBIG entries included");
	rootfs_free(r);
	layer_files_free(lf);
	layer_files_free(up);
	layer_files_free(back);
	free(tgz);
	free(cause);
}

static void
whiteouts_links(void)
{
	static const struct ent e[] = {
		{ "etc/.wh.profile", 'f', "", 0 },
		{ ".wh.rootfile", 'f', "", 0 },
		{ "a/.wh..wh..opq", 'f', "", 0 },
		{ "b/not.a.wh..wh..opq", 'f', "", 0 },
		{ ".wh..wh..plnk", 'd', NULL, 0 },
		{ "./.wh..wh..opq", 'f', "", 0 },
		{ "var/lib/dpkg/status", 'f', "Package: z\n", 0 },
		{ "var/lib/dpkg/status.d/z", 'h', "var/lib/dpkg/status", 0 },
		{ "var/lib/dpkg/status.d/y", 'h', "etc/shadow", 0 },
	};
	struct layer_files	*lf = NULL;
	const struct kept_file	*k;
	char			*tar, *cause = NULL;
	size_t			 len;
	int			 rc;

	tar = mktar(e, NELEM(e), 0, &len);
	rc = rd(tar, len, NULL, NULL, NULL, &lf, &cause);
	tap_ok(rc == 0, "whiteout layer read (%s)", cause != NULL ? cause : "ok");
	if (rc != 0)
		goto out;
	tap_ok(lf->nwhiteouts == 2 && has(lf->whiteouts, 2, "etc/profile") &&
	    has(lf->whiteouts, 2, "rootfile"),
	    "whiteouts .wh.NAME recorded for unwanted paths too");
	tap_ok(lf->nopaque == 2 && has(lf->opaque, 2, "a") && has(lf->opaque, 2, ""),
	    "opaque directories recorded (a, and the root)");
	tap_ok(kept(lf, "etc/.wh.profile") == NULL && kept(lf, "b/not.a.wh..wh..opq") == NULL,
	    "whiteout markers are not files; not.a.wh..wh..opq is no marker");
	k = kept(lf, "var/lib/dpkg/status.d/z");
	tap_ok(k != NULL && k->type == KEPT_FILE && strcmp(k->data, "Package: z\n") == 0,
	    "hard link to a kept file gets its content");
	k = kept(lf, "var/lib/dpkg/status.d/y");
	tap_ok(k != NULL && k->type == KEPT_SYMLINK && strcmp(k->data, "/etc/shadow") == 0,
	    "hard link to an unkept file becomes a link to it");
out:
	layer_files_free(lf);
	free(tar);
	free(cause);
}

static struct layer_files *
layer_of(const struct ent *e, size_t n)
{
	struct layer_files	*lf = NULL;
	char			*tar, *cause = NULL;
	size_t			 len;

	tar = mktar(e, n, 'g', &len);
	if (rd(tar, len, NULL, NULL, NULL, &lf, &cause) != 0) {
		tap_diag("layer_of: %s", cause);
		abort();
	}
	free(tar);
	free(cause);
	return lf;
}

static int
content_is(const struct rootfs *r, const char *path, const char *want_data)
{
	const struct kept_file	*k = rootfs_get(r, path);

	if (want_data == NULL)
		return k == NULL;
	return k != NULL && strcmp(k->data, want_data) == 0;
}

static void
merged(void)
{
	static const struct ent l2[] = {
		{ "var/lib/dpkg/.wh.status", 'f', "", 0 },
		{ "var/lib/dpkg/status.d/.wh..wh..opq", 'f', "", 0 },
		{ "var/lib/dpkg/status.d/c", 'f', "Package: c\n", 0 },
		{ "usr/lib/os-release", 'f', "ID=debian\nVERSION_ID=\"13\"\n", 0 },
	};
	static const struct ent l3[] = {
		{ "etc/os-release", 'f', "ID=own\n", 0 },
		{ "etc/.wh.os-release", 'f', "", 0 },	/* lower layers only */
		{ "var/lib/dpkg/status.d", 'l', "/usr/lib/os-release", 0 },
	};
	static const struct ent loop[] = {
		{ "etc/os-release", 'l', "/etc/os-release2", 0 },
		{ "etc/os-release2", 'l', "os-release", 0 },
		{ "var/lib/dpkg/status", 'l', "../../../../../../usr/lib/os-release", 0 },
	};
	struct layer_files	*a, *b, *c, *d;
	struct rootfs		*r;
	const struct kept_file	**list;
	size_t			 n;

	a = layer_of(base, NELEM(base));
	b = layer_of(l2, NELEM(l2));
	c = layer_of(l3, NELEM(l3));
	d = layer_of(loop, NELEM(loop));
	r = rootfs_new();
	rootfs_apply(r, a);
	tap_ok(content_is(r, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
	    "relative symlink etc/os-release resolved in the view");
	tap_ok(content_is(r, "/etc/./os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
	    "lookup path normalised");
	tap_ok(content_is(r, "lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
	    "a directory symlink (lib -> usr/lib) on the way is followed");
	tap_ok(rootfs_get(r, "etc") == NULL && rootfs_get(r, "lib") == NULL,
	    "directories and links to directories are not files");
	n = rootfs_list(r, "var/lib/dpkg/status.d", &list);
	tap_ok(n == 2 && strcmp(list[0]->path, "var/lib/dpkg/status.d/a") == 0 &&
	    strcmp(list[1]->path, "var/lib/dpkg/status.d/b") == 0,
	    "rootfs_list: the directory's files, sorted");
	free(list);

	rootfs_apply(r, b);
	tap_ok(content_is(r, "var/lib/dpkg/status", NULL), "whiteout deletes a lower file");
	n = rootfs_list(r, "var/lib/dpkg/status.d", &list);
	tap_ok(n == 1 && strcmp(list[0]->path, "var/lib/dpkg/status.d/c") == 0,
	    "opaque directory hides lower files, keeps its own layer's");
	free(list);
	tap_ok(content_is(r, "etc/os-release", "ID=debian\nVERSION_ID=\"13\"\n"),
	    "an upper layer's file wins");

	rootfs_apply(r, c);
	tap_ok(content_is(r, "etc/os-release", "ID=own\n"),
	    "a layer's whiteout does not delete its own file");
	n = rootfs_list(r, "var/lib/dpkg/status.d", &list);
	tap_ok(n == 0 && content_is(r, "var/lib/dpkg/status.d/c", NULL),
	    "a symlink replacing a directory hides what was below it");
	free(list);

	rootfs_apply(r, d);
	tap_ok(rootfs_get(r, "etc/os-release") == NULL, "a symlink loop gives NULL");
	tap_ok(content_is(r, "var/lib/dpkg/status", "ID=debian\nVERSION_ID=\"13\"\n"),
	    "\"..\" past the root stays at the root");
	rootfs_free(r);
	rootfs_free(NULL);
	layer_files_free(a);
	layer_files_free(b);
	layer_files_free(c);
	layer_files_free(d);
	layer_files_free(NULL);
}

static void
put(const char *root, const char *path, const char *data)
{
	char	*p;
	int	 fd;

	p = xasprintf("%s/%s", root, path);
	mkdir_parents(p, NULL);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
	    write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		abort();
	close(fd);
	free(p);
}

static void
link_(const char *root, const char *path, const char *target)
{
	char	*p;

	p = xasprintf("%s/%s", root, path);
	mkdir_parents(p, NULL);
	if (symlink(target, p) == -1)
		abort();
	free(p);
}

static void
load_dir(void)
{
	struct layer_limits	 l;
	struct rootfs		*r;
	const struct kept_file	**list;
	char			 tmpl[] = "/tmp/test-layer.XXXXXX", *root, *cmd;
	char			*cause = NULL;
	size_t			 n;
	int			 rc;

	if ((root = mkdtemp(tmpl)) == NULL)
		abort();
	put(root, "usr/lib/os-release", "ID=alpine\n");
	link_(root, "etc/os-release", "/usr/lib/os-release");
	put(root, "var/lib/dpkg/status.d/one", "Package: one\n");
	put(root, "var/lib/dpkg/info/x.list", "/x\n");
	put(root, "etc/passwd", "root\n");
	/* A link that would leave the root on the host must stay inside it. */
	link_(root, "var/lib/dpkg/status", "/var/lib/dpkg/status.d/../../../../../etc/hostname");

	layer_limits_default(&l);
	r = rootfs_new();
	rc = rootfs_load_dir(r, root, want, &l, &cause);
	tap_ok(rc == 0, "rootfs_load_dir (%s)", cause != NULL ? cause : "ok");
	tap_ok(content_is(r, "etc/os-release", "ID=alpine\n"),
	    "dir: absolute symlink resolved inside the root");
	tap_ok(content_is(r, "var/lib/dpkg/status", NULL),
	    "dir: a symlink pointing out of the root reads nothing from the host");
	n = rootfs_list(r, "var/lib/dpkg/status.d", &list);
	tap_ok(n == 1 && strcmp(list[0]->data, "Package: one\n") == 0,
	    "dir: status.d files listed");
	free(list);
	tap_ok(rootfs_get(r, "etc/passwd") == NULL &&
	    rootfs_get(r, "var/lib/dpkg/info/x.list") == NULL,
	    "dir: unwanted files not read");
	rootfs_free(r);

	l.max_file = 4;
	r = rootfs_new();
	rc = rootfs_load_dir(r, root, want, &l, &cause);
	tap_ok(rc == HS_ELIMIT && strstr(cause, "limit of 4 bytes") != NULL,
	    "dir: a wanted file over max_file: %s", cause);
	rootfs_free(r);
	r = rootfs_new();
	rc = rootfs_load_dir(r, "/nonexistent/root", want, &l, &cause);
	tap_ok(rc == HS_ENOENT && strstr(cause, "/nonexistent/root") != NULL,
	    "dir: a missing root: %s", cause);
	rootfs_free(r);
	free(cause);
	cmd = xasprintf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", root);
	free(cmd);
}

/* A stream over memory that fails with HS_EIO once fail_at bytes are read. */
struct failing {
	const char	*data;
	size_t		 len;
	size_t		 off;
	size_t		 fail_at;
};

static ssize_t
failing_read(struct stream *s, void *buf, size_t n, char **cause)
{
	struct failing	*f = s->ctx;

	if (f->off >= f->fail_at) {
		*cause = xstrdup("connection reset by the test");
		return HS_EIO;
	}
	if (n > f->fail_at - f->off)
		n = f->fail_at - f->off;
	if (n > f->len - f->off)
		n = f->len - f->off;
	memcpy(buf, f->data + f->off, n);
	f->off += n;
	return (ssize_t)n;
}

static void
failing_close(struct stream *s)
{
	(void)s;
}

static const struct stream_ops failing_ops = { failing_read, failing_close };

/*
 * A read error anywhere in the blob fails the layer with that error: in the
 * middle of the data, and after the last byte the decompressor wants (where
 * only the digest's read of the rest sees it). The blob is read ahead by
 * the hashing thread, so both go through its hands.
 */
static void
read_errors(void)
{
	struct ent		 e[2] = {
		{ "etc/os-release", 'f', "ID=debian\n", 0 },
		{ "noise", 'f', NULL, 0 },
	};
	struct layer_files	*lf = NULL;
	struct failing		 f;
	struct stream		 st = { &failing_ops, &f };
	char			*noise, *tgz, *cause = NULL;
	size_t			 i, len, at[3];
	uint32_t		 x = 2463534242u;
	int			 rc;

	/* 3 MiB of printable noise: a gzip blob of dozens of read blocks. */
	noise = xmalloc((3 << 20) + 1);
	for (i = 0; i < 3 << 20; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (char)(' ' + x % 95);
	}
	noise[3 << 20] = '\0';
	e[1].data = noise;
	tgz = mktar(e, 2, 'g', &len);
	tap_ok(len > 1 << 20, "noise layer: %zu bytes of gzip", len);

	at[0] = 0;
	at[1] = len / 2;
	at[2] = len;
	for (i = 0; i < 3; i++) {
		memset(&f, 0, sizeof f);
		f.data = tgz;
		f.len = len;
		f.fail_at = at[i];
		rc = layer_read(&st, NULL, want, NULL, NULL, &lf, &cause);
		tap_ok(rc == HS_EIO && lf == NULL && cause != NULL &&
		    strstr(cause, "connection reset by the test") != NULL,
		    "read error after %zu of %zu bytes: %s", at[i], len,
		    cause != NULL ? cause : "no error");
		layer_files_free(lf);
		lf = NULL;
		free(cause);
		cause = NULL;
	}

	/* The same blob read whole: its digests, as the check says. */
	memset(&f, 0, sizeof f);
	f.data = tgz;
	f.len = len;
	f.fail_at = (size_t)-1;
	rc = layer_read(&st, NULL, want, NULL, NULL, &lf, &cause);
	tap_ok(rc == 0 && lf != NULL && lf->blob_bytes == len &&
	    kept(lf, "etc/os-release") != NULL,
	    "the whole blob: %zu bytes read (%s)", lf != NULL ?
	    (size_t)lf->blob_bytes : 0, cause != NULL ? cause : "ok");
	layer_files_free(lf);
	free(cause);
	free(tgz);
	free(noise);
}

int
main(void)
{
	(void)tap_fixtures;
	(void)tap_no_fixtures;
	(void)tap_skip;
	normalise();
	read_base();
	read_errors();
	limits();
	soft_limits();
	whiteouts_links();
	merged();
	load_dir();
	return tap_done();
}
