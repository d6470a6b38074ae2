/* The HTML report: the XML form of the run result rendered by the XSLT templates into a static, CSP-safe page. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxslt/documents.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <libexslt/exslt.h>

#include "embed.h"
#include "report.h"
#include "util.h"

#define HTML_MAX_ASSET	(4 * 1024 * 1024)
#define HTML_MAX_ERRORS	2048

/* What the templates directory holds and what each becomes in the output. */
static const struct html_output {
	const char	*stylesheet;	/* NULL: copied as it is */
	const char	*source;
	const char	*output;
} html_outputs[] = {
	{ "report.xsl", NULL, "index.html" },
	{ "trend.xsl", NULL, "trend.svg" },
	{ NULL, "report.css", "report.css" },
};

const char *
report_templates_dir(const char *given)
{
	const char	*env;

	if (given != NULL && *given != '\0')
		return given;
	if ((env = getenv("HULLSCAN_TEMPLATES")) != NULL && *env != '\0')
		return env;
	return NULL;
}

/*
 * The built-in templates have URIs under HTML_BUILTIN, so that an
 * xsl:import or xsl:include between them resolves to another built-in one.
 * While a report is written, libxslt's document loader is ours: it serves
 * those URIs from memory and hands every other one to the loader it replaced.
 */
#define HTML_BUILTIN	"hullscan-builtin:/"
static xsltDocLoaderFunc html_next_loader;

static xmlDocPtr
html_loader(const xmlChar *uri, xmlDictPtr dict, int options, void *ctxt,
    xsltLoadType type)
{
	const struct embed_file	*f;
	xmlParserCtxtPtr	 pctxt;
	xmlDocPtr		 doc;

	if (!str_starts((const char *)uri, HTML_BUILTIN))
		return html_next_loader(uri, dict, options, ctxt, type);
	if ((f = embed_find((const char *)uri + strlen(HTML_BUILTIN))) == NULL ||
	    (pctxt = xmlNewParserCtxt()) == NULL)
		return NULL;
	/* A stylesheet's imports share its dictionary, as libxslt's own loader does. */
	if (dict != NULL) {
		if (pctxt->dict != NULL)
			xmlDictFree(pctxt->dict);
		pctxt->dict = dict;
		xmlDictReference(dict);
	}
	doc = xmlCtxtReadMemory(pctxt, (const char *)f->data, (int)f->len,
	    (const char *)uri, NULL, options | XML_PARSE_NONET);
	xmlFreeParserCtxt(pctxt);
	return doc;
}

