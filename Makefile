# cronwrap - build, test, install.
#
#   make              build the runner and the plugins into build/
#   make check        unit tests (cmocka) and integration tests (pytest)
#   make SAN=1 check  the same under AddressSanitizer/UBSan (build-san/)
#   make check-all    both of the above: what CI runs
#   make demo         the main job on the embedded default (SQLite, file://)
#   make install DESTDIR=... PREFIX=...
#
# Our flags go beside CFLAGS/CPPFLAGS/LDFLAGS, never over them, so that
# dpkg-buildflags hardening survives; debian/rules sets WERROR=.

VERSION		:= 0.1.0

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
PKGLIBDIR	?= $(LIBDIR)/cronwrap
PLUGINDIR	?= $(PKGLIBDIR)/jobs
INCLUDEDIR	?= $(PREFIX)/include
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
MANDIR		?= $(PREFIX)/share/man
ifeq ($(PREFIX),/usr)
SYSCONFDIR	?= /etc
else
SYSCONFDIR	?= $(PREFIX)/etc
endif
LOCALSTATEDIR	?= /var
RUNSTATEDIR	?= /run

CC		?= cc
PKG_CONFIG	?= pkg-config
PYTHON		?= /usr/bin/python3
CFLAGS		?= -O2 -g
WERROR		?= -Werror
WARN		 = -Wall -Wextra $(WERROR) -Wshadow -Wformat=2 \
		   -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
		   -Wcast-qual -Wwrite-strings

ifdef SAN
B		:= build-san
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
export ASAN_OPTIONS := detect_leaks=1
SANFLAGS	:= -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
else
B		:= build
SANFLAGS	:=
endif

CORE_PKGS	:= libconfig sqlite3
CORE_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(CORE_PKGS))
CORE_LIBS	:= $(shell $(PKG_CONFIG) --libs $(CORE_PKGS)) -ldl -lm
# The network code (mail, webhooks, URL checks) is a module loaded on first
# use: its libraries cost ~5 ms at every start otherwise (net.h).
NET_PKGS	:= libcurl libesmtp-1.0 openssl
NET_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(NET_PKGS))
NET_LIBS	:= $(shell $(PKG_CONFIG) --libs $(NET_PKGS))

PATHDEFS	:= -DCW_VERSION='"$(VERSION)"' \
		   -DCW_SYSCONFDIR='"$(SYSCONFDIR)"' \
		   -DCW_LOCALSTATEDIR='"$(LOCALSTATEDIR)"' \
		   -DCW_RUNSTATEDIR='"$(RUNSTATEDIR)"' \
		   -DCW_PLUGINDIR='"$(PLUGINDIR)"' \
		   -DCW_NETMODULE='"$(PKGLIBDIR)/cronwrap-net.so"'

ALL_CPPFLAGS	 = -D_GNU_SOURCE -Icronwrap -Icronwrap/include $(CPPFLAGS)
ALL_CFLAGS	 = -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP
ALL_LDFLAGS	 = $(LDFLAGS) $(SANFLAGS)

