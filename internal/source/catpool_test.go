package source

import (
	"context"
	"strings"
	"testing"
)

// TestCatPool: processes started ahead read blobs as a process started on
// demand does; a take beyond those started, and a take after close, start
// their own; close kills (and waits for) the ones not taken, once.
func TestCatPool(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"a/capgate.json": {data: "A"}, "b/capgate.json": {data: "BB"}})
	commitTree(t, root)
	oids := strings.Fields(runGit(t, root, "rev-parse", "HEAD:a/capgate.json", "HEAD:b/capgate.json"))
	ctx := context.Background()
	p := newCatPool(2)
	p.start(ctx, root, 2)
	read := func(name string) {
		t.Helper()
		cf, err := p.take(ctx, root)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer cf.kill()
		out := make([]blob, 2)
		if err := cf.read(oids, out, true); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(out[0].data) != "A" || string(out[1].data) != "BB" {
			t.Fatalf("%s: read %q, %q", name, out[0].data, out[1].data)
		}
		if err := cf.close(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	read("started ahead")
	p.close() // kills the other one
	if p.n != 0 || !p.closed || len(p.ready) != 0 {
		t.Fatalf("after close: %d not taken, closed %v, %d waiting", p.n, p.closed, len(p.ready))
	}
	read("after close")
	p.close()
	var none *catPool
	p = none
	read("nil pool")
}

// TestCatPoolPut: a process put in the pool (the resolving one) is taken
// like those started ahead; start starts only what the pool has room for,
// and a put into a full or closed pool kills the process.
func TestCatPoolPut(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"a/capgate.json": {data: "A"}})
	commitTree(t, root)
	oid := strings.TrimSpace(runGit(t, root, "rev-parse", "HEAD:a/capgate.json"))
	ctx := context.Background()
	_, rc := resolveCommitsOn(ctx, root, []string{"HEAD"})
	if rc == nil {
		t.Fatal("resolveCommitsOn left no process running")
	}
	p := newCatPool(2)
	p.put(rc)
	p.start(ctx, root, 2)
	if p.n != 2 {
		t.Fatalf("%d processes in a pool of 2", p.n)
	}
	extra, err := startCatFile(ctx, root, true)
	if err != nil {
		t.Fatal(err)
	}
	p.put(extra) // full: killed
	if p.n != 2 || !extra.done {
		t.Fatalf("put into a full pool: %d processes, killed %v", p.n, extra.done)
	}
	commands := 0
	for range 2 {
		cf, err := p.take(ctx, root)
		if err != nil {
			t.Fatal(err)
		}
		if cf.command {
			commands++
		}
		out := make([]blob, 1)
		if err := cf.read([]string{oid}, out, true); err != nil || string(out[0].data) != "A" {
			t.Fatalf("read %q, %v", out[0].data, err)
		}
		if err := cf.close(); err != nil {
			t.Fatal(err)
		}
	}
	if commands != 1 {
		t.Errorf("%d --batch-command processes taken, want the one put", commands)
	}
	p.close()
	_, rc = resolveCommitsOn(ctx, root, []string{"HEAD"})
	p.put(rc) // closed: killed
	if !rc.done || p.n != 0 {
		t.Errorf("put into a closed pool: killed %v, %d in it", rc.done, p.n)
	}
}
