/*
 * ELF executables, reduced while they stream to what names their packages:
 * Go's build info (the version of Go and the module list) and Rust's
 * cargo-auditable dependency list (the zlib-compressed JSON of the .dep-v0
 * section). One pass, no seeking: the ELF header and program headers come
 * first; Go's build info is found by its magic in a writable segment; the
 * strings the older Go format points to lie earlier in the file, so they
 * are noted on the way (by their own markers) and matched by offset once
 * the pointers are read; .dep-v0 lies among the sections nothing loads,
 * after the loaded segments, found as a zlib stream that inflates to
 * {"packages". Only what is found is kept.
 */
#include "config.h"

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pkg.h"
#include "rootfs.h"
#include "summary.h"
#include "util.h"

#define GO_MAGIC		"\xff Go buildinf:"
#define GO_MAGIC_LEN		14
#define GO_INFO_START		"0w\xaf\x0c\x92t\b\x02" "A\xe1\xc1\a\xe6\xd6\x18\xe6"
#define GO_INFO_END		"\xf9" "2C1\x86\x18 r\x00\x82" "B\x10" "A\x16\xd8\xf2"
#define GO_MAX_INFO		((size_t)4 << 20)	/* module strings */
#define GO_MAX_VERS		64
#define GO_MAX_CANDS		256	/* "go1." strings noted (old format) */
#define GO_MAX_BIG		4	/* build infos or module strings gathered */

#define ELF_CARRY		1024	/* bytes of a block kept for the next one */
#define ELF_DEP_LOOK		512	/* input tried on a zlib candidate */
#define ELF_DEP_MAX		((size_t)8 << 20)	/* inflated .dep-v0, as upstream */
#define ELF_DEP_PREFIX		"{\"packages\""
#define ELF_MAX_LOADS		64
#define ELF_PF_W		2

struct elf_load {
	uint64_t	vaddr;
	uint64_t	off;
	uint64_t	filesz;
	int		writable;
};

/* Bytes wanted from a file offset on, gathered as the blocks pass. */
struct elf_cap {
	uint64_t	off;
	size_t		want;
	struct buf	b;
	int		kind;
	int		active;
};

enum {
	CAP_INFO = 1,		/* Go build info, from its magic */
	CAP_HDR_VERS,		/* older format: the version's string header */
	CAP_HDR_MOD,		/* older format: the modules' string header */
	CAP_MODINFO,		/* module strings from their start marker */
	CAP_GOVERS,		/* a "go1." string */
	CAP_MAX = 8 + GO_MAX_CANDS,
};

struct elf_scan {
	struct summary	 sum;
	int		 is64;
	int		 big;
	int		 is_go;		/* a Go build ID note */
	struct elf_load	 loads[ELF_MAX_LOADS];
	size_t		 nloads;
	uint64_t	 load_end;	/* past the last loaded byte */
	uint64_t	 min_size;	/* what the headers say the file holds */

	/* The window: the last bytes of the previous block, then this one. */
	char		*win;
	size_t		 wlen;
	size_t		 wcap;
	uint64_t	 woff;		/* file offset of win[0] */
	uint64_t	 scanned;	/* match starts before this were tried */

	struct elf_cap	 caps[CAP_MAX];
	size_t		 ncands;
	size_t		 ninfo;		/* captures that may grow to megabytes: */
	size_t		 nmod;		/* GO_MAX_BIG of each kind */

	/* Go: what was found. */
	int		 go_done;
	int		 go_old;
	int		 ptrsize;
	int		 go_big;
	uint64_t	 vers_addr;	/* string data of the older format */
	uint64_t	 vers_len;
	uint64_t	 mod_addr;
	uint64_t	 mod_len;
	int		 hdrs_pending;

	/* Rust: the .dep-v0 stream. */
	z_stream	 probe_z;
	int		 probe_init;
	z_stream	 dep_z;
	int		 dep_state;	/* 0 looking, 1 inflating, 2 done */
	uint64_t	 dep_next;	/* file offset of the next byte to inflate */
	struct buf	 dep;
};

