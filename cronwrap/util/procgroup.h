/*
 * procgroup.h - whether a process group has a member that still runs.
 * kill(-pgid, 0) also finds zombies: the members of an orphaned group are
 * reaped by init, late, or never under a container's init that does not
 * reap; a group of zombies has finished its work.
 */
#ifndef CW_PROCGROUP_H
#define CW_PROCGROUP_H

#include <stdbool.h>
#include <sys/types.h>

/* True when some process of group pgid is not a zombie.  Where /proc
 * cannot be read, any member counts (the cautious answer for a lock). */
bool procgroup_running(pid_t pgid);

#endif
