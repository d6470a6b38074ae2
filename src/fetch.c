/* HTTP client over libcurl: the only file that talks to libcurl. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "fetch.h"
#include "stream.h"
#include "util.h"

#define FETCH_MAX_HOPS		10
#define FETCH_ERROR_BODY	(64 << 10)
#define FETCH_MAX_RETRY_AFTER	30

struct fetch {
	struct fetch_options	 opts;
	char			*ca_pem;	/* copies of the opts' strings */
	char			*ca_file;
	char			*client_cert;
	char			*client_key;
	CURL			*easy;
	CURLM			*multi;
	int			 busy;	/* a transfer is running */
};

/* One request, across its redirects, retries and resumptions. */
struct fetch_xfer {
	struct fetch			*f;
	const struct fetch_request	*req;	/* points at copy */
	struct fetch_request		 copy;	/* the request, owned: streams outlive callers' */
	char				**hdr_copy;
	struct fetch_response		*resp;	/* the caller's, then own */
	struct fetch_response		 own;	/* headers of resumptions */
	int				 streamed;	/* no total timeout */
	struct curl_slist		*hdrs;
	char				 errbuf[CURL_ERROR_SIZE];

	/* The hop in flight. */
	int		 added;
	int		 headers_done;
	int		 done;
	CURLcode	 result;
	long		 status;
	char		*location;
	char		*content_range;
	long		 retry_after;
	int		 limit_hit;

	/* The body handed to the reader. */
	struct buf	 data;
	size_t		 off;
	uint64_t	 delivered;
	uint64_t	 skip;		/* bytes to drop: a resumption answered 200 */
	int		 attempts;

	/* fetch_range: bytes [range_off, range_off + range_len) of the body. */
	int		 want_range;
	uint64_t	 range_off;
	uint64_t	 range_len;
};

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void
fetch_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
fetch_options_default(struct fetch_options *o)
{
	memset(o, 0, sizeof *o);
	o->tls_verify = 1;
	o->connect_timeout = 30;
	o->stall_timeout = 60;
	o->total_timeout = 300;
	o->retries = 4;
	o->backoff_ms = 500;
}

void
fetch_response_clear(struct fetch_response *r)
{
	if (r == NULL)
		return;
	free(r->url);
	free(r->content_type);
	free(r->docker_digest);
	free(r->www_authenticate);
	free(r->etag);
	free(r->last_modified);
	buf_free(&r->body);
	memset(r, 0, sizeof *r);
	r->content_length = -1;
}

struct fetch *
fetch_new(const struct fetch_options *o)
{
	struct fetch	*f;

	pthread_once(&fetch_once, fetch_global_init);
	f = xcalloc(1, sizeof *f);
	if (o != NULL)
		f->opts = *o;
	else
		fetch_options_default(&f->opts);
	if (f->opts.ca_pem != NULL)
		f->opts.ca_pem = f->ca_pem = xstrdup(f->opts.ca_pem);
	if (f->opts.ca_file != NULL)
		f->opts.ca_file = f->ca_file = xstrdup(f->opts.ca_file);
	if (f->opts.client_cert != NULL)
		f->opts.client_cert = f->client_cert = xstrdup(f->opts.client_cert);
	if (f->opts.client_key != NULL)
		f->opts.client_key = f->client_key = xstrdup(f->opts.client_key);
	if ((f->easy = curl_easy_init()) == NULL ||
	    (f->multi = curl_multi_init()) == NULL) {
		log_error("cannot start libcurl");
		abort();
	}
	return f;
}

const struct fetch_options *
fetch_options_of(const struct fetch *f)
{
	return &f->opts;
}

void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	curl_multi_cleanup(f->multi);
	curl_easy_cleanup(f->easy);
	free(f->ca_pem);
	free(f->ca_file);
	free(f->client_cert);
	free(f->client_key);
	free(f);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
fetch_unescape(const char *s, size_t len, const char *keep)
{
	struct buf	 b;
	size_t		 i;
	int		 hi, lo;
	char		 c;

	buf_init(&b);
	buf_reserve(&b, len);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && (hi = hex_value(s[i + 1])) != -1 &&
		    (lo = hex_value(s[i + 2])) != -1 && hi * 16 + lo != 0 &&
		    (keep == NULL || strchr(keep, hi * 16 + lo) == NULL)) {
			c = (char)(hi * 16 + lo);
			buf_add(&b, &c, 1);
			i += 2;
		} else
			buf_add(&b, s + i, 1);
	}
	buf_add(&b, "", 0);	/* terminated even when s is empty */
	return buf_steal(&b);
}

