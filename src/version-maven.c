/*
 * Maven version order: org.apache.maven.artifact.versioning.ComparableVersion
 * of Maven's master branch (commit 540897d3, after MNG-7644, MNG-7714 and
 * MNG-8241), the order GitHub's and OSV's Maven ranges are written in. Pure
 * functions, no allocation: a version is parsed into a fixed array on the
 * stack, which the length bound of later Maven keeps small.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "util.h"
#include "version.h"
#include "version-impl.h"

/* Later Maven refuses longer versions (MAX_VERSION_LENGTH, in UTF-16 units). */
#define MVN_MAX_LENGTH	256
/* Each character adds at most an item and a sub-list. */
#define MVN_MAX_ITEMS	(2 * MVN_MAX_LENGTH + 4)

/* Item types; LIST marks "the rest of this list is a sub-list". */
enum mvn_type {
	MVN_INT,	/* up to 9 digits (IntItem) */
	MVN_LONG,	/* up to 18 (LongItem) */
	MVN_BIG,	/* more (BigIntegerItem) */
	MVN_STRING,	/* a qualifier (StringItem) */
	MVN_COMB,	/* a qualifier and its number: "rc1", "alpha-2" (CombinationItem) */
	MVN_LIST,	/* a sub-list begins (ListItem) */
	MVN_GONE,	/* dropped by normalize() */
};

struct mvn_item {
	unsigned char	 type;
	unsigned char	 dtype;		/* MVN_COMB: its number's type */
	uint16_t	 len;
	uint16_t	 dlen;
	const char	*p;		/* the digits or the qualifier */
	const char	*dp;		/* MVN_COMB: the number, ASCII digits */
};

struct mvn {
	struct mvn_item	 it[MVN_MAX_ITEMS];
	size_t		 n;
	char		 digits[MVN_MAX_LENGTH + 1];	/* combination numbers as ASCII */
	size_t		 ndigits;
};

/* The first code points of each run of ten BMP decimal digits (Unicode Nd). */
static const uint16_t mvn_zeros[] = {
	0x0030, 0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6,
	0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0de6, 0x0e50, 0x0ed0,
	0x0f20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
	0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900,
	0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
};

/* Decode the UTF-8 character at p: its length (1 for a stray byte) and code point. */
static size_t
mvn_utf8(const char *p, const char *end, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)p;
	size_t			 n, i;
	uint32_t		 c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xf0 && u[0] < 0xf8) {
		n = 4;
		c = u[0] & 0x07;
	} else if (u[0] >= 0xe0) {
		n = u[0] < 0xf0 ? 3 : 1;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xc0) {
		n = 2;
		c = u[0] & 0x1f;
	} else
		n = 1;
	if (n == 1 || (size_t)(end - p) < n) {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	*cp = c;
	return n;
}

/* Java's Character.isDigit(char) and Character.digit(): BMP decimal digits only. */
static int
mvn_digit_value(uint32_t cp)
{
	size_t	i;

	for (i = 0; i < NELEM(mvn_zeros); i++) {
		if (cp >= mvn_zeros[i] && cp < (uint32_t)mvn_zeros[i] + 10)
			return (int)(cp - mvn_zeros[i]);
	}
	return -1;
}

/* parseItem()'s choice of IntItem, LongItem or BigIntegerItem. */
static unsigned char
mvn_numtype(size_t stripped)
{
	if (stripped <= 9)
		return MVN_INT;
	if (stripped <= 18)
		return MVN_LONG;
	return MVN_BIG;
}

/*
 * stripLeadingZeroes() of commit 540897d3: an all-zero run is kept whole,
 * so "0000000000" is a LongItem 0.
 */
static size_t
mvn_stripped(const char *p, size_t len)
{
	size_t	i = 0;

	while (i < len && p[i] == '0')
		i++;
	return i == len ? len : len - i;
}

static int
mvn_add(struct mvn *v, unsigned char type, const char *p, size_t len)
{
	struct mvn_item	*it;

	if (v->n >= MVN_MAX_ITEMS)
		return -1;
	it = &v->it[v->n++];
	memset(it, 0, sizeof *it);
	it->type = type;
	it->p = p;
	it->len = len;
	return 0;
}

