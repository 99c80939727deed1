/*
 * procgroup.c - the members of a process group and their states, from
 * /proc/PID/stat (readable for every process, whoever owns it).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/procgroup.h"

/* From /proc/PID/stat: the state and the process group, read after the
 * last ')' since the command name may hold spaces and parentheses.
 * Returns 0, or -1 when the process is gone or the line unreadable. */
static int
stat_of(const char *pid, char *state, long *pgrp)
{
	char path[64], buf[512];
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %c %*d %ld", state, pgrp) != 2)
		return -1;
	return 0;
}

int
procgroup_scan(pid_t pgid)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	int seen = -1;

	if (proc == NULL)
		return -1;
	while (seen < 1 && (e = readdir(proc)) != NULL) {
		char state;
		long pgrp;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (stat_of(e->d_name, &state, &pgrp) < 0 || pgrp != pgid)
			continue;
		seen = state != 'Z' && state != 'X';
	}
	closedir(proc);
	return seen;
}
