package compiler

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"unsafe"
)

// TestSharedArenaCarriesNothing compiles every conformance manifest right
// after each refused one, and the manifests one after the other, and holds
// the output to that of the same manifest compiled first: a pooled
// parser's shared arena (arena.shared) and its slabs hand each compilation
// fresh room whatever the last one left, even when it stopped halfway.
func TestSharedArenaCarriesNothing(t *testing.T) {
	t.Parallel()
	good := benchCorpus(t)
	want := make([][]byte, len(good))
	for i, src := range good {
		want[i] = compiledJSON(t, src)
	}
	names, _ := filepath.Glob(filepath.Join(confDir, "*.jsonl"))
	var bad [][]byte
	for _, n := range names {
		for _, v := range loadVectors(t, filepath.Base(n)) {
			if _, err := Compile(v.source()); err != nil {
				bad = append(bad, v.source())
			}
		}
	}
	if len(bad) == 0 {
		t.Fatal("no refused vector")
	}
	for i, b := range bad {
		if _, err := Compile(b); err == nil {
			t.Fatalf("refused vector %d compiles now", i)
		}
		k := i % len(good)
		if got := compiledJSON(t, good[k]); !bytes.Equal(got, want[k]) {
			t.Fatalf("manifest %d after refused vector %d:\n%s\nwant\n%s", k, i, got, want[k])
		}
	}
	// Again in reverse, so that each compilation follows another.
	for k := len(good) - 1; k >= 0; k-- {
		if got := compiledJSON(t, good[k]); !bytes.Equal(got, want[k]) {
			t.Fatalf("manifest %d, compiled again:\n%s\nwant\n%s", k, got, want[k])
		}
	}
}

func compiledJSON(t *testing.T, src []byte) []byte {
	t.Helper()
	r, err := Compile(src)
	if err != nil {
		t.Fatal(err)
	}
	return AppendAllJSON(nil, r.Artifacts, false)
}

// TestCompiledSizeClass guards the size of Compile's one allocation of its
// own (compiled): up to 1,400 bytes, with the 8-byte header the runtime
// adds to an object of pointers over 512 bytes, it takes the 1,408-byte
// size class; a byte more takes the 1,536 one (see prep).
func TestCompiledSizeClass(t *testing.T) {
	t.Parallel()
	if n := unsafe.Sizeof(compiled{}); n > 1400 {
		t.Errorf("compiled is %d bytes: over 1,400, it takes a larger size class", n)
	}
}

// TestCompileConcurrently compiles the conformance manifests on several
// goroutines at once, each in its own order, as diff does, and holds every
// output to the one compiled alone: the pooled parsers and the blocks they
// share pass from goroutine to goroutine, never to two at once. Under
// -race it also checks that no two compilations touch the same memory.
func TestCompileConcurrently(t *testing.T) {
	t.Parallel()
	srcs := benchCorpus(t)
	want := make([][]byte, len(srcs))
	for i, src := range srcs {
		want[i] = compiledJSON(t, src)
	}
	const workers = 4
	got := make([][][]byte, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([][]byte, len(srcs))
			for j := range srcs {
				// Each starts elsewhere; every other one goes backwards.
				k := (j + w*len(srcs)/workers) % len(srcs)
				if w%2 == 1 {
					k = len(srcs) - 1 - k
				}
				r, err := Compile(srcs[k])
				if err != nil {
					out[k] = []byte(err.Error())
					continue
				}
				out[k] = AppendAllJSON(nil, r.Artifacts, false)
			}
			got[w] = out
		}()
	}
	wg.Wait()
	for w, out := range got {
		for k := range srcs {
			if !bytes.Equal(out[k], want[k]) {
				t.Fatalf("goroutine %d, manifest %d:\n%s\nwant\n%s", w, k, out[k], want[k])
			}
		}
	}
}

// TestArtifactJSONIndent holds the pretty JSON of every artifact of the
// conformance manifests (and of all of them at once) to their compact JSON
// indented by encoding/json: the indent jsonw writes in one append per
// line (newlineSpaces) is two spaces a level, as JSON.stringify's.
func TestArtifactJSONIndent(t *testing.T) {
	t.Parallel()
	for i, src := range benchCorpus(t) {
		r, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, pretty, compact []byte) {
			var want bytes.Buffer
			if err := json.Indent(&want, compact, "", "  "); err != nil {
				t.Fatalf("manifest %d %s: %v", i, what, err)
			}
			if !bytes.Equal(pretty, want.Bytes()) {
				t.Fatalf("manifest %d %s:\n%s\nwant\n%s", i, what, pretty, want.Bytes())
			}
		}
		for _, a := range r.Artifacts.All() {
			check(a.Target, a.AppendJSON(nil, true), a.AppendJSON(nil, false))
		}
		check("all", AppendAllJSON(nil, r.Artifacts, true), AppendAllJSON(nil, r.Artifacts, false))
	}
}
