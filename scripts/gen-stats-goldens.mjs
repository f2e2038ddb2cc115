// Part of scripts/gen-stats-goldens.sh: for one trace, merges the Summarizer statistics printed by
// the gtlstats command with the four blocking profiles of `go tool trace -pprof=…` (read back
// through `go tool pprof -raw`) into one golden JSON on stdout.
// Usage: node scripts/gen-stats-goldens.mjs GTLSTATS GO TRACE
import { execFileSync } from 'node:child_process';
import { goBlockingProfiles } from './go-pprof.mjs';

const [gtlstats, go, trace] = process.argv.slice(2);
const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '' };
const golden = JSON.parse(execFileSync(gtlstats, [trace], { encoding: 'utf8', env }));

golden.blocking = goBlockingProfiles(go, trace, env);
process.stdout.write(`${JSON.stringify(golden, null, 1)}\n`);
