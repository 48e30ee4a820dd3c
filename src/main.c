/* main.c - the fathom command line: option parsing and the four phases
 * (compile, load, run, unload) of libfathom. */
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "btf.h"
#include "cmdline.h"
#include "elfsym.h"
#include "fathom.h"
#include "fileio.h"
#include "kinfo.h"
#include "probes.h"
#include "tracefs.h"

static volatile sig_atomic_t stop_requested;

enum { OPT_INFO = 256, OPT_UNSAFE, OPT_DRY_RUN, OPT_NO_WARNINGS, OPT_INCLUDE, OPT_USDT_FILE_ACTIVATION, OPT_BENCH,
       OPT_MODE, OPT_TEST, OPT_PROBE_FILTER, OPT_NO_FEATURE, OPT_DWARF_PID, OPT_DEBUGINFO, OPT_UNSUPPORTED }; /* long options without a short form */

static volatile sig_atomic_t sigusr1_received;

/* Counted: a second Ctrl-C while the backlog is printed drops the rest. */
static void on_signal(int sig)
{
	(void)sig;
	if (stop_requested < 2)
		stop_requested = stop_requested + 1;
}

/* SIGUSR1 runs the script's self:signal:SIGUSR1 probes, and otherwise
 * does nothing (it does not end the run), as in bpftrace. */
static void on_sigusr1(int sig)
{
	(void)sig;
	sigusr1_received = 1;
}

static void usage(FILE *out)
{
	fputs("USAGE:\n"
	      "    fathom [options] filename\n"
	      "    fathom [options] - <stdin input>\n"
	      "    fathom [options] -e 'program'\n"
	      "\n"
	      "OPTIONS:\n"
	      "    -e 'program'   execute this program\n"
	      "    -l [pattern]   list probes (tracepoint, profile, interval, software)\n"
	      "    -v             verbose messages (with -l: list probe arguments)\n"
	      "    -q             quiet: no \"Attached N probes\" line\n"
	      "    --unsafe       allow system() and signal()\n"
	      "    --dry-run      compile and load the programs, then exit without running them\n"
	      "    --bench, --mode bench\n"
	      "                   run the bench:NAME probes as benchmarks and print their times\n"
	      "    --test, --mode test\n"
	      "                   run the test:NAME probes as tests and report which passed\n"
	      "    --no-warnings  do not print warnings\n"
	      "    -B MODE        stdout buffering: line, full or none\n"
	      "    -k, -kk        warn when a probe read (-k) or a map update (-k) fails at run time\n"
	      "    -I DIR         where #include looks for headers (kernel types come from BTF)\n"
	      "    --include FILE a header to include before the script\n"
	      "    -p PID         trace only this process; stop when it exits\n"
	      "    -c 'CMD'       run CMD once the probes are attached, stop when it exits; its pid\n"
	      "                   is cpid, its USDT probes are traced (nothing else is filtered)\n"
	      "    --dwarf-pid PID\n"
	      "                   read this process's modules for dw_ustack at start, as those of -p\n"
	      "    --debuginfo DIR[:DIR...]\n"
	      "                   look for separate debug files here first (by build-id or debuglink;\n"
	      "                   a relative DIR is relative to the binary's directory; +DIR checks a\n"
	      "                   debuglink file by its CRC32 instead of its build-id); repeatable\n"
	      "    -o FILE        write trace output to FILE (errors stay on stderr)\n"
	      "    -f FORMAT      output format: text (default) or json\n"
	      "    -d STAGE       print a compiler stage, then exit: ast (parse), types, bpf (codegen,\n"
	      "                   codegen-opt, dis), verifier (libbpf: each program's verifier log)\n"
	      "                   or all (-dd)\n"
	      "    --probe-filter REGEX\n"
	      "                   attach only the probes whose names match (begin and end always run)\n"
	      "    --no-feature uprobe_multi,kprobe_multi,kprobe_session\n"
	      "                   do not use these kernel features even where they work\n"
	      "    --info         print what this kernel supports, then exit\n"
	      "    -h, --help     show this help\n"
	      "    -V, --version  show the version\n"
	      "\n"
	      "EXAMPLES:\n"
	      "    fathom -l '*sleep*'\n"
	      "    fathom -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
	      "    fathom -e 'tracepoint:syscalls:sys_enter_openat { printf(\"%s %s\\n\", comm, str(args->filename)); }'\n",
	      out);
}

