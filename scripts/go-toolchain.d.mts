// Types for scripts/go-toolchain.mjs, used from the TypeScript tests.
export const repoRoot: string;
export function goroot(version: string): string;
export function goBinary(version: string): string;
export function requireGo(version: string): string;
export function goEnv(version: string): NodeJS.ProcessEnv;
export function buildInsideGoroot(version: string, sourceFile: string, importPath: string, outBinary: string): string;