static uint64_t
elf_get(const unsigned char *p, int n, int big)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

/* Is this note list (a PT_NOTE's bytes) holding Go's build ID? */
static int
elf_go_note(const unsigned char *p, size_t len, int big)
{
	uint64_t	namesz, descsz, type;
	size_t		step;

	while (len >= 12) {
		namesz = elf_get(p, 4, big);
		descsz = elf_get(p + 4, 4, big);
		type = elf_get(p + 8, 4, big);
		if (namesz > len || descsz > len)
			return 0;
		step = 12 + ((namesz + 3) & ~(uint64_t)3) + ((descsz + 3) & ~(uint64_t)3);
		if (step > len)
			return 0;
		if (namesz == 4 && type == 4 && memcmp(p + 12, "Go\0\0", 4) == 0)
			return 1;
		p += step;
		len -= step;
	}
	return 0;
}

/*
 * Parse the ELF header and program headers from the file's first bytes.
 * 1 an executable worth reading (ET_EXEC, or ET_DYN with an interpreter or a
 * Go note: not a shared library), 0 not, -1 more bytes needed.
 */
static int
elf_headers(const unsigned char *h, size_t len, struct elf_scan *s)
{
	uint64_t	type, phoff, phentsize, phnum, shoff, shentsize, shnum;
	uint64_t	ptype, off, vaddr, filesz, flags;
	const unsigned char *ph;
	int		is64, big, interp = 0, go = 0;
	size_t		i, nloads = 0;

	if (len < 4 || memcmp(h, "\177ELF", 4) != 0)
		return 0;
	if (len < 64)
		return -1;
	if ((h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2))
		return 0;
	is64 = h[4] == 2;
	big = h[5] == 2;
	type = elf_get(h + 16, 2, big);
	if (type != 2 && type != 3)
		return 0;
	if (is64) {
		phoff = elf_get(h + 32, 8, big);
		shoff = elf_get(h + 40, 8, big);
		phentsize = elf_get(h + 54, 2, big);
		phnum = elf_get(h + 56, 2, big);
		shentsize = elf_get(h + 58, 2, big);
		shnum = elf_get(h + 60, 2, big);
	} else {
		phoff = elf_get(h + 28, 4, big);
		shoff = elf_get(h + 32, 4, big);
		phentsize = elf_get(h + 42, 2, big);
		phnum = elf_get(h + 44, 2, big);
		shentsize = elf_get(h + 46, 2, big);
		shnum = elf_get(h + 48, 2, big);
	}
	if (phnum == 0 || phentsize < (is64 ? 56u : 32u) || phoff > LAYER_HEAD ||
	    phnum * phentsize > LAYER_HEAD)
		return 0;
	if (phoff + phnum * phentsize > len)
		return len < LAYER_HEAD ? -1 : 0;
	if (s != NULL) {
		s->is64 = is64;
		s->big = big;
		s->min_size = shnum > 0 ? shoff + shnum * shentsize : 0;
	}
	for (i = 0; i < phnum; i++) {
		ph = h + phoff + i * phentsize;
		ptype = elf_get(ph, 4, big);
		if (is64) {
			flags = elf_get(ph + 4, 4, big);
			off = elf_get(ph + 8, 8, big);
			vaddr = elf_get(ph + 16, 8, big);
			filesz = elf_get(ph + 32, 8, big);
		} else {
			off = elf_get(ph + 4, 4, big);
			vaddr = elf_get(ph + 8, 4, big);
			filesz = elf_get(ph + 16, 4, big);
			flags = elf_get(ph + 24, 4, big);
		}
		if (ptype == 3)
			interp = 1;
		else if (ptype == 4 && off < len && filesz <= len - off &&
		    elf_go_note(h + off, filesz, big))
			go = 1;
		else if (ptype == 1 && s != NULL && nloads < ELF_MAX_LOADS &&
		    off <= UINT64_MAX - filesz) {
			s->loads[nloads].vaddr = vaddr;
			s->loads[nloads].off = off;
			s->loads[nloads].filesz = filesz;
			s->loads[nloads].writable = (flags & ELF_PF_W) != 0;
			if (off + filesz > s->load_end)
				s->load_end = off + filesz;
			if (off + filesz > s->min_size)
				s->min_size = off + filesz;
			nloads++;
		}
	}
	if (s != NULL) {
		s->nloads = nloads;
		s->is_go = go;
	}
	return type == 2 || interp || go;
}

