/* OSV records (osv.dev schema): one record, an array of records, or a zip of them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <yaml.h>

#include "db.h"
#include "feed.h"
#include "util.h"
#include "version.h"

#define OSV_LINK		"https://osv.dev/vulnerability/"
#define OSV_MAX_ENTRY		((size_t)64 << 20)	/* one record inside a zip */
#define OSV_MAX_ENTRIES		4000000			/* records in one zip */
#define OSV_MAX_DESC		512
#define OSV_MAX_EVENTS		1000	/* a range's events sorted; more keep their order */
#define OSV_MAX_DEPTH		64	/* nesting of a YAML record */
#define OSV_MAX_ALIASES		64

/*
 * What an import skipped, reported once per file: a scan that silently misses
 * a range is worse than a warning.
 */
struct osv_stats {
	int64_t	records;	/* OSV records read */
	int64_t	withdrawn;
	int64_t	ecosystem;	/* affected[] of an ecosystem we do not scan */
	int64_t	semver;		/* SEMVER ranges of an OS ecosystem: not its order */
	int64_t	git;		/* GIT ranges: commits, not package versions */
	int64_t	versions_only;	/* OS affected[] listing versions but no range */
	int64_t	empty;		/* introduced == fixed: never affected */
	int64_t	listed;		/* rows of listed versions no range covers */
	int64_t	bad_listed;	/* listed versions not valid in the ecosystem's order */
	int64_t	goos;		/* Go entries only for systems images are not (windows) */
	int64_t	informational;	/* RustSec notices (unmaintained, unsound) */
};

/* One record's fields every row repeats. */
struct osv_record {
	const char	*id;		/* the record's own id */
	const char	*vuln_id;	/* the id findings carry */
	char		*description;
	char		*link;
	enum severity	 severity;	/* record level; an affected[] entry may refine */
	const char	*source_severity;
	char		*source_severity_buf;
	/* Its other ids: its own when findings carry another, aliases, upstream, related. */
	struct advisory_alias *aliases;
	size_t		 naliases;
};

/* How an OSV ecosystem maps onto a hullscan namespace. */
struct osv_target {
	char		*namespace;
	enum ecosystem	 ecosystem;
	enum pkg_kind	 kind;
};

/*
 * The language ecosystems, by OSV's name. Their advisories have the
 * ecosystem's own namespace ("npm", "pypi", …) whatever the distribution,
 * and name packages the way inventories do after ecosystem_package_name().
 * Maven and Packagist may name another repository (":https://…").
 */
static const struct {
	const char	*osv;
	enum ecosystem	 ecosystem;
	int		 repo;	/* ":<repository URL>" may follow */
} osv_lang[] = {
	{ "npm", ECO_NPM, 0 },
	{ "PyPI", ECO_PYPI, 0 },
	{ "Maven", ECO_MAVEN, 1 },
	{ "Go", ECO_GO, 0 },
	{ "crates.io", ECO_CARGO, 0 },
	{ "RubyGems", ECO_GEM, 0 },
	{ "Packagist", ECO_COMPOSER, 1 },
	{ "NuGet", ECO_NUGET, 0 },
};

static enum ecosystem
osv_lang_ecosystem(const char *eco)
{
	size_t	i, n;

	if (eco == NULL)
		return ECO_UNKNOWN;
	for (i = 0; i < NELEM(osv_lang); i++) {
		n = strlen(osv_lang[i].osv);
		if (strncmp(eco, osv_lang[i].osv, n) == 0 && (eco[n] == '\0' ||
		    (osv_lang[i].repo && eco[n] == ':' && eco[n + 1] != '\0')))
			return osv_lang[i].ecosystem;
	}
	return ECO_UNKNOWN;
}

static const struct {
	const char	*number;
	const char	*codename;
} osv_debian[] = {
	{ "7", "wheezy" }, { "8", "jessie" }, { "9", "stretch" },
	{ "10", "buster" }, { "11", "bullseye" }, { "12", "bookworm" },
	{ "13", "trixie" }, { "14", "forky" },
};

static char *
osv_lower(const char *s, size_t len)
{
	char	*out;
	size_t	 i;

	out = xstrndup(s, len);
	for (i = 0; out[i] != '\0'; i++) {
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = out[i] - 'A' + 'a';
		else if (out[i] == ' ')
			out[i] = '-';
	}
	return out;
}

/*
 * "Ubuntu:18.04:LTS" is the plain release; "Ubuntu:Pro:18.04:LTS" (ESM) and
 * "Ubuntu:Pro:FIPS-updates:18.04:LTS" are other archives whose fixes an
 * ordinary 18.04 image cannot install: they get namespaces of their own
 * ("ubuntu-pro:18.04", "ubuntu-pro-fips-updates:18.04"), so they never match
 * an ordinary image by accident but stay in the database.
 */
static int
osv_ubuntu(const char *eco, struct osv_target *t)
{
	const char	*parts[8];
	size_t		 lens[8], n = 0, i;
	const char	*p = eco, *colon = NULL;
	struct buf	 b;
	char		*low;

	while (n < NELEM(parts)) {
		colon = strchr(p, ':');
		parts[n] = p;
		lens[n] = colon != NULL ? (size_t)(colon - p) : strlen(p);
		n++;
		if (colon == NULL)
			break;
		p = colon + 1;
	}
	if (colon != NULL)
		return -1;	/* more parts than any Ubuntu archive has */
	if (n > 2 && lens[n - 1] == 3 && strncmp(parts[n - 1], "LTS", 3) == 0)
		n--;
	if (n < 2)
		return -1;
	/* parts[n - 1] is the release: digits and dots. */
	if (lens[n - 1] == 0 || strspn(parts[n - 1], "0123456789.") != lens[n - 1])
		return -1;
	buf_init(&b);
	buf_adds(&b, "ubuntu");
	for (i = 1; i + 1 < n; i++) {
		if (lens[i] == 0) {
			buf_free(&b);
			return -1;
		}
		low = osv_lower(parts[i], lens[i]);
		buf_printf(&b, "-%s", low);
		free(low);
	}
	buf_printf(&b, ":%.*s", (int)lens[n - 1], parts[n - 1]);
	t->namespace = buf_steal(&b);
	t->ecosystem = ECO_DEB;
	t->kind = PKG_SOURCE;
	return 0;
}

