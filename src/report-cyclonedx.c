/*
 * The CycloneDX 1.5 JSON report: an SBOM of every image scanned (its OS and
 * packages, each with its package URL) and the vulnerabilities found in them,
 * for Dependency-Track and other SBOM tools.
 *
 * One image: the image is metadata.component and its OS and packages are the
 * top-level components. Several: each image is a top-level "container"
 * component with its OS and packages nested in it. Every bom-ref is unique in
 * the document: a package's is its purl, prefixed by "image-N/" when there
 * are several images. An image that could not be scanned is a container
 * component with no packages and its error as a property.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "fetch.h"
#include "report.h"
#include "util.h"

#define CDX_SPEC	"1.5"

/* A JSON string made valid UTF-8 (jansson takes nothing else). */
static json_t *
cdx_str(const char *s)
{
	json_t	*j;
	char	*clean;

	clean = report_xml_clean(s != NULL ? s : "");
	j = json_string(clean);
	free(clean);
	return j != NULL ? j : json_string("");
}

static void
cdx_set(json_t *o, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		json_object_set_new(o, key, cdx_str(value));
}

static void
cdx_property(json_t *props, const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		json_array_append_new(props, json_pack("{s:s, s:o}", "name", name,
		    "value", cdx_str(value)));
}

/* Properties go in only when there are some (the schema wants no empty arrays). */
static void
cdx_set_properties(json_t *o, json_t *props)
{
	if (json_array_size(props) > 0)
		json_object_set(o, "properties", props);
	json_decref(props);
}

/* A purl component, as every purl hullscan writes encodes it. */
static void
purl_add(struct buf *b, const char *s)
{
	purl_encode(b, s, strlen(s), 0);
}

/* The distro qualifier as SBOM tools write it: "debian-12", "alpine-3.20.3". */
static char *
purl_distro(const struct os_info *os)
{
	if (os->id == NULL || os->version_id == NULL)
		return NULL;
	return xasprintf("%s-%s", os->id, os->version_id);
}

/*
 * The package URL of p: pkg:deb/debian/NAME@VERSION?arch=…&distro=…,
 * pkg:apk/alpine/…, pkg:rpm/rhel/NAME@VERSION-RELEASE?arch=…&epoch=N&distro=…
 * (an rpm epoch is a qualifier, not part of the version); a language
 * package's own (the analyzer's, else pkg:npm/…, pkg:golang/…).
 */
char *
report_purl(const struct os_info *os, const struct package *p)
{
	struct buf	 b;
	const char	*type, *version = p->version, *colon;
	char		*epoch = NULL, *distro;

	if (p->purl != NULL && *p->purl != '\0')
		return xstrdup(p->purl);
	if (ecosystem_is_lang(p->ecosystem))
		return ecosystem_purl(p->ecosystem, p->name, p->version);

	/* The ecosystems' names are their purl types. */
	type = p->ecosystem != ECO_UNKNOWN ? ecosystem_name(p->ecosystem) : "generic";
	if (p->ecosystem == ECO_RPM && (colon = strchr(version, ':')) != NULL &&
	    colon != version && strspn(version, "0123456789") == (size_t)(colon - version)) {
		epoch = xstrndup(version, colon - version);
		version = colon + 1;
	}
	buf_init(&b);
	buf_printf(&b, "pkg:%s/", type);
	if (os->id != NULL && *os->id != '\0') {
		purl_add(&b, os->id);
		buf_adds(&b, "/");
	}
	purl_add(&b, p->name);
	buf_adds(&b, "@");
	purl_add(&b, version);
	/* Qualifiers in lexical order of their keys, as the purl spec has it. */
	buf_adds(&b, "?");
	if (p->arch != NULL && *p->arch != '\0') {
		buf_adds(&b, "arch=");
		purl_add(&b, p->arch);
		buf_adds(&b, "&");
	}
	if ((distro = purl_distro(os)) != NULL) {
		buf_adds(&b, "distro=");
		purl_add(&b, distro);
		buf_adds(&b, "&");
		free(distro);
	}
	if (epoch != NULL && strcmp(epoch, "0") != 0) {
		buf_adds(&b, "epoch=");
		purl_add(&b, epoch);
		buf_adds(&b, "&");
	}
	free(epoch);
	b.data[--b.len] = '\0';		/* the last '&', or a '?' with nothing after */
	return buf_steal(&b);
}

static char *
cdx_ref(size_t image, int several, const char *what)
{
	return several ? xasprintf("image-%zu/%s", image + 1, what) : xstrdup(what);
}

static const char *
cdx_severity(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "critical";
	case SEV_HIGH:
		return "high";
	case SEV_MEDIUM:
		return "medium";
	case SEV_LOW:
		return "low";
	case SEV_NEGLIGIBLE:
		return "info";
	default:
		return "unknown";
	}
}

