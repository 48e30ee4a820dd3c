/* usyms.h - user-space symbols for ustack, usym() and uprobe addresses:
 * an address in a process is mapped through /proc/PID/maps to a file and
 * an offset in it, then to the function symbol that contains it.
 *
 * Memory maps are cached per process and symbol tables per file, so a
 * profile of one busy process reads each ELF file once. Symbol tables come
 * from the file itself and, when it is stripped, from its debug file
 * found by build-id (elfsym.c). */
#ifndef FATHOM_USYMS_H
#define FATHOM_USYMS_H

#include <stdbool.h>
#include <stdint.h>

struct fth_usyms;

struct fth_usyms *fth_usyms_new(void);
void fth_usyms_free(struct fth_usyms *u);

/* Follow the executable mappings processes make from now on (the kernel's
 * perf MMAP2, exec and fork records, every CPU), so that a process that
 * exits before its addresses are symbolized still resolves: without it, a
 * process is known only while /proc/PID/maps can be read. 0 or negative
 * errno (then lookups use /proc alone). Records are read by
 * fth_usyms_poll, which the caller runs now and then so that the kernel's
 * buffers do not overflow, and by lookups. */
int fth_usyms_follow_mappings(struct fth_usyms *u);
void fth_usyms_poll(struct fth_usyms *u);

/* A process that exits stays known, for stacks printed later (a map
 * printed at exit), among the FTH_USYMS_MAX_EXITED newest exits; older
 * ones are forgotten by fth_usyms_poll, so that following a busy machine
 * takes bounded memory. A pid given to a new process (a fork record)
 * starts over from the new process's parent. */
#define FTH_USYMS_MAX_EXITED 4096

/* A process whose file tree is not fathom's (another mount namespace, a
 * chroot: a container) has its files read through its root, which is
 * held open with its namespace, so that they can still be read once it
 * has exited. Only the FTH_USYMS_MAX_HELD_VIEWS newest of those trees
 * whose processes have all exited stay held; the stacks of the processes
 * of older ones print as addresses. */
#define FTH_USYMS_MAX_HELD_VIEWS 64

struct perf_event_header;
/* One perf record as fth_usyms_follow_mappings reads them (MMAP2, COMM
 * with the exec flag, FORK, EXIT, LOST), each ending in the sample_id
 * trailer { u32 pid, tid; u64 time; }: for records read elsewhere, and
 * for tests. */
void fth_usyms_record(struct fth_usyms *u, const struct perf_event_header *h);

/* Resolve addr in process pid. Addresses outside file mappings are looked
 * up in the process's /tmp/perf-PID.map (JITs), if it has one. On success
 * *sym is the function name, *offset the distance from its start and
 * *module the file's path (all owned by u). Returns false when the process or its mapping is gone, or
 * no symbol covers the address. */
bool fth_usyms_lookup(struct fth_usyms *u, int pid, uint64_t addr, const char **sym, uint64_t *offset,
		      const char **module);

#endif
