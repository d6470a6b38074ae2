/* The policy: ignore entries, thresholds and the verdict of every finding. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "util.h"

struct policy {
	int			 fail_on;	/* enum severity, -1 when not set */
	int			 fail_on_new;	/* enum severity, -1 when not set */
	int			 ignore_unfixed;
	int			 fail_unchecked;	/* an image not checked fails */
	int			 fail_eol;	/* an image past its release's end of support fails */
	struct ignore_list	 ignores;
	size_t			 nfiles;
	char			*today;		/* NULL: the local date */
};

struct policy *
policy_new(void)
{
	struct policy	*p;

	p = xcalloc(1, sizeof *p);
	p->fail_on = -1;
	p->fail_on_new = -1;
	return p;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	ignore_list_clear(&p->ignores);
	free(p->today);
	free(p);
}

static int
parse_severity(const char *opt, const char *s, int *out, char **cause)
{
	enum severity	sev;

	if (severity_parse(s, &sev) != 0)
		return fail(cause, HS_EINVAL, "%s: unknown severity %s (critical, high, "
		    "medium, low, negligible, unknown)", opt, s);
	*out = (int)sev;
	return 0;
}

int
policy_set_fail_on(struct policy *p, const char *s, char **cause)
{
	return parse_severity("--fail-on", s, &p->fail_on, cause);
}

int
policy_set_fail_on_new(struct policy *p, const char *s, char **cause)
{
	return parse_severity("--fail-on-new", s, &p->fail_on_new, cause);
}

void
policy_set_ignore_unfixed(struct policy *p, int on)
{
	p->ignore_unfixed = on != 0;
}

void
policy_set_today(struct policy *p, const char *today)
{
	free(p->today);
	p->today = today != NULL ? xstrdup(today) : NULL;
}

int
policy_load_ignore(struct policy *p, const char *path, char **cause)
{
	int	error;

	if ((error = ignore_load(&p->ignores, path, p->today, cause)) != 0) {
		if (!str_starts(*cause, path))
			cause_prefix(cause, "--ignore %s", path);
		return error;
	}
	p->nfiles++;
	return 0;
}

void
policy_set_fail_unchecked(struct policy *p, int on)
{
	p->fail_unchecked = on;
}

void
policy_set_fail_eol(struct policy *p, int on)
{
	p->fail_eol = on;
}

int
policy_active(const struct policy *p)
{
	return p->fail_on >= 0 || p->fail_on_new >= 0 || p->ignore_unfixed ||
	    p->fail_unchecked || p->fail_eol || p->nfiles != 0;
}

static char *
policy_summary(const struct policy *p)
{
	struct buf	b;
	size_t		i, expired = 0;

	buf_init(&b);
	if (p->fail_on >= 0)
		buf_printf(&b, "fail on %s or worse", severity_name(p->fail_on));
	if (p->fail_on_new >= 0)
		buf_printf(&b, "%sfail on new %s or worse", b.len != 0 ? "; " : "",
		    severity_name(p->fail_on_new));
	if (p->fail_on < 0 && p->fail_on_new < 0)
		buf_adds(&b, "report only (no --fail-on)");
	if (p->ignore_unfixed)
		buf_adds(&b, "; findings without a fix ignored");
	if (p->fail_unchecked)
		buf_adds(&b, "; fail on an image not checked");
	if (p->fail_eol)
		buf_adds(&b, "; fail on a release past its end of support");
	if (p->nfiles != 0) {
		for (i = 0; i < p->ignores.n; i++)
			expired += p->ignores.v[i].expired;
		buf_printf(&b, "; %zu ignore entr%s", p->ignores.n,
		    p->ignores.n == 1 ? "y" : "ies");
		if (expired != 0)
			buf_printf(&b, " (%zu expired)", expired);
	}
	return buf_steal(&b);
}

static void
add_reason(struct run_result *rr, char *line)
{
	rr->reasons = xreallocarray(rr->reasons, rr->nreasons + 1, sizeof *rr->reasons);
	rr->reasons[rr->nreasons++] = line;
}

static void
clear_reasons(struct run_result *rr)
{
	size_t	i;

	for (i = 0; i < rr->nreasons; i++)
		free(rr->reasons[i]);
	free(rr->reasons);
	rr->reasons = NULL;
	rr->nreasons = 0;
}

