/* tcp-server.c - the textbook TCP server: socket(), setsockopt()
 * SO_REUSEADDR, bind() to INADDR_ANY:12345, listen(), accept() one
 * client, write() a message, read() until the client has closed (0),
 * close() the connection, close() the listener.
 *
 * Usage: tcp-server [READY-FILE]
 *
 * READY-FILE is created once listen() has returned.  Each socket call is
 * logged when it returns, as one line with the time it was made and how
 * long it took, on the file named by $TEACH_LOG (standard error when
 * unset); the format is defined atop tests/gen/record-teaching.sh.  A
 * failed call is logged with its errno name and ends the program with
 * status 1.
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

#define PROGRAM "tcp-server"
#define PORT 12345

#include "calllog.h"

static const char message[] = "Hello from the server\n";

int
main(int argc, char **argv)
{
	const char *path = getenv("TEACH_LOG");
	FILE *ready;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT),
	                          .sin_addr.s_addr = htonl(INADDR_ANY) }, peer;
	socklen_t peer_len = sizeof peer;
	char args[64], addr[32], buf[512];
	size_t sent = 0;
	long long t;
	ssize_t n;
	int one = 1, lfd, cfd;

	log_file = path ? fopen(path, "a") : stderr;
	if (!log_file) {
		perror(path);
		return 1;
	}

	t = now_ns();
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		fail(t, "socket", "SOCK_STREAM");
	log_call(t, "socket", "SOCK_STREAM", "fd=%d", lfd);

	snprintf(args, sizeof args, "fd=%d,SO_REUSEADDR=1", lfd);
	t = now_ns();
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
		fail(t, "setsockopt", args);
	log_call(t, "setsockopt", args, "0");

	snprintf(args, sizeof args, "fd=%d,%s", lfd, addr_str(&sa, addr, sizeof addr));
	t = now_ns();
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0)
		fail(t, "bind", args);
	log_call(t, "bind", args, "0");

	snprintf(args, sizeof args, "fd=%d,backlog=1", lfd);
	t = now_ns();
	if (listen(lfd, 1) < 0)
		fail(t, "listen", args);
	log_call(t, "listen", args, "0");

	if (argc > 1 && (!(ready = fopen(argv[1], "w")) || fclose(ready) != 0)) {
		perror(argv[1]);   /* the ready file: clients may connect now */
		return 1;
	}

	snprintf(args, sizeof args, "fd=%d", lfd);
	t = now_ns();
	cfd = accept(lfd, (struct sockaddr *)&peer, &peer_len);
	if (cfd < 0)
		fail(t, "accept", args);
	log_call(t, "accept", args, "fd=%d peer=%s", cfd, addr_str(&peer, addr, sizeof addr));

	snprintf(args, sizeof args, "fd=%d", cfd);
	while (sent < sizeof message - 1) {
		t = now_ns();
		n = write(cfd, message + sent, sizeof message - 1 - sent);
		if (n < 0)
			fail(t, "write", args);
		log_call(t, "write", args, "%zd", n);
		sent += (size_t)n;
	}

	do {   /* until the client closes its end */
		t = now_ns();
		n = read(cfd, buf, sizeof buf);
		if (n < 0)
			fail(t, "read", args);
		log_call(t, "read", args, "%zd", n);
	} while (n > 0);

	t = now_ns();
	if (close(cfd) < 0)
		fail(t, "close", args);
	log_call(t, "close", args, "0");

	snprintf(args, sizeof args, "fd=%d", lfd);
	t = now_ns();
	if (close(lfd) < 0)
		fail(t, "close", args);
	log_call(t, "close", args, "0");
	return 0;
}
