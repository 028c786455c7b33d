/* report-shard.c - what a shard's JSON report adds for demuxsim merge:
 * the shard, the version and the options it was made with, and for each
 * socket the frame that created it and its times as exact text (a JSON
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
	jw_key(w, "version");
	jw_string(w, PACKAGE_VERSION);
	jw_key(w, "options");
	jw_begin_array(w);
	for (const char *const *o = sh->options; *o; o++)
		jw_string(w, *o);
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

/* Where socket @id was created: frame * DM_SHARD_PACKETS + packet, 0 for
 * none known. */
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

	jw_key(w, "shard");
	jw_begin_object(w);
	uint64_t at = created_at(rep->shard, dm_socket_id(s));
	jw_key(w, "created_frame");
	jw_uint(w, at / DM_SHARD_PACKETS);
	if (at % DM_SHARD_PACKETS) {
		/* A packet inside the frame's tunnels: the how-manyth. */
		jw_key(w, "created_packet");
		jw_uint(w, at % DM_SHARD_PACKETS);
	}
	dm_socket_first_time(s, &sec, &nsec);
	time_text(w, "first", rep, sec, nsec, have);
	dm_socket_last_time(s, &sec, &nsec);
	time_text(w, "last", rep, sec, nsec, have);
	jw_end_object(w);
}