char *
fetch_escape(const char *s, const char *keep)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b;
	unsigned char		 c;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c) != NULL ||
		    (keep != NULL && strchr(keep, c) != NULL)) {
			buf_add(&b, s, 1);
			continue;
		}
		buf_printf(&b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return buf_steal(&b);
}

char *
fetch_origin(const char *url)
{
	const char	*p, *end;
	char		*o, *s;
	int		 https;

	if ((p = strstr(url, "://")) == NULL)
		return xstrdup("");
	https = (size_t)(p - url) == 5 && strncasecmp(url, "https", 5) == 0;
	p += 3;
	end = p + strcspn(p, "/?#");
	/* Drop any user:password@ part. */
	for (s = (char *)p; s < end; s++) {
		if (*s == '@')
			p = s + 1;
	}
	o = xasprintf("%.*s%.*s", (int)(strstr(url, "://") + 3 - url), url,
	    (int)(end - p), p);
	for (s = o; *s != '\0'; s++)
		*s = tolower((unsigned char)*s);
	/* Add the default port so "host" and "host:443" compare equal. */
	s = strrchr(o + (https ? 8 : 7), ':');
	if (s == NULL || strchr(s, ']') != NULL) {
		s = o;
		o = xasprintf("%s:%s", s, https ? "443" : "80");
		free(s);
	}
	return o;
}

/* A header's value when line is "Name: value", else NULL; trimmed, allocated. */
static char *
header_value(const char *line, size_t len, const char *name)
{
	size_t	nlen = strlen(name);

	if (len <= nlen || line[nlen] != ':' || strncasecmp(line, name, nlen) != 0)
		return NULL;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
	    line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return xstrndup(line, len);
}

static void
set_header(char **field, char *v)
{
	free(*field);
	*field = v;
}

static size_t
xfer_header_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch_xfer	*x = arg;
	struct fetch_response	*r = x->resp;
	size_t			 len = size * nmemb;
	char			*v;

	if (len >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		/* A new response (after 1xx): forget the previous headers. */
		v = xstrndup(ptr, len);
		x->status = strtol(v + strcspn(v, " "), NULL, 10);
		r->status = x->status;
		free(v);
		set_header(&r->content_type, NULL);
		set_header(&r->docker_digest, NULL);
		set_header(&r->www_authenticate, NULL);
		set_header(&r->etag, NULL);
		set_header(&r->last_modified, NULL);
		set_header(&x->location, NULL);
		set_header(&x->content_range, NULL);
		r->content_length = -1;
		x->retry_after = -1;
		return len;
	}
	if (len <= 2 && (ptr[0] == '\r' || ptr[0] == '\n')) {
		if (x->status >= 200)
			x->headers_done = 1;
		return len;
	}
	if ((v = header_value(ptr, len, "Content-Type")) != NULL)
		set_header(&r->content_type, v);
	else if ((v = header_value(ptr, len, "Docker-Content-Digest")) != NULL)
		set_header(&r->docker_digest, v);
	else if ((v = header_value(ptr, len, "ETag")) != NULL)
		set_header(&r->etag, v);
	else if ((v = header_value(ptr, len, "Last-Modified")) != NULL)
		set_header(&r->last_modified, v);
	else if ((v = header_value(ptr, len, "WWW-Authenticate")) != NULL) {
		if (r->www_authenticate == NULL)
			r->www_authenticate = v;
		else
			free(v);
	} else if ((v = header_value(ptr, len, "Location")) != NULL)
		set_header(&x->location, v);
	else if ((v = header_value(ptr, len, "Content-Range")) != NULL)
		set_header(&x->content_range, v);
	else if ((v = header_value(ptr, len, "Content-Length")) != NULL) {
		r->content_length = strtoll(v, NULL, 10);
		free(v);
	} else if ((v = header_value(ptr, len, "Retry-After")) != NULL) {
		x->retry_after = strtol(v, NULL, 10);
		free(v);
	}
	return len;
}

