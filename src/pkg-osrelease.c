/* Which OS an image holds: os-release and its older fallbacks, and its advisory namespace. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layer.h"
#include "pkg.h"
#include "rootfs.h"
#include "util.h"

/* Past this an os-release is not one: real files are well under 2 KiB. */
#define OSRELEASE_MAX	(64 * 1024)

typedef void (*osrelease_cb)(void *, struct strview key, const char *value);

static void
set_str(char **field, const char *value)
{
	free(*field);
	*field = value != NULL && *value != '\0' ? xstrdup(value) : NULL;
}

static void
lowercase(char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		*s = tolower((unsigned char)*s);
}

/*
 * Unquote one shell-style value (os-release(5)): "..." with \" \\ \$ \` \
 * escapes, '...' taken literally, unquoted with backslash escapes; anything
 * after the closing quote is ignored, as is an unterminated quote's end.
 */
static char *
osrelease_value(struct strview v)
{
	struct buf	b;
	size_t		i;
	char		q = 0;

	buf_init(&b);
	buf_add(&b, "", 0);	/* terminated even when nothing is added */
	i = 0;
	if (v.len > 0 && (v.ptr[0] == '"' || v.ptr[0] == '\'')) {
		q = v.ptr[0];
		i = 1;
	}
	for (; i < v.len; i++) {
		if (q != 0 && v.ptr[i] == q)
			break;
		if (q == 0 && (v.ptr[i] == '#' && i > 0 && (v.ptr[i - 1] == ' ' ||
		    v.ptr[i - 1] == '\t')))
			break;
		if (v.ptr[i] == '\\' && q != '\'' && i + 1 < v.len) {
			i++;
			buf_add(&b, &v.ptr[i], 1);
			continue;
		}
		buf_add(&b, &v.ptr[i], 1);
	}
	if (q == 0) {
		/* Unquoted: trailing blanks are not part of the value. */
		while (b.len > 0 && (b.data[b.len - 1] == ' ' ||
		    b.data[b.len - 1] == '\t'))
			b.data[--b.len] = '\0';
	}
	return buf_steal(&b);
}

/* Walk KEY=VALUE lines; returns how many assignments were seen. */
static int
osrelease_walk(const char *data, size_t len, osrelease_cb cb, void *arg)
{
	struct strview	 in = { data, len }, line, key, value;
	const char	*eq;
	char		*s;
	size_t		 i, nlines = 0;
	int		 n = 0;

	while (sv_getline(&in, &line) && nlines++ < 10000) {
		line = sv_trim(line);
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		if ((eq = memchr(line.ptr, '=', line.len)) == NULL)
			continue;
		key.ptr = line.ptr;
		key.len = eq - line.ptr;
		key = sv_trim(key);
		if (key.len == 0)
			continue;
		for (i = 0; i < key.len; i++) {
			if (!isalnum((unsigned char)key.ptr[i]) && key.ptr[i] != '_')
				break;
		}
		if (i != key.len)
			continue;
		value.ptr = eq + 1;
		value.len = line.ptr + line.len - (eq + 1);
		value = sv_trim(value);
		s = osrelease_value(value);
		cb(arg, key, s);
		free(s);
		n++;
	}
	return n;
}

/* "(bookworm)" in VERSION or PRETTY_NAME: distroless leaves out VERSION_CODENAME. */
static char *
paren_word(const char *s)
{
	const char	*open, *close;
	size_t		 i;

	if (s == NULL || (open = strrchr(s, '(')) == NULL ||
	    (close = strchr(open, ')')) == NULL || close == open + 1)
		return NULL;
	for (i = 1; open + i < close; i++) {
		if (!islower((unsigned char)open[i]))
			return NULL;
	}
	return xstrndup(open + 1, close - open - 1);
}

