#!/usr/bin/env bash
# import "file.bt": other scripts' probes and macros join the program, as
# in current bpftrace: names relative to the main script's directory (the
# current one for -e), each imported once, directories bring in their .bt
# files, the imported probes run first (bpftrace's merge order), an
# imported file may not have a config block, nothing world-writable is
# imported. Errors inside an imported file name that file; C headers and
# sources cannot be imported by fathom and say so.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

chmod 755 "$T"
mkdir -m 755 "$T/lib" "$T/other"
cat >"$T/lib.bt" <<'BT'
macro twice(x) { x * 2 }
BEGIN { printf("lib begin\n"); }
BT
cat >"$T/main.bt" <<'BT'
import "lib.bt";
import "lib.bt";
BEGIN { printf("main %d\n", twice(21)); exit(); }
BT
# run from elsewhere: the names are found beside the script
cd /
fathom_run "$T/main.bt"
expect_exit 0
expect_stdout_eq $'lib begin\nmain 42'

# a directory: its .bt files in name order, other files passed over
printf 'BEGIN { printf("a1\\n"); }\nBEGIN { printf("a2\\n"); }\n' >"$T/lib/a.bt"
printf 'BEGIN { printf("b\\n"); }\n' >"$T/lib/b.bt"
echo "not a script" >"$T/lib/notes.txt"
printf 'import "lib";\nBEGIN { printf("main\\n"); exit(); }\n' >"$T/dir.bt"
fathom_run "$T/dir.bt"
expect_exit 0
expect_stdout_eq $'b\na2\na1\nmain'
expect_stderr_eq 'Attached 4 probes'

# an imported file imports in turn; its macros use the ones it imported
printf 'import "lib.bt";\nmacro thrice(x) { twice(x) + x }\nlet @seen = hash(8);\n' >"$T/mid.bt"
printf 'import "mid.bt";\nBEGIN { @seen[1] = thrice(2); exit(); }\n' >"$T/nested.bt"
fathom_run "$T/nested.bt"
expect_exit 0
expect_stdout_eq $'lib begin\n\n\n@seen[1]: 6'

# an error in an imported file is shown in that file
printf '\nBEGIN { $x = nosuch(1); }\n' >"$T/bad.bt"
printf 'import "bad.bt";\nBEGIN { exit(); }\n' >"$T/usebad.bt"
fathom_run "$T/usebad.bt"
expect_exit 1
expect_stderr_eq "bad.bt:2:14-23: ERROR: unknown function 'nosuch'
BEGIN { \$x = nosuch(1); }
             ~~~~~~~~~
HINT: did you mean 'nsecs'?"

printf 'config = { max_strlen = 64 }\nBEGIN { }\n' >"$T/cfg.bt"
printf 'import "cfg.bt";\nBEGIN { exit(); }\n' >"$T/usecfg.bt"
fathom_run "$T/usecfg.bt"
expect_exit 1
expect_stderr_eq 'cfg.bt:1:1-29: ERROR: invalid `config` within import
config = { max_strlen = 64 }
~~~~~~~~~~~~~~~~~~~~~~~~~~~~
HINT: settings belong to the main script: move them there'

# -e: names are relative to the current directory
cd "$T"
fathom_run -e 'import "missing.bt"; BEGIN { exit(); }'
expect_exit 1
expect_stderr_eq 'stdin:1:1-20: ERROR: Unable to find suitable path for import
import "missing.bt"; BEGIN { exit(); }
~~~~~~~~~~~~~~~~~~~
HINT: checked: missing.bt'

fathom_run -e 'import "lib.bt"; BEGIN { printf("%d\n", twice(4)); exit(); }'
expect_exit 0
expect_stdout_eq $'lib begin\n8'

# nothing that every user may change is imported
mkdir -m 777 "$T/open"
chmod 777 "$T/open"
printf 'BEGIN { }\n' >"$T/open/w.bt"
printf 'import "open/w.bt";\nBEGIN { exit(); }\n' >"$T/usew.bt"
fathom_run "$T/usew.bt"
expect_exit 1
expect_stderr_eq "$T/usew.bt:1:1-19: WARNING: skipping due to global write permissions: \"$T/open/w.bt\"
import \"open/w.bt\";
~~~~~~~~~~~~~~~~~~
$T/usew.bt:1:1-19: ERROR: Unable to find suitable path for import
import \"open/w.bt\";
~~~~~~~~~~~~~~~~~~
HINT: checked: $T/open/w.bt"

