#!/bin/sh
# tests/package/test_package.sh - the Debian packages, end to end:
#
#   1. build them with dpkg-buildpackage from a copy of the tree in a
#      temporary directory (nothing is written beside the checkout);
#   2. lintian: no error, no warning;
#   3. what each package holds and depends on (the SQL client libraries
#      come with cronwrap-sql only), hardening of the binaries;
#   4. install them on this machine; "cronwrap check" on the shipped
#      configuration; the shipped example job and a sql2csv + upload
#      pipeline from /etc/cronwrap/jobs.d run as root, dropping to nobody;
#      a plugin built out of tree with cronwrap-dev; an upgrade in place
#      keeps the history;
#   5. remove: configuration, history and logs stay; purge: they go, but
#      a job file the administrator added stays.
#
# Needs root (it installs packages) and the build dependencies plus
# debhelper, dpkg-dev, fakeroot and lintian.  Without root it says so and
# exits 0, except under CI=true where that is a failure.  Paths that exist
# before the test (/etc/cronwrap, /var/lib/cronwrap, ...) are moved aside
# and put back at the end.
#
#   tests/package/test_package.sh            (about 2 minutes on 2 cores)
#   CRONWRAP_PKG_UNIT=1 ...                  also run the unit tests in the
#                                            package build (dh_auto_test)
#   CRONWRAP_PKG_KEEP=DIR ...                copy the built .deb files to DIR
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PASSED=0
FAILED=0

say() { printf '%s\n' "$*"; }
ok() { PASSED=$((PASSED + 1)); say "ok - $*"; }
bad() { FAILED=$((FAILED + 1)); say "FAIL - $*"; }
check() { # check "description" command...
	desc=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$desc"
	else
		bad "$desc"
		sed 's/^/    | /' "$TMP/check.out" | tail -n 20
	fi
}
die() {
	say "FAIL - $*"
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	if [ "${CI:-}" = true ]; then
		die "the package test installs packages: it must run as root"
	fi
	say "package test: not root, not run (it installs packages)"
	exit 0
fi
for tool in dpkg-buildpackage dh fakeroot lintian apt-get; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool is missing (.ci/install-deps --test installs it)"
done
PKGS="cronwrap cronwrap-sql cronwrap-dev"
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	case $s in
	"" | not-installed) ;;
	*) die "package $p is already on this machine ($s): purge it first" ;;
	esac
done

TMP=$(mktemp -d /tmp/cronwrap-pkgtest.XXXXXX)
chmod 755 "$TMP"
SAVED="$TMP/saved"
SYSPATHS="/etc/cronwrap /etc/cron.d/cronwrap /var/lib/cronwrap /var/log/cronwrap /run/lock/cronwrap"
mkdir "$SAVED"
# Whatever an earlier run of a development build left in the system paths
# is moved aside, so that what the packages do is all that is seen.
for p in $SYSPATHS; do
	if [ -e "$p" ]; then
		mkdir -p "$SAVED$(dirname "$p")"
		mv "$p" "$SAVED$p"
	fi
done

cleanup() {
	status=$?
	set +e
	for p in $PKGS; do
		s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
		case $s in
		"" | not-installed) ;;
		*) purge_list="${purge_list:-} $p" ;;
		esac
	done
	if [ -n "${purge_list:-}" ]; then
		# shellcheck disable=SC2086
		dpkg --purge $purge_list >/dev/null 2>&1
	fi
	for p in $SYSPATHS; do
		if [ -e "$SAVED$p" ]; then
			rm -rf "$p"
			mv "$SAVED$p" "$p"
		fi
	done
	rm -rf "$TMP"
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

T0=$(date +%s)

# --- 1. build from a copy of the tree -------------------------------------
# The files git knows or would add (ignored build directories left out),
# as they are in the work tree.
SRC="$TMP/src/cronwrap"
mkdir -p "$SRC"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf -) | tar -x -C "$SRC"
[ -f "$SRC/debian/control" ] || die "copy of the tree: no debian/control"
opts="parallel=$(nproc)"
[ "${CRONWRAP_PKG_UNIT:-}" = 1 ] || opts="$opts nocheck"
say "# building the packages in $TMP/src ($opts)"
if (cd "$SRC" && DEB_BUILD_OPTIONS=$opts dpkg-buildpackage -us -uc -b) \
	>"$TMP/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	bad "dpkg-buildpackage -us -uc -b"
	tail -n 40 "$TMP/build.log" | sed 's/^/    | /'
	exit 1
