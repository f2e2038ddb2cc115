// Language server: all analysis runs here, never on the extension host.
import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerCaptureFeatures } from './captureFeatures';
import { registerLintFeatures } from './lintFeatures';
import { registerTraceFeatures } from './traceFeatures';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

// Each feature module adds its capabilities to the initialize result and its handlers to the connection.
const lint = registerLintFeatures(connection, documents);
const trace = registerTraceFeatures(connection, documents);
registerCaptureFeatures(connection, documents);

connection.onInitialize((params) => ({
  capabilities: { ...lint.capabilities(params), ...trace.capabilities(params) },
  serverInfo: { name: 'go-trace-lens' },
}));

documents.listen(connection);
connection.listen();