chmod 666 "$T/lib/b.bt"
fathom_run "$T/dir.bt"
expect_exit 1
expect_stderr_eq "$T/dir.bt:1:1-13: ERROR: cowardly refusing to import from a directory with global write permissions: \"$T/lib/b.bt\"
import \"lib\";
~~~~~~~~~~~~
HINT: remove the write permission for others (chmod o-w)"
chmod 644 "$T/lib/b.bt"

fathom_run -e 'import "lib/notes.txt"; BEGIN { }'
expect_exit 1
expect_stderr_eq 'stdin:1:1-23: ERROR: unknown import type: "notes.txt"
import "lib/notes.txt"; BEGIN { }
~~~~~~~~~~~~~~~~~~~~~~
HINT: import .bt files, or a directory of them'

printf 'struct x { int a; };\n' >"$T/types.h"
fathom_run -e 'import "types.h"; BEGIN { }'
expect_exit 1
expect_stderr_eq 'stdin:1:1-17: ERROR: importing C sources, headers and BPF objects is not supported: "types.h"
import "types.h"; BEGIN { }
~~~~~~~~~~~~~~~~
HINT: fathom compiles scripts without a C compiler: define types in the script, or import .bt files'

fathom_run -e 'BEGIN { exit(); } import "lib.bt";'
expect_exit 1
expect_stderr_eq "stdin:1:19-25: ERROR: 'import' must come before probes
BEGIN { exit(); } import \"lib.bt\";
                  ~~~~~~
HINT: move it above the first probe, macro or map declaration"

# #ifdef and friends in an imported file, as in a script; their errors
# name the imported file
printf '#ifdef BPFTRACE_HAVE_BTF\nBEGIN { printf("btf\\n"); }\n#else\nBEGIN { printf("no btf\\n"); }\n#endif\n' >"$T/cond.bt"
printf 'import "cond.bt";\nBEGIN { exit(); }\n' >"$T/usecond.bt"
fathom_run "$T/usecond.bt"
expect_exit 0
if [ -r /sys/kernel/btf/vmlinux ]; then expect_stdout_eq 'btf'; else expect_stdout_eq 'no btf'; fi

printf '\n#ifdef X\nBEGIN { }\n' >"$T/badcond.bt"
printf 'import "badcond.bt";\nBEGIN { exit(); }\n' >"$T/usebadcond.bt"
fathom_run "$T/usebadcond.bt"
expect_exit 1
expect_stderr_eq 'badcond.bt:2:1-9: ERROR: this conditional has no #endif
#ifdef X
~~~~~~~~
HINT: close it with #endif'

# The #defines of an imported file (and of what it imports) count in the
# importing file after the import statement, as bpftrace preprocesses every
# file's C section together: values, function-like macros, a map body. One
# the imported file #undefs does not.
printf '#define LIMIT 40\n#define SQ(x) ((x) * (x))\n#define GONE 1\n#undef GONE\n' >"$T/defs_inner.bt"
printf '#define HITS @hits\nimport "defs_inner.bt";\nBEGIN { HITS[0] = LIMIT; }\n' >"$T/defs.bt"
printf 'import "defs.bt";\nBEGIN { HITS[1] = SQ(3) + LIMIT; printf("%%d\\n", SQ(LIMIT)); exit(); }\n' >"$T/usedefs.bt"
fathom_run "$T/usedefs.bt"
expect_exit 0
expect_stdout_eq $'1600\n\n\n@hits[0]: 40\n@hits[1]: 49'
printf 'import "defs.bt";\nBEGIN { print(GONE); exit(); }\n' >"$T/usegone.bt"
fathom_run "$T/usegone.bt"
expect_exit 1
expect_stderr_match "^$T/usegone.bt:2:15-19: ERROR: unknown identifier 'GONE'\$"
# The importing file's C definitions come before its imports: the imported
# #defines do not reach them.
printf 'struct s { char a[LIMIT]; };\nimport "defs.bt";\nBEGIN { exit(); }\n' >"$T/usedefs_early.bt"
fathom_run "$T/usedefs_early.bt"
expect_exit 1
expect_stderr_match "^$T/usedefs_early.bt:1:19-24: ERROR: unknown constant 'LIMIT'\$"
