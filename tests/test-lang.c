/*
 * Language packages: which paths the analyzers want, the npm and PyPI
 * parsers, purls and PEP 503 names (the PEP's and the purl spec's own
 * examples), and the rule that a file an OS package lists is not a
 * language package, on merged views built here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "pkg.h"
#include "purl.h"
#include "rootfs.h"
#include "tap.h"
#include "util.h"

static void
wanted(void)
{
	static const struct {
		const char	*path;
		int		 want;
	} cases[] = {
		{ "app/node_modules/lodash/package.json", WANT_SOFT },
		{ "node_modules/lodash/package.json", WANT_SOFT },
		{ "app/node_modules/@types/node/package.json", WANT_SOFT },
		{ "a/node_modules/b/node_modules/@s/c/package.json", WANT_SOFT },
		{ "usr/local/lib/node_modules/npm/package.json", WANT_SOFT },
		{ "app/package.json", WANT_NO },		/* the app itself */
		{ "package.json", WANT_NO },
		{ "node_modules/package.json", WANT_NO },
		{ "app/node_modules/lodash/fp/package.json", WANT_NO },
		{ "app/node_modules/@types/package.json", WANT_NO },
		{ "app/node_modules/.bin/package.json", WANT_NO },
		{ "app/node_modules/@/x/package.json", WANT_NO },
		{ "app/xnode_modules/a/package.json", WANT_NO },
		{ "app/package-lock.json", WANT_SOFT },
		{ "package-lock.json", WANT_SOFT },
		{ "srv/npm-shrinkwrap.json", WANT_SOFT },
		{ "app/node_modules/.package-lock.json", WANT_NO },
		{ "app/node_modules/x/package-lock.json", WANT_NO },
		{ "app/node_modules", WANT_SOFT },
		{ "app/node_modules/a/node_modules", WANT_NO },
		{ "usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA", WANT_SOFT },
		{ "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO", WANT_SOFT },
		{ "usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info", WANT_SOFT },
		{ "opt/x.egg/EGG-INFO/PKG-INFO", WANT_SOFT },
		{ "EGG-INFO/PKG-INFO", WANT_NO },
		{ "opt/x/EGG-INFO/PKG-INFO", WANT_NO },
		{ "usr/lib/python3/dist-packages/pip/METADATA", WANT_NO },
		{ ".dist-info/METADATA", WANT_NO },
		{ "src/requests-2.28.1/PKG-INFO", WANT_NO },
		{ ".egg-info", WANT_NO },
		{ "var/lib/dpkg/info/python3-requests.list", WANT_SOFT },
		{ "var/lib/dpkg/status", WANT_KEEP },
		{ "usr/share/doc/x/copyright", WANT_NO },
	};
	size_t	i;
	int	ok = 1, w;

	for (i = 0; i < NELEM(cases); i++) {
		if ((w = pkg_wanted(cases[i].path)) != cases[i].want) {
			tap_diag("pkg_wanted(\"%s\") = %d, want %d", cases[i].path, w,
			    cases[i].want);
			ok = 0;
		}
	}
	tap_ok(ok, "pkg_wanted: npm and PyPI metadata by pattern (%zu paths)", NELEM(cases));
}

