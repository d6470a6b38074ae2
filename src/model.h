/*
 * The plain structs handed forward through the pipeline: inventory (what an
 * image holds), findings (what matched), image and run results (what reports
 * and the history read). Every pointer member is owned by its struct.
 */
#ifndef HULLSCAN_MODEL_H
#define HULLSCAN_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Which version order and package universe a package belongs to. */
enum ecosystem {
	ECO_UNKNOWN = 0,
	ECO_DEB,	/* dpkg order: Debian, Ubuntu */
	ECO_APK,	/* apk-tools 2.x order: Alpine, Wolfi, Chainguard */
	ECO_RPM,	/* rpm EVR order: RHEL family, Fedora, Amazon, SUSE, Mariner */
	/*
	 * Language ecosystems: an application's own packages, matched against
	 * advisories of the ecosystem (OSV's names), whatever the distribution.
	 */
	ECO_NPM,	/* node-semver */
	ECO_PYPI,	/* PEP 440 */
	ECO_MAVEN,	/* Maven ComparableVersion */
	ECO_GO,		/* Go module semver */
	ECO_CARGO,	/* Cargo semver */
	ECO_GEM,	/* RubyGems Gem::Version */
	ECO_COMPOSER,	/* Composer normalised versions */
	ECO_NUGET,	/* NuGet versions */
};
#define ECO_LAST	ECO_NUGET
const char	*ecosystem_name(enum ecosystem);	/* "deb", "apk", "rpm", "npm", "pypi", … */
enum ecosystem	 ecosystem_from_name(const char *);
/* An application's package (npm, PyPI, …), not one of the OS's. */
int		 ecosystem_is_lang(enum ecosystem);
/*
 * The name advisories of a language ecosystem use for a package, allocated:
 * PyPI's PEP 503 normal form ("Jinja2" and "jinja_2" are "jinja2"),
 * Composer's and NuGet's lower case, the others as written. A copy of name
 * for every other ecosystem.
 */
char		*ecosystem_package_name(enum ecosystem, const char *name);
/*
 * The package URL of a language package ("pkg:npm/%40scope/name@1.0.0",
 * "pkg:maven/org.yaml/snakeyaml@1.33", "pkg:golang/golang.org/x/sys@v0.1.0",
 * "pkg:pypi/jinja2@3.1.2"), allocated; version NULL leaves "@…" out. NULL
 * for an OS ecosystem (its purl names the distribution).
 */
char		*ecosystem_purl(enum ecosystem, const char *name, const char *version);
/*
 * Append s[0..len) as a purl component: percent-encoded but for A-Za-z0-9
 * ". - _ ~", ':' (never encoded, as the spec says) and keep ('/' inside a
 * namespace; 0 for none). The one encoder of every purl hullscan writes.
 */
struct buf;
void		 purl_encode(struct buf *, const char *s, size_t len, int keep);
/* The ecosystem of a purl type ("npm", "pypi", "golang", …); ECO_UNKNOWN if none. */
enum ecosystem	 ecosystem_from_purl_type(const char *type, size_t len);

/* One severity scale for every source; order matters (higher is worse). */
enum severity {
	SEV_UNKNOWN = 0,
	SEV_NEGLIGIBLE,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};
const char	*severity_name(enum severity);		/* "Critical" … "Unknown" */
int		 severity_parse(const char *, enum severity *);	/* case-insensitive */

/* What /etc/os-release (or a fallback) says. */
struct os_info {
	char	*id;		/* "debian", "alpine", "ubuntu", "rhel", … */
	char	*version_id;	/* "12", "3.10.3", "18.04", "8.9" */
	char	*codename;	/* "bookworm", "bionic"; NULL when none */
	char	*pretty_name;
	char	*id_like;
	/*
	 * The advisory namespace this OS matches against, "distro:release":
	 * "debian:bookworm", "alpine:v3.10", "ubuntu:18.04", "rhel:8". NULL when
	 * the OS is unknown.
	 */
	char	*namespace;
};
void	os_info_clear(struct os_info *);
void	os_info_copy(struct os_info *, const struct os_info *);

struct package {
	char		*name;
	char		*version;	/* full version as the package db says it */
	char		*source_name;	/* never NULL: the name itself when no Source: */
	char		*source_version;/* never NULL: the version itself when none */
	char		*arch;		/* NULL when unknown */
	enum ecosystem	 ecosystem;
	/*
	 * Language packages: where in the image it was found ("app/node_modules/
	 * lodash/package.json", "app.jar!/BOOT-INF/lib/x.jar"), and its purl when
	 * the analyzer knows it better than ecosystem, name and version say
	 * (Maven's group). NULL for OS packages.
	 */
	char		*location;
	char		*purl;
	char		*layer;		/* diff_id of the layer that added it; NULL unknown */
	/*
	 * Why a language package's name is not the registry's to trust, or
	 * NULL: "guessed" (a jar without pom.properties, named from its
	 * MANIFEST.MF or file name), or a crate's source when not crates.io
	 * ("local", "git", "registry", …).
	 */
	char		*origin;
};

