/*
 * OSV, OVAL and CSAF importers against the real feed files in the shared
 * fixtures: rows read back with vulndb_lookup, checked against values read by
 * hand from the named records. "test-feeds --import FILE" (used by feeds.sh)
 * imports one file into a fresh database and prints its row count.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#include "tap.h"

static const char	*fixtures;
static char		 tmpdir[] = "/tmp/hullscan-feeds.XXXXXX";
static int		 dbn;

/* A fresh database holding one imported file (format NULL: detected). */
static struct vulndb *
import_one(const char *rel, const char *format, int64_t *records, char **cause)
{
	struct vulndb	*vdb = NULL;
	char		*dbpath, *path;
	int		 rc;

	*records = -1;
	dbpath = xasprintf("%s/v%d.db", tmpdir, dbn++);
	path = rel[0] == '/' || *fixtures == '\0' ? xstrdup(rel) : xasprintf("%s/%s", fixtures, rel);
	if ((rc = vulndb_open(dbpath, VULNDB_CREATE, &vdb, cause)) == 0 &&
	    (rc = feed_import_file(vdb, path, format, NULL, records, cause)) != 0) {
		vulndb_close(vdb);
		vdb = NULL;
	}
	if (rc == 0) {
		/* A success may leave a note in *cause (db.c's "no feed named …"). */
		free(*cause);
		*cause = NULL;
	}
	free(dbpath);
	free(path);
	return vdb;
}

/* What one lookup found: the rows of one vulnerability id. */
struct want {
	const char	*vuln_id;
	int		 n;
	char		*fixed[16];
	char		*introduced[16];
	char		*status[16];
	enum severity	 severity;
	char		*source_severity;
	char		*link;
	char		*description;
};

static int
want_cb(const struct advisory *a, void *arg)
{
	struct want	*w = arg;

	if (w->vuln_id != NULL && strcmp(a->vuln_id, w->vuln_id) != 0)
		return 0;
	if (w->n < 16) {
		w->fixed[w->n] = a->fixed_version ? xstrdup(a->fixed_version) : NULL;
		w->introduced[w->n] = a->introduced ? xstrdup(a->introduced) : NULL;
		w->status[w->n] = xstrdup(a->status);
	}
	w->n++;
	w->severity = a->severity;
	free(w->source_severity);
	free(w->link);
	free(w->description);
	w->source_severity = a->source_severity ? xstrdup(a->source_severity) : NULL;
	w->link = a->link ? xstrdup(a->link) : NULL;
	w->description = a->description ? xstrdup(a->description) : NULL;
	return 0;
}

static void
want_clear(struct want *w)
{
	int	i;

	for (i = 0; i < w->n && i < 16; i++) {
		free(w->fixed[i]);
		free(w->introduced[i]);
		free(w->status[i]);
	}
	free(w->source_severity);
	free(w->link);
	free(w->description);
	memset(w, 0, sizeof *w);
}

static void
lookup(struct vulndb *vdb, const char *ns, enum pkg_kind kind, const char *pkg,
    const char *id, struct want *w)
{
	char	*cause = NULL;

	memset(w, 0, sizeof *w);
	w->vuln_id = id;
	if (vdb == NULL)
		return;
	if (vulndb_lookup(vdb, ns, kind, pkg, want_cb, w, &cause) != 0) {
		tap_diag("lookup %s %s: %s", ns, pkg, cause);
		free(cause);
	}
}

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* One row expected: id, fixed version (NULL: open), severity. */
static void
check_row(struct vulndb *vdb, const char *file, const char *ns, enum pkg_kind kind,
    const char *pkg, const char *id, const char *fixed, enum severity sev)
{
	struct want	w;

	lookup(vdb, ns, kind, pkg, id, &w);
	if (!tap_ok(w.n == 1 && streq(w.fixed[0], fixed) && w.severity == sev &&
	    streq(w.status[0], fixed != NULL ? "fixed" : "open"),
	    "%s: %s %s %s: fixed %s, %s", file, ns, pkg, id,
	    fixed != NULL ? fixed : "(none)", severity_name(sev))) {
		tap_diag("got %d rows, fixed %s, status %s, severity %s", w.n,
		    w.n > 0 && w.fixed[0] ? w.fixed[0] : "(none)",
		    w.n > 0 ? w.status[0] : "-", severity_name(w.severity));
	}
	want_clear(&w);
}

