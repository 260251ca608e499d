package compiler

import (
	"bufio"
	"os"
	"strings"
	"sync"
	"testing"
)

// divergenceList reads, once, a list of conformance vector IDs
// ("edge.jsonl:e-1241"), one a line, # comments and blank lines skipped:
// the vectors where this compiler deliberately differs from capgate 0.0.4
// (bind-order-divergence.txt, mount-merge-divergence.txt).
func divergenceList(file string) func() map[string]bool {
	return sync.OnceValue(func() map[string]bool {
		f, err := os.Open(file)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		m := map[string]bool{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				m[l] = true
			}
		}
		return m
	})
}

// checkListedVectorsExist fails for a listed ID that names no conformance
// vector, and for an empty list.
func checkListedVectorsExist(t *testing.T, file string, list map[string]bool) {
	t.Helper()
	have := map[string]bool{}
	for _, f := range []string{"vectors.jsonl", "edge.jsonl", "raw.jsonl"} {
		for _, v := range loadVectors(t, f) {
			have[f+":"+v.ID] = true
		}
	}
	for id := range list {
		if !have[id] {
			t.Errorf("%s lists %s, which is no conformance vector", file, id)
		}
	}
	if len(list) == 0 {
		t.Errorf("%s is empty", file)
	}
}
