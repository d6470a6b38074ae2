/* The JUnit XML report as the Jenkins JUnit plugin reads it: a suite per image, a case per finding. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/*
 * Test identities must not change between builds, or Jenkins cannot tell a
 * finding that stayed from one that is new. Jenkins splits classname at its
 * last dot into package and class, so the classname is "hullscan." followed
 * by the image name with its dots made underscores ("hullscan" package,
 * "registry_example_com/team/app" class), and a finding's case is named
 * "<vulnerability id> <package>": no tag, digest or version in either.
 */
#define JUNIT_PACKAGE "hullscan"

struct junit_case {
	const struct finding	*f;
	int			 fixed;		/* from image_result.fixed */
	char			*name;
};

static char *
junit_classname(const char *name)
{
	char	*s, *p;

	s = xasprintf("%s.%s", JUNIT_PACKAGE, name);
	for (p = s + strlen(JUNIT_PACKAGE) + 1; *p != '\0'; p++) {
		if (*p == '.')
			*p = '_';
	}
	return s;
}

/* The image's name for this run: its stable name, or its reference when two images share it. */
static const char *
junit_image_name(const struct run_result *rr, size_t idx)
{
	const struct image_result	*r = &rr->images[idx];
	const char			*o;
	size_t				 i;

	if (r->name == NULL || *r->name == '\0')
		return r->reference;
	for (i = 0; i < rr->nimages; i++) {
		o = rr->images[i].name;
		if (i != idx && o != NULL && strcmp(o, r->name) == 0)
			return r->reference;
	}
	return r->name;
}

static int
junit_case_cmp(const void *va, const void *vb)
{
	const struct junit_case	*a = va, *b = vb;
	int			 r;

	if (a->fixed != b->fixed)
		return a->fixed - b->fixed;
	if (a->f->severity != b->f->severity)
		return (int)b->f->severity - (int)a->f->severity;
	if ((r = strcmp(a->f->id, b->f->id)) != 0)
		return r;
	return strcmp(a->f->package, b->f->package);
}

static char *
junit_message(const struct finding *f)
{
	return xasprintf("%s (%s) in %s %s: %s%s", f->id, severity_name(f->severity),
	    f->package, f->installed_version != NULL ? f->installed_version : "?",
	    f->fixed_version != NULL ? "fixed in " : "no fix yet",
	    f->fixed_version != NULL ? f->fixed_version : "");
}

static char *
junit_body(const struct finding *f)
{
	struct buf	b;

	buf_init(&b);
	buf_printf(&b, "%s\n", f->description != NULL ? f->description :
	    "(no description)");
	if (f->link != NULL)
		buf_printf(&b, "Advisory: %s\n", f->link);
	if (f->source_name != NULL && strcmp(f->source_name, f->package) != 0)
		buf_printf(&b, "Source package: %s\n", f->source_name);
	if (f->namespace != NULL)
		buf_printf(&b, "Namespace: %s\n", f->namespace);
	if (f->is_new == 1)
		buf_adds(&b, "New since the previous build.\n");
	return buf_steal(&b);
}

/* Build the sorted, de-duplicated case list of one image. */
static struct junit_case *
junit_cases(const struct image_result *r, size_t *ncases)
{
	struct junit_case	*v;
	size_t			 i, j, n = 0, k;
	char			*base;

	v = xcalloc(r->findings.n + r->fixed.n + 1, sizeof *v);
	for (i = 0; i < r->findings.n; i++)
		v[n++].f = &r->findings.v[i];
	for (i = 0; i < r->fixed.n; i++) {
		/* A finding still open under the same identity is not fixed. */
		if (report_still_open(r, &r->fixed.v[i]))
			continue;
		v[n].fixed = 1;
		v[n++].f = &r->fixed.v[i];
	}
	if (n > 1)
		qsort(v, n, sizeof *v, junit_case_cmp);
	for (i = 0; i < n; i++) {
		base = xasprintf("%s %s", v[i].f->id, v[i].f->package);
		/* Two cases of one name (two versions of a package) get a suffix. */
		for (k = 1, j = 0; j < i; j++) {
			if (strcmp(v[j].f->id, v[i].f->id) == 0 &&
			    strcmp(v[j].f->package, v[i].f->package) == 0)
				k++;
		}
		if (k > 1) {
			v[i].name = xasprintf("%s (%zu)", base, k);
			free(base);
		} else
			v[i].name = base;
	}
	*ncases = n;
	return v;
}

