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
	p := startCatFiles(ctx, root, 2)
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