static void
package_json(void)
{
	static const struct {
		const char	*json;
		const char	*name;		/* NULL: an error whose cause holds err */
		const char	*version;
		const char	*err;
	} cases[] = {
		{ "{\"name\":\"lodash\",\"version\":\"4.17.15\"}", "lodash", "4.17.15", NULL },
		{ "\xef\xbb\xbf{\"name\":\"bom\",\"version\":\"1.0.0\"}", "bom", "1.0.0", NULL },
		{ "{\"version\":\"1.0.0\",\"name\":\"@types/node\",\"x\":[1,{}]}",
		    "@types/node", "1.0.0", NULL },
		{ "{\"name\":\"a\",\"version\":1.2}", NULL, NULL, "\"version\" is not a string" },
		{ "{\"name\":\"a\",\"version\":null}", NULL, NULL, "\"version\" is not a string" },
		{ "{\"name\":\"a\",\"version\":[\"1\"]}", NULL, NULL, "\"version\" is not a string" },
		{ "{\"name\":\"a\"}", NULL, NULL, "no \"version\"" },
		{ "{\"version\":\"1\"}", NULL, NULL, "no \"name\"" },
		{ "{\"name\":\"\",\"version\":\"1\"}", NULL, NULL, "empty" },
		{ "{\"name\":\"a b\",\"version\":\"1\"}", NULL, NULL, "blank" },
		{ "{\"name\":\"a\",\"version\":\"1\\u0000x\"}", NULL, NULL, "NUL" },
		{ "{\"name\":\"a\",\"version\":\"1\\n\"}", NULL, NULL, "control" },
		{ "[]", NULL, NULL, "not a JSON object" },
		{ "\"x\"", NULL, NULL, "line 1" },
		{ "", NULL, NULL, "line 1" },
		{ "{\"name\":\"a\",", NULL, NULL, "line 1" },
	};
	char	*name, *version, *cause = NULL;
	size_t	 i;
	int	 r, ok = 1;

	for (i = 0; i < NELEM(cases); i++) {
		r = pkg_npm_package_json(cases[i].json, strlen(cases[i].json), &name,
		    &version, &cause);
		if (cases[i].name != NULL ? r != 0 || strcmp(name, cases[i].name) != 0 ||
		    strcmp(version, cases[i].version) != 0 :
		    r != HS_EINVAL || name != NULL || cause == NULL ||
		    strstr(cause, cases[i].err) == NULL) {
			tap_diag("%s: r %d name %s version %s cause %s", cases[i].json, r,
			    name ? name : "-", version ? version : "-", cause ? cause : "-");
			ok = 0;
		}
		free(name);
		free(version);
		free(cause);
		cause = NULL;
	}
	tap_ok(ok, "package.json: name and version, or an error saying what is wrong (%zu cases)",
	    NELEM(cases));
}

static void
lock_cb(const char *name, const char *version, void *arg)
{
	buf_printf(arg, "%s@%s ", name, version);
}

