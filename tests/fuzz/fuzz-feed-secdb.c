/* Fuzz target: the alpine-secdb feed importer. */
#define FUZZ_FEED feed_format_alpine_secdb
#define FUZZ_NAME feed_secdb
#include "fuzz-feed.h"
