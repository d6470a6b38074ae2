/*
 * yum/dnf updateinfo.xml: the security updates a repository's metadata lists,
 * as Amazon Linux publishes its ALAS advisories (each release's repository
 * carries repodata/updateinfo.xml.gz). Read with libxml2's streaming reader,
 * one <update> at a time.
 *
 * What a row is: one per (CVE, binary package) of a security update, fixed
 * at the package's E:V-R (a missing epoch is 0), in the namespace the
 * package's distribution tag names (".amzn2023" is "amzn:2023", ".amzn2"
 * "amzn:2", ".amzn1" "amzn:1"; failing that, the advisory id: ALAS2023-,
 * ALAS2022-, ALAS2-, ALAS-). Findings carry CVE ids, as the OVAL importer's
 * do, with the ALAS title as description and its page as link; an update
 * naming no CVE is one row under its own id. When every architecture of a
 * package has the same fix the row is for every architecture; when they
 * differ, one row per architecture. Source rpms, -debuginfo and
 * -debugsource packages (no code that runs) are skipped, and so are updates
 * that are not of type "security".
 *
 * Documents with a DOCTYPE or entity references are refused, as for OVAL.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#define UI_MAX_DEPTH	32
#define UI_MAX_PKGS	65536		/* packages of one update */
#define UI_MAX_CVES	4096		/* CVEs of one update */

struct ui_pkg {
	char		*name;
	char		*arch;
	char		*evr;
	const char	*ns;	/* one of ui_tags' or ui_ids' */
};

struct ui_ctx {
	struct vulndb	*vdb;
	const char	*feed;
	int64_t		*records;
	char		*xml_error;
	int64_t		 updates;
	int64_t		 skipped_type;
	int64_t		 skipped_pkgs;
	int64_t		 skipped_ns;
};

/* Distribution tags in a release, and the namespace each means. */
static const struct {
	const char	*tag;		/* after a '.' in the release */
	const char	*ns;
} ui_tags[] = {
	{ "amzn2023", "amzn:2023" },
	{ "amzn2022", "amzn:2022" },
	{ "amzn2", "amzn:2" },
	{ "amzn1", "amzn:1" },
};

/* Advisory id prefixes, longest first, and their namespace and page. */
static const struct {
	const char	*prefix;
	const char	*ns;
	const char	*page;		/* where the advisory's ID.html page is */
} ui_ids[] = {
	{ "ALAS2023-", "amzn:2023", "https://alas.aws.amazon.com/AL2023/" },
	{ "ALAS2022-", "amzn:2022", "https://alas.aws.amazon.com/AL2022/" },
	{ "ALAS2-", "amzn:2", "https://alas.aws.amazon.com/AL2/" },
	{ "ALAS-", "amzn:1", "https://alas.aws.amazon.com/" },
};

static enum severity
ui_severity(const char *s)
{
	static const struct {
		const char	*word;
		enum severity	 sev;
	} map[] = {
		{ "low", SEV_LOW },
		{ "medium", SEV_MEDIUM },
		{ "moderate", SEV_MEDIUM },
		{ "important", SEV_HIGH },
		{ "high", SEV_HIGH },
		{ "critical", SEV_CRITICAL },
	};
	size_t	i;

	for (i = 0; s != NULL && i < NELEM(map); i++) {
		if (strcasecmp(s, map[i].word) == 0)
			return map[i].sev;
	}
	return SEV_UNKNOWN;
}

static int
ui_is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr
ui_child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
		if (ui_is(n, name))
			return n;
	}
	return NULL;
}

static const char *
ui_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr	a;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) == 0 && a->children != NULL &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	}
	return NULL;
}

/* An element's text, trimmed; NULL when empty. */
static char *
ui_text(xmlNodePtr n)
{
	xmlChar		*s;
	struct strview	 v;
	char		*out = NULL;

	if (n == NULL || (s = xmlNodeGetContent(n)) == NULL)
		return NULL;
	v = sv_trim(SV((const char *)s));
	if (v.len > 0)
		out = sv_dup(v);
	xmlFree(s);
	return out;
}

