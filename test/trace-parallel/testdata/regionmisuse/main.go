// Writes a trace whose regions "outer" and "inner" begin in its first generation and whose "outer"
// ends, out of order, two generations later: Go's reader reports the misuse there. A range read in
// parallel from the generation before cannot see it by itself (parallelStats.test.ts).
package main

import (
	"context"
	"os"
	"runtime/trace"
	"time"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	ctx, task := trace.NewTask(context.Background(), "long")
	outer := trace.StartRegion(ctx, "outer")
	inner := trace.StartRegion(ctx, "inner")
	time.Sleep(2500 * time.Millisecond) // Go's tracer starts a generation about every second
	outer.End()
	inner.End()
	task.End()
	trace.Stop()
}
