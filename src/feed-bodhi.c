/*
 * Fedora's security updates as Bodhi, its update system, serves them: one
 * update record, a JSON array of them, or a page of Bodhi's API
 * (/updates/?type=security&status=stable: {"updates": [...], ...}).
 *
 * What a row is: one per (CVE, build) of a stable security update of a
 * Fedora release ("release": {"id_prefix": "FEDORA", "version": "36"} is
 * "fedora:36"), fixed at the build's E:V-R. A Bodhi build is a Koji build of
 * a source package ("httpd-2.4.55-1.fc36" builds httpd, httpd-tools,
 * mod_ssl …): rows name source packages. The CVEs are those the update's
 * security bugs are titled with ("CVE-2022-37436 httpd: …"); an update
 * naming none is one row under its own id. EPEL, Flatpak and container
 * updates (other id prefixes) are not Fedora's packages and are skipped, as
 * are updates not yet stable and module builds.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#define BODHI_MAX_CVES	1024	/* distinct CVEs of one update */

struct bodhi_stats {
	int64_t	updates;
	int64_t	other;		/* not a stable security update of Fedora */
	int64_t	builds_skipped;
};

static enum severity
bodhi_severity(const char *s)
{
	static const struct {
		const char	*word;
		enum severity	 sev;
	} map[] = {
		{ "low", SEV_LOW },
		{ "medium", SEV_MEDIUM },
		{ "high", SEV_HIGH },
		{ "urgent", SEV_CRITICAL },
	};
	size_t	i;

	for (i = 0; s != NULL && i < NELEM(map); i++) {
		if (strcasecmp(s, map[i].word) == 0)
			return map[i].sev;
	}
	return SEV_UNKNOWN;
}

/* "CVE-2022-37436 httpd: …" → "CVE-2022-37436"; NULL if the title opens otherwise. */
static char *
bodhi_cve(const char *title)
{
	size_t	n, m;

	if (title == NULL || strncmp(title, "CVE-", 4) != 0)
		return NULL;
	n = strspn(title + 4, "0123456789");
	if (n != 4 || title[8] != '-')
		return NULL;
	m = strspn(title + 9, "0123456789");
	if (m < 4 || m > 12 || (title[9 + m] != '\0' && title[9 + m] != ' ' &&
	    title[9 + m] != ':' && title[9 + m] != ','))
		return NULL;
	return xstrndup(title, 9 + m);
}

/* "httpd-2.4.55-1.fc36" and an epoch → name and "0:2.4.55-1.fc36". */
static int
bodhi_nvr(const char *nvr, json_t *epoch, char **name, char **evr)
{
	const char	*rel, *ver;
	long long	 e = 0;

	*name = *evr = NULL;
	if (nvr == NULL || strpbrk(nvr, " \t\r\n:") != NULL ||
	    (rel = strrchr(nvr, '-')) == NULL || rel == nvr)
		return -1;
	for (ver = rel - 1; ver > nvr && *ver != '-'; ver--)
		/* nothing */;
	if (ver == nvr || ver + 1 == rel || rel[1] == '\0')
		return -1;
	if (json_is_integer(epoch))
		e = json_integer_value(epoch);
	else if (json_is_string(epoch) && *json_string_value(epoch) != '\0') {
		if (strspn(json_string_value(epoch), "0123456789") !=
		    strlen(json_string_value(epoch)))
			return -1;
		e = atoll(json_string_value(epoch));
	}
	if (e < 0 || e > 0x7fffffff)
		return -1;
	*name = xstrndup(nvr, ver - nvr);
	*evr = xasprintf("%lld:%s", e, ver + 1);
	return 0;
}

static int
bodhi_update(struct vulndb *vdb, const char *feed, json_t *u,
    struct bodhi_stats *st, int64_t *records, char **cause)
{
	json_t		*rel, *bugs, *b, *builds, *bd;
	struct advisory	 a;
	const char	*alias, *type, *status, *prefix, *version, *type_b, *title;
	char		*cves[BODHI_MAX_CVES], *cve, *ns = NULL, *desc = NULL;
	char		*name, *evr;
	size_t		 i, j, ncves = 0;
	int		 rc = 0;

	st->updates++;
	if (!json_is_object(u))
		return fail(cause, HS_EINVAL, "update %lld: not an object",
		    (long long)st->updates);
	alias = json_string_value(json_object_get(u, "alias"));
	type = json_string_value(json_object_get(u, "type"));
	status = json_string_value(json_object_get(u, "status"));
	rel = json_object_get(u, "release");
	prefix = json_string_value(json_object_get(rel, "id_prefix"));
	version = json_string_value(json_object_get(rel, "version"));
	if (alias == NULL || *alias == '\0' || strpbrk(alias, " \t\r\n") != NULL)
		return fail(cause, HS_EINVAL, "update %lld: no alias",
		    (long long)st->updates);
	if (type == NULL || strcmp(type, "security") != 0 || status == NULL ||
	    strcmp(status, "stable") != 0 || prefix == NULL ||
	    strcmp(prefix, "FEDORA") != 0 || version == NULL || *version == '\0' ||
	    strspn(version, "0123456789") != strlen(version)) {
		st->other++;
		return 0;
	}
	ns = xasprintf("fedora:%s", version);

