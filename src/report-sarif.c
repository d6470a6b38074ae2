/* The SARIF 2.1.0 report for Warnings NG and code scanning: a rule per vulnerability, a result per finding. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "util.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_FINGERPRINT "hullscan/image-vulnerability-package/v1"

/* A JSON string of s made valid UTF-8 (jansson refuses anything else); null for NULL. */
static json_t *
sarif_str(const char *s)
{
	json_t	*j;
	char	*clean;

	if (s == NULL)
		return json_null();
	clean = report_xml_clean(s);
	j = json_string(clean);
	free(clean);
	return j != NULL ? j : json_string("");
}

static json_t *
sarif_text(const char *s)
{
	return json_pack("{s:o}", "text", sarif_str(s));
}

static const char *
sarif_level(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
	case SEV_HIGH:
		return "error";
	case SEV_MEDIUM:
	case SEV_UNKNOWN:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub code scanning reads a CVSS-like score from rule properties. */
static const char *
sarif_score(enum severity s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "9.5";
	case SEV_HIGH:
		return "8.0";
	case SEV_MEDIUM:
		return "5.5";
	case SEV_LOW:
		return "3.0";
	case SEV_NEGLIGIBLE:
		return "0.5";
	default:
		return "5.0";
	}
}

static int
sarif_link_ok(const char *s)
{
	return s != NULL && (str_starts(s, "https://") || str_starts(s, "http://"));
}

/* An image name as a URI reference: anything outside RFC 3986's characters is %-escaped. */
static char *
sarif_uri(const char *s)
{
	static const char	 safe[] = "-._~:/?#[]@!$&'()*+,;=";
	struct buf		 b;
	unsigned char		 c;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(safe, c) != NULL)
			buf_add(&b, s, 1);
		else
			buf_printf(&b, "%%%02X", c);
	}
	return buf_steal(&b);
}

static const char *
sarif_image_name(const struct image_result *r)
{
	return r->name != NULL && *r->name != '\0' ? r->name : r->reference;
}

struct sarif_rule {
	const char		*id;
	const struct finding	*f;	/* the worst finding of this id */
};

static int
sarif_rule_cmp(const void *va, const void *vb)
{
	const struct sarif_rule	*a = va, *b = vb;

	return strcmp(a->id, b->id);
}

static size_t
sarif_rule_find(const struct sarif_rule *rules, size_t n, const char *id)
{
	struct sarif_rule	 key = { id, NULL }, *r;

	r = bsearch(&key, rules, n, sizeof *rules, sarif_rule_cmp);
	return r != NULL ? (size_t)(r - rules) : 0;
}

static struct sarif_rule *
sarif_rules(const struct run_result *rr, size_t *nrules)
{
	struct sarif_rule	*v;
	const struct finding	*f;
	size_t			 i, j, n = 0, total = 0;

	for (i = 0; i < rr->nimages; i++)
		total += rr->images[i].findings.n;
	v = xcalloc(total + 1, sizeof *v);
	for (i = 0; i < rr->nimages; i++) {
		for (j = 0; j < rr->images[i].findings.n; j++) {
			f = &rr->images[i].findings.v[j];
			v[n].id = f->id;
			v[n++].f = f;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof *v, sarif_rule_cmp);
	/* One rule per id, described by its worst finding (or the first with text). */
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && strcmp(v[j - 1].id, v[i].id) == 0) {
			if (v[i].f->severity > v[j - 1].f->severity ||
			    (v[j - 1].f->description == NULL &&
			    v[i].f->description != NULL))
				v[j - 1].f = v[i].f;
			continue;
		}
		v[j++] = v[i];
	}
	*nrules = j;
	return v;
}

