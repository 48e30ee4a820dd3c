#!/usr/bin/env bash
# #include is looked up, as clang does for bpftrace, without ever being
# read: kernel headers (satisfied from BTF), libc's sys/ headers and the
# compiler's own (stdint.h) need not be installed; a header in -I DIR or
# next to the script ("x.h") is found; --include FILE is checked the same
# way; anything else is an error at the directive, with its range.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

cat >"$T/ok.bt" <<'BT'
#include <linux/sched.h>
#include <net/sock.h>
#include <sys/socket.h>
#include <stdint.h>
#include "local.h"
#include <mine/found.h>
BEGIN { printf("included\n"); exit(); }
BT
echo 'struct local { int a; };' >"$T/local.h"
mkdir -p "$T/inc/mine" && echo 'struct found { int b; };' >"$T/inc/mine/found.h"
fathom_run -I "$T/inc" "$T/ok.bt"
expect_exit 0
expect_stdout_eq 'included'

# Without -I the header under inc/ is not found: error at the name.
fathom_run "$T/ok.bt"
expect_exit 1
expect_stderr_eq "$T/ok.bt:6:10-24: ERROR: 'mine/found.h' file not found
#include <mine/found.h>
         ~~~~~~~~~~~~~~
HINT: kernel headers (linux/..., net/...) need not be installed, fathom reads kernel types from BTF; install any other header or name its directory with -I DIR"

# bpftrace's runtime test: a missing library header fails; every missing
# header is reported, quoted or not.
fathom_run -e "$(printf '#include <lol/no.h>\n#include "nor/this.h"\nBEGIN { exit(); }')"
expect_exit 1
expect_stderr_eq "stdin:1:10-20: ERROR: 'lol/no.h' file not found
#include <lol/no.h>
         ~~~~~~~~~~
HINT: kernel headers (linux/..., net/...) need not be installed, fathom reads kernel types from BTF; install any other header or name its directory with -I DIR
stdin:2:10-22: ERROR: 'nor/this.h' file not found
#include \"nor/this.h\"
         ~~~~~~~~~~~~
HINT: kernel headers (linux/..., net/...) need not be installed, fathom reads kernel types from BTF; install any other header or name its directory with -I DIR"

# A header in an inactive #if branch is not looked up.
fathom_run -e "$(printf '#if 0\n#include <lol/no.h>\n#endif\nBEGIN { printf("skipped\\n"); exit(); }')"
expect_exit 0
expect_stdout_eq 'skipped'

# A malformed directive.
fathom_run -e "$(printf '#include lol.h\nBEGIN { exit(); }')"
expect_exit 1
expect_stderr_match "#include expects \"FILENAME\" or <FILENAME>"

# --include FILE: looked up like <FILE>.
fathom_run --include mine/found.h -I "$T/inc" -e 'BEGIN { printf("pre-included\n"); exit(); }'
expect_exit 0
expect_stdout_eq 'pre-included'
fathom_run --include lol/no.h -e 'BEGIN { exit(); }'
expect_exit 1
expect_stderr_eq "ERROR: --include: 'lol/no.h' file not found
HINT: kernel headers (linux/..., net/...) need not be installed, fathom reads kernel types from BTF; install any other header or name its directory with -I DIR"
