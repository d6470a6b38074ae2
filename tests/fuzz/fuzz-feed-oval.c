/* Fuzz target: the oval feed importer. */
#define FUZZ_FEED feed_format_oval
#define FUZZ_NAME feed_oval
#include "fuzz-feed.h"
