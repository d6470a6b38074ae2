/*
 * The vulnerability database, the Debian tracker and Alpine secdb importers and
 * the matcher, against the real feed fixtures. Every expected finding below
 * names the fixture record it comes from.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "db.h"
#include "feed.h"
#include "match.h"
#include "model.h"
#include "util.h"

#include "tap.h"

static const char	*fx;		/* fixtures */
static char		 tmpdir[] = "/tmp/hullscan-test-db.XXXXXX";

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static char *
fx_path(const char *rel)
{
	return xasprintf("%s/feeds/%s", fx, rel);
}

static int
write_file(const char *path, const char *data, size_t len)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int
has(const char *s, const char *sub)
{
	return s != NULL && strstr(s, sub) != NULL;
}

/* Collect what a lookup returns, as "id fixed status severity source_severity" lines. */
static int
collect_cb(const struct advisory *a, void *arg)
{
	struct buf	*b = arg;

	buf_printf(b, "%s %s %s %s %s|", a->vuln_id,
	    a->fixed_version != NULL ? a->fixed_version : "-", a->status,
	    severity_name(a->severity),
	    a->source_severity != NULL ? a->source_severity : "-");
	return 0;
}

static char *
lookup(struct vulndb *vdb, const char *ns, enum pkg_kind kind, const char *pkg)
{
	struct buf	 b;
	char		*cause = NULL;

	buf_init(&b);
	if (vulndb_lookup(vdb, ns, kind, pkg, collect_cb, &b, &cause) != 0) {
		tap_diag("lookup %s %s: %s", ns, pkg, cause);
		free(cause);
	}
	return buf_steal(&b);
}

struct probe {
	const char	*desc;
	const char	*link;
	int		 n;
};

static int
probe_cb(const struct advisory *a, void *arg)
{
	struct probe	*p = arg;

	if (p->n++ == 0) {
		p->desc = a->description != NULL ? xstrdup(a->description) : NULL;
		p->link = a->link != NULL ? xstrdup(a->link) : NULL;
	}
	return 0;
}

/* Match one package (name, version, source, source version) in ns; findings as "id:pkg:fixed:status,". */
static char *
match_one(struct vulndb *vdb, const char *ns, const char *name, const char *version,
    const char *src, const char *srcver, enum ecosystem eco)
{
	struct inventory	*inv;
	struct finding_list	 fl;
	struct buf		 b;
	char			*cause = NULL;
	size_t			 i;

	inv = inventory_new();
	inv->os.namespace = xstrdup(ns);
	inventory_add(inv, name, version, src, srcver, NULL, eco);
	memset(&fl, 0, sizeof fl);
	buf_init(&b);
	if (match_inventory(vdb, inv, &fl, &cause) != 0) {
		buf_printf(&b, "error: %s", cause);
		free(cause);
	}
	for (i = 0; i < fl.n; i++) {
		buf_printf(&b, "%s:%s:%s:%s,", fl.v[i].id, fl.v[i].package,
		    fl.v[i].fixed_version != NULL ? fl.v[i].fixed_version : "-",
		    fl.v[i].status);
	}
	finding_list_clear(&fl);
	inventory_free(inv);
	return buf_steal(&b);
}

static void
expect_match(struct vulndb *vdb, const char *ns, const char *name,
    const char *version, const char *src, const char *srcver, enum ecosystem eco,
    const char *want, const char *why)
{
	char	*got;

	got = match_one(vdb, ns, name, version, src, srcver, eco);
	if (!tap_ok(strcmp(got, want) == 0, "%s %s %s (%s): %s", ns, name, version,
	    why, *want == '\0' ? "no finding" : want))
		tap_diag("got \"%s\"", got);
	free(got);
}

static int64_t
import(struct vulndb *vdb, const char *rel, const char *feed)
{
	char	*path, *cause = NULL;
	int64_t	 n = -1;

	path = fx_path(rel);
	if (feed_import_file(vdb, path, NULL, feed, &n, &cause) != 0) {
		tap_diag("import %s: %s", rel, cause);
		n = -1;
	}
	free(cause);
	free(path);
	return n;
}

