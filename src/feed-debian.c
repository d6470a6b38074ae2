/* Debian security tracker JSON: {source: {CVE: {description, releases: {codename: …}}}}. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#define DEBIAN_LINK	"https://security-tracker.debian.org/tracker/"

/*
 * The tracker's urgency, with the "*" / "**" marks (urgency taken from
 * NVD, not set by the team) stripped. "unimportant" issues do affect the
 * package, Debian just will not fix them: like Grype and Trivy we keep them,
 * as Negligible, so a policy can show or ignore them. "not yet assigned" and
 * "end-of-life" say nothing of the impact: Unknown.
 */
static enum severity
debian_severity(const char *urgency)
{
	static const struct {
		const char	*name;
		enum severity	 sev;
	} map[] = {
		{ "unimportant", SEV_NEGLIGIBLE },
		{ "low", SEV_LOW },
		{ "medium", SEV_MEDIUM },
		{ "high", SEV_HIGH },
	};
	size_t	len, i;

	if (urgency == NULL)
		return SEV_UNKNOWN;
	len = strlen(urgency);
	while (len > 0 && urgency[len - 1] == '*')
		len--;
	for (i = 0; i < NELEM(map); i++) {
		if (strlen(map[i].name) == len &&
		    strncmp(map[i].name, urgency, len) == 0)
			return map[i].sev;
	}
	return SEV_UNKNOWN;
}

