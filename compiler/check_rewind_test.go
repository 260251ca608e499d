package compiler

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestCheckRewindKeepsResults interleaves Checks that pass and fail with
// Compiles, on several goroutines, and holds every Result and error
// kept to what it read when it was made: a rewind of the shared arena
// must not write over anything handed out before it.
func TestCheckRewindKeepsResults(t *testing.T) {
	t.Parallel()
	var srcs [][]byte
	for _, name := range []string{"vectors.jsonl", "raw.jsonl", "edge.jsonl"} {
		for _, v := range loadVectors(t, name) {
			srcs = append(srcs, v.source())
		}
	}
	ms, _ := filepath.Glob(filepath.Join(confDir, "manifests", "*.json"))
	for _, m := range ms {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, b)
	}
	big := make([]byte, MaxManifestBytes)
	copy(big, `{"name":"x","capabilities":[]}`)
	for i := 30; i < len(big); i++ {
		big[i] = ' '
	}
	srcs = append(srcs, big, big[:MaxManifestBytes-1])
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(g), 7))
			type kept struct {
				r    *Result
				e    error
				text string
			}
			var keep []kept
			for range 3000 {
				src := srcs[rnd.IntN(len(srcs))]
				if rnd.IntN(2) == 0 {
					err := Check(src)
					_, want := Compile(src)
					if !sameError(err, want) {
						t.Errorf("Check = %v, Compile = %v", err, want)
						return
					}
					if err != nil {
						keep = append(keep, kept{e: err, text: err.Error()})
					}
					continue
				}
				r, err := Compile(src)
				if err != nil {
					keep = append(keep, kept{e: err, text: err.Error()})
					continue
				}
				b, _ := json.Marshal(r)
				keep = append(keep, kept{r: r, text: string(b)})
			}
			for i, k := range keep {
				var now string
				if k.e != nil {
					now = k.e.Error()
				} else {
					b, _ := json.Marshal(k.r)
					now = string(b)
				}
				if now != k.text {
					t.Errorf("kept %d changed:\n%s\nnow\n%s", i, k.text, now)
					return
				}
			}
		}()
	}
	wg.Wait()
}
