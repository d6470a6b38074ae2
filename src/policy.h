/* The policy: ignore lists, thresholds and verdicts; and the --shard pick. */
#ifndef HULLSCAN_POLICY_H
#define HULLSCAN_POLICY_H

#include "model.h"

/*
 * One ignore entry, from hullscan's own YAML, a clair-scanner whitelist or an
 * OpenVEX document. A finding is ignored when id matches, and image, digest,
 * package and version (when given) match too. An expired entry no longer
 * ignores.
 */
struct ignore_entry {
	char	*id;		/* vulnerability id, case-insensitive */
	char	*image;		/* glob on the image name or reference; NULL: any */
	char	*package;	/* glob on the binary or source package; NULL: any */
	char	*reason;
	char	 expires[11];	/* "YYYY-MM-DD"; "" for none (clair whitelists) */
	int	 expired;
	int	 clair;		/* image is a clair-scanner key: name without tag */
	char	*digest;	/* OpenVEX pkg:oci@DIGEST: the image's manifest digest */
	char	*version;	/* OpenVEX package purl@VERSION: the installed version */
	/*
	 * A language package's purl (pkg:npm/lodash@4.17.15): its ecosystem,
	 * and package is then its name as its advisories write it.
	 */
	enum ecosystem	 ecosystem;
	char	*origin;	/* "file:line", "file: statements[N]" */
};

struct ignore_list {
	struct ignore_entry	*v;
	size_t			 n;
};

/*
 * Add the entries of an ignore file (any format: an OpenVEX document is JSON
 * with an openvex @context, the YAML ones are told apart by their keys);
 * today is "YYYY-MM-DD" (NULL: the local date). Expired entries warn.
 */
int	ignore_load(struct ignore_list *, const char *path, const char *today,
	    char **cause);
/* The first live entry matching the finding, else the first expired one, else NULL. */
const struct ignore_entry *ignore_match(const struct ignore_list *,
	    const struct image_result *, const struct finding *);
void	ignore_list_clear(struct ignore_list *);

struct policy;

struct policy *policy_new(void);
void	policy_free(struct policy *);
/* --fail-on SEV: fail on any finding at or above SEV that is not ignored. */
int	policy_set_fail_on(struct policy *, const char *severity, char **cause);
/* --fail-on-new SEV: fail on findings at or above SEV new since the previous build. */
int	policy_set_fail_on_new(struct policy *, const char *severity, char **cause);
/* --ignore-unfixed: a finding with no fixed version is ignored ("no fix available"). */
void	policy_set_ignore_unfixed(struct policy *, int);
/* --fail-on-unchecked: an image scanned but not checked (r->warning) fails. */
void	policy_set_fail_unchecked(struct policy *, int);
/* --fail-on-eol: an image whose release is past its end of support fails. */
void	policy_set_fail_eol(struct policy *, int);
/* --ignore FILE, any number of times. */
int	policy_load_ignore(struct policy *, const char *path, char **cause);
/* For tests: the date expiry is judged against ("YYYY-MM-DD"). */
void	policy_set_today(struct policy *, const char *);
/* Whether any policy option was given. */
int	policy_active(const struct policy *);

/*
 * Give every finding its verdict, set rr->policy_failed, rr->reasons (one line
 * per failing finding) and rr->policy_summary. Run after the history diff
 * (is_new). Returns EXIT_POLICY when the policy failed, else EXIT_PASS.
 */
int	policy_apply(const struct policy *, struct run_result *);

/* "K/N" with 1 <= K <= N <= 4096. */
int	policy_shard_parse(const char *, int *k, int *n, char **cause);
/* Whether ref belongs to shard k of n: a stable hash of ref, so adding images moves no other. */
int	policy_shard_pick(const char *ref, int k, int n);

#endif