struct inventory {
	struct os_info	 os;
	struct package	*pkgs;
	size_t		 npkgs;
	/*
	 * Files an analyzer found but could not read (over the size limit,
	 * malformed), one line: their packages are missing. NULL when none.
	 */
	char		*warning;
};
struct inventory *inventory_new(void);
void	inventory_free(struct inventory *);
/* Append a package; the strings are copied. source_* may be NULL. */
struct package *inventory_add(struct inventory *, const char *name,
	    const char *version, const char *source_name,
	    const char *source_version, const char *arch, enum ecosystem);
/* Sort by name, version, arch and drop exact duplicates. */
void	inventory_sort(struct inventory *);
/* Free what a package holds (before dropping it from its inventory). */
void	package_clear(struct package *);

/* Verdict a finding received from the policy. */
enum verdict {
	VERDICT_PASS = 0,	/* below threshold: reported, does not fail */
	VERDICT_FAIL,		/* fails the policy */
	VERDICT_IGNORED,	/* matched an ignore entry (reason in ignore_reason) */
};
const char *verdict_name(enum verdict);

struct finding {
	char		*id;			/* CVE-…, DSA-…, ALSA-… */
	char		*package;		/* binary package name */
	char		*installed_version;
	char		*source_name;		/* source package the advisory names */
	char		*fixed_version;		/* NULL when no fix yet */
	enum severity	 severity;
	char		*source_severity;	/* as the feed said it; may be NULL */
	char		*status;		/* "fixed" (a fix exists) or "open" */
	char		*namespace;		/* advisory namespace matched */
	char		*description;		/* may be NULL */
	char		*link;			/* advisory page; may be NULL */
	enum verdict	 verdict;
	char		*ignore_reason;		/* when VERDICT_IGNORED */
	int		 is_new;		/* set by the history diff; -1 unknown */
	/* Other ids of the same vulnerability (GHSA-…, USN-…, DSA-…). */
	char		**aliases;
	size_t		 naliases;
	/* The package's ecosystem and location in the image (language packages). */
	enum ecosystem	 ecosystem;
	char		*location;		/* NULL for OS packages */
	/*
	 * Not a vulnerability but a notice about the package (RustSec's
	 * "unmaintained", "unsound", "notice"): reported, severity Unknown,
	 * never failing --fail-on or --fail-on-new. NULL for a vulnerability.
	 */
	char		*informational;
};
void	finding_clear(struct finding *);

struct finding_list {
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
};
struct finding *finding_list_add(struct finding_list *);
void	finding_list_sort(struct finding_list *);	/* severity desc, id, package */
void	finding_list_clear(struct finding_list *);

/* Result for one image of a run. */
struct image_result {
	char			*reference;	/* as given: "oci:dir:tag" */
	char			*name;		/* stable image name: reference without tag/digest */
	/*
	 * What the history diff matches an image by across builds: its name,
	 * or its name with tag or digest (tagged) when one build holds several
	 * images of that name, or a key the image list gave (KEY=REF, key_given).
	 */
	char			*key;
	char			*tagged;	/* "oci:dir:a", "docker.io/library/alpine:3.20" */
	int			 key_given;
	char			*digest;	/* manifest digest, NULL when unknown (dir:) */
	struct inventory	*inv;		/* NULL when the scan failed early */
	struct finding_list	 findings;
	char			*error;		/* non-NULL: the image could not be scanned */
	char			*warning;	/* scanned, but its packages were not all checked */
	int			 warning_fails;	/* and the policy fails it (--fail-on-unchecked) */
	/* Its release's end of support (the database's eol table); NULL unknown. */
	char			*eol_date;	/* "2023-05-31" */
	char			*eol_support;	/* "standard support"; may be NULL */
	int			 eol_reached;	/* the date has come: no more fixes */
	int			 eol_fails;	/* and the policy fails it (--fail-on-eol) */
	double			 seconds;	/* wall time for this image */
	/* Filled by the history diff: findings of the previous build gone now. */
	struct finding_list	 fixed;
	int			 has_previous;	/* the image was in the previous build */
};
void	image_result_clear(struct image_result *);
/* "ubuntu 18.04 reached end of standard support on 2023-05-31: no more fixes"; NULL if not. */
char	*image_result_eol_message(const struct image_result *);

/* Result of a whole run: what the history stores and the reports read. */
/* Counts by severity for one build of the history (the trend chart). */
struct trend_point {
	char	*build;			/* build id: "42" */
	char	*started;		/* ISO 8601 UTC */
	int	 counts[SEV_CRITICAL + 1];	/* indexed by enum severity */
};

struct run_result {
	struct image_result	*images;
	size_t			 nimages;
	char			*db_path;
	char			*started;	/* ISO 8601 UTC */
	int			 exit_status;	/* as decided by the policy */
	/* Build identity (Jenkins JOB_NAME, BUILD_NUMBER, BUILD_URL or --job/--build). */
	char			*job;
	char			*build;
	char			*build_url;
	char			*previous_build;	/* build diffed against; NULL when none */
	/* Policy outcome: failed or not, and one line per reason. */
	int			 policy_failed;
	char			**reasons;
	size_t			 nreasons;
	char			*policy_summary;	/* "fail on High or worse", … */
	/* The last builds of the job, oldest first, this one included. */
	struct trend_point	*trend;
	size_t			 ntrend;
};
struct run_result *run_result_new(void);
void	run_result_free(struct run_result *);
struct image_result *run_result_add(struct run_result *, const char *reference);

#endif
