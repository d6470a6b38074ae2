/* A byte stream read front to back: a file, a tar entry, an HTTP body. */
#ifndef HULLSCAN_STREAM_H
#define HULLSCAN_STREAM_H

#include <sys/types.h>

struct stream;
struct stream_ops {
	/* Read up to n bytes: > 0 bytes read, 0 end of stream, < 0 error (cause set). */
	ssize_t	(*read)(struct stream *, void *buf, size_t n, char **cause);
	void	(*close)(struct stream *);
};
struct stream {
	const struct stream_ops	*ops;
	void			*ctx;
};

ssize_t	stream_read(struct stream *, void *, size_t, char **cause);
void	stream_close(struct stream *);	/* frees the stream; NULL is fine */

/* A stream over a file opened by path (the stream owns the descriptor). */
int	stream_open_file(const char *path, struct stream **out, char **cause);
/* A stream over a memory buffer that outlives the stream (borrowed). */
struct stream *stream_open_mem(const void *, size_t);

#endif
