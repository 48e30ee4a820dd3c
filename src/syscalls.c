/* syscalls.c - system call numbers <-> names, see syscalls.h. */
#include "syscalls.h"

#include <string.h>

#include "syscall_names.h"

#define NSYSCALLS (sizeof(fth_syscall_names) / sizeof(fth_syscall_names[0]))

const char *fth_syscall_name(uint64_t nr)
{
	return nr < NSYSCALLS ? fth_syscall_names[nr] : NULL;
}

bool fth_syscall_number(const char *name, int64_t *nr)
{
	for (size_t i = 0; i < NSYSCALLS; i++)
		if (fth_syscall_names[i] && !strcmp(fth_syscall_names[i], name)) {
			*nr = (int64_t)i;
			return true;
		}
	return false;
}
