/*
 * SBOMs in: a CycloneDX (1.4-1.6) or SPDX (2.2, 2.3) JSON document read as
 * an image's inventory, its packages by purl, its OS from the document.
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <yajl/yajl_parse.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"
#include "purl.h"
#include "sbom.h"
#include "util.h"

/*
 * A package costs some 300 bytes in an inventory: past this many an SBOM is
 * refused (one line), so that reading one stays under 256 MiB. Real images
 * hold tens of thousands.
 */
#define SBOM_MAX_PACKAGES	500000

struct sbom_ctx {
	const char		*path;
	struct inventory	*inv;
	int			 os_seen;
	char			*name;		/* the document's subject */
	int			 containers;	/* images it describes */
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
			pkg_rpm_source(q, 0, 0, &sn, &sv);
		else if ((at = strchr(q, '@')) != NULL) {
			sn = xstrndup(q, (size_t)(at - q));
			sv = xstrdup(at + 1);
		} else
			sn = xstrdup(q);
	}
	if (src == NULL && eco == ECO_RPM && props != NULL &&
	    (q = cdx_prop(props, "syft:metadata:sourceRpm")) != NULL)
		pkg_rpm_source(q, 0, 0, &sn, &sv);
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

/* A component, and the components nested in it, to a depth. */
static int
cdx_component(struct sbom_ctx *c, const json_t *comp, int depth, char **cause)
{
	const json_t	*kids, *kid;
	const char	*type, *purl;
	size_t		 i;
	int		 r;

	if (depth > 32)
		return fail(cause, HS_EINVAL, "components nested more than 32 deep");
	type = json_string_value(json_object_get(comp, "type"));
	/* hullscan's SBOM of several images nests each image's packages. */
	if (type != NULL && strcmp(type, "container") == 0 && ++c->containers > 1)
		return fail(cause, HS_EINVAL, "it describes several images (container "
		    "components): give one SBOM per image");
	if (type != NULL && strcmp(type, "operating-system") == 0) {
		sbom_os(c, json_string_value(json_object_get(comp, "name")),
		    json_string_value(json_object_get(comp, "version")));
		return 0;
	}
	purl = json_string_value(json_object_get(comp, "purl"));
	if (purl != NULL && (r = sbom_package(c, purl, comp, cdx_location(comp),
	    NULL, NULL)) != 0)
		return fail(cause, r, "more than %d packages", SBOM_MAX_PACKAGES);
	kids = json_object_get(comp, "components");
	json_array_foreach(kids, i, kid) {
		if ((r = cdx_component(c, kid, depth + 1, cause)) != 0)
			return r;
	}
	return 0;
}

/* An SPDX package: an OS, the CONTAINER the document describes, or a package. */
static int
spdx_package(struct sbom_ctx *c, const json_t *p, char **cause)
{
	const json_t	*refs, *ref;
	const char	*purpose, *type, *loc, *cm, *sp, *sv = NULL, *n;
	char		*sn = NULL;
	size_t		 j;
	int		 r = 0;

	purpose = json_string_value(json_object_get(p, "primaryPackagePurpose"));
	/* JSON spells it with '_', tag-value and some writers with '-'. */
	if (purpose != NULL && (strcmp(purpose, "OPERATING_SYSTEM") == 0 ||
	    strcmp(purpose, "OPERATING-SYSTEM") == 0)) {
		sbom_os(c, json_string_value(json_object_get(p, "name")),
		    json_string_value(json_object_get(p, "versionInfo")));
		return 0;
	}
	n = json_string_value(json_object_get(p, "name"));
	if (purpose != NULL && strcmp(purpose, "CONTAINER") == 0) {
		if (++c->containers > 1)
			return fail(cause, HS_EINVAL, "it describes several images "
			    "(CONTAINER packages): give one SBOM per image");
		if (c->name == NULL && n != NULL && *n != '\0')
			c->name = xstrdup(n);
	}
	loc = json_string_value(json_object_get(p, "sourceInfo"));
	if (loc != NULL && str_starts(loc, "hullscan location: "))
		loc += strlen("hullscan location: ");
	else
		loc = NULL;
	/* hullscan's own comment: "source package NAME VERSION". */
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
		    "referenceLocator")), NULL, loc, sn, sv)) != 0)
			r = fail(cause, r, "more than %d packages", SBOM_MAX_PACKAGES);
		break;
	}
	free(sn);
	return r;
}