static void
test_open_errors(void)
{
	struct vulndb	*vdb = NULL;
	sqlite3		*db;
	char		*path, *cause = NULL;
	int		 rc;

	path = tmp_path("missing.db");
	rc = vulndb_open(path, VULNDB_READ, &vdb, &cause);
	tap_ok(rc == HS_ENOENT && vdb == NULL && has(cause, path) &&
	    has(cause, "not found: run 'hullscan db import' or 'hullscan db update'"),
	    "open READ of a missing file: %s", cause);
	tap_ok(access(path, F_OK) != 0, "open READ creates no file");
	free(path);

	path = tmp_path("garbage.db");
	write_file(path, "this is not sqlite, just text\n", 30);
	rc = vulndb_open(path, VULNDB_READ, &vdb, &cause);
	tap_ok(rc != 0 && vdb == NULL && has(cause, path) &&
	    has(cause, "not a hullscan vulnerability database"),
	    "open READ of a text file: %s", cause);
	rc = vulndb_open(path, VULNDB_CREATE, &vdb, &cause);
	tap_ok(rc != 0 && vdb == NULL, "open CREATE of a text file refuses it too");
	free(path);

	/* Another program's SQLite file (the history db, say) is not ours either. */
	path = tmp_path("other.db");
	sqlite3_open(path, &db);
	sqlite3_exec(db, "CREATE TABLE builds (id INTEGER)", NULL, NULL, NULL);
	sqlite3_close(db);
	rc = vulndb_open(path, VULNDB_CREATE, &vdb, &cause);
	tap_ok(rc != 0 && has(cause, "not a hullscan vulnerability database"),
	    "open CREATE of another SQLite file: %s", cause);
	free(path);

	/* A newer schema: refuse with a clear message. */
	path = tmp_path("newer.db");
	rc = vulndb_open(path, VULNDB_CREATE, &vdb, &cause);
	tap_ok(rc == 0 && vdb != NULL, "open CREATE makes a new database");
	tap_ok(vulndb_age(vdb) == -1 && vulndb_count(vdb) == 0,
	    "a new database: no feed (age -1), no advisory");
	vulndb_close(vdb);
	vdb = NULL;
	rc = vulndb_open(path, VULNDB_READ, &vdb, &cause);
	tap_ok(rc == 0, "a new empty database opens READ");
	vulndb_close(vdb);
	vdb = NULL;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	rc = vulndb_open(path, VULNDB_READ, &vdb, &cause);
	tap_ok(rc != 0 && vdb == NULL && has(cause, "schema version 99 is newer"),
	    "a newer schema is refused: %s", cause);
	free(path);
	free(cause);
	vulndb_close(NULL);
}

static void
test_detect(void)
{
	static const struct {
		const char	*rel;
		const char	*format;
	} cases[] = {
		{ "debian-tracker/vunnel_debian.json", "debian-tracker" },
		{ "debian-tracker/clair_fetcher_debian_test.json", "debian-tracker" },
		{ "alpine-secdb/json/v3.10/main.json", "alpine-secdb" },
		{ "alpine-secdb/json/v3.3/community.json", "alpine-secdb" },
		{ "alpine-secdb-excerpts/wolfi_security.json", "alpine-secdb" },
		{ "alpine-secdb-excerpts/chainguard_security.json", "alpine-secdb" },
		{ "alpine-secdb-excerpts/clair_v34_main.yaml", NULL },
		{ "debian-tracker/vunnel_DSA_list.txt", NULL },
	};
	const struct feed_format	*f;
	char				*path, *data, *cause = NULL;
	size_t				 i, len;

	for (i = 0; i < NELEM(cases); i++) {
		path = fx_path(cases[i].rel);
		if (file_read(path, FEED_MAX_SIZE, &data, &len, &cause) != 0) {
			tap_ok(0, "read %s: %s", cases[i].rel, cause);
			free(path);
			continue;
		}
		f = feed_format_detect(data, len);
		tap_ok(cases[i].format == NULL ? f == NULL :
		    f != NULL && strcmp(f->name, cases[i].format) == 0,
		    "%s is detected as %s", cases[i].rel,
		    cases[i].format != NULL ? cases[i].format : "nothing");
		free(data);
		free(path);
	}
	tap_ok(feed_format_find("debian-tracker") != NULL &&
	    feed_format_find("alpine-secdb") != NULL && feed_format_find("osvx") == NULL,
	    "feed_format_find knows its names");
	free(cause);
}

