/*
 * The end-of-life table (data/eol.tsv): one release a line, NAMESPACE, DATE
 * (YYYY-MM-DD) and what support ends then, tab-separated; '#' comments.
 * Stored as the feed's end-of-support dates, not as advisories: a scan
 * warns (or, with --fail-on-eol, fails) when an image's release is past its
 * date.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "feed.h"
#include "util.h"

#define EOL_HEADER	"# hullscan end-of-life table"
#define EOL_MAX_LINES	100000

/* "YYYY-MM-DD" with a month and day that can be. */
static int
eol_date_ok(struct strview d)
{
	int	y, m, day;
	size_t	i;

	if (d.len != 10 || d.ptr[4] != '-' || d.ptr[7] != '-')
		return 0;
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !isdigit((unsigned char)d.ptr[i]))
			return 0;
	}
	y = atoi(d.ptr);
	m = (d.ptr[5] - '0') * 10 + d.ptr[6] - '0';
	day = (d.ptr[8] - '0') * 10 + d.ptr[9] - '0';
	return y >= 1990 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

/* "distro:release": a word, a colon, a word, nothing else. */
static int
eol_namespace_ok(struct strview ns)
{
	const char	*colon;
	size_t		 i;

	if (ns.len < 3 || ns.len > 128 ||
	    (colon = memchr(ns.ptr, ':', ns.len)) == NULL ||
	    colon == ns.ptr || colon == ns.ptr + ns.len - 1)
		return 0;
	for (i = 0; i < ns.len; i++) {
		if (!isalnum((unsigned char)ns.ptr[i]) &&
		    strchr(":.-_+", ns.ptr[i]) == NULL)
			return 0;
	}
	return 1;
}

/* The next tab-separated field of *line (blanks around it dropped). */
static struct strview
eol_field(struct strview *line)
{
	struct strview	f;
	const char	*tab;

	tab = memchr(line->ptr, '\t', line->len);
	f.ptr = line->ptr;
	f.len = tab != NULL ? (size_t)(tab - line->ptr) : line->len;
	line->ptr += f.len + (tab != NULL);
	line->len -= f.len + (tab != NULL);
	return sv_trim(f);
}

static int
eol_import(struct vulndb *vdb, const char *feed, const char *data, size_t len,
    int64_t *records, char **cause)
{
	struct strview	 in = { data, len }, line, ns, date, what;
	char		*s_ns, *s_date, *s_what;
	size_t		 lineno = 0;
	int		 rc;

	*records = 0;
	if (memchr(data, '\0', len) != NULL)
		return fail(cause, HS_EINVAL, "not an end-of-life table (a NUL byte)");
	while (sv_getline(&in, &line)) {
		if (++lineno > EOL_MAX_LINES)
			return fail(cause, HS_ELIMIT, "more than %d lines",
			    EOL_MAX_LINES);
		line = sv_trim(line);
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		ns = eol_field(&line);
		date = eol_field(&line);
		what = sv_trim(line);
		if (!eol_namespace_ok(ns))
			return fail(cause, HS_EINVAL, "line %zu: not a release"
			    " (distro:release): %.*s", lineno, (int)(ns.len > 60 ?
			    60 : ns.len), ns.ptr);
		if (!eol_date_ok(date))
			return fail(cause, HS_EINVAL, "line %zu: %.*s: not a"
			    " YYYY-MM-DD date", lineno, (int)ns.len, ns.ptr);
		if (what.len > 80 || memchr(what.ptr, '\t', what.len) != NULL)
			return fail(cause, HS_EINVAL, "line %zu: %.*s: more than a"
			    " few words of support", lineno, (int)ns.len, ns.ptr);
		s_ns = sv_dup(ns);
		s_date = sv_dup(date);
		s_what = what.len > 0 ? sv_dup(what) : NULL;
		rc = vulndb_eol_add(vdb, feed, s_ns, s_date, s_what, cause);
		free(s_ns);
		free(s_date);
		free(s_what);
		if (rc != 0)
			return rc;
		(*records)++;
	}
	return 0;
}

/* "eol" whatever the file's name: db import and db update name it alike. */
static char *
eol_feed_name(const char *data, size_t len)
{
	return xstrdup("eol");
}

static int
eol_detect(const char *data, size_t len)
{
	return len >= strlen(EOL_HEADER) &&
	    memcmp(data, EOL_HEADER, strlen(EOL_HEADER)) == 0;
}

const struct feed_format feed_format_eol = {
	.name = "eol",
	.detect = eol_detect,
	.import = eol_import,
	.feed_name = eol_feed_name,
};
