/* report-svg.c - diagrams rendered to SVG through Graphviz's library
 * (libgvc), when demuxsim is built with it.
 */
#include "config.h"

#include <string.h>

#ifdef HAVE_GVC
#include <gvc.h>
#endif

#include "report-int.h"

#define SVG_ERROR (g_quark_from_static_string("dm-svg-error"))

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
dm_report_svg_render(const char *dot, size_t *len, GError **error)
{
#ifdef HAVE_GVC
	GVC_t *gvc = gvContext();
	Agraph_t *g = agmemread(dot);
	char *svg = NULL;

	if (!g) {
		g_set_error_literal(error, SVG_ERROR, 0,
		                    "Graphviz could not read the diagram");
	} else if (gvLayout(gvc, g, "dot") != 0) {
		g_set_error_literal(error, SVG_ERROR, 0,
		                    "Graphviz could not lay the diagram out");
	} else {
		char *data = NULL;
		unsigned int n = 0;
		if (gvRenderData(gvc, g, "svg", &data, &n) == 0 && data) {
			svg = g_strndup(data, n);
			*len = n;
		} else {
			g_set_error_literal(error, SVG_ERROR, 0,
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
	(void)len;
	g_set_error_literal(error, SVG_ERROR, 0,
	                    "built without Graphviz's libgvc");
	return NULL;
#endif
}
