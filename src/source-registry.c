/* The docker:// source: an image pulled from a registry over the Registry HTTP API v2. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "auth.h"
#include "fetch.h"
#include "source.h"
#include "stream.h"
#include "toc.h"
#include "util.h"

#define MT_OCI_INDEX	"application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST	"application/vnd.oci.image.manifest.v1+json"
#define MT_V2_LIST	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_V2_MANIFEST	"application/vnd.docker.distribution.manifest.v2+json"

static const char *registry_accept[] = {
	"Accept: " MT_OCI_INDEX ", " MT_V2_LIST ", " MT_OCI_MANIFEST ", " MT_V2_MANIFEST,
	NULL
};

struct registry {
	const struct image_ref		*ref;
	const struct source_options	*opts;
	struct fetch			*f;
	char				*base;		/* "https://host[:port]" */
	char				*repo_path;	/* escaped repository */
	char				*scope;		/* "repository:R:pull" */
	struct auth_creds		 creds;
	int				 have_creds;
	char				*auth;		/* "Authorization: …" or NULL */
	char				*used_scope;	/* the scope of the token in auth */
	int				 renewed;	/* auth is a token got after a refusal */
	int				 auth_tries;
	char				*ca_pem;	/* the host's own CAs, or NULL */
};

#define REGISTRY_MAX_CERTS	64		/* .crt files of one host */
#define REGISTRY_MAX_CERT	(1 << 20)	/* bytes of one */

/* Registries on the loopback interface may speak plain HTTP, as Docker allows. */
static int
host_is_loopback(const char *host)
{
	return str_starts(host, "localhost") || str_starts(host, "127.") ||
	    str_starts(host, "[::1]");
}

/* The registry's error body, as "CODE: message", or NULL. */
static char *
registry_error(const struct fetch_response *resp)
{
	json_t		*root, *errs, *e;
	const char	*code, *msg;
	char		*out = NULL;

	if (resp->body.len == 0 ||
	    (root = json_loadb(resp->body.data, resp->body.len, 0, NULL)) == NULL)
		return NULL;
	errs = json_object_get(root, "errors");
	if (json_is_array(errs) && json_array_size(errs) > 0) {
		e = json_array_get(errs, 0);
		code = json_string_value(json_object_get(e, "code"));
		msg = json_string_value(json_object_get(e, "message"));
		if (code != NULL || msg != NULL)
			out = xasprintf("%s%s%s", code != NULL ? code : "",
			    code != NULL && msg != NULL ? ": " : "", msg != NULL ? msg : "");
	}
	json_decref(root);
	/* Keep it to one short line. */
	if (out != NULL && strlen(out) > 200)
		out[200] = '\0';
	if (out != NULL && strpbrk(out, "\r\n") != NULL)
		*strpbrk(out, "\r\n") = '\0';
	return out;
}

/* Answer a 401: work out what the challenge wants and get it. */
static int
registry_authenticate(struct registry *r, const struct fetch_response *resp, char **cause)
{
	struct auth_challenge	 ch;
	const char		*host = r->ref->registry;
	char			*err;
	int			 rc;

	if (resp->www_authenticate == NULL)
		return fail(cause, HS_EAUTH, "%s: HTTP 401 without a WWW-Authenticate "
		    "challenge", host);
	if ((rc = auth_challenge_parse(resp->www_authenticate, &ch, cause)) != 0) {
		cause_prefix(cause, "%s", host);
		return rc;
	}
	/*
	 * A token refused for the very scope it was for has expired or been
	 * revoked: get a new one, once. Refused Basic credentials, or a new
	 * token refused again, would get the same answer every time.
	 */
	if (r->auth != NULL && strcmp(ch.scheme, "bearer") == 0 && !r->renewed &&
	    (ch.scope == NULL || (r->used_scope != NULL &&
	    strcmp(ch.scope, r->used_scope) == 0))) {
		auth_bearer_forget(r->auth);
		r->renewed = 1;
	} else if (++r->auth_tries > 3 || (r->auth != NULL &&
	    (strcmp(ch.scheme, "basic") == 0 || ch.scope == NULL ||
	    (r->used_scope != NULL && strcmp(ch.scope, r->used_scope) == 0)))) {
		err = registry_error(resp);
		if (r->have_creds)
			rc = fail(cause, HS_EAUTH, "%s: authentication refused (HTTP %ld%s%s): "
			    "check the user name and password", host, resp->status,
			    err != NULL ? ", " : "", err != NULL ? err : "");
		else
			rc = fail(cause, HS_EAUTH, "%s: anonymous access refused (HTTP %ld%s%s): "
			    "give credentials (--creds, $REGISTRY_AUTH_FILE, "
			    "~/.docker/config.json)", host, resp->status,
			    err != NULL ? ", " : "", err != NULL ? err : "");
		free(err);
		goto out;
	}
	if (r->auth != NULL)
		explicit_bzero(r->auth, strlen(r->auth));
	free(r->auth);
	r->auth = NULL;
	if (strcmp(ch.scheme, "basic") == 0) {
		if (!r->have_creds) {
			rc = fail(cause, HS_EAUTH, "%s: the registry wants a login and no "
			    "credentials were found (--creds, $REGISTRY_AUTH_FILE, "
			    "~/.docker/config.json)", host);
			goto out;
		}
		if (r->creds.pass == NULL) {
			rc = fail(cause, HS_EAUTH, "%s: the registry wants a user name and "
			    "password (Basic) and its credentials are an identity token, "
			    "which only a token server takes", host);
			goto out;
		}
		r->auth = auth_basic_header(&r->creds);
		rc = 0;
		goto out;
	}
	free(r->used_scope);
	r->used_scope = xstrdup(ch.scope != NULL ? ch.scope : r->scope);
	if ((rc = auth_bearer(r->f, &ch, r->used_scope, r->have_creds ? &r->creds : NULL,
	    &r->auth, cause)) != 0)
		cause_prefix(cause, "%s", host);
out:
	auth_challenge_clear(&ch);
	return rc;
}