int
elf_probe(const void *head, size_t len)
{
	return elf_headers(head, len, NULL);
}

/* A virtual address to a file offset, through the loaded segments. */
static int
elf_addr_off(const struct elf_scan *s, uint64_t addr, uint64_t *off)
{
	size_t	i;

	for (i = 0; i < s->nloads; i++) {
		if (addr >= s->loads[i].vaddr &&
		    addr - s->loads[i].vaddr < s->loads[i].filesz) {
			*off = s->loads[i].off + (addr - s->loads[i].vaddr);
			return 0;
		}
	}
	return HS_ENOENT;
}

static int
elf_in_writable(const struct elf_scan *s, uint64_t off)
{
	size_t	i;

	for (i = 0; i < s->nloads; i++) {
		if (s->loads[i].writable && off >= s->loads[i].off &&
		    off - s->loads[i].off < s->loads[i].filesz)
			return 1;
	}
	return s->nloads == 0;
}

static struct elf_cap *
elf_cap_new(struct elf_scan *s, int kind, uint64_t off, size_t want)
{
	size_t	i;

	for (i = 0; i < CAP_MAX; i++) {
		if (!s->caps[i].active && s->caps[i].kind == 0) {
			s->caps[i].kind = kind;
			s->caps[i].off = off;
			s->caps[i].want = want;
			s->caps[i].active = 1;
			buf_init(&s->caps[i].b);
			return &s->caps[i];
		}
	}
	return NULL;
}

static void
elf_cap_drop(struct elf_cap *c)
{
	buf_free(&c->b);
	memset(c, 0, sizeof *c);
}

static struct elf_cap *
elf_cap_at(struct elf_scan *s, int kind, uint64_t off)
{
	size_t	i;

	for (i = 0; i < CAP_MAX; i++) {
		if (s->caps[i].kind == kind && s->caps[i].off == off)
			return &s->caps[i];
	}
	return NULL;
}

static void
elf_go_found(struct elf_scan *s, const char *vers, size_t vlen, const char *mod,
    size_t mlen)
{
	summary_add(&s->sum, "gover", 1, vers, vlen);
	if (mlen > 0)
		summary_add(&s->sum, "gomod", 1, mod, mlen);
	s->go_done = 1;
}

/* Older format: both strings resolved from the notes taken on the way. */
static void
elf_go_old_resolve(struct elf_scan *s, int at_end)
{
	struct elf_cap	*v = NULL, *m = NULL;
	uint64_t	 voff, moff;
	char		*mod;

	if (s->go_done || s->hdrs_pending > 0 || !s->go_old)
		return;
	if (s->vers_len == 0 || s->vers_len > GO_MAX_VERS ||
	    elf_addr_off(s, s->vers_addr, &voff) != 0 ||
	    (v = elf_cap_at(s, CAP_GOVERS, voff)) == NULL ||
	    v->b.len < s->vers_len) {
		if (at_end)
			summary_warn(&s->sum, "Go build info (before Go 1.18): "
			    "its version string was not found");
		s->go_done = 1;
		return;
	}
	if (s->mod_len > 0 && s->mod_len <= GO_MAX_INFO &&
	    elf_addr_off(s, s->mod_addr, &moff) == 0 &&
	    (m = elf_cap_at(s, CAP_MODINFO, moff)) != NULL &&
	    m->b.len < s->mod_len && m->active && !at_end)
		return;		/* still gathering it */
	if (m == NULL || m->b.len < s->mod_len) {
		elf_go_found(s, v->b.data, s->vers_len, NULL, 0);
		return;
	}
	mod = xmalloc(s->mod_len + 1);
	memcpy(mod, m->b.data, s->mod_len);
	elf_go_found(s, v->b.data, s->vers_len, mod, go_modinfo_unwrap(mod,
	    s->mod_len));
	free(mod);
}