/*
 * CombinationItem(buf.replace("-", "")): the qualifier before the first
 * digit, the number after it. A '-' stays in buf only before a digit, so the
 * qualifier can end with one. Anything but digits after the first one makes
 * Integer.parseInt throw: Maven cannot read such a version.
 */
static int
mvn_add_comb(struct mvn *v, const char *p, size_t len)
{
	const char	*end = p + len, *q, *first = NULL;
	struct mvn_item	*it;
	uint32_t	 cp;
	size_t		 n, ndig = 0, zeros = 0;
	int		 d, lead = 1;

	for (q = p; q < end; q += n) {
		n = mvn_utf8(q, end, &cp);
		if (mvn_digit_value(cp) >= 0 && cp <= 0xffff) {
			first = q;
			break;
		}
	}
	if (mvn_add(v, MVN_COMB, p, 0) != 0)
		return -1;
	it = &v->it[v->n - 1];
	it->dp = v->digits + v->ndigits;
	if (first == NULL)
		return -1;	/* no digit: parseInt of a qualifier */
	it->len = first - p;
	if (it->len > 0 && p[it->len - 1] == '-')
		it->len--;
	/* StringItem(value, followedByDigit): a1 = alpha-1, b1 = beta-1, m1 = milestone-1. */
	if (it->len == 1) {
		switch (vi_tolower((unsigned char)*p)) {
		case 'a':
			it->p = "alpha";
			it->len = 5;
			break;
		case 'b':
			it->p = "beta";
			it->len = 4;
			break;
		case 'm':
			it->p = "milestone";
			it->len = 9;
			break;
		}
	}
	for (q = first; q < end; q += n) {
		n = mvn_utf8(q, end, &cp);
		if (cp == '-')
			continue;
		if (cp > 0xffff || (d = mvn_digit_value(cp)) < 0)
			return -1;
		if (v->ndigits >= sizeof v->digits)
			return -1;
		v->digits[v->ndigits++] = (char)('0' + d);
		if (lead && cp == '0')
			zeros++;
		else
			lead = 0;
		ndig++;
	}
	it->dlen = ndig;
	it->dtype = mvn_numtype(zeros == ndig ? ndig : ndig - zeros);
	return 0;
}

/* parseItem(isCombination, isDigit, buf). */
static int
mvn_add_item(struct mvn *v, int comb, int digit, const char *p, size_t len)
{
	if (comb)
		return mvn_add_comb(v, p, len);
	if (digit)
		return mvn_add(v, mvn_numtype(mvn_stripped(p, len)), p, len);
	return mvn_add(v, MVN_STRING, p, len);
}

static int
mvn_isnull(const struct mvn_item *it)
{
	switch (it->type) {
	case MVN_INT:
	case MVN_LONG:
	case MVN_BIG:
		return mvn_stripped(it->p, it->len) == it->len && *it->p == '0';
	case MVN_STRING:
		return it->len == 0;
	default:
		return 0;
	}
}

/*
 * ListItem.normalize() of every list, innermost first: a null item (a zero,
 * or an empty sub-list) goes when it is last, or followed by a qualifier, or
 * by a sub-list that starts with one. Right to left over the flat array, that
 * is one pass: "next" is what follows in the same list after removals.
 */
static void
mvn_normalize(struct mvn *v)
{
	size_t		i;
	int		next = -1, next_first = -1, first = -1, survivors = 0;
	struct mvn_item	*it;

	for (i = v->n; i-- > 0;) {
		it = &v->it[i];
		if (it->type == MVN_LIST) {
			/* The list to the right is done; this marker is its parent's last item. */
			if (survivors == 0) {
				it->type = MVN_GONE;
				next = -1;
			} else {
				next = MVN_LIST;
				next_first = first;
			}
			survivors = next != -1;
			first = next;
			continue;
		}
		if (mvn_isnull(it) && (next == -1 || next == MVN_STRING ||
		    (next == MVN_LIST && (next_first == MVN_COMB ||
		    next_first == MVN_STRING)))) {
			it->type = MVN_GONE;
			continue;
		}
		next = it->type;
		first = it->type;
		survivors++;
	}
}

