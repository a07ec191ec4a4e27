# slackgen — see README.md. Every target works on a fresh clone.
GO        ?= go
BIN       := bin/slackgen
EXAMPLES  := $(sort $(dir $(wildcard examples/*/go.mod)))
GOTESTFLAGS ?= -race -count=1

.PHONY: all build test test-root test-runtime test-examples lint fmt vet demo e2e bench clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/slackgen

## test: every test of every module, with -race (services: see DEVELOPERS.md)
test: test-root test-runtime test-examples

test-root:
	$(GO) test $(GOTESTFLAGS) ./...

test-runtime:
	cd runtime && $(GO) test $(GOTESTFLAGS) ./...

## test-examples: each example is up to date with its manifest, builds, vets and passes its tests
test-examples: build
	@set -e; for d in $(EXAMPLES); do \
		echo "== $$d"; \
		./$(BIN) generate --dir $$d --check; \
		(cd $$d && GOWORK=off $(GO) build ./... && GOWORK=off $(GO) vet ./... && GOWORK=off $(GO) test -count=1 ./...); \
	done

## lint: unformatted files and go vet findings fail
lint: fmt vet

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	cd runtime && $(GO) vet ./...

## demo: run examples/multi-workspace against the local Slack emulator on
## 127.0.0.1:3000 (app) and :3001 (emulator); prints the install URL and the
## command to send it a slash command; Ctrl-C stops both. DEMO_SMOKE=1 installs,
## sends one command, checks the reply and exits.
demo:
	$(GO) run ./scripts/demo -bin bin

## e2e: the end-to-end tests alone (set SLACKGEN_TEST_CHROMIUM and
## SLACKGEN_TEST_POSTGRES_URL as in DEVELOPERS.md, or they skip)
e2e:
	$(GO) test -count=1 -v ./e2e/

## bench: measure the generated app against a minimal reference server under
## wrk and count both servers' instructions per request under valgrind's
## callgrind, then the request path's microbenchmarks, the stores and the
## generator; rewrites BENCHMARKS.md and bench/results/ (about 8 minutes;
## needs 2+ CPUs)
bench:
	@command -v wrk >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null; }; }
	@command -v perf >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y linux-perf >/dev/null || echo "bench: linux-perf did not install; BENCHMARKS.md will have no live profiles" >&2
	@command -v valgrind >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind >/dev/null || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind >/dev/null; } || echo "bench: valgrind did not install; BENCHMARKS.md will have no instruction counts" >&2
	@command -v taskset >/dev/null 2>&1 || { echo "bench: taskset (util-linux) is missing" >&2; exit 1; }
	SLACKGEN_TEST_POSTGRES_URL=$${SLACKGEN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable} \
		$(GO) run ./bench/load

clean:
	rm -rf bin
