// Command tracestats is the Go side of bench/trace.bench.mjs: it reads every
// event of a trace with Go's own reader (internal/trace, the code behind
// `go tool trace`) and aggregates the statistics `go-trace-lens trace stats`
// reports (tasks, regions with their call sites, logs, GC), so both sides do
// comparable work. It imports internal/trace, so the benchmark builds it
// inside Go's source tree through -overlay.
//
// Usage: tracestats FILE   (prints one JSON object)
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"internal/trace"
	"io"
	"log"
	"os"
	"slices"
	"strings"
	"time"
)

type durations []trace.Time

// summary is the JSON shape shared with `go-trace-lens trace stats --json`.
type summary struct {
	Count int   `json:"count"`
	P50Ns int64 `json:"p50Ns"`
	P99Ns int64 `json:"p99Ns"`
	MaxNs int64 `json:"maxNs"`
}

func (d durations) summarize() summary {
	slices.Sort(d)
	rank := func(p float64) int64 {
		if len(d) == 0 {
			return 0
		}
		i := int(p*float64(len(d))+0.999999) - 1
		return int64(d[max(0, min(i, len(d)-1))])
	}
	return summary{Count: len(d), P50Ns: rank(0.5), P99Ns: rank(0.99), MaxNs: rank(1)}
}

type openRegion struct {
	typ   string
	start trace.Time
}

func main() {
	log.SetFlags(0)
	if len(os.Args) != 2 {
		log.Fatal("usage: tracestats FILE")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	started := time.Now()
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		log.Fatal(err)
	}
	var (
		events      int
		taskStart   = map[trace.TaskID]trace.Time{}
		taskType    = map[trace.TaskID]string{}
		tasks       = map[string]durations{}
		regions     = map[string]durations{}
		sites       = map[string]int{}
		open        = map[trace.GoID][]openRegion{}
		logs        = map[string]int{}
		gcCount     int
		stwNs       trace.Time
		stwStart    = map[trace.ProcID]trace.Time{}
		first, last trace.Time
	)
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		events++
		if first == 0 {
			first = ev.Time()
		}
		last = ev.Time()
		switch ev.Kind() {
		case trace.EventTaskBegin:
			t := ev.Task()
			taskStart[t.ID], taskType[t.ID] = ev.Time(), t.Type
		case trace.EventTaskEnd:
			t := ev.Task()
			if start, ok := taskStart[t.ID]; ok {
				tasks[taskType[t.ID]] = append(tasks[taskType[t.ID]], ev.Time()-start)
				delete(taskStart, t.ID)
				delete(taskType, t.ID)
			}
		case trace.EventRegionBegin:
			typ := ev.Region().Type
			open[ev.Goroutine()] = append(open[ev.Goroutine()], openRegion{typ, ev.Time()})
			sites[typ+"\x00"+callSite(ev.Stack())]++
		case trace.EventRegionEnd:
			stack := open[ev.Goroutine()]
			if n := len(stack); n > 0 {
				regions[stack[n-1].typ] = append(regions[stack[n-1].typ], ev.Time()-stack[n-1].start)
				open[ev.Goroutine()] = stack[:n-1]
			}
		case trace.EventLog:
			logs[ev.Log().Category]++
		case trace.EventRangeBegin:
			if name := ev.Range().Name; name == "GC concurrent mark phase" {
				gcCount++
			} else if strings.HasPrefix(name, "stop-the-world") {
				stwStart[ev.Proc()] = ev.Time()
			}
		case trace.EventRangeEnd:
			if strings.HasPrefix(ev.Range().Name, "stop-the-world") {
				if start, ok := stwStart[ev.Proc()]; ok {
					stwNs += ev.Time() - start
					delete(stwStart, ev.Proc())
				}
			}
		}
	}
	elapsed := time.Since(started)
	out := map[string]any{
		"events":      events,
		"seconds":     elapsed.Seconds(),
		"durationNs":  int64(last - first),
		"tasks":       summarizeAll(tasks),
		"regions":     summarizeAll(regions),
		"regionSites": len(sites),
		"logs":        logs,
		"gc":          map[string]any{"count": gcCount, "pauseNs": int64(stwNs)},
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		log.Fatal(err)
	}
}

func summarizeAll(m map[string]durations) map[string]summary {
	out := make(map[string]summary, len(m))
	for k, d := range m {
		out[k] = d.summarize()
	}
	return out
}

// callSite is the first frame outside runtime/trace: the line that began the region.
func callSite(s trace.Stack) string {
	site := ""
	for f := range s.Frames() {
		if !strings.HasPrefix(f.Func, "runtime/trace.") {
			site = fmt.Sprintf("%s:%d", f.File, f.Line)
			break
		}
	}
	return site
}
