/* Unit tests for the history (diff, record, trend, prune, crashes, concurrency) and the policy. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "history.h"
#include "policy.h"
#include "util.h"
#include "tap.h"

static char tmpdir[256];

static int	integrity_ok(const char *);

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static struct finding *
add_finding(struct image_result *r, const char *id, const char *pkg,
    const char *version, const char *fixed, enum severity sev)
{
	struct finding	*f = finding_list_add(&r->findings);

	f->id = xstrdup(id);
	f->package = xstrdup(pkg);
	f->installed_version = xstrdup(version);
	f->source_name = xstrdup(pkg);
	f->fixed_version = fixed != NULL ? xstrdup(fixed) : NULL;
	f->severity = sev;
	f->source_severity = xstrdup(severity_name(sev));
	f->status = xstrdup(fixed != NULL ? "fixed" : "open");
	f->namespace = xstrdup("alpine:v3.10");
	f->description = xasprintf("description of %s", id);
	f->link = xasprintf("https://security.alpinelinux.org/vuln/%s", id);
	return f;
}

/* A language package of the image's inventory, where it was found. */
static void
add_lang(struct image_result *r, const char *name, const char *version,
    const char *location)
{
	struct package	*p;

	p = inventory_add(r->inv, name, version, NULL, NULL, NULL, ECO_NPM);
	p->location = xstrdup(location);
	p->purl = xasprintf("pkg:npm/%s@%s", name, version);
	p->layer = xstrdup("sha256:0000000000000000000000000000000000000000000000000000000000000001");
}

/* Up to three aliases (NULL ends). */
static void
set_aliases(struct finding *f, const char *a, const char *b, const char *c)
{
	const char	*v[3] = { a, b, c };
	size_t		 i;

	for (i = 0; i < 3 && v[i] != NULL; i++) {
		f->aliases = xreallocarray(f->aliases, f->naliases + 1,
		    sizeof *f->aliases);
		f->aliases[f->naliases++] = xstrdup(v[i]);
	}
}

static struct image_result *
add_image(struct run_result *rr, const char *ref, const char *name, const char *digest)
{
	struct image_result	*r = run_result_add(rr, ref);

	r->name = xstrdup(name);
	r->digest = digest != NULL ? xstrdup(digest) : NULL;
	r->inv = inventory_new();
	r->inv->os.id = xstrdup("alpine");
	r->inv->os.version_id = xstrdup("3.10.3");
	r->inv->os.namespace = xstrdup("alpine:v3.10");
	inventory_add(r->inv, "musl", "1.1.22-r3", "musl", NULL, "x86_64", ECO_APK);
	inventory_add(r->inv, "busybox", "1.30.1-r2", NULL, NULL, "x86_64", ECO_APK);
	r->seconds = 0.5;
	return r;
}

static struct run_result *
new_run(const char *job, const char *build)
{
	struct run_result	*rr = run_result_new();

	rr->job = xstrdup(job);
	rr->build = build != NULL ? xstrdup(build) : NULL;
	rr->started = xstrdup("2024-01-01T00:00:00Z");
	return rr;
}

static const struct finding *
find(const struct finding_list *l, const char *id, const char *pkg)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0 && strcmp(l->v[i].package, pkg) == 0)
			return &l->v[i];
	}
	return NULL;
}

static const struct finding *
find_at(const struct finding_list *l, const char *id, const char *location)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0 && l->v[i].location != NULL &&
		    strcmp(l->v[i].location, location) == 0)
			return &l->v[i];
	}
	return NULL;
}

static int
is_new(const struct image_result *r, const char *id, const char *pkg)
{
	const struct finding	*f = find(&r->findings, id, pkg);

	return f != NULL ? f->is_new : -9;
}

/* Everything stored about a build, as one string, to compare loads. */
static char *
run_text(const struct run_result *rr)
{
	struct buf			 b;
	const struct image_result	*r;
	const struct finding		*f;
	size_t				 i, j, k;

	buf_init(&b);
	buf_printf(&b, "%s|%s|%s|%d\n", rr->job, rr->build, rr->started,
	    rr->policy_failed);
	for (i = 0; i < rr->nreasons; i++)
		buf_printf(&b, "reason %s\n", rr->reasons[i]);
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		buf_printf(&b, "image %s|%s|%s|%s|%s|%s|%d\n", r->reference, r->name,
		    r->digest ? r->digest : "-", r->error ? r->error : "-",
		    r->key ? r->key : "-", r->tagged ? r->tagged : "-", r->key_given);
		if (r->inv != NULL) {
			buf_printf(&b, "os %s %s %s\n", r->inv->os.id, r->inv->os.version_id,
			    r->inv->os.namespace);
			for (j = 0; j < r->inv->npkgs; j++)
				buf_printf(&b, "pkg %s %s %s %s %s %s %s %s %s\n",
				    r->inv->pkgs[j].name,
				    r->inv->pkgs[j].version, r->inv->pkgs[j].source_name,
				    r->inv->pkgs[j].source_version,
				    r->inv->pkgs[j].arch ? r->inv->pkgs[j].arch : "-",
				    ecosystem_name(r->inv->pkgs[j].ecosystem),
				    r->inv->pkgs[j].location ? r->inv->pkgs[j].location : "-",
				    r->inv->pkgs[j].purl ? r->inv->pkgs[j].purl : "-",
				    r->inv->pkgs[j].layer ? r->inv->pkgs[j].layer : "-");
		}
		for (j = 0; j < r->findings.n; j++) {
			f = &r->findings.v[j];
			buf_printf(&b, "f %s %s %s %s %s %s %s %s %s %d %s %s %s %s",
			    f->id, f->package, f->installed_version,
			    f->fixed_version ? f->fixed_version : "-",
			    severity_name(f->severity), f->status, f->namespace,
			    f->description ? f->description : "-",
			    verdict_name(f->verdict), f->is_new,
			    f->ignore_reason ? f->ignore_reason : "-",
			    ecosystem_name(f->ecosystem),
			    f->location ? f->location : "-",
			    f->informational ? f->informational : "-");
			for (k = 0; k < f->naliases; k++)
				buf_printf(&b, " aka %s", f->aliases[k]);
			buf_adds(&b, "\n");
		}
	}
	return buf_steal(&b);
}

/* --- diff across a sequence of builds of one image name --------------- */

