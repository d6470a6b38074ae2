/*
 * The docker-daemon: source: an image exported by the Docker or Podman
 * engine over its unix socket (GET /images/{name}/get), read as the
 * docker-archive stream arrives: never spooled to disk.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "cache.h"
#include "fetch.h"
#include "source.h"
#include "stream.h"
#include "util.h"

#define DAEMON_DEFAULT_SOCKET	"/var/run/docker.sock"
#define DAEMON_MAX_ENTRIES	1000000		/* tar entries in one export */
#define DAEMON_MAX_MEMBERS	100000		/* entries remembered */
#define DAEMON_MAX_LINKS	8		/* link hops when resolving a name */
#define DAEMON_PEEK		512
#define DAEMON_MAX_CONFIG	(1 << 20)	/* config.json, a context's meta.json */

/* Where the engine listens and how to reach it. */
struct endpoint {
	char	*sock;		/* unix socket, or NULL for TCP */
	char	*base;		/* URL prefix */
	char	*where;		/* the engine, for messages */
	int	 tls;		/* https:// */
	int	 verify;	/* verify the engine against ca */
	char	*ca;		/* DOCKER_CERT_PATH/ca.pem, cert.pem, key.pem */
	char	*cert;
	char	*key;
};

static void
endpoint_free(struct endpoint *ep)
{
	free(ep->sock);
	free(ep->base);
	free(ep->where);
	free(ep->ca);
	free(ep->cert);
	free(ep->key);
	memset(ep, 0, sizeof *ep);
}

/*
 * TLS to a tcp:// engine as the Docker CLI sets it up: DOCKER_TLS_VERIFY
 * (non-empty) verifies the engine against DOCKER_CERT_PATH/ca.pem (default
 * ~/.docker) alone; DOCKER_TLS (non-empty) encrypts without verifying. Either
 * way cert.pem and key.pem there, when both exist, are the client's.
 */
#define ENDPOINT_CA	1	/* ca.pem is readable */
#define ENDPOINT_CERT	2	/* cert.pem is, with or without key.pem */

/*
 * ca.pem, cert.pem and key.pem in dir into ep; the client's pair only when
 * both files are there. Returns ENDPOINT_* flags for what was found.
 */
static int
endpoint_files(struct endpoint *ep, const char *dir)
{
	int	found = 0;

	ep->ca = xasprintf("%s/ca.pem", dir);
	ep->cert = xasprintf("%s/cert.pem", dir);
	ep->key = xasprintf("%s/key.pem", dir);
	if (access(ep->cert, R_OK) == 0)
		found |= ENDPOINT_CERT;
	if (!(found & ENDPOINT_CERT) || access(ep->key, R_OK) != 0) {
		free(ep->cert);
		free(ep->key);
		ep->cert = ep->key = NULL;
	}
	if (access(ep->ca, R_OK) == 0)
		found |= ENDPOINT_CA;
	return found;
}

static int
endpoint_tls(struct endpoint *ep, char **cause)
{
	const char	*v = getenv("DOCKER_TLS_VERIFY"), *t = getenv("DOCKER_TLS");
	const char	*dir = getenv("DOCKER_CERT_PATH"), *home;
	char		*d;
	int		 have_ca, err;

	ep->verify = v != NULL && *v != '\0';
	ep->tls = ep->verify || (t != NULL && *t != '\0');
	if (!ep->tls)
		return 0;
	if (dir != NULL && *dir != '\0')
		d = xstrdup(dir);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		d = xasprintf("%s/.docker", home);
	else
		d = xstrdup(".docker");
	have_ca = endpoint_files(ep, d) & ENDPOINT_CA;
	err = errno;
	free(d);
	if (ep->verify && !have_ca)
		return fail(cause, HS_EINVAL, "DOCKER_TLS_VERIFY is set but %s: %s",
		    ep->ca, strerror(err));
	return 0;
}

/*
 * unix://PATH or tcp://HOST:PORT into ep->sock and ep->base; what names the
 * setting for an error ("DOCKER_HOST=…").
 */