/* No row at all for (ns, pkg, id). */
static void
check_none(struct vulndb *vdb, const char *file, const char *ns, enum pkg_kind kind,
    const char *pkg, const char *id, const char *why)
{
	struct want	w;

	lookup(vdb, ns, kind, pkg, id, &w);
	tap_ok(vdb != NULL && w.n == 0, "%s: no %s row for %s %s (%s)", file, ns,
	    pkg, id != NULL ? id : "", why);
	want_clear(&w);
}

/*
 * CVSS v3 base scores against Red Hat's own: every cvss3="SCORE/VECTOR"
 * attribute of the OVAL files gives both.
 */
static void
test_cvss(void)
{
	static const char	*files[] = {
		"feeds/redhat-oval/com.redhat.rhsa-RHEL8.xml",
		"feeds/redhat-oval/rhel-8.oval.v2.xml",
	};
	char	*path, *data, *cause = NULL, *p, *end, *vec;
	size_t	 len, i;
	double	 want, got;
	int	 n, bad;

	for (i = 0; i < NELEM(files); i++) {
		path = xasprintf("%s/%s", fixtures, files[i]);
		if (file_read(path, 64 << 20, &data, &len, &cause) != 0) {
			tap_ok(0, "read %s: %s", files[i], cause);
			free(cause);
			cause = NULL;
			free(path);
			continue;
		}
		n = bad = 0;
		for (p = data; (p = strstr(p, "cvss3=\"")) != NULL; p = end) {
			p += 7;
			if ((end = strchr(p, '"')) == NULL)
				break;
			want = strtod(p, &vec);
			if (*vec != '/')
				continue;
			vec = xstrndup(vec + 1, end - vec - 1);
			if (feed_cvss3_score(vec, &got) != 0 ||
			    (long)(got * 10 + 0.5) != (long)(want * 10 + 0.5)) {
				if (bad++ < 3)
					tap_diag("%s: %s: Red Hat says %.1f, got %.1f",
					    files[i], vec, want, got);
			}
			n++;
			free(vec);
		}
		tap_ok(n > 100 && bad == 0, "%s: %d CVSS v3 vectors score as Red Hat"
		    " says (%d differ)", files[i], n, bad);
		free(data);
		free(path);
	}
	tap_ok(feed_cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N", &got) != 0,
	    "a vector without A: is refused");
	tap_ok(feed_cvss3_score("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", &got) != 0,
	    "a CVSS v2 vector is not scored as v3");
}

/*
 * CVSS v4.0 base scores against FIRST's calculator: tests/cvss4-vectors.txt
 * (base, threat, environmental and supplemental metrics); malformed vectors
 * refused.
 */
static void
test_cvss4(void)
{
	static const char	*bad[] = {
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
		"CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		"CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/ZZ:1",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:4.0/AV:NN/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	};
	const char	*top = getenv("top_srcdir");
	char		*path, *data, *cause = NULL, *line, *next, *sep;
	size_t		 len, i;
	double		 want, got;
	int		 n = 0, differ = 0;

	path = xasprintf("%s/tests/cvss4-vectors.txt", top != NULL ? top : "..");
	if (file_read(path, 1 << 20, &data, &len, &cause) != 0) {
		tap_ok(0, "%s", cause);
		free(cause);
		free(path);
		return;
	}
	for (line = data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || (sep = strstr(line, " - ")) == NULL)
			continue;
		*sep = '\0';
		want = strtod(sep + 3, NULL);
		n++;
		if (feed_cvss4_score(line, &got) != 0 ||
		    (long)(got * 10 + 0.5) != (long)(want * 10 + 0.5)) {
			if (differ++ < 3)
				tap_diag("%s: FIRST's calculator says %.1f, got %.1f",
				    line, want, got);
		}
	}
	tap_ok(n > 150 && differ == 0, "%d CVSS v4.0 vectors score as FIRST's"
	    " calculator does (%d differ)", n, differ);
	for (i = 0; i < NELEM(bad); i++)
		tap_ok(feed_cvss4_score(bad[i], &got) != 0, "refused: %s", bad[i]);
	free(data);
	free(path);
}

