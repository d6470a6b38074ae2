/* Analyzers: the merged file view in, the OS and its installed packages out. */
#ifndef HULLSCAN_PKG_H
#define HULLSCAN_PKG_H

#include <stddef.h>
#include <stdint.h>
#include "layer.h"
#include "model.h"
#include "util.h"

struct rootfs;
struct kept_file;
struct pkg_owned;

/*
 * Does any analyzer want this (normalised) path kept from the layers? An
 * enum layer_want: WANT_KEEP for the OS package databases (too large is an
 * error), WANT_SOFT for language metadata and OS file lists (too large is a
 * warning), WANT_NO for the rest. Called for every tar entry: cheap.
 */
int	pkg_wanted(const char *path);

/*
 * Detect the OS and read every package database present. A malformed package
 * database fails with a cause naming the file; an image with no package
 * database and no os-release gives an empty inventory, not an error.
 */
int	pkg_analyze(const struct rootfs *, struct inventory **out, char **cause);

/*
 * Language packages (npm, PyPI, Maven, Go, ...): one analyzer per ecosystem,
 * each naming the files it wants and reading them from the merged view.
 */
struct pkg_ctx {
	const struct rootfs	*root;
	struct inventory	*inv;
	struct pkg_owned	*owned;		/* built at the first pkg_owner() */
	int			 owned_built;
	char			**notes;	/* files not read, one line each */
	size_t			 nnotes;
};

struct pkg_lang {
	const char	*name;
	/* An enum layer_want for path, whose last component is base. */
	int		(*want)(const char *path, const char *base);
	/* Add what the view holds; 0, or an error that fails the image. */
	int		(*analyze)(struct pkg_ctx *);
};
extern const struct pkg_lang pkg_lang_npm;
extern const struct pkg_lang pkg_lang_pypi;
extern const struct pkg_lang pkg_lang_gem;
extern const struct pkg_lang pkg_lang_composer;
extern const struct pkg_lang pkg_lang_dotnet;

/*
 * The OS package (dpkg's info/NAME.list and status.d/NAME.md5sums, rpm's
 * file lists, apk's F:/R: lines) that installed path (as in the view, no leading
 * "/"), or NULL. Such a file belongs to its OS package, whose distribution
 * patches it: it is never also a language package.
 */
const char *pkg_owner(struct pkg_ctx *, const char *path);
/*
 * Add a language package read from kf: its location (kf's path, or
 * location when the package lies inside kf: "app.jar!/BOOT-INF/lib/x.jar"),
 * the layer that added kf, and purl (NULL: made from ecosystem, name and
 * version for npm and PyPI). Returns NULL, adding nothing, when an OS
 * package owns kf.
 */
struct package *pkg_lang_add(struct pkg_ctx *, enum ecosystem, const char *name,
	    const char *version, const struct kept_file *kf, const char *location,
	    const char *purl);
/*
 * Each regular file of the view (or one kept as too big) that want picks
 * by its path and base name, in path order: fn gets it and its base name.
 */
typedef int (*pkg_lang_want_fn)(const char *path, const char *base);
typedef void (*pkg_lang_file_fn)(struct pkg_ctx *, const struct kept_file *,
	    const char *base, void *arg);
void	pkg_lang_each(struct pkg_ctx *, pkg_lang_want_fn, pkg_lang_file_fn,
	    void *arg);
/*
 * 1 when kf was kept without its content (over --max-file-size), with a
 * note naming it: what saying "not read" means is what (NULL: "not read").
 */
int	pkg_lang_toobig(struct pkg_ctx *, const struct kept_file *,
	    const char *what);
/* A file an analyzer could not read; becomes the image's warning. */
void	pkg_note(struct pkg_ctx *, const char *, ...) PRINTFLIKE(2, 3);
/* The pkg_ctx's notes as one line (NULL when none); frees them. */
char	*pkg_notes_take(struct pkg_ctx *);
void	pkg_ctx_clear(struct pkg_ctx *);
void	pkg_owned_free(struct pkg_owned *);
/*
 * pkg_owner over one layer's kept files alone (the summariser's owners, for
 * lazy pulls): a handle, whether it says path is owned, and its end.
 */
void	*pkg_layer_owners(const struct layer_files *);
int	 pkg_layer_owned(void *, const char *path);
void	 pkg_layer_owners_free(void *);
/* The image's rpm database (*path allocated, *wal its -wal or NULL), or NULL. */
const struct kept_file *pkg_rpmdb_find(const struct rootfs *, char **path,
	    const struct kept_file **wal);

