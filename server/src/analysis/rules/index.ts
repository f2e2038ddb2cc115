import { backgroundContextInTask } from './background-context-in-task';
import { continuousTracing } from './continuous-tracing';
import { dynamicAnnotationName } from './dynamic-annotation-name';
import { endCalledTwice } from './end-called-twice';
import { flightRecorderConcurrentSnapshot } from './flight-recorder-concurrent-snapshot';
import { flightRecorderWriteErrorIgnored } from './flight-recorder-write-error-ignored';
import { logInLoop } from './log-in-loop';
import { longCaptureWindow } from './long-capture-window';
import { regionNotEnded } from './region-not-ended';
import { regionResultDiscarded } from './region-result-discarded';
import type { Rule } from './rule';
import { startErrorIgnored } from './start-error-ignored';
import { startInBenchmark } from './start-in-benchmark';
import { taskContextDiscarded } from './task-context-discarded';
import { taskNotEnded } from './task-not-ended';
import { taskPerIteration } from './task-per-iteration';
import { taskWithoutRegions } from './task-without-regions';
import { wholeProgramCapture } from './whole-program-capture';
import { writerClosedBeforeStop } from './writer-closed-before-stop';
import { traceFileNotClosed } from './trace-file-not-closed';
import { stopWithoutStart } from './stop-without-start';
import { startWithPprofEndpoint } from './start-with-pprof-endpoint';
import { regionEndedOnOtherGoroutine } from './region-ended-on-other-goroutine';
import { logCostlyArgument } from './log-costly-argument';

export type { Rule } from './rule';

/** The rules of the tracing practices first (in TRACING_PRACTICES order), then the misuse seen in real code. */
export const RULES: readonly Rule[] = [
  longCaptureWindow,
  continuousTracing,
  taskWithoutRegions,
  taskPerIteration,
  wholeProgramCapture,
  logInLoop,
  startInBenchmark,
  taskNotEnded,
  regionNotEnded,
  regionResultDiscarded,
  endCalledTwice,
  taskContextDiscarded,
  backgroundContextInTask,
  dynamicAnnotationName,
  startErrorIgnored,
  writerClosedBeforeStop,
  flightRecorderWriteErrorIgnored,
  flightRecorderConcurrentSnapshot,
  traceFileNotClosed,
  stopWithoutStart,
  startWithPprofEndpoint,
  regionEndedOnOtherGoroutine,
  logCostlyArgument,
];

const byId = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
