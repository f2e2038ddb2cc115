import { notEndedCheck } from './notEnded';
import type { Rule } from './rule';

export const regionNotEnded: Rule = {
  meta: {
    id: 'region-not-ended',
    title: 'Region never ended',
    defaultSeverity: 'warning',
    fix: 'mixed',
  },
  declarationLocal: true,
  check: notEndedCheck('region'),
};