static int
endpoint_host(struct endpoint *ep, const char *h, const char *what, char **cause)
{
	const char	*hp;
	size_t		 n;

	if (str_starts(h, "unix://") && h[7] != '\0') {
		ep->sock = xstrdup(h + 7);
		ep->base = xstrdup("http://localhost");
		return 0;
	}
	if (str_starts(h, "tcp://")) {
		hp = h + 6;
		n = strcspn(hp, "/?#");
		if (n > 0 && n < 256 && hp[n] == '\0' && strcspn(hp, " \t@") == n) {
			ep->base = xasprintf("%s://%.*s", ep->tls ? "https" : "http",
			    (int)n, hp);
			return 0;
		}
	}
	return fail(cause, HS_EINVAL, "%s: not unix://PATH or tcp://HOST:PORT", what);
}

/* $DOCKER_CONFIG, else ~/.docker: where the Docker CLI keeps its config. */
static char *
docker_config_dir(void)
{
	const char	*d = getenv("DOCKER_CONFIG"), *home;

	if (d != NULL && *d != '\0')
		return xstrdup(d);
	if ((home = getenv("HOME")) != NULL && *home != '\0')
		return xasprintf("%s/.docker", home);
	return xstrdup(".docker");
}

/*
 * The Docker context in use, as the CLI chooses it when DOCKER_HOST is not
 * set: $DOCKER_CONTEXT, else config.json's currentContext. *name is NULL
 * for none (or "default"); *from says where it came from.
 */
static int
context_name(const char *dir, char **name, const char **from, char **cause)
{
	const char	*env = getenv("DOCKER_CONTEXT");
	json_t		*root, *v;
	json_error_t	 jerr;
	char		*path, *data = NULL;
	size_t		 len;
	int		 rc;

	*name = NULL;
	if (env != NULL && *env != '\0') {
		*from = "DOCKER_CONTEXT";
		if (strcmp(env, "default") != 0)
			*name = xstrdup(env);
		return 0;
	}
	*from = "config.json";
	path = xasprintf("%s/config.json", dir);
	if ((rc = file_read(path, DAEMON_MAX_CONFIG, &data, &len, cause)) != 0) {
		free(path);
		if (rc != HS_ENOENT)
			return rc;
		free(*cause);
		*cause = NULL;
		return 0;
	}
	if ((root = json_loadb(data, len, 0, &jerr)) == NULL || !json_is_object(root))
		rc = fail(cause, HS_EINVAL, "%s: not a JSON object (line %d)", path,
		    jerr.line);
	else if ((v = json_object_get(root, "currentContext")) != NULL &&
	    json_is_string(v) && json_string_length(v) > 0 &&
	    strcmp(json_string_value(v), "default") != 0)
		*name = xstrdup(json_string_value(v));
	json_decref(root);
	free(data);
	free(path);
	return rc;
}

/*
 * A named Docker context, as `docker context create` stores it: the
 * endpoint in contexts/meta/SHA256(NAME)/meta.json (Endpoints.docker.Host,
 * SkipTLSVerify), and its TLS files in contexts/tls/SHA256(NAME)/docker:
 * ca.pem (the only CA trusted), cert.pem and key.pem (the client's). TLS is
 * used when either is there, verified unless SkipTLSVerify.
 */
