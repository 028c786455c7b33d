/* report-backlog.c - a TCP listener's queues in the socket tables: its
 * backlog, the peaks of its SYN and accept queues, the SYN cookies it
 * sent and that came back, the SYNs it dropped (demux-backlog.c says how
 * they are counted). */
#include "config.h"

#include "report-backlog-int.h"

void
dm_report_backlog_text(dm_obuf *b, const dm_socket *s, int indent)
{
	dm_backlog_stats st;
	if (!dm_socket_backlog(s, &st))
		return;
	for (int i = 0; i < 8 + indent; i++)
		dm_obuf_lit(b, " ");
	dm_obuf_lit(b, "backlog ");
	dm_obuf_u64(b, st.backlog);
	if (st.declared_backlog)
		dm_obuf_lit(b, " (declared)");
	if (!st.syn_limit && !st.cookies_sent && !st.syn_queue_full) {
		dm_obuf_lit(b, ": no SYN received\n");
		return;
	}
	dm_obuf_lit(b, ": SYN queue peak ");
	dm_obuf_u64(b, st.syn_peak);
	dm_obuf_lit(b, "/");
	dm_obuf_u64(b, st.syn_limit);
	dm_obuf_lit(b, ", accept queue peak ");
	dm_obuf_u64(b, st.accept_peak);
	dm_obuf_lit(b, ", syncookies sent ");
	dm_obuf_u64(b, st.cookies_sent);
	dm_obuf_lit(b, " used ");
	dm_obuf_u64(b, st.cookies_used);
	if (st.syn_queue_full) {
		dm_obuf_lit(b, ", dropped syn-queue-full ");
		dm_obuf_u64(b, st.syn_queue_full);
	}
	if (st.accept_over) {
		dm_obuf_lit(b, ", accept queue over backlog ");
		dm_obuf_u64(b, st.accept_over);
	}
	dm_obuf_lit(b, "\n");
}

#define put_uint(w, member, v) do { jw_key_lit(w, member); jw_uint(w, v); } while (0)

void
dm_report_backlog_json(jw *w, const dm_socket *s, bool shard)
{
	dm_backlog_stats st;
	if (!dm_socket_backlog(s, &st))
		return;
	jw_key_lit(w, "backlog");
	jw_begin_object(w);
	put_uint(w, "backlog", st.backlog);
	jw_key_lit(w, "declared");
	jw_bool(w, st.declared_backlog);
	put_uint(w, "syn_queue_limit", st.syn_limit);
	put_uint(w, "accept_queue_limit", st.accept_limit);
	put_uint(w, "syn_queue_peak", st.syn_peak);
	put_uint(w, "accept_queue_peak", st.accept_peak);
	put_uint(w, "syncookies_sent", st.cookies_sent);
	put_uint(w, "syncookies_used", st.cookies_used);
	put_uint(w, "syn_queue_full", st.syn_queue_full);
	put_uint(w, "accept_queue_over", st.accept_over);
	bool complete;
	const GArray *ev = dm_socket_backlog_events(s, &complete);
	if (shard) {
		/* A shard's: its queue changes, for demuxsim merge. */
		jw_key_lit(w, "events");
		jw_begin_array(w);
		for (guint i = 0; ev && complete && i < ev->len; i++)
			jw_uint(w, g_array_index(ev, uint64_t, i));
		jw_end_array(w);
		jw_key_lit(w, "events_complete");
		jw_bool(w, complete);
	}
	jw_end_object(w);
}
