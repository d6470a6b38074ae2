/* One image through the whole pipeline: source, layers, analyzers, matcher. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "db.h"
#include "match.h"
#include "pkg.h"
#include "rootfs.h"
#include "sbom.h"
#include "scan.h"
#include "source.h"
#include "util.h"
#include "version.h"

/* Build the merged view: a root directory for dir:, else the layers in order. */
static int
scan_rootfs(const struct image *img, const struct source_options *opts,
    struct rootfs **out, char **cause)
{
	struct rootfs	*rfs;
	size_t		 i;

	rfs = rootfs_new();
	if (img->root_dir != NULL) {
		if (rootfs_load_dir(rfs, img->root_dir, opts->want, &opts->limits,
		    cause) != 0) {
			rootfs_free(rfs);
			return HS_ERR;
		}
	} else {
		for (i = 0; i < img->nlayers; i++) {
			if (img->layers[i].files != NULL)
				rootfs_apply(rfs, img->layers[i].files);
		}
	}
	*out = rfs;
	return 0;
}

/* Today in UTC as "YYYY-MM-DD"; HULLSCAN_TODAY (the same form) for tests. */
static void
scan_today(char out[11])
{
	const char	*env = getenv("HULLSCAN_TODAY");
	struct tm	 tm;
	time_t		 t = time(NULL);

	if (env != NULL && strlen(env) == 10 && env[4] == '-' && env[7] == '-') {
		memcpy(out, env, 11);
		return;
	}
	if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		memcpy(out, "0000-00-00", 11);
}

/* The release's end of support, and whether it has come. */
static void
scan_eol(struct vulndb *db, struct image_result *r)
{
	char	today[11];

	free(r->eol_date);
	free(r->eol_support);
	r->eol_date = r->eol_support = NULL;
	r->eol_reached = r->eol_fails = 0;
	if (r->inv == NULL || r->inv->os.namespace == NULL ||
	    vulndb_eol(db, r->inv->os.namespace, &r->eol_date,
	    &r->eol_support) != 1)
		return;
	scan_today(today);
	r->eol_reached = strcmp(r->eol_date, today) <= 0;
}

/* The inventory's own warning (files not read), then what coverage adds. */
static void
scan_warning(struct image_result *r, char *coverage)
{
	const char	*own = r->inv != NULL ? r->inv->warning : NULL;

	free(r->warning);
	if (own != NULL && coverage != NULL)
		r->warning = xasprintf("%s; %s", own, coverage);
	else if (own != NULL)
		r->warning = xstrdup(own);
	else
		r->warning = coverage != NULL ? xstrdup(coverage) : NULL;
	free(coverage);
}

/*
 * Whether the image's packages were all checked: the OS's against its
 * distribution's advisories, each ecosystem's language packages against
 * that ecosystem's. An image with language packages only (distroless,
 * scratch) needs no operating system.
 */
void
scan_coverage(struct vulndb *db, struct image_result *r)
{
	const struct inventory	*inv = r->inv;
	struct buf		 b;
	char			*names;
	size_t			 i, nos = 0, nlang[ECO_LAST + 1] = { 0 };
	int			 e;

	scan_eol(db, r);
	if (inv == NULL || inv->npkgs == 0) {
		scan_warning(r, NULL);
		return;
	}
	for (i = 0; i < inv->npkgs; i++) {
		e = inv->pkgs[i].ecosystem;
		if (ecosystem_is_lang(e))
			nlang[e]++;
		else
			nos++;
	}
	buf_init(&b);
	if (nos == 0)
		;
	else if (inv->os.namespace == NULL || *inv->os.namespace == '\0')
		buf_printf(&b, "operating system not recognised (%s): its %zu "
		    "packages were not checked", inv->os.id != NULL ? inv->os.id :
		    "no os-release", nos);
	else {
		if (match_covered(db, inv->os.namespace, &names) == 0)
			buf_printf(&b, "the vulnerability database holds no "
			    "advisories for %s: its %zu packages were not checked",
			    names, nos);
		free(names);
	}
	for (e = ECO_NPM; e <= ECO_LAST; e++) {
		if (nlang[e] == 0)
			continue;
		if (!version_has_order(e))
			buf_printf(&b, "%sno %s version order in this hullscan: its"
			    " %zu %s packages were not checked", b.len > 0 ? "; " :
			    "", ecosystem_name(e), nlang[e], ecosystem_name(e));
		else if (vulndb_has_namespace(db, ecosystem_name(e)) == 0)
			buf_printf(&b, "%sthe vulnerability database holds no "
			    "advisories for %s: its %zu %s packages were not checked",
			    b.len > 0 ? "; " : "", ecosystem_name(e), nlang[e],
			    ecosystem_name(e));
	}
	scan_warning(r, b.len > 0 ? buf_steal(&b) : NULL);
	buf_free(&b);
}