/*
 * The document streams through yajl: only one element of its "components"
 * (CycloneDX) or "packages" (SPDX) array, or metadata.component, is held at
 * a time, as a small jansson tree for the handlers above; the rest is
 * skipped as it passes. So an SBOM of any size is read in the memory its
 * largest component and the inventory take.
 */
#define SBOM_KEY_MAX	32	/* longer keys are none of those read here */
#define SBOM_CAPTURE_MAX 64	/* nesting inside one element */

enum sbom_list { LIST_NONE, LIST_COMPONENTS, LIST_PACKAGES, LIST_META };

struct sbom_stream {
	struct sbom_ctx	*c;
	int		 depth;			/* containers open outside a capture */
	char		 key[SBOM_KEY_MAX];	/* the pending key of the current map */
	char		 key2[SBOM_KEY_MAX];	/* the key of the depth-2 container */
	enum sbom_list	 list;			/* what the depth-2 container is */
	json_t		*cap[SBOM_CAPTURE_MAX];	/* the element being captured */
	int		 ncap;
	char		*cap_key;		/* pending key inside it */
	enum sbom_list	 cap_kind;
	char		*bom_format, *spec_version, *spdx_version;
	int		 rc;
	char		*cause;
};

static void
sbom_key_set(char *dst, const unsigned char *k, size_t len)
{
	if (len >= SBOM_KEY_MAX)
		len = 0;
	memcpy(dst, k, len);
	dst[len] = '\0';
}

static int
sb_stop(struct sbom_stream *sb, int rc, const char *why)
{
	if (sb->rc == 0) {
		sb->rc = rc;
		if (why != NULL)
			sb->cause = xstrdup(why);
	}
	return 0;	/* stops yajl */
}

/* A value inside a captured element: into its container. */
static int
sb_add(struct sbom_stream *sb, json_t *v)
{
	json_t	*top = sb->cap[sb->ncap - 1];

	if (json_is_array(top))
		json_array_append_new(top, v);
	else if (sb->cap_key != NULL) {
		json_object_set_new(top, sb->cap_key, v);
		free(sb->cap_key);
		sb->cap_key = NULL;
	} else
		json_decref(v);
	return 1;
}

/* A scalar: kept in a capture, or one of the root's strings, else passed. */
static int
sb_scalar(struct sbom_stream *sb, json_t *v)
{
	char	**dst = NULL;

	if (sb->ncap > 0)
		return sb_add(sb, v);
	if (sb->depth == 1 && json_is_string(v)) {
		if (strcmp(sb->key, "bomFormat") == 0)
			dst = &sb->bom_format;
		else if (strcmp(sb->key, "specVersion") == 0)
			dst = &sb->spec_version;
		else if (strcmp(sb->key, "spdxVersion") == 0)
			dst = &sb->spdx_version;
		if (dst != NULL && *dst == NULL)
			*dst = xstrdup(json_string_value(v));
	}
	json_decref(v);
	return 1;
}

static int
sb_null(void *ctx)
{
	return sb_scalar(ctx, json_null());
}

static int
sb_boolean(void *ctx, int b)
{
	return sb_scalar(ctx, json_boolean(b));
}

static int
sb_number(void *ctx, const char *s, size_t len)
{
	return sb_scalar(ctx, json_stringn(s, len));
}

static int
sb_string(void *ctx, const unsigned char *s, size_t len)
{
	json_t	*v = json_stringn((const char *)s, len);

	/* yajl checked the UTF-8; jansson refuses an embedded NUL: keep nothing. */
	return sb_scalar(ctx, v != NULL ? v : json_null());
}

