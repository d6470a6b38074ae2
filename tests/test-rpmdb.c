/* rpm database reader: every fixtures/rpmdb database against its list; bad input. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "model.h"
#include "pkg.h"
#include "util.h"

struct list {
	char	**v;
	size_t	  n;
};

static void
list_add(struct list *l, char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = s;
}

static void
list_free(struct list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
exists(const char *dir, const char *name)
{
	struct stat	 sb;
	char		*p;
	int		 r;

	p = xasprintf("%s/%s", dir, name);
	r = stat(p, &sb) == 0;
	free(p);
	return r;
}

/* One expected package as a line; with_srpm adds the source rpm file name. */
static char *
expect_line(const char *epoch, const char *name, const char *ver,
    const char *rel, const char *arch, const char *srpm)
{
	return xasprintf("%s %s%s%s-%s %s%s%s", name, epoch, *epoch != '\0' ?
	    ":" : "", ver, rel, *arch != '\0' ? arch : "-",
	    srpm != NULL ? " " : "", srpm != NULL ? srpm : "");
}

/*
 * The expected list of a fixture folder: expected_packages*.tsv (columns
 * named in its header), else rpm -qa's "¶"-separated *.psv, else *.txt of
 * name-version-release.arch lines. Returns the number of gpg-pubkey rows
 * left out (rpm -qa lists keys; they are no packages), -1 when none found.
 */
static int
expected_load(const char *dir, struct list *out, int *with_srpm,
    char **which)
{
	DIR		*d;
	struct dirent	*de;
	char		*tsv = NULL, *psv = NULL, *txt = NULL, *path, *data = NULL;
	char		*cause = NULL, *line, *save, *f[16], *p;
	size_t		 len;
	int		 keys = 0, nf, i, col[6], k;
	static const char *names[] = { "epoch", "name", "version", "release",
	    "arch", "sourcerpm" };

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (str_starts(de->d_name, "expected_packages") &&
		    str_ends(de->d_name, ".tsv") && tsv == NULL)
			tsv = xstrdup(de->d_name);
		else if (str_ends(de->d_name, ".psv") && psv == NULL)
			psv = xstrdup(de->d_name);
		else if (str_ends(de->d_name, ".txt") && txt == NULL)
			txt = xstrdup(de->d_name);
	}
	closedir(d);
	*which = xstrdup(tsv != NULL ? tsv : psv != NULL ? psv : txt != NULL ?
	    txt : "");
	*with_srpm = tsv != NULL || psv != NULL;
	path = xasprintf("%s/%s", dir, *which);
	if (**which == '\0' || file_read(path, 16 << 20, &data, &len, &cause) != 0) {
		keys = -1;
		goto out;
	}
	for (k = 0; k < 6; k++)
		col[k] = k;	/* the .psv order */
	for (line = strtok_r(data, "\n", &save), i = 0; line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++) {
		if (txt != NULL && tsv == NULL && psv == NULL) {
			/* name-version-release.arch: no epoch, no source */
			list_add(out, xstrdup(line));
			continue;
		}
		/* split on tabs or on "¶" (UTF-8 C2 B6), keeping empty fields */
		nf = 0;
		f[nf++] = line;
		for (p = line; *p != '\0' && nf < 16; p++) {
			if (tsv != NULL && *p == '\t') {
				*p = '\0';
				f[nf++] = p + 1;
			} else if (tsv == NULL && (unsigned char)p[0] == 0xc2 &&
			    (unsigned char)p[1] == 0xb6) {
				p[0] = '\0';
				f[nf++] = p + 2;
				p++;
			}
		}
		if (tsv != NULL && i == 0) {
			for (k = 0; k < 6; k++) {
				col[k] = -1;
				for (int j = 0; j < nf; j++)
					if (strcmp(f[j], names[k]) == 0)
						col[k] = j;
				if (col[k] < 0) {
					keys = -1;
					goto out;
				}
			}
			continue;
		}
		if (nf < 6)
			continue;
		if (strcmp(f[col[1]], "gpg-pubkey") == 0) {
			keys++;
			continue;
		}
		list_add(out, expect_line(f[col[0]], f[col[1]], f[col[2]],
		    f[col[3]], f[col[4]], f[col[5]]));
	}
out:
	free(path);
	free(data);
	free(cause);
	free(tsv);
	free(psv);
	free(txt);
	return keys;
}

/* What the reader found, in the same line shapes. */
static void
actual_lines(const struct inventory *inv, int with_srpm, int nvra,
    struct list *out, int *keys_seen)
{
	const struct package	*p;
	const char		*sv, *colon;
	size_t			 i;
	char			*srpm;