/* The namespace a release's distribution tag names, NULL when none. */
static const char *
ui_tag_ns(const char *release)
{
	const char	*p;
	size_t		 i, n;

	for (p = release; (p = strchr(p, '.')) != NULL; p++) {
		for (i = 0; i < NELEM(ui_tags); i++) {
			n = strlen(ui_tags[i].tag);
			if (strncmp(p + 1, ui_tags[i].tag, n) == 0 &&
			    (p[1 + n] == '\0' || p[1 + n] == '.' || p[1 + n] == '_'))
				return ui_tags[i].ns;
		}
	}
	return NULL;
}

static int
ui_id_index(const char *id)
{
	size_t	i;

	for (i = 0; i < NELEM(ui_ids); i++) {
		if (str_starts(id, ui_ids[i].prefix))
			return (int)i;
	}
	return -1;
}

/* Not a package whose code runs: debug information and sources. */
static int
ui_skip_name(const char *name)
{
	return str_ends(name, "-debuginfo") || str_ends(name, "-debugsource") ||
	    strstr(name, "-debuginfo-") != NULL;
}

static int
ui_word_ok(const char *s)
{
	return s != NULL && *s != '\0' && strpbrk(s, " \t\r\n:") == NULL;
}

static void
ui_pkgs_free(struct ui_pkg *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].arch);
		free(p[i].evr);
	}
	free(p);
}

static int
ui_pkg_cmp(const void *va, const void *vb)
{
	const struct ui_pkg	*a = va, *b = vb;
	int			 r;

	if ((r = strcmp(a->ns, b->ns)) != 0)
		return r;
	if ((r = strcmp(a->name, b->name)) != 0)
		return r;
	return strcmp(a->arch, b->arch);
}

/* The update's packages, each (namespace, name, arch) once. */
static int
ui_packages(struct ui_ctx *c, xmlNodePtr update, const char *id_ns,
    struct ui_pkg **out, size_t *nout, char **cause)
{
	xmlNodePtr	 list, coll, p;
	struct ui_pkg	*v = NULL;
	const char	*name, *epoch, *ver, *rel, *arch, *ns;
	size_t		 n = 0, cap = 0, i, j;