/* Write data to tmpdir/name with every "from" replaced by "to"; the path. */
static char *
rewrite(const char *rel, const char *name, const char *from, const char *to)
{
	struct buf	 b;
	char		*path, *data, *cause = NULL, *p, *q;
	size_t		 len;

	path = xasprintf("%s/%s", fixtures, rel);
	if (file_read(path, 64 << 20, &data, &len, &cause) != 0) {
		tap_diag("%s", cause);
		free(cause);
		free(path);
		return NULL;
	}
	free(path);
	buf_init(&b);
	for (p = data; (q = strstr(p, from)) != NULL; p = q + strlen(from)) {
		buf_add(&b, p, q - p);
		buf_adds(&b, to);
	}
	buf_adds(&b, p);
	path = xasprintf("%s/%s", tmpdir, name);
	if (file_write_atomic(path, b.data, b.len, &cause) != 0) {
		tap_diag("%s", cause);
		free(cause);
		free(path);
		path = NULL;
	}
	buf_free(&b);
	free(data);
	return path;
}

static void
test_osv(void)
{
	struct vulndb	*vdb;
	struct want	 w;
	char		*cause = NULL, *path;
	int64_t		 n;
	const char	*f;

	/*
	 * USN-5380-1: bash, Ubuntu:18.04:LTS fixed 4.4.18-2ubuntu1.3;
	 * Ubuntu:Pro:14.04:LTS 4.3-7ubuntu1.8+esm2. No severity of its own.
	 */
	f = "feeds/ubuntu-osv-bionic/USN-5380-1.json";
	vdb = import_one(f, NULL, &n, &cause);
	if (!tap_ok(vdb != NULL && n == 4, "%s: detected and imported, 4 rows (%lld)",
	    f, (long long)n)) {
		tap_diag("%s", cause != NULL ? cause : "");
		free(cause);
		cause = NULL;
	}
	check_row(vdb, f, "ubuntu:18.04", PKG_SOURCE, "bash", "USN-5380-1",
	    "4.4.18-2ubuntu1.3", SEV_UNKNOWN);
	check_row(vdb, f, "ubuntu-pro:14.04", PKG_SOURCE, "bash", "USN-5380-1",
	    "4.3-7ubuntu1.8+esm2", SEV_UNKNOWN);
	check_none(vdb, f, "ubuntu:14.04", PKG_SOURCE, "bash", NULL,
	    "Ubuntu:Pro:14.04:LTS is not 14.04");
	check_none(vdb, f, "ubuntu:18.04", PKG_BINARY, "bash", NULL,
	    "Ubuntu names source packages");
	lookup(vdb, "ubuntu:18.04", PKG_SOURCE, "bash", "USN-5380-1", &w);
	tap_ok(w.n == 1 && streq(w.link, "https://ubuntu.com/security/notices/USN-5380-1"),
	    "%s: link is the ADVISORY reference", f);
	want_clear(&w);
	vulndb_close(vdb);

	/*
	 * UBUNTU-CVE-2021-33560 (schema 1.7.0): CVE-2021-33560, Ubuntu priority
	 * "low" beside a CVSS 7.5 vector: the priority wins. 18.04 libgcrypt20
	 * fixed 1.8.1-4ubuntu1.3; FIPS-updates 1.8.1-4ubuntu1.fips.3.
	 */
	f = "feeds/ubuntu-osv-bionic/UBUNTU-CVE-2021-33560.json";
	vdb = import_one(f, "osv", &n, &cause);
	tap_ok(vdb != NULL, "%s: imported (%lld rows)", f, (long long)n);
	check_row(vdb, f, "ubuntu:18.04", PKG_SOURCE, "libgcrypt20", "CVE-2021-33560",
	    "1.8.1-4ubuntu1.3", SEV_LOW);
	check_row(vdb, f, "ubuntu-pro-fips-updates:18.04", PKG_SOURCE, "libgcrypt20",
	    "CVE-2021-33560", "1.8.1-4ubuntu1.fips.3", SEV_LOW);
	check_none(vdb, f, "ubuntu:18.04", PKG_SOURCE, "libgcrypt20",
	    "UBUNTU-CVE-2021-33560", "the CVE id, not Canonical's record id");
	vulndb_close(vdb);

	/*
	 * UBUNTU-CVE-2013-4235 (schema 1.6.3): shadow, Ubuntu:Pro:18.04:LTS
	 * introduced 0 and no fix: open; priority in
	 * ecosystem_specific.ubuntu_priority.
	 */
	f = "feeds/ubuntu-osv-bionic/UBUNTU-CVE-2013-4235.json";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb != NULL, "%s: imported (%lld rows)", f, (long long)n);
	lookup(vdb, "ubuntu-pro:18.04", PKG_SOURCE, "shadow", "CVE-2013-4235", &w);
	tap_ok(w.n == 1 && w.fixed[0] == NULL && w.introduced[0] == NULL &&
	    streq(w.status[0], "open") && w.severity == SEV_LOW &&
	    streq(w.source_severity, "low"),
	    "%s: Pro 18.04 shadow open, no bounds, priority low (%d rows, %s)", f,
	    w.n, w.source_severity ? w.source_severity : "-");
	want_clear(&w);
	check_none(vdb, f, "ubuntu:18.04", PKG_SOURCE, "shadow", NULL,
	    "only a Pro 18.04 entry");
	vulndb_close(vdb);

	/*
	 * UBUNTU-CVE-2021-3782: wayland 18.04 fixed 1.16.0-1ubuntu1.1~18.04.4,
	 * priority medium.
	 */
	f = "feeds/osv/UBUNTU-CVE-2021-3782.json";
	vdb = import_one(f, NULL, &n, &cause);
	check_row(vdb, f, "ubuntu:18.04", PKG_SOURCE, "wayland", "CVE-2021-3782",
	    "1.16.0-1ubuntu1.1~18.04.4", SEV_MEDIUM);
	vulndb_close(vdb);

	/*
	 * USN-5080-1: its cves_map gives CVE-2021-33560 "low" and
	 * CVE-2021-40528 "medium" for 18.04: the USN row takes medium.
	 */
	f = "feeds/ubuntu-osv-bionic/USN-5080-1.json";
	vdb = import_one(f, NULL, &n, &cause);
	check_row(vdb, f, "ubuntu:18.04", PKG_SOURCE, "libgcrypt20", "USN-5080-1",
	    "1.8.1-4ubuntu1.3", SEV_MEDIUM);
	vulndb_close(vdb);

	/*
	 * ALSA-2022:8194: AlmaLinux:9 binaries libtiff, libtiff-devel,
	 * libtiff-tools fixed 4.4.0-2.el9; "Moderate:" summary.
	 */
	f = "feeds/osv/ALSA-2022_8194.json";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb != NULL && n == 3, "%s: 3 rows (%lld)", f, (long long)n);
	check_row(vdb, f, "almalinux:9", PKG_BINARY, "libtiff-tools", "ALSA-2022:8194",
	    "4.4.0-2.el9", SEV_MEDIUM);
	lookup(vdb, "almalinux:9", PKG_BINARY, "libtiff", "ALSA-2022:8194", &w);
	tap_ok(w.n == 1 && streq(w.link, "https://access.redhat.com/errata/RHSA-2022:8194"),
	    "%s: link is the first ADVISORY reference", f);
	want_clear(&w);
	vulndb_close(vdb);

	/*
	 * RLSA-2021:3891: Rocky Linux:8 java-11-openjdk fixed
	 * 1:11.0.13.0.8-1.el8_4; CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:N/A:N
	 * is 6.8 (Medium).
	 */
	f = "feeds/osv/RLSA-2021_3891.json";
	vdb = import_one(f, NULL, &n, &cause);
	check_row(vdb, f, "rocky:8", PKG_BINARY, "java-11-openjdk", "RLSA-2021:3891",
	    "1:11.0.13.0.8-1.el8_4", SEV_MEDIUM);
	vulndb_close(vdb);

	/*
	 * The ecosystem names of the OSV schema's list, on the same record:
	 * "Debian:12" is bookworm (source packages, dpkg), "Alpine:v3.18"
	 * alpine:v3.18 (apk origins).
	 */
	f = "feeds/osv/ALSA-2022_8194.json";
	if ((path = rewrite(f, "debian.json", "AlmaLinux:9", "Debian:12")) != NULL) {
		vdb = import_one(path, "osv", &n, &cause);
		check_row(vdb, "Debian:12 variant", "debian:bookworm", PKG_SOURCE,
		    "libtiff", "ALSA-2022:8194", "4.4.0-2.el9", SEV_MEDIUM);
		vulndb_close(vdb);
		free(path);
	}
	if ((path = rewrite(f, "alpine.json", "AlmaLinux:9", "Alpine:v3.18")) != NULL) {
		vdb = import_one(path, "osv", &n, &cause);
		check_row(vdb, "Alpine:v3.18 variant", "alpine:v3.18", PKG_SOURCE,
		    "libtiff", "ALSA-2022:8194", "4.4.0-2.el9", SEV_MEDIUM);
		vulndb_close(vdb);
		free(path);
	}

	/*
	 * CGA-xcpc-gm23-prj9: aliases CVE-2025-68121. Chainguard syncthing fixed
	 * 2.0.14-r1; syncthing-compat introduced 0 fixed 0 (never affected);
	 * Wolfi syncthing 2.0.14-r1. CVSS AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N
	 * is 5.5 (Medium).
	 */
	f = "feeds/osv/CGA-xcpc-gm23-prj9.json";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb != NULL && n == 3, "%s: 3 rows (%lld)", f, (long long)n);
	check_row(vdb, f, "chainguard:rolling", PKG_BINARY, "syncthing",
	    "CVE-2025-68121", "2.0.14-r1", SEV_MEDIUM);
	check_row(vdb, f, "wolfi:rolling", PKG_BINARY, "syncthing",
	    "CVE-2025-68121", "2.0.14-r1", SEV_MEDIUM);
	check_none(vdb, f, "chainguard:rolling", PKG_BINARY, "syncthing-compat", NULL,
	    "introduced 0, fixed 0: never affected");
	vulndb_close(vdb);
}

