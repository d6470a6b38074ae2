/*
 * OVAL definitions: Red Hat's (v1 per-release and v2 per-stream files, plain
 * or compressed as served, inflated as they are read) and Canonical's CVE
 * OVAL for Ubuntu, read with libxml2's streaming reader one <definition> at
 * a time.
 *
 * What a row is. Red Hat: one row per (CVE, binary package, release) the
 * definition fixes, at the EVR of its "NAME is earlier than EVR" criterion,
 * in namespace "rhel:<major>" from the "Red Hat Enterprise Linux N is
 * installed" criterion governing it (one RHEL 3 file covers RHEL 3, 4 and
 * 5). Findings carry CVE ids, like the OSV, Debian and CSAF importers, so
 * ignore lists and build diffs speak one language; the RHSA title is the
 * description and each CVE keeps its own impact when Red Hat gives one (the
 * RHSA's severity otherwise). An RHSA naming no CVE is one row under its own
 * id; RHBA/RHEA definitions without a CVE are bug fixes and are skipped.
 * Packages of a module stream ("Module nodejs:12 is enabled") are stored as
 * "nodejs:12/npm": an inventory does not yet say which streams are enabled,
 * and comparing a nodejs:10 package with a nodejs:12 fix would be wrong, so
 * these rows match nothing until it does. Kernel "is currently running"
 * criteria (host checks) and signature-key criteria are ignored, and so are
 * the "X is installed" states of Red Hat's unpatched-CVE definitions (no fix
 * to compare against: only "is earlier than" makes a row).
 *
 * Ubuntu: one row per (CVE, source package) from the criterion comments
 * ("cabextract package in xenial is affected and needs fixing." is open,
 * "... was vulnerable but has been fixed (note: '0.4-3')." is fixed at
 * 0.4-3); comments name source packages, as the tracker does.
 *
 * Microsoft (Azure Linux 3, CBL-Mariner 1 and 2): one row per (CVE, package)
 * from each definition's rpminfo test, resolved through the document's
 * tests, objects and states, which follow the definitions (the comments and
 * titles name the version the definition was written against, not the fix).
 * A state "less than EVR" is a fix at EVR; "less than or equal" is an
 * inclusive bound with no fix yet. The package is the one Microsoft's
 * SPECS build, the source rpm: rows are matched by source name. The
 * document does not say which release it covers: the distribution tag of
 * its EVRs does (".cm2" → "mariner:2.0", ".azl3" → "azurelinux:3.0").
 *
 * Documents with a DOCTYPE are refused: OVAL needs no DTD, and entity
 * declarations are how external-entity and entity-expansion attacks arrive.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/entities.h>
#include <libxml/xmlreader.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#define OVAL_MAX_DEPTH		64		/* element nesting in the document */
#define OVAL_MAX_CRITERIA	32		/* criteria nesting in a definition */
#define OVAL_MAX_INFLATED	((uint64_t)4 << 30)	/* decompressed bytes */
#define OVAL_MAX_ROWS		65536		/* distinct rows of one definition */
#define OVAL_HEAD		65536		/* bytes checked for a DOCTYPE */

struct oval_stats {
	int64_t	definitions;
	int64_t	skipped_class;		/* inventory, compliance, … */
	int64_t	skipped_nocve;		/* RHBA/RHEA naming no CVE */
	int64_t	skipped_norelease;	/* no RHEL release found for a package */
	int64_t	module_rows;
	int64_t	negated;
	int64_t	ubuntu_skipped;		/* comments we do not read as a state */
	int64_t	ms_unresolved;		/* Microsoft tests naming nothing known */
	int64_t	ms_operation;		/* states of another operation */
};

/* The decompressing input libxml2 pulls from. */
struct oval_io {
	struct archive	*ar;
	uint64_t	 total;
	char		*err;
};

/* One definition's (namespace, package, fixed, arch) rows, to drop repeats. */
struct oval_row {
	char	*ns;
	char	*pkg;
	char	*fixed;
	char	*arch;		/* "" when no architecture criterion governs it */
};

/*
 * Red Hat and Oracle write their criteria alike: "<name>N is installed",
 * Oracle's "<name>arch is X", "PKG is earlier than EVR". An advisory naming
 * no CVE is a row of its own when its id starts with advisory.
 */
struct oval_vendor {
	const char	*name;		/* "Red Hat Enterprise Linux " */
	const char	*ns;		/* "rhel" */
	const char	*advisory;	/* "RHSA-" */
};

static const struct oval_vendor oval_redhat_vendor = {
	"Red Hat Enterprise Linux ", "rhel", "RHSA-"
};
static const struct oval_vendor oval_oracle_vendor = {
	"Oracle Linux ", "ol", "ELSA-"
};

struct oval_def {
	xmlNodePtr	 node;
	const char	*id;
	char		*title;
	char		*severity;	/* advisory/severity */
	char		*advisory_id;	/* RHSA-…, RHBA-… */
	char		*advisory_link;
	struct oval_row	*rows;
	size_t		 nrows;
	size_t		 caprows;
};

/*
 * Microsoft's definitions wait for the tests, objects and states after them:
 * one pending row per (CVE, test), and the three tables by id.
 */
struct oval_ms_row {
	char	*cve;
	char	*test;
	char	*severity;
	char	*title;
	char	*link;
};

struct oval_ms_ref {
	char	*id;
	char	*a;	/* test: object_ref; object: name; state: evr */
	char	*b;	/* test: state_ref; state: operation */
};

struct oval_ms_table {
	struct oval_ms_ref	*v;
	size_t			 n;
	size_t			 cap;
};

struct oval_ms {
	struct oval_ms_row	*rows;
	size_t			 nrows;
	size_t			 caprows;
	struct oval_ms_table	 tests;
	struct oval_ms_table	 objects;
	struct oval_ms_table	 states;
	char			*distro;	/* "mariner", "azurelinux" */
};

struct oval_ctx {
	struct vulndb		*vdb;
	const char		*feed;
	int64_t			*records;
	struct oval_stats	 st;
	char			*xml_error;	/* first libxml2 error */
	struct oval_ms		*ms;		/* a Microsoft document */
};

static const struct {
	const char	*codename;
	const char	*release;
} oval_ubuntu_releases[] = {
	{ "trusty", "14.04" }, { "xenial", "16.04" }, { "bionic", "18.04" },
	{ "focal", "20.04" }, { "jammy", "22.04" }, { "noble", "24.04" },
};