static int
endpoint_context(struct endpoint *ep, const char *dir, const char *name,
    const char *from, char **cause)
{
	json_t		*root = NULL, *docker, *host, *skip;
	json_error_t	 jerr;
	char		 digest[72], *hash, *path, *tls, *what = NULL, *data = NULL;
	size_t		 len;
	int		 rc, skip_verify, found;

	sha256_hex(name, strlen(name), digest);
	hash = digest + strlen("sha256:");	/* the directory is the bare hex */
	path = xasprintf("%s/contexts/meta/%s/meta.json", dir, hash);
	if ((rc = file_read(path, DAEMON_MAX_CONFIG, &data, &len, cause)) != 0) {
		free(*cause);
		*cause = NULL;
		rc = fail(cause, rc == HS_ENOENT ? HS_EINVAL : rc, "Docker context "
		    "\"%s\" (from %s) not found: no %s", name, from, path);
		goto out;
	}
	if ((root = json_loadb(data, len, 0, &jerr)) == NULL || !json_is_object(root) ||
	    !json_is_object(docker = json_object_get(json_object_get(root, "Endpoints"),
	    "docker")) || !json_is_string(host = json_object_get(docker, "Host"))) {
		rc = fail(cause, HS_EINVAL, "Docker context \"%s\": %s: no "
		    "Endpoints.docker.Host", name, path);
		goto out;
	}
	skip = json_object_get(docker, "SkipTLSVerify");
	skip_verify = json_is_true(skip);
	tls = xasprintf("%s/contexts/tls/%s/docker", dir, hash);
	found = endpoint_files(ep, tls);
	free(tls);
	if (!(found & ENDPOINT_CA)) {
		free(ep->ca);
		ep->ca = NULL;		/* the system's CAs */
	}
	what = xasprintf("Docker context \"%s\": Host %s", name,
	    json_string_value(host));
	ep->tls = str_starts(json_string_value(host), "tcp://") &&
	    (found != 0 || skip_verify);
	ep->verify = ep->tls && !skip_verify;
	if ((rc = endpoint_host(ep, json_string_value(host), what, cause)) != 0)
		goto out;
	ep->where = xasprintf("%s (Docker context %s%s)", json_string_value(host), name,
	    !ep->tls ? "" : ep->verify ? ", TLS" : ", TLS, not verified");
out:
	json_decref(root);
	free(what);
	free(data);
	free(path);
	return rc;
}

/*
 * Where the engine listens, as the Docker CLI finds it: $DOCKER_HOST (with
 * TLS from the environment, endpoint_tls), else the Docker context in use
 * (endpoint_context), else the default socket. Podman's service listens on
 * either kind of address too ("podman system service unix://… | tcp://…").
 */
static int
daemon_endpoint(struct endpoint *ep, char **cause)
{
	const char	*h = getenv("DOCKER_HOST"), *from;
	char		*dir = NULL, *name = NULL, *what;
	int		 rc;

	memset(ep, 0, sizeof *ep);
	if (h == NULL || *h == '\0') {
		dir = docker_config_dir();
		if ((rc = context_name(dir, &name, &from, cause)) != 0)
			goto out;
		if (name != NULL) {
			rc = endpoint_context(ep, dir, name, from, cause);
			goto out;
		}
		h = "unix://" DAEMON_DEFAULT_SOCKET;
	}
	what = xasprintf("DOCKER_HOST=%s", h);
	if (str_starts(h, "tcp://"))
		rc = endpoint_tls(ep, cause);
	else
		rc = 0;
	if (rc == 0)
		rc = endpoint_host(ep, h, what, cause);
	free(what);
	if (rc == 0)
		ep->where = ep->tls ? xasprintf("%s (TLS%s)", h, ep->verify ? "" :
		    ", not verified") : xstrdup(h);
out:
	if (rc != 0)
		endpoint_free(ep);
	free(name);
	free(dir);
	return rc;
}

/*
 * A proxy's HTML error page in front of the engine (a TLS terminator that
 * wants a client certificate): its <title>, printable characters only.
 */
static char *
daemon_error_html(const struct fetch_response *resp)
{
	const char	*p, *end, *lim = resp->body.data + resp->body.len;
	char		*out;
	size_t		 i, n;

	if ((p = memmem(resp->body.data, resp->body.len, "<title>", 7)) == NULL)
		return NULL;
	p += 7;
	if ((end = memmem(p, lim - p, "</title>", 8)) == NULL || end == p)
		return NULL;
	n = (size_t)(end - p) < 200 ? (size_t)(end - p) : 200;
	out = xstrndup(p, n);
	for (i = 0; out[i] != '\0'; i++) {
		if (out[i] < ' ' || out[i] > '~')
			out[i] = '?';
	}
	return out;
}

