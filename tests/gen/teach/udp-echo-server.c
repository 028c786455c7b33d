/* udp-echo-server.c - the textbook UDP echo server: socket(), bind() to
 * INADDR_ANY:12346, then N times recvfrom() a datagram and sendto() it
 * back to where it came from, then close().
 *
 * Usage: udp-echo-server N [READY-FILE]
 *
 * READY-FILE is created once bind() has returned.  Each socket call is
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

#define PROGRAM "udp-echo-server"
#define PORT 12346

#include "calllog.h"

int
main(int argc, char **argv)
{
	const char *path = getenv("TEACH_LOG");
	FILE *ready;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT),
	                          .sin_addr.s_addr = htonl(INADDR_ANY) }, peer;
	socklen_t peer_len;
	char args[64], addr[32], buf[2048];
	char *end = NULL;
	long count = -1;
	long long t;
	ssize_t n;
	int fd;

	if (argc == 2 || argc == 3)
		count = strtol(argv[1], &end, 10);
	if (count < 0 || !end || *end) {
		fprintf(stderr, "usage: %s N [READY-FILE]\n", PROGRAM);
		return 2;
	}
	log_file = path ? fopen(path, "a") : stderr;
	if (!log_file) {
		perror(path);
		return 1;
	}

	t = now_ns();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		fail(t, "socket", "SOCK_DGRAM");
	log_call(t, "socket", "SOCK_DGRAM", "fd=%d", fd);

	snprintf(args, sizeof args, "fd=%d,%s", fd, addr_str(&sa, addr, sizeof addr));
	t = now_ns();
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		fail(t, "bind", args);
	log_call(t, "bind", args, "0");

	if (argc > 2 && (!(ready = fopen(argv[2], "w")) || fclose(ready) != 0)) {
		perror(argv[2]);   /* the ready file: clients may send now */
		return 1;
	}

	for (long i = 0; i < count; i++) {
		snprintf(args, sizeof args, "fd=%d", fd);
		peer_len = sizeof peer;
		t = now_ns();
		n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &peer_len);
		if (n < 0)
			fail(t, "recvfrom", args);
		log_call(t, "recvfrom", args, "%zd peer=%s", n, addr_str(&peer, addr, sizeof addr));

		snprintf(args, sizeof args, "fd=%d,%s", fd, addr);
		t = now_ns();
		n = sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, peer_len);
		if (n < 0)
			fail(t, "sendto", args);
		log_call(t, "sendto", args, "%zd", n);
	}

	snprintf(args, sizeof args, "fd=%d", fd);
	t = now_ns();
	if (close(fd) < 0)
		fail(t, "close", args);
	log_call(t, "close", args, "0");
	return 0;
}
