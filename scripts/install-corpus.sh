#!/usr/bin/env bash
# Downloads the real-world lint corpus: the Go files listed in test/fixtures/real-world/corpus.json,
# taken from the Debian packages (binary .deb or source package) and versions pinned there, into
# .cache/corpus/<package>/<path>. Only our expectations are committed, never the code itself.
# Idempotent: a package whose files are all present at the pinned version is not downloaded again.
# Uses private apt lists (like scripts/install-go.sh), so the system's apt state is left alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/test/fixtures/real-world/corpus.json"
cache="$root/.cache/corpus"
apt_dir="$cache/apt"

# One line per package: name kind version suite root, then its files (paths under root).
plan="$(node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const [name, p] of Object.entries(m.packages)) {
    const files = m.files.filter((f) => f.package === name).map((f) => f.path);
    console.log([name, p.kind, p.version, p.suite, p.root || ".", ...files].join(" "));
  }' "$manifest")"

# A package is installed when its marker holds the pinned version and every file exists.
installed() {
  local name=$1 version=$3; shift 5
  [ "$(cat "$cache/$name/.version" 2>/dev/null)" = "$version" ] || return 1
  for path in "$@"; do [ -f "$cache/$name/$path" ] || return 1; done
}

missing=()
while read -r line; do
  # shellcheck disable=SC2086
  installed $line || missing+=("$line")
done <<< "$plan"
[ ${#missing[@]} -gt 0 ] || exit 0

mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
cat > "$apt_dir/sources.list" <<SRC
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-backports main
deb http://deb.debian.org/debian trixie main
deb http://deb.debian.org/debian trixie-backports main
deb-src http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian trixie main
deb-src http://deb.debian.org/debian trixie-backports main
SRC
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache::archives=$apt_dir/archives" -o "APT::Get::List-Cleanup=0")
apt-get "${apt_opts[@]}" -qq update

# Downloads NAME=VERSION (deb or source); when the archive no longer has that version (backports
# move on), falls back to the current one with a warning: the expectations' anchors are the text of
# the offending line, which survives small shifts, and the test says which version it read.
# A source package counts as downloaded once its upstream tarball is there (the .dsc is not needed).
fetch() {
  local kind=$1 name=$2 version=$3 verb=download
  [ "$kind" = source ] && verb="source --download-only"
  # shellcheck disable=SC2086
  apt-get "${apt_opts[@]}" -qq $verb "$name=$version" >/dev/null 2>&1 || true
  compgen -G '*.deb' >/dev/null || compgen -G '*.orig.tar.*' >/dev/null && return
  echo "install-corpus: $name $version is no longer in the archive; taking the current version" >&2
  # shellcheck disable=SC2086
  apt-get "${apt_opts[@]}" -qq $verb "$name" >/dev/null 2>&1 || true
  compgen -G '*.deb' >/dev/null || compgen -G '*.orig.tar.*' >/dev/null || { echo "install-corpus: could not download $name" >&2; exit 1; }
}

for line in "${missing[@]}"; do
  read -r name kind version _suite pkgroot paths <<< "$line"
  read -r -a files <<< "$paths"
  tmp="$(mktemp -d)"; chmod 755 "$tmp"  # apt downloads as _apt
  (cd "$tmp" && fetch "$kind" "$name" "$version")
  rm -rf "${cache:?}/$name"; mkdir -p "$cache/$name"
  if [ "$kind" = deb ]; then
    deb=("$tmp"/*.deb)
    dpkg-deb -f "${deb[0]}" Version > "$cache/$name/.version.got"
    dpkg-deb --fsys-tarfile "${deb[0]}" | tar -x -C "$cache/$name" --strip-components="$(tr -cd / <<< "./$pkgroot/" | wc -c)" \
      "${files[@]/#/./$pkgroot/}"
  else
    orig=("$tmp"/*.orig.tar.*)
    { sed -n 's/^Version: //p' "$tmp"/*.dsc 2>/dev/null || true; } | head -1 | grep . > "$cache/$name/.version.got" || echo "$version" > "$cache/$name/.version.got"
    # Source tarballs have one top folder (name-version/); the manifest's paths are below it.
    tar -x -f "${orig[0]}" -C "$cache/$name" --strip-components=1 --wildcards "${files[@]/#/*/}"
  fi
  echo "$version" > "$cache/$name/.version"
  rm -rf "$tmp"
  echo "install-corpus: $name $(cat "$cache/$name/.version.got"): ${#files[@]} files"
done
