/*
 * Builds run results by hand and writes the JUnit, SARIF, HTML and XML
 * reports. Run alone it is a TAP test of the writers; with --write DIR it
 * only writes the reports for tests/report.sh and tests/html.sh to check.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "model.h"
#include "report.h"
#include "util.h"
/* This test needs no fixtures: tap.h's fixture helpers stay unused. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tap.h"

#define HOSTILE "<script>alert(1)</script> \"double\" 'single' & ampersand"

/* --bump: the next build of the same images, rebuilt: new digests and versions. */
static int bump;
/* --all-fail: with --many, every finding fails the policy (fail on Unknown). */
static int all_fail;

static char *
ver(const char *v)
{
	return bump ? xasprintf("%s+b2", v) : xstrdup(v);
}

static struct finding *
add(struct finding_list *l, const char *id, const char *pkg, const char *inst,
    const char *fixed, enum severity sev, enum verdict v, int is_new)
{
	struct finding	*f;

	f = finding_list_add(l);
	f->id = xstrdup(id);
	f->package = xstrdup(pkg);
	f->installed_version = inst != NULL ? ver(inst) : NULL;
	f->source_name = xstrdup(pkg);
	f->fixed_version = fixed != NULL ? ver(fixed) : NULL;
	f->severity = sev;
	f->status = xstrdup(fixed != NULL ? "fixed" : "open");
	f->namespace = xstrdup("debian:bookworm");
	f->link = xasprintf("https://security-tracker.debian.org/tracker/%s", id);
	f->description = xasprintf("%s allows remote attackers to do harm.", id);
	f->verdict = v;
	f->is_new = is_new;
	return f;
}

