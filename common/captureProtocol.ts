// Custom LSP messages for capturing traces: the client asks, shows progress with Cancel (the
// request's cancellation) and opens the result; the language server runs go test and the HTTP
// captures and keeps the captures index. Plain data, shared by client, server and tests.
import type { NotificationDescriptor, RequestDescriptor } from './traceProtocol';

const request = <P, R>(method: string): RequestDescriptor<P, R> => ({ method });
const notification = <P>(method: string): NotificationDescriptor<P> => ({ method });

export type TestKind = 'test' | 'benchmark' | 'fuzz';
export type CaptureSource = TestKind | 'server' | 'snapshot';

/** What the "trace" CodeLens passes to TRACE_TEST_COMMAND. */
export interface TraceTestTarget {
  /** The _test.go file (file: URI). */
  uri: string;
  name: string;
  kind: TestKind;
}

export const TRACE_TEST_COMMAND = 'goTraceLens.traceTest';

/** How to find go, from vscode-go's settings (`go.goroot`, `go.alternateTools.go`). */
export interface GoToolSettings { goroot?: string; alternateGo?: string }

export interface CaptureEntry {
  /** File name inside the captures folder. */
  file: string;
  source: CaptureSource;
  /** What was captured: the test's name and package, or the URL. */
  what: string;
  /** ISO time the capture finished. */
  capturedAt: string;
  /** How long capturing took, in milliseconds. */
  durationMs: number;
  bytes: number;
  /** The CPU profile written beside the trace, if any. */
  cpuProfile?: string;
}

/** Every request names the captures folder: the client knows the workspace storage. */
interface InFolder { directory: string }

export interface CaptureTestParams extends InFolder {
  captureId: string;
  target: TraceTestTarget;
  go: GoToolSettings;
  cpuProfile: boolean;
  benchtime?: string;
}

export interface CaptureTestResult {
  exitCode: number;
  /** The first lines that explain a failure. */
  failure?: string;
  /** Absolute path of the trace, when go test wrote one. */
  traceFile?: string;
}

export interface CaptureUrlParams extends InFolder {
  captureId: string;
  url: string;
  /** The window for /debug/pprof/trace; absent for a snapshot. */
  seconds?: number;
  source: 'server' | 'snapshot';
}

export interface CaptureUrlResult { traceFile: string; bytes: number; elapsedMs: number; url: string }

/** Progress of a capture: output of the go command, or bytes received so far. */
export interface CaptureProgress { captureId: string; output?: string; bytes?: number }

/** Error data of a failed capture request: `goNotFound` when there is no go command to run. */
export interface CaptureErrorData { goNotFound?: boolean }

export interface FlightRecorderFile { path: string; text: string }

export const CaptureRequests = {
  test: request<CaptureTestParams, CaptureTestResult>('goTraceLens/capture/test'),
  url: request<CaptureUrlParams, CaptureUrlResult>('goTraceLens/capture/url'),
  list: request<InFolder, CaptureEntry[]>('goTraceLens/captures/list'),
  rename: request<InFolder & { file: string; newName: string }, CaptureEntry>('goTraceLens/captures/rename'),
  remove: request<InFolder & { file: string }, null>('goTraceLens/captures/remove'),
  /** flightrecorder.go for the package of a Go file (file: URI), or null when it is not a Go package file. */
  flightRecorder: request<{ uri: string }, FlightRecorderFile | null>('goTraceLens/capture/flightRecorder'),
} as const;

export const CaptureNotifications = {
  progress: notification<CaptureProgress>('goTraceLens/capture/progress'),
} as const;
