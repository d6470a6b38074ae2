/*
 * SPDX 2.3 JSON: each image as a CONTAINER package that contains its OS
 * and packages, each package with its purl; for auditors who ask for SPDX.
 */
#include "config.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

static json_t *
spdx_str(const char *s)
{
	char	*clean = report_xml_clean(s != NULL ? s : "");
	json_t	*j = json_string(clean);

	free(clean);
	return j != NULL ? j : json_string("");
}

/* An SPDX package with what every package needs and nothing asserted. */
static json_t *
spdx_package(const char *id, const char *name, const char *version,
    const char *purpose)
{
	json_t	*p;

	p = json_pack("{s:s, s:o, s:s, s:b}", "SPDXID", id, "name", spdx_str(name),
	    "downloadLocation", "NOASSERTION", "filesAnalyzed", 0);
	if (version != NULL && *version != '\0')
		json_object_set_new(p, "versionInfo", spdx_str(version));
	json_object_set_new(p, "primaryPackagePurpose", json_string(purpose));
	return p;
}

static void
spdx_relate(json_t *rels, const char *from, const char *type, const char *to)
{
	json_array_append_new(rels, json_pack("{s:s, s:s, s:s}", "spdxElementId",
	    from, "relationshipType", type, "relatedSpdxElement", to));
}

/* A version 4 UUID for the document namespace, which must be unique. */
static char *
spdx_uuid(void)
{
	unsigned char	u[16];
	size_t		i;

	if (RAND_bytes(u, sizeof u) != 1) {
		for (i = 0; i < sizeof u; i++)
			u[i] = (unsigned char)random();
	}
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6],
	    u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* SPDX wants "2026-12-04T21:00:00Z"; started is ISO 8601 UTC already. */
static char *
spdx_created(const char *started)
{
	if (started != NULL && strlen(started) >= 19 && started[10] == 'T')
		return xasprintf("%.19sZ", started);
	return xstrdup("1970-01-01T00:00:00Z");
}

static void
spdx_image(const struct image_result *r, size_t k, json_t *pkgs, json_t *rels)
{
	const struct inventory	*inv = r->inv;
	const struct package	*p;
	json_t			*img, *c;
	char			*img_id, *os_id = NULL, *id, *purl, *comment;
	const char		*hex;
	size_t			 i;

	img_id = xasprintf("SPDXRef-Image-%zu", k + 1);
	img = spdx_package(img_id, r->name != NULL && *r->name != '\0' ? r->name :
	    r->reference, r->digest, "CONTAINER");
	if (r->digest != NULL && str_starts(r->digest, "sha256:") &&
	    strlen(hex = r->digest + 7) == 64)
		json_object_set_new(img, "checksums", json_pack("[{s:s, s:s}]",
		    "algorithm", "SHA256", "checksumValue", hex));
	comment = xasprintf("hullscan reference: %s%s%s", r->reference,
	    r->error != NULL ? "; not scanned: " : "", r->error != NULL ? r->error : "");
	json_object_set_new(img, "comment", spdx_str(comment));
	free(comment);
	json_array_append_new(pkgs, img);
	spdx_relate(rels, "SPDXRef-DOCUMENT", "DESCRIBES", img_id);
	if (inv == NULL) {
		free(img_id);
		return;
	}
	if (inv->os.id != NULL) {
		os_id = xasprintf("SPDXRef-OS-%zu", k + 1);
		c = spdx_package(os_id, inv->os.id, inv->os.version_id,
		    "OPERATING_SYSTEM");
		if (inv->os.pretty_name != NULL)
			json_object_set_new(c, "description", spdx_str(inv->os.pretty_name));
		json_array_append_new(pkgs, c);
		spdx_relate(rels, img_id, "CONTAINS", os_id);
	}
	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		id = xasprintf("SPDXRef-Package-%zu-%zu", k + 1, i + 1);
		c = spdx_package(id, p->name, p->version, ecosystem_is_lang(p->ecosystem) ?
		    "LIBRARY" : "INSTALL");
		purl = report_purl(&inv->os, p);
		json_object_set_new(c, "externalRefs", json_pack("[{s:s, s:s, s:o}]",
		    "referenceCategory", "PACKAGE-MANAGER", "referenceType", "purl",
		    "referenceLocator", spdx_str(purl)));
		free(purl);
		/* What SPDX has no field for, where a reader can still find it. */
		if (p->location != NULL) {
			comment = xasprintf("hullscan location: %s", p->location);
			json_object_set_new(c, "sourceInfo", spdx_str(comment));
			free(comment);
		}
		if (strcmp(p->source_name, p->name) != 0 ||
		    strcmp(p->source_version, p->version) != 0) {
			comment = xasprintf("source package %s %s", p->source_name,
			    p->source_version);
			json_object_set_new(c, "comment", spdx_str(comment));
			free(comment);
		}
		json_array_append_new(pkgs, c);
		spdx_relate(rels, os_id != NULL ? os_id : img_id, "CONTAINS", id);
		free(id);
	}
	free(os_id);
	free(img_id);
}

int
report_spdx_write(const struct run_result *rr, const char *path, char **cause)
{
	json_t	*root, *pkgs, *rels;
	char	*uuid, *ns, *created, *name, *text;
	size_t	 k;
	int	 rc;

	uuid = spdx_uuid();
	ns = xasprintf("https://spdx.org/spdxdocs/hullscan-%s", uuid);
	created = spdx_created(rr->started);
	name = rr->nimages == 1 ? xstrdup(rr->images[0].name != NULL ?
	    rr->images[0].name : rr->images[0].reference) :
	    xasprintf("%s %s", rr->job != NULL ? rr->job : "hullscan",
	    rr->build != NULL ? rr->build : "scan");
	pkgs = json_array();
	rels = json_array();
	for (k = 0; k < rr->nimages; k++)
		spdx_image(&rr->images[k], k, pkgs, rels);
	root = json_pack("{s:s, s:s, s:s, s:o, s:s, s:{s:s, s:[s]}}",
	    "spdxVersion", "SPDX-2.3", "dataLicense", "CC0-1.0", "SPDXID",
	    "SPDXRef-DOCUMENT", "name", spdx_str(name), "documentNamespace", ns,
	    "creationInfo", "created", created, "creators",
	    "Tool: " PACKAGE_NAME "-" PACKAGE_VERSION);
	json_object_set_new(root, "packages", pkgs);
	json_object_set_new(root, "relationships", rels);
	free(uuid);
	free(ns);
	free(created);
	free(name);
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		return fail(cause, HS_ERR, "%s: cannot encode the SPDX report", path);
	rc = report_output(path, text, strlen(text), cause);
	free(text);
	return rc;
}