static void
lockfiles(void)
{
	static const struct {
		const char	*desc;
		const char	*json;
		const char	*want;		/* NULL: an error holding err */
		const char	*err;
	} cases[] = {
		{ "v1: nested, aliased, dev and non-registry left out",
		    "{\"lockfileVersion\":1,\"dependencies\":{"
		    "\"a\":{\"version\":\"1.0.0\",\"dependencies\":{\"b\":{\"version\":\"2.0.0\"}}},"
		    "\"sw\":{\"version\":\"npm:string-width@4.2.3\"},"
		    "\"d\":{\"version\":\"3.0.0\",\"dev\":true,\"dependencies\":{\"e\":{\"version\":\"1.0.0\"}}},"
		    "\"g\":{\"version\":\"github:u/r#abc\"},"
		    "\"f\":{\"version\":\"file:../f\"},"
		    "\"@s/x\":{\"version\":\"0.1.0\"}}}",
		    "a@1.0.0 b@2.0.0 string-width@4.2.3 @s/x@0.1.0 ", NULL },
		{ "v2/v3: packages by path, the root, links and dev left out",
		    "{\"lockfileVersion\":3,\"packages\":{"
		    "\"\":{\"name\":\"app\",\"version\":\"1.0.0\"},"
		    "\"node_modules/a\":{\"version\":\"1.0.0\"},"
		    "\"node_modules/a/node_modules/@s/b\":{\"version\":\"2.0.0\"},"
		    "\"node_modules/al\":{\"name\":\"real\",\"version\":\"3.0.0\"},"
		    "\"node_modules/w\":{\"resolved\":\"packages/w\",\"link\":true},"
		    "\"packages/w\":{\"name\":\"w\",\"version\":\"0.0.1\"},"
		    "\"node_modules/dv\":{\"version\":\"1.0.0\",\"dev\":true},"
		    "\"node_modules/nov\":{},"
		    "\"node_modules/x\":[]}}",
		    "a@1.0.0 @s/b@2.0.0 real@3.0.0 ", NULL },
		{ "v2: packages wins over dependencies",
		    "{\"lockfileVersion\":2,\"packages\":{\"node_modules/a\":{\"version\":\"1.0.0\"}},"
		    "\"dependencies\":{\"a\":{\"version\":\"1.0.0\"}}}", "a@1.0.0 ", NULL },
		{ "an empty project", "{\"lockfileVersion\":3,\"packages\":{\"\":{}}}", "", NULL },
		{ "no lockfileVersion, packages or dependencies", "{\"name\":\"x\"}", NULL,
		    "not an npm lockfile" },
		{ "an array", "[1]", NULL, "not a JSON object" },
		{ "bad JSON", "{\"packages\":", NULL, "line 1" },
	};
	struct buf	 b;
	char		*cause = NULL;
	size_t		 i;
	int		 r;

	for (i = 0; i < NELEM(cases); i++) {
		buf_init(&b);
		buf_adds(&b, "");
		r = pkg_npm_lockfile(cases[i].json, strlen(cases[i].json), lock_cb, &b,
		    &cause);
		if (cases[i].want != NULL)
			tap_ok(r == 0 && strcmp(b.data, cases[i].want) == 0,
			    "lockfile %s: %s", cases[i].desc, b.data);
		else
			tap_ok(r == HS_EINVAL && cause != NULL &&
			    strstr(cause, cases[i].err) != NULL, "lockfile %s: %s",
			    cases[i].desc, cause != NULL ? cause : "no error");
		buf_free(&b);
		free(cause);
		cause = NULL;
	}
}

static void
metadata(void)
{
	static const struct {
		const char	*text;
		const char	*name;
		const char	*version;
		const char	*err;
	} cases[] = {
		{ "Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n\nName: x\n",
		    "requests", "2.28.1", NULL },
		{ "Metadata-Version: 2.1\r\nname:   Foo.Bar_baz  \r\nVERSION: 1.0rc1\r\n",
		    "Foo.Bar_baz", "1.0rc1", NULL },
		{ "Name: a\nSummary: long\n  Version: 9\nVersion: 1\n", "a", "1", NULL },
		{ "Name: a\nName: b\nVersion: 1\nVersion: 2\n", "a", "1", NULL },
		{ "Metadata-Version: 2.1\n\nName: a\nVersion: 1\n", NULL, NULL, "no Name header" },
		{ "Name: a\n", NULL, NULL, "no Version header" },
		{ "Name: -a\nVersion: 1\n", NULL, NULL, "not a valid distribution name" },
		{ "Name: a b\nVersion: 1\n", NULL, NULL, "not a valid distribution name" },
		{ "Name: a\nVersion: 1 2\n", NULL, NULL, "blank" },
		{ "Name: a\nVersion:\n", NULL, NULL, "empty" },
		{ "", NULL, NULL, "no Name header" },
	};
	char	*name, *version, *cause = NULL;
	size_t	 i;
	int	 r, ok = 1;

	for (i = 0; i < NELEM(cases); i++) {
		r = pkg_pypi_metadata(cases[i].text, strlen(cases[i].text), &name,
		    &version, &cause);
		if (cases[i].name != NULL ? r != 0 || strcmp(name, cases[i].name) != 0 ||
		    strcmp(version, cases[i].version) != 0 :
		    r != HS_EINVAL || name != NULL || strstr(cause, cases[i].err) == NULL) {
			tap_diag("case %zu: r %d name %s version %s cause %s", i, r,
			    name ? name : "-", version ? version : "-", cause ? cause : "-");
			ok = 0;
		}
		free(name);
		free(version);
		free(cause);
		cause = NULL;
	}
	tap_ok(ok, "METADATA/PKG-INFO: the first Name and Version of the header block (%zu cases)",
	    NELEM(cases));
}

