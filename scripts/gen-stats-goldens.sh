#!/usr/bin/env bash
# Regenerates test/trace-model/goldens/*.stats.json.gz: for each fixture trace, the statistics Go's
# own reader and Summarizer compute (scripts/gen-stats-goldens.go) and the blocking profiles of
# `go tool trace -pprof=sync|net|syscall|sched` (scripts/gen-stats-goldens.mjs), which
# test/trace-model compares with ours exactly. Needs Go 1.26 (scripts/install-go.sh 1.26); CI compares without Go.
# Usage: scripts/gen-stats-goldens.sh [TRACE...]   (default: every test/fixtures/traces/*.trace)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
goroot="$root/.cache/go/1.26/usr/lib/go-1.26"
[ -x "$goroot/bin/go" ] || { echo "gen-stats-goldens: Go 1.26 not found at $goroot (run scripts/install-go.sh 1.26)" >&2; exit 2; }

# internal/trace can only be imported from inside GOROOT/src: build in a scratch GOROOT whose
# src links to the real one plus our command. Never committed (.cache is ignored).
scratch="$root/.cache/gtlstats-goroot"
rm -rf "$scratch"
mkdir -p "$scratch/src/gtlstats"
for entry in "$goroot"/*; do
  name="$(basename "$entry")"
  [ "$name" = src ] || ln -s "$(readlink -f "$entry")" "$scratch/$name"
done
for entry in "$(readlink -f "$goroot/src")"/*; do ln -s "$entry" "$scratch/src/$(basename "$entry")"; done
cp "$root/scripts/gen-stats-goldens.go" "$scratch/src/gtlstats/main.go"
(cd "$scratch/src/gtlstats" && GOROOT="$scratch" GOTOOLCHAIN=local GOPROXY=off GOFLAGS= "$scratch/bin/go" build -o "$root/.cache/gtlstats" .)

out="$root/test/trace-model/goldens"
mkdir -p "$out"
if [ $# -eq 0 ]; then set -- "$root"/test/fixtures/traces/*.trace; fi
for trace in "$@"; do
  name="$(basename "$trace" .trace)"
  node "$root/scripts/gen-stats-goldens.mjs" "$root/.cache/gtlstats" "$goroot/bin/go" "$trace" | gzip -9n > "$out/$name.stats.json.gz"
  echo "wrote $out/$name.stats.json.gz"
done