/*
 * The ecosystems whose packages hullscan inventories. Debian and Ubuntu
 * records name source packages, like their trackers; Alpine's follow the
 * secdb (origin packages); Alma, Rocky, Red Hat, Chainguard and Wolfi name
 * the binary packages an image holds.
 */
static int
osv_target(const char *eco, struct osv_target *t)
{
	const char	*rest;
	size_t		 i;

	memset(t, 0, sizeof *t);
	if ((t->ecosystem = osv_lang_ecosystem(eco)) != ECO_UNKNOWN) {
		t->namespace = xstrdup(ecosystem_name(t->ecosystem));
		t->kind = PKG_BINARY;
		return 0;
	}
	if (str_starts(eco, "Ubuntu:"))
		return osv_ubuntu(eco, t);
	if (str_starts(eco, "Debian:")) {
		rest = eco + strlen("Debian:");
		for (i = 0; i < NELEM(osv_debian); i++) {
			if (strcmp(rest, osv_debian[i].number) == 0) {
				t->namespace = xasprintf("debian:%s",
				    osv_debian[i].codename);
				t->ecosystem = ECO_DEB;
				t->kind = PKG_SOURCE;
				return 0;
			}
		}
		return -1;
	}
	if (str_starts(eco, "Alpine:v")) {
		rest = eco + strlen("Alpine:");
		if (strchr(rest, ':') != NULL || rest[1] == '\0')
			return -1;
		t->namespace = xasprintf("alpine:%s", rest);
		t->ecosystem = ECO_APK;
		t->kind = PKG_SOURCE;
		return 0;
	}
	if (strcmp(eco, "Chainguard") == 0 || strcmp(eco, "Wolfi") == 0) {
		t->namespace = xstrdup(eco[0] == 'C' ? "chainguard:rolling" :
		    "wolfi:rolling");
		t->ecosystem = ECO_APK;
		t->kind = PKG_BINARY;
		return 0;
	}
	if (str_starts(eco, "AlmaLinux:") || str_starts(eco, "Rocky Linux:")) {
		rest = strchr(eco, ':') + 1;
		/* The major release only: "AlmaLinux:8", not "AlmaLinux:8.9". */
		if (*rest == '\0' || strspn(rest, "0123456789") != strlen(rest))
			return -1;
		t->namespace = xasprintf("%s:%s", eco[0] == 'A' ? "almalinux" :
		    "rocky", rest);
		t->ecosystem = ECO_RPM;
		t->kind = PKG_BINARY;
		return 0;
	}
	/* "Red Hat:enterprise_linux:9::appstream" and the like. */
	if (str_starts(eco, "Red Hat:enterprise_linux:")) {
		rest = eco + strlen("Red Hat:enterprise_linux:");
		i = strspn(rest, "0123456789");
		if (i == 0 || (rest[i] != '\0' && rest[i] != ':'))
			return -1;
		t->namespace = xasprintf("rhel:%.*s", (int)i, rest);
		t->ecosystem = ECO_RPM;
		t->kind = PKG_BINARY;
		return 0;
	}
	return -1;
}

/* A vendor's word for severity: Ubuntu priorities, Red Hat impacts, GHSA levels. */
static int
osv_severity_word(const char *s, enum severity *out)
{
	static const struct {
		const char	*word;
		enum severity	 sev;
	} map[] = {
		{ "negligible", SEV_NEGLIGIBLE },
		{ "untriaged", SEV_UNKNOWN },
		{ "low", SEV_LOW },
		{ "medium", SEV_MEDIUM },
		{ "moderate", SEV_MEDIUM },
		{ "high", SEV_HIGH },
		{ "important", SEV_HIGH },
		{ "critical", SEV_CRITICAL },
	};
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < NELEM(map); i++) {
		if (strcasecmp(s, map[i].word) == 0) {
			*out = map[i].sev;
			return 0;
		}
	}
	return -1;
}

/* CVSS v3.1's Roundup: the smallest one-decimal number >= x, float-safe. */
static double
osv_cvss_roundup(double x)
{
	long	i;

	/* x >= 0 here; no libm: the scores are small. */
	i = (long)(x * 100000.0 + 0.5);
	if (i % 10000 == 0)
		return i / 100000.0;
	return (i / 10000 + 1) / 10.0;
}

/* The base metric value of name in a CVSS v3 vector, or 0 when absent. */
static char
osv_cvss_metric(const char *vector, const char *name)
{
	const char	*p = vector;
	size_t		 n = strlen(name);

	while ((p = strchr(p, '/')) != NULL) {
		p++;
		if (strncmp(p, name, n) == 0 && p[n] == ':' && p[n + 1] != '\0' &&
		    (p[n + 2] == '/' || p[n + 2] == '\0'))
			return p[n + 1];
	}
	return 0;
}

int
feed_cvss3_score(const char *vector, double *score)
{
	char	av, ac, pr, ui, s, c, i, a;
	double	vav, vac, vpr, vui, vc, vi, va, iss, impact, expl, p15, sum;
	int	k;

	if (vector == NULL || (!str_starts(vector, "CVSS:3.0/") &&
	    !str_starts(vector, "CVSS:3.1/")))
		return HS_EINVAL;
	av = osv_cvss_metric(vector, "AV");
	ac = osv_cvss_metric(vector, "AC");
	pr = osv_cvss_metric(vector, "PR");
	ui = osv_cvss_metric(vector, "UI");
	s = osv_cvss_metric(vector, "S");
	c = osv_cvss_metric(vector, "C");
	i = osv_cvss_metric(vector, "I");
	a = osv_cvss_metric(vector, "A");

	switch (av) {
	case 'N': vav = 0.85; break;
	case 'A': vav = 0.62; break;
	case 'L': vav = 0.55; break;
	case 'P': vav = 0.2; break;
	default: return HS_EINVAL;
	}
	switch (ac) {
	case 'L': vac = 0.77; break;
	case 'H': vac = 0.44; break;
	default: return HS_EINVAL;
	}
	if (s != 'U' && s != 'C')
		return HS_EINVAL;
	switch (pr) {
	case 'N': vpr = 0.85; break;
	case 'L': vpr = s == 'C' ? 0.68 : 0.62; break;
	case 'H': vpr = s == 'C' ? 0.5 : 0.27; break;
	default: return HS_EINVAL;
	}
	switch (ui) {
	case 'N': vui = 0.85; break;
	case 'R': vui = 0.62; break;
	default: return HS_EINVAL;
	}
#define CIA(x, v) do {							\
	switch (x) {							\
	case 'H': v = 0.56; break;					\
	case 'L': v = 0.22; break;					\
	case 'N': v = 0; break;						\
	default: return HS_EINVAL;					\
	}								\
} while (0)
	CIA(c, vc);
	CIA(i, vi);
	CIA(a, va);