/*
 * One request to the registry with authentication as needed. A 2xx body is
 * streamed to *out when out is not NULL, else read into resp->body (at most
 * max bytes). Other statuses come back in resp with *out NULL.
 */
static int
registry_request(struct registry *r, const char *url, uint64_t max,
    struct fetch_response *resp, struct stream **out, char **cause)
{
	struct fetch_request	req;
	int			rc;

	memset(&req, 0, sizeof req);
	req.url = url;
	req.headers = registry_accept;
	req.max_body = max;
	for (;;) {
		req.auth = r->auth;
		if (out != NULL)
			rc = fetch_open(r->f, &req, resp, out, cause);
		else
			rc = fetch_get(r->f, &req, resp, cause);
		if (rc != 0 || resp->status != 401) {
			if (rc == 0)
				r->renewed = 0;	/* the token works: it may be renewed again later */
			return rc;
		}
		if ((rc = registry_authenticate(r, resp, cause)) != 0)
			return rc;
	}
}

/* An unexpected status, as a cause naming what was asked for. */
static int
registry_status(struct registry *r, const struct fetch_response *resp, const char *what,
    char **cause)
{
	char	*err = registry_error(resp);
	int	 rc;

	if (resp->status == 404)
		rc = fail(cause, HS_ENOENT, "%s not found in %s/%s%s%s", what,
		    r->ref->registry, r->ref->repository, err != NULL ? ": " : "",
		    err != NULL ? err : "");
	else if (resp->status == 403)
		rc = fail(cause, HS_EAUTH, "%s/%s: access denied (HTTP 403%s%s)",
		    r->ref->registry, r->ref->repository, err != NULL ? ", " : "",
		    err != NULL ? err : "");
	else
		rc = fail(cause, HS_EIO, "%s: HTTP %ld from %s%s%s", what, resp->status,
		    r->ref->registry, err != NULL ? ": " : "", err != NULL ? err : "");
	free(err);
	return rc;
}

/*
 * The fetch of this thread's last registry image, kept for its next one:
 * libcurl keeps the connection open and the CA store it read (parsing the
 * CA bundle costs 20 ms of CPU), so a list of images on one registry pays
 * one TLS handshake and one CA read per thread, not per image. Freed by
 * source_thread_end().
 */
static __thread struct fetch	*registry_kept;

static struct fetch *
registry_fetch(int tls_verify, const char *ca_pem)
{
	const struct fetch_options	*k;
	struct fetch_options		 o;
	struct fetch			*f;

	if (registry_kept != NULL) {
		k = fetch_options_of(registry_kept);
		if (k->tls_verify == tls_verify && (k->ca_pem == NULL ?
		    ca_pem == NULL : ca_pem != NULL && strcmp(k->ca_pem, ca_pem) == 0)) {
			f = registry_kept;
			registry_kept = NULL;
			return f;
		}
	}
	fetch_options_default(&o);
	o.tls_verify = tls_verify;
	o.ca_pem = ca_pem;
	return fetch_new(&o);
}

static void
registry_fetch_keep(struct fetch *f)
{
	fetch_free(registry_kept);
	registry_kept = f;
}