/* A vendor's word on our scale: Red Hat impacts and Ubuntu priorities. */
static enum severity
oval_severity(const char *s)
{
	static const struct {
		const char	*word;
		enum severity	 sev;
	} map[] = {
		{ "none", SEV_NEGLIGIBLE },
		{ "negligible", SEV_NEGLIGIBLE },
		{ "low", SEV_LOW },
		{ "moderate", SEV_MEDIUM },
		{ "medium", SEV_MEDIUM },
		{ "important", SEV_HIGH },
		{ "high", SEV_HIGH },
		{ "critical", SEV_CRITICAL },
	};
	size_t	i;

	if (s == NULL)
		return SEV_UNKNOWN;
	for (i = 0; i < NELEM(map); i++) {
		if (strcasecmp(s, map[i].word) == 0)
			return map[i].sev;
	}
	return SEV_UNKNOWN;
}

static int
oval_is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr
oval_child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
		if (oval_is(n, name))
			return n;
	}
	return NULL;
}

/* An attribute as a borrowed string (libxml2 keeps it in the node). */
static const char *
oval_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr	a;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) == 0 && a->children != NULL &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	}
	return NULL;
}

static char *
oval_text(xmlNodePtr n)
{
	xmlChar	*s;
	char	*out;

	if (n == NULL || (s = xmlNodeGetContent(n)) == NULL)
		return NULL;
	out = xstrdup((const char *)s);
	xmlFree(s);
	return out;
}

static int
oval_add_row(struct oval_ctx *c, const struct oval_def *d, const char *description,
    const char *ns, const char *pkg, const char *arch, enum ecosystem eco,
    enum pkg_kind kind, const char *vuln_id, const char *fixed, const char *last,
    enum severity sev, const char *raw, const char *link, char **cause)
{
	struct advisory	a;
	struct advisory_alias al;
	int		rc;

	memset(&a, 0, sizeof a);
	a.namespace = ns;
	a.package = pkg;
	a.kind = kind;
	a.ecosystem = eco;
	a.vuln_id = vuln_id;
	/* A CVE of an RHSA definition keeps the RHSA's id. */
	if (d != NULL && d->advisory_id != NULL && strcmp(d->advisory_id, vuln_id) != 0) {
		al.id = d->advisory_id;
		al.kind = ALIAS_RELATED;
		a.aliases = &al;
		a.naliases = 1;
	}
	a.fixed_version = fixed;
	a.last_affected = last;
	a.arch = arch != NULL && *arch != '\0' ? arch : NULL;
	a.status = fixed != NULL ? "fixed" : "open";
	a.severity = sev;
	a.source_severity = raw;
	a.description = description;
	a.link = link;
	if ((rc = vulndb_add(c->vdb, c->feed, &a, cause)) != 0)
		return rc;
	(*c->records)++;
	return 0;
}

static int
oval_add(struct oval_ctx *c, struct oval_def *d, const char *ns, const char *pkg,
    enum ecosystem eco, enum pkg_kind kind, const char *vuln_id, const char *fixed,
    enum severity sev, const char *raw, const char *link, char **cause)
{
	return oval_add_row(c, d, d->title, ns, pkg, NULL, eco, kind, vuln_id, fixed,
	    NULL, sev, raw, link, cause);
}

/* Remember (ns, pkg, fixed, arch) for this definition; 0 when already seen. */
static int
oval_remember(struct oval_def *d, const char *ns, const char *pkg, const char *fixed,
    const char *arch, char **cause)
{
	size_t	i;

	if (arch == NULL)
		arch = "";
	for (i = 0; i < d->nrows; i++) {
		if (strcmp(d->rows[i].ns, ns) == 0 && strcmp(d->rows[i].pkg, pkg) == 0 &&
		    strcmp(d->rows[i].fixed, fixed) == 0 &&
		    strcmp(d->rows[i].arch, arch) == 0)
			return 0;
	}
	if (d->nrows == OVAL_MAX_ROWS) {
		return fail(cause, HS_ELIMIT, "%s: more than %d packages", d->id,
		    OVAL_MAX_ROWS);
	}
	if (d->nrows == d->caprows) {
		d->caprows = d->caprows == 0 ? 32 : d->caprows * 2;
		d->rows = xreallocarray(d->rows, d->caprows, sizeof *d->rows);
	}
	d->rows[d->nrows].ns = xstrdup(ns);
	d->rows[d->nrows].pkg = xstrdup(pkg);
	d->rows[d->nrows].fixed = xstrdup(fixed);
	d->rows[d->nrows].arch = xstrdup(arch);
	d->nrows++;
	return 1;
}

/*
 * Oracle lists a package under each architecture's criteria. When every
 * architecture has the same fixes, one row each for all of them (arch "");
 * when they differ (a respin at another release on one architecture), the
 * rows stay per architecture.
 */
static void
oval_rows_collapse(struct oval_def *d)
{
	size_t	i, j, k, n;
	int	same;

	for (i = 0; i < d->nrows; i++) {
		if (*d->rows[i].arch == '\0')
			continue;
		/* Does every row of (ns, pkg) have its fix on every arch of it? */
		same = 1;
		for (j = 0; j < d->nrows && same; j++) {
			if (strcmp(d->rows[j].ns, d->rows[i].ns) != 0 ||
			    strcmp(d->rows[j].pkg, d->rows[i].pkg) != 0)
				continue;
			for (k = 0; k < d->nrows && same; k++) {
				if (strcmp(d->rows[k].ns, d->rows[i].ns) != 0 ||
				    strcmp(d->rows[k].pkg, d->rows[i].pkg) != 0)
					continue;
				for (n = 0; n < d->nrows; n++) {
					if (strcmp(d->rows[n].ns, d->rows[i].ns) == 0 &&
					    strcmp(d->rows[n].pkg, d->rows[i].pkg) == 0 &&
					    strcmp(d->rows[n].arch, d->rows[k].arch) == 0 &&
					    strcmp(d->rows[n].fixed, d->rows[j].fixed) == 0)
						break;
				}
				if (n == d->nrows)
					same = 0;
			}
		}
		if (!same)
			continue;
		for (j = 0; j < d->nrows; j++) {
			if (strcmp(d->rows[j].ns, d->rows[i].ns) == 0 &&
			    strcmp(d->rows[j].pkg, d->rows[i].pkg) == 0)
				d->rows[j].arch[0] = '\0';
		}
	}
	/* Drop the repeats the collapse made. */
	for (i = j = 0; i < d->nrows; i++) {
		for (k = 0; k < j; k++) {
			if (strcmp(d->rows[k].ns, d->rows[i].ns) == 0 &&
			    strcmp(d->rows[k].pkg, d->rows[i].pkg) == 0 &&
			    strcmp(d->rows[k].fixed, d->rows[i].fixed) == 0 &&
			    strcmp(d->rows[k].arch, d->rows[i].arch) == 0)
				break;
		}
		if (k < j) {
			free(d->rows[i].ns);
			free(d->rows[i].pkg);
			free(d->rows[i].fixed);
			free(d->rows[i].arch);
			continue;
		}
		d->rows[j++] = d->rows[i];
	}
	d->nrows = j;
}

