/* stub */
#include "config.h"
#include "cmd.h"
#include "util.h"
static int cmd_db_exec(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
const struct cmd_entry cmd_db_entry = { .name = "db", .usage = "db", .summary = "", .exec = cmd_db_exec };