fi
VERSION=$(cd "$SRC" && dpkg-parsechangelog -S Version)
ARCH=$(dpkg --print-architecture)
DEB="$TMP/src/cronwrap_${VERSION}_$ARCH.deb"
DEB_SQL="$TMP/src/cronwrap-sql_${VERSION}_$ARCH.deb"
DEB_DEV="$TMP/src/cronwrap-dev_${VERSION}_all.deb"
CHANGES="$TMP/src/cronwrap_${VERSION}_$ARCH.changes"
for f in "$DEB" "$DEB_SQL" "$DEB_DEV" "$CHANGES"; do
	[ -f "$f" ] || die "not built: $f"
done
if [ -n "${CRONWRAP_PKG_KEEP:-}" ]; then
	mkdir -p "$CRONWRAP_PKG_KEEP"
	cp "$DEB" "$DEB_SQL" "$DEB_DEV" "$CRONWRAP_PKG_KEEP/"
fi
check "no file was written beside the checkout" \
	sh -c "! ls '$ROOT'/../cronwrap*_${VERSION}_* 2>/dev/null | grep ."

# --- 2. lintian -----------------------------------------------------------
say "# lintian"
if lintian --fail-on error,warning "$CHANGES" >"$TMP/lintian.out" 2>&1; then
	ok "lintian: no error or warning"
else
	bad "lintian: errors or warnings"
fi
sed 's/^/    | /' "$TMP/lintian.out"

# --- 3. contents and relations --------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
has_file() { dpkg-deb -c "$1" | awk '{print $6}' | grep -qx "\\.$2"; }
check "version $VERSION is 0.1.0-1, the Makefile's 0.1.0" \
	sh -c "[ '$VERSION' = 0.1.0-1 ] && grep -q '^VERSION[[:space:]]*:= 0.1.0$' '$SRC/Makefile'"
for f in /usr/bin/cronwrap /usr/lib/cronwrap/jobs/upload.so \
	/usr/share/man/man1/cronwrap.1.gz /usr/share/man/man5/cronwrap.conf.5.gz \
	/usr/share/man/man7/cronwrap-upload.7.gz /etc/cronwrap/cronwrap.conf \
	/etc/cronwrap/jobs.d/example.conf.disabled /etc/cron.d/cronwrap \
	/usr/lib/tmpfiles.d/cronwrap.conf /lib/systemd/system/cronwrap-prune.timer \
	/lib/systemd/system/cronwrap-prune.service \
	/usr/share/bash-completion/completions/cronwrap; do
	check "cronwrap ships $f" has_file "$DEB" "$f"
done
for f in /usr/lib/cronwrap/jobs/sql2csv.so \
	/usr/share/man/man7/cronwrap-sql2csv.7.gz; do
	check "cronwrap-sql ships $f" has_file "$DEB_SQL" "$f"
done
for f in /usr/include/cronwrap/plugin.h /usr/share/pkgconfig/cronwrap-plugin.pc; do
	check "cronwrap-dev ships $f" has_file "$DEB_DEV" "$f"
done
check "cronwrap does not ship sql2csv.so" \
	sh -c "! dpkg-deb -c '$DEB' | grep -q sql2csv"
check "cronwrap does not depend on the SQL client libraries" \
	sh -c "! dpkg-deb -f '$DEB' Depends | grep -Eq 'libpq|libmariadb|libmysql'"
check "cronwrap depends on its own libraries (shlibs)" \
	sh -c "dpkg-deb -f '$DEB' Depends | grep -q libconfig && dpkg-deb -f '$DEB' Depends | grep -q libcurl"
check "cronwrap-sql depends on libpq, libmariadb and cronwrap (= $VERSION)" \
	sh -c "d=\$(dpkg-deb -f '$DEB_SQL' Depends); echo \"\$d\"; \
	    echo \"\$d\" | grep -q libpq && echo \"\$d\" | grep -q libmariadb && \
	    echo \"\$d\" | grep -qF 'cronwrap (= $VERSION)'"