/* "Red Hat Enterprise Linux 8 is installed" → "8". */
static char *
oval_release(const struct oval_vendor *v, const char *comment)
{
	size_t	n;

	if (!str_starts(comment, v->name))
		return NULL;
	comment += strlen(v->name);
	n = strspn(comment, "0123456789");
	if (n == 0 || strcmp(comment + n, " is installed") != 0)
		return NULL;
	return xstrndup(comment, n);
}

/* "Oracle Linux arch is x86_64" → "x86_64". */
static char *
oval_arch(const struct oval_vendor *v, const char *comment)
{
	size_t	n;

	if (!str_starts(comment, v->name) ||
	    !str_starts(comment + strlen(v->name), "arch is "))
		return NULL;
	comment += strlen(v->name) + strlen("arch is ");
	n = strcspn(comment, " ");
	if (n == 0 || comment[n] != '\0')
		return NULL;
	return xstrndup(comment, n);
}

/* "Module nodejs:12 is enabled" → "nodejs:12". */
static char *
oval_module(const char *comment)
{
	const char	*end;

	if (!str_starts(comment, "Module ") || !str_ends(comment, " is enabled"))
		return NULL;
	comment += strlen("Module ");
	end = strstr(comment, " is enabled");
	if (end == comment || memchr(comment, ' ', end - comment) != NULL)
		return NULL;
	return xstrndup(comment, end - comment);
}

/*
 * Walk a Red Hat (or Oracle) criteria tree. Inside an AND, a sibling "RHEL N
 * is installed", "Module X:Y is enabled" or "Oracle Linux arch is X"
 * criterion governs everything below it; "NAME is earlier than EVR"
 * criteria become packages of the release in force. Negated branches say
 * "not installed/not enabled": skipped.
 */
static int
oval_redhat_criteria(struct oval_ctx *c, struct oval_def *d,
    const struct oval_vendor *v, xmlNodePtr crit, const char *release,
    const char *module, const char *arch, int depth, char **cause)
{
	xmlNodePtr	 n;
	const char	*op, *comment, *neg, *sep;
	char		*rel = NULL, *mod = NULL, *ar = NULL, *pkg, *fixed;
	int		 rc = 0, and;

	if (depth > OVAL_MAX_CRITERIA)
		return fail(cause, HS_ELIMIT, "%s: criteria nesting depth over %d",
		    d->id, OVAL_MAX_CRITERIA);
	op = oval_attr(crit, "operator");
	and = op == NULL || strcmp(op, "AND") == 0;
	if (and) {
		for (n = crit->children; n != NULL; n = n->next) {
			if (!oval_is(n, "criterion") ||
			    (comment = oval_attr(n, "comment")) == NULL)
				continue;
			if ((neg = oval_attr(n, "negate")) != NULL &&
			    strcmp(neg, "true") == 0)
				continue;
			if (rel == NULL)
				rel = oval_release(v, comment);
			if (mod == NULL)
				mod = oval_module(comment);
			if (ar == NULL)
				ar = oval_arch(v, comment);
		}
	}
	if (rel != NULL)
		release = rel;
	if (mod != NULL)
		module = mod;
	if (ar != NULL)
		arch = ar;

	for (n = crit->children; n != NULL && rc == 0; n = n->next) {
		if ((oval_is(n, "criteria") || oval_is(n, "criterion")) &&
		    (neg = oval_attr(n, "negate")) != NULL && strcmp(neg, "true") == 0) {
			c->st.negated++;
			continue;
		}
		if (oval_is(n, "criteria")) {
			rc = oval_redhat_criteria(c, d, v, n, release, module, arch,
			    depth + 1, cause);
			continue;
		}
		if (!oval_is(n, "criterion") ||
		    (comment = oval_attr(n, "comment")) == NULL ||
		    (sep = strstr(comment, " is earlier than ")) == NULL ||
		    sep == comment || memchr(comment, ' ', sep - comment) != NULL)
			continue;
		fixed = xstrdup(sep + strlen(" is earlier than "));
		if (*fixed == '\0' || strchr(fixed, ' ') != NULL) {
			free(fixed);
			continue;
		}
		if (module != NULL) {
			pkg = xasprintf("%s/%.*s", module, (int)(sep - comment), comment);
			c->st.module_rows++;
		} else
			pkg = xstrndup(comment, sep - comment);
		if (release == NULL) {
			c->st.skipped_norelease++;
		} else {
			char	*ns = xasprintf("%s:%s", v->ns, release);

			rc = oval_remember(d, ns, pkg, fixed, arch, cause);
			rc = rc < 0 ? rc : 0;
			free(ns);
		}
		free(pkg);
		free(fixed);
	}
	free(rel);
	free(mod);
	free(ar);
	return rc;
}

/* The only "Red Hat Enterprise Linux N" platform, for criteria that name none. */
static char *
oval_redhat_platform(const struct oval_vendor *v, xmlNodePtr meta)
{
	xmlNodePtr	 aff, p;
	char		*text, *found = NULL;
	const char	*pre = v->name;
	size_t		 n;

	aff = oval_child(meta, "affected");
	for (p = aff != NULL ? aff->children : NULL; p != NULL; p = p->next) {
		if (!oval_is(p, "platform") || (text = oval_text(p)) == NULL)
			continue;
		if (str_starts(text, pre) && (n = strspn(text + strlen(pre),
		    "0123456789")) > 0 && text[strlen(pre) + n] == '\0') {
			if (found != NULL) {
				free(text);
				free(found);
				return NULL;
			}
			found = xstrdup(text + strlen(pre));
		}
		free(text);
	}
	return found;
}

