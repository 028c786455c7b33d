/* stop.c - SIGINT and SIGTERM end a run as the end of its input would:
 * the handler only notes the signal (the run looks after each frame) and
 * gives both signals their default action back, so that a second one ends
 * the process at once.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "demuxsim/run.h"

static volatile sig_atomic_t stop_signal;
static struct sigaction default_action;

static void
on_stop_signal(int sig)
{
	struct sigaction old;
	for (int i = 0; i < 2; i++) {
		int other = i ? SIGTERM : SIGINT;
		if (sigaction(other, NULL, &old) == 0 && old.sa_handler == on_stop_signal)
			sigaction(other, &default_action, NULL);
	}
	stop_signal = sig;
}

/* Catch both signals; those ignored stay so unless @even_ignored. */
static void
catch_signals(bool even_ignored)
{
	struct sigaction sa;

	memset(&default_action, 0, sizeof default_action);
	default_action.sa_handler = SIG_DFL;
	sigemptyset(&default_action.sa_mask);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;   /* writes to a slow pipe go on */
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
	catch_signals(false);
}

void
dm_stop_catch_always(void)
{
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