check "the conffiles are cronwrap.conf, the example job and the cron.d file" \
	sh -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xO ./conffiles | sort | tr '\n' ' ' |
	    grep -qx '/etc/cron.d/cronwrap /etc/cronwrap/cronwrap.conf /etc/cronwrap/jobs.d/example.conf.disabled '"
mkdir "$TMP/x"
dpkg-deb -x "$DEB" "$TMP/x"
dpkg-deb -x "$DEB_SQL" "$TMP/x"
for elf in usr/bin/cronwrap usr/lib/cronwrap/jobs/upload.so \
	usr/lib/cronwrap/jobs/sql2csv.so; do
	check "$elf: full RELRO and BIND_NOW" \
		sh -c "readelf -lW '$TMP/x/$elf' | grep -q GNU_RELRO &&
		    readelf -dW '$TMP/x/$elf' | grep -Eq 'BIND_NOW|FLAGS.*NOW'"
done
check "usr/bin/cronwrap is PIE" \
	sh -c "readelf -hW '$TMP/x/usr/bin/cronwrap' | grep -q 'DYN '"
check "usr/bin/cronwrap is built with _FORTIFY_SOURCE" \
	sh -c "readelf -sW --dyn-syms '$TMP/x/usr/bin/cronwrap' | grep -q '__[a-z]*_chk'"

# --- 4. install and use ---------------------------------------------------
say "# installing"
export DEBIAN_FRONTEND=noninteractive
if apt-get install -y -q --no-install-recommends \
	"$DEB" "$DEB_SQL" "$DEB_DEV" >"$TMP/install.log" 2>&1; then
	ok "apt-get install the three packages"
else
	bad "apt-get install the three packages"
	tail -n 30 "$TMP/install.log" | sed 's/^/    | /'
	exit 1
fi
mode() { stat -c '%U:%G %a' "$1"; }
check "cronwrap --version says 0.1.0" sh -c "cronwrap --version | grep -qx 'cronwrap 0.1.0'"
check "/var/lib/cronwrap is root:root 755" sh -c "[ \"\$(stat -c '%U:%G %a' /var/lib/cronwrap)\" = 'root:root 755' ]"
check "/var/log/cronwrap is root:adm 2750" sh -c "[ \"\$(stat -c '%U:%G %a' /var/log/cronwrap)\" = 'root:adm 2750' ]"
if command -v systemd-tmpfiles >/dev/null 2>&1; then
	check "tmpfiles.d made /run/lock/cronwrap" test -d /run/lock/cronwrap
fi
check "cronwrap check: the shipped configuration is valid" \
	sh -c "cronwrap check && cronwrap check | grep -q '/etc/cronwrap/cronwrap.conf: ok, 0 jobs'"
check "the shipped configuration names the Debian paths" \
	sh -c "cronwrap check >/dev/null && grep -q '^plugin_dir *= \"/usr/lib/cronwrap/jobs\"' /etc/cronwrap/cronwrap.conf"
check "man pages are installed where man finds them" \
	sh -c "for m in man1/cronwrap.1 man5/cronwrap.conf.5 man7/cronwrap-upload.7 man7/cronwrap-sql2csv.7; do
	    gzip -t /usr/share/man/\$m.gz || exit 1; done"
check "pkg-config: cronwrap-plugin gives plugindir and the header" \
	sh -c "[ \"\$(pkg-config --variable=plugindir cronwrap-plugin)\" = /usr/lib/cronwrap/jobs ] &&
	    [ \"\$(pkg-config --modversion cronwrap-plugin)\" = 0.1.0 ] &&
	    test -f \"\$(pkg-config --variable=includedir cronwrap-plugin)/cronwrap/plugin.h\""

# The shipped example, enabled as the file says: copy to NAME.conf.
cp /etc/cronwrap/jobs.d/example.conf.disabled /etc/cronwrap/jobs.d/example.conf
# A pipeline with both plugins, run as nobody: SQLite -> CSV -> file://.
DATA="$TMP/data"
mkdir -p "$DATA/out"
chown nobody "$DATA/out"
/usr/bin/python3 - "$DATA/sales.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE sales (id INTEGER, item TEXT, amount REAL)")
db.executemany("INSERT INTO sales VALUES (?, ?, ?)",
               [(1, "apple", 1.5), (2, "pear, green", 2.25)])
