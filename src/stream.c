/* Byte streams read front to back: files on disk and borrowed memory buffers. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"
#include "util.h"

struct stream_file {
	int	 fd;
	char	*path;
};

struct stream_mem {
	const char	*data;
	size_t		 len;
	size_t		 off;
};

ssize_t
stream_read(struct stream *s, void *buf, size_t n, char **cause)
{
	return s->ops->read(s, buf, n, cause);
}

void
stream_close(struct stream *s)
{
	if (s == NULL)
		return;
	if (s->ops->close != NULL)
		s->ops->close(s);
	free(s);
}

static ssize_t
stream_file_read(struct stream *s, void *buf, size_t n, char **cause)
{
	struct stream_file	*f = s->ctx;
	ssize_t			 r;

	for (;;) {
		r = read(f->fd, buf, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return fail(cause, HS_EIO, "%s: %s", f->path, strerror(errno));
		return r;
	}
}

static void
stream_file_close(struct stream *s)
{
	struct stream_file	*f = s->ctx;

	close(f->fd);
	free(f->path);
	free(f);
}

static const struct stream_ops stream_file_ops = {
	.read = stream_file_read,
	.close = stream_file_close,
};

int
stream_open_file(const char *path, struct stream **out, char **cause)
{
	struct stream		*s;
	struct stream_file	*f;
	struct stat		 st;
	int			 fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return fail(cause, errno == ENOENT ? HS_ENOENT : HS_EIO, "%s: %s",
		    path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(cause, HS_EINVAL, "%s: is a directory", path);
	}
	f = xcalloc(1, sizeof *f);
	f->fd = fd;
	f->path = xstrdup(path);
	s = xcalloc(1, sizeof *s);
	s->ops = &stream_file_ops;
	s->ctx = f;
	*out = s;
	return 0;
}

static ssize_t
stream_mem_read(struct stream *s, void *buf, size_t n, char **cause)
{
	struct stream_mem	*m = s->ctx;

	if (n > m->len - m->off)
		n = m->len - m->off;
	if (n != 0)
		memcpy(buf, m->data + m->off, n);
	m->off += n;
	return n;
}

static void
stream_mem_close(struct stream *s)
{
	free(s->ctx);
}

static const struct stream_ops stream_mem_ops = {
	.read = stream_mem_read,
	.close = stream_mem_close,
};

struct stream *
stream_open_mem(const void *data, size_t len)
{
	struct stream		*s;
	struct stream_mem	*m;

	m = xcalloc(1, sizeof *m);
	m->data = data;
	m->len = len;
	s = xcalloc(1, sizeof *s);
	s->ops = &stream_mem_ops;
	s->ctx = m;
	return s;
}
