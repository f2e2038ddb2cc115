#!/usr/bin/env bash
# Installs code-server (VS Code's workbench served to a browser) into a cache folder for the
# end-to-end tests and `npm start`. Idempotent: does nothing when the pinned version is there.
#
# Two things make it install on a machine that reaches only the npm registry and Debian:
#  - the native modules of VS Code need the -dev packages below to compile;
#  - @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds the release archive
#    in its cache folder ($TMPDIR/vscode-ripgrep-cache-<version>), so we put Debian's rg there.
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3
RIPGREP_PACKAGE_VERSION=1.15.11   # @vscode/ripgrep version that code-server 4.100.3 depends on
RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
target=.vscode-test/code-server
entry="$target/node_modules/code-server/out/node/entry.js"

installed_version() {
  node -e "try{console.log(require('./$target/node_modules/code-server/package.json').version)}catch{}"
}

if [ -f "$entry" ] && [ "$(installed_version)" = "$CODE_SERVER_VERSION" ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt_packages=(libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep build-essential python3)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

ripgrep_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
if [ ! -s "$ripgrep_cache/$RIPGREP_ARCHIVE" ]; then
  staging=$(mktemp -d)
  mkdir -p "$ripgrep_cache" "$staging/bin"
  cp "$(command -v rg)" "$staging/bin/rg"
  # The archive holds rg at its root (the postinstall extracts it into bin/).
  tar -czf "$ripgrep_cache/$RIPGREP_ARCHIVE" -C "$staging/bin" rg
  rm -rf "$staging"
fi

mkdir -p "$target"
[ -f "$target/package.json" ] || echo '{"name":"code-server-cache","private":true}' > "$target/package.json"
echo "install-code-server: installing code-server@$CODE_SERVER_VERSION into $target (a few minutes)…"
log="$target/install.log"
if ! (cd "$target" && npm_config_yes=true npm_config_unsafe_perm=true \
      npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >"$(basename "$log")" 2>&1); then
  tail -n 40 "$log" >&2
  echo "install-code-server: npm install failed; full log in $log" >&2
  exit 1
fi
[ -f "$entry" ] || { echo "install-code-server: $entry missing after install" >&2; exit 1; }
echo "install-code-server: code-server $(installed_version) ready"
