// The settings package.json contributes agree with the defaults the code uses (common/settings.ts) and say their scope.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SETTING_DEFAULTS } from '../../common/settings';
import manifest from '../../package.json';

const properties: Record<string, { default?: unknown; scope?: string }> = manifest.contributes.configuration.properties;

test('every contributed setting has its default in common/settings.ts, and the same value', () => {
  assert.deepEqual(Object.keys(properties).sort(), Object.keys(SETTING_DEFAULTS).sort());
  for (const [name, value] of Object.entries(SETTING_DEFAULTS)) assert.deepEqual(properties[name].default, value, name);
});

test('every contributed setting declares its scope', () => {
  for (const [name, property] of Object.entries(properties)) assert.ok(['application', 'machine', 'window', 'resource', 'language-overridable', 'machine-overridable'].includes(property.scope ?? ''), name);
});
