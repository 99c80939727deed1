# /etc/cron.d/cronwrap: crontab entries for the cronwrap package.
#
# Retention: "cronwrap prune" applies history.keep_days and
# history.keep_runs of /etc/cronwrap/cronwrap.conf to the run history, the
# run logs under /var/log/cronwrap and the run directories left by failed
# runs; nothing else makes them smaller.  Under systemd the timer
# cronwrap-prune.timer runs it instead (it also catches up after the
# machine was off), and this line does nothing.
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

17 5 * * *	root	[ -x /usr/bin/cronwrap ] && [ ! -d /run/systemd/system ] && cronwrap prune

# Jobs: one line per job of /etc/cronwrap/jobs.d, for example
#   30 4 * * *	root	cronwrap run nightly-export
# ("cronwrap crontab --user root" prints the lines of every scheduled job),
# or a command wrapped without a job file:
#   0 3 * * *	root	cronwrap exec --name backup --timeout 2h -- /usr/local/bin/backup
# Put them here or in a file of your own in /etc/cron.d.
