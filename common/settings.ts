// The default of every setting, stated once for the client, the webview, the server and the CLI.
// package.json's contributes.configuration repeats them for VS Code's settings UI; a test checks they agree.
export const SETTING_DEFAULTS = {
  'goTraceLens.lint.enable': true,
  'goTraceLens.lint.rules': {},
  'goTraceLens.lint.wrappers': [],
  'goTraceLens.lint.captureWindowSeconds': 5,
  'goTraceLens.lint.debounceMs': 200,
  'goTraceLens.lint.timeLimitMs': 20_000,
  'goTraceLens.trace.codeLens.enable': true,
  'goTraceLens.capture.directory': '',
  'goTraceLens.capture.codeLens.enable': true,
  'goTraceLens.capture.cpuProfile': false,
  'goTraceLens.capture.benchtime': '100ms',
  'goTraceLens.capture.flightRecorderUrl': '',
} as const;

export const DEFAULT_CAPTURE_WINDOW_SECONDS = SETTING_DEFAULTS['goTraceLens.lint.captureWindowSeconds'];
