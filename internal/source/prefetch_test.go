package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// prefetchRepo is a repository of n manifests in a base commit and a head
// that changes every 7th, adds and removes some, renames one, holds one
// blob at two paths, a link, an executable and a file over the size
// limit: the cases the bulk read treats apart.
func prefetchRepo(t *testing.T, n int) (root, base, head string) {
	t.Helper()
	nodes := map[string]node{
		"big/capgate.json":  {data: big},
		"l.capgate.json":    {link: "s/0003/capgate.json"},
		"x/capgate.json":    {data: "exec", exec: true},
		"old/capgate.json":  {data: `{"name": "renamed manifest with enough bytes to be similar", "version": "1"}`},
		"gone/capgate.json": {data: "G"},
	}
	for i := range n {
		nodes[fmt.Sprintf("s/%04d/capgate.json", i)] = node{data: fmt.Sprintf("manifest %d", i)}
	}
	root = makeTree(t, nodes)
	base = commitTree(t, root)
	write := func(p, data string) {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i += 7 {
		write(fmt.Sprintf("s/%04d/capgate.json", i), fmt.Sprintf("manifest %d, changed", i))
	}
	write("dup/capgate.json", "manifest 5")
	write("added/capgate.json", "A")
	if err := os.RemoveAll(filepath.Join(root, "gone")); err != nil {
		t.Fatal(err)
	}
	runGit(t, root, "mv", "old", "new")
	runGit(t, root, "add", "-A")
	runGit(t, root, "commit", "-q", "-m", "head")
	return root, base, runGit(t, root, "rev-parse", "HEAD")
}

// TestPrefetchSameFiles: the manifests of two commits read by ReadSides,
// the head's fetched while git lists it (prefetch) and the rest read after,
// are the files ReadGit reads of each commit without it: the same paths,
// blobs, bytes and errors, with one git cat-file process and with two;
// and every blob both sides hold is handed to the prechecks once. Run it
// with -race.
func TestPrefetchSameFiles(t *testing.T) {
	t.Parallel()
	requireGit(t)
	for _, n := range []int{40, splitBlobs + 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			root, base, head := prefetchRepo(t, n)
			ctx := context.Background()
			m := mustMatcher(t)
			want, err := ReadGit(ctx, m, &Git{Dir: root, Rev: base}, &Git{Dir: root, Rev: head})
			if err != nil {
				t.Fatal(err)
			}
			bg, hg := &Git{Dir: root, Rev: base, name: "b"}, &Git{Dir: root, Rev: head, name: "h"}
			cats := startCatFiles(ctx, root, 3)
			defer cats.close()
			bg.cats, hg.cats = cats, cats
			ahead := &recordAhead{t: t, oids: map[string]bool{}}
			pf := newPrefetch(ctx, root, cats, ahead.Add)
			defer pf.abort()
			renames, _, err := readPair(ctx, bg, hg, m, pf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readPairTrees(ctx, bg, hg, m, nil, nil, &readOpts{renames: renames, pf: pf, ahead: ahead}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for side := range 2 {
				if g, w := describe(got[side]), describe(want[side]); !reflect.DeepEqual(g, w) {
					t.Errorf("side %d: files differ from ReadGit's:\n got %q\nwant %q", side, g, w)
				}
			}
			var shared []string
			for i, f := range want[1] {
				if f.Err == nil && slices.ContainsFunc(want[0], func(b File) bool { return b.Blob == f.Blob && b.Err == nil }) && !strings.HasPrefix(f.Path, "l.") {
					shared = append(shared, string(want[1][i].Data))
				}
			}
			shared = slices.Compact(slices.Sorted(slices.Values(shared)))
			slices.Sort(ahead.shared)
			if !slices.Equal(ahead.shared, shared) {
				t.Errorf("shared blobs handed over: %d, want %d", len(ahead.shared), len(shared))
			}
			if len(ahead.pairs) == 0 || len(ahead.changed) == 0 {
				t.Errorf("no changed pair named (%d) or handed over (%d)", len(ahead.pairs), len(ahead.changed))
			}
		})
	}
}

// TestPrefetchFails: a prefetch asked for an object the repository does not
// have reports git's error when finished, and one given up (abort) while
// asked for blobs returns without waiting for them; neither hangs.
func TestPrefetchFails(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"a/capgate.json": {data: "A"}})
	commitTree(t, root)
	ctx := context.Background()
	pf := newPrefetch(ctx, root, nil, nil)
	pf.ask(strings.Repeat("0", 40), false)
	pf.flush()
	if err := pf.finish(); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("finish = %v, want the missing object's error", err)
	}
	pf.abort() // after finish: nothing to do
	blob := runGit(t, root, "rev-parse", "HEAD:a/capgate.json")
	ab := newPrefetch(ctx, root, nil, nil)
	for range 3 {
		ab.ask(blob, false)
	}
	ab.abort()
	for i := range 3 {
		if b, ok := ab.got(0, i); ok && string(b.data) != "A" {
			t.Errorf("aborted prefetch holds %q", b.data)
		}
	}
	// A read whose prefetch failed is an error, not files without bytes.
	d := &blobSet{oids: []string{blob}, at: map[string]int{blob: 0}}
	if _, err := gather(d, ab, ab.locate(d.at), nil, nil); err == nil && !gotAll(ab, 3) {
		t.Error("gather of an aborted prefetch: no error")
	}
}

// gotAll reports whether stream 0 of p read n blobs.
func gotAll(p *prefetch, n int) bool {
	_, ok := p.got(0, n-1)
	return ok
}

// TestPrefetchAddsShared: a blob asked as shared goes to add as soon as it
// is read, and the hook is told it was; one asked otherwise only to the
// hook.
func TestPrefetchAddsShared(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"a/capgate.json": {data: "A"}, "b/capgate.json": {data: "B"}})
	commitTree(t, root)
	a, b := runGit(t, root, "rev-parse", "HEAD:a/capgate.json"), runGit(t, root, "rev-parse", "HEAD:b/capgate.json")
	var mu sync.Mutex
	var added []string
	pf := newPrefetch(context.Background(), root, nil, func(oid string, data []byte) {
		mu.Lock()
		defer mu.Unlock()
		added = append(added, oid+" "+string(data))
	})
	pf.ask(a, true)
	pf.ask(b, false)
	pf.flush()
	hooked := map[string]bool{}
	pf.setHook(func(s, i int, bl blob, wasAdded bool) {
		mu.Lock()
		defer mu.Unlock()
		hooked[string(bl.data)] = wasAdded
	})
	if err := pf.finish(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(added, []string{a + " A"}) || !reflect.DeepEqual(hooked, map[string]bool{"A": true, "B": false}) {
		t.Errorf("added %q, hook told %v; want A added, both told, A as added", added, hooked)
	}
}
