/* Small helpers every module shares: messages, allocation, buffers, hashing. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

int log_verbosity = 1;

static void
log_vprint(const char *level, const char *fmt, va_list ap)
{
	char	*msg, *p;

	/* One message, one line: a newline inside would split it in a CI log. */
	msg = xvasprintf(fmt, ap);
	for (p = msg; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	fprintf(stderr, "hullscan: %s%s\n", level, msg);
	free(msg);
}

void
log_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vprint("", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbosity < 0)
		return;
	va_start(ap, fmt);
	log_vprint("warning: ", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	log_vprint("", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbosity < 2)
		return;
	va_start(ap, fmt);
	log_vprint("debug: ", fmt, ap);
	va_end(ap);
}

static void
oom(void)
{
	fputs("hullscan: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n == 0 ? 1 : n)) == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		oom();
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) == -1)
		oom();
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/*
 * A cause often quotes the input (a media type, a file name from a layer):
 * control characters in it would split the line or reach a terminal, a JUnit
 * XML report or the history as they are. Blank them.
 */
static char *
cause_clean(char *s)
{
	unsigned char	*p;

	for (p = (unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : '?';
	}
	return s;
}

int
fail(char **cause, int code, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		free(*cause);
		va_start(ap, fmt);
		*cause = cause_clean(xvasprintf(fmt, ap));
		va_end(ap);
	}
	return code;
}

void
cause_prefix(char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*prefix, *s;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	prefix = xvasprintf(fmt, ap);
	va_end(ap);
	s = xasprintf("%s: %s", prefix, *cause != NULL ? *cause : "failed");
	free(prefix);
	free(*cause);
	*cause = cause_clean(s);
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reserve(struct buf *b, size_t more)
{
	size_t	need;

	if (more > SIZE_MAX - b->len - 1)
		oom();
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_adds(b, s);
	free(s);
}

char *
buf_steal(struct buf *b)
{
	char	*s;

	if (b->data == NULL)
		return xstrdup("");
	s = b->data;
	buf_init(b);
	return s;
}

int
sv_getline(struct strview *in, struct strview *line)
{
	const char	*nl;

	if (in->len == 0)
		return 0;
	line->ptr = in->ptr;
	if ((nl = memchr(in->ptr, '\n', in->len)) == NULL) {
		line->len = in->len;
		in->ptr += in->len;
		in->len = 0;
	} else {
		line->len = nl - in->ptr;
		in->len -= line->len + 1;
		in->ptr = nl + 1;
	}
	if (line->len > 0 && line->ptr[line->len - 1] == '\r')
		line->len--;
	return 1;
}

struct strview
sv_trim(struct strview v)
{
	while (v.len > 0 && (*v.ptr == ' ' || *v.ptr == '\t')) {
		v.ptr++;
		v.len--;
	}
	while (v.len > 0 && (v.ptr[v.len - 1] == ' ' || v.ptr[v.len - 1] == '\t' ||
	    v.ptr[v.len - 1] == '\r'))
		v.len--;
	return v;
}

int
sv_eq(struct strview v, const char *s)
{
	return strlen(s) == v.len && memcmp(v.ptr, s, v.len) == 0;
}

char *
sv_dup(struct strview v)
{
	return xstrndup(v.ptr, v.len);
}

int
file_read(const char *path, size_t max, char **data, size_t *len, char **cause)
{
	struct stat	 st;
	struct buf	 b;
	char		 tmp[65536];
	ssize_t		 n;
	int		 fd;

	*data = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return fail(cause, errno == ENOENT ? HS_ENOENT : HS_EIO, "%s: %s",
		    path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(cause, HS_EINVAL, "%s: is a directory", path);
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		close(fd);
		return fail(cause, HS_ELIMIT, "%s: larger than the limit of %zu bytes",
		    path, max);
	}
	buf_init(&b);
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
			close(fd);
			buf_free(&b);
			return HS_EIO;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			close(fd);
			buf_free(&b);
			return fail(cause, HS_ELIMIT,
			    "%s: larger than the limit of %zu bytes", path, max);
		}
		buf_add(&b, tmp, n);
	}
	close(fd);
	*len = b.len;
	*data = buf_steal(&b);
	return 0;
}

int
mkdir_parents(const char *path, char **cause)
{
	char	*copy, *p;

	copy = xstrdup(path);
	if ((p = strrchr(copy, '/')) == NULL) {
		free(copy);
		return 0;
	}
	*p = '\0';
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) == -1 && errno != EEXIST) {
			fail(cause, HS_EIO, "%s: %s", copy, strerror(errno));
			free(copy);
			return HS_EIO;
		}
		*p = '/';
	}
	if (*copy != '\0' && mkdir(copy, 0755) == -1 && errno != EEXIST) {
		fail(cause, HS_EIO, "%s: %s", copy, strerror(errno));
		free(copy);
		return HS_EIO;
	}
	free(copy);
	return 0;
}

int
file_write_atomic(const char *path, const void *data, size_t len, char **cause)
{
	char		*tmp;
	const char	*p = data;
	ssize_t		 n;
	int		 fd;

	tmp = xasprintf("%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
		free(tmp);
		return HS_EIO;
	}
	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		p += n;
		len -= n;
	}
	if (fchmod(fd, 0644) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return 0;
fail:
	fail(cause, HS_EIO, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return HS_EIO;
}

struct hs_sha256 {
	EVP_MD_CTX	*ctx;
};

struct hs_sha256 *
sha256_new(void)
{
	struct hs_sha256	*h;

	h = xmalloc(sizeof *h);
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		oom();
	return h;
}

void
sha256_update(struct hs_sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
}

static void
hexify(const unsigned char *md, unsigned int n, char out[72])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned int		 i;

	memcpy(out, "sha256:", 7);
	for (i = 0; i < n && i < 32; i++) {
		out[7 + i * 2] = hex[md[i] >> 4];
		out[7 + i * 2 + 1] = hex[md[i] & 15];
	}
	out[7 + 64] = '\0';
}

void
sha256_final(struct hs_sha256 *h, char out[72])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	n = 0;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	hexify(md, n, out);
	sha256_free(h);
}

void
sha256_free(struct hs_sha256 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
sha256_hex(const void *p, size_t n, char out[72])
{
	struct hs_sha256	*h;

	h = sha256_new();
	sha256_update(h, p, n);
	sha256_final(h, out);
}

int
digest_valid(const char *d)
{
	size_t	i;

	if (d == NULL || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return 0;
	for (i = 7; i < 71; i++) {
		if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
			return 0;
	}
	return 1;
}

int
str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_ends(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int
str_cmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

double
now_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
