// The README ships in the .vsix and is a newcomer's first page: it must stay true to the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIX_KIND_LABEL } from '../../scripts/rule-docs';
import { RULES } from '../../server/src/analysis/rules/index';
import { repoRoot } from '../e2e/harness/vsix';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  contributes: { configuration: { properties: Record<string, { default: unknown }> }; commands: { title: string; category: string }[] };
};

/** The README's table rows, as cells, whose first cell matches. */
function tableRows(firstCell: RegExp): string[][] {
  return readme.split('\n').filter((line) => line.startsWith('|'))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .filter((cells) => firstCell.test(cells[0]));
}

test('the rule table lists every rule once, linking its page, with its default severity and its fix kind', () => {
  const rows = tableRows(/^\[`[a-z-]+`\]\(docs\/rules\/[a-z-]+\.md\)$/);
  assert.deepEqual(rows.map((cells) => /`([a-z-]+)`/.exec(cells[0])![1]), RULES.map((rule) => rule.meta.id));
  for (const [i, rule] of RULES.entries()) {
    const [link, title, severity, fix] = rows[i];
    assert.equal(link, `[\`${rule.meta.id}\`](docs/rules/${rule.meta.id}.md)`);
    assert.equal(title, rule.meta.title, `${rule.meta.id}: title`);
    assert.equal(severity, rule.meta.defaultSeverity, `${rule.meta.id}: default severity`);
    assert.equal(fix, FIX_KIND_LABEL[rule.meta.fix], `${rule.meta.id}: fix kind`);
  }
});

test('the settings table lists every contributed setting with its default', () => {
  const properties = manifest.contributes.configuration.properties;
  const rows = tableRows(/^`goTraceLens\./);
  assert.deepEqual(rows.map((cells) => cells[0].replace(/`/g, '')).sort(), Object.keys(properties).sort());
  for (const [name, cell] of rows.map((cells) => [cells[0].replace(/`/g, ''), cells[1]])) {
    assert.equal(cell, `\`${JSON.stringify(properties[name].default)}\``, `${name}: default`);
  }
});

test('every command the README names exists', () => {
  // npm's own commands aside, `npm X` and `npm run X` are scripts of package.json.
  for (const [, script] of readme.matchAll(/`npm (?:run )?([\w:-]+)/g)) {
    if (!['ci', 'install', 'exec'].includes(script)) assert.ok(manifest.scripts[script], `npm run ${script} is not a script in package.json`);
  }
  for (const [, title] of readme.matchAll(/\*\*Go Trace Lens: ([^*]+)\*\*/g)) {
    assert.ok(manifest.contributes.commands.some((c) => c.category === 'Go Trace Lens' && c.title === title.replace(/\s+/g, ' ')), `no command "${title}"`);
  }
  for (const [, path] of readme.matchAll(/`((?:scripts|test)\/[\w./-]+)`/g)) {
    assert.ok(existsSync(join(repoRoot, path.replace(/\/\.\.\.$/, ''))), `${path} does not exist`);
  }
});

test('every relative link and image in the README exists', () => {
  const targets = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/.test(target));
  assert.ok(targets.length > 20, 'links found');
  for (const target of targets) assert.ok(existsSync(join(repoRoot, target)), `README links to ${target}, which does not exist`);
});
