import { enclosingFunction, isInside } from '../syntax';
import { RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const startInBenchmark: Rule = {
  meta: {
    id: 'start-in-benchmark',
    title: 'trace.Start in a benchmark or TestMain',
    defaultSeverity: 'warning',
    fixable: false,
    exercise: 7,
    docs: `The execution tracer answers latency and ordering questions ("why is p99 high", "why is this
goroutine stuck"). Benchmarks ask aggregate-cost questions ("where is CPU spent", "where do we
allocate"), which the CPU and heap profiles answer in seconds. Starting a trace inside a benchmark
or for a whole test binary in \`TestMain\` also distorts what is measured. Use
\`go test -bench . -cpuprofile cpu.out\` (or \`-memprofile\`), or \`go test -trace trace.out\` when
a trace really is the question.

Benchmarks that measure the tracer itself (they call trace annotations) are not reported.

**Bad**

\`\`\`go
func BenchmarkEncode(b *testing.B) {
	trace.Start(f)
	defer trace.Stop()
	for b.Loop() {
		encode(input)
	}
}
\`\`\`

**Good**

\`\`\`go
// go test -bench Encode -cpuprofile cpu.out && go tool pprof -top cpu.out
func BenchmarkEncode(b *testing.B) {
	for b.Loop() {
		encode(input)
	}
}
\`\`\``,
  },
  check({ file, report }) {
    for (const call of file.callsNamed('Start')) {
      if (call.pkg !== RUNTIME_TRACE) continue;
      let fn = enclosingFunction(call.node);
      while (fn && fn.type === 'func_literal') fn = enclosingFunction(fn);
      const name = fn?.type === 'function_declaration' ? fn.childForFieldName('name')?.text ?? '' : '';
      const params = fn?.childForFieldName('parameters')?.text ?? '';
      const isBenchmark = /^Benchmark/.test(name) && /\*testing\.B\b/.test(params);
      const isTestMain = name === 'TestMain' && /\*testing\.M\b/.test(params);
      if (!fn || (!isBenchmark && !isTestMain)) continue;
      const measuresTracer = file.callsNamed('NewTask', 'StartRegion', 'WithRegion', 'Log', 'Logf', 'IsEnabled').some((c) => isInside(c.node, fn));
      if (measuresTracer) continue;
      report({ node: call.node, message: isBenchmark
        ? 'trace.Start in a benchmark: for where time or memory goes use -cpuprofile/-memprofile (pprof); the tracer is for latency and ordering'
        : 'trace.Start in TestMain traces the whole test binary: use go test -trace, or profile with -cpuprofile', fixes: [] });
    }
  },
};