/* The reference's name with its tag or digest, as the history keys it. */
static char *
scan_tagged(const struct image_ref *ref)
{
	switch (ref->transport) {
	case TRANSPORT_DOCKER:
	case TRANSPORT_DOCKER_DAEMON:
		if (ref->reference == NULL || strcmp(ref->name, ref->text) == 0)
			return xstrdup(ref->name);
		return xasprintf("%s%s%s", ref->name, str_starts(ref->reference,
		    "sha256:") ? "@" : ":", ref->reference);
	case TRANSPORT_OCI:
	case TRANSPORT_OCI_ARCHIVE:
	case TRANSPORT_DOCKER_ARCHIVE:
		if (ref->tag != NULL)
			return xasprintf("%s:%s", ref->name, ref->tag);
		break;
	case TRANSPORT_DIR:
	case TRANSPORT_SBOM:
		break;
	}
	return xstrdup(ref->name);
}

/* Set r->name and r->tagged from ref when not known yet. */
static void
scan_names(struct image_result *r, const struct image_ref *ref)
{
	if (r->name == NULL)
		r->name = xstrdup(ref->name);
	if (r->tagged == NULL)
		r->tagged = scan_tagged(ref);
}

static int
scan_key_cmp(const void *va, const void *vb)
{
	const struct image_result	*a = *(const struct image_result *const *)va;
	const struct image_result	*b = *(const struct image_result *const *)vb;

	return strcmp(a->name, b->name);
}

void
scan_keys(struct run_result *rr)
{
	struct image_result	**v, *r;
	struct image_ref	 *ref;
	struct buf		  b;
	char			 *cause = NULL;
	size_t			  i, j, k, n = 0;

	v = xcalloc(rr->nimages + 1, sizeof *v);
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		if (r->name == NULL || r->tagged == NULL) {
			if (image_ref_parse(r->reference, &ref, &cause) == 0)
				scan_names(r, ref);
			image_ref_free(ref);
			free(cause);
			cause = NULL;
			if (r->name == NULL)
				r->name = xstrdup(r->reference);
			if (r->tagged == NULL)
				r->tagged = xstrdup(r->reference);
		}
		if (r->key_given && r->key != NULL)
			continue;
		r->key_given = 0;
		v[n++] = r;
	}
	qsort(v, n, sizeof *v, scan_key_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[j]->name, v[i]->name) == 0; j++)
			/* nothing */;
		for (k = i; k < j; k++) {
			free(v[k]->key);
			v[k]->key = xstrdup(j - i > 1 ? v[k]->tagged : v[k]->name);
		}
		if (j - i == 1)
			continue;
		buf_init(&b);
		for (k = i; k < j && k < i + 4; k++)
			buf_printf(&b, "%s%s", k > i ? ", " : "", v[k]->tagged);
		if (j - i > 4)
			buf_printf(&b, ", …");
		log_warn("%zu images of %s in this build (%s): each is compared with "
		    "earlier builds by name and tag; KEY=REF in the list gives a key "
		    "of your own", j - i, v[i]->name, b.data);
		buf_free(&b);
	}
	free(v);
}

