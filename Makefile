# telemine: the two commands a user needs on a fresh Debian 12 machine.
#   make demo   install what is missing, build, generate an archive and run every analysis on it
#   make test   install what is missing, build and run every test through ctest
.PHONY: all deps build test demo bench clean

BUILD ?= build
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

bench: build
	@scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)
