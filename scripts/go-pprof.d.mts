// Types for scripts/go-pprof.mjs, used from the TypeScript tests.
export interface GoProfileEntry { count: number; totalNs: number; frames: string[] }
export const BLOCKING_KINDS: readonly string[];
export function goBlockingProfiles(go: string, trace: string, env: NodeJS.ProcessEnv): Record<string, GoProfileEntry[] | null>;
