import type { CancellationToken, Connection, InitializeParams, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RequestDescriptor } from '../../common/traceProtocol';

/** A group of language-server features (linting, traces) wired onto one connection. */
export interface ServerFeature {
  capabilities(params: InitializeParams): ServerCapabilities;
}

export type RegisterFeature = (connection: Connection, documents: TextDocuments<TextDocument>) => ServerFeature;

/** Registers a handler typed by the shared protocol descriptor; the token is the request's cancellation. */
export function handleRequest<P, R>(connection: Connection, descriptor: RequestDescriptor<P, R>, handler: (params: P, token: CancellationToken) => R | Promise<R>): void {
  connection.onRequest(descriptor.method, async (params: P, token: CancellationToken): Promise<R> => handler(params, token));
}
