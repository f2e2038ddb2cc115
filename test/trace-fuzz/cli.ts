// Command line of the trace fuzzer, run by scripts/fuzz-traces.mjs.
import { differentialFuzz } from './differential';
import { fuzzTraces } from './fuzz';

/**
 * Entry point of scripts/fuzz-traces.mjs: [--cases N] [--seconds N] [--seed S] [--go]; exit 1 when crashers
 * (or, with --go, divergences from Go's reader) were found. Without --cases, runs for --seconds (default 60).
 */
async function main(argv: string[]): Promise<number> {
  const option = (name: string) => { const i = argv.indexOf(name); return i < 0 ? undefined : Number(argv[i + 1]); };
  const cases = option('--cases');
  const seconds = option('--seconds') ?? (cases === undefined ? 60 : undefined);
  const seed = option('--seed') ?? Math.floor(Math.random() * 2 ** 31);
  const budget = [cases === undefined ? '' : `${cases} cases`, seconds === undefined ? '' : `${seconds} s`].filter(Boolean).join(' or ');
  const started = performance.now();
  if (argv.includes('--go')) {
    console.log(`differential fuzzing against Go's reader for ${budget}, seed ${seed}`);
    const r = await differentialFuzz({ cases, seconds, seed, log: (line) => console.log(line) });
    console.log(`${r.cases} cases: ${r.agreed} agree with Go, ${r.divergences.length} divergences, ${r.crashers.length} crashers, Go failed on ${r.goFailed}`);
    return r.divergences.length + r.crashers.length === 0 ? 0 : 1;
  }
  console.log(`fuzzing the trace reader for ${budget}, seed ${seed}`);
  const report = await fuzzTraces({ cases, seconds, seed, log: (line) => console.log(line) });
  const rate = report.cases / ((performance.now() - started) / 1000);
  console.log(`${report.cases} cases (${rate.toFixed(0)}/s): ${JSON.stringify(report.counts)}; ${report.crashers.length} crashers`);
  return report.crashers.length === 0 ? 0 : 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
