import { notEndedCheck } from './notEnded';
import type { Rule } from './rule';

export const taskNotEnded: Rule = {
  meta: {
    id: 'task-not-ended',
    title: 'Task never ended',
    defaultSeverity: 'warning',
    fix: 'mixed',
  },
  declarationLocal: true,
  check: notEndedCheck('task'),
};