static void
test_debian(struct vulndb *vdb)
{
	struct probe	 p;
	char		*got, *cause = NULL;

	tap_ok(import(vdb, "debian-tracker/vunnel_debian.json", NULL) > 0,
	    "import vunnel_debian.json");
	tap_ok(import(vdb, "debian-tracker/clair_fetcher_debian_test.json", NULL) > 0,
	    "import clair_fetcher_debian_test.json");

	/* prototypejs CVE-2008-7220 resolved 1.6.0.2-1 high**; CVE-2007-2383 "0". */
	got = lookup(vdb, "debian:stretch", PKG_SOURCE, "prototypejs");
	tap_ok(strcmp(got, "CVE-2008-7220 1.6.0.2-1 fixed High high**|") == 0,
	    "stretch prototypejs: one fixed advisory, High from high**; \"0\" gives none (%s)",
	    got);
	free(got);
	got = lookup(vdb, "debian:stretch", PKG_BINARY, "prototypejs");
	tap_ok(*got == '\0', "tracker advisories name source packages, not binaries");
	free(got);
	/* chromium CVE-2022-0456: buster open end-of-life; bookworm resolved. */
	got = lookup(vdb, "debian:buster", PKG_SOURCE, "chromium");
	tap_ok(strcmp(got, "CVE-2022-0456 - open Unknown end-of-life|") == 0,
	    "buster chromium: open, no fix, end-of-life is Unknown (%s)", got);
	free(got);
	got = lookup(vdb, "debian:bookworm", PKG_SOURCE, "chromium");
	tap_ok(strcmp(got, "CVE-2022-0456 98.0.4758.80-1 fixed Unknown not yet assigned|")
	    == 0, "bookworm chromium: not yet assigned is Unknown (%s)", got);
	free(got);
	got = lookup(vdb, "debian:sid", PKG_SOURCE, "txt2man");
	tap_ok(strcmp(got, "CVE-2013-1444 1.5.5-4.1 fixed Low low**|") == 0,
	    "sid txt2man: Low from low** (%s)", got);
	free(got);
	got = lookup(vdb, "debian:jessie", PKG_SOURCE, "backupninja");
	tap_ok(strcmp(got, "CVE-2005-3111 0.8-2 fixed Medium medium|") == 0,
	    "jessie backupninja: Medium (%s)", got);
	free(got);
	/* chromium-browser has "releases": [] */
	got = lookup(vdb, "debian:sid", PKG_SOURCE, "chromium-browser");
	tap_ok(*got == '\0', "an empty releases list gives no advisory");
	free(got);
	/* clair: aptdaemon CVE-2015-1323 wheezy resolved without a version: none. */
	got = lookup(vdb, "debian:wheezy", PKG_SOURCE, "aptdaemon");
	tap_ok(*got == '\0', "resolved without fixed_version gives no advisory");
	free(got);
	got = lookup(vdb, "debian:jessie", PKG_SOURCE, "aptdaemon");
	tap_ok(strcmp(got, "CVE-2003-0779 0.7.0 fixed High high**|"
	    "CVE-2015-1323 - open Low low**|") == 0, "jessie aptdaemon (%s)", got);
	free(got);
	got = lookup(vdb, "debian:jessie", PKG_SOURCE, "asterisk");
	tap_ok(strcmp(got, "CVE-2003-0779 0.5.56 fixed High high|") == 0,
	    "jessie asterisk: CVE-2013-2685 \"0\" (unimportant) gives none (%s)", got);
	free(got);

	memset(&p, 0, sizeof p);
	vulndb_lookup(vdb, "debian:bookworm", PKG_SOURCE, "sope", probe_cb, &p, &cause);
	tap_ok(p.n == 1 && has(p.desc, "In Alinto SOPE SOGo 2.0.2 through 5.12.2") &&
	    p.link != NULL && strcmp(p.link,
	    "https://security-tracker.debian.org/tracker/CVE-2025-53603") == 0,
	    "description and tracker link come back with the advisory");
	free((char *)p.desc);
	free((char *)p.link);

	/* Matching: chromium bookworm fixed 98.0.4758.80-1 (vunnel_debian.json). */
	expect_match(vdb, "debian:bookworm", "chromium", "98.0.4758.79-1", "chromium",
	    "98.0.4758.79-1", ECO_DEB,
	    "CVE-2022-0456:chromium:98.0.4758.80-1:fixed,", "below the fix");
	expect_match(vdb, "debian:bookworm", "chromium-common", "98.0.4758.80-1",
	    "chromium", NULL, ECO_DEB, "", "equal to the fix");
	expect_match(vdb, "debian:bookworm", "chromium", "98.0.4758.102-1", "chromium",
	    NULL, ECO_DEB, "", "above the fix");
	/* sope bookworm 5.8.0-1+deb12u1: a binary of another name, source version. */
	expect_match(vdb, "debian:bookworm", "sope4.9-libxml", "5.8.0-1", "sope",
	    "5.8.0-1", ECO_DEB, "CVE-2025-53603:sope4.9-libxml:5.8.0-1+deb12u1:fixed,",
	    "binary of source sope, below");
	expect_match(vdb, "debian:bookworm", "sope4.9-libxml", "5.8.0-1+deb12u1", "sope",
	    NULL, ECO_DEB, "", "binary of source sope, equal");
	/* Binary version differs from the source's: the source version decides. */
	expect_match(vdb, "debian:bookworm", "sope4.9-libxml", "9.9-1", "sope",
	    "5.8.0-1", ECO_DEB, "CVE-2025-53603:sope4.9-libxml:5.8.0-1+deb12u1:fixed,",
	    "source version, not binary version, compared");
	/* Open: chromium buster. */
	expect_match(vdb, "debian:buster", "chromium", "90.0.4430.212-1~deb10u1",
	    "chromium", NULL, ECO_DEB, "CVE-2022-0456:chromium:-:open,", "open issue");
	/* Not affected "0": prototypejs CVE-2007-2383 never shows. */
	expect_match(vdb, "debian:stretch", "libjs-prototype", "1.7.1-3", "prototypejs",
	    NULL, ECO_DEB, "", "\"0\" is not affected, 1.7.1-3 above 1.6.0.2-1");
	expect_match(vdb, "debian:stretch", "libjs-prototype", "1.5.0-1", "prototypejs",
	    NULL, ECO_DEB, "CVE-2008-7220:libjs-prototype:1.6.0.2-1:fixed,",
	    "below 1.6.0.2-1; CVE-2007-2383 (\"0\") still absent");
	/* clair: asterisk jessie fixed 0.5.56; 1:1.17.2 has an epoch, above. */
	expect_match(vdb, "debian:jessie", "asterisk", "1:1.17.2", "asterisk", NULL,
	    ECO_DEB, "", "epoch 1 is above 0.5.56");
	expect_match(vdb, "debian:jessie", "aptdaemon", "1.1.1-4", "aptdaemon", NULL,
	    ECO_DEB, "CVE-2015-1323:aptdaemon:-:open,", "open; 0.7.0 fix below");
	/* Another namespace sees none of it. */
	expect_match(vdb, "debian:trixie", "chromium", "1.0-1", "chromium", NULL,
	    ECO_DEB, "", "chromium has no trixie release in the fixture");
	free(cause);
}