static json_t *
sarif_rule_json(const struct sarif_rule *r)
{
	const struct finding	*f = r->f;
	json_t			*o;
	char			*s;

	s = xasprintf("%s (%s)", f->id, severity_name(f->severity));
	o = json_pack("{s:o, s:o, s:o, s:{s:s}, s:{s:[s, s], s:s, s:s}}",
	    "id", sarif_str(f->id),
	    "shortDescription", sarif_text(s),
	    "fullDescription", sarif_text(f->description != NULL ?
		f->description : s),
	    "defaultConfiguration", "level", sarif_level(f->severity),
	    "properties",
		"tags", "security", "vulnerability",
		"security-severity", sarif_score(f->severity),
		"severity", severity_name(f->severity));
	free(s);
	if (o == NULL)
		return NULL;
	if (sarif_link_ok(f->link)) {
		json_object_set_new(o, "helpUri", sarif_str(f->link));
		s = xasprintf("%s\n\nAdvisory: %s", f->description != NULL ?
		    f->description : f->id, f->link);
		json_object_set_new(o, "help", sarif_text(s));
		free(s);
	}
	return o;
}

static char *
sarif_fingerprint(const char *image, const struct finding *f)
{
	struct buf	b;
	char		hex[72];

	buf_init(&b);
	buf_adds(&b, image);
	buf_add(&b, "\n", 1);
	buf_adds(&b, f->id);
	buf_add(&b, "\n", 1);
	buf_adds(&b, f->package);
	if (f->location != NULL) {
		/* Two copies of one package are two results. */
		buf_add(&b, "\n", 1);
		buf_adds(&b, f->location);
	}
	sha256_hex(b.data, b.len, hex);
	buf_free(&b);
	return xstrdup(hex + strlen("sha256:"));
}

static json_t *
sarif_result(const struct image_result *r, const struct finding *f,
    size_t rule_index)
{
	json_t	*o, *props;
	char	*msg, *uri, *fqn, *fp;

	msg = xasprintf("%s (%s) in %s %s: %s%s", f->id, severity_name(f->severity),
	    f->package, f->installed_version != NULL ? f->installed_version : "?",
	    f->fixed_version != NULL ? "fixed in " : "no fix yet",
	    f->fixed_version != NULL ? f->fixed_version : "");
	/* A language package's artifact is the file it was found in, in the image. */
	if (f->location != NULL) {
		fqn = xasprintf("%s/%s", sarif_image_name(r), f->location);
		uri = sarif_uri(fqn);
		free(fqn);
	} else
		uri = sarif_uri(sarif_image_name(r));
	fqn = xasprintf("%s/%s", sarif_image_name(r), f->package);
	fp = sarif_fingerprint(sarif_image_name(r), f);
	o = json_pack("{s:o, s:I, s:s, s:o, s:[{s:{s:{s:o}, s:{s:i}}, s:[{s:o, s:o, s:s}]}],"
	    " s:{s:s}}",
	    "ruleId", sarif_str(f->id),
	    "ruleIndex", (json_int_t)rule_index,
	    "level", sarif_level(f->severity),
	    "message", sarif_text(msg),
	    "locations",
		"physicalLocation",
		    "artifactLocation", "uri", sarif_str(uri),
		    "region", "startLine", 1,
		"logicalLocations",
		    "name", sarif_str(f->package),
		    "fullyQualifiedName", sarif_str(fqn),
		    "kind", "module",
	    "partialFingerprints", SARIF_FINGERPRINT, fp);
	free(msg);
	free(uri);
	free(fqn);
	free(fp);
	if (o == NULL)
		return NULL;
	if (r->has_previous && f->is_new >= 0)
		json_object_set_new(o, "baselineState",
		    json_string(f->is_new ? "new" : "unchanged"));
	if (f->verdict == VERDICT_IGNORED)
		json_object_set_new(o, "suppressions", json_pack("[{s:s, s:s, s:o}]",
		    "kind", "external", "status", "accepted",
		    "justification", sarif_str(f->ignore_reason != NULL ?
			f->ignore_reason : "on the ignore list")));
	props = json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
	    "image", sarif_str(r->reference),
	    "imageDigest", sarif_str(r->digest),
	    "package", sarif_str(f->package),
	    "installedVersion", sarif_str(f->installed_version),
	    "fixedVersion", sarif_str(f->fixed_version),
	    "severity", severity_name(f->severity),
	    "verdict", verdict_name(f->verdict));
	if (props != NULL && f->naliases > 0) {
		json_t	*al = json_array();
		size_t	 i;

		for (i = 0; i < f->naliases; i++)
			json_array_append_new(al, sarif_str(f->aliases[i]));
		json_object_set_new(props, "aliases", al);
	}
	if (props != NULL && ecosystem_is_lang(f->ecosystem)) {
		json_object_set_new(props, "ecosystem",
		    json_string(ecosystem_name(f->ecosystem)));
		json_object_set_new(props, "location", sarif_str(f->location));
		if ((fp = report_finding_purl(f)) != NULL)
			json_object_set_new(props, "purl", sarif_str(fp));
		free(fp);
	}
	if (props != NULL)
		json_object_set_new(o, "properties", props);
	return o;
}

