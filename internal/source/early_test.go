package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// TestEarlyWorkSameResult: diff.Run on two commits read by ReadSides, the
// unchanged manifests checked and the changed ones compared while git
// still delivered blobs (Prechecks), gives the result Run gives on the same
// sides without any early work: over changed, added, removed and renamed
// manifests, one that does not compile on the head, a blob at two paths, a
// link and a file over the size limit, with one git cat-file and with two,
// with the default targets and with two of them. Run it with -race.
func TestEarlyWorkSameResult(t *testing.T) {
	t.Parallel()
	requireGit(t)
	for _, n := range []int{30, splitBlobs + 60} {
		for _, targets := range [][]string{nil, {"bwrap", "srt"}} {
			t.Run(fmt.Sprint(n, targets), func(t *testing.T) {
				t.Parallel()
				root := earlyRepo(t, n)
				opts := Options{Dir: root, Base: "HEAD~1", Head: "HEAD", RevisionsOnly: true, Targets: targets}
				in, err := ReadSides(context.Background(), opts)
				if err != nil {
					t.Fatal(err)
				}
				got, err := diff.Run(in)
				if err != nil {
					t.Fatal(err)
				}
				plain, err := ReadSides(context.Background(), opts)
				if err != nil {
					t.Fatal(err)
				}
				plain.Prechecks.Wait()
				plain.Prechecks = nil
				want, err := diff.Run(plain)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("result with early work differs:\n got %+v\nwant %+v", got.Counts, want.Counts)
				}
				if want.Counts.Widened == 0 || want.Counts.Errors == 0 {
					t.Fatalf("repository does not exercise widenings and errors: %+v", want.Counts)
				}
			})
		}
	}
}

// earlyRepo commits n manifests, then a head that widens every 5th, breaks
// one, adds, removes and renames one, and holds a blob at two paths.
func earlyRepo(t *testing.T, n int) string {
	t.Helper()
	manifest := func(i int, extra string) string {
		return fmt.Sprintf(`{"name": "s%d", "version": "1.0.0", "tools": [{"name": "t", "capabilities": ["fs:read:/srv/%d/**"%s]}]}`, i, i, extra)
	}
	nodes := map[string]node{
		"big/capgate.json":  {data: big},
		"l.capgate.json":    {link: "s/0003/capgate.json"},
		"old/capgate.json":  {data: manifest(9999, `, "net:connect:api.example.com:443"`)},
		"gone/capgate.json": {data: manifest(9998, "")},
	}
	for i := range n {
		nodes[fmt.Sprintf("s/%04d/capgate.json", i)] = node{data: manifest(i, "")}
	}
	root := makeTree(t, nodes)
	commitTree(t, root)
	write := func(p, data string) {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i += 5 {
		write(fmt.Sprintf("s/%04d/capgate.json", i), manifest(i, `, "exec:spawn:curl"`))
	}
	write("s/0001/capgate.json", `{"name": "broken", "version": "1.0.0", "tools": [{"name": "t", "capabilities": ["fs:teleport:/x"]}]}`)
	write("dup/capgate.json", manifest(2, ""))
	write("added/capgate.json", manifest(9997, `, "exec:spawn:sh"`))
	if err := os.RemoveAll(filepath.Join(root, "gone")); err != nil {
		t.Fatal(err)
	}
	runGit(t, root, "mv", "old", "new")
	runGit(t, root, "add", "-A")
	runGit(t, root, "commit", "-q", "-m", "head")
	return root
}