static void
test_oval(void)
{
	struct vulndb	*vdb;
	struct want	 w;
	char		*cause = NULL;
	int64_t		 n;
	const char	*f;

	/*
	 * RHSA-2019:0966 (Critical): "firefox is earlier than 0:60.6.1-1.el8"
	 * under "Red Hat Enterprise Linux 8 is installed"; CVE-2018-18506 has
	 * impact="moderate", CVE-2019-9793 "important", CVE-2019-9788 none (the
	 * RHSA's Critical).
	 */
	f = "feeds/redhat-oval/com.redhat.rhsa-RHEL8.xml";
	vdb = import_one(f, NULL, &n, &cause);
	if (!tap_ok(vdb != NULL && n > 0, "%s: detected and imported (%lld rows)",
	    f, (long long)n)) {
		tap_diag("%s", cause != NULL ? cause : "");
		free(cause);
		cause = NULL;
	}
	check_row(vdb, f, "rhel:8", PKG_BINARY, "firefox", "CVE-2018-18506",
	    "0:60.6.1-1.el8", SEV_MEDIUM);
	check_row(vdb, f, "rhel:8", PKG_BINARY, "firefox", "CVE-2019-9793",
	    "0:60.6.1-1.el8", SEV_HIGH);
	check_row(vdb, f, "rhel:8", PKG_BINARY, "firefox", "CVE-2019-9788",
	    "0:60.6.1-1.el8", SEV_CRITICAL);
	lookup(vdb, "rhel:8", PKG_BINARY, "firefox", "CVE-2019-9788", &w);
	tap_ok(w.n == 1 && streq(w.source_severity, "Critical") &&
	    streq(w.link, "https://access.redhat.com/security/cve/CVE-2019-9788") &&
	    w.description != NULL && str_starts(w.description, "RHSA-2019:0966"),
	    "%s: raw severity, CVE link and RHSA title kept", f);
	want_clear(&w);
	check_none(vdb, f, "rhel:8", PKG_BINARY, "firefox", "RHSA-2019:0966",
	    "rows carry the CVEs");
	vulndb_close(vdb);

	/*
	 * RHSA-2007:0066 (Low) covers RHEL 3, 4 and 5 in one definition:
	 * wireshark 0:0.99.5-EL3.1, 0:0.99.5-EL4.1, 0:0.99.5-1.el5.
	 * RHSA-2009:1526 (an end-of-life notice) names no CVE: its own id, for
	 * its four "redhat-release is earlier than 0:3{Desktop,WS,ES,AS}-13.9.7".
	 */
	f = "feeds/redhat-oval/Red_Hat_Enterprise_Linux_3.xml";
	vdb = import_one(f, "oval", &n, &cause);
	tap_ok(vdb != NULL, "%s: imported (%lld rows)", f, (long long)n);
	check_row(vdb, f, "rhel:3", PKG_BINARY, "wireshark", "CVE-2007-0456",
	    "0:0.99.5-EL3.1", SEV_LOW);
	check_row(vdb, f, "rhel:4", PKG_BINARY, "wireshark", "CVE-2007-0456",
	    "0:0.99.5-EL4.1", SEV_LOW);
	check_row(vdb, f, "rhel:5", PKG_BINARY, "wireshark", "CVE-2007-0459",
	    "0:0.99.5-1.el5", SEV_LOW);
	lookup(vdb, "rhel:3", PKG_BINARY, "redhat-release", "RHSA-2009:1526", &w);
	tap_ok(w.n == 4, "%s: RHSA-2009:1526 without CVE: 4 redhat-release rows"
	    " under its own id (%d)", f, w.n);
	want_clear(&w);
	vulndb_close(vdb);

	/*
	 * RHEA-2020:0330 (rhel-8 v2): "Module nodejs:12 is enabled", nodejs
	 * 1:12.14.1-1.module+el8.1.0+5466+30f75629; CVE-2019-16775 impact low.
	 */
	f = "feeds/redhat-oval/rhel-8.oval.v2.xml";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb != NULL, "%s: imported (%lld rows)", f, (long long)n);
	check_row(vdb, f, "rhel:8", PKG_BINARY, "nodejs:12/nodejs", "CVE-2019-16775",
	    "1:12.14.1-1.module+el8.1.0+5466+30f75629", SEV_LOW);
	check_none(vdb, f, "rhel:8", PKG_BINARY, "nodejs", "CVE-2019-16775",
	    "module packages are not plain packages");
	vulndb_close(vdb);

	/* ansible-2.8 v2, bzip2: RHSA-2019:1708 (Moderate) ansible 0:2.8.2-1.el8ae. */
	f = "feeds/redhat-oval/ansible-2.8.oval.v2.xml.bz2";
	if (archive_bzlib_version() == NULL)
		tap_skip("%s: this libarchive has no bzip2", f);
	else {
		vdb = import_one(f, NULL, &n, &cause);
		if (!tap_ok(vdb != NULL, "%s: bzip2 detected and imported (%lld rows)",
		    f, (long long)n)) {
			tap_diag("%s", cause != NULL ? cause : "");
			free(cause);
			cause = NULL;
		}
		check_row(vdb, f, "rhel:8", PKG_BINARY, "ansible", "CVE-2019-10156",
		    "0:2.8.2-1.el8ae", SEV_MEDIUM);
		vulndb_close(vdb);
	}

	/*
	 * Ubuntu xenial CVE-2015-4471 (Medium): "cabextract package in xenial is
	 * affected and needs fixing." (open), "libmspack package in xenial was
	 * vulnerable but has been fixed (note: '0.4-3')."
	 */
	f = "feeds/ubuntu-oval/fetcher_ubuntu_test.xenial.oval.xml";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb != NULL && n == 2, "%s: 2 rows (%lld)", f, (long long)n);
	check_row(vdb, f, "ubuntu:16.04", PKG_SOURCE, "cabextract", "CVE-2015-4471",
	    NULL, SEV_MEDIUM);
	check_row(vdb, f, "ubuntu:16.04", PKG_SOURCE, "libmspack", "CVE-2015-4471",
	    "0.4-3", SEV_MEDIUM);
	vulndb_close(vdb);
}

