/* Feed importers: the table of formats, detection, decompression, one file's import. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "db.h"
#include "feed.h"
#include "util.h"

/* Every format hullscan imports: the single list (detection tries it in order). */
static const struct feed_format *feed_formats[] = {
	&feed_format_alpine_secdb,
	&feed_format_debian_tracker,
	&feed_format_photon,
	&feed_format_bodhi,
	&feed_format_osv,
	&feed_format_oval,
	&feed_format_csaf,
	&feed_format_updateinfo,
	&feed_format_eol,
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

const char *
feed_compression(const char *data, size_t len)
{
	if (len >= 2 && memcmp(data, "\x1f\x8b", 2) == 0)
		return "gzip";
	if (len >= 3 && memcmp(data, "BZh", 3) == 0)
		return "bzip2";
	if (len >= 6 && memcmp(data, "\xfd" "7zXZ\0", 6) == 0)
		return "xz";
	if (len >= 4 && memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	return NULL;
}

void
feed_archive_filters(struct archive *ar)
{
	archive_read_support_filter_gzip(ar);
	archive_read_support_filter_bzip2(ar);
	archive_read_support_filter_xz(ar);
	archive_read_support_filter_zstd(ar);
}

/*
 * First line of defence for XML feeds, before libxml2 sees a byte: a
 * DOCTYPE in the prolog (before the first start tag, within the first
 * FEED_XML_HEAD bytes) is refused, naming what it declares.
 */
int
feed_xml_check_head(const char *data, size_t len, const char *what, char **cause)
{
	size_t		 i;
	const char	*dt, *ent;

	if (len > FEED_XML_HEAD)
		len = FEED_XML_HEAD;
	for (i = 0; i + 1 < len; i++) {
		if (data[i] == '<' && data[i + 1] != '!' && data[i + 1] != '?')
			break;
	}
	if ((dt = memmem(data, i, "<!DOCTYPE", 9)) == NULL)
		return 0;
	if ((ent = memmem(dt, i - (dt - data), "<!ENTITY", 8)) != NULL) {
		if (memmem(ent, i - (ent - data), "SYSTEM", 6) != NULL ||
		    memmem(ent, i - (ent - data), "PUBLIC", 6) != NULL)
			return fail(cause, HS_EINVAL, "external entity declaration"
			    " refused: %s needs no DTD", what);
		return fail(cause, HS_EINVAL, "entity declaration refused: %s"
		    " needs no DTD", what);
	}
	return fail(cause, HS_EINVAL, "DOCTYPE declaration refused: %s needs no DTD",
	    what);
}

static const char *
feed_archive_error(struct archive *ar)
{
	const char	*s = archive_error_string(ar);

	return s != NULL ? s : "cannot decompress";
}

/* Decompress data into out (at most FEED_MAX_SIZE bytes) in memory. */
static int
feed_decompress(const char *data, size_t len, struct buf *out, char **cause)
{
	struct archive		*ar;
	struct archive_entry	*ae;
	char			 chunk[65536];
	la_ssize_t		 n;
	int			 rc = 0;

	ar = archive_read_new();
	feed_archive_filters(ar);
	archive_read_support_format_raw(ar);
	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK ||
	    archive_read_next_header(ar, &ae) != ARCHIVE_OK) {
		rc = fail(cause, HS_EINVAL, "%s", feed_archive_error(ar));
		goto out;
	}
	while ((n = archive_read_data(ar, chunk, sizeof chunk)) > 0) {
		if (out->len + (size_t)n > FEED_MAX_SIZE) {
			rc = fail(cause, HS_ELIMIT, "more than %zu bytes decompressed",
			    (size_t)FEED_MAX_SIZE);
			goto out;
		}
		buf_add(out, chunk, (size_t)n);
	}
	if (n < 0)
		rc = fail(cause, HS_EINVAL, "%s", feed_archive_error(ar));
out:
	archive_read_free(ar);
	return rc;
}

int
feed_prepare(const struct feed_format **fmt, const char **data, size_t *len,
    struct buf *plain, char **cause)
{
	const char	*kind;
	int		 rc;

	if ((kind = feed_compression(*data, *len)) != NULL) {
		/* Only a format that reads compressed data knows it so. */
		if (*fmt == NULL)
			*fmt = feed_format_detect(*data, *len);
		if (*fmt != NULL && (*fmt)->reads_compressed)
			return 0;
		if ((rc = feed_decompress(*data, *len, plain, cause)) != 0) {
			cause_prefix(cause, "%s data", kind);
			return rc;
		}
		*data = plain->data;
		*len = plain->len;
	}
	if (*fmt == NULL)
		*fmt = feed_format_detect(*data, *len);
	return 0;
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
	const struct feed_format	*fmt = NULL;
	struct buf			 plain;
	char				*raw = NULL, *name = NULL, *list;
	const char			*base, *data;
	char				 digest[72];
	size_t				 len;
	int64_t				 n = 0;
	int				 rc;

	if (records != NULL)
		*records = 0;
	buf_init(&plain);
	if (format != NULL && (fmt = feed_format_find(format)) == NULL) {
		list = feed_format_list();
		rc = fail(cause, HS_EINVAL, "unknown feed format %s (known: %s)",
		    format, list);
		free(list);
		return rc;
	}
	if ((rc = file_read(path, FEED_MAX_SIZE, &raw, &len, cause)) != 0)
		return rc;
	/* The hash is the file's, as db update takes it of the bytes fetched. */
	sha256_hex(raw, len, digest);
	data = raw;
	if ((rc = feed_prepare(&fmt, &data, &len, &plain, cause)) != 0)
		goto fail;
	if (fmt == NULL) {
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
	buf_free(&plain);
	free(raw);
	return rc;
}
