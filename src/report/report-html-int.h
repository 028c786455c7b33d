/* report-html-int.h - the parts of the HTML report (--report) shared by
 * report-html.c (the page and its static sections), report-html-data.c
 * (the hosts, sockets and refusals as the page's embedded JSON) and
 * report-html-page.c (the page's style and script). */
#ifndef DM_REPORT_HTML_INT_H
#define DM_REPORT_HTML_INT_H

#include <stdio.h>

#include "report-int.h"

/* The page's style sheet and its script (which draws the hosts, the
 * timeline and the refused attempts from the embedded data). */
extern const char dm_html_style[];
extern const char dm_html_script[];

/* @hosts (dm_host *) sorted in place, the busiest (most segments received
 * by its sockets) first; ties by address. */
void dm_html_sort_hosts(GPtrArray *hosts);

/* Write the hosts' sockets, the timeline's span and the refused attempts
 * as one JSON object in a <script type="application/json" id="data">. */
void dm_html_write_data(FILE *out, const GPtrArray *hosts);

/* Write the diagram section: the whole diagram when Graphviz can draw it
 * on the page, else the busiest hosts' with what was left out. */
void dm_html_write_diagram(FILE *out, const dm_report *rep, const dm_demux *dm,
                           const GPtrArray *hosts);

/* report-html-calls.c: the section of each host's socket calls, and the
 * ladders of the connections kept (with their sockets' ids as the
 * <script id="ladders"> the socket tables link from). */
void dm_html_write_calls(FILE *out, const dm_report *rep);
void dm_html_write_ladders(FILE *out, const dm_report *rep);

#endif
