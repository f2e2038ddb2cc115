// Command gtlexec prints, for one execution trace, the per-region execution statistics of Go's own
// Summarizer (internal/trace, summary.go: UserRegionSummary.GoroutineExecStats) and, per ended task,
// the sum over its outermost regions (per goroutine, ended before the task) with the time of the
// task none of them covers: what test/trace-requests compares with the request breakdowns.
// Built inside a scratch GOROOT by scripts/gen-stats-goldens.sh, like gen-stats-goldens.go.
package main

import (
	"encoding/json"
	"fmt"
	"internal/trace"
	"io"
	"os"
	"sort"
)

type stats struct {
	ExecNs          int64            `json:"execNs"`
	SchedWaitNs     int64            `json:"schedWaitNs"`
	SyscallNs       int64            `json:"syscallNs"`
	SyscallBlockNs  int64            `json:"syscallBlockNs"`
	BlockByReasonNs map[string]int64 `json:"blockByReasonNs"`
	UnknownNs       int64            `json:"unknownNs"`
	TotalNs         int64            `json:"totalNs"`
}

type region struct {
	Goroutine int64  `json:"goroutine"`
	Type      string `json:"type"`
	StartNs   int64  `json:"startNs"`
	EndNs     *int64 `json:"endNs"`
	stats
}

type task struct {
	ID        uint64 `json:"id"`
	Type      string `json:"type"`
	StartNs   int64  `json:"startNs"`
	EndNs     int64  `json:"endNs"`
	Regions   int    `json:"regions"`
	OutsideNs int64  `json:"outsideNs"`
	stats
}

// open is a region on a goroutine's stack as the Summarizer keeps it; begin is nil for Go's
// synthetic region of a task inherited at creation.
type open struct {
	begin *trace.Event
	task  trace.TaskID
}

type openTask struct {
	start    trace.Time
	outerMost []*trace.Event
}

func add(into *stats, s trace.GoroutineExecStats) {
	into.ExecNs += int64(s.ExecTime)
	into.SchedWaitNs += int64(s.SchedWaitTime)
	into.SyscallNs += int64(s.SyscallTime)
	into.SyscallBlockNs += int64(s.SyscallBlockTime)
	for reason, d := range s.BlockTimeByReason {
		if d != 0 {
			into.BlockByReasonNs[reason] += int64(d)
		}
	}
	into.UnknownNs += int64(s.UnknownTime())
	into.TotalNs += int64(s.TotalTime)
}

func covered(spans [][2]trace.Time, from, to trace.Time) int64 {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var total int64
	reach := trace.Time(-1 << 62)
	for _, s := range spans {
		start, end := max(s[0], from), min(s[1], to)
		if end <= start || end <= reach {
			continue
		}
		total += int64(end - max(start, reach))
		reach = end
	}
	return total
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gtlexec TRACE")
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
	s := trace.NewSummarizer()
	stacks := map[trace.GoID][]open{}
	outermost := map[*trace.Event]bool{}
	tasks := map[trace.TaskID]*openTask{}
	type ended struct {
		id         trace.TaskID
		name       string
		start, end trace.Time
		regions    []*trace.Event
	}
	var done []ended
	var first trace.Time
	events := 0
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			break // keep the complete generations, as go tool trace does
		}
		evp := new(trace.Event)
		*evp = ev
		s.Event(evp)
		if events == 0 {
			first = ev.Time()
		}
		events++
		switch ev.Kind() {
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				break
			}
			id := st.Resource.Goroutine()
			from, to := st.Goroutine()
			if from == to {
				break
			}
			switch from {
			case trace.GoUndetermined:
				delete(stacks, id)
			case trace.GoNotExist:
				delete(stacks, id)
				if creator := stacks[ev.Goroutine()]; len(creator) > 0 {
					stacks[id] = []open{{nil, creator[len(creator)-1].task}}
				}
			}
			if to == trace.GoNotExist || (to == trace.GoWaiting && st.Reason == "forever") {
				delete(stacks, id)
			}
		case trace.EventRegionBegin:
			g := ev.Goroutine()
			task := ev.Region().Task
			outer := true
			for _, o := range stacks[g] {
				if o.begin != nil && o.task == task {
					outer = false
				}
			}
			outermost[evp] = outer
			stacks[g] = append(stacks[g], open{evp, task})
		case trace.EventRegionEnd:
			g := ev.Goroutine()
			stk := stacks[g]
			if len(stk) == 0 {
				break
			}
			top := stk[len(stk)-1]
			stacks[g] = stk[:len(stk)-1]
			if top.begin == nil || !outermost[top.begin] {
				break
			}
			if t := tasks[top.task]; t != nil {
				t.outerMost = append(t.outerMost, top.begin)
			}
		case trace.EventTaskBegin:
			tasks[ev.Task().ID] = &openTask{start: ev.Time()}
		case trace.EventTaskEnd:
			if t := tasks[ev.Task().ID]; t != nil {
				done = append(done, ended{ev.Task().ID, ev.Task().Type, t.start, ev.Time(), t.outerMost})
				delete(tasks, ev.Task().ID)
			}
		}
	}
	sum := s.Finalize()
	summaries := map[*trace.Event]*trace.UserRegionSummary{}
	out := struct {
		Regions []region `json:"regions"`
		Tasks   []task   `json:"tasks"`
	}{Regions: []region{}, Tasks: []task{}}
	for id, g := range sum.Goroutines {
		for _, rs := range g.Regions {
			if rs.Start == nil || rs.Start.Kind() != trace.EventRegionBegin {
				continue // an end without a begin, or Go's synthetic region of an inherited task
			}
			summaries[rs.Start] = rs
			reg := region{Goroutine: int64(id), Type: rs.Name, StartNs: int64(rs.Start.Time() - first), stats: stats{BlockByReasonNs: map[string]int64{}}}
			if rs.End != nil {
				end := int64(rs.End.Time() - first)
				reg.EndNs = &end
			}
			add(&reg.stats, rs.GoroutineExecStats)
			out.Regions = append(out.Regions, reg)
		}
	}
	sort.Slice(out.Regions, func(i, j int) bool {
		a, b := out.Regions[i], out.Regions[j]
		if a.StartNs != b.StartNs {
			return a.StartNs < b.StartNs
		}
		if a.Goroutine != b.Goroutine {
			return a.Goroutine < b.Goroutine
		}
		return a.Type < b.Type
	})
	for _, t := range done {
		tk := task{ID: uint64(t.id), Type: t.name, StartNs: int64(t.start - first), EndNs: int64(t.end - first), Regions: len(t.regions),
			stats: stats{BlockByReasonNs: map[string]int64{}}}
		var spans [][2]trace.Time
		for _, begin := range t.regions {
			rs := summaries[begin]
			add(&tk.stats, rs.GoroutineExecStats)
			spans = append(spans, [2]trace.Time{rs.Start.Time(), rs.End.Time()})
		}
		tk.OutsideNs = int64(t.end-t.start) - covered(spans, t.start, t.end)
		out.Tasks = append(out.Tasks, tk)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