	*keys_seen = 0;
	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		if (strcmp(p->name, "gpg-pubkey") == 0)
			(*keys_seen)++;
		if (nvra) {
			colon = strchr(p->version, ':');
			list_add(out, xasprintf("%s-%s.%s", p->name,
			    colon != NULL ? colon + 1 : p->version,
			    p->arch != NULL ? p->arch : "(none)"));
			continue;
		}
		/* the source rpm file name, rebuilt from source_name and source_version */
		sv = p->source_version;
		if ((colon = strchr(sv, ':')) != NULL)
			sv = colon + 1;
		srpm = xasprintf("%s-%s.src.rpm", p->source_name, sv);
		list_add(out, xasprintf("%s %s %s%s%s", p->name, p->version,
		    p->arch != NULL ? p->arch : "-", with_srpm ? " " : "",
		    with_srpm ? srpm : ""));
		free(srpm);
	}
}

static const char *db_names[] = { "rpmdb.sqlite", "Packages.db", "Packages" };

static void
check_fixture(const char *root, const char *name, struct list *dbs)
{
	struct list	 want = { NULL, 0 }, got = { NULL, 0 };
	struct inventory *inv = NULL;
	char		*dir, *path = NULL, *data = NULL, *cause = NULL, *which = NULL;
	size_t		 len, i, j, shown = 0;
	int		 keys, with_srpm, keys_seen, nvra, same;

	dir = xasprintf("%s/%s", root, name);
	for (i = 0; i < NELEM(db_names); i++) {
		if (exists(dir, db_names[i])) {
			path = xasprintf("%s/%s", dir, db_names[i]);
			break;
		}
	}
	if (path == NULL) {
		/* The fixtures' README: a -list-only folder keeps rpm -qa's list alone. */
		size_t	nl = strlen(name), sl = strlen("-list-only");

		if (nl > sl && strcmp(name + nl - sl, "-list-only") == 0)
			tap_skip("rpmdb/%s: rpm -qa's list only, no database", name);
		else
			tap_ok(0, "rpmdb/%s: no rpm database in it", name);
		goto out;
	}
	list_add(dbs, xstrdup(path));
	keys = expected_load(dir, &want, &with_srpm, &which);
	if (keys < 0) {
		tap_ok(0, "rpmdb/%s: no expected list", name);
		goto out;
	}
	nvra = !with_srpm;
	inv = inventory_new();
	if (file_read(path, 64 << 20, &data, &len, &cause) != 0 ||
	    pkg_rpmdb_parse(path, data, len, inv, &cause) != 0) {
		tap_ok(0, "rpmdb/%s: %s", name, cause);
		goto out;
	}
	actual_lines(inv, with_srpm, nvra, &got, &keys_seen);
	qsort(want.v, want.n, sizeof *want.v, str_cmp);
	qsort(got.v, got.n, sizeof *got.v, str_cmp);
	same = want.n == got.n && want.n > 0;
	for (i = j = 0; i < want.n || j < got.n;) {
		int c = i == want.n ? 1 : j == got.n ? -1 :
		    strcmp(want.v[i], got.v[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		same = 0;
		if (shown++ < 8)
			tap_diag("%s %s", c < 0 ? "missing:" : "extra:  ",
			    c < 0 ? want.v[i] : got.v[j]);
		if (c < 0)
			i++;
		else
			j++;
	}
	tap_ok(same && keys_seen == 0, "rpmdb/%s: %zu packages as %s lists "
	    "them (%s%s; %d gpg-pubkey key%s left out)", name, got.n, which,
	    nvra ? "name-version-release.arch" : "name, epoch, version, "
	    "release, arch", nvra ? "" : ", source rpm", keys,
	    keys == 1 ? "" : "s");
out:
	list_free(&want);
	list_free(&got);
	inventory_free(inv);
	free(which);
	free(data);
	free(cause);
	free(path);
	free(dir);
}

/* --- malformed input --- */

static uint32_t rng = 12345;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* 0, or an error naming the file: anything else (or a crash) fails. */
static int
parse_ok_or_named(const char *path, const char *data, size_t len,
    int *errors)
{
	struct inventory	*inv = inventory_new();
	char			*cause = NULL;
	int			 r, good;

	r = pkg_rpmdb_parse(path, data, len, inv, &cause);
	good = r == 0 || (r < 0 && cause != NULL && str_starts(cause, path) &&
	    strchr(cause, '\n') == NULL);
	if (r != 0)
		(*errors)++;
	if (!good)
		tap_diag("%s (%zu bytes): r=%d cause=%s", path, len, r,
		    cause != NULL ? cause : "(none)");
	inventory_free(inv);
	free(cause);
	return good;
}

static void
check_corruption(const char *path)
{
	char	*data = NULL, *copy, *cause = NULL;
	size_t	 len, i, k, cuts[] = { 0, 1, 16, 100, 511, 4096, 0, 0, 0 };
	int	 good = 1, errors = 0, rounds;

	if (file_read(path, 64 << 20, &data, &len, &cause) != 0) {
		tap_ok(0, "%s: %s", path, cause);
		free(cause);
		return;
	}
	copy = xmalloc(len);
	cuts[6] = len / 2;
	cuts[7] = len - 1;
	cuts[8] = len - 4096;
	for (i = 0; i < NELEM(cuts); i++) {
		if (cuts[i] <= len)
			good &= parse_ok_or_named(path, data, cuts[i], &errors);
	}
	/*
	 * SQLite itself is fuzzed and slow to reopen: fewer rounds. Half the
	 * flips land in the first 16 KiB, where the metadata, slots and
	 * first pages live.
	 */
	rounds = memcmp(data, "SQLite", 6) == 0 ? 20 : 400;
	for (i = 0; i < (size_t)rounds; i++) {
		memcpy(copy, data, len);
		for (k = 0; k < 1 + rnd() % 8; k++)
			copy[rnd() % (rnd() % 2 && len > 16384 ? 16384 : len)] = rnd();
		good &= parse_ok_or_named(path, copy, len, &errors);
	}
	tap_ok(good, "%s: truncated and corrupted copies give packages or an "
	    "error naming the file (%d errors in %zu tries)",
	    strrchr(path, '/') + 1, errors, NELEM(cuts) + rounds);
	free(copy);
	free(data);
}

/* A header blob built by hand: (tag, type, string or int) entries. */
struct hent {
	uint32_t	 tag, type;
	const char	*s;
	uint32_t	 v;
};

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static size_t
header_build(unsigned char *out, const struct hent *e, int n)
{
	unsigned char	*data = out + 8 + 16 * n;
	size_t		 dl = 0;
	int		 i;

	for (i = 0; i < n; i++) {
		put32(out + 8 + 16 * i, e[i].tag);
		put32(out + 8 + 16 * i + 4, e[i].type);
		put32(out + 8 + 16 * i + 12, 1);
		if (e[i].type == 4) {
			while (dl % 4 != 0)
				data[dl++] = 0;
			put32(out + 8 + 16 * i + 8, dl);
			put32(data + dl, e[i].v);
			dl += 4;
		} else {
			put32(out + 8 + 16 * i + 8, dl);
			memcpy(data + dl, e[i].s, strlen(e[i].s) + 1);
			dl += strlen(e[i].s) + 1;
		}
	}
	put32(out, n);
	put32(out + 4, dl);
	return 8 + 16 * n + dl;
}

/* An NDB file holding one blob (little-endian, as rpmpkg.c writes it). */
static size_t
ndb_build(unsigned char *out, const unsigned char *blob, size_t bloblen)
{
	size_t	blocks = (16 + bloblen + 12 + 15) / 16;

	memset(out, 0, 4096 + blocks * 16);
	memcpy(out, "RpmP", 4);
	out[12] = 1;			/* one slot page */
	for (size_t pos = 32; pos < 4096; pos += 16)
		memcpy(out + pos, "Slot", 4);
	out[36] = 1;			/* pkgidx 1 */
	out[40] = 0; out[41] = 1;	/* block 256: offset 4096 */
	out[44] = blocks & 0xff;
	out[45] = blocks >> 8;
	memcpy(out + 4096, "BlbS", 4);
	out[4100] = 1;
	out[4108] = bloblen & 0xff;
	out[4109] = bloblen >> 8;
	memcpy(out + 4112, blob, bloblen);
	memcpy(out + 4096 + blocks * 16 - 4, "BlbE", 4);
	return 4096 + blocks * 16;
}

static void
check_handmade(void)
{
	static unsigned char	 blob[2048], file[8192];
	struct inventory	*inv;
	char			*cause = NULL;
	size_t			 bl, fl;
	int			 r, bad = 0;
	const struct hent	 good[] = {
		{ 1000, 6, "zlib-ng", 0 }, { 1001, 6, "2.1.6", 0 },
		{ 1002, 6, "1.el9", 0 }, { 1003, 4, NULL, 3 },
		{ 1022, 6, "x86_64", 0 },
		{ 1044, 6, "zlib-ng-compat-2.1.6-1.el9.src.rpm", 0 },
	};

	bl = header_build(blob, good, NELEM(good));
	fl = ndb_build(file, blob, bl);
	inv = inventory_new();
	r = pkg_rpmdb_parse("var/lib/rpm/Packages.db", (char *)file, fl, inv,
	    &cause);
	tap_ok(r == 0 && inv->npkgs == 1 &&
	    strcmp(inv->pkgs[0].name, "zlib-ng") == 0 &&
	    strcmp(inv->pkgs[0].version, "3:2.1.6-1.el9") == 0 &&
	    strcmp(inv->pkgs[0].source_name, "zlib-ng-compat") == 0 &&
	    strcmp(inv->pkgs[0].source_version, "3:2.1.6-1.el9") == 0 &&
	    strcmp(inv->pkgs[0].arch, "x86_64") == 0 &&
	    inv->pkgs[0].ecosystem == ECO_RPM,
	    "a hand-built NDB header: epoch, version, source rpm split");
	inventory_free(inv);
	free(cause);
	cause = NULL;

	/* Each corruption must be an HS_EINVAL naming the file. */
	struct {
		const char	*what;
		size_t		 at;	/* byte of the blob to set */
		uint32_t	 value;	/* big-endian 32-bit value */
	} cases[] = {
		{ "index count 0x10000", 0, 0x10000 },
		{ "data length past the blob", 4, 0x100000 },
		{ "NAME offset past the data", 8 + 8, 0x7fffffff },
		{ "EPOCH offset at the data end", 8 + 16 * 3 + 8, 0 },
		{ "NAME with an int32 type", 8 + 4, 4 },
		{ "no NAME tag", 8, 999 },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		unsigned char	copy[2048];
		uint32_t	dl = (uint32_t)(bl - 8 - 16 * NELEM(good));

		memcpy(copy, blob, bl);
		if (cases[i].at == 8 + 16 * 3 + 8)
			put32(copy + cases[i].at, dl - 2);
		else
			put32(copy + cases[i].at, cases[i].value);
		fl = ndb_build(file, copy, bl);
		inv = inventory_new();
		r = pkg_rpmdb_parse("var/lib/rpm/Packages.db", (char *)file, fl,
		    inv, &cause);
		if (r != HS_EINVAL || cause == NULL ||
		    !str_starts(cause, "var/lib/rpm/Packages.db: ")) {
			tap_diag("%s: r=%d cause=%s", cases[i].what, r,
			    cause != NULL ? cause : "(none)");
			bad++;
		}
		inventory_free(inv);
		free(cause);
		cause = NULL;
	}
	/* A string without its NUL: the last one runs to the data end. */
	{
		unsigned char	copy[2048];

		memcpy(copy, blob, bl);
		copy[bl - 1] = 'x';
		fl = ndb_build(file, copy, bl);
	}
	inv = inventory_new();
	r = pkg_rpmdb_parse("var/lib/rpm/Packages.db", (char *)file, fl, inv,
	    &cause);
	if (r != HS_EINVAL) {
		tap_diag("unterminated string: r=%d", r);
		bad++;
	}
	inventory_free(inv);
	free(cause);
	cause = NULL;

	inv = inventory_new();
	r = pkg_rpmdb_parse("var/lib/rpm/Packages", "hello, world", 12, inv,
	    &cause);
	if (r != HS_EINVAL || cause == NULL ||
	    strcmp(cause, "var/lib/rpm/Packages: not an rpm database (SQLite, "
	    "BerkeleyDB hash or NDB)") != 0) {
		tap_diag("not a database: r=%d cause=%s", r,
		    cause != NULL ? cause : "(none)");
		bad++;
	}
	inventory_free(inv);
	free(cause);
	tap_ok(bad == 0, "malformed headers and files: HS_EINVAL naming the file");
}

int
main(void)
{
	const char	*fix;
	char		*root, **names = NULL;
	struct list	 dbs = { NULL, 0 };
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, i;

	(void)tap_skip;
	check_handmade();
	if ((fix = tap_fixtures()) == NULL)
		tap_no_fixtures();
	root = xasprintf("%s/rpmdb", fix);
	if ((d = opendir(root)) == NULL) {
		tap_ok(0, "%s: cannot open", root);
		free(root);
		return tap_done();
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.') {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, str_cmp);
	tap_ok(n >= 6, "fixtures/rpmdb holds %zu databases", n);
	for (i = 0; i < n; i++) {
		check_fixture(root, names[i], &dbs);
		free(names[i]);
	}
	for (i = 0; i < dbs.n; i++)
		check_corruption(dbs.v[i]);
	list_free(&dbs);
	free(names);
	free(root);
	return tap_done();
}
