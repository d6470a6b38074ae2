/* Alpine secdb JSON (also Wolfi's and Chainguard's): packages[].pkg.secfixes{version: [ids]}. */
#include "config.h"

#include <ctype.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#define SECDB_MAX_IDS	64	/* ids read out of one secfixes string */
#define SECDB_ID_MAX	64	/* longest id kept */
#define SECDB_MAX_SEEN	256	/* distinct ids of one secfixes version */

/*
 * The namespace a secdb file speaks for: "alpine:v3.10" from distroversion;
 * Wolfi and Chainguard have no releases and no distroversion, we tell them
 * by their package URL: "wolfi:rolling", "chainguard:rolling".
 */
static char *
secdb_namespace(json_t *root)
{
	const char	*dv, *url, *repo;

	dv = json_string_value(json_object_get(root, "distroversion"));
	url = json_string_value(json_object_get(root, "urlprefix"));
	repo = json_string_value(json_object_get(root, "reponame"));
	if (dv != NULL && *dv != '\0')
		return xasprintf("alpine:%s", dv);
	if (url != NULL && strstr(url, "wolfi.dev") != NULL)
		return xstrdup("wolfi:rolling");
	if ((url != NULL && strstr(url, "cgr.dev") != NULL) ||
	    (repo != NULL && strcmp(repo, "chainguard") == 0))
		return xstrdup("chainguard:rolling");
	return NULL;
}

static int
secdb_isdigits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return n > 0;
}

/*
 * A CVE id at p: "CVE-2019-1234", also "CVE_2019-1234" and "CVE 2019-1234"
 * as some secdb entries spell it; anything after the number ("-1",
 * ".patch") is dropped. Writes "CVE-YYYY-N…" into out and returns the bytes
 * read, 0 when p holds none.
 */
static size_t
secdb_cve(const char *p, const char *end, char *out, size_t outsz)
{
	const char	*q;
	size_t		 n;

	if (end - p < 13 || strncasecmp(p, "CVE", 3) != 0 ||
	    (p[3] != '-' && p[3] != '_' && p[3] != ' '))
		return 0;
	q = p + 4;
	if (!secdb_isdigits(q, 4) || q[4] != '-')
		return 0;
	for (n = 0; q + 5 + n < end && isdigit((unsigned char)q[5 + n]); n++)
		;
	if (n < 4 || 9 + n >= outsz)
		return 0;
	snprintf(out, outsz, "CVE-%.4s-%.*s", q, (int)n, q + 5);
	return 9 + n;
}

/* Another advisory id as a whole word: "XSA-207", "ZBX-11023", "wnpa-sec-2017-18". */
static int
secdb_other_id(const char *p, size_t n)
{
	size_t	i;
	int	dash = 0, digit = 0;

	if (n == 0 || n >= SECDB_ID_MAX || !isalpha((unsigned char)p[0]) ||
	    p[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '-') {
			if (p[i - 1] == '-')
				return 0;
			dash = 1;
		} else if (isdigit((unsigned char)p[i]))
			digit = 1;
		else if (!isalpha((unsigned char)p[i]))
			return 0;
	}
	return dash && digit;
}

/*
 * The ids one secfixes string names. Most are a bare CVE id; some add words
 * ("CVE-2018-14468 (FrameRelay)", "CVE-2016-6258 XSA-182"), list several
 * CVEs with a Xen advisory, or name only a Xen/Zabbix/Wireshark advisory.
 * Every CVE in the string counts; without any, the first other id does;
 * placeholders ("CVE-????-?????") do not.
 */
static size_t
secdb_ids(const char *s, char ids[][SECDB_ID_MAX], size_t max)
{
	const char	*p, *end, *w;
	char		 other[SECDB_ID_MAX] = "";
	size_t		 n = 0, used, len, i;

	end = s + strlen(s);
	for (p = s; p < end && n < max;) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if ((used = secdb_cve(p, end, ids[n], SECDB_ID_MAX)) != 0) {
			for (i = 0; i < n; i++) {
				if (strcmp(ids[i], ids[n]) == 0)
					break;
			}
			if (i == n)
				n++;
			p += used;
			while (p < end && !isspace((unsigned char)*p))
				p++;
			continue;
		}
		for (w = p; p < end && !isspace((unsigned char)*p); p++)
			;
		len = p - w;
		if (*other == '\0' && secdb_other_id(w, len))
			snprintf(other, sizeof other, "%.*s", (int)len, w);
	}
	if (n == 0 && *other != '\0')
		snprintf(ids[n++], SECDB_ID_MAX, "%s", other);
	return n;
}

