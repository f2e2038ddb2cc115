// Command gtlstats prints, for one execution trace, the statistics that test/trace-model compares
// against ours, computed with Go's own reader and Summarizer (internal/trace, summary.go).
// internal/trace is importable only from inside GOROOT/src, so scripts/gen-stats-goldens.sh builds
// this file inside a scratch copy of GOROOT; it is never built in place.
package main

import (
	"encoding/json"
	"fmt"
	"internal/trace"
	"io"
	"math"
	"os"
	"sort"
	"strings"
)

type latency struct {
	Count         int     `json:"count"`
	CompleteCount int     `json:"completeCount"`
	TotalNs       float64 `json:"totalNs"`
	P50Ns         float64 `json:"p50Ns"`
	P90Ns         float64 `json:"p90Ns"`
	P99Ns         float64 `json:"p99Ns"`
	MaxNs         float64 `json:"maxNs"`
}

type site struct {
	File     string `json:"file"`
	Line     uint64 `json:"line"`
	Function string `json:"function"`
	Count    int    `json:"count"`
}

type regionType struct {
	latency
	Sites []site `json:"sites"`
}

type goroutine struct {
	Name             string           `json:"name"`
	TotalNs          int64            `json:"totalNs"`
	ExecNs           int64            `json:"execNs"`
	SchedWaitNs      int64            `json:"schedWaitNs"`
	SyscallNs        int64            `json:"syscallNs"`
	SyscallBlockNs   int64            `json:"syscallBlockNs"`
	BlockByReasonNs  map[string]int64 `json:"blockByReasonNs"`
	UnknownNs        int64            `json:"unknownNs"`
}

type output struct {
	// Error is the reader's error after the complete generations of a truncated or corrupt trace.
	Error      string                `json:"error,omitempty"`
	Events     int                   `json:"events"`
	DurationNs int64                 `json:"durationNs"`
	Tasks      map[string]latency    `json:"tasks"`
	Regions    map[string]regionType `json:"regions"`
	Logs       map[string]int        `json:"logs"`
	GC         struct {
		Count   int   `json:"count"`
		PauseNs int64 `json:"pauseNs"`
	} `json:"gc"`
	STW struct {
		Count   int   `json:"count"`
		PauseNs int64 `json:"pauseNs"`
	} `json:"stw"`
	PeakHeapBytes uint64               `json:"peakHeapBytes"`
	Goroutines    map[string]goroutine `json:"goroutines"`
}