#undef CIA

	iss = 1 - (1 - vc) * (1 - vi) * (1 - va);
	if (s == 'U')
		impact = 6.42 * iss;
	else {
		for (p15 = 1, k = 0; k < 15; k++)
			p15 *= iss - 0.02;
		impact = 7.52 * (iss - 0.029) - 3.25 * p15;
	}
	expl = 8.22 * vav * vac * vpr * vui;
	sum = s == 'U' ? impact + expl : 1.08 * (impact + expl);
	if (impact <= 0)
		*score = 0;
	else
		*score = osv_cvss_roundup(sum < 10 ? sum : 10);
	return 0;
}

static enum severity
osv_cvss_severity(double score)
{
	if (score >= 9.0)
		return SEV_CRITICAL;
	if (score >= 7.0)
		return SEV_HIGH;
	if (score >= 4.0)
		return SEV_MEDIUM;
	if (score > 0)
		return SEV_LOW;
	return SEV_NEGLIGIBLE;
}

/*
 * Severity from an OSV severity[] array. The vendor's own rating (Ubuntu's
 * priority) wins over CVSS: it weighs the flaw in the distribution's build,
 * and it is what the distribution's users read. Otherwise the highest CVSS v3
 * or v4 base score, computed from the vector. CVSS v2 vectors are not scored.
 */
static void
osv_severity_array(json_t *arr, enum severity *sev, const char **raw)
{
	json_t		*e;
	size_t		 i;
	const char	*type, *score;
	enum severity	 s, best = SEV_UNKNOWN;
	const char	*best_raw = NULL;
	double		 v;
	int		 vendor = 0;

	json_array_foreach(arr, i, e) {
		type = json_string_value(json_object_get(e, "type"));
		score = json_string_value(json_object_get(e, "score"));
		if (type == NULL || score == NULL)
			continue;
		if ((strcmp(type, "CVSS_V3") == 0 || strcmp(type, "CVSS_V4") == 0) &&
		    !vendor) {
			if ((type[6] == '3' ? feed_cvss3_score(score, &v) :
			    feed_cvss4_score(score, &v)) != 0)
				continue;
			s = osv_cvss_severity(v);
			if (best_raw == NULL || s > best) {
				best = s;
				best_raw = score;
			}
		} else if (strcmp(type, "Ubuntu") == 0 &&
		    osv_severity_word(score, &s) == 0) {
			if (!vendor || s > best) {
				best = s;
				best_raw = score;
			}
			vendor = 1;
		}
	}
	if (best_raw != NULL) {
		*sev = best;
		*raw = best_raw;
	}
}

/* Red Hat style summaries, as AlmaLinux writes them: "Moderate: libtiff security update". */
static int
osv_summary_severity(const char *summary, enum severity *sev, char **raw)
{
	const char	*colon;
	char		*word;

	if (summary == NULL || (colon = strchr(summary, ':')) == NULL ||
	    colon - summary > 16)
		return -1;
	word = xstrndup(summary, colon - summary);
	if (osv_severity_word(word, sev) != 0) {
		free(word);
		return -1;
	}
	*raw = word;
	return 0;
}

/*
 * Severity of one affected[] entry when it says more than the record: the
 * Ubuntu priority of UBUNTU-CVE records (ecosystem_specific.ubuntu_priority
 * in schema 1.6), or a USN's per-release CVE list (database_specific.cves_map),
 * of which we take the highest; any "severity" word.
 */
static int
osv_affected_severity(json_t *aff, enum severity *sev, const char **raw)
{
	json_t		*es, *ds, *cves, *cve, *v;
	const char	*s, *r;
	enum severity	 one, best = SEV_UNKNOWN;
	const char	*best_raw = NULL;
	size_t		 i;

	es = json_object_get(aff, "ecosystem_specific");
	ds = json_object_get(aff, "database_specific");
	if ((s = json_string_value(json_object_get(es, "ubuntu_priority"))) != NULL &&
	    osv_severity_word(s, sev) == 0) {
		*raw = s;
		return 0;
	}
	if ((cves = json_object_get(json_object_get(ds, "cves_map"), "cves")) != NULL &&
	    json_is_array(cves)) {
		json_array_foreach(cves, i, cve) {
			one = SEV_UNKNOWN;
			r = NULL;
			if ((v = json_object_get(cve, "severity")) != NULL &&
			    json_is_array(v))
				osv_severity_array(v, &one, &r);
			if (r != NULL && (best_raw == NULL || one > best)) {
				best = one;
				best_raw = r;
			}
		}
		if (best_raw != NULL) {
			*sev = best;
			*raw = best_raw;
			return 0;
		}
	}
	if ((s = json_string_value(json_object_get(es, "severity"))) != NULL &&
	    osv_severity_word(s, sev) == 0) {
		*raw = s;
		return 0;
	}
	if ((s = json_string_value(json_object_get(ds, "severity"))) != NULL &&
	    osv_severity_word(s, sev) == 0) {
		*raw = s;
		return 0;
	}
	return -1;
}

/* A description that fits a report line: the summary, or the details cut short. */
static char *
osv_description(json_t *rec)
{
	const char	*s;
	size_t		 n;

	if ((s = json_string_value(json_object_get(rec, "summary"))) != NULL &&
	    *s != '\0')
		return xstrdup(s);
	if ((s = json_string_value(json_object_get(rec, "details"))) == NULL ||
	    *s == '\0')
		return NULL;
	n = strlen(s);
	if (n <= OSV_MAX_DESC)
		return xstrdup(s);
	n = OSV_MAX_DESC;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;	/* never cut a UTF-8 sequence */
	return xasprintf("%.*s…", (int)n, s);
}

