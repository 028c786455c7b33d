/* calllog.h - what the teaching programs share: each socket call they
 * make is logged as one line, "TIME PROGRAM CALL ARGS RESULT [DETAIL...]
 * took=NS" (TIME: CLOCK_REALTIME nanoseconds when the call was made; NS:
 * how long it ran), to the file the program opens as log_file.  Define
 * PROGRAM before including it.  (The format is described in full atop
 * tests/gen/record-teaching.sh.)
 */
#ifndef TEACH_CALLLOG_H
#define TEACH_CALLLOG_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

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

#endif
