/* Fuzz target: the end-of-life table importer. */
#define FUZZ_FEED feed_format_eol
#define FUZZ_NAME feed_eol
#include "fuzz-feed.h"
