/*
 * VMware's Photon OS CVE data: cve_data_photonN.0.json, one JSON array per
 * release of {cve_id, pkg, cve_score, aff_ver, res_ver, status}.
 *
 * What a row is: one per entry, for the binary package it names (Photon
 * lists subpackages: curl and curl-libs, linux and linux-esx), fixed at
 * res_ver. A res_ver of "NA", "None" or nothing is no fix: an open row,
 * unless the status is "Not Affected" (no row). aff_ver is English ("all
 * versions before 2.7.6-2.ph3 are vulnerable") and says nothing res_ver
 * does not: not read. Severity from cve_score as CVSS v3 bands (9.0
 * Critical, 7.0 High, 4.0 Medium, above 0 Low). The array does not say
 * which release it is: the distribution tag of its fixed versions does
 * (".ph4" is "photon:4.0"), else the file's name (cve_data_photon4.0.json).
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

#define PHOTON_MAX_RELEASE	99

static int
photon_no_fix(const char *v)
{
	return v == NULL || *v == '\0' || strcasecmp(v, "NA") == 0 ||
	    strcasecmp(v, "None") == 0 || strcasecmp(v, "N/A") == 0;
}

/* "7.88.1-4.ph4" → 4; 0 when the release carries no .phN tag. */
static int
photon_tag(const char *v)
{
	const char	*rel, *p;
	size_t		 n;
	int		 found = 0;

	if (v == NULL || (rel = strrchr(v, '-')) == NULL)
		return 0;
	for (p = rel; (p = strstr(p, ".ph")) != NULL; p += 3) {
		n = strspn(p + 3, "0123456789");
		if (n == 0 || n > 2 || (p[3 + n] != '\0' && p[3 + n] != '.'))
			continue;
		found = atoi(p + 3);
	}
	return found <= PHOTON_MAX_RELEASE ? found : 0;
}

/* "cve_data_photon4.0.json", "photon-4.0": 4; 0 when the name says none. */
static int
photon_name_release(const char *name)
{
	const char	*p, *q;
	size_t		 n;

	for (p = name; (p = strstr(p, "photon")) != NULL; p += 6) {
		q = p + 6;
		if (*q == '-' || *q == '_')
			q++;
		n = strspn(q, "0123456789");
		if (n > 0 && n <= 2 && q[n] == '.')
			return atoi(q);
	}
	return 0;
}

static enum severity
photon_severity(double score)
{
	if (score >= 9.0)
		return SEV_CRITICAL;
	if (score >= 7.0)
		return SEV_HIGH;
	if (score >= 4.0)
		return SEV_MEDIUM;
	if (score > 0.0)
		return SEV_LOW;
	return SEV_UNKNOWN;
}

static int
photon_word(const char *s)
{
	return s != NULL && *s != '\0' && strpbrk(s, " \t\r\n") == NULL;
}

static int
photon_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	json_t		*root, *e, *score;
	json_error_t	 err;
	struct advisory	 a;
	const char	*id, *pkg, *fix, *status;
	char		*ns = NULL, *link = NULL, raw[32];
	int		 votes[PHOTON_MAX_RELEASE + 1], best = 0, tag, rc = 0;
	int64_t		 skipped = 0, unaffected = 0;
	size_t		 i;

	*records = 0;
	if ((root = json_loadb(data, len, 0, &err)) == NULL)
		return fail(cause, HS_EINVAL, "line %d column %d: %s", err.line,
		    err.column, err.text);
	if (!json_is_array(root)) {
		rc = fail(cause, HS_EINVAL, "not Photon CVE data (not a JSON array)");
		goto out;
	}
	memset(votes, 0, sizeof votes);
	json_array_foreach(root, i, e) {
		fix = json_string_value(json_object_get(e, "res_ver"));
		if ((tag = photon_tag(fix)) > 0 && ++votes[tag] > votes[best])
			best = tag;
	}
	if (best == 0 && (best = photon_name_release(feed)) == 0) {
		rc = fail(cause, HS_EINVAL, "Photon CVE data: no .phN tag in any fixed"
		    " version and no release in the feed's name: which release it"
		    " covers is unknown");
		goto out;
	}
	ns = xasprintf("photon:%d.0", best);
	json_array_foreach(root, i, e) {
		if (!json_is_object(e)) {
			rc = fail(cause, HS_EINVAL, "entry %zu: not an object", i);
			goto out;
		}
		id = json_string_value(json_object_get(e, "cve_id"));
		pkg = json_string_value(json_object_get(e, "pkg"));
		fix = json_string_value(json_object_get(e, "res_ver"));
		status = json_string_value(json_object_get(e, "status"));
		if (!photon_word(id) || !photon_word(pkg) ||
		    (!photon_no_fix(fix) && !photon_word(fix))) {
			skipped++;
			continue;
		}
		if (status != NULL && strcasecmp(status, "Not Affected") == 0) {
			unaffected++;
			continue;
		}
		memset(&a, 0, sizeof a);
		a.namespace = ns;
		a.package = pkg;
		a.kind = PKG_BINARY;
		a.ecosystem = ECO_RPM;
		a.vuln_id = id;
		a.fixed_version = photon_no_fix(fix) ? NULL : fix;
		a.status = a.fixed_version != NULL ? "fixed" : "open";
		score = json_object_get(e, "cve_score");
		raw[0] = '\0';
		if (json_is_number(score)) {
			a.severity = photon_severity(json_number_value(score));
			snprintf(raw, sizeof raw, "%.1f", json_number_value(score));
			a.source_severity = raw;
		}
		free(link);
		link = str_starts(id, "CVE-") ? xasprintf("https://www.cve.org/"
		    "CVERecord?id=%s", id) : NULL;
		a.link = link;
		if ((rc = vulndb_add(vdb, feed, &a, cause)) != 0)
			goto out;
		(*records)++;
	}
	log_debug("%s: %s, %zu entries, %lld rows; skipped %lld not affected,"
	    " %lld malformed", feed, ns, json_array_size(root), (long long)*records,
	    (long long)unaffected, (long long)skipped);
out:
	free(ns);
	free(link);
	json_decref(root);
	return rc;
}

/* A JSON array whose first entry has cve_id, pkg and res_ver. */
static int
photon_detect(const char *data, size_t len)
{
	size_t	i = 0, n = len < 4096 ? len : 4096;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
	    data[i] == '\r'))
		i++;
	if (i == len || data[i] != '[')
		return 0;
	return memmem(data, n, "\"cve_id\"", 8) != NULL &&
	    memmem(data, n, "\"pkg\"", 5) != NULL &&
	    memmem(data, n, "\"res_ver\"", 9) != NULL;
}

const struct feed_format feed_format_photon = {
	.name = "photon",
	.detect = photon_detect,
	.import = photon_import,
};