static void
test_sequence(void)
{
	struct history		*h = NULL;
	struct run_result	*rr, *back;
	struct image_result	*app, *other;
	struct history_build	*v;
	char			*path = tmp_path("seq.db"), *cause = NULL, *a, *b;
	size_t			 n, removed;
	int			 rc;

	rc = history_open(path, HISTORY_CREATE, &h, &cause);
	if (!tap_ok(rc == 0, "create a new history")) {
		tap_diag("%s", cause);
		exit(1);
	}

	/* Build 1: first scan, nothing to compare with: all new. */
	rr = new_run("app-job", NULL);
	app = add_image(rr, "reg.example/app:1", "reg.example/app", "sha256:1111");
	add_finding(app, "CVE-2020-1", "musl", "1.1.22-r3", "1.1.22-r4", SEV_HIGH);
	add_finding(app, "CVE-2020-2", "openssl", "1.1.1d-r0", NULL, SEV_MEDIUM);
	rc = history_diff_run(h, rr, NULL, &cause);
	tap_ok(rc == 0 && rr->previous_build == NULL && !app->has_previous &&
	    app->fixed.n == 0 && is_new(app, "CVE-2020-1", "musl") == 1 &&
	    is_new(app, "CVE-2020-2", "openssl") == 1,
	    "build 1: no previous build, every finding is new");
	rc = history_record(h, rr, &cause);
	tap_ok(rc == 0 && rr->build != NULL && strcmp(rr->build, "1") == 0,
	    "build 1 recorded, numbered 1 (%s)", rc == 0 ? rr->build : cause);
	a = run_text(rr);
	run_result_free(rr);

	/* Build 2: digest rebuilt, musl bumped but still affected, openssl fixed. */
	rr = new_run("app-job", NULL);
	app = add_image(rr, "reg.example/app:2", "reg.example/app", "sha256:2222");
	add_finding(app, "CVE-2020-1", "musl", "1.1.22-r3a", "1.1.22-r4", SEV_HIGH);
	add_finding(app, "CVE-2020-3", "zlib", "1.2.11-r1", "1.2.11-r2", SEV_CRITICAL);
	other = add_image(rr, "reg.example/other:7", "reg.example/other", "sha256:3333");
	add_finding(other, "CVE-2020-1", "musl", "1.1.22-r3", "1.1.22-r4", SEV_HIGH);
	app = &rr->images[0];	/* run_result_add moved the array */
	rc = history_diff_run(h, rr, NULL, &cause);
	tap_ok(rc == 0 && rr->previous_build != NULL &&
	    strcmp(rr->previous_build, "1") == 0, "build 2: previous build is 1");
	tap_ok(app->has_previous && is_new(app, "CVE-2020-1", "musl") == 0,
	    "a version bump of the same package is not new");
	tap_ok(is_new(app, "CVE-2020-3", "zlib") == 1, "a new vulnerability is new");
	tap_ok(app->fixed.n == 1 && strcmp(app->fixed.v[0].id, "CVE-2020-2") == 0 &&
	    strcmp(app->fixed.v[0].package, "openssl") == 0 &&
	    app->fixed.v[0].severity == SEV_MEDIUM,
	    "the finding gone since build 1 is listed as fixed (%zu)", app->fixed.n);
	tap_ok(!other->has_previous && is_new(other, "CVE-2020-1", "musl") == 1 &&
	    other->fixed.n == 0,
	    "the same finding in another image name is new there");
	rc = history_record(h, rr, &cause);
	tap_ok(rc == 0 && strcmp(rr->build, "2") == 0, "build 2 recorded");
	b = run_text(rr);
	run_result_free(rr);

	/* Build 3: the image could not be scanned. */
	rr = new_run("app-job", NULL);
	app = run_result_add(rr, "reg.example/app:3");
	app->name = xstrdup("reg.example/app");
	app->error = xstrdup("registry said 503");
	rc = history_diff_run(h, rr, NULL, &cause);
	tap_ok(rc == 0 && app->fixed.n == 0 && !app->has_previous,
	    "a failed scan claims nothing fixed");
	rc = history_record(h, rr, &cause);
	tap_ok(rc == 0 && strcmp(rr->build, "3") == 0, "build 3 (failed image) recorded");
	run_result_free(rr);

	/* Build 4: compared with build 2, the last that scanned the image. */
	rr = new_run("app-job", NULL);
	app = add_image(rr, "reg.example/app:4", "reg.example/app", "sha256:4444");
	add_finding(app, "CVE-2020-1", "musl", "1.1.22-r3a", "1.1.22-r4", SEV_HIGH);
	add_finding(app, "CVE-2020-3", "zlib", "1.2.11-r1", "1.2.11-r2", SEV_CRITICAL);
	add_finding(app, "CVE-2020-2", "openssl", "1.1.1d-r0", NULL, SEV_MEDIUM);
	rc = history_diff_run(h, rr, NULL, &cause);
	tap_ok(rc == 0 && strcmp(rr->previous_build, "3") == 0 && app->has_previous &&
	    is_new(app, "CVE-2020-1", "musl") == 0 &&
	    is_new(app, "CVE-2020-3", "zlib") == 0 &&
	    is_new(app, "CVE-2020-2", "openssl") == 1 && app->fixed.n == 0,
	    "build 4 is compared with build 2 (last successful scan of the image)");
	rc = history_diff_run(h, rr, "1", &cause);
	tap_ok(rc == 0 && strcmp(rr->previous_build, "1") == 0 &&
	    is_new(app, "CVE-2020-1", "musl") == 0 &&
	    is_new(app, "CVE-2020-3", "zlib") == 1 &&
	    is_new(app, "CVE-2020-2", "openssl") == 0 && app->fixed.n == 0,
	    "diff against a named build (1)");
	rc = history_diff_run(h, rr, "99", &cause);
	tap_ok(rc == HS_ENOENT && cause != NULL && strstr(cause, "99") != NULL,
	    "diff against a missing build is an error naming it");
	history_diff_run(h, rr, NULL, &cause);
	rc = history_record(h, rr, &cause);
	tap_ok(rc == 0 && strcmp(rr->build, "4") == 0, "build 4 recorded");
	run_result_free(rr);

	/* Round trip: what was stored comes back unchanged. */
	back = NULL;
	rc = history_load(h, "app-job", "1", HISTORY_LOAD_FINDINGS |
	    HISTORY_LOAD_INVENTORY, &back, &cause);
	{
		char	*t = back != NULL ? run_text(back) : xstrdup("");

		tap_ok(rc == 0 && strcmp(t, a) == 0, "build 1 loads back unchanged");
		if (rc == 0 && strcmp(t, a) != 0)
			tap_diag("stored:\n%s\nloaded:\n%s", a, t);
		free(t);
	}
	run_result_free(back);
	rc = history_load(h, "app-job", "2", HISTORY_LOAD_FINDINGS |
	    HISTORY_LOAD_INVENTORY, &back, &cause);
	{
		char	*t = back != NULL ? run_text(back) : xstrdup("");

		tap_ok(rc == 0 && strcmp(t, b) == 0, "build 2 loads back unchanged");
		free(t);
	}
	run_result_free(back);

	/* Trend: counts by severity per build, oldest first. */
	rr = run_result_new();
	rc = history_trend(h, "app-job", 0, rr, &cause);
	tap_ok(rc == 0 && rr->ntrend == 4 &&
	    strcmp(rr->trend[0].build, "1") == 0 &&
	    rr->trend[0].counts[SEV_HIGH] == 1 && rr->trend[0].counts[SEV_MEDIUM] == 1 &&
	    rr->trend[1].counts[SEV_HIGH] == 2 && rr->trend[1].counts[SEV_CRITICAL] == 1 &&
	    rr->trend[1].counts[SEV_MEDIUM] == 0 &&
	    rr->trend[2].counts[SEV_HIGH] == 0 &&
	    rr->trend[3].counts[SEV_CRITICAL] == 1 && rr->trend[3].counts[SEV_MEDIUM] == 1,
	    "trend: counts by severity per build");
	rc = history_trend(h, "app-job", 2, rr, &cause);
	tap_ok(rc == 0 && rr->ntrend == 2 && strcmp(rr->trend[0].build, "3") == 0 &&
	    strcmp(rr->trend[1].build, "4") == 0, "trend --last 2: the two latest");
	run_result_free(rr);

	/* The same build id again (a retried stage) replaces it. */
	rr = new_run("app-job", "4");
	app = add_image(rr, "reg.example/app:4", "reg.example/app", "sha256:4444");
	add_finding(app, "CVE-2020-1", "musl", "1.1.22-r3a", "1.1.22-r4", SEV_HIGH);
	rc = history_record(h, rr, &cause);
	run_result_free(rr);
	v = NULL;
	n = 0;
	if (rc == 0)
		rc = history_list(h, "app-job", 0, &v, &n, &cause);
	tap_ok(rc == 0 && n == 4 && strcmp(v[3].build, "4") == 0 &&
	    v[3].nfindings == 1 && v[2].nerrors == 1 && v[1].nimages == 2,
	    "recording build 4 again replaces it");
	history_builds_free(v, n);

	/* Another job in the same file is separate. */
	rr = new_run("other-job", NULL);
	app = add_image(rr, "reg.example/app:9", "reg.example/app", "sha256:9999");
	rc = history_diff_run(h, rr, NULL, &cause);
	tap_ok(rc == 0 && rr->previous_build == NULL && !app->has_previous,
	    "another job does not see app-job's builds");
	history_record(h, rr, &cause);
	run_result_free(rr);

	rc = history_prune(h, "app-job", 2, &removed, &cause);
	v = NULL;
	n = 0;
	if (rc == 0)
		rc = history_list(h, NULL, 0, &v, &n, &cause);
	tap_ok(rc == 0 && removed == 2 && n == 3 && strcmp(v[0].build, "3") == 0 &&
	    strcmp(v[2].job, "other-job") == 0, "prune --keep 2 keeps the last two");
	history_builds_free(v, n);
	rc = history_load(h, "app-job", "1", 0, &back, &cause);
	tap_ok(rc == HS_ENOENT, "a pruned build is gone");
	rc = history_load(h, "app-job", NULL, HISTORY_LOAD_INVENTORY, &back, &cause);
	tap_ok(rc == 0 && back->nimages == 1 && back->images[0].inv != NULL &&
	    back->images[0].inv->npkgs == 2, "the kept build keeps its inventory");
	run_result_free(back);
	history_close(h);

	/* Read-only open sees the same. */
	rc = history_open(path, HISTORY_READ, &h, &cause);
	v = NULL;
	n = 0;
	if (rc == 0)
		rc = history_list(h, NULL, 0, &v, &n, &cause);
	tap_ok(rc == 0 && n == 3, "read-only open lists the builds");
	history_builds_free(v, n);
	if (h != NULL) {
		rr = new_run("x", NULL);
		rc = history_record(h, rr, &cause);
		tap_ok(rc != 0, "a read-only history refuses to record");
		run_result_free(rr);
	}
	history_close(h);
	free(a);
	free(b);
	free(cause);
	free(path);
}

