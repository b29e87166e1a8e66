# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/nfipsec.ko, ctl/nfipsecctl and tests/fuzz/
# make KVER=6.12  build the module for a test kernel (6.1, 6.12, debug, or a
#                 full version); KDIR= names any kernel build tree
# make modules    build build/<ver>/kmod/nfipsec.ko for every test kernel
# make test       the whole suite; make check: checkpatch and sparse
# make demo       the seed's VPN scenarios, narrated
NFIPSEC_CACHE ?= /var/cache/nfipsec
KERNELS ?= 6.1 6.12

kver_of = $(if $(filter 6.1 6.12 debug,$(1)),$(shell cat $(NFIPSEC_CACHE)/kernels/$(1) 2>/dev/null),$(1))
kdir_of = $(firstword $(wildcard $(NFIPSEC_CACHE)/kernels/$(1)/build) \
	  $(NFIPSEC_CACHE)/kernels/$(1)/usr/src/linux-headers-$(1))

ifdef KVER
KDIR ?= $(call kdir_of,$(call kver_of,$(KVER)))
endif
ifeq ($(KDIR),)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build/Makefile),)
KDIR := /lib/modules/$(shell uname -r)/build
else
KDIR := $(call kdir_of,$(call kver_of,6.1))
endif
endif

.PHONY: all module ctl fuzz modules test check checkpatch sparse demo bench \
	clean deps test-debug

all: module ctl fuzz

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

ctl:
	$(MAKE) -C ctl

# the packet and netlink fuzzers of tests/vm/fuzz-*.sh
fuzz:
	$(MAKE) -C tests/fuzz

# One build directory per test kernel, so both can be tested from one tree:
# build/<ver>/ mirrors the sources by symbolic links.
modules:
	@for k in $(KERNELS); do \
		v=$$(scripts/kver $$k) || exit 1; \
		scripts/shadow-build "$$v" || exit 1; \
	done

deps:
	scripts/deps

# On a fresh machine these install what they need first.
test:
	@scripts/deps --check || scripts/deps
	scripts/build-debug-kernel
	$(MAKE) all
	tests/run

test-debug:
	@scripts/deps --check || scripts/deps
	scripts/build-debug-kernel
	$(MAKE) ctl fuzz
	NFIPSEC_KERNELS=debug tests/run

check: checkpatch sparse

checkpatch:
	scripts/check checkpatch

sparse:
	scripts/check sparse

demo:
	scripts/demo

bench:
	@if [ -x scripts/bench ]; then scripts/bench; else \
		echo "make bench: scripts/bench is not written yet (issue 7)"; exit 1; fi

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C ctl clean
	$(MAKE) -C tests/fuzz clean
	rm -rf build
