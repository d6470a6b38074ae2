/*
 * RubyGems, Composer and .NET analyzers against the real files of
 * ../shared/fixtures/lang (ruby, php, dotnet) and their expected.tsv lists,
 * and against hostile input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"
#include "util.h"
#include "tap.h"

typedef int (*parse_fn)(const char *, const char *, size_t, struct inventory *, char **);

/* "name version" of every package, sorted, one string. */
static char *
inv_list(const struct inventory *inv)
{
	struct buf	 b;
	char		**v;
	size_t		 i;

	v = xcalloc(inv->npkgs + 1, sizeof *v);
	for (i = 0; i < inv->npkgs; i++)
		v[i] = xasprintf("%s %s", inv->pkgs[i].name, inv->pkgs[i].version);
	qsort(v, inv->npkgs, sizeof *v, str_cmp_ptr);
	buf_init(&b);
	for (i = 0; i < inv->npkgs; i++) {
		buf_printf(&b, "%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	buf_adds(&b, "");
	return buf_steal(&b);
}

/*
 * The expected "name version" list from an expected.tsv: column name_col and
 * name_col + 1, rows whose column filter_col equals filter (any when NULL)
 * and whose first column starts with prefix (any when NULL).
 */
static char *
expected_list(const char *path, int name_col, int filter_col, const char *filter,
    const char *prefix)
{
	char		*data, *cause = NULL, **rows = NULL, *line, *save, *f[8];
	size_t		 len, n = 0, i;
	int		 nf;
	struct buf	 b;

	if (file_read(path, 1 << 20, &data, &len, &cause) != 0) {
		free(cause);
		return xstrdup("(unreadable)");
	}
	for (line = strtok_r(data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char	*p = line, *tab;

		if (*line == '#')
			continue;
		for (nf = 0; nf < 8 && p != NULL; nf++) {
			f[nf] = p;
			if ((tab = strchr(p, '\t')) != NULL)
				*tab++ = '\0';
			p = tab;
		}
		if (nf <= name_col + 1 || (filter != NULL && (nf <= filter_col ||
		    strcmp(f[filter_col], filter) != 0)))
			continue;
		if (prefix != NULL && !str_starts(f[0], prefix))
			continue;
		rows = xreallocarray(rows, n + 1, sizeof *rows);
		rows[n++] = xasprintf("%s %s", f[name_col], f[name_col + 1]);
	}
	free(data);
	qsort(rows, n, sizeof *rows, str_cmp_ptr);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s\n", rows[i]);
		free(rows[i]);
	}
	free(rows);
	buf_adds(&b, "");
	return buf_steal(&b);
}

static struct inventory *
parse_file(parse_fn fn, const char *file, const char *where, char **cause)
{
	struct inventory	*inv = inventory_new();
	char			*data;
	size_t			 len;

	if (file_read(file, 64 << 20, &data, &len, cause) != 0 ||
	    fn(where, data, len, inv, cause) != 0) {
		inventory_free(inv);
		inv = NULL;
	}
	if (inv != NULL)
		free(data);
	return inv;
}

static void
same_list(const char *what, const char *got, const char *want)
{
	size_t		 n = 0;
	const char	*p;

	for (p = want; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	tap_ok(strcmp(got, want) == 0 && n != 0, "%s: the %zu packages "
	    "expected.tsv lists", what, n);
	if (strcmp(got, want) != 0)
		tap_diag("got:\n%s# want:\n%s", got, want);
}

static const struct package *
find_pkg(const struct inventory *inv, const char *name)
{
	size_t	i;

	for (i = 0; inv != NULL && i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0)
			return &inv->pkgs[i];
	return NULL;
}

static void
fixtures(const char *fx)
{
	struct inventory	*inv;
	const struct package	*p;
	char			*file, *exp, *got, *cause = NULL;
	const char		*gem = "usr/share/rubygems-integration/all/"
				    "specifications/rack-2.2.22.gemspec";
	const char		*v[] = { "composer-v1", "composer-v2" };
	size_t			 i;

	/* Ruby: the stub line and s.name/s.version agree on rack 2.2.22. */
	file = xasprintf("%s/lang/ruby/%s", fx, gem);
	inv = parse_file(pkg_gemspec_parse, file, gem, &cause);
	tap_ok(inv != NULL, "ruby: Debian's rack gemspec parses%s%s",
	    cause ? ": " : "", cause ? cause : "");
	free(cause);
	cause = NULL;
	exp = xasprintf("%s/lang/ruby/expected.tsv", fx);
	got = inv != NULL ? inv_list(inv) : xstrdup("");
	free(file);
	file = expected_list(exp, 0, -1, NULL, NULL);
	same_list("ruby rack", got, file);
	p = find_pkg(inv, "rack");
	tap_ok(p != NULL && p->ecosystem == ECO_GEM && p->purl != NULL &&
	    strcmp(p->purl, "pkg:gem/rack@2.2.22") == 0 && p->location != NULL &&
	    strcmp(p->location, gem) == 0, "ruby: purl pkg:gem/rack@2.2.22 and "
	    "the gemspec as location");
	free(got);
	free(file);
	free(exp);
	inventory_free(inv);

	/* PHP: both installed.json shapes give both packages, versions as written. */
	for (i = 0; i < NELEM(v); i++) {
		char	*where = xasprintf("app/vendor/composer/installed.json");

		file = xasprintf("%s/lang/php/%s/vendor/composer/installed.json", fx, v[i]);
		inv = parse_file(pkg_composer_installed_parse, file, where, &cause);
		tap_ok(inv != NULL, "php %s: installed.json parses%s%s", v[i],
		    cause ? ": " : "", cause ? cause : "");
		free(cause);
		cause = NULL;
		exp = xasprintf("%s/lang/php/expected.tsv", fx);
		free(file);
		file = expected_list(exp, 1, -1, NULL, v[i]);
		got = inv != NULL ? inv_list(inv) : xstrdup("");
		same_list(v[i], got, file);
		p = find_pkg(inv, "behat/mink");
		tap_ok(p != NULL && p->ecosystem == ECO_COMPOSER &&
		    strcmp(p->purl, "pkg:composer/behat/mink@v1.8.1") == 0,
		    "php %s: purl pkg:composer/behat/mink@v1.8.1", v[i]);
		free(got);
		free(file);
		free(exp);
		free(where);
		inventory_free(inv);
	}

	/* .NET: the 12 "package" libraries; the 2 projects are not packages. */
	file = xasprintf("%s/lang/dotnet/TestLibrary.deps.json", fx);
	inv = parse_file(pkg_dotnet_deps_parse, file, "app/TestLibrary.deps.json", &cause);
	tap_ok(inv != NULL, ".NET: TestLibrary.deps.json parses%s%s",
	    cause ? ": " : "", cause ? cause : "");
	free(cause);
	cause = NULL;
	exp = xasprintf("%s/lang/dotnet/expected.tsv", fx);
	free(file);
	file = expected_list(exp, 0, 2, "package", NULL);
	got = inv != NULL ? inv_list(inv) : xstrdup("");
	same_list(".NET packages", got, file);
	p = find_pkg(inv, "Newtonsoft.Json");
	tap_ok(p != NULL && p->ecosystem == ECO_NUGET && strcmp(p->version, "13.0.1") == 0 &&
	    strcmp(p->purl, "pkg:nuget/Newtonsoft.Json@13.0.1") == 0,
	    ".NET: the package version from the key (13.0.1), not the assembly's");
	tap_ok(find_pkg(inv, "TestCommon") == NULL && find_pkg(inv, "TestLibrary") == NULL,
	    ".NET: project entries are not packages");
	free(got);
	free(file);
	free(exp);
	inventory_free(inv);
}

static int
parse_str(parse_fn fn, const char *s, size_t len, struct inventory **inv, char **cause)
{
	*inv = inventory_new();
	/* (size_t)-1: a C string, its length. */
	return fn("x", s, len == (size_t)-1 ? strlen(s) : len, *inv, cause);
}

static void
shapes(void)
{
	struct inventory	*inv;
	char			*cause = NULL, *deep;
	struct buf		 b;
	size_t			 i;
	int			 r;
	const char		*lock =
	    "GIT\n  remote: https://example.invalid/x.git\n  revision: abc\n  specs:\n"
	    "    fromgit (0.1.0)\n\n"
	    "GEM\n  remote: https://rubygems.org/\n  specs:\n"
	    "    actionpack (7.0.4)\n      rack (~> 2.0, >= 2.2.0)\n"
	    "    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n"
	    "    rack (2.2.6.4)\n\n"
	    "PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  rack\n\nBUNDLED WITH\n   2.4.10\n";
	const char		*spec =
	    "Gem::Specification.new do |spec|\n  spec.name = 'x'\n"
	    "  spec.name    = \"json\"\n  spec.version = \"2.6.3\"\n"
	    "  spec.add_development_dependency(%q<rake>.freeze, [\">= 0\"])\nend\n";

	r = parse_str(pkg_gemfile_lock_parse, lock, strlen(lock), &inv, &cause);
	deep = inv_list(inv);
	tap_ok(r == 0 && strcmp(deep, "actionpack 7.0.4\nnokogiri 1.15.4\nrack 2.2.6.4\n") == 0,
	    "Gemfile.lock: GEM specs only, requirements and GIT sources skipped");
	tap_ok(inv->npkgs == 3 && find_pkg(inv, "nokogiri") != NULL &&
	    strcmp(find_pkg(inv, "nokogiri")->purl,
	    "pkg:gem/nokogiri@1.15.4?platform=x86_64-linux") == 0,
	    "Gemfile.lock: a native gem's platform is a purl qualifier");
	free(deep);
	inventory_free(inv);

	r = parse_str(pkg_gemspec_parse, spec, strlen(spec), &inv, &cause);
	tap_ok(r == 0 && inv->npkgs == 1 && strcmp(inv->pkgs[0].name, "json") == 0 &&
	    strcmp(inv->pkgs[0].version, "2.6.3") == 0,
	    "gemspec without a stub line: s.name and s.version (single quotes skipped)");
	inventory_free(inv);
	free(cause);
	cause = NULL;

	r = parse_str(pkg_gemspec_parse, "# just a comment\n", 17, &inv, &cause);
	tap_ok(r == HS_EINVAL && cause != NULL && strstr(cause, "no gem name") != NULL &&
	    inv->npkgs == 0, "gemspec with neither: an error, no package");
	inventory_free(inv);
	free(cause);
	cause = NULL;

	r = parse_str(pkg_composer_installed_parse, "{\"packages\": 3}", 15, &inv, &cause);
	tap_ok(r == HS_EINVAL && cause != NULL && inv->npkgs == 0,
	    "installed.json whose packages is no array: an error (%s)", cause ? cause : "");
	inventory_free(inv);
	free(cause);
	cause = NULL;

	r = parse_str(pkg_composer_installed_parse,
	    "[{\"name\":\"a/b\",\"version\":7},{\"name\":\"nope\",\"version\":\"1\"},"
	    "{\"name\":\"c/d\",\"version\":\"2.0.0\"}]", (size_t)-1, &inv, &cause);
	tap_ok(r == 0 && inv->npkgs == 1 && strcmp(inv->pkgs[0].name, "c/d") == 0,
	    "installed.json: entries with a non-string version or no vendor skipped");
	inventory_free(inv);

	r = parse_str(pkg_composer_lock_parse,
	    "{\"packages\":[{\"name\":\"a/b\",\"version\":\"1.0\"}],"
	    "\"packages-dev\":[{\"name\":\"c/d\",\"version\":\"2.0\"}]}", (size_t)-1, &inv, &cause);
	tap_ok(r == 0 && inv->npkgs == 1 && strcmp(inv->pkgs[0].name, "a/b") == 0,
	    "composer.lock: packages-dev are not installed by a production install");
	inventory_free(inv);

	r = parse_str(pkg_dotnet_deps_parse,
	    "{\"libraries\":{\"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/6.0.5\":"
	    "{\"type\":\"runtimepack\"},\"A/1.0\":{\"type\":\"package\"},"
	    "\"B/2.0\":{\"type\":\"project\"},\"C\":{\"type\":\"package\"}}}", (size_t)-1,
	    &inv, &cause);
	tap_ok(r == 0 && inv->npkgs == 2 &&
	    find_pkg(inv, "Microsoft.NETCore.App.Runtime.linux-x64") != NULL &&
	    strcmp(find_pkg(inv, "Microsoft.NETCore.App.Runtime.linux-x64")->version,
	    "6.0.5") == 0 && find_pkg(inv, "A") != NULL,
	    "deps.json: a self-contained app's runtime pack is a package");
	inventory_free(inv);

	/* A deps.json 100,000 arrays deep: jansson's depth limit, an error. */
	buf_init(&b);
	buf_adds(&b, "{\"libraries\":");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "[");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "]");
	buf_adds(&b, "}");
	r = parse_str(pkg_dotnet_deps_parse, b.data, b.len, &inv, &cause);
	tap_ok(r == HS_EINVAL && cause != NULL && inv->npkgs == 0,
	    "deps.json 100,000 deep: an error, no crash (%s)", cause ? cause : "");
	buf_free(&b);
	inventory_free(inv);
	free(cause);
}

int
main(void)
{
	const char	*fx;

	(void)tap_skip;		/* nothing here is optional */
	shapes();
	if ((fx = tap_fixtures()) == NULL)
		tap_no_fixtures();
	fixtures(fx);
	return tap_done();
}
