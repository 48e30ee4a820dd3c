/* fathom.c - the library's front door: the compile pipeline and the
 * program container, see fathom.h and program.h. */
#include "fathom.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btf.h"
#include "cmacro.h"
#include "cpp.h"
#include "import.h"
#include "macro.h"
#include "parser.h"
#include "tracefs.h"

/* The power of two nearest to n (the lower one on a tie), as bpftrace
 * rounds its buffer page counts. */
static uint64_t closest_power_of_two(uint64_t n)
{
	uint64_t low = 1;

	while (low * 2 <= n)
		low *= 2;
	return n - low <= low * 2 - n ? low : low * 2;
}

/* The kernel takes a ring buffer of a power-of-two number of pages. */
static uint32_t ringbuf_bytes(uint64_t pages)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t bytes = closest_power_of_two(pages ? pages : 1) * (uint64_t)(page > 0 ? page : 4096);

	return bytes > (1u << 30) ? 1u << 30 : (uint32_t)bytes;
}

/* bpftrace's default size of the event ring buffer: the available memory
 * (MemAvailable), kept between 256 KiB and 16544 KiB, in the nearest
 * power-of-two number of pages (16 MiB on most machines). */
static uint32_t default_ringbuf_size(void)
{
	uint64_t avail_kb = 16544;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");
	long page = sysconf(_SC_PAGESIZE);

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long kb;
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
			avail_kb = kb;
			break;
		}
	}
	if (f)
		fclose(f);
	if (avail_kb > 16544)
		avail_kb = 16544;
	if (avail_kb < 256)
		avail_kb = 256;
	return ringbuf_bytes(avail_kb * 1024 / (uint64_t)(page > 0 ? page : 4096));
}