static size_t
xfer_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch_xfer	*x = arg;
	size_t			 len = size * nmemb, drop;
	uint64_t		 have;

	x->headers_done = 1;
	if (x->status < 200 || x->status >= 300) {
		/* Error bodies: keep the start for the message, stop there. */
		drop = FETCH_ERROR_BODY - x->resp->body.len;
		buf_add(&x->resp->body, ptr, len < drop ? len : drop);
		return x->resp->body.len >= FETCH_ERROR_BODY ? 0 : len;
	}
	if (x->want_range && x->status != 206)
		return 0;	/* the whole body instead of the range: not read */
	if (x->skip > 0) {
		drop = x->skip < len ? (size_t)x->skip : len;
		x->skip -= drop;
		ptr += drop;
		len -= drop;
		if (len == 0)
			return size * nmemb;
	}
	have = x->delivered + (x->data.len - x->off);
	if (x->req->max_body != 0 && have + len > x->req->max_body) {
		x->limit_hit = 1;
		return 0;	/* aborts the transfer */
	}
	if (x->off > 0 && x->off == x->data.len) {
		x->data.len = 0;
		x->off = 0;
	}
	buf_add(&x->data, ptr, len);
	return size * nmemb;
}

/* Detach the hop in flight from the multi handle. */
static void
xfer_end(struct fetch_xfer *x)
{
	if (x->added) {
		curl_multi_remove_handle(x->f->multi, x->f->easy);
		x->added = 0;
	}
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
}

/* Drive the transfer until headers arrived (or body data, with want_data), or it ended. */
static void
xfer_pump(struct fetch_xfer *x, int want_data)
{
	struct CURLMsg	*msg;
	int		 running, left;

	while (!x->done) {
		if (!want_data && x->headers_done)
			return;
		if (want_data && x->off < x->data.len)
			return;
		curl_multi_perform(x->f->multi, &running);
		while ((msg = curl_multi_info_read(x->f->multi, &left)) != NULL) {
			if (msg->msg == CURLMSG_DONE) {
				x->done = 1;
				x->result = msg->data.result;
			}
		}
		if (x->done || (want_data && x->off < x->data.len) ||
		    (!want_data && x->headers_done))
			break;
		/* curl enforces the connect and stall timeouts; wake at least each second. */
		curl_multi_poll(x->f->multi, NULL, 0, 1000, NULL);
	}
}

/* Start one hop to url; returns once its headers are in or it ended. */
static void
xfer_begin(struct fetch_xfer *x, const char *url, int send_auth, uint64_t range)
{
	const struct fetch_options	*o = &x->f->opts;
	CURL				*e = x->f->easy;
	const char * const		*h;
	struct curl_blob		 ca;
	char				*line;

	curl_easy_reset(e);
	x->hdrs = NULL;
	if (x->req->headers != NULL) {
		for (h = x->req->headers; *h != NULL; h++)
			x->hdrs = curl_slist_append(x->hdrs, *h);
	}
	if (send_auth && x->req->auth != NULL)
		x->hdrs = curl_slist_append(x->hdrs, x->req->auth);
	if (x->want_range) {
		line = xasprintf("Range: bytes=%" PRIu64 "-%" PRIu64,
		    x->range_off + range, x->range_off + x->range_len - 1);
		x->hdrs = curl_slist_append(x->hdrs, line);
		free(line);
	} else if (range > 0) {
		line = xasprintf("Range: bytes=%" PRIu64 "-", range);
		x->hdrs = curl_slist_append(x->hdrs, line);
		free(line);
	}
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hullscan/" PACKAGE_VERSION);
	if (x->req->body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(x->req->body));
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->req->body);
	} else if (x->req->method != NULL) {
		if (strcmp(x->req->method, "HEAD") == 0)
			curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
		else
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->req->method);
	}
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->stall_timeout);
	if (!x->streamed)
		curl_easy_setopt(e, CURLOPT_TIMEOUT, o->total_timeout);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->tls_verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->tls_verify ? 2L : 0L);
	/* The registry's own CAs, beside the system's: for its host only. */
	if (send_auth && o->ca_pem != NULL) {
		ca.data = (void *)o->ca_pem;
		ca.len = strlen(o->ca_pem);
		ca.flags = CURL_BLOB_COPY;
		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &ca);
	}
	if (o->ca_file != NULL) {
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
	if (send_auth && o->client_cert != NULL) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, o->client_cert);
		curl_easy_setopt(e, CURLOPT_SSLKEY, o->client_key);
	}
	if (o->unix_socket != NULL)
		curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, o->unix_socket);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, xfer_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, xfer_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	x->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);

	x->headers_done = 0;
	x->done = 0;
	x->result = CURLE_OK;
	x->status = 0;
	x->limit_hit = 0;
	x->retry_after = -1;
	set_header(&x->location, NULL);
	set_header(&x->content_range, NULL);
	buf_free(&x->resp->body);
	free(x->resp->url);
	x->resp->url = xstrdup(url);

	curl_multi_add_handle(x->f->multi, e);
	x->added = 1;
	xfer_pump(x, 0);
}