/* An optional string member: NULL when absent or null, HS_EINVAL when not a string. */
static int
debian_string(json_t *obj, const char *key, const char **out)
{
	json_t	*v;

	*out = NULL;
	if ((v = json_object_get(obj, key)) == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return HS_EINVAL;
	*out = json_string_value(v);
	return 0;
}

/*
 * One release of one CVE of one source package. What the tracker means:
 * "resolved" with fixed_version "0": never affected, no row; "resolved"
 * with a version: affected below it; "resolved" without a version tells
 * nothing we can compare, no row (Clair does the same); "open",
 * "undetermined" and any other status: affected, no fix (end-of-life
 * releases are "open" with urgency "end-of-life").
 */
static int
debian_release(struct vulndb *vdb, const char *feed, const char *pkg,
    const char *cve, const char *desc, const char *link, const char *codename,
    json_t *rel, int64_t *records, char **cause)
{
	struct advisory	 a;
	const char	*status, *fixed, *urgency;
	char		*ns;
	int		 rc;

	if (!json_is_object(rel)) {
		return fail(cause, HS_EINVAL, "%s: %s: release %s is not an object",
		    pkg, cve, codename);
	}
	if (debian_string(rel, "status", &status) != 0 || status == NULL) {
		return fail(cause, HS_EINVAL, "%s: %s: release %s: status is missing"
		    " or not a string", pkg, cve, codename);
	}
	if (debian_string(rel, "fixed_version", &fixed) != 0) {
		return fail(cause, HS_EINVAL, "%s: %s: release %s: fixed_version is"
		    " not a string", pkg, cve, codename);
	}
	if (debian_string(rel, "urgency", &urgency) != 0) {
		return fail(cause, HS_EINVAL, "%s: %s: release %s: urgency is not a"
		    " string", pkg, cve, codename);
	}

	memset(&a, 0, sizeof a);
	if (strcmp(status, "resolved") == 0) {
		if (fixed == NULL || *fixed == '\0' || strcmp(fixed, "0") == 0)
			return 0;
		a.fixed_version = fixed;
		a.status = "fixed";
	} else {
		a.fixed_version = NULL;
		a.status = "open";
	}
	ns = xasprintf("debian:%s", codename);
	a.namespace = ns;
	a.package = pkg;
	a.kind = PKG_SOURCE;
	a.ecosystem = ECO_DEB;
	a.vuln_id = cve;
	a.severity = debian_severity(urgency);
	a.source_severity = urgency;
	a.description = desc;
	a.link = link;
	rc = vulndb_add(vdb, feed, &a, cause);
	free(ns);
	if (rc == 0)
		(*records)++;
	return rc;
}

static int
debian_cve(struct vulndb *vdb, const char *feed, const char *pkg,
    const char *cve, json_t *info, int64_t *records, char **cause)
{
	json_t		*releases, *rel;
	const char	*desc, *codename;
	char		*link;
	int		 rc = 0;

	if (!json_is_object(info))
		return fail(cause, HS_EINVAL, "%s: %s: not an object", pkg, cve);
	if (*cve == '\0')
		return fail(cause, HS_EINVAL, "%s: empty vulnerability id", pkg);
	if (debian_string(info, "description", &desc) != 0) {
		return fail(cause, HS_EINVAL, "%s: %s: description is not a string",
		    pkg, cve);
	}
	releases = json_object_get(info, "releases");
	/* The tracker writes an empty list for "no release" (chromium-browser). */
	if (releases == NULL || json_is_null(releases) ||
	    (json_is_array(releases) && json_array_size(releases) == 0))
		return 0;
	if (!json_is_object(releases)) {
		return fail(cause, HS_EINVAL, "%s: %s: releases is not an object",
		    pkg, cve);
	}
	link = xasprintf(DEBIAN_LINK "%s", cve);
	json_object_foreach(releases, codename, rel) {
		if ((rc = debian_release(vdb, feed, pkg, cve, desc, link, codename,
		    rel, records, cause)) != 0)
			break;
	}
	free(link);
	return rc;
}

/* Skip JSON white space from *i; returns the next byte or -1 at the end. */
static int
debian_peek(const char *data, size_t len, size_t *i)
{
	while (*i < len && (data[*i] == ' ' || data[*i] == '\t' ||
	    data[*i] == '\n' || data[*i] == '\r'))
		(*i)++;
	return *i < len ? (unsigned char)data[*i] : -1;
}

/* Line and column (from 1) of byte off. */
static void
debian_where(const char *data, size_t off, size_t *line, size_t *col)
{
	size_t	i, start = 0;

	*line = 1;
	for (i = 0; i < off; i++) {
		if (data[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	*col = off - start + 1;
}

/* A syntax error at byte off, as jansson words them. */
static int
debian_syntax(const char *data, size_t len, size_t off, const char *what,
    char **cause)
{
	size_t	line, col;

	if (off >= len) {
		off = len;
		what = "premature end of input";
	}
	debian_where(data, off, &line, &col);
	return fail(cause, HS_EINVAL, "invalid JSON at line %zu column %zu: %s",
	    line, col, what);
}

/* Decode one JSON value at *pos (jansson does the parsing) and move past it. */
static json_t *
debian_value(const char *data, size_t len, size_t *pos, char **cause)
{
	json_error_t	 err;
	json_t		*v;

	memset(&err, 0, sizeof err);
	v = json_loadb(data + *pos, len - *pos,
	    JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &err);
	if (v == NULL) {
		/* jansson counts within the value: add where the value starts. */
		if (err.position < 0 || (size_t)err.position > len - *pos)
			err.position = 0;
		debian_syntax(data, len, *pos + err.position, err.text, cause);
		return NULL;
	}
	if (err.position <= 0 || (size_t)err.position > len - *pos) {
		json_decref(v);
		debian_syntax(data, len, *pos, "cannot tell where the value ends", cause);
		return NULL;
	}
	*pos += err.position;
	return v;
}

/*
 * The whole tracker is tens of MB and a tree of it several times that: read
 * the top-level object one source package at a time, each member decoded by
 * jansson, so memory holds one package and never the whole file.
 */
static int
debian_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	json_t		*key = NULL, *cves = NULL, *info;
	const char	*pkg, *cve;
	size_t		 pos = 0;
	int		 c, rc = 0;

	*records = 0;
	if (debian_peek(data, len, &pos) != '{') {
		return fail(cause, HS_EINVAL, "not a Debian tracker file: the top"
		    " level is not an object");
	}
	pos++;
	if (debian_peek(data, len, &pos) == '}')
		goto end;
	for (;;) {
		if (debian_peek(data, len, &pos) != '"') {
			rc = debian_syntax(data, len, pos, "a member name was expected",
			    cause);
			break;
		}
		if ((key = debian_value(data, len, &pos, cause)) == NULL) {
			rc = HS_EINVAL;
			break;
		}
		pkg = json_string_value(key);
		if (debian_peek(data, len, &pos) != ':') {
			rc = debian_syntax(data, len, pos, "':' was expected", cause);
			break;
		}
		pos++;
		debian_peek(data, len, &pos);
		if ((cves = debian_value(data, len, &pos, cause)) == NULL) {
			rc = HS_EINVAL;
			break;
		}
		if (!json_is_object(cves)) {
			rc = fail(cause, HS_EINVAL, "%s: not an object", pkg);
			break;
		}
		if (*pkg == '\0') {
			rc = fail(cause, HS_EINVAL, "empty source package name");
			break;
		}
		json_object_foreach(cves, cve, info) {
			if ((rc = debian_cve(vdb, feed, pkg, cve, info, records,
			    cause)) != 0)
				break;
		}
		if (rc != 0)
			break;
		json_decref(cves);
		json_decref(key);
		cves = key = NULL;

		c = debian_peek(data, len, &pos);
		if (c == ',') {
			pos++;
			continue;
		}
		if (c == '}')
			break;
		rc = debian_syntax(data, len, pos, "',' or '}' was expected", cause);
		break;
	}
	json_decref(cves);
	json_decref(key);
	if (rc != 0)
		return rc;
end:
	pos++;
	if (debian_peek(data, len, &pos) != -1)
		return debian_syntax(data, len, pos, "data after the end", cause);
	return 0;
}

/* Skip a JSON string at *i (which is at its quote); 0 when it ends in view. */
static int
debian_skip_string(const char *data, size_t len, size_t *i)
{
	for ((*i)++; *i < len; (*i)++) {
		if (data[*i] == '\\')
			(*i)++;
		else if (data[*i] == '"') {
			(*i)++;
			return 0;
		}
	}
	return -1;
}

/* {"source": {"CVE-…" or "TEMP-…": … in the first bytes. */
static int
debian_detect(const char *data, size_t len)
{
	size_t	i = 0;

	if (len > 4096)
		len = 4096;
	if (debian_peek(data, len, &i) != '{')
		return 0;
	i++;
	if (debian_peek(data, len, &i) != '"' || debian_skip_string(data, len, &i) != 0)
		return 0;
	if (debian_peek(data, len, &i) != ':')
		return 0;
	i++;
	if (debian_peek(data, len, &i) != '{')
		return 0;
	i++;
	if (debian_peek(data, len, &i) != '"')
		return 0;
	i++;
	return (len - i >= 4 && memcmp(data + i, "CVE-", 4) == 0) ||
	    (len - i >= 5 && memcmp(data + i, "TEMP-", 5) == 0);
}

const struct feed_format feed_format_debian_tracker = {
	.name = "debian-tracker",
	.detect = debian_detect,
	.import = debian_import,
};
