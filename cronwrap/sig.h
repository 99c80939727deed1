/*
 * sig.h - the runner's signals, through a self-pipe: SIGCHLD wakes the
 * supervision loop; SIGTERM, SIGINT and SIGHUP ask the run to stop (the
 * signal is passed on to the job's process group, then recorded).
 */
#ifndef CW_SIG_H
#define CW_SIG_H

#include <signal.h>

/* The stop signal received (TERM, INT, HUP), 0 while none. */
extern volatile sig_atomic_t sig_stop;

/* Installs the handlers and the self-pipe.  0 or -1/errno. */
int sig_setup(void);
/* The read end of the self-pipe, readable after any of the signals. */
int sig_fd(void);
/* Empties the self-pipe. */
void sig_drain(void);
/* In a child before exec: default dispositions and an empty mask. */
void sig_reset_child(void);

#endif
