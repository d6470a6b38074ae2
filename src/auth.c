/* Registry authentication: challenges, Basic, Bearer tokens, credential files. */
#include "config.h"

#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "auth.h"
#include "fetch.h"
#include "util.h"

#define AUTH_MAX_FILE		(4 << 20)
#define AUTH_MAX_TOKEN_BODY	(1 << 20)
#define AUTH_CACHE_SLOTS	64
#define AUTH_HELPER_WAIT	10		/* seconds a credential helper may take */
#define AUTH_HELPER_MAX		(64 << 10)	/* bytes it may print */

extern char **environ;

static int	helper_missing_said;

void
auth_challenge_clear(struct auth_challenge *ch)
{
	if (ch == NULL)
		return;
	free(ch->scheme);
	free(ch->realm);
	free(ch->service);
	free(ch->scope);
	free(ch->error);
	memset(ch, 0, sizeof *ch);
}

void
auth_creds_clear(struct auth_creds *c)
{
	if (c == NULL)
		return;
	if (c->pass != NULL)
		explicit_bzero(c->pass, strlen(c->pass));
	if (c->token != NULL)
		explicit_bzero(c->token, strlen(c->token));
	free(c->user);
	free(c->pass);
	free(c->token);
	memset(c, 0, sizeof *c);
}

static int
is_tchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~/=:", c) != NULL);
}

/* Read a token (for a scheme or parameter name: '=' and ':' excluded). */
static char *
read_token(const char **pp, int name)
{
	const char	*p = *pp, *start = p;

	while (*p != '\0' && is_tchar((unsigned char)*p) &&
	    (!name || (*p != '=' && *p != ':' && *p != '/')))
		p++;
	*pp = p;
	return p == start ? NULL : xstrndup(start, p - start);
}

/* A quoted-string (with backslash escapes) or a token. */
static char *
read_value(const char **pp)
{
	const char	*p = *pp;
	struct buf	 b;

	if (*p != '"')
		return read_token(pp, 0);
	buf_init(&b);
	buf_add(&b, "", 0);
	for (p++; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		buf_add(&b, p, 1);
	}
	if (*p == '"')
		p++;
	*pp = p;
	return buf_steal(&b);
}

static void
skip_ws(const char **pp)
{
	while (**pp == ' ' || **pp == '\t')
		(*pp)++;
}

/* Bearer over Basic over anything else. */
static int
scheme_rank(const char *scheme)
{
	if (scheme == NULL)
		return -1;
	if (strcmp(scheme, "bearer") == 0)
		return 2;
	if (strcmp(scheme, "basic") == 0)
		return 1;
	return 0;
}