static char *
osv_link(json_t *rec, const char *id)
{
	json_t		*refs, *r;
	const char	*type, *url, *web = NULL;
	size_t		 i;

	refs = json_object_get(rec, "references");
	json_array_foreach(refs, i, r) {
		type = json_string_value(json_object_get(r, "type"));
		url = json_string_value(json_object_get(r, "url"));
		if (type == NULL || url == NULL)
			continue;
		if (strcmp(type, "ADVISORY") == 0)
			return xstrdup(url);
		if (strcmp(type, "WEB") == 0 && web == NULL)
			web = url;
	}
	if (web != NULL)
		return xstrdup(web);
	return xasprintf(OSV_LINK "%s", id);
}

/*
 * The id findings carry. UBUNTU-CVE-2021-3782 is Canonical's record of
 * CVE-2021-3782: the CVE (what ignore lists and other scanners name). A
 * record whose aliases name a CVE (GHSA-…), or whose "upstream" names exactly
 * one CVE (Chainguard's CGA-…: its downstream record of that CVE), is that
 * CVE. Other ids stay: ALSA/RLSA/USN advisories are one fix for one or
 * several CVEs ("related", or a USN's "upstream" UBUNTU-CVE records); the
 * record's other ids are kept as aliases (osv_aliases), and the matcher
 * merges such a notice into the findings of the CVEs it names.
 * A language record without a CVE (PYSEC-, GO-, RUSTSEC-) that GitHub's
 * database also holds is that GHSA: the same flaw from two feeds is then one
 * finding, under the id both name.
 */
static const char *
osv_vuln_id(json_t *rec, const char *id, int lang)
{
	json_t		*list, *a;
	const char	*s, *cve = NULL, *ghsa = NULL;
	size_t		 i;
	int		 ncve = 0;

	if (str_starts(id, "UBUNTU-CVE-"))
		return id + strlen("UBUNTU-");
	if (str_starts(id, "CVE-"))
		return id;
	list = json_object_get(rec, "aliases");
	json_array_foreach(list, i, a) {
		if ((s = json_string_value(a)) != NULL && str_starts(s, "CVE-"))
			return s;
		if (s != NULL && ghsa == NULL && str_starts(s, "GHSA-"))
			ghsa = s;
	}
	if (lang && ghsa != NULL && !str_starts(id, "GHSA-"))
		return ghsa;
	list = json_object_get(rec, "upstream");
	json_array_foreach(list, i, a) {
		if ((s = json_string_value(a)) != NULL && str_starts(s, "CVE-")) {
			cve = s;
			ncve++;
		}
	}
	return ncve == 1 ? cve : id;
}

/* The id a finding would carry for an id a record names: UBUNTU-CVE-X is CVE-X. */
static const char *
osv_alias_id(const char *id)
{
	return str_starts(id, "UBUNTU-CVE-") ? id + strlen("UBUNTU-") : id;
}

static void
osv_alias_add(struct osv_record *r, const char *id, enum alias_kind kind)
{
	size_t	i;

	if (id == NULL || *id == '\0' || strcmp(id, r->vuln_id) == 0 ||
	    r->naliases >= VULNDB_MAX_ALIASES)
		return;
	for (i = 0; i < r->naliases; i++) {
		if (strcmp(r->aliases[i].id, id) == 0)
			return;
	}
	r->aliases = xreallocarray(r->aliases, r->naliases + 1, sizeof *r->aliases);
	r->aliases[r->naliases].id = id;
	r->aliases[r->naliases++].kind = kind;
}

/*
 * The record's other ids, kept so that the matcher can merge the records
 * of one vulnerability: its own id when findings carry another (GHSA-… that
 * is CVE-…), "aliases" (the same vulnerability), "upstream" (what it was
 * derived from or fixes: a USN's CVEs) and "related" (an ALSA's CVEs, a
 * CVE's USNs).
 */
static void
osv_aliases(json_t *rec, struct osv_record *r)
{
	static const struct {
		const char	*field;
		enum alias_kind	 kind;
	} lists[] = {
		{ "aliases", ALIAS_SAME },
		{ "upstream", ALIAS_UPSTREAM },
		{ "related", ALIAS_RELATED },
	};
	json_t	*a;
	size_t	 i, j;

	osv_alias_add(r, r->id, ALIAS_SAME);
	for (i = 0; i < NELEM(lists); i++) {
		json_array_foreach(json_object_get(rec, lists[i].field), j, a) {
			if (json_is_string(a))
				osv_alias_add(r, osv_alias_id(json_string_value(a)),
				    lists[i].kind);
		}
	}
}

/* What one affected[] entry's rows share. */
struct osv_entry {
	const struct osv_target	*t;
	const char		*pkg;		/* canonical name */
	enum severity		 sev;
	const char		*raw;
	const char		*informational;
	/* The intervals written so far, for the versions[] list to skip. */
	struct osv_interval {
		const char	*intro, *fixed, *last, *limit;
	}			*iv;
	size_t			 niv;
};

static int
osv_add(struct vulndb *vdb, const char *feed, const struct osv_record *r,
    struct osv_entry *e, const char *introduced, const char *fixed,
    const char *last, const char *limit, int64_t *records, char **cause)
{
	struct advisory	a;
	int		rc;

	memset(&a, 0, sizeof a);
	a.namespace = e->t->namespace;
	a.package = e->pkg;
	a.kind = e->t->kind;
	a.ecosystem = e->t->ecosystem;
	a.vuln_id = r->vuln_id;
	/* "0" is OSV's "every version": an open lower bound. */
	a.introduced = introduced != NULL && strcmp(introduced, "0") != 0 ?
	    introduced : NULL;
	a.fixed_version = fixed;
	a.last_affected = last;
	a.limit_version = limit;
	a.informational = e->informational;
	/* Past last_affected the package is safe, but no fix version is named. */
	a.status = fixed != NULL ? "fixed" : "open";
	a.severity = e->sev;
	a.source_severity = e->raw;
	a.description = r->description;
	a.link = r->link;
	a.aliases = r->aliases;
	a.naliases = r->naliases;
	if ((rc = vulndb_add(vdb, feed, &a, cause)) != 0)
		return rc;
	(*records)++;
	if (ecosystem_is_lang(e->t->ecosystem)) {
		if ((e->niv & (e->niv - 1)) == 0)
			e->iv = xreallocarray(e->iv, e->niv == 0 ? 1 : e->niv * 2,
			    sizeof *e->iv);
		e->iv[e->niv].intro = a.introduced;
		e->iv[e->niv].fixed = fixed;
		e->iv[e->niv].last = last;
		e->iv[e->niv].limit = limit;
		e->niv++;
	}
	return 0;
}