static void
osrelease_field(void *arg, struct strview key, const char *value)
{
	struct os_info	*os = arg;

	if (sv_eq(key, "ID")) {
		set_str(&os->id, value);
		lowercase(os->id);
	} else if (sv_eq(key, "VERSION_ID"))
		set_str(&os->version_id, value);
	else if (sv_eq(key, "VERSION_CODENAME")) {
		if (*value != '\0')
			set_str(&os->codename, value);
	} else if (sv_eq(key, "UBUNTU_CODENAME")) {
		if (os->codename == NULL)
			set_str(&os->codename, value);
	} else if (sv_eq(key, "PRETTY_NAME"))
		set_str(&os->pretty_name, value);
	else if (sv_eq(key, "ID_LIKE"))
		set_str(&os->id_like, value);
	else if (sv_eq(key, "VERSION") && os->codename == NULL) {
		/* "12 (bookworm)": distroless has no VERSION_CODENAME. */
		os->codename = paren_word(value);
	}
}

/*
 * Parse an os-release file into os (zeroed or filled before: fields it names
 * replace the old ones). Fails with HS_EINVAL when there is no ID.
 */
int
pkg_osrelease_parse(const char *data, size_t len, struct os_info *os)
{
	if (data == NULL || len > OSRELEASE_MAX)
		return HS_EINVAL;
	osrelease_walk(data, len, osrelease_field, os);
	return os->id != NULL ? 0 : HS_EINVAL;
}

static void
lsbrelease_field(void *arg, struct strview key, const char *value)
{
	struct os_info	*os = arg;

	if (sv_eq(key, "DISTRIB_ID")) {
		set_str(&os->id, value);
		lowercase(os->id);
	} else if (sv_eq(key, "DISTRIB_RELEASE"))
		set_str(&os->version_id, value);
	else if (sv_eq(key, "DISTRIB_CODENAME"))
		set_str(&os->codename, value);
	else if (sv_eq(key, "DISTRIB_DESCRIPTION"))
		set_str(&os->pretty_name, value);
}

static int
lsbrelease_parse(const char *data, size_t len, struct os_info *os)
{
	if (len > OSRELEASE_MAX)
		return HS_EINVAL;
	osrelease_walk(data, len, lsbrelease_field, os);
	return os->id != NULL ? 0 : HS_EINVAL;
}

/* The first line of a small text file, trimmed; NULL if none. */
static char *
first_line(const struct kept_file *kf)
{
	struct strview	in, line;

	if (kf == NULL || kf->len > OSRELEASE_MAX)
		return NULL;
	in.ptr = kf->data;
	in.len = kf->len;
	if (!sv_getline(&in, &line))
		return NULL;
	line = sv_trim(line);
	if (line.len == 0 || memchr(line.ptr, '\0', line.len) != NULL)
		return NULL;
	return sv_dup(line);
}

/* Leading digits and dots of s ("8.9.2009 (Core)" → "8.9.2009"). */
static char *
version_prefix(const char *s)
{
	size_t	n = 0;

	while (isdigit((unsigned char)s[n]) || (s[n] == '.' && n > 0))
		n++;
	while (n > 0 && s[n - 1] == '.')
		n--;
	return n > 0 ? xstrndup(s, n) : NULL;
}

/* At most the first n dot-separated components of a version. */
static char *
version_components(const char *v, int n)
{
	size_t	i;
	int	dots = 0;

	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] == '.' && ++dots == n)
			break;
	}
	return xstrndup(v, i);
}

static const struct {
	const char	*prefix;	/* start of the release line, case-insensitive */
	const char	*id;
} release_names[] = {
	{ "Red Hat Enterprise Linux", "rhel" },
	{ "CentOS Stream", "centos" },
	{ "CentOS", "centos" },
	{ "Rocky Linux", "rocky" },
	{ "AlmaLinux", "almalinux" },
	{ "Fedora", "fedora" },
	{ "Amazon Linux", "amzn" },
	{ "Oracle Linux", "ol" },
	{ "Enterprise Linux", "ol" },
	{ "CBL-Mariner", "mariner" },
};