static struct run_result *
build_run(void)
{
	struct run_result	*rr;
	struct image_result	*r;
	struct finding		*f;
	static const int	 trend[8][6] = {
		/* Unknown, Negligible, Low, Medium, High, Critical */
		{ 0, 3, 6, 9, 4, 1 }, { 0, 3, 6, 8, 4, 1 }, { 1, 3, 5, 8, 3, 2 },
		{ 0, 2, 5, 7, 3, 2 }, { 0, 2, 4, 7, 2, 1 }, { 0, 2, 3, 5, 2, 1 },
		{ 0, 1, 3, 4, 2, 1 }, { 0, 1, 1, 3, 1, 2 },
	};
	size_t			 i;
	int			 s;

	rr = run_result_new();
	rr->started = xstrdup("2026-11-01T10:00:00Z");
	rr->db_path = xstrdup("/var/cache/hullscan/vuln.db");
	rr->job = xstrdup("team/nightly-scan");
	rr->build = xstrdup(bump ? "43" : "42");
	rr->build_url = xasprintf("https://jenkins.example.com/job/team/job/"
	    "nightly-scan/%s/", rr->build);
	rr->previous_build = xstrdup(bump ? "42" : "41");
	rr->policy_failed = 1;
	rr->exit_status = 1;
	rr->policy_summary = xstrdup("fail on High or worse");
	rr->nreasons = 2;
	rr->reasons = xcalloc(2, sizeof *rr->reasons);
	rr->reasons[0] = xstrdup("4 findings at High or worse in "
	    "registry.example.com/team/web.app (CVE-2024-0001 in openssl, …)");
	rr->reasons[1] = xstrdup("1 finding at Critical in evil\"<script>alert(3)"
	    "</script>&.img");

	/* An image whose name holds dots, with findings of every verdict. */
	r = run_result_add(rr, "docker://registry.example.com/team/web.app:1.4.2");
	r->name = xstrdup("registry.example.com/team/web.app");
	r->digest = xstrdup(bump ?
	    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" :
	    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	r->inv = inventory_new();
	r->inv->os.id = xstrdup("debian");
	r->inv->os.pretty_name = xstrdup("Debian GNU/Linux 12 (bookworm)");
	r->inv->os.namespace = xstrdup("debian:bookworm");
	inventory_add(r->inv, "openssl", "3.0.11-1~deb12u1", NULL, NULL, "amd64", ECO_DEB);
	inventory_add(r->inv, "libc6", "2.36-9", "glibc", NULL, "amd64", ECO_DEB);
	inventory_add(r->inv, "zlib1g", "1:1.2.13.dfsg-1", "zlib", NULL, "amd64", ECO_DEB);
	r->seconds = 1.25;
	r->has_previous = 1;
	add(&r->findings, "CVE-2024-0001", "openssl", "3.0.11-1~deb12u1",
	    "3.0.13-1~deb12u1", SEV_CRITICAL, VERDICT_FAIL, 1);
	f = add(&r->findings, "CVE-2024-0002", "libc6", "2.36-9", NULL, SEV_HIGH,
	    VERDICT_FAIL, 0);
	free(f->source_name);
	f->source_name = xstrdup("glibc");
	f = add(&r->findings, "CVE-2023-0003", "zlib1g", "1:1.2.13.dfsg-1",
	    "1:1.2.13.dfsg-2", SEV_MEDIUM, VERDICT_IGNORED, 0);
	f->ignore_reason = xstrdup("not reachable: we never inflate untrusted "
	    "data (until 2027-01-01)");
	f = add(&r->findings, "CVE-2023-0004", "lib&co", "1.0<2>", "1.1", SEV_LOW,
	    VERDICT_PASS, 1);
	free(f->description);
	f->description = xstrdup(HOSTILE);
	free(f->link);
	f->link = xstrdup("javascript:alert(1)");
	f = add(&r->findings, "TEMP-0000001-ABCDEF", "bash", "5.2.15-2", NULL,
	    SEV_NEGLIGIBLE, VERDICT_PASS, 0);
	free(f->description);
	f->description = NULL;
	free(f->link);
	f->link = NULL;
	/* One package twice (two architectures): two cases, two results. */
	add(&r->findings, "CVE-2024-0005", "libssl3", "3.0.11-1~deb12u1",
	    "3.0.13-1~deb12u1", SEV_HIGH, VERDICT_FAIL, 0);
	add(&r->findings, "CVE-2024-0005", "libssl3", "3.0.11-1~deb12u1",
	    "3.0.13-1~deb12u1", SEV_HIGH, VERDICT_FAIL, 0);
	add(&r->fixed, "CVE-2022-1111", "curl", "7.88.1-10", "7.88.1-10+deb12u5",
	    SEV_HIGH, VERDICT_FAIL, -1);
	/* Still open under the same identity: not fixed. */
	add(&r->fixed, "CVE-2024-0002", "libc6", "2.36-8", NULL, SEV_HIGH,
	    VERDICT_FAIL, -1);

	/* An image that could not be scanned. */
	r = run_result_add(rr, "docker://registry.example.com/broken:2");
	r->name = xstrdup("registry.example.com/broken");
	r->error = xstrdup("manifest unknown <b>bold</b> & \"quoted\"");
	r->seconds = 0.5;

	/* A clean image with something fixed since the previous build. */
	r = run_result_add(rr, "oci:/srv/images/alpine:3.19");
	r->name = xstrdup("oci:/srv/images/alpine");
	r->digest = xstrdup("sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	r->inv = inventory_new();
	r->inv->os.id = xstrdup("alpine");
	r->inv->os.pretty_name = xstrdup("Alpine Linux v3.19");
	inventory_add(r->inv, "musl", "1.2.4-r2", NULL, NULL, "x86_64", ECO_APK);
	r->seconds = 0.25;
	r->has_previous = 1;
	add(&r->fixed, "CVE-2023-5678", "libcrypto3", "3.1.4-r0", "3.1.4-r1",
	    SEV_LOW, VERDICT_PASS, -1);

	/* A hostile name, id-less garbage in strings: control bytes, bad UTF-8. */
	r = run_result_add(rr, "docker-archive:/tmp/evil.tar:evil\"<script>alert(3)"
	    "</script>&.img:1");
	r->name = xstrdup("evil\"<script>alert(3)</script>&.img");
	r->inv = inventory_new();
	r->inv->os.pretty_name = xstrdup("naïve OS ✓");
	r->seconds = 0;
	f = add(&r->findings, "CVE-2024-9999", "pkg\"quote'&<x>", "1.0", NULL,
	    SEV_CRITICAL, VERDICT_FAIL, -1);
	free(f->description);
	f->description = xstrdup("control \x01 byte, bad UTF-8 \xff\xfe, "
	    "ok UTF-8 naïve ✓, " HOSTILE);

	rr->ntrend = NELEM(trend);
	rr->trend = xcalloc(rr->ntrend, sizeof *rr->trend);
	for (i = 0; i < rr->ntrend; i++) {
		rr->trend[i].build = xasprintf("%zu", i + (bump ? 36 : 35));
		rr->trend[i].started = xasprintf("2026-10-%02zuT10:00:00Z", i + 20);
		for (s = SEV_UNKNOWN; s <= SEV_CRITICAL; s++)
			rr->trend[i].counts[s] = trend[i][s];
	}
	return rr;
}

/* A large run: n images of 100 findings each, to time the writers. */
static struct run_result *
build_big(size_t n)
{
	struct run_result	*rr;
	struct image_result	*r;
	size_t			 i, j;
	char			*ref, *id, *pkg;

	rr = build_run();
	for (i = 0; i < n; i++) {
		ref = xasprintf("docker://registry.example.com/svc/app%zu:1", i);
		r = run_result_add(rr, ref);
		free(ref);
		r->name = xasprintf("registry.example.com/svc/app%zu", i);
		r->inv = inventory_new();
		for (j = 0; j < 100; j++) {
			id = xasprintf("CVE-2024-%04zu", j);
			pkg = xasprintf("pkg%zu", j % 37);
			add(&r->findings, id, pkg, "1.0-1", j % 3 ? "1.0-2" : NULL,
			    (enum severity)(j % 6), (enum verdict)(j % 3), j % 5 == 0);
			free(id);
			free(pkg);
		}
	}
	return rr;
}

/* A small deterministic generator for build_many. */
static unsigned long many_seed = 12345;

static unsigned long
many_rand(unsigned long n)
{
	many_seed = many_seed * 6364136223846793005UL + 1442695040888963407UL;
	return (many_seed >> 33) % n;
}

/* A description of 80 to 800 characters, as the feeds give them. */
static char *
many_text(const char *id)
{
	static const char	*words[] = { "a", "remote", "attacker", "could",
		"cause", "denial", "of", "service", "via", "crafted", "input",
		"heap-based", "buffer", "overflow", "in", "the", "function",
		"when", "parsing", "certificates", "allows", "local", "users",
		"to", "gain", "privileges", "use-after-free", "memory", "NOTE:",
		"this", "issue", "exists", "because", "of", "an", "incomplete",
		"fix", "for", "CVE-2019-1234.", "versions", "before", "2.4.1" };
	struct buf		 b;
	size_t			 want = 80 + many_rand(720);

	buf_init(&b);
	buf_printf(&b, "%s:", id);
	while (b.len < want)
		buf_printf(&b, " %s", words[many_rand(NELEM(words))]);
	return buf_steal(&b);
}

/*
 * A realistic large run of n findings, the shape real images give: an
 * Ubuntu-like image where one advisory hits every binary package of its
 * source (1 to 6), a Java service with 200 jars where one advisory hits a
 * library wherever it was copied, and a smaller Alpine image. Severities
 * as feeds give them (mostly Medium and Low), fail on High, a few ignored,
 * some new since the previous build, some fixed.
 */
static struct run_result *
build_many(size_t n)
{
	static const int	 sevs[] = {	/* per 100 advisories */
		2, 10, 45, 30, 8, 5 };	/* Critical … Unknown */
	static const size_t	 per[] = { 1, 1, 1, 1, 2, 2, 3, 4, 6 };
	struct run_result	*rr;
	struct image_result	*r = NULL;
	struct finding		*f;
	size_t			 done = 0, img = 0, v = 0, k, np, j, jar;
	enum severity		 sev;
	unsigned long		 x;
	char			*id, *pkg, *text;
	int			 acc, s;

	rr = run_result_new();
	rr->started = xstrdup("2026-11-01T10:00:00Z");
	rr->job = xstrdup("team/nightly-scan");
	rr->build = xstrdup("42");
	rr->previous_build = xstrdup("41");
	rr->policy_failed = 1;
	rr->exit_status = 1;
	rr->policy_summary = xstrdup(all_fail ? "fail on Unknown or worse" :
	    "fail on High or worse");
	while (done < n) {
		if (r == NULL || (img == 1 && done >= n * 6 / 10) ||
		    (img == 2 && done >= n * 9 / 10)) {
			img++;
			r = run_result_add(rr, img == 1 ?
			    "registry.example.com/team/api:2.3" : img == 2 ?
			    "oci:../images/java-service:1.0" :
			    "docker-archive:build/alpine-tools.tar");
			r->name = xstrdup(r->reference);
			r->inv = inventory_new();
			r->inv->os.pretty_name = xstrdup(img == 1 ?
			    "Ubuntu 22.04.4 LTS" : img == 2 ?
			    "Debian GNU/Linux 12 (bookworm)" : "Alpine Linux v3.19");
			r->has_previous = 1;
			r->seconds = 1.5;
		}
		x = many_rand(100);
		for (acc = 0, s = 0; s < 6; s++) {
			acc += sevs[s];
			if ((int)x < acc)
				break;
		}
		sev = (enum severity)(SEV_CRITICAL - s);
		id = xasprintf("CVE-20%02lu-%05zu", 14 + many_rand(11), 1000 + v++);
		text = many_text(id);
		np = per[many_rand(NELEM(per))];
		jar = many_rand(200);
		for (k = 0; k < np && done < n; k++, done++) {
			if (img == 2) {
				/* One library, copied into several places. */
				pkg = xasprintf("org.example:lib%zu", jar);
				f = add(&r->findings, id, pkg, "1.2.3", "1.2.4", sev,
				    all_fail || sev >= SEV_HIGH ? VERDICT_FAIL :
				    VERDICT_PASS, 0);
				f->ecosystem = ECO_MAVEN;
				f->location = k == 0 ?
				    xasprintf("app/lib/lib%zu-1.2.3.jar", jar) :
				    xasprintf("app/plugins/p%zu/lib/lib%zu-1.2.3.jar",
				    k, jar);
			} else {
				pkg = xasprintf("lib%s%zu-%zu", img == 1 ? "ub" : "ap",
				    v % 97, k);
				f = add(&r->findings, id, pkg, "2.1-3ubuntu0.4",
				    many_rand(5) == 0 ? NULL : "2.1-3ubuntu0.5", sev,
				    all_fail || sev >= SEV_HIGH ? VERDICT_FAIL :
				    VERDICT_PASS, 0);
				free(f->source_name);
				f->source_name = xasprintf("lib%s%zu", img == 1 ?
				    "ub" : "ap", v % 97);
			}
			free(f->description);
			f->description = xstrdup(text);
			if (many_rand(50) == 0) {
				f->verdict = VERDICT_IGNORED;
				f->ignore_reason = xstrdup("not reachable (until 2027-01-01)");
			}
			f->is_new = many_rand(20) == 0;
			free(pkg);
		}
		if (many_rand(40) == 0) {
			/* An advisory of the previous build gone now. */
			pkg = xasprintf("%s-GONE", id);
			add(&r->fixed, pkg, "libgone", "1.0-1", "1.0-2", sev,
			    VERDICT_PASS, -1);
			free(pkg);
		}
		free(text);
		free(id);
	}
	for (j = 0; j < rr->nimages; j++)
		finding_list_sort(&rr->images[j].findings);
	rr->ntrend = 2;
	rr->trend = xcalloc(rr->ntrend, sizeof *rr->trend);
	for (j = 0; j < rr->ntrend; j++) {
		rr->trend[j].build = xasprintf("%zu", j + 41);
		rr->trend[j].started = xstrdup("2026-10-31T10:00:00Z");
		for (s = SEV_UNKNOWN; s <= SEV_CRITICAL; s++)
			rr->trend[j].counts[s] = (int)(n / 6);
	}
	return rr;
}

static double
cpu_seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
write_all(const struct run_result *rr, const char *dir, const char *tdir)
{
	char	*cause = NULL, *p;
	int	 rc = 0;

	p = xasprintf("%s/junit.xml", dir);
	if (report_junit_write(rr, p, &cause) != 0) {
		fprintf(stderr, "junit: %s\n", cause);
		rc = 1;
	}
	free(p);
	p = xasprintf("%s/report.sarif", dir);
	if (report_sarif_write(rr, p, &cause) != 0) {
		fprintf(stderr, "sarif: %s\n", cause);
		rc = 1;
	}
	free(p);
	p = xasprintf("%s/bom.cdx.json", dir);
	if (report_cyclonedx_write(rr, p, &cause) != 0) {
		fprintf(stderr, "cyclonedx: %s\n", cause);
		rc = 1;
	}
	free(p);
	p = xasprintf("%s/report.xml", dir);
	if (report_xml_write(rr, p, &cause) != 0) {
		fprintf(stderr, "xml: %s\n", cause);
		rc = 1;
	}
	free(p);
	p = xasprintf("%s/html", dir);
	if (report_html_write(rr, p, tdir, &cause) != 0) {
		fprintf(stderr, "html: %s\n", cause);
		rc = 1;
	}
	free(p);
	free(cause);
	return rc;
}

/* The number of nodes an XPath expression selects in an XML file; -1 on error. */
static int
xpath_count(const char *file, const char *expr)
{
	xmlDocPtr		 doc;
	xmlXPathContextPtr	 ctx;
	xmlXPathObjectPtr	 obj;
	int			 n = -1;

	if ((doc = xmlReadFile(file, NULL, XML_PARSE_NONET)) == NULL)
		return -1;
	if ((ctx = xmlXPathNewContext(doc)) != NULL) {
		if ((obj = xmlXPathEvalExpression(BAD_CAST expr, ctx)) != NULL) {
			if (obj->type == XPATH_NODESET)
				n = obj->nodesetval != NULL ?
				    obj->nodesetval->nodeNr : 0;
			else if (obj->type == XPATH_NUMBER)
				n = (int)obj->floatval;
			else if (obj->type == XPATH_BOOLEAN)
				n = obj->boolval;
			xmlXPathFreeObject(obj);
		}
		xmlXPathFreeContext(ctx);
	}
	xmlFreeDoc(doc);
	return n;
}

static int
file_has(const char *path, const char *needle)
{
	char	*data = NULL, *cause = NULL;
	size_t	 len;
	int	 found;

	if (file_read(path, 16 << 20, &data, &len, &cause) != 0) {
		free(cause);
		return 0;
	}
	found = strstr(data, needle) != NULL;
	free(data);
	return found;
}

/* Do the files a/NAME and b/NAME hold the same bytes? */
static int
same_file(const char *a, const char *b, const char *name)
{
	char	*pa, *pb, *da = NULL, *db = NULL, *cause = NULL;
	size_t	 la = 0, lb = 0;
	int	 same;

	pa = xasprintf("%s/%s", a, name);
	pb = xasprintf("%s/%s", b, name);
	same = file_read(pa, 16 << 20, &da, &la, &cause) == 0 &&
	    file_read(pb, 16 << 20, &db, &lb, &cause) == 0 && la == lb && la > 0 &&
	    memcmp(da, db, la) == 0;
	if (cause != NULL)
		tap_diag("%s", cause);
	free(cause);
	free(da);
	free(db);
	free(pa);
	free(pb);
	return same;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static int
run_tests(const char *tdir)
{
	struct run_result	*rr, *empty, *big, *two;
	struct image_result	*r;
	double			 t0;
	char			 tmpl[] = "/tmp/hullscan-report.XXXXXX";
	char			*dir, *p, *q, *cause = NULL, *clean;
	int			 rc;

	if ((dir = mkdtemp(tmpl)) == NULL) {
		tap_ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	rr = build_run();
	tap_ok(write_all(rr, dir, tdir) == 0, "all reports written");

	p = xasprintf("%s/junit.xml", dir);
	tap_ok(xpath_count(p, "/testsuites/testsuite") == 4,
	    "junit: one suite per image");
	tap_ok(xpath_count(p, "count(//testsuite[not(testcase)])") == 0,
	    "junit: no suite without a case");
	tap_ok(xpath_count(p, "//testcase[@name='scan']") == 4,
	    "junit: a scan case per image");
	tap_ok(xpath_count(p, "//testcase[@name='scan']/error") == 1,
	    "junit: the image that was not scanned is an error");
	tap_ok(xpath_count(p, "//failure") == 5, "junit: five failures");
	tap_ok(xpath_count(p, "//skipped") == 1, "junit: one skipped");
	tap_ok(xpath_count(p, "//testcase[@name='CVE-2022-1111 curl' and not(*[self::failure or self::skipped or self::error])]") == 1,
	    "junit: a fixed finding is one passing case");
	tap_ok(xpath_count(p, "count(//testcase[@name='CVE-2024-0002 libc6'])") == 1,
	    "junit: a finding still open is not also fixed");
#define DOT "\xe2\x80\xa4"	/* U+2024, what a dot of the reference becomes */
	tap_ok(xpath_count(p, "//testsuite[@name='docker://registry.example.com/team/web.app:1.4.2']/testcase[@classname='hullscan.docker://registry" DOT "example" DOT "com/team/web" DOT "app:1" DOT "4" DOT "2']") == 9,
	    "junit: the reference as given names the suite and the class; its dots do not split the class");
#undef DOT
	tap_ok(xpath_count(p, "count(//testcase[contains(@classname, '_')])") == 0,
	    "junit: no name mangled with _");
	tap_ok(xpath_count(p, "count(//testcase[contains(@name, '3.0.11') or contains(@classname, 'sha256')])") == 0,
	    "junit: no version or digest in identities");
	tap_ok(xpath_count(p, "//failure[contains(@message, 'no fix yet')]") == 2,
	    "junit: unfixed findings say so");
	tap_ok(file_has(p, "control \xef\xbf\xbd byte"),
	    "junit: a control byte becomes U+FFFD");
	tap_ok(file_has(p, "naïve ✓"), "junit: valid UTF-8 kept");
	free(p);

	p = xasprintf("%s/html/index.html", dir);
	tap_ok(access(p, R_OK) == 0, "html: index.html");
	tap_ok(!file_has(p, "<script>"), "html: no script element");
	tap_ok(file_has(p, "&lt;script&gt;alert(1)&lt;/script&gt;"),
	    "html: hostile text escaped");
	tap_ok(!file_has(p, "href=\"javascript:"), "html: no javascript: link");
	tap_ok(!file_has(p, "style="), "html: no style attribute");
	tap_ok(!file_has(p, "<style"), "html: no style element");
	tap_ok(file_has(p, "href=\"report.css\""), "html: links its stylesheet");
	tap_ok(file_has(p, "https://security-tracker.debian.org/tracker/CVE-2024-0001"),
	    "html: advisory links");
	free(p);
	p = xasprintf("%s/html/trend.svg", dir);
	tap_ok(xpath_count(p, "count(//*[local-name()='rect'])") > 8,
	    "html: trend.svg has bars");
	tap_ok(!file_has(p, "<style") && !file_has(p, "style="),
	    "html: trend.svg without styles");
	tap_ok(xpath_count(p, "count(//*[local-name()='text'][@y='19'])") == 6 &&
	    xpath_count(p, "count(//*[local-name()='text'][@y='19'][.='Unknown'])") == 1,
	    "html: the trend legend names all six severities, Unknown too");
	free(p);
	p = xasprintf("%s/html/report.css", dir);
	tap_ok(access(p, R_OK) == 0, "html: report.css copied");
	free(p);

	/*
	 * Two images of one layout, as listed: the stable name they share
	 * (the history's) is not what the reports call them.
	 */
	two = run_result_new();
	r = run_result_add(two, "oci:../build/alpine:3.10.3");
	r->name = xstrdup("oci:../build/alpine");
	r->inv = inventory_new();
	r = run_result_add(two, "oci:../build/alpine:3.11.13");
	r->name = xstrdup("oci:../build/alpine");
	r->inv = inventory_new();
	q = xasprintf("%s/two", dir);
	tap_ok(write_all(two, q, tdir) == 0, "two images of one layout: reports written");
	p = xasprintf("%s/junit.xml", q);
#define DOT "\xe2\x80\xa4"
	tap_ok(xpath_count(p, "count(//testsuite[@name='oci:../build/alpine:3.10.3']/testcase[@classname='hullscan.oci:" DOT DOT "/build/alpine:3" DOT "10" DOT "3'])") == 1 &&
	    xpath_count(p, "count(//testsuite[@name='oci:../build/alpine:3.11.13']/testcase[@classname='hullscan.oci:" DOT DOT "/build/alpine:3" DOT "11" DOT "13'])") == 1,
	    "two images of one layout: junit suites and classes are the references as given, .. kept");
#undef DOT
	free(p);
	p = xasprintf("%s/html/index.html", q);
	tap_ok(file_has(p, ">oci:../build/alpine:3.10.3</h2>") &&
	    file_has(p, ">oci:../build/alpine:3.11.13</h2>") &&
	    file_has(p, ">oci:../build/alpine:3.10.3</a>") &&
	    file_has(p, ">oci:../build/alpine:3.11.13</a>"),
	    "two images of one layout: html headings and overview rows are the references as given");
	free(p);
	free(q);
	run_result_free(two);

	/* Failures: one line naming what is wrong. */
	p = xasprintf("%s/no-such-templates", dir);
	q = xasprintf("%s/html2", dir);
	rc = report_html_write(rr, q, p, &cause);
	tap_ok(rc != 0 && cause != NULL && strstr(cause, "report.xsl") != NULL &&
	    strchr(cause, '\n') == NULL, "html: missing templates: %s",
	    cause != NULL ? cause : "(no cause)");
	free(p);
	free(cause);
	cause = NULL;

	p = xasprintf("%s/badtemplates", dir);
	mkdir(p, 0755);
	free(q);
	q = xasprintf("%s/report.xsl", p);
	write_file(q, "<xsl:stylesheet version='1.0' "
	    "xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
	    "<xsl:template match='/'><xsl:value-of select='1 +'/>"
	    "</xsl:template></xsl:stylesheet>\n");
	free(q);
	q = xasprintf("%s/trend.xsl", p);
	write_file(q, "<nope");
	free(q);
	q = xasprintf("%s/report.css", p);
	write_file(q, "body{}\n");
	free(q);
	q = xasprintf("%s/html3", dir);
	rc = report_html_write(rr, q, p, &cause);
	tap_ok(rc != 0 && cause != NULL && strstr(cause, "report.xsl") != NULL &&
	    strchr(cause, '\n') == NULL, "html: a broken template: %s",
	    cause != NULL ? cause : "(no cause)");
	free(cause);
	cause = NULL;
	free(p);
	free(q);

	p = xasprintf("%s/junit.xml/sub/x.xml", dir);
	rc = report_junit_write(rr, p, &cause);
	tap_ok(rc != 0 && cause != NULL, "junit: unwritable path: %s",
	    cause != NULL ? cause : "(no cause)");
	free(cause);
	cause = NULL;
	free(p);

	/* An empty run still makes valid reports. */
	empty = run_result_new();
	q = xasprintf("%s/empty", dir);
	tap_ok(write_all(empty, q, tdir) == 0, "empty run: reports written");
	p = xasprintf("%s/junit.xml", q);
	tap_ok(xpath_count(p, "count(/testsuites)") == 1, "empty run: junit parses");
	free(p);
	free(q);
	run_result_free(empty);

	clean = report_xml_clean("a\x01" "b\xc3\xa9\xed\xa0\x80\xef\xbf\xbe\xf4\x90\x80\x80z");
#define R "\xef\xbf\xbd"
	/* Surrogate, U+FFFE: one each; past U+10FFFF: each of its 4 bytes. */
	tap_ok(strcmp(clean, "a" R "b\xc3\xa9" R R R R R R "z") == 0,
	    "xml_clean: controls, surrogates, U+FFFE, past U+10FFFF replaced");
#undef R
	tap_ok(strstr(clean, "\xed\xa0\x80") == NULL &&
	    strstr(clean, "\xef\xbf\xbe") == NULL && strstr(clean, "\xf4\x90") == NULL &&
	    clean[strlen(clean) - 1] == 'z', "xml_clean: nothing invalid left");
	free(clean);

	/* Templates found through $HULLSCAN_TEMPLATES when none is given. */
	tap_ok(strcmp(report_templates_dir("/x"), "/x") == 0,
	    "templates: the given directory wins");
	setenv("HULLSCAN_TEMPLATES", tdir, 1);
	q = xasprintf("%s/html-env", dir);
	rc = report_html_write(rr, q, NULL, &cause);
	tap_ok(rc == 0 && strcmp(report_templates_dir(NULL), tdir) == 0,
	    "templates: $HULLSCAN_TEMPLATES used when none is given");
	free(cause);
	cause = NULL;
	free(q);
	unsetenv("HULLSCAN_TEMPLATES");

	/*
	 * None given, none in the environment: the built-in templates, the same
	 * bytes as the source tree's (issue 14), so the page is the same.
	 */
	tap_ok(report_templates_dir(NULL) == NULL,
	    "templates: built in when none is given");
	q = xasprintf("%s/html-builtin", dir);
	rc = report_html_write(rr, q, NULL, &cause);
	tap_ok(rc == 0, "templates: built-in ones render: %s",
	    cause != NULL ? cause : "ok");
	free(cause);
	cause = NULL;
	p = xasprintf("%s/html", dir);
	tap_ok(same_file(q, tdir, "report.css"),
	    "templates: built-in report.css is the source tree's");
	tap_ok(same_file(q, p, "index.html"),
	    "templates: built-in report.xsl makes the same index.html");
	tap_ok(same_file(q, p, "trend.svg"),
	    "templates: built-in trend.xsl makes the same trend.svg");
	free(p);
	free(q);

	/*
	 * 300 images of 100 findings: every writer ends, and in linear time (a
	 * quadratic writer takes minutes); speed itself is make bench's business.
	 */
	big = build_big(300);
	q = xasprintf("%s/big", dir);
	/* CPU time, not wall time: the machine may be shared. */
	t0 = cpu_seconds();
	rc = write_all(big, q, tdir);
	t0 = cpu_seconds() - t0;
	tap_ok(rc == 0 && t0 < 120, "300 images x 100 findings written in %.1f s of CPU", t0);
	free(q);
	run_result_free(big);

	run_result_free(rr);
	if (getenv("KEEP") == NULL) {
		p = xasprintf("rm -rf '%s'", dir);
		if (system(p) != 0)
			tap_diag("cannot remove %s", dir);
		free(p);
	} else
		tap_diag("kept %s", dir);
	return tap_done();
}

int
main(int argc, char **argv)
{
	struct run_result	*rr;
	const char		*dir = NULL, *top, *tdir = NULL;
	char			*deftdir;
	size_t			 big = 0, many = 0;
	int			 i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--templates") == 0 && i + 1 < argc)
			tdir = argv[++i];
		else if (strcmp(argv[i], "--bump") == 0)
			bump = 1;
		else if (strcmp(argv[i], "--big") == 0 && i + 1 < argc)
			big = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--all-fail") == 0)
			all_fail = 1;
		else if (strcmp(argv[i], "--many") == 0 && i + 1 < argc)
			many = strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: test-report [--write DIR] "
			    "[--templates DIR] [--bump] [--big N] [--many N [--all-fail]]\n");
			return 2;
		}
	}
	top = getenv("top_srcdir");
	deftdir = xasprintf("%s/templates", top != NULL ? top : ".");
	if (tdir == NULL)
		tdir = deftdir;
	if (dir == NULL)
		rc = run_tests(tdir);
	else {
		rr = many > 0 ? build_many(many) : big > 0 ? build_big(big) :
		    build_run();
		rc = write_all(rr, dir, tdir);
		run_result_free(rr);
	}
	free(deftdir);
	xmlCleanupParser();
	return rc;
}
