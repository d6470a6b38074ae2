/*
 * HTTP client: the only libcurl user. Timeouts, retries with backoff on
 * 429/5xx and broken transfers (resumed with a Range request), redirects
 * followed by hand so credentials never leave the origin that asked for
 * them, unix sockets, size limits, and bodies streamed as a struct stream.
 */
#ifndef HULLSCAN_FETCH_H
#define HULLSCAN_FETCH_H

#include <stdint.h>
#include "util.h"

struct stream;

struct fetch_options {
	int		 tls_verify;		/* verify peer and host (default 1) */
	const char	*unix_socket;		/* connect here instead of TCP (default NULL) */
	long		 connect_timeout;	/* seconds (default 30) */
	long		 stall_timeout;		/* seconds without a byte before giving up (default 60) */
	long		 total_timeout;		/* seconds for a whole non-streamed request (default 300) */
	int		 retries;		/* extra attempts after a failure (default 4) */
	long		 backoff_ms;		/* first wait between attempts, doubled each time (default 500) */
	const char	*ca_pem;		/* more CA certificates (PEM) trusted for the
						   request's own host, not redirects; copied */
	const char	*ca_file;		/* the only CAs trusted (PEM file); copied */
	const char	*client_cert;		/* a client certificate and its key (PEM
						   files) for the request's own host; copied */
	const char	*client_key;
};
void	fetch_options_default(struct fetch_options *);


struct fetch_request {
	const char		*url;
	const char		*method;	/* NULL: GET */
	const char * const	*headers;	/* NULL-terminated, sent to every hop */
	const char		*auth;		/* "Authorization: …", only sent to the first hop's origin */
	const char		*body;		/* not NULL: POST it (Content-Type in headers); it may
						   hold a secret, so a redirect is answered, not followed */
	uint64_t		 max_body;	/* body limit; 0: no limit */
};

struct fetch_response {
	long		 status;
	char		*url;			/* the final URL, after redirects */
	char		*content_type;
	char		*docker_digest;		/* Docker-Content-Digest */
	char		*www_authenticate;	/* the first WWW-Authenticate header */
	char		*etag;			/* ETag, for If-None-Match */
	char		*last_modified;		/* Last-Modified, for If-Modified-Since */
	int64_t		 content_length;	/* -1 when unknown */
	int		 tls_refused;		/* no answer: the peer's certificate failed the check */
	struct buf	 body;			/* fetch_get's body; an error body (64 KiB at most) */
};
void	fetch_response_clear(struct fetch_response *);

/* A client: one connection cache; one request at a time. */
struct fetch;
struct fetch	*fetch_new(const struct fetch_options *);
/* The options f was made with (its own copies of the strings). */
const struct fetch_options *fetch_options_of(const struct fetch *f);
void		 fetch_free(struct fetch *);

/*
 * Send a request and read the whole body into resp->body (at most
 * req->max_body bytes, else HS_ELIMIT). Returns 0 when an HTTP answer came,
 * whatever its status, or a negative code when none did after the retries.
 */
int	fetch_get(struct fetch *, const struct fetch_request *, struct fetch_response *,
	    char **cause);

/*
 * Like fetch_get, but on a 2xx answer the body is handed back as *out, read
 * as it arrives; a broken transfer is resumed where it stopped. The stream
 * keeps a copy of the request but borrows the client: close it before the
 * next request and before the client goes away. On any other status *out is
 * NULL and resp->body holds the start of the error body.
 */
int	fetch_open(struct fetch *, const struct fetch_request *, struct fetch_response *,
	    struct stream **out, char **cause);

/*
 * GET bytes [off, off + len) of the body (an HTTP Range request) into
 * resp->body. Returns 0 when an HTTP answer came: status 206 with exactly len
 * bytes; a server that ignored the Range answers 200, whose body is not read
 * (resp->body empty); other statuses as fetch_get.
 */
int	fetch_range(struct fetch *, const struct fetch_request *, uint64_t off,
	    uint64_t len, struct fetch_response *, char **cause);

/* Percent-encode s for a URL query or path segment (keeps A-Za-z0-9-._~ and keep). */
char	*fetch_escape(const char *s, const char *keep);
/* Decode s's %XX escapes, but for those of NUL and of characters in keep. */
char	*fetch_unescape(const char *s, size_t len, const char *keep);
/* Scheme, host and port of url, lower-cased: "https://reg.example:443". */
char	*fetch_origin(const char *url);

#endif
