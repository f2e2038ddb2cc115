#!/usr/bin/env bash
# Regenerates test/trace-model/goldens/*.stats.json.gz: for each fixture trace, the statistics Go's
# own reader and Summarizer compute (scripts/gen-stats-goldens.go) and the blocking profiles of
# `go tool trace -pprof=sync|net|syscall|sched` (scripts/gen-stats-goldens.mjs), which
# test/trace-model compares with ours exactly; and test/trace-requests/goldens/*.exec.json.gz, the
# per-region and per-task execution statistics (scripts/gen-exec-goldens.go). Needs Go 1.26 (scripts/install-go.sh 1.26); CI compares without Go.
# Usage: scripts/gen-stats-goldens.sh [TRACE...]   (default: every test/fixtures/traces/*.trace)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
goroot="$root/.cache/go/1.26/usr/lib/go-1.26"
[ -x "$goroot/bin/go" ] || { echo "gen-stats-goldens: Go 1.26 not found at $goroot (run scripts/install-go.sh 1.26)" >&2; exit 2; }

# internal/trace can only be imported from inside GOROOT/src: build in a scratch GOROOT whose
# src links to the real one plus our command. Never committed (.cache is ignored).
scratch="$root/.cache/gtlstats-goroot"
rm -rf "$scratch"
mkdir -p "$scratch/src"
for entry in "$goroot"/*; do
  name="$(basename "$entry")"
  [ "$name" = src ] || ln -s "$(readlink -f "$entry")" "$scratch/$name"
done
for entry in "$(readlink -f "$goroot/src")"/*; do ln -s "$entry" "$scratch/src/$(basename "$entry")"; done
build_tool() { # NAME SOURCE: builds .cache/NAME from scripts/SOURCE
  mkdir -p "$scratch/src/$1"
  cp "$root/scripts/$2" "$scratch/src/$1/main.go"
  (cd "$scratch/src/$1" && GOROOT="$scratch" GOTOOLCHAIN=local GOPROXY=off GOFLAGS= "$scratch/bin/go" build -o "$root/.cache/$1" .)
}
build_tool gtlstats gen-stats-goldens.go
build_tool gtlexec gen-exec-goldens.go

out="$root/test/trace-model/goldens"
mkdir -p "$out"
exec_out="$root/test/trace-requests/goldens"
mkdir -p "$exec_out"
if [ $# -eq 0 ]; then set -- "$root"/test/fixtures/traces/*.trace; fi
for trace in "$@"; do
  name="$(basename "$trace" .trace)"
  node "$root/scripts/gen-stats-goldens.mjs" "$root/.cache/gtlstats" "$goroot/bin/go" "$trace" | gzip -9n > "$out/$name.stats.json.gz"
  echo "wrote $out/$name.stats.json.gz"
  "$root/.cache/gtlexec" "$trace" | gzip -9n > "$exec_out/$name.exec.json.gz"
  echo "wrote $exec_out/$name.exec.json.gz"
done