static void
test_csaf(void)
{
	struct vulndb	*vdb;
	struct want	 w;
	char		*cause = NULL, *path;
	int64_t		 n;
	const char	*f;

	/*
	 * RHSA-2024:0010 (CSAF advisory): tigervnc-server-0:1.13.1-3.el9_3.3 in
	 * AppStream-9.3.0.Z.MAIN (cpe:/a:redhat:enterprise_linux:9::appstream)
	 * fixes CVE-2023-5367, impact Important.
	 */
	f = "feeds/redhat-csaf-vex/rhsa-2024_0010.json";
	vdb = import_one(f, NULL, &n, &cause);
	if (!tap_ok(vdb != NULL && n > 0, "%s: detected and imported (%lld rows)",
	    f, (long long)n)) {
		tap_diag("%s", cause != NULL ? cause : "");
		free(cause);
		cause = NULL;
	}
	check_row(vdb, f, "rhel:9", PKG_BINARY, "tigervnc-server", "CVE-2023-5367",
	    "0:1.13.1-3.el9_3.3", SEV_HIGH);
	check_none(vdb, f, "rhel:9", PKG_BINARY, "tigervnc", "RHSA-2024:0010",
	    "rows carry the CVEs");
	lookup(vdb, "rhel:9", PKG_SOURCE, "tigervnc", NULL, &w);
	tap_ok(vdb != NULL && w.n == 0, "%s: tigervnc .src rpms give no row", f);
	want_clear(&w);
	vulndb_close(vdb);

	/*
	 * RHSA-2022:0011: telnet-1:0.17-65.el7_6 for RHEL 7.6 AUS/E4S/TUS only
	 * (cpe:/o:redhat:rhel_aus:7.6::server …): CVE-2020-10188, Important.
	 */
	f = "feeds/redhat-csaf-vex/rhsa-2022-0011.json";
	vdb = import_one(f, NULL, &n, &cause);
	check_row(vdb, f, "rhel-aus:7.6", PKG_BINARY, "telnet", "CVE-2020-10188",
	    "1:0.17-65.el7_6", SEV_HIGH);
	check_row(vdb, f, "rhel-e4s:7.6", PKG_BINARY, "telnet-server", "CVE-2020-10188",
	    "1:0.17-65.el7_6", SEV_HIGH);
	check_none(vdb, f, "rhel:7", PKG_BINARY, "telnet", NULL,
	    "an AUS fix is not a RHEL 7 fix");
	vulndb_close(vdb);

	/*
	 * CVE-2023-38545 (VEX): curl fixed in BaseOS-9.3.0.Z.MAIN at
	 * 0:7.76.1-26.el9_3.2 and BaseOS-9.2.0.Z.MAIN.EUS at 0:7.76.1-23.el9_2.4
	 * (both cpe:/o:redhat:enterprise_linux:9::baseos), 9.0 EUS at
	 * 0:7.76.1-14.el9_0.9; puppet-agent only for Satellite; Important.
	 */
	f = "feeds/redhat-csaf-vex/cve-2023-38545.json";
	vdb = import_one(f, NULL, &n, &cause);
	lookup(vdb, "rhel:9", PKG_BINARY, "curl", "CVE-2023-38545", &w);
	tap_ok(w.n == 2 && ((streq(w.fixed[0], "0:7.76.1-26.el9_3.2") &&
	    streq(w.fixed[1], "0:7.76.1-23.el9_2.4")) ||
	    (streq(w.fixed[1], "0:7.76.1-26.el9_3.2") &&
	    streq(w.fixed[0], "0:7.76.1-23.el9_2.4"))) && w.severity == SEV_HIGH &&
	    streq(w.link, "https://access.redhat.com/security/cve/CVE-2023-38545"),
	    "%s: rhel:9 curl fixed at el9_3.2 and el9_2.4 (%d rows)", f, w.n);
	want_clear(&w);
	check_row(vdb, f, "rhel-eus:9.0", PKG_BINARY, "libcurl", "CVE-2023-38545",
	    "0:7.76.1-14.el9_0.9", SEV_HIGH);
	check_none(vdb, f, "rhel:8", PKG_BINARY, "puppet-agent", NULL,
	    "Satellite is a layered product");
	vulndb_close(vdb);

	/* CVE-2024-22047: known_affected only for Satellite 6: nothing to store. */
	f = "feeds/redhat-csaf-vex/cve-2024-22047.json";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb != NULL && n == 0, "%s: imported, 0 rows (%lld)", f, (long long)n);
	vulndb_close(vdb);

	/*
	 * CVE-2023-4154 says samba is known_not_affected in RHEL 6-9: no row.
	 * The same document with the status turned to known_affected gives open
	 * rows by component (source) name, samba and samba4 in RHEL 6.
	 */
	f = "feeds/redhat-csaf-vex/cve-2023-4154.json";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb != NULL && n == 0, "%s: known_not_affected: 0 rows (%lld)", f,
	    (long long)n);
	vulndb_close(vdb);
	if ((path = rewrite(f, "affected.json", "\"known_not_affected\"",
	    "\"known_affected\"")) != NULL) {
		vdb = import_one(path, "csaf", &n, &cause);
		check_row(vdb, "known_affected variant", "rhel:6", PKG_SOURCE, "samba4",
		    "CVE-2023-4154", NULL, SEV_MEDIUM);
		check_row(vdb, "known_affected variant", "rhel:8", PKG_SOURCE, "samba",
		    "CVE-2023-4154", NULL, SEV_MEDIUM);
		vulndb_close(vdb);
		free(path);
	} else
		tap_ok(0, "rewrite %s", f);

	/* Canonical's OpenVEX is not CSAF: not detected as such. */
	f = "feeds/ubuntu-oval/ubuntu-vex_CVE-2023-38545.json";
	vdb = import_one(f, NULL, &n, &cause);
	tap_ok(vdb == NULL && cause != NULL && strstr(cause, "not a feed format") != NULL,
	    "%s: OpenVEX is not taken for CSAF or OSV", f);
	free(cause);
	cause = NULL;
	vulndb_close(vdb);
}