/* libxml2 and libxslt report errors through a callback: keep the text for the cause. */
static void
html_error(void *ctx, const char *fmt, ...)
{
	struct buf	*b = ctx;
	va_list		 ap;
	char		*s;

	if (b->len >= HTML_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_adds(b, s);
	free(s);
}

/* The first line of what the libraries said, or a default. */
static const char *
html_error_line(struct buf *b, const char *dflt)
{
	char	*nl;

	if (b->len == 0)
		return dflt;
	while (b->len > 0 && b->data[0] == '\n') {
		memmove(b->data, b->data + 1, b->len--);
	}
	if ((nl = strchr(b->data, '\n')) != NULL)
		*nl = '\0';
	return b->len > 0 ? b->data : dflt;
}

/* Apply the stylesheet at uri (a file, or a built-in one) named xsl in messages. */
static int
html_transform(xmlDocPtr doc, const char *uri, const char *xsl, const char *out,
    struct buf *errs, char **cause)
{
	xsltStylesheetPtr	 style = NULL;
	xsltTransformContextPtr	 ctxt = NULL;
	xsltSecurityPrefsPtr	 sec = NULL;
	xmlDocPtr		 res = NULL;
	xmlChar			*text = NULL;
	int			 len = 0, rc = HS_ERR;

	if ((style = xsltParseStylesheetFile(BAD_CAST uri)) == NULL) {
		fail(cause, HS_EINVAL, "%s: %s", xsl,
		    html_error_line(errs, "cannot load the stylesheet"));
		goto out;
	}
	/* Templates may read files, never write them or reach the network. */
	if ((ctxt = xsltNewTransformContext(style, doc)) == NULL ||
	    (sec = xsltNewSecurityPrefs()) == NULL) {
		fail(cause, HS_ERR, "%s: cannot start the transformation", xsl);
		goto out;
	}
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
	xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
	xsltSetCtxtSecurityPrefs(sec, ctxt);
	res = xsltApplyStylesheetUser(style, doc, NULL, NULL, NULL, ctxt);
	if (res == NULL || ctxt->state != XSLT_STATE_OK) {
		fail(cause, HS_EINVAL, "%s: %s", xsl,
		    html_error_line(errs, "the transformation failed"));
		goto out;
	}
	if (xsltSaveResultToString(&text, &len, res, style) != 0 || text == NULL) {
		fail(cause, HS_ERR, "%s: cannot serialise the result", xsl);
		goto out;
	}
	rc = file_write_atomic(out, text, (size_t)len, cause);

out:
	xmlFree(text);
	xmlFreeDoc(res);
	if (ctxt != NULL)
		xsltFreeTransformContext(ctxt);
	if (sec != NULL)
		xsltFreeSecurityPrefs(sec);
	if (style != NULL)
		xsltFreeStylesheet(style);
	return rc;
}

static int
html_copy(const char *from, const char *to, char **cause)
{
	char	*data = NULL;
	size_t	 len;
	int	 rc;

	if ((rc = file_read(from, HTML_MAX_ASSET, &data, &len, cause)) != 0)
		return rc;
	rc = file_write_atomic(to, data, len, cause);
	free(data);
	return rc;
}

/* Where each template comes from: the directory given, else built in. */
static int
html_source(const char *tdir, const char *file, char **uri, char **name,
    const struct embed_file **builtin, char **cause)
{
	char	*path;

	*uri = *name = NULL;
	*builtin = NULL;
	if (tdir == NULL) {
		path = xasprintf("templates/%s", file);
		*builtin = embed_find(path);
		if (*builtin == NULL) {
			free(path);
			return fail(cause, HS_ENOENT, "templates/%s: not built in",
			    file);
		}
		*uri = xasprintf(HTML_BUILTIN "%s", path);
		*name = xasprintf("built-in %s", path);
		free(path);
		return 0;
	}
	path = xasprintf("%s/%s", tdir, file);
	if (access(path, R_OK) != 0) {
		fail(cause, HS_ENOENT, "%s: %s (set --templates or "
		    "HULLSCAN_TEMPLATES)", path, strerror(errno));
		free(path);
		return HS_ENOENT;
	}
	*uri = path;
	*name = xstrdup(path);
	return 0;
}

int
report_html_write(const struct run_result *rr, const char *dir,
    const char *templates_dir, char **cause)
{
	static int		 exslt_done;
	const struct html_output *o;
	const struct embed_file	*builtin;
	const char		*tdir, *file;
	xmlDocPtr		 doc = NULL;
	struct buf		 errs;
	char			*data = NULL, *uri = NULL, *name = NULL, *out = NULL;
	char			*probe;
	size_t			 len, i;
	int			 rc;

	tdir = report_templates_dir(templates_dir);
	for (i = 0; i < NELEM(html_outputs); i++) {
		o = &html_outputs[i];
		file = o->stylesheet != NULL ? o->stylesheet : o->source;
		if ((rc = html_source(tdir, file, &uri, &name, &builtin, cause)) != 0)
			return rc;
		free(uri);
		free(name);
	}
	uri = name = NULL;
	probe = xasprintf("%s/index.html", dir);
	rc = mkdir_parents(probe, cause);
	free(probe);
	if (rc != 0)
		return rc;

	if ((rc = report_xml_render(rr, &data, &len, cause)) != 0) {
		cause_prefix(cause, "%s", dir);
		return rc;
	}
	if (!exslt_done) {
		exsltRegisterAll();
		exslt_done = 1;
	}
	buf_init(&errs);
	xmlSetGenericErrorFunc(&errs, html_error);
	xsltSetGenericErrorFunc(&errs, html_error);
	html_next_loader = xsltDocDefaultLoader;
	xsltSetLoaderFunc(html_loader);
	doc = xmlReadMemory(data, (int)len, "report.xml", "UTF-8",
	    XML_PARSE_NONET);
	if (doc == NULL) {
		rc = fail(cause, HS_ERR, "%s: cannot read the XML form of the "
		    "report: %s", dir, html_error_line(&errs, "parse error"));
		goto out;
	}
	for (i = 0; i < NELEM(html_outputs); i++) {
		o = &html_outputs[i];
		file = o->stylesheet != NULL ? o->stylesheet : o->source;
		if ((rc = html_source(tdir, file, &uri, &name, &builtin, cause)) != 0)
			goto out;
		out = xasprintf("%s/%s", dir, o->output);
		if (o->stylesheet != NULL) {
			buf_free(&errs);
			rc = html_transform(doc, uri, name, out, &errs, cause);
		} else if (builtin != NULL)
			rc = file_write_atomic(out, builtin->data, builtin->len, cause);
		else
			rc = html_copy(uri, out, cause);
		free(uri);
		free(name);
		free(out);
		uri = name = out = NULL;
		if (rc != 0)
			goto out;
	}
	rc = 0;

out:
	xsltSetLoaderFunc(html_next_loader);
	xmlSetGenericErrorFunc(NULL, NULL);
	xsltSetGenericErrorFunc(NULL, NULL);
	xmlFreeDoc(doc);
	buf_free(&errs);
	free(data);
	return rc;
}
