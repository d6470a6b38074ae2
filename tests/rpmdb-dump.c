/*
 * Print what pkg_rpmdb_parse reads from an rpm database file (and its -wal), sorted, one
 * package a line: name, epoch (0 when none), version, release, arch (as rpm
 * -qa's %{EPOCHNUM} and %{ARCH} print them); with -s also the source rpm
 * file name rebuilt from source_name and source_version. With -f, what
 * pkg_rpmdb_files reads instead: one "name<TAB>path" line per file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "pkg.h"
#include "util.h"

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
print_file(const char *owner, const char *path, size_t len, void *arg)
{
	(void)arg;
	printf("%s\t%.*s\n", owner, (int)len, path);
}

int
main(int argc, char **argv)
{
	struct inventory	*inv;
	const struct package	*p;
	char			*data = NULL, *cause = NULL, **lines, *wal, *walpath;
	const char		*colon, *hyphen, *vr, *sv, *file;
	char			*src;
	size_t			 len, i, wlen;
	int			 with_source, files;

	with_source = argc == 3 && strcmp(argv[1], "-s") == 0;
	files = argc == 3 && strcmp(argv[1], "-f") == 0;
	if (argc != 2 + (with_source || files)) {
		fprintf(stderr, "usage: rpmdb-dump [-s | -f] FILE\n");
		return 2;
	}
	file = argv[1 + (with_source || files)];
	inv = inventory_new();
	/* FILE-wal beside it, as SQLite reads it. */
	walpath = xasprintf("%s-wal", file);
	if (file_read(walpath, 512 << 20, &wal, &wlen, &cause) != 0) {
		free(cause);
		cause = NULL;
		wal = NULL;
		wlen = 0;
	}
	if (file_read(file, 512 << 20, &data, &len, &cause) != 0 ||
	    (files ? pkg_rpmdb_files(file, data, len, wal, wlen, print_file, NULL,
	    &cause) : pkg_rpmdb_parse_wal(file, data, len, wal, wlen, inv,
	    &cause)) != 0) {
		log_error("%s", cause);
		files = -1;
	}
	free(cause);
	free(wal);
	free(walpath);
	if (files != 0) {
		free(data);
		inventory_free(inv);
		return files < 0 ? 1 : 0;
	}
	lines = xcalloc(inv->npkgs + 1, sizeof *lines);
	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		/* version is "[E:]V-R": split it back as rpm -qa prints it */
		colon = strchr(p->version, ':');
		vr = colon != NULL ? colon + 1 : p->version;
		hyphen = strrchr(vr, '-');
		sv = strchr(p->source_version, ':');
		sv = sv != NULL ? sv + 1 : p->source_version;
		src = with_source ? xasprintf("\t%s-%s.src.rpm",
		    p->source_name, sv) : xstrdup("");
		lines[i] = xasprintf("%s\t%.*s\t%.*s\t%s\t%s%s", p->name,
		    colon != NULL ? (int)(colon - p->version) : 1,
		    colon != NULL ? p->version : "0",
		    hyphen != NULL ? (int)(hyphen - vr) : (int)strlen(vr), vr,
		    hyphen != NULL ? hyphen + 1 : "",
		    p->arch != NULL ? p->arch : "(none)", src);
		free(src);
	}
	qsort(lines, inv->npkgs, sizeof *lines, line_cmp);
	for (i = 0; i < inv->npkgs; i++) {
		puts(lines[i]);
		free(lines[i]);
	}
	free(lines);
	inventory_free(inv);
	free(data);
	return 0;
}