static void
names_purls(void)
{
	/* PEP 503's examples: all of these are the one name "friendly-bar". */
	static const char *pep503[] = { "friendly-bar", "Friendly-Bar", "FRIENDLY-BAR",
	    "friendly.bar", "friendly_bar", "friendly--bar", "FrIeNdLy-._.-bAr" };
	static const struct {
		enum ecosystem	 eco;
		const char	*name;
		const char	*version;
		const char	*purl;
	} purls[] = {
		/* the purl spec's npm examples */
		{ ECO_NPM, "foobar", "12.3.1", "pkg:npm/foobar@12.3.1" },
		{ ECO_NPM, "@angular/animation", "12.3.1", "pkg:npm/%40angular/animation@12.3.1" },
		{ ECO_NPM, "JSONStream", "1.3.5", "pkg:npm/JSONStream@1.3.5" },
		{ ECO_NPM, "x", "1.0.0+build.1", "pkg:npm/x@1.0.0%2Bbuild.1" },
		/* PEP 503 (the spec's lower case and '_' as '-', and '.' too) */
		{ ECO_PYPI, "Django_Rest.Framework", "3.14.0", "pkg:pypi/django-rest-framework@3.14.0" },
		{ ECO_PYPI, "django-allauth", "12.23", "pkg:pypi/django-allauth@12.23" },
		/* PURL-TYPES' examples of the other types hullscan writes */
		{ ECO_MAVEN, "org.apache.xmlgraphics:batik-anim", "1.9.1",
		    "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1" },
		{ ECO_GO, "github.com/gorilla/context", "234fd47e07d1004f0aed9c",
		    "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c" },
		{ ECO_CARGO, "rand", "0.7.2", "pkg:cargo/rand@0.7.2" },
		{ ECO_GEM, "ruby-advisory-db-check", "0.12.4", "pkg:gem/ruby-advisory-db-check@0.12.4" },
		{ ECO_COMPOSER, "laravel/laravel", "5.5.0", "pkg:composer/laravel/laravel@5.5.0" },
		{ ECO_NUGET, "EnterpriseLibrary.Common", "6.0.1304",
		    "pkg:nuget/EnterpriseLibrary.Common@6.0.1304" },
		/* ':' is never encoded; a module without a version has no '@' */
		{ ECO_MAVEN, "g:a", "1:2", "pkg:maven/g/a@1:2" },
		{ ECO_GO, "example.com/m", NULL, "pkg:golang/example.com/m" },
		{ ECO_DEB, "x", "1", NULL },
	};
	struct purl	*pu;
	char		*cause = NULL, *pname;
	char	*s;
	size_t	 i;
	int	 ok = 1;

	for (i = 0; i < NELEM(pep503); i++) {
		s = ecosystem_package_name(ECO_PYPI, pep503[i]);
		if (strcmp(s, "friendly-bar") != 0) {
			tap_diag("%s -> %s", pep503[i], s);
			ok = 0;
		}
		free(s);
	}
	tap_ok(ok, "ecosystem_package_name: PEP 503's examples");
	ok = 1;
	for (i = 0; i < NELEM(purls); i++) {
		s = ecosystem_purl(purls[i].eco, purls[i].name, purls[i].version);
		if (purls[i].purl == NULL ? s != NULL : s == NULL ||
		    strcmp(s, purls[i].purl) != 0) {
			tap_diag("%s %s -> %s", purls[i].name,
			    purls[i].version ? purls[i].version : "-", s ? s : "NULL");
			ok = 0;
		}
		free(s);
	}
	tap_ok(ok, "ecosystem_purl: the purl spec's examples and rules for each type written");
	/* What is written reads back: the same ecosystem, name and version. */
	ok = 1;
	for (i = 0; i < NELEM(purls); i++) {
		if (purls[i].purl == NULL)
			continue;
		if (purl_parse(purls[i].purl, &pu, &cause) != 0) {
			tap_diag("%s: %s", purls[i].purl, cause);
			free(cause);
			cause = NULL;
			ok = 0;
			continue;
		}
		/* Names compare as the ecosystem spells them (PEP 503 for PyPI). */
		s = purl_package_name(pu);
		pname = ecosystem_package_name(purls[i].eco, s);
		free(s);
		s = ecosystem_package_name(purls[i].eco, purls[i].name);
		if (purl_ecosystem(pu) != purls[i].eco || strcmp(pname, s) != 0 ||
		    (purls[i].version == NULL ? pu->version != NULL :
		    pu->version == NULL || strcmp(pu->version, purls[i].version) != 0)) {
			tap_diag("%s reads back as %s %s", purls[i].purl, pname,
			    pu->version ? pu->version : "-");
			ok = 0;
		}
		free(s);
		free(pname);
		purl_free(pu);
	}
	tap_ok(ok, "ecosystem_purl: each purl written reads back (purl_parse) as its package");
}

