/* report-shard.c - what a shard's JSON report adds for demuxsim merge:
 * the shard, the version and the options it was made with, where the
 * sockets it does not list were created, and for each socket the frame,
 * packet and event that created it and its times as exact text (a JSON
 * reader would round the nanoseconds of a time read as a number).
 */
#include "config.h"

#include "demuxsim/shard.h"

#include "report-format-int.h"
#include "report-int.h"

void
dm_report_shard_json(jw *w, const dm_report *rep)
{
	const dm_shard_info *sh = rep->shard;
	jw_key(w, "shard");
	jw_begin_object(w);
	jw_key(w, "k");
	jw_uint(w, sh->k);
	jw_key(w, "n");
	jw_uint(w, sh->n);
	jw_key(w, "max_sockets");
	jw_uint(w, sh->max_sockets);
	jw_key(w, "max_memory");
	jw_uint(w, sh->max_memory);
	jw_key(w, "version");
	jw_string(w, PACKAGE_VERSION);
	jw_key(w, "options");
	jw_begin_array(w);
	for (const char *const *o = sh->options; *o; o++)
		jw_string(w, *o);
	jw_end_array(w);
	/* The sockets it made but does not list (discarded, left out):
	 * [id, where created], for they took an id all the same. */
	jw_key(w, "unlisted");
	jw_begin_array(w);
	for (guint i = 0; i < sh->created->len; i++) {
		if (i < sh->listed->len && g_array_index(sh->listed, guint8, i))
			continue;
		jw_begin_array(w);
		jw_uint(w, i + 1);
		jw_uint(w, g_array_index(sh->created, uint64_t, i));
		jw_end_array(w);
	}
	jw_end_array(w);
	/* What it held, [frame, sockets, memory, peak sockets, peak
	 * memory] from that frame on; the first, frame 0, what every shard
	 * holds (declared sockets). */
	jw_key(w, "held");
	jw_begin_array(w);
	for (guint i = 0; i < sh->held->len; i++) {
		const dm_shard_held *h = &g_array_index(sh->held, dm_shard_held, i);
		jw_begin_array(w);
		jw_uint(w, h->frame);
		jw_uint(w, h->sockets);
		jw_uint(w, h->memory);
		jw_uint(w, h->peak_sockets);
		jw_uint(w, h->peak_memory);
		jw_end_array(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void
time_text(jw *w, const char *member, const dm_report *rep, int64_t sec,
          uint32_t nsec, bool have)
{
	jw_key(w, member);
	if (!have) {
		jw_null(w);
		return;
	}
	char t[DM_FMT_TIME_MAX + 1];
	*dm_fmt_time(t, sec, rep->nano ? nsec : nsec / 1000, rep->nano) = '\0';
	jw_string(w, t);
}

/* Where socket @id was created (DM_SHARD_AT), 0 for none known. */
static uint64_t
created_at(const dm_shard_info *sh, guint id)
{
	if (id == 0 || id > sh->created->len)
		return 0;
	return g_array_index(sh->created, uint64_t, id - 1);
}

void
dm_report_shard_socket_json(jw *w, const dm_report *rep, const dm_socket *s)
{
	int64_t sec;
	uint32_t nsec;
	bool have = dm_socket_first_frame(s) != 0;

	guint id = dm_socket_id(s);
	if (id > 0 && id <= rep->shard->listed->len)
		g_array_index(rep->shard->listed, guint8, id - 1) = 1;
	jw_key(w, "shard");
	jw_begin_object(w);
	uint64_t at = created_at(rep->shard, id);
	jw_key(w, "created_frame");
	jw_uint(w, at / 2 / DM_SHARD_PACKETS);
	if (at / 2 % DM_SHARD_PACKETS) {
		/* A packet inside the frame's tunnels: the how-manyth. */
		jw_key(w, "created_packet");
		jw_uint(w, at / 2 % DM_SHARD_PACKETS);
	}
	/* By the receiving host (else by the sender, which comes first). */
	if (at % 2) {
		jw_key(w, "created_on_receive");
		jw_bool(w, true);
	}
	dm_socket_first_time(s, &sec, &nsec);
	time_text(w, "first", rep, sec, nsec, have);
	dm_socket_last_time(s, &sec, &nsec);
	time_text(w, "last", rep, sec, nsec, have);
	jw_end_object(w);
}
