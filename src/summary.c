/* Summaries of big files: the record format, and which files get one (jars, executables). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layer.h"
#include "pkg.h"
#include "summary.h"
#include "util.h"

#define SUMMARY_MAGIC	"hullscan-summary 1 "

void
summary_init(struct summary *s, const char *kind)
{
	buf_init(&s->b);
	buf_printf(&s->b, SUMMARY_MAGIC "%s\n", kind);
	s->full = 0;
}

static void
summary_addv(struct summary *s, const char *tag, int n, va_list ap)
{
	const char	*part[SUMMARY_MAX_PARTS];
	size_t		 plen[SUMMARY_MAX_PARTS], total = 0;
	int		 i;

	if (n > SUMMARY_MAX_PARTS)
		n = SUMMARY_MAX_PARTS;
	for (i = 0; i < n; i++) {
		part[i] = va_arg(ap, const char *);
		plen[i] = va_arg(ap, size_t);
		total += plen[i] + (i > 0);
	}
	if (s->full)
		return;
	if (s->b.len + total + 64 > SUMMARY_MAX) {
		s->full = 1;
		buf_printf(&s->b, "warn\t%zu\n%s\n", strlen("too much to keep: the "
		    "rest is left out"), "too much to keep: the rest is left out");
		return;
	}
	buf_printf(&s->b, "%s\t%zu\n", tag, total);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_add(&s->b, "", 1);
		buf_add(&s->b, part[i], plen[i]);
	}
	buf_add(&s->b, "\n", 1);
}

void
summary_add(struct summary *s, const char *tag, int n, ...)
{
	va_list	ap;

	va_start(ap, n);
	summary_addv(s, tag, n, ap);
	va_end(ap);
}

void
summary_warn(struct summary *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	summary_add(s, "warn", 1, m, strlen(m));
	free(m);
}

char *
summary_finish(struct summary *s, size_t *len)
{
	*len = s->b.len;
	return buf_steal(&s->b);
}

int
summary_open(const char *data, size_t len, const char *kind, struct strview *rest)
{
	size_t	mlen = strlen(SUMMARY_MAGIC), klen = strlen(kind);

	if (len < mlen + klen + 1 || memcmp(data, SUMMARY_MAGIC, mlen) != 0 ||
	    memcmp(data + mlen, kind, klen) != 0 || data[mlen + klen] != '\n')
		return HS_EINVAL;
	rest->ptr = data + mlen + klen + 1;
	rest->len = len - mlen - klen - 1;
	return 0;
}

int
summary_next(struct strview *rest, struct summary_rec *r)
{
	const char	*p = rest->ptr, *end = rest->ptr + rest->len, *tab, *nl;
	const char	*v, *z;
	size_t		 vlen = 0;

	memset(r, 0, sizeof *r);
	if (p == end)
		return 0;
	if ((nl = memchr(p, '\n', end - p)) == NULL ||
	    (tab = memchr(p, '\t', nl - p)) == NULL ||
	    (size_t)(tab - p) >= sizeof r->tag || tab == p)
		return HS_EINVAL;
	memcpy(r->tag, p, tab - p);
	for (v = tab + 1; v < nl; v++) {
		if (*v < '0' || *v > '9' || vlen > SUMMARY_MAX)
			return HS_EINVAL;
		vlen = vlen * 10 + (size_t)(*v - '0');
	}
	if (v == tab + 1)
		return HS_EINVAL;
	v = nl + 1;
	if (vlen >= (size_t)(end - v) || v[vlen] != '\n')
		return HS_EINVAL;
	rest->ptr = v + vlen + 1;
	rest->len = end - rest->ptr;
	/* The parts, split at NULs; the last one takes whatever is left. */
	for (r->nparts = 0; r->nparts < SUMMARY_MAX_PARTS; r->nparts++) {
		z = r->nparts + 1 < SUMMARY_MAX_PARTS ? memchr(v, '\0', vlen) : NULL;
		r->part[r->nparts].ptr = v;
		r->part[r->nparts].len = z != NULL ? (size_t)(z - v) : vlen;
		if (z == NULL) {
			r->nparts++;
			break;
		}
		vlen -= z - v + 1;
		v = z + 1;
	}
	return 1;
}

int
summary_text_ok(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return p - (const unsigned char *)s <= 4096;
}

char *
summary_clean(char *s)
{
	unsigned char	*p;

	for (p = (unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return s;
}

void
summary_log_warn(const char *path, struct strview msg)
{
	char	*p = summary_clean(xstrdup(path)), *m = summary_clean(sv_dup(msg));

	log_warn("%s: %s", p, m);
	free(p);
	free(m);
}

/* Kinds of file the summariser makes summaries of. */
enum {
	SUMMARY_NONE = 0,
	SUMMARY_JAR,
	SUMMARY_ELF,
};

static int
summary_probe(const char *path, uint64_t size, const void *head, size_t len)
{
	if (java_archive_name(path))
		return SUMMARY_JAR;
	if (elf_probe(head, len))
		return SUMMARY_ELF;
	return SUMMARY_NONE;
}

static char *
summary_make(int kind, const char *path, uint64_t size, uint64_t max,
    layer_pull_fn pull, void *ctx, size_t *len, char **cause)
{
	switch (kind) {
	case SUMMARY_JAR:
		return java_summarise(path, size, max, pull, ctx, len, cause);
	case SUMMARY_ELF:
		return elf_summarise(path, size, max, pull, ctx, len, cause);
	}
	fail(cause, HS_EINVAL, "unknown summary kind %d", kind);
	return NULL;
}

static char *
summary_skipped(int kind, const char *why, size_t *len)
{
	struct summary	s;

	summary_init(&s, kind == SUMMARY_JAR ? "jar" : "elf");
	summary_warn(&s, "%s", why);
	return summary_finish(&s, len);
}

const struct layer_summariser summary_summariser = {
	.min_size = 64,
	.probe = summary_probe,
	.make = summary_make,
	.skipped = summary_skipped,
	.owners = pkg_layer_owners,
	.owned = pkg_layer_owned,
	.owners_free = pkg_layer_owners_free,
};
