/* Fuzz target: the csaf feed importer. */
#define FUZZ_FEED feed_format_csaf
#define FUZZ_NAME feed_csaf
#include "fuzz-feed.h"
