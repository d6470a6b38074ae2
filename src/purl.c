/* Package URLs: pkg:type/namespace/name@version?qualifiers#subpath, decoded. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "purl.h"
#include "util.h"

#define PURL_MAX_LEN	65536
#define PURL_MAX_QUALS	64

void
purl_free(struct purl *p)
{
	size_t	i;

	if (p == NULL)
		return;
	free(p->type);
	free(p->ns);
	free(p->name);
	free(p->version);
	free(p->subpath);
	for (i = 0; i < p->nquals; i++) {
		free(p->keys[i]);
		free(p->values[i]);
	}
	free(p->keys);
	free(p->values);
	free(p);
}

static char *
purl_decode(const char *s, size_t len)
{
	return fetch_unescape(s, len, NULL);
}

/* Qualifiers "k=v&k=v": keys lower-cased, empty values dropped (the spec). */
static int
purl_quals(struct purl *p, const char *q, size_t len, char **cause)
{
	const char	*end = q + len, *amp, *eq;
	size_t		 i;

	while (q < end) {
		amp = memchr(q, '&', (size_t)(end - q));
		if (amp == NULL)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq == NULL || eq == q)
			return fail(cause, HS_EINVAL, "qualifier \"%.*s\" is not "
			    "key=value", (int)((amp - q) > 64 ? 64 : amp - q), q);
		if (eq + 1 < amp) {
			if (p->nquals == PURL_MAX_QUALS)
				return fail(cause, HS_EINVAL, "more than %d qualifiers",
				    PURL_MAX_QUALS);
			p->keys = xreallocarray(p->keys, p->nquals + 1, sizeof *p->keys);
			p->values = xreallocarray(p->values, p->nquals + 1,
			    sizeof *p->values);
			p->keys[p->nquals] = xstrndup(q, (size_t)(eq - q));
			for (i = 0; p->keys[p->nquals][i] != '\0'; i++)
				p->keys[p->nquals][i] = (char)tolower(
				    (unsigned char)p->keys[p->nquals][i]);
			p->values[p->nquals] = purl_decode(eq + 1, (size_t)(amp - eq - 1));
			p->nquals++;
		}
		q = amp + 1;
	}
	return 0;
}

int
purl_parse(const char *s, struct purl **out, char **cause)
{
	struct purl	*p;
	const char	*rest, *end, *hash, *q, *at, *slash, *seg;
	struct buf	 ns;
	size_t		 len, i;
	int		 r;

	*out = NULL;
	if (s == NULL || (len = strlen(s)) > PURL_MAX_LEN)
		return fail(cause, HS_EINVAL, "not a package URL (empty or too long)");
	if (strncasecmp(s, "pkg:", 4) != 0)
		return fail(cause, HS_EINVAL, "\"%.64s\" is not a package URL (no pkg:)", s);
	p = xcalloc(1, sizeof *p);
	rest = s + 4;
	while (*rest == '/')
		rest++;
	end = rest + strlen(rest);
	if ((hash = strchr(rest, '#')) != NULL) {
		p->subpath = purl_decode(hash + 1, (size_t)(end - hash - 1));
		end = hash;
	}
	if ((q = memchr(rest, '?', (size_t)(end - rest))) != NULL) {
		if ((r = purl_quals(p, q + 1, (size_t)(end - q - 1), cause)) != 0)
			goto fail;
		end = q;
	}
	while (end > rest && end[-1] == '/')
		end--;
	if ((slash = memchr(rest, '/', (size_t)(end - rest))) == NULL || slash == rest) {
		r = fail(cause, HS_EINVAL, "\"%.64s\": no type and name", s);
		goto fail;
	}
	p->type = xstrndup(rest, (size_t)(slash - rest));
	for (i = 0; p->type[i] != '\0'; i++) {
		if (!isalnum((unsigned char)p->type[i]) && strchr(".+-", p->type[i]) == NULL) {
			r = fail(cause, HS_EINVAL, "\"%.64s\": the type has a '%c'", s,
			    p->type[i]);
			goto fail;
		}
		p->type[i] = (char)tolower((unsigned char)p->type[i]);
	}
	rest = slash + 1;
	/* The version follows the last '@' after the last '/' but one. */
	at = NULL;
	for (seg = end; seg > rest; seg--) {
		if (seg[-1] == '@' && memchr(seg, '/', (size_t)(end - seg)) == NULL) {
			at = seg - 1;
			break;
		}
	}
	if (at != NULL) {
		p->version = purl_decode(at + 1, (size_t)(end - at - 1));
		end = at;
	}
	while (end > rest && end[-1] == '/')
		end--;
	for (seg = end; seg > rest && seg[-1] != '/'; seg--)
		;
	if (seg == end) {
		r = fail(cause, HS_EINVAL, "\"%.64s\": no name", s);
		goto fail;
	}
	p->name = purl_decode(seg, (size_t)(end - seg));
	/* Namespace segments, each decoded, empty ones dropped. */
	buf_init(&ns);
	for (q = rest; q < seg; ) {
		slash = memchr(q, '/', (size_t)(seg - q));
		if (slash == NULL)
			slash = seg;
		if (slash > q) {
			char	*d = purl_decode(q, (size_t)(slash - q));

			if (ns.len != 0)
				buf_adds(&ns, "/");
			buf_adds(&ns, d);
			free(d);
		}
		q = slash + 1;
	}
	if (ns.len != 0)
		p->ns = buf_steal(&ns);
	else
		buf_free(&ns);
	*out = p;
	return 0;
fail:
	purl_free(p);
	return r;
}

const char *
purl_qualifier(const struct purl *p, const char *key)
{
	size_t	i;

	for (i = 0; i < p->nquals; i++) {
		if (strcmp(p->keys[i], key) == 0)
			return p->values[i];
	}
	return NULL;
}

static const struct {
	const char	*type;
	enum ecosystem	 eco;
} purl_types[] = {
	{ "deb", ECO_DEB }, { "apk", ECO_APK }, { "alpm", ECO_UNKNOWN },
	{ "rpm", ECO_RPM }, { "npm", ECO_NPM }, { "pypi", ECO_PYPI },
	{ "maven", ECO_MAVEN }, { "golang", ECO_GO }, { "cargo", ECO_CARGO },
	{ "gem", ECO_GEM }, { "composer", ECO_COMPOSER }, { "nuget", ECO_NUGET },
};

enum ecosystem
purl_ecosystem(const struct purl *p)
{
	size_t	i;

	for (i = 0; i < NELEM(purl_types); i++) {
		if (strcmp(p->type, purl_types[i].type) == 0)
			return purl_types[i].eco;
	}
	return ECO_UNKNOWN;
}

char *
purl_package_name(const struct purl *p)
{
	switch (purl_ecosystem(p)) {
	case ECO_MAVEN:
		if (p->ns != NULL)
			return xasprintf("%s:%s", p->ns, p->name);
		break;
	case ECO_GO:
	case ECO_COMPOSER:
	case ECO_NPM:
		if (p->ns != NULL)
			return xasprintf("%s/%s", p->ns, p->name);
		break;
	default:
		break;
	}
	return xstrdup(p->name);
}
