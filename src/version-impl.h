/* What the version comparators share: byte classes, borrowed pieces, numbers as text. */
#ifndef HULLSCAN_VERSION_IMPL_H
#define HULLSCAN_VERSION_IMPL_H

#include <stddef.h>

/* A borrowed piece of a version string. */
struct vpart {
	const char	*p;
	size_t		 len;
};

static inline int
vi_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
vi_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline int
vi_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static inline int
vi_alpha(int c)
{
	return vi_lower(c) || vi_upper(c);
}

static inline int
vi_alnum(int c)
{
	return vi_digit(c) || vi_alpha(c);
}

/* ASCII lowering only: every order here folds case in ASCII alone. */
static inline int
vi_tolower(int c)
{
	return vi_upper(c) ? c - 'A' + 'a' : c;
}

static inline int
vi_sign(long long d)
{
	return d < 0 ? -1 : d > 0;
}

/* Whether p[0..len) are all ASCII digits (and len > 0). */
int	vi_alldigits(const char *, size_t);
/* Two runs of ASCII digits compared as unbounded numbers (leading zeros ignored). */
int	vi_numcmp(const char *, size_t, const char *, size_t);
/* Bytes, then length: memcmp order with a shorter prefix first. */
int	vi_bytecmp(const char *, size_t, const char *, size_t);
/* The same with ASCII letters folded to lower case. */
int	vi_bytecasecmp(const char *, size_t, const char *, size_t);
/* Whether the piece equals the lower-case word w, ASCII case folded. */
int	vi_caseeq(const char *, size_t, const char *);

/* Which whitespace a language's trim or \s takes, beyond ASCII's. */
enum vi_space {
	VI_SPACE_C,		/* " \t\n\v\f\r" */
	VI_SPACE_JS,		/* ECMAScript WhiteSpace and LineTerminator */
	VI_SPACE_PY,		/* Python str.isspace() */
	VI_SPACE_PHP,		/* PHP trim(): " \t\n\r\0\x0B" */
	VI_SPACE_NET,		/* .NET Char.IsWhiteSpace */
};
/* The length in bytes of the whitespace character at p (before end), or 0. */
size_t	vi_space(const char *, const char *, enum vi_space);
/* Trim such whitespace at both ends of [*p, *end). */
void	vi_trim(const char **, const char **, enum vi_space);
/* The length in UTF-16 code units of a UTF-8 string, stopping past max. */
size_t	vi_utf16len(const char *, size_t, size_t);

#endif
