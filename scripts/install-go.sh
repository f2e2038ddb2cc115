#!/usr/bin/env bash
# Installs Go toolchains from Debian's backports into .cache/go/<version> without touching the system.
# Usage: scripts/install-go.sh [1.26 1.25 1.23 1.22]   (default: 1.26)
# Prints nothing on success except progress; GOROOT is .cache/go/<ver>/usr/lib/go-<ver>.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/go"
versions=("$@"); [ ${#versions[@]} -gt 0 ] || versions=(1.26)
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
cat > "$apt_dir/sources.list" <<SRC
deb http://deb.debian.org/debian bookworm-backports main
deb http://deb.debian.org/debian trixie-backports main
SRC
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::archives=$apt_dir/archives" -o "APT::Get::List-Cleanup=0")
need_update=0
for v in "${versions[@]}"; do [ -x "$cache/$v/usr/lib/go-$v/bin/go" ] || need_update=1; done
[ $need_update = 1 ] || exit 0
apt-get "${apt_opts[@]}" -qq update
for v in "${versions[@]}"; do
  dest="$cache/$v"
  [ -x "$dest/usr/lib/go-$v/bin/go" ] && continue
  tmp="$(mktemp -d)"; chmod 755 "$tmp"  # apt downloads as _apt
  (cd "$tmp" && apt-get "${apt_opts[@]}" -qq download "golang-$v-go" "golang-$v-src")
  mkdir -p "$dest"
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$dest"; done
  rm -rf "$tmp"
  "$dest/usr/lib/go-$v/bin/go" version
done
