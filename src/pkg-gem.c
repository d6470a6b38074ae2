/* The RubyGems analyzer: installed gemspecs, and Gemfile.lock where no gem home is. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "pkg.h"
#include "util.h"

/* A gem name or version as RubyGems allows them: no spaces, quotes or controls. */
static int
gem_token_ok(struct strview s)
{
	size_t	i;

	if (s.len == 0 || s.len > 256)
		return 0;
	for (i = 0; i < s.len; i++) {
		unsigned char c = s.ptr[i];

		if (c <= ' ' || c == '"' || c == '\'' || c == '\\' || c >= 0x7f)
			return 0;
	}
	return 1;
}

static void
gem_add(struct inventory *inv, const char *path, struct strview name,
    struct strview version, struct strview platform)
{
	struct package	*p;
	struct buf	 b;
	char		*n, *v;

	n = sv_dup(name);
	v = sv_dup(version);
	p = inventory_add(inv, n, v, NULL, NULL, NULL, ECO_GEM);
	p->location = xstrdup(path);
	p->purl = ecosystem_purl(ECO_GEM, n, v);
	/* "ruby" is every pure-Ruby gem's platform: only a native one is a qualifier. */
	if (platform.len != 0 && !sv_eq(platform, "ruby")) {
		p->arch = sv_dup(platform);
		buf_init(&b);
		buf_printf(&b, "%s?platform=", p->purl);
		purl_encode(&b, p->arch, strlen(p->arch), 0);
		free(p->purl);
		p->purl = buf_steal(&b);
	}
	free(n);
	free(v);
}

/* The quoted string after "=" on a line "  s.name = "rack".freeze". */
static int
gem_quoted(struct strview line, struct strview *out)
{
	const char	*q, *end;

	q = memchr(line.ptr, '"', line.len);
	if (q == NULL)
		return 0;
	end = memchr(q + 1, '"', line.len - (size_t)(q + 1 - line.ptr));
	if (end == NULL)
		return 0;
	out->ptr = q + 1;
	out->len = (size_t)(end - q - 1);
	return 1;
}

/* Does line set field ("name", "version") of the specification "s."? */
static int
gem_sets(struct strview line, const char *field)
{
	struct strview	t = sv_trim(line);
	size_t		n = strlen(field);
	const char	*dot;

	dot = memchr(t.ptr, '.', t.len);
	if (dot == NULL || dot == t.ptr || (size_t)(dot - t.ptr) > 16)
		return 0;
	t.len -= (size_t)(dot + 1 - t.ptr);
	t.ptr = dot + 1;
	if (t.len <= n || strncmp(t.ptr, field, n) != 0)
		return 0;
	t.ptr += n;
	t.len -= n;
	t = sv_trim(t);
	return t.len != 0 && t.ptr[0] == '=' && (t.len == 1 || t.ptr[1] != '=');
}

/*
 * An installed gem's specification (specifications/NAME-VERSION.gemspec).
 * It is Ruby code, never evaluated: RubyGems writes a "# stub: NAME VERSION
 * PLATFORM PATHS" line first, which says all we need; without it, the
 * s.name and s.version assignments. Development dependencies are not gems
 * that are installed.
 */
int
pkg_gemspec_parse(const char *path, const char *data, size_t len,
    struct inventory *inv, char **cause)
{
	struct strview	 in, line, name = { NULL, 0 }, version = { NULL, 0 };
	struct strview	 platform = { NULL, 0 }, f[3];
	size_t		 lineno = 0, nf, i;
	const char	*p, *end;