void fth_program_init(struct fth_program *prog, const struct fth_source *src)
{
	struct timespec ts;

	memset(prog, 0, sizeof(*prog));
	fth_arena_init(&prog->arena);
	prog->src = src;
	prog->config.max_strlen = FTH_DEFAULT_MAX_STRLEN;
	prog->config.max_map_keys = 4096;
	prog->config.max_cat_bytes = 10240;
	prog->config.log_size = 1000000;
	prog->config.license = "GPL";
	prog->config.ringbuf_size = default_ringbuf_size();
	prog->config.ncpus = 1;
	prog->config.print_maps_on_exit = true;
	prog->config.stack_mode = FTH_STACK_BPFTRACE;
	prog->config.str_trunc_trailer = "..";
	prog->config.unstable_typeinfo = FTH_UNSTABLE_ERROR;
	prog->config.unstable_addr = FTH_UNSTABLE_ENABLE;
	prog->stack_map = -1;
	prog->dw_seq_map = -1;
	prog->dw_uret_offsets[0] = -1;
	prog->scratch_map = -1;
	prog->func_names_map = -1;
	prog->signal_names_map = -1;
	prog->probe_names_map = -1;
	prog->skb_map = -1;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	prog->config.start_boot_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void fth_program_free(struct fth_program *prog)
{
	for (int i = 0; i < prog->progs.len; i++) {
		struct fth_prog *p = prog->progs.items[i];
		fth_insn_buf_free(&p->code);
		/* Instances of one attach point share nothing, so each format
		 * is freed once. */
		if (p->inst->tp) {
			fth_tp_format_free(p->inst->tp);
			p->inst->tp = NULL;
		}
	}
	for (int i = 0; i < prog->actions.len; i++) {
		struct fth_action *a = prog->actions.items[i];
		fth_printf_format_free(&a->format);
	}
	fth_btf_free(prog->btf);
	fth_arena_free(&prog->arena);
	memset(prog, 0, sizeof(*prog));
}

struct fth_btf *fth_program_btf(struct fth_program *prog)
{
	if (!prog->btf && !prog->btf_error)
		prog->btf_error = fth_btf_load(&prog->btf);
	return prog->btf;
}

struct fth_map *fth_program_map(const struct fth_program *prog, int index)
{
	return index >= 0 && index < prog->maps.len ? prog->maps.items[index] : NULL;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

struct fth_map *fth_program_stack_map(const struct fth_program *prog, int limit, bool build_id)
{
	for (int i = 0; i < prog->maps.len; i++) {
		struct fth_map *m = prog->maps.items[i];
		if (m->stack_limit == limit && m->stack_build_id == build_id)
			return m;
	}
	return NULL;
}

struct fth_map *fth_program_find_map(const struct fth_program *prog, const char *name)
{
	uint32_t mask = (uint32_t)prog->map_by_name_cap - 1;

	if (!prog->map_by_name_cap)
		return NULL;
	for (uint32_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
		struct fth_map *m = prog->map_by_name[i];
		if (!m || !strcmp(m->name, name))
			return m;
	}
}

static void index_map(struct fth_map **table, int cap, struct fth_map *map)
{
	uint32_t mask = (uint32_t)cap - 1;
	uint32_t i = name_hash(map->name) & mask;

	while (table[i])
		i = (i + 1) & mask;
	table[i] = map;
}

struct fth_map *fth_program_add_internal_map(struct fth_program *prog, const char *name, enum bpf_map_type type,
					     uint32_t key_size, uint32_t value_size, uint32_t max_entries)
{
	struct fth_map *m = fth_arena_alloc(&prog->arena, sizeof(*m));

	m->name = name;
	m->bpf_type = type;
	m->key_size = key_size;
	m->value_size = value_size;
	m->max_entries = max_entries;
	m->internal = true;
	m->fd = -1;
	fth_program_add_map(prog, m);
	return m;
}

void fth_program_add_map(struct fth_program *prog, struct fth_map *map)
{
	map->index = prog->maps.len;
	fth_ptrvec_push(&prog->arena, &prog->maps, map);
	if (map->internal)
		return;
	/* Keep the index at most half full; rebuild it when it grows. */
	if (2 * (prog->maps.len + 1) > prog->map_by_name_cap) {
		int cap = prog->map_by_name_cap ? prog->map_by_name_cap * 2 : 64;
		struct fth_map **table = fth_arena_alloc(&prog->arena, sizeof(*table) * (size_t)cap);
		for (int i = 0; i < prog->maps.len; i++) {
			struct fth_map *m = prog->maps.items[i];
			if (!m->internal)
				index_map(table, cap, m);
		}
		prog->map_by_name = table;
		prog->map_by_name_cap = cap;
		return;
	}
	index_map(prog->map_by_name, prog->map_by_name_cap, map);
}

struct fth_action *fth_program_action(const struct fth_program *prog, int index)
{
	return index >= 0 && index < prog->actions.len ? prog->actions.items[index] : NULL;
}

struct fth_prog *fth_program_prog(const struct fth_program *prog, int index)
{
	return index >= 0 && index < prog->progs.len ? prog->progs.items[index] : NULL;
}

/* Config keys are accepted as max_strlen, MAX_STRLEN or BPFTRACE_MAX_STRLEN;
 * a few have older names. Returns the canonical lower-case name. */
static const char *config_key(struct fth_arena *arena, const char *key)
{
	static const char *const renamed[][2] = {
		{ "strlen", "max_strlen" }, { "map_keys_max", "max_map_keys" },
		{ "cat_bytes_max", "max_cat_bytes" },
	};
	char *k;

	if (!strncasecmp(key, "bpftrace_", 9))
		key += 9;
	k = fth_arena_strdup(arena, key);
	for (char *c = k; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (!strcmp(k, renamed[i][0]))
			return renamed[i][1];
	return k;
}

/* The licenses the kernel treats as GPL-compatible (license_is_gpl_compatible). */
static bool license_is_gpl_compatible(const char *license)
{
	static const char *const ok[] = { "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
					  "Dual MIT/GPL", "Dual MPL/GPL" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(license, ok[i]))
			return true;
	return false;
}

/* The license string the kernel gets for `license`, a kernel license name
 * or an SPDX expression: one that names a GPL (GPL-2.0-or-later, "MIT OR
 * GPL-2.0", LGPL-2.1) is "GPL", which the kernel knows; any other is
 * passed as written, and the kernel then refuses GPL-only helpers (the
 * loader names the expression that called one). */
static const char *kernel_license(struct fth_arena *arena, const char *license)
{
	const char *t = license;

	if (license_is_gpl_compatible(license))
		return fth_arena_strdup(arena, license);
	while (*t) {
		size_t n;
		while (*t == ' ' || *t == '(' || *t == ')')
			t++;
		n = strcspn(t, " ()");
		if ((n >= 4 && !strncmp(t, "GPL-", 4)) || (n >= 5 && !strncmp(t, "LGPL-", 5)))
			return "GPL";
		t += n;
	}
	return fth_arena_strdup(arena, license);
}

/* bpftrace settings that only the environment may change. */
static bool config_env_only(const char *key)
{
	return !strcmp(key, "debug_output") || !strcmp(key, "btf") || !strcmp(key, "verify_llvm_ir");
}

/* In alphabetical order, as the `config` record lists them. */
const struct fth_config_passive fth_config_passive[FTH_CONFIG_PASSIVE] = {
	{ "cache_user_symbols", 's', "PER_PID" }, { "cpp_demangle", 'b', "true" },
	{ "lazy_symbolication", 'b', "false" },   { "license", 's', "GPL" },
	{ "log_size", 'i', "1000000" },           { "max_bpf_progs", 'i', "1024" },
	{ "on_stack_limit", 'i', "32" },          { "unstable_import_statement", 's', "error" },
};

static void remember_passive_setting(struct fth_program *prog, const char *key, const char *value)
{
	for (int i = 0; i < FTH_CONFIG_PASSIVE; i++)
		if (!strcmp(key, fth_config_passive[i].name))
			prog->config.passive[i] = fth_arena_strdup(&prog->arena, value);
}

/* Every setting current bpftrace accepts in a config block; fathom acts on
 * some and accepts the rest, so that bpftrace scripts still load. */
static bool config_known(const char *key)
{
	static const char *const known[] = {
		"cache_user_symbols", "cpp_demangle", "lazy_symbolication", "license", "log_size",
		"max_ast_nodes", "max_bpf_progs", "max_cat_bytes", "max_map_keys", "max_probes", "max_strlen",
		"max_type_res_iterations", "missing_probes", "on_stack_limit", "perf_rb_pages",
		"print_maps_on_exit", "show_debug_info", "stack_mode", "str_trunc_trailer", "symbol_source",
		"use_blazesym", "print_mode", "unstable_macro", "unstable_map_decl", "unstable_import",
		"unstable_tseries", "unstable_addr", "unstable_typeinfo", "unstable_let", "unstable_dw_ustack",
		"unstable_import_statement",
	};

	if (!strncmp(key, "unstable_", 9))
		return true;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(key, known[i]))
			return true;
	return false;
}

/* Just the key of a config item "key=value", for the caret line. */
static struct fth_range config_key_range(const struct fth_program *prog, struct fth_range where, const char *key)
{
	struct fth_range r = where;
	const char *text = prog->src->text;

	(void)key;
	for (r.end = r.begin; r.end < where.end && (isalnum((unsigned char)text[r.end]) || text[r.end] == '_');
	     r.end++)
		;
	return r.end > r.begin ? r : where;
}

/* A setting that needs a positive integer up to max got something else:
 * located at the config block's item, or plain for an environment
 * variable. A number that is merely too large is told as such, with the
 * limit, so that the fix is obvious. */
static int bad_positive_integer(struct fth_diag *diag, struct fth_range where, bool from_env, const char *key,
				const char *value, bool numeric, long long n, long long max)
{
	char what[160], hint[160];

	if (numeric && n > max) {
		snprintf(what, sizeof(what), "%s of %lld is too large: the limit is %lld", key, n, max);
		snprintf(hint, sizeof(hint), "use a value from 1 to %lld", max);
	} else {
		snprintf(what, sizeof(what), "%s must be a positive integer", key);
		snprintf(hint, sizeof(hint), "'%s' is not one: use a whole number from 1 to %lld", value, max);
	}
	if (from_env)
		fth_diag_plain(diag, FTH_SEV_ERROR, hint, "%s", what);
	else
		fth_error_hint(diag, where, hint, "%s", what);
	return -EINVAL;
}

/* Apply one setting from the config block or the environment. */
static int apply_config(struct fth_program *prog, struct fth_diag *diag, const char *key, const char *value,
			struct fth_range where, bool from_env)
{
	char *end;
	long long n = strtoll(value, &end, 0);
	bool numeric = *value && !*end;

	if (!strcmp(key, "max_cat_bytes") || !strcmp(key, "log_size")) {
		if (!numeric || n <= 0 || n > (1 << 30))
			return bad_positive_integer(diag, where, from_env, key, value, numeric, n, 1 << 30);
		if (!strcmp(key, "log_size"))
			prog->config.log_size = (uint32_t)n;
		else
			prog->config.max_cat_bytes = (uint32_t)n;
	} else if (!strcmp(key, "max_strlen") || !strcmp(key, "max_map_keys")) {
		if (!numeric || n <= 0 || n > (1 << 20))
			return bad_positive_integer(diag, where, from_env, key, value, numeric, n, 1 << 20);
		if (key[4] == 's')
			prog->config.max_strlen = (uint32_t)(n > FTH_MAX_STRLEN_LIMIT ? FTH_MAX_STRLEN_LIMIT : n);
		else
			prog->config.max_map_keys = (uint32_t)n;
	} else if (!strcmp(key, "perf_rb_pages")) {
		/* the event ring buffer's pages across all CPUs (bpftrace: at
		 * least one per CPU) */
		if (!numeric || n <= 0 || n > (1 << 18))
			return bad_positive_integer(diag, where, from_env, key, value, numeric, n, 1 << 18);
		prog->config.ringbuf_size = ringbuf_bytes((uint64_t)(n < prog->config.ncpus ? prog->config.ncpus : n));
	} else if (!strcmp(key, "missing_probes")) {
		if (!strcmp(value, "error"))
			prog->config.missing_probes = FTH_MISSING_ERROR;
		else if (!strcmp(value, "warn"))
			prog->config.missing_probes = FTH_MISSING_WARN;
		else if (!strcmp(value, "ignore"))
			prog->config.missing_probes = FTH_MISSING_IGNORE;
		else if (!from_env) {
			fth_error_hint(diag, where, "use error, warn or ignore", "invalid missing_probes value '%s'", value);
			return -EINVAL;
		}
	} else if (!strcmp(key, "stack_mode")) {
		int mode = fth_stack_mode_by_name(value);
		if (mode < 0) {
			if (from_env)
				fth_diag_plain(diag, FTH_SEV_ERROR, "use bpftrace, perf, raw or build_id",
					       "invalid stack_mode '%s'", value);
			else
				fth_error_hint(diag, where, "use bpftrace, perf, raw or build_id", "invalid stack_mode '%s'",
					       value);
			return -EINVAL;
		}
		prog->config.stack_mode = (enum fth_stack_mode)mode;
	} else if (!strcmp(key, "unstable_tseries") || !strcmp(key, "unstable_map_decl") ||
		   !strcmp(key, "unstable_typeinfo") || !strcmp(key, "unstable_dw_ustack") ||
		   !strcmp(key, "unstable_addr")) {
		static const char *const modes[] = { "warn", "enable", "error" };
		size_t i = 0;
		while (i < sizeof(modes) / sizeof(modes[0]) && strcmp(value, modes[i]))
			i++;
		if (i == sizeof(modes) / sizeof(modes[0])) {
			if (from_env)
				fth_diag_plain(diag, FTH_SEV_ERROR, "use enable, warn or error", "invalid %s value '%s'", key,
					       value);
			else
				fth_error_hint(diag, where, "use enable, warn or error", "invalid %s value '%s'", key, value);
			return -EINVAL;
		}
		int mode = i == 0 ? FTH_UNSTABLE_WARN : i == 1 ? FTH_UNSTABLE_ENABLE : FTH_UNSTABLE_ERROR;
		if (!strcmp(key, "unstable_tseries"))
			prog->config.unstable_tseries = mode;
		else if (!strcmp(key, "unstable_typeinfo"))
			prog->config.unstable_typeinfo = mode;
		else if (!strcmp(key, "unstable_dw_ustack"))
			prog->config.unstable_dw_ustack = mode;
		else if (!strcmp(key, "unstable_addr"))
			prog->config.unstable_addr = mode;
		else
			prog->config.unstable_map_decl = mode;
	} else if (!strcmp(key, "str_trunc_trailer")) {
		prog->config.str_trunc_trailer = fth_arena_strdup(&prog->arena, value);
	} else if (!strcmp(key, "print_maps_on_exit")) {
		prog->config.print_maps_on_exit = strcmp(value, "false") && strcmp(value, "0");
	} else if (!strcmp(key, "license")) {
		prog->config.license = kernel_license(&prog->arena, value);
	} else if (!from_env && config_env_only(key)) {
		fth_error_hint(diag, config_key_range(prog, where, key), "set BPFTRACE_%s in the environment instead",
			       "%s can only be set as an environment variable", key);
		return -EINVAL;
	} else if (!from_env && !config_known(key)) {
		fth_error_hint(diag, config_key_range(prog, where, key), "see bpftrace's list of config variables",
			       "Unrecognized config variable: %s", key);
		return -EINVAL;
	}
	/* Other bpftrace settings (symbol_source, ...) are
	 * accepted and have no effect on what fathom generates. */
	remember_passive_setting(prog, key, value);
	return 0;
}

static const char *config_value_text(struct fth_arena *arena, const struct fth_node *v)
{
	switch (v->kind) {
	case FTH_INT:
		return fth_arena_printf(arena, "%llu", (unsigned long long)v->u.integer);
	case FTH_STRING:
		return v->u.string.data;
	case FTH_BOOL:
		return v->u.integer ? "true" : "false";
	case FTH_IDENT:
		return v->u.ident.name;
	default:
		return "";
	}
}

/* The script's config block, then BPFTRACE_* environment variables, which
 * win as in bpftrace. */
static int apply_settings(struct fth_program *prog, struct fth_diag *diag)
{
	static const char *const env_keys[] = { "BPFTRACE_MAX_STRLEN", "BPFTRACE_STRLEN", "BPFTRACE_MAX_MAP_KEYS",
						"BPFTRACE_MAP_KEYS_MAX", "BPFTRACE_MISSING_PROBES",
						"BPFTRACE_STACK_MODE", "BPFTRACE_STR_TRUNC_TRAILER",
						"BPFTRACE_MAX_CAT_BYTES", "BPFTRACE_CAT_BYTES_MAX",
						"BPFTRACE_UNSTABLE_TSERIES", "BPFTRACE_UNSTABLE_TYPEINFO",
						"BPFTRACE_UNSTABLE_DW_USTACK",
						"BPFTRACE_PERF_RB_PAGES" };
	struct fth_node *config = prog->ast->u.program.config;
	int err = 0;

	for (int i = 0; config && i < config->u.config.items.len; i++) {
		struct fth_node *item = config->u.config.items.items[i];
		err |= apply_config(prog, diag, config_key(&prog->arena, item->u.config_item.key),
				    config_value_text(&prog->arena, item->u.config_item.value), item->range, false);
	}
	for (size_t i = 0; i < sizeof(env_keys) / sizeof(env_keys[0]); i++) {
		const char *v = getenv(env_keys[i]);
		if (v)
			err |= apply_config(prog, diag, config_key(&prog->arena, env_keys[i]), v, prog->ast->range, true);
	}
	for (int i = 0; i < FTH_CONFIG_PASSIVE; i++) {
		char env[64] = "BPFTRACE_";
		const char *v;
		for (size_t k = 0; fth_config_passive[i].name[k] && k + 10 < sizeof(env); k++)
			env[9 + k] = (char)toupper((unsigned char)fth_config_passive[i].name[k]);
		v = getenv(env);
		if (v)
			err |= apply_config(prog, diag, fth_config_passive[i].name, v, prog->ast->range, true);
	}
	return err ? -EINVAL : 0;
}

/* A --name parameter that no getopt() in the script reads is a typo or a
 * stale option, and bpftrace refuses it. */
static int report_unused_named(struct fth_program *prog, struct fth_diag *diag)
{
	char *list = NULL;

	for (int i = 0; i < prog->named.len; i++) {
		const char *arg = prog->named.items[i];
		size_t n = strcspn(arg, "=");
		bool used = !strcmp(arg, "help"); /* -- --help lists the options */
		for (int j = 0; j < prog->named_used.len && !used; j++) {
			const char *name = prog->named_used.items[j];
			used = strlen(name) == n && !strncmp(name, arg, n);
		}
		if (!used)
			list = list ? fth_arena_printf(&prog->arena, "%s, %.*s", list, (int)n, arg)
				    : fth_arena_printf(&prog->arena, "%.*s", (int)n, arg);
	}
	if (!list)
		return 0;
	fth_diag_plain(diag, FTH_SEV_ERROR, "each --name needs a getopt(\"name\") in the script",
		       "Unexpected command line options: %s", list);
	return -EINVAL;
}

/* The macro table of the program: BPFTRACE_HAVE_BTF is predefined when the
 * kernel has BTF, as bpftrace does for #ifdef BPFTRACE_HAVE_BTF. */
static struct fth_cmacros *new_macro_table(struct fth_program *prog)
{
	struct fth_cmacros *t = fth_cmacros_new(&prog->arena);

	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		fth_cmacros_predefine(t, "BPFTRACE_HAVE_BTF");
	return t;
}

/* Preprocess and parse the script; imports are resolved as the parser
 * meets them, then merged into the program. */
static int parse_program(struct fth_program *prog, struct fth_diag *diag)
{
	struct fth_importer *im;
	struct fth_parse_opts opts = { 0 };

	prog->cmacros = new_macro_table(prog);
	im = fth_importer_new(prog, diag);
	opts.macros = prog->cmacros;
	opts.on_import = fth_import_now;
	opts.import_ctx = im;
	prog->ast = fth_parse_with(prog->src, diag, &prog->arena, &opts);
	if (diag->errors)
		return -EINVAL;
	fth_importer_merge(im);
	return 0;
}

int fth_compile(struct fth_program *prog, struct fth_diag *diag, const struct fth_compile_opts *opts)
{
	if (parse_program(prog, diag))
		return -EINVAL;
	if (fth_check_includes(prog, diag, opts ? &opts->includes : NULL))
		return -EINVAL;
	/* Script arguments: "--name=value" and "--flag" are named parameters
	 * for getopt(); the rest are $1, $2, ... */
	for (int i = 0; opts && i < opts->npositional; i++) {
		const char *arg = opts->positional[i];
		if (!strcmp(arg, "--"))
			continue;
		if (!strncmp(arg, "--", 2) && arg[2])
			fth_ptrvec_push(&prog->arena, &prog->named, (void *)(arg + 2));
		else
			fth_ptrvec_push(&prog->arena, &prog->positional, (void *)arg);
	}
	if (apply_settings(prog, diag))
		return -EINVAL;
	if (fth_expand_macros(prog, diag))
		return -EINVAL;
	if (opts && opts->stop_after == FTH_STOP_AFTER_PARSE)
		return 0;
	if (fth_sema(prog, diag))
		return -EINVAL;
	if (report_unused_named(prog, diag))
		return -EINVAL;
	return fth_codegen(prog, diag);
}