int
auth_challenge_parse(const char *s, struct auth_challenge *out, char **cause)
{
	struct auth_challenge	 cur, best;
	const char		*p = s;
	char			*name, *value, *q;
	int			 n = 0;

	memset(&cur, 0, sizeof cur);
	memset(&best, 0, sizeof best);
	memset(out, 0, sizeof *out);
	while (*p != '\0' && n++ < 256) {
		skip_ws(&p);
		if (*p == '\0')
			break;	/* trailing blanks: the step over junk below would pass the end */
		if (*p == ',') {
			p++;
			continue;
		}
		if ((name = read_token(&p, 1)) == NULL) {
			p++;	/* junk: step over it */
			continue;
		}
		skip_ws(&p);
		if (*p == '=' && cur.scheme != NULL) {
			p++;
			skip_ws(&p);
			value = read_value(&p);
			if (value == NULL)
				value = xstrdup("");
			if (strcasecmp(name, "realm") == 0)
				free(cur.realm), cur.realm = value;
			else if (strcasecmp(name, "service") == 0)
				free(cur.service), cur.service = value;
			else if (strcasecmp(name, "scope") == 0)
				free(cur.scope), cur.scope = value;
			else if (strcasecmp(name, "error") == 0)
				free(cur.error), cur.error = value;
			else
				free(value);
			free(name);
			continue;
		}
		/* A new challenge: keep the one we had if it is the better. */
		if (cur.scheme != NULL) {
			if (scheme_rank(cur.scheme) > scheme_rank(best.scheme)) {
				auth_challenge_clear(&best);
				best = cur;
			} else
				auth_challenge_clear(&cur);
			memset(&cur, 0, sizeof cur);
		}
		for (q = name; *q != '\0'; q++)
			*q = tolower((unsigned char)*q);
		cur.scheme = name;
		/* token68 (Basic's "realm" is a parameter; skip a bare token68). */
		if (*p != '\0' && *p != ',' && *p != '=' && strchr(p, '=') == NULL) {
			while (*p != '\0' && *p != ',')
				p++;
		}
	}
	if (cur.scheme != NULL) {
		if (scheme_rank(cur.scheme) > scheme_rank(best.scheme)) {
			auth_challenge_clear(&best);
			best = cur;
		} else
			auth_challenge_clear(&cur);
	}
	if (best.scheme == NULL)
		return fail(cause, HS_EINVAL, "empty WWW-Authenticate challenge");
	if (strcmp(best.scheme, "bearer") != 0 && strcmp(best.scheme, "basic") != 0) {
		auth_challenge_clear(&best);
		return fail(cause, HS_EAUTH, "unsupported authentication scheme");
	}
	if (strcmp(best.scheme, "bearer") == 0 &&
	    (best.realm == NULL || (strncmp(best.realm, "https://", 8) != 0 &&
	    strncmp(best.realm, "http://", 7) != 0))) {
		auth_challenge_clear(&best);
		return fail(cause, HS_EAUTH, "Bearer challenge without an http(s) realm");
	}
	*out = best;
	return 0;
}

char *
auth_base64_encode(const void *p, size_t len)
{
	char	*out;

	out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	return out;
}

