/* Fuzz target: the updateinfo (Amazon Linux ALAS) feed importer. */
#define FUZZ_FEED feed_format_updateinfo
#define FUZZ_NAME feed_updateinfo
#include "fuzz-feed.h"
