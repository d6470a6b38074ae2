/* Options every image-reading command shares: platform, credentials, TLS, layer cache. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cmd.h"
#include "util.h"

void
cmd_source_init(struct cmd_source *cs)
{
	memset(cs, 0, sizeof *cs);
	source_options_default(&cs->opts);
	cs->opts.layer_jobs = source_cores();
}

int
cmd_source_option(struct cmd_source *cs, int ch, const char *arg)
{
	char	*cause = NULL;

	switch (ch) {
	case CMD_OPT_PLATFORM:
		cs->opts.platform = arg;
		return 1;
	case CMD_OPT_CREDS:
		if (strchr(arg, ':') == NULL) {
			/* Never echo the value: it may be a password. */
			log_error("--creds: expected USER:PASSWORD");
			return -1;
		}
		cs->opts.creds = arg;
		return 1;
	case CMD_OPT_TLS_VERIFY:
		if (strcmp(arg, "true") == 0)
			cs->opts.tls_verify = 1;
		else if (strcmp(arg, "false") == 0)
			cs->opts.tls_verify = 0;
		else {
			log_error("--tls-verify: expected true or false, not %s", arg);
			return -1;
		}
		return 1;
	case CMD_OPT_LAZY_PULL:
		if (strcmp(arg, "auto") == 0)
			cs->opts.lazy_pull = 1;
		else if (strcmp(arg, "never") == 0)
			cs->opts.lazy_pull = 0;
		else {
			log_error("--lazy-pull: expected auto or never, not %s", arg);
			return -1;
		}
		return 1;
	case CMD_OPT_CERT_DIR:
		cs->opts.cert_dir = arg;
		return 1;
	case CMD_OPT_REGISTRY_MIRROR:
		if (cs->opts.nmirrors == SOURCE_MAX_MIRRORS) {
			log_error("--registry-mirror: at most %d mirrors", SOURCE_MAX_MIRRORS);
			return -1;
		}
		if (registry_mirror_parse(arg, &cs->mirrors[cs->opts.nmirrors],
		    &cause) != 0) {
			log_error("%s", cause);
			free(cause);
			return -1;
		}
		cs->opts.mirrors = cs->mirrors;
		cs->opts.nmirrors++;
		return 1;
	case CMD_OPT_CACHE:
		cs->cache_path = arg;
		return 1;
	case CMD_OPT_NO_CACHE:
		cs->no_cache = 1;
		return 1;
	}
	return 0;
}

void
cmd_source_start(struct cmd_source *cs)
{
	char	*cause = NULL;

	if (cs->no_cache)
		return;
	/* The cache only saves work: without it the scan is slower, not wrong. */
	if (cache_open(cs->cache_path, &cs->cache, &cause) != 0) {
		log_warn("%s; scanning without the layer cache", cause);
		free(cause);
		cs->cache = NULL;
	}
	cs->opts.cache = cs->cache;
}

void
cmd_source_end(struct cmd_source *cs)
{
	source_thread_end();	/* this thread's; workers end their own */
	cache_close(cs->cache);
	cs->cache = NULL;
	cs->opts.cache = NULL;
}