db.commit()
PY
chmod 644 "$DATA/sales.db"
printf 'SELECT id, item, amount FROM sales ORDER BY id;\n' >"$DATA/sales.sql"
cat >/etc/cronwrap/jobs.d/pkgtest.conf <<EOF
description = "package test: both plugins, as nobody";
user = "nobody";
steps = (
  { plugin = "sql2csv"; driver = "sqlite"; database = "$DATA/sales.db";
    script = "$DATA/sales.sql"; output = "sales.csv"; header = true; min_rows = 1; },
  { command = [ "/bin/sh", "-c", "id -un; echo \$CRONWRAP_ARTIFACTS" ]; artifacts = [ "sales.csv" ]; },
  { plugin = "upload"; url = "file://$DATA/out/"; }
);
EOF
check "cronwrap check: the example and the test job are valid" \
	sh -c "cronwrap check | grep -q 'ok, 2 jobs'"
check "cronwrap env example: the job's user is nobody" \
	sh -c "cronwrap env example | grep -qx USER=nobody"
check "cronwrap run example --dry-run" cronwrap run example --dry-run
check "cronwrap run example (root drops to nobody)" cronwrap run example
check "its run log holds the output, TIMESTAMP STREAM text" \
	sh -c "grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z out exporting the window ' /var/log/cronwrap/example/*.log"
check "cronwrap log example prints the run's output" \
	sh -c "cronwrap log example | grep -q 'exporting the window'"
check "the run log is root:adm 640 in a root:adm directory" \
	sh -c "stat -c '%U:%G %a' /var/log/cronwrap/example/*.log | grep -qx 'root:adm 640' &&
	    stat -c '%U:%G' /var/log/cronwrap/example | grep -qx root:adm"
check "the lock directory exists, root's, 755" \
	sh -c "[ \"\$(stat -c '%U:%G %a' /run/lock/cronwrap)\" = 'root:root 755' ]"
check "cronwrap run pkgtest: sql2csv and upload, as nobody" cronwrap run pkgtest
check "the CSV arrived, written by nobody" \
	sh -c "[ \"\$(stat -c %U '$DATA/out/sales.csv')\" = nobody ] &&
	    printf 'id,item,amount\r\n1,apple,1.5\r\n2,\"pear, green\",2.25\r\n' | cmp - '$DATA/out/sales.csv'"
check "the command step ran as nobody and saw the artifact" \
	sh -c "cronwrap log pkgtest --raw | grep -qx nobody && cronwrap log pkgtest --raw | grep -qx sales.csv"
check "the run directory of a successful run is gone" \
	sh -c "[ -z \"\$(ls -A /var/lib/cronwrap/runs/pkgtest 2>/dev/null)\" ]"
check "cronwrap history pkgtest --json: one succeeded run" \
	sh -c "cronwrap history pkgtest --json | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r)==1 and r[0][\"status\"]==\"succeeded\", r'"
check "cronwrap status exits 0 with no job failing" cronwrap status
check "cronwrap crontab --user root: a line for the scheduled example" \
	sh -c "cronwrap crontab --user root | grep -E '^30 4 \* \* \*[[:space:]]+root[[:space:]].*run example'"
check "/etc/cron.d/cronwrap: its only active line is the daily prune" \
	sh -c "grep -Ev '^(#|$|SHELL=|PATH=)' /etc/cron.d/cronwrap |
	    grep -Eqx '17 5 \* \* \*[[:space:]]+root[[:space:]]+.* && cronwrap prune'"