static void
test_alpine(struct vulndb *vdb)
{
	static const char *files[] = {
		"v3.3/main.json", "v3.3/community.json", "v3.4/main.json",
		"v3.4/community.json", "v3.5/main.json", "v3.5/community.json",
		"v3.6/main.json", "v3.6/community.json", "v3.7/main.json",
		"v3.7/community.json", "v3.8/main.json", "v3.8/community.json",
		"v3.9/main.json", "v3.9/community.json", "v3.10/main.json",
		"v3.10/community.json", "v3.11/main.json", "v3.11/community.json",
	};
	char	*rel, *got;
	size_t	 i;
	int	 ok = 1;
	double	 t0;

	t0 = now_mono();
	for (i = 0; i < NELEM(files); i++) {
		rel = xasprintf("alpine-secdb/json/%s", files[i]);
		if (import(vdb, rel, NULL) < 0)
			ok = 0;
		free(rel);
	}
	tap_ok(ok, "import the 18 Alpine secdb files (%.3f s)", now_mono() - t0);

	/*
	 * v3.10/main.json, expat: 2.2.7-r1 [CVE-2019-15903], 2.2.7-r0
	 * [CVE-2018-20843], 2.2.0-r1 [CVE-2017-9233].
	 */
	got = lookup(vdb, "alpine:v3.10", PKG_SOURCE, "expat");
	tap_ok(strcmp(got, "CVE-2017-9233 2.2.0-r1 fixed Unknown -|"
	    "CVE-2018-20843 2.2.7-r0 fixed Unknown -|"
	    "CVE-2019-15903 2.2.7-r1 fixed Unknown -|") == 0,
	    "v3.10 expat: the three secfixes records (%s)", got);
	free(got);
	expect_match(vdb, "alpine:v3.10", "expat", "2.2.0-r0", "expat", NULL, ECO_APK,
	    "CVE-2017-9233:expat:2.2.0-r1:fixed,CVE-2018-20843:expat:2.2.7-r0:fixed,"
	    "CVE-2019-15903:expat:2.2.7-r1:fixed,", "older than every fix");
	expect_match(vdb, "alpine:v3.10", "expat-dev", "2.2.7-r0", "expat", NULL, ECO_APK,
	    "CVE-2019-15903:expat-dev:2.2.7-r1:fixed,",
	    "subpackage of origin expat, between the fixes");
	expect_match(vdb, "alpine:v3.10", "expat", "2.2.7-r1", "expat", NULL, ECO_APK,
	    "", "equal to the newest fix");
	expect_match(vdb, "alpine:v3.10", "expat", "2.2.8-r0", "expat", NULL, ECO_APK,
	    "", "newer than every fix");
	/* The same package in v3.11 is another namespace with its own records. */
	expect_match(vdb, "alpine:v3.9", "expat", "2.2.7-r1", "expat", NULL, ECO_APK,
	    "", "v3.9 expat at 2.2.7-r1");

	/* Odd ids: "CVE-2018-14468 (FrameRelay)" in v3.10 tcpdump; xen's "CVE… XSA-…". */
	got = lookup(vdb, "alpine:v3.10", PKG_SOURCE, "tcpdump");
	tap_ok(has(got, "CVE-2018-14468 4.9.3-r0 fixed") && !has(got, "(") &&
	    !has(got, "FrameRelay"), "trailing words after a CVE id are dropped");
	free(got);
	got = lookup(vdb, "alpine:v3.10", PKG_SOURCE, "xen");
	tap_ok(has(got, "CVE-2016-6258 ") && !has(got, "XSA-182") &&
	    has(got, "XSA-207 ") && !has(got, "????"),
	    "xen: the CVE of \"CVE XSA\", the XSA when no CVE, no placeholder");
	free(got);

	/* Wolfi and Chainguard: their own namespaces; "0" means not affected. */
	tap_ok(import(vdb, "alpine-secdb-excerpts/wolfi_security.json", NULL) > 0 &&
	    import(vdb, "alpine-secdb-excerpts/chainguard_security.json", NULL) > 0,
	    "import the Wolfi and Chainguard secdb excerpts");
	/* wolfi: expat 2.4.9-r0 [CVE-2022-40674], 2.5.0-r0 [CVE-2022-43680]; flex "0". */
	expect_match(vdb, "wolfi:rolling", "expat", "2.4.9-r0", "expat", NULL, ECO_APK,
	    "CVE-2022-43680:expat:2.5.0-r0:fixed,", "wolfi expat between its fixes");
	expect_match(vdb, "wolfi:rolling", "flex", "2.6.4-r0", "flex", NULL, ECO_APK,
	    "", "wolfi flex: CVE-2019-6293 under \"0\" is not affected");
	/* chainguard: grafana 7.5.19-r0 lists five CVEs. */
	got = match_one(vdb, "chainguard:rolling", "grafana", "7.5.18-r0", "grafana",
	    NULL, ECO_APK);
	tap_ok(has(got, "CVE-2022-31130:grafana:7.5.19-r0:fixed,") &&
	    has(got, "CVE-2021-36156:grafana:7.5.19-r0:fixed,"),
	    "chainguard grafana below 7.5.19-r0 (%s)", got);
	free(got);
}

