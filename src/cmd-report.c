/*
 * Report options shared by scan, history merge and rescan: --json, --junit,
 * --sarif, --cyclonedx, --html.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "report.h"
#include "util.h"

int
cmd_report_option(struct cmd_reports *cr, int ch, const char *arg)
{
	switch (ch) {
	case CMD_OPT_JSON:
		cr->json = arg;
		return 1;
	case CMD_OPT_JUNIT:
		cr->junit = arg;
		return 1;
	case CMD_OPT_SARIF:
		cr->sarif = arg;
		return 1;
	case CMD_OPT_CYCLONEDX:
		cr->cyclonedx = arg;
		return 1;
	case CMD_OPT_SPDX:
		cr->spdx = arg;
		return 1;
	case CMD_OPT_HTML:
		cr->html = arg;
		return 1;
	case CMD_OPT_TEMPLATES:
		cr->templates = arg;
		return 1;
	}
	return 0;
}

/* A report that cannot be written is said once; the others are still written. */
static int
report_done(int rc, char **cause)
{
	if (rc == 0)
		return 0;
	log_error("%s", *cause);
	free(*cause);
	*cause = NULL;
	return 1;
}

int
cmd_reports_write(const struct cmd_reports *cr, const struct run_result *rr)
{
	char	*cause = NULL;
	int	 failed = 0;

	if (cr->json != NULL)
		failed += report_done(report_json_write(rr, cr->json, &cause), &cause);
	if (cr->junit != NULL)
		failed += report_done(report_junit_write(rr, cr->junit, &cause), &cause);
	if (cr->sarif != NULL)
		failed += report_done(report_sarif_write(rr, cr->sarif, &cause), &cause);
	if (cr->cyclonedx != NULL)
		failed += report_done(report_cyclonedx_write(rr, cr->cyclonedx, &cause),
		    &cause);
	if (cr->spdx != NULL)
		failed += report_done(report_spdx_write(rr, cr->spdx, &cause), &cause);
	if (cr->html != NULL)
		failed += report_done(report_html_write(rr, cr->html, cr->templates,
		    &cause), &cause);
	return failed != 0 ? EXIT_USAGE : 0;
}
