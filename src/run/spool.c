/* spool.c - standard input and FIFOs, read once: as they come, copied by
 * a thread to a pipe the capture reads (a single pass), or copied to a
 * temporary file so that a file run can read them twice (--two-pass,
 * --split).  The copy's name is removed at once when it can be read back
 * through its descriptor (/dev/fd/N): then nothing is left behind, however
 * the process ends.  Either copy looks at the signals at least every
 * 200 ms (a FIFO may stay silent).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demuxsim/report-errors.h"
#include "demuxsim/run.h"
#include "run-int.h"

bool
dm_run_is_stream(const char *name)
{
	struct stat st;
	return strcmp(name, "-") == 0 ||
	       (stat(name, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
}

char *
dm_run_spool_unlink(int fd, char *name, bool *named)
{
	char *by_fd = g_strdup_printf("/dev/fd/%d", fd);
	int probe = open(by_fd, O_RDONLY);
	if (probe >= 0) {
		close(probe);
		g_unlink(name);
		g_free(name);
		*named = false;
		return by_fd;
	}
	g_free(by_fd);
	*named = true;
	return name;
}

/* Make the spool of @in.  Returns the descriptor, or -1 with @error set. */
static int
open_spool(dm_run_input *in, GError **error)
{
	char *name = NULL;
	int fd = g_file_open_tmp("demuxsim-stdin-XXXXXX", &name, error);
	if (fd < 0)
		return -1;
	in->path = dm_run_spool_unlink(fd, name, &in->named);
	in->fd = fd;
	in->temporary = true;
	return fd;
}

static bool
write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		n -= (size_t)w;
	}
	return true;
}

/* Copy @src to @dst until its end or a signal (looked at at least every
 * 200 ms: a FIFO may stay silent).  Returns false on an error (errno). */
static bool
copy_stream(int src, int dst)
{
	char buf[1 << 16];

	while (!dm_stop_signal()) {
		struct pollfd p = { .fd = src, .events = POLLIN };
		int r = poll(&p, 1, 200);
		if (r < 0 && errno != EINTR)
			return false;
		if (r <= 0)
			continue;
		ssize_t n = read(src, buf, sizeof buf);
		if (n == 0)
			return true;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 || !write_all(dst, buf, (size_t)n))
			return false;
	}
	return true;
}

/* Open stream @in for reading, not blocked until a FIFO's writer comes
 * (a signal must be seen meanwhile: poll() waits for one).  Returns the
 * descriptor, or -1 (reported). */
static int
open_stream(const dm_run_input *in)
{
	if (strcmp(in->name, "-") == 0)
		return STDIN_FILENO;
	int src = open(in->name, O_RDONLY | O_NONBLOCK);
	if (src < 0) {
		dm_report_input_error(in->name, 0, g_strerror(errno));
		return -1;
	}
	fcntl(src, F_SETFL, fcntl(src, F_GETFL) & ~O_NONBLOCK);
	return src;
}

static gpointer
pump(gpointer data)
{
	dm_run_input *in = data;
	int dst = in->fd;
	/* A reader that stopped early makes the copy fail with EPIPE. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (!copy_stream(in->src, dst) && errno != EPIPE)
		in->pump_errno = errno;
	g_atomic_int_set(&in->cut, dm_stop_signal() != 0);
	close(dst);
	return NULL;
}

bool
dm_run_stream_start(dm_run_input *in)
{
	int fds[2];
	in->src = open_stream(in);
	if (in->src < 0)
		return false;
	if (pipe(fds) != 0) {
		dm_report_input_error(in->name, 0, g_strerror(errno));
		if (in->src != STDIN_FILENO)
			close(in->src);
		return false;
	}
	in->pipe_r = fds[0];
	in->fd = fds[1];
	in->path = g_strdup_printf("/dev/fd/%d", fds[0]);
	in->pump = g_thread_new("stream", pump, in);
	return true;
}

bool
dm_run_stream_end(dm_run_input *in)
{
	if (!in->pump)
		return true;
	/* A reader that stopped early: the copy ends with EPIPE. */
	close(in->pipe_r);
	g_thread_join(in->pump);
	in->pump = NULL;
	if (in->src != STDIN_FILENO)
		close(in->src);
	g_free(in->path);
	in->path = (char *)in->name;
	if (in->pump_errno) {
		dm_report_input_error(in->name, 0, g_strerror(in->pump_errno));
		return false;
	}
	return true;
}

/* Copy standard input (or the FIFO @in) to its spool.  A signal ends the
 * copy, and the input, where it came. */
static bool
spool_stream(dm_run_input *in)
{
	GError *err = NULL;
	bool is_stdin = strcmp(in->name, "-") == 0;
	/* Not blocked until a writer comes (a signal must be seen meanwhile):
	 * poll() waits for one. */
	int src = is_stdin ? STDIN_FILENO : open(in->name, O_RDONLY | O_NONBLOCK);
	if (src < 0) {
		dm_report_input_error(in->name, 0, g_strerror(errno));
		return false;
	}
	if (!is_stdin)
		fcntl(src, F_SETFL, fcntl(src, F_GETFL) & ~O_NONBLOCK);
	int fd = open_spool(in, &err);
	bool ok = fd >= 0;
	if (!ok) {
		dm_report_input_error(in->name, 0, err->message);
		g_error_free(err);
	} else if (!copy_stream(src, fd)) {
		dm_report_input_error(in->name, 0, g_strerror(errno));
		ok = false;
	}
	in->cut = dm_stop_signal() != 0;
	if (!is_stdin)
		close(src);
	return ok;
}

bool
dm_run_spool_streams(GArray *inputs, int *stopped)
{
	bool ok = true;

	for (guint i = 0; i < inputs->len; i++) {
		dm_run_input *in = &g_array_index(inputs, dm_run_input, i);
		if (*stopped) {
			in->unread = true;
			continue;
		}
		if (dm_run_is_stream(in->name) && !spool_stream(in)) {
			in->failed = true;
			ok = false;
		}
		if (dm_stop_signal() && in->cut)
			*stopped = dm_stop_take();
		else if (dm_stop_signal())
			break;   /* not while spooling: the passes stop at once */
	}
	return ok;
}

void
dm_run_spools_clear(GArray *inputs)
{
	for (guint i = 0; i < inputs->len; i++) {
		dm_run_input *in = &g_array_index(inputs, dm_run_input, i);
		if (in->temporary) {
			if (in->named)
				g_unlink(in->path);
			close(in->fd);
			g_free(in->path);
			in->temporary = false;
		}
	}
}