/* Two feeds name one CVE for one package: one finding, the highest fix. */
static void
test_merge(struct vulndb *vdb)
{
	static const char a[] = "{\"hsmerge\": {\"CVE-2099-0001\": {\"releases\":"
	    " {\"bookworm\": {\"status\": \"resolved\", \"fixed_version\": \"1.0-1\","
	    " \"urgency\": \"low\"}}}}}";
	static const char b[] = "{\"hsmerge\": {\"CVE-2099-0001\": {\"releases\":"
	    " {\"bookworm\": {\"status\": \"resolved\", \"fixed_version\": \"1.2-1\","
	    " \"urgency\": \"high\"}}}}}";
	char	*pa, *pb, *cause = NULL;

	pa = tmp_path("merge-a.json");
	pb = tmp_path("merge-b.json");
	write_file(pa, a, sizeof a - 1);
	write_file(pb, b, sizeof b - 1);
	tap_ok(feed_import_file(vdb, pa, NULL, NULL, NULL, &cause) == 0 &&
	    feed_import_file(vdb, pb, NULL, NULL, NULL, &cause) == 0,
	    "import two small tracker files naming the same CVE");
	expect_match(vdb, "debian:bookworm", "hsmerge", "0.9-1", "hsmerge", NULL,
	    ECO_DEB, "CVE-2099-0001:hsmerge:1.2-1:fixed,",
	    "below both fixes: one finding, the highest fix");
	expect_match(vdb, "debian:bookworm", "hsmerge", "1.1-1", "hsmerge", NULL,
	    ECO_DEB, "CVE-2099-0001:hsmerge:1.2-1:fixed,", "between the fixes");
	expect_match(vdb, "debian:bookworm", "hsmerge", "1.2-1", "hsmerge", NULL,
	    ECO_DEB, "", "at the highest fix");
	free(pa);
	free(pb);
	free(cause);
}

/* Match one package; findings as "id[alias,…]Severity:fixed;". */
static char *
match_aliases(struct vulndb *vdb, const char *ns, const char *name,
    const char *version)
{
	struct inventory	*inv;
	struct finding_list	 fl;
	struct buf		 b;
	char			*cause = NULL;
	size_t			 i, k;

	inv = inventory_new();
	inv->os.namespace = xstrdup(ns);
	inventory_add(inv, name, version, NULL, NULL, NULL, ECO_DEB);
	memset(&fl, 0, sizeof fl);
	buf_init(&b);
	if (match_inventory(vdb, inv, &fl, &cause) != 0) {
		buf_printf(&b, "error: %s", cause);
		free(cause);
	}
	finding_list_sort(&fl);
	for (i = 0; i < fl.n; i++) {
		buf_printf(&b, "%s[", fl.v[i].id);
		for (k = 0; k < fl.v[i].naliases; k++)
			buf_printf(&b, "%s%s", k > 0 ? "," : "", fl.v[i].aliases[k]);
		buf_printf(&b, "]%s:%s;", severity_name(fl.v[i].severity),
		    fl.v[i].fixed_version != NULL ? fl.v[i].fixed_version : "-");
	}
	finding_list_clear(&fl);
	inventory_free(inv);
	return buf_steal(&b);
}

/*
 * Records of one vulnerability are one finding. Hand-made OSV records for
 * Debian 12, installed version 1.0-1 throughout; each package one case.
 */
#define OSV_REC(id, extra, pkg, fixed) \
	"{\"id\": \"" id "\", \"modified\": \"2024-01-01T00:00:00Z\", " extra \
	" \"affected\": [{\"package\": {\"ecosystem\": \"Debian:12\", \"name\": \"" \
	pkg "\"}, \"ranges\": [{\"type\": \"ECOSYSTEM\", \"events\": " \
	"[{\"introduced\": \"0\"}, {\"fixed\": \"" fixed "\"}]}]}]}"
#define SEV(w)	"\"database_specific\": {\"severity\": \"" w "\"},"

