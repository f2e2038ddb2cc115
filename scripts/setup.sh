#!/usr/bin/env bash
# One-time set-up on a fresh machine (Debian 12, Node 20, root): system packages,
# npm dependencies, Go 1.26 (for gofmt checks and trace goldens) and 1.22 (whose net/http/pprof still
# refuses long captures, for the capture tests), the real-world lint corpus
# (Go files from Debian packages, see docs/real-world-corpus.md) and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt_packages=(chromium)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
npm ci --no-audit --no-fund
scripts/install-go.sh 1.26 1.22
scripts/install-corpus.sh
scripts/install-code-server.sh
npm run build
