import type { Connection, InitializeParams, ServerCapabilities, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** A group of language-server features (linting, traces) wired onto one connection. */
export interface ServerFeature {
  capabilities(params: InitializeParams): ServerCapabilities;
}

export type RegisterFeature = (connection: Connection, documents: TextDocuments<TextDocument>) => ServerFeature;
