/* The dpkg analyzer: var/lib/dpkg/status and distroless status.d fragments. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pkg.h"
#include "util.h"

/* The fields kept from one stanza (borrowed views of the input). */
struct stanza {
	struct strview	package;
	struct strview	version;
	struct strview	source;
	struct strview	status;
	struct strview	arch;
	int		has_status;
	size_t		line;		/* where the stanza starts */
};

static int
field_is(struct strview name, const char *want)
{
	return name.len == strlen(want) &&
	    strncasecmp(name.ptr, want, name.len) == 0;
}

/* The n-th (0-based) blank-separated word of v. */
static struct strview
word(struct strview v, int n)
{
	struct strview	w = { NULL, 0 };
	size_t		i = 0, start;

	for (;;) {
		while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t'))
			i++;
		if (i == v.len)
			return (struct strview){ NULL, 0 };
		start = i;
		while (i < v.len && v.ptr[i] != ' ' && v.ptr[i] != '\t')
			i++;
		if (n-- == 0) {
			w.ptr = v.ptr + start;
			w.len = i - start;
			return w;
		}
	}
}

/*
 * Does the Status: field say the package's files are on disk? dpkg's third
 * word is the state; "deinstall ok installed" is still installed (only
 * selected for removal), "... config-files" and "not-installed" are not.
 */
static int
status_installed(struct strview status, int *installed)
{
	static const char	*on_disk[] = { "installed", "unpacked",
	    "half-configured", "half-installed", "triggers-awaited",
	    "triggers-pending" };
	struct strview		 state;
	size_t			 i;

	state = word(status, 2);
	if (state.len == 0 || word(status, 3).len != 0)
		return HS_EINVAL;
	*installed = 0;
	for (i = 0; i < NELEM(on_disk); i++) {
		if (sv_eq(state, on_disk[i])) {
			*installed = 1;
			return 0;
		}
	}
	if (sv_eq(state, "config-files") || sv_eq(state, "not-installed"))
		return 0;
	return HS_EINVAL;
}

/* "Source: name" or "Source: name (version)". */
static void
split_source(struct strview src, struct strview *name, struct strview *version)
{
	const char	*open, *close;

	*name = word(src, 0);
	version->ptr = NULL;
	version->len = 0;
	if ((open = memchr(src.ptr, '(', src.len)) == NULL)
		return;
	if ((close = memchr(open, ')', src.ptr + src.len - open)) == NULL)
		return;
	*version = sv_trim((struct strview){ open + 1, close - open - 1 });
}

static int
stanza_end(struct stanza *st, int status_d, struct inventory *inv, char **cause)
{
	struct strview	 sname, sversion;
	char		*name = NULL, *version = NULL, *sn = NULL, *sv = NULL;
	char		*arch = NULL;
	int		 installed;

	if (st->package.len == 0 && st->version.len == 0 && !st->has_status &&
	    st->source.len == 0)
		return 0;
	if (st->package.len == 0) {
		/* A stanza with no package name names nothing to match. */
		return 0;
	}
	if (st->has_status) {
		if (status_installed(st->status, &installed) != 0)
			return fail(cause, HS_EINVAL, "line %zu: package %.*s: "
			    "bad Status field", st->line, (int)st->package.len,
			    st->package.ptr);
	} else
		installed = status_d;	/* status.d fragments have no Status */
	if (!installed)
		return 0;
	if (st->version.len == 0) {
		/* dpkg itself refuses such a database (vcpkg's look-alike). */
		if (!status_d)
			return fail(cause, HS_EINVAL, "line %zu: package %.*s: "
			    "installed but no Version field", st->line,
			    (int)st->package.len, st->package.ptr);
		return 0;
	}
	name = sv_dup(st->package);
	version = sv_dup(st->version);
	if (st->source.len != 0) {
		split_source(st->source, &sname, &sversion);
		if (sname.len != 0)
			sn = sv_dup(sname);
		if (sversion.len != 0)
			sv = sv_dup(sversion);
	}
	if (st->arch.len != 0)
		arch = sv_dup(st->arch);
	inventory_add(inv, name, version, sn, sv, arch, ECO_DEB);
	free(name);
	free(version);
	free(sn);
	free(sv);
	free(arch);
	return 0;
}

/*
 * Parse a dpkg status file (status_d 0: only stanzas whose Status: says
 * installed count) or a status.d fragment (status_d 1: no Status: field,
 * every stanza counts). Packages are appended to inv; errors carry "line N".
 */
int
pkg_dpkg_parse(const char *data, size_t len, int status_d, struct inventory *inv,
    char **cause)
{
	struct strview	 in, line, name, value;
	struct stanza	 st;
	const char	*colon;
	size_t		 lineno = 0, added = inv->npkgs;
	int		 r, in_stanza = 0;

	if (data == NULL)
		len = 0;
	in.ptr = data;
	in.len = len;
	memset(&st, 0, sizeof st);
	while (sv_getline(&in, &line)) {
		lineno++;
		if (memchr(line.ptr, '\0', line.len) != NULL) {
			r = fail(cause, HS_EINVAL, "line %zu: binary data, not a "
			    "dpkg database", lineno);
			goto fail;
		}
		if (sv_trim(line).len == 0) {
			if (in_stanza && (r = stanza_end(&st, status_d, inv,
			    cause)) != 0)
				goto fail;
			memset(&st, 0, sizeof st);
			in_stanza = 0;
			continue;
		}
		if (line.ptr[0] == ' ' || line.ptr[0] == '\t') {
			if (!in_stanza) {
				r = fail(cause, HS_EINVAL, "line %zu: continuation "
				    "line outside a stanza", lineno);
				goto fail;
			}
			continue;	/* the fields kept are single-line */
		}
		if (line.ptr[0] == '#' && !in_stanza)
			continue;
		if ((colon = memchr(line.ptr, ':', line.len)) == NULL ||
		    colon == line.ptr) {
			r = fail(cause, HS_EINVAL, "line %zu: field name expected, "
			    "not a dpkg database", lineno);
			goto fail;
		}
		if (!in_stanza) {
			in_stanza = 1;
			st.line = lineno;
		}
		name.ptr = line.ptr;
		name.len = colon - line.ptr;
		value = sv_trim((struct strview){ colon + 1,
		    line.ptr + line.len - (colon + 1) });
		if (memchr(name.ptr, ' ', name.len) != NULL ||
		    memchr(name.ptr, '\t', name.len) != NULL) {
			r = fail(cause, HS_EINVAL, "line %zu: bad field name",
			    lineno);
			goto fail;
		}
		if (field_is(name, "Package"))
			st.package = word(value, 0);
		else if (field_is(name, "Version"))
			st.version = value;
		else if (field_is(name, "Source"))
			st.source = value;
		else if (field_is(name, "Architecture"))
			st.arch = value;
		else if (field_is(name, "Status")) {
			st.status = value;
			st.has_status = 1;
		}
	}
	if (in_stanza && (r = stanza_end(&st, status_d, inv, cause)) != 0)
		goto fail;
	return 0;

fail:
	/* All or nothing: drop what this file added. */
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