/* Is v inside one of the entry's intervals (-1: cannot tell)? */
static int
osv_covered(const struct osv_entry *e, const char *v)
{
	const struct osv_interval	*iv;
	enum ecosystem			 eco = e->t->ecosystem;
	size_t				 i;
	int				 r;

	for (i = 0; i < e->niv; i++) {
		iv = &e->iv[i];
		if (iv->intro != NULL && (version_cmp(eco, iv->intro, v, &r) != 0 || r > 0))
			continue;
		if (iv->fixed != NULL && (version_cmp(eco, v, iv->fixed, &r) != 0 || r >= 0))
			continue;
		if (iv->last != NULL && (version_cmp(eco, v, iv->last, &r) != 0 || r > 0))
			continue;
		if (iv->limit != NULL && (version_cmp(eco, v, iv->limit, &r) != 0 || r >= 0))
			continue;
		return 1;
	}
	return 0;
}

enum osv_ev {
	OSV_INTRODUCED,
	OSV_FIXED,
	OSV_LAST,
	OSV_LIMIT,
};

struct osv_event {
	enum osv_ev	 type;
	const char	*v;
};

/* a before b in the ecosystem's order? "0" before everything. */
static int
osv_event_before(enum ecosystem eco, const struct osv_event *a,
    const struct osv_event *b, int *ok)
{
	int	r;

	if (a->type == OSV_INTRODUCED && strcmp(a->v, "0") == 0)
		return !(b->type == OSV_INTRODUCED && strcmp(b->v, "0") == 0);
	if (b->type == OSV_INTRODUCED && strcmp(b->v, "0") == 0)
		return 0;
	if (version_cmp(eco, a->v, b->v, &r) != 0) {
		*ok = 0;
		return 0;
	}
	return r < 0;
}

/*
 * Sort the events by version, as OSV's evaluation reads them (a stable
 * insertion sort: a range has a few events). When some version is not one
 * of the ecosystem's, the listed order stays: records list them in order.
 */
