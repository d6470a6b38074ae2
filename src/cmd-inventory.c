/* stub */
#include "config.h"
#include "cmd.h"
#include "util.h"
static int cmd_inventory_exec(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
const struct cmd_entry cmd_inventory_entry = { .name = "inventory", .usage = "inventory", .summary = "", .exec = cmd_inventory_exec };
