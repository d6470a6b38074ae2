/* stub */
#include "config.h"
#include "cmd.h"
#include "util.h"
static int cmd_scan_exec(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
const struct cmd_entry cmd_scan_entry = { .name = "scan", .usage = "scan", .summary = "", .exec = cmd_scan_exec };