/* ComparableVersion.parseVersion(), character by character. */
static int
mvn_parse(const char *s, struct mvn *v)
{
	const char	*end, *p, *start;
	uint32_t	 cp, next;
	size_t		 n, units;
	int		 digit = 0, comb = 0, empty = 1;

	v->n = 0;
	v->ndigits = 0;
	if (s == NULL)
		return -1;
	end = s + strlen(s);
	/* Count as Java would: a stray byte is one U+FFFD. */
	for (p = s, units = 0; p < end && units <= MVN_MAX_LENGTH; p += n) {
		n = mvn_utf8(p, end, &cp);
		units += cp > 0xffff ? 2 : 1;
	}
	if (units > MVN_MAX_LENGTH)
		return -1;
	start = s;
	for (p = s; p < end; p += n) {
		n = mvn_utf8(p, end, &cp);
		if (cp == '.') {
			if (p == start) {
				if (mvn_add(v, MVN_INT, "0", 1) != 0)
					return -1;
			} else if (mvn_add_item(v, comb, digit, start, p - start) != 0)
				return -1;
			empty = 0;
			comb = 0;
			start = p + 1;
		} else if (cp == '-') {
			if (p == start) {
				if (mvn_add(v, MVN_INT, "0", 1) != 0)
					return -1;
			} else {
				/* X-1 is going to be treated as X1 */
				if (!digit && p + 1 < end) {
					mvn_utf8(p + 1, end, &next);
					if (next <= 0xffff && mvn_digit_value(next) >= 0) {
						comb = 1;
						continue;
					}
				}
				if (mvn_add_item(v, comb, digit, start, p - start) != 0)
					return -1;
			}
			/* The list now holds something: a sub-list begins. */
			start = p + 1;
			if (mvn_add(v, MVN_LIST, NULL, 0) != 0)
				return -1;
			empty = 1;
			comb = 0;
		} else if (cp >= '0' && cp <= '9') {
			if (!digit && p > start) {
				comb = 1;
				if (!empty) {
					if (mvn_add(v, MVN_LIST, NULL, 0) != 0)
						return -1;
					empty = 1;
				}
			}
			digit = 1;
		} else {
			if (digit && p > start) {
				if (mvn_add_item(v, comb, 1, start, p - start) != 0 ||
				    mvn_add(v, MVN_LIST, NULL, 0) != 0)
					return -1;
				start = p;
				empty = 1;
				comb = 0;
			}
			digit = 0;
		}
	}
	if (end > start) {
		/* 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X */
		if (!digit && !empty && mvn_add(v, MVN_LIST, NULL, 0) != 0)
			return -1;
		if (mvn_add_item(v, comb, digit, start, end - start) != 0)
			return -1;
	}
	mvn_normalize(v);
	return 0;
}

/*
 * Character.toLowerCase() beyond ASCII: Unicode's simple lower-case
 * mappings (UnicodeData.txt of Unicode 14) as runs {first, last, delta,
 * stride}; a stride of 2 maps every other code point (upper, lower pairs).
 */