/*
 * The outcome of an image's "scan" case: an error when it was not scanned;
 * when scanned but not checked, skipped (never passed), or a failure when
 * the policy says so (--fail-on-unchecked).
 */
enum junit_scan { SCAN_PASSED, SCAN_ERROR, SCAN_SKIPPED, SCAN_FAILED };

static enum junit_scan
junit_scan_outcome(const struct image_result *r)
{
	if (r->error != NULL)
		return SCAN_ERROR;
	if (r->warning == NULL)
		return SCAN_PASSED;
	return r->warning_fails ? SCAN_FAILED : SCAN_SKIPPED;
}

static void
junit_suite(struct report_xw *xw, const struct run_result *rr, size_t idx)
{
	const struct image_result	*r = &rr->images[idx];
	const struct finding		*f;
	struct junit_case		*cases;
	size_t				 ncases, i, nfail = 0, nskip = 0;
	size_t				 ncases_eol = 0;
	char				*classname, *s, *eol;
	const char			*name;

	name = junit_image_name(rr, idx);
	classname = junit_classname(name);
	cases = junit_cases(r, &ncases);
	for (i = 0; i < ncases; i++) {
		if (cases[i].fixed)
			continue;
		if (cases[i].f->verdict == VERDICT_FAIL)
			nfail++;
		else if (cases[i].f->verdict == VERDICT_IGNORED)
			nskip++;
	}
	nfail += junit_scan_outcome(r) == SCAN_FAILED;
	nskip += junit_scan_outcome(r) == SCAN_SKIPPED;
	/* A release past its end of support: a case of its own. */
	eol = r->error == NULL ? image_result_eol_message(r) : NULL;
	if (eol != NULL) {
		ncases_eol = 1;
		nfail += r->eol_fails;
		nskip += !r->eol_fails;
	}

	report_xw_start(xw, "testsuite");
	report_xw_attr(xw, "name", name);
	report_xw_attrf(xw, "tests", "%zu", ncases + 1 + ncases_eol);
	report_xw_attrf(xw, "failures", "%zu", nfail);
	report_xw_attrf(xw, "errors", "%d", junit_scan_outcome(r) == SCAN_ERROR);
	report_xw_attrf(xw, "skipped", "%zu", nskip);
	report_xw_attrf(xw, "time", "%.3f", r->seconds > 0 ? r->seconds : 0.0);

	report_xw_start(xw, "properties");
	report_xw_start(xw, "property");
	report_xw_attr(xw, "name", "image.reference");
	report_xw_attr(xw, "value", r->reference);
	report_xw_end(xw);
	if (r->digest != NULL) {
		report_xw_start(xw, "property");
		report_xw_attr(xw, "name", "image.digest");
		report_xw_attr(xw, "value", r->digest);
		report_xw_end(xw);
	}
	if (r->inv != NULL && r->inv->os.pretty_name != NULL) {
		report_xw_start(xw, "property");
		report_xw_attr(xw, "name", "image.os");
		report_xw_attr(xw, "value", r->inv->os.pretty_name);
		report_xw_end(xw);
	}
	report_xw_end(xw);

	/* The scan itself: passes, or is the error that kept the image from being scanned. */
	report_xw_start(xw, "testcase");
	report_xw_attr(xw, "classname", classname);
	report_xw_attr(xw, "name", "scan");
	report_xw_attrf(xw, "time", "%.3f", r->seconds > 0 ? r->seconds : 0.0);
	if (r->error != NULL) {
		report_xw_start(xw, "error");
		report_xw_attr(xw, "type", "ScanError");
		s = xasprintf("%s: %s", r->reference, r->error);
		report_xw_attr(xw, "message", s);
		report_xw_text(xw, s);
		free(s);
		report_xw_end(xw);
	} else if (r->warning != NULL) {
		s = xasprintf("%s: %s", r->reference, r->warning);
		if (junit_scan_outcome(r) == SCAN_FAILED) {
			report_xw_start(xw, "failure");
			report_xw_attr(xw, "type", "NotChecked");
			report_xw_attr(xw, "message", s);
			report_xw_text(xw, s);
		} else {
			report_xw_start(xw, "skipped");
			report_xw_attr(xw, "message", s);
		}
		free(s);
		report_xw_end(xw);
	} else {
		s = xasprintf("%s: %zu package(s), %zu finding(s)%s%s\n",
		    r->reference, r->inv != NULL ? r->inv->npkgs : 0, r->findings.n,
		    r->digest != NULL ? ", digest " : "",
		    r->digest != NULL ? r->digest : "");
		report_xw_element(xw, "system-out", s);
		free(s);
	}
	report_xw_end(xw);

	if (eol != NULL) {
		report_xw_start(xw, "testcase");
		report_xw_attr(xw, "classname", classname);
		report_xw_attr(xw, "name", "end of life");
		report_xw_attr(xw, "time", "0");
		s = xasprintf("%s: %s", r->reference, eol);
		if (r->eol_fails) {
			report_xw_start(xw, "failure");
			report_xw_attr(xw, "type", "EndOfLife");
			report_xw_attr(xw, "message", s);
			report_xw_text(xw, s);
		} else {
			report_xw_start(xw, "skipped");
			report_xw_attr(xw, "message", s);
		}
		report_xw_end(xw);
		report_xw_end(xw);
		free(s);
		free(eol);
	}

	for (i = 0; i < ncases; i++) {
		f = cases[i].f;
		report_xw_start(xw, "testcase");
		report_xw_attr(xw, "classname", classname);
		report_xw_attr(xw, "name", cases[i].name);
		report_xw_attr(xw, "time", "0");
		if (cases[i].fixed) {
			s = xasprintf("Fixed since build %s: %s (%s) in %s is gone.\n",
			    rr->previous_build != NULL ? rr->previous_build : "?",
			    f->id, severity_name(f->severity), f->package);
			report_xw_element(xw, "system-out", s);
			free(s);
		} else if (f->verdict == VERDICT_FAIL) {
			report_xw_start(xw, "failure");
			report_xw_attr(xw, "type", severity_name(f->severity));
			s = junit_message(f);
			report_xw_attr(xw, "message", s);
			free(s);
			s = junit_body(f);
			report_xw_text(xw, s);
			free(s);
			report_xw_end(xw);
		} else if (f->verdict == VERDICT_IGNORED) {
			report_xw_start(xw, "skipped");
			s = xasprintf("ignored: %s", f->ignore_reason != NULL ?
			    f->ignore_reason : "on the ignore list");
			report_xw_attr(xw, "message", s);
			free(s);
			report_xw_end(xw);
			s = junit_message(f);
			report_xw_element(xw, "system-out", s);
			free(s);
		} else {
			s = junit_message(f);
			report_xw_element(xw, "system-out", s);
			free(s);
		}
		report_xw_end(xw);
	}
	report_xw_end(xw);

	for (i = 0; i < ncases; i++)
		free(cases[i].name);
	free(cases);
	free(classname);
}

