// Go source for "Add a flight recorder that snapshots slow requests": a new file in the package that
// keeps the last seconds of execution trace in memory and writes them out when an HTTP request is
// slow, one snapshot at a time. runtime/trace.FlightRecorder from Go 1.25, golang.org/x/exp/trace before.
// The text is gofmt's output (tabs, aligned comments) and the project's own linter has nothing to say.
import { compareGoMinor } from '../analysis/gomod';

export const FLIGHT_RECORDER_FILE = 'flightrecorder.go';

/** Whether the module's Go version has runtime/trace.FlightRecorder (an unknown version is taken as new). */
export function hasStdlibFlightRecorder(goVersion: string | undefined): boolean {
  return goVersion === undefined || compareGoMinor(goVersion, 1, 25) >= 0;
}

export function flightRecorderSource(packageName: string, goVersion: string | undefined): string {
  const stdlib = hasStdlibFlightRecorder(goVersion);
  const importPath = stdlib ? 'runtime/trace' : 'golang.org/x/exp/trace';
  const recorder = stdlib
    ? `// flightRecorder keeps the most recent execution trace in memory: at least MinAge of it,
// at most MaxBytes.
var flightRecorder = trace.NewFlightRecorder(trace.FlightRecorderConfig{
	MinAge:   10 * time.Second,
	MaxBytes: 16 << 20,
})
`
    : `// flightRecorder keeps the most recent execution trace in memory: about 10 s of it, at most
// 16 MiB. golang.org/x/exp/trace: run "go get golang.org/x/exp/trace" (Go 1.25 has it in runtime/trace).
var flightRecorder = newFlightRecorder()

func newFlightRecorder() *trace.FlightRecorder {
	fr := trace.NewFlightRecorder()
	fr.SetPeriod(10 * time.Second)
	fr.SetSize(16 << 20)
	return fr
}
`;
  return `package ${packageName}

import (
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"${importPath}"
)

// slowRequest is the latency above which a request's recent history is saved.
const slowRequest = 500 * time.Millisecond

${recorder}
// snapshotting lets one snapshot be written at a time: a second WriteTo fails while one runs.
var snapshotting sync.Mutex

// StartFlightRecorder starts recording; call it once when the program starts.
func StartFlightRecorder() error {
	return flightRecorder.Start()
}

// SnapshotSlowRequests wraps a handler: when a request takes longer than slowRequest, the last
// seconds of execution trace are written to a file to open in Go Trace Lens or go tool trace.
func SnapshotSlowRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		if elapsed := time.Since(start); elapsed > slowRequest {
			go snapshot(r.Method+" "+r.URL.Path, elapsed)
		}
	})
}

func snapshot(request string, elapsed time.Duration) {
	if !snapshotting.TryLock() {
		return // another slow request's snapshot is being written; it covers this one too
	}
	defer snapshotting.Unlock()
	f, err := os.CreateTemp("", "slow-request-*.trace")
	if err != nil {
		log.Printf("flight recorder: %v", err)
		return
	}
	_, err = flightRecorder.WriteTo(f)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		log.Printf("flight recorder: snapshot for %s: %v", request, err)
		return
	}
	log.Printf("flight recorder: %s took %v; trace in %s", request, elapsed, f.Name())
}
`;
}