static const struct {
	uint32_t	first, last;
	int32_t		delta;
	uint8_t		stride;
} mvn_lower_runs[] = {
	{ 0x00c0, 0x00d6, 32, 1 }, { 0x00d8, 0x00de, 32, 1 },
	{ 0x0100, 0x012e, 1, 2 }, { 0x0132, 0x0136, 1, 2 }, { 0x0139, 0x0147, 1, 2 },
	{ 0x014a, 0x0176, 1, 2 }, { 0x0178, 0x0178, -121, 1 },
	{ 0x0179, 0x017d, 1, 2 }, { 0x0181, 0x0181, 210, 1 },
	{ 0x0182, 0x0184, 1, 2 }, { 0x0186, 0x0186, 206, 1 },
	{ 0x0187, 0x0187, 1, 1 }, { 0x0189, 0x018a, 205, 1 },
	{ 0x018b, 0x018b, 1, 1 }, { 0x018e, 0x018e, 79, 1 },
	{ 0x018f, 0x018f, 202, 1 }, { 0x0190, 0x0190, 203, 1 },
	{ 0x0191, 0x0191, 1, 1 }, { 0x0193, 0x0193, 205, 1 },
	{ 0x0194, 0x0194, 207, 1 }, { 0x0196, 0x0196, 211, 1 },
	{ 0x0197, 0x0197, 209, 1 }, { 0x0198, 0x0198, 1, 1 },
	{ 0x019c, 0x019c, 211, 1 }, { 0x019d, 0x019d, 213, 1 },
	{ 0x019f, 0x019f, 214, 1 }, { 0x01a0, 0x01a4, 1, 2 },
	{ 0x01a6, 0x01a6, 218, 1 }, { 0x01a7, 0x01a7, 1, 1 },
	{ 0x01a9, 0x01a9, 218, 1 }, { 0x01ac, 0x01ac, 1, 1 },
	{ 0x01ae, 0x01ae, 218, 1 }, { 0x01af, 0x01af, 1, 1 },
	{ 0x01b1, 0x01b2, 217, 1 }, { 0x01b3, 0x01b5, 1, 2 },
	{ 0x01b7, 0x01b7, 219, 1 }, { 0x01b8, 0x01b8, 1, 1 },
	{ 0x01bc, 0x01bc, 1, 1 }, { 0x01c4, 0x01c4, 2, 1 }, { 0x01c5, 0x01c5, 1, 1 },
	{ 0x01c7, 0x01c7, 2, 1 }, { 0x01c8, 0x01c8, 1, 1 }, { 0x01ca, 0x01ca, 2, 1 },
	{ 0x01cb, 0x01db, 1, 2 }, { 0x01de, 0x01ee, 1, 2 }, { 0x01f1, 0x01f1, 2, 1 },
	{ 0x01f2, 0x01f4, 1, 2 }, { 0x01f6, 0x01f6, -97, 1 },
	{ 0x01f7, 0x01f7, -56, 1 }, { 0x01f8, 0x021e, 1, 2 },
	{ 0x0220, 0x0220, -130, 1 }, { 0x0222, 0x0232, 1, 2 },
	{ 0x023a, 0x023a, 10795, 1 }, { 0x023b, 0x023b, 1, 1 },
	{ 0x023d, 0x023d, -163, 1 }, { 0x023e, 0x023e, 10792, 1 },
	{ 0x0241, 0x0241, 1, 1 }, { 0x0243, 0x0243, -195, 1 },
	{ 0x0244, 0x0244, 69, 1 }, { 0x0245, 0x0245, 71, 1 },
	{ 0x0246, 0x024e, 1, 2 }, { 0x0370, 0x0372, 1, 2 }, { 0x0376, 0x0376, 1, 1 },
	{ 0x037f, 0x037f, 116, 1 }, { 0x0386, 0x0386, 38, 1 },
	{ 0x0388, 0x038a, 37, 1 }, { 0x038c, 0x038c, 64, 1 },
	{ 0x038e, 0x038f, 63, 1 }, { 0x0391, 0x03a1, 32, 1 },
	{ 0x03a3, 0x03ab, 32, 1 }, { 0x03cf, 0x03cf, 8, 1 }, { 0x03d8, 0x03ee, 1, 2 },
	{ 0x03f4, 0x03f4, -60, 1 }, { 0x03f7, 0x03f7, 1, 1 },
	{ 0x03f9, 0x03f9, -7, 1 }, { 0x03fa, 0x03fa, 1, 1 },
	{ 0x03fd, 0x03ff, -130, 1 }, { 0x0400, 0x040f, 80, 1 },
	{ 0x0410, 0x042f, 32, 1 }, { 0x0460, 0x0480, 1, 2 }, { 0x048a, 0x04be, 1, 2 },
	{ 0x04c0, 0x04c0, 15, 1 }, { 0x04c1, 0x04cd, 1, 2 }, { 0x04d0, 0x052e, 1, 2 },
	{ 0x0531, 0x0556, 48, 1 }, { 0x10a0, 0x10c5, 7264, 1 },
	{ 0x10c7, 0x10c7, 7264, 1 }, { 0x10cd, 0x10cd, 7264, 1 },
	{ 0x13a0, 0x13ef, 38864, 1 }, { 0x13f0, 0x13f5, 8, 1 },
	{ 0x1c90, 0x1cba, -3008, 1 }, { 0x1cbd, 0x1cbf, -3008, 1 },
	{ 0x1e00, 0x1e94, 1, 2 }, { 0x1e9e, 0x1e9e, -7615, 1 },
	{ 0x1ea0, 0x1efe, 1, 2 }, { 0x1f08, 0x1f0f, -8, 1 },
	{ 0x1f18, 0x1f1d, -8, 1 }, { 0x1f28, 0x1f2f, -8, 1 },
	{ 0x1f38, 0x1f3f, -8, 1 }, { 0x1f48, 0x1f4d, -8, 1 },
	{ 0x1f59, 0x1f5f, -8, 2 }, { 0x1f68, 0x1f6f, -8, 1 },
	{ 0x1f88, 0x1f8f, -8, 1 }, { 0x1f98, 0x1f9f, -8, 1 },
	{ 0x1fa8, 0x1faf, -8, 1 }, { 0x1fb8, 0x1fb9, -8, 1 },
	{ 0x1fba, 0x1fbb, -74, 1 }, { 0x1fbc, 0x1fbc, -9, 1 },
	{ 0x1fc8, 0x1fcb, -86, 1 }, { 0x1fcc, 0x1fcc, -9, 1 },
	{ 0x1fd8, 0x1fd9, -8, 1 }, { 0x1fda, 0x1fdb, -100, 1 },
	{ 0x1fe8, 0x1fe9, -8, 1 }, { 0x1fea, 0x1feb, -112, 1 },
	{ 0x1fec, 0x1fec, -7, 1 }, { 0x1ff8, 0x1ff9, -128, 1 },
	{ 0x1ffa, 0x1ffb, -126, 1 }, { 0x1ffc, 0x1ffc, -9, 1 },
	{ 0x2126, 0x2126, -7517, 1 }, { 0x212a, 0x212a, -8383, 1 },
	{ 0x212b, 0x212b, -8262, 1 }, { 0x2132, 0x2132, 28, 1 },
	{ 0x2160, 0x216f, 16, 1 }, { 0x2183, 0x2183, 1, 1 },
	{ 0x24b6, 0x24cf, 26, 1 }, { 0x2c00, 0x2c2f, 48, 1 },
	{ 0x2c60, 0x2c60, 1, 1 }, { 0x2c62, 0x2c62, -10743, 1 },
	{ 0x2c63, 0x2c63, -3814, 1 }, { 0x2c64, 0x2c64, -10727, 1 },
	{ 0x2c67, 0x2c6b, 1, 2 }, { 0x2c6d, 0x2c6d, -10780, 1 },
	{ 0x2c6e, 0x2c6e, -10749, 1 }, { 0x2c6f, 0x2c6f, -10783, 1 },
	{ 0x2c70, 0x2c70, -10782, 1 }, { 0x2c72, 0x2c72, 1, 1 },
	{ 0x2c75, 0x2c75, 1, 1 }, { 0x2c7e, 0x2c7f, -10815, 1 },
	{ 0x2c80, 0x2ce2, 1, 2 }, { 0x2ceb, 0x2ced, 1, 2 }, { 0x2cf2, 0x2cf2, 1, 1 },
	{ 0xa640, 0xa66c, 1, 2 }, { 0xa680, 0xa69a, 1, 2 }, { 0xa722, 0xa72e, 1, 2 },
	{ 0xa732, 0xa76e, 1, 2 }, { 0xa779, 0xa77b, 1, 2 },
	{ 0xa77d, 0xa77d, -35332, 1 }, { 0xa77e, 0xa786, 1, 2 },
	{ 0xa78b, 0xa78b, 1, 1 }, { 0xa78d, 0xa78d, -42280, 1 },
	{ 0xa790, 0xa792, 1, 2 }, { 0xa796, 0xa7a8, 1, 2 },
	{ 0xa7aa, 0xa7aa, -42308, 1 }, { 0xa7ab, 0xa7ab, -42319, 1 },
	{ 0xa7ac, 0xa7ac, -42315, 1 }, { 0xa7ad, 0xa7ad, -42305, 1 },
	{ 0xa7ae, 0xa7ae, -42308, 1 }, { 0xa7b0, 0xa7b0, -42258, 1 },
	{ 0xa7b1, 0xa7b1, -42282, 1 }, { 0xa7b2, 0xa7b2, -42261, 1 },
	{ 0xa7b3, 0xa7b3, 928, 1 }, { 0xa7b4, 0xa7c2, 1, 2 },
	{ 0xa7c4, 0xa7c4, -48, 1 }, { 0xa7c5, 0xa7c5, -42307, 1 },
	{ 0xa7c6, 0xa7c6, -35384, 1 }, { 0xa7c7, 0xa7c9, 1, 2 },
	{ 0xa7d0, 0xa7d0, 1, 1 }, { 0xa7d6, 0xa7d8, 1, 2 }, { 0xa7f5, 0xa7f5, 1, 1 },
	{ 0xff21, 0xff3a, 32, 1 }, { 0x10400, 0x10427, 40, 1 },
	{ 0x104b0, 0x104d3, 40, 1 }, { 0x10570, 0x1057a, 39, 1 },
	{ 0x1057c, 0x1058a, 39, 1 }, { 0x1058c, 0x10592, 39, 1 },
	{ 0x10594, 0x10595, 39, 1 }, { 0x10c80, 0x10cb2, 64, 1 },
	{ 0x118a0, 0x118bf, 32, 1 }, { 0x16e40, 0x16e5f, 32, 1 },
	{ 0x1e900, 0x1e921, 34, 1 },
};