void
source_registry_thread_end(void)
{
	registry_fetch_keep(NULL);
}

/* Append the certificates of one PEM file to out: 0, or an error naming it. */
static int
registry_ca_file(const char *path, struct buf *out, char **cause)
{
	BIO	*bio;
	X509	*x;
	char	*data;
	size_t	 len;
	int	 rc, n = 0;

	if ((rc = file_read(path, REGISTRY_MAX_CERT, &data, &len, cause)) != 0)
		return rc;
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		free(data);
		return fail(cause, HS_ERR, "%s: out of memory", path);
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		X509_free(x);
		n++;
	}
	ERR_clear_error();
	BIO_free(bio);
	if (n == 0)
		rc = fail(cause, HS_EINVAL, "%s: no PEM certificate in it", path);
	else {
		buf_add(out, data, len);
		buf_add(out, "\n", 1);
	}
	free(data);
	return rc;
}

/*
 * The CA certificates trusted for host beside the system's, found as Docker
 * and Podman find them: every *.crt of DIR/HOST[:PORT]/, where DIR is
 * --cert-dir, else /etc/containers/certs.d and /etc/docker/certs.d. A file
 * that holds no certificate is an error naming it. *pem NULL: none.
 */
static int
registry_ca(const char *cert_dir, const char *host, char **pem, char **cause)
{
	static const char	*defaults[] = {
		"/etc/containers/certs.d", "/etc/docker/certs.d", NULL
	};
	const char		*given[] = { cert_dir, NULL }, **dirs;
	struct dirent		*de;
	struct buf		 out;
	DIR			*d;
	char			*path, *file, **names = NULL;
	size_t			 i, n = 0;
	int			 rc = 0;

	*pem = NULL;
	if (*host == '.' || strchr(host, '/') != NULL)
		return 0;
	buf_init(&out);
	for (dirs = cert_dir != NULL ? given : defaults; *dirs != NULL && rc == 0; dirs++) {
		path = xasprintf("%s/%s", *dirs, host);
		if ((d = opendir(path)) == NULL) {
			if (errno != ENOENT && errno != ENOTDIR)
				rc = fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
			free(path);
			continue;
		}
		while ((de = readdir(d)) != NULL && rc == 0) {
			if (!str_ends(de->d_name, ".crt") || de->d_name[0] == '.')
				continue;
			if (n == REGISTRY_MAX_CERTS) {
				rc = fail(cause, HS_ELIMIT, "%s: more than %d .crt files",
				    path, REGISTRY_MAX_CERTS);
				break;
			}
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof *names, str_cmp_ptr);
		for (i = 0; i < n; i++) {
			if (rc == 0) {
				file = xasprintf("%s/%s", path, names[i]);
				rc = registry_ca_file(file, &out, cause);
				free(file);
			}
			free(names[i]);
		}
		n = 0;
		free(path);
	}
	free(names);
	if (rc == 0 && out.len > 0) {
		buf_add(&out, "", 1);
		*pem = buf_steal(&out);
	}
	buf_free(&out);
	return rc;
}

/*
 * What the run learnt of each registry host, kept for the rest of it: the
 * scheme it answered on (a list of images on one plain-HTTP registry would
 * otherwise pay a TLS try per image, and each try reads and parses the CA
 * bundle: 20 ms of CPU), and whether it is a mirror that did not answer as a
 * registry (every image would otherwise wait for the same retries).
 */
#define REGISTRY_HOSTS	32
static pthread_mutex_t	 registry_hosts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct registry_host {
	char	host[256];
	int	plain;		/* 1 plain HTTP, 0 TLS, -1 not known yet */
	int	down;
} registry_hosts[REGISTRY_HOSTS];
static size_t		 registry_nhosts;

/* host's entry, made when add is set and there is room; lock held. */
static struct registry_host *
registry_host(const char *host, int add)
{
	struct registry_host	*h;
	size_t			 i;

	for (i = 0; i < registry_nhosts; i++) {
		if (strcmp(registry_hosts[i].host, host) == 0)
			return &registry_hosts[i];
	}
	if (!add || registry_nhosts == REGISTRY_HOSTS ||
	    strlen(host) >= sizeof registry_hosts[0].host)
		return NULL;
	h = &registry_hosts[registry_nhosts++];
	strcpy(h->host, host);
	h->plain = -1;
	h->down = 0;
	return h;
}

/* 1 plain HTTP, 0 TLS, -1 not known yet. */
static int
registry_scheme_find(const char *host)
{
	struct registry_host	*h;
	int			 plain;

	pthread_mutex_lock(&registry_hosts_lock);
	plain = (h = registry_host(host, 0)) != NULL ? h->plain : -1;
	pthread_mutex_unlock(&registry_hosts_lock);
	return plain;
}

