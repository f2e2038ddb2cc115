import { notEndedCheck } from './notEnded';
import type { Rule } from './rule';

export const taskNotEnded: Rule = {
  meta: {
    id: 'task-not-ended',
    title: 'Task never ended',
    defaultSeverity: 'warning',
    fixable: true,
  },
  declarationLocal: true,
  check: notEndedCheck('task'),
};