	list = ui_child(update, "pkglist");
	for (coll = list != NULL ? list->children : NULL; coll != NULL;
	    coll = coll->next) {
		if (!ui_is(coll, "collection"))
			continue;
		for (p = coll->children; p != NULL; p = p->next) {
			if (!ui_is(p, "package"))
				continue;
			name = ui_attr(p, "name");
			epoch = ui_attr(p, "epoch");
			ver = ui_attr(p, "version");
			rel = ui_attr(p, "release");
			arch = ui_attr(p, "arch");
			if (!ui_word_ok(name) || !ui_word_ok(ver) ||
			    !ui_word_ok(rel) || !ui_word_ok(arch) ||
			    (epoch != NULL && *epoch != '\0' &&
			    strspn(epoch, "0123456789") != strlen(epoch))) {
				c->skipped_pkgs++;
				continue;
			}
			if (strcmp(arch, "src") == 0 || strcmp(arch, "nosrc") == 0 ||
			    ui_skip_name(name))
				continue;
			if ((ns = ui_tag_ns(rel)) == NULL && (ns = id_ns) == NULL) {
				c->skipped_ns++;
				continue;
			}
			if (n == UI_MAX_PKGS) {
				ui_pkgs_free(v, n);
				return fail(cause, HS_ELIMIT, "more than %d packages",
				    UI_MAX_PKGS);
			}
			if (n == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[n].name = xstrdup(name);
			v[n].arch = xstrdup(arch);
			v[n].evr = xasprintf("%s:%s-%s", epoch != NULL &&
			    *epoch != '\0' ? epoch : "0", ver, rel);
			v[n].ns = ns;
			n++;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof *v, ui_pkg_cmp);
	/* The same package twice (two collections): keep the first. */
	for (i = j = 0; i < n; i++) {
		if (j > 0 && ui_pkg_cmp(&v[j - 1], &v[i]) == 0) {
			free(v[i].name);
			free(v[i].arch);
			free(v[i].evr);
			continue;
		}
		v[j++] = v[i];
	}
	*out = v;
	*nout = j;
	return 0;
}

static int
ui_update(struct ui_ctx *c, xmlNodePtr update, char **cause)
{
	xmlNodePtr	 refs, r;
	struct advisory	 a;
	struct ui_pkg	*pkgs = NULL;
	const char	*type, *rtype, *rid, *cves[UI_MAX_CVES], *id_ns = NULL;
	char		*id = NULL, *title = NULL, *sev = NULL, *link = NULL;
	size_t		 npkgs = 0, ncves = 0, i, j, k, end;
	int		 rc = 0, idx, same;

	c->updates++;
	type = ui_attr(update, "type");
	if (type == NULL || strcmp(type, "security") != 0) {
		c->skipped_type++;
		return 0;
	}
	if ((id = ui_text(ui_child(update, "id"))) == NULL || !ui_word_ok(id)) {
		rc = fail(cause, HS_EINVAL, "update %lld: no id", (long long)c->updates);
		goto out;
	}
	title = ui_text(ui_child(update, "title"));
	sev = ui_text(ui_child(update, "severity"));
	if ((idx = ui_id_index(id)) >= 0) {
		id_ns = ui_ids[idx].ns;
		link = xasprintf("%s%s.html", ui_ids[idx].page, id);
	}
	refs = ui_child(update, "references");
	for (r = refs != NULL ? refs->children : NULL; r != NULL; r = r->next) {
		if (!ui_is(r, "reference") || (rtype = ui_attr(r, "type")) == NULL ||
		    strcmp(rtype, "cve") != 0 || !ui_word_ok(rid = ui_attr(r, "id")))
			continue;
		for (k = 0; k < ncves && strcmp(cves[k], rid) != 0; k++)
			/* nothing */;
		if (k < ncves)
			continue;
		if (ncves == UI_MAX_CVES) {
			rc = fail(cause, HS_ELIMIT, "%s: more than %d CVEs", id,
			    UI_MAX_CVES);
			goto out;
		}
		cves[ncves++] = rid;
	}
	if (ncves == 0)
		cves[ncves++] = id;
	if ((rc = ui_packages(c, update, id_ns, &pkgs, &npkgs, cause)) != 0) {
		cause_prefix(cause, "%s", id);
		goto out;
	}

	memset(&a, 0, sizeof a);
	a.kind = PKG_BINARY;
	a.ecosystem = ECO_RPM;
	a.status = "fixed";
	a.severity = ui_severity(sev);
	a.source_severity = sev;
	a.description = title;
	a.link = link;
	for (i = 0; i < npkgs && rc == 0; i = end) {
		/* The architectures of one package: one fix, or one each. */
		same = 1;
		for (end = i + 1; end < npkgs && strcmp(pkgs[end].ns, pkgs[i].ns) == 0 &&
		    strcmp(pkgs[end].name, pkgs[i].name) == 0; end++) {
			if (strcmp(pkgs[end].evr, pkgs[i].evr) != 0)
				same = 0;
		}
		for (j = i; j < end && rc == 0; j++) {
			if (same && j > i)
				break;
			a.namespace = pkgs[j].ns;
			a.package = pkgs[j].name;
			a.fixed_version = pkgs[j].evr;
			a.arch = same ? NULL : pkgs[j].arch;
			for (k = 0; k < ncves && rc == 0; k++) {
				a.vuln_id = cves[k];
				if ((rc = vulndb_add(c->vdb, c->feed, &a, cause)) == 0)
					(*c->records)++;
			}
		}
	}
out:
	ui_pkgs_free(pkgs, npkgs);
	free(id);
	free(title);
	free(sev);
	free(link);
	return rc;
}

/*
 * libxml2's generic errors (encoding and I/O) bypass the reader's handler and
 * would go to stderr as they are: the first becomes the cause instead.
 */
static void
ui_xml_generic(void *arg, const char *fmt, ...)
{
	struct ui_ctx	*c = arg;
	va_list		 ap;
	char		*msg;
	size_t		 n;

	if (c->xml_error != NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (n > 0)
		c->xml_error = msg;
	else
		free(msg);
}

static void
ui_xml_error(void *arg, xmlErrorPtr e)
{
	struct ui_ctx	*c = arg;
	char		*msg;
	size_t		 n;

	if (c->xml_error != NULL || e == NULL || e->level < XML_ERR_ERROR)
		return;
	msg = xstrdup(e->message != NULL ? e->message : "malformed XML");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	c->xml_error = xasprintf("line %d: %s", e->line, msg);
	free(msg);
}

static int
ui_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	struct ui_ctx		 c;
	xmlTextReaderPtr	 reader;
	xmlNodePtr		 node;
	const char		*name;
	int			 r, type, depth, rc = 0, root = 0;

	memset(&c, 0, sizeof c);
	c.vdb = vdb;
	c.feed = feed;
	c.records = records;
	*records = 0;
	if ((rc = feed_xml_check_head(data, len, "updateinfo", cause)) != 0)
		return rc;
	if (len > INT_MAX)
		return fail(cause, HS_ELIMIT, "larger than %d bytes", INT_MAX);
	xmlSetGenericErrorFunc(&c, ui_xml_generic);
	reader = xmlReaderForMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (reader == NULL) {
		xmlSetGenericErrorFunc(NULL, NULL);
		free(c.xml_error);
		return fail(cause, HS_ERR, "cannot start the XML reader");
	}
	xmlTextReaderSetStructuredErrorHandler(reader, ui_xml_error, &c);

	r = xmlTextReaderRead(reader);
	while (r == 1) {
		type = xmlTextReaderNodeType(reader);
		depth = xmlTextReaderDepth(reader);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			rc = fail(cause, HS_EINVAL, "DOCTYPE declaration refused:"
			    " updateinfo needs no DTD");
			goto out;
		}
		if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
			rc = fail(cause, HS_EINVAL, "entity reference refused");
			goto out;
		}
		if (type != XML_READER_TYPE_ELEMENT) {
			r = xmlTextReaderRead(reader);
			continue;
		}
		if (depth > UI_MAX_DEPTH) {
			rc = fail(cause, HS_ELIMIT, "XML nesting depth over %d",
			    UI_MAX_DEPTH);
			goto out;
		}
		name = (const char *)xmlTextReaderConstLocalName(reader);
		if (depth == 0) {
			if (name == NULL || strcmp(name, "updates") != 0) {
				rc = fail(cause, HS_EINVAL, "not an updateinfo document"
				    " (root element <%s>)", name != NULL ? name : "?");
				goto out;
			}
			root = 1;
		} else if (depth == 1 && name != NULL && strcmp(name, "update") == 0) {
			if ((node = xmlTextReaderExpand(reader)) == NULL)
				break;
			if ((rc = ui_update(&c, node, cause)) != 0)
				goto out;
			r = xmlTextReaderNext(reader);
			continue;
		}
		r = xmlTextReaderRead(reader);
	}
	if (r != 0 || c.xml_error != NULL) {
		rc = fail(cause, HS_EINVAL, "%s", c.xml_error != NULL ? c.xml_error :
		    "malformed XML");
		goto out;
	}
	if (!root) {
		rc = fail(cause, HS_EINVAL, "not an updateinfo document (empty)");
		goto out;
	}
	log_debug("%s: %lld updates, %lld rows; skipped %lld not security,"
	    " %lld malformed packages, %lld packages of no known release", feed,
	    (long long)c.updates, (long long)*records, (long long)c.skipped_type,
	    (long long)c.skipped_pkgs, (long long)c.skipped_ns);
out:
	xmlFreeTextReader(reader);
	xmlSetGenericErrorFunc(NULL, NULL);
	free(c.xml_error);
	return rc;
}

