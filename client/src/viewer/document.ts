// The viewer's HTML shell: a strict Content-Security-Policy (scripts only
// with this page's nonce, styles only from the extension), no inline data.
// Free of `vscode` imports so the browser tests load exactly this page.

export interface DocumentSources {
  /** The webview's cspSource (where extension resources are served from). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
}

export function viewerDocument({ cspSource, scriptUri, styleUri, nonce }: DocumentSources): string {
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}">
<title>Go Trace Lens</title>
</head>
<body>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
