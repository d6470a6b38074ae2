/*
 * The layer reader: the only libarchive user for image content. A layer blob
 * streams through here once; the blob is digest-checked (compressed bytes) and
 * diff_id-checked (uncompressed tar) on the way, and only the paths analyzers
 * want are kept, each under a size limit. Never unpacks to disk.
 */
#ifndef HULLSCAN_LAYER_H
#define HULLSCAN_LAYER_H

#include <stddef.h>
#include <stdint.h>

struct stream;

enum kept_type {
	KEPT_FILE = 0,		/* regular file: data/len hold its content */
	KEPT_SYMLINK,		/* data holds the link target */
	KEPT_DIR,		/* a wanted directory exists (no data) */
	KEPT_TOOBIG,		/* a WANT_SOFT file over max_file: len is its size, no data */
	/*
	 * A big file (a jar, an executable) reduced while it streamed to what
	 * analyzers read of it (summary.h): data holds the summary.
	 */
	KEPT_SUMMARY,
};

struct kept_file {
	char		*path;	/* normalised: no leading "/", no "./", no "..": "etc/os-release" */
	enum kept_type	 type;
	char		*data;	/* NUL-terminated for convenience */
	size_t		 len;
	/*
	 * In the merged view (rootfs.c) only: the diff_id of the layer this
	 * entry came from, borrowed from the view; NULL for dir: and in a
	 * layer's own list.
	 */
	const char	*layer;
};

struct layer_files {
	char			*digest;	/* sha256 of the blob as stored (compressed) */
	char			*diff_id;	/* sha256 of the uncompressed tar */
	struct kept_file	*files;
	size_t			 nfiles;
	char			**whiteouts;	/* paths deleted by this layer (".wh.NAME" → "dir/NAME") */
	size_t			 nwhiteouts;
	char			**opaque;	/* directories made opaque (".wh..wh..opq") */
	size_t			 nopaque;
	uint64_t		 blob_bytes;	/* compressed bytes read */
	uint64_t		 tar_bytes;	/* uncompressed bytes read */
};

/*
 * The next block of the file being summarised: 1 with data in *buf (valid
 * until the next call), 0 at its end, or a negative code with the cause.
 */
typedef int (*layer_pull_fn)(void *ctx, const void **buf, size_t *len,
    char **cause);

/*
 * What reduces big files to summaries. probe sees a regular file's path, size
 * and first bytes (at least one), and gives a kind > 0 to summarise it, 0 not
 * to, or -1 to be called again with more of them (as many as the file has, up
 * to LAYER_HEAD). make reads the whole file through pull (first bytes
 * included; a file over max is not read, its summary says why) and returns the summary (*len bytes, NUL-terminated), or NULL
 * with the reason in *cause (none: nothing worth keeping): the file is then
 * skipped, the layer still read.
 */
#define LAYER_HEAD	65536
/* Summaries kept of one layer (or one root directory): past it, files say why not read. */
#define LAYER_SUMMARIES		((size_t)64 << 20)
#define LAYER_SUMMARIES_TEXT	"64 MiB"
struct layer_summariser {
	size_t	  min_size;	/* smaller files are never probed */
	int	(*probe)(const char *path, uint64_t size, const void *head,
		    size_t len);
	char	*(*make)(int kind, const char *path, uint64_t size, uint64_t max,
		    layer_pull_fn pull, void *ctx, size_t *len, char **cause);
	/* A summary saying only why a file of that kind was not read. */
	char	*(*skipped)(int kind, const char *why, size_t *len);
	/*
	 * For a reader that chooses files before reading them (a lazy pull,
	 * toc.h): which paths an OS package owns, by the package databases
	 * among one layer's kept files. What a summary finds in such a file
	 * is dropped (pkg.c), so it need not be read. owners returns a handle
	 * for owned and owners_free; NULL functions: nothing is owned.
	 */
	void	*(*owners)(const struct layer_files *);
	int	 (*owned)(void *, const char *path);
	void	 (*owners_free)(void *);
};

struct layer_limits {
	size_t		max_file;	/* largest kept file (default 256 MiB) */
	size_t		max_entries;	/* tar entries per layer (default 2,000,000) */
	uint64_t	max_tar;	/* uncompressed bytes per layer (default 64 GiB) */
	uint64_t	max_ratio;	/* uncompressed/compressed ratio past 1 MiB (default 1000) */
	/* Files not wanted by path that are summarised instead; NULL: none. */
	const struct layer_summariser *summariser;
};
void	layer_limits_default(struct layer_limits *);

/*
 * Which paths to keep. WANT_KEEP: a file over max_file fails the layer (a
 * package database must be read whole). WANT_SOFT: such a file is kept as
 * KEPT_TOOBIG, its size without its content, and the layer is still read
 * (one application's lockfile must not hide the image's other packages).
 */
enum layer_want {
	WANT_NO = 0,
	WANT_KEEP = 1,
	WANT_SOFT = 2,
};
typedef int (*layer_want_fn)(const char *path);

/*
 * Read one layer blob from in (compressed with gzip or zstd, or plain tar).
 * want_digest and want_diff_id, when not NULL, must match what was read, or
 * the call fails with HS_EDIGEST naming which. The whole stream is read, so
 * both digests are known on success. *out is the caller's.
 */
int	layer_read(struct stream *in, const struct layer_limits *, layer_want_fn,
	    const char *want_digest, const char *want_diff_id,
	    struct layer_files **out, char **cause);
void	layer_files_free(struct layer_files *);
/* A deep copy (a layer listed twice in one manifest, a cache hit). */
struct layer_files *layer_files_dup(const struct layer_files *);

/* Normalise a tar entry name; returns NULL when it escapes the root or is empty. */
char	*layer_path_normalise(const char *);

/*
 * Shared with the table-of-contents reader (toc.c), so both read entries
 * alike. What path means as an OCI whiteout: LAYER_WH_DELETE with the path
 * deleted in *target, LAYER_WH_OPAQUE with the directory made opaque, or
 * LAYER_WH_OTHER (aufs bookkeeping: skip it) with *target NULL.
 */
enum {
	LAYER_WH_NONE = 0,
	LAYER_WH_DELETE,
	LAYER_WH_OPAQUE,
	LAYER_WH_OTHER,
};
int	 layer_whiteout_target(const char *path, char **target);
/*
 * Append a kept file of that type at path (taken over) to lf, whose files
 * array has room for *cap (grown as needed); the rest of it zeroed.
 */
struct kept_file *layer_files_add(struct layer_files *, size_t *cap, char *path,
	    enum kept_type);
/* Append s (taken over) to the array *v of *n strings, room for *cap. */
void	 layer_strv_add(char ***v, size_t *n, size_t *cap, char *s);
/* Is a symlink to target at path kept, nlinks being kept already? */
int	 layer_link_kept(const char *path, const char *target, int wanted,
	    size_t nlinks);

#endif