/* The engine's error answer {"message": "…"} (or a proxy's page), or NULL. */
static char *
daemon_error(const struct fetch_response *resp)
{
	json_t		*root;
	const char	*m;
	char		*out = NULL;

	if (resp->body.len == 0)
		return NULL;
	if ((root = json_loadb(resp->body.data, resp->body.len, 0, NULL)) == NULL)
		return daemon_error_html(resp);
	if ((m = json_string_value(json_object_get(root, "message"))) != NULL)
		out = xstrndup(m, strcspn(m, "\r\n"));
	json_decref(root);
	return out;
}

/* A tar entry of the export worth remembering. */
struct member {
	char			*name;		/* normalised path */
	char			*link;		/* symlink or hardlink target, normalised */
	char			*json;		/* a small JSON file (manifest.json, a config) */
	size_t			 len;
	struct layer_files	*lf;		/* a layer, read as it streamed past */
	char			*error;		/* why it could not be read as a layer */
};

struct export {
	const struct source_options	*opts;
	struct stream			*in;		/* the HTTP body */
	struct archive			*a;
	char				 buf[65536];
	char				*in_cause;	/* a read error of the body */
	struct member			*m;
	size_t				 n;
	/* The entry being read: peeked bytes first, then the archive. */
	char				 peek[DAEMON_PEEK];
	size_t				 peek_len, peek_off;
};

static la_ssize_t
export_read_cb(struct archive *a, void *arg, const void **out)
{
	struct export	*x = arg;
	ssize_t		 n;

	n = stream_read(x->in, x->buf, sizeof x->buf, &x->in_cause);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", x->in_cause != NULL ? x->in_cause :
		    "read error");
		return -1;
	}
	*out = x->buf;
	return n;
}

/* The current entry's data as a stream: the peeked bytes, then the rest. */
static ssize_t
entry_read(struct stream *s, void *buf, size_t n, char **cause)
{
	struct export	*x = s->ctx;
	la_ssize_t	 r;
	size_t		 have;

	if (x->peek_off < x->peek_len) {
		have = x->peek_len - x->peek_off;
		if (have > n)
			have = n;
		memcpy(buf, x->peek + x->peek_off, have);
		x->peek_off += have;
		return (ssize_t)have;
	}
	if ((r = archive_read_data(x->a, buf, n)) < 0)
		return fail(cause, HS_EIO, "export: %s", archive_error_string(x->a));
	return r;
}

static void
entry_close(struct stream *s)
{
	(void)s;	/* the export outlives its entries */
}

static const struct stream_ops entry_ops = {
	.read = entry_read,
	.close = entry_close,
};

static struct member *
export_add(struct export *x, char *name)
{
	struct member	*m;

	x->m = xreallocarray(x->m, x->n + 1, sizeof *x->m);
	m = &x->m[x->n++];
	memset(m, 0, sizeof *m);
	m->name = name;
	return m;
}

/* The member a name leads to, following links. */
static struct member *
export_find(struct export *x, const char *name)
{
	const char	*want = name;
	size_t		 i, hops;

	for (hops = 0; hops <= DAEMON_MAX_LINKS; hops++) {
		for (i = x->n; i > 0; i--) {
			if (strcmp(x->m[i - 1].name, want) == 0)
				break;
		}
		if (i == 0)
			return NULL;
		if (x->m[i - 1].link == NULL)
			return &x->m[i - 1];
		want = x->m[i - 1].link;
	}
	return NULL;
}

/* A symlink target, relative to the link's directory, as a normalised path. */
static char *
link_target(const char *name, const char *target)
{
	const char	*slash;
	char		*joined, *norm;

	if (target[0] == '/' || (slash = strrchr(name, '/')) == NULL)
		return layer_path_normalise(target);
	joined = xasprintf("%.*s/%s", (int)(slash - name), name, target);
	norm = layer_path_normalise(joined);
	free(joined);
	return norm;
}

/* The digest an entry's name gives, "sha256:<hex>", or NULL. */
static char *
name_digest(const char *name)
{
	const char	*hex;
	char		*d;

	if (str_starts(name, "blobs/sha256/"))
		hex = name + strlen("blobs/sha256/");
	else if (strlen(name) == 68 && str_ends(name, ".tar"))
		hex = name;
	else
		return NULL;
	if (strlen(hex) < 64 || (hex[64] != '\0' && strcmp(hex + 64, ".tar") != 0))
		return NULL;
	d = xasprintf("sha256:%.64s", hex);
	if (!digest_valid(d)) {
		free(d);
		return NULL;
	}
	return d;
}

