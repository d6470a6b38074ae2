/* The command table: one entry per subcommand, each in its own cmd-*.c. */
#ifndef HULLSCAN_CMD_H
#define HULLSCAN_CMD_H

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* one line: "scan [options] REF..." */
	const char	*summary;
	/* Returns the process exit status. */
	int		(*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_scan_entry;
extern const struct cmd_entry cmd_db_entry;
extern const struct cmd_entry cmd_vercmp_entry;
extern const struct cmd_entry cmd_inventory_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_rescan_entry;

/*
 * Options shared by the commands that read images (scan, inventory). Their
 * getopt values are CMD_OPT_*; CMD_SOURCE_LONGOPTS goes into the option table.
 */
#include "source.h"

enum {
	CMD_OPT_PLATFORM = 200,
	CMD_OPT_CREDS,
	CMD_OPT_TLS_VERIFY,
	CMD_OPT_CERT_DIR,
	CMD_OPT_LAZY_PULL,
	CMD_OPT_REGISTRY_MIRROR,
	CMD_OPT_CACHE,
	CMD_OPT_NO_CACHE,
	CMD_OPT_JSON,
	CMD_OPT_JUNIT,
	CMD_OPT_SARIF,
	CMD_OPT_CYCLONEDX,
	CMD_OPT_SPDX,
	CMD_OPT_HTML,
	CMD_OPT_TEMPLATES,
	CMD_OPT_MAX_DB_AGE,
	CMD_OPT_FAIL_ON_STALE,
};
#define CMD_SOURCE_LONGOPTS \
	{ "platform", required_argument, NULL, CMD_OPT_PLATFORM }, \
	{ "creds", required_argument, NULL, CMD_OPT_CREDS }, \
	{ "tls-verify", required_argument, NULL, CMD_OPT_TLS_VERIFY }, \
	{ "cert-dir", required_argument, NULL, CMD_OPT_CERT_DIR }, \
	{ "registry-mirror", required_argument, NULL, CMD_OPT_REGISTRY_MIRROR }, \
	{ "lazy-pull", required_argument, NULL, CMD_OPT_LAZY_PULL }, \
	{ "cache", required_argument, NULL, CMD_OPT_CACHE }, \
	{ "no-cache", no_argument, NULL, CMD_OPT_NO_CACHE }
#define CMD_SOURCE_USAGE \
	"  --platform OS/ARCH[/VARIANT]  image of a multi-platform index (default linux/amd64)\n" \
	"  --creds USER:PASSWORD  registry credentials (else $REGISTRY_AUTH_FILE, ~/.docker/config.json)\n" \
	"  --tls-verify=false   accept a registry's unverified certificate, or plain HTTP\n" \
	"  --cert-dir DIR       registries' CA certificates, DIR/HOST[:PORT]/*.crt (default\n" \
	"                       /etc/containers/certs.d, /etc/docker/certs.d)\n" \
	"  --registry-mirror [REGISTRY=]URL  pull REGISTRY's images (default Docker Hub's)\n" \
	"                       from this mirror first, then from REGISTRY (repeatable)\n" \
	"  --lazy-pull auto|never  fetch only the wanted files of zstd:chunked registry\n" \
	"                       layers (auto, the default), or every layer whole\n" \
	"  --cache FILE         layer cache (default $XDG_CACHE_HOME/hullscan/layers.db)\n" \
	"  --no-cache           read every layer, keep nothing\n"

struct layer_cache;
struct cmd_source {
	struct source_options	 opts;
	struct registry_mirror	 mirrors[SOURCE_MAX_MIRRORS];
	const char		*cache_path;	/* NULL: the default */
	int			 no_cache;
	struct layer_cache	*cache;
};
void	cmd_source_init(struct cmd_source *);
/* 1 handled, 0 not ours, -1 bad value (message printed). */
int	cmd_source_option(struct cmd_source *, int ch, const char *arg);
/* Open the layer cache (a failure only warns); _end closes it after the workers. */
void	cmd_source_start(struct cmd_source *);
void	cmd_source_end(struct cmd_source *);

/* The reports a command writes from its run result (cmd-report.c). */
struct run_result;
struct cmd_reports {
	const char	*json;
	const char	*junit;
	const char	*sarif;
	const char	*cyclonedx;
	const char	*spdx;
	const char	*html;
	const char	*templates;
};
#define CMD_REPORT_LONGOPTS \
	{ "json", required_argument, NULL, CMD_OPT_JSON }, \
	{ "junit", required_argument, NULL, CMD_OPT_JUNIT }, \
	{ "sarif", required_argument, NULL, CMD_OPT_SARIF }, \
	{ "cyclonedx", required_argument, NULL, CMD_OPT_CYCLONEDX }, \
	{ "spdx", required_argument, NULL, CMD_OPT_SPDX }, \
	{ "html", required_argument, NULL, CMD_OPT_HTML }, \
	{ "templates", required_argument, NULL, CMD_OPT_TEMPLATES }
#define CMD_REPORT_USAGE \
	"  --json FILE          write the JSON report (- for stdout)\n" \
	"  --junit FILE         write the JUnit XML report (Jenkins junit step)\n" \
	"  --html DIR           write the HTML report: index.html, report.css, trend.svg\n" \
	"  --sarif FILE         write the SARIF 2.1.0 report (Warnings NG, code scanning)\n" \
	"  --cyclonedx FILE     write a CycloneDX 1.5 SBOM with the vulnerabilities (- for stdout)\n" \
	"  --spdx FILE          write an SPDX 2.3 JSON SBOM (- for stdout)\n" \
	"  --templates DIR      HTML templates (default $HULLSCAN_TEMPLATES, else the installed ones)\n"
/* 1 handled, 0 not ours. */
int	cmd_report_option(struct cmd_reports *, int ch, const char *arg);
/* Write every report asked for: 0, or EXIT_USAGE when one could not be written. */
int	cmd_reports_write(const struct cmd_reports *, const struct run_result *);

/* How old the vulnerability database may be (scan, rescan; cmd-db.c). */
struct vulndb;
struct cmd_db_age {
	long	max_age;	/* seconds; older warns */
	int	fail_on_stale;	/* older is EXIT_STALE instead */
};
#define CMD_DB_AGE_LONGOPTS \
	{ "max-db-age", required_argument, NULL, CMD_OPT_MAX_DB_AGE }, \
	{ "fail-on-stale", no_argument, NULL, CMD_OPT_FAIL_ON_STALE }
#define CMD_DB_AGE_USAGE \
	"  --max-db-age HOURS   warn when the database is older (default 24)\n" \
	"  --fail-on-stale      exit 4 when the database is older than --max-db-age\n"
void	cmd_db_age_init(struct cmd_db_age *);
/* 1 handled, 0 not ours, -1 bad value (message printed). */
int	cmd_db_age_option(struct cmd_db_age *, int ch, const char *arg);
/*
 * Open the database at path read-only and check it holds a feed and how old
 * its stalest one is: 0 with the database in *out (closed when out is NULL),
 * or EXIT_STALE after a message.
 */
int	cmd_db_check(const char *path, const struct cmd_db_age *, struct vulndb **out);

/*
 * getopt_long's '?' or ':' as one line naming cmd ("scan", "db import") and
 * where its options are ("see hullscan scan --help"); the usage is not
 * printed. Commands parse with opterr 0 and an optstring that starts with ':'.
 */
void	cmd_bad_option(const char *cmd, char **argv, int ch);

/* Default paths: $XDG_CACHE_HOME/hullscan/vuln.db (or ~/.cache/…). Allocated. */
char	*cmd_default_db(void);

#endif
