#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sig.h"

volatile sig_atomic_t sig_stop;
static int sig_pipe[2] = {-1, -1};

static const int handled[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP};

static void
on_signal(int signo)
{
	int saved = errno;

	if (signo != SIGCHLD && sig_stop == 0)
		sig_stop = signo;
	if (write(sig_pipe[1], "", 1) < 0) {
		/* Full pipe: a wake-up is pending anyway. */
	}
	errno = saved;
}

int
sig_setup(void)
{
	struct sigaction sa;

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking wait must see the signal at once. */
	sa.sa_flags = SA_NOCLDSTOP;
	for (size_t i = 0; i < sizeof handled / sizeof *handled; i++)
		if (sigaction(handled[i], &sa, NULL) < 0)
			return -1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int
sig_fd(void)
{
	return sig_pipe[0];
}

void
sig_drain(void)
{
	char buf[64];

	while (read(sig_pipe[0], buf, sizeof buf) > 0)
		;
}

void
sig_reset_child(void)
{
	sigset_t none;

	for (size_t i = 0; i < sizeof handled / sizeof *handled; i++)
		signal(handled[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
	}
}