/* Read one regular entry: keep it as JSON, as a layer, or not at all. */
static int
export_entry(struct export *x, struct archive_entry *e, char *name, char **cause)
{
	const struct source_options	*opts = x->opts;
	struct image_layer		 l;
	struct member			*m;
	struct stream			 s;
	struct buf			 b;
	char				 chunk[16384], *dcause = NULL, *digest;
	la_ssize_t			 r;
	size_t				 i;
	int64_t				 size = archive_entry_size(e);

	x->peek_len = x->peek_off = 0;
	while (x->peek_len < sizeof x->peek) {
		r = archive_read_data(x->a, x->peek + x->peek_len,
		    sizeof x->peek - x->peek_len);
		if (r < 0) {
			free(name);
			return fail(cause, HS_EIO, "export: %s", archive_error_string(x->a));
		}
		if (r == 0)
			break;
		x->peek_len += (size_t)r;
	}
	for (i = 0; i < x->peek_len && strchr(" \t\r\n", x->peek[i]) != NULL; i++)
		;
	if (i < x->peek_len && (x->peek[i] == '{' || x->peek[i] == '[') &&
	    size >= 0 && (uint64_t)size <= opts->max_json) {
		buf_init(&b);
		buf_add(&b, x->peek, x->peek_len);
		while ((r = archive_read_data(x->a, chunk, sizeof chunk)) > 0) {
			if (b.len + (size_t)r > opts->max_json) {
				fail(cause, HS_ELIMIT, "export: %s is larger than %zu "
				    "bytes", name, opts->max_json);
				buf_free(&b);
				free(name);
				return HS_ELIMIT;
			}
			buf_add(&b, chunk, (size_t)r);
		}
		if (r < 0) {
			buf_free(&b);
			free(name);
			return fail(cause, HS_EIO, "export: %s", archive_error_string(x->a));
		}
		m = export_add(x, name);
		m->len = b.len;
		m->json = buf_steal(&b);
		return 0;
	}
	/* An empty tar is 1024 bytes: anything smaller is no layer (VERSION…). */
	if (x->peek_len < DAEMON_PEEK) {
		free(name);
		return 0;
	}
	m = export_add(x, name);
	memset(&l, 0, sizeof l);
	/*
	 * Exports name layers by their digest ("blobs/sha256/<hex>" from
	 * Docker 25 on, "<hex>.tar" from Podman): the cache may hold them.
	 */
	if (opts->cache != NULL && (digest = name_digest(name)) != NULL) {
		l.digest = digest;
		if (source_layer_cached(opts, &l)) {
			m->lf = l.files;
			free(l.digest);
			archive_read_data_skip(x->a);
			return 0;
		}
		free(l.digest);
		l.digest = NULL;
	}
	s.ops = &entry_ops;
	s.ctx = x;
	if (source_layer_read(opts, &l, name, &s, 0, &dcause) == 0)
		m->lf = l.files;
	else if (x->in_cause != NULL) {
		/* The body itself broke: nothing after this can be read. */
		free(l.digest);
		free(dcause);
		return fail(cause, HS_EIO, "%s", x->in_cause);
	} else
		m->error = dcause;
	free(l.digest);
	return 0;
}

static void
export_free(struct export *x)
{
	size_t	i;

	for (i = 0; i < x->n; i++) {
		free(x->m[i].name);
		free(x->m[i].link);
		free(x->m[i].json);
		free(x->m[i].error);
		layer_files_free(x->m[i].lf);
	}
	free(x->m);
	free(x->in_cause);
	if (x->a != NULL)
		archive_read_free(x->a);
}