/* The parsers, exposed for tests and fuzzers. */
int	pkg_osrelease_parse(const char *data, size_t len, struct os_info *);
int	pkg_os_detect(const struct rootfs *, struct os_info *);
/* Derive os->namespace from id/version_id/codename; leaves NULL when unknown. */
void	pkg_os_namespace(struct os_info *);
int	pkg_dpkg_parse(const char *data, size_t len, int status_d, struct inventory *, char **cause);
int	pkg_apk_parse(const char *data, size_t len, struct inventory *, char **cause);
int	pkg_rpmdb_parse(const char *path_in_image, const char *data, size_t len,
	    struct inventory *, char **cause);
/* The same, with an rpmdb.sqlite's -wal (NULL: none) applied as SQLite would. */
int	pkg_rpmdb_parse_wal(const char *path_in_image, const char *data, size_t len,
	    const char *wal, size_t wal_len, struct inventory *, char **cause);
/*
 * A source rpm's file name ("name-version-release.src.rpm") into its name and
 * "[E:]V-R" (epoch prefixed when has_epoch); both NULL when it is not one.
 */
void	pkg_rpm_source(const char *srpm, int has_epoch, uint32_t epoch, char **name,
	    char **version);
/* Every file an rpm database lists: fn(package name, "/usr/...", arg) for each. */
typedef void (*pkg_file_fn)(const char *owner, const char *path, size_t len, void *);
int	pkg_rpmdb_files(const char *path_in_image, const char *data, size_t len,
	    const char *wal, size_t wal_len, pkg_file_fn, void *, char **cause);
/*
 * npm: a package.json (name and version; 0, or HS_EINVAL with a cause) and
 * a package-lock.json or npm-shrinkwrap.json (v1, v2, v3: fn for each
 * installed package, the project itself and links left out).
 */
int	pkg_npm_package_json(const char *data, size_t len, char **name,
	    char **version, char **cause);
typedef void (*pkg_lock_fn)(const char *name, const char *version, void *);
int	pkg_npm_lockfile(const char *data, size_t len, pkg_lock_fn, void *,
	    char **cause);
/* PyPI: Name and Version of a METADATA or PKG-INFO file. */
int	pkg_pypi_metadata(const char *data, size_t len, char **name,
	    char **version, char **cause);

/*
 * Language analyzers of one file each: path is where it is in the image
 * (each package's location); packages are appended with purl and location.
 */
int	pkg_gemspec_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_gemfile_lock_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_composer_installed_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_composer_lock_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);
int	pkg_dotnet_deps_parse(const char *path, const char *data, size_t len,
	    struct inventory *, char **cause);


/*
 * Language packages inside big files, read from their summaries (summary.h)
 * in the merged view: jars (Maven), Go and Rust (cargo-auditable)
 * executables. A damaged summary or file is a warning naming it, never a
 * failed scan.
 */
int	java_archive_name(const char *path);
char	*java_summarise(const char *path, uint64_t size, uint64_t max,
	    layer_pull_fn, void *ctx, size_t *len, char **cause);
void	pkg_java_analyze(const struct rootfs *, struct inventory *);
/* pom.properties: groupId, artifactId, version (each NULL when absent). */
void	java_pom_parse(const char *data, size_t len, char **group,
	    char **artifact, char **version);
/* MANIFEST.MF's main section: the value of a header, or NULL. */
char	*java_manifest_get(const char *data, size_t len, const char *name);
/* A package from a jar without pom.properties; 0, or HS_ENOENT without a version. */
int	java_guess(const char *file_name, const char *manifest, size_t mlen,
	    char **name, char **version);

int	elf_probe(const void *head, size_t len);
char	*elf_summarise(const char *path, uint64_t size, uint64_t max,
	    layer_pull_fn, void *ctx, size_t *len, char **cause);
/* Read ELF summaries: Go build info and cargo-auditable dependency lists. */
void	pkg_elf_analyze(const struct rootfs *, struct inventory *);
/*
 * Go's build info from the bytes at its magic ("\xff Go buildinf:"), in
 * the format of Go 1.18 on: the version and module strings (NUL-terminated, markers
 * removed), 1 when more bytes are needed, or HS_ENOENT for
 * the older format (pointers, resolved by the ELF reader), HS_EINVAL damaged.
 */
int	go_buildinfo_parse(const void *data, size_t len, char **vers, char **mod);
/* Module strings (len bytes) lose Go's 16-byte markers around them: the new length. */
size_t	go_modinfo_unwrap(char *mod, size_t len);
/* "go1.20.4" → "v1.20.4", "go1.21rc2" → "v1.21.0-rc.2"; NULL when not one. */
char	*go_version_semver(const char *);
/* The packages of one Go binary: stdlib, the main module and its deps. */
int	pkg_go_parse(const char *vers, const char *mod, size_t modlen,
	    const char *location, const char *layer, struct inventory *);
/* The crates of a cargo-auditable .dep-v0 JSON. */
int	pkg_cargo_parse(const char *json, size_t len, const char *location,
	    const char *layer, struct inventory *, char **cause);

#endif