static void
registry_scheme_keep(const char *host, int plain)
{
	struct registry_host	*h;

	pthread_mutex_lock(&registry_hosts_lock);
	if ((h = registry_host(host, 1)) != NULL)
		h->plain = plain;
	pthread_mutex_unlock(&registry_hosts_lock);
}

static int
registry_is_down(const char *host)
{
	struct registry_host	*h;
	int			 down;

	pthread_mutex_lock(&registry_hosts_lock);
	down = (h = registry_host(host, 0)) != NULL && h->down;
	pthread_mutex_unlock(&registry_hosts_lock);
	return down;
}

static void
registry_set_down(const char *host)
{
	struct registry_host	*h;

	pthread_mutex_lock(&registry_hosts_lock);
	if ((h = registry_host(host, 1)) != NULL)
		h->down = 1;
	pthread_mutex_unlock(&registry_hosts_lock);
}

/*
 * Find the scheme (https, or http for a loopback registry or with TLS
 * verification off, as Docker and skopeo do) and log in when /v2/ asks.
 */
static int
registry_ping(struct registry *r, char **cause)
{
	struct fetch_options	 o;
	struct fetch_request	 req;
	struct fetch_response	 resp;
	struct fetch		*probe;
	char			*url, *c2 = NULL;
	int			 rc, probe_plain = -1, known;

	memset(&resp, 0, sizeof resp);
	known = registry_scheme_find(r->ref->registry);
	r->base = xasprintf("%s://%s", known == 1 ? "http" : "https",
	    r->ref->registry);
	url = xasprintf("%s/v2/", r->base);
	if (known == -1 &&
	    (!r->opts->tls_verify || host_is_loopback(r->ref->registry))) {
		/* One quick try over TLS, then plain HTTP with the usual retries. */
		fetch_options_default(&o);
		o.tls_verify = r->opts->tls_verify;
		o.ca_pem = r->ca_pem;
		o.retries = 0;
		o.connect_timeout = 10;
		probe = fetch_new(&o);
		memset(&req, 0, sizeof req);
		req.url = url;
		req.max_body = 1 << 20;
		rc = fetch_get(probe, &req, &resp, &c2);
		fetch_free(probe);
		if (rc != 0 && resp.tls_refused) {
			/* A TLS registry with a bad certificate: say so, no plain HTTP. */
			rc = fail(cause, HS_EIO, "%s: %s (its CA in --cert-dir DIR as "
			    "DIR/%s/ca.crt is trusted; --tls-verify=false skips the "
			    "check)", r->ref->registry, strstr(c2, ": ") != NULL ?
			    strstr(c2, ": ") + 2 : c2, r->ref->registry);
			fetch_response_clear(&resp);
			free(c2);
			free(url);
			return rc;
		}
		fetch_response_clear(&resp);
		probe_plain = rc != 0;
		if (rc != 0) {
			log_debug("%s: %s; trying plain HTTP", r->ref->registry, c2);
			free(r->base);
			free(url);
			r->base = xasprintf("http://%s", r->ref->registry);
			url = xasprintf("%s/v2/", r->base);
		}
		free(c2);
	}
	rc = registry_request(r, url, 1 << 20, &resp, NULL, cause);
	if (rc == 0 && resp.status != 200)
		rc = fail(cause, HS_EIO, "%s: not a registry (HTTP %ld for /v2/)",
		    r->ref->registry, resp.status);
	if (rc == 0 && probe_plain != -1)
		registry_scheme_keep(r->ref->registry, probe_plain);
	fetch_response_clear(&resp);
	free(url);
	return rc;
}

static char *
media_type_of(const struct fetch_response *resp, json_t *root)
{
	const char	*mt;
	size_t		 n;

	mt = json_string_value(json_object_get(root, "mediaType"));
	if (mt != NULL)
		return xstrdup(mt);
	if (resp->content_type != NULL) {
		n = strcspn(resp->content_type, "; ");
		return xstrndup(resp->content_type, n);
	}
	return xstrdup("");
}

/*
 * GET a manifest by tag or digest and check it against the digest asked for
 * or the one the registry announced. *digest is the manifest's own.
 */