/* "CentOS Linux release 7.9.2009 (Core)" and its kin. */
static int
redhat_release_parse(const struct kept_file *kf, struct os_info *os)
{
	char		*line, *p;
	size_t		 i;
	int		 r = HS_EINVAL;

	if ((line = first_line(kf)) == NULL)
		return HS_EINVAL;
	for (i = 0; i < NELEM(release_names); i++) {
		if (strncasecmp(line, release_names[i].prefix,
		    strlen(release_names[i].prefix)) == 0)
			break;
	}
	if (i == NELEM(release_names))
		goto out;
	set_str(&os->id, release_names[i].id);
	if ((p = strstr(line, "release ")) != NULL) {
		free(os->version_id);
		os->version_id = version_prefix(p + strlen("release "));
	}
	set_str(&os->pretty_name, line);
	r = 0;
out:
	free(line);
	return r;
}

/* "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 5". */
static int
suse_release_parse(const struct kept_file *kf, struct os_info *os)
{
	struct strview	 in, line, key, value;
	const char	*eq;
	char		*first, *version = NULL, *patch = NULL;

	if ((first = first_line(kf)) == NULL)
		return HS_EINVAL;
	if (strncasecmp(first, "SUSE Linux Enterprise", 21) == 0)
		set_str(&os->id, "sles");
	else if (strncasecmp(first, "openSUSE", 8) == 0)
		set_str(&os->id, "opensuse-leap");
	else {
		free(first);
		return HS_EINVAL;
	}
	set_str(&os->pretty_name, first);
	free(first);
	in.ptr = kf->data;
	in.len = kf->len;
	while (sv_getline(&in, &line)) {
		if ((eq = memchr(line.ptr, '=', line.len)) == NULL)
			continue;
		key = sv_trim((struct strview){ line.ptr, eq - line.ptr });
		value = sv_trim((struct strview){ eq + 1,
		    line.ptr + line.len - (eq + 1) });
		if (sv_eq(key, "VERSION") && version == NULL)
			version = sv_dup(value);
		else if (sv_eq(key, "PATCHLEVEL") && patch == NULL)
			patch = sv_dup(value);
	}
	free(os->version_id);
	os->version_id = NULL;
	if (version != NULL && patch != NULL && strcmp(patch, "0") != 0 &&
	    strchr(version, '.') == NULL)
		os->version_id = xasprintf("%s.%s", version, patch);
	else if (version != NULL)
		os->version_id = xstrdup(version);
	free(version);
	free(patch);
	return 0;
}

static const char *debian_codenames[] = {
	NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	"wheezy",	/* 7 */
	"jessie",	/* 8 */
	"stretch",	/* 9 */
	"buster",	/* 10 */
	"bullseye",	/* 11 */
	"bookworm",	/* 12 */
	"trixie",	/* 13 */
	"forky",	/* 14 */
};

static const char *
debian_codename(const char *version_id)
{
	char	*end;
	long	 major;

	if (version_id == NULL || !isdigit((unsigned char)*version_id))
		return NULL;
	major = strtol(version_id, &end, 10);
	if (major < 0 || (size_t)major >= NELEM(debian_codenames))
		return NULL;
	return debian_codenames[major];
}

/*
 * etc/debian_version: "12.5" (a release), "9.13", or "trixie/sid" (testing
 * and unstable, which share one os-release). Fills what os lacks.
 */
static void
debian_version_parse(const struct kept_file *kf, struct os_info *os)
{
	char	*line, *slash;

	if ((line = first_line(kf)) == NULL)
		return;
	if (os->id == NULL)
		set_str(&os->id, "debian");
	if (isdigit((unsigned char)line[0])) {
		if (os->version_id == NULL)
			os->version_id = version_components(line, 1);
	} else if (os->codename == NULL) {
		if ((slash = strchr(line, '/')) != NULL)
			*slash = '\0';
		if (line[0] != '\0')
			set_str(&os->codename, line);
	}
	free(line);
}

