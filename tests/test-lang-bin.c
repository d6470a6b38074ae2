/*
 * Language packages in big files, through the layer reader, the merged view
 * and the analyzers, against the fixtures' own answers: lang/java's
 * expected.tsv (every pom.properties, nested ones included), lang/go's
 * `go version -m` output and lang/rust's list of the .dep-v0 crates. Layers
 * are built here with libarchive's writer from the fixture files, at the
 * paths real images use; nested archives (3 and 1,000 deep) likewise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "cache.h"
#include "layer.h"
#include "model.h"
#include "pkg.h"
#include "rootfs.h"
#include "stream.h"
#include "summary.h"
#include "tap.h"
#include "util.h"

static const char *fx;

struct ent {
	const char	*path;
	const char	*data;
	size_t		 len;
	int		 mode;
	const char	*hardlink;	/* a hard link to this path instead */
};

static la_ssize_t
write_buf(struct archive *a, void *arg, const void *p, size_t n)
{
	buf_add(arg, p, n);
	return n;
}

/* A gzip tar layer of the entries. */
static char *
mktar(const struct ent *e, size_t n, size_t *len)
{
	struct archive		*a;
	struct archive_entry	*ae;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open(a, &b, NULL, write_buf, NULL);
	for (i = 0; i < n; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, e[i].mode != 0 ? e[i].mode : 0644);
		if (e[i].hardlink != NULL) {
			archive_entry_set_hardlink(ae, e[i].hardlink);
			archive_entry_set_size(ae, 0);
			archive_write_header(a, ae);
			archive_entry_free(ae);
			continue;
		}
		archive_entry_set_size(ae, e[i].len);
		archive_write_header(a, ae);
		archive_write_data(a, e[i].data, e[i].len);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = b.len;
	return buf_steal(&b);
}

/* A zip (a jar) of name/data pairs, entries stored or deflated. */
static char *
mkzip(const char **names, const char **datas, const size_t *lens, size_t n,
    int deflate, size_t *len)
{
	struct archive		*a;
	struct archive_entry	*ae;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	a = archive_write_new();
	archive_write_set_format_zip(a);
	archive_write_set_option(a, "zip", "compression", deflate ? "deflate" : "store");
	archive_write_set_bytes_in_last_block(a, 1);
	archive_write_open(a, &b, NULL, write_buf, NULL);
	for (i = 0; i < n; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, names[i]);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, lens[i]);
		archive_write_header(a, ae);
		archive_write_data(a, datas[i], lens[i]);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	*len = b.len;
	return buf_steal(&b);
}

static char *
slurp(const char *rel, size_t *len)
{
	char	*path, *data = NULL, *cause = NULL;

	path = xasprintf("%s/%s", fx, rel);
	if (file_read(path, (size_t)64 << 20, &data, len, &cause) != 0) {
		tap_diag("%s", cause);
		exit(1);
	}
	free(path);
	free(cause);
	return data;
}

static size_t max_file;	/* 0: the default limit */

static struct layer_files *
read_layer(const char *tar, size_t len)
{
	struct layer_limits	 lim;
	struct layer_files	*lf = NULL;
	struct stream		*in;
	char			*cause = NULL;

	layer_limits_default(&lim);
	lim.summariser = &summary_summariser;
	if (max_file != 0)
		lim.max_file = max_file;
	in = stream_open_mem(tar, len);
	if (layer_read(in, &lim, pkg_wanted, NULL, NULL, &lf, &cause) != 0)
		tap_diag("layer_read: %s", cause);
	stream_close(in);
	free(cause);
	return lf;
}

static struct inventory *
analyze(struct layer_files **lfs, size_t n)
{
	struct rootfs		*r = rootfs_new();
	struct inventory	*inv = NULL;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < n; i++)
		rootfs_apply(r, lfs[i]);
	if (pkg_analyze(r, &inv, &cause) != 0)
		tap_diag("pkg_analyze: %s", cause);
	free(cause);
	rootfs_free(r);
	return inv;
}

/* Lines "eco|name|version|location|purl|layer|origin", sorted, of one ecosystem. */
static char *
listing(const struct inventory *inv, enum ecosystem eco)
{
	char		**v = NULL;
	struct buf	  b;
	size_t		  i, n = 0;
	const struct package *p;

	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		if (p->ecosystem != eco)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xasprintf("%s|%s|%s|%s|%s|%s", p->name, p->version,
		    p->location != NULL ? p->location : "-", p->purl != NULL ?
		    p->purl : "-", p->layer != NULL ? p->layer : "-",
		    p->origin != NULL ? p->origin : "-");
	}
	qsort(v, n, sizeof *v, str_cmp_ptr);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	buf_add(&b, "", 0);
	return buf_steal(&b);
}

