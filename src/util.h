/* Small helpers every module shares: messages, allocation, growable buffers, hashing. */
#ifndef HULLSCAN_UTIL_H
#define HULLSCAN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Internal error codes. Functions that can fail return 0 or one of these
 * (negative) and hand the detail back in an allocated "char **cause".
 */
enum {
	HS_OK = 0,
	HS_ERR = -1,		/* generic failure, detail in cause */
	HS_ENOENT = -2,		/* the thing asked for is not there */
	HS_EINVAL = -3,		/* malformed input */
	HS_ELIMIT = -4,		/* a size, count or depth limit was hit */
	HS_EDIGEST = -5,	/* content does not match its digest */
	HS_EIO = -6,		/* read/write/network failure */
	HS_EAUTH = -7,		/* authentication refused */
};

/* Exit statuses, documented in README.md and hullscan.1. */
enum {
	EXIT_PASS = 0,
	EXIT_POLICY = 1,
	EXIT_USAGE = 2,
	EXIT_IMAGE = 3,
	EXIT_STALE = 4,
};

/* Messages: one line each, "hullscan: " prefix, on stderr. */
void	log_error(const char *, ...) PRINTFLIKE(1, 2);
void	log_warn(const char *, ...) PRINTFLIKE(1, 2);
void	log_info(const char *, ...) PRINTFLIKE(1, 2);
void	log_debug(const char *, ...) PRINTFLIKE(1, 2);
extern int log_verbosity;	/* -1 silent (fuzzers), 0 quiet, 1 normal, 2 debug */

/* Allocation that aborts on exhaustion: callers never check for NULL. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) PRINTFLIKE(1, 2);
char	*xvasprintf(const char *, va_list);

/* Set *cause to a new formatted string (freeing any previous one); returns code. */
int	 fail(char **cause, int code, const char *, ...) PRINTFLIKE(3, 4);
/* Prefix an existing *cause with "prefix: ". */
void	 cause_prefix(char **cause, const char *, ...) PRINTFLIKE(2, 3);

/* A growable byte buffer; data is always NUL-terminated. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reserve(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...) PRINTFLIKE(2, 3);
char	*buf_steal(struct buf *);	/* hands data to the caller, resets */

/* A borrowed {ptr, len} view of input that parsers walk without copying. */
struct strview {
	const char	*ptr;
	size_t		 len;
};
#define SV(s) ((struct strview){ (s), strlen(s) })
int	 sv_getline(struct strview *, struct strview *line);
struct strview sv_trim(struct strview);
int	 sv_eq(struct strview, const char *);
char	*sv_dup(struct strview);

/* Read a whole file of at most max bytes (HS_ELIMIT past it). */
int	 file_read(const char *path, size_t max, char **data, size_t *len, char **cause);
/* Write data to path via a temporary file and rename. */
int	 file_write_atomic(const char *path, const void *, size_t, char **cause);
/* mkdir -p of the directory part of path. */
int	 mkdir_parents(const char *path, char **cause);

/* SHA-256 as "sha256:<64 hex>". */
struct hs_sha256;
struct hs_sha256 *sha256_new(void);
void	 sha256_update(struct hs_sha256 *, const void *, size_t);
void	 sha256_final(struct hs_sha256 *, char out[72]);	/* frees the context */
void	 sha256_free(struct hs_sha256 *);
void	 sha256_hex(const void *, size_t, char out[72]);
/* A digest string we accept: "sha256:" followed by 64 lower-case hex digits. */
int	 digest_valid(const char *);

/* qsort helpers and string utilities. */
int	 str_starts(const char *, const char *);
int	 str_ends(const char *, const char *);
int	 str_cmp_ptr(const void *, const void *);	/* for char *[] */

/* Monotonic time in seconds. */
double	 now_mono(void);

#endif
