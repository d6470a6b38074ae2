/*
 * CSAF 2.0 documents of Red Hat (security advisories, RHSA, and per-CVE VEX
 * files) and SUSE (SUSE-SU and openSUSE-SU advisories): one document, or a
 * tar of them as both publish every document at once (gzip, bzip2, xz or
 * zstd; read entry by entry as it is decompressed). Each vulnerability's product ids resolve, through the product
 * tree's relationships, to a package (purl or "name-E:V-R.arch") and the
 * platform it ships in (a CPE).
 *
 * What a row is: one per (CVE, binary package, platform) in
 * product_status.fixed, fixed at the package's E:V-R (source rpms skipped:
 * images hold binaries); one open row per (CVE, component, platform) in
 * known_affected, named by Red Hat's component (a source package name;
 * PKG_SOURCE unless it carries a version, then the binary's name).
 * Platforms: "cpe:/o:redhat:enterprise_linux:9" and
 * "cpe:/a:redhat:enterprise_linux:9::appstream" (BaseOS, AppStream, CRB …)
 * are "rhel:9"; the extended-support streams (rhel_eus, rhel_aus, rhel_e4s,
 * rhel_tus) get namespaces of their own ("rhel-eus:9.0") whose fixes an
 * ordinary RHEL image does not receive. Layered products (Satellite, JBoss
 * Core Services, OpenShift …) are skipped, as are known_not_affected and
 * under_investigation. Severity: the vulnerability's "impact" threat
 * (Important → High), else the document's aggregate severity.
 *
 * SUSE lists its fixed packages as product_status.recommended, each a
 * "name-V-R.arch" (no epoch: 0) of a product whose CPE says which release
 * it ships in: "cpe:/o:suse:sles:15:sp3" and the modules of that release
 * ("cpe:/o:suse:sle-module-basesystem:15:sp3") are "sles:15.3", LTSS
 * ("sles-ltss") too; "cpe:/o:opensuse:leap:15.5" is "opensuse-leap:15.5";
 * SLE Micro and openSUSE Tumbleweed likewise. Other products (SLES for SAP,
 * HPC, Desktop, Package Hub, SUSE Manager …) are skipped: their packages
 * are not SLES's. The description is the advisory's id and title.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#define CSAF_LINK		"https://access.redhat.com/security/cve/"
#define CSAF_SUSE_LINK		"https://www.suse.com/security/cve/"
#define CSAF_MAX_DEPTH		32	/* product_tree branch nesting */
#define CSAF_MAX_ENTRY		((size_t)256 << 20)	/* one document of a tar */
#define CSAF_MAX_ENTRIES	4000000			/* documents of a tar */

struct csaf_stats {
	int64_t	vulnerabilities;
	int64_t	layered;	/* products of platforms that are not RHEL */
	int64_t	unresolved;	/* product ids the tree does not explain */
	int64_t	source;		/* fixed source rpms */
};

struct csaf_ctx {
	struct vulndb		*vdb;
	const char		*feed;
	int64_t			*records;
	json_t			*products;	/* product_id → product object */
	json_t			*rels;		/* product_id → relationship */
	json_t			*seen;		/* "ns\tname\tfixed" of one vulnerability */
	const char		*aggregate;
	const char		*tracking;	/* document.tracking.id: RHSA-…, or the CVE */
	int			 suse;		/* SUSE's document */
	char			*title;		/* SUSE: "SUSE-SU-…: title" */
	struct csaf_stats	 st;
};

/* A package: name, E:V-R (NULL for a bare component), arch. */
struct csaf_pkg {
	char	*name;
	char	*evr;
	char	*arch;
};

static void
csaf_pkg_clear(struct csaf_pkg *p)
{
	free(p->name);
	free(p->evr);
	free(p->arch);
	memset(p, 0, sizeof *p);
}

