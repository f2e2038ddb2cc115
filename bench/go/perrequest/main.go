// Command perrequest simulates a service that starts a goroutine per request, as net/http and gRPC
// servers do: clients send requests to an accept loop, which starts a short-lived goroutine for
// each one. A request runs under a task with 4–5 regions (the database query regions nested) and
// about 5 logs, and every third request fans out to two child goroutines, each with its own child
// task. It runs until its trace reaches a given size, producing the goroutine-per-request traces
// of the benchmarks (about 1.7 goroutines and 85 events per request).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

type request struct {
	id    int
	user  int
	reply chan int
}

// database answers queries on a few connection goroutines, so a query blocks on a channel.
type database struct{ queries chan chan int }

func (db *database) serveConnection() {
	for reply := range db.queries {
		rows := 1 + rand.IntN(20)
		buf := make([]byte, 64*rows)
		reply <- len(buf)
	}
}

func (db *database) query(ctx context.Context, table string) int {
	defer trace.StartRegion(ctx, "db.query").End()
	trace.Log(ctx, "db", table)
	reply := make(chan int, 1)
	db.queries <- reply
	return <-reply
}

type sessions struct {
	mu    sync.Mutex
	users map[int]string
}

func (s *sessions) authenticate(ctx context.Context, user int) bool {
	defer trace.StartRegion(ctx, "auth").End()
	s.mu.Lock()
	_, ok := s.users[user]
	s.mu.Unlock()
	if ok {
		trace.Log(ctx, "auth", "cached")
		return true
	}
	trace.Log(ctx, "auth", "new session")
	session := fmt.Sprintf("session-%d", user)
	s.mu.Lock()
	if len(s.users) > 5000 {
		s.users = make(map[int]string)
	}
	s.users[user] = session
	s.mu.Unlock()
	return true
}

// fetchRelated is a fan-out child: its own goroutine and its own task under the request's.
func fetchRelated(ctx context.Context, db *database, part int, wg *sync.WaitGroup, rows *[2]int) {
	defer wg.Done()
	ctx, task := trace.NewTask(ctx, "fanout")
	defer task.End()
	trace.Logf(ctx, "fanout", "part=%d", part)
	rows[part] = db.query(ctx, "related")
}

func serve(req request, db *database, s *sessions) {
	ctx, task := trace.NewTask(context.Background(), "request")
	defer task.End()
	trace.Logf(ctx, "request", "id=%d", req.id)
	s.authenticate(ctx, req.user)
	total := 0
	trace.WithRegion(ctx, "handler", func() {
		total += db.query(ctx, "users")
		total += db.query(ctx, "orders")
		if req.id%3 == 0 {
			var wg sync.WaitGroup
			var rows [2]int
			for part := range rows {
				wg.Add(1)
				go fetchRelated(ctx, db, part, &wg, &rows)
			}
			wg.Wait()
			total += rows[0] + rows[1]
		}
		if req.id%20 == 0 {
			time.Sleep(50 * time.Microsecond)
		}
	})
	trace.WithRegion(ctx, "render", func() {
		out := make([]byte, 0, 256+total)
		out = fmt.Appendf(out, "{\"id\":%d,\"rows\":%d}", req.id, total)
		trace.Logf(ctx, "response", "bytes=%d", len(out))
	})
	req.reply <- total
}

// reached reports, every hundred requests, whether the trace file has grown to size bytes.
func reached(f *os.File, size int64, id int) bool {
	if size == 0 || id%100 != 0 {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Size() >= size
}

func main() {
	out := flag.String("o", "trace.out", "trace output file")
	size := flag.Int64("size", 0, "stop once the trace file holds this many bytes")
	requests := flag.Int("requests", 0, "if set, stop after this many requests")
	clients := flag.Int("clients", 64, "concurrent clients, each waiting for its response before the next request")
	flag.Parse()
	if *size == 0 && *requests == 0 {
		log.Fatal("give -size or -requests")
	}

	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		log.Fatal(err)
	}
	db := &database{queries: make(chan chan int)}
	for i := 0; i < 8; i++ {
		go db.serveConnection()
	}
	s := &sessions{users: make(map[int]string)}

	incoming := make(chan request)
	go func() { // the accept loop: a goroutine per request
		for req := range incoming {
			go serve(req, db, s)
		}
	}()
	var next sync.Mutex
	id := 0
	done := false
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply := make(chan int, 1)
			for {
				next.Lock()
				if done || (*requests > 0 && id >= *requests) || reached(f, *size, id) {
					done = true
					next.Unlock()
					return
				}
				req := request{id: id, user: rand.IntN(10000), reply: reply}
				id++
				next.Unlock()
				incoming <- req
				<-reply
			}
		}()
	}
	wg.Wait()
	close(incoming)
	close(db.queries)
	trace.Stop()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