static char *
sorted_lines(char **v, size_t n)
{
	struct buf	b;
	size_t		i;

	qsort(v, n, sizeof *v, str_cmp_ptr);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	buf_add(&b, "", 0);
	return buf_steal(&b);
}

static void
same(const char *what, const char *got, const char *want)
{
	tap_ok(strcmp(got, want) == 0, "%s", what);
	if (strcmp(got, want) != 0)
		tap_diag("got:\n%swant:\n%s", got, want);
}

/* Split a TSV line in place; returns the field count. */
static size_t
tsv(char *line, char **f, size_t max)
{
	size_t	n = 0;

	while (n < max) {
		f[n++] = line;
		if ((line = strchr(line, '\t')) == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

/*
 * The fixtures at realistic paths in two layers: the second deletes the
 * standalone log4j-api and adds a copy of snakeyaml elsewhere.
 */
static void
test_fixtures(void)
{
	static const char	*jars[] = { "snakeyaml-1.33.jar", "log4j-api-2.19.0.jar",
	    "log4j-core-2.19.0.jar", "jackson-databind-2.14.0.jar" };
	struct ent		 e[8], e2[2];
	struct layer_files	*lf[2], *got = NULL;
	struct layer_cache	*cache = NULL;
	struct inventory	*inv, *inv2;
	struct strview		 in, line;
	char			*data[8], *tar, *exp, *f[8], *l, **v = NULL, *gotl, *cause = NULL;
	char			*cdir, *g, *a, *slash, *ns;
	size_t			 len[8], i, n = 0, tlen;

	memset(e, 0, sizeof e);
	memset(e2, 0, sizeof e2);
	for (i = 0; i < NELEM(jars); i++) {
		l = xasprintf("lang/java/%s", jars[i]);
		data[i] = slurp(l, &len[i]);
		free(l);
		e[i].path = xasprintf("usr/share/java/%s", jars[i]);
	}
	data[4] = slurp("lang/java/app-fat.jar", &len[4]);
	e[4].path = xstrdup("opt/app/app-fat.jar");
	data[5] = slurp("lang/java/app.war", &len[5]);
	e[5].path = xstrdup("opt/app/app.war");
	data[6] = slurp("lang/go/esbuild-0.17.19/esbuild", &len[6]);
	e[6].path = xstrdup("usr/local/bin/esbuild");
	data[7] = slurp("lang/rust/uses_serde_json", &len[7]);
	e[7].path = xstrdup("usr/local/bin/uses_serde_json");
	for (i = 0; i < 8; i++) {
		e[i].data = data[i];
		e[i].len = len[i];
		e[i].mode = i >= 6 ? 0755 : 0644;
	}
	tar = mktar(e, 8, &tlen);
	lf[0] = read_layer(tar, tlen);
	free(tar);
	e2[0].path = "usr/share/java/.wh.log4j-api-2.19.0.jar";
	e2[0].data = "";
	e2[0].len = 0;
	e2[0].mode = 0644;
	e2[1] = e[0];
	e2[1].path = "srv/snake.jar";
	tar = mktar(e2, 2, &tlen);
	lf[1] = read_layer(tar, tlen);
	free(tar);
	if (lf[0] == NULL || lf[1] == NULL) {
		tap_ok(0, "fixture layers read");
		return;
	}
	for (i = 0, n = 0; i < lf[0]->nfiles; i++) {
		if (lf[0]->files[i].type == KEPT_SUMMARY && lf[0]->files[i].len < 8192)
			n++;
	}
	tap_ok(n == 8, "the 8 big files are kept as summaries of under 8 KiB each (%zu)", n);
	inv = analyze(lf, 2);

	/* Maven: expected.tsv, less the deleted jar, plus the copy. */
	v = NULL;
	n = 0;
	exp = slurp("lang/java/expected.tsv", &tlen);
	in.ptr = exp;
	in.len = tlen;
	while (sv_getline(&in, &line)) {
		l = sv_dup(line);
		if (*l == '#' || tsv(l, f, 8) < 7 ||
		    strcmp(f[0], "log4j-api-2.19.0.jar") == 0) {
			free(l);
			continue;
		}
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xasprintf("%s:%s|%s|%s%s%s%s|pkg:maven/%s/%s@%s|%s|-", f[2], f[3],
		    f[4], strcmp(f[1], "-") == 0 ? "usr/share/java/" : "opt/app/",
		    f[0], strcmp(f[1], "-") == 0 ? "" : "!/",
		    strcmp(f[1], "-") == 0 ? "" : f[1], f[2], f[3], f[4], lf[0]->diff_id);
		if (strcmp(f[0], "snakeyaml-1.33.jar") == 0)
			v[n++] = xasprintf("%s:%s|%s|srv/snake.jar|pkg:maven/%s/%s@%s|%s|-",
			    f[2], f[3], f[4], f[2], f[3], f[4], lf[1]->diff_id);
		free(l);
	}
	free(exp);
	gotl = listing(inv, ECO_MAVEN);
	exp = sorted_lines(v, n);
	same("Maven: every pom.properties of expected.tsv, nested ones at file!/path, "
	    "with purl and layer; a whited-out jar gone", gotl, exp);
	free(gotl);
	free(exp);

	/* Go: what `go version -m` printed. */
	v = NULL;
	n = 0;
	exp = slurp("lang/go/esbuild-0.17.19/expected.txt", &tlen);
	in.ptr = exp;
	in.len = tlen;
	while (sv_getline(&in, &line)) {
		l = sv_dup(line);
		v = xreallocarray(v, n + 1, sizeof *v);
		if (n == 0 && (g = strstr(l, ": go")) != NULL)
			v[n++] = xasprintf("stdlib|v%s|usr/local/bin/esbuild|"
			    "pkg:golang/stdlib@v%s|%s|-", g + 4, g + 4, lf[0]->diff_id);
		else if (*l == '\t' && tsv(l + 1, f, 5) >= 3 &&
		    (strcmp(f[0], "mod") == 0 || strcmp(f[0], "dep") == 0)) {
			slash = strrchr(f[1], '/');
			ns = xstrndup(f[1], slash - f[1]);
			a = f[2];
			v[n++] = xasprintf("%s|%s|usr/local/bin/esbuild|pkg:golang/%s/%s%s%s|%s|-",
			    f[1], a, ns, slash + 1, strcmp(a, "(devel)") == 0 ? "" : "@",
			    strcmp(a, "(devel)") == 0 ? "" : a, lf[0]->diff_id);
			free(ns);
		}
		free(l);
	}
	free(exp);
	gotl = listing(inv, ECO_GO);
	exp = sorted_lines(v, n);
	same("Go: stdlib from go1.20.4, the main module and its dep, as go version -m",
	    gotl, exp);
	free(gotl);
	free(exp);

	/* Rust: the 11 crates of .dep-v0; the local root crate says so. */
	v = NULL;
	n = 0;
	exp = slurp("lang/rust/expected.tsv", &tlen);
	in.ptr = exp;
	in.len = tlen;
	while (sv_getline(&in, &line)) {
		l = sv_dup(line);
		if (*l != '#' && tsv(l, f, 8) >= 4) {
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n++] = xasprintf("%s|%s|usr/local/bin/uses_serde_json|"
			    "pkg:cargo/%s@%s|%s|%s", f[1], f[2], f[1], f[2],
			    lf[0]->diff_id, strcmp(f[3], "crates.io") == 0 ? "-" : f[3]);
		}
		free(l);
	}
	free(exp);
	gotl = listing(inv, ECO_CARGO);
	exp = sorted_lines(v, n);
	same("Rust: the 11 crates of expected.tsv with purl, layer and source", gotl, exp);
	free(gotl);
	free(exp);

	/* The layer cache keeps summaries as it keeps files. */
	cdir = xstrdup("/tmp/hullscan-test-lang-XXXXXX");
	if (mkdtemp(cdir) != NULL) {
		l = xasprintf("%s/layers.db", cdir);
		if (cache_open(l, &cache, &cause) == 0 &&
		    cache_put(cache, lf[0], &cause) == 0 &&
		    cache_get(cache, lf[0]->digest, &got, &cause) == 0) {
			layer_files_free(lf[0]);
			lf[0] = got;
			inv2 = analyze(lf, 2);
			tap_ok(inv2->npkgs == inv->npkgs && inv->npkgs > 20,
			    "the same %zu packages from the layer cache", inv->npkgs);
			inventory_free(inv2);
		} else
			tap_ok(0, "layer cache: %s", cause);
		cache_close(cache);
		unlink(l);
		free(l);
		rmdir(cdir);
	} else
		tap_skip("layer cache: no temporary directory");
	free(cdir);
	free(cause);
	inventory_free(inv);
	layer_files_free(lf[0]);
	layer_files_free(lf[1]);
	for (i = 0; i < 8; i++) {
		free(data[i]);
		free((char *)e[i].path);
	}
}

/*
 * Archives in archives: a pom at each of 3 levels, and a jar nested 1,000
 * deep beside a plain one in the same layer.
 */
static void
test_nesting(void)
{
	const char		*names[2], *datas[2];
	size_t			 lens[2], zlen, tlen, i, nwarn = 0;
	char			*z, *inner, *pom, *tar, *want;
	struct ent		 e[2];
	struct layer_files	*lf[1];
	struct inventory	*inv;
	struct summary_rec	 rec;
	struct strview		 rest;
	char			*gotl;
	int			 level;

	memset(e, 0, sizeof e);
	/* c.jar (pom c) in b.jar (pom b) in a.jar (pom a), deflated and stored. */
	inner = NULL;
	zlen = 0;
	for (level = 2; level >= 0; level--) {
		pom = xasprintf("groupId=org.nest\nartifactId=%c\nversion=1.%d\n",
		    'a' + level, level);
		names[0] = level == 2 ? "META-INF/maven/org.nest/c/pom.properties" :
		    level == 1 ? "META-INF/maven/org.nest/b/pom.properties" :
		    "META-INF/maven/org.nest/a/pom.properties";
		datas[0] = pom;
		lens[0] = strlen(pom);
		names[1] = level == 1 ? "lib/c.jar" : "BOOT-INF/lib/b.jar";
		datas[1] = inner;
		lens[1] = zlen;
		z = mkzip(names, datas, lens, inner != NULL ? 2 : 1, level == 1, &zlen);
		free(inner);
		free(pom);
		inner = z;
	}
	e[0].path = "app/a.jar";
	e[0].data = inner;
	e[0].len = zlen;
	e[0].mode = 0644;

	/* 1,000 deep: each level holds the one below as lib/n.jar. */
	names[0] = "META-INF/maven/org.deep/bottom/pom.properties";
	datas[0] = "groupId=org.deep\nartifactId=bottom\nversion=9\n";
	lens[0] = strlen(datas[0]);
	z = mkzip(names, datas, lens, 1, 0, &tlen);
	for (i = 0; i < 1000; i++) {
		names[0] = "lib/n.jar";
		datas[0] = z;
		lens[0] = tlen;
		want = mkzip(names, datas, lens, 1, 0, &tlen);
		free(z);
		z = want;
	}
	e[1].path = "app/deep.jar";
	e[1].data = z;
	e[1].len = tlen;
	e[1].mode = 0644;
	tar = mktar(e, 2, &tlen);
	lf[0] = read_layer(tar, tlen);
	free(tar);
	free(inner);
	free(z);
	if (lf[0] == NULL) {
		tap_ok(0, "nested layer read");
		return;
	}
	inv = analyze(lf, 1);
	gotl = listing(inv, ECO_MAVEN);
	want = xasprintf(
	    "org.nest:a|1.0|app/a.jar|pkg:maven/org.nest/a@1.0|%s|-\n"
	    "org.nest:b|1.1|app/a.jar!/BOOT-INF/lib/b.jar|pkg:maven/org.nest/b@1.1|%s|-\n"
	    "org.nest:c|1.2|app/a.jar!/BOOT-INF/lib/b.jar!/lib/c.jar|pkg:maven/org.nest/c@1.2|%s|-\n",
	    lf[0]->diff_id, lf[0]->diff_id, lf[0]->diff_id);
	same("3 levels: each pom at file!/nested!/path; 1,000 deep gives nothing past the limit",
	    gotl, want);
	free(want);
	free(gotl);
	for (i = 0; i < lf[0]->nfiles; i++) {
		if (strcmp(lf[0]->files[i].path, "app/deep.jar") != 0 ||
		    summary_open(lf[0]->files[i].data, lf[0]->files[i].len, "jar",
		    &rest) != 0)
			continue;
		while (summary_next(&rest, &rec) > 0) {
			if (strcmp(rec.tag, "warn") == 0 && rec.part[0].len > 0 &&
			    memmem(rec.part[0].ptr, rec.part[0].len, "nested more than 8 deep",
			    strlen("nested more than 8 deep")) != NULL)
				nwarn++;
		}
	}
	tap_ok(nwarn == 1, "1,000 deep: one warning, archives nested more than 8 deep are not read");
	inventory_free(inv);
	layer_files_free(lf[0]);
}

/* A jar over the file limit is not read: its summary says so, nothing else is lost. */
static void
test_limit(void)
{
	struct ent		 e[2];
	struct layer_files	*lf[1];
	struct inventory	*inv;
	char			*tar, *sum = NULL;
	size_t			 len[2], tlen, i;

	memset(e, 0, sizeof e);
	e[0].data = slurp("lang/java/snakeyaml-1.33.jar", &len[0]);
	e[0].path = "usr/share/java/snakeyaml.jar";
	e[0].len = len[0];
	e[0].mode = 0644;
	e[1].data = slurp("lang/java/log4j-api-2.19.0.jar", &len[1]);
	e[1].path = "usr/share/java/log4j-api.jar";
	e[1].len = len[1];
	e[1].mode = 0644;
	tar = mktar(e, 2, &tlen);
	max_file = 320000;	/* log4j-api is 312,016 bytes, snakeyaml 332,884 */
	lf[0] = read_layer(tar, tlen);
	max_file = 0;
	free(tar);
	if (lf[0] == NULL) {
		tap_ok(0, "layer with a jar over the limit read");
		return;
	}
	for (i = 0; i < lf[0]->nfiles; i++) {
		if (strcmp(lf[0]->files[i].path, "usr/share/java/snakeyaml.jar") == 0)
			sum = lf[0]->files[i].data;
	}
	tap_ok(sum != NULL && strstr(sum, "332884 bytes, larger than the limit of "
	    "320000 bytes: not read") != NULL, "a jar over the limit: a warning in its summary");
	inv = analyze(lf, 1);
	tap_ok(inv->npkgs == 1 && strcmp(inv->pkgs[0].name,
	    "org.apache.logging.log4j:log4j-api") == 0, "the jar under the limit still read");
	inventory_free(inv);
	layer_files_free(lf[0]);
	free((char *)e[0].data);
	free((char *)e[1].data);
}

/* Past 64 MiB of summaries in one layer, the next files are not read, and say so. */
static void
test_layer_budget(void)
{
	const char		*names[64], *datas[64];
	size_t			 lens[64], zlen, tlen, i, nskipped = 0, nkept = 0;
	struct ent		 e[21];
	struct layer_files	*lf[1];
	char			*z, *pom, *tar, *n[64], *yaml;

	/* 64 pom.properties of 64 KiB each: a 4 MiB summary from a small jar. */
	pom = xmalloc(65536);
	memset(pom, 'x', 65536);
	memcpy(pom, "groupId=g\nartifactId=a\nversion=1\nfill=", 39);
	for (i = 0; i < 64; i++) {
		n[i] = xasprintf("META-INF/maven/g/a%zu/pom.properties", i);
		names[i] = n[i];
		datas[i] = pom;
		lens[i] = 65536;
	}
	z = mkzip(names, datas, lens, 64, 1, &zlen);
	memset(e, 0, sizeof e);
	for (i = 0; i < 20; i++) {
		e[i].path = xasprintf("srv/big%02zu.jar", i);
		e[i].data = z;
		e[i].len = zlen;
	}
	yaml = slurp("lang/java/snakeyaml-1.33.jar", &e[20].len);
	e[20].data = yaml;
	e[20].path = xstrdup("srv/z-snakeyaml.jar");
	tar = mktar(e, 21, &tlen);
	lf[0] = read_layer(tar, tlen);
	free(tar);
	for (i = 0; lf[0] != NULL && i < lf[0]->nfiles; i++) {
		if (lf[0]->files[i].type != KEPT_SUMMARY)
			continue;
		if (strstr(lf[0]->files[i].data, "not read: the layer's summaries "
		    "pass the limit of 64 MiB") != NULL)
			nskipped++;
		else
			nkept++;
	}
	tap_ok(nkept >= 16 && nskipped >= 1 && nkept + nskipped == 21,
	    "past 64 MiB of summaries in a layer, files are not read and say so "
	    "(%zu kept, %zu not read)", nkept, nskipped);
	layer_files_free(lf[0]);
	for (i = 0; i < 64; i++)
		free(n[i]);
	for (i = 0; i < 21; i++)
		free((char *)e[i].path);
	free(z);
	free(pom);
	free(yaml);
}

/* A hard link to a jar names the same packages at its own path. */
static void
test_hardlink(void)
{
	struct ent		 e[3];
	struct layer_files	*lf[1];
	struct inventory	*inv;
	char			*tar, *gotl, *want, *script;
	size_t			 len, tlen;

	memset(e, 0, sizeof e);
	e[0].data = slurp("lang/java/snakeyaml-1.33.jar", &len);
	e[0].path = "usr/share/java/snakeyaml-1.33.jar";
	e[0].len = len;
	e[1].path = "opt/app/lib/snakeyaml.jar";
	e[1].hardlink = "usr/share/java/snakeyaml-1.33.jar";
	/* And behind a launch script longer than a tar block. */
	script = xmalloc(300000 + len);
	memset(script, '#', 300000);
	memcpy(script + 300000, e[0].data, len);
	e[2].path = "srv/run.jar";
	e[2].data = script;
	e[2].len = 300000 + len;
	tar = mktar(e, 3, &tlen);
	lf[0] = read_layer(tar, tlen);
	free(tar);
	if (lf[0] == NULL) {
		tap_ok(0, "layer with a hard link read");
		free((char *)e[0].data);
		free(script);
		return;
	}
	inv = analyze(lf, 1);
	gotl = listing(inv, ECO_MAVEN);
	want = xasprintf("org.yaml:snakeyaml|1.33|opt/app/lib/snakeyaml.jar|pkg:maven/org.yaml/snakeyaml@1.33|%s|-\n"
	    "org.yaml:snakeyaml|1.33|srv/run.jar|pkg:maven/org.yaml/snakeyaml@1.33|%s|-\n"
	    "org.yaml:snakeyaml|1.33|usr/share/java/snakeyaml-1.33.jar|pkg:maven/org.yaml/snakeyaml@1.33|%s|-\n",
	    lf[0]->diff_id, lf[0]->diff_id, lf[0]->diff_id);
	same("a hard link to a jar: the same package at both paths; a jar behind "
	    "a 300,000-byte launch script", gotl, want);
	free(gotl);
	free(want);
	inventory_free(inv);
	layer_files_free(lf[0]);
	free((char *)e[0].data);
	free(script);
}

/* Guesses without pom.properties: manifest first, then the file name. */
static void
test_guess(void)
{
	static const struct {
		const char	*file, *mf, *name, *version;
	} t[] = {
		{ "lib/foo-bar-1.2.3.jar", NULL, "foo-bar", "1.2.3" },
		{ "lib/foo.jar", "Manifest-Version: 1.0\r\nImplementation-Title: Foo\r\n"
		    "Implementation-Version: 4.5\r\nImplementation-Vendor-Id: org.foo\r\n\r\n",
		    "org.foo:Foo", "4.5" },
		{ "snakeyaml-1.33.jar", "Bundle-SymbolicName: org.yaml.snakeyaml\n"
		    "Bundle-Version: 1.33.0\n", "snakeyaml", "1.33.0" },
		{ "x.jar", "Bundle-SymbolicName: org.x.core;singleton:=true\n"
		    "Bundle-Version: 2.0\n", "org.x.core", "2.0" },
		{ "app.war", "Manifest-Version: 1.0\r\n\r\n", NULL, NULL },
		/* A value wrapped at 72 bytes goes on after one space. */
		{ "y.jar", "Implementation-Title: a-very-long-title-that-the-manifest-"
		    "writer-wrap\n s-here\nImplementation-Version: 7\n",
		    "a-very-long-title-that-the-manifest-writer-wraps-here", "7" },
	};
	char	*name, *version;
	size_t	 i;
	int	 r;

	for (i = 0; i < NELEM(t); i++) {
		r = java_guess(t[i].file, t[i].mf, t[i].mf != NULL ? strlen(t[i].mf) : 0,
		    &name, &version);
		if (t[i].name == NULL)
			tap_ok(r == HS_ENOENT, "guess %s: no version, no package", t[i].file);
		else
			tap_ok(r == 0 && strcmp(name, t[i].name) == 0 &&
			    strcmp(version, t[i].version) == 0, "guess %s: %s %s (%s %s)",
			    t[i].file, t[i].name, t[i].version, r == 0 ? name : "-",
			    r == 0 ? version : "-");
		if (r == 0) {
			free(name);
			free(version);
		}
	}
}

int
main(void)
{
	if ((fx = tap_fixtures()) == NULL)
		tap_no_fixtures();
	log_verbosity = 0;
	test_fixtures();
	test_nesting();
	test_limit();
	test_hardlink();
	test_layer_budget();
	test_guess();
	return tap_done();
}