	in.ptr = data != NULL ? data : "";
	in.len = data != NULL ? len : 0;
	while (sv_getline(&in, &line) && lineno++ < 10000) {
		if (line.len > 8 && strncmp(line.ptr, "# stub: ", 8) == 0) {
			p = line.ptr + 8;
			end = line.ptr + line.len;
			for (nf = 0; nf < 3 && p < end; nf++) {
				while (p < end && *p == ' ')
					p++;
				f[nf].ptr = p;
				while (p < end && *p != ' ')
					p++;
				f[nf].len = (size_t)(p - f[nf].ptr);
				if (f[nf].len == 0)
					break;
			}
			if (nf >= 2 && gem_token_ok(f[0]) && gem_token_ok(f[1])) {
				name = f[0];
				version = f[1];
				if (nf == 3 && gem_token_ok(f[2]))
					platform = f[2];
				break;
			}
			continue;
		}
		if (name.len == 0 && gem_sets(line, "name"))
			gem_quoted(line, &name);
		else if (version.len == 0 && gem_sets(line, "version"))
			gem_quoted(line, &version);
		else if (platform.len == 0 && gem_sets(line, "platform"))
			gem_quoted(line, &platform);
		if (name.len != 0 && version.len != 0)
			break;
	}
	if (!gem_token_ok(name) || !gem_token_ok(version))
		return fail(cause, HS_EINVAL, "no gem name and version in it");
	for (i = 0; i < version.len; i++) {
		if (!isalnum((unsigned char)version.ptr[i]) && version.ptr[i] != '.' &&
		    version.ptr[i] != '-' && version.ptr[i] != '_')
			return fail(cause, HS_EINVAL, "gem version \"%.*s\" is not "
			    "one", (int)(version.len > 64 ? 64 : version.len), version.ptr);
	}
	gem_add(inv, path, name, version, platform);
	return 0;
}

/*
 * A bundler lockfile: the "specs:" of its GEM sections, four spaces deep,
 * "NAME (VERSION)" or "NAME (VERSION-PLATFORM)"; six-deep lines are their
 * dependencies' requirements, not packages. GIT and PATH sections are
 * sources that are not RubyGems releases: their gems are skipped.
 */
int
pkg_gemfile_lock_parse(const char *path, const char *data, size_t len,
    struct inventory *inv, char **cause)
{
	struct strview	 in, line, name, version, platform;
	size_t		 lineno = 0;
	const char	*open, *close, *dash;
	int		 in_gem = 0, in_specs = 0;

	in.ptr = data != NULL ? data : "";
	in.len = data != NULL ? len : 0;
	while (sv_getline(&in, &line)) {
		if (++lineno > 10000000)
			return fail(cause, HS_EINVAL, "more than 10,000,000 lines");
		if (line.len == 0)
			continue;
		if (line.ptr[0] != ' ') {
			in_gem = sv_eq(sv_trim(line), "GEM");
			in_specs = 0;
			continue;
		}
		if (!in_gem)
			continue;
		if (line.len > 2 && line.ptr[2] != ' ') {
			in_specs = sv_eq(sv_trim(line), "specs:");
			continue;
		}
		if (!in_specs || line.len < 5 || strncmp(line.ptr, "    ", 4) != 0 ||
		    line.ptr[4] == ' ')
			continue;
		name.ptr = line.ptr + 4;
		open = memchr(name.ptr, '(', line.len - 4);
		close = open != NULL ? memchr(open, ')', line.len - (size_t)(open - line.ptr)) : NULL;
		if (open == NULL || close == NULL || open == name.ptr)
			continue;
		name.len = (size_t)(open - name.ptr);
		name = sv_trim(name);
		version.ptr = open + 1;
		version.len = (size_t)(close - open - 1);
		platform.ptr = NULL;
		platform.len = 0;
		/* "nokogiri (1.15.4-x86_64-linux)": a version has no '-' of its own. */
		if ((dash = memchr(version.ptr, '-', version.len)) != NULL) {
			platform.ptr = dash + 1;
			platform.len = version.len - (size_t)(dash + 1 - version.ptr);
			version.len = (size_t)(dash - version.ptr);
		}
		if (gem_token_ok(name) && gem_token_ok(version))
			gem_add(inv, path, name, version, platform);
	}
	return 0;
}
