// Part of scripts/gen-stats-goldens.sh: for one trace, merges the Summarizer statistics printed by
// the gtlstats command with the four blocking profiles of `go tool trace -pprof=…` (read back
// through `go tool pprof -raw`) into one golden JSON on stdout.
// Usage: node scripts/gen-stats-goldens.mjs GTLSTATS GO TRACE
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [gtlstats, go, trace] = process.argv.slice(2);
const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '' };
const golden = JSON.parse(execFileSync(gtlstats, [trace], { encoding: 'utf8', env }));

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

golden.blocking = {};
const dir = mkdtempSync(join(tmpdir(), 'gtl-pprof-'));
try {
  for (const kind of ['sync', 'net', 'syscall', 'sched']) {
    const profile = join(dir, `${kind}.pprof`);
    try {
      writeFileSync(profile, execFileSync(go, ['tool', 'trace', `-pprof=${kind}`, trace], { env, stdio: ['ignore', 'pipe', 'ignore'] }));
      golden.blocking[kind] = parseRaw(execFileSync(go, ['tool', 'pprof', '-raw', profile], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      golden.blocking[kind] = null; // go tool trace refuses a truncated trace
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(golden, null, 1)}\n`);