static int
sb_map_key(void *ctx, const unsigned char *k, size_t len)
{
	struct sbom_stream	*sb = ctx;

	if (sb->ncap > 0) {
		free(sb->cap_key);
		sb->cap_key = xstrndup((const char *)k, len);
		if (memchr(k, '\0', len) != NULL) {
			free(sb->cap_key);
			sb->cap_key = NULL;
		}
	} else
		sbom_key_set(sb->key, k, len);
	return 1;
}

static int
sb_start(struct sbom_stream *sb, json_t *container)
{
	if (sb->ncap > 0) {
		if (sb->ncap == SBOM_CAPTURE_MAX) {
			json_decref(container);
			return sb_stop(sb, HS_EINVAL, "an element nested more than 64 deep");
		}
		sb_add(sb, json_incref(container));
		sb->cap[sb->ncap++] = container;
		json_decref(container);
		return 1;
	}
	sb->depth++;
	if (sb->depth == 2) {
		memcpy(sb->key2, sb->key, sizeof sb->key2);
		sb->list = LIST_NONE;
		if (json_is_array(container) && strcmp(sb->key, "components") == 0)
			sb->list = LIST_COMPONENTS;
		else if (json_is_array(container) && strcmp(sb->key, "packages") == 0)
			sb->list = LIST_PACKAGES;
		else if (json_is_object(container) && strcmp(sb->key, "metadata") == 0)
			sb->list = LIST_META;
		else if (strcmp(sb->key, "components") == 0 ||
		    strcmp(sb->key, "packages") == 0) {
			json_decref(container);
			return sb_stop(sb, HS_EINVAL, strcmp(sb->key, "packages") == 0 ?
			    "\"packages\" is not an array" :
			    "\"components\" is not an array");
		}
	}
	/* An element of a list, or metadata.component: captured whole. */
	if (sb->depth == 3 && json_is_object(container) &&
	    ((sb->list == LIST_COMPONENTS || sb->list == LIST_PACKAGES) ||
	    (sb->list == LIST_META && strcmp(sb->key, "component") == 0))) {
		sb->depth--;
		sb->cap[0] = container;
		sb->ncap = 1;
		sb->cap_kind = sb->list;
		return 1;
	}
	sb->key[0] = '\0';
	json_decref(container);
	return 1;
}

static int
sb_start_map(void *ctx)
{
	return sb_start(ctx, json_object());
}

static int
sb_start_array(void *ctx)
{
	return sb_start(ctx, json_array());
}

static int
sb_end(void *ctx)
{
	struct sbom_stream	*sb = ctx;
	json_t			*el;
	const char		*n;
	int			 r = 0;

	if (sb->ncap == 0) {
		if (sb->depth == 2)
			sb->list = LIST_NONE;
		sb->depth--;
		sb->key[0] = '\0';
		return 1;
	}
	if (--sb->ncap > 0)
		return 1;
	el = sb->cap[0];
	free(sb->cap_key);
	sb->cap_key = NULL;
	switch (sb->cap_kind) {
	case LIST_COMPONENTS:
		r = cdx_component(sb->c, el, 0, &sb->cause);
		break;
	case LIST_PACKAGES:
		r = spdx_package(sb->c, el, &sb->cause);
		break;
	case LIST_META:
		n = json_string_value(json_object_get(el, "name"));
		if (n != NULL && *n != '\0' && sb->c->name == NULL)
			sb->c->name = xstrdup(n);
		break;
	default:
		break;
	}
	json_decref(el);
	sb->cap[0] = NULL;
	if (r != 0) {
		sb->rc = r;
		return 0;
	}
	return 1;
}

static const yajl_callbacks sbom_callbacks = {
	.yajl_null = sb_null,
	.yajl_boolean = sb_boolean,
	.yajl_number = sb_number,
	.yajl_string = sb_string,
	.yajl_start_map = sb_start_map,
	.yajl_map_key = sb_map_key,
	.yajl_end_map = sb_end,
	.yajl_start_array = sb_start_array,
	.yajl_end_array = sb_end,
};

