/*
 * SBOMs in: a CycloneDX (1.4-1.6) or SPDX (2.2, 2.3) JSON document read as
 * an image's inventory, its packages by purl, its OS from the document.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"
#include "purl.h"
#include "sbom.h"
#include "util.h"

/*
 * jansson holds a document whole, at several times its size: an SBOM over
 * this many bytes is refused rather than read past the memory a scan may
 * take (about 1 GiB of heap for 48 MiB of JSON would be the worst case seen;
 * a million-component SBOM is some 150 MiB).
 */
#define SBOM_MAX_BYTES		((size_t)48 << 20)
#define SBOM_MAX_PACKAGES	2000000

struct sbom_ctx {
	const char		*path;
	struct inventory	*inv;
	int			 os_seen;
	char			*distro;	/* first distro qualifier of an OS purl */
	size_t			 skipped;	/* components with no usable purl */
};

/* A property's value among CycloneDX's [{"name", "value"}], NULL when absent. */
static const char *
cdx_prop(const json_t *c, const char *name)
{
	const json_t	*props = json_object_get(c, "properties"), *p;
	const char	*n;
	size_t		 i;

	json_array_foreach(props, i, p) {
		n = json_string_value(json_object_get(p, "name"));
		if (n != NULL && strcmp(n, name) == 0)
			return json_string_value(json_object_get(p, "value"));
	}
	return NULL;
}

/* "openssl-3.0.11-1.el9.src.rpm" → name "openssl", version "3.0.11-1.el9". */
static void
srpm_split(const char *srpm, char **name, char **version)
{
	const char	*end, *dash1, *dash2 = NULL, *p;
	size_t		 n = strlen(srpm);

	*name = *version = NULL;
	if (n > 8 && strcmp(srpm + n - 8, ".src.rpm") == 0)
		n -= 8;
	else if (n > 11 && strcmp(srpm + n - 11, ".nosrc.rpm") == 0)
		n -= 11;
	else
		return;
	end = srpm + n;
	for (p = end, dash1 = NULL; p > srpm; p--) {
		if (p[-1] == '-') {
			if (dash1 == NULL)
				dash1 = p - 1;
			else {
				dash2 = p - 1;
				break;
			}
		}
	}
	if (dash1 == NULL || dash2 == NULL || dash2 == srpm)
		return;
	*name = xstrndup(srpm, (size_t)(dash2 - srpm));
	*version = xstrndup(dash2 + 1, (size_t)(end - dash2 - 1));
}

/*
 * One package from its purl and what the document says beside it (source
 * package, location), or why not. "props" is the CycloneDX component, or
 * NULL for SPDX.
 */
static int
sbom_package(struct sbom_ctx *c, const char *s, const json_t *props,
    const char *location, const char *src, const char *srcv)
{
	struct purl	*p;
	struct package	*pkg;
	enum ecosystem	 eco;
	const char	*q, *arch;
	char		*name, *version, *sn = NULL, *sv = NULL, *at;
	char		*cause = NULL;

	if (purl_parse(s, &p, &cause) != 0) {
		free(cause);
		c->skipped++;
		return 0;
	}
	if ((eco = purl_ecosystem(p)) == ECO_UNKNOWN || p->version == NULL ||
	    *p->version == '\0') {
		purl_free(p);
		c->skipped++;
		return 0;
	}
	if (c->inv->npkgs >= SBOM_MAX_PACKAGES) {
		purl_free(p);
		return HS_EINVAL;
	}
	name = purl_package_name(p);
	/* An rpm's epoch is a qualifier in a purl, part of the version here. */
	if (eco == ECO_RPM && (q = purl_qualifier(p, "epoch")) != NULL &&
	    strcmp(q, "0") != 0 && *q != '\0')
		version = xasprintf("%s:%s", q, p->version);
	else
		version = xstrdup(p->version);
	if (props != NULL && src == NULL) {
		if ((src = cdx_prop(props, "hullscan:source_name")) != NULL)
			srcv = cdx_prop(props, "hullscan:source_version");
		else if ((src = cdx_prop(props, "syft:metadata:source")) != NULL)
			srcv = cdx_prop(props, "syft:metadata:sourceVersion");
		else if ((src = cdx_prop(props, "aquasecurity:trivy:SrcName")) != NULL)
			srcv = cdx_prop(props, "aquasecurity:trivy:SrcVersion");
	}
	/* purl's "upstream": a deb/apk source name[@version], an rpm's source rpm. */
	if (src == NULL && (q = purl_qualifier(p, "upstream")) != NULL) {
		if (eco == ECO_RPM)
			srpm_split(q, &sn, &sv);
		else if ((at = strchr(q, '@')) != NULL) {
			sn = xstrndup(q, (size_t)(at - q));
			sv = xstrdup(at + 1);
		} else
			sn = xstrdup(q);
	}
	if (src == NULL && eco == ECO_RPM && props != NULL &&
	    (q = cdx_prop(props, "syft:metadata:sourceRpm")) != NULL)
		srpm_split(q, &sn, &sv);
	if (src != NULL)
		sn = xstrdup(src);
	if (srcv != NULL)
		sv = xstrdup(srcv);
	arch = purl_qualifier(p, "arch");
	pkg = inventory_add(c->inv, name, version, sn, sv, arch, eco);
	if (ecosystem_is_lang(eco)) {
		pkg->purl = xstrdup(s);
		if (location != NULL && *location != '\0')
			pkg->location = xstrdup(location);
	}
	if (!c->os_seen && c->distro == NULL && !ecosystem_is_lang(eco) &&
	    (q = purl_qualifier(p, "distro")) != NULL && *q != '\0')
		c->distro = xstrdup(q);
	free(name);
	free(version);
	free(sn);
	free(sv);
	purl_free(p);
	return 0;
}