/* An <updates> root with an <update> in the first bytes. */
static int
ui_detect(const char *data, size_t len)
{
	size_t	n = len < FEED_XML_HEAD ? len : FEED_XML_HEAD;

	return memmem(data, n, "<updates", 8) != NULL &&
	    (memmem(data, n, "<update ", 8) != NULL ||
	    memmem(data, n, "<update>", 8) != NULL);
}

/* "amzn-2023-updateinfo" from the first ALAS id: every release's file has one name. */
static char *
ui_feed_name(const char *data, size_t len)
{
	size_t		 n = len < FEED_XML_HEAD ? len : FEED_XML_HEAD, i;
	const char	*p;

	if ((p = memmem(data, n, "<id>", 4)) == NULL)
		return NULL;
	p += 4;
	n -= p - data;
	for (i = 0; i < NELEM(ui_ids); i++) {
		if (n > strlen(ui_ids[i].prefix) &&
		    strncmp(p, ui_ids[i].prefix, strlen(ui_ids[i].prefix)) == 0)
			break;
	}
	if (i == NELEM(ui_ids))
		return NULL;
	return xasprintf("amzn-%s-updateinfo", strchr(ui_ids[i].ns, ':') + 1);
}

const struct feed_format feed_format_updateinfo = {
	.name = "updateinfo",
	.detect = ui_detect,
	.import = ui_import,
	.feed_name = ui_feed_name,
};
