/* Feed importers: the table of formats, detection, and one file's import. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "feed.h"
#include "util.h"

/* Every format hullscan imports: the single list (detection tries it in order). */
static const struct feed_format *feed_formats[] = {
	&feed_format_alpine_secdb,
	&feed_format_debian_tracker,
	&feed_format_osv,
	&feed_format_oval,
	&feed_format_csaf,
};

const struct feed_format *
feed_format_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NELEM(feed_formats); i++) {
		if (strcmp(feed_formats[i]->name, name) == 0)
			return feed_formats[i];
	}
	return NULL;
}

const struct feed_format *
feed_format_detect(const char *data, size_t len)
{
	size_t	i;

	for (i = 0; i < NELEM(feed_formats); i++) {
		if (feed_formats[i]->detect != NULL &&
		    feed_formats[i]->detect(data, len))
			return feed_formats[i];
	}
	return NULL;
}

const struct feed_format *
feed_format_at(size_t i)
{
	if (i >= NELEM(feed_formats))
		return NULL;
	return feed_formats[i];
}

static char *
feed_format_list(void)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < NELEM(feed_formats); i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : ", ", feed_formats[i]->name);
	return buf_steal(&b);
}

int
feed_import_file(struct vulndb *vdb, const char *path, const char *format,
    const char *feed, int64_t *records, char **cause)
{
	const struct feed_format	*fmt;
	char				*data = NULL, *name = NULL, *list;
	const char			*base;
	char				 digest[72];
	size_t				 len;
	int64_t				 n = 0;
	int				 rc;

	if (records != NULL)
		*records = 0;
	if (format != NULL && (fmt = feed_format_find(format)) == NULL) {
		list = feed_format_list();
		rc = fail(cause, HS_EINVAL, "unknown feed format %s (known: %s)",
		    format, list);
		free(list);
		return rc;
	}
	if ((rc = file_read(path, FEED_MAX_SIZE, &data, &len, cause)) != 0)
		return rc;
	if (format == NULL && (fmt = feed_format_detect(data, len)) == NULL) {
		list = feed_format_list();
		rc = fail(cause, HS_EINVAL, "%s: not a feed format hullscan knows"
		    " (give --format: %s)", path, list);
		free(list);
		goto out;
	}

	if (feed != NULL)
		name = xstrdup(feed);
	else if (fmt->feed_name != NULL &&
	    (name = fmt->feed_name(data, len)) != NULL)
		;
	else {
		base = strrchr(path, '/');
		name = xstrdup(base != NULL && base[1] != '\0' ? base + 1 : path);
	}
	sha256_hex(data, len, digest);

	if ((rc = vulndb_begin(vdb, cause)) != 0)
		goto fail;
	if ((rc = vulndb_feed_reset(vdb, name, path, digest, cause)) != 0 ||
	    (rc = fmt->import(vdb, name, data, len, &n, cause)) != 0 ||
	    (rc = vulndb_feed_done(vdb, name, n, cause)) != 0 ||
	    (rc = vulndb_commit(vdb, cause)) != 0) {
		vulndb_rollback(vdb);
		goto fail;
	}
	if (records != NULL)
		*records = n;
	rc = 0;
	goto out;

fail:
	cause_prefix(cause, "%s", path);
out:
	free(name);
	free(data);
	return rc;
}