/* The OS of an "operating-system" component or package: id and version. */
static void
sbom_os(struct sbom_ctx *c, const char *id, const char *version)
{
	struct os_info	*os = &c->inv->os;

	if (c->os_seen || id == NULL || *id == '\0')
		return;
	c->os_seen = 1;
	os->id = xstrdup(id);
	if (version != NULL && *version != '\0')
		os->version_id = xstrdup(version);
}

/*
 * The distro qualifier ("debian-12", "alpine-3.18.0", "ubuntu-22.04",
 * "rhel-9.2") as an OS when the document names none.
 */
static void
sbom_os_from_distro(struct sbom_ctx *c)
{
	const char	*dash;

	if (c->os_seen || c->distro == NULL)
		return;
	dash = strrchr(c->distro, '-');
	if (dash == NULL || dash == c->distro || dash[1] == '\0') {
		c->inv->os.id = xstrdup(c->distro);
		c->os_seen = 1;
		return;
	}
	c->inv->os.id = xstrndup(c->distro, (size_t)(dash - c->distro));
	c->inv->os.version_id = xstrdup(dash + 1);
	c->os_seen = 1;
}

static const char *
cdx_location(const json_t *comp)
{
	const char	*l;

	if ((l = cdx_prop(comp, "hullscan:location")) != NULL ||
	    (l = cdx_prop(comp, "syft:location:0:path")) != NULL ||
	    (l = cdx_prop(comp, "aquasecurity:trivy:FilePath")) != NULL)
		return *l == '/' ? l + 1 : l;
	return NULL;
}

/* Components, and the components nested in them, to a depth. */
static int
cdx_components(struct sbom_ctx *c, const json_t *comps, int depth, char **cause)
{
	const json_t	*comp;
	const char	*type, *purl;
	size_t		 i;
	int		 r;

	if (comps == NULL)
		return 0;
	if (!json_is_array(comps))
		return fail(cause, HS_EINVAL, "\"components\" is not an array");
	if (depth > 32)
		return fail(cause, HS_EINVAL, "components nested more than 32 deep");
	json_array_foreach(comps, i, comp) {
		type = json_string_value(json_object_get(comp, "type"));
		if (type != NULL && strcmp(type, "operating-system") == 0) {
			sbom_os(c, json_string_value(json_object_get(comp, "name")),
			    json_string_value(json_object_get(comp, "version")));
			continue;
		}
		purl = json_string_value(json_object_get(comp, "purl"));
		if (purl != NULL && (r = sbom_package(c, purl, comp,
		    cdx_location(comp), NULL, NULL)) != 0)
			return fail(cause, r, "more than %d packages", SBOM_MAX_PACKAGES);
		if ((r = cdx_components(c, json_object_get(comp, "components"),
		    depth + 1, cause)) != 0)
			return r;
	}
	return 0;
}

static int
sbom_cyclonedx(struct sbom_ctx *c, const json_t *root, char **name, char **cause)
{
	const json_t	*meta = json_object_get(json_object_get(root, "metadata"),
			    "component");
	const char	*spec = json_string_value(json_object_get(root, "specVersion"));
	const char	*n;

	if (spec == NULL || (strcmp(spec, "1.4") != 0 && strcmp(spec, "1.5") != 0 &&
	    strcmp(spec, "1.6") != 0))
		return fail(cause, HS_EINVAL, "CycloneDX specVersion %s: 1.4, 1.5 or "
		    "1.6 are read", spec != NULL ? spec : "missing");
	if ((n = json_string_value(json_object_get(meta, "name"))) != NULL && *n != '\0')
		*name = xstrdup(n);
	return cdx_components(c, json_object_get(root, "components"), 0, cause);
}

