// Worker threads do not inherit tsx's loader reliably, so the worker registers it
// before loading its TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