int
auth_base64_decode(const char *s, char **out, size_t *outlen)
{
	size_t	 len = strlen(s), pad = 0;
	char	*o;
	int	 n;

	if (len % 4 != 0 || len > (1 << 20))
		return HS_EINVAL;
	/* EVP_DecodeBlock is lenient: padding only at the end, two at most. */
	n = (int)strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
	if ((size_t)n + 2 < len || strspn(s + n, "=") != len - (size_t)n)
		return HS_EINVAL;
	o = xmalloc(len / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock((unsigned char *)o, (const unsigned char *)s,
	    (int)len)) < 0) {
		free(o);
		return HS_EINVAL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (len > 0 && s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	if ((size_t)n < pad) {
		free(o);
		return HS_EINVAL;
	}
	*outlen = (size_t)n - pad;
	o[*outlen] = '\0';
	*out = o;
	return 0;
}

char *
auth_basic_header(const struct auth_creds *c)
{
	char	*pair, *b64, *h;

	pair = xasprintf("%s:%s", c->user, c->pass);
	b64 = auth_base64_encode(pair, strlen(pair));
	h = xasprintf("Authorization: Basic %s", b64);
	explicit_bzero(pair, strlen(pair));
	explicit_bzero(b64, strlen(b64));
	free(pair);
	free(b64);
	return h;
}

static int
split_pair(const char *s, size_t len, struct auth_creds *c)
{
	const char	*colon;

	if ((colon = memchr(s, ':', len)) == NULL || colon == s)
		return HS_EINVAL;
	c->user = xstrndup(s, colon - s);
	c->pass = xstrndup(colon + 1, len - (colon - s) - 1);
	return 0;
}

/* Docker Hub has several names; they share credentials. */
static const char *
registry_canon(const char *host)
{
	return auth_is_docker_hub(host) ? "docker.io" : host;
}

int
auth_is_docker_hub(const char *host)
{
	return strcmp(host, "docker.io") == 0 || strcmp(host, "index.docker.io") == 0 ||
	    strcmp(host, "registry-1.docker.io") == 0 ||
	    strcmp(host, "registry.hub.docker.com") == 0;
}

/*
 * How well an auths key matches: -1 not at all, else the length of the
 * namespace it names ("quay.io/org" → 3), so the most specific wins.
 */
static int
key_match(const char *key, const char *registry, const char *repository)
{
	const char	*p = key, *slash;
	char		*host;
	int		 scheme = 0, m;
	size_t		 plen;

	if (strncmp(p, "https://", 8) == 0)
		p += 8, scheme = 1;
	else if (strncmp(p, "http://", 7) == 0)
		p += 7, scheme = 1;
	slash = strchr(p, '/');
	host = slash != NULL ? xstrndup(p, slash - p) : xstrdup(p);
	m = strcmp(registry_canon(host), registry_canon(registry)) == 0 ? 0 : -1;
	free(host);
	if (m != 0 || slash == NULL || scheme)
		return m;	/* "https://index.docker.io/v1/": the path is no namespace */
	/* containers-auth.json(5): "host/namespace" matches the repositories below it. */
	p = slash + 1;
	plen = strlen(p);
	while (plen > 0 && p[plen - 1] == '/')
		plen--;
	if (plen == 0)
		return 0;
	if (repository == NULL || strncmp(repository, p, plen) != 0 ||
	    (repository[plen] != '\0' && repository[plen] != '/'))
		return -1;
	return (int)plen;
}

/*
 * Run docker-credential-NAME get, the server on its stdin: its stdout, at
 * most AUTH_HELPER_MAX bytes, within AUTH_HELPER_WAIT seconds, and its exit
 * status in *status. HS_ENOENT when there is no such program.
 */
static int
helper_run(const char *prog, const char *server, struct buf *out, int *status,
    char **cause)
{
	posix_spawn_file_actions_t	 fa;
	char				*argv[] = { (char *)prog, (char *)"get", NULL };
	char				 block[4096];
	struct pollfd			 pfd;
	struct timespec			 zero = { 0, 0 };
	sigset_t			 pipe_set, old_set;
	double				 deadline;
	pid_t				 pid;
	ssize_t				 n;
	int				 in[2] = { -1, -1 }, outp[2] = { -1, -1 }, rc = 0, r;

	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(outp, O_CLOEXEC) == -1) {
		rc = fail(cause, HS_EIO, "%s: pipe: %s", prog, strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, outp[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	if (r != 0) {
		rc = r == ENOENT ? HS_ENOENT : fail(cause, HS_EIO, "%s: %s", prog,
		    strerror(r));
		goto out;
	}
	/*
	 * The server name, then end of input. A helper that quit early is
	 * fine: SIGPIPE is held back in this thread for the write, and taken
	 * if the write raised it.
	 */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
	if (write(in[1], server, strlen(server)) == -1 && errno == EPIPE)
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);
	close(in[1]);
	in[1] = -1;

	deadline = now_mono() + AUTH_HELPER_WAIT;
	pfd.fd = outp[0];
	pfd.events = POLLIN;
	for (;;) {
		r = poll(&pfd, 1, (int)((deadline - now_mono()) * 1000) + 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0 || now_mono() > deadline) {
			kill(pid, SIGKILL);
			rc = fail(cause, HS_EIO, "%s: no answer within %d s", prog,
			    AUTH_HELPER_WAIT);
			break;
		}
		if ((n = read(outp[0], block, sizeof block)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > AUTH_HELPER_MAX) {
			kill(pid, SIGKILL);
			rc = fail(cause, HS_ELIMIT, "%s: answer longer than %d bytes",
			    prog, AUTH_HELPER_MAX);
			break;
		}
		buf_add(out, block, (size_t)n);
	}
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
out:
	if (in[0] != -1)
		close(in[0]);
	if (in[1] != -1)
		close(in[1]);
	if (outp[0] != -1)
		close(outp[0]);
	if (outp[1] != -1)
		close(outp[1]);
	return rc;
}

/*
 * Credentials from the Docker credential helper name (credHelpers or
 * credsStore of path): 0, HS_ENOENT when it has none (or is not installed:
 * a warning, then anonymous), else an error naming the helper and file.
 */
static int
creds_from_helper(const char *path, const char *name, const char *registry,
    struct auth_creds *c, char **cause)
{
	json_t		*root = NULL, *u, *sec;
	json_error_t	 jerr;
	struct buf	 out;
	const char	*p;
	char		*prog, *server, *line;
	int		 rc, status = 0;

	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			break;
	}
	if (*name == '\0' || *p != '\0' || strlen(name) > 64)
		return fail(cause, HS_EINVAL, "%s: \"%s\" is not a credential helper "
		    "name", path, name);
	prog = xasprintf("docker-credential-%s", name);
	/* Docker Hub's credentials are kept under its old v1 address. */
	server = strcmp(registry_canon(registry), "docker.io") == 0 ?
	    xstrdup("https://index.docker.io/v1/") : xstrdup(registry);
	buf_init(&out);
	rc = helper_run(prog, server, &out, &status, cause);
	if (rc == HS_ENOENT) {
		/* Once a run: every image of the registry would say the same. */
		if (__atomic_exchange_n(&helper_missing_said, 1, __ATOMIC_RELAXED) == 0)
			log_warn("%s (named in %s) is not installed: no credentials "
			    "for %s", prog, path, registry);
		else
			log_debug("%s is not installed: no credentials for %s", prog,
			    registry);
		goto out;
	}
	if (rc != 0)
		goto out;
	buf_add(&out, "", 1);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* "credentials not found in native keychain": none, not an error. */
		if (strstr(out.data, "not found") != NULL) {
			rc = HS_ENOENT;
			goto out;
		}
		line = xstrndup(out.data, strcspn(out.data, "\r\n"));
		rc = fail(cause, HS_EIO, "%s (named in %s) failed for %s%s%s", prog,
		    path, registry, *line != '\0' ? ": " : "", line);
		free(line);
		goto out;
	}
	if ((root = json_loadb(out.data, out.len - 1, 0, &jerr)) == NULL ||
	    !json_is_string(u = json_object_get(root, "Username")) ||
	    !json_is_string(sec = json_object_get(root, "Secret"))) {
		rc = fail(cause, HS_EINVAL, "%s (named in %s): not the JSON of "
		    "Username and Secret", prog, path);
		goto out;
	}
	/* The Docker CLI's convention for an identity token in a helper. */
	if (strcmp(json_string_value(u), "<token>") == 0)
		c->token = xstrdup(json_string_value(sec));
	else {
		c->user = xstrdup(json_string_value(u));
		c->pass = xstrdup(json_string_value(sec));
	}
	rc = 0;
out:
	json_decref(root);
	if (out.data != NULL)
		explicit_bzero(out.data, out.len);
	buf_free(&out);
	free(server);
	free(prog);
	return rc;
}

/*
 * The credentials a Docker or containers auth file gives registry: its
 * credHelpers entry for the host, else the best auths entry holding
 * credentials, else its credsStore, as the Docker CLI does (an auths entry
 * left empty by `docker login` with a store defers to the store).
 */
static int
creds_from_file(const char *path, const char *registry, const char *repository,
    struct auth_creds *c, char **cause)
{
	json_t		*root = NULL, *auths, *entry, *best = NULL, *v, *u, *helpers;
	json_error_t	 jerr;
	const char	*key, *store = NULL;
	char		*data = NULL, *dec = NULL;
	size_t		 len, dlen;
	int		 m, bestm = -1, rc = HS_ENOENT;

	if ((rc = file_read(path, AUTH_MAX_FILE, &data, &len, cause)) != 0) {
		if (rc == HS_ENOENT) {
			free(*cause);
			*cause = NULL;
			return HS_ENOENT;
		}
		return rc;
	}
	rc = HS_ENOENT;
	if ((root = json_loadb(data, len, 0, &jerr)) == NULL || !json_is_object(root)) {
		rc = fail(cause, HS_EINVAL, "%s: not a JSON object (line %d)", path,
		    jerr.line);
		goto out;
	}
	/* A helper named for the host (credHelpers keys are hosts, no paths). */
	helpers = json_object_get(root, "credHelpers");
	if (helpers != NULL && json_is_object(helpers)) {
		json_object_foreach(helpers, key, entry) {
			if (json_is_string(entry) && strchr(key, '/') == NULL &&
			    key_match(key, registry, repository) == 0) {
				rc = creds_from_helper(path, json_string_value(entry),
				    registry, c, cause);
				goto out;
			}
		}
	}
	if (json_is_string(v = json_object_get(root, "credsStore")) &&
	    json_string_length(v) > 0)
		store = json_string_value(v);
	auths = json_object_get(root, "auths");
	if (auths != NULL && json_is_object(auths)) {
		json_object_foreach(auths, key, entry) {
			if (!json_is_object(entry))
				continue;
			m = key_match(key, registry, repository);
			if (m > bestm) {
				bestm = m;
				best = entry;
			}
		}
	}
	if (best == NULL)
		goto store;
	/*
	 * `docker login` to a token server that gives refresh tokens keeps one
	 * here (its "auth" then holds the user name alone), and uses it first.
	 */
	if ((v = json_object_get(best, "identitytoken")) != NULL && json_is_string(v) &&
	    json_string_length(v) > 0) {
		c->token = xstrdup(json_string_value(v));
		rc = 0;
		goto out;
	}
	if ((v = json_object_get(best, "auth")) != NULL && json_is_string(v) &&
	    json_string_length(v) > 0) {
		if (auth_base64_decode(json_string_value(v), &dec, &dlen) != 0 ||
		    split_pair(dec, dlen, c) != 0) {
			rc = fail(cause, HS_EINVAL, "%s: the \"auth\" entry for %s is not "
			    "base64 of USER:PASS", path, registry);
			goto out;
		}
		rc = 0;
		goto out;
	}
	u = json_object_get(best, "username");
	v = json_object_get(best, "password");
	if (json_is_string(u) && json_is_string(v)) {
		c->user = xstrdup(json_string_value(u));
		c->pass = xstrdup(json_string_value(v));
		rc = 0;
		goto out;
	}
store:
	if (store != NULL)
		rc = creds_from_helper(path, store, registry, c, cause);
out:
	if (dec != NULL) {
		explicit_bzero(dec, strlen(dec));
		free(dec);
	}
	if (data != NULL) {
		explicit_bzero(data, len);
		free(data);
	}
	json_decref(root);
	return rc;
}

int
auth_creds_find(const char *registry, const char *repository, const char *creds,
    struct auth_creds *c, char **cause)
{
	const char	*env, *home;
	char		*path;
	int		 rc;

	memset(c, 0, sizeof *c);
	if (creds != NULL) {
		if (split_pair(creds, strlen(creds), c) != 0)
			return fail(cause, HS_EINVAL, "--creds: expected USER:PASSWORD");
		return 0;
	}
	if ((env = getenv("REGISTRY_AUTH_FILE")) != NULL && *env != '\0')
		return creds_from_file(env, registry, repository, c, cause);
	if ((env = getenv("DOCKER_CONFIG")) != NULL && *env != '\0')
		path = xasprintf("%s/config.json", env);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		path = xasprintf("%s/.docker/config.json", home);
	else
		return HS_ENOENT;
	rc = creds_from_file(path, registry, repository, c, cause);
	free(path);
	return rc;
}

/* Tokens are shared by every scan in the process, per realm, service, scope and user. */
struct token_slot {
	char	*key;
	char	*header;
	double	 expires;	/* now_mono() time */
};
static struct token_slot	token_cache[AUTH_CACHE_SLOTS];
static pthread_mutex_t		token_lock = PTHREAD_MUTEX_INITIALIZER;

static char *
token_key(const struct auth_challenge *ch, const char *scope, const struct auth_creds *c)
{
	char	*raw, key[72];

	raw = xasprintf("%s\n%s\n%s\n%s\n%s\n%s", ch->realm,
	    ch->service != NULL ? ch->service : "", scope != NULL ? scope : "",
	    c != NULL && c->user != NULL ? c->user : "",
	    c != NULL && c->pass != NULL ? c->pass : "",
	    c != NULL && c->token != NULL ? c->token : "");
	sha256_hex(raw, strlen(raw), key);	/* no secret kept in clear */
	explicit_bzero(raw, strlen(raw));
	free(raw);
	return xstrdup(key);
}

static char *
token_lookup(const char *key)
{
	char	*h = NULL;
	size_t	 i;

	pthread_mutex_lock(&token_lock);
	for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
		if (token_cache[i].key != NULL && strcmp(token_cache[i].key, key) == 0 &&
		    token_cache[i].expires > now_mono()) {
			h = xstrdup(token_cache[i].header);
			break;
		}
	}
	pthread_mutex_unlock(&token_lock);
	return h;
}

