/* udp-echo-client.c - the textbook UDP echo client: socket() (no bind():
 * the kernel picks the local port at the first sendto()), then for each
 * of "echo-1\n" and "echo-2\n": sendto() ADDR:12346 and recvfrom() its
 * echo; then close().
 *
 * Usage: udp-echo-client IPV4-ADDR
 *
 * The echoes go to standard output.  Each socket call is logged when it
 * returns, as one line with the time it was made and how long it took, on
 * the file named by $TEACH_LOG (standard error when unset); the format is
 * defined atop tests/gen/record-teaching.sh.  A failed call (logged with
 * its errno name), or an echo that differs from what was sent, ends the
 * program with status 1.
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

#define PROGRAM "udp-echo-client"
#define PORT 12346

#include "calllog.h"

int
main(int argc, char **argv)
{
	static const char *const messages[] = { "echo-1\n", "echo-2\n" };
	const char *path = getenv("TEACH_LOG");
	struct sockaddr_in sa, peer, local;
	socklen_t len;
	char args[64], addr[32], buf[2048];
	long long t;
	ssize_t n;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(PORT);
	if (argc != 2 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: %s IPV4-ADDR\n", PROGRAM);
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

	for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
		size_t size = strlen(messages[i]);

		snprintf(args, sizeof args, "fd=%d,%s", fd, addr_str(&sa, addr, sizeof addr));
		t = now_ns();
		n = sendto(fd, messages[i], size, 0, (struct sockaddr *)&sa, sizeof sa);
		if (n < 0)
			fail(t, "sendto", args);
		if (i > 0) {
			log_call(t, "sendto", args, "%zd", n);
		} else {   /* the port the first sendto() bound, on its line */
			len = sizeof local;
			if (getsockname(fd, (struct sockaddr *)&local, &len) < 0)
				fail(t, "getsockname", args);
			log_call(t, "sendto", args, "%zd local=%s", n, addr_str(&local, addr, sizeof addr));
		}

		snprintf(args, sizeof args, "fd=%d", fd);
		len = sizeof peer;
		t = now_ns();
		n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
		if (n < 0)
			fail(t, "recvfrom", args);
		log_call(t, "recvfrom", args, "%zd peer=%s", n, addr_str(&peer, addr, sizeof addr));
		if ((size_t)n != size || memcmp(buf, messages[i], size) != 0) {
			fprintf(stderr, "%s: the echo differs from what was sent\n", PROGRAM);
			return 1;
		}
		fwrite(buf, 1, (size_t)n, stdout);
	}

	snprintf(args, sizeof args, "fd=%d", fd);
	t = now_ns();
	if (close(fd) < 0)
		fail(t, "close", args);
	log_call(t, "close", args, "0");
	return 0;
}