static void
test_aliases(struct vulndb *vdb)
{
	static const char recs[] = "[\n"
	    /* A GHSA naming the CVE as alias: the CVE, the GHSA its alias. */
	    OSV_REC("CVE-2099-1001", SEV("low"), "al-ghsa", "1.1-1") ",\n"
	    OSV_REC("GHSA-aaaa-bbbb-cccc", "\"aliases\": [\"CVE-2099-1001\"],",
		"al-ghsa", "1.1-1") ",\n"
	    /* A notice of two CVEs; the second's own record: not affected. */
	    OSV_REC("DSA-9001-1", "\"upstream\": [\"CVE-2099-2001\", \"CVE-2099-2002\"],",
		"al-multi", "2.0-1") ",\n"
	    OSV_REC("CVE-2099-2001", SEV("low"), "al-multi", "2.0-1") ",\n"
	    OSV_REC("CVE-2099-2002", SEV("high"), "al-multi", "0.5-1") ",\n"
	    /* A notice of two CVEs that have no record: a finding for each. */
	    OSV_REC("DSA-9002-1", SEV("medium")
		"\"upstream\": [\"CVE-2099-3001\", \"CVE-2099-3002\"],",
		"al-split", "2.0-1") ",\n"
	    /* A USN and Ubuntu's own record of its one CVE. */
	    OSV_REC("USN-9003-1", "\"upstream\": [\"UBUNTU-CVE-2099-4001\"],",
		"al-usn", "2.0-1") ",\n"
	    OSV_REC("UBUNTU-CVE-2099-4001", SEV("low"), "al-usn", "2.0-1") ",\n"
	    /* No CVE anywhere: merged by the ids they share. */
	    OSV_REC("GHSA-xxxx-yyyy-zzzz", SEV("high"), "al-nocve", "2.0-1") ",\n"
	    OSV_REC("PYSEC-2099-1", "\"aliases\": [\"GHSA-xxxx-yyyy-zzzz\"],",
		"al-nocve", "2.0-1") ",\n"
	    /* Every CVE of the notice says not affected: the notice stays. */
	    OSV_REC("DSA-9004-1", "\"related\": [\"CVE-2099-5001\", \"CVE-2099-5002\"],",
		"al-stay", "2.0-1") ",\n"
	    OSV_REC("CVE-2099-5001", "", "al-stay", "0.5-1") ",\n"
	    OSV_REC("CVE-2099-5002", "", "al-stay", "0.5-1") ",\n"
	    /*
	     * Severity: the CVE's own rating first, even when lower (a USN
	     * names its CVE as Canonical's record, UBUNTU-CVE-…).
	     */
	    OSV_REC("CVE-2099-7001", SEV("low"), "al-sev", "2.0-1") ",\n"
	    OSV_REC("USN-9007-1", SEV("high") "\"upstream\": [\"UBUNTU-CVE-2099-7001\"],",
		"al-sev", "2.0-1") ",\n"
	    /* ... unless it has none. */
	    OSV_REC("CVE-2099-8001", "", "al-sev2", "2.0-1") ",\n"
	    OSV_REC("USN-9008-1", SEV("high") "\"upstream\": [\"UBUNTU-CVE-2099-8001\"],",
		"al-sev2", "2.0-1") ",\n"
	    /* The fix: the CVE's own record's, not a notice's later one. */
	    OSV_REC("CVE-2099-9001", "", "al-fix", "1.5-1") ",\n"
	    OSV_REC("USN-9009-1", "\"upstream\": [\"CVE-2099-9001\", \"CVE-2099-9002\"],",
		"al-fix", "3.0-1") ",\n"
	    /* Two vulnerabilities of one package stay two. */
	    OSV_REC("CVE-2099-9101", "", "al-two", "2.0-1") ",\n"
	    OSV_REC("CVE-2099-9102", "\"related\": [\"CVE-2099-9101\"],", "al-two",
		"2.0-1") "\n"
	    "]\n";
	static const struct {
		const char	*pkg;
		const char	*want;
		const char	*why;
	} cases[] = {
		{ "al-ghsa", "CVE-2099-1001[GHSA-aaaa-bbbb-cccc]Low:1.1-1;",
		    "a GHSA aliasing a CVE is that CVE" },
		{ "al-multi", "CVE-2099-2001[DSA-9001-1]Low:2.0-1;",
		    "a notice of two CVEs: an alias of the one that affects; the "
		    "other's own record decides" },
		{ "al-split", "CVE-2099-3001[DSA-9002-1]Medium:2.0-1;"
		    "CVE-2099-3002[DSA-9002-1]Medium:2.0-1;",
		    "a notice of two CVEs without records of their own: one "
		    "finding per CVE" },
		{ "al-usn", "CVE-2099-4001[UBUNTU-CVE-2099-4001,USN-9003-1]Low:2.0-1;",
		    "a USN and Ubuntu's record of its CVE: one finding" },
		{ "al-nocve", "GHSA-xxxx-yyyy-zzzz[PYSEC-2099-1]High:2.0-1;",
		    "no CVE: records sharing an id are one, the GHSA's id" },
		{ "al-stay", "DSA-9004-1[]Unknown:2.0-1;",
		    "a notice whose CVEs' records all say not affected stays" },
		{ "al-sev", "CVE-2099-7001[USN-9007-1]Low:2.0-1;",
		    "severity: the CVE's own record's rating first" },
		{ "al-sev2", "CVE-2099-8001[USN-9008-1]High:2.0-1;",
		    "severity: a notice's when the CVE's record has none" },
		{ "al-fix", "CVE-2099-9001[USN-9009-1]Unknown:1.5-1;"
		    "CVE-2099-9002[USN-9009-1]Unknown:3.0-1;",
		    "fix: the CVE's own; the notice's for the CVE it alone names" },
		{ "al-two", "CVE-2099-9101[]Unknown:2.0-1;CVE-2099-9102[]Unknown:2.0-1;",
		    "related CVEs of a CVE record are other vulnerabilities" },
	};
	char	*path, *got, *cause = NULL;
	size_t	 i;

	path = tmp_path("aliases.json");
	write_file(path, recs, sizeof recs - 1);
	if (!tap_ok(feed_import_file(vdb, path, NULL, NULL, NULL, &cause) == 0,
	    "import the alias cases"))
		tap_diag("%s", cause);
	for (i = 0; i < NELEM(cases); i++) {
		got = match_aliases(vdb, "debian:bookworm", cases[i].pkg, "1.0-1");
		if (!tap_ok(strcmp(got, cases[i].want) == 0, "%s: %s", cases[i].pkg,
		    cases[i].why))
			tap_diag("want %s, got %s", cases[i].want, got);
		free(got);
	}
	free(path);
	free(cause);
}