static void
osv_events_sort(enum ecosystem eco, struct osv_event *ev, size_t n)
{
	struct osv_event	*sorted, x;
	size_t			 i, j;
	int			 ok = 1;

	if (n < 2 || n > OSV_MAX_EVENTS)
		return;
	sorted = xreallocarray(NULL, n, sizeof *sorted);
	memcpy(sorted, ev, n * sizeof *sorted);
	for (i = 1; i < n && ok; i++) {
		x = sorted[i];
		for (j = i; j > 0 && osv_event_before(eco, &x, &sorted[j - 1], &ok); j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = x;
	}
	if (ok)
		memcpy(ev, sorted, n * sizeof *ev);
	free(sorted);
}

/*
 * One SEMVER or ECOSYSTEM range, as OSV's evaluation reads it: the events
 * in version order, an "introduced" making the versions from it affected
 * until a "fixed" (exclusive) or "last_affected" (inclusive); an interval
 * still open at the end has no fix. "limit" events bound the whole range
 * (below any of them; "*" is no bound): every row carries the highest.
 */
static int
osv_range(struct vulndb *vdb, const char *feed, const struct osv_record *r,
    struct osv_entry *e, json_t *range, struct osv_stats *st,
    int64_t *records, char **cause)
{
	json_t			*events, *ev;
	struct osv_event	*v;
	const char		*intro = NULL, *limit = NULL, *s;
	size_t			 i, n = 0;
	int			 open = 0, rc = 0, cmp, nolimit = 0;

	events = json_object_get(range, "events");
	if (!json_is_array(events))
		return fail(cause, HS_EINVAL, "%s: %s: range without events", r->id,
		    e->pkg);
	v = xcalloc(json_array_size(events) + 1, sizeof *v);
	json_array_foreach(events, i, ev) {
		if ((s = json_string_value(json_object_get(ev, "introduced"))) != NULL)
			v[n].type = OSV_INTRODUCED;
		else if ((s = json_string_value(json_object_get(ev, "fixed"))) != NULL)
			v[n].type = OSV_FIXED;
		else if ((s = json_string_value(json_object_get(ev,
		    "last_affected"))) != NULL)
			v[n].type = OSV_LAST;
		else if ((s = json_string_value(json_object_get(ev, "limit"))) != NULL) {
			if (strchr(s, '*') != NULL)
				nolimit = 1;
			else if (limit == NULL || (version_cmp(e->t->ecosystem, s, limit,
			    &cmp) == 0 && cmp > 0) || version_cmp(e->t->ecosystem, s,
			    limit, &cmp) != 0)
				limit = s;
			continue;
		} else
			continue;
		v[n++].v = s;
	}
	if (nolimit)
		limit = NULL;
	osv_events_sort(e->t->ecosystem, v, n);
	for (i = 0; rc == 0 && i < n; i++) {
		switch (v[i].type) {
		case OSV_INTRODUCED:
			if (!open)
				intro = v[i].v;
			open = 1;
			break;
		case OSV_FIXED:
			if (!open)
				break;
			if (intro != NULL && strcmp(intro, v[i].v) == 0)
				st->empty++;
			else
				rc = osv_add(vdb, feed, r, e, intro, v[i].v, NULL,
				    limit, records, cause);
			open = 0;
			break;
		case OSV_LAST:
			if (open)
				rc = osv_add(vdb, feed, r, e, intro, NULL, v[i].v,
				    limit, records, cause);
			open = 0;
			break;
		case OSV_LIMIT:
			break;
		}
	}
	if (rc == 0 && open)
		rc = osv_add(vdb, feed, r, e, intro, NULL, NULL, limit, records,
		    cause);
	free(v);
	return rc;
}

/*
 * The versions[] list of a language entry: a version no range of the entry
 * covers is affected alone, a row [v, v] (no fix named). osv.dev writes the
 * list from the ranges, so most add nothing; GIT-only entries and GitHub's
 * "= 1.2.3" ones add rows. A version the ecosystem's order refuses would
 * only warn at every scan: it is dropped here, counted.
 */
static int
osv_versions(struct vulndb *vdb, const char *feed, const struct osv_record *r,
    struct osv_entry *e, json_t *versions, struct osv_stats *st,
    int64_t *records, char **cause)
{
	json_t		*x;
	const char	*s;
	size_t		 i;
	int		 rc;

	json_array_foreach(versions, i, x) {
		if ((s = json_string_value(x)) == NULL || *s == '\0')
			continue;
		if (!version_valid(e->t->ecosystem, s)) {
			st->bad_listed++;
			continue;
		}
		if (osv_covered(e, s))
			continue;
		if ((rc = osv_add(vdb, feed, r, e, s, NULL, s, NULL, records,
		    cause)) != 0)
			return rc;
		st->listed++;
	}
	return 0;
}

/*
 * Go records list the packages of a module a flaw is in, with the systems
 * it is in when not all ("goos": ["windows"]). Images run Linux: an entry
 * every package of which is for other systems only does not apply.
 */
static int
osv_go_other_os(json_t *aff)
{
	json_t		*imports, *imp, *goos, *g;
	const char	*s;
	size_t		 i, j;

	imports = json_object_get(json_object_get(aff, "ecosystem_specific"),
	    "imports");
	if (!json_is_array(imports) || json_array_size(imports) == 0)
		return 0;
	json_array_foreach(imports, i, imp) {
		goos = json_object_get(imp, "goos");
		if (!json_is_array(goos) || json_array_size(goos) == 0)
			return 0;
		json_array_foreach(goos, j, g) {
			if ((s = json_string_value(g)) != NULL &&
			    strcmp(s, "linux") == 0)
				return 0;
		}
	}
	return 1;
}

static int
osv_affected(struct vulndb *vdb, const char *feed, const struct osv_record *r,
    json_t *aff, struct osv_stats *st, int64_t *records, char **cause)
{
	struct osv_target	 t;
	struct osv_entry	 e;
	json_t			*pkg, *ranges, *range, *versions, *sevs;
	const char		*eco, *name, *type, *info;
	char			*canon = NULL;
	size_t			 i;
	int			 rc = 0, used = 0, lang;

	pkg = json_object_get(aff, "package");
	eco = json_string_value(json_object_get(pkg, "ecosystem"));
	name = json_string_value(json_object_get(pkg, "name"));
	if (eco == NULL || name == NULL || *name == '\0') {
		/* affected[] may name only a purl: not ours. */
		st->ecosystem++;
		return 0;
	}
	if (osv_target(eco, &t) != 0) {
		st->ecosystem++;
		return 0;
	}
	lang = ecosystem_is_lang(t.ecosystem);
	if (t.ecosystem == ECO_GO && osv_go_other_os(aff)) {
		st->goos++;
		free(t.namespace);
		return 0;
	}
	memset(&e, 0, sizeof e);
	e.t = &t;
	e.pkg = name;
	if (lang)
		e.pkg = canon = ecosystem_package_name(t.ecosystem, name);
	e.sev = r->severity;
	e.raw = r->source_severity;
	if (lang && (sevs = json_object_get(aff, "severity")) != NULL &&
	    json_is_array(sevs))
		osv_severity_array(sevs, &e.sev, &e.raw);
	osv_affected_severity(aff, &e.sev, &e.raw);
	info = json_string_value(json_object_get(json_object_get(aff,
	    "database_specific"), "informational"));
	if (lang && info != NULL && *info != '\0') {
		/* A notice, not a flaw: no severity, whatever a vector says. */
		e.informational = info;
		e.sev = SEV_UNKNOWN;
		e.raw = NULL;
		st->informational++;
	}

	ranges = json_object_get(aff, "ranges");
	json_array_foreach(ranges, i, range) {
		type = json_string_value(json_object_get(range, "type"));
		if (type == NULL) {
			rc = fail(cause, HS_EINVAL, "%s: %s: range without a type",
			    r->id, name);
			break;
		}
		if (strcmp(type, "SEMVER") == 0 && !lang) {
			st->semver++;
			continue;
		}
		if (strcmp(type, "ECOSYSTEM") != 0 && strcmp(type, "SEMVER") != 0) {
			st->git++;
			continue;
		}
		used = 1;
		if ((rc = osv_range(vdb, feed, r, &e, range, st, records,
		    cause)) != 0)
			break;
	}
	versions = json_object_get(aff, "versions");
	if (rc == 0 && json_is_array(versions) && json_array_size(versions) > 0) {
		if (lang)
			rc = osv_versions(vdb, feed, r, &e, versions, st, records,
			    cause);
		else if (!used)
			st->versions_only++;
	}
	free(e.iv);
	free(canon);
	free(t.namespace);
	return rc;
}

static void
osv_record_clear(struct osv_record *r)
{
	free(r->description);
	free(r->link);
	free(r->source_severity_buf);
	free(r->aliases);
	memset(r, 0, sizeof *r);
}

/* Does any affected[] entry name a language ecosystem? */
static int
osv_record_lang(json_t *affected)
{
	json_t	*aff;
	size_t	 i;

	json_array_foreach(affected, i, aff) {
		if (osv_lang_ecosystem(json_string_value(json_object_get(
		    json_object_get(aff, "package"), "ecosystem"))) != ECO_UNKNOWN)
			return 1;
	}
	return 0;
}

static int
osv_record(struct vulndb *vdb, const char *feed, json_t *rec, struct osv_stats *st,
    int64_t *records, char **cause)
{
	struct osv_record	 r;
	json_t			*affected, *aff, *sevs;
	size_t			 i;
	int			 rc = 0;

	if (!json_is_object(rec))
		return fail(cause, HS_EINVAL, "record is not an object");
	memset(&r, 0, sizeof r);
	if ((r.id = json_string_value(json_object_get(rec, "id"))) == NULL ||
	    *r.id == '\0')
		return fail(cause, HS_EINVAL, "record without an id");
	st->records++;
	if (json_string_value(json_object_get(rec, "withdrawn")) != NULL) {
		st->withdrawn++;
		return 0;
	}
	affected = json_object_get(rec, "affected");
	if (affected != NULL && !json_is_array(affected))
		return fail(cause, HS_EINVAL, "%s: affected is not an array", r.id);

	r.vuln_id = osv_vuln_id(rec, r.id, osv_record_lang(affected));
	osv_aliases(rec, &r);
	r.description = osv_description(rec);
	r.link = osv_link(rec, r.id);
	r.severity = SEV_UNKNOWN;
	/*
	 * GitHub's own rating (database_specific.severity of a GHSA record)
	 * first: it is what GitHub shows, and it weighs the CVSS vectors the
	 * record carries. Then the vendor's or CVSS's, then a summary's word.
	 */
	r.source_severity = json_string_value(json_object_get(
	    json_object_get(rec, "database_specific"), "severity"));
	if (osv_severity_word(r.source_severity, &r.severity) != 0) {
		r.source_severity = NULL;
		r.severity = SEV_UNKNOWN;
	}
	if (r.source_severity == NULL &&
	    (sevs = json_object_get(rec, "severity")) != NULL && json_is_array(sevs))
		osv_severity_array(sevs, &r.severity, &r.source_severity);
	if (r.source_severity == NULL && osv_summary_severity(json_string_value(
	    json_object_get(rec, "summary")), &r.severity, &r.source_severity_buf) == 0)
		r.source_severity = r.source_severity_buf;

	json_array_foreach(affected, i, aff) {
		if ((rc = osv_affected(vdb, feed, &r, aff, st, records, cause)) != 0)
			break;
	}
	osv_record_clear(&r);
	return rc;
}

/* A record or an array of records, as JSON text. */
static int
osv_json(struct vulndb *vdb, const char *feed, const char *what, const char *data,
    size_t len, struct osv_stats *st, int64_t *records, char **cause)
{
	json_t		*root, *rec;
	json_error_t	 err;
	size_t		 i;
	int		 rc = 0;

	if ((root = json_loadb(data, len, 0, &err)) == NULL) {
		return fail(cause, HS_EINVAL, "%s%sline %d column %d: %s",
		    what != NULL ? what : "", what != NULL ? ": " : "",
		    err.line, err.column, err.text);
	}
	if (json_is_array(root)) {
		json_array_foreach(root, i, rec) {
			if ((rc = osv_record(vdb, feed, rec, st, records, cause)) != 0) {
				cause_prefix(cause, "record %zu", i);
				break;
			}
		}
	} else
		rc = osv_record(vdb, feed, root, st, records, cause);
	if (rc != 0 && what != NULL)
		cause_prefix(cause, "%s", what);
	json_decref(root);
	return rc;
}

/*
 * YAML records (the PyPA repository's own form) as the JSON tree the rest
 * reads: mappings to objects, sequences to arrays, every scalar a string
 * but a plain "~", "null" or empty one. An alias is the node it names, so a
 * tree is bounded in depth and in values (a file of aliases to aliases
 * would otherwise grow without end).
 */
struct osv_yaml {
	yaml_document_t	*doc;
	size_t		 values;	/* made so far */
	size_t		 max_values;
};

static json_t *
osv_yaml_node(struct osv_yaml *y, yaml_node_t *n, int depth)
{
	yaml_node_pair_t	*p;
	yaml_node_item_t	*it;
	yaml_node_t		*k;
	json_t			*o, *v;
	const char		*s;

	if (n == NULL || depth > OSV_MAX_DEPTH || ++y->values > y->max_values)
		return NULL;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		s = (const char *)n->data.scalar.value;
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (n->data.scalar.length == 0 || strcmp(s, "~") == 0 ||
		    strcmp(s, "null") == 0))
			return json_null();
		return json_stringn_nocheck(s, n->data.scalar.length);
	case YAML_SEQUENCE_NODE:
		o = json_array();
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++) {
			if ((v = osv_yaml_node(y, yaml_document_get_node(y->doc, *it),
			    depth + 1)) == NULL) {
				json_decref(o);
				return NULL;
			}
			json_array_append_new(o, v);
		}
		return o;
	case YAML_MAPPING_NODE:
		o = json_object();
		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
		    p++) {
			k = yaml_document_get_node(y->doc, p->key);
			if (k == NULL || k->type != YAML_SCALAR_NODE ||
			    (v = osv_yaml_node(y, yaml_document_get_node(y->doc,
			    p->value), depth + 1)) == NULL) {
				json_decref(o);
				return NULL;
			}
			json_object_setn_new_nocheck(o, (const char *)k->data.scalar.value,
			    k->data.scalar.length, v);
		}
		return o;
	default:
		return NULL;
	}
}