CORE_SRC	:= $(filter-out cronwrap/main.c,$(wildcard cronwrap/*.c cronwrap/util/*.c))
CORE_OBJ	:= $(CORE_SRC:%.c=$(B)/obj/%.o)
BIN		:= $(B)/cronwrap
NET_SRC		:= $(wildcard cronwrap/net/*.c)
NET_OBJ		:= $(NET_SRC:%.c=$(B)/pic/%.o)
NET_SO		:= $(B)/cronwrap-net.so

# Plugins: every jobs/NAME/ with a plugin.mk becomes $(B)/jobs/NAME.so.  A
# plugin.mk sets PKGS_NAME (pkg-config packages) and may set LIBS_NAME.
PLUGINS		:= $(patsubst jobs/%/plugin.mk,%,$(wildcard jobs/*/plugin.mk))
-include $(wildcard jobs/*/plugin.mk)
PLUGIN_SO	:= $(PLUGINS:%=$(B)/jobs/%.so)

# Unit tests: tests/unit/test_X.c, linked with the core objects.
UNIT_SRC	:= $(wildcard tests/unit/test_*.c)
UNIT_BIN	:= $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_BIN	:= $(patsubst tests/tools/%.c,$(B)/tests/tools/%,$(wildcard tests/tools/*.c))
TEST_PLUGIN_SO	:= $(patsubst tests/plugins/%.c,$(B)/tests/plugins/%.so,$(wildcard tests/plugins/*.c))

all: $(BIN) $(NET_SO) $(PLUGIN_SO) $(B)/cronwrap-plugin.pc

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(PATHDEFS) $(ALL_CFLAGS) -c -o $@ $<

# -rdynamic exports the host services (cw_log, cw_conf_string, ...) that
# plugins call.
$(BIN): $(B)/obj/cronwrap/main.o $(CORE_OBJ)
	$(CC) $(ALL_LDFLAGS) -rdynamic -o $@ $^ $(CORE_LIBS)

$(B)/pic/cronwrap/net/%.o: cronwrap/net/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(NET_CFLAGS) $(PATHDEFS) $(ALL_CFLAGS) -fPIC -c -o $@ $<

# Its undefined symbols (xasprintf, ...) are the binary's, as a plugin's.
$(NET_SO): $(NET_OBJ)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(NET_LIBS)

define plugin_rules
$(1)_SRC := $$(wildcard jobs/$(1)/*.c)
$(1)_OBJ := $$($(1)_SRC:%.c=$$(B)/pic/%.o)
$$(B)/pic/jobs/$(1)/%.o: jobs/$(1)/%.c
	@mkdir -p $$(@D)
	$$(CC) -Icronwrap/include $$(CPPFLAGS) -D_GNU_SOURCE $$(shell $$(PKG_CONFIG) --cflags $$(PKGS_$(1))) \
	    $$(ALL_CFLAGS) -fPIC -c -o $$@ $$<
$$(B)/jobs/$(1).so: $$($(1)_OBJ)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -shared -o $$@ $$^ \
	    $$(shell $$(PKG_CONFIG) --libs $$(PKGS_$(1))) $$(LIBS_$(1))
-include $$($(1)_OBJ:.o=.d)
endef
$(foreach p,$(PLUGINS),$(eval $(call plugin_rules,$(p))))

$(B)/tests/plugins/%.so: tests/plugins/%.c
	@mkdir -p $(@D)
	$(CC) -Icronwrap/include $(CPPFLAGS) -D_GNU_SOURCE $(ALL_CFLAGS) -fPIC -shared \
	    $(ALL_LDFLAGS) -o $@ $<

# A unit test of plugin code lists the plugin sources it needs in its
# plugin.mk: TEST_SRC_test_NAME := jobs/NAME/csv.c (and TEST_PKGS_test_NAME).
.SECONDEXPANSION:
$(B)/tests/test_%: tests/unit/test_%.c $(CORE_OBJ) $(NET_OBJ) $$(TEST_SRC_test_$$*)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(NET_CFLAGS) $(PATHDEFS) \
	    $(if $(TEST_PKGS_test_$*),$(shell $(PKG_CONFIG) --cflags $(TEST_PKGS_test_$*))) \
	    $(ALL_CFLAGS) -rdynamic $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) $(NET_LIBS) \
	    $(if $(TEST_PKGS_test_$*),$(shell $(PKG_CONFIG) --libs $(TEST_PKGS_test_$*))) \
	    $(shell $(PKG_CONFIG) --libs cmocka)

# Test tools: tests/tools/NAME.c, small programs the integration tests drive
# (the schedule engine against croniter, ...), linked with the core.
$(B)/tests/tools/%: tests/tools/%.c $(CORE_OBJ) $(NET_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CORE_CFLAGS) $(NET_CFLAGS) $(PATHDEFS) $(ALL_CFLAGS) -rdynamic \
	    $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) $(NET_LIBS)

$(B)/cronwrap-plugin.pc: cronwrap/cronwrap-plugin.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@PLUGINDIR@|$(PLUGINDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

-include $(CORE_OBJ:.o=.d) $(NET_OBJ:.o=.d) $(B)/obj/cronwrap/main.d

# Every test binary runs, then the target fails if any did.
unit: $(UNIT_BIN)
	@failed=""; for t in $(UNIT_BIN); do echo "== $$t"; \
	    $$t || failed="$$failed $$t"; done; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi

integration: all $(TEST_PLUGIN_SO) $(TOOL_BIN)
	CRONWRAP_BUILD=$(CURDIR)/$(B) CRONWRAP_SAN=$(if $(SAN),1,) \
	    $(PYTHON) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) tests/integration

check: unit integration

# What CI runs: the tests plainly, under the sanitizers, and the Debian
# packages built, installed, removed and purged (as root).
check-all:
	$(MAKE) check
	$(MAKE) SAN=1 check
	sh tests/package/test_package.sh

package-test:
	sh tests/package/test_package.sh

asan:
	$(MAKE) SAN=1 check

demo: all
	sh etc/examples/demo.sh $(CURDIR)/$(B)

bench: all
	sh bench/run.sh $(CURDIR)/$(B)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(PLUGINDIR) \
	    $(DESTDIR)$(INCLUDEDIR)/cronwrap $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/cronwrap
	install -m 644 $(NET_SO) $(DESTDIR)$(PKGLIBDIR)/cronwrap-net.so
	for so in $(PLUGIN_SO); do install -m 644 $$so $(DESTDIR)$(PLUGINDIR)/; done
	install -m 644 cronwrap/include/cronwrap/plugin.h $(DESTDIR)$(INCLUDEDIR)/cronwrap/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@PLUGINDIR@|$(PLUGINDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    cronwrap/cronwrap-plugin.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/cronwrap-plugin.pc
	for m in docs/*.1; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/ || :; done
	for m in docs/*.5; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/ || :; done
	for m in docs/*.7; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man7/ || :; done

# cronwrap is single-threaded: getpwnam() and readdir() are fine.
lint:
	cppcheck --std=c11 --library=posix --enable=warning,style,performance,portability \
	    --suppress=readdirCalled --suppress=getpwnamCalled --suppress=getpwuidCalled \
	    --error-exitcode=1 --inline-suppr --quiet -Icronwrap -Icronwrap/include cronwrap jobs
	clang-format --dry-run --Werror cronwrap/*.[ch] cronwrap/util/*.[ch] cronwrap/net/*.[ch] \
	    jobs/*/*.[ch] tests/unit/*.c tests/plugins/*.c tests/tools/*.c

clean:
	rm -rf build build-san

.PHONY: all unit integration check check-all package-test asan demo bench install lint clean
