package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// TestSharedBlobs: reading two commits, readTrees hands over early exactly
// the blobs both sides' manifests hold, each once with its bytes (here
// through several git cat-file processes, as many blobs as that takes):
// not a changed manifest's, not one only the head has, not one over the
// size limit, not a link's target (diff then checks those itself).
func TestSharedBlobs(t *testing.T) {
	t.Parallel()
	requireGit(t)
	nodes := map[string]node{
		"changed/capgate.json": {data: "C1"},
		"l.capgate.json":       {link: "changed/capgate.json"},
		"big/capgate.json":     {data: big},
	}
	wantShared := map[string]string{}
	for i := range splitBlobs + 10 {
		p := fmt.Sprintf("s/%c/%04d/capgate.json", 'a'+i%26, i)
		data := "same " + p
		nodes[p] = node{data: data}
		wantShared[data] = ""
	}
	root := makeTree(t, nodes)
	base := commitTree(t, root)
	for p, data := range map[string]string{"changed/capgate.json": "C2", "new/capgate.json": "N"} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, root, "add", "-A")
	runGit(t, root, "commit", "-q", "-m", "head")
	head := runGit(t, root, "rev-parse", "HEAD")
	bg, hg := &Git{Dir: root, Rev: base}, &Git{Dir: root, Rev: head}
	bt, err := bg.tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ht, err := hg.tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := mustMatcher(t)
	var mu sync.Mutex
	var got []string
	oids := map[string]bool{}
	if _, err := readTrees(context.Background(), []request{{bg, bt, m}, {hg, ht, m}}, func(oid string, data []byte) {
		mu.Lock()
		defer mu.Unlock()
		if oids[oid] {
			t.Errorf("blob %s handed over twice", oid)
		}
		oids[oid] = true
		got = append(got, string(data))
	}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for d := range wantShared {
		want = append(want, d)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("shared blobs: got %d, want %d (the unchanged manifests only)", len(got), len(want))
	}
}
