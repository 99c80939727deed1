#!/bin/sh
# bench/run.sh BUILD_DIR - the benchmarks of issue 10; `make bench` runs it
# on the optimized build.  Writes bench/RESULTS.md.
#
# Needs root: the FTP/SFTP user, the database servers' own users, and a
# private mount namespace whose /dev/log is a socket of ours (these
# machines have no syslog daemon; cronwrap's syslog lines are sent and
# received as on a Debian host).  Servers listen on 127.0.0.1 only and are
# children of the benchmark, stopped at its end.
#
# BENCH_QUICK=1: small sizes and few rounds, to try the machinery (its
# RESULTS.md says so and is not the reference).  BENCH_KEEP=1 keeps the
# work directory (the sections' JSON) for report.py.
set -eu

BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
QUICK=
[ -n "${BENCH_QUICK:-}" ] && QUICK=quick

if [ "$(id -u)" != 0 ]; then
	echo "bench: run as root (servers, users, a private /dev/log)" >&2
	exit 1
fi
missing=
for p in cc flock chronic cronic sqlite3 psql pg_isready mariadb \
    mariadb-install-db sql2csv curl lftp sftp ssh ssh-keygen unshare \
    setpriv readelf /usr/bin/time /usr/sbin/vsftpd /usr/sbin/sshd \
    /usr/sbin/mariadbd /usr/lib/postgresql/15/bin/postgres; do
	command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bench: missing:$missing" >&2
	echo "bench: apt-get install -y moreutils cronic csvkit lftp time" \
	    "linux-perf strace (and the servers of SERVICES.md)" >&2
	exit 1
fi

START=$(date +%s)
WORK=$(mktemp -d /var/tmp/cwbench.XXXXXX)
chmod 755 "$WORK"   # postgres, mysql and cwftp must traverse it
if [ -n "${BENCH_KEEP:-}" ]; then
	echo "bench: work directory $WORK (kept)" >&2
else
	trap 'rm -rf "$WORK"' EXIT INT TERM
fi

# The job of the output benchmark, and empty programs linked with the
# shared libraries cronwrap needs (what loading them costs): all of them,
# and those left without HTTP (libcurl) and mail (libesmtp, OpenSSL).
cc -std=c11 -O2 -Wall -Wextra -Werror -o "$WORK/genout" "$HERE/genout.c"
libs=$(readelf -d "$BUILD/cronwrap" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/-l:\1/p')
core=$(echo "$libs" | grep -v -e libcurl -e libesmtp -e libssl -e libcrypto)
printf 'int main(void) { return 0; }\n' > "$WORK/empty.c"
# shellcheck disable=SC2086
cc -O2 -rdynamic -o "$WORK/empty" "$WORK/empty.c" -Wl,--no-as-needed $libs
# shellcheck disable=SC2086
cc -O2 -rdynamic -o "$WORK/empty-core" "$WORK/empty.c" -Wl,--no-as-needed $core

uptime > "$WORK/load-start"
# What is measured: the commit, and whether cronwrap/ or jobs/ differ
# from it (the shared tree).
git -C "$HERE/.." rev-parse --short HEAD > "$WORK/commit" 2>/dev/null || :
git -C "$HERE/.." status --porcelain -- cronwrap jobs > "$WORK/dirty" \
    2>/dev/null || :

echo "== wrapper overhead, output capture, 30 jobs (private /dev/log)" >&2
unshare -m --propagation private sh -c '
	d=$(mktemp -d); mount -t tmpfs tmpfs "$d"
	for n in null zero full random urandom tty; do cp -a /dev/$n "$d"/; done
	ln -s /proc/self/fd "$d"/fd; mkdir "$d"/shm "$d"/pts
	mount --bind "$d" /dev
	exec "$@"' sh $PY "$HERE/local.py" "$BUILD" "$WORK" "$WORK/genout" \
    "$WORK/empty" "$WORK/empty-core" "$WORK/local.json" $QUICK

echo "== SQL to CSV" >&2
$PY "$HERE/sql.py" "$BUILD" "$WORK" "$WORK/sql.json" $QUICK

echo "== upload" >&2
$PY "$HERE/upload.py" "$BUILD" "$WORK" "$WORK/upload.json" $QUICK

uptime > "$WORK/load-end"
$PY "$HERE/report.py" "$BUILD" "$WORK" "$START" "$HERE/RESULTS.md" $QUICK
echo "bench: wrote $HERE/RESULTS.md in $(( $(date +%s) - START )) s" >&2
