// go-trace-lens trace dump FILE: every event as `go tool trace -d=parsed` (Go 1.26)
// prints it, byte for byte, streamed to stdout.
import { TraceError } from '../trace/event';
import { formatEvent } from '../trace/format';
import { openTraceFile } from '../trace/reader';
import { encodeGoText } from '../trace/strings';

const usage = 'usage: go-trace-lens trace dump FILE\n';

/** Text is gathered into blocks of about this many characters before it is encoded and written. */
const BLOCK_CHARS = 1 << 20;

/** Set when stdout is gone (e.g. piped into `head`): stop quietly, as Go's SIGPIPE death would. */
let outputClosed = false;
class OutputClosed extends Error {}

function write(out: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (outputClosed) return undefined;
  if (out.write(encodeGoText(text))) return undefined;
  return new Promise((resolve) => {
    const done = (): void => { out.off('drain', done); out.off('close', done); resolve(); };
    out.once('drain', done);
    out.once('close', done);
  });
}

export async function runTraceDump(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('-')) {
    process.stderr.write(usage);
    return 2;
  }
  const path = args[0];
  let trace;
  try {
    trace = await openTraceFile(path);
  } catch (error) {
    return report(error, path, true);
  }
  const out = process.stdout;
  out.on('error', (error: NodeJS.ErrnoException) => {
    outputClosed = true;
    if (error.code !== 'EPIPE') process.stderr.write(`go-trace-lens: writing output: ${error.message}\n`);
  });
  let block = '';
  try {
    // The reader pauses every few thousand events: the text is written there, waiting while stdout is full.
    await trace.forEach((e) => { block += formatEvent(e, trace.timeBase) + '\n'; }, async () => {
      if (outputClosed) throw new OutputClosed();
      if (block.length < BLOCK_CHARS) return;
      const text = block;
      block = '';
      await write(out, text);
    });
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    await write(out, block);
    return report(error, path, false);
  }
  await write(out, block);
  return 0;
}

function report(error: unknown, path: string, opening: boolean): number {
  if (error instanceof TraceError) {
    process.stderr.write(`go-trace-lens: ${path}: ${error.message}\n`);
    return 1;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (opening && typeof code === 'string') {
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    process.stderr.write(`go-trace-lens: cannot read ${path}: ${reason}\n`);
    return 2;
  }
  process.stderr.write(`go-trace-lens: ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
  return 2;
}