/* Each document of a YAML stream: a record or a list of records. */
static int
osv_yaml(struct vulndb *vdb, const char *feed, const char *what, const char *data,
    size_t len, struct osv_stats *st, int64_t *records, char **cause)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	yaml_node_t	*top;
	struct osv_yaml	 y;
	json_t		*root, *rec;
	size_t		 i, ndoc;
	int		 rc = 0;

	if (!yaml_parser_initialize(&parser))
		return fail(cause, HS_ERR, "cannot start the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	for (ndoc = 0; rc == 0; ndoc++) {
		if (!yaml_parser_load(&parser, &doc)) {
			rc = fail(cause, HS_EINVAL, "line %zu column %zu: %s%s%s",
			    parser.problem_mark.line + 1,
			    parser.problem_mark.column + 1,
			    parser.problem != NULL ? parser.problem : "invalid YAML",
			    parser.context != NULL ? " " : "",
			    parser.context != NULL ? parser.context : "");
			break;
		}
		if ((top = yaml_document_get_root_node(&doc)) == NULL) {
			yaml_document_delete(&doc);
			if (ndoc == 0)
				rc = fail(cause, HS_EINVAL, "no YAML document");
			break;
		}
		memset(&y, 0, sizeof y);
		y.doc = &doc;
		y.max_values = 100000 + 4 * len;
		root = osv_yaml_node(&y, top, 0);
		yaml_document_delete(&doc);
		if (root == NULL) {
			rc = fail(cause, HS_EINVAL, "document %zu: nested deeper than"
			    " %d, more than %zu values, or a key that is not a"
			    " scalar", ndoc + 1, OSV_MAX_DEPTH, y.max_values);
			break;
		}
		if (json_is_array(root)) {
			json_array_foreach(root, i, rec) {
				if ((rc = osv_record(vdb, feed, rec, st, records,
				    cause)) != 0) {
					cause_prefix(cause, "record %zu", i);
					break;
				}
			}
		} else
			rc = osv_record(vdb, feed, root, st, records, cause);
		json_decref(root);
	}
	yaml_parser_delete(&parser);
	if (rc != 0 && what != NULL)
		cause_prefix(cause, "%s", what);
	return rc;
}

