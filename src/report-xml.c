/* The XML form of a run result (what the HTML templates read) and the small XML writer the XML reports share. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/encoding.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include "report.h"
#include "util.h"

#define REPORT_XML_SCHEMA_VERSION 1

struct report_xw {
	xmlBufferPtr		 buf;
	xmlTextWriterPtr	 w;
	int			 err;
	int			 depth;
};

/*
 * Copy s, replacing what XML 1.0 cannot carry: invalid UTF-8 and the code
 * points outside Char (C0 controls but tab, newline and return; surrogates;
 * U+FFFE and U+FFFF) become U+FFFD.
 */
char *
report_xml_clean(const char *s)
{
	struct buf		 b;
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 left = strlen(s), n;
	unsigned int		 c;

	buf_init(&b);
	while (left > 0) {
		c = p[0];
		n = 0;
		if (c < 0x80)
			n = 1;
		else if (c >= 0xc2 && c <= 0xdf && left >= 2 &&
		    (p[1] & 0xc0) == 0x80) {
			n = 2;
			c = ((c & 0x1f) << 6) | (p[1] & 0x3f);
		} else if (c >= 0xe0 && c <= 0xef && left >= 3 &&
		    (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
			c = ((c & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
			n = c >= 0x800 ? 3 : 0;
		} else if (c >= 0xf0 && c <= 0xf4 && left >= 4 &&
		    (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
		    (p[3] & 0xc0) == 0x80) {
			c = ((c & 0x07) << 18) | ((p[1] & 0x3f) << 12) |
			    ((p[2] & 0x3f) << 6) | (p[3] & 0x3f);
			n = c >= 0x10000 && c <= 0x10ffff ? 4 : 0;
		}
		if (n == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff) {
			buf_adds(&b, "\xef\xbf\xbd");
			n = n == 0 ? 1 : n;
		} else
			buf_add(&b, p, n);
		p += n;
		left -= n;
	}
	return buf_steal(&b);
}

struct report_xw *
report_xw_new(void)
{
	struct report_xw	*xw;

	xw = xcalloc(1, sizeof *xw);
	if ((xw->buf = xmlBufferCreate()) == NULL ||
	    (xw->w = xmlNewTextWriterMemory(xw->buf, 0)) == NULL) {
		xw->err = 1;
		return xw;
	}
	/* Grow by doubling: the default, exact, reallocates at every write. */
	xmlBufferSetAllocationScheme(xw->buf, XML_BUFFER_ALLOC_DOUBLEIT);
	if (xmlTextWriterSetIndent(xw->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(xw->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(xw->w, NULL, "UTF-8", NULL) < 0)
		xw->err = 1;
	return xw;
}

void
report_xw_free(struct report_xw *xw)
{
	if (xw == NULL)
		return;
	if (xw->w != NULL)
		xmlFreeTextWriter(xw->w);
	if (xw->buf != NULL)
		xmlBufferFree(xw->buf);
	free(xw);
}

void
report_xw_start(struct report_xw *xw, const char *element)
{
	if (xw->err)
		return;
	if (xmlTextWriterStartElement(xw->w, BAD_CAST element) < 0)
		xw->err = 1;
	else
		xw->depth++;
}

void
report_xw_attr(struct report_xw *xw, const char *name, const char *value)
{
	char	*clean;

	if (xw->err || value == NULL)
		return;
	clean = report_xml_clean(value);
	if (xmlTextWriterWriteAttribute(xw->w, BAD_CAST name, BAD_CAST clean) < 0)
		xw->err = 1;
	free(clean);
}

void
report_xw_attrf(struct report_xw *xw, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	report_xw_attr(xw, name, s);
	free(s);
}

void
report_xw_text(struct report_xw *xw, const char *text)
{
	char	*clean;

	if (xw->err || text == NULL)
		return;
	clean = report_xml_clean(text);
	if (xmlTextWriterWriteString(xw->w, BAD_CAST clean) < 0)
		xw->err = 1;
	free(clean);
}

void
report_xw_end(struct report_xw *xw)
{
	if (xw->err)
		return;
	if (xw->depth == 0 || xmlTextWriterEndElement(xw->w) < 0)
		xw->err = 1;
	else
		xw->depth--;
}

void
report_xw_element(struct report_xw *xw, const char *element, const char *text)
{
	if (text == NULL)
		return;
	report_xw_start(xw, element);
	report_xw_text(xw, text);
	report_xw_end(xw);
}

int
report_xw_finish(struct report_xw *xw, char **data, size_t *len, char **cause)
{
	int	rc = 0;

	*data = NULL;
	*len = 0;
	if (!xw->err && xmlTextWriterEndDocument(xw->w) < 0)
		xw->err = 1;
	if (xw->w != NULL) {
		xmlFreeTextWriter(xw->w);	/* flushes into buf */
		xw->w = NULL;
	}
	if (xw->err || xw->buf == NULL)
		rc = fail(cause, HS_ERR, "cannot write the XML document");
	else {
		*len = xmlBufferLength(xw->buf);
		*data = xmalloc(*len + 1);
		memcpy(*data, xmlBufferContent(xw->buf), *len);
		(*data)[*len] = '\0';
	}
	report_xw_free(xw);
	return rc;
}

int
report_output(const char *path, const char *data, size_t len, char **cause)
{
	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return fail(cause, HS_EIO, "stdout: write failed");
		return 0;
	}
	if (mkdir_parents(path, cause) != 0)
		return HS_EIO;
	return file_write_atomic(path, data, len, cause);
}

char *
report_finding_purl(const struct finding *f)
{
	if (!ecosystem_is_lang(f->ecosystem))
		return NULL;
	return ecosystem_purl(f->ecosystem, f->package, f->installed_version);
}

int
report_still_open(const struct image_result *r, const struct finding *fixed)
{
	size_t	i;

	for (i = 0; i < r->findings.n; i++) {
		if (strcmp(r->findings.v[i].id, fixed->id) == 0 &&
		    strcmp(r->findings.v[i].package, fixed->package) == 0)
			return 1;
	}
	return 0;
}

static const char *
new_name(int is_new)
{
	if (is_new < 0)
		return "unknown";
	return is_new ? "yes" : "no";
}

static void
xml_finding(struct report_xw *xw, const char *element, const struct finding *f,
    int with_verdict)
{
	size_t	i;

	report_xw_start(xw, element);
	report_xw_attr(xw, "id", f->id);
	report_xw_attr(xw, "severity", severity_name(f->severity));
	report_xw_attrf(xw, "rank", "%d", (int)f->severity);
	if (with_verdict) {
		report_xw_attr(xw, "verdict", verdict_name(f->verdict));
		report_xw_attr(xw, "new", new_name(f->is_new));
	}
	report_xw_attr(xw, "package", f->package);
	report_xw_attr(xw, "installed", f->installed_version);
	report_xw_attr(xw, "source", f->source_name);
	report_xw_attr(xw, "fixed", f->fixed_version);
	report_xw_attr(xw, "status", f->status);
	report_xw_attr(xw, "namespace", f->namespace);
	report_xw_attr(xw, "source-severity", f->source_severity);
	report_xw_attr(xw, "link", f->link);
	/* Language packages: their ecosystem and where in the image they are. */
	if (ecosystem_is_lang(f->ecosystem))
		report_xw_attr(xw, "ecosystem", ecosystem_name(f->ecosystem));
	report_xw_attr(xw, "location", f->location);
	if (f->naliases > 0) {
		struct buf	b;

		buf_init(&b);
		for (i = 0; i < f->naliases; i++)
			buf_printf(&b, "%s%s", i > 0 ? ", " : "", f->aliases[i]);
		report_xw_attr(xw, "aliases", b.data);
		buf_free(&b);
	}
	report_xw_attr(xw, "informational", f->informational);
	report_xw_element(xw, "description", f->description);
	for (i = 0; i < f->naliases; i++)
		report_xw_element(xw, "alias", f->aliases[i]);
	if (with_verdict && f->verdict == VERDICT_IGNORED)
		report_xw_element(xw, "ignore-reason", f->ignore_reason != NULL ?
		    f->ignore_reason : "ignored");
	report_xw_end(xw);
}

static void
xml_image(struct report_xw *xw, const struct image_result *r, size_t idx)
{
	const struct os_info	*os;
	char			*eol;
	size_t			 i, nfail = 0, nignored = 0, nnew = 0, nfixed = 0;

	for (i = 0; i < r->findings.n; i++) {
		if (r->findings.v[i].verdict == VERDICT_FAIL)
			nfail++;
		else if (r->findings.v[i].verdict == VERDICT_IGNORED)
			nignored++;
		if (r->findings.v[i].is_new == 1)
			nnew++;
	}
	for (i = 0; i < r->fixed.n; i++)
		nfixed += !report_still_open(r, &r->fixed.v[i]);
	report_xw_start(xw, "image");
	report_xw_attrf(xw, "index", "%zu", idx + 1);
	report_xw_attr(xw, "reference", r->reference);
	report_xw_attr(xw, "name", r->name != NULL ? r->name : r->reference);
	report_xw_attr(xw, "digest", r->digest);
	report_xw_attrf(xw, "seconds", "%.1f", r->seconds);
	report_xw_attr(xw, "scanned", r->error == NULL ? "yes" : "no");
	report_xw_attr(xw, "has-previous", r->has_previous ? "yes" : "no");
	report_xw_attrf(xw, "findings", "%zu", r->findings.n);
	report_xw_attrf(xw, "failing", "%zu", nfail);
	report_xw_attrf(xw, "ignored", "%zu", nignored);
	report_xw_attrf(xw, "new", "%zu", nnew);
	report_xw_attrf(xw, "fixed-count", "%zu", nfixed);
	if (r->inv != NULL) {
		os = &r->inv->os;
		report_xw_attr(xw, "os", os->pretty_name != NULL ?
		    os->pretty_name : os->id);
		report_xw_attr(xw, "os-namespace", os->namespace);
		report_xw_attrf(xw, "packages", "%zu", r->inv->npkgs);
	}
	report_xw_element(xw, "error", r->error);
	report_xw_element(xw, "warning", r->warning);
	if (r->eol_date != NULL) {
		eol = image_result_eol_message(r);
		report_xw_start(xw, "eol");
		report_xw_attr(xw, "date", r->eol_date);
		report_xw_attr(xw, "support", r->eol_support);
		report_xw_attr(xw, "reached", r->eol_reached ? "yes" : "no");
		report_xw_attr(xw, "fails", r->eol_fails ? "yes" : "no");
		if (eol != NULL)
			report_xw_text(xw, eol);
		free(eol);
		report_xw_end(xw);
	}
	for (i = 0; i < r->findings.n; i++)
		xml_finding(xw, "finding", &r->findings.v[i], 1);
	for (i = 0; i < r->fixed.n; i++) {
		if (!report_still_open(r, &r->fixed.v[i]))
			xml_finding(xw, "fixed", &r->fixed.v[i], 0);
	}
	report_xw_end(xw);
}

static void
xml_summary(struct report_xw *xw, const struct run_result *rr)
{
	size_t	 counts[SEV_CRITICAL + 1] = { 0 }, nnew[SEV_CRITICAL + 1] = { 0 };
	size_t	 nfixed[SEV_CRITICAL + 1] = { 0 };
	size_t	 i, j, failed = 0, total = 0, totnew = 0, totfixed = 0, failing = 0;
	const struct finding	*f;
	int	 s;

	for (i = 0; i < rr->nimages; i++) {
		if (rr->images[i].error != NULL)
			failed++;
		for (j = 0; j < rr->images[i].findings.n; j++) {
			f = &rr->images[i].findings.v[j];
			counts[f->severity]++;
			total++;
			if (f->verdict == VERDICT_FAIL)
				failing++;
			if (f->is_new == 1) {
				nnew[f->severity]++;
				totnew++;
			}
		}
		for (j = 0; j < rr->images[i].fixed.n; j++) {
			if (report_still_open(&rr->images[i],
			    &rr->images[i].fixed.v[j]))
				continue;
			nfixed[rr->images[i].fixed.v[j].severity]++;
			totfixed++;
		}
	}
	report_xw_start(xw, "summary");
	report_xw_attrf(xw, "images", "%zu", rr->nimages);
	report_xw_attrf(xw, "scanned", "%zu", rr->nimages - failed);
	report_xw_attrf(xw, "failed", "%zu", failed);
	report_xw_attrf(xw, "findings", "%zu", total);
	report_xw_attrf(xw, "failing", "%zu", failing);
	report_xw_attrf(xw, "new", "%zu", totnew);
	report_xw_attrf(xw, "fixed", "%zu", totfixed);
	for (s = SEV_CRITICAL; s >= SEV_UNKNOWN; s--) {
		report_xw_start(xw, "severity");
		report_xw_attr(xw, "name", severity_name(s));
		report_xw_attrf(xw, "rank", "%d", s);
		report_xw_attrf(xw, "count", "%zu", counts[s]);
		report_xw_attrf(xw, "new", "%zu", nnew[s]);
		report_xw_attrf(xw, "fixed", "%zu", nfixed[s]);
		report_xw_end(xw);
	}
	report_xw_end(xw);
}

static void
xml_trend(struct report_xw *xw, const struct run_result *rr)
{
	const struct trend_point	*p;
	size_t				 i;
	long				 total, max = 0;
	int				 s;

	for (i = 0; i < rr->ntrend; i++) {
		p = &rr->trend[i];
		for (total = 0, s = SEV_UNKNOWN; s <= SEV_CRITICAL; s++)
			total += p->counts[s] > 0 ? p->counts[s] : 0;
		if (total > max)
			max = total;
	}
	report_xw_start(xw, "trend");
	report_xw_attrf(xw, "points", "%zu", rr->ntrend);
	report_xw_attrf(xw, "max", "%ld", max);
	for (i = 0; i < rr->ntrend; i++) {
		p = &rr->trend[i];
		for (total = 0, s = SEV_UNKNOWN; s <= SEV_CRITICAL; s++)
			total += p->counts[s] > 0 ? p->counts[s] : 0;
		report_xw_start(xw, "point");
		report_xw_attrf(xw, "index", "%zu", i + 1);
		report_xw_attr(xw, "build", p->build);
		report_xw_attr(xw, "started", p->started);
		report_xw_attrf(xw, "total", "%ld", total);
		report_xw_attr(xw, "current", rr->build != NULL && p->build != NULL &&
		    strcmp(rr->build, p->build) == 0 ? "yes" : "no");
		for (s = SEV_CRITICAL; s >= SEV_UNKNOWN; s--) {
			report_xw_start(xw, "count");
			report_xw_attr(xw, "severity", severity_name(s));
			report_xw_attrf(xw, "rank", "%d", s);
			report_xw_attrf(xw, "n", "%d", p->counts[s] > 0 ? p->counts[s] : 0);
			report_xw_end(xw);
		}
		report_xw_end(xw);
	}
	report_xw_end(xw);
}

int
report_xml_render(const struct run_result *rr, char **data, size_t *len,
    char **cause)
{
	struct report_xw	*xw;
	size_t			 i;

	xw = report_xw_new();
	report_xw_start(xw, "report");
	report_xw_attrf(xw, "schema", "%d", REPORT_XML_SCHEMA_VERSION);
	report_xw_attr(xw, "tool", PACKAGE_NAME);
	report_xw_attr(xw, "version", PACKAGE_VERSION);
	report_xw_attr(xw, "started", rr->started);
	report_xw_attr(xw, "db", rr->db_path);
	report_xw_attrf(xw, "exit-status", "%d", rr->exit_status);

	report_xw_start(xw, "build");
	report_xw_attr(xw, "job", rr->job);
	report_xw_attr(xw, "id", rr->build);
	report_xw_attr(xw, "url", rr->build_url);
	report_xw_attr(xw, "previous", rr->previous_build);
	report_xw_end(xw);

	report_xw_start(xw, "policy");
	report_xw_attr(xw, "verdict", rr->policy_failed ? "fail" : "pass");
	report_xw_attr(xw, "summary", rr->policy_summary);
	for (i = 0; i < rr->nreasons; i++)
		report_xw_element(xw, "reason", rr->reasons[i]);
	report_xw_end(xw);

	xml_summary(xw, rr);
	xml_trend(xw, rr);
	for (i = 0; i < rr->nimages; i++)
		xml_image(xw, &rr->images[i], i);
	report_xw_end(xw);
	return report_xw_finish(xw, data, len, cause);
}

int
report_xml_write(const struct run_result *rr, const char *path, char **cause)
{
	char	*data;
	size_t	 len;
	int	 rc;

	if ((rc = report_xml_render(rr, &data, &len, cause)) != 0) {
		cause_prefix(cause, "%s", path);
		return rc;
	}
	rc = report_output(path, data, len, cause);
	free(data);
	return rc;
}
