/* The command table: one entry per subcommand, each in its own cmd-*.c. */
#ifndef HULLSCAN_CMD_H
#define HULLSCAN_CMD_H

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* one line: "scan [options] REF..." */
	const char	*summary;
	/* Returns the process exit status. */
	int		(*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_scan_entry;
extern const struct cmd_entry cmd_db_entry;
extern const struct cmd_entry cmd_vercmp_entry;
extern const struct cmd_entry cmd_inventory_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_rescan_entry;

/* Default paths: $XDG_CACHE_HOME/hullscan/vuln.db (or ~/.cache/…). Allocated. */
char	*cmd_default_db(void);

#endif
