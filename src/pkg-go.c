/*
 * Go executables: the build info Go embeds (the toolchain's version and the
 * module list), as `go version -m` reads it. The Go toolchain is a package
 * of its own, "stdlib", as govulncheck, Trivy and Grype have it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pkg.h"
#include "summary.h"
#include "util.h"

#define GO_MAGIC_LEN	14
#define GO_MAX_VERS	1024
#define GO_MAX_MOD	((uint64_t)4 << 20)

/* A uvarint at *p: 1 read, 0 needs more bytes, -1 too long. */
static int
go_uvarint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int	shift = 0;

	*v = 0;
	while (*p < end) {
		if (shift > 63)
			return -1;
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 1;
		shift += 7;
	}
	return 0;
}

int
go_buildinfo_parse(const void *data, size_t len, char **vers, char **mod)
{
	const unsigned char	*h = data, *p, *vp, *end = h + len;
	uint64_t		 n1, n2;
	int			 r;

	*vers = *mod = NULL;
	if (len < GO_MAGIC_LEN || memcmp(h, "\xff Go buildinf:", GO_MAGIC_LEN) != 0)
		return HS_EINVAL;
	if (len < 32)
		return 1;
	if ((h[15] & 2) == 0)
		return h[14] == 4 || h[14] == 8 ? HS_ENOENT : HS_EINVAL;
	p = h + 32;
	if ((r = go_uvarint(&p, end, &n1)) <= 0)
		return r == 0 ? 1 : HS_EINVAL;
	if (n1 == 0 || n1 > GO_MAX_VERS)
		return HS_EINVAL;
	if ((uint64_t)(end - p) < n1)
		return 1;
	vp = p;
	p += n1;
	if ((r = go_uvarint(&p, end, &n2)) <= 0)
		return r == 0 ? 1 : HS_EINVAL;
	if (n2 > GO_MAX_MOD)
		return HS_EINVAL;
	if ((uint64_t)(end - p) < n2)
		return 1;
	*vers = xstrndup((const char *)vp, n1);
	*mod = xmalloc(n2 + 1);
	memcpy(*mod, p, n2);
	(*mod)[n2] = '\0';
	if (strlen(*vers) != n1 || (!str_starts(*vers, "go") &&
	    !str_starts(*vers, "devel"))) {
		free(*vers);
		free(*mod);
		*vers = *mod = NULL;
		return HS_EINVAL;
	}
	go_modinfo_unwrap(*mod, n2);
	return 0;
}

size_t
go_modinfo_unwrap(char *mod, size_t len)
{
	/* As debug/buildinfo: the markers around, a newline before the end one. */
	if (len >= 33 && mod[len - 17] == '\n') {
		memmove(mod, mod + 16, len - 32);
		len -= 32;
	} else
		len = 0;
	mod[len] = '\0';
	return len;
}

static const char *
go_digits(const char *p, unsigned long *v)
{
	const char	*s = p;

	*v = 0;
	while (*p >= '0' && *p <= '9' && p - s < 9)
		*v = *v * 10 + (unsigned long)(*p++ - '0');
	return p == s || (*p >= '0' && *p <= '9') ? NULL : p;
}

char *
go_version_semver(const char *v)
{
	unsigned long	 major, minor, patch = 0, pre = 0;
	const char	*p, *kind = NULL;

	if (!str_starts(v, "go"))
		return NULL;
	if ((p = go_digits(v + 2, &major)) == NULL || *p++ != '.' ||
	    (p = go_digits(p, &minor)) == NULL)
		return NULL;
	if (*p == '.' && (p = go_digits(p + 1, &patch)) == NULL)
		return NULL;
	if (str_starts(p, "beta") || str_starts(p, "rc")) {
		kind = *p == 'b' ? "beta" : "rc";
		if ((p = go_digits(p + strlen(kind), &pre)) == NULL)
			return NULL;
	}
	if (*p != '\0' && *p != ' ')
		return NULL;
	if (kind != NULL)
		return xasprintf("v%lu.%lu.%lu-%s.%lu", major, minor, patch, kind, pre);
	return xasprintf("v%lu.%lu.%lu", major, minor, patch);
}

