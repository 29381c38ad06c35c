/* sysinfo.h — reading the running guest: processes from /proc and the
 * IPv4 address from getifaddrs (the decisions are in guestinfo.h). */
#ifndef SYSINFO_H
#define SYSINFO_H

#include <stddef.h>

#include "guestinfo.h"

/* Read up to max processes from PROC_ROOT/PID/stat (proc_root is "/proc"
 * normally). Returns how many, or -1 if the directory cannot be read. */
int sysinfo_procs(const char *proc_root, struct proc_info *out, size_t max);

/* The guest's first non-loopback IPv4 address into out ("" if none). */
const char *sysinfo_ipv4(char *out, size_t len);

#endif
