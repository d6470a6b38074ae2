/*
 * Registry authentication: WWW-Authenticate challenges, Basic, the Bearer
 * token flow (tokens reused until they expire), and credentials from
 * --creds, $REGISTRY_AUTH_FILE or ~/.docker/config.json. Credentials and
 * tokens are never put in a message.
 */
#ifndef HULLSCAN_AUTH_H
#define HULLSCAN_AUTH_H

#include <time.h>

struct fetch;

struct auth_challenge {
	char	*scheme;	/* "basic" or "bearer", lower-cased */
	char	*realm;
	char	*service;
	char	*scope;
	char	*error;		/* "insufficient_scope", "invalid_token"… */
};

/*
 * Parse a WWW-Authenticate value (RFC 7235: one or more challenges, quoted
 * or token parameters). Picks Bearer over Basic when both are offered.
 */
int	auth_challenge_parse(const char *, struct auth_challenge *, char **cause);
void	auth_challenge_clear(struct auth_challenge *);

struct auth_creds {
	char	*user;
	char	*pass;
	char	*token;	/* an identity (OAuth2 refresh) token, for a token server only */
};
void	auth_creds_clear(struct auth_creds *);

/*
 * Credentials for registry ("host[:port]"), repository ("library/debian"):
 * from creds ("USER:PASS") when given, else the first auth file found
 * ($REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json or
 * ~/.docker/config.json). Returns 0 with c filled, HS_ENOENT when there are
 * none, or an error for an unreadable or malformed file.
 */
int	auth_creds_find(const char *registry, const char *repository, const char *creds,
	    struct auth_creds *c, char **cause);

/* Is host one of Docker Hub's names (docker.io, registry-1.docker.io, …)? */
int	auth_is_docker_hub(const char *host);

/* "Authorization: Basic …" for c. */
char	*auth_basic_header(const struct auth_creds *c);

/*
 * A Bearer token for challenge ch and scope ("repository:R:pull"), from the
 * process-wide cache or asked of the realm: with c's identity token as an
 * OAuth2 refresh token (POST) when it has one, else with c as Basic
 * credentials (GET) when c is not NULL. *header is "Authorization: Bearer …".
 * f must be free.
 */
int	auth_bearer(struct fetch *f, const struct auth_challenge *ch, const char *scope,
	    const struct auth_creds *c, char **header, char **cause);

/* Drop a token the registry refused (header as auth_bearer gave it) from the cache. */
void	auth_bearer_forget(const char *header);

/* Base64 (standard alphabet) helpers over libcrypto. */
char	*auth_base64_encode(const void *, size_t);
int	 auth_base64_decode(const char *, char **out, size_t *len);

#endif
