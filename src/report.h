/* Reports: read only the run result (and history), write files. */
#ifndef HULLSCAN_REPORT_H
#define HULLSCAN_REPORT_H

#include "model.h"

int	report_json_write(const struct run_result *, const char *path, char **cause);

#endif