static int
registry_manifest(struct registry *r, const char *reference, struct buf *body,
    char **media_type, char **digest, char **cause)
{
	struct fetch_response	 resp;
	json_t			*root = NULL;
	char			*url, *ref_esc, got[72], *what;
	int			 rc;

	memset(&resp, 0, sizeof resp);
	*media_type = NULL;
	*digest = NULL;
	ref_esc = fetch_escape(reference, ":");
	url = xasprintf("%s/v2/%s/manifests/%s", r->base, r->repo_path, ref_esc);
	what = xasprintf("manifest %s", reference);
	if ((rc = registry_request(r, url, r->opts->max_json, &resp, NULL, cause)) != 0)
		goto out;
	if (resp.status != 200) {
		rc = registry_status(r, &resp, what, cause);
		goto out;
	}
	sha256_hex(resp.body.data, resp.body.len, got);
	if (str_starts(reference, "sha256:") && strcmp(got, reference) != 0) {
		rc = fail(cause, HS_EDIGEST, "%s: content has digest %s", what, got);
		goto out;
	}
	if (resp.docker_digest != NULL && str_starts(resp.docker_digest, "sha256:") &&
	    strcmp(resp.docker_digest, got) != 0) {
		rc = fail(cause, HS_EDIGEST, "%s: content has digest %s, the registry "
		    "said %s", what, got, resp.docker_digest);
		goto out;
	}
	if ((root = json_loadb(resp.body.data, resp.body.len, 0, NULL)) == NULL ||
	    !json_is_object(root)) {
		rc = fail(cause, HS_EINVAL, "%s: not a JSON object", what);
		goto out;
	}
	if (json_integer_value(json_object_get(root, "schemaVersion")) == 1) {
		rc = fail(cause, HS_EINVAL, "%s: schema 1 manifests are not supported", what);
		goto out;
	}
	*media_type = media_type_of(&resp, root);
	*digest = xstrdup(got);
	*body = resp.body;
	buf_init(&resp.body);
out:
	json_decref(root);
	fetch_response_clear(&resp);
	free(what);
	free(url);
	free(ref_esc);
	return rc;
}

/* A small blob (the config) read whole and checked against its digest. */
static int
registry_blob_small(struct registry *r, const char *digest, struct buf *body, char **cause)
{
	struct fetch_response	 resp;
	char			*url, got[72], *what;
	int			 rc;

	if (!digest_valid(digest))
		return fail(cause, HS_EINVAL, "config digest is not a valid sha256 digest");
	memset(&resp, 0, sizeof resp);
	url = xasprintf("%s/v2/%s/blobs/%s", r->base, r->repo_path, digest);
	what = xasprintf("config %s", digest);
	if ((rc = registry_request(r, url, r->opts->max_json, &resp, NULL, cause)) != 0)
		goto out;
	if (resp.status != 200) {
		rc = registry_status(r, &resp, what, cause);
		goto out;
	}
	sha256_hex(resp.body.data, resp.body.len, got);
	if (strcmp(got, digest) != 0) {
		rc = fail(cause, HS_EDIGEST, "%s: content has digest %s", what, got);
		goto out;
	}
	*body = resp.body;
	buf_init(&resp.body);
out:
	fetch_response_clear(&resp);
	free(what);
	free(url);
	return rc;
}

/* One blob range for a lazy pull (toc.h), with authentication as needed. */
struct registry_range {
	struct registry	*r;
	const char	*url;
	const char	*what;
};

static int
registry_range_read(void *arg, uint64_t off, uint64_t len, struct buf *out,
    char **cause)
{
	struct registry_range	*rr = arg;
	struct registry		*r = rr->r;
	struct fetch_request	 req;
	struct fetch_response	 resp;
	int			 rc;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.url = rr->url;
	for (;;) {
		req.auth = r->auth;
		rc = fetch_range(r->f, &req, off, len, &resp, cause);
		if (rc != 0 || resp.status != 401)
			break;
		if ((rc = registry_authenticate(r, &resp, cause)) != 0)
			break;
	}
	if (rc == 0) {
		if (resp.status == 206)
			buf_add(out, resp.body.data, resp.body.len);
		else if (resp.status >= 200 && resp.status < 300) {
			log_debug("%s: the registry ignores Range requests (HTTP %ld)",
			    rr->what, resp.status);
			rc = TOC_FULL_READ;
		} else
			rc = registry_status(r, &resp, rr->what, cause);
	}
	fetch_response_clear(&resp);
	return rc;
}

/*
 * A layer with a table of contents, read through it (toc.h): 0 with l's
 * files, or TOC_FULL_READ to read it whole (a warning said why, when it was
 * not simply a registry that ignores Range). What it keeps is not put in the
 * layer cache: it was not checked against the blob's digest or its
 * diff_id, so a later --lazy-pull=never run must not be answered from it.
 */