static void
token_store(const char *key, const char *header, double expires)
{
	struct token_slot	*s = NULL;
	size_t			 i;

	pthread_mutex_lock(&token_lock);
	for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
		if (token_cache[i].key == NULL || strcmp(token_cache[i].key, key) == 0) {
			s = &token_cache[i];
			break;
		}
		if (s == NULL || token_cache[i].expires < s->expires)
			s = &token_cache[i];	/* else evict the soonest to expire */
	}
	free(s->key);
	free(s->header);
	s->key = xstrdup(key);
	s->header = xstrdup(header);
	s->expires = expires;
	pthread_mutex_unlock(&token_lock);
}

void
auth_bearer_forget(const char *header)
{
	size_t	i;

	pthread_mutex_lock(&token_lock);
	for (i = 0; i < AUTH_CACHE_SLOTS; i++) {
		if (token_cache[i].header != NULL &&
		    strcmp(token_cache[i].header, header) == 0)
			token_cache[i].expires = 0;
	}
	pthread_mutex_unlock(&token_lock);
}

/* name=value, percent-encoded, after a '&' unless it is the first. */
static void
param_add(struct buf *b, const char *name, const char *value)
{
	char	*e;

	e = fetch_escape(value, NULL);
	buf_printf(b, "%s%s=%s", b->len != 0 ? "&" : "", name, e);
	explicit_bzero(e, strlen(e));
	free(e);
}

