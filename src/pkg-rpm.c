/* rpm databases read without librpm: SQLite, BerkeleyDB hash, NDB and their headers. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "pkg.h"
#include "util.h"

/* Limits: a header is kilobytes, a database holds thousands of packages. */
#define RPM_MAX_BLOB	(64u << 20)
#define RPM_MAX_PKGS	200000
#define RPM_MAX_TAGS	0xffff		/* rpm's own hdrchkTags */
#define RPM_MAX_DATA	0x0fffffff	/* rpm's own hdrchkData */

/* Header tags and types (rpmtag.h). */
#define TAG_NAME	1000
#define TAG_VERSION	1001
#define TAG_RELEASE	1002
#define TAG_EPOCH	1003
#define TAG_ARCH	1022
#define TAG_SOURCERPM	1044
#define TAG_OLDFILENAMES 1027
#define TAG_DIRINDEXES	1116
#define TAG_BASENAMES	1117
#define TAG_DIRNAMES	1118
#define TYPE_INT32	4
#define TYPE_STRING	6
#define TYPE_STRING_ARRAY 8
#define TYPE_I18NSTRING	9

/* What each header of a database is handed to: the inventory, or the file lists. */
struct rpm_sink {
	int	(*fn)(const unsigned char *blob, size_t len, void *arg, char **cause);
	void	*arg;
};

static uint32_t
get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* A header blob: il index entries of 16 bytes, then dl bytes of data. */
struct rpmhdr {
	const unsigned char	*index;
	uint32_t		 il;
	const unsigned char	*data;
	uint32_t		 dl;
};

static int
rpmhdr_open(struct rpmhdr *h, const unsigned char *blob, size_t len,
    char **cause)
{
	if (len < 8)
		return fail(cause, HS_EINVAL, "header of %zu bytes is too short", len);
	h->il = get_be32(blob);
	h->dl = get_be32(blob + 4);
	if (h->il == 0 || h->il > RPM_MAX_TAGS)
		return fail(cause, HS_EINVAL, "header has %u index entries", h->il);
	if (h->dl > RPM_MAX_DATA)
		return fail(cause, HS_EINVAL, "header data of %u bytes", h->dl);
	if ((size_t)h->il * 16 + h->dl > len - 8)
		return fail(cause, HS_EINVAL, "header of %zu bytes says %u entries "
		    "and %u data bytes", len, h->il, h->dl);
	h->index = blob + 8;
	h->data = blob + 8 + (size_t)h->il * 16;
	return 0;
}

/* The first index entry for tag: 0 and its type/offset/count, or HS_ENOENT. */
static int
rpmhdr_find(const struct rpmhdr *h, uint32_t tag, uint32_t *type,
    uint32_t *off, uint32_t *count)
{
	const unsigned char	*e;
	uint32_t		 i;

	for (i = 0; i < h->il; i++) {
		e = h->index + (size_t)i * 16;
		if (get_be32(e) == tag) {
			*type = get_be32(e + 4);
			*off = get_be32(e + 8);
			*count = get_be32(e + 12);
			return 0;
		}
	}
	return HS_ENOENT;
}

/* A string tag, pointing into the blob; NULL (and 0) when absent. */
static int
rpmhdr_string(const struct rpmhdr *h, uint32_t tag, const char **out,
    char **cause)
{
	uint32_t	type, off, count;

	*out = NULL;
	if (rpmhdr_find(h, tag, &type, &off, &count) != 0)
		return 0;
	if (type != TYPE_STRING && type != TYPE_I18NSTRING)
		return fail(cause, HS_EINVAL, "tag %u has type %u, not a string",
		    tag, type);
	if (off >= h->dl || memchr(h->data + off, '\0', h->dl - off) == NULL)
		return fail(cause, HS_EINVAL, "tag %u: string at %u runs past "
		    "the %u data bytes", tag, off, h->dl);
	*out = (const char *)h->data + off;
	return 0;
}

static int
rpmhdr_int32(const struct rpmhdr *h, uint32_t tag, int *present,
    uint32_t *value, char **cause)
{
	uint32_t	type, off, count;

	*present = 0;
	if (rpmhdr_find(h, tag, &type, &off, &count) != 0)
		return 0;
	if (type != TYPE_INT32 || count == 0)
		return fail(cause, HS_EINVAL, "tag %u has type %u count %u, not "
		    "an int32", tag, type, count);
	if (off > h->dl || h->dl - off < 4)
		return fail(cause, HS_EINVAL, "tag %u: int32 at %u past the %u "
		    "data bytes", tag, off, h->dl);
	*value = get_be32(h->data + off);
	*present = 1;
	return 0;
}