static int
oval_redhat(struct oval_ctx *c, struct oval_def *d, const struct oval_vendor *v,
    xmlNodePtr meta, char **cause)
{
	xmlNodePtr	 n, adv, crit, cve;
	const char	*src, *ref, *url, *impact, *raw, *link;
	char		*platform, *cvename;
	size_t		 i;
	int		 rc = 0, ncve = 0;
	enum severity	 sev;

	if ((crit = oval_child(d->node, "criteria")) == NULL)
		return 0;
	platform = oval_redhat_platform(v, meta);
	rc = oval_redhat_criteria(c, d, v, crit, platform, NULL, NULL, 0, cause);
	free(platform);
	if (rc != 0)
		return rc;
	oval_rows_collapse(d);
	adv = oval_child(meta, "advisory");
	for (n = meta->children; n != NULL && rc == 0; n = n->next) {
		if (!oval_is(n, "reference") || (src = oval_attr(n, "source")) == NULL ||
		    (ref = oval_attr(n, "ref_id")) == NULL || strcmp(src, "CVE") != 0)
			continue;
		ncve++;
		/* The CVE's own impact when Red Hat rates it apart from the RHSA. */
		impact = NULL;
		link = oval_attr(n, "ref_url");
		for (cve = adv != NULL ? adv->children : NULL; cve != NULL;
		    cve = cve->next) {
			if (!oval_is(cve, "cve") || (cvename = oval_text(cve)) == NULL)
				continue;
			if (strcmp(cvename, ref) == 0) {
				impact = oval_attr(cve, "impact");
				if ((url = oval_attr(cve, "href")) != NULL)
					link = url;
			}
			free(cvename);
		}
		raw = impact != NULL ? impact : d->severity;
		sev = oval_severity(raw);
		for (i = 0; i < d->nrows && rc == 0; i++) {
			rc = oval_add_row(c, d, d->title, d->rows[i].ns, d->rows[i].pkg,
			    d->rows[i].arch, ECO_RPM, PKG_BINARY, ref,
			    d->rows[i].fixed, NULL, sev, raw, link, cause);
		}
	}
	if (rc != 0 || ncve > 0)
		return rc;
	if (d->advisory_id == NULL || !str_starts(d->advisory_id, v->advisory)) {
		c->st.skipped_nocve++;
		return 0;
	}
	sev = oval_severity(d->severity);
	for (i = 0; i < d->nrows && rc == 0; i++) {
		rc = oval_add_row(c, d, d->title, d->rows[i].ns, d->rows[i].pkg,
		    d->rows[i].arch, ECO_RPM, PKG_BINARY, d->advisory_id,
		    d->rows[i].fixed, NULL, sev, d->severity, d->advisory_link, cause);
	}
	return rc;
}

/* "Ubuntu 16.04 LTS" or the id's codename ("oval:com.ubuntu.xenial:def:…"). */
static char *
oval_ubuntu_namespace(struct oval_def *d, xmlNodePtr meta)
{
	xmlNodePtr	 aff, p;
	char		*text, *ns = NULL;
	const char	*s, *end;
	size_t		 n, i;

	aff = oval_child(meta, "affected");
	for (p = aff != NULL ? aff->children : NULL; p != NULL && ns == NULL;
	    p = p->next) {
		if (!oval_is(p, "platform") || (text = oval_text(p)) == NULL)
			continue;
		if (str_starts(text, "Ubuntu ") &&
		    (n = strspn(text + 7, "0123456789.")) > 0 &&
		    (text[7 + n] == '\0' || text[7 + n] == ' '))
			ns = xasprintf("ubuntu:%.*s", (int)n, text + 7);
		free(text);
	}
	if (ns != NULL)
		return ns;
	if (str_starts(d->id, "oval:com.ubuntu.") &&
	    (end = strchr((s = d->id + strlen("oval:com.ubuntu.")), ':')) != NULL) {
		for (i = 0; i < NELEM(oval_ubuntu_releases); i++) {
			n = strlen(oval_ubuntu_releases[i].codename);
			if ((size_t)(end - s) == n &&
			    strncmp(s, oval_ubuntu_releases[i].codename, n) == 0)
				return xasprintf("ubuntu:%s",
				    oval_ubuntu_releases[i].release);
		}
	}
	return NULL;
}

/* The criteria's package states, from Canonical's comments. */
static int
oval_ubuntu_criteria(struct oval_ctx *c, struct oval_def *d, xmlNodePtr crit,
    int depth, char **cause)
{
	xmlNodePtr	 n;
	const char	*comment, *sep, *note, *q;
	char		*pkg, *fixed;
	int		 rc = 0;

	if (depth > OVAL_MAX_CRITERIA)
		return fail(cause, HS_ELIMIT, "%s: criteria nesting depth over %d",
		    d->id, OVAL_MAX_CRITERIA);
	for (n = crit->children; n != NULL && rc == 0; n = n->next) {
		if (oval_is(n, "criteria")) {
			rc = oval_ubuntu_criteria(c, d, n, depth + 1, cause);
			continue;
		}
		if (!oval_is(n, "criterion") ||
		    (comment = oval_attr(n, "comment")) == NULL ||
		    (sep = strstr(comment, " package in ")) == NULL ||
		    sep == comment || memchr(comment, ' ', sep - comment) != NULL)
			continue;
		fixed = NULL;
		if (strstr(sep, " is affected") != NULL) {
			/* "needs fixing", "may need fixing", deferred: no fix. */
			fixed = xstrdup("");
		} else if (strstr(sep, " was vulnerable but has been fixed") != NULL &&
		    (note = strstr(sep, "(note: '")) != NULL) {
			note += strlen("(note: '");
			if ((q = strchr(note, '\'')) != NULL && q > note)
				fixed = xstrndup(note, q - note);
		}
		if (fixed == NULL) {
			c->st.ubuntu_skipped++;
			continue;
		}
		pkg = xstrndup(comment, sep - comment);
		/* The namespace slot is filled in by the caller; "" marks open. */
		rc = oval_remember(d, "", pkg, fixed, NULL, cause);
		rc = rc < 0 ? rc : 0;
		free(pkg);
		free(fixed);
	}
	return rc;
}