static int
os_from_file(const struct rootfs *root, const char *path,
    int (*parse)(const char *, size_t, struct os_info *), struct os_info *os)
{
	const struct kept_file	*kf;
	struct os_info		 tmp;

	if ((kf = rootfs_get(root, path)) == NULL)
		return HS_ENOENT;
	memset(&tmp, 0, sizeof tmp);
	if (parse(kf->data, kf->len, &tmp) != 0) {
		os_info_clear(&tmp);
		return HS_EINVAL;
	}
	os_info_clear(os);
	*os = tmp;
	return 0;
}

/*
 * Detect the OS from the merged view: etc/os-release, usr/lib/os-release,
 * then the files older images carry instead (lsb-release, alpine-release,
 * debian_version, redhat-release and kin, SuSE-release). Returns HS_ENOENT
 * when nothing says which OS this is; os->namespace is derived on success.
 */
int
pkg_os_detect(const struct rootfs *root, struct os_info *os)
{
	static const char	*rh_files[] = { "etc/redhat-release",
	    "etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
	    "etc/fedora-release", "etc/oracle-release", "etc/system-release" };
	const struct kept_file	*kf;
	struct os_info		 lsb;
	char			*line;
	size_t			 i;
	int			 found;

	os_info_clear(os);
	found = os_from_file(root, "etc/os-release", pkg_osrelease_parse,
	    os) == 0 || os_from_file(root, "usr/lib/os-release",
	    pkg_osrelease_parse, os) == 0;

	/* lsb-release: the whole answer before os-release, or a codename. */
	memset(&lsb, 0, sizeof lsb);
	if (os_from_file(root, "etc/lsb-release", lsbrelease_parse, &lsb) == 0) {
		if (!found) {
			*os = lsb;
			memset(&lsb, 0, sizeof lsb);
			found = 1;
		} else if (strcmp(os->id, lsb.id) == 0) {
			if (os->codename == NULL && lsb.codename != NULL)
				set_str(&os->codename, lsb.codename);
			if (os->version_id == NULL && lsb.version_id != NULL)
				set_str(&os->version_id, lsb.version_id);
		}
	}
	os_info_clear(&lsb);

	if (!found && (kf = rootfs_get(root, "etc/alpine-release")) != NULL &&
	    (line = first_line(kf)) != NULL) {
		set_str(&os->id, "alpine");
		set_str(&os->version_id, line);
		free(line);
		found = 1;
	}
	if ((kf = rootfs_get(root, "etc/debian_version")) != NULL &&
	    (!found || strcmp(os->id, "debian") == 0)) {
		debian_version_parse(kf, os);
		found = os->id != NULL;
	}
	for (i = 0; !found && i < NELEM(rh_files); i++) {
		if ((kf = rootfs_get(root, rh_files[i])) != NULL &&
		    redhat_release_parse(kf, os) == 0)
			found = 1;
	}
	if (!found && (kf = rootfs_get(root, "etc/SuSE-release")) != NULL &&
	    suse_release_parse(kf, os) == 0)
		found = 1;
	if (!found) {
		os_info_clear(os);
		return HS_ENOENT;
	}
	pkg_os_namespace(os);
	return 0;
}

/*
 * Amazon Linux's release as its advisories name it: "2" (VERSION_ID "2"),
 * "2023" (VERSION_ID "2023", system-release's "2023.1.20230825"), "2022";
 * Amazon Linux 1 is "1" whatever its YYYY.MM ("2018.03"). NULL if none.
 */
static char *
amzn_release(const char *v)
{
	char	*major, *end;
	long	 n;

	if (v == NULL || !isdigit((unsigned char)*v))
		return NULL;
	major = version_components(v, 1);
	n = strtol(major, &end, 10);
	if (*end != '\0' || n <= 0) {
		free(major);
		return NULL;
	}
	if (n >= 2010 && n <= 2018 && strchr(v, '.') != NULL) {
		free(major);
		return xstrdup("1");
	}
	return major;
}

