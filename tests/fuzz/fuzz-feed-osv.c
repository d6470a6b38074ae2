/* Fuzz target: the osv feed importer. */
#define FUZZ_FEED feed_format_osv
#define FUZZ_NAME feed_osv
#include "fuzz-feed.h"