static int
oval_ubuntu(struct oval_ctx *c, struct oval_def *d, xmlNodePtr meta, char **cause)
{
	xmlNodePtr	 n, crit;
	const char	*src, *ref, *link = NULL, *cve = NULL;
	char		*ns;
	size_t		 i;
	int		 rc = 0;

	if ((crit = oval_child(d->node, "criteria")) == NULL)
		return 0;
	for (n = meta->children; n != NULL; n = n->next) {
		if (oval_is(n, "reference") && (src = oval_attr(n, "source")) != NULL &&
		    strcmp(src, "CVE") == 0 && (ref = oval_attr(n, "ref_id")) != NULL) {
			cve = ref;
			link = oval_attr(n, "ref_url");
			break;
		}
	}
	if (cve == NULL) {
		c->st.skipped_nocve++;
		return 0;
	}
	if ((ns = oval_ubuntu_namespace(d, meta)) == NULL)
		return fail(cause, HS_EINVAL, "%s: no Ubuntu release named", d->id);
	if ((rc = oval_ubuntu_criteria(c, d, crit, 0, cause)) == 0) {
		for (i = 0; i < d->nrows && rc == 0; i++) {
			rc = oval_add(c, d, ns, d->rows[i].pkg, ECO_DEB, PKG_SOURCE, cve,
			    *d->rows[i].fixed != '\0' ? d->rows[i].fixed : NULL,
			    oval_severity(d->severity), d->severity, link, cause);
		}
	}
	free(ns);
	return rc;
}

/* --- Microsoft: Azure Linux and CBL-Mariner --- */

#define OVAL_MS_MAX	(1 << 22)	/* pending rows, tests, objects, states */

static const struct {
	const char	*prefix;	/* definition ids */
	const char	*distro;	/* namespace */
} oval_ms_distros[] = {
	{ "oval:com.microsoft.cbl-mariner:", "mariner" },
	{ "oval:com.microsoft.azurelinux:", "azurelinux" },
};

static void
oval_ms_table_clear(struct oval_ms_table *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].a);
		free(t->v[i].b);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

static void
oval_ms_free(struct oval_ms *ms)
{
	size_t	i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->nrows; i++) {
		free(ms->rows[i].cve);
		free(ms->rows[i].test);
		free(ms->rows[i].severity);
		free(ms->rows[i].title);
		free(ms->rows[i].link);
	}
	free(ms->rows);
	oval_ms_table_clear(&ms->tests);
	oval_ms_table_clear(&ms->objects);
	oval_ms_table_clear(&ms->states);
	free(ms->distro);
	free(ms);
}

/* Every test_ref below crit, each a row per CVE. */
static int
oval_ms_criteria(struct oval_ctx *c, struct oval_def *d, xmlNodePtr crit,
    const char **cves, size_t ncves, const char *link, int depth, char **cause)
{
	struct oval_ms		*ms = c->ms;
	struct oval_ms_row	*r;
	xmlNodePtr		 n;
	const char		*test, *neg;
	size_t			 i;
	int			 rc = 0;

	if (depth > OVAL_MAX_CRITERIA)
		return fail(cause, HS_ELIMIT, "%s: criteria nesting depth over %d",
		    d->id, OVAL_MAX_CRITERIA);
	for (n = crit->children; n != NULL && rc == 0; n = n->next) {
		if (!oval_is(n, "criteria") && !oval_is(n, "criterion"))
			continue;
		if ((neg = oval_attr(n, "negate")) != NULL &&
		    strcmp(neg, "true") == 0) {
			c->st.negated++;
			continue;
		}
		if (oval_is(n, "criteria")) {
			rc = oval_ms_criteria(c, d, n, cves, ncves, link, depth + 1,
			    cause);
			continue;
		}
		if ((test = oval_attr(n, "test_ref")) == NULL)
			continue;
		for (i = 0; i < ncves; i++) {
			if (ms->nrows >= OVAL_MS_MAX)
				return fail(cause, HS_ELIMIT, "more than %d"
				    " definition tests", OVAL_MS_MAX);
			if (ms->nrows == ms->caprows) {
				ms->caprows = ms->caprows == 0 ? 1024 :
				    ms->caprows * 2;
				ms->rows = xreallocarray(ms->rows, ms->caprows,
				    sizeof *ms->rows);
			}
			r = &ms->rows[ms->nrows++];
			r->cve = xstrdup(cves[i]);
			r->test = xstrdup(test);
			r->severity = d->severity != NULL ? xstrdup(d->severity) :
			    NULL;
			r->title = d->title != NULL ? xstrdup(d->title) : NULL;
			r->link = link != NULL ? xstrdup(link) : NULL;
		}
	}
	return rc;
}

static int
oval_microsoft(struct oval_ctx *c, struct oval_def *d, xmlNodePtr meta,
    const char *distro, char **cause)
{
	xmlNodePtr	 n, crit;
	const char	*src, *ref, *link = NULL, *cves[64];
	size_t		 ncves = 0;

	if (c->ms == NULL) {
		c->ms = xcalloc(1, sizeof *c->ms);
		c->ms->distro = xstrdup(distro);
	} else if (strcmp(c->ms->distro, distro) != 0)
		return fail(cause, HS_EINVAL, "%s: a %s definition in a %s document",
		    d->id, distro, c->ms->distro);
	/* Microsoft's severity is a child of metadata, not of an advisory. */
	if (d->severity == NULL)
		d->severity = oval_text(oval_child(meta, "severity"));
	if ((crit = oval_child(d->node, "criteria")) == NULL)
		return 0;
	for (n = meta->children; n != NULL && ncves < NELEM(cves); n = n->next) {
		if (oval_is(n, "reference") && (src = oval_attr(n, "source")) != NULL &&
		    strcmp(src, "CVE") == 0 && (ref = oval_attr(n, "ref_id")) != NULL &&
		    *ref != '\0') {
			cves[ncves++] = ref;
			if (link == NULL)
				link = oval_attr(n, "ref_url");
		}
	}
	if (ncves == 0) {
		c->st.skipped_nocve++;
		return 0;
	}
	return oval_ms_criteria(c, d, crit, cves, ncves, link, 0, cause);
}