/*
 * "name-version-release.src.rpm" into its name and "[E:]V-R" (the binary's
 * epoch: Epoch is set once per spec file, for every package it builds).
 */
void
pkg_rpm_source(const char *srpm, int has_epoch, uint32_t epoch, char **name,
    char **version)
{
	const char	*end, *rel, *ver;
	size_t		 len;

	*name = *version = NULL;
	if (srpm == NULL)
		return;
	len = strlen(srpm);
	if (str_ends(srpm, ".src.rpm"))
		end = srpm + len - strlen(".src.rpm");
	else if (str_ends(srpm, ".nosrc.rpm"))
		end = srpm + len - strlen(".nosrc.rpm");
	else
		return;
	for (rel = end; rel > srpm && rel[-1] != '-'; rel--)
		/* nothing */;
	if (rel <= srpm + 1 || rel == end)
		return;
	for (ver = rel - 1; ver > srpm && ver[-1] != '-'; ver--)
		/* nothing */;
	if (ver <= srpm + 1 || ver == rel - 1)
		return;
	*name = xstrndup(srpm, ver - 1 - srpm);
	if (has_epoch)
		*version = xasprintf("%u:%.*s", epoch, (int)(end - ver), ver);
	else
		*version = xstrndup(ver, end - ver);
}

/*
 * A string-array tag: *n strings, pointers into the blob in *out (the
 * caller frees the array); *n is 0 when the tag is absent.
 */
static int
rpmhdr_strings(const struct rpmhdr *h, uint32_t tag, const char ***out,
    uint32_t *n, char **cause)
{
	const unsigned char	*end;
	uint32_t		 type, off, count, i;

	*out = NULL;
	*n = 0;
	if (rpmhdr_find(h, tag, &type, &off, &count) != 0)
		return 0;
	if (type != TYPE_STRING_ARRAY || count > h->dl)
		return fail(cause, HS_EINVAL, "tag %u has type %u count %u, not "
		    "a string array", tag, type, count);
	*out = xreallocarray(NULL, count + 1, sizeof **out);
	for (i = 0; i < count; i++) {
		if (off >= h->dl || (end = memchr(h->data + off, '\0',
		    h->dl - off)) == NULL) {
			free(*out);
			*out = NULL;
			return fail(cause, HS_EINVAL, "tag %u: string %u runs past "
			    "the %u data bytes", tag, i, h->dl);
		}
		(*out)[i] = (const char *)h->data + off;
		off = end - h->data + 1;
	}
	*n = count;
	return 0;
}

/* An int32-array tag: *n values at *out (big-endian, in the blob). */
static int
rpmhdr_int32s(const struct rpmhdr *h, uint32_t tag, const unsigned char **out,
    uint32_t *n, char **cause)
{
	uint32_t	type, off, count;

	*out = NULL;
	*n = 0;
	if (rpmhdr_find(h, tag, &type, &off, &count) != 0)
		return 0;
	if (type != TYPE_INT32 || off > h->dl || count > (h->dl - off) / 4)
		return fail(cause, HS_EINVAL, "tag %u: type %u, %u int32 at %u "
		    "past the %u data bytes", tag, type, count, off, h->dl);
	*out = h->data + off;
	*n = count;
	return 0;
}

struct rpm_files {
	pkg_file_fn	 fn;
	void		*arg;
	struct buf	 path;
};

/*
 * The files of one header: BASENAMES each in DIRNAMES[DIRINDEXES[i]]
 * (rpm 4), else OLDFILENAMES (rpm 3).
 */
