/*
 * procgroup.h - whether a process group has a member that still runs.
 * kill(-pgid, 0) also finds zombies: the members of an orphaned group are
 * reaped by init, late, or never under a container's init that does not
 * reap; a group of zombies has finished its work.
 */
#ifndef CW_PROCGROUP_H
#define CW_PROCGROUP_H

#include <sys/types.h>

/* What /proc says of group pgid: 1 when some member is not a zombie, 0
 * when every member seen is one, -1 when it shows no member at all (the
 * group has gone, or /proc hides it: hidepid, another pid namespace, no
 * /proc).  Only the caller, with kill(), can tell those last two apart. */
int procgroup_scan(pid_t pgid);

#endif
