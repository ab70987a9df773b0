# SPDX-License-Identifier: GPL-2.0
#
# make            module for the newest Debian 6.1 headers + vsadm/vsd
# make KDIR=...   module for other headers (e.g. /lib/modules/6.12.*/build)
# make check      every test: host unit tests, selftests in a VM on 6.1 and 6.12
# make check-debug the VM selftests, fuzzers and stress on a KASAN/lockdep kernel
# make demo       load balancing shown end to end in a VM
# make style      checkpatch (needs linux-source-6.1) and sparse

TOP := $(CURDIR)
newest_headers = $(lastword $(sort $(wildcard /lib/modules/$(1).*-amd64/build)))

KDIR ?= $(call newest_headers,6.1)
KDIR_612 ?= $(call newest_headers,6.12)
krelease = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(1)/include/generated/utsrelease.h 2>/dev/null)
KVER := $(call krelease,$(KDIR))
# VS_SELFTEST=y builds a module that runs its self-tests at load
# (kernel/selftest.h), beside the normal one.
VS_SELFTEST ?=
KOBJ := $(TOP)/build/$(KVER)$(if $(VS_SELFTEST),-selftest)

KSRC := $(wildcard kernel/*.c kernel/*.h kernel/selftest/*) Kbuild $(wildcard include/uapi/linux/*.h)

.PHONY: all module user selftests check check-debug demo bench style sparse clean setup fuzz
all: module user selftests

setup:
	@scripts/setup

# The module is built in a shadow tree of symlinks so builds for several
# kernels can coexist in one checkout.
module: $(KOBJ)/vs.ko
$(KOBJ)/vs.ko: $(KSRC)
	@test -n "$(KVER)" || { echo "no kernel headers found (KDIR=$(KDIR)); run scripts/setup" >&2; exit 1; }
	@mkdir -p $(KOBJ)/kernel
	@ln -sfn $(TOP)/include $(KOBJ)/include
	@ln -sf $(TOP)/Kbuild $(KOBJ)/Kbuild
	@rm -f $(KOBJ)/kernel/*.[ch]
	@ln -sf $(addprefix $(TOP)/,$(wildcard kernel/*.[ch])) $(KOBJ)/kernel/
	@ln -sfn $(TOP)/kernel/selftest $(KOBJ)/kernel/selftest
	$(MAKE) -C $(KDIR) M=$(KOBJ) W=1 VS_SELFTEST=$(VS_SELFTEST) modules
	@scripts/modroot $(KVER) $(KOBJ) $(firstword $(wildcard $(KDIR)/../modules/lib/modules/$(KVER)) /lib/modules/$(KVER))

user:
	$(MAKE) -C user

# the programs the selftests run (selftests/Makefile TEST_GEN_FILES)
selftests:
	$(MAKE) -C selftests

check: setup
	scripts/check

# The debug kernel is built on first use (about an hour on two cores) and
# cached outside the tree (scripts/debug-kernel).
check-debug: setup
	scripts/check-debug

# demo and bench build in a make of their own: on a fresh machine the
# headers only exist once setup has run.
demo: setup
	scripts/demo

bench: setup
	scripts/bench/run

sparse: $(KOBJ)/vs.ko
	$(MAKE) -C $(KDIR) M=$(KOBJ) C=2 CF=-D__CHECK_ENDIAN__ modules 2>&1 | tee build/sparse.log
	@! grep -E 'warning|error' build/sparse.log

style:
	scripts/style

# The userspace fuzzers (user/fuzz): make fuzz FUZZ_SECONDS=N runs each for
# N seconds (default 60); make check runs them for a fixed number of inputs.
FUZZ_SECONDS ?= 60
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

clean:
	rm -rf build
	$(MAKE) -C user clean
