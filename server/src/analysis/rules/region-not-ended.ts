import { notEndedCheck } from './notEnded';
import type { Rule } from './rule';

export const regionNotEnded: Rule = {
  meta: {
    id: 'region-not-ended',
    title: 'Region never ended',
    defaultSeverity: 'warning',
    fixable: true,
  },
  declarationLocal: true,
  check: notEndedCheck('region'),
};
