/* report-svg.c - diagrams rendered to SVG through Graphviz's library
 * (libgvc), when demuxsim is built with it.
 *
 * Graphviz's own ID discipline gives a named object the address of its
 * name as its ID, and some of its lists (a graph's clusters) follow ID
 * order: the same diagram could then come out in another order whenever
 * the heap did.  The diagram is read here with a discipline that numbers
 * names in the order they are first seen, so that the same text always
 * gives the same picture.
 */
#include "config.h"

#include <string.h>

#ifdef HAVE_GVC
#include <gvc.h>
#endif

#include "report-int.h"

G_DEFINE_QUARK(dm-report-svg-error-quark, dm_report_svg_error)

#ifdef HAVE_GVC
/* Named objects get even IDs, 2 * (the name's number + 1); anonymous ones
 * odd IDs, as in Graphviz's own discipline. */
typedef struct {
	GHashTable *ids;     /* name -> its number + 1 */
	GPtrArray *names;    /* by number */
	IDTYPE anon;
} id_state;

static void *
id_open(Agraph_t *g, Agdisc_t *disc)
{
	(void)g;
	(void)disc;
	id_state *st = g_new0(id_state, 1);
	st->ids = g_hash_table_new(g_str_hash, g_str_equal);
	st->names = g_ptr_array_new_with_free_func(g_free);
	st->anon = 1;
	return st;
}

static long
id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	id_state *st = state;
	(void)objtype;
	if (!str) {
		*id = st->anon;
		st->anon += 2;
		return 1;
	}
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(st->ids, str));
	if (!n) {
		if (!createflag)
			return 0;
		char *name = g_strdup(str);
		g_ptr_array_add(st->names, name);
		n = st->names->len;
		g_hash_table_insert(st->ids, name, GUINT_TO_POINTER(n));
	}
	*id = (IDTYPE)n * 2;
	return 1;
}

static long
id_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
	return 1;
}

static void
id_free(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
}

static char *
id_print(void *state, int objtype, IDTYPE id)
{
	id_state *st = state;
	(void)objtype;
	if (id % 2 != 0 || id == 0 || id / 2 > st->names->len)
		return NULL;
	return g_ptr_array_index(st->names, id / 2 - 1);
}

static void
id_close(void *state)
{
	id_state *st = state;
	g_hash_table_unref(st->ids);
	g_ptr_array_unref(st->names);
	g_free(st);
}

static void
id_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t id_disc = {
	id_open, id_map, id_alloc, id_free, id_print, id_close, id_register,
};

/* The diagram's text, handed to the parser a line at a time. */
typedef struct {
	const char *text;
	size_t len, pos;
} text_chan;

static int
text_read(void *chan, char *buf, int bufsize)
{
	text_chan *c = chan;
	int n = 0;
	while (n < bufsize && c->pos < c->len) {
		char ch = c->text[c->pos++];
		buf[n++] = ch;
		if (ch == '\n')
			break;
	}
	return n;
}

static int
text_putstr(void *chan, const char *str)
{
	(void)chan;
	(void)str;
	return 0;
}

static int
text_flush(void *chan)
{
	(void)chan;
	return 0;
}

static Agiodisc_t text_io = { text_read, text_putstr, text_flush };
#endif

bool
dm_report_svg_available(void)
{
#ifdef HAVE_GVC
	return true;
#else
	return false;
#endif
}

char *
dm_report_svg_render(const char *dot, unsigned max_nodes, size_t *len, GError **error)
{
#ifdef HAVE_GVC
	GVC_t *gvc = gvContext();
	Agdisc_t disc = { &AgMemDisc, &id_disc, &text_io };
	text_chan chan = { dot, strlen(dot), 0 };
	Agraph_t *g = agread(&chan, &disc);
	char *svg = NULL;

	if (!g) {
		g_set_error_literal(error, DM_REPORT_SVG_ERROR, 0,
		                    "Graphviz could not read the diagram");
	} else if (max_nodes && (unsigned)agnnodes(g) > max_nodes) {
		g_set_error(error, DM_REPORT_SVG_ERROR, 0,
		            "it has %d nodes, more than the %u drawn here; --max-nodes N or "
		            "--host ADDR draw fewer, and --format dot | dot -Tsvg draws them all",
		            agnnodes(g), max_nodes);
	} else if (gvLayout(gvc, g, "dot") != 0) {
		g_set_error_literal(error, DM_REPORT_SVG_ERROR, 0,
		                    "Graphviz could not lay the diagram out");
	} else {
		char *data = NULL;
		unsigned int n = 0;
		if (gvRenderData(gvc, g, "svg", &data, &n) == 0 && data) {
			svg = g_strndup(data, n);
			*len = n;
		} else {
			g_set_error_literal(error, DM_REPORT_SVG_ERROR, 0,
			                    "Graphviz could not render SVG");
		}
		gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
	}
	if (g)
		agclose(g);
	gvFreeContext(gvc);
	return svg;
#else
	(void)dot;
	(void)max_nodes;
	(void)len;
	g_set_error_literal(error, DM_REPORT_SVG_ERROR, 0,
	                    "built without Graphviz's libgvc");
	return NULL;
#endif
}