struct cli {
	const char *program_text;
	const char *program_file;
	const char *list_pattern;
	bool list;
	bool verbose;
	bool quiet;
	bool unsafe;      /* --unsafe: allow system() and signal() */
	int helper_warnings; /* -k, -kk: report failed helper calls */
	int pid;          /* -p PID */
	int *dwarf_pids;  /* --dwarf-pid PID, each time given (owned) */
	int ndwarf_pids;
	const char *cmd;  /* -c 'CMD ARGS' */
	bool info;
	bool dry_run;     /* --dry-run: compile and load, do not run */
	enum fth_run_mode mode; /* --bench / --test / --mode bench|test */
	bool no_warnings; /* --no-warnings */
	const struct fth_output_ops *format; /* -f */
	const char *debug; /* -d: "ast", "types", "bpf", "all" or "verifier" */
	const char *probe_filter; /* --probe-filter REGEX */
	bool no_uprobe_multi;     /* --no-feature uprobe_multi */
	bool no_kprobe_multi;     /* --no-feature kprobe_multi */
	const char *output;
	char **positional; /* script arguments: $1.. and --name[=value] (owned) */
	int npositional;
	/* -I DIR and --include FILE, in order; one allocation, owned by dirs */
	const char **include_dirs, **include_files;
	int ninclude_dirs, ninclude_files;
};

/* The whole program text from f, or NULL when out of memory or unreadable. */
static char *read_program(FILE *f)
{
	char *text;

	return fth_read_stream(f, &text, NULL) ? NULL : text;
}
/* --bench, --test or --mode NAME: one run mode (bpftrace's other modes -
 * codegen, compiler-bench, format - are developer tools fathom lacks). */
static int set_run_mode(struct cli *cli, int opt, const char *mode_name)
{
	enum fth_run_mode mode;
	const char *flag = opt == OPT_TEST ? "--test" : "--bench";

	if (mode_name && !strcmp(mode_name, "bench")) {
		mode = FTH_RUN_BENCH;
	} else if (mode_name && !strcmp(mode_name, "test")) {
		mode = FTH_RUN_TEST;
	} else if (mode_name) {
		fprintf(stderr, "ERROR: --mode '%s' is not supported: fathom has --mode bench and --mode test\n",
			mode_name);
		return -1;
	} else {
		mode = opt == OPT_TEST ? FTH_RUN_TEST : FTH_RUN_BENCH;
	}
	if (cli->mode != FTH_RUN_TRACE) {
		fprintf(stderr, "ERROR: USAGE: %s conflicts with existing --mode\n", mode_name ? "--mode" : flag);
		return -1;
	}
	cli->mode = mode;
	return 0;
}

/* -d STAGE, in fathom's words or bpftrace's (-dd, 0.17's "all", is
 * "-d d"). NULL: none of them. */
static const char *debug_stage(const char *name)
{
	static const char *const stages[][2] = {
		{ "ast", "ast" },	 { "parse", "ast" },   { "types", "types" },	 { "bpf", "bpf" },
		{ "codegen", "bpf" },	 { "codegen-opt", "bpf" }, { "dis", "bpf" },	     { "all", "all" },
		{ "d", "all" },		 { "verifier", "verifier" }, { "libbpf", "verifier" },
	};

	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (!strcmp(name, stages[i][0]))
			return stages[i][1];
	return NULL;
}

