/* Fuzz target: the Photon OS CVE data importer. */
#define FUZZ_FEED feed_format_photon
#define FUZZ_NAME feed_photon
#include "fuzz-feed.h"
