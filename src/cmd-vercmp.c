/* stub */
#include "config.h"
#include "cmd.h"
#include "util.h"
static int cmd_vercmp_exec(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
const struct cmd_entry cmd_vercmp_entry = { .name = "vercmp", .usage = "vercmp", .summary = "", .exec = cmd_vercmp_exec };