static void elf_feed(struct elf_scan *, struct elf_cap *);

/* A capture got all it wanted (or the file ended): act on it. */
static void
elf_cap_done(struct elf_scan *s, struct elf_cap *c, int at_end)
{
	const unsigned char	*h = (const unsigned char *)c->b.data;
	struct elf_cap		*hc, *hcs[2] = { NULL, NULL };
	char			*vers = NULL, *mod = NULL;
	uint64_t		 off;
	int			 r, ps, i;

	switch (c->kind) {
	case CAP_INFO:
		r = go_buildinfo_parse(c->b.data, c->b.len, &vers, &mod);
		if (r == 1 && !at_end && c->want < GO_MAX_INFO + 64) {
			c->want = c->want * 2 < GO_MAX_INFO + 64 ? c->want * 2 :
			    GO_MAX_INFO + 64;
			return;		/* longer strings: gather more */
		}
		if (r == 0 && !s->go_done)
			elf_go_found(s, vers, strlen(vers), mod, strlen(mod));
		else if (r == 1)
			summary_warn(&s->sum, "Go build info cut short (truncated "
			    "file?)");
		else if (r == HS_ENOENT && !s->go_done && !s->go_old) {
			ps = h[14];
			s->go_old = 1;
			s->ptrsize = ps;
			s->go_big = (h[15] & 1) != 0;
			s->hdrs_pending = 2;
			for (i = 0; i < 2; i++) {
				if (elf_addr_off(s, elf_get(h + 16 + i * ps, ps,
				    s->go_big), &off) != 0 || (hc = elf_cap_new(s,
				    i == 0 ? CAP_HDR_VERS : CAP_HDR_MOD, off,
				    2 * ps)) == NULL)
					s->hdrs_pending--;
				else
					hcs[i] = hc;
			}
			/* They may lie in this very window. */
			for (i = 0; i < 2; i++) {
				if (hcs[i] != NULL && hcs[i]->active)
					elf_feed(s, hcs[i]);
			}
			if (s->hdrs_pending == 0)
				elf_go_old_resolve(s, 1);
		}
		free(vers);
		free(mod);
		break;
	case CAP_HDR_VERS:
	case CAP_HDR_MOD:
		if (c->b.len == c->want) {
			ps = s->ptrsize;
			if (c->kind == CAP_HDR_VERS) {
				s->vers_addr = elf_get(h, ps, s->go_big);
				s->vers_len = elf_get(h + ps, ps, s->go_big);
			} else {
				s->mod_addr = elf_get(h, ps, s->go_big);
				s->mod_len = elf_get(h + ps, ps, s->go_big);
			}
		}
		s->hdrs_pending--;
		elf_cap_drop(c);
		elf_go_old_resolve(s, at_end);
		return;
	case CAP_MODINFO:
		c->active = 0;
		elf_go_old_resolve(s, at_end);
		return;
	case CAP_GOVERS:
		c->active = 0;	/* kept: looked up by offset */
		return;
	}
	elf_cap_drop(c);
}

/* Give each capture the bytes of the window it still wants. */
static void
elf_feed(struct elf_scan *s, struct elf_cap *c)
{
	uint64_t	next, end = s->woff + s->wlen;
	size_t		n;
	const char	*e;

	while (c->active) {
		next = c->off + c->b.len;
		if (next < s->woff || next >= end || c->b.len >= c->want)
			break;
		n = end - next;
		if (n > c->want - c->b.len)
			n = c->want - c->b.len;
		buf_add(&c->b, s->win + (next - s->woff), n);
		if (c->kind == CAP_MODINFO && c->b.len >= 32 &&
		    (e = memmem(c->b.data + 16, c->b.len - 16, GO_INFO_END, 16)) != NULL) {
			c->b.len = e + 16 - c->b.data;
			c->want = c->b.len;
		}
		if (c->b.len >= c->want)
			elf_cap_done(s, c, 0);
	}
	if (c->active && c->off + c->b.len < s->woff)
		elf_cap_done(s, c, 1);	/* its bytes went by before it was made */
}

