// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps): one run, every rule's metadata, one result per finding.
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repository, version } from '../../../package.json';
import { ruleProse } from '../analysis/rules/prose';
import type { Finding, RuleMeta, Severity } from '../analysis/types';
import { ruleDocumentationUrl } from '../../../common/ruleDocs';

export type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export interface FileFindings {
  path: string;
  findings: Finding[];
}

/** A relative URI under %SRCROOT% (the working directory) when possible, else an absolute file URI. */
function artifactLocation(path: string, root: string): { uri: string; uriBaseId?: string } {
  const rel = relative(root, path);
  if (rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep)) {
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(path).href };
}

export function toSarif(files: FileFindings[], rules: readonly RuleMeta[], root: string): object {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'go-trace-lens',
          version,
          informationUri: repository.url,
          rules: rules.map((rule) => ({
            id: rule.id,
            name: rule.id,
            shortDescription: { text: rule.title },
            helpUri: ruleDocumentationUrl(rule.id),
            help: { text: ruleProse(rule.id), markdown: ruleProse(rule.id) },
            defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
          })),
        },
      },
      originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(root.endsWith(sep) ? root : root + sep).href } },
      // Finding positions count UTF-16 code units, as the language server's do.
      columnKind: 'utf16CodeUnits',
      results: files.flatMap(({ path, findings }) => findings.map((finding) => ({
        ruleId: finding.ruleId,
        ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
        level: LEVEL[finding.severity],
        message: { text: finding.message },
        locations: [{
          physicalLocation: {
            artifactLocation: artifactLocation(path, root),
            region: {
              startLine: finding.range.start.line + 1,
              startColumn: finding.range.start.character + 1,
              endLine: finding.range.end.line + 1,
              endColumn: finding.range.end.character + 1,
            },
          },
        }],
      }))),
    }],
  };
}