/* --- the new fields, and a finding known by several ids ----------------- */

static void
test_fields(void)
{
	struct history		*h = NULL;
	struct run_result	*rr, *back = NULL;
	struct image_result	*a, *w;
	struct finding		*f;
	const struct finding	*g;
	char			*path = tmp_path("fields.db"), *cause = NULL, *t1, *t2;
	int			 rc;

	if (history_open(path, HISTORY_CREATE, &h, &cause) != 0)
		exit(1);
	/* Build 1: two tags of one name (keyed by tag), one image given a key. */
	rr = new_run("fields", NULL);
	a = add_image(rr, "oci:/x/multi:a", "oci:/x/multi", NULL);
	a->key = xstrdup("oci:/x/multi:a");
	a->tagged = xstrdup("oci:/x/multi:a");
	add_lang(a, "lodash", "4.17.15", "app/node_modules/lodash/package.json");
	f = add_finding(a, "CVE-2020-8203", "lodash", "4.17.15", "4.17.19", SEV_HIGH);
	set_aliases(f, "GHSA-p6mc-m468-83gw", "SNYK-JS-LODASH-590103", NULL);
	f->ecosystem = ECO_NPM;
	f->location = xstrdup("app/node_modules/lodash/package.json");
	add_finding(a, "CVE-2018-1122", "procps", "2:3.3.12-3", "2:3.3.12-3ubuntu1.1",
	    SEV_LOW);
	add_finding(a, "USN-3658-1", "procps", "2:3.3.12-3", "2:3.3.12-3ubuntu1.1",
	    SEV_UNKNOWN);
	w = add_image(rr, "oci:/x/multi:b", "oci:/x/multi", NULL);
	w->key = xstrdup("oci:/x/multi:b");
	w->tagged = xstrdup("oci:/x/multi:b");
	add_finding(w, "CVE-2021-1", "zlib", "1", "2", SEV_HIGH);
	/* A RustSec notice: still one after a reload, so it never fails a rescan. */
	f = add_finding(w, "RUSTSEC-2020-0071", "time", "0.1.45", NULL, SEV_UNKNOWN);
	f->ecosystem = ECO_CARGO;
	f->informational = xstrdup("unsound");
	w = add_image(rr, "reg/web:7", "reg/web", NULL);
	w->key = xstrdup("web");
	w->tagged = xstrdup("reg/web:7");
	w->key_given = 1;
	add_finding(w, "CVE-2021-2", "zlib", "1", "2", SEV_HIGH);
	rc = history_diff_run(h, rr, NULL, &cause);
	if (rc == 0)
		rc = history_record(h, rr, &cause);
	t1 = run_text(rr);
	run_result_free(rr);
	if (rc == 0)
		rc = history_load(h, "fields", "1", HISTORY_LOAD_FINDINGS |
		    HISTORY_LOAD_INVENTORY, &back, &cause);
	t2 = back != NULL ? run_text(back) : xstrdup("");
	tap_ok(rc == 0 && strcmp(t1, t2) == 0, "keys, a package's location, purl and "
	    "layer, a finding's aliases, ecosystem, location and notice kind load "
	    "back unchanged");
	if (rc != 0 || strcmp(t1, t2) != 0)
		tap_diag("stored:\n%s\nloaded:\n%s", t1, t2);
	free(t1);
	free(t2);
	run_result_free(back);

	/*
	 * Build 2: multi:a alone (keyed by its name now), the lodash finding
	 * under its GHSA id with the CVE as an alias, the USN merged into the
	 * CVE; web's key now names another reference; lodash also found at a
	 * second location.
	 */
	rr = new_run("fields", NULL);
	a = add_image(rr, "oci:/x/multi:a", "oci:/x/multi", NULL);
	a->key = xstrdup("oci:/x/multi");
	a->tagged = xstrdup("oci:/x/multi:a");
	f = add_finding(a, "GHSA-p6mc-m468-83gw", "lodash", "4.17.15", "4.17.19",
	    SEV_HIGH);
	set_aliases(f, "CVE-2020-8203", NULL, NULL);
	f->location = xstrdup("app/node_modules/lodash/package.json");
	f = add_finding(a, "CVE-2020-8203", "lodash", "4.17.15", "4.17.19", SEV_HIGH);
	f->location = xstrdup("lib/node_modules/lodash/package.json");
	f = add_finding(a, "CVE-2018-1122", "procps", "2:3.3.12-3",
	    "2:3.3.12-3ubuntu1.1", SEV_LOW);
	set_aliases(f, "USN-3658-1", NULL, NULL);
	w = add_image(rr, "reg/web:8", "reg/web", NULL);
	w->key = xstrdup("web");
	w->tagged = xstrdup("reg/web:8");
	w->key_given = 1;
	add_finding(w, "CVE-2021-2", "zlib", "1", "2", SEV_HIGH);
	a = &rr->images[0];
	rc = history_diff_run(h, rr, NULL, &cause);
	g = find_at(&a->findings, "GHSA-p6mc-m468-83gw",
	    "app/node_modules/lodash/package.json");
	tap_ok(rc == 0 && a->has_previous && g != NULL && g->is_new == 0,
	    "another id of the same finding, given as alias, is not new; the image "
	    "alone meets its predecessor keyed by name and tag");
	g = find_at(&a->findings, "CVE-2020-8203", "lib/node_modules/lodash/package.json");
	tap_ok(g != NULL && g->is_new == 1, "the same vulnerability in the same "
	    "package at another location is new");
	tap_ok(is_new(a, "CVE-2018-1122", "procps") == 0 && a->fixed.n == 0,
	    "two records merged into one finding: nothing new, nothing fixed (%zu)",
	    a->fixed.n);
	w = &rr->images[1];
	tap_ok(w->has_previous && is_new(w, "CVE-2021-2", "zlib") == 0 &&
	    w->fixed.n == 0, "a given key follows the key, whatever the reference");
	run_result_free(rr);
	history_close(h);
	free(cause);
	free(path);
}

/* --- schema 1 and 2 files migrated in place ----------------------------- */