int
scan_split_key(const char *text, char **key, char **ref, char **cause)
{
	const char	*eq;
	size_t		 n;

	*key = *ref = NULL;
	if ((eq = strchr(text, '=')) == NULL ||
	    (n = strcspn(text, ": \t")) < (size_t)(eq - text)) {
		*ref = xstrdup(text);
		return 0;
	}
	if (eq == text)
		return fail(cause, HS_EINVAL, "%s: empty key before '='", text);
	if (eq[1] == '\0')
		return fail(cause, HS_EINVAL, "%s: no image reference after '='", text);
	*key = xstrndup(text, eq - text);
	*ref = xstrdup(eq + 1);
	return 0;
}

int
scan_image(const struct image_ref *ref, const struct source_options *opts,
    struct vulndb *db, struct image_result *r)
{
	struct image		*img = NULL;
	struct rootfs		*rfs = NULL;
	struct inventory	*inv = NULL;
	char			*cause = NULL;
	double			 start = now_mono();
	char			*name = NULL;
	int			 rc;

	free(r->name);
	r->name = NULL;
	free(r->tagged);
	r->tagged = NULL;
	if (ref->transport == TRANSPORT_SBOM) {
		/* An SBOM is an inventory already: no layers, no analyzers. */
		if ((rc = sbom_read(ref->path, &inv, &name, &cause)) != 0)
			goto out;
		/* Its subject is the image: the history compares the two. */
		if (name != NULL) {
			r->name = name;
			r->tagged = xstrdup(name);
			name = NULL;
		}
		scan_names(r, ref);
	} else {
		scan_names(r, ref);
		if ((rc = source_read(ref, opts, &img, &cause)) != 0)
			goto out;
		if (img->manifest_digest != NULL) {
			free(r->digest);
			r->digest = xstrdup(img->manifest_digest);
		}
		if ((rc = scan_rootfs(img, opts, &rfs, &cause)) != 0)
			goto out;
		if ((rc = pkg_analyze(rfs, &inv, &cause)) != 0)
			goto out;
	}
	if (db != NULL) {
		if ((rc = match_inventory(db, inv, &r->findings, &cause)) != 0)
			goto out;
		finding_list_sort(&r->findings);
	}
	r->inv = inv;
	inv = NULL;
	if (db != NULL)
		scan_coverage(db, r);
	else
		scan_warning(r, NULL);
out:
	if (rc != 0) {
		free(r->error);
		r->error = cause != NULL ? cause : xstrdup("scan failed");
		cause = NULL;
	}
	r->seconds = now_mono() - start;
	free(cause);
	inventory_free(inv);
	rootfs_free(rfs);
	image_free(img);
	return rc;
}

size_t
scan_parse_refs(char *const *refs, size_t n, struct image_ref ***parsed)
{
	struct image_ref	**v;
	char			 *cause = NULL;
	size_t			  i, bad = 0;

	v = xcalloc(n > 0 ? n : 1, sizeof *v);
	for (i = 0; i < n; i++) {
		if (image_ref_parse(refs[i], &v[i], &cause) != 0) {
			log_error("%s", cause);
			free(cause);
			cause = NULL;
			bad++;
			continue;
		}
		if (v[i]->bare_path)
			log_info("%s: an existing %s: read as %s%s", refs[i],
			    v[i]->transport == TRANSPORT_DIR ? "directory" :
			    v[i]->transport == TRANSPORT_OCI ? "OCI layout" : "archive",
			    transport_name(v[i]->transport), v[i]->path);
	}
	*parsed = v;
	return bad;
}

void
scan_refs_free(struct image_ref **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		image_ref_free(v[i]);
	free(v);
}
