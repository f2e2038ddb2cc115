#!/usr/bin/env bash
# Re-records the e2e workspace's trace (test/fixtures/e2e-workspace/orders.trace) with Go 1.26
# from the workspace's own code, so the viewer's regions point at lines the tests open.
set -euo pipefail
cd "$(dirname "$0")/../.."
goroot=.cache/go/1.26/usr/lib/go-1.26
[ -x "$goroot/bin/go" ] || scripts/install-go.sh 1.26
workspace=test/fixtures/e2e-workspace
export GOROOT="$PWD/$goroot" GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod GOCACHE="${GOCACHE:-$PWD/.cache/go-build}"
"$GOROOT/bin/gofmt" -l "$workspace" | { ! grep .; } || { echo "record-trace: gofmt the workspace first" >&2; exit 1; }
(cd "$workspace" && "$GOROOT/bin/go" vet . && "$GOROOT/bin/go" run . -trace orders.trace)
ls -l "$workspace/orders.trace"