static int
registry_layer_lazy(struct registry *r, struct image_layer *l, const char *url,
    const char *what)
{
	struct registry_range	 rr = { r, url, what };
	struct toc_blob		 blob;
	struct layer_files	*lf = NULL;
	char			*cause = NULL;
	int			 rc;

	memset(&blob, 0, sizeof blob);
	blob.read = registry_range_read;
	blob.arg = &rr;
	blob.size = (uint64_t)l->size;
	rc = toc_layer_read(l, &blob, &r->opts->limits, r->opts->want, &lf, &cause);
	if (r->opts->bytes_read != NULL)
		__atomic_add_fetch(r->opts->bytes_read, blob.fetched, __ATOMIC_RELAXED);
	if (rc != 0) {
		if (cause != NULL)
			log_warn("%s: %s; reading the whole layer instead", what, cause);
		free(cause);
		return TOC_FULL_READ;
	}
	log_debug("%s: lazy pull (%s): %" PRIu64 " of %" PRId64 " bytes fetched, "
	    "%zu files kept", what, toc_format_of(l)->name, blob.fetched, l->size,
	    lf->nfiles);
	layer_files_free(l->files);
	l->files = lf;
	return 0;
}

/* One layer: from the cache, else streamed from the registry through layer_read. */
static int
registry_layer(struct registry *r, struct image_layer *l, char **cause)
{
	struct fetch_response	 resp;
	struct stream		*s = NULL;
	char			*url = NULL, *what;
	int			 rc;

	if (l->digest == NULL || !digest_valid(l->digest))
		return fail(cause, HS_EINVAL, "a layer without a valid sha256 digest");
	if (source_layer_claim(r->opts, l)) {
		log_debug("layer %s: from the layer cache", l->digest);
		return 0;
	}
	memset(&resp, 0, sizeof resp);
	what = xasprintf("layer %s", l->digest);
	url = xasprintf("%s/v2/%s/blobs/%s", r->base, r->repo_path, l->digest);
	if (r->opts->lazy_pull && l->size > 0 && toc_format_of(l) != NULL &&
	    registry_layer_lazy(r, l, url, what) == 0) {
		rc = 0;
		goto out;
	}
	/* The manifest gives the exact size: never read more. */
	if ((rc = registry_request(r, url, l->size > 0 ? (uint64_t)l->size : 0, &resp, &s,
	    cause)) != 0) {
		cause_prefix(cause, "%s", what);
		goto out;
	}
	if (s == NULL) {
		rc = registry_status(r, &resp, what, cause);
		goto out;
	}
	rc = source_layer_read(r->opts, l, NULL, s, 1, cause);
out:
	source_layer_unclaim(l);
	stream_close(s);
	fetch_response_clear(&resp);
	free(url);
	free(what);
	return rc;
}

/*
 * The layers of one image several at once (source_layers_read): each layer
 * is read through a registry connection no other thread uses at the time.
 * The first is the image's own; the others are copies of it (its token
 * included), each with a fetch handle of its own, made before any thread
 * starts: a connection in use is never read by another thread.
 */
#define REGISTRY_MAX_CONNS	64

struct registry_pool {
	pthread_mutex_t		 lock;
	struct registry		*conns[REGISTRY_MAX_CONNS];
	int			 busy[REGISTRY_MAX_CONNS];
	size_t			 n;
};

static char *
registry_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static struct registry *
registry_copy(const struct registry *b)
{
	struct registry	*r;

	r = xcalloc(1, sizeof *r);
	*r = *b;
	r->f = registry_fetch(b->opts->tls_verify, b->ca_pem);
	r->base = registry_strdup(b->base);
	r->repo_path = registry_strdup(b->repo_path);
	r->scope = registry_strdup(b->scope);
	r->creds.user = registry_strdup(b->creds.user);
	r->creds.pass = registry_strdup(b->creds.pass);
	r->creds.token = registry_strdup(b->creds.token);
	r->auth = registry_strdup(b->auth);
	r->used_scope = registry_strdup(b->used_scope);
	return r;
}

static void
registry_copy_free(struct registry *r)
{
	if (r == NULL)
		return;
	auth_creds_clear(&r->creds);
	if (r->auth != NULL)
		explicit_bzero(r->auth, strlen(r->auth));
	free(r->auth);
	free(r->base);
	free(r->repo_path);
	free(r->scope);
	free(r->used_scope);
	fetch_free(r->f);
	free(r);
}