/* The image itself, a "container" component. */
static json_t *
cdx_container(const struct image_result *r, const char *ref)
{
	json_t	*c, *props;

	c = json_pack("{s:s, s:s, s:o}", "type", "container", "bom-ref", ref,
	    "name", cdx_str(r->name != NULL && *r->name != '\0' ? r->name :
	    r->reference));
	cdx_set(c, "version", r->digest);
	props = json_array();
	cdx_property(props, "hullscan:reference", r->reference);
	cdx_property(props, "hullscan:error", r->error);
	cdx_property(props, "hullscan:warning", r->warning);
	cdx_set_properties(c, props);
	return c;
}

/*
 * The component of the archive holding a package found inside another one
 * ("app.jar!/BOOT-INF/lib/x.jar" is in the package found at "app.jar"), or
 * -1 when the outer archive is no package of the inventory.
 */
static ssize_t
cdx_parent(const struct inventory *inv, size_t i)
{
	const char	*loc = inv->pkgs[i].location, *bang, *p;
	size_t		 j, n;

	if (loc == NULL)
		return -1;
	for (bang = NULL, p = loc; (p = strstr(p, "!/")) != NULL; p += 2)
		bang = p;
	if (bang == NULL)
		return -1;
	n = bang - loc;
	for (j = 0; j < inv->npkgs; j++) {
		if (j != i && inv->pkgs[j].location != NULL &&
		    strlen(inv->pkgs[j].location) == n &&
		    strncmp(inv->pkgs[j].location, loc, n) == 0)
			return (ssize_t)j;
	}
	return -1;
}

/*
 * The image's OS and packages into comps, their refs into deps (image → OS
 * → packages), and each package's bom-ref into refs[i]. A language package
 * carries where it was found as evidence; one found inside an archive that
 * is itself a package (a jar in a fat jar) is nested in that one's
 * components.
 */
static void
cdx_packages(const struct image_result *r, size_t k, int several, json_t *comps,
    json_t *deps, const char *image_ref, char **refs)
{
	const struct inventory	*inv = r->inv;
	const struct package	*p;
	json_t			*c, *props, *on, *os_on = json_array(), **pc, *sub;
	char			*purl, *os_ref = NULL;
	size_t			 i;
	ssize_t			 parent;
	char			*nested;

	if (inv->os.id != NULL) {
		os_ref = cdx_ref(k, several, "os");
		c = json_pack("{s:s, s:s, s:o}", "type", "operating-system", "bom-ref",
		    os_ref, "name", cdx_str(inv->os.id));
		cdx_set(c, "version", inv->os.version_id);
		cdx_set(c, "description", inv->os.pretty_name);
		json_array_append_new(comps, c);
	}
	pc = xcalloc(inv->npkgs + 1, sizeof *pc);
	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		purl = report_purl(&inv->os, p);
		refs[i] = cdx_ref(k, several, purl);
		/* Two copies of one package (two places) need two bom-refs. */
		if (p->location != NULL) {
			free(refs[i]);
			refs[i] = several ? xasprintf("image-%zu/%s#%s", k + 1, purl,
			    p->location) : xasprintf("%s#%s", purl, p->location);
		}
		c = json_pack("{s:s, s:s, s:o, s:o, s:s}", "type", "library", "bom-ref",
		    refs[i], "name", cdx_str(p->name), "version", cdx_str(p->version),
		    "purl", purl);
		if (p->location != NULL)
			json_object_set_new(c, "evidence", json_pack("{s:[{s:o}]}",
			    "occurrences", "location", cdx_str(p->location)));
		props = json_array();
		if (strcmp(p->source_name, p->name) != 0 ||
		    strcmp(p->source_version, p->version) != 0) {
			cdx_property(props, "hullscan:source_name", p->source_name);
			cdx_property(props, "hullscan:source_version", p->source_version);
		}
		cdx_property(props, "hullscan:ecosystem", ecosystem_name(p->ecosystem));
		cdx_property(props, "hullscan:layer", p->layer);
		cdx_set_properties(c, props);
		pc[i] = c;
		json_array_append_new(os_on, json_string(refs[i]));
		free(purl);
	}
	/*
	 * Nest each package in its archive's (an outer location is shorter,
	 * so there is no cycle); the others are top-level.
	 */
	nested = xcalloc(inv->npkgs + 1, sizeof *nested);
	for (i = 0; i < inv->npkgs; i++) {
		if ((parent = cdx_parent(inv, i)) < 0)
			continue;
		if ((sub = json_object_get(pc[parent], "components")) == NULL) {
			sub = json_array();
			json_object_set_new(pc[parent], "components", sub);
		}
		json_array_append(sub, pc[i]);
		nested[i] = 1;
	}
	for (i = 0; i < inv->npkgs; i++) {
		if (!nested[i])
			json_array_append(comps, pc[i]);
		json_decref(pc[i]);
	}
	free(nested);
	free(pc);
	on = json_array();
	if (os_ref != NULL) {
		json_array_append_new(on, json_string(os_ref));
		json_array_append_new(deps, json_pack("{s:s, s:o}", "ref", os_ref,
		    "dependsOn", os_on));
	} else {
		json_array_extend(on, os_on);
		json_decref(os_on);
	}
	json_array_append_new(deps, json_pack("{s:s, s:o}", "ref", image_ref,
	    "dependsOn", on));
	free(os_ref);
}