/* yajl's message, on one line. */
static char *
sbom_yajl_error(yajl_handle h, const unsigned char *buf, size_t len)
{
	unsigned char	*e = yajl_get_error(h, 0, buf, len);
	char		*s, *p;

	s = xstrdup(e != NULL ? (const char *)e : "parse error");
	yajl_free_error(h, e);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	}
	while (p > s && p[-1] == ' ')
		*--p = '\0';
	return s;
}

int
sbom_read(const char *path, struct inventory **out, char **name, char **cause)
{
	FILE	*f;
	int	 r;

	*out = NULL;
	*name = NULL;
	if ((f = fopen(path, "rb")) == NULL)
		return fail(cause, errno == ENOENT ? HS_ENOENT : HS_EIO, "%s",
		    strerror(errno));
	r = sbom_read_file(f, path, out, name, cause);
	fclose(f);
	return r;
}

int
sbom_read_file(FILE *f, const char *path, struct inventory **out, char **name,
    char **cause)
{
	struct sbom_ctx		 c;
	struct sbom_stream	 sb;
	unsigned char		 buf[65536];
	yajl_handle		 h = NULL;
	yajl_status		 st = yajl_status_ok;
	size_t			 n = 0;
	char			*e;
	int			 r = 0;

	*out = NULL;
	*name = NULL;
	memset(&c, 0, sizeof c);
	memset(&sb, 0, sizeof sb);
	c.path = path;
	c.inv = inventory_new();
	sb.c = &c;
	h = yajl_alloc(&sbom_callbacks, NULL, &sb);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if ((st = yajl_parse(h, buf, n)) != yajl_status_ok)
			break;
	}
	if (ferror(f)) {
		r = fail(cause, HS_EIO, "%s", strerror(errno));
		goto out;
	}
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (sb.rc != 0) {
		r = sb.rc;
		if (cause != NULL)
			*cause = sb.cause != NULL ? sb.cause : xstrdup("cannot be read");
		sb.cause = NULL;
		goto out;
	}
	if (st != yajl_status_ok) {
		e = sbom_yajl_error(h, buf, n);
		r = fail(cause, HS_EINVAL, "not JSON: %s", e);
		free(e);
		goto out;
	}
	if (sb.bom_format != NULL && strcmp(sb.bom_format, "CycloneDX") == 0) {
		/* 1.7 (cdxgen's default) keeps components as 1.4-1.6 have them. */
		if (sb.spec_version == NULL || (strcmp(sb.spec_version, "1.4") != 0 &&
		    strcmp(sb.spec_version, "1.5") != 0 &&
		    strcmp(sb.spec_version, "1.6") != 0 &&
		    strcmp(sb.spec_version, "1.7") != 0)) {
			r = fail(cause, HS_EINVAL, "CycloneDX specVersion %s: 1.4 to "
			    "1.7 are read", sb.spec_version != NULL ?
			    sb.spec_version : "missing");
			goto out;
		}
	} else if (sb.spdx_version != NULL) {
		if (strcmp(sb.spdx_version, "SPDX-2.2") != 0 &&
		    strcmp(sb.spdx_version, "SPDX-2.3") != 0) {
			r = fail(cause, HS_EINVAL, "spdxVersion %s: SPDX-2.2 or "
			    "SPDX-2.3 are read", sb.spdx_version);
			goto out;
		}
	} else {
		r = fail(cause, HS_EINVAL, "neither a CycloneDX nor an SPDX JSON "
		    "document");
		goto out;
	}
	sbom_os_from_distro(&c);
	if (c.inv->os.id != NULL)
		pkg_os_namespace(&c.inv->os);
	if (c.skipped != 0)
		log_debug("%s: %zu components without a purl hullscan matches", path,
		    c.skipped);
	inventory_sort(c.inv);
	*out = c.inv;
	c.inv = NULL;
	*name = c.name;
	c.name = NULL;
out:
	if (h != NULL)
		yajl_free(h);
	json_decref(sb.cap[0]);	/* a capture cut short: its tree hangs off cap[0] */
	free(sb.cap_key);
	free(sb.cause);
	free(sb.bom_format);
	free(sb.spec_version);
	free(sb.spdx_version);
	inventory_free(c.inv);
	free(c.name);
	free(c.distro);
	return r;
}
