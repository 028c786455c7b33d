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

#include "calllog.h"

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
