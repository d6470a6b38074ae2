/* Files built into the binary (src/embed.sh at build time): the HTML templates and the default feed list. */
#ifndef HULLSCAN_EMBED_H
#define HULLSCAN_EMBED_H

#include <stddef.h>

struct embed_file {
	const char		*name;	/* as in the source tree: "templates/report.xsl" */
	const unsigned char	*data;	/* len bytes, then a NUL */
	size_t			 len;
};

/* Every built-in file, ended by one whose name is NULL (embed-data.c, generated). */
extern const struct embed_file embed_files[];

/* The built-in file of that name, or NULL. */
const struct embed_file *embed_find(const char *name);

#endif