static int
oval_ms_ref_cmp(const void *va, const void *vb)
{
	const struct oval_ms_ref	*a = va, *b = vb;

	return strcmp(a->id, b->id);
}

static const struct oval_ms_ref *
oval_ms_find(const struct oval_ms_table *t, const char *id)
{
	struct oval_ms_ref	key;

	if (id == NULL || t->n == 0)
		return NULL;
	key.id = (char *)id;
	return bsearch(&key, t->v, t->n, sizeof *t->v, oval_ms_ref_cmp);
}

static int
oval_ms_table_add(struct oval_ms_table *t, const char *id, const char *a,
    const char *b, char **cause)
{
	struct oval_ms_ref	*r;

	if (id == NULL || a == NULL)
		return 0;
	if (t->n >= OVAL_MS_MAX)
		return fail(cause, HS_ELIMIT, "more than %d tests, objects or"
		    " states", OVAL_MS_MAX);
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 1024 : t->cap * 2;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	r = &t->v[t->n++];
	r->id = xstrdup(id);
	r->a = xstrdup(a);
	r->b = b != NULL ? xstrdup(b) : NULL;
	return 0;
}

/* An rpminfo_test, _object or _state after the definitions. */
static int
oval_ms_element(struct oval_ctx *c, const char *name, xmlNodePtr node,
    char **cause)
{
	xmlNodePtr	 ob, st;
	char		*text;
	int		 rc;

	if (strcmp(name, "rpminfo_test") == 0) {
		ob = oval_child(node, "object");
		st = oval_child(node, "state");
		return oval_ms_table_add(&c->ms->tests, oval_attr(node, "id"),
		    ob != NULL ? oval_attr(ob, "object_ref") : NULL,
		    st != NULL ? oval_attr(st, "state_ref") : NULL, cause);
	}
	if (strcmp(name, "rpminfo_object") == 0) {
		text = oval_text(oval_child(node, "name"));
		rc = oval_ms_table_add(&c->ms->objects, oval_attr(node, "id"), text,
		    NULL, cause);
		free(text);
		return rc;
	}
	if (strcmp(name, "rpminfo_state") == 0) {
		st = oval_child(node, "evr");
		text = oval_text(st);
		rc = oval_ms_table_add(&c->ms->states, oval_attr(node, "id"), text,
		    st != NULL ? oval_attr(st, "operation") : NULL, cause);
		free(text);
		return rc;
	}
	return 0;
}

/*
 * The release in an EVR's distribution tag: ".cm2" → 2, ".azl3" → 3 (the
 * last such tag of the release part); 0 when none.
 */
static int
oval_ms_tag(const char *evr)
{
	const char	*p, *rel;
	size_t		 n, k;
	int		 found = 0;

	if ((rel = strrchr(evr, '-')) == NULL)
		rel = evr;
	for (p = rel; (p = strchr(p, '.')) != NULL; p++) {
		if (strncmp(p + 1, "cm", 2) == 0)
			k = 3;
		else if (strncmp(p + 1, "azl", 3) == 0)
			k = 4;
		else
			continue;
		n = strspn(p + k, "0123456789");
		if (n == 0 || n > 3 || (p[k + n] != '\0' && p[k + n] != '.'))
			continue;
		found = atoi(p + k);
	}
	return found;
}

/* Resolve every pending row through its test, object and state. */
static int
oval_ms_finish(struct oval_ctx *c, char **cause)
{
	struct oval_ms			*ms = c->ms;
	const struct oval_ms_ref	*t, *o, *s;
	struct oval_ms_row		*r;
	char				*ns;
	int				 votes[1000], best = 0, tag, rc = 0;
	size_t				 i;

	if (ms->tests.n > 1)
		qsort(ms->tests.v, ms->tests.n, sizeof *ms->tests.v,
		    oval_ms_ref_cmp);
	if (ms->objects.n > 1)
		qsort(ms->objects.v, ms->objects.n, sizeof *ms->objects.v,
		    oval_ms_ref_cmp);
	if (ms->states.n > 1)
		qsort(ms->states.v, ms->states.n, sizeof *ms->states.v,
		    oval_ms_ref_cmp);
	memset(votes, 0, sizeof votes);
	for (i = 0; i < ms->states.n; i++) {
		if ((tag = oval_ms_tag(ms->states.v[i].a)) > 0 && tag < 1000 &&
		    ++votes[tag] > votes[best])
			best = tag;
	}
	if (ms->nrows == 0)
		return 0;
	if (best == 0)
		return fail(cause, HS_EINVAL, "%s OVAL: no distribution tag (.cmN,"
		    " .azlN) in any fixed version: which release it covers is"
		    " unknown", ms->distro);
	ns = xasprintf("%s:%d.0", ms->distro, best);
	for (i = 0; i < ms->nrows && rc == 0; i++) {
		r = &ms->rows[i];
		if ((t = oval_ms_find(&ms->tests, r->test)) == NULL ||
		    (o = oval_ms_find(&ms->objects, t->a)) == NULL ||
		    (s = oval_ms_find(&ms->states, t->b)) == NULL) {
			c->st.ms_unresolved++;
			continue;
		}
		if (*o->a == '\0' || strchr(o->a, ' ') != NULL || *s->a == '\0') {
			c->st.ms_unresolved++;
			continue;
		}
		if (s->b != NULL && strcmp(s->b, "less than") == 0)
			rc = oval_add_row(c, NULL, r->title, ns, o->a, NULL, ECO_RPM,
			    PKG_SOURCE, r->cve, s->a, NULL, oval_severity(r->severity),
			    r->severity, r->link, cause);
		else if (s->b != NULL && strcmp(s->b, "less than or equal") == 0)
			rc = oval_add_row(c, NULL, r->title, ns, o->a, NULL, ECO_RPM,
			    PKG_SOURCE, r->cve, NULL, s->a, oval_severity(r->severity),
			    r->severity, r->link, cause);
		else
			c->st.ms_operation++;
	}
	free(ns);
	return rc;
}

static void
oval_def_clear(struct oval_def *d)
{
	size_t	i;

	for (i = 0; i < d->nrows; i++) {
		free(d->rows[i].ns);
		free(d->rows[i].pkg);
		free(d->rows[i].fixed);
		free(d->rows[i].arch);
	}
	free(d->rows);
	free(d->title);
	free(d->severity);
	free(d->advisory_id);
	free(d->advisory_link);
	memset(d, 0, sizeof *d);
}