static int
secdb_fixes(struct vulndb *vdb, const char *feed, const char *ns,
    const char *pkg, const char *version, json_t *list, int64_t *records,
    char **cause)
{
	struct advisory	 a;
	json_t		*item;
	const char	*s;
	char		 ids[SECDB_MAX_IDS][SECDB_ID_MAX], seen[SECDB_MAX_SEEN][SECDB_ID_MAX];
	char		*link;
	size_t		 i, j, k, n, nseen = 0;
	int		 rc;

	/* An empty list is written as null (v3.6 heimdal 7.4.0-r0). */
	if (json_is_null(list))
		return 0;
	if (!json_is_array(list)) {
		return fail(cause, HS_EINVAL, "%s: secfixes %s is not a list", pkg,
		    version);
	}
	if (*version == '\0')
		return fail(cause, HS_EINVAL, "%s: empty secfixes version", pkg);
	/* "0": the package was never affected in this branch: nothing to match. */
	if (strcmp(version, "0") == 0)
		return 0;

	json_array_foreach(list, i, item) {
		if (!json_is_string(item)) {
			return fail(cause, HS_EINVAL, "%s: secfixes %s: entry %zu is"
			    " not a string", pkg, version, i);
		}
		s = json_string_value(item);
		n = secdb_ids(s, ids, SECDB_MAX_IDS);
		if (n == 0)
			log_debug("%s: %s: no advisory id in \"%s\"", pkg, version, s);
		for (j = 0; j < n; j++) {
			/* "CVE-2017-17434-1" and "-2": one row per id and version. */
			for (k = 0; k < nseen; k++) {
				if (strcmp(seen[k], ids[j]) == 0)
					break;
			}
			if (k < nseen)
				continue;
			if (nseen < SECDB_MAX_SEEN)
				memcpy(seen[nseen++], ids[j], SECDB_ID_MAX);

			memset(&a, 0, sizeof a);
			a.namespace = ns;
			a.package = pkg;
			a.kind = PKG_SOURCE;
			a.ecosystem = ECO_APK;
			a.vuln_id = ids[j];
			a.fixed_version = version;
			a.status = "fixed";
			a.severity = SEV_UNKNOWN;
			link = NULL;
			if (strncmp(ids[j], "CVE-", 4) == 0) {
				link = str_starts(ns, "alpine:") ?
				    xasprintf("https://security.alpinelinux.org/vuln/%s",
				    ids[j]) :
				    xasprintf("https://nvd.nist.gov/vuln/detail/%s", ids[j]);
			}
			a.link = link;
			rc = vulndb_add(vdb, feed, &a, cause);
			free(link);
			if (rc != 0)
				return rc;
			(*records)++;
		}
	}
	return 0;
}

static int
secdb_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	json_t		*root, *pkgs, *p, *pkg, *fixes, *list;
	json_error_t	 err;
	const char	*name, *version;
	char		*ns = NULL;
	size_t		 i;
	int		 rc = 0;

	*records = 0;
	if ((root = json_loadb(data, len, 0, &err)) == NULL) {
		return fail(cause, HS_EINVAL, "invalid JSON at line %d column %d: %s",
		    err.line, err.column, err.text);
	}
	if (!json_is_object(root)) {
		rc = fail(cause, HS_EINVAL, "not a secdb file: the top level is not"
		    " an object");
		goto out;
	}
	if ((ns = secdb_namespace(root)) == NULL) {
		rc = fail(cause, HS_EINVAL, "no distroversion, and urlprefix names"
		    " no distribution hullscan knows");
		goto out;
	}
	pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs)) {
		rc = fail(cause, HS_EINVAL, "packages is not a list");
		goto out;
	}
	json_array_foreach(pkgs, i, p) {
		if (!json_is_object(p) || !json_is_object(pkg = json_object_get(p, "pkg"))) {
			rc = fail(cause, HS_EINVAL, "packages[%zu]: pkg is not an object", i);
			goto out;
		}
		name = json_string_value(json_object_get(pkg, "name"));
		if (name == NULL || *name == '\0') {
			rc = fail(cause, HS_EINVAL, "packages[%zu]: pkg.name is missing", i);
			goto out;
		}
		fixes = json_object_get(pkg, "secfixes");
		if (fixes == NULL || json_is_null(fixes))
			continue;
		if (!json_is_object(fixes)) {
			rc = fail(cause, HS_EINVAL, "%s: secfixes is not an object", name);
			goto out;
		}
		json_object_foreach(fixes, version, list) {
			if ((rc = secdb_fixes(vdb, feed, ns, name, version, list,
			    records, cause)) != 0)
				goto out;
		}
	}
out:
	free(ns);
	json_decref(root);
	return rc;
}

/* Alpine's files share base names: name the feed by release and repository. */
static char *
secdb_feed_name(const char *data, size_t len)
{
	json_t		*root;
	const char	*dv, *repo;
	char		*ns, *name = NULL;

	if ((root = json_loadb(data, len, 0, NULL)) == NULL)
		return NULL;
	dv = json_string_value(json_object_get(root, "distroversion"));
	repo = json_string_value(json_object_get(root, "reponame"));
	if (dv != NULL && *dv != '\0')
		name = xasprintf("alpine-secdb:%s/%s", dv, repo != NULL ? repo : "main");
	else if ((ns = secdb_namespace(root)) != NULL) {
		*strchr(ns, ':') = '\0';
		name = xasprintf("%s-secdb", ns);
		free(ns);
	}
	json_decref(root);
	return name;
}

static int
secdb_detect(const char *data, size_t len)
{
	size_t	i;

	if (len > 4096)
		len = 4096;
	for (i = 0; i < len && isspace((unsigned char)data[i]); i++)
		;
	if (i == len || data[i] != '{')
		return 0;
	return memmem(data, len, "\"packages\"", 10) != NULL &&
	    (memmem(data, len, "\"apkurl\"", 8) != NULL ||
	    memmem(data, len, "\"distroversion\"", 15) != NULL ||
	    memmem(data, len, "\"secfixes\"", 10) != NULL);
}

const struct feed_format feed_format_alpine_secdb = {
	.name = "alpine-secdb",
	.detect = secdb_detect,
	.import = secdb_import,
	.feed_name = secdb_feed_name,
};