	bugs = json_object_get(u, "bugs");
	json_array_foreach(bugs, i, b) {
		if (json_is_false(json_object_get(b, "security")) ||
		    (cve = bodhi_cve(json_string_value(json_object_get(b,
		    "title")))) == NULL)
			continue;
		for (j = 0; j < ncves && strcmp(cves[j], cve) != 0; j++)
			/* nothing */;
		if (j < ncves || ncves == BODHI_MAX_CVES) {
			free(cve);
			continue;
		}
		cves[ncves++] = cve;
	}
	if (ncves == 0)
		cves[ncves++] = xstrdup(alias);
	title = json_string_value(json_object_get(u, "title"));
	desc = xasprintf("%s%s%s", alias, title != NULL ? ": " : "",
	    title != NULL ? title : "");

	memset(&a, 0, sizeof a);
	a.namespace = ns;
	a.kind = PKG_SOURCE;
	a.ecosystem = ECO_RPM;
	a.status = "fixed";
	a.source_severity = json_string_value(json_object_get(u, "severity"));
	a.severity = bodhi_severity(a.source_severity);
	a.description = desc;
	a.link = json_string_value(json_object_get(u, "url"));
	builds = json_object_get(u, "builds");
	json_array_foreach(builds, i, bd) {
		type_b = json_string_value(json_object_get(bd, "type"));
		if ((type_b != NULL && strcmp(type_b, "rpm") != 0) ||
		    bodhi_nvr(json_string_value(json_object_get(bd, "nvr")),
		    json_object_get(bd, "epoch"), &name, &evr) != 0) {
			st->builds_skipped++;
			continue;
		}
		a.package = name;
		a.fixed_version = evr;
		for (j = 0; j < ncves && rc == 0; j++) {
			a.vuln_id = cves[j];
			if ((rc = vulndb_add(vdb, feed, &a, cause)) == 0)
				(*records)++;
		}
		free(name);
		free(evr);
		if (rc != 0)
			break;
	}
	for (j = 0; j < ncves; j++)
		free(cves[j]);
	free(ns);
	free(desc);
	return rc;
}

static int
bodhi_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	struct bodhi_stats	 st;
	json_t			*root, *list, *u;
	json_error_t		 err;
	size_t			 i;
	int			 rc = 0;

	*records = 0;
	memset(&st, 0, sizeof st);
	if ((root = json_loadb(data, len, 0, &err)) == NULL)
		return fail(cause, HS_EINVAL, "line %d column %d: %s", err.line,
		    err.column, err.text);
	if (json_is_array(root))
		list = root;
	else if (json_is_array(json_object_get(root, "updates")))
		list = json_object_get(root, "updates");
	else if (json_is_object(root) && json_object_get(root, "alias") != NULL) {
		rc = bodhi_update(vdb, feed, root, &st, records, cause);
		goto done;
	} else {
		rc = fail(cause, HS_EINVAL, "not Bodhi updates (no update, array or"
		    " \"updates\")");
		goto out;
	}
	json_array_foreach(list, i, u) {
		if ((rc = bodhi_update(vdb, feed, u, &st, records, cause)) != 0)
			goto out;
	}
done:
	if (rc == 0)
		log_debug("%s: %lld updates, %lld rows; skipped %lld not stable"
		    " Fedora security updates, %lld builds", feed,
		    (long long)st.updates, (long long)*records, (long long)st.other,
		    (long long)st.builds_skipped);
out:
	json_decref(root);
	return rc;
}

/* Bodhi's own keys near the start: an update's "alias" with its "builds". */
static int
bodhi_detect(const char *data, size_t len)
{
	size_t	i = 0, n = len < 65536 ? len : 65536;

	while (i < len && isspace((unsigned char)data[i]))
		i++;
	if (i == len || (data[i] != '{' && data[i] != '['))
		return 0;
	return memmem(data, n, "\"alias\"", 7) != NULL &&
	    memmem(data, n, "\"builds\"", 8) != NULL &&
	    memmem(data, n, "\"nvr\"", 5) != NULL;
}

const struct feed_format feed_format_bodhi = {
	.name = "bodhi",
	.detect = bodhi_detect,
	.import = bodhi_import,
};