static int
rpm_files_header(const unsigned char *blob, size_t len, void *arg,
    char **cause)
{
	struct rpm_files	*f = arg;
	struct rpmhdr		 h;
	const char		*name, **base = NULL, **dirs = NULL;
	const unsigned char	*idx;
	uint32_t		 nbase, ndirs, nidx, i, d;
	int			 r;

	if ((r = rpmhdr_open(&h, blob, len, cause)) != 0 ||
	    (r = rpmhdr_string(&h, TAG_NAME, &name, cause)) != 0)
		return r;
	if (name == NULL || strcmp(name, "gpg-pubkey") == 0)
		return 0;
	if ((r = rpmhdr_strings(&h, TAG_BASENAMES, &base, &nbase, cause)) != 0 ||
	    (r = rpmhdr_strings(&h, TAG_DIRNAMES, &dirs, &ndirs, cause)) != 0 ||
	    (r = rpmhdr_int32s(&h, TAG_DIRINDEXES, &idx, &nidx, cause)) != 0)
		goto out;
	if (nbase == 0) {
		free(base);
		if ((r = rpmhdr_strings(&h, TAG_OLDFILENAMES, &base, &nbase,
		    cause)) != 0)
			goto out;
		for (i = 0; i < nbase; i++)
			f->fn(name, base[i], strlen(base[i]), f->arg);
		goto out;
	}
	if (nidx != nbase) {
		r = fail(cause, HS_EINVAL, "%s: %u file names but %u directory "
		    "indexes", name, nbase, nidx);
		goto out;
	}
	for (i = 0; i < nbase; i++) {
		if ((d = get_be32(idx + (size_t)i * 4)) >= ndirs) {
			r = fail(cause, HS_EINVAL, "%s: file %u in directory %u of "
			    "%u", name, i, d, ndirs);
			goto out;
		}
		f->path.len = 0;
		buf_adds(&f->path, dirs[d]);
		buf_adds(&f->path, base[i]);
		f->fn(name, f->path.data, f->path.len, f->arg);
	}
out:
	free(base);
	free(dirs);
	return r;
}

/* Add the package of one header blob (gpg-pubkey entries are keys, not packages). */
static int
rpm_add_header(const unsigned char *blob, size_t len, void *arg, char **cause)
{
	struct inventory *inv = arg;
	struct rpmhdr	 h;
	const char	*name, *ver, *rel, *arch, *srpm;
	char		*version = NULL, *sname = NULL, *sversion = NULL;
	uint32_t	 epoch = 0;
	int		 has_epoch, r;

	if ((r = rpmhdr_open(&h, blob, len, cause)) != 0)
		return r;
	if ((r = rpmhdr_string(&h, TAG_NAME, &name, cause)) != 0 ||
	    (r = rpmhdr_string(&h, TAG_VERSION, &ver, cause)) != 0 ||
	    (r = rpmhdr_string(&h, TAG_RELEASE, &rel, cause)) != 0 ||
	    (r = rpmhdr_string(&h, TAG_ARCH, &arch, cause)) != 0 ||
	    (r = rpmhdr_string(&h, TAG_SOURCERPM, &srpm, cause)) != 0 ||
	    (r = rpmhdr_int32(&h, TAG_EPOCH, &has_epoch, &epoch, cause)) != 0)
		return r;
	if (name == NULL || *name == '\0' || ver == NULL || *ver == '\0' ||
	    rel == NULL)
		return fail(cause, HS_EINVAL, "header without name, version "
		    "or release");
	if (strcmp(name, "gpg-pubkey") == 0)
		return 0;
	if (has_epoch)
		version = xasprintf("%u:%s-%s", epoch, ver, rel);
	else
		version = xasprintf("%s-%s", ver, rel);
	pkg_rpm_source(srpm, has_epoch, epoch, &sname, &sversion);
	inventory_add(inv, name, version, sname, sversion,
	    arch != NULL && *arch != '\0' ? arch : NULL, ECO_RPM);
	free(version);
	free(sname);
	free(sversion);
	return 0;
}

/* --- SQLite: rpmdb.sqlite, table Packages(hnum, blob) --- */

#define WAL_HDR		32
#define WAL_FRAME_HDR	24

/* The WAL checksum (fileformat2: "Checksum Algorithm") over n bytes, n % 8 == 0. */
static void
wal_checksum(int be, const unsigned char *p, size_t n, uint32_t *s0, uint32_t *s1)
{
	size_t		i;
	uint32_t	a, b;

	for (i = 0; i + 8 <= n; i += 8) {
		a = be ? get_be32(p + i) : get_le32(p + i);
		b = be ? get_be32(p + i + 4) : get_le32(p + i + 4);
		*s0 += a + *s1;
		*s1 += b + *s0;
	}
}