static void
elf_feed_all(struct elf_scan *s)
{
	size_t	i;

	for (i = 0; i < CAP_MAX; i++) {
		if (s->caps[i].active)
			elf_feed(s, &s->caps[i]);
	}
}

/* Is there a zlib stream at p that inflates to {"packages"? */
static int
elf_dep_probe(struct elf_scan *s, const unsigned char *p, size_t n)
{
	unsigned char	out[sizeof ELF_DEP_PREFIX];
	int		r;

	if (n < 2 || ((p[0] << 8) | p[1]) % 31 != 0 || (p[1] & 0x20) != 0)
		return 0;
	if (!s->probe_init) {
		if (inflateInit(&s->probe_z) != Z_OK)
			return 0;
		s->probe_init = 1;
	} else
		inflateReset(&s->probe_z);
	s->probe_z.next_in = (unsigned char *)p;
	s->probe_z.avail_in = n < ELF_DEP_LOOK ? (unsigned)n : ELF_DEP_LOOK;
	s->probe_z.next_out = out;
	s->probe_z.avail_out = sizeof ELF_DEP_PREFIX - 1;
	r = inflate(&s->probe_z, Z_SYNC_FLUSH);
	if (r != Z_OK && r != Z_STREAM_END)
		return 0;
	return s->probe_z.avail_out == 0 &&
	    memcmp(out, ELF_DEP_PREFIX, sizeof ELF_DEP_PREFIX - 1) == 0;
}

/* Inflate the .dep-v0 stream from the window, bounded. */
static void
elf_dep_feed(struct elf_scan *s)
{
	unsigned char	 out[16384];
	uint64_t	 end = s->woff + s->wlen;
	int		 r;

	if (s->dep_state != 1 || s->dep_next < s->woff || s->dep_next >= end)
		return;
	s->dep_z.next_in = (unsigned char *)s->win + (s->dep_next - s->woff);
	s->dep_z.avail_in = (unsigned)(end - s->dep_next);
	s->dep_next = end;
	do {
		s->dep_z.next_out = out;
		s->dep_z.avail_out = sizeof out;
		r = inflate(&s->dep_z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
			summary_warn(&s->sum, "cargo-auditable .dep-v0: %s",
			    s->dep_z.msg != NULL ? s->dep_z.msg : "bad zlib data");
			s->dep_state = 2;
			return;
		}
		if (s->dep.len + (sizeof out - s->dep_z.avail_out) > ELF_DEP_MAX) {
			summary_warn(&s->sum, "cargo-auditable .dep-v0 inflates past "
			    "%zu bytes: not read", ELF_DEP_MAX);
			s->dep_state = 2;
			return;
		}
		buf_add(&s->dep, out, sizeof out - s->dep_z.avail_out);
		if (r == Z_STREAM_END) {
			summary_add(&s->sum, "cargo", 1, s->dep.data, s->dep.len);
			s->dep_state = 2;
			return;
		}
	} while (s->dep_z.avail_in > 0 || s->dep_z.avail_out == 0);
}

/* The first start in [i, hi) of the window where needle is, or -1. */
static ssize_t
elf_find(const struct elf_scan *s, size_t i, size_t hi, const char *needle,
    size_t nlen)
{
	const char	*q;
	size_t		 stop = hi + nlen - 1 < s->wlen ? hi + nlen - 1 : s->wlen;

	if (i >= hi || i >= stop || (q = memmem(s->win + i, stop - i, needle,
	    nlen)) == NULL || q >= s->win + hi)
		return -1;
	return q - s->win;
}

