/* cmdjob.h — one command run in the background: fork and exec, its
 * standard output and error into one pipe read without blocking, reaped
 * with waitpid.  livetop's LAN mode (lan.c) runs xenlive-lan and
 * xenlive-migrate through it, and its netboot server (serve.c)
 * xenlive-serve, so the screen keeps answering keys while they take
 * seconds.  What a command printed is raw bytes (from the
 * network, in LAN mode's case): the caller makes it safe (safetext.h). */
#ifndef CMDJOB_H
#define CMDJOB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CMDJOB_OUT 2048        /* output kept: its end (older bytes are dropped) */

struct cmdjob {
	pid_t pid;                 /* 0 = not running */
	int fd;
	char out[CMDJOB_OUT];      /* NUL-terminated */
	size_t outlen;
	bool eof;
};

/* Start argv[0] (a path) with argv, in a session of its own (the
 * terminal's Ctrl-C and hangup do not reach it); stdin is /dev/null.
 * -1 with a one-line err when it cannot start (the job is then not
 * running). */
int cmdjob_start(struct cmdjob *j, char *const argv[], char *err, size_t errlen);
/* A pipe, then fork (stdio flushed first): 0 in the child, with both
 * ends of p open; the child's pid in the parent, with p[1] closed and
 * p[0] the read end, non-blocking and close-on-exec.  -1 with a one-line
 * err ("pipe: ..." or "fork: ...") and no end open when either fails.
 * cmdjob_start uses it, and so do the Xen backend's helpers (xen_jobs.c),
 * which fork without exec. */
pid_t cmdjob_fork(int p[2], char *err, size_t errlen);
static inline bool cmdjob_running(const struct cmdjob *j) { return j->pid > 0; }
/* Read what it wrote so far; once it has ended, true with its exit
 * status in *rc (0 = success; 127 = could not exec; 128+N = signal N)
 * and the job no longer running. */
bool cmdjob_poll(struct cmdjob *j, int *rc);
/* The last non-blank line of the output, without its newline, into out
 * (raw, at most len - 1 bytes); "" when it printed nothing. */
void cmdjob_last_line(const struct cmdjob *j, char *out, size_t len);
/* The next line of text (a job's output) into line, without its newline
 * (raw, cut at len - 1 bytes), and *text past it; false at the end. */
bool cmdjob_next_line(const char **text, char *line, size_t len);
/* A program's (or its state's) path: the environment variable var when it
 * is set and not empty (the tests' stand-ins), else dflt. */
void cmdjob_path(char *out, size_t len, const char *var, const char *dflt);
/* Forget a running job: its pipe is closed, it runs to its end, its
 * exit is not waited for here (livetop is quitting). */
void cmdjob_forget(struct cmdjob *j);

#endif