check "the prune line runs cronwrap prune without systemd, nothing under it" \
	sh -c "line=\$(sed -n 's/^17 5 .*root[[:space:]]*//p' /etc/cron.d/cronwrap);
	    mkdir -p '$TMP/fakebin'; printf '#!/bin/sh\necho \"ran \$*\"\n' > '$TMP/fakebin/cronwrap';
	    chmod 755 '$TMP/fakebin/cronwrap'; out=\$(PATH='$TMP/fakebin' /bin/sh -c \"\$line\");
	    if [ -d /run/systemd/system ]; then [ -z \"\$out\" ]; else [ \"\$out\" = 'ran prune' ]; fi"
check "cronwrap prune" cronwrap prune
check "the timer runs cronwrap prune daily" \
	sh -c "grep -qx 'ExecStart=/usr/bin/cronwrap prune' /lib/systemd/system/cronwrap-prune.service &&
	    grep -q '^OnCalendar=' /lib/systemd/system/cronwrap-prune.timer &&
	    test -L /etc/systemd/system/timers.target.wants/cronwrap-prune.timer"
# A plugin built out of tree with cronwrap-dev.
check "cronwrap-dev: the example plugin builds against the installed header" \
	sh -c "cc -shared -fPIC \$(pkg-config --cflags cronwrap-plugin) -o /usr/lib/cronwrap/jobs/hello.so \
	    /usr/share/doc/cronwrap-dev/examples/hello.c"
printf 'steps = ( { plugin = "hello"; greeting = "hi"; } );\n' >/etc/cronwrap/jobs.d/hello.conf
check "and runs as a step" sh -c "cronwrap run hello && cronwrap log hello --raw | grep -q 'hi from hello'"
rm -f /usr/lib/cronwrap/jobs/hello.so /etc/cronwrap/jobs.d/hello.conf

# An upgrade in place (the same version again runs the upgrade path of
# the maintainer scripts): the history stays, the database still opens.
runs_before=$(cronwrap history example --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check "dpkg -i over the installed packages (upgrade path)" \
	dpkg -i "$DEB" "$DEB_SQL" "$DEB_DEV"
check "the upgrade kept the history" \
	sh -c "[ \"\$(cronwrap history example --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')\" = '$runs_before' ] && [ '$runs_before' -ge 1 ]"
check "the upgrade kept the configuration" test -f /etc/cronwrap/jobs.d/example.conf

# --- 5. remove, purge -----------------------------------------------------
say "# remove"
check "apt-get remove" apt-get remove -y -q cronwrap-dev cronwrap-sql cronwrap
check "remove: the binary and the plugins are gone" \
	sh -c "! test -e /usr/bin/cronwrap && ! test -e /usr/lib/cronwrap"
check "remove: the configuration stays" \
	sh -c "test -f /etc/cronwrap/cronwrap.conf && test -f /etc/cron.d/cronwrap &&
	    test -f /etc/cronwrap/jobs.d/example.conf.disabled"
check "remove: the history and the logs stay" \
	sh -c "test -f /var/lib/cronwrap/state.db && ls /var/log/cronwrap/example/*.log"
check "remove: the cron.d line does nothing without the binary" \
	sh -c "sed -n 's/^[0-9].*root[[:space:]]*//p' /etc/cron.d/cronwrap | sh 2>&1 | grep -c . | grep -qx 0"
check "remove: dpkg lists cronwrap as config-files" \
	sh -c "dpkg-query -W -f='\${db:Status-Status}' cronwrap | grep -qx config-files"

say "# purge"
rm -f /etc/cronwrap/jobs.d/example.conf /etc/cronwrap/jobs.d/pkgtest.conf
printf '# an administrator'"'"'s job\ncommand = [ "/bin/true" ];\n' >/etc/cronwrap/jobs.d/mine.conf
# Only cronwrap has conffiles; the other two are gone for good after remove.
check "dpkg --purge" dpkg --purge cronwrap-dev cronwrap-sql cronwrap
check "purge: state, logs and locks are gone" \
	sh -c "! test -e /var/lib/cronwrap && ! test -e /var/log/cronwrap && ! test -e /run/lock/cronwrap"
check "purge: the shipped configuration is gone" \
	sh -c "! test -e /etc/cronwrap/cronwrap.conf && ! test -e /etc/cronwrap/jobs.d/example.conf.disabled &&
	    ! test -e /etc/cron.d/cronwrap"
check "purge: the administrator's own job file stays" test -f /etc/cronwrap/jobs.d/mine.conf
rm -rf /etc/cronwrap
check "purge: nothing of the packages is left" \
	sh -c "! test -e /usr/share/doc/cronwrap && ! test -e /usr/lib/tmpfiles.d/cronwrap.conf &&
	    ! test -e /usr/share/bash-completion/completions/cronwrap &&
	    ! test -e /usr/include/cronwrap &&
	    for p in $PKGS; do dpkg-query -W -f='\${db:Status-Status}' \$p 2>/dev/null |
	    grep -Eqx 'installed|config-files|half-installed|unpacked|half-configured' && exit 1; done; exit 0"

say "# package test: $(($(date +%s) - T0))s"
say "package: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