/*
 * The database as SQLite would see it with its write-ahead log: every frame
 * of the WAL up to its last valid commit (salts matching the header and the
 * running checksum adding up, as SQLite checks them) written over the main
 * file's pages, the file cut or grown to that commit's size. rpm checkpoints
 * when it closes the database, but an image built by a killed rpm keeps a
 * WAL with transactions the main file does not hold. A WAL that is empty or
 * holds no commit changes nothing: *out is NULL then. An impossible one is
 * an error.
 */
static int
rpm_sqlite_apply_wal(const unsigned char *db, size_t len,
    const unsigned char *wal, size_t wlen, unsigned char **out, size_t *outlen,
    char **cause)
{
	const unsigned char	*f;
	unsigned char		*img;
	uint32_t		 magic, psize, dbpsize, salt1, salt2, s0 = 0, s1 = 0;
	uint32_t		 pgno, commit, last_size = 0;
	size_t			 off, frame, last_end = 0, size, maxpg;
	int			 be;

	*out = NULL;
	if (wlen < WAL_HDR || len < 100)
		return 0;
	magic = get_be32(wal);
	if ((magic & 0xfffffffe) != 0x377f0682)
		return fail(cause, HS_EINVAL, "-wal: not an SQLite write-ahead log");
	be = magic & 1;
	psize = get_be32(wal + 8);
	dbpsize = (uint32_t)db[16] << 8 | db[17];
	if (dbpsize == 1)
		dbpsize = 65536;
	if (psize != dbpsize || psize < 512 || (psize & (psize - 1)) != 0)
		return fail(cause, HS_EINVAL, "-wal: page size %u, the database's is %u",
		    psize, dbpsize);
	wal_checksum(be, wal, 24, &s0, &s1);
	if (s0 != get_be32(wal + 24) || s1 != get_be32(wal + 28))
		return 0;	/* a header SQLite would not trust: the log is empty */
	salt1 = get_be32(wal + 16);
	salt2 = get_be32(wal + 20);
	frame = WAL_FRAME_HDR + psize;

	/* Find the last commit frame of the valid prefix. */
	maxpg = len / psize;
	for (off = WAL_HDR; off + frame <= wlen; off += frame) {
		f = wal + off;
		if (get_be32(f + 8) != salt1 || get_be32(f + 12) != salt2)
			break;
		wal_checksum(be, f, 8, &s0, &s1);
		wal_checksum(be, f + WAL_FRAME_HDR, psize, &s0, &s1);
		if (s0 != get_be32(f + 16) || s1 != get_be32(f + 20))
			break;
		if ((pgno = get_be32(f)) == 0)
			break;
		if (pgno > maxpg)
			maxpg = pgno;
		if ((commit = get_be32(f + 4)) != 0) {
			last_end = off + frame;
			last_size = commit;
		}
	}
	if (last_end == 0)
		return 0;
	if (last_size > maxpg)
		return fail(cause, HS_EINVAL, "-wal: a commit of %u pages, but only %zu "
		    "exist", last_size, maxpg);
	size = (size_t)last_size * psize;
	if ((img = sqlite3_malloc64(size)) == NULL)
		return fail(cause, HS_ERR, "sqlite: out of memory");
	memset(img, 0, size);
	memcpy(img, db, len < size ? len : size);
	for (off = WAL_HDR; off < last_end; off += frame) {
		pgno = get_be32(wal + off);
		if (pgno <= last_size)
			memcpy(img + (size_t)(pgno - 1) * psize,
			    wal + off + WAL_FRAME_HDR, psize);
	}
	*out = img;
	*outlen = size;
	return 0;
}