static int
oval_definition(struct oval_ctx *c, xmlNodePtr node, char **cause)
{
	struct oval_def	 d;
	xmlNodePtr	 meta, n;
	const char	*cls, *src, *ref;
	size_t		 i;
	int		 rc = 0;

	memset(&d, 0, sizeof d);
	d.node = node;
	if ((d.id = oval_attr(node, "id")) == NULL)
		return fail(cause, HS_EINVAL, "a definition without an id");
	c->st.definitions++;
	cls = oval_attr(node, "class");
	if (cls == NULL || (strcmp(cls, "patch") != 0 &&
	    strcmp(cls, "vulnerability") != 0)) {
		c->st.skipped_class++;
		return 0;
	}
	if ((meta = oval_child(node, "metadata")) == NULL)
		return fail(cause, HS_EINVAL, "%s: no metadata", d.id);
	d.title = oval_text(oval_child(meta, "title"));
	d.severity = oval_text(oval_child(oval_child(meta, "advisory"), "severity"));
	for (n = meta->children; n != NULL; n = n->next) {
		if (oval_is(n, "reference") && (src = oval_attr(n, "source")) != NULL &&
		    (ref = oval_attr(n, "ref_id")) != NULL && d.advisory_id == NULL &&
		    (strcmp(src, "RHSA") == 0 || strcmp(src, "RHBA") == 0 ||
		    strcmp(src, "RHEA") == 0 || strcmp(src, "elsa") == 0)) {
			d.advisory_id = xstrdup(ref);
			if ((ref = oval_attr(n, "ref_url")) != NULL)
				d.advisory_link = xstrdup(ref);
		}
	}
	if (str_starts(d.id, "oval:com.ubuntu."))
		rc = oval_ubuntu(c, &d, meta, cause);
	else if (str_starts(d.id, "oval:com.redhat."))
		rc = oval_redhat(c, &d, &oval_redhat_vendor, meta, cause);
	else if (str_starts(d.id, "oval:com.oracle.elsa:"))
		rc = oval_redhat(c, &d, &oval_oracle_vendor, meta, cause);
	else {
		for (i = 0; i < NELEM(oval_ms_distros); i++) {
			if (str_starts(d.id, oval_ms_distros[i].prefix))
				break;
		}
		if (i < NELEM(oval_ms_distros))
			rc = oval_microsoft(c, &d, meta, oval_ms_distros[i].distro,
			    cause);
		else
			c->st.skipped_class++;
	}
	oval_def_clear(&d);
	return rc;
}

/*
 * libxml2's generic errors (encoding and I/O) bypass the reader's handler and
 * would go to stderr as they are: the first becomes the cause instead.
 */
