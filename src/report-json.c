/* The JSON report: the whole run result, stable field names (data/report.schema.json). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "util.h"

#define REPORT_SCHEMA_VERSION 1

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
json_os(const struct os_info *os)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}",
	    "id", str_or_null(os->id),
	    "version_id", str_or_null(os->version_id),
	    "codename", str_or_null(os->codename),
	    "pretty_name", str_or_null(os->pretty_name),
	    "namespace", str_or_null(os->namespace));
}

/* An allocated string as a JSON value, freed. */
static json_t *
str_take(char *s)
{
	json_t	*j = str_or_null(s);

	free(s);
	return j;
}

/* The release's end of support, null when the database knows none. */
static json_t *
json_eol(const struct image_result *r)
{
	char	*msg;
	json_t	*o;

	if (r->eol_date == NULL)
		return json_null();
	msg = image_result_eol_message(r);
	o = json_pack("{s:s, s:o, s:b, s:b, s:o}",
	    "date", r->eol_date,
	    "support", str_or_null(r->eol_support),
	    "reached", r->eol_reached,
	    "fails", r->eol_fails,
	    "message", str_or_null(msg));
	free(msg);
	return o;
}

static json_t *
json_packages(const struct inventory *inv)
{
	json_t			*a = json_array();
	const struct package	*p;
	size_t			 i;

	for (i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o,"
		    " s:o}",
		    "name", p->name,
		    "version", p->version,
		    "source_name", p->source_name,
		    "source_version", p->source_version,
		    "arch", str_or_null(p->arch),
		    "ecosystem", ecosystem_name(p->ecosystem),
		    "purl", str_take(report_purl(&inv->os, p)),
		    "location", str_or_null(p->location)));
	}
	return a;
}

static json_t *
json_aliases(const struct finding *f)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < f->naliases; i++) {
		if (f->aliases[i] != NULL)
			json_array_append_new(a, json_string(f->aliases[i]));
	}
	return a;
}

static json_t *
json_finding(const struct finding *f, int with_verdict)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}",
	    "id", f->id,
	    "package", f->package,
	    "installed_version", str_or_null(f->installed_version),
	    "source_name", str_or_null(f->source_name),
	    "fixed_version", str_or_null(f->fixed_version),
	    "severity", severity_name(f->severity),
	    "source_severity", str_or_null(f->source_severity),
	    "status", str_or_null(f->status),
	    "namespace", str_or_null(f->namespace),
	    "link", str_or_null(f->link),
	    "description", str_or_null(f->description));
	json_object_set_new(o, "aliases", json_aliases(f));
	json_object_set_new(o, "ecosystem", json_string(ecosystem_name(f->ecosystem)));
	json_object_set_new(o, "purl", str_take(report_finding_purl(f)));
	json_object_set_new(o, "location", str_or_null(f->location));
	json_object_set_new(o, "informational", str_or_null(f->informational));
	if (with_verdict) {
		json_object_set_new(o, "verdict", json_string(verdict_name(f->verdict)));
		json_object_set_new(o, "ignore_reason", str_or_null(f->ignore_reason));
		json_object_set_new(o, "new", f->is_new < 0 ? json_null() :
		    json_boolean(f->is_new));
	}
	return o;
}

static json_t *
json_findings(const struct finding_list *l, int with_verdict)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_finding(&l->v[i], with_verdict));
	return a;
}

static json_t *
json_image(const struct image_result *r)
{
	json_t	*o, *nw;
	size_t	 i;

	o = json_pack("{s:s, s:o, s:o, s:o}",
	    "reference", r->reference,
	    "name", str_or_null(r->name),
	    "key", str_or_null(r->key),
	    "digest", str_or_null(r->digest));
	if (r->inv != NULL) {
		json_object_set_new(o, "os", json_os(&r->inv->os));
		json_object_set_new(json_object_get(o, "os"), "eol", json_eol(r));
		json_object_set_new(o, "packages", json_packages(r->inv));
	} else {
		json_object_set_new(o, "os", json_null());
		json_object_set_new(o, "packages", json_array());
	}
	json_object_set_new(o, "findings", json_findings(&r->findings, 1));
	json_object_set_new(o, "error", str_or_null(r->error));
	json_object_set_new(o, "warnings", r->warning != NULL ?
	    json_pack("[s]", r->warning) : json_array());
	nw = json_array();
	for (i = 0; i < r->findings.n; i++) {
		if (r->findings.v[i].is_new == 1)
			json_array_append_new(nw, json_pack("{s:s, s:s, s:o}",
			    "id", r->findings.v[i].id,
			    "package", r->findings.v[i].package,
			    "location", str_or_null(r->findings.v[i].location)));
	}
	json_object_set_new(o, "diff", json_pack("{s:b, s:o, s:o}",
	    "has_previous", r->has_previous,
	    "new", nw,
	    "fixed", json_findings(&r->fixed, 0)));
	return o;
}

