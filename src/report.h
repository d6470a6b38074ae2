/* Reports: read only the run result (and history), write files. */
#ifndef HULLSCAN_REPORT_H
#define HULLSCAN_REPORT_H

#include "model.h"

int	report_json_write(const struct run_result *, const char *path, char **cause);

/* JUnit XML for the Jenkins JUnit plugin: one suite per image (report-junit.c). */
int	report_junit_write(const struct run_result *, const char *path, char **cause);
/* SARIF 2.1.0 for Warnings NG and code scanning (report-sarif.c). */
int	report_sarif_write(const struct run_result *, const char *path, char **cause);
/* CycloneDX 1.5 JSON: the images' SBOM and their vulnerabilities (report-cyclonedx.c). */
int	report_cyclonedx_write(const struct run_result *, const char *path, char **cause);
/* SPDX 2.3 JSON: the images' SBOM (report-spdx.c). */
int	report_spdx_write(const struct run_result *, const char *path, char **cause);
/*
 * HTML: index.html, report.css and trend.svg in dir, rendered by the XSLT
 * templates in templates_dir (NULL: report_templates_dir(NULL)).
 */
int	report_html_write(const struct run_result *, const char *dir,
	    const char *templates_dir, char **cause);
/*
 * Where the HTML templates are: the given dir, else $HULLSCAN_TEMPLATES, else
 * NULL: the ones built into the binary (embed.h), wherever it runs from.
 */
const char *report_templates_dir(const char *given);

/* A package's package URL (pkg:deb/debian/…, pkg:npm/…), allocated. */
char	*report_purl(const struct os_info *, const struct package *);
/* A finding's package URL: a language package's, else NULL (allocated). */
char	*report_finding_purl(const struct finding *);

/* The XML form of the run result that the HTML templates read (report-xml.c). */
int	report_xml_write(const struct run_result *, const char *path, char **cause);
int	report_xml_render(const struct run_result *, char **data, size_t *len,
	    char **cause);

/*
 * A small streaming XML writer over libxml2's xmlTextWriter, shared by the
 * XML reports so no libxml2 handle leaves report-xml.c. Text and attribute
 * values are made valid XML (bad UTF-8 and control characters replaced);
 * NULL values are left out. Errors are sticky and reported by _finish.
 */
struct report_xw;
struct report_xw *report_xw_new(void);
void	report_xw_start(struct report_xw *, const char *element);
void	report_xw_attr(struct report_xw *, const char *name, const char *value);
void	report_xw_attrf(struct report_xw *, const char *name, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	report_xw_text(struct report_xw *, const char *text);
void	report_xw_end(struct report_xw *);
/* <element>text</element>; nothing when text is NULL. */
void	report_xw_element(struct report_xw *, const char *element, const char *text);
/* Close every element, hand back the document; frees the writer. */
int	report_xw_finish(struct report_xw *, char **data, size_t *len, char **cause);
void	report_xw_free(struct report_xw *);
/* A fixed finding whose id and package are still among the image's findings. */
int	report_still_open(const struct image_result *, const struct finding *fixed);
/* A copy of s that is valid UTF-8 without characters XML 1.0 forbids. */
char	*report_xml_clean(const char *s);
/* Write data to path ("-": stdout), creating parent directories. */
int	report_output(const char *path, const char *data, size_t len, char **cause);

#endif
