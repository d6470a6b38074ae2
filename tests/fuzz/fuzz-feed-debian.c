/* Fuzz target: the debian-tracker feed importer. */
#define FUZZ_FEED feed_format_debian_tracker
#define FUZZ_NAME feed_debian
#include "fuzz-feed.h"
