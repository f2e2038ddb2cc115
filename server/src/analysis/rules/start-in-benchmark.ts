import { enclosingFunction, isInside } from '../syntax';
import { RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

export const startInBenchmark: Rule = {
  meta: {
    id: 'start-in-benchmark',
    title: 'trace.Start in a benchmark or TestMain',
    defaultSeverity: 'warning',
    fix: 'none',
    practice: 'Right tool for the question (trace vs pprof)',
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
