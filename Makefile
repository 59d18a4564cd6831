# syndic — thin wrapper over CMake. See README.md.
#   make          build build/syndic
#   make check    install missing packages, build normal + ASan/UBSan, run every test
#   make demo     install missing packages, build, load demo data, serve it
#   make bench    benchmarks against the anchors (see bench/README.md)
#   make fuzz     libFuzzer targets under build-fuzz/
#   make install  PREFIX=/usr/local DESTDIR=
#   make format   clang-format every source file
#   make clean

BUILD    ?= build
ASAN     ?= build-asan
FUZZ     ?= build-fuzz
PREFIX   ?= /usr/local
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
WERROR   ?= ON
CMAKE    ?= cmake

all: build

deps:
	@bash tools/deps.sh

$(BUILD)/CMakeCache.txt:
	$(CMAKE) -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DSYNDIC_WERROR=$(WERROR) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: $(BUILD)/CMakeCache.txt
	$(CMAKE) --build $(BUILD) -j $(JOBS)

$(ASAN)/CMakeCache.txt:
	$(CMAKE) -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug \
		-DSYNDIC_WERROR=$(WERROR) -DSYNDIC_SANITIZE=ON

asan: $(ASAN)/CMakeCache.txt
	$(CMAKE) --build $(ASAN) -j $(JOBS)

# The console output is kept (ctest.log) for tools/summary.sh.
test: build
	cd $(BUILD) && bash -c 'set -o pipefail; ctest --output-on-failure -j $(JOBS) 2>&1 | tee ctest.log'

test-asan: asan
	cd $(ASAN) && bash -c 'set -o pipefail; ctest --output-on-failure -j $(JOBS) 2>&1 | tee ctest.log'


check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-asan
	@bash tools/summary.sh $(BUILD) $(ASAN)

demo: deps build
	@bash demo/run.sh $(BUILD)/syndic

bench: deps build
	@bash bench/run.sh $(BUILD)

fuzz: deps
	CC=clang $(CMAKE) -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=Debug -DSYNDIC_FUZZ=ON
	$(CMAKE) --build $(FUZZ) -j $(JOBS)
	@echo "fuzzers in $(FUZZ)/fuzz/; run: bash fuzz/run.sh $(FUZZ) TARGET [SECONDS]"

install: build
	DESTDIR=$(DESTDIR) $(CMAKE) --install $(BUILD) --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)

.PHONY: all deps build asan test test-asan check demo bench fuzz install format clean