/* A merged view of one layer of files (data NULL: a symlink to link). */
struct f {
	const char	*path;
	const char	*data;
	const char	*link;
};

static struct rootfs *
view(const struct f *f, size_t n, const char *diff_id)
{
	struct layer_files	 lf;
	struct rootfs		*r = rootfs_new();
	size_t			 i;

	memset(&lf, 0, sizeof lf);
	lf.diff_id = (char *)diff_id;
	lf.files = xcalloc(n, sizeof *lf.files);
	lf.nfiles = n;
	for (i = 0; i < n; i++) {
		lf.files[i].path = (char *)f[i].path;
		lf.files[i].type = f[i].data != NULL ? KEPT_FILE : KEPT_SYMLINK;
		lf.files[i].data = (char *)(f[i].data != NULL ? f[i].data : f[i].link);
		lf.files[i].len = strlen(lf.files[i].data);
	}
	rootfs_apply(r, &lf);
	free(lf.files);
	return r;
}

/* The inventory as "eco name version location layer;" lines, in order. */
static char *
show(const struct inventory *inv)
{
	const struct package	*p;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		buf_printf(&b, "%s %s %s %s %s;", ecosystem_name(p->ecosystem), p->name,
		    p->version, p->location ? p->location : "-", p->layer ? p->layer : "-");
	}
	return buf_steal(&b);
}