static uint32_t
mvn_tolower(uint32_t cp)
{
	size_t	lo = 0, hi = NELEM(mvn_lower_runs), mid;

	if (cp < 0x80)
		return (uint32_t)vi_tolower((int)cp);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < mvn_lower_runs[mid].first)
			hi = mid;
		else if (cp > mvn_lower_runs[mid].last)
			lo = mid + 1;
		else {
			if ((cp - mvn_lower_runs[mid].first) %
			    mvn_lower_runs[mid].stride != 0)
				return cp;
			return (uint32_t)((int32_t)cp + mvn_lower_runs[mid].delta);
		}
	}
	return cp;
}

/* version.toLowerCase(Locale.ENGLISH) as UTF-16 code units, one at a time. */
struct mvn_units {
	const char	*p, *end;
	int		 pending;	/* a unit still to give, or -1 */
};

static int
mvn_unit_next(struct mvn_units *u)
{
	uint32_t	cp;
	int		r;

	if (u->pending >= 0) {
		r = u->pending;
		u->pending = -1;
		return r;
	}
	if (u->p >= u->end)
		return -1;
	u->p += mvn_utf8(u->p, u->end, &cp);
	if (cp == 0x130) {	/* SpecialCasing: I WITH DOT ABOVE is "i\u0307" */
		u->pending = 0x307;
		return 'i';
	}
	cp = mvn_tolower(cp);
	if (cp > 0xffff) {
		cp -= 0x10000;
		u->pending = (int)(0xdc00 + (cp & 0x3ff));
		return (int)(0xd800 + (cp >> 10));
	}
	return (int)cp;
}

