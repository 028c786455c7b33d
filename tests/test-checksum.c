#include "config.h"
#include <glib.h>
#include "demuxsim/checksum.h"
static void t(void) { g_assert_cmpuint(dm_csum_fold(0x1ffff), ==, 1); }
int main(int argc, char **argv) { g_test_init(&argc, &argv, NULL); g_test_add_func("/checksum/fold", t); return g_test_run(); }
