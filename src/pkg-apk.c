/* The apk analyzer: lib/apk/db/installed of Alpine, Wolfi and Chainguard. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pkg.h"
#include "util.h"

struct apk_entry {
	struct strview	name;		/* P: */
	struct strview	version;	/* V: */
	struct strview	arch;		/* A: */
	struct strview	origin;		/* o: the source package */
};

static void
apk_entry_end(struct apk_entry *e, struct inventory *inv)
{
	char	*name, *version, *arch = NULL, *origin = NULL;

	/* A record without a name or version cannot be matched: skip it. */
	if (e->name.len == 0 || e->version.len == 0)
		return;
	name = sv_dup(e->name);
	version = sv_dup(e->version);
	if (e->arch.len != 0)
		arch = sv_dup(e->arch);
	if (e->origin.len != 0)
		origin = sv_dup(e->origin);
	inventory_add(inv, name, version, origin, version, arch, ECO_APK);
	free(name);
	free(version);
	free(arch);
	free(origin);
}

/*
 * Parse an apk installed database: "X:value" lines, one record per package,
 * records separated by a blank line. The source version is the version (an
 * origin package is built at the same version as its subpackages).
 */
int
pkg_apk_parse(const char *data, size_t len, struct inventory *inv, char **cause)
{
	struct strview		 in, line, value;
	struct apk_entry	 e;
	size_t			 lineno = 0, added = inv->npkgs;
	int			 r;

	if (data == NULL)
		len = 0;
	in.ptr = data;
	in.len = len;
	memset(&e, 0, sizeof e);
	while (sv_getline(&in, &line)) {
		lineno++;
		if (line.len == 0) {
			apk_entry_end(&e, inv);
			memset(&e, 0, sizeof e);
			continue;
		}
		if (line.len < 2 || line.ptr[1] != ':' ||
		    memchr(line.ptr, '\0', line.len) != NULL) {
			r = fail(cause, HS_EINVAL, "line %zu: not an apk "
			    "installed database line", lineno);
			goto fail;
		}
		value.ptr = line.ptr + 2;
		value.len = line.len - 2;
		switch (line.ptr[0]) {
		case 'P':
			if (e.name.len != 0) {
				/* A new record with no blank line before it. */
				apk_entry_end(&e, inv);
				memset(&e, 0, sizeof e);
			}
			e.name = sv_trim(value);
			break;
		case 'V':
			e.version = sv_trim(value);
			break;
		case 'A':
			e.arch = sv_trim(value);
			break;
		case 'o':
			e.origin = sv_trim(value);
			break;
		}
	}
	apk_entry_end(&e, inv);
	return 0;

fail:
	while (inv->npkgs > added) {
		struct package	*p = &inv->pkgs[--inv->npkgs];

		free(p->name);
		free(p->version);
		free(p->source_name);
		free(p->source_version);
		free(p->arch);
	}
	return r;
}