static void
go_add(struct inventory *inv, const char *path, const char *version,
    const char *location, const char *layer)
{
	struct package	*p;

	if (!summary_text_ok(path) || !summary_text_ok(version))
		return;
	p = inventory_add(inv, path, version, NULL, NULL, NULL, ECO_GO);
	p->location = summary_clean(xstrdup(location));
	p->layer = layer != NULL ? xstrdup(layer) : NULL;
	/* "(devel)" is no version: the purl goes without one. */
	p->purl = ecosystem_purl(ECO_GO, path, strcmp(version, "(devel)") != 0 ?
	    version : NULL);
}

/* One "mod" or "dep" line, and what a "=>" line after it replaces it with. */
struct go_mod {
	char	*path;
	char	*version;
};

static void
go_mod_flush(struct go_mod *m, struct inventory *inv, const char *location,
    const char *layer)
{
	if (m->path != NULL && *m->path != '\0')
		go_add(inv, m->path, m->version != NULL && *m->version != '\0' ?
		    m->version : "(devel)", location, layer);
	free(m->path);
	free(m->version);
	m->path = m->version = NULL;
}

/* A replacement by a directory, not a module (modfile.IsDirectoryPath). */
static int
go_dir_path(struct strview p)
{
	return (p.len >= 1 && (p.ptr[0] == '/' || p.ptr[0] == '\\')) ||
	    sv_eq(p, ".") || sv_eq(p, "..") ||
	    (p.len >= 2 && p.ptr[0] == '.' && (p.ptr[1] == '/' || p.ptr[1] == '\\')) ||
	    (p.len >= 3 && p.ptr[0] == '.' && p.ptr[1] == '.' &&
	    (p.ptr[2] == '/' || p.ptr[2] == '\\')) ||
	    (p.len >= 3 && p.ptr[1] == ':' && (p.ptr[2] == '/' || p.ptr[2] == '\\'));
}

int
pkg_go_parse(const char *vers, const char *mod, size_t modlen,
    const char *location, const char *layer, struct inventory *inv)
{
	struct strview	 in, line, f[4];
	struct go_mod	 cur = { NULL, NULL };
	const char	*p, *tab;
	char		*sv;
	int		 nf;

	if (vers != NULL && (sv = go_version_semver(vers)) != NULL) {
		go_add(inv, "stdlib", sv, location, layer);
		free(sv);
	}
	if (mod == NULL)
		return 0;
	in.ptr = mod;
	in.len = modlen;
	while (sv_getline(&in, &line)) {
		for (nf = 0, p = line.ptr; nf < 4 && p <= line.ptr + line.len; nf++) {
			tab = memchr(p, '\t', line.ptr + line.len - p);
			f[nf].ptr = p;
			f[nf].len = tab != NULL ? (size_t)(tab - p) :
			    (size_t)(line.ptr + line.len - p);
			if (tab == NULL) {
				nf++;
				break;
			}
			p = tab + 1;
		}
		if (nf < 2)
			continue;
		if (sv_eq(f[0], "mod") || sv_eq(f[0], "dep")) {
			go_mod_flush(&cur, inv, location, layer);
			cur.path = sv_dup(f[1]);
			cur.version = nf > 2 ? sv_dup(f[2]) : NULL;
		} else if (sv_eq(f[0], "=>") && cur.path != NULL) {
			/* A local directory keeps the module's path, built as (devel). */
			free(cur.version);
			cur.version = NULL;
			if (nf > 2 && f[2].len > 0 && !go_dir_path(f[1])) {
				free(cur.path);
				cur.path = sv_dup(f[1]);
				cur.version = sv_dup(f[2]);
			}
		}
	}
	go_mod_flush(&cur, inv, location, layer);
	return 0;
}
