package diff

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/internal/source"
)

func TestMoveKeys(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a/capgate.json", "a/capgate.json|a/capgate.json|a/capgate"},
		{"a/Capgate.json.orig", "a/capgate.json.orig|a/capgate.json.orig|a/capgate.json|a/capgate"},
		{"a/capgate.json~", "a/capgate.json~|a/capgate.json|a/capgate"},
		{"a.b/.x", "a.b/.x|a.b/.x"},
	} {
		if got := strings.Join(moveKeys(tc.in), "|"); got != tc.want {
			t.Errorf("moveKeys(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// writeTree writes files (path -> content) under a new directory.
func writeTree(t testing.TB, files map[string]string) string {
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// BenchmarkMovedOut10000: 10,000 manifests removed from the patterns of a
// directory head of 20,000 files, half of them the same manifests under a
// suffix: one walk, map look-ups, no pairwise compare.
func BenchmarkMovedOut10000(b *testing.B) {
	const n = 10000
	files := map[string]string{}
	removed := make([]*source.File, n)
	for i := range n {
		p := fmt.Sprintf("servers/s%05d/capgate.json", i)
		removed[i] = &source.File{Path: p, Data: smallManifest(i)}
		files[fmt.Sprintf("other/f%05d.txt", i)] = "x"
		if i%2 == 0 {
			files[p+".orig"] = string(smallManifest(i + n))
		}
	}
	head := &source.Dir{Root: writeTree(b, files)}
	b.ResetTimer()
	for b.Loop() {
		moved, err := movedOut(context.Background(), head, removed, nil, map[string]bool{})
		if err != nil || len(moved) != n/2 {
			b.Fatalf("%d moved, %v", len(moved), err)
		}
	}
}
