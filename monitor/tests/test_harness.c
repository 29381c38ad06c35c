/* The harness itself must fail for real: run a child copy of this program
 * with a deliberately failing check and look at its exit status. */
#include "harness.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--fail-on-purpose")) {
		CHECK(1 == 1, "a true check");
		CHECK(1 == 2, "a false check (on purpose)");
		return harness_done();
	}

	pid_t pid = fork();
	if (pid == 0) {
		/* Silence the child: its FAIL line is expected. */
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(3);
		execl("/proc/self/exe", argv[0], "--fail-on-purpose", (char *)NULL);
		_exit(3);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	      "harness exits 1 when a check fails");

	char buf[64], self[512], cmd[600];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	self[n > 0 ? n : 0] = '\0';
	snprintf(cmd, sizeof cmd, "'%s' --fail-on-purpose 2>/dev/null", self);
	FILE *p = popen(cmd, "r");
	int fails = 0, passes = 0;
	while (p && fgets(buf, sizeof buf, p)) {
		fails += !strncmp(buf, "FAIL: ", 6);
		passes += !strncmp(buf, "PASS: ", 6);
	}
	if (p)
		pclose(p);
	CHECK(fails == 1 && passes == 1, "harness prints one PASS/FAIL line per check");
	return harness_done();
}