static int
registry_pool_layer(void *arg, struct image_layer *l, char **cause)
{
	struct registry_pool	*p = arg;
	struct registry		*r = NULL;
	size_t			 i;
	int			 rc;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++) {
		if (!p->busy[i]) {
			p->busy[i] = 1;
			r = p->conns[i];
			break;
		}
	}
	pthread_mutex_unlock(&p->lock);
	/* As many connections as threads: never, but say so all the same. */
	if (r == NULL)
		return fail(cause, HS_ERR, "layer %s: no registry connection free",
		    l->digest);
	rc = registry_layer(r, l, cause);
	pthread_mutex_lock(&p->lock);
	p->busy[i] = 0;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static int
registry_layers(struct registry *r, struct image *img, char **cause)
{
	struct registry_pool	p;
	size_t			i, n;
	int			rc;

	memset(&p, 0, sizeof p);
	n = source_layers_jobs(r->opts, img);
	if (n > REGISTRY_MAX_CONNS)
		n = REGISTRY_MAX_CONNS;
	p.conns[p.n++] = r;
	while (p.n < n)
		p.conns[p.n++] = registry_copy(r);
	pthread_mutex_init(&p.lock, NULL);
	rc = source_layers_read(r->opts, img, registry_pool_layer, &p, cause);
	for (i = 1; i < p.n; i++)
		registry_copy_free(p.conns[i]);
	pthread_mutex_destroy(&p.lock);
	return rc;
}

static int
is_index(const char *mt, const struct buf *body)
{
	json_t	*root;
	int	 yes;

	if (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_V2_LIST) == 0)
		return 1;
	if (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_V2_MANIFEST) == 0)
		return 0;
	/* No media type: an index is the one with "manifests". */
	if ((root = json_loadb(body->data, body->len, 0, NULL)) == NULL)
		return 0;
	yes = json_is_array(json_object_get(root, "manifests"));
	json_decref(root);
	return yes;
}

static int
registry_read_one(const struct image_ref *ref, const struct source_options *opts,
    struct image *img, int *answered, char **cause)
{
	struct registry	 r;
	struct buf	 manifest, config;
	char		*mt = NULL, *digest = NULL, *pick = NULL, *pick_mt = NULL;
	char		*mt2 = NULL, *digest2 = NULL;
	const char	*platform;
	int		 rc;

	memset(&r, 0, sizeof r);
	buf_init(&manifest);
	buf_init(&config);
	r.ref = ref;
	r.opts = opts;
	if (ref->registry == NULL || ref->repository == NULL || ref->reference == NULL)
		return fail(cause, HS_EINVAL, "not a registry reference");
	if ((rc = registry_ca(opts->cert_dir, ref->registry, &r.ca_pem, cause)) != 0)
		return rc;
	if (r.ca_pem != NULL)
		log_debug("%s: CA certificates from certs.d", ref->registry);
	r.f = registry_fetch(opts->tls_verify, r.ca_pem);
	r.repo_path = fetch_escape(ref->repository, "/");
	r.scope = xasprintf("repository:%s:pull", ref->repository);
	rc = auth_creds_find(ref->registry, ref->repository, opts->creds, &r.creds, cause);
	if (rc == 0)
		r.have_creds = 1;
	else if (rc != HS_ENOENT)
		goto out;
	rc = 0;

	if ((rc = registry_ping(&r, cause)) != 0)
		goto out;
	*answered = 1;
	if ((rc = registry_manifest(&r, ref->reference, &manifest, &mt, &digest,
	    cause)) != 0)
		goto out;
	img->manifest_digest = xstrdup(digest);
	if (is_index(mt, &manifest)) {
		platform = opts->platform != NULL ? opts->platform : "linux/amd64";
		if ((rc = source_pick_manifest(manifest.data, manifest.len, platform, NULL,
		    &pick, &pick_mt, cause)) != 0) {
			cause_prefix(cause, "index %s", ref->reference);
			goto out;
		}
		if (!digest_valid(pick)) {
			rc = fail(cause, HS_EINVAL, "%s: the index names an invalid digest",
			    ref->reference);
			goto out;
		}
		buf_free(&manifest);
		if ((rc = registry_manifest(&r, pick, &manifest, &mt2, &digest2,
		    cause)) != 0)
			goto out;
		if (is_index(mt2, &manifest)) {
			rc = fail(cause, HS_EINVAL, "manifest %s: an index inside an index",
			    pick);
			goto out;
		}
	}
	if ((rc = source_parse_manifest(manifest.data, manifest.len, img, opts,
	    cause)) != 0)
		goto out;
	if (img->config_digest == NULL) {
		rc = fail(cause, HS_EINVAL, "manifest %s has no config", digest);
		goto out;
	}
	if ((rc = registry_blob_small(&r, img->config_digest, &config, cause)) != 0)
		goto out;
	if ((rc = source_parse_config(config.data, config.len, img, cause)) != 0)
		goto out;
	rc = registry_layers(&r, img, cause);
out:
	buf_free(&manifest);
	buf_free(&config);
	free(mt);
	free(digest);
	free(mt2);
	free(digest2);
	free(pick);
	free(pick_mt);
	auth_creds_clear(&r.creds);
	if (r.auth != NULL)
		explicit_bzero(r.auth, strlen(r.auth));
	free(r.auth);
	free(r.base);
	free(r.repo_path);
	free(r.scope);
	free(r.used_scope);
	registry_fetch_keep(r.f);
	free(r.ca_pem);
	return rc;
}