static int
rpm_read_sqlite(const char *data, size_t len, const char *wal, size_t wlen,
    const struct rpm_sink *sink, char **cause)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	unsigned char	*copy = NULL;
	const void	*blob;
	size_t		 n = 0;
	int		 r = 0, rc, blen;

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		r = fail(cause, HS_ERR, "sqlite: %s", sqlite3_errmsg(db));
		goto out;
	}
	/* An image's file is untrusted input: no schema tricks. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (wal != NULL && (r = rpm_sqlite_apply_wal((const unsigned char *)data,
	    len, (const unsigned char *)wal, wlen, &copy, &len, cause)) != 0)
		goto out;
	if (copy == NULL) {
		if ((copy = sqlite3_malloc64(len)) == NULL) {
			r = fail(cause, HS_ERR, "sqlite: out of memory");
			goto out;
		}
		memcpy(copy, data, len);
	}
	/*
	 * rpm keeps its database in WAL mode, which an in-memory database
	 * cannot open: read the file (its -wal applied above) as a
	 * rollback-journal one.
	 */
	if (len >= 100 && copy[18] == 2 && copy[19] == 2)
		copy[18] = copy[19] = 1;
	if (sqlite3_deserialize(db, "main", copy, len, len,
	    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) !=
	    SQLITE_OK) {
		r = fail(cause, HS_EINVAL, "sqlite: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT blob FROM Packages ORDER BY hnum",
	    -1, &st, NULL) != SQLITE_OK) {
		r = fail(cause, HS_EINVAL, "sqlite: %s", sqlite3_errmsg(db));
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > RPM_MAX_PKGS) {
			r = fail(cause, HS_ELIMIT, "more than %d packages",
			    RPM_MAX_PKGS);
			goto out;
		}
		blob = sqlite3_column_blob(st, 0);
		blen = sqlite3_column_bytes(st, 0);
		if (blob == NULL || blen <= 0) {
			r = fail(cause, HS_EINVAL, "package %zu: empty blob", n);
			goto out;
		}
		if ((r = sink->fn(blob, blen, sink->arg, cause)) != 0) {
			cause_prefix(cause, "package %zu", n);
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		r = fail(cause, HS_EINVAL, "sqlite: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}

/* --- BerkeleyDB hash: Packages (db_page.h) --- */

#define BDB_HASH_MAGIC	0x061561
#define BDB_HDR		26	/* page header size */
#define P_HASH_UNSORTED	2
#define P_OVERFLOW	7
#define P_HASHMETA	8
#define P_HASH		13
#define H_KEYDATA	1
#define H_OFFPAGE	3

struct bdb {
	const unsigned char	*data;
	size_t			 len;
	int			 be;		/* written on a big-endian host */
	uint32_t		 pagesize;
	uint32_t		 npages;
};

static uint32_t
bdb32(const struct bdb *b, const unsigned char *p)
{
	return b->be ? get_be32(p) : get_le32(p);
}

static uint32_t
bdb16(const struct bdb *b, const unsigned char *p)
{
	return b->be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

static const unsigned char *
bdb_page(const struct bdb *b, uint32_t pgno)
{
	return b->data + (size_t)pgno * b->pagesize;
}

/* Concatenate an off-page item's overflow chain. */
static int
bdb_overflow(const struct bdb *b, uint32_t pgno, uint32_t tlen,
    struct buf *out, char **cause)
{
	const unsigned char	*pg;
	uint32_t		 steps, n;

	out->len = 0;
	if (tlen > RPM_MAX_BLOB)
		return fail(cause, HS_ELIMIT, "item of %u bytes", tlen);
	for (steps = 0; pgno != 0; steps++) {
		if (steps >= b->npages || pgno >= b->npages)
			return fail(cause, HS_EINVAL, "overflow chain goes to "
			    "page %u of %u", pgno, b->npages);
		pg = bdb_page(b, pgno);
		if (pg[25] != P_OVERFLOW)
			return fail(cause, HS_EINVAL, "page %u: type %u, not "
			    "an overflow page", pgno, pg[25]);
		n = bdb16(b, pg + 22);		/* OV_LEN: bytes on this page */
		if (n > b->pagesize - BDB_HDR || out->len + n > tlen)
			return fail(cause, HS_EINVAL, "page %u: %u bytes overflow "
			    "the item", pgno, n);
		buf_add(out, pg + BDB_HDR, n);
		pgno = bdb32(b, pg + 16);	/* next_pgno */
	}
	if (out->len != tlen)
		return fail(cause, HS_EINVAL, "item of %u bytes holds %zu", tlen,
		    out->len);
	return 0;
}

static int
rpm_read_bdb(const char *data, size_t len, const struct rpm_sink *sink,
    char **cause)
{
	struct bdb		 b;
	struct buf		 item;
	const unsigned char	*pg, *meta = (const unsigned char *)data;
	uint32_t		 pgno, entries, i, koff, voff, last;
	size_t			 n = 0;
	int			 r = 0;

	buf_init(&item);
	memset(&b, 0, sizeof b);
	b.data = meta;
	b.len = len;
	b.be = get_be32(meta + 12) == BDB_HASH_MAGIC;
	b.pagesize = bdb32(&b, meta + 20);
	if (b.pagesize < 512 || b.pagesize > 65536 ||
	    (b.pagesize & (b.pagesize - 1)) != 0)
		return fail(cause, HS_EINVAL, "BerkeleyDB page size %u", b.pagesize);
	if (meta[24] != 0)
		return fail(cause, HS_EINVAL, "encrypted BerkeleyDB");
	if (meta[25] != P_HASHMETA)
		return fail(cause, HS_EINVAL, "BerkeleyDB page 0 has type %u, not "
		    "hash metadata", meta[25]);
	last = bdb32(&b, meta + 32);
	if (last >= len / b.pagesize)
		return fail(cause, HS_EINVAL, "BerkeleyDB of %zu bytes is truncated: "
		    "last page %u of %u bytes", len, last, b.pagesize);
	b.npages = last + 1;

	for (pgno = 1; pgno < b.npages; pgno++) {
		pg = bdb_page(&b, pgno);
		if (pg[25] != P_HASH && pg[25] != P_HASH_UNSORTED)
			continue;
		entries = bdb16(&b, pg + 20);
		if (entries % 2 != 0 || BDB_HDR + (size_t)entries * 2 > b.pagesize) {
			r = fail(cause, HS_EINVAL, "BerkeleyDB page %u: %u entries",
			    pgno, entries);
			goto out;
		}
		/* Key/data pairs; items grow down from the page end. */
		for (i = 0; i < entries; i += 2) {
			koff = bdb16(&b, pg + BDB_HDR + i * 2);
			voff = bdb16(&b, pg + BDB_HDR + (i + 1) * 2);
			if (koff > b.pagesize || voff >= koff) {
				r = fail(cause, HS_EINVAL, "BerkeleyDB page %u: "
				    "item %u at %u", pgno, i + 1, voff);
				goto out;
			}
			switch (pg[voff]) {
			case H_OFFPAGE:
				if (voff + 12 > koff) {
					r = fail(cause, HS_EINVAL, "BerkeleyDB "
					    "page %u: short off-page item", pgno);
					goto out;
				}
				r = bdb_overflow(&b, bdb32(&b, pg + voff + 4),
				    bdb32(&b, pg + voff + 8), &item, cause);
				break;
			case H_KEYDATA:
				/* Record 0 holds a counter, not a header. */
				if (koff - voff - 1 < 8 + 16)
					continue;
				item.len = 0;
				buf_add(&item, pg + voff + 1, koff - voff - 1);
				break;
			default:
				r = fail(cause, HS_EINVAL, "BerkeleyDB page %u: item "
				    "type %u", pgno, pg[voff]);
				break;
			}
			if (r != 0) {
				cause_prefix(cause, "BerkeleyDB page %u", pgno);
				goto out;
			}
			if (++n > RPM_MAX_PKGS) {
				r = fail(cause, HS_ELIMIT, "more than %d packages",
				    RPM_MAX_PKGS);
				goto out;
			}
			r = sink->fn((unsigned char *)item.data, item.len,
			    sink->arg, cause);
			if (r != 0) {
				cause_prefix(cause, "BerkeleyDB page %u item %u",
				    pgno, i + 1);
				goto out;
			}
		}
	}
out:
	buf_free(&item);
	return r;
}

/* --- NDB: Packages.db (rpm's lib/backend/ndb/rpmpkg.c), little-endian --- */

#define NDB_MAGIC	0x506d7052	/* "RpmP" */
#define NDB_SLOT_MAGIC	0x746f6c53	/* "Slot" */
#define NDB_BLOB_MAGIC	0x53626c42	/* "BlbS" */
#define NDB_PAGE	4096
#define NDB_BLK		16

static int
rpm_read_ndb(const char *data, size_t len, const struct rpm_sink *sink,
    char **cause)
{
	const unsigned char	*d = (const unsigned char *)data, *s, *bh;
	uint32_t		 npages, pkgidx, blkoff, blkcnt, bloblen;
	size_t			 off, slots_end, pos;
	int			 r;

	if (len < 32)
		return fail(cause, HS_EINVAL, "NDB of %zu bytes", len);
	if (get_le32(d + 4) != 0)
		return fail(cause, HS_EINVAL, "NDB version %u", get_le32(d + 4));
	npages = get_le32(d + 12);
	if (npages == 0 || npages > 2048)
		return fail(cause, HS_EINVAL, "NDB with %u slot pages", npages);
	slots_end = (size_t)npages * NDB_PAGE;
	if (slots_end > len)
		return fail(cause, HS_EINVAL, "NDB of %zu bytes is truncated: "
		    "%u slot pages", len, npages);
	/* The file header takes the first two slots. */
	for (pos = 32; pos + 16 <= slots_end; pos += 16) {
		s = d + pos;
		if (get_le32(s) != NDB_SLOT_MAGIC)
			return fail(cause, HS_EINVAL, "NDB slot at %zu: bad magic",
			    pos);
		if ((pkgidx = get_le32(s + 4)) == 0)
			continue;
		blkoff = get_le32(s + 8);
		blkcnt = get_le32(s + 12);
		off = (size_t)blkoff * NDB_BLK;
		if (off < slots_end || off > len || len - off < 16 ||
		    (size_t)blkcnt * NDB_BLK > len - off)
			return fail(cause, HS_EINVAL, "NDB package %u: blob at "
			    "block %u (%u blocks) is outside the file", pkgidx,
			    blkoff, blkcnt);
		bh = d + off;
		if (get_le32(bh) != NDB_BLOB_MAGIC || get_le32(bh + 4) != pkgidx)
			return fail(cause, HS_EINVAL, "NDB package %u: no blob at "
			    "block %u", pkgidx, blkoff);
		bloblen = get_le32(bh + 12);
		/* head (16) + blob + tail (12) within the slot's blocks */
		if ((size_t)bloblen + 16 + 12 > (size_t)blkcnt * NDB_BLK)
			return fail(cause, HS_EINVAL, "NDB package %u: blob of %u "
			    "bytes in %u blocks", pkgidx, bloblen, blkcnt);
		if ((r = sink->fn(bh + 16, bloblen, sink->arg, cause)) != 0) {
			cause_prefix(cause, "NDB package %u", pkgidx);
			return r;
		}
	}
	return 0;
}

int
pkg_rpmdb_parse(const char *path, const char *data, size_t len,
    struct inventory *inv, char **cause)
{
	return pkg_rpmdb_parse_wal(path, data, len, NULL, 0, inv, cause);
}

/* Every header of the database, whatever its format, to sink. */
static int
rpm_read(const char *path, const char *data, size_t len, const char *wal,
    size_t wlen, const struct rpm_sink *sink, char **cause)
{
	const unsigned char	*d = (const unsigned char *)data;
	int			 r;

	if (len >= 16 && memcmp(data, "SQLite format 3", 16) == 0)
		r = rpm_read_sqlite(data, len, wal, wlen, sink, cause);
	else if (len >= 32 && get_le32(d) == NDB_MAGIC)
		r = rpm_read_ndb(data, len, sink, cause);
	else if (len >= 512 && (get_le32(d + 12) == BDB_HASH_MAGIC ||
	    get_be32(d + 12) == BDB_HASH_MAGIC))
		r = rpm_read_bdb(data, len, sink, cause);
	else if (len == 0)
		r = fail(cause, HS_EINVAL, "empty file, not an rpm database");
	else
		r = fail(cause, HS_EINVAL, "not an rpm database (SQLite, "
		    "BerkeleyDB hash or NDB)");
	if (r != 0)
		cause_prefix(cause, "%s", path);
	return r;
}

int
pkg_rpmdb_parse_wal(const char *path, const char *data, size_t len,
    const char *wal, size_t wlen, struct inventory *inv, char **cause)
{
	struct rpm_sink	sink = { rpm_add_header, inv };

	return rpm_read(path, data, len, wal, wlen, &sink, cause);
}

int
pkg_rpmdb_files(const char *path, const char *data, size_t len,
    const char *wal, size_t wlen, pkg_file_fn fn, void *arg, char **cause)
{
	struct rpm_files	f;
	struct rpm_sink		sink = { rpm_files_header, &f };
	int			r;

	f.fn = fn;
	f.arg = arg;
	buf_init(&f.path);
	r = rpm_read(path, data, len, wal, wlen, &sink, cause);
	buf_free(&f.path);
	return r;
}