/*
 * The token request's parameters: service and scope, for a query. With an
 * identity token, the OAuth2 form that trades it for an access token, as
 * Distribution's token servers take it (POST, x-www-form-urlencoded).
 */
static char *
token_params(const struct auth_challenge *ch, const char *scope, const char *token)
{
	struct buf	b;

	buf_init(&b);
	/* Room for all of it at once: no copy of the token left behind by a realloc. */
	buf_reserve(&b, 3 * (token != NULL ? strlen(token) : 0) +
	    3 * (scope != NULL ? strlen(scope) : 0) +
	    3 * (ch->service != NULL ? strlen(ch->service) : 0) + 128);
	if (token != NULL) {
		param_add(&b, "grant_type", "refresh_token");
		param_add(&b, "client_id", "hullscan");
	}
	if (ch->service != NULL)
		param_add(&b, "service", ch->service);
	if (scope != NULL)
		param_add(&b, "scope", scope);
	if (token != NULL)
		param_add(&b, "refresh_token", token);
	return buf_steal(&b);
}

/* An OAuth2 error code from a refusal's body ("invalid_grant"), else "". */
static void
oauth_error(const struct fetch_response *resp, char *out, size_t len)
{
	json_t		*root;
	const char	*e;

	*out = '\0';
	if (resp->body.data == NULL || (root = json_loadb(resp->body.data,
	    resp->body.len, 0, NULL)) == NULL)
		return;
	e = json_string_value(json_object_get(root, "error"));
	if (e != NULL && *e != '\0' && strlen(e) < len &&
	    strspn(e, "abcdefghijklmnopqrstuvwxyz_") == strlen(e))
		memcpy(out, e, strlen(e) + 1);
	json_decref(root);
}