/* The schema of history files written before schema 3, as it was. */
static const char legacy_schema[] =
    "CREATE TABLE IF NOT EXISTS builds (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  job TEXT NOT NULL,\n"
    "  build TEXT NOT NULL,\n"
    "  build_url TEXT,\n"
    "  started TEXT NOT NULL,\n"
    "  recorded TEXT NOT NULL,\n"
    "  db_path TEXT,\n"
    "  previous_build TEXT,\n"
    "  exit_status INTEGER NOT NULL DEFAULT 0,\n"
    "  policy_failed INTEGER NOT NULL DEFAULT 0,\n"
    "  policy_summary TEXT,\n"
    "  UNIQUE (job, build));\n"
    "CREATE TABLE IF NOT EXISTS reasons (\n"
    "  build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  text TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS reasons_build ON reasons(build_id);\n"
    "CREATE TABLE IF NOT EXISTS inventories (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  sha256 TEXT NOT NULL UNIQUE,\n"
    "  os_id TEXT, os_version_id TEXT, os_codename TEXT,\n"
    "  os_pretty_name TEXT, os_id_like TEXT, os_namespace TEXT);\n"
    "CREATE TABLE IF NOT EXISTS packages (\n"
    "  inventory_id INTEGER NOT NULL REFERENCES inventories(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL, version TEXT NOT NULL,\n"
    "  source_name TEXT NOT NULL, source_version TEXT NOT NULL,\n"
    "  arch TEXT, ecosystem TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS packages_inventory ON packages(inventory_id);\n"
    "CREATE TABLE IF NOT EXISTS images (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  reference TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  digest TEXT,\n"
    "  inventory_id INTEGER REFERENCES inventories(id),\n"
    "  error TEXT,\n"
    "  seconds REAL,\n"
    "  warning TEXT);\n"
    "CREATE INDEX IF NOT EXISTS images_build ON images(build_id);\n"
    "CREATE INDEX IF NOT EXISTS images_name ON images(name, build_id);\n"
    "CREATE INDEX IF NOT EXISTS images_inventory ON images(inventory_id);\n"
    "CREATE TABLE IF NOT EXISTS texts (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  text TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS findings (\n"
    "  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,\n"
    "  seq INTEGER NOT NULL,\n"
    "  vuln_id TEXT NOT NULL,\n"
    "  package TEXT NOT NULL,\n"
    "  installed_version TEXT,\n"
    "  source_name TEXT,\n"
    "  fixed_version TEXT,\n"
    "  severity TEXT NOT NULL,\n"
    "  source_severity TEXT,\n"
    "  status TEXT,\n"
    "  namespace TEXT,\n"
    "  description_id INTEGER REFERENCES texts(id),\n"
    "  link TEXT,\n"
    "  verdict TEXT NOT NULL,\n"
    "  ignore_reason TEXT,\n"
    "  is_new INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS findings_image ON findings(image_id);\n"
    "CREATE INDEX IF NOT EXISTS findings_description ON findings(description_id);\n";

static void
legacy_exec(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		tap_diag("%s: %s", sql, err);
		exit(1);
	}
}

static int64_t
legacy_int(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

/*
 * A build stored by a hullscan before schema 3: two tags of one name, and a
 * USN and the CVE it fixes as two findings of one package.
 */
static void
legacy_write(const char *path, int version)
{
	sqlite3	*db;
	char	*sql;

	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	legacy_exec(db, legacy_schema);
	if (version == 1)
		legacy_exec(db, "ALTER TABLE images DROP COLUMN warning");
	sql = xasprintf("PRAGMA application_id = %d; PRAGMA user_version = %d",
	    0x48534831, version);
	legacy_exec(db, sql);
	free(sql);
	legacy_exec(db,
	    "INSERT INTO builds (id, job, build, started, recorded) VALUES "
	    "(1, 'm', '1', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');"
	    "INSERT INTO images (id, build_id, seq, reference, name) VALUES "
	    "(1, 1, 0, 'oci:/x/multi:a', 'oci:/x/multi'),"
	    "(2, 1, 1, 'oci:/x/multi:b', 'oci:/x/multi'),"
	    "(3, 1, 2, 'reg/app:1', 'reg/app');"
	    "INSERT INTO findings (image_id, seq, vuln_id, package, severity, verdict)"
	    " VALUES (1, 0, 'CVE-2018-1122', 'procps', 'Low', 'pass'),"
	    "(1, 1, 'USN-3658-1', 'procps', 'Unknown', 'pass'),"
	    "(2, 0, 'CVE-2021-2', 'zlib', 'High', 'pass'),"
	    "(3, 0, 'CVE-2021-3', 'openssl', 'High', 'pass');");
	sqlite3_close(db);
}

/* The next build, as hullscan now writes it: keys, the USN merged. */
static struct run_result *
legacy_next(void)
{
	struct run_result	*rr = new_run("m", NULL);
	struct image_result	*r;
	struct finding		*f;

	r = add_image(rr, "oci:/x/multi:a", "oci:/x/multi", NULL);
	r->key = xstrdup("oci:/x/multi:a");
	r->tagged = xstrdup("oci:/x/multi:a");
	f = add_finding(r, "CVE-2018-1122", "procps", "2:3.3.12-3", NULL, SEV_LOW);
	set_aliases(f, "USN-3658-1", NULL, NULL);
	r = add_image(rr, "oci:/x/multi:b", "oci:/x/multi", NULL);
	r->key = xstrdup("oci:/x/multi:b");
	r->tagged = xstrdup("oci:/x/multi:b");
	add_finding(r, "CVE-2021-2", "zlib", "1", NULL, SEV_HIGH);
	r = add_image(rr, "reg/app:2", "reg/app", NULL);
	r->key = xstrdup("reg/app");
	r->tagged = xstrdup("reg/app:2");
	add_finding(r, "CVE-2021-3", "openssl", "1", NULL, SEV_HIGH);
	return rr;
}

/* Every image met its predecessor, nothing new, nothing fixed. */
static int
legacy_quiet(const struct run_result *rr)
{
	size_t	i, j;

	for (i = 0; i < rr->nimages; i++) {
		if (!rr->images[i].has_previous || rr->images[i].fixed.n != 0)
			return 0;
		for (j = 0; j < rr->images[i].findings.n; j++) {
			if (rr->images[i].findings.v[j].is_new != 0)
				return 0;
		}
	}
	return 1;
}

static void
test_migrate(void)
{
	struct history		*h = NULL;
	struct run_result	*rr, *back = NULL;
	char			*path, *cause = NULL;
	int			 version, rc;

	for (version = 1; version <= 2; version++) {
		path = tmp_path(version == 1 ? "schema1.db" : "schema2.db");
		legacy_write(path, version);

		/* Read only: the file stays as it is; keys computed on the fly. */
		rc = history_open(path, HISTORY_READ, &h, &cause);
		if (rc == 0)
			rc = history_load(h, "m", "1", HISTORY_LOAD_FINDINGS, &back,
			    &cause);
		tap_ok(rc == 0 && back->nimages == 3 &&
		    strcmp(back->images[0].key, "oci:/x/multi:a") == 0 &&
		    strcmp(back->images[2].key, "reg/app") == 0 &&
		    back->images[0].findings.n == 2,
		    "schema %d read only: loads, two tags of one name keyed by "
		    "reference, the other by name (%s)", version,
		    rc == 0 ? "ok" : cause);
		run_result_free(back);
		back = NULL;
		rr = legacy_next();
		rc = rc == 0 ? history_diff_run(h, rr, NULL, &cause) : rc;
		tap_ok(rc == 0 && legacy_quiet(rr), "schema %d read only: the next "
		    "build (keys by tag, the USN merged into its CVE) shows nothing "
		    "new or fixed", version);
		run_result_free(rr);
		history_close(h);
		h = NULL;
		tap_ok(legacy_int(path, "PRAGMA user_version") == version,
		    "schema %d read only: the file is not migrated", version);

		/* Writable: migrated in place, then the same diff, then recorded. */
		rc = history_open(path, HISTORY_CREATE, &h, &cause);
		tap_ok(rc == 0 && legacy_int(path, "PRAGMA user_version") == 3 &&
		    legacy_int(path, "SELECT count(*) FROM images WHERE key = "
		    "reference AND name = 'oci:/x/multi'") == 2 &&
		    legacy_int(path, "SELECT count(*) FROM images WHERE key = name "
		    "AND reference = 'reg/app:1'") == 1 &&
		    legacy_int(path, "SELECT count(*) FROM findings WHERE aliases IS "
		    "NULL AND location IS NULL AND ecosystem IS NULL") == 4 &&
		    legacy_int(path, "SELECT count(*) FROM pragma_table_info('packages') "
		    "WHERE name IN ('location', 'purl', 'layer')") == 3 &&
		    legacy_int(path, "SELECT count(*) FROM pragma_table_info('images') "
		    "WHERE name = 'warning'") == 1,
		    "schema %d migrated in place to 3: keys, new columns", version);
		rr = legacy_next();
		rc = rc == 0 ? history_diff_run(h, rr, NULL, &cause) : rc;
		tap_ok(rc == 0 && legacy_quiet(rr) && rr->previous_build != NULL &&
		    strcmp(rr->previous_build, "1") == 0, "schema %d migrated: the "
		    "next build shows nothing new or fixed", version);
		rc = rc == 0 ? history_record(h, rr, &cause) : rc;
		run_result_free(rr);
		rr = legacy_next();
		rc = rc == 0 ? history_diff_run(h, rr, NULL, &cause) : rc;
		tap_ok(rc == 0 && legacy_quiet(rr) && strcmp(rr->previous_build,
		    "2") == 0, "schema %d migrated: and the one after", version);
		run_result_free(rr);
		history_close(h);
		h = NULL;
		tap_ok(integrity_ok(path), "schema %d migrated: integrity_check ok",
		    version);
		free(path);
	}
	free(cause);
}

/* --- a file that is not a history is never written ---------------------- */

static char *
slurp(const char *path, size_t *len)
{
	char	*data = NULL, *cause = NULL;

	if (file_read(path, 1 << 24, &data, len, &cause) != 0) {
		free(cause);
		return NULL;
	}
	return data;
}

static void
test_corrupt(void)
{
	struct history	*h = NULL;
	char		*path = tmp_path("garbage.db"), *cause = NULL, *before, *after;
	char		*wal, *other;
	unsigned char	 junk[8192];
	size_t		 i, blen, alen;
	sqlite3		*db;
	int		 fd, rc;
	struct stat	 sb;

	for (i = 0; i < sizeof junk; i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, junk, sizeof junk) != (ssize_t)sizeof junk)
		exit(1);
	close(fd);
	before = slurp(path, &blen);
	rc = history_open(path, HISTORY_CREATE, &h, &cause);
	after = slurp(path, &alen);
	tap_ok(rc == HS_EINVAL && cause != NULL &&
	    strstr(cause, "not a hullscan history") != NULL && strstr(cause, path) != NULL,
	    "garbage bytes: a clear error (%s)", cause != NULL ? cause : "none");
	wal = xasprintf("%s-wal", path);
	tap_ok(after != NULL && alen == blen && memcmp(before, after, blen) == 0 &&
	    stat(wal, &sb) != 0, "garbage bytes: the file is left byte for byte");
	history_close(h);
	free(wal);
	free(before);
	free(after);

	/* An SQLite database of something else. */
	other = tmp_path("other.db");
	if (sqlite3_open(other, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1)", NULL, NULL,
	    NULL) != SQLITE_OK)
		exit(1);
	sqlite3_close(db);
	before = slurp(other, &blen);
	h = NULL;
	rc = history_open(other, HISTORY_CREATE, &h, &cause);
	after = slurp(other, &alen);
	tap_ok(rc == HS_EINVAL && strstr(cause, "not a hullscan history") != NULL &&
	    alen == blen && memcmp(before, after, blen) == 0,
	    "another SQLite database: refused, unchanged");
	history_close(h);
	free(before);
	free(after);
	free(other);

	/* A history cut in half: an error, not a crash. */
	other = tmp_path("cut.db");
	rc = history_open(other, HISTORY_CREATE, &h, &cause);
	if (rc == 0) {
		struct run_result	*rr = new_run("j", NULL);
		struct image_result	*r;
		int			 k;

		for (k = 0; k < 40; k++) {
			char	ref[64];

			snprintf(ref, sizeof ref, "reg/x%d:1", k);
			r = add_image(rr, ref, ref, NULL);
			add_finding(r, "CVE-2021-1", "musl", "1", "2", SEV_LOW);
		}
		history_record(h, rr, &cause);
		run_result_free(rr);
		history_close(h);
		sqlite3_open(other, &db);	/* fold the WAL into the file */
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	before = slurp(other, &blen);
	if (before != NULL && blen > 4096) {
		fd = open(other, O_WRONLY | O_TRUNC);
		if (write(fd, before, blen / 2) < 0)
			exit(1);
		close(fd);
		/* Overwrite a middle page with junk too. */
		fd = open(other, O_WRONLY);
		if (pwrite(fd, junk, 1024, 4096 + 100) < 0)
			exit(1);
		close(fd);
	}
	free(before);
	before = slurp(other, &blen);
	h = NULL;
	rc = history_open(other, HISTORY_READ, &h, &cause);
	if (rc == 0) {
		struct run_result	*back = NULL;

		rc = history_load(h, "j", NULL, HISTORY_LOAD_FINDINGS, &back, &cause);
		run_result_free(back);
	}
	history_close(h);
	after = slurp(other, &alen);
	tap_ok(rc != 0 && cause != NULL && strstr(cause, other) != NULL &&
	    alen == blen && memcmp(before, after, blen) == 0,
	    "a damaged history: an error naming the file (%s), file unchanged",
	    cause != NULL ? cause : "none");
	free(before);
	free(after);
	free(other);

	rc = history_open("/nonexistent/dir/h.db", HISTORY_READ, &h, &cause);
	tap_ok(rc == HS_ENOENT, "a missing history file is reported as missing");
	free(cause);
	free(path);
}