// nearestRank is the value at rank ceil(p/100·n) of ascending values (the rule our model documents).
func nearestRank(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

func stats(durations []float64, incomplete int) latency {
	sort.Float64s(durations)
	l := latency{Count: len(durations) + incomplete, CompleteCount: len(durations)}
	for _, d := range durations {
		l.TotalNs += d
	}
	l.P50Ns, l.P90Ns, l.P99Ns = nearestRank(durations, 50), nearestRank(durations, 90), nearestRank(durations, 99)
	if len(durations) > 0 {
		l.MaxNs = durations[len(durations)-1]
	}
	return l
}

// userSite is the first frame outside runtime and runtime/trace: the annotation's call site.
func userSite(stk trace.Stack) (trace.StackFrame, bool) {
	for f := range stk.Frames() {
		if !strings.HasPrefix(f.Func, "runtime.") && !strings.HasPrefix(f.Func, "runtime/trace.") {
			return f, true
		}
	}
	return trace.StackFrame{}, false
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gtlstats TRACE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r, err := trace.NewReader(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := output{Tasks: map[string]latency{}, Regions: map[string]regionType{}, Logs: map[string]int{}, Goroutines: map[string]goroutine{}}
	s := trace.NewSummarizer()
	var first, last trace.Time
	gcOpen := false
	stwOpen := map[string]trace.Time{}
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			if out.Events == 0 {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			out.Error = err.Error() // keep the complete generations, as go tool trace does
			break
		}
		evp := new(trace.Event) // the Summarizer keeps pointers to events
		*evp = ev
		s.Event(evp)
		if out.Events == 0 {
			first = ev.Time()
		}
		out.Events++
		last = ev.Time()
		switch ev.Kind() {
		case trace.EventLog:
			out.Logs[ev.Log().Category]++
		case trace.EventMetric:
			m := ev.Metric()
			if m.Name == "/memory/classes/heap/objects:bytes" {
				out.PeakHeapBytes = max(out.PeakHeapBytes, m.Value.Uint64())
			}
		case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
			rg := ev.Range()
			if rg.Name == "GC concurrent mark phase" {
				if ev.Kind() == trace.EventRangeEnd {
					gcOpen = false
				} else if !gcOpen {
					gcOpen = true
					out.GC.Count++
				}
				break
			}
			if !strings.HasPrefix(rg.Name, "stop-the-world") {
				break
			}
			key := fmt.Sprintf("%v:%s", rg.Scope, rg.Name)
			if ev.Kind() != trace.EventRangeEnd {
				if _, ok := stwOpen[key]; !ok {
					stwOpen[key] = ev.Time()
				}
				break
			}
			start, ok := stwOpen[key]
			if !ok {
				break
			}
			delete(stwOpen, key)
			pause := int64(ev.Time() - start)
			out.STW.Count++
			out.STW.PauseNs += pause
			if strings.Contains(rg.Name, "GC") {
				out.GC.PauseNs += pause
			}
		}
	}
	out.DurationNs = int64(last - first)
	sum := s.Finalize()

	taskDurations := map[string][]float64{}
	taskIncomplete := map[string]int{}
	for _, t := range sum.Tasks {
		if t.Name == "" {
			continue // only referenced, never begun or ended in the trace
		}
		if t.Complete() {
			taskDurations[t.Name] = append(taskDurations[t.Name], float64(t.End.Time()-t.Start.Time()))
		} else {
			taskIncomplete[t.Name]++
		}
	}
	for name := range taskDurations {
		out.Tasks[name] = stats(taskDurations[name], taskIncomplete[name])
	}
	for name, n := range taskIncomplete {
		if _, ok := taskDurations[name]; !ok {
			out.Tasks[name] = stats(nil, n)
		}
	}

	regionDurations := map[string][]float64{}
	regionIncomplete := map[string]int{}
	regionSites := map[string]map[trace.StackFrame]int{}
	for id, g := range sum.Goroutines {
		var block = map[string]int64{}
		for reason, d := range g.BlockTimeByReason {
			block[reason] = int64(d)
		}
		out.Goroutines[fmt.Sprint(id)] = goroutine{
			Name: g.Name, TotalNs: int64(g.TotalTime), ExecNs: int64(g.ExecTime), SchedWaitNs: int64(g.SchedWaitTime),
			SyscallNs: int64(g.SyscallTime), SyscallBlockNs: int64(g.SyscallBlockTime), BlockByReasonNs: block,
			UnknownNs: int64(g.UnknownTime()),
		}
		for _, rg := range g.Regions {
			if rg.Start != nil && rg.Start.Kind() == trace.EventStateTransition {
				continue // Go's stand-in for a task inherited at goroutine creation, not a user region
			}
			if rg.Start != nil && rg.End != nil {
				regionDurations[rg.Name] = append(regionDurations[rg.Name], float64(rg.End.Time()-rg.Start.Time()))
			} else {
				regionIncomplete[rg.Name]++
			}
			if regionSites[rg.Name] == nil {
				regionSites[rg.Name] = map[trace.StackFrame]int{}
			}
			if rg.Start != nil {
				if f, ok := userSite(rg.Start.Stack()); ok {
					f.PC = 0 // sites are source lines
					regionSites[rg.Name][f]++
				}
			}
		}
	}
	for name, frames := range regionSites {
		rt := regionType{latency: stats(regionDurations[name], regionIncomplete[name]), Sites: []site{}}
		for f, n := range frames {
			rt.Sites = append(rt.Sites, site{File: f.File, Line: f.Line, Function: f.Func, Count: n})
		}
		sort.Slice(rt.Sites, func(i, j int) bool {
			a, b := rt.Sites[i], rt.Sites[j]
			if a.Count != b.Count {
				return a.Count > b.Count
			}
			if a.File != b.File {
				return a.File < b.File
			}
			return a.Line < b.Line
		})
		out.Regions[name] = rt
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
