# ddcal — set-up and everyday commands. `make run` and `make test` work on a fresh Debian machine.
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev libedit-dev libpng-dev zlib1g-dev libcairo2-dev libopenmpi-dev openmpi-bin \
                fonts-dejavu-core dataset-fashion-mnist pkg-config
SWIFT ?= swift
RELEASE := $(SWIFT) build -c release
# One OpenBLAS thread pool of the machine's size; override with THREADS=n.
THREADS ?= $(shell nproc)

.PHONY: deps build run test lint format bench fmnist fuzz fuzz-statements clean

## deps: install the system libraries and data with apt-get, only what is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "deps: all present"; fi

build: deps
	$(RELEASE)

## run: the main example (Examples/quickstart.ddc) in release.
run: deps
	$(RELEASE) --product ddcal
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal --threads $(THREADS) Examples/quickstart.ddc

## test: the whole test suite (release build: the gradient checks run real kernels).
test: deps
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	$(SWIFT) test -c release --skip-build

## lint: swift-format lint with the committed .swift-format (fails on any finding).
## format: rewrites Sources, Tests and Package.swift to that configuration (swift format -i).
lint:
	SWIFT=$(SWIFT) Scripts/lint.sh
format:
	SWIFT=$(SWIFT) Scripts/lint.sh --fix

## bench: performance figures (SGEMM rate, ConvNet throughput, second-order step, SVD, MTT,
## DC, EDD, RTP, t-SNE).
## With PYTORCH=/path/to/venv/bin/python (torch and numpy from PyPI, outside the repo), the
## PyTorch comparison scripts of Scripts/bench run right after, for side-by-side ratios.
PYTORCH ?=
REFERENCE ?= Scripts/bench
bench: deps
	$(RELEASE) --product ddcal-bench
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal-bench convnet conv-layers second-order svd
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal-bench mtt
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal-bench dc
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal-bench edd
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal-bench rtp
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal-bench tsne
	@if [ -n "$(PYTORCH)" ]; then \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_convnet_throughput.py 0 4 && \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_mtt.py 20 && \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_dc.py && \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_rtp.py 10 20 && \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_svd_ece.py 500 && \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_svd_ece.py 5000 && \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_tsne.py 2000 opentsne_bh && \
	  OMP_NUM_THREADS=$(THREADS) $(PYTORCH) $(REFERENCE)/bench_tsne.py 10000 opentsne; \
	else echo "(PYTORCH=<python with torch> adds the PyTorch reference run)"; fi

## fuzz: 100,000 mutated inputs for each file reader (npy, npz, IDX plain and gzip, CIFAR)
## and for the script lexer/parser; prints crash and hang counts (a crash or hang stops the
## run with its reproducer). FUZZ_COUNT=n changes the budget; `make test` runs a small one.
FUZZ_COUNT ?= 100000
fuzz: deps fuzz-statements
	$(RELEASE) --product ddcal-fuzz
	.build/release/ddcal-fuzz all --count $(FUZZ_COUNT)

## fmnist: the full-data Fashion-MNIST ConvNet-3 run (Examples/fashion-mnist-full.ddc).
fmnist: deps
	$(RELEASE) --product ddcal
	OPENBLAS_NUM_THREADS=$(THREADS) .build/release/ddcal --threads $(THREADS) Examples/fashion-mnist-full.ddc

## fuzz-statements: the statement fuzzer's long run, in child processes (crash and hang counts;
## FUZZ_STATEMENTS=n sets the budget; `make test` runs the bounded in-process sweep).
FUZZ_STATEMENTS ?= 100000
fuzz-statements: deps
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	DDCAL_FUZZ_STATEMENTS=$(FUZZ_STATEMENTS) $(SWIFT) test -c release --skip-build \
	  --filter StatementFuzzTests.longRunInChildProcesses

clean:
	rm -rf .build