/* JSON text starts with "{" or "[" (after blanks); anything else is YAML. */
static int
osv_is_json(const char *data, size_t len)
{
	size_t	i = 0;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
	    data[i] == '\r'))
		i++;
	return i < len && (data[i] == '{' || data[i] == '[');
}

static int
osv_text(struct vulndb *vdb, const char *feed, const char *what, const char *data,
    size_t len, struct osv_stats *st, int64_t *records, char **cause)
{
	if (osv_is_json(data, len))
		return osv_json(vdb, feed, what, data, len, st, records, cause);
	return osv_yaml(vdb, feed, what, data, len, st, records, cause);
}

/*
 * osv.dev's per-ecosystem export: all.zip, one <ID>.json per record; a zip
 * of a repository of YAML records (.yaml, .yml) reads the same way.
 */
static int
osv_zip(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    struct osv_stats *st, int64_t *records, char **cause)
{
	struct archive		*ar;
	struct archive_entry	*ae;
	struct buf		 b;
	const char		*path;
	char			 tmp[65536];
	la_ssize_t		 n;
	la_int64_t		 size;
	int64_t			 entries = 0;
	int			 r, rc = 0;

	buf_init(&b);
	ar = archive_read_new();
	archive_read_support_format_zip(ar);
	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK) {
		rc = fail(cause, HS_EINVAL, "zip: %s", archive_error_string(ar));
		goto out;
	}
	while ((r = archive_read_next_header(ar, &ae)) == ARCHIVE_OK) {
		if (++entries > OSV_MAX_ENTRIES) {
			rc = fail(cause, HS_ELIMIT, "zip: more than %d entries",
			    OSV_MAX_ENTRIES);
			goto out;
		}
		path = archive_entry_pathname(ae);
		if (archive_entry_filetype(ae) != AE_IFREG || path == NULL ||
		    (!str_ends(path, ".json") && !str_ends(path, ".yaml") &&
		    !str_ends(path, ".yml")))
			continue;
		size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : 0;
		if (size < 0 || (uint64_t)size > OSV_MAX_ENTRY) {
			rc = fail(cause, HS_ELIMIT, "zip: %s: larger than %zu bytes",
			    path, OSV_MAX_ENTRY);
			goto out;
		}
		b.len = 0;
		while ((n = archive_read_data(ar, tmp, sizeof tmp)) > 0) {
			if (b.len + (size_t)n > OSV_MAX_ENTRY) {
				rc = fail(cause, HS_ELIMIT, "zip: %s: larger than"
				    " %zu bytes", path, OSV_MAX_ENTRY);
				goto out;
			}
			buf_add(&b, tmp, n);
		}
		if (n < 0) {
			rc = fail(cause, HS_EINVAL, "zip: %s: %s", path,
			    archive_error_string(ar));
			goto out;
		}
		if ((rc = (str_ends(path, ".json") ? osv_json : osv_yaml)(vdb,
		    feed, path, b.data, b.len, st, records, cause)) != 0)
			goto out;
	}
	if (r != ARCHIVE_EOF)
		rc = fail(cause, HS_EINVAL, "zip: %s", archive_error_string(ar));
out:
	archive_read_free(ar);
	buf_free(&b);
	return rc;
}

static int
osv_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	struct osv_stats	st;
	int			rc;

	memset(&st, 0, sizeof st);
	*records = 0;
	if (len >= 4 && memcmp(data, "PK\003\004", 4) == 0)
		rc = osv_zip(vdb, feed, data, len, &st, records, cause);
	else
		rc = osv_text(vdb, feed, NULL, data, len, &st, records, cause);
	if (rc != 0)
		return rc;
	if (st.semver + st.versions_only > 0) {
		log_warn("%s: %lld SEMVER ranges of distribution packages (not their"
		    " order) and %lld version-list entries skipped", feed,
		    (long long)st.semver, (long long)st.versions_only);
	}
	log_debug("%s: %lld OSV records, %lld rows (%lld of listed versions no"
	    " range covers, %lld informational); skipped %lld withdrawn, %lld"
	    " entries of other ecosystems, %lld Go entries for other systems,"
	    " %lld GIT ranges, %lld empty ranges, %lld listed versions not valid",
	    feed, (long long)st.records, (long long)*records,
	    (long long)st.listed, (long long)st.informational,
	    (long long)st.withdrawn, (long long)st.ecosystem, (long long)st.goos,
	    (long long)st.git, (long long)st.empty, (long long)st.bad_listed);
	return 0;
}

/*
 * A JSON object with OSV's "affected" beside an "id", a YAML record (keys
 * "id:" and "affected:" at the start of a line), or an osv.dev zip.
 */
static int
osv_detect(const char *data, size_t len)
{
	size_t	n;

	if (len >= 4 && memcmp(data, "PK\003\004", 4) == 0)
		return 1;
	n = len < 65536 ? len : 65536;
	if (osv_is_json(data, len))
		return memmem(data, n, "\"affected\"", 10) != NULL &&
		    memmem(data, n, "\"id\"", 4) != NULL &&
		    memmem(data, n, "\"csaf_version\"", 14) == NULL;
	return ((n >= 3 && memcmp(data, "id:", 3) == 0) ||
	    memmem(data, n, "\nid:", 4) != NULL) &&
	    ((n >= 9 && memcmp(data, "affected:", 9) == 0) ||
	    memmem(data, n, "\naffected:", 10) != NULL);
}

const struct feed_format feed_format_osv = {
	.name = "osv",
	.detect = osv_detect,
	.import = osv_import,
};
