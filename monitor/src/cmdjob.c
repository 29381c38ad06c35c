/* cmdjob.c — see cmdjob.h. */
#include "cmdjob.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t cmdjob_fork(int p[2], char *err, size_t errlen)
{
	pid_t pid;

	if (pipe(p)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		fcntl(p[0], F_SETFD, FD_CLOEXEC);
	}
	return pid;
}

int cmdjob_start(struct cmdjob *j, char *const argv[], char *err, size_t errlen)
{
	int p[2];
	pid_t pid;

	memset(j, 0, sizeof *j);
	j->fd = -1;
	pid = cmdjob_fork(p, err, errlen);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0 && null != STDIN_FILENO) {
			dup2(null, STDIN_FILENO);
			close(null);
		}
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		/* nothing else of livetop's (xenstore, /dev/vcsaN, other jobs' pipes) */
		for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
			close(fd);
		/* a session of its own: Ctrl-C on livetop's terminal, or the
		 * terminal going away, must not stop a move halfway */
		setsid();
		/* not the screen's handlers (they only set a flag) */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	j->pid = pid;
	j->fd = p[0];
	return 0;
}

/* Read all that is there now.  Past CMDJOB_OUT - 1 bytes the oldest half
 * is dropped: a command's last line (its outcome) is what counts. */
static void drain(struct cmdjob *j)
{
	const size_t half = (sizeof j->out - 1) / 2;

	while (!j->eof) {
		ssize_t n;

		if (j->outlen == sizeof j->out - 1) {
			memmove(j->out, j->out + half, j->outlen - half);
			j->outlen -= half;
		}
		n = read(j->fd, j->out + j->outlen, sizeof j->out - 1 - j->outlen);
		if (n > 0)
			j->outlen += (size_t)n;
		else if (n == 0)
			j->eof = true;
		else if (errno != EINTR)
			break;
	}
	j->out[j->outlen] = '\0';
}

bool cmdjob_poll(struct cmdjob *j, int *rc)
{
	int status;
	pid_t r;

	if (j->pid <= 0)
		return false;
	drain(j);
	r = waitpid(j->pid, &status, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return false;
	drain(j);   /* what it wrote just before it ended */
	*rc = r < 0 ? 1 : WIFEXITED(status) ? WEXITSTATUS(status)
		: WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
	close(j->fd);
	j->fd = -1;
	j->pid = 0;
	return true;
}

void cmdjob_last_line(const struct cmdjob *j, char *out, size_t len)
{
	size_t end = j->outlen, start;

	while (end && (j->out[end - 1] == '\n' || j->out[end - 1] == '\r' ||
		       j->out[end - 1] == ' '))
		end--;
	start = end;
	while (start && j->out[start - 1] != '\n')
		start--;
	if (len)
		snprintf(out, len, "%.*s", (int)(end - start), j->out + start);
}

bool cmdjob_next_line(const char **text, char *line, size_t len)
{
	size_t n = strcspn(*text, "\n");

	if (!**text)
		return false;
	if (len)
		snprintf(line, len, "%.*s", (int)(n < len ? n : len - 1), *text);
	*text += n + ((*text)[n] == '\n');
	return true;
}

void cmdjob_path(char *out, size_t len, const char *var, const char *dflt)
{
	const char *v = getenv(var);

	snprintf(out, len, "%s", v && *v ? v : dflt);
}

void cmdjob_forget(struct cmdjob *j)
{
	if (j->pid > 0)
		close(j->fd);
	j->fd = -1;
	j->pid = 0;
}
