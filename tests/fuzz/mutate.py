#!/usr/bin/env python3
"""Mutation fuzzing of fathom's front end: bad input must never crash it.

Takes scripts the repository already has (tools/*.bt and the -e programs
of tests/e2e/*.sh), breaks them with token-level mutations (deleted,
repeated, swapped or foreign tokens, truncation, a flipped byte) and runs
`fathom -d STAGE -e MUTANT` on each. A mutant may be refused with an
error; it fails the run when fathom dies of a signal, reports a sanitizer
error, or hangs (20 s). Failing mutants are written to OUT_DIR.

  tests/fuzz/mutate.py [--seed N] [--count N | --seconds S]
                       [--stage bpf|types|ast|dry|run] [--out DIR] FATHOM

--stage run runs the mutants of the scripts that have only BEGIN/END
probes (as root): the run-time formatting too. One still running after
10 s gets SIGINT, as Ctrl-C, and must then end within 10 s.

With a fixed seed and count the run is repeatable (tests/e2e/fuzz_front_end.sh
runs a few hundred); --seconds runs a longer random campaign by hand.
"""
import argparse, glob, hashlib, os, random, re, signal, subprocess, sys, time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[A-Za-z_$@][A-Za-z0-9_]*|0x[0-9a-fA-F]+|\d+|->|<<=|>>=|<<|>>'
                   r'|[-+*/%&|^!=<>]=|&&|\|\||\+\+|--|\.\.|\s+|.', re.S)
# Tokens that reach the corners: every kind of statement and expression,
# literals at the limits, half comments and quotes, directives.
FOREIGN = ['{', '}', '(', ')', '[', ']', ';', ',', ':', '?', '+', '-', '*', '/', '%', '<<', '>>', '&&', '||',
           '!', '~', '==', '!=', '<', '>', '=', '+=', '++', '--', '->', '.', '$x', '@m', '@', '0', '1', '-1',
           '0xffffffffffffffff', '18446744073709551616', '"s"', '""', 'if', 'else', 'while', 'for', 'unroll',
           'return', 'break', 'continue', 'let', 'macro', 'fn', 'config', 'struct', 'union', 'enum', 'sizeof',
           'offsetof', 'typeof', 'comm', 'pid', 'args', 'arg0', 'retval', 'nsecs', 'kstack', 'ustack', 'str',
           'printf', 'print', 'count()', 'hist', 'lhist', 'stats', 'avg', 'delete', 'clear', 'exit', '@m[1]',
           '$1', '$#', 'BEGIN', 'END', 'tracepoint:syscalls:sys_enter_read', 'interval:s:1', '(int8)',
           '(struct task_struct *)', 'curtask', '0..10', '$kv', '.0', '&', '#define X 1\n',
           '#include <linux/sched.h>\n', '/*', '*/', '//', '\\', "'", '"', '%s', '%d', '%n', '\n', '@m[1,2]',
           '(1,2)', '(a=1)', 'bool', 'int64', 'uint8[4]', 'string', 'true', 'false', 'fail("%d", 1)']


def seeds():
    out = []
    for path in sorted(glob.glob(os.path.join(REPO, 'tools', '*.bt'))):
        with open(path, errors='replace') as f:
            out.append(f.read())
    one_liner = re.compile(r"fathom_run[^'\n]*'([^']+)'")
    for path in sorted(glob.glob(os.path.join(REPO, 'tests', 'e2e', '*.sh'))):
        with open(path, errors='replace') as f:
            out.extend(m.group(1) for m in one_liner.finditer(f.read()))
    return out


NUMBERS = ['0', '1', '-1', '7', '64', '255', '4096', '65536', '0x7fffffff', '0x80000000', '0xffffffff',
           '9223372036854775807', '0xffffffffffffffff']
WORD = re.compile(r'[A-Za-z_$@][A-Za-z0-9_]*$')


def mutate(rng, text, words):
    """One to four edits; the first two kinds keep the syntax, so that
    mutants also reach the type checker and the code generator."""
    toks = TOKEN.findall(text) or ['']
    for _ in range(rng.choice([1, 1, 1, 2, 3, 4])):
        i, op = rng.randrange(len(toks)), rng.random()
        if op < 0.2 and WORD.match(toks[i]):
            toks[i] = rng.choice(words)
        elif op < 0.35 and toks[i].isdigit():
            toks[i] = rng.choice(NUMBERS)
        elif op < 0.45:
            del toks[i]
        elif op < 0.6:
            toks.insert(i, rng.choice(FOREIGN))
        elif op < 0.7:
            toks[i] = rng.choice(FOREIGN)
        elif op < 0.78:
            j = rng.randrange(len(toks))
            toks[i], toks[j] = toks[j], toks[i]
        elif op < 0.86:
            toks[i:i] = toks[i:i + rng.randint(1, 6)]
        elif op < 0.93:
            raw = bytearray(''.join(toks).encode())
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(1, 256)
            return raw.decode(errors='replace')
        else:
            toks = toks[:i]
        toks = toks or ['']
    return ''.join(toks)


def run(cmd, env):
    """stderr and exit status of cmd (None: it would not end)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    try:
        _, err = proc.communicate(timeout=10 if '-q' in cmd else 20)
        return err.decode(errors='replace'), proc.returncode
    except subprocess.TimeoutExpired:
        if '-q' not in cmd:
            proc.kill()
            proc.communicate()
            return '', None
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=10)
        return err.decode(errors='replace'), proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return '', None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('fathom')
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--count', type=int, default=None)
    ap.add_argument('--seconds', type=float, default=None)
    ap.add_argument('--stage', default='bpf')
    ap.add_argument('--out', default='.')
    a = ap.parse_args()
    rng = random.Random(a.seed)
    corpus = seeds()
    if a.stage == 'run':
        probe = re.compile(r'(^|[}\s])([A-Za-z_]+:[^\s{]*)\s*[{/]')
        corpus = [t for t in corpus if re.search(r'\b(BEGIN|begin)\b', t) and not probe.search(t)]
    if not corpus:
        sys.exit('mutate.py: no seed scripts found under ' + REPO)
    words = sorted({t for text in corpus for t in TOKEN.findall(text) if WORD.match(t)})
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1', UBSAN_OPTIONS='print_stacktrace=1')
    cmd = [a.fathom] + {'dry': ['--dry-run'], 'run': ['-q']}.get(a.stage, ['-d', a.stage])
    end = time.time() + a.seconds if a.seconds else None
    runs = problems = 0
    while (a.count is None or runs < a.count) and (end is None or time.time() < end):
        prog = mutate(rng, rng.choice(corpus), words)
        runs += 1
        why = None
        try:
            err, status = run(cmd + ['-e', prog], env)
            if status is None:
                why = 'no answer in 20 s (or to SIGINT)'
            elif status < 0:  # exit(-2) is status 254, a signal is negative
                why = 'killed by signal %d' % -status
            elif 'Sanitizer' in err or 'runtime error:' in err:
                why = 'sanitizer report'
        except OSError as e:
            why, err = 'cannot run: %s' % e, ''
        if why:
            problems += 1
            os.makedirs(a.out, exist_ok=True)
            name = os.path.join(a.out, 'fuzz-' + hashlib.md5(prog.encode()).hexdigest()[:12])
            with open(name + '.bt', 'w') as f:
                f.write(prog)
            with open(name + '.log', 'w') as f:
                f.write(why + '\n' + err[-6000:])
            print('%s: %s (%s.bt)' % (why, prog[:120].replace('\n', '\\n'), name))
    print('%d mutants, %d problems' % (runs, problems))
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
