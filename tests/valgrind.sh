#!/bin/sh
# valgrind.sh - run a test program under valgrind memcheck (make
# check-valgrind's LOG_COMPILER), and the demuxsim binary the test program
# runs ($DEMUXSIM) under it too.
#
# As LOG_COMPILER (valgrind.sh PROGRAM ARGS...): $DEMUXSIM is remembered in
# DEMUXSIM_VALGRIND_TOOL and replaced by this script, then PROGRAM runs
# under memcheck (exit 1 on an error or a leak); a test script (*.sh) runs
# in the shell, the tool it runs under memcheck.  Run by a test as
# $DEMUXSIM (DEMUXSIM_VALGRIND_TOOL set): the real binary runs under
# memcheck with ARGS; an error or a leak exits 86, a status the tool never
# uses, so the test sees it fail.  valgrind.supp beside it names the
# third-party libraries whose own leaks are not reported.
G_SLICE=always-malloc
G_DEBUG=gc-friendly
export G_SLICE G_DEBUG
here=$(cd "$(dirname "$0")" && pwd)
opts="--quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --vgdb=no --suppressions=$here/valgrind.supp"
if [ -n "${DEMUXSIM_VALGRIND_TOOL:-}" ]; then
	# shellcheck disable=SC2086
	exec valgrind --error-exitcode=86 $opts "$DEMUXSIM_VALGRIND_TOOL" "$@"
fi
case $0 in
/*) self=$0 ;;
*) self=$(pwd)/$0 ;;
esac
if [ -n "${DEMUXSIM:-}" ]; then
	DEMUXSIM_VALGRIND_TOOL=$DEMUXSIM
	DEMUXSIM=$self
	export DEMUXSIM DEMUXSIM_VALGRIND_TOOL
fi
case $1 in
*.sh) exec "$@" ;;   # a test script: only the tool it runs
esac
# shellcheck disable=SC2086
exec valgrind --error-exitcode=1 $opts "$@"
