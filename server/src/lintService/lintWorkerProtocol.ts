// Messages between the language server and its lint worker thread (dist/lintWorker.js).
import type { Finding, LintOptions } from '../analysis/types';
import type { LintStats } from '../../../common/lintProtocol';

export type WorkerJob =
  | { kind: 'lint'; uri: string; text: string; options: LintOptions }
  | { kind: 'fixAll'; text: string; options: LintOptions; findings: Finding[] }
  | { kind: 'close'; uri: string }
  | { kind: 'stats' };

export type WorkerStats = LintStats['worker'];

export interface WorkerResults {
  lint: Finding[];
  fixAll: string;
  close: null;
  stats: WorkerStats;
}

export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
