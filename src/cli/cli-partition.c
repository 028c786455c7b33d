/* cli-partition.c - demuxsim partition -N N -o DIR FILES...: the frames
 * of a capture (its files in order, as one) written to the buckets of
 * their hosts' partitions, for demuxsim --shard K/N to read bucket K.
 */
#include "config.h"

#include "cli-int.h"
#include "cli-reasm-int.h"
#include "demuxsim/partition.h"
#include "demuxsim/run.h"

static const char *const description =
	"One streaming pass over FILES (rotated tcpdump -C/-G files, in order,\n"
	"are one capture) writes each frame to the bucket of the partition of\n"
	"its receiving host and of its sending host (once if the same; those\n"
	"of the packets inside its tunnels too; frames whose hosts cannot be\n"
	"told to partition 0).  In DIR, for partition K and input I:\n"
	"part-K-of-N.IIIII.pcap and its index part-K-of-N.IIIII.pcap.frames\n"
	"(each record's frame number in its input), and partition.ini.  Then\n"
	"  demuxsim --shard K/N -q --format json DIR/part-K-of-N.*.pcap\n"
	"for each K and demuxsim merge of the N reports give the report of\n"
	"the whole run.  The reassembly options must be those of the shards.\n"
	"\n"
	"Exit status: 0 done; 1 input or output error (one line names the\n"
	"file and frame; the buckets hold the frames before it); 2 usage error.";

int
dm_cli_partition(int argc, char **argv)
{
	gchar *dir = NULL;
	gchar **files = NULL;
	gint64 parts = 0;
	dm_reasm_cli ro = DM_REASM_CLI_INIT;
	GOptionEntry entries[] = {
		{ "parts", 'N', 0, G_OPTION_ARG_INT64, &parts,
		  "Write N buckets, one per partition (the N of --shard K/N)", "N" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &dir,
		  "Write the buckets into directory DIR (made if missing)", "DIR" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files,
		  NULL, "FILE..." },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	int status = DM_EXIT_USAGE;
	const GOptionEntry *tables[] = { entries, dm_reasm_cli_entries(&ro), NULL };
	if (!dm_cli_parse_options("demuxsim partition",
	                          "Partition a capture by host (demuxsim partition).",
	                          description, "demuxsim partition --help", tables, &argc, &argv))
		goto out;
	if (parts < 1 || parts > 65536 || !dir || !files || !*files) {
		g_printerr("demuxsim partition: -N N (1 to 65536), -o DIR and at least one "
		           "FILE are needed (try demuxsim partition --help)\n");
		goto out;
	}
	dm_reasm *ra;
	if (!dm_reasm_cli_make(&ro, &ra))
		goto out;
	status = dm_partition_run(dir, (uint32_t)parts, ra, (const char *const *)files,
	                          g_strv_length(files));
out:
	g_free(dir);
	g_strfreev(files);
	return status;
}
