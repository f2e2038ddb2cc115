// Go's own blocking profiles of a trace: `go tool trace -pprof=sync|net|syscall|sched`, read back
// through `go tool pprof -raw`. Used by scripts/gen-stats-goldens.mjs and the viewer's tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BLOCKING_KINDS = ['sync', 'net', 'syscall', 'sched'];

/** Parses `go tool pprof -raw`: samples "count delay: loc loc…" and locations "id: pc M=1 func file:line:col s=0". */
function parseRaw(text) {
  const lines = text.split('\n');
  const samples = [];
  const locations = new Map();
  let section = '';
  for (const line of lines) {
    if (line === 'Samples:' || line === 'Locations' || line === 'Mappings') { section = line; continue; }
    if (section === 'Samples:') {
      const m = /^\s*(\d+)\s+(\d+):\s*([\d ]*)$/.exec(line);
      if (m) samples.push({ count: Number(m[1]), totalNs: Number(m[2]), locations: m[3].trim().split(/\s+/).filter(Boolean) });
    } else if (section === 'Locations') {
      const m = /^\s*(\d+): 0x[0-9a-f]+ M=\d+ (.*) (\S*):(\d+):\d+ s=\d+$/.exec(line); // PC 0 frames have no function or file
      if (m) locations.set(m[1], `${m[2]} ${m[3]}:${m[4]}`);
    }
  }
  return samples
    .map((s) => ({ count: s.count, totalNs: s.totalNs, frames: s.locations.map((id) => locations.get(id) ?? `?${id}`) }))
    .sort((a, b) => b.totalNs - a.totalNs || a.frames.join('|').localeCompare(b.frames.join('|')));
}

/**
 * Each kind's profile as { count, totalNs, frames: ["func file:line", …] } entries, largest first;
 * null for a kind Go refuses (go tool trace rejects a truncated trace).
 */
export function goBlockingProfiles(go, trace, env) {
  const profiles = {};
  const dir = mkdtempSync(join(tmpdir(), 'gtl-pprof-'));
  try {
    for (const kind of BLOCKING_KINDS) {
      const profile = join(dir, `${kind}.pprof`);
      try {
        writeFileSync(profile, execFileSync(go, ['tool', 'trace', `-pprof=${kind}`, trace], { env, stdio: ['ignore', 'pipe', 'ignore'] }));
        profiles[kind] = parseRaw(execFileSync(go, ['tool', 'pprof', '-raw', profile], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }));
      } catch {
        profiles[kind] = null;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return profiles;
}