static void
oval_xml_generic(void *arg, const char *fmt, ...)
{
	struct oval_ctx	*c = arg;
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
oval_xml_error(void *arg, xmlErrorPtr e)
{
	struct oval_ctx	*c = arg;
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

/*
 * The DTD libxml2 read, when the first check missed it (another encoding):
 * name what it declares. Nothing in it has been expanded yet. The reader
 * stops owning a document it has handed out: the caller frees *taken.
 */
static int
oval_refuse_dtd(xmlTextReaderPtr reader, xmlDocPtr *taken, char **cause)
{
	xmlDocPtr	doc;
	xmlNodePtr	n;
	xmlEntityPtr	e;

	if (*taken == NULL)
		*taken = xmlTextReaderCurrentDoc(reader);
	doc = *taken;
	if (doc != NULL && doc->intSubset != NULL) {
		for (n = doc->intSubset->children; n != NULL; n = n->next) {
			if (n->type != XML_ENTITY_DECL)
				continue;
			e = (xmlEntityPtr)n;
			if (e->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY ||
			    e->etype == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY ||
			    e->etype == XML_EXTERNAL_PARAMETER_ENTITY) {
				return fail(cause, HS_EINVAL, "external entity %s"
				    " (%s) refused: OVAL needs no DTD", e->name,
				    e->SystemID != NULL ? (const char *)e->SystemID :
				    "no system id");
			}
			return fail(cause, HS_EINVAL, "entity declaration %s refused:"
			    " OVAL needs no DTD", e->name);
		}
	}
	return fail(cause, HS_EINVAL, "DOCTYPE declaration refused: OVAL needs no DTD");
}

static int
oval_io_read(void *arg, char *buf, int len)
{
	struct oval_io	*io = arg;
	la_ssize_t	 n;

	n = archive_read_data(io->ar, buf, len);
	if (n < 0) {
		if (io->err == NULL)
			io->err = xasprintf("decompressing: %s",
			    archive_error_string(io->ar));
		return -1;
	}
	io->total += n;
	if (io->total > OVAL_MAX_INFLATED) {
		if (io->err == NULL)
			io->err = xasprintf("decompressed data larger than %llu bytes",
			    (unsigned long long)OVAL_MAX_INFLATED);
		return -1;
	}
	return (int)n;
}

static int
oval_io_close(void *arg)
{
	return 0;
}

static int
oval_compressed(const char *data, size_t len)
{
	return feed_compression(data, len) != NULL;
}

static struct archive *
oval_archive(const char *data, size_t len)
{
	struct archive	*ar;

	ar = archive_read_new();
	feed_archive_filters(ar);
	archive_read_support_format_raw(ar);
	return ar;
}

/* The first decompressed bytes, for the DOCTYPE check and detection. */
static int
oval_inflate_head(const char *data, size_t len, char *head, size_t *headlen)
{
	struct archive		*ar;
	struct archive_entry	*ae;
	la_ssize_t		 n;

	*headlen = 0;
	ar = oval_archive(data, len);
	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK ||
	    archive_read_next_header(ar, &ae) != ARCHIVE_OK) {
		archive_read_free(ar);
		return -1;
	}
	while (*headlen < OVAL_HEAD &&
	    (n = archive_read_data(ar, head + *headlen, OVAL_HEAD - *headlen)) > 0)
		*headlen += n;
	archive_read_free(ar);
	return 0;
}

static int
oval_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	struct oval_ctx		 c;
	struct oval_io		 io;
	struct archive_entry	*ae;
	xmlTextReaderPtr	 reader = NULL;
	xmlNodePtr		 node;
	xmlDocPtr		 taken = NULL;
	const char		*name;
	char			*head = NULL;
	size_t			 headlen;
	int			 r, type, depth, rc = 0, root = 0;
	int			 opts = XML_PARSE_NONET | XML_PARSE_NOCDATA |
				     XML_PARSE_COMPACT;

	memset(&c, 0, sizeof c);
	memset(&io, 0, sizeof io);
	c.vdb = vdb;
	c.feed = feed;
	c.records = records;
	*records = 0;
	xmlSetGenericErrorFunc(&c, oval_xml_generic);

	if (oval_compressed(data, len)) {
		head = xmalloc(OVAL_HEAD);
		if (oval_inflate_head(data, len, head, &headlen) != 0) {
			rc = fail(cause, HS_EINVAL, "not a readable compressed file");
			goto out;
		}
		if ((rc = feed_xml_check_head(head, headlen, "OVAL", cause)) != 0)
			goto out;
		io.ar = oval_archive(data, len);
		if (archive_read_open_memory(io.ar, data, len) != ARCHIVE_OK ||
		    archive_read_next_header(io.ar, &ae) != ARCHIVE_OK) {
			rc = fail(cause, HS_EINVAL, "decompressing: %s",
			    archive_error_string(io.ar));
			goto out;
		}
		reader = xmlReaderForIO(oval_io_read, oval_io_close, &io, NULL, NULL,
		    opts);
	} else {
		if ((rc = feed_xml_check_head(data, len, "OVAL", cause)) != 0)
			goto out;
		if (len > INT_MAX) {
			rc = fail(cause, HS_ELIMIT, "larger than %d bytes", INT_MAX);
			goto out;
		}
		reader = xmlReaderForMemory(data, (int)len, NULL, NULL, opts);
	}
	if (reader == NULL) {
		rc = fail(cause, HS_ERR, "cannot start the XML reader");
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(reader, oval_xml_error, &c);

	r = xmlTextReaderRead(reader);
	while (r == 1) {
		type = xmlTextReaderNodeType(reader);
		depth = xmlTextReaderDepth(reader);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			rc = oval_refuse_dtd(reader, &taken, cause);
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
		if (depth > OVAL_MAX_DEPTH) {
			rc = fail(cause, HS_ELIMIT, "XML nesting depth over %d",
			    OVAL_MAX_DEPTH);
			goto out;
		}
		name = (const char *)xmlTextReaderConstLocalName(reader);
		if (depth == 0) {
			if (name == NULL || strcmp(name, "oval_definitions") != 0) {
				rc = fail(cause, HS_EINVAL, "not an OVAL document"
				    " (root element <%s>)", name != NULL ? name : "?");
				goto out;
			}
			root = 1;
		} else if (depth == 2 && name != NULL &&
		    strcmp(name, "definition") == 0) {
			if ((node = xmlTextReaderExpand(reader)) == NULL)
				goto fail;
			if ((rc = oval_definition(&c, node, cause)) != 0)
				goto out;
			/* Past the subtree just read; the reader frees it. */
			r = xmlTextReaderNext(reader);
			continue;
		} else if (depth == 2 && c.ms != NULL && name != NULL &&
		    str_starts(name, "rpminfo_")) {
			if ((node = xmlTextReaderExpand(reader)) == NULL)
				goto fail;
			if ((rc = oval_ms_element(&c, name, node, cause)) != 0)
				goto out;
			r = xmlTextReaderNext(reader);
			continue;
		}
		r = xmlTextReaderRead(reader);
	}
	if (r == -1 || io.err != NULL || c.xml_error != NULL)
		goto fail;
	if (!root) {
		rc = fail(cause, HS_EINVAL, "not an OVAL document (empty)");
		goto out;
	}
	if (c.ms != NULL && (rc = oval_ms_finish(&c, cause)) != 0)
		goto out;
	log_debug("%s: %lld definitions, %lld rows; skipped %lld of other classes,"
	    " %lld without CVE, %lld packages with no RHEL release, %lld negated"
	    " criteria, %lld Ubuntu states, %lld Microsoft tests unresolved,"
	    " %lld of another operation; %lld module-stream rows", feed,
	    (long long)c.st.definitions, (long long)*records,
	    (long long)c.st.skipped_class, (long long)c.st.skipped_nocve,
	    (long long)c.st.skipped_norelease, (long long)c.st.negated,
	    (long long)c.st.ubuntu_skipped, (long long)c.st.ms_unresolved,
	    (long long)c.st.ms_operation, (long long)c.st.module_rows);
	goto out;

fail:
	/* libxml2 may stop inside a DTD before showing it: say what it was. */
	if (reader != NULL && (taken = xmlTextReaderCurrentDoc(reader)) != NULL &&
	    taken->intSubset != NULL) {
		rc = oval_refuse_dtd(reader, &taken, cause);
		goto out;
	}
	rc = fail(cause, HS_EINVAL, "%s", io.err != NULL ? io.err :
	    c.xml_error != NULL ? c.xml_error : "malformed XML");
out:
	if (reader != NULL)
		xmlFreeTextReader(reader);
	xmlSetGenericErrorFunc(NULL, NULL);
	if (taken != NULL)
		xmlFreeDoc(taken);
	if (io.ar != NULL)
		archive_read_free(io.ar);
	free(io.err);
	free(c.xml_error);
	oval_ms_free(c.ms);
	free(head);
	return rc;
}

/* <oval_definitions in the first bytes, compressed or not. */
static int
oval_detect(const char *data, size_t len)
{
	char	*head;
	size_t	 headlen;
	int	 found;

	if (oval_compressed(data, len)) {
		head = xmalloc(OVAL_HEAD);
		found = oval_inflate_head(data, len, head, &headlen) == 0 &&
		    memmem(head, headlen, "<oval_definitions", 17) != NULL;
		free(head);
		return found;
	}
	return memmem(data, len < OVAL_HEAD ? len : OVAL_HEAD,
	    "<oval_definitions", 17) != NULL;
}

const struct feed_format feed_format_oval = {
	.name = "oval",
	.detect = oval_detect,
	.import = oval_import,
	.reads_compressed = 1,
};