/* Import one file and print its row count: for feeds.sh. */
static int
import_main(const char *format, const char *path)
{
	struct vulndb	*vdb;
	char		*cause = NULL;
	int64_t		 n;

	if ((vdb = import_one(path, format, &n, &cause)) == NULL) {
		fprintf(stderr, "test-feeds: %s\n", cause != NULL ? cause : "?");
		free(cause);
		return 1;
	}
	printf("%lld %lld\n", (long long)n, (long long)vulndb_count(vdb));
	vulndb_close(vdb);
	return 0;
}

static void
cleanup(void)
{
	char	*cmd;

	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test-feeds: could not remove %s\n", tmpdir);
	free(cmd);
}

int
main(int argc, char **argv)
{
	int	rc;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (argc == 4 && strcmp(argv[1], "--import") == 0) {
		fixtures = "";
		/* feeds.sh reads the importers' debug summaries. */
		if (getenv("HULLSCAN_DEBUG") != NULL)
			log_verbosity = 2;
		rc = import_main(strcmp(argv[2], "-") == 0 ? NULL : argv[2], argv[3]);
		cleanup();
		return rc;
	}
	log_verbosity = 0;
	if ((fixtures = tap_fixtures()) == NULL) {
		cleanup();
		tap_no_fixtures();
	}
	test_cvss();
	test_cvss4();
	test_osv();
	test_oval();
	test_csaf();
	cleanup();
	return tap_done();
}
