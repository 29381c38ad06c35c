/* xen_jobs.c — the Xen backend's helper processes: a launch (libxl's
 * domain build, its hotplug scripts) or a destroy runs in a forked child,
 * at a lower priority than the screen, which reports "OK ..." or
 * "ERR why" through a pipe.  At most MAX_RUNNING run at once; later ones
 * wait in a queue (shown as launches in flight) and start as others end.
 * State and messages: backend_xen_int.h. */
#include "backend_xen_int.h"
#include "cmdjob.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Helper processes at once (libxl domain builds, destroys); more jobs
 * wait in the queue, shown as launches in flight, and start as these end. */
#define MAX_RUNNING 16
#define JOB_NICE 10    /* helpers (domain builds, hotplug) yield to the screen */

static void __attribute__((noreturn)) child_run(struct xenb *x, struct job *j, int fd)
{
	char res[400];
	int null = open("/dev/null", O_RDWR), rc;

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);   /* not the screen's handlers: they only */
	signal(SIGHUP, SIG_DFL);    /* set a flag nobody reads here */
	/* the screen before the helpers: a fill must not make keys wait */
	(void)setpriority(PRIO_PROCESS, 0, JOB_NICE);
	libxl_postfork_child_noexec(x->ctx);
	rc = j->work(x, j, res, sizeof res);
	if (write(fd, res, strlen(res)) < 0)
		rc = 1;
	_exit(rc ? 1 : 0);
}

/* Fork j's helper, its result to come through j->fd. */
static int job_start(struct xenb *x, struct job *j, char *err, size_t errlen)
{
	int p[2];
	pid_t pid = cmdjob_fork(p, err, errlen);

	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		child_run(x, j, p[1]);
	}
	j->pid = pid;
	j->fd = p[0];
	j->outlen = 0;
	j->eof = 0;
	return 0;
}

static size_t jobs_running(const struct xenb *x)
{
	size_t n = 0;

	for (size_t i = 0; i < x->njobs; i++)
		n += x->jobs[i].pid > 0;
	return n;
}

/* Add j (a copy) to the jobs, doing work: started at once when fewer
 * than MAX_RUNNING run, else queued. -1 with err (and not added) when
 * its helper cannot start. */
static int spawn(struct xenb *x, const struct job *j, job_work *work, char *err, size_t errlen)
{
	struct job *q;

	if (x->njobs == x->jobs_cap) {
		x->jobs_cap = x->jobs_cap ? 2 * x->jobs_cap : MAX_RUNNING;
		x->jobs = xrealloc(x->jobs, x->jobs_cap * sizeof *x->jobs);
	}
	q = &x->jobs[x->njobs];
	*q = *j;
	q->work = work;
	q->pid = 0;
	q->fd = -1;
	if (jobs_running(x) < MAX_RUNNING && job_start(x, q, err, errlen))
		return -1;
	x->njobs++;
	return 0;
}

/* The helper's own libxl context (NULL with res set to "ERR why"). */
static libxl_ctx *helper_ctx(struct xenops_log *log, char *res, size_t len)
{
	char err[360];
	libxl_ctx *ctx;

	xenops_log_init(log, 0);
	if (!(ctx = xenops_ctx(log, err, sizeof err)))
		snprintf(res, len, "ERR %s", err);
	return ctx;
}

static int work_launch(struct xenb *x, struct job *j, char *res, size_t len)
{
	struct xenops_log log;
	libxl_ctx *ctx;
	uint32_t domid;
	char err[360];

	(void)x;
	if (!(ctx = helper_ctx(&log, res, len)))
		return 1;
	if (xenops_create(ctx, &log, j->cfg, j->t, &domid, err, sizeof err)) {
		snprintf(res, len, "ERR %s", err);
		libxl_ctx_free(ctx);
		return 1;
	}
	snprintf(res, len, "OK %u", domid);
	libxl_ctx_free(ctx);
	return 0;
}

static int work_destroy(struct xenb *x, struct job *j, char *res, size_t len)
{
	struct xenops_log log;
	libxl_ctx *ctx;

	(void)x;
	if (!(ctx = helper_ctx(&log, res, len)))
		return 1;
	if (libxl_domain_destroy(ctx, (uint32_t)j->domid, NULL)) {
		snprintf(res, len, "ERR libxl could not destroy domain %d%s%s", j->domid,
			 log.last[0] ? ": " : "", log.last);
		libxl_ctx_free(ctx);
		return 1;
	}
	snprintf(res, len, "OK %d", j->domid);
	libxl_ctx_free(ctx);
	return 0;
}

/* Read what j's helper wrote so far; true once it has ended (or is
 * lost), with all of its output read. */