/* One finding's verdict; a failing one adds its line to rr->reasons. */
static void
apply_finding(const struct policy *p, struct run_result *rr,
    const struct image_result *r, struct finding *f)
{
	const struct ignore_entry	*e;
	struct buf			 why;
	const char			*expired_note = NULL;

	f->verdict = VERDICT_PASS;
	free(f->ignore_reason);
	f->ignore_reason = NULL;

	if ((e = ignore_match(&p->ignores, r, f)) != NULL) {
		if (!e->expired) {
			f->verdict = VERDICT_IGNORED;
			if (e->expires[0] != '\0')
				f->ignore_reason = xasprintf("%s (%s, until %s)",
				    e->reason, e->origin, e->expires);
			else
				f->ignore_reason = xasprintf("%s (%s)", e->reason,
				    e->origin);
			return;
		}
		expired_note = e->origin;
	}
	if (p->ignore_unfixed && (f->fixed_version == NULL || *f->fixed_version == '\0')) {
		f->verdict = VERDICT_IGNORED;
		f->ignore_reason = xstrdup("no fix available (--ignore-unfixed)");
		return;
	}
	/*
	 * A notice (RustSec's unmaintained or unsound crates) is no flaw to
	 * gate a build on: it is reported, and an ignore entry may silence it,
	 * but no threshold fails it.
	 */
	if (f->informational != NULL)
		return;

	buf_init(&why);
	if (p->fail_on >= 0 && (int)f->severity >= p->fail_on)
		buf_printf(&why, "%s is at or above --fail-on %s",
		    severity_name(f->severity), severity_name(p->fail_on));
	else if (p->fail_on_new >= 0 && (int)f->severity >= p->fail_on_new &&
	    f->is_new != 0) {
		if (rr->previous_build != NULL && f->is_new == 1)
			buf_printf(&why, "new since build %s", rr->previous_build);
		else if (f->is_new == 1)
			buf_adds(&why, "new (no earlier scan of this image)");
		else
			buf_adds(&why, "not known from an earlier build (no history)");
		buf_printf(&why, ", %s is at or above --fail-on-new %s",
		    severity_name(f->severity), severity_name(p->fail_on_new));
	}
	if (why.len == 0) {
		buf_free(&why);
		return;
	}
	f->verdict = VERDICT_FAIL;
	if (f->fixed_version != NULL && *f->fixed_version != '\0')
		buf_printf(&why, "; fixed in %s", f->fixed_version);
	else
		buf_adds(&why, "; no fix yet");
	if (expired_note != NULL)
		buf_printf(&why, "; its ignore entry %s has expired", expired_note);
	add_reason(rr, xasprintf("%s: %s %s %s %s: %s", r->reference, f->id,
	    f->package, f->installed_version != NULL ? f->installed_version : "",
	    severity_name(f->severity), why.data));
	buf_free(&why);
}

int
policy_apply(const struct policy *p, struct run_result *rr)
{
	struct image_result	*r;
	char			*msg;
	size_t			 i, j;

	clear_reasons(rr);
	rr->policy_failed = 0;
	for (i = 0; i < rr->nimages; i++) {
		r = &rr->images[i];
		r->warning_fails = 0;
		for (j = 0; j < r->findings.n; j++) {
			apply_finding(p, rr, r, &r->findings.v[j]);
			if (r->findings.v[j].verdict == VERDICT_FAIL)
				rr->policy_failed = 1;
		}
		if (p->fail_unchecked && r->error == NULL && r->warning != NULL) {
			add_reason(rr, xasprintf("%s: not checked: %s", r->reference,
			    r->warning));
			r->warning_fails = 1;
			rr->policy_failed = 1;
		}
		r->eol_fails = 0;
		if (p->fail_eol && r->error == NULL && r->eol_reached &&
		    (msg = image_result_eol_message(r)) != NULL) {
			add_reason(rr, xasprintf("%s: %s", r->reference, msg));
			free(msg);
			r->eol_fails = 1;
			rr->policy_failed = 1;
		}
	}
	free(rr->policy_summary);
	rr->policy_summary = policy_summary(p);
	return rr->policy_failed ? EXIT_POLICY : EXIT_PASS;
}

int
policy_shard_parse(const char *s, int *k, int *n, char **cause)
{
	char	*end;
	long	 a, b;

	errno = 0;
	a = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '/')
		goto bad;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		goto bad;
	if (b < 1 || b > 4096 || a < 1 || a > b)
		goto bad;
	*k = (int)a;
	*n = (int)b;
	return 0;
bad:
	return fail(cause, HS_EINVAL, "--shard: expected K/N with 1 <= K <= N <= 4096");
}

int
policy_shard_pick(const char *ref, int k, int n)
{
	const unsigned char	*s;
	uint64_t		 h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	if (n <= 1)
		return 1;
	for (s = (const unsigned char *)ref; *s != '\0'; s++) {
		h ^= *s;
		h *= 0x100000001b3ULL;
	}
	return (int)(h % (uint64_t)n) == k - 1;
}
