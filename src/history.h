/* The scan history: builds, images, inventories and findings in SQLite; diff and trend. */
#ifndef HULLSCAN_HISTORY_H
#define HULLSCAN_HISTORY_H

#include <stdint.h>
#include "model.h"

struct history;

enum {
	HISTORY_READ = 0,	/* an existing history, read only */
	HISTORY_CREATE = 1,	/* create the file and schema when missing; writable */
};

/* Default path when --history is not given. */
#define HISTORY_DEFAULT_PATH "hullscan-history.db"

/*
 * Open a history file. A file that is not a hullscan history (garbage bytes,
 * another SQLite database) is an error and is never written to.
 */
int	history_open(const char *path, int flags, struct history **, char **cause);
void	history_close(struct history *);
const char *history_path(const struct history *);

/*
 * Fill rr->job, rr->build and rr->build_url from the options given (NULL when
 * absent), else from Jenkins' JOB_NAME, BUILD_NUMBER and BUILD_URL. The job
 * defaults to "default"; a NULL build is numbered by history_record.
 */
void	history_identity(struct run_result *, const char *job, const char *build);

/*
 * Diff rr against the history: set each finding's is_new, each image's
 * has_previous and fixed list, and rr->previous_build. An image is compared
 * with its predecessor: the image of the same key (its name unless
 * scan_keys said otherwise), or, when neither key was given, of the same
 * name and tag; an image with none is a first scan, all of its findings new
 * and none fixed. A finding is the same across builds when package and
 * location match and one of its ids (id or alias) is one of the other's.
 * against NULL: each image is compared with its last successful scan in an
 * earlier build of rr->job; otherwise with build "against" of that job.
 */
int	history_diff_run(struct history *, struct run_result *, const char *against,
	    char **cause);

/*
 * Store rr as one build in one transaction (retried when the file is busy).
 * A build already stored under the same job and build id is replaced. When
 * rr->build is NULL the next number of the job is given and set in rr.
 */
int	history_record(struct history *, struct run_result *, char **cause);

/* Fill rr->trend with the last (at most) builds of job, oldest first. */
int	history_trend(struct history *, const char *job, size_t last,
	    struct run_result *, char **cause);

/* What each stored build holds, for "history list" and the trend. */
struct history_build {
	int64_t	 id;
	char	*job;
	char	*build;
	char	*build_url;
	char	*started;
	int	 nimages;
	int	 nerrors;		/* images that could not be scanned */
	int	 nfindings;
	int	 nignored;
	int	 policy_failed;
	int	 counts[SEV_CRITICAL + 1];	/* findings by severity */
};
/* The last builds of job (every job when NULL), oldest first; last 0: all. */
int	history_list(struct history *, const char *job, size_t last,
	    struct history_build **, size_t *, char **cause);
void	history_builds_free(struct history_build *, size_t);

/* 0 when job holds build, else HS_ENOENT (or HS_EIO) with *cause. */
int	history_has_build(struct history *, const char *job, const char *build,
	    char **cause);

/* The job of the most recent build (allocated), HS_ENOENT when empty. */
int	history_latest_job(struct history *, char **job, char **cause);

enum {
	HISTORY_LOAD_FINDINGS = 0x1,
	HISTORY_LOAD_INVENTORY = 0x2,
};
/*
 * Load a stored build (the latest of job when build is NULL) as a run result:
 * identity, images, and per flags findings (with verdicts) and inventories.
 */
int	history_load(struct history *, const char *job, const char *build, int flags,
	    struct run_result **, char **cause);

/* Keep the last keep builds of job (of every job when NULL); *removed counts the rest. */
int	history_prune(struct history *, const char *job, size_t keep, size_t *removed,
	    char **cause);

#endif