static bool job_ended(struct job *j)
{
	int status;
	pid_t r;

	while (!j->eof && j->outlen < sizeof j->out - 1) {
		ssize_t n = read(j->fd, j->out + j->outlen, sizeof j->out - 1 - j->outlen);

		if (n > 0)
			j->outlen += (size_t)n;
		else if (n == 0)
			j->eof = 1;
		else if (errno != EINTR)
			break;
	}
	j->out[j->outlen] = '\0';
	r = waitpid(j->pid, &status, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return false;
	/* Finished (or lost: r < 0). Drain what is left. */
	for (;;) {
		ssize_t n = read(j->fd, j->out + j->outlen, sizeof j->out - 1 - j->outlen);

		if (n <= 0 || j->outlen + (size_t)n >= sizeof j->out - 1)
			break;
		j->outlen += (size_t)n;
	}
	j->out[j->outlen] = '\0';
	return true;
}

/* One message for a job that ended, said how ("OK ..." or "ERR why"). */
static void job_report(struct xenb *x, const struct job *j, const char *out)
{
	if (!strncmp(out, "OK ", 3)) {
		if (j->kind == JOB_LAUNCH)
			xenb_say(x, "%s created as domain %s, booting", j->name, out + 3);
		else
			xenb_say(x, "%s destroyed; its memory is free", j->name);
	} else {
		const char *why = !strncmp(out, "ERR ", 4) ? out + 4 : "the helper process died";

		xenb_say(x, "%s of %s failed: %s", j->kind == JOB_LAUNCH ? "launch" : "destroy",
			 j->name, why);
	}
}

static void job_drop(struct xenb *x, size_t i)
{
	free(x->jobs[i].cfg);
	memmove(&x->jobs[i], &x->jobs[i + 1], (x->njobs - i - 1) * sizeof *x->jobs);
	x->njobs--;
}

/* Start queued jobs, oldest first, while fewer than MAX_RUNNING run. */
static void start_queued(struct xenb *x)
{
	size_t running = jobs_running(x);
	char err[200], out[220];

	for (size_t i = 0; i < x->njobs && running < MAX_RUNNING; i++) {
		struct job *j = &x->jobs[i];

		if (j->pid)
			continue;
		if (job_start(x, j, err, sizeof err)) {
			snprintf(out, sizeof out, "ERR %s", err);
			job_report(x, j, out);
			job_drop(x, i--);
			continue;
		}
		running++;
	}
}

void xen_jobs_reap(struct xenb *x)
{
	for (size_t i = 0; i < x->njobs; i++) {
		struct job *j = &x->jobs[i];

		if (!j->pid || !job_ended(j))
			continue;
		close(j->fd);
		job_report(x, j, j->out);
		job_drop(x, i--);
	}
	start_queued(x);
}

int xen_jobs_destroy(struct xenb *x, int id, const char *name, char *err, size_t errlen)
{
	struct job j;

	for (size_t i = 0; i < x->njobs; i++)
		if (x->jobs[i].kind == JOB_DESTROY && x->jobs[i].domid == id)
			return 0;   /* already on it */
	memset(&j, 0, sizeof j);
	j.kind = JOB_DESTROY;
	j.domid = id;
	xstrlcpy(j.name, name, sizeof j.name);
	return spawn(x, &j, work_destroy, err, errlen);
}

int xen_jobs_launch(struct xenb *x, double now, const struct guestcfg *g, char *err, size_t errlen)
{
	struct job j;

	for (size_t i = 0; i < x->njobs; i++) {
		if (!strcmp(x->jobs[i].name, g->name)) {
			snprintf(err, errlen, "%s is already being created", g->name);
			return -1;
		}
	}
	memset(&j, 0, sizeof j);
	j.kind = JOB_LAUNCH;
	xstrlcpy(j.name, g->name, sizeof j.name);
	xstrlcpy(j.distro, g->distro, sizeof j.distro);
	j.mem_mib = g->memory_mib;
	j.t = now;
	j.cfg = xmalloc(sizeof *j.cfg);
	*j.cfg = *g;
	if (spawn(x, &j, work_launch, err, errlen)) {
		free(j.cfg);
		return -1;
	}
	return 0;
}

int xen_jobs_launching(const struct xenb *x)
{
	int n = 0;

	for (size_t i = 0; i < x->njobs; i++)
		n += x->jobs[i].kind == JOB_LAUNCH;
	return n;
}

void xen_jobs_free(struct xenb *x)
{
	for (size_t i = 0; i < x->njobs; i++) {
		if (x->jobs[i].pid)
			close(x->jobs[i].fd);
		free(x->jobs[i].cfg);
	}
	free(x->jobs);
	x->jobs = NULL;
	x->njobs = x->jobs_cap = 0;
}
