// Go sources the protocol tests open. Line numbers in the tests refer to these texts.
import { pathToFileURL } from 'node:url';

export const MISUSE = `package main

import (
	"context"
	"os"
	"runtime/trace"
)

func main() {
	f, _ := os.Create("trace.out")
	trace.Start(f)
	defer trace.Stop()
	ctx := context.Background()
	trace.StartRegion(ctx, "work")
	work(ctx)
}

func work(context.Context) {}
`;

export const CORRECT = `package main

import (
	"context"
	"os"
	"runtime/trace"
)

func main() {
	f, err := os.Create("trace.out")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	defer trace.Stop()
	ctx, task := trace.NewTask(context.Background(), "main")
	defer task.End()
	defer trace.StartRegion(ctx, "work").End()
}
`;

/** A server that traces to disk for its whole life (continuous-tracing); its fix depends on go.mod's Go version. */
export const SERVER = `package main

import (
	"log"
	"net/http"
	"os"
	"runtime/trace"
)

func main() {
	f, err := os.Create("trace.out")
	if err != nil {
		log.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(":8080", nil))
}
`;

/** A Go file of about `lines` lines: one import block, then functions that each misuse runtime/trace twice. */
export function largeSource(lines: number): string {
  const header = 'package main\n\nimport (\n\t"context"\n\t"os"\n\t"runtime/trace"\n)\n';
  const parts = [header];
  for (let i = 0, total = 7; total < lines; i++, total += 12) {
    parts.push(`
func work${i}(ctx context.Context, items []string) error {
	f, err := os.Create("trace-${i}.out")
	if err != nil {
		return err
	}
	trace.Start(f)
	defer trace.Stop()
	trace.StartRegion(ctx, "step ${i}")
	return nil
}
`);
  }
  return parts.join('');
}

/** A file: URI under a folder that does not exist, so no go.mod is found. */
export function uriOf(name: string): string {
  return pathToFileURL(`/nonexistent-go-trace-lens-test/${name}`).href;
}