/*
 * A database written before the aliases table: read only, it is matched
 * as before (no merge); a writable open adds the table and forgets the
 * feeds' hashes and validators, so the next update imports them again.
 */
static void
test_aliases_upgrade(void)
{
	static const char recs[] = "[\n"
	    OSV_REC("USN-9003-1", "\"upstream\": [\"UBUNTU-CVE-2099-4001\"],",
		"al-usn", "2.0-1") ",\n"
	    OSV_REC("UBUNTU-CVE-2099-4001", SEV("low"), "al-usn", "2.0-1") "\n"
	    "]\n";
	struct vulndb	*vdb = NULL;
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*path, *json, *got, *cause = NULL;
	int		 rc, tables = -1, hashes = -1;

	path = tmp_path("old-aliases.db");
	json = tmp_path("old-aliases.json");
	write_file(json, recs, sizeof recs - 1);
	rc = vulndb_open(path, VULNDB_CREATE, &vdb, &cause);
	if (rc == 0)
		rc = feed_import_file(vdb, json, NULL, NULL, NULL, &cause);
	vulndb_close(vdb);
	vdb = NULL;
	if (rc == 0 && sqlite3_open(path, &db) == SQLITE_OK) {
		rc = sqlite3_exec(db, "DROP TABLE aliases; UPDATE feeds SET etag = "
		    "'\"e1\"'", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
		sqlite3_close(db);
	}
	tap_ok(rc == 0, "a database without the aliases table (%s)",
	    rc == 0 ? "made" : cause);
	rc = vulndb_open(path, VULNDB_READ, &vdb, &cause);
	got = rc == 0 ? match_aliases(vdb, "debian:bookworm", "al-usn", "1.0-1") :
	    xstrdup(cause);
	tap_ok(strcmp(got, "CVE-2099-4001[]Low:2.0-1;USN-9003-1[]Unknown:2.0-1;") == 0,
	    "read only: matched as before, nothing merged (%s)", got);
	free(got);
	vulndb_close(vdb);
	vdb = NULL;
	rc = vulndb_open(path, VULNDB_WRITE, &vdb, &cause);
	vulndb_close(vdb);
	if (rc == 0 && sqlite3_open(path, &db) == SQLITE_OK) {
		if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM sqlite_master "
		    "WHERE name = 'aliases'), (SELECT count(*) FROM feeds WHERE sha256 "
		    "IS NOT NULL OR etag IS NOT NULL)", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW) {
			tables = sqlite3_column_int(st, 0);
			hashes = sqlite3_column_int(st, 1);
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	tap_ok(rc == 0 && tables == 1 && hashes == 0, "writable: the table is "
	    "added, every feed marked for import again (%d, %d)", tables, hashes);
	vdb = NULL;
	rc = vulndb_open(path, VULNDB_WRITE, &vdb, &cause);
	if (rc == 0)
		rc = feed_import_file(vdb, json, NULL, NULL, NULL, &cause);
	got = rc == 0 ? match_aliases(vdb, "debian:bookworm", "al-usn", "1.0-1") :
	    xstrdup(cause);
	tap_ok(strcmp(got, "CVE-2099-4001[UBUNTU-CVE-2099-4001,USN-9003-1]Low:2.0-1;")
	    == 0, "imported again: merged (%s)", got);
	free(got);
	vulndb_close(vdb);
	free(json);
	free(path);
	free(cause);
}

/* Load a fixture with jansson, let fn break it, write it to tmpdir/name. */
static char *
mutate(const char *rel, const char *name, void (*fn)(json_t *))
{
	json_t	*root;
	char	*src, *path;

	src = fx_path(rel);
	root = json_load_file(src, 0, NULL);
	free(src);
	if (root == NULL)
		return NULL;
	fn(root);
	path = tmp_path(name);
	if (json_dump_file(root, path, JSON_INDENT(2)) != 0) {
		free(path);
		path = NULL;
	}
	json_decref(root);
	return path;
}

/* prototypejs CVE-2008-7220: "releases": "oops" (the first record of the file). */
static void
break_releases(json_t *root)
{
	json_t	*cve;

	cve = json_object_get(json_object_get(root, "prototypejs"), "CVE-2008-7220");
	json_object_set_new(cve, "releases", json_string("oops"));
}

/* sope CVE-2025-53603 trixie (the last release of the file): status a number. */
static void
break_status(json_t *root)
{
	json_t	*rel;

	rel = json_object_get(json_object_get(json_object_get(json_object_get(root,
	    "sope"), "CVE-2025-53603"), "releases"), "trixie");
	json_object_set_new(rel, "status", json_integer(12));
}

/* The last package of v3.10 community loses its name. */
static void
break_name(json_t *root)
{
	json_t	*pkgs;

	pkgs = json_object_get(root, "packages");
	json_object_del(json_object_get(json_array_get(pkgs,
	    json_array_size(pkgs) - 1), "pkg"), "name");
}

/* A broken file rolls back: the database is what it was, the message names the file. */
static void
test_malformed(struct vulndb *vdb)
{
	char	*src, *data, *path, *cause = NULL;
	size_t	 len;
	int64_t	 before, n;
	int	 rc;

	src = fx_path("debian-tracker/vunnel_debian.json");
	if (file_read(src, FEED_MAX_SIZE, &data, &len, &cause) != 0) {
		tap_ok(0, "read %s: %s", src, cause);
		free(src);
		free(cause);
		return;
	}
	free(src);
	before = vulndb_count(vdb);

	/* Truncated in the middle, imported over the feed of the same name. */
	path = tmp_path("vunnel_debian.json");
	write_file(path, data, len / 2);
	free(data);
	rc = feed_import_file(vdb, path, "debian-tracker", "vunnel_debian.json", &n, &cause);
	tap_ok(rc != 0 && has(cause, path) && has(cause, "invalid JSON at line"),
	    "truncated JSON: %s", cause);
	tap_ok(vulndb_count(vdb) == before, "truncated JSON: rows before == after (%lld)",
	    (long long)before);
	free(path);

	path = mutate("debian-tracker/vunnel_debian.json", "vunnel_debian.json",
	    break_releases);
	rc = feed_import_file(vdb, path, NULL, "vunnel_debian.json", &n, &cause);
	tap_ok(rc != 0 && has(cause, "vunnel_debian.json: prototypejs: CVE-2008-7220:"
	    " releases is not an object"), "releases not an object: %s", cause);
	tap_ok(vulndb_count(vdb) == before, "releases not an object: db unchanged");
	free(path);

	/* Broken in the last record, after every other row went in. */
	path = mutate("debian-tracker/vunnel_debian.json", "vunnel_debian.json",
	    break_status);
	rc = feed_import_file(vdb, path, NULL, "vunnel_debian.json", &n, &cause);
	tap_ok(rc != 0 && has(cause, path) &&
	    has(cause, "sope: CVE-2025-53603: release trixie: status"),
	    "status not a string in the last record: %s", cause);
	tap_ok(vulndb_count(vdb) == before, "status not a string: db unchanged");
	free(path);

	path = mutate("alpine-secdb/json/v3.10/community.json", "community.json",
	    break_name);
	rc = feed_import_file(vdb, path, NULL, NULL, &n, &cause);
	tap_ok(rc != 0 && has(cause, path) && has(cause, "pkg.name is missing"),
	    "secdb package without a name: %s", cause);
	tap_ok(vulndb_count(vdb) == before, "secdb without a name: db unchanged");
	free(path);

	/* Re-importing a good file replaces its feed: the count does not grow. */
	rc = import(vdb, "debian-tracker/vunnel_debian.json", NULL) > 0 ? 0 : -1;
	tap_ok(rc == 0 && vulndb_count(vdb) == before,
	    "re-importing a feed replaces its rows");
	tap_ok(vulndb_age(vdb) >= 0 && vulndb_age(vdb) < 600, "age after an import: %lld s",
	    (long long)vulndb_age(vdb));
	free(cause);
}

int
main(void)
{
	struct vulndb	*vdb = NULL;
	char		*path, *cause = NULL;
	int64_t		 n;
	int		 rc;

	(void)tap_skip;		/* nothing here is optional: no case skips */
	if ((fx = tap_fixtures()) == NULL)
		tap_no_fixtures();
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	log_verbosity = 0;

	test_open_errors();
	test_detect();

	path = tmp_path("vuln.db");
	if (!tap_ok(vulndb_open(path, VULNDB_CREATE, &vdb, &cause) == 0,
	    "create %s", path)) {
		tap_diag("%s", cause);
		return tap_done();
	}
	test_debian(vdb);
	test_alpine(vdb);
	test_merge(vdb);
	test_aliases(vdb);
	test_aliases_upgrade();
	test_malformed(vdb);
	vulndb_close(vdb);

	/* Read-only open of what was written, and a lookup through it. */
	vdb = NULL;
	rc = vulndb_open(path, VULNDB_READ, &vdb, &cause);
	n = rc == 0 ? vulndb_count(vdb) : -1;
	tap_ok(rc == 0 && n > 12000, "reopen READ: %lld advisories", (long long)n);
	expect_match(vdb, "alpine:v3.10", "expat", "2.2.7-r0", "expat", NULL, ECO_APK,
	    "CVE-2019-15903:expat:2.2.7-r1:fixed,", "through a READ handle");
	vulndb_close(vdb);
	free(path);
	free(cause);

	path = xasprintf("rm -rf '%s'", tmpdir);
	if (system(path) != 0)
		tap_diag("could not remove %s", tmpdir);
	free(path);
	return tap_done();
}
