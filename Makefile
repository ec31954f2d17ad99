# telemine: the two commands a user needs on a fresh Debian 12 machine.
#   make demo   install what is missing, build, generate an archive and run every analysis on it
#   make test   install what is missing, build and run every test through ctest
#   make bench  the benchmarks, built for this machine's CPU (-march=native) in build-bench
#   make fuzz   every fuzz target for FUZZ_SECONDS (default 600) each
.PHONY: all deps build test demo bench fuzz clean

BUILD ?= build
# Benchmarks measure this machine at its best: their own build, tuned for its CPU. The default
# build stays portable (x86-64-v2), so that its binary runs on every node of a cluster.
BENCH_BUILD ?= build-bench
FUZZ_SECONDS ?= 600
NP ?= 2
# Two cores here: more parallel compile jobs only thrash memory.
JOBS ?= 2

# mpirun refuses to run as root unless told; our tests and demo run as root on CI.
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
export OMPI_MCA_rmaps_base_oversubscribe := 1

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo.sh $(BUILD) $(NP)

$(BENCH_BUILD)/build.ninja:
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DTELEMINE_NATIVE=ON -DTELEMINE_TESTS=OFF

bench: deps $(BENCH_BUILD)/build.ninja
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	@scripts/bench.sh $(BENCH_BUILD)

# The fuzz targets are built with the tests (a clang configuration in $(BUILD)/fuzz).
fuzz: build
	tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS) fuzz-findings

clean:
	rm -rf $(BUILD) $(BENCH_BUILD)