/*
 * What a finding affects: every package of the image with its name and
 * installed version (an rpm of two arches is two), else the image itself.
 */
static json_t *
cdx_affects(const struct image_result *r, char **refs, const char *image_ref,
    const struct finding *f)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < r->inv->npkgs; i++) {
		if (strcmp(r->inv->pkgs[i].name, f->package) == 0 &&
		    strcmp(r->inv->pkgs[i].version, f->installed_version) == 0 &&
		    (f->location == NULL || (r->inv->pkgs[i].location != NULL &&
		    strcmp(r->inv->pkgs[i].location, f->location) == 0)))
			json_array_append_new(a, json_pack("{s:s, s:[{s:o, s:s}]}",
			    "ref", refs[i], "versions", "version",
			    cdx_str(f->installed_version), "status", "affected"));
	}
	if (json_array_size(a) == 0)
		json_array_append_new(a, json_pack("{s:s}", "ref", image_ref));
	return a;
}

/*
 * A finding an OpenVEX statement ignored, as CycloneDX's analysis: its
 * reason reads "VEX not_affected: JUSTIFICATION[: impact] (origin)" or
 * "VEX fixed…" (ignore.c). OpenVEX's justifications map onto CycloneDX's;
 * other ignores (an accepted risk, no fix yet) carry no analysis.
 */
static json_t *
cdx_analysis(const struct finding *f)
{
	static const struct {
		const char	*openvex;
		const char	*cyclonedx;
	} just[] = {
		{ "component_not_present", "code_not_present" },
		{ "vulnerable_code_not_present", "code_not_present" },
		{ "vulnerable_code_not_in_execute_path", "code_not_reachable" },
		{ "vulnerable_code_cannot_be_controlled_by_adversary",
		    "requires_environment" },
		{ "inline_mitigations_already_exist", "protected_by_mitigating_control" },
	};
	const char	*r = f->ignore_reason, *p;
	json_t		*a;
	size_t		 i, n;

	if (f->verdict != VERDICT_IGNORED || r == NULL)
		return NULL;
	if (str_starts(r, "VEX fixed"))
		return json_pack("{s:s, s:o}", "state", "resolved", "detail", cdx_str(r));
	if (!str_starts(r, "VEX not_affected"))
		return NULL;
	a = json_pack("{s:s}", "state", "not_affected");
	if (str_starts(r, "VEX not_affected: ")) {
		p = r + strlen("VEX not_affected: ");
		n = strcspn(p, ": ");
		for (i = 0; i < NELEM(just); i++) {
			if (strlen(just[i].openvex) == n &&
			    strncmp(p, just[i].openvex, n) == 0)
				json_object_set_new(a, "justification",
				    json_string(just[i].cyclonedx));
		}
	}
	json_object_set_new(a, "detail", cdx_str(r));
	return a;
}

/*
 * The finding's aliases as CycloneDX's references: each the same
 * vulnerability under another id, its source named by the id's prefix
 * ("USN", "GHSA", "RHSA").
 */
static void
cdx_references(json_t *v, const struct finding *f)
{
	json_t	*refs;
	size_t	 i, n;
	char	*name;

	if (f->naliases == 0)
		return;
	refs = json_array();
	for (i = 0; i < f->naliases; i++) {
		n = strcspn(f->aliases[i], "-:");
		name = xstrndup(f->aliases[i], n > 0 ? n : strlen(f->aliases[i]));
		json_array_append_new(refs, json_pack("{s:o, s:{s:o}}", "id",
		    cdx_str(f->aliases[i]), "source", "name", cdx_str(name)));
		free(name);
	}
	json_object_set_new(v, "references", refs);
}