/* --no-feature a,b: kernel features not to use even where they work. */
static int no_features(struct cli *cli, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	int rc = 0;

	if (!copy)
		return -1;
	for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		if (!strcmp(f, "uprobe_multi")) {
			cli->no_uprobe_multi = true;
		} else if (!strcmp(f, "kprobe_multi")) {
			cli->no_kprobe_multi = true;
		} else if (strcmp(f, "kprobe_session")) {
			/* fathom does not use it: nothing to turn off */
			fprintf(stderr, "ERROR: unknown feature '%s' for --no-feature: uprobe_multi, kprobe_multi or "
					"kprobe_session\n",
				f);
			rc = -1;
			break;
		}
	}
	free(copy);
	return rc;
}

static const char *unsupported_why(const char *opt)
{
	if (!strcmp(opt, "traceable-functions"))
		return "kernel functions are read from available_filter_functions";
	if (!strcmp(opt, "fmt"))
		return "it has no script formatter";
	return "it compiles straight to BPF, with no LLVM IR or ELF object to emit (-d bpf shows the instructions)";
}

static int parse_cli(int argc, char **argv, struct cli *cli)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "debug", required_argument, NULL, 'd' },
		{ "info", no_argument, NULL, OPT_INFO },
		{ "unsafe", no_argument, NULL, OPT_UNSAFE },
		{ "warnings", no_argument, NULL, 'k' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cmd", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "no-warnings", no_argument, NULL, OPT_NO_WARNINGS },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "usdt-file-activation", no_argument, NULL, OPT_USDT_FILE_ACTIVATION },
		{ "bench", no_argument, NULL, OPT_BENCH },
		{ "test", no_argument, NULL, OPT_TEST },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "probe-filter", required_argument, NULL, OPT_PROBE_FILTER },
		{ "no-feature", required_argument, NULL, OPT_NO_FEATURE },
		{ "dwarf-pid", required_argument, NULL, OPT_DWARF_PID },
		{ "debuginfo", required_argument, NULL, OPT_DEBUGINFO },
		/* bpftrace's, for what fathom does not have (said so) */
		{ "traceable-functions", required_argument, NULL, OPT_UNSUPPORTED },
		{ "emit-elf", required_argument, NULL, OPT_UNSUPPORTED },
		{ "emit-llvm", required_argument, NULL, OPT_UNSUPPORTED },
		{ "verify-llvm-ir", no_argument, NULL, OPT_UNSUPPORTED },
		{ "aot", required_argument, NULL, OPT_UNSUPPORTED },
		{ "fmt", no_argument, NULL, OPT_UNSUPPORTED },
		{ NULL, 0, NULL, 0 },
	};
	int c, nnamed = 0, longidx = 0;
	char **named;

	memset(cli, 0, sizeof(*cli));
	/* Unknown long options (--name=value) are named parameters for the
	 * script's getopt(), wherever they appear, as in bpftrace. */
	named = calloc((size_t)argc + 1, sizeof(char *));
	if (!named)
		return -1;
	cli->positional = named; /* freed by main on every path */
	cli->include_dirs = calloc(2 * ((size_t)argc + 1), sizeof(char *)); /* freed by main too */
	if (!cli->include_dirs)
		return -1;
	cli->include_files = cli->include_dirs + argc + 1;
	opterr = 0;
	cli->format = &fth_output_text;
	/* '+' stops at each non-option (the script file, a positional
	 * parameter); options after it are read too, as bpftrace's getopt
	 * does (`bpftrace file.bt --no-warnings`), up to a "--". */
	for (;;) {
	while ((c = getopt_long(argc, argv, "+e:lvqo:f:d:hVp:c:kI:B:", longopts, &longidx)) != -1) {
		switch (c) {
		case 'e':
			cli->program_text = optarg;
			break;
		case 'l':
			cli->list = true;
			break;
		case 'v':
			cli->verbose = true;
			fth_kernel_probe_verbose = true; /* say when kprobe/fentry stand in for each other */
			break;
		case 'q':
			cli->quiet = true;
			break;
		case 'o':
			cli->output = optarg;
			break;
		case 'f':
			cli->format = fth_output_find(optarg);
			if (!cli->format) {
				fprintf(stderr, "ERROR: Invalid output format \"%s\"\nValid formats: %s\n", optarg,
					fth_output_names());
				return -1;
			}
			break;
		case OPT_UNSAFE:
			cli->unsafe = true;
			break;
		case OPT_DRY_RUN:
			cli->dry_run = true;
			break;
		case OPT_BENCH:
		case OPT_TEST:
		case OPT_MODE:
			if (set_run_mode(cli, c, c == OPT_MODE ? optarg : NULL) < 0)
				return -1;
			break;
		case OPT_NO_WARNINGS:
			cli->no_warnings = true;
			break;
		case 'k':
			cli->helper_warnings++;
			break;
		case 'I': /* header search directory: where #include looks */
			cli->include_dirs[cli->ninclude_dirs++] = optarg;
			break;
		case OPT_INCLUDE: /* a header included before the script */
			cli->include_files[cli->ninclude_files++] = optarg;
			break;
		case OPT_USDT_FILE_ACTIVATION: /* bpftrace: activate USDT semaphores by file */
			break;
		case 'B':
			if (!strcmp(optarg, "line"))
				setvbuf(stdout, NULL, _IOLBF, 0);
			else if (!strcmp(optarg, "full"))
				setvbuf(stdout, NULL, _IOFBF, 0);
			else if (!strcmp(optarg, "none"))
				setvbuf(stdout, NULL, _IONBF, 0);
			else {
				fprintf(stderr, "ERROR: -B takes line, full or none, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'p':
		case OPT_DWARF_PID: {
			char *end;
			long pid = strtol(optarg, &end, 10);
			/* bpftrace's wording; 4194304 is the kernel's PID_MAX_LIMIT */
			if (!*optarg || *end) {
				fprintf(stderr, "ERROR: Failed to parse pid: pid '%s' is not a valid decimal number\n",
					optarg);
				return -1;
			}
			if (pid <= 0 || pid > 4194304) {
				fprintf(stderr, "ERROR: Failed to parse pid: pid '%s' out of valid pid range [1,4194304]\n",
					optarg);
				return -1;
			}
			if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
				fprintf(stderr, "ERROR: no process with pid %ld\n", pid);
				return -1;
			}
			if (c == 'p') {
				cli->pid = (int)pid;
				break;
			}
			if (!cli->dwarf_pids && !(cli->dwarf_pids = calloc((size_t)argc, sizeof(int))))
				return -1;
			cli->dwarf_pids[cli->ndwarf_pids++] = (int)pid;
			break;
		}
		case 'c':
			cli->cmd = optarg;
			break;
		case OPT_INFO:
			cli->info = true;
			break;
		case 'd':
			cli->debug = debug_stage(optarg);
			if (!cli->debug) {
				fprintf(stderr, "ERROR: -d takes ast, types, bpf, all or verifier (or bpftrace's names: "
						"parse, codegen, codegen-opt, dis, libbpf), not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case OPT_PROBE_FILTER:
			cli->probe_filter = optarg;
			break;
		case OPT_NO_FEATURE:
			if (no_features(cli, optarg) < 0)
				return -1;
			break;
		case OPT_DEBUGINFO:
			/* where separate debug files of stripped binaries are
			 * (symbols, uprobe args, source lines), before
			 * /usr/lib/debug */
			if (fth_elf_add_debug_dirs(optarg)) {
				fprintf(stderr, "ERROR: --debuginfo: too many directories (at most 32)\n");
				return -1;
			}
			break;
		case OPT_UNSUPPORTED:
			fprintf(stderr, "ERROR: --%s is a bpftrace option fathom does not have: %s\n",
				longopts[longidx].name, unsupported_why(longopts[longidx].name));
			return -1;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("fathom %s\n", FATHOM_VERSION);
			exit(0);
		default:
			if (optind > 1 && !strncmp(argv[optind - 1], "--", 2) && argv[optind - 1][2] &&
			    argv[optind - 1][2] != '-') {
				named[nnamed++] = argv[optind - 1];
				break;
			}
			if (optopt && strchr("eofdpcIB", optopt))
				fprintf(stderr, "ERROR: option -%c needs an argument\n", optopt);
			usage(stderr);
			return -1;
		}
	}
	/* getopt consumes a "--" and stops: what follows is positional */
	if (optind >= argc || !strcmp(argv[optind], "--") || !strcmp(argv[optind - 1], "--"))
		break;
	if (cli->list && !cli->program_text && !cli->list_pattern)
		cli->list_pattern = argv[optind++];
	else if (!cli->list && !cli->program_text && !cli->program_file)
		cli->program_file = argv[optind++];
	else
		named[nnamed++] = argv[optind++];
	}
	if (cli->info || cli->list)
		return 0;
	if (!cli->program_text && !cli->program_file) {
		fputs("ERROR: no program given (use -e 'PROGRAM', a FILE, or - for stdin)\n", stderr);
		usage(stderr);
		return -1;
	}
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	for (int i = optind; i < argc; i++)
		named[nnamed++] = argv[i];
	cli->positional = named;
	cli->npositional = nnamed;
	return 0;
}

static int load_source(const struct cli *cli, struct fth_source *src, char **owned)
{
	*owned = NULL;
	memset(src, 0, sizeof(*src));
	if (cli->program_text) {
		src->name = "stdin";
		src->text = cli->program_text;
	} else if (!strcmp(cli->program_file, "-")) {
		src->name = "stdin";
		*owned = read_program(stdin);
		src->text = *owned;
	} else {
		FILE *f = fopen(cli->program_file, "r");
		if (!f) {
			fprintf(stderr, "ERROR: failed to open file '%s': %s\n", cli->program_file, strerror(errno));
			return -1;
		}
		*owned = read_program(f);
		fclose(f);
		src->name = cli->program_file;
		src->text = *owned;
	}
	if (!src->text) {
		fputs("ERROR: out of memory reading the program\n", stderr);
		return -1;
	}
	src->len = (uint32_t)strlen(src->text);
	return 0;
}

/* FATHOM_RINGBUF_SIZE (bytes, undocumented): shrink or grow the event ring
 * buffer, e.g. to force lost events in tests. The kernel wants a power of
 * two that is a multiple of the page size. */
static int ringbuf_size_from_env(uint32_t *size)
{
	const char *s = getenv("FATHOM_RINGBUF_SIZE");
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long v;
	char *end;

	if (!s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v == 0 || v > (1ull << 31) || (v & (v - 1)) ||
	    (page > 0 && v % (unsigned long long)page)) {
		fprintf(stderr, "ERROR: FATHOM_RINGBUF_SIZE must be a power of two and a multiple of the "
				"page size (%ld), not \"%s\"\n", page, s);
		return -1;
	}
	*size = (uint32_t)v;
	return 0;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_sigusr1;
	sigaction(SIGUSR1, &sa, NULL);
}

/* -c: fork the command now (its pid is the `cpid` constant the programs are
 * compiled with) but let it exec only once the probes are attached: it
 * blocks reading a pipe that the runtime writes to. If fathom fails first,
 * the pipe closes and the child exits without running anything. */
static pid_t spawn_waiting_child(const char *cmd, int *fd_out)
{
	int pfd[2], argc;
	const char *why;
	char **argv = fth_split_command(cmd, &argc, &why);
	pid_t pid;

	if (!argv) {
		fprintf(stderr, "ERROR: cannot run the command '%s': %s\n"
				"HINT: quote an argument with spaces as 'a b' or \"a b\", and close every quote\n",
			cmd, why);
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		fprintf(stderr, "ERROR: cannot start '%s': %s\n", cmd, strerror(errno));
		free(argv);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		char go;
		close(pfd[1]);
		if (read(pfd[0], &go, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "ERROR: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	free(argv);
	if (pid < 0) {
		fprintf(stderr, "ERROR: cannot start '%s': %s\n", cmd, strerror(errno));
		close(pfd[1]);
		return -1;
	}
	*fd_out = pfd[1];
	return pid;
}

/* The program -c runs (as written) or -p names (/proc/PID/exe), for the
 * probes that name functions of "the traced program"; NULL without one. */
static const char *traced_binary(struct fth_program *prog, const struct cli *cli)
{
	const char *result = NULL;

	if (cli->cmd) {
		int argc;
		const char *why;
		char **argv = fth_split_command(cli->cmd, &argc, &why);
		if (argv && argc > 0)
			result = fth_arena_strdup(&prog->arena, argv[0]);
		free(argv);
	} else if (cli->pid > 0) {
		char link[64], path[PATH_MAX];
		ssize_t n;
		snprintf(link, sizeof(link), "/proc/%d/exe", cli->pid);
		n = readlink(link, path, sizeof(path) - 1);
		if (n > 0) {
			path[n] = 0;
			result = fth_arena_strdup(&prog->arena, path);
		}
	}
	return result;
}

/* The -c child does not outlive fathom (as with bpftrace): a run that
 * ends first (exit(), Ctrl-C, an error) kills it, and it is reaped. */
static void end_child(pid_t child)
{
	int status;

	if (waitpid(child, &status, WNOHANG) == 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
}

static int run_program(const struct cli *cli, struct fth_program *prog, struct fth_diag *diag, pid_t child,
		       int child_fd)
{
	struct fth_loader ld;
	struct fth_runtime_opts ropts = { 0 };
	FILE *out = stdout;
	int rc;

	if (geteuid() != 0) {
		fth_diag_plain(diag, FTH_SEV_ERROR, "run it with sudo, or grant CAP_BPF and CAP_PERFMON",
			       "fathom needs root privileges to load BPF programs");
		return 1;
	}
	if (cli->output) {
		out = fopen(cli->output, "w");
		if (!out) {
			int err = errno;
			fth_diag_plain(diag, FTH_SEV_ERROR, "-o needs a writable file in an existing directory",
				       "Failed to open output file: \"%s\": %s", cli->output, strerror(err));
			return 1;
		}
	}
	install_signals();
	if (fth_loader_load(&ld, prog, diag, cli->verbose)) {
		if (out != stdout)
			fclose(out);
		return 1;
	}
	ropts.out = out;
	ropts.output = cli->format;
	ropts.quiet = cli->quiet;
	ropts.mode = cli->mode;
	ropts.notify_attached = getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED") != NULL;
	ropts.stop = &stop_requested;
	ropts.sigusr1 = &sigusr1_received;
	ropts.child_fd = child_fd;
	ropts.watch_pid = child > 0 ? child : cli->pid;
	ropts.watch_is_child = child > 0;
	rc = fth_runtime_run(prog, &ld, diag, &ropts);
	if (diag->errors)
		rc = 1;
	fth_loader_unload(&ld);
	if (out != stdout)
		fclose(out);
	return rc;
}

/* `fathom script.bt -- --help`: the script's own options (its getopt()
 * calls) instead of a run, unless the script reads --help itself. */
static bool script_help_wanted(const struct fth_program *prog)
{
	bool asked = false;

	for (int i = 0; i < prog->named.len; i++)
		asked |= !strcmp(prog->named.items[i], "help");
	for (int i = 0; asked && i < prog->named_used.len; i++)
		if (!strcmp(prog->named_used.items[i], "help"))
			return false;
	return asked;
}

static void print_script_help(const struct fth_program *prog)
{
	if (!prog->getopt_help.len) {
		printf("This script has no named parameters (getopt()).\n");
		return;
	}
	printf("Named parameters of this script (give them after the script or after --):\n");
	for (int i = 0; i < prog->getopt_help.len; i++)
		printf("%s\n", (const char *)prog->getopt_help.items[i]);
}

/* -l with a program (-e or a script file): the probes it would attach,
 * without loading anything. */
static int list_program_probes(const struct fth_program *prog)
{
	for (int i = 0; i < prog->progs.len; i++) {
		const struct fth_prog *p = fth_program_prog(prog, i);
		bool seen = false;
		if (!p->inst || !p->inst->name || !strcasecmp(p->inst->name, "BEGIN") ||
		    !strcasecmp(p->inst->name, "END"))
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = !strcmp(fth_program_prog(prog, j)->inst->name, p->inst->name);
		if (!seen)
			printf("%s\n", p->inst->name);
	}
	return 0;
}

/* --dry-run: everything up to the kernel's verdict on the programs, then
 * unload; no probe fires, nothing is printed. */
static int dry_run(struct fth_program *prog, struct fth_diag *diag, bool verbose)
{
	struct fth_loader ld;

	if (geteuid() != 0) {
		fth_diag_plain(diag, FTH_SEV_ERROR, "run it with sudo, or grant CAP_BPF and CAP_PERFMON",
			       "fathom needs root privileges to load BPF programs");
		return 1;
	}
	if (fth_loader_load(&ld, prog, diag, verbose))
		return 1;
	fth_loader_unload(&ld);
	return 0;
}

/* -d STAGE: what the compiler made of the script, then exit. */
static int debug_dump(const struct cli *cli, struct fth_program *prog, struct fth_diag *diag)
{
	const char *stage = cli->debug;
	struct fth_loader ld;

	if (!strcmp(stage, "ast")) {
		fth_ast_print(stdout, prog->src, prog->ast);
	} else if (!strcmp(stage, "types")) {
		fth_ast_print_typed(stdout, prog->src, prog->ast);
	} else if (!strcmp(stage, "bpf")) {
		fth_codegen_dump(prog, stdout);
	} else {
		/* verifier (and all, last): each program's log from the kernel
		 * that loads it */
		if (!strcmp(stage, "all")) {
			fth_ast_print_typed(stdout, prog->src, prog->ast);
			fputc('\n', stdout);
			fth_codegen_dump(prog, stdout);
			fputc('\n', stdout);
		}
		fflush(stdout);
		if (geteuid() != 0) {
			fth_diag_plain(diag, FTH_SEV_ERROR, "run it with sudo, or grant CAP_BPF and CAP_PERFMON",
				       "fathom needs root privileges to load BPF programs");
			return 1;
		}
		if (fth_loader_load_logged(&ld, prog, diag))
			return 1;
		fth_loader_unload(&ld);
	}
	return 0;
}

/* -l 'struct task_struct' and friends list kernel types, not probes. */
static bool is_type_pattern(const char *pattern)
{
	return !strncmp(pattern, "struct ", 7) || !strncmp(pattern, "union ", 6) || !strncmp(pattern, "enum ", 5);
}

static int list_types(const char *pattern, bool verbose)
{
	int err = fth_btf_list_types(pattern, verbose, stdout);

	if (err) {
		fprintf(stderr, "ERROR: cannot list kernel types: %s (they come from /sys/kernel/btf/vmlinux)\n",
			strerror(-err));
		return 1;
	}
	return 0;
}

/* -l FILE lists the probes of the script FILE, as bpftrace does; a name
 * ending in .bt that does not exist is probably a mistyped file. */
static bool list_pattern_is_script(struct cli *cli)
{
	const char *p = cli->list_pattern;
	size_t n = p ? strlen(p) : 0;

	if (!p)
		return false;
	if (strchr(p, ':') == NULL && access(p, R_OK) == 0) {
		cli->program_file = p;
		return true;
	}
	if (n > 3 && !strcmp(p + n - 3, ".bt"))
		fprintf(stderr, "WARNING: It appears that '%s' is a filename but the file does not exist. "
				"Treating '%s' as a search pattern.\n", p, p);
	return false;
}

/* Everything after the command line is parsed; main frees what parse_cli
 * allocated, whichever way this returns. */
static int run_cli(struct cli *cli_)
{
	struct cli cli = *cli_;
	struct fth_source src;
	struct fth_diag diag;
	struct fth_program prog;
	struct fth_compile_opts copts = { 0 };
	char *owned;
	int rc, child_fd = -1;
	pid_t child_pid = 0;

	if (cli.info)
		return fth_runtime_info(stdout) ? 1 : 0;
	if (cli.list && !cli.program_text && cli.list_pattern && is_type_pattern(cli.list_pattern))
		return list_types(cli.list_pattern, cli.verbose);
	if (cli.list && !cli.program_text && list_pattern_is_script(&cli))
		cli.program_text = NULL; /* cli.program_file is set: list its probes */
	else if (cli.list && !cli.program_text && cli.pid > 0)
		return fth_user_probes_list_pid(cli.list_pattern, cli.pid, cli.verbose, stdout) ? 1 : 0;
	else if (cli.list && !cli.program_text)
		return fth_probes_list(cli.list_pattern, cli.verbose, stdout) ? 1 : 0;
	if (load_source(&cli, &src, &owned))
		return 1;
	fth_diag_init(&diag, &src, stderr);
	diag.quiet_warnings = cli.no_warnings;
	fth_program_init(&prog, &src);
	prog.config.ncpus = libbpf_num_possible_cpus();
	prog.config.unsafe = cli.unsafe;
	/* -d verifier and -d all load the programs: what this kernel can load */
	prog.config.compile_only = cli.debug != NULL && strcmp(cli.debug, "verifier") && strcmp(cli.debug, "all");
	prog.config.probe_filter = cli.probe_filter;
	prog.config.no_uprobe_multi = cli.no_uprobe_multi;
	prog.config.no_kprobe_multi = cli.no_kprobe_multi;
	prog.config.helper_warnings = cli.helper_warnings;
	prog.config.dwarf_pids = cli.dwarf_pids;
	prog.config.ndwarf_pids = cli.ndwarf_pids;
	prog.config.target_pid = cli.pid;
	prog.config.filter_pid = cli.pid;
	if (fth_own_pid_namespace(&prog.config.pidns_dev, &prog.config.pidns_ino) <= 0)
		prog.config.pidns_dev = prog.config.pidns_ino = 0;
	prog.config.target_binary = traced_binary(&prog, &cli);
	if (cli.cmd && !cli.debug) {
		child_pid = spawn_waiting_child(cli.cmd, &child_fd);
		if (child_pid < 0) {
			free(owned);
			fth_program_free(&prog);
			return 1;
		}
		prog.config.cpid = child_pid;
		prog.config.target_pid = child_pid;
	}
	if (ringbuf_size_from_env(&prog.config.ringbuf_size)) {
		fth_program_free(&prog);
		free(owned);
		return 1;
	}
	copts.positional = (const char *const *)cli.positional;
	copts.npositional = cli.npositional;
	copts.includes.dirs = cli.include_dirs;
	copts.includes.ndirs = cli.ninclude_dirs;
	copts.includes.files = cli.include_files;
	copts.includes.nfiles = cli.ninclude_files;
	if (cli.debug && !strcmp(cli.debug, "ast"))
		copts.stop_after = FTH_STOP_AFTER_PARSE;
	if (fth_compile(&prog, &diag, &copts)) {
		rc = 1;
	} else if (cli.debug) {
		rc = debug_dump(&cli, &prog, &diag);
	} else if (script_help_wanted(&prog)) {
		print_script_help(&prog);
		rc = 0;
	} else if (cli.list) {
		rc = list_program_probes(&prog);
	} else if (cli.dry_run) {
		rc = dry_run(&prog, &diag, cli.verbose);
	} else {
		rc = run_program(&cli, &prog, &diag, child_pid, child_fd);
		child_fd = -1; /* the runtime wrote to it and closed it */
	}
	if (child_fd >= 0)
		close(child_fd); /* never started: the child exits */
	if (child_pid > 0)
		end_child(child_pid);
	fth_program_free(&prog);
	free(owned);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli cli;
	int rc = parse_cli(argc, argv, &cli) ? 1 : run_cli(&cli);

	free(cli.positional);
	free(cli.include_dirs);
	free(cli.dwarf_pids);
	return rc;
}
