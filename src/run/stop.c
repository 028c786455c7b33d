/* stop.c - SIGINT and SIGTERM end a run as the end of its input would:
 * the handler only notes the signal (the run looks after each frame).  In
 * a file run a second signal ends the process at once, unless it is the
 * same signal from the same sender within half a second of the first:
 * timeout(1) delivers one request twice (it signals its child, then the
 * child's whole process group), which must not kill the run it meant to
 * stop.
 */
#include "config.h"

#include <signal.h>
#include <sys/types.h>
#include <string.h>
#include <time.h>

#include "demuxsim/run.h"

/* A second signal sooner than this after the first is the same request. */
#define SAME_REQUEST_NS 500000000LL

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t seen;          /* signals caught so far */
static volatile sig_atomic_t kill_on_second;
static struct timespec first_at;
static volatile sig_atomic_t first_sig;
static pid_t first_pid;

static long long
ns_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);   /* async-signal-safe */
	return (long long)(now.tv_sec - t->tv_sec) * 1000000000LL + (now.tv_nsec - t->tv_nsec);
}

static void
on_stop_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	pid_t from = si ? si->si_pid : 0;
	if (seen++ == 0) {
		clock_gettime(CLOCK_MONOTONIC, &first_at);
		first_sig = sig;
		first_pid = from;
		stop_signal = sig;
		return;
	}
	if (!kill_on_second ||
	    (sig == first_sig && from == first_pid && ns_since(&first_at) < SAME_REQUEST_NS))
		return;
	/* The default action, once this handler returns and unblocks it. */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

/* Catch both signals; those ignored stay so unless @even_ignored. */
static void
catch_signals(bool even_ignored)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;   /* writes to a slow pipe go on */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	for (int i = 0; i < 2; i++) {
		int sig = i ? SIGTERM : SIGINT;
		struct sigaction old;
		if (sigaction(sig, NULL, &old) == 0 && (even_ignored || old.sa_handler != SIG_IGN))
			sigaction(sig, &sa, NULL);
	}
}

void
dm_stop_catch(void)
{
	/* One ignored when the run began (a background job of a script)
	 * stays ignored, as it would without a handler. */
	kill_on_second = 1;
	catch_signals(false);
}

void
dm_stop_catch_always(void)
{
	kill_on_second = 0;
	catch_signals(true);
}

int
dm_stop_signal(void)
{
	return stop_signal;
}

int
dm_stop_take(void)
{
	int sig = stop_signal;
	stop_signal = 0;
	return sig;
}
