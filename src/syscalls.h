/* syscalls.h - this architecture's system call numbers and names (the
 * table is generated from the uapi header at build time). */
#ifndef FTH_SYSCALLS_H
#define FTH_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>

/* The name of system call nr ("nanosleep"), or NULL. */
const char *fth_syscall_name(uint64_t nr);

/* The number of the system call called `name` (without __NR_). */
bool fth_syscall_number(const char *name, int64_t *nr);

#endif
