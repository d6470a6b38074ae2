/* The JUnit XML report as the Jenkins JUnit plugin reads it: a suite per image, a case per finding. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

/*
 * Each image is named as the person gave it: its reference as listed
 * ("registry.example.com/team/app:1.4", "oci:../build/image:1.0"), the
 * suite's name verbatim. Jenkins splits a classname at its last dot into
 * package and class, so the classname is "hullscan." followed by the
 * reference with each dot written U+2024 (one dot leader, which looks the
 * same): package "hullscan", class the whole reference. A finding's case is
 * "<vulnerability id> <package>": no version or digest, so Jenkins follows
 * it from build to build as long as the image is listed the same way.
 * Two copies of one language package (ms under node_modules twice, a jar
 * standalone and inside a fat jar) are told apart by where they are:
 * "<id> <package> at <location>", for those only, so a package found once
 * keeps its name when it moves.
 */
#define JUNIT_PACKAGE	"hullscan"
#define JUNIT_DOT	"\xe2\x80\xa4"	/* U+2024 ONE DOT LEADER */

struct junit_case {
	const struct finding	*f;
	int			 fixed;		/* from image_result.fixed */
	char			*name;
};

static char *
junit_classname(const char *reference)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b);
	buf_adds(&b, JUNIT_PACKAGE ".");
	for (p = reference; *p != '\0'; p++) {
		if (*p == '.')
			buf_adds(&b, JUNIT_DOT);
		else
			buf_add(&b, p, 1);
	}
	return buf_steal(&b);
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
	if ((r = strcmp(a->f->package, b->f->package)) != 0)
		return r;
	if (a->f->location == NULL || b->f->location == NULL)
		return (a->f->location != NULL) - (b->f->location != NULL);
	return strcmp(a->f->location, b->f->location);
}

/* ", also USN-…, DSA-…" for a finding with aliases, else "". */
static char *
junit_also(const struct finding *f)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < f->naliases; i++)
		buf_printf(&b, "%s%s", i == 0 ? "; also " : ", ", f->aliases[i]);
	return buf_steal(&b);
}

static char *
junit_message(const struct finding *f)
{
	char	*also, *msg;

	also = junit_also(f);
	msg = xasprintf("%s (%s) in %s %s: %s%s%s", f->id, severity_name(f->severity),
	    f->package, f->installed_version != NULL ? f->installed_version : "?",
	    f->fixed_version != NULL ? "fixed in " : "no fix yet",
	    f->fixed_version != NULL ? f->fixed_version : "", also);
	free(also);
	return msg;
}

static char *
junit_body(const struct finding *f)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	buf_printf(&b, "%s\n", f->description != NULL ? f->description :
	    "(no description)");
	if (f->link != NULL)
		buf_printf(&b, "Advisory: %s\n", f->link);
	if (f->source_name != NULL && strcmp(f->source_name, f->package) != 0)
		buf_printf(&b, "Source package: %s\n", f->source_name);
	if (f->namespace != NULL)
		buf_printf(&b, "Namespace: %s\n", f->namespace);
	if (ecosystem_is_lang(f->ecosystem))
		buf_printf(&b, "Ecosystem: %s\n", ecosystem_name(f->ecosystem));
	if (f->location != NULL)
		buf_printf(&b, "Location: %s\n", f->location);
	for (i = 0; i < f->naliases; i++)
		buf_printf(&b, "%s%s%s", i == 0 ? "Also known as: " : ", ",
		    f->aliases[i], i + 1 == f->naliases ? "\n" : "");
	if (f->informational != NULL)
		buf_printf(&b, "Informational (%s): not a vulnerability; never fails"
		    " the policy.\n", f->informational);
	if (f->is_new == 1)
		buf_adds(&b, "New since the previous build.\n");
	return buf_steal(&b);
}

/* Does another case name f's id and package at another location? */
static int
junit_copies(const struct junit_case *v, size_t n, const struct finding *f)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (v[i].f != f && v[i].f->location != NULL &&
		    strcmp(v[i].f->id, f->id) == 0 &&
		    strcmp(v[i].f->package, f->package) == 0 &&
		    strcmp(v[i].f->location, f->location) != 0)
			return 1;
	}
	return 0;
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
		if (v[i].f->location != NULL && junit_copies(v, n, v[i].f))
			base = xasprintf("%s %s at %s", v[i].f->id, v[i].f->package,
			    v[i].f->location);
		else
			base = xasprintf("%s %s", v[i].f->id, v[i].f->package);
		/* Two cases of one name (two versions of a package) get a suffix. */
		for (k = 1, j = 0; j < i; j++) {
			if (strcmp(v[j].name, base) == 0 ||
			    (strncmp(v[j].name, base, strlen(base)) == 0 &&
			    strncmp(v[j].name + strlen(base), " (", 2) == 0))
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
	const char			*name = r->reference;

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