int
auth_bearer(struct fetch *f, const struct auth_challenge *ch, const char *scope,
    const struct auth_creds *c, char **header, char **cause)
{
	struct fetch_request	 req;
	struct fetch_response	 resp;
	json_t			*root = NULL, *v;
	json_error_t		 jerr;
	const char		*token, *what;
	char			*key, *basic = NULL, *form = NULL, *query = NULL;
	char			*url = NULL, error[48];
	double			 life, start = now_mono();
	int			 rc = 0;
	const char		*accept[] = { "Accept: application/json", NULL };
	const char		*post[] = { "Accept: application/json",
				    "Content-Type: application/x-www-form-urlencoded", NULL };

	*header = NULL;
	key = token_key(ch, scope, c);
	if ((*header = token_lookup(key)) != NULL) {
		free(key);
		return 0;
	}
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	if (c != NULL && c->token != NULL) {
		what = "identity token";
		form = token_params(ch, scope, c->token);
		req.url = ch->realm;
		req.headers = post;
		req.body = form;
	} else {
		what = c != NULL ? "credentials" : "anonymous request";
		query = token_params(ch, scope, NULL);
		if (*query != '\0')
			url = xasprintf("%s%c%s", ch->realm,
			    strchr(ch->realm, '?') != NULL ? '&' : '?', query);
		else
			url = xstrdup(ch->realm);
		if (c != NULL)
			basic = auth_basic_header(c);
		req.url = url;
		req.headers = accept;
		req.auth = basic;
	}
	req.max_body = AUTH_MAX_TOKEN_BODY;
	if ((rc = fetch_get(f, &req, &resp, cause)) != 0) {
		cause_prefix(cause, "token server");
		goto out;
	}
	if (form != NULL && (resp.status == 404 || resp.status == 405)) {
		rc = fail(cause, HS_EAUTH, "token server %s does not take identity "
		    "tokens (HTTP %ld): log in with a password instead", ch->realm,
		    resp.status);
		goto out;
	}
	/* OAuth2 answers a bad grant with 400 and {"error": "invalid_grant"}. */
	if (resp.status == 401 || resp.status == 403 ||
	    (form != NULL && resp.status == 400)) {
		oauth_error(&resp, error, sizeof error);
		rc = fail(cause, HS_EAUTH, "token server %s refused the %s (HTTP %ld%s%s)",
		    ch->realm, what, resp.status, *error != '\0' ? ", " : "", error);
		goto out;
	}
	if (resp.status != 200) {
		rc = fail(cause, HS_EAUTH, "token server %s: HTTP %ld", ch->realm,
		    resp.status);
		goto out;
	}
	if ((root = json_loadb(resp.body.data, resp.body.len, 0, &jerr)) == NULL ||
	    !json_is_object(root)) {
		rc = fail(cause, HS_EAUTH, "token server %s: answer is not JSON", ch->realm);
		goto out;
	}
	token = json_string_value(json_object_get(root, "token"));
	if (token == NULL || *token == '\0')
		token = json_string_value(json_object_get(root, "access_token"));
	if (token == NULL || *token == '\0' || strpbrk(token, "\r\n") != NULL) {
		rc = fail(cause, HS_EAUTH, "token server %s: no token in the answer",
		    ch->realm);
		goto out;
	}
	/* The spec's default lifetime is 60 s; keep a margin for the clock and the trip. */
	life = 60;
	if ((v = json_object_get(root, "expires_in")) != NULL && json_is_integer(v) &&
	    json_integer_value(v) > 0)
		life = (double)json_integer_value(v);
	life -= life > 100 ? life / 10 : life > 10 ? 5 : life / 2;
	*header = xasprintf("Authorization: Bearer %s", token);
	if (life > 0)
		token_store(key, *header, start + life);
out:
	json_decref(root);
	if (basic != NULL) {
		explicit_bzero(basic, strlen(basic));
		free(basic);
	}
	if (form != NULL) {
		explicit_bzero(form, strlen(form));
		free(form);
	}
	if (resp.body.data != NULL)
		explicit_bzero(resp.body.data, resp.body.len);
	fetch_response_clear(&resp);
	free(query);
	free(url);
	free(key);
	return rc;
}