/* Try every match start in [from, to) of the window. */
static void
elf_scan_range(struct elf_scan *s, uint64_t from, uint64_t to)
{
	const unsigned char	*w = (const unsigned char *)s->win, *p;
	size_t			 i, lo = from - s->woff, hi = to - s->woff;
	ssize_t			 at;
	uint64_t		 off;
	struct elf_cap		*c;

	/* Strings the older format may point to, noted by offset
	 * (before the build info that points to them). */
	for (i = lo; s->is_go && !s->go_done && s->ncands < GO_MAX_CANDS &&
	    (at = elf_find(s, i, hi, "go1.", 4)) >= 0; i = at + 1) {
		if ((c = elf_cap_new(s, CAP_GOVERS, s->woff + at,
		    GO_MAX_VERS)) != NULL) {
			s->ncands++;
			elf_feed(s, c);
		}
	}
	for (i = lo; s->is_go && !s->go_done && s->nmod < GO_MAX_BIG &&
	    (at = elf_find(s, i, hi, GO_INFO_START, 16)) >= 0; i = at + 1) {
		if ((c = elf_cap_new(s, CAP_MODINFO, s->woff + at,
		    GO_MAX_INFO)) != NULL) {
			s->nmod++;
			elf_feed(s, c);
		}
	}
	/* Go's build info: 16-aligned, in a writable segment. */
	for (i = lo; !s->go_done && !s->go_old &&
	    (at = elf_find(s, i, hi, GO_MAGIC, GO_MAGIC_LEN)) >= 0; i = at + 1) {
		off = s->woff + at;
		if (off % 16 == 0 && elf_in_writable(s, off) &&
		    s->ninfo < GO_MAX_BIG &&
		    (c = elf_cap_new(s, CAP_INFO, off, 4096)) != NULL) {
			s->ninfo++;
			elf_feed(s, c);
		}
	}
	/* cargo-auditable: past the loaded segments, in a binary not Go's. */
	if (s->dep_state != 0 || s->is_go || s->go_done || to <= s->load_end)
		return;
	i = from > s->load_end ? lo : s->load_end - s->woff;
	for (; i < hi && (p = memchr(w + i, 0x78, hi - i)) != NULL;
	    i = p - w + 1) {
		if (!elf_dep_probe(s, p, s->wlen - (p - w)))
			continue;
		if (inflateInit(&s->dep_z) != Z_OK)
			return;
		s->dep_state = 1;
		s->dep_next = s->woff + (p - w);
		elf_dep_feed(s);
		return;
	}
}

/* A new block: append to the window, feed, scan, keep the tail. */
static void
elf_block(struct elf_scan *s, const void *data, size_t len, int eof)
{
	uint64_t	to;
	size_t		keep;

	if (len > 0) {
		if (s->wlen + len > s->wcap) {
			s->wcap = s->wlen + len;
			s->win = xrealloc(s->win, s->wcap);
		}
		memcpy(s->win + s->wlen, data, len);
		s->wlen += len;
	}
	elf_feed_all(s);
	elf_dep_feed(s);
	to = s->woff + s->wlen;
	if (!eof)
		to = s->wlen > ELF_CARRY ? to - ELF_CARRY : s->woff;
	if (to > s->scanned) {
		elf_scan_range(s, s->scanned > s->woff ? s->scanned : s->woff, to);
		s->scanned = to;
	}
	if (!eof && s->wlen > ELF_CARRY) {
		keep = ELF_CARRY;
		memmove(s->win, s->win + s->wlen - keep, keep);
		s->woff += s->wlen - keep;
		s->wlen = keep;
	}
}