static void
owned(void)
{
	static const char meta[] = "Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n";
	static const char dpkg_status[] =
	    "Package: python3-requests\nStatus: install ok installed\nVersion: 2.28.1+dfsg-1\n"
	    "Architecture: all\nSource: requests\n";
	/* usrmerge: dpkg lists /lib/..., the file lies in usr/lib through the lib link */
	static const struct f deb[] = {
		{ "lib", NULL, "usr/lib" },
		{ "var/lib/dpkg/status", dpkg_status, NULL },
		{ "var/lib/dpkg/info/python3-requests:all.list",
		    "/.\n/lib\n/lib/python3\n/lib/python3/dist-packages/requests-2.28.1.dist-info\n"
		    "/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA\n", NULL },
		{ "usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA", meta, NULL },
		{ "usr/local/lib/python3.11/dist-packages/requests-2.28.1.dist-info/METADATA", meta, NULL },
		{ "app/node_modules/x/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}", NULL },
	};
	static const struct f distroless[] = {
		{ "var/lib/dpkg/status.d/python3-requests", "Package: python3-requests\n"
		    "Version: 2.28.1+dfsg-1\nArchitecture: all\n", NULL },
		{ "var/lib/dpkg/status.d/python3-requests.md5sums",
		    "0123456789abcdef0123456789abcdef  usr/lib/python3/dist-packages/"
		    "requests-2.28.1.dist-info/METADATA\n", NULL },
		{ "usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA", meta, NULL },
	};
	static const struct f alpine[] = {
		{ "lib/apk/db/installed", "P:musl\nV:1.2.5-r0\nF:lib\nR:ld-musl-x86_64.so.1\n\n"
		    "P:py3-requests\nV:2.28.1-r0\nF:usr/lib/python3.12/site-packages/"
		    "requests-2.28.1.dist-info\nR:METADATA\nR:RECORD\n\n", NULL },
		{ "usr/lib/python3.12/site-packages/requests-2.28.1.dist-info/METADATA", meta, NULL },
		{ "usr/lib/python3.12/site-packages/other-1.0.dist-info/METADATA",
		    "Name: other\nVersion: 1.0\n", NULL },
	};
	struct rootfs		*r;
	struct inventory	*inv;
	struct pkg_ctx		 ctx;
	char			*cause = NULL, *s;

	r = view(deb, NELEM(deb), "sha256:l1");
	tap_ok(pkg_analyze(r, &inv, &cause) == 0, "owned, dpkg: analyzed");
	s = show(inv);
	tap_ok(strcmp(s, "deb python3-requests 2.28.1+dfsg-1 - -;"
	    "pypi requests 2.28.1 usr/local/lib/python3.11/dist-packages/"
	    "requests-2.28.1.dist-info/METADATA sha256:l1;"
	    "npm x 1.0.0 app/node_modules/x/package.json sha256:l1;") == 0,
	    "dpkg's .list (through the lib -> usr/lib link) owns the Debian copy; the one in "
	    "/usr/local and the npm package are language packages: %s", s);
	free(s);
	memset(&ctx, 0, sizeof ctx);
	ctx.root = r;
	ctx.inv = inv;
	tap_ok(pkg_owner(&ctx, "usr/lib/python3/dist-packages/requests-2.28.1.dist-info/"
	    "METADATA") != NULL && strcmp(pkg_owner(&ctx, "usr/lib/python3/dist-packages/"
	    "requests-2.28.1.dist-info/METADATA"), "python3-requests") == 0 &&
	    pkg_owner(&ctx, "usr/lib/python3") != NULL &&
	    pkg_owner(&ctx, "usr/local/lib/x") == NULL && pkg_owner(&ctx, "") == NULL,
	    "pkg_owner: the owner's name without :arch; unlisted paths have none");
	pkg_ctx_clear(&ctx);
	inventory_free(inv);
	rootfs_free(r);

	r = view(distroless, NELEM(distroless), NULL);
	tap_ok(pkg_analyze(r, &inv, &cause) == 0, "owned, distroless: analyzed");
	s = show(inv);
	tap_ok(strcmp(s, "deb python3-requests 2.28.1+dfsg-1 - -;") == 0,
	    "status.d's .md5sums owns the METADATA: %s", s);
	free(s);
	inventory_free(inv);
	rootfs_free(r);

	r = view(alpine, NELEM(alpine), "sha256:a");
	tap_ok(pkg_analyze(r, &inv, &cause) == 0, "owned, apk: analyzed");
	s = show(inv);
	tap_ok(strcmp(s, "apk musl 1.2.5-r0 - -;"
	    "pypi other 1.0 usr/lib/python3.12/site-packages/other-1.0.dist-info/METADATA "
	    "sha256:a;apk py3-requests 2.28.1-r0 - -;") == 0,
	    "apk's F:/R: lines own py3-requests' METADATA, not other's: %s", s);
	free(s);
	inventory_free(inv);
	rootfs_free(r);
	free(cause);
}

int
main(void)
{
	(void)tap_fixtures;
	(void)tap_no_fixtures;
	(void)tap_skip;
	wanted();
	package_json();
	lockfiles();
	metadata();
	names_purls();
	owned();
	return tap_done();
}
