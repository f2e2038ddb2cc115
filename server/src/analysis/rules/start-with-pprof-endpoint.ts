import { enclosingFunction, isInside } from '../syntax';
import { RUNTIME_TRACE } from '../goFile';
import type { Rule } from './rule';

const NET_HTTP_PPROF = 'net/http/pprof';
/** Functions that run for the life of the process: a trace started there is on for good. */
const PROCESS_LIFETIME_FUNCTION = /^(main|init)$/;

export const startWithPprofEndpoint: Rule = {
  meta: {
    id: 'start-with-pprof-endpoint',
    title: 'trace.Start in a program that serves /debug/pprof/trace',
    defaultSeverity: 'warning',
    fix: 'none',
  },
  check({ file, report }) {
    if (!file.importsPath(NET_HTTP_PPROF)) return;
    const stops = file.callsNamed('Stop').filter((c) => c.pkg === RUNTIME_TRACE);
    for (const start of file.callsNamed('Start')) {
      if (start.pkg !== RUNTIME_TRACE) continue;
      const fn = enclosingFunction(start.node);
      if (!fn) continue;
      const lifetime = fn.type === 'function_declaration' && PROCESS_LIFETIME_FUNCTION.test(fn.childForFieldName('name')?.text ?? '');
      const stoppedHere = stops.some((s) => isInside(s.node, fn) && s.node.startIndex > start.node.endIndex);
      if (!lifetime && stoppedHere) continue;
      report({ node: start.node, message: 'This program also serves /debug/pprof/trace (net/http/pprof is imported): while this trace runs, every remote trace capture fails' });
    }
  },
};
