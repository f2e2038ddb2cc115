// go-trace-lens CLI: the same engine as the language server, outside the editor.
// Exit codes: 0 clean, 1 findings (lint), a failed condition (trace diff) or a failed capture, 2 usage or I/O error.
// Each command's module is loaded when it runs: `trace stats` then does not initialise the linter's
// (web-tree-sitter, the rule catalogue), 4 MB of a process that may read on two threads.
import { keepYoungGenerationSmall, limitHeapGrowth } from '../trace/heap';

const usage = `usage: go-trace-lens <command> [arguments]

commands:
  lint [--format text|json|sarif] [--fix] PATH...   report runtime/trace misuse in Go code
  trace dump FILE                                    print every event as go tool trace -d=parsed does
  trace stats FILE [--format text|json|csv] [--threads N|auto]
                                                     tasks, regions, logs and GC statistics (--json: JSON, with latency
                                                     breakdowns unless --no-breakdowns);
                                                     --threads: read ranges of generations on N threads (default auto:
                                                     the idle cores for files of 95 MiB or more, without breakdowns)
  trace diff OLD NEW [--format text|json|markdown|csv] [--fail-on CONDITION]...
                                                     compare two traces: changes and their significance
  trace tasks FILE [--type T] [--slowest N] [--filter KEY=VALUE] [--json]
                                                     slowest task instances: latency breakdown, critical path
  capture test [-bench] NAME PKG -o FILE             trace one test, benchmark or fuzz seed run (go test -trace)
  capture url URL [--seconds N] -o FILE              trace a running server (/debug/pprof/trace) or fetch a snapshot
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'lint') return (await import('./lintCommand.js')).runLint(rest);
  if (command === 'capture') return (await import('./capture.js')).runCapture(rest);
  if (command === 'trace') limitHeapGrowth();
  if (command === 'trace' && rest[0] === 'dump') return (await import('./traceDump.js')).runTraceDump(rest.slice(1));
  if (command === 'trace' && rest[0] === 'tasks') {
    keepYoungGenerationSmall();
    return (await import('./traceTasks.js')).runTraceTasks(rest.slice(1));
  }
  if (command === 'trace' && rest[0] === 'stats') {
    keepYoungGenerationSmall();
    return (await import('./traceStats.js')).runTraceStats(rest.slice(1));
  }
  if (command === 'trace' && rest[0] === 'diff') {
    keepYoungGenerationSmall();
    return (await import('./traceDiff.js')).runTraceDiff(rest.slice(1));
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  process.stderr.write(command === undefined ? usage : `go-trace-lens: unknown command "${argv.join(' ')}"\n\n${usage}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`go-trace-lens: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