static enum severity
csaf_severity(const char *s)
{
	static const struct {
		const char	*word;
		enum severity	 sev;
	} map[] = {
		{ "low", SEV_LOW },
		{ "moderate", SEV_MEDIUM },
		{ "important", SEV_HIGH },
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

/* Index every product of the branch tree by its product_id. */
static int
csaf_branches(struct csaf_ctx *c, json_t *node, int depth, char **cause)
{
	json_t		*branches, *b, *p;
	const char	*id;
	size_t		 i;
	int		 rc;

	if (depth > CSAF_MAX_DEPTH)
		return fail(cause, HS_ELIMIT, "product_tree nested deeper than %d",
		    CSAF_MAX_DEPTH);
	branches = json_object_get(node, "branches");
	json_array_foreach(branches, i, b) {
		if ((p = json_object_get(b, "product")) != NULL &&
		    (id = json_string_value(json_object_get(p, "product_id"))) != NULL)
			json_object_set(c->products, id, p);
		if ((rc = csaf_branches(c, b, depth + 1, cause)) != 0)
			return rc;
	}
	return 0;
}

static const char *
csaf_helper(json_t *product, const char *key)
{
	return json_string_value(json_object_get(json_object_get(product,
	    "product_identification_helper"), key));
}

/*
 * A SUSE product CPE's namespace: "cpe:/o:suse:sles:15:sp3" → "sles:15.3",
 * its modules and LTSS too; openSUSE Leap, SLE Micro, Tumbleweed. NULL for
 * the other products.
 */
static char *
csaf_suse_namespace(const char *cpe)
{
	static const struct {
		const char	*prefix;	/* "cpe:/o:VENDOR:PRODUCT:" */
		const char	*ns;
		int		 sp;		/* VERSION:spN is VERSION.N */
	} map[] = {
		{ "cpe:/o:suse:sles:", "sles", 1 },
		{ "cpe:/o:suse:sles-ltss:", "sles", 1 },
		{ "cpe:/o:suse:sle-module-", "sles", 1 },
		{ "cpe:/o:opensuse:leap:", "opensuse-leap", 0 },
		{ "cpe:/o:suse:sle-micro:", "sle-micro", 0 },
		{ "cpe:/o:suse:sl-micro:", "sl-micro", 0 },
		{ "cpe:/o:opensuse:leap-micro:", "opensuse-leap-micro", 0 },
	};
	const char	*p;
	size_t		 i, n, m;

	if (cpe == NULL)
		return NULL;
	if (strcmp(cpe, "cpe:/o:opensuse:tumbleweed") == 0 ||
	    str_starts(cpe, "cpe:/o:opensuse:tumbleweed:"))
		return xstrdup("opensuse-tumbleweed:rolling");
	for (i = 0; i < NELEM(map); i++) {
		if (str_starts(cpe, map[i].prefix))
			break;
	}
	if (i == NELEM(map))
		return NULL;
	p = cpe + strlen(map[i].prefix);
	if (str_starts(map[i].prefix, "cpe:/o:suse:sle-module-")) {
		/* sle-module-NAME:VERSION: past the module's name. */
		if ((p = strchr(p, ':')) == NULL)
			return NULL;
		p++;
	}
	n = strspn(p, "0123456789.");
	if (n == 0 || (p[n] != '\0' && p[n] != ':'))
		return NULL;
	if (p[n] == ':' && map[i].sp && str_starts(p + n + 1, "sp")) {
		m = strspn(p + n + 3, "0123456789");
		if (m == 0 || p[n + 3 + m] != '\0')
			return NULL;
		return xasprintf("%s:%.*s.%.*s", map[i].ns, (int)n, p, (int)m,
		    p + n + 3);
	}
	if (p[n] != '\0')
		return NULL;
	return xasprintf("%s:%.*s", map[i].ns, (int)n, p);
}

/*
 * The namespace of a platform CPE: "rhel:9" for the main stream,
 * "rhel-eus:9.0" and the like for extended support; NULL for other products.
 */
static char *
csaf_namespace(const char *cpe)
{
	static const char	*streams[] = { "rhel_eus", "rhel_aus", "rhel_e4s",
				    "rhel_tus" };
	const char		*p;
	size_t			 n, i;

	if (cpe == NULL || (!str_starts(cpe, "cpe:/o:redhat:") &&
	    !str_starts(cpe, "cpe:/a:redhat:")))
		return NULL;
	p = cpe + strlen("cpe:/o:redhat:");
	if (str_starts(p, "enterprise_linux:")) {
		p += strlen("enterprise_linux:");
		n = strspn(p, "0123456789");
		if (n == 0 || (p[n] != '\0' && p[n] != ':'))
			return NULL;
		return xasprintf("rhel:%.*s", (int)n, p);
	}
	for (i = 0; i < NELEM(streams); i++) {
		n = strlen(streams[i]);
		if (strncmp(p, streams[i], n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		n = strspn(p, "0123456789.");
		if (n == 0 || (p[n] != '\0' && p[n] != ':'))
			return NULL;
		return xasprintf("rhel-%s:%.*s", streams[i] + 5, (int)n, p);
	}
	return NULL;
}

/* "pkg:rpm/redhat/curl@7.76.1-14.el9?arch=x86_64&epoch=1". */
static int
csaf_purl(const char *purl, struct csaf_pkg *out)
{
	const char	*p, *at, *q, *v;
	size_t		 n;
	char		*epoch = NULL;

	if (!str_starts(purl, "pkg:rpm/"))
		return -1;
	p = purl + strlen("pkg:rpm/");
	if ((p = strchr(p, '/')) == NULL)
		return -1;
	p++;
	at = strchr(p, '@');
	q = strchr(p, '?');
	n = at != NULL ? (size_t)(at - p) : q != NULL ? (size_t)(q - p) : strlen(p);
	if (n == 0)
		return -1;
	out->name = xstrndup(p, n);
	for (v = q; v != NULL; v = strchr(v + 1, '&')) {
		if (str_starts(v + 1, "arch="))
			out->arch = xstrndup(v + 6, strcspn(v + 6, "&#"));
		else if (str_starts(v + 1, "epoch="))
			epoch = xstrndup(v + 7, strcspn(v + 7, "&#"));
	}
	if (at != NULL) {
		n = q != NULL ? (size_t)(q - at - 1) : strlen(at + 1);
		if (n > 0)
			out->evr = xasprintf("%s:%.*s", epoch != NULL ? epoch : "0",
			    (int)n, at + 1);
	}
	free(epoch);
	return 0;
}

/*
 * "telnet-1:0.17-65.el7_6.x86_64": name, then E:V-R, then arch. A bare
 * component ("kernel", "nodejs:18/nodejs") has no version.
 */
static void
csaf_nevra(const char *s, struct csaf_pkg *out)
{
	const char	*dot, *rel, *ver, *p;
	char		*ev;

	dot = strrchr(s, '.');
	rel = NULL;
	for (p = s; dot != NULL && (p = strchr(p, '-')) != NULL && p < dot; p++)
		rel = p;	/* the last '-' before the arch */
	ver = NULL;
	for (p = s; rel != NULL && (p = strchr(p, '-')) != NULL && p < rel; p++)
		ver = p;	/* the '-' before the version */
	if (dot == NULL || rel == NULL || ver == NULL || ver == s ||
	    strspn(ver + 1, "0123456789") == 0) {
		out->name = xstrdup(s);
		return;
	}
	out->name = xstrndup(s, ver - s);
	out->arch = xstrdup(dot + 1);
	ev = xstrndup(ver + 1, dot - ver - 1);
	out->evr = strchr(ev, ':') != NULL ? xstrdup(ev) : xasprintf("0:%s", ev);
	free(ev);
}

/* A product id → namespace and package; -1 when not an RHEL package. */
static int
csaf_resolve(struct csaf_ctx *c, const char *pid, char **ns, struct csaf_pkg *pkg)
{
	json_t		*rel, *platform, *component;
	const char	*ref, *to, *purl;

	*ns = NULL;
	memset(pkg, 0, sizeof *pkg);
	if ((rel = json_object_get(c->rels, pid)) == NULL ||
	    (ref = json_string_value(json_object_get(rel, "product_reference"))) == NULL ||
	    (to = json_string_value(json_object_get(rel,
	    "relates_to_product_reference"))) == NULL) {
		c->st.unresolved++;
		return -1;
	}
	platform = json_object_get(c->products, to);
	if ((*ns = c->suse ? csaf_suse_namespace(csaf_helper(platform, "cpe")) :
	    csaf_namespace(csaf_helper(platform, "cpe"))) == NULL) {
		c->st.layered++;
		return -1;
	}
	component = json_object_get(c->products, ref);
	if ((purl = csaf_helper(component, "purl")) == NULL ||
	    csaf_purl(purl, pkg) != 0) {
		csaf_pkg_clear(pkg);
		csaf_nevra(ref, pkg);
	}
	return 0;
}

static int
csaf_add(struct csaf_ctx *c, const char *ns, const char *name, enum pkg_kind kind,
    const char *cve, const char *fixed, const char *raw, const char *title,
    const char *link, char **cause)
{
	struct advisory	 a;
	struct advisory_alias al;
	char		*key;
	int		 rc;

	key = xasprintf("%s\t%s\t%d\t%s", ns, name, kind, fixed != NULL ? fixed : "");
	if (json_object_get(c->seen, key) != NULL) {
		free(key);
		return 0;
	}
	json_object_set_new(c->seen, key, json_true());
	free(key);

	memset(&a, 0, sizeof a);
	a.namespace = ns;
	a.package = name;
	a.kind = kind;
	a.ecosystem = ECO_RPM;
	a.vuln_id = cve;
	a.fixed_version = fixed;
	a.status = fixed != NULL ? "fixed" : "open";
	a.severity = csaf_severity(raw);
	a.source_severity = raw;
	a.description = title;
	a.link = link;
	/* An advisory's CVE keeps the advisory's id (a VEX file's is the CVE). */
	if (c->tracking != NULL && strcmp(c->tracking, cve) != 0) {
		al.id = c->tracking;
		al.kind = ALIAS_RELATED;
		a.aliases = &al;
		a.naliases = 1;
	}
	if ((rc = vulndb_add(c->vdb, c->feed, &a, cause)) != 0)
		return rc;
	(*c->records)++;
	return 0;
}

static int
csaf_vulnerability(struct csaf_ctx *c, json_t *v, char **cause)
{
	struct csaf_pkg	 pkg;
	json_t		*threats, *t, *status, *ids, *id;
	const char	*cve, *raw = NULL, *title, *pid;
	char		*ns, *link;
	size_t		 i;
	int		 rc = 0;

	if ((cve = json_string_value(json_object_get(v, "cve"))) == NULL) {
		/* No CVE: the first of its ids ("text"). */
		ids = json_object_get(v, "ids");
		cve = json_string_value(json_object_get(json_array_get(ids, 0), "text"));
	}
	if (cve == NULL || *cve == '\0')
		return 0;
	c->st.vulnerabilities++;
	threats = json_object_get(v, "threats");
	json_array_foreach(threats, i, t) {
		if (raw == NULL && json_is_string(json_object_get(t, "category")) &&
		    strcmp(json_string_value(json_object_get(t, "category")),
		    "impact") == 0)
			raw = json_string_value(json_object_get(t, "details"));
	}
	if (raw == NULL)
		raw = c->aggregate;
	title = c->title != NULL ? c->title :
	    json_string_value(json_object_get(v, "title"));
	link = xasprintf("%s%s", c->suse ? CSAF_SUSE_LINK : CSAF_LINK, cve);
	json_object_clear(c->seen);
	status = json_object_get(v, "product_status");

	/* SUSE's fixed packages are its "recommended" ones. */
	ids = json_object_get(status, c->suse ? "recommended" : "fixed");
	json_array_foreach(ids, i, id) {
		ns = NULL;
		if ((pid = json_string_value(id)) == NULL ||
		    csaf_resolve(c, pid, &ns, &pkg) != 0) {
			free(ns);
			continue;
		}
		if (pkg.evr == NULL)
			c->st.unresolved++;
		else if (pkg.arch != NULL && (strcmp(pkg.arch, "src") == 0 ||
		    strcmp(pkg.arch, "nosrc") == 0))
			c->st.source++;
		else
			rc = csaf_add(c, ns, pkg.name, PKG_BINARY, cve, pkg.evr, raw,
			    title, link, cause);
		free(ns);
		csaf_pkg_clear(&pkg);
		if (rc != 0)
			goto out;
	}
	/* SUSE's known_affected (VEX) name binaries: not read yet. */
	ids = c->suse ? NULL : json_object_get(status, "known_affected");
	json_array_foreach(ids, i, id) {
		ns = NULL;
		if ((pid = json_string_value(id)) == NULL ||
		    csaf_resolve(c, pid, &ns, &pkg) != 0) {
			free(ns);
			continue;
		}
		rc = csaf_add(c, ns, pkg.name, pkg.evr != NULL ? PKG_BINARY :
		    PKG_SOURCE, cve, NULL, raw, title, link, cause);
		free(ns);
		csaf_pkg_clear(&pkg);
		if (rc != 0)
			goto out;
	}
out:
	free(link);
	return rc;
}

/* One CSAF document. */
static int
csaf_document(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	struct csaf_ctx	 c;
	json_t		*root, *tree, *rels, *r, *vulns, *v, *doc;
	json_error_t	 err;
	const char	*pid, *ns, *id, *t;
	size_t		 i;
	int		 rc = 0;

	if ((root = json_loadb(data, len, 0, &err)) == NULL) {
		return fail(cause, HS_EINVAL, "line %d column %d: %s", err.line,
		    err.column, err.text);
	}
	memset(&c, 0, sizeof c);
	c.vdb = vdb;
	c.feed = feed;
	c.records = records;
	c.products = json_object();
	c.rels = json_object();
	c.seen = json_object();
	if (json_string_value(json_object_get(json_object_get(root, "document"),
	    "csaf_version")) == NULL) {
		rc = fail(cause, HS_EINVAL, "not a CSAF document (no"
		    " document.csaf_version)");
		goto out;
	}
	doc = json_object_get(root, "document");
	c.aggregate = json_string_value(json_object_get(json_object_get(doc,
	    "aggregate_severity"), "text"));
	c.tracking = json_string_value(json_object_get(json_object_get(doc,
	    "tracking"), "id"));
	ns = json_string_value(json_object_get(json_object_get(doc, "publisher"),
	    "namespace"));
	if (ns != NULL && (str_starts(ns, "https://www.suse.com") ||
	    str_starts(ns, "https://www.opensuse.org"))) {
		c.suse = 1;
		id = json_string_value(json_object_get(json_object_get(doc,
		    "tracking"), "id"));
		t = json_string_value(json_object_get(doc, "title"));
		if (id != NULL || t != NULL)
			c.title = xasprintf("%s%s%s", id != NULL ? id : "",
			    id != NULL && t != NULL ? ": " : "", t != NULL ? t : "");
	}

	tree = json_object_get(root, "product_tree");
	if ((rc = csaf_branches(&c, tree, 0, cause)) != 0)
		goto out;
	rels = json_object_get(tree, "relationships");
	json_array_foreach(rels, i, r) {
		if ((pid = json_string_value(json_object_get(json_object_get(r,
		    "full_product_name"), "product_id"))) != NULL)
			json_object_set(c.rels, pid, r);
	}

	vulns = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vulns)) {
		rc = fail(cause, HS_EINVAL, "no vulnerabilities array");
		goto out;
	}
	json_array_foreach(vulns, i, v) {
		if ((rc = csaf_vulnerability(&c, v, cause)) != 0)
			goto out;
	}
	log_debug("%s: %lld vulnerabilities, %lld rows; skipped %lld products of"
	    " layered products, %lld unresolved, %lld source rpms", feed,
	    (long long)c.st.vulnerabilities, (long long)*records,
	    (long long)c.st.layered, (long long)c.st.unresolved,
	    (long long)c.st.source);
out:
	json_decref(c.products);
	json_decref(c.rels);
	json_decref(c.seen);
	json_decref(root);
	free(c.title);
	return rc;
}

/* A tar of documents, or one document compressed: entry by entry. */
static int
csaf_archive(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	struct archive		*ar;
	struct archive_entry	*ae;
	struct buf		 b;
	const char		*path;
	char			 tmp[65536];
	la_ssize_t		 n;
	int64_t			 entries = 0;
	int			 r, rc = 0, raw;

	buf_init(&b);
	ar = archive_read_new();
	feed_archive_filters(ar);
	archive_read_support_format_tar(ar);
	archive_read_support_format_raw(ar);
	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK) {
		rc = fail(cause, HS_EINVAL, "%s", archive_error_string(ar));
		goto out;
	}
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		raw = archive_format(ar) == ARCHIVE_FORMAT_RAW;
		if (++entries > CSAF_MAX_ENTRIES) {
			rc = fail(cause, HS_ELIMIT, "more than %d entries",
			    CSAF_MAX_ENTRIES);
			goto out;
		}
		path = raw ? "data" : archive_entry_pathname(ae);
		if (!raw && (archive_entry_filetype(ae) != AE_IFREG ||
		    path == NULL || !str_ends(path, ".json")))
			continue;
		b.len = 0;
		while ((n = archive_read_data(ar, tmp, sizeof tmp)) > 0) {
			if (b.len + (size_t)n > CSAF_MAX_ENTRY) {
				rc = fail(cause, HS_ELIMIT, "%s: larger than %zu bytes",
				    path, CSAF_MAX_ENTRY);
				goto out;
			}
			buf_add(&b, tmp, n);
		}
		if (n < 0) {
			rc = fail(cause, HS_EINVAL, "%s: %s", path,
			    archive_error_string(ar));
			goto out;
		}
		if ((rc = csaf_document(vdb, feed, b.data != NULL ? b.data : "",
		    b.len, records, cause)) != 0) {
			if (!raw)
				cause_prefix(cause, "%s", path);
			goto out;
		}
	}
	if (r != ARCHIVE_EOF)
		rc = fail(cause, HS_EINVAL, "%s", archive_error_string(ar));
out:
	archive_read_free(ar);
	buf_free(&b);
	return rc;
}

/* A tar's "ustar" magic. */
static int
csaf_is_tar(const char *data, size_t len)
{
	return len >= 262 && memcmp(data + 257, "ustar", 5) == 0;
}

static int
csaf_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	*records = 0;
	if (feed_compression(data, len) != NULL || csaf_is_tar(data, len))
		return csaf_archive(vdb, feed, data, len, records, cause);
	return csaf_document(vdb, feed, data, len, records, cause);
}

/* A JSON object whose first bytes name "csaf_version", or a tar of them. */
static int
csaf_detect(const char *data, size_t len)
{
	size_t	i = 0;

	if (len > 512 && csaf_is_tar(data, len))
		return memmem(data + 512, len - 512 < 65536 ? len - 512 : 65536,
		    "\"csaf_version\"", 14) != NULL;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
	    data[i] == '\r'))
		i++;
	if (i == len || data[i] != '{')
		return 0;
	return memmem(data, len < 65536 ? len : 65536, "\"csaf_version\"", 14) != NULL;
}

const struct feed_format feed_format_csaf = {
	.name = "csaf",
	.detect = csaf_detect,
	.import = csaf_import,
	.reads_compressed = 1,
};