/* Worth another attempt? Connection-level failures, yes; protocol refusals, no. */
static int
transient(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static const char *
xfer_errstr(struct fetch_xfer *x)
{
	return x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(x->result);
}

static void
xfer_sleep(struct fetch_xfer *x)
{
	struct timespec	ts;
	long		ms;
	int		i;

	ms = x->f->opts.backoff_ms;
	for (i = 1; i < x->attempts && ms < 8000; i++)
		ms *= 2;
	if (ms > 8000)
		ms = 8000;
	if (x->retry_after > 0)
		ms = (x->retry_after > FETCH_MAX_RETRY_AFTER ? FETCH_MAX_RETRY_AFTER :
		    x->retry_after) * 1000;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Open the request from byte range (0: the whole body): follow redirects,
 * retry on 429/5xx and broken connections. On return the hop's headers are
 * in; a 2xx hop is still running for its body.
 */
static int
xfer_open(struct fetch_xfer *x, uint64_t range, char **cause)
{
	char		*url = NULL, *origin0, *origin, *next;
	const char	*what;
	int		 hops, rc = 0, redirect;
	uint64_t	 start;

	origin0 = fetch_origin(x->req->url);
	for (;;) {
		free(url);
		url = xstrdup(x->req->url);
		for (hops = 0;; hops++) {
			origin = fetch_origin(url);
			xfer_begin(x, url, strcmp(origin, origin0) == 0, range);
			free(origin);
			redirect = x->headers_done && x->status >= 300 && x->status < 400 &&
			    x->status != 304 && x->location != NULL && x->req->body == NULL;
			if (!redirect)
				break;
			if (hops >= FETCH_MAX_HOPS) {
				rc = fail(cause, HS_EIO, "%s: more than %d redirects",
				    x->req->url, FETCH_MAX_HOPS);
				goto out;
			}
			next = NULL;
			curl_easy_getinfo(x->f->easy, CURLINFO_REDIRECT_URL, &next);
			if (next == NULL) {
				rc = fail(cause, HS_EIO, "%s: bad redirect", x->req->url);
				goto out;
			}
			free(url);
			url = xstrdup(next);
			xfer_end(x);
		}
		if (x->limit_hit) {
			rc = fail(cause, HS_ELIMIT, "%s: body larger than %" PRIu64 " bytes",
			    x->req->url, x->req->max_body);
			goto out;
		}
		if (x->headers_done && x->status != 429 && x->status < 500)
			break;
		if (!x->headers_done && !transient(x->result)) {
			x->resp->tls_refused = x->result == CURLE_PEER_FAILED_VERIFICATION;
			rc = fail(cause, HS_EIO, "%s: %s", x->req->url, xfer_errstr(x));
			goto out;
		}
		if (x->attempts >= x->f->opts.retries) {
			if (x->headers_done)
				rc = fail(cause, HS_EIO, "%s: HTTP %ld after %d attempts",
				    x->req->url, x->status, x->attempts + 1);
			else
				rc = fail(cause, HS_EIO, "%s: %s (after %d attempts)",
				    x->req->url, xfer_errstr(x), x->attempts + 1);
			goto out;
		}
		what = x->headers_done ? "HTTP error" : xfer_errstr(x);
		log_debug("%s: %s (%ld), retrying", x->req->url, what, x->status);
		xfer_end(x);
		x->attempts++;
		xfer_sleep(x);
	}

	if (x->want_range && x->status >= 200 && x->status < 300 && x->status != 206) {
		/* The server ignored the Range: the caller sees the status and stops. */
	} else if (x->status >= 200 && x->status < 300) {
		/* A 206 sends the rest of the body, anything else all of it. */
		if (x->req->max_body != 0 && x->resp->content_length > 0 &&
		    (uint64_t)x->resp->content_length + (x->status == 206 ? range : 0) >
		    x->req->max_body) {
			rc = fail(cause, HS_ELIMIT, "%s: body of %" PRId64 " bytes, "
			    "more than the %" PRIu64 " allowed", x->req->url,
			    x->resp->content_length, x->req->max_body);
			goto out;
		}
		if (range > 0 || x->want_range) {
			if (x->status == 206) {
				start = UINT64_MAX;
				if (x->content_range != NULL)
					sscanf(x->content_range, "bytes %" SCNu64, &start);
				if (start != range + x->range_off) {
					rc = fail(cause, HS_EIO, "%s: resumed at the wrong "
					    "offset", x->req->url);
					goto out;
				}
			} else
				x->skip = range;
		}
	} else {
		/* Read the (bounded) error body to the end. */
		xfer_pump(x, 1);
		while (!x->done)
			xfer_pump(x, 1);
		xfer_end(x);
	}
out:
	if (rc != 0)
		xfer_end(x);
	free(url);
	free(origin0);
	return rc;
}

static ssize_t
xfer_read(struct stream *s, void *out, size_t n, char **cause)
{
	struct fetch_xfer	*x = s->ctx;
	size_t			 have;
	int			 rc;

	for (;;) {
		if (x->off < x->data.len) {
			have = x->data.len - x->off;
			if (have > n)
				have = n;
			memcpy(out, x->data.data + x->off, have);
			x->off += have;
			x->delivered += have;
			return (ssize_t)have;
		}
		if (!x->added)
			return fail(cause, HS_EIO, "%s: read after an error", x->req->url);
		if (!x->done) {
			xfer_pump(x, 1);
			continue;
		}
		if (x->result == CURLE_OK) {
			if (x->skip > 0)
				return fail(cause, HS_EIO, "%s: body ended early",
				    x->req->url);
			return 0;
		}
		if (x->limit_hit) {
			xfer_end(x);
			return fail(cause, HS_ELIMIT, "%s: body larger than %" PRIu64
			    " bytes", x->req->url, x->req->max_body);
		}
		if (!transient(x->result) || x->attempts >= x->f->opts.retries) {
			rc = fail(cause, HS_EIO, "%s: %s after %" PRIu64 " bytes",
			    x->req->url, xfer_errstr(x), x->delivered);
			xfer_end(x);
			return rc;
		}
		log_debug("%s: %s after %" PRIu64 " bytes, resuming", x->req->url,
		    xfer_errstr(x), x->delivered);
		xfer_end(x);
		x->attempts++;
		xfer_sleep(x);
		x->data.len = 0;
		x->off = 0;
		if ((rc = xfer_open(x, x->delivered, cause)) != 0)
			return rc;
		if (x->status < 200 || x->status >= 300 ||
		    (x->want_range && x->status != 206)) {
			rc = fail(cause, HS_EIO, "%s: HTTP %ld when resuming",
			    x->req->url, x->status);
			return rc;
		}
	}
}

static void
xfer_free(struct fetch_xfer *x)
{
	size_t	i;

	if (x == NULL)
		return;
	xfer_end(x);
	for (i = 0; x->hdr_copy != NULL && x->hdr_copy[i] != NULL; i++)
		free(x->hdr_copy[i]);
	free(x->hdr_copy);
	free((char *)x->copy.url);
	free((char *)x->copy.method);
	if (x->copy.auth != NULL) {
		explicit_bzero((char *)x->copy.auth, strlen(x->copy.auth));
		free((char *)x->copy.auth);
	}
	x->f->busy = 0;
	free(x->location);
	free(x->content_range);
	fetch_response_clear(&x->own);
	buf_free(&x->data);
	free(x);
}

static void
xfer_close(struct stream *s)
{
	xfer_free(s->ctx);
	s->ctx = NULL;
}

static const struct stream_ops xfer_ops = {
	.read = xfer_read,
	.close = xfer_close,
};

static void
xfer_copy_request(struct fetch_xfer *x, const struct fetch_request *req)
{
	size_t	n = 0, i;

	x->copy = *req;
	x->copy.url = xstrdup(req->url);
	x->copy.method = req->method != NULL ? xstrdup(req->method) : NULL;
	x->copy.auth = req->auth != NULL ? xstrdup(req->auth) : NULL;
	while (req->headers != NULL && req->headers[n] != NULL)
		n++;
	x->hdr_copy = xcalloc(n + 1, sizeof *x->hdr_copy);
	for (i = 0; i < n; i++)
		x->hdr_copy[i] = xstrdup(req->headers[i]);
	x->copy.headers = (const char * const *)x->hdr_copy;
	x->req = &x->copy;
}

static int
fetch_start(struct fetch *f, const struct fetch_request *req, struct fetch_response *resp,
    int streamed, const uint64_t *range, struct stream **out, char **cause)
{
	struct fetch_xfer	*x;
	struct stream		*s;
	int			 rc;

	*out = NULL;
	if (f->busy)
		return fail(cause, HS_ERR, "%s: client busy with another request", req->url);
	fetch_response_clear(resp);
	x = xcalloc(1, sizeof *x);
	x->f = f;
	xfer_copy_request(x, req);
	x->resp = resp;
	x->streamed = streamed;
	if (range != NULL) {
		x->want_range = 1;
		x->range_off = range[0];
		x->range_len = range[1];
	}
	x->own.content_length = -1;
	buf_init(&x->data);
	f->busy = 1;
	if ((rc = xfer_open(x, 0, cause)) != 0) {
		xfer_free(x);
		return rc;
	}
	if (x->status < 200 || x->status >= 300) {
		xfer_free(x);
		return 0;
	}
	/* From here on resumptions must not touch the caller's response. */
	x->own.content_length = resp->content_length;
	x->resp = &x->own;
	s = xcalloc(1, sizeof *s);
	s->ops = &xfer_ops;
	s->ctx = x;
	*out = s;
	return 0;
}

int
fetch_get(struct fetch *f, const struct fetch_request *req, struct fetch_response *resp,
    char **cause)
{
	struct stream	*s = NULL;
	struct buf	 body;
	char		 chunk[16384];
	ssize_t		 n;
	int		 rc;

	if ((rc = fetch_start(f, req, resp, 0, NULL, &s, cause)) != 0 || s == NULL)
		return rc;
	buf_init(&body);
	while ((n = stream_read(s, chunk, sizeof chunk, cause)) > 0)
		buf_add(&body, chunk, (size_t)n);
	stream_close(s);
	if (n < 0) {
		buf_free(&body);
		return (int)n;
	}
	buf_free(&resp->body);
	resp->body = body;
	return 0;
}

int
fetch_open(struct fetch *f, const struct fetch_request *req, struct fetch_response *resp,
    struct stream **out, char **cause)
{
	return fetch_start(f, req, resp, 1, NULL, out, cause);
}

int
fetch_range(struct fetch *f, const struct fetch_request *req, uint64_t off,
    uint64_t len, struct fetch_response *resp, char **cause)
{
	struct fetch_request	 r = *req;
	struct stream		*s = NULL;
	struct buf		 body;
	uint64_t		 range[2] = { off, len };
	char			 chunk[16384];
	ssize_t			 n;
	int			 rc;

	if (len == 0 || off > UINT64_MAX - len)
		return fail(cause, HS_EINVAL, "%s: empty or impossible range", req->url);
	r.max_body = len;
	if ((rc = fetch_start(f, &r, resp, 0, range, &s, cause)) != 0 || s == NULL)
		return rc;
	if (resp->status != 206) {
		/* The whole body is coming: leave it unread, the connection goes. */
		stream_close(s);
		return 0;
	}
	buf_init(&body);
	buf_reserve(&body, (size_t)len);
	while ((n = stream_read(s, chunk, sizeof chunk, cause)) > 0)
		buf_add(&body, chunk, (size_t)n);
	stream_close(s);
	if (n < 0) {
		buf_free(&body);
		return (int)n;
	}
	if (body.len != len) {
		buf_free(&body);
		return fail(cause, HS_EIO, "%s: %" PRIu64 " bytes asked from %" PRIu64
		    ", %zu sent", req->url, len, off, body.len);
	}
	buf_free(&resp->body);
	resp->body = body;
	return 0;
}