static json_t *
cdx_vulnerability(const struct finding *f, size_t n, json_t *affects)
{
	json_t	*v, *src, *rating, *props, *analysis;
	char	*advice, *ref;

	/* A bom-ref of its own: the same finding twice is still two entries. */
	ref = xasprintf("vulnerability-%zu", n);
	v = json_pack("{s:s, s:o}", "bom-ref", ref, "id", cdx_str(f->id));
	free(ref);
	src = json_pack("{s:o}", "name", cdx_str(f->namespace != NULL ?
	    f->namespace : "hullscan"));
	if (f->link != NULL && (str_starts(f->link, "https://") ||
	    str_starts(f->link, "http://")))
		json_object_set_new(src, "url", cdx_str(f->link));
	json_object_set_new(v, "source", src);
	cdx_references(v, f);
	rating = json_pack("{s:s, s:s}", "severity", cdx_severity(f->severity),
	    "method", "other");
	json_object_set_new(v, "ratings", json_pack("[o]", rating));
	cdx_set(v, "description", f->description);
	if (f->fixed_version != NULL) {
		advice = xasprintf("Upgrade %s to %s or later", f->package,
		    f->fixed_version);
		cdx_set(v, "recommendation", advice);
		free(advice);
	}
	if ((analysis = cdx_analysis(f)) != NULL)
		json_object_set_new(v, "analysis", analysis);
	json_object_set_new(v, "affects", affects);
	props = json_array();
	cdx_property(props, "hullscan:verdict", verdict_name(f->verdict));
	cdx_property(props, "hullscan:ignore_reason", f->ignore_reason);
	cdx_property(props, "hullscan:fixed_version", f->fixed_version);
	if (f->is_new >= 0)
		cdx_property(props, "hullscan:new", f->is_new ? "true" : "false");
	cdx_set_properties(v, props);
	return v;
}

/* urn:uuid: with a random (version 4) UUID, as CycloneDX's serialNumber. */
static char *
cdx_serial(void)
{
	unsigned char	u[16];
	size_t		i;

	if (RAND_bytes(u, sizeof u) != 1) {
		for (i = 0; i < sizeof u; i++)
			u[i] = (unsigned char)random();
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	return xasprintf("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6],
	    u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

int
report_cyclonedx_write(const struct run_result *rr, const char *path, char **cause)
{
	const struct image_result	*r;
	const struct finding		*f;
	json_t				*root, *meta, *props, *comps, *deps, *vulns;
	json_t				*container, *inner;
	char				*serial, *text, **refs, *image_ref;
	size_t				 i, j, k;
	int				 several = rr->nimages != 1, rc;

	serial = cdx_serial();
	meta = json_pack("{s:{s:[{s:s, s:s, s:s}]}}", "tools", "components", "type",
	    "application", "name", PACKAGE_NAME, "version", PACKAGE_VERSION);
	cdx_set(meta, "timestamp", rr->started);
	props = json_array();
	cdx_property(props, "hullscan:job", rr->job);
	cdx_property(props, "hullscan:build", rr->build);
	cdx_property(props, "hullscan:build_url", rr->build_url);
	cdx_set_properties(meta, props);
	comps = json_array();
	deps = json_array();
	vulns = json_array();
	for (k = 0; k < rr->nimages; k++) {
		r = &rr->images[k];
		image_ref = several ? xasprintf("image-%zu", k + 1) : xstrdup("image");
		container = cdx_container(r, image_ref);
		if (several) {
			inner = json_array();
			json_array_append(comps, container);
		} else {
			inner = comps;
			json_object_set(meta, "component", container);
		}
		if (r->inv != NULL) {
			refs = xcalloc(r->inv->npkgs + 1, sizeof *refs);
			cdx_packages(r, k, several, inner, deps, image_ref, refs);
			for (j = 0; j < r->findings.n; j++) {
				f = &r->findings.v[j];
				json_array_append_new(vulns, cdx_vulnerability(f,
				    json_array_size(vulns) + 1,
				    cdx_affects(r, refs, image_ref, f)));
			}
			for (i = 0; i < r->inv->npkgs; i++)
				free(refs[i]);
			free(refs);
		}
		if (several && json_array_size(inner) > 0)
			json_object_set(container, "components", inner);
		if (several)
			json_decref(inner);
		json_decref(container);
		free(image_ref);
	}
	root = json_pack("{s:s, s:s, s:s, s:i, s:o}", "bomFormat", "CycloneDX",
	    "specVersion", CDX_SPEC, "serialNumber", serial, "version", 1,
	    "metadata", meta);
	json_object_set_new(root, "components", comps);
	json_object_set_new(root, "dependencies", deps);
	json_object_set_new(root, "vulnerabilities", vulns);
	free(serial);
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		return fail(cause, HS_ERR, "%s: cannot encode the CycloneDX report", path);
	rc = report_output(path, text, strlen(text), cause);
	free(text);
	return rc;
}
