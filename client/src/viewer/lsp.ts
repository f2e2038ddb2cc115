// Typed requests over the shared trace protocol descriptors.
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestDescriptor } from '../../../common/traceProtocol';

export function sendRequest<P, R>(client: LanguageClient, descriptor: RequestDescriptor<P, R>, params: P): Promise<R> {
  return client.sendRequest<R>(descriptor.method, params);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
