/* Analyzers: the merged file view in, the OS and its installed packages out. */
#ifndef HULLSCAN_PKG_H
#define HULLSCAN_PKG_H

#include <stddef.h>
#include <stdint.h>
#include "layer.h"
#include "model.h"

struct rootfs;

/* Does any analyzer want this (normalised) path kept from the layers? */
int	pkg_wanted(const char *path);

/*
 * Detect the OS and read every package database present. A malformed package
 * database fails with a cause naming the file; an image with no package
 * database and no os-release gives an empty inventory, not an error.
 */
int	pkg_analyze(const struct rootfs *, struct inventory **out, char **cause);

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
/* purl "pkg:TYPE/NAMESPACE/NAME@VERSION", components percent-encoded. */
char	*pkg_purl(const char *type, const char *ns, const char *name,
	    const char *version);

#endif
