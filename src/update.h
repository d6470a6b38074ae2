/* hullscan db update: fetch the listed feeds, re-import the changed ones, swap the database. */
#ifndef HULLSCAN_UPDATE_H
#define HULLSCAN_UPDATE_H

#include <stddef.h>

#include "fetch.h"

/* One line of feeds.conf: "NAME FORMAT URL". */
struct update_feed {
	char	*name;		/* the feed's name in the database */
	char	*format;	/* a feed format name; NULL ("auto"): detected */
	char	*url;		/* http://, https:// or file:// */
	int	 line;
};

struct update_conf {
	char			*path;
	struct update_feed	*feeds;
	size_t			 n;
};

/* Where "make install" puts a copy of the built-in feed list. */
#define UPDATE_DEFAULT_CONF	HULLSCAN_DATADIR "/feeds.conf"
/* What the built-in list is called in messages. */
#define UPDATE_BUILTIN_CONF	"built-in feeds.conf"
/* Most feeds one list may hold. */
#define UPDATE_MAX_FEEDS	4096

/* Read a feed list: one feed a line, '#' comments; errors name FILE:LINE. */
int	update_conf_read(const char *path, struct update_conf **out, char **cause);
int	update_conf_parse(const char *path, const char *text, size_t len,
	    struct update_conf **out, char **cause);
/* The default feed list, built into the binary from data/feeds.conf. */
int	update_conf_builtin(struct update_conf **out, char **cause);
void	update_conf_free(struct update_conf *);

/*
 * Where an upstream http(s) URL is read from under mirror: MIRROR/HOST/PATH,
 * the layout "wget --mirror" makes. mirror is a directory (or file://DIR),
 * giving a file:// URL, or an http(s) base URL. Allocated; NULL when url is
 * not http(s) (it is used as it is).
 */
char	*update_mirror_url(const char *mirror, const char *url);

struct update_options {
	const char		*db;		/* the database file */
	const char		*mirror;	/* NULL: the URLs as listed */
	int			 progress;	/* redraw a byte count on stderr */
	int			 lock_wait;	/* seconds to wait for DB.lock */
	struct fetch_options	 fetch;
};

/*
 * Check every feed of conf and re-import those that changed, into a copy
 * of the database renamed into place at the end. A feed that fails keeps
 * its previous rows and validators, is reported as it fails and counted in
 * *failed; the others still update. Returns non-zero only when nothing
 * could be done (the database could not be read, copied or replaced).
 */
int	update_run(const struct update_options *, const struct update_conf *,
	    int *failed, char **cause);

#endif
