// Command goverdict answers, for a stream of traces, what Go's own reader makes
// of each: the differential fuzzer (test/trace-fuzz/differential.ts) compares
// our reader with it case by case. It imports internal/trace, so it is built
// inside Go's source tree through -overlay (scripts/go-toolchain.mjs).
//
// Protocol on stdin/stdout: each request is a 4-byte little-endian length and
// that many trace bytes; each answer is one JSON line {"accepts", "error",
// "events", "dumpSha256"}, where the dump is exactly what `go tool trace
// -d=parsed` prints (every Event.String() and a newline) before the end or the
// error.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"internal/trace"
	"io"
	"log"
	"os"
)

type answer struct {
	Accepts    bool   `json:"accepts"`
	Error      string `json:"error,omitempty"`
	Events     int    `json:"events"`
	DumpSha256 string `json:"dumpSha256"`
}

func main() {
	log.SetFlags(0)
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for {
		var n uint32
		if err := binary.Read(in, binary.LittleEndian, &n); err == io.EOF {
			return
		} else if err != nil {
			log.Fatal(err)
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(in, data); err != nil {
			log.Fatal(err)
		}
		if err := enc.Encode(read(data)); err != nil {
			log.Fatal(err)
		}
		if err := out.Flush(); err != nil {
			log.Fatal(err)
		}
	}
}

func read(data []byte) (a answer) {
	dump := sha256.New()
	defer func() { a.DumpSha256 = hex.EncodeToString(dump.Sum(nil)) }()
	r, err := trace.NewReader(bytes.NewReader(data))
	for err == nil {
		var ev trace.Event
		ev, err = r.ReadEvent()
		if err == nil {
			fmt.Fprintln(dump, ev.String())
			a.Events++
		}
	}
	a.Accepts = err == io.EOF
	if !a.Accepts {
		a.Error = err.Error()
	}
	return a
}
