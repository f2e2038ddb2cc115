/** The `go` directive of a go.mod file ("1.23", "1.22.4", "1.21rc1"), if any. */
export function goVersionFromGoMod(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const match = /^\s*go\s+(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)\s*(?:\/\/.*)?$/.exec(line.replace(/\r$/, ''));
    if (match) return match[1];
  }
  return undefined;
}

/** Compares a Go version string with major.minor: negative if older, 0 if the same minor release, positive if newer. */
export function compareGoMinor(version: string, major: number, minor: number): number {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return -1;
  return Number(match[1]) - major || Number(match[2]) - minor;
}
