/* Fuzz target: the Fedora Bodhi updates importer. */
#define FUZZ_FEED feed_format_bodhi
#define FUZZ_NAME feed_bodhi
#include "fuzz-feed.h"
