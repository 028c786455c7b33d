/* progress.c - when to redraw the progress line of a file run: every
 * 1024 frames the clock is read, and the line is redrawn when a quarter
 * of a second has passed; a slow step after the reading (the HTML page)
 * is named by a thread once it has run a second, and every half second
 * after that.  The line itself is drawn by the report (report-progress.c).
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "demuxsim/report.h"
#include "progress-int.h"

#define CHECK_EVERY 1024
#define REDRAW_US (G_USEC_PER_SEC / 4)

struct dm_progress {
	const char *name;
	int64_t start, last;
	uint64_t frames;
	bool drawn;
	/* a slow step */
	GThread *thread;
	GMutex lock;
	GCond cond;
	bool step_done;
	char *what;
};

dm_progress *
dm_progress_new(void)
{
	dm_progress *p = g_new0(dm_progress, 1);
	g_mutex_init(&p->lock);
	g_cond_init(&p->cond);
	return p;
}

void
dm_progress_begin_input(dm_progress *p, const char *name)
{
	if (!p)
		return;
	p->name = name;
	p->frames = 0;
	p->start = p->last = g_get_monotonic_time();
}

void
dm_progress_count(dm_progress *p, const dm_capture *cap)
{
	if (++p->frames % CHECK_EVERY)
		return;
	int64_t now = g_get_monotonic_time();
	if (now - p->last < REDRAW_US)
		return;
	p->last = now;
	uint64_t done = 0, total = 0;
	if (!dm_capture_progress(cap, &done, &total))
		done = total = 0;
	dm_report_progress(stderr, p->name, p->frames, done, total,
	                   (double)(now - p->start) / G_USEC_PER_SEC);
	p->drawn = true;
}

void
dm_progress_end_input(dm_progress *p)
{
	if (p && p->drawn) {
		dm_report_progress_clear(stderr);
		p->drawn = false;
	}
}

static gpointer
step_thread(gpointer data)
{
	dm_progress *p = data;
	int64_t start = g_get_monotonic_time(), wait = start + G_USEC_PER_SEC;
	bool drawn = false;
	g_mutex_lock(&p->lock);
	while (!p->step_done) {
		if (!g_cond_wait_until(&p->cond, &p->lock, wait) && !p->step_done) {
			int64_t now = g_get_monotonic_time();
			dm_report_progress_step(stderr, p->what,
			                        (double)(now - start) / G_USEC_PER_SEC);
			drawn = true;
			wait = now + G_USEC_PER_SEC / 2;
		}
	}
	g_mutex_unlock(&p->lock);
	if (drawn)
		dm_report_progress_clear(stderr);
	return NULL;
}

void
dm_progress_step_begin(dm_progress *p, const char *what)
{
	if (!p)
		return;
	dm_progress_end_input(p);
	g_free(p->what);
	p->what = g_strdup(what);
	p->step_done = false;
	p->thread = g_thread_new("progress", step_thread, p);
}

void
dm_progress_step_end(dm_progress *p)
{
	if (!p || !p->thread)
		return;
	g_mutex_lock(&p->lock);
	p->step_done = true;
	g_cond_signal(&p->cond);
	g_mutex_unlock(&p->lock);
	g_thread_join(p->thread);
	p->thread = NULL;
}

void
dm_progress_free(dm_progress *p)
{
	if (!p)
		return;
	dm_progress_step_end(p);
	dm_progress_end_input(p);
	g_mutex_clear(&p->lock);
	g_cond_clear(&p->cond);
	g_free(p->what);
	g_free(p);
}