char *
elf_summarise(const char *path, uint64_t size, uint64_t max, layer_pull_fn pull,
    void *ctx, size_t *len, char **cause)
{
	struct elf_scan	*s;
	const void	*blk;
	size_t		 n, i;
	uint64_t	 total = 0;
	int		 r, first = 1, stopped = 0;
	char		*out;

	s = xcalloc(1, sizeof *s);
	summary_init(&s->sum, "elf");
	buf_init(&s->dep);
	if (size > max) {
		summary_warn(&s->sum, "%ju bytes, larger than the limit of %ju "
		    "bytes: not read", (uintmax_t)size, (uintmax_t)max);
		goto done;
	}
	while ((r = pull(ctx, &blk, &n, cause)) > 0) {
		if (first && elf_headers(blk, n, s) != 1)
			break;	/* the probe saw these bytes: cannot happen */
		first = 0;
		total += n;
		elf_block(s, blk, n, 0);
		/*
		 * All there is to find was found: the rest of the file is
		 * left to the layer reader (its size is known, its end need
		 * not be seen).
		 */
		if ((s->go_done && (s->is_go || s->dep_state != 1)) ||
		    s->dep_state == 2) {
			stopped = 1;
			break;
		}
	}
	if (r < 0) {
		out = NULL;
		goto free;
	}
	elf_block(s, NULL, 0, 1);
	for (i = 0; i < CAP_MAX; i++) {
		if (s->caps[i].active && s->caps[i].kind != CAP_GOVERS &&
		    s->caps[i].kind != CAP_MODINFO)
			elf_cap_done(s, &s->caps[i], 1);
	}
	elf_go_old_resolve(s, 1);
	if (s->dep_state == 1)
		summary_warn(&s->sum, "cargo-auditable .dep-v0 cut short");
	if (stopped)
		total = size;
	if (total < s->min_size)
		summary_warn(&s->sum, "truncated ELF file: %ju bytes where its "
		    "headers say %ju", (uintmax_t)total, (uintmax_t)s->min_size);
done:
	out = summary_finish(&s->sum, len);
	/* Nothing found, nothing to say: keep nothing. */
	if (*len == strlen("hullscan-summary 1 elf\n")) {
		free(out);
		out = NULL;
		*cause = NULL;
	}
free:
	for (i = 0; i < CAP_MAX; i++)
		buf_free(&s->caps[i].b);
	if (s->probe_init)
		inflateEnd(&s->probe_z);
	if (s->dep_state != 0)
		inflateEnd(&s->dep_z);
	buf_free(&s->dep);
	buf_free(&s->sum.b);
	free(s->win);
	free(s);
	return out;
}

void
pkg_elf_analyze(const struct rootfs *root, struct inventory *inv)
{
	const struct kept_file	**list, *kf;
	struct summary_rec	  rec;
	struct strview		  rest;
	char			 *vers, *cause = NULL, *where;
	size_t			  i, n;
	int			  r;

	n = rootfs_summaries(root, &list);
	for (i = 0; i < n; i++) {
		kf = list[i];
		if (summary_open(kf->data, kf->len, "elf", &rest) != 0)
			continue;
		vers = NULL;
		while ((r = summary_next(&rest, &rec)) > 0) {
			log_debug("%s: %s, %zu bytes", kf->path, rec.tag,
			    rec.part[0].len);
			if (strcmp(rec.tag, "warn") == 0)
				summary_log_warn(kf->path, rec.part[0]);
			else if (strcmp(rec.tag, "gover") == 0) {
				free(vers);
				vers = sv_dup(rec.part[0]);
				pkg_go_parse(vers, NULL, 0, kf->path, kf->layer, inv);
			} else if (strcmp(rec.tag, "gomod") == 0 && vers != NULL)
				pkg_go_parse(NULL, rec.part[0].ptr, rec.part[0].len,
				    kf->path, kf->layer, inv);
			else if (strcmp(rec.tag, "cargo") == 0 &&
			    pkg_cargo_parse(rec.part[0].ptr, rec.part[0].len,
			    kf->path, kf->layer, inv, &cause) != 0) {
				where = xasprintf("%s: cargo-auditable .dep-v0", kf->path);
				summary_log_warn(where, SV(cause));
				free(where);
				free(cause);
				cause = NULL;
			}
		}
		if (r < 0)
			summary_log_warn(kf->path, SV("damaged summary"));
		free(vers);
	}
	free(list);
}