/* Walk the whole export once, keeping JSON files and reading every layer. */
static int
export_walk(struct export *x, char **cause)
{
	struct archive_entry	*e;
	struct member		*m;
	const char		*path, *target;
	char			*name;
	size_t			 entries = 0;
	int			 r, rc;

	x->a = archive_read_new();
	archive_read_support_format_tar(x->a);
	archive_read_support_filter_none(x->a);
	if (archive_read_open(x->a, x, NULL, export_read_cb, NULL) != ARCHIVE_OK)
		return fail(cause, HS_EIO, "export: %s", x->in_cause != NULL ?
		    x->in_cause : archive_error_string(x->a));
	for (;;) {
		if ((r = archive_read_next_header(x->a, &e)) == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return fail(cause, HS_EIO, "export: %s", x->in_cause != NULL ?
			    x->in_cause : archive_error_string(x->a));
		if (++entries > DAEMON_MAX_ENTRIES || x->n >= DAEMON_MAX_MEMBERS)
			return fail(cause, HS_ELIMIT, "export: more than %d entries",
			    DAEMON_MAX_ENTRIES);
		if ((path = archive_entry_pathname(e)) == NULL ||
		    (name = layer_path_normalise(path)) == NULL)
			continue;
		if ((target = archive_entry_hardlink(e)) != NULL) {
			m = export_add(x, name);
			m->link = layer_path_normalise(target);
			continue;
		}
		if (archive_entry_filetype(e) == AE_IFLNK &&
		    (target = archive_entry_symlink(e)) != NULL) {
			m = export_add(x, name);
			m->link = link_target(name, target);
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG) {
			free(name);
			continue;
		}
		if ((rc = export_entry(x, e, name, cause)) != 0)
			return rc;
	}
}

/* Build img from manifest.json and the members read. */
static int
export_image(struct export *x, const char *want_name, struct image *img, char **cause)
{
	struct member	*mf, *cm, *lm;
	json_t		*list = NULL, *pick = NULL, *layers, *tags;
	json_error_t	 jerr;
	const char	*cfg, *lname;
	char		 got[72], *norm;
	size_t		 i, j, n;
	int		 rc = 0;

	if ((mf = export_find(x, "manifest.json")) == NULL || mf->json == NULL)
		return fail(cause, HS_EINVAL, "the export has no manifest.json");
	if ((list = json_loadb(mf->json, mf->len, 0, &jerr)) == NULL ||
	    !json_is_array(list) || json_array_size(list) == 0) {
		rc = fail(cause, HS_EINVAL, "the export's manifest.json: %s",
		    list == NULL ? jerr.text : "not a list of images");
		goto out;
	}
	/* One image is asked for; should the engine add others, take the one named. */
	pick = json_array_get(list, 0);
	for (i = 0; i < json_array_size(list) && json_array_size(list) > 1; i++) {
		tags = json_object_get(json_array_get(list, i), "RepoTags");
		for (j = 0; j < json_array_size(tags); j++) {
			lname = json_string_value(json_array_get(tags, j));
			if (lname != NULL && (strcmp(lname, want_name) == 0 ||
			    (str_ends(lname, want_name) &&
			    lname[strlen(lname) - strlen(want_name) - 1] == '/')))
				pick = json_array_get(list, i);
		}
	}
	cfg = json_string_value(json_object_get(pick, "Config"));
	layers = json_object_get(pick, "Layers");
	if (cfg == NULL || !json_is_array(layers)) {
		rc = fail(cause, HS_EINVAL, "the export's manifest.json: no Config or Layers");
		goto out;
	}
	if ((n = json_array_size(layers)) > x->opts->max_layers) {
		rc = fail(cause, HS_ELIMIT, "the export has %zu layers, more than the "
		    "limit of %zu", n, x->opts->max_layers);
		goto out;
	}
	norm = layer_path_normalise(cfg);
	cm = norm != NULL ? export_find(x, norm) : NULL;
	free(norm);
	if (cm == NULL || cm->json == NULL) {
		rc = fail(cause, HS_EINVAL, "config %s is not in the export", cfg);
		goto out;
	}
	img->layers = xcalloc(n, sizeof *img->layers);
	img->nlayers = n;
	sha256_hex(cm->json, cm->len, got);
	img->config_digest = xstrdup(got);
	if ((rc = source_parse_config(cm->json, cm->len, img, cause)) != 0) {
		cause_prefix(cause, "config %s", cfg);
		goto out;
	}
	for (i = 0; i < n; i++) {
		lname = json_string_value(json_array_get(layers, i));
		norm = lname != NULL ? layer_path_normalise(lname) : NULL;
		lm = norm != NULL ? export_find(x, norm) : NULL;
		free(norm);
		if (lm == NULL || (lm->lf == NULL && lm->error == NULL)) {
			rc = fail(cause, HS_EINVAL, "layer %zu (%s) is not in the export",
			    i + 1, lname != NULL ? lname : "?");
			goto out;
		}
		if (lm->lf == NULL) {
			rc = fail(cause, HS_EINVAL, "%s", lm->error);
			goto out;
		}
		if (img->layers[i].diff_id != NULL && lm->lf->diff_id != NULL &&
		    strcmp(img->layers[i].diff_id, lm->lf->diff_id) != 0) {
			rc = fail(cause, HS_EDIGEST, "layer %s: diff_id mismatch: expected "
			    "%s, got %s", lname, img->layers[i].diff_id, lm->lf->diff_id);
			goto out;
		}
		img->layers[i].digest = xstrdup(lm->lf->digest);
		img->layers[i].media_type =
		    xstrdup("application/vnd.docker.image.rootfs.diff.tar");
		img->layers[i].files = layer_files_dup(lm->lf);
	}
out:
	json_decref(list);
	return rc;
}

static int
daemon_read(const struct image_ref *ref, const struct source_options *opts,
    struct image *img, char **cause)
{
	struct fetch_options	 o;
	struct fetch_request	 req;
	struct fetch_response	 resp;
	struct export		 x;
	struct fetch		*f = NULL;
	struct stream		*s = NULL;
	const char		*name;
	struct endpoint		 ep;
	char			*esc = NULL, *url = NULL, *err = NULL;
	int			 rc;

	memset(&resp, 0, sizeof resp);
	memset(&x, 0, sizeof x);
	if ((rc = daemon_endpoint(&ep, cause)) != 0)
		return rc;
	/* The name as given: the engine resolves short names its own way. */
	name = ref->text;
	if (str_starts(name, "docker-daemon:"))
		name += strlen("docker-daemon:");
	esc = fetch_escape(name, "/:@");
	url = xasprintf("%s/images/%s/get", ep.base, esc);

	fetch_options_default(&o);
	o.unix_socket = ep.sock;
	if (ep.tls) {
		o.tls_verify = ep.verify;
		o.ca_file = ep.verify ? ep.ca : NULL;
		o.client_cert = ep.cert;
		o.client_key = ep.key;
	}
	o.connect_timeout = 10;
	o.retries = 2;
	f = fetch_new(&o);
	memset(&req, 0, sizeof req);
	req.url = url;
	req.max_body = opts->limits.max_tar;
	if ((rc = fetch_open(f, &req, &resp, &s, cause)) != 0) {
		/* "URL: what went wrong": the engine says more than the URL. */
		err = *cause;
		*cause = NULL;
		fail(cause, rc, "cannot get the image from the engine at %s: %s",
		    ep.where, strstr(err, ": ") != NULL ? strstr(err, ": ") + 2 : err);
		goto out;
	}
	if (s == NULL) {
		err = daemon_error(&resp);
		rc = fail(cause, resp.status == 404 ? HS_ENOENT : HS_EIO,
		    "the engine at %s: %s (HTTP %ld)", ep.where,
		    err != NULL ? err : resp.status == 404 ? "no such image" :
		    "request refused", resp.status);
		goto out;
	}
	x.opts = opts;
	x.in = s;
	if ((rc = export_walk(&x, cause)) != 0)
		goto out;
	rc = export_image(&x, name, img, cause);
out:
	export_free(&x);
	stream_close(s);
	fetch_response_clear(&resp);
	fetch_free(f);
	free(err);
	free(url);
	free(esc);
	endpoint_free(&ep);
	return rc;
}

const struct source_backend source_daemon_backend = {
	.name = "docker-daemon",
	.transport = TRANSPORT_DOCKER_DAEMON,
	.read = daemon_read,
};
