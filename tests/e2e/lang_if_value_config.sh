#!/usr/bin/env bash
# `if` as a value (if c { a } else { b }, else-if chains, block-scoped
# branches), ?: whose branches are tuples, records or buf()s of the same
# type (tuples holding strings of other lengths are widened), kstack and
# ustack in BEGIN/END, and the `config` builtin: a record of the current
# config values, config.NAME a constant.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

fathom_run -e 'BEGIN { $x = if (pid > 0) { 1 } else { 2 };
  $y = if pid == 0 { "a" } else if pid == 1 { "b" } else { $z = "zz"; $z };
  print(($x, $y)); exit(); }'
expect_exit 0
expect_stdout_eq '(1, zz)'

fathom_run -e 'BEGIN { $t = pid > 0 ? (1, "ab") : (2, "cd"); print($t);
  $u = pid == 0 ? (1, "a") : (2, "cde"); print($u);
  $r = pid > 0 ? (a=1, b="x") : (a=2, b="y"); print($r.b);
  $b = pid == 0 ? buf("abc", 3) : buf("def", 3); printf("%r\n", $b); exit(); }'
expect_exit 0
expect_stdout_eq $'(1, ab)\n(2, cde)\nx\ndef'

# buf()s of different sizes: the larger type, each branch with its own
# length; as a map key the shorter one is zero-padded (one key per value,
# whatever the slot held before)
fathom_run -e 'BEGIN { $a = pid > 0 ? buf("hi", 2) : buf("bye", 3); print($a);
  $b = pid == 0 ? buf("hi", 2) : buf("bye", 3); printf("%r\n", $b);
  @m[pid == 0 ? buf("hi", 2) : buf("bye", 3)] = count();
  @m[pid > 0 ? buf("hi", 2) : buf("bye", 3)] = count();
  @m[pid > 0 ? buf("hi", 2) : buf("bye", 3)] = count(); exit(); }'
expect_exit 0
expect_stdout_eq $'hi\nbye\n\n\n@m[bye]: 1\n@m[hi]: 2'

fathom_run -e 'BEGIN { $x = if pid > 0 { 1 }; }'
expect_exit 1
expect_stderr_eq 'stdin:1:14-30: ERROR: an if used as a value needs a value from every branch
BEGIN { $x = if pid > 0 { 1 }; }
             ~~~~~~~~~~~~~~~~
HINT: give it an else branch, and end every branch with a value: if c { 1 } else { 2 }'

fathom_run -e 'BEGIN { $x = if pid > 0 { 1 } else { "s" }; }'
expect_exit 1
expect_stderr_match '^stdin:1:14-43: ERROR: both branches of if must have the same type \(int64 vs string\[2\]\)$'

fathom_run -e 'BEGIN { $x = pid > 0 ? (1, 2) : (1, "s"); }'
expect_exit 1
expect_stderr_match '^stdin:1:14-41: ERROR: both branches of \?: must have the same type \(\(int64, int64\) vs \(int64, string\[2\]\)\)$'

# kstack/ustack in BEGIN and END: captured and printed as elsewhere
fathom_run -e 'BEGIN { @k[kstack(2)] = count(); printf("[%s]\n", kstack(1)); exit(); } END { print(ustack(1)); }'
expect_exit 0
expect_stdout_match '^\[$'
expect_stdout_match '^        [_a-z0-9]+\+[0-9]+$'
expect_stdout_match '^@k\[$'
expect_stderr_eq 'Attached 2 probes'

# config: values after the config block and the environment
fathom_run -e 'config = { max_strlen = 64; stack_mode = perf } BEGIN { print(config.max_strlen); print(config.stack_mode);
  $c = config; printf("%s %d %s %d\n", $c.missing_probes, $c.max_map_keys, config.str_trunc_trailer, config.print_maps_on_exit);
  if (config.max_strlen < 100) { printf("small\n"); } exit(); }'
expect_exit 0
expect_stdout_eq $'64\nperf\nerror 4096 .. 1\nsmall'

BPFTRACE_MAX_STRLEN=200 fathom_run -e 'BEGIN { print(config.max_strlen); exit(); }'
expect_exit 0
expect_stdout_eq '200'

fathom_run -e 'BEGIN { print(config.max_strlne); }'
expect_exit 1
expect_stderr_eq "stdin:1:15-32: ERROR: config has no setting 'max_strlne'
BEGIN { print(config.max_strlne); }
              ~~~~~~~~~~~~~~~~~
HINT: config has cache_user_symbols, cpp_demangle, lazy_symbolication, license, log_size, max_bpf_progs, max_cat_bytes, max_map_keys, max_strlen, missing_probes, on_stack_limit, print_maps_on_exit, stack_mode, str_trunc_trailer, unstable_dw_ustack, unstable_import_statement, unstable_tseries, unstable_typeinfo"

# config() as current bpftrace also spells it; the settings fathom only
# accepts show their defaults, or the values the block or environment gave
fathom_run -e 'BEGIN { printf("%d %s %d\n", config().max_strlen, config().stack_mode, config().cpp_demangle); print(config()); exit(); }'
expect_exit 0
expect_stdout_eq '1024 bpftrace 1
{ .cache_user_symbols = PER_PID, .cpp_demangle = true, .lazy_symbolication = false, .license = GPL, .log_size = 1000000, .max_bpf_progs = 1024, .max_cat_bytes = 10240, .max_map_keys = 4096, .max_strlen = 1024, .missing_probes = error, .on_stack_limit = 32, .print_maps_on_exit = true, .stack_mode = bpftrace, .str_trunc_trailer = .., .unstable_dw_ustack = warn, .unstable_import_statement = error, .unstable_tseries = warn, .unstable_typeinfo = error }'

BPFTRACE_LOG_SIZE=5000 fathom_run -e 'config = { cpp_demangle = false; license = "Dual MIT/GPL" } BEGIN { printf("%d %d %s\n", config.log_size, config.cpp_demangle, config.license); exit(); }'
expect_exit 0
expect_stdout_eq '5000 0 Dual MIT/GPL'
