/* The PyPI analyzer: installed distributions' *.dist-info/METADATA and *.egg-info (PKG-INFO). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "util.h"

/* Does the directory holding base (in path) end with suffix? */
static int
pypi_parent_ends(const char *path, const char *base, const char *suffix)
{
	size_t	n = strlen(suffix);

	return (size_t)(base - path) > n + 1 &&
	    memcmp(base - 1 - n, suffix, n) == 0 && base[-1] == '/';
}

/*
 * Wheels install NAME-VER.dist-info/METADATA; setuptools NAME-VER.egg-info/
 * PKG-INFO, or NAME-VER.egg-info as one file (distutils, older Debian
 * packages), or NAME.egg/EGG-INFO/PKG-INFO.
 */
static int
pypi_want(const char *path, const char *base)
{
	switch (base[0]) {
	case 'M':
		if (strcmp(base, "METADATA") == 0 &&
		    pypi_parent_ends(path, base, ".dist-info"))
			return WANT_SOFT;
		break;
	case 'P':
		if (strcmp(base, "PKG-INFO") == 0 &&
		    (pypi_parent_ends(path, base, ".egg-info") ||
		    (pypi_parent_ends(path, base, "/EGG-INFO") &&
		    pypi_parent_ends(path, base - strlen("EGG-INFO/"), ".egg"))))
			return WANT_SOFT;
		break;
	}
	if (str_ends(base, ".egg-info") && strlen(base) > strlen(".egg-info"))
		return WANT_SOFT;
	return WANT_NO;
}

/* PEP 508's names: letters and digits, with "-", "_", "." inside. */
static int
pypi_name_valid(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' &&
		    s[i] != '.')
			return 0;
	}
	return 1;
}

/*
 * The Name and Version headers of core metadata (an RFC 822 header block,
 * ended by a blank line; continuation lines begin with a blank). The first
 * of each counts.
 */
int
pkg_pypi_metadata(const char *data, size_t len, char **name, char **version,
    char **cause)
{
	struct strview	 in, line, key, value, n = { NULL, 0 }, v = { NULL, 0 };
	const char	*colon;
	size_t		 i;

	*name = *version = NULL;
	in.ptr = data != NULL ? data : "";
	in.len = data != NULL ? len : 0;
	while (sv_getline(&in, &line)) {
		if (line.len > 0 && line.ptr[line.len - 1] == '\r')
			line.len--;
		if (line.len == 0)
			break;
		if (line.ptr[0] == ' ' || line.ptr[0] == '\t')
			continue;
		if ((colon = memchr(line.ptr, ':', line.len)) == NULL)
			continue;
		key.ptr = line.ptr;
		key.len = colon - line.ptr;
		value.ptr = colon + 1;
		value.len = line.len - key.len - 1;
		value = sv_trim(value);
		if (n.ptr == NULL && key.len == 4 && strncasecmp(key.ptr, "Name", 4) == 0)
			n = value;
		else if (v.ptr == NULL && key.len == 7 &&
		    strncasecmp(key.ptr, "Version", 7) == 0)
			v = value;
		if (n.ptr != NULL && v.ptr != NULL)
			break;
	}
	if (n.ptr == NULL || v.ptr == NULL)
		return fail(cause, HS_EINVAL, "no %s header: not Python package "
		    "metadata", n.ptr == NULL ? "Name" : "Version");
	if (!pypi_name_valid(n.ptr, n.len))
		return fail(cause, HS_EINVAL, "Name is not a valid distribution "
		    "name (PEP 508)");
	for (i = 0; i < v.len; i++) {
		if ((unsigned char)v.ptr[i] <= 0x20 || v.ptr[i] == 0x7f)
			return fail(cause, HS_EINVAL, "Version holds a blank or a "
			    "control character");
	}
	if (v.len == 0)
		return fail(cause, HS_EINVAL, "Version is empty");
	*name = sv_dup(n);
	*version = sv_dup(v);
	return 0;
}

static void
pypi_one(struct pkg_ctx *ctx, const struct kept_file *kf, const char *base,
    void *arg)
{
	char	*name, *version, *cause = NULL;

	(void)base;
	(void)arg;
	if (pkg_lang_toobig(ctx, kf, NULL))
		return;
	if (pkg_pypi_metadata(kf->data, kf->len, &name, &version, &cause) != 0) {
		pkg_note(ctx, "%s: %s", kf->path, cause);
		free(cause);
		return;
	}
	pkg_lang_add(ctx, ECO_PYPI, name, version, kf, NULL, NULL);
	free(name);
	free(version);
}

static int
pypi_analyze(struct pkg_ctx *ctx)
{
	pkg_lang_each(ctx, pypi_want, pypi_one, NULL);
	return 0;
}

const struct pkg_lang pkg_lang_pypi = {
	.name = "pypi",
	.want = pypi_want,
	.analyze = pypi_analyze,
};
