/* dwunwind.c - DWARF stack unwinding of captured user stacks, see dwunwind.h. */
#include "dwunwind.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Processes whose module lists are kept; beyond that the oldest is
 * dropped (a profile of the whole machine sees many short-lived ones). */
#define CACHED_PIDS 32

/* One process: its modules (dwfl, attached to the thread callbacks
 * below), /proc/PID/mem, and the capture being unwound. */
struct pid_state {
	int pid;
	Dwfl *dwfl;
	int mem_fd;
	const struct fth_dwunwind_capture *cur;
	uint64_t last_use;
};

struct fth_dwunwind {
	struct pid_state pids[CACHED_PIDS];
	uint64_t clock;
};

/* Only .eh_frame of the loaded files is needed: no separate debug files
 * (which could mean a debuginfod download per module). */
static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name, (void)debuglink_file;
	(void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = no_debuginfo,
};

/* The one thread a capture has. */
static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct pid_state *ps = arg;

	(void)dwfl;
	if (*thread_argp || !ps->cur)
		return 0;
	*thread_argp = ps;
	return ps->cur->tid;
}

/* A word of the process: from the stack copy when it holds it (the live
 * stack has moved on since), else from /proc/PID/mem. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct pid_state *ps = arg;
	const struct fth_dwunwind_capture *c = ps->cur;
	uint64_t base = c->regs[FTH_DWUNWIND_SP];

	(void)dwfl;
	for (int i = 0; i < c->nuret; i++)
		if (c->uret[i][0] == addr) {
			*result = c->uret[i][1];
			return true;
		}
	if (addr >= base && addr - base + sizeof(*result) <= c->stack_len) {
		memcpy(result, c->stack + (addr - base), sizeof(*result));
		return true;
	}
	if (ps->mem_fd < 0)
		return false;
	return pread(ps->mem_fd, result, sizeof(*result), (off_t)addr) == (ssize_t)sizeof(*result);
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	struct pid_state *ps = thread_arg;
	Dwarf_Word regs[FTH_DWUNWIND_NREGS];

	for (int i = 0; i < FTH_DWUNWIND_NREGS; i++)
		regs[i] = ps->cur->regs[i];
	dwfl_thread_state_register_pc(thread, regs[FTH_DWUNWIND_IP]);
	return dwfl_thread_state_registers(thread, 0, FTH_DWUNWIND_NREGS, regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

static void pid_state_drop(struct pid_state *ps)
{
	if (ps->dwfl)
		dwfl_end(ps->dwfl);
	if (ps->mem_fd >= 0)
		close(ps->mem_fd);
	memset(ps, 0, sizeof(*ps));
	ps->mem_fd = -1;
}

/* Read pid's modules into ps (which must be empty). */
static int pid_state_open(struct pid_state *ps, int pid)
{
	char path[64];

	ps->pid = pid;
	ps->dwfl = dwfl_begin(&proc_callbacks);
	if (!ps->dwfl)
		return -ENOMEM;
	if (dwfl_linux_proc_report(ps->dwfl, pid) != 0 || dwfl_report_end(ps->dwfl, NULL, NULL) != 0 ||
	    !dwfl_attach_state(ps->dwfl, NULL, pid, &thread_callbacks, ps)) {
		pid_state_drop(ps);
		return -ESRCH;
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	ps->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	return 0;
}

/* The cached state of pid, read now if it is not cached (or, with
 * `refresh`, again). NULL when the process cannot be inspected. */
static struct pid_state *pid_state_get(struct fth_dwunwind *u, int pid, bool refresh)
{
	struct pid_state *victim = &u->pids[0];

	for (int i = 0; i < CACHED_PIDS; i++) {
		struct pid_state *ps = &u->pids[i];
		if (ps->dwfl && ps->pid == pid) {
			if (!refresh) {
				ps->last_use = ++u->clock;
				return ps;
			}
			victim = ps;
			break;
		}
		if (!ps->dwfl || (victim->dwfl && ps->last_use < victim->last_use))
			victim = ps;
	}
	pid_state_drop(victim);
	if (pid_state_open(victim, pid))
		return NULL;
	victim->last_use = ++u->clock;
	return victim;
}

struct fth_dwunwind *fth_dwunwind_new(void)
{
	struct fth_dwunwind *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	for (int i = 0; i < CACHED_PIDS; i++)
		u->pids[i].mem_fd = -1;
	return u;
}

void fth_dwunwind_free(struct fth_dwunwind *u)
{
	if (!u)
		return;
	for (int i = 0; i < CACHED_PIDS; i++)
		pid_state_drop(&u->pids[i]);
	free(u);
}

int fth_dwunwind_add_pid(struct fth_dwunwind *u, int pid)
{
	return pid_state_get(u, pid, false) ? 0 : -ESRCH;
}

struct frames_out {
	uint64_t *ips;
	int n, max;
};

static int take_frame(Dwfl_Frame *state, void *arg)
{
	struct frames_out *out = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation) || pc == 0)
		return DWARF_CB_ABORT;
	/* a return address: the call is the byte before it */
	out->ips[out->n++] = activation ? pc : pc - 1;
	return out->n < out->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/* Does a module of the list hold ip? dwfl_addrmodule alone does not say:
 * it answers the highest module below ip for an address above every
 * module's end (where a process's libraries are after an exec, or a
 * library loaded since may be), and unwinding with that module's rules
 * stops at the first frame. */
static bool known_module_holds(Dwfl *dwfl, uint64_t ip)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, ip);
	Dwarf_Addr start, end;

	return mod && dwfl_module_info(mod, NULL, &start, &end, NULL, NULL, NULL, NULL) && ip >= start && ip < end;
}

int fth_dwunwind_frames(struct fth_dwunwind *u, const struct fth_dwunwind_capture *c, uint64_t *ips, int max)
{
	struct frames_out out = { ips, 0, max };
	uint64_t ip = c->regs[FTH_DWUNWIND_IP];
	struct pid_state *ps;

	if (max <= 0 || ip == 0)
		return 0;
	ps = pid_state_get(u, c->pid, false);
	/* a library loaded since the modules were read: read them again */
	if (ps && !known_module_holds(ps->dwfl, ip))
		ps = pid_state_get(u, c->pid, true);
	if (!ps) {
		ips[0] = ip;
		return 1;
	}
	ps->cur = c;
	dwfl_getthread_frames(ps->dwfl, c->tid, take_frame, &out);
	ps->cur = NULL;
	if (out.n == 0)
		ips[out.n++] = ip;
	return out.n;
}

void fth_dwunwind_regs_from_pt_regs(const uint64_t pt[FTH_PT_REGS_WORDS], uint64_t regs[FTH_DWUNWIND_NREGS])
{
	/* for each DWARF register, its word in pt_regs */
	static const int from_pt[FTH_DWUNWIND_NREGS] = {
		10, /* rax */ 12, /* rdx */ 11, /* rcx */ 5, /* rbx */ 13, /* rsi */ 14, /* rdi */
		4,  /* rbp */ 19, /* rsp */ 9,  /* r8 */  8, /* r9 */  7,  /* r10 */ 6,  /* r11 */
		3,  /* r12 */ 2,  /* r13 */ 1,  /* r14 */ 0, /* r15 */ 16, /* rip */
	};

	for (int i = 0; i < FTH_DWUNWIND_NREGS; i++)
		regs[i] = pt[from_pt[i]];
}