static json_t *
json_summary(const struct run_result *rr)
{
	json_t	*bysev;
	int	 counts[SEV_CRITICAL + 1] = { 0 };
	size_t	 i, j, failed = 0, findings = 0;
	int	 s;

	for (i = 0; i < rr->nimages; i++) {
		if (rr->images[i].error != NULL)
			failed++;
		for (j = 0; j < rr->images[i].findings.n; j++) {
			counts[rr->images[i].findings.v[j].severity]++;
			findings++;
		}
	}
	bysev = json_object();
	for (s = SEV_CRITICAL; s >= SEV_UNKNOWN; s--)
		json_object_set_new(bysev, severity_name(s), json_integer(counts[s]));
	return json_pack("{s:I, s:I, s:I, s:I, s:o}",
	    "images", (json_int_t)rr->nimages,
	    "scanned", (json_int_t)(rr->nimages - failed),
	    "failed", (json_int_t)failed,
	    "findings", (json_int_t)findings,
	    "by_severity", bysev);
}

static json_t *
json_policy(const struct run_result *rr)
{
	json_t	*reasons = json_array();
	size_t	 i;

	for (i = 0; i < rr->nreasons; i++)
		json_array_append_new(reasons, json_string(rr->reasons[i]));
	return json_pack("{s:s, s:o, s:o}",
	    "verdict", rr->policy_failed ? "fail" : "pass",
	    "summary", str_or_null(rr->policy_summary),
	    "reasons", reasons);
}

/*
 * Append image r to b as an element of the top-level "images" array: the
 * text json_dumps gives for the whole tree, one image tree at a time, so a
 * run of hundreds of images never holds all their trees at once. Nested
 * two levels down, each line but the first is indented by 4 more spaces
 * (a string never holds a raw newline: JSON escapes it).
 */
static int
json_image_append(struct buf *b, const struct image_result *r, int first)
{
	json_t		*o;
	char		*text, *p, *nl;

	o = json_image(r);
	text = o != NULL ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) :
	    NULL;
	json_decref(o);
	if (text == NULL)
		return -1;
	buf_adds(b, first ? "\n    " : ",\n    ");
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		buf_add(b, p, nl - p);
		buf_adds(b, "\n    ");
	}
	buf_adds(b, p);
	free(text);
	return 0;
}

int
report_json_write(const struct run_result *rr, const char *path, char **cause)
{
	static const char	 mark[] = "\n  \"images\": []";
	json_t			*root;
	struct buf		 b;
	char			*text, *at;
	size_t			 i;
	int			 rc;

	/* Everything but the images, then the images spliced in one by one. */
	root = json_pack("{s:i, s:{s:s, s:s}, s:o, s:o, s:{s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:i}",
	    "schema_version", REPORT_SCHEMA_VERSION,
	    "tool", "name", PACKAGE_NAME, "version", PACKAGE_VERSION,
	    "started", str_or_null(rr->started),
	    "db", str_or_null(rr->db_path),
	    "build", "job", str_or_null(rr->job), "id", str_or_null(rr->build),
	    "url", str_or_null(rr->build_url),
	    "previous", str_or_null(rr->previous_build),
	    "summary", json_summary(rr),
	    "policy", json_policy(rr),
	    "images", json_array(),
	    "exit_status", rr->exit_status);
	if (root == NULL)
		return fail(cause, HS_ERR, "%s: cannot build the JSON report", path);
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL || (at = strstr(text, mark)) == NULL) {
		free(text);
		return fail(cause, HS_ERR, "%s: cannot encode the JSON report", path);
	}
	at += sizeof mark - 2;		/* at the "]" */
	buf_init(&b);
	buf_add(&b, text, at - text);
	for (i = 0; i < rr->nimages; i++) {
		if (json_image_append(&b, &rr->images[i], i == 0) != 0) {
			free(text);
			buf_free(&b);
			return fail(cause, HS_ERR, "%s: cannot encode the JSON "
			    "report", path);
		}
	}
	if (rr->nimages > 0)
		buf_adds(&b, "\n  ");
	buf_adds(&b, at);
	buf_adds(&b, "\n");
	free(text);
	if (strcmp(path, "-") == 0) {
		rc = fwrite(b.data, 1, b.len, stdout) == b.len &&
		    fflush(stdout) == 0 ? 0 : fail(cause, HS_EIO,
		    "stdout: write failed");
	} else
		rc = file_write_atomic(path, b.data, b.len, cause);
	buf_free(&b);
	return rc;
}
