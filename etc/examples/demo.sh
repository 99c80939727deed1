#!/bin/sh
# make demo: the main job on the embedded default (SQLite, file://), in a
# scratch installation under build/demo.  No server, no root.
set -eu
BUILD=${1:?usage: demo.sh BUILD_DIR}
EXAMPLES=$(cd "$(dirname "$0")" && pwd)
DEMO=$BUILD/demo
CW="$BUILD/cronwrap -c $DEMO/cronwrap.conf"

rm -rf "$DEMO"
mkdir -p "$DEMO/jobs.d"
cat > "$DEMO/cronwrap.conf" <<CONF
jobs_dir = "jobs.d"; state_dir = "state"; log_dir = "log"; lock_dir = "lock";
plugin_dir = "$BUILD/jobs";
CONF
sqlite3 "$DEMO/sales.db" < "$EXAMPLES/demo.sql"
for j in sales-export slow broken; do
	sed -e "s|@DEMO@|$DEMO|g" -e "s|@EXAMPLES@|$EXAMPLES|g" \
	    "$EXAMPLES/$j.conf" > "$DEMO/jobs.d/$j.conf"
done

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step cronwrap check
$CW check
step cronwrap run sales-export --dry-run
$CW run sales-export --dry-run
step cronwrap run sales-export
$CW run sales-export && echo "(exit $?: silent on success, as cron likes it)"
step ls outbox/ "&&" cat outbox/sales-*.csv
ls "$DEMO/outbox/"
cat "$DEMO"/outbox/sales-*.csv
step "cronwrap run slow & cronwrap run slow   # the lock"
$CW run slow & first=$!
sleep 0.5
set +e
$CW -v run slow; echo "(second start: exit $?, not run)"
wait $first; echo "(first start: exit $?)"
step cronwrap run broken
$CW run broken; echo "(exit $?: the job's own status)"
set -e
step cronwrap status
$CW status || true
step cronwrap history sales-export
$CW history sales-export
step cronwrap log sales-export
$CW log sales-export