static json_t *
sarif_invocation(const struct run_result *rr)
{
	json_t				*notes, *o;
	const struct image_result	*r;
	size_t				 i;
	char				*s;
	int				 ok = 1;

	notes = json_array();
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		if (r->error == NULL && r->warning == NULL)
			continue;
		if (r->error != NULL)
			ok = 0;
		s = xasprintf("%s: %s", r->reference, r->error != NULL ? r->error :
		    r->warning);
		json_array_append_new(notes, json_pack("{s:s, s:o, s:[{s:{s:{s:o}}}]}",
		    "level", r->error != NULL ? "error" : "warning",
		    "message", sarif_text(s),
		    "locations", "physicalLocation", "artifactLocation",
			"uri", sarif_str(sarif_image_name(r))));
		free(s);
	}
	o = json_pack("{s:b, s:i, s:o}",
	    "executionSuccessful", ok,
	    "exitCode", rr->exit_status,
	    "toolExecutionNotifications", notes);
	if (o != NULL && rr->started != NULL)
		json_object_set_new(o, "startTimeUtc", sarif_str(rr->started));
	return o;
}

int
report_sarif_write(const struct run_result *rr, const char *path, char **cause)
{
	struct sarif_rule		*rules;
	const struct image_result	*r;
	json_t				*root = NULL, *jrules, *results, *run, *j;
	size_t				 nrules, i, k, len;
	char				*text, *s;
	int				 rc;

	rules = sarif_rules(rr, &nrules);
	jrules = json_array();
	for (i = 0; i < nrules; i++) {
		if ((j = sarif_rule_json(&rules[i])) != NULL)
			json_array_append_new(jrules, j);
	}
	results = json_array();
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		for (k = 0; k < r->findings.n; k++) {
			j = sarif_result(r, &r->findings.v[k], sarif_rule_find(rules,
			    nrules, r->findings.v[k].id));
			if (j != NULL)
				json_array_append_new(results, j);
		}
	}
	free(rules);

	run = json_pack("{s:{s:{s:s, s:s, s:s, s:o}}, s:o, s:[o]}",
	    "tool", "driver",
		"name", PACKAGE_NAME,
		"version", PACKAGE_VERSION,
		"semanticVersion", PACKAGE_VERSION,
		"rules", jrules,
	    "results", results,
	    "invocations", sarif_invocation(rr));
	if (run != NULL && rr->job != NULL) {
		s = xasprintf("%s/%s", rr->job, rr->build != NULL ? rr->build : "");
		json_object_set_new(run, "automationDetails", json_pack("{s:o}",
		    "id", sarif_str(s)));
		free(s);
	}
	if (run != NULL)
		root = json_pack("{s:s, s:s, s:[o]}",
		    "$schema", SARIF_SCHEMA,
		    "version", "2.1.0",
		    "runs", run);
	if (root == NULL)
		return fail(cause, HS_ERR, "%s: cannot build the SARIF report", path);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL)
		return fail(cause, HS_ERR, "%s: cannot encode the SARIF report", path);
	len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	text[len] = '\0';
	rc = report_output(path, text, len, cause);
	free(text);
	return rc;
}