/*
 * Java String.compareTo on the lower-cased qualifiers: UTF-16 code-unit
 * order. Greek final sigma is lowered as any other sigma.
 */
static int
mvn_strcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct mvn_units	ua = { a, a + alen, -1 }, ub = { b, b + blen, -1 };
	int			ca, cb;

	for (;;) {
		ca = mvn_unit_next(&ua);
		cb = mvn_unit_next(&ub);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca < 0)
			return 0;
	}
}

/* comparableQualifier()'s rank: the index in QUALIFIERS, 7 for unknown. */
static int
mvn_rank(const char *p, size_t len)
{
	static const char	*known[] = { "alpha", "beta", "milestone", "rc",
	    "snapshot", "", "sp" };
	size_t			 k;

	if (vi_caseeq(p, len, "ga") || vi_caseeq(p, len, "final") ||
	    vi_caseeq(p, len, "release"))
		return 5;
	if (vi_caseeq(p, len, "cr"))	/* ALIASES */
		return 3;
	for (k = 0; k < NELEM(known); k++) {
		if (vi_caseeq(p, len, known[k]))
			return (int)k;
	}
	return 7;
}

/* StringItem.compareTo(StringItem) on two qualifiers. */
static int
mvn_qualcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	ra = mvn_rank(a, alen), rb = mvn_rank(b, blen);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return ra == 7 ? mvn_strcmp(a, alen, b, blen) : 0;
}

