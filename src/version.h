/* Version order for each package ecosystem: pure functions, no allocation. */
#ifndef HULLSCAN_VERSION_H
#define HULLSCAN_VERSION_H

#include "model.h"

/*
 * Compare a and b in the order of the ecosystem: *result is -1, 0 or 1.
 * Returns 0, or HS_EINVAL when either version is not valid for it (the
 * caller names the version in its message; version_valid tells which).
 */
int	version_cmp(enum ecosystem, const char *a, const char *b, int *result);
int	version_valid(enum ecosystem, const char *);

/* The comparators themselves, for callers that know what they hold. */
int	version_cmp_deb(const char *, const char *);	/* dpkg --compare-versions */
int	version_cmp_apk(const char *, const char *);	/* apk-tools 2.x */
int	version_cmp_rpm(const char *, const char *);	/* rpm EVR: [epoch:]version[-release] */
int	version_valid_deb(const char *);
int	version_valid_apk(const char *);
int	version_valid_rpm(const char *);
/* rpmvercmp() itself: one version or release string, no epoch or '-' split. */
int	version_rpmvercmp(const char *, const char *);

#endif