/* Docker Hub under any of its names, as image references store it. */
static const char *
registry_key(const char *host)
{
	return auth_is_docker_hub(host) ? "registry-1.docker.io" : host;
}

/* HOST[:PORT] with nothing else: no path, no user, no space. */
static int
registry_host_ok(const char *h, size_t n)
{
	return n > 0 && n < 256 && h[0] != ':' && strcspn(h, "/@?# \t") >= n;
}

int
registry_mirror_parse(const char *arg, struct registry_mirror *m, char **cause)
{
	const char	*eq, *url, *host;
	char		 key[256];
	size_t		 n;

	memset(m, 0, sizeof *m);
	eq = strchr(arg, '=');
	url = eq != NULL ? eq + 1 : arg;
	if (eq != NULL && !registry_host_ok(arg, eq - arg))
		return fail(cause, HS_EINVAL, "--registry-mirror %s: \"%.*s\" is not a "
		    "registry HOST[:PORT]", arg, (int)(eq - arg), arg);
	m->plain = -1;
	host = url;
	if (str_starts(url, "http://")) {
		m->plain = 1;
		host = url + 7;
	} else if (str_starts(url, "https://")) {
		m->plain = 0;
		host = url + 8;
	} else if (strstr(url, "://") != NULL)
		return fail(cause, HS_EINVAL, "--registry-mirror %s: a mirror is "
		    "http://, https:// or HOST[:PORT]", arg);
	n = strlen(host);
	if (n > 0 && host[n - 1] == '/')
		n--;
	if (!registry_host_ok(host, n))
		return fail(cause, HS_EINVAL, "--registry-mirror %s: the mirror must be "
		    "HOST[:PORT], with no path or user", arg);
	memcpy(m->host, host, n);
	if (eq != NULL) {
		memcpy(key, arg, eq - arg);
		key[eq - arg] = '\0';
		snprintf(m->registry, sizeof m->registry, "%s", registry_key(key));
	} else
		strcpy(m->registry, "registry-1.docker.io");
	return 0;
}

/*
 * The mirrors of the image's registry first, in the order given, then the
 * registry. A mirror that fails (down, not holding the image, refusing) is
 * one warning and the next is tried; one that does not answer as a registry
 * at all is skipped for the rest of the run. Whatever comes from a mirror is
 * checked against the digests of its manifest, as from the registry.
 */
static int
registry_read(const struct image_ref *ref, const struct source_options *opts,
    struct image *img, char **cause)
{
	const struct registry_mirror	*m;
	struct image_ref		 via;
	char				*mcause = NULL;
	size_t				 i;
	int				 rc, answered;

	for (i = 0; i < opts->nmirrors; i++) {
		m = &opts->mirrors[i];
		if (ref->registry == NULL || strcmp(m->registry, ref->registry) != 0)
			continue;
		if (registry_is_down(m->host)) {
			log_debug("%s: mirror %s is down: skipped", ref->text, m->host);
			continue;
		}
		if (m->plain != -1 && registry_scheme_find(m->host) == -1)
			registry_scheme_keep(m->host, m->plain);
		via = *ref;
		via.registry = (char *)m->host;
		answered = 0;
		if ((rc = registry_read_one(&via, opts, img, &answered, &mcause)) == 0) {
			log_debug("%s: pulled through the mirror %s", ref->text, m->host);
			return 0;
		}
		if (!answered) {
			registry_set_down(m->host);
			log_warn("%s: mirror %s: %s; not asked again in this run, trying "
			    "the next", ref->text, m->host, mcause);
		} else
			log_warn("%s: mirror %s: %s; trying the next", ref->text, m->host,
			    mcause);
		free(mcause);
		mcause = NULL;
		image_clear(img);
	}
	answered = 0;
	return registry_read_one(ref, opts, img, &answered, cause);
}

const struct source_backend source_docker_backend = {
	.name = "docker",
	.transport = TRANSPORT_DOCKER,
	.read = registry_read,
};