/* --- kill -9 in the middle of writing a build -------------------------- */

#define BIG_IMAGES	60
#define BIG_FINDINGS	300

static struct run_result *
big_run(int seed)
{
	struct run_result	*rr = new_run("big", NULL);
	struct image_result	*r;
	char			 ref[64], id[64], pkg[64];
	int			 i, j;

	for (i = 0; i < BIG_IMAGES; i++) {
		snprintf(ref, sizeof ref, "reg.example/svc%d:%d", i, seed);
		r = add_image(rr, ref, ref, NULL);
		for (j = 0; j < BIG_FINDINGS; j++) {
			snprintf(id, sizeof id, "CVE-2022-%05d", j);
			snprintf(pkg, sizeof pkg, "pkg%d", (j + seed) % 50);
			add_finding(r, id, pkg, "1.0", "1.1", (enum severity)(j % 6));
		}
	}
	return rr;
}

static int
integrity_ok(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int		 ok = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
			ok = 1;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

static void
test_kill(void)
{
	struct history		*h;
	struct run_result	*rr, *back;
	struct history_build	*v;
	char			*path = tmp_path("kill.db"), *cause = NULL, *early[3], *t;
	static const int	 delays_ms[] = { 3, 40, 150, 400, 900 };
	size_t			 i, n, k;
	pid_t			 pid;
	int			 status, rc, ok, killed_mid = 0;
	struct timespec		 ts;

	if (history_open(path, HISTORY_CREATE, &h, &cause) != 0)
		exit(1);
	for (i = 0; i < 3; i++) {
		rr = new_run("small", NULL);
		add_finding(add_image(rr, "reg/a:1", "reg/a", NULL), "CVE-1", "musl", "1",
		    "2", SEV_HIGH);
		history_record(h, rr, &cause);
		run_result_free(rr);
		history_load(h, "small", NULL, HISTORY_LOAD_FINDINGS |
		    HISTORY_LOAD_INVENTORY, &back, &cause);
		early[i] = run_text(back);
		run_result_free(back);
	}
	history_close(h);

	for (k = 0; k < NELEM(delays_ms); k++) {
		fflush(stdout);
		if ((pid = fork()) == 0) {
			struct history	*ch;
			int		 seed = 0;

			if (history_open(path, HISTORY_CREATE, &ch, &cause) != 0)
				_exit(2);
			for (;;) {	/* write big builds until killed */
				rr = big_run(seed++);
				if (history_record(ch, rr, &cause) != 0)
					_exit(3);
				run_result_free(rr);
			}
		}
		ts.tv_sec = delays_ms[k] / 1000;
		ts.tv_nsec = (delays_ms[k] % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (WIFSIGNALED(status))
			killed_mid++;

		ok = integrity_ok(path);
		rc = history_open(path, HISTORY_CREATE, &h, &cause);
		for (i = 0; rc == 0 && i < 3; i++) {
			char	b[16];

			snprintf(b, sizeof b, "%zu", i + 1);
			back = NULL;
			if (history_load(h, "small", b, HISTORY_LOAD_FINDINGS |
			    HISTORY_LOAD_INVENTORY, &back, &cause) != 0)
				ok = 0;
			else {
				t = run_text(back);
				if (strcmp(t, early[i]) != 0)
					ok = 0;
				free(t);
			}
			run_result_free(back);
		}
		/* Every big build present is whole: all images, all findings. */
		v = NULL;
		n = 0;
		if (rc == 0 && history_list(h, "big", 0, &v, &n, &cause) == 0) {
			for (i = 0; i < n; i++) {
				if (v[i].nimages != BIG_IMAGES ||
				    v[i].nfindings != BIG_IMAGES * BIG_FINDINGS)
					ok = 0;
			}
		} else
			ok = 0;
		history_builds_free(v, n);
		history_close(h);
		tap_ok(rc == 0 && ok, "kill -9 after %d ms: integrity ok, earlier builds "
		    "unchanged, %zu whole big builds", delays_ms[k], n);
	}
	tap_ok(killed_mid == (int)NELEM(delays_ms), "every writer was killed while "
	    "writing (%d)", killed_mid);
	for (i = 0; i < 3; i++)
		free(early[i]);
	free(cause);
	free(path);
}

/* --- two writers at once ----------------------------------------------- */

#define CONC_BUILDS	25

static void
test_concurrent(void)
{
	struct history		*h;
	struct history_build	*v = NULL;
	char			*path = tmp_path("conc.db"), *cause = NULL;
	pid_t			 pids[2];
	size_t			 n = 0, i;
	int			 w, status, ok = 1, seen[2 * CONC_BUILDS + 1];

	for (w = 0; w < 2; w++) {
		fflush(stdout);
		if ((pids[w] = fork()) == 0) {
			struct history		*ch;
			struct run_result	*rr;
			struct image_result	*r;
			char			 ref[64];
			int			 b, j;

			/* Both open a history that does not exist yet. */
			if (history_open(path, HISTORY_CREATE, &ch, &cause) != 0) {
				fprintf(stderr, "writer %d: %s\n", w, cause);
				_exit(2);
			}
			for (b = 0; b < CONC_BUILDS; b++) {
				rr = new_run("shared", NULL);
				for (j = 0; j < 5; j++) {
					snprintf(ref, sizeof ref, "reg/w%d-%d:%d", w, j, b);
					r = add_image(rr, ref, ref, NULL);
					add_finding(r, "CVE-2023-1", "musl", "1", "2",
					    SEV_HIGH);
					add_finding(r, "CVE-2023-2", "zlib", "1", NULL,
					    SEV_LOW);
				}
				if (history_diff_run(ch, rr, NULL, &cause) != 0 ||
				    history_record(ch, rr, &cause) != 0) {
					fprintf(stderr, "writer %d: %s\n", w, cause);
					_exit(3);
				}
				run_result_free(rr);
			}
			history_close(ch);
			_exit(0);
		}
	}
	for (w = 0; w < 2; w++) {
		waitpid(pids[w], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ok = 0;
	}
	tap_ok(ok, "two writers at once both succeed");
	memset(seen, 0, sizeof seen);
	ok = 0;
	if (history_open(path, HISTORY_READ, &h, &cause) == 0 &&
	    history_list(h, "shared", 0, &v, &n, &cause) == 0) {
		ok = n == 2 * CONC_BUILDS;
		for (i = 0; i < n; i++) {
			int	b = atoi(v[i].build);

			if (b < 1 || b > 2 * CONC_BUILDS || seen[b]++ ||
			    v[i].nimages != 5 || v[i].nfindings != 10)
				ok = 0;
		}
		history_close(h);
	}
	tap_ok(ok, "every build of both writers is there, numbered 1..%d, whole (%zu)",
	    2 * CONC_BUILDS, n);
	tap_ok(integrity_ok(path), "integrity_check ok after concurrent writers");
	history_builds_free(v, n);
	free(cause);
	free(path);
}

/* --- policy ------------------------------------------------------------ */

/* Capture what the code logs on stderr while fn runs. */
static int stderr_saved = -1;
static char *stderr_file;

static void
capture_start(void)
{
	int	fd;

	fflush(stderr);
	free(stderr_file);
	stderr_file = tmp_path("stderr.txt");
	fd = open(stderr_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	stderr_saved = dup(2);
	dup2(fd, 2);
	close(fd);
}

static char *
capture_end(void)
{
	size_t	len;

	fflush(stderr);
	dup2(stderr_saved, 2);
	close(stderr_saved);
	return slurp(stderr_file, &len);
}

static void
write_file(const char *path, const char *text)
{
	char	*cause = NULL;

	if (file_write_atomic(path, text, strlen(text), &cause) != 0)
		exit(1);
}

/* The run every policy case judges: three images, known is_new. */
static struct run_result *
policy_run(void)
{
	struct run_result	*rr = new_run("p", "2");
	struct image_result	*r;
	struct finding		*f;

	rr->previous_build = xstrdup("1");
	r = add_image(rr, "docker.io/library/alpine:3.10", "docker.io/library/alpine",
	    NULL);
	f = add_finding(r, "CVE-2019-14697", "musl", "1.1.22-r2", "1.1.22-r3",
	    SEV_CRITICAL);
	f->is_new = 0;
	f = add_finding(r, "CVE-2019-1549", "openssl", "1.1.1c-r0", "1.1.1d-r0",
	    SEV_MEDIUM);
	f->is_new = 1;
	f = add_finding(r, "CVE-2018-25032", "zlib", "1.2.11-r1", NULL, SEV_HIGH);
	f->is_new = 1;
	r = add_image(rr, "reg.example/team/app:5", "reg.example/team/app", NULL);
	f = add_finding(r, "CVE-2019-14697", "musl", "1.1.22-r2", "1.1.22-r3",
	    SEV_CRITICAL);
	f->is_new = 1;
	f = add_finding(r, "CVE-2020-28928", "musl-utils", "1.1.22-r2", "1.1.24-r3",
	    SEV_LOW);
	f->source_name = (free(f->source_name), xstrdup("musl"));
	f->is_new = 1;
	return rr;
}

static enum verdict
verdict_of(const struct run_result *rr, size_t image, const char *id)
{
	size_t	j;

	for (j = 0; j < rr->images[image].findings.n; j++) {
		if (strcmp(rr->images[image].findings.v[j].id, id) == 0)
			return rr->images[image].findings.v[j].verdict;
	}
	return (enum verdict)99;
}

static const char *
reason_of(const struct run_result *rr, size_t image, const char *id)
{
	size_t	j;

	for (j = 0; j < rr->images[image].findings.n; j++) {
		if (strcmp(rr->images[image].findings.v[j].id, id) == 0)
			return rr->images[image].findings.v[j].ignore_reason;
	}
	return NULL;
}

static void
test_policy(void)
{
	struct policy		*p;
	struct run_result	*rr;
	char			*cause = NULL, *yml, *clair, *err;
	int			 status;

	/* No option: report only. */
	p = policy_new();
	rr = policy_run();
	status = policy_apply(p, rr);
	tap_ok(status == EXIT_PASS && !rr->policy_failed && rr->nreasons == 0 &&
	    verdict_of(rr, 0, "CVE-2019-14697") == VERDICT_PASS && !policy_active(p),
	    "no policy option: everything passes");
	run_result_free(rr);

	/* --fail-on high */
	tap_ok(policy_set_fail_on(p, "bogus", &cause) != 0 &&
	    strstr(cause, "bogus") != NULL, "--fail-on with an unknown severity is refused");
	policy_set_fail_on(p, "HIGH", &cause);
	rr = policy_run();
	status = policy_apply(p, rr);
	tap_ok(status == EXIT_POLICY && rr->policy_failed && rr->nreasons == 3 &&
	    verdict_of(rr, 0, "CVE-2019-14697") == VERDICT_FAIL &&
	    verdict_of(rr, 0, "CVE-2018-25032") == VERDICT_FAIL &&
	    verdict_of(rr, 0, "CVE-2019-1549") == VERDICT_PASS &&
	    verdict_of(rr, 1, "CVE-2020-28928") == VERDICT_PASS,
	    "--fail-on high: Critical and High fail, Medium and Low pass (%zu reasons)",
	    rr->nreasons);
	tap_ok(rr->nreasons > 0 && strstr(rr->reasons[0],
	    "docker.io/library/alpine:3.10: CVE-2019-14697 musl 1.1.22-r2 Critical:") ==
	    rr->reasons[0] && strstr(rr->reasons[0], "--fail-on High") != NULL,
	    "a reason names image, id, package, version, severity and why: %s",
	    rr->nreasons > 0 ? rr->reasons[0] : "");
	run_result_free(rr);

	/* --ignore-unfixed */
	policy_set_ignore_unfixed(p, 1);
	rr = policy_run();
	status = policy_apply(p, rr);
	tap_ok(status == EXIT_POLICY && rr->nreasons == 2 &&
	    verdict_of(rr, 0, "CVE-2018-25032") == VERDICT_IGNORED &&
	    strstr(reason_of(rr, 0, "CVE-2018-25032"), "no fix available") != NULL,
	    "--ignore-unfixed: a High without a fix is ignored, 'no fix available'");
	run_result_free(rr);
	policy_free(p);

	/* --fail-on-new */
	p = policy_new();
	policy_set_fail_on_new(p, "critical", &cause);
	rr = policy_run();
	status = policy_apply(p, rr);
	tap_ok(status == EXIT_POLICY && rr->nreasons == 1 &&
	    verdict_of(rr, 0, "CVE-2019-14697") == VERDICT_PASS &&
	    verdict_of(rr, 1, "CVE-2019-14697") == VERDICT_FAIL &&
	    strstr(rr->reasons[0], "new since build 1") != NULL,
	    "--fail-on-new critical: only the Critical new in this build fails");
	run_result_free(rr);
	rr = policy_run();
	rr->images[1].findings.v[0].is_new = 0;
	status = policy_apply(p, rr);
	tap_ok(status == EXIT_PASS && !rr->policy_failed,
	    "--fail-on-new critical: no new Critical, passes");
	run_result_free(rr);
	policy_free(p);

	/* hullscan's own ignore file */
	yml = tmp_path("ignore.yaml");
	write_file(yml,
	    "# accepted risks\n"
	    "ignore:\n"
	    "  - id: cve-2019-14697\n"
	    "    image: \"reg.example/team/*\"\n"
	    "    package: musl\n"
	    "    reason: not reachable from the service\n"
	    "    expires: 2099-12-31\n"
	    "  - id: CVE-2018-25032\n"
	    "    reason: accepted until the base image moves\n"
	    "    expires: 2020-01-31\n"
	    "  - id: CVE-2020-28928\n"
	    "    package: musl\n"
	    "    reason: source package matches too\n"
	    "    expires: '2099-01-01'\n");
	p = policy_new();
	policy_set_today(p, "2024-06-01");
	policy_set_fail_on(p, "low", &cause);
	capture_start();
	status = policy_load_ignore(p, yml, &cause);
	err = capture_end();
	tap_ok(status == 0 && err != NULL && strstr(err, "ignore.yaml:8") != NULL &&
	    strstr(err, "CVE-2018-25032") != NULL && strstr(err, "expired on 2020-01-31"),
	    "an expired entry warns with file, line and date: %s", err ? err : "");
	free(err);
	rr = policy_run();
	status = policy_apply(p, rr);
	tap_ok(verdict_of(rr, 1, "CVE-2019-14697") == VERDICT_IGNORED &&
	    strstr(reason_of(rr, 1, "CVE-2019-14697"), "not reachable") != NULL &&
	    strstr(reason_of(rr, 1, "CVE-2019-14697"), "ignore.yaml:3") != NULL,
	    "an entry with image glob and package ignores, with its reason and origin");
	tap_ok(verdict_of(rr, 0, "CVE-2019-14697") == VERDICT_FAIL,
	    "the same id in an image the glob does not match still fails");
	tap_ok(verdict_of(rr, 0, "CVE-2018-25032") == VERDICT_FAIL,
	    "an expired entry no longer ignores");
	tap_ok(verdict_of(rr, 1, "CVE-2020-28928") == VERDICT_IGNORED,
	    "package matches the source package too");
	tap_ok(status == EXIT_POLICY && rr->nreasons == 3,
	    "with the ignore file: 3 failing reasons (%zu)", rr->nreasons);
	{
		size_t	i;
		int	noted = 0;

		for (i = 0; i < rr->nreasons; i++) {
			if (strstr(rr->reasons[i], "CVE-2018-25032") != NULL &&
			    strstr(rr->reasons[i], "expired") != NULL)
				noted = 1;
		}
		tap_ok(noted, "the failing reason says its ignore entry expired");
	}
	tap_ok(rr->policy_summary != NULL &&
	    strstr(rr->policy_summary, "3 ignore entries (1 expired)") != NULL,
	    "summary: %s", rr->policy_summary ? rr->policy_summary : "");
	run_result_free(rr);
	policy_free(p);

	/* clair-scanner whitelist, read as is */
	clair = tmp_path("clair-whitelist.yaml");
	write_file(clair,
	    "generalwhitelist:\n"
	    "  CVE-2019-1549: openssl randomness after fork\n"
	    "images:\n"
	    "  alpine:\n"
	    "    CVE-2018-25032: zlib\n"
	    "    CVE-2018-25032: duplicated key, as in clair-scanner's example\n"
	    "  ubuntu:\n"
	    "    CVE-2019-14697: musl\n");
	p = policy_new();
	policy_set_fail_on(p, "medium", &cause);
	status = policy_load_ignore(p, clair, &cause);
	tap_ok(status == 0, "a clair-scanner whitelist loads (%s)",
	    status == 0 ? "ok" : cause);
	rr = policy_run();
	status = policy_apply(p, rr);
	tap_ok(verdict_of(rr, 0, "CVE-2019-1549") == VERDICT_IGNORED &&
	    strstr(reason_of(rr, 0, "CVE-2019-1549"), "openssl randomness") != NULL,
	    "generalwhitelist ignores in every image");
	tap_ok(verdict_of(rr, 0, "CVE-2018-25032") == VERDICT_IGNORED,
	    "images: alpine matches docker.io/library/alpine:3.10");
	tap_ok(verdict_of(rr, 0, "CVE-2019-14697") == VERDICT_FAIL &&
	    verdict_of(rr, 1, "CVE-2019-14697") == VERDICT_FAIL,
	    "an entry for image ubuntu does not ignore in alpine or app");
	tap_ok(status == EXIT_POLICY && rr->nreasons == 2, "clair whitelist: 2 reasons");
	run_result_free(rr);
	policy_free(p);

	/* An ignore entry or a VEX statement names any id of a finding. */
	{
		char	*ya = tmp_path("ignore-alias.yaml");
		char	*va = tmp_path("alias.vex.json");

		write_file(ya, "ignore:\n  - id: usn-9999-1\n    reason: the USN's "
		    "fix is backported\n    expires: 2099-12-31\n");
		write_file(va, "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", "
		    "\"@id\": \"https://example.com/vex/1\", \"author\": \"a\", "
		    "\"timestamp\": \"2024-03-01T12:00:00Z\", \"version\": 1, "
		    "\"statements\": [{\"vulnerability\": {\"name\": "
		    "\"GHSA-aaaa-bbbb-cccc\"}, \"products\": [{\"@id\": "
		    "\"reg.example/team/*\"}], \"status\": \"not_affected\", "
		    "\"justification\": \"vulnerable_code_not_in_execute_path\"}]}\n");
		p = policy_new();
		policy_set_fail_on(p, "low", &cause);
		status = policy_load_ignore(p, ya, &cause);
		if (status == 0)
			status = policy_load_ignore(p, va, &cause);
		tap_ok(status == 0, "an ignore file and a VEX document naming aliases "
		    "load (%s)", status == 0 ? "ok" : cause);
		rr = policy_run();
		set_aliases(&rr->images[0].findings.v[0], "USN-9999-1", NULL, NULL);
		set_aliases(&rr->images[1].findings.v[1], "GHSA-aaaa-bbbb-cccc", NULL,
		    NULL);
		policy_apply(p, rr);
		tap_ok(verdict_of(rr, 0, "CVE-2019-14697") == VERDICT_IGNORED &&
		    strstr(reason_of(rr, 0, "CVE-2019-14697"), "backported") != NULL &&
		    verdict_of(rr, 1, "CVE-2019-14697") == VERDICT_FAIL,
		    "an ignore entry naming a finding's alias ignores it, and only it");
		tap_ok(verdict_of(rr, 1, "CVE-2020-28928") == VERDICT_IGNORED &&
		    strstr(reason_of(rr, 1, "CVE-2020-28928"), "not_affected") != NULL,
		    "a VEX statement naming a finding's alias ignores it");
		run_result_free(rr);
		policy_free(p);
		free(ya);
		free(va);
	}

	/* Malformed files: one clear error each. */
	{
		static const struct {
			const char	*text;
			const char	*want;
		} bad[] = {
			{ "ignore:\n  - id: CVE-1\n    reason: r\n", "without expires" },
			{ "ignore:\n  - id: CVE-1\n    reason: r\n    expires: 2024-02-30\n",
			    ":4: expires: not a date" },
			{ "ignore:\n  - id: CVE-1\n    expires: 2030-01-01\n", "without reason" },
			{ "ignore:\n  - id: CVE-1\n    reason: r\n    expiry: 2030-01-01\n",
			    ":4: unknown key expiry" },
			{ "ignore:\n  - id: [CVE-1\n", "ignore.bad.yaml:" },
			{ "whitelist:\n  CVE-1: x\n", "unknown key whitelist" },
			{ "generalwhitelist:\n  - CVE-1\n", "map of CVE" },
		};
		char	*bad_path = tmp_path("ignore.bad.yaml");
		size_t	 i;

		for (i = 0; i < NELEM(bad); i++) {
			write_file(bad_path, bad[i].text);
			p = policy_new();
			free(cause);
			cause = NULL;
			status = policy_load_ignore(p, bad_path, &cause);
			tap_ok(status != 0 && cause != NULL &&
			    strstr(cause, bad[i].want) != NULL,
			    "bad ignore file %zu: %s", i + 1, cause ? cause : "accepted");
			policy_free(p);
		}
		free(bad_path);
	}
	free(yml);
	free(clair);
	free(cause);
}

static void
test_shard(void)
{
	static const char	*refs[] = {
		"alpine:3.10", "debian:12", "reg/a:1", "reg/b:1", "reg/c:1",
		"docker://quay.io/x/y:2", "oci:/tmp/img:1", "ubuntu:18.04",
	};
	size_t			 i;
	int			 k, n, hits, ok = 1, shard, k2, n2;
	char			*cause = NULL;

	for (n = 1; n <= 5; n++) {
		for (i = 0; i < NELEM(refs); i++) {
			hits = 0;
			for (k = 1; k <= n; k++)
				hits += policy_shard_pick(refs[i], k, n);
			if (hits != 1)
				ok = 0;
		}
	}
	tap_ok(ok, "every reference lands in exactly one shard");
	/* FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the FNV reference value). */
	ok = 1;
	for (n = 1; n <= 7; n++) {
		shard = (int)(0xaf63dc4c8601ec8cULL % (uint64_t)n) + 1;
		if (!policy_shard_pick("a", shard, n))
			ok = 0;
	}
	tap_ok(ok, "the shard is FNV-1a 64 of the reference mod N");
	tap_ok(policy_shard_parse("2/3", &k2, &n2, &cause) == 0 && k2 == 2 && n2 == 3 &&
	    policy_shard_parse("0/3", &k2, &n2, &cause) != 0 &&
	    policy_shard_parse("4/3", &k2, &n2, &cause) != 0 &&
	    policy_shard_parse("1/x", &k2, &n2, &cause) != 0 &&
	    policy_shard_parse("1", &k2, &n2, &cause) != 0, "--shard K/N parsing");
	free(cause);
}

/*
 * Helper mode for the shell tests: write known builds with the same code
 * path a scan uses (diff, then record). The tests' expected answers are
 * derived by hand from these lists.
 */
static int
make_mode(int argc, char **argv)
{
	struct history		*h;
	struct run_result	*rr;
	struct image_result	*r;
	char			*cause = NULL;
	int			 i;

	if (argc < 3 || history_open(argv[2], HISTORY_CREATE, &h, &cause) != 0) {
		fprintf(stderr, "make: %s\n", cause != NULL ? cause : "usage");
		return 2;
	}
	if (strcmp(argv[1], "make-sequence") == 0) {
		/* app-job builds 1..4 as in test_sequence, then other-job build 1. */
		for (i = 1; i <= 4; i++) {
			rr = new_run("app-job", NULL);
			r = add_image(rr, i == 1 ? "reg.example/app:1" : i == 2 ?
			    "reg.example/app:2" : i == 3 ? "reg.example/app:3" :
			    "reg.example/app:4", "reg.example/app", NULL);
			if (i == 1) {
				add_finding(r, "CVE-2020-1", "musl", "1.1.22-r3",
				    "1.1.22-r4", SEV_HIGH);
				add_finding(r, "CVE-2020-2", "openssl", "1.1.1d-r0", NULL,
				    SEV_MEDIUM);
			} else if (i == 3) {
				inventory_free(r->inv);
				r->inv = NULL;
				r->error = xstrdup("registry said 503");
			} else {
				add_finding(r, "CVE-2020-1", "musl", "1.1.22-r3a",
				    "1.1.22-r4", SEV_HIGH);
				add_finding(r, "CVE-2020-3", "zlib", "1.2.11-r1",
				    "1.2.11-r2", SEV_CRITICAL);
				if (i == 4)
					add_finding(r, "CVE-2020-2", "openssl",
					    "1.1.1d-r0", NULL, SEV_MEDIUM);
			}
			if (i == 2) {
				r = add_image(rr, "reg.example/other:7",
				    "reg.example/other", NULL);
				add_finding(r, "CVE-2020-1", "musl", "1.1.22-r3",
				    "1.1.22-r4", SEV_HIGH);
			}
			if (history_diff_run(h, rr, NULL, &cause) != 0 ||
			    history_record(h, rr, &cause) != 0)
				goto fail;
			run_result_free(rr);
		}
		rr = new_run("other-job", NULL);
		add_image(rr, "reg.example/app:9", "reg.example/app", NULL);
		if (history_record(h, rr, &cause) != 0)
			goto fail;
		run_result_free(rr);
	} else if (strcmp(argv[1], "make-shard") == 0 && argc == 4) {
		/* Shard 1: the policy test's run; shard 2: one more image. */
		if (strcmp(argv[3], "1") == 0)
			rr = policy_run();
		else {
			rr = new_run("p", "2");
			r = add_image(rr, "reg.example/team/web:3", "reg.example/team/web",
			    NULL);
			add_finding(r, "CVE-2021-3711", "openssl", "1.1.1k-r0",
			    "1.1.1l-r0", SEV_CRITICAL);
		}
		free(rr->job);
		rr->job = xstrdup("nightly");
		free(rr->build);
		rr->build = xstrdup("7");
		if (history_record(h, rr, &cause) != 0)
			goto fail;
		run_result_free(rr);
	} else if (strcmp(argv[1], "make-inventory") == 0 && argc == 4) {
		/* One Alpine 3.10 image whose musl is argv[3], matched by nothing yet. */
		rr = new_run("rescan-job", NULL);
		r = run_result_add(rr, "alpine:3.10.3");
		r->name = xstrdup("alpine");
		r->inv = inventory_new();
		r->inv->os.id = xstrdup("alpine");
		r->inv->os.version_id = xstrdup("3.10.3");
		r->inv->os.namespace = xstrdup("alpine:v3.10");
		inventory_add(r->inv, "musl", argv[3], "musl", NULL, "x86_64", ECO_APK);
		if (history_diff_run(h, rr, NULL, &cause) != 0 ||
		    history_record(h, rr, &cause) != 0)
			goto fail;
		run_result_free(rr);
	} else {
		fprintf(stderr, "make: unknown mode %s\n", argv[1]);
		return 2;
	}
	history_close(h);
	return 0;
fail:
	fprintf(stderr, "make: %s\n", cause);
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		return make_mode(argc, argv);
	snprintf(tmpdir, sizeof tmpdir, "%s/test-history.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("JOB_NAME");
	unsetenv("BUILD_NUMBER");
	unsetenv("BUILD_URL");
	log_verbosity = 1;
	(void)tap_skip;
	(void)tap_fixtures;
	(void)tap_no_fixtures;

	test_sequence();
	test_fields();
	test_migrate();
	test_corrupt();
	test_policy();
	test_shard();
	test_concurrent();
	test_kill();

	if (tap_failed == 0) {
		char	*cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			tap_diag("could not remove %s", tmpdir);
		free(cmd);
	} else
		tap_diag("files kept in %s", tmpdir);
	return tap_done();
}
