/*
 * Fuzz target: rpm databases (BerkeleyDB hash, NDB, SQLite) and the header
 * blobs in them. Byte 0 picks the file name pkg_rpmdb_parse tells the
 * formats apart by; mode 3 makes the rest one header blob, wrapped in a
 * SQLite rpmdb (table Packages) so the fuzzer works on headers directly.
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
};

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

int
FUZZ_ONE(FUZZ_NAME)(const uint8_t *data, size_t size)
{
	struct inventory	*inv;
	unsigned char		*image = NULL;
	sqlite3_int64		 dblen;
	char			*cause = NULL, *copy;
	size_t			 mode;
	int			 rc;

	if (size == 0)
		return 0;
	mode = data[0] % NELEM(paths);
	if (mode == 3) {
		image = wrap_header(data + 1, size - 1, &dblen);
		/* The analyzers get kept files, which are NUL-terminated. */
		copy = fuzz_cstr(image, (size_t)dblen);
		size = (size_t)dblen;
	} else {
		copy = fuzz_cstr(data + 1, size - 1);
		size--;
	}
	inv = inventory_new();
	rc = pkg_rpmdb_parse(paths[mode], copy, size, inv, &cause);
	fuzz_check("pkg_rpmdb_parse", rc, &cause);
	inventory_sort(inv);
	inventory_free(inv);
	free(copy);
	sqlite3_free(image);
	return 0;
}