static int
sbom_spdx(struct sbom_ctx *c, const json_t *root, char **name, char **cause)
{
	const json_t	*pkgs = json_object_get(root, "packages"), *p, *refs, *ref;
	const char	*v = json_string_value(json_object_get(root, "spdxVersion"));
	const char	*purpose, *type, *loc, *cm, *sp, *sv = NULL;
	char		*sn = NULL;
	size_t		 i, j;
	int		 r;

	if (v == NULL || (strcmp(v, "SPDX-2.2") != 0 && strcmp(v, "SPDX-2.3") != 0))
		return fail(cause, HS_EINVAL, "spdxVersion %s: SPDX-2.2 or SPDX-2.3 "
		    "are read", v != NULL ? v : "missing");
	if (pkgs != NULL && !json_is_array(pkgs))
		return fail(cause, HS_EINVAL, "\"packages\" is not an array");
	json_array_foreach(pkgs, i, p) {
		purpose = json_string_value(json_object_get(p, "primaryPackagePurpose"));
		/* JSON spells it with '_', tag-value and some writers with '-'. */
		if (purpose != NULL && (strcmp(purpose, "OPERATING_SYSTEM") == 0 ||
		    strcmp(purpose, "OPERATING-SYSTEM") == 0)) {
			sbom_os(c, json_string_value(json_object_get(p, "name")),
			    json_string_value(json_object_get(p, "versionInfo")));
			continue;
		}
		if (purpose != NULL && strcmp(purpose, "CONTAINER") == 0 && *name == NULL &&
		    json_string_value(json_object_get(p, "name")) != NULL)
			*name = xstrdup(json_string_value(json_object_get(p, "name")));
		loc = json_string_value(json_object_get(p, "sourceInfo"));
		if (loc != NULL && str_starts(loc, "hullscan location: "))
			loc += strlen("hullscan location: ");
		else
			loc = NULL;
		/* hullscan's own comment: "source package NAME VERSION". */
		free(sn);
		sn = NULL;
		sv = NULL;
		cm = json_string_value(json_object_get(p, "comment"));
		if (cm != NULL && str_starts(cm, "source package ") &&
		    (sp = strchr(cm + 15, ' ')) != NULL && sp > cm + 15) {
			sn = xstrndup(cm + 15, (size_t)(sp - cm - 15));
			sv = sp + 1;
		}
		refs = json_object_get(p, "externalRefs");
		json_array_foreach(refs, j, ref) {
			type = json_string_value(json_object_get(ref, "referenceType"));
			if (type == NULL || strcmp(type, "purl") != 0)
				continue;
			if ((r = sbom_package(c, json_string_value(json_object_get(ref,
			    "referenceLocator")), NULL, loc, sn, sv)) != 0) {
				free(sn);
				return fail(cause, r, "more than %d packages",
				    SBOM_MAX_PACKAGES);
			}
			break;
		}
	}
	free(sn);
	return 0;
}

int
sbom_read(const char *path, struct inventory **out, char **name, char **cause)
{
	struct sbom_ctx	 c;
	json_error_t	 err;
	json_t		*root = NULL;
	char		*data = NULL;
	size_t		 len;
	int		 r;

	*out = NULL;
	*name = NULL;
	memset(&c, 0, sizeof c);
	c.path = path;
	if ((r = file_read(path, SBOM_MAX_BYTES, &data, &len, cause)) != 0) {
		/* The caller names the file: "sbom:PATH: why". */
		size_t	n = strlen(path);

		if (cause != NULL && *cause != NULL && strncmp(*cause, path, n) == 0 &&
		    strncmp(*cause + n, ": ", 2) == 0)
			memmove(*cause, *cause + n + 2, strlen(*cause + n + 2) + 1);
		return r;
	}
	if ((root = json_loadb(data, len, 0, &err)) == NULL) {
		r = fail(cause, HS_EINVAL, "not JSON: %s at line %d", err.text,
		    err.line);
		goto out;
	}
	free(data);
	data = NULL;
	c.inv = inventory_new();
	if (json_is_string(json_object_get(root, "bomFormat")) &&
	    strcmp(json_string_value(json_object_get(root, "bomFormat")), "CycloneDX") == 0)
		r = sbom_cyclonedx(&c, root, name, cause);
	else if (json_object_get(root, "spdxVersion") != NULL)
		r = sbom_spdx(&c, root, name, cause);
	else
		r = fail(cause, HS_EINVAL, "neither a CycloneDX nor an SPDX JSON document");
	if (r != 0)
		goto out;
	sbom_os_from_distro(&c);
	if (c.inv->os.id != NULL)
		pkg_os_namespace(&c.inv->os);
	if (c.skipped != 0)
		log_debug("%s: %zu components without a purl hullscan matches", path,
		    c.skipped);
	inventory_sort(c.inv);
	*out = c.inv;
	c.inv = NULL;
out:
	if (r != 0) {
		free(*name);
		*name = NULL;
	}
	inventory_free(c.inv);
	free(c.distro);
	json_decref(root);
	free(data);
	return r;
}