int
report_junit_write(const struct run_result *rr, const char *path, char **cause)
{
	struct report_xw	*xw;
	char			*data;
	size_t			 len, i, j, tests = 0, failures = 0, errors = 0;
	size_t			 skipped = 0, ncases;
	struct junit_case	*cases;
	double			 secs = 0;
	int			 rc;

	for (i = 0; i < rr->nimages; i++) {
		cases = junit_cases(&rr->images[i], &ncases);
		tests += ncases + 1;
		for (j = 0; j < ncases; j++) {
			if (cases[j].fixed)
				continue;
			if (cases[j].f->verdict == VERDICT_FAIL)
				failures++;
			else if (cases[j].f->verdict == VERDICT_IGNORED)
				skipped++;
		}
		for (j = 0; j < ncases; j++)
			free(cases[j].name);
		free(cases);
		switch (junit_scan_outcome(&rr->images[i])) {
		case SCAN_ERROR:
			errors++;
			break;
		case SCAN_FAILED:
			failures++;
			break;
		case SCAN_SKIPPED:
			skipped++;
			break;
		case SCAN_PASSED:
			break;
		}
		if (rr->images[i].seconds > 0)
			secs += rr->images[i].seconds;
	}

	xw = report_xw_new();
	report_xw_start(xw, "testsuites");
	report_xw_attr(xw, "name", PACKAGE_NAME);
	report_xw_attrf(xw, "tests", "%zu", tests);
	report_xw_attrf(xw, "failures", "%zu", failures);
	report_xw_attrf(xw, "errors", "%zu", errors);
	report_xw_attrf(xw, "skipped", "%zu", skipped);
	report_xw_attrf(xw, "time", "%.3f", secs);
	for (i = 0; i < rr->nimages; i++)
		junit_suite(xw, rr, i);
	report_xw_end(xw);
	if ((rc = report_xw_finish(xw, &data, &len, cause)) != 0) {
		cause_prefix(cause, "%s", path);
		return rc;
	}
	rc = report_output(path, data, len, cause);
	free(data);
	return rc;
}
