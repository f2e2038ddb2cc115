// The `goTraceLens.lint` settings as the client sends them, validated into analysis options.
// Values come from user JSON: anything malformed falls back to the default instead of failing.
import { SETTING_DEFAULTS } from '../../../common/settings';
import { DEFAULT_LINT_OPTIONS, type LintOptions, type RuleSetting, type Severity } from '../analysis/types';
import { parseWrappers } from '../analysis/wrappers';

export interface LintSettings {
  enable: boolean;
  /** Upper bound on the pause after an edit before analysis (see AnalysisScheduler). */
  debounceMs: number;
  /** A document whose analysis takes longer is left unlinted until reopened. */
  timeLimitMs: number;
  options: LintOptions;
}

export const DEFAULT_LINT_SETTINGS: LintSettings = {
  enable: SETTING_DEFAULTS['goTraceLens.lint.enable'],
  debounceMs: SETTING_DEFAULTS['goTraceLens.lint.debounceMs'],
  timeLimitMs: SETTING_DEFAULTS['goTraceLens.lint.timeLimitMs'],
  options: DEFAULT_LINT_OPTIONS,
};

const SEVERITIES: readonly string[] = ['error', 'warning', 'info', 'hint'] satisfies Severity[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps `{ "rule-id": "off" | "error" | … }` to per-rule settings, dropping unknown values. */
export function parseRuleSettings(raw: unknown): Record<string, RuleSetting> {
  const rules: Record<string, RuleSetting> = {};
  if (!isRecord(raw)) return rules;
  for (const [id, value] of Object.entries(raw)) {
    if (value === 'off') rules[id] = { enabled: false };
    else if (typeof value === 'string' && SEVERITIES.includes(value)) rules[id] = { enabled: true, severity: value as Severity };
  }
  return rules;
}

function positiveNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** `raw` is the `goTraceLens.lint` section (workspace/configuration result). */
export function parseLintSettings(raw: unknown): LintSettings {
  if (!isRecord(raw)) return DEFAULT_LINT_SETTINGS;
  const debounce = raw.debounceMs;
  return {
    enable: typeof raw.enable === 'boolean' ? raw.enable : DEFAULT_LINT_SETTINGS.enable,
    debounceMs: typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0 ? Math.min(debounce, 10_000) : DEFAULT_LINT_SETTINGS.debounceMs,
    timeLimitMs: positiveNumber(raw.timeLimitMs, DEFAULT_LINT_SETTINGS.timeLimitMs),
    options: {
      rules: parseRuleSettings(raw.rules),
      captureWindowSeconds: positiveNumber(raw.captureWindowSeconds, DEFAULT_LINT_OPTIONS.captureWindowSeconds),
      wrappers: parseWrappers(raw.wrappers),
    },
  };
}