static int
mvn_isnum(int type)
{
	return type == MVN_INT || type == MVN_LONG || type == MVN_BIG;
}

/* Two numbers: IntItem < LongItem < BigIntegerItem, then by value. */
static int
mvn_numcmp(int ta, const char *a, size_t alen, int tb, const char *b, size_t blen)
{
	if (ta != tb)
		return ta < tb ? -1 : 1;
	return vi_numcmp(a, alen, b, blen);
}

/* item.compareTo(null) */
static int
mvn_cmp_null(const struct mvn_item *x)
{
	int	r;

	if (mvn_isnum(x->type))
		return mvn_isnull(x) ? 0 : 1;
	/* StringItem, and CombinationItem through its qualifier: 1-rc < 1, 1-sp > 1 */
	r = mvn_rank(x->p, x->len);
	return r < 5 ? -1 : r > 5;
}

/* x.compareTo(y) for two items that are not lists. */
static int
mvn_item_cmp(const struct mvn_item *x, const struct mvn_item *y)
{
	int	r;

	if (mvn_isnum(x->type)) {
		if (mvn_isnum(y->type))
			return mvn_numcmp(x->type, x->p, x->len, y->type, y->p, y->len);
		return 1;	/* 1.1 > 1-sp, 1.1 > 1-rc1 */
	}
	if (mvn_isnum(y->type))
		return -1;
	r = mvn_qualcmp(x->p, x->len, y->p, y->len);
	if (x->type == MVN_STRING && y->type == MVN_STRING)
		return r;
	if (r != 0)
		return r;
	if (x->type == MVN_STRING)
		return -1;	/* X < X1 */
	if (y->type == MVN_STRING)
		return 1;	/* X1 > X */
	return mvn_numcmp(x->dtype, x->dp, x->dlen, y->dtype, y->dp, y->dlen);
}

/* The rest of a version against nothing: each item against null, lists flattened. */
static int
mvn_rest_null(const struct mvn *v, size_t i)
{
	int	r;

	for (; i < v->n; i++) {
		if (v->it[i].type == MVN_GONE || v->it[i].type == MVN_LIST)
			continue;
		if ((r = mvn_cmp_null(&v->it[i])) != 0)
			return r;
	}
	return 0;
}

/*
 * ListItem.compareTo(ListItem). A sub-list is always its list's last item,
 * so where both sides hold one the comparison goes on inside them, and where
 * one side has ended the other's rest is compared with null: no recursion.
 */
static int
mvn_cmp(const struct mvn *a, const struct mvn *b)
{
	const struct mvn_item	*x, *y;
	size_t			 i = 0, j = 0;
	int			 r;

	for (;;) {
		while (i < a->n && a->it[i].type == MVN_GONE)
			i++;
		while (j < b->n && b->it[j].type == MVN_GONE)
			j++;
		if (i == a->n || j == b->n) {
			if (i == a->n && j == b->n)
				return 0;
			return i == a->n ? -mvn_rest_null(b, j) : mvn_rest_null(a, i);
		}
		x = &a->it[i++];
		y = &b->it[j++];
		if (x->type == MVN_LIST && y->type == MVN_LIST)
			continue;
		if (x->type == MVN_LIST)
			return mvn_isnum(y->type) ? -1 : 1;	/* 1-1 < 1.0.x, 1-1 > 1-sp */
		if (y->type == MVN_LIST)
			return mvn_isnum(x->type) ? 1 : -1;
		if ((r = mvn_item_cmp(x, y)) != 0)
			return r;
	}
}

int
version_valid_maven(const char *s)
{
	struct mvn	v;

	return mvn_parse(s, &v) == 0;
}

int
version_cmp_maven(const char *a, const char *b)
{
	struct mvn	va, vb;

	/* What did not parse compares as far as it went. */
	if (mvn_parse(a, &va) != 0)
		mvn_normalize(&va);
	if (mvn_parse(b, &vb) != 0)
		mvn_normalize(&vb);
	return mvn_cmp(&va, &vb);
}