static int
is_alpine_edge(const struct os_info *os)
{
	const char	*v = os->version_id;

	/* Edge snapshots carry a pre-release VERSION_ID: 3.21.0_alpha20240923. */
	if (v != NULL && strchr(v, '_') != NULL)
		return 1;
	if (v != NULL && strcmp(v, "edge") == 0)
		return 1;
	return os->pretty_name != NULL && strstr(os->pretty_name, "edge") != NULL &&
	    (v == NULL || !isdigit((unsigned char)*v));
}

/*
 * Derive the advisory namespace each feed uses. Debian is named by codename:
 * VERSION_CODENAME, else "(codename)" in VERSION/PRETTY_NAME, else mapped
 * from VERSION_ID. Testing and unstable share one os-release naming the
 * testing codename, so both become "debian:<testing codename>" (the
 * tracker's name for testing); only a Debian with no codename and no
 * VERSION_ID whose name says "sid" becomes "debian:sid".
 */
void
pkg_os_namespace(struct os_info *os)
{
	const char	*id = os->id, *v = os->version_id, *cn;
	char		*tmp = NULL, *ns = NULL;

	free(os->namespace);
	os->namespace = NULL;
	if (id == NULL)
		return;
	if (strcmp(id, "debian") == 0) {
		if (os->codename == NULL) {
			tmp = paren_word(os->pretty_name);
			if (tmp == NULL && (cn = debian_codename(v)) != NULL)
				tmp = xstrdup(cn);
			if (tmp != NULL)
				os->codename = tmp;
			tmp = NULL;
		}
		if (os->codename != NULL)
			ns = xasprintf("debian:%s", os->codename);
		else if (v == NULL && os->pretty_name != NULL &&
		    strstr(os->pretty_name, "sid") != NULL)
			ns = xstrdup("debian:sid");
	} else if (strcmp(id, "ubuntu") == 0) {
		if (v != NULL)
			ns = xasprintf("ubuntu:%s", v);
	} else if (strcmp(id, "alpine") == 0) {
		if (is_alpine_edge(os))
			ns = xstrdup("alpine:edge");
		else if (v != NULL && isdigit((unsigned char)*v)) {
			tmp = version_components(v, 2);
			ns = xasprintf("alpine:v%s", tmp);
		}
	} else if (strcmp(id, "rhel") == 0 || strcmp(id, "centos") == 0 ||
	    strcmp(id, "rocky") == 0 || strcmp(id, "almalinux") == 0 ||
	    strcmp(id, "ol") == 0) {
		if (v != NULL && isdigit((unsigned char)*v)) {
			tmp = version_components(v, 1);
			ns = xasprintf("%s:%s", id, tmp);
		}
	} else if (strcmp(id, "amzn") == 0) {
		if ((tmp = amzn_release(v)) != NULL)
			ns = xasprintf("amzn:%s", tmp);
	} else if (strcmp(id, "fedora") == 0 ||
	    strcmp(id, "sles") == 0 || strcmp(id, "opensuse-leap") == 0 ||
	    strcmp(id, "sle-micro") == 0 || strcmp(id, "sl-micro") == 0 ||
	    strcmp(id, "opensuse-leap-micro") == 0) {
		if (v != NULL)
			ns = xasprintf("%s:%s", id, v);
	} else if (strcmp(id, "opensuse-tumbleweed") == 0)
		ns = xstrdup("opensuse-tumbleweed:rolling");
	else if (strcmp(id, "mariner") == 0 || strcmp(id, "azurelinux") == 0) {
		if (v != NULL && isdigit((unsigned char)*v)) {
			tmp = version_components(v, 2);
			ns = xasprintf("%s:%s", id, tmp);
		}
	} else if (strcmp(id, "photon") == 0) {
		/* Photon's advisories name "4.0" whatever the point release. */
		if (v != NULL && isdigit((unsigned char)*v)) {
			tmp = version_components(v, 1);
			ns = xasprintf("photon:%s.0", tmp);
		}
	} else if (strcmp(id, "wolfi") == 0 || strcmp(id, "chainguard") == 0)
		ns = xasprintf("%s:rolling", id);
	free(tmp);
	os->namespace = ns;
}
