// Command gcheavy is an allocation-heavy batch workload: a few workers build and drop trees of
// small objects while a live set of a few MB churns, with a low GOGC, so the collector runs
// nearly all the time (mark assists, background mark workers, stop-the-world phases and heap
// metrics fill most of the trace). Each batch runs under a task with an "alloc" and a "compact"
// region. It runs until its trace reaches a given size, producing the GC-heavy traces of the
// benchmarks.
package main

import (
	"context"
	"flag"
	"log"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"runtime/trace"
	"sync"
	"sync/atomic"
)

type node struct {
	left, right *node
	payload     []byte
}

func build(depth int) *node {
	if depth == 0 {
		return &node{payload: make([]byte, 16+rand.IntN(64))}
	}
	return &node{left: build(depth - 1), right: build(depth - 1)}
}

func (n *node) count() int {
	if n == nil {
		return 0
	}
	return 1 + n.left.count() + n.right.count()
}

// liveSet is the long-lived part of the heap, replaced slot by slot as batches run.
type liveSet struct {
	mu    sync.Mutex
	slots []*node
}

func (l *liveSet) replace(i int, n *node) {
	l.mu.Lock()
	l.slots[i%len(l.slots)] = n
	l.mu.Unlock()
}

func batch(id int, live *liveSet) {
	ctx, task := trace.NewTask(context.Background(), "batch")
	defer task.End()
	var kept *node
	trace.WithRegion(ctx, "alloc", func() {
		for i := 0; i < 8; i++ {
			t := build(8)
			if i == 0 {
				kept = t
			}
		}
	})
	trace.WithRegion(ctx, "compact", func() {
		if kept.count() > 0 {
			live.replace(id, kept)
		}
	})
	if id%64 == 0 {
		trace.Logf(ctx, "batch", "id=%d", id)
	}
}

// reached reports whether the trace file has grown to size bytes.
func reached(f *os.File, size int64) bool {
	info, err := f.Stat()
	return err == nil && info.Size() >= size
}

func main() {
	out := flag.String("o", "trace.out", "trace output file")
	size := flag.Int64("size", 0, "stop once the trace file holds this many bytes")
	batches := flag.Int("batches", 0, "if set, stop after this many batches")
	workers := flag.Int("workers", 4, "concurrent workers")
	flag.Parse()
	if *size == 0 && *batches == 0 {
		log.Fatal("give -size or -batches")
	}
	debug.SetGCPercent(20)

	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		log.Fatal(err)
	}
	live := &liveSet{slots: make([]*node, 256)}
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				id := int(next.Add(1)) - 1
				if *batches > 0 && id >= *batches {
					stop.Store(true)
					return
				}
				if *size > 0 && id%16 == 0 && reached(f, *size) {
					stop.Store(true)
					return
				}
				batch(id, live)
			}
		}()
	}
	wg.Wait()
	trace.Stop()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
