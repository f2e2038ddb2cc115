// A structural check of SARIF 2.1.0 logs: the properties GitHub code scanning reads, with their types
// and the cross-references between results and rules. Returns every problem found.

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

export function validateSarif(log: unknown): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => { if (!ok) problems.push(message); };
  if (!isObject(log)) return ['the log is not an object'];
  check(log.version === '2.1.0', 'version is "2.1.0"');
  check(typeof log.$schema === 'string' && /sarif-2\.1\.0/.test(log.$schema as string), '$schema names SARIF 2.1.0');
  check(Array.isArray(log.runs) && log.runs.length === 1, 'one run');
  for (const [r, run] of ((log.runs as unknown[]) ?? []).entries()) {
    if (!isObject(run) || !isObject(run.tool) || !isObject(run.tool.driver)) {
      problems.push(`runs[${r}].tool.driver is missing`);
      continue;
    }
    const driver = run.tool.driver;
    check(typeof driver.name === 'string' && driver.name.length > 0, 'driver.name');
    const rules = Array.isArray(driver.rules) ? driver.rules : [];
    check(rules.length > 0, 'driver.rules lists the rules');
    const ids = rules.map((rule: unknown) => (isObject(rule) ? rule.id : undefined));
    check(new Set(ids).size === ids.length, 'rule ids are unique');
    for (const [i, rule] of rules.entries()) {
      if (!isObject(rule)) { problems.push(`rules[${i}] is not an object`); continue; }
      check(typeof rule.id === 'string' && /^[a-z0-9-]+$/.test(rule.id), `rules[${i}].id`);
      check(typeof rule.helpUri === 'string' && rule.helpUri.startsWith('https://') && rule.helpUri.endsWith(`/docs/rules/${rule.id}.md`), `rules[${i}].helpUri`);
      check(isObject(rule.shortDescription) && typeof rule.shortDescription.text === 'string', `rules[${i}].shortDescription.text`);
      check(isObject(rule.defaultConfiguration) && ['error', 'warning', 'note'].includes(rule.defaultConfiguration.level as string), `rules[${i}].defaultConfiguration.level`);
    }
    const baseIds = isObject(run.originalUriBaseIds) ? run.originalUriBaseIds : {};
    check(Array.isArray(run.results), 'run.results is an array');
    for (const [i, result] of ((run.results as unknown[]) ?? []).entries()) {
      const at = `results[${i}]`;
      if (!isObject(result)) { problems.push(`${at} is not an object`); continue; }
      check(typeof result.ruleId === 'string' && ids.includes(result.ruleId), `${at}.ruleId names a described rule`);
      check(result.ruleIndex === undefined || ids[result.ruleIndex as number] === result.ruleId, `${at}.ruleIndex points at its rule`);
      check(['error', 'warning', 'note'].includes(result.level as string), `${at}.level is error, warning or note`);
      check(isObject(result.message) && typeof result.message.text === 'string' && result.message.text.length > 0, `${at}.message.text`);
      const location = Array.isArray(result.locations) ? result.locations[0] : undefined;
      const physical = isObject(location) ? location.physicalLocation : undefined;
      if (!isObject(physical) || !isObject(physical.artifactLocation) || !isObject(physical.region)) {
        problems.push(`${at}.locations[0].physicalLocation with artifactLocation and region`);
        continue;
      }
      const { uri, uriBaseId } = physical.artifactLocation;
      check(typeof uri === 'string' && uri.length > 0 && !uri.includes('\\'), `${at} artifactLocation.uri`);
      check(uriBaseId === undefined ? /^file:\/\//.test(uri as string) : typeof uriBaseId === 'string' && uriBaseId in baseIds, `${at} uriBaseId is declared in originalUriBaseIds`);
      const { startLine, startColumn, endLine, endColumn } = physical.region;
      check([startLine, startColumn, endLine, endColumn].every(isPositiveInteger), `${at} region lines and columns are 1-based integers`);
      check((endLine as number) > (startLine as number) || ((endLine as number) === (startLine as number) && (endColumn as number) >= (startColumn as number)), `${at} region ends after it starts`);
    }
  }
  return problems;
}
