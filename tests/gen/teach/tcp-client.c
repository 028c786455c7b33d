/* tcp-client.c - the textbook TCP client: socket(), connect() to
 * ADDR:PORT (12345 unless given), getsockname() for the local address the
 * kernel chose, read() the server's message (until its newline: one read
 * on a quiet link), then close(), so the client closes first while the
 * server waits in read().  If connect() fails with ECONNREFUSED (nobody
 * listens on PORT: the SYN was answered by a RST), that is logged, the
 * socket closed, and the exit status is 0.
 *
 * Usage: tcp-client IPV4-ADDR [PORT]
 *
 * The message goes to standard output.  Each socket call is logged when
 * it returns, as one line with the time it was made and how long it took,
 * on the file named by $TEACH_LOG (standard error when unset); the format
 * is defined atop tests/gen/record-teaching.sh.  Any other failed call is
 * logged with its errno name and ends the program with status 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROGRAM "tcp-client"
#define PORT 12345

static FILE *log_file;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The log line of a call made at @t0 that has just returned. */
static void
log_call(long long t0, const char *call, const char *args, const char *fmt, ...)
{
	long long t1 = now_ns();
	va_list ap;

	fprintf(log_file, "%lld %s %s %s ", t0, PROGRAM, call, args);
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fprintf(log_file, " took=%lld\n", t1 - t0);
	fflush(log_file);
}

/* A call made at @t0 failed: its line shows the errno's name as
 * <errno.h> spells it ("errno=N" for the rarer ones); the program ends. */
static void
fail(long long t0, const char *call, const char *args)
{
	int e = errno;
	char other[24];

	snprintf(other, sizeof other, "errno=%d", e);
	log_call(t0, call, args, "%s", e == ECONNREFUSED ? "ECONNREFUSED"
	         : e == ECONNRESET ? "ECONNRESET" : e == ETIMEDOUT ? "ETIMEDOUT"
	         : e == EADDRINUSE ? "EADDRINUSE" : other);
	fprintf(stderr, "%s: %s: %s\n", PROGRAM, call, strerror(e));
	exit(1);
}

/* "10.0.0.1:40000" */
static const char *
addr_str(const struct sockaddr_in *sa, char *buf, size_t size)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof ip);
	snprintf(buf, size, "%s:%u", ip, (unsigned)ntohs(sa->sin_port));
	return buf;
}

int
main(int argc, char **argv)
{
	const char *path = getenv("TEACH_LOG");
	struct sockaddr_in sa, local;
	socklen_t local_len = sizeof local;
	char args[64], addr[32], buf[512];
	char *end = NULL;
	long port = argc > 2 ? strtol(argv[2], &end, 10) : PORT;
	long long t;
	ssize_t n;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (argc < 2 || argc > 3 || (end && *end) || port < 1 || port > 65535 ||
	    inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: %s IPV4-ADDR [PORT]\n", PROGRAM);
		return 2;
	}
	log_file = path ? fopen(path, "a") : stderr;
	if (!log_file) {
		perror(path);
		return 1;
	}

	t = now_ns();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		fail(t, "socket", "SOCK_STREAM");
	log_call(t, "socket", "SOCK_STREAM", "fd=%d", fd);

	snprintf(args, sizeof args, "fd=%d,%s", fd, addr_str(&sa, addr, sizeof addr));
	t = now_ns();
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (errno != ECONNREFUSED)
			fail(t, "connect", args);
		log_call(t, "connect", args, "ECONNREFUSED");
		fprintf(stderr, "%s: %s: connection refused\n", PROGRAM, addr);
		snprintf(args, sizeof args, "fd=%d", fd);
		t = now_ns();
		if (close(fd) < 0)
			fail(t, "close", args);
		log_call(t, "close", args, "0");
		return 0;
	}
	/* The port connect() bound implicitly, on the connect line. */
	if (getsockname(fd, (struct sockaddr *)&local, &local_len) < 0)
		fail(t, "getsockname", args);
	log_call(t, "connect", args, "0 local=%s", addr_str(&local, addr, sizeof addr));

	snprintf(args, sizeof args, "fd=%d", fd);
	do {   /* the message, up to its newline */
		t = now_ns();
		n = read(fd, buf, sizeof buf);
		if (n < 0)
			fail(t, "read", args);
		log_call(t, "read", args, "%zd", n);
		fwrite(buf, 1, (size_t)n, stdout);
	} while (n > 0 && !memchr(buf, '\n', (size_t)n));

	t = now_ns();
	if (close(fd) < 0)
		fail(t, "close", args);
	log_call(t, "close", args, "0");
	return 0;
}
