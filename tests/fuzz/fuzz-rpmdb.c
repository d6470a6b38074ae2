/*
 * Fuzz target: rpm databases (BerkeleyDB hash, NDB, SQLite) and the header
 * blobs in them. Byte 0 picks the file name pkg_rpmdb_parse tells the
 * formats apart by; mode 3 makes the rest one header blob, wrapped in a
 * SQLite rpmdb (table Packages) so the fuzzer works on headers directly.
 * Modes 4 and 5 give a small SQLite rpmdb a -wal: the rest as it is, or
 * as frames (page number, commit size, page) that get a valid header,
 * salts and checksums here, so the fuzzer reaches the pages it writes.
 */
#include "config.h"

#define FUZZ_NAME rpmdb

#include <sqlite3.h>

#include "fuzz.h"
#include "model.h"
#include "pkg.h"

static const char *paths[] = {
	"var/lib/rpm/Packages",
	"usr/lib/sysimage/rpm/Packages.db",
	"var/lib/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/rpmdb.sqlite",	/* the input is a header blob */
	"var/lib/rpm/rpmdb.sqlite",		/* the input is its -wal */
	"usr/lib/sysimage/rpm/rpmdb.sqlite",	/* the input is -wal frames */
};

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
wal_sum(const unsigned char *p, size_t n, uint32_t *s0, uint32_t *s1)
{
	size_t	i;

	for (i = 0; i + 8 <= n; i += 8) {
		*s0 += (uint32_t)p[i] << 24 | p[i + 1] << 16 | p[i + 2] << 8 | p[i + 3];
		*s1 += ((uint32_t)p[i + 4] << 24 | p[i + 5] << 16 | p[i + 6] << 8 |
		    p[i + 7]) + *s0;
	}
}

/*
 * A valid big-endian WAL for pages of psize from frames of input: each frame
 * 8 bytes (page number, commit size) and up to psize of page (zero-padded).
 */
static unsigned char *
make_wal(const uint8_t *in, size_t len, uint32_t psize, size_t *wlen)
{
	unsigned char	*w;
	size_t		 nframes, i, off, take;
	uint32_t	 s0 = 0, s1 = 0;

	nframes = len / (8 + 64) + 1;
	if (nframes > 16)
		nframes = 16;
	*wlen = 32 + nframes * (24 + psize);
	w = calloc(1, *wlen);
	if (w == NULL)
		abort();
	put_be32(w, 0x377f0683);
	put_be32(w + 4, 3007000);
	put_be32(w + 8, psize);
	put_be32(w + 16, 0x1234);
	put_be32(w + 20, 0x5678);
	wal_sum(w, 24, &s0, &s1);
	put_be32(w + 24, s0);
	put_be32(w + 28, s1);
	for (i = 0, off = 0; i < nframes; i++) {
		unsigned char	*f = w + 32 + i * (24 + psize);

		take = len - off < 8 ? len - off : 8;
		memcpy(f, in + off, take);
		off += take;
		/* Page numbers near the database's few pages, one commit at the end. */
		put_be32(f, (uint32_t)(f[0] % 8) + 1);
		put_be32(f + 4, i + 1 == nframes ? (uint32_t)(f[4] % 8) + 1 : 0);
		put_be32(f + 8, 0x1234);
		put_be32(f + 12, 0x5678);
		take = len - off < 64 ? len - off : 64;
		memcpy(f + 24 + (f[3] % 4) * 64, in + off, take);
		off += take;
		wal_sum(f, 8, &s0, &s1);
		wal_sum(f + 24, psize, &s0, &s1);
		put_be32(f + 16, s0);
		put_be32(f + 20, s1);
	}
	return w;
}

int
FUZZ_INIT(FUZZ_NAME)(int *argc, char ***argv)
{
	FUZZ_QUIET();
	return 0;
}

/* A SQLite rpmdb image holding blob as its only package header. */
static unsigned char *
wrap_header(const uint8_t *blob, size_t len, sqlite3_int64 *dblen)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	unsigned char	*image;

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		abort();
	if (sqlite3_exec(db, "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY "
	    "AUTOINCREMENT, blob BLOB NOT NULL)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1,
	    &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_blob(st, 1, len > 0 ? blob : (const uint8_t *)"", (int)len,
	    SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		abort();
	sqlite3_finalize(st);
	image = sqlite3_serialize(db, "main", dblen, 0);
	sqlite3_close(db);
	return image;
}

/* Every byte of every file name is read: ASan sees a name past its header. */
static void
file_cb(const char *owner, const char *path, size_t len, void *arg)
{
	size_t	*sum = arg, i;

	*sum += strlen(owner);
	for (i = 0; i < len; i++)
		*sum += (unsigned char)path[i];
}

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct inventory	*inv;
	size_t			 sum = 0;
	unsigned char		*image = NULL;
	sqlite3_int64		 dblen;
	char			*cause = NULL, *copy, *wal;
	unsigned char		*w;
	size_t			 mode, wlen;
	int			 rc;

	if (size == 0)
		return 0;
	mode = data[0] % NELEM(paths);
	wal = NULL;
	wlen = 0;
	if (mode >= 3) {
		image = wrap_header(mode == 3 ? data + 1 : (const uint8_t *)"",
		    mode == 3 ? size - 1 : 0, &dblen);
		/* The analyzers get kept files, which are NUL-terminated. */
		copy = fuzz_cstr(image, (size_t)dblen);
		if (mode == 4)
			wal = fuzz_cstr(data + 1, wlen = size - 1);
		else if (mode == 5) {
			w = make_wal(data + 1, size - 1, (uint32_t)image[16] << 8 |
			    image[17], &wlen);
			wal = fuzz_cstr(w, wlen);
			free(w);
		}
		size = (size_t)dblen;
	} else {
		copy = fuzz_cstr(data + 1, size - 1);
		size--;
	}
	inv = inventory_new();
	rc = pkg_rpmdb_parse_wal(paths[mode], copy, size, wal, wlen, inv, &cause);
	fuzz_check("pkg_rpmdb_parse", rc, &cause);
	/* The same database's file lists, as the OS-ownership rule reads them. */
	rc = pkg_rpmdb_files(paths[mode], copy, size, wal, wlen, file_cb, &sum, &cause);
	fuzz_check("pkg_rpmdb_files", rc, &cause);
	free(wal);
	inventory_sort(inv);
	inventory_free(inv);
	free(copy);
	sqlite3_free(image);
	return 0;
}
