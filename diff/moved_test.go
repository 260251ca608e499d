package diff

import (
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestMoveKeys(t *testing.T) {
	t.Parallel()
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

// BenchmarkMovedOut10000: 10,000 manifests removed from the patterns of a
// head of 20,000 files, half of them the same manifests under a suffix:
// map look-ups, no pairwise compare.
func BenchmarkMovedOut10000(b *testing.B) {
	const n = 10000
	var tree []TreeFile
	removed := make([]*File, n)
	for i := range n {
		p := fmt.Sprintf("servers/s%05d/capgate.json", i)
		removed[i] = &File{Path: p, Data: smallManifest(i)}
		tree = append(tree, TreeFile{Path: fmt.Sprintf("other/f%05d.txt", i), Blob: BlobID(sha1.New(), []byte("x")), Regular: true})
		if i%2 == 0 {
			tree = append(tree, TreeFile{Path: p + ".orig", Blob: BlobID(sha1.New(), smallManifest(i+n)), Regular: true})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if moved := movedOut(tree, removed, nil, map[string]bool{}); len(moved) != n/2 {
			b.Fatalf("%d moved", len(moved))
		}
	}
}

// TestMovedOut finds a manifest moved out of the patterns by each of the
// ways movedOut knows, and leaves one that went away.
func TestMovedOut(t *testing.T) {
	t.Parallel()
	m := []byte(`{"name": "a", "version": "1", "tools": []}`)
	removed := []*File{
		{Path: "a/capgate.json", Data: m},
		{Path: "b/capgate.json", Data: []byte("b")},
		{Path: "c/capgate.json", Data: []byte("c")},
		{Path: "d/capgate.json", Data: []byte("d")},
		{Path: "gone/capgate.json", Data: []byte("gone")},
	}
	tree := []TreeFile{
		{Path: "elsewhere/x.txt", Blob: BlobID(sha256.New(), m), Regular: true},  // copied, sha256 repository
		{Path: "b/CAPGATE.json", Regular: true},                                  // case
		{Path: "c/capgate.json.orig", Regular: true},                             // suffix
		{Path: "link", Blob: BlobID(sha1.New(), []byte("gone")), Regular: false}, // a link's blob is its target
		{Path: "kept/capgate.json", Blob: BlobID(sha1.New(), []byte("d")), Regular: true},
	}
	got := movedOut(tree, removed, map[string]string{"renamed.txt": "d/capgate.json"}, map[string]bool{"kept/capgate.json": true})
	want := map[string]string{
		"a/capgate.json": "elsewhere/x.txt",
		"b/capgate.json": "b/CAPGATE.json",
		"c/capgate.json": "c/capgate.json.orig",
		"d/capgate.json": "renamed.txt",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("movedOut = %v\nwant %v", got, want)
	}
}

// TestUnreadableIsAReadError: a manifest or launch config that cannot be
// read from its side is an error with code READ (docs/report-json.md), on
// the head and, for a launch config, whatever the base held.
func TestUnreadableIsAReadError(t *testing.T) {
	t.Parallel()
	unreadable := errors.New("a symbolic link out of the tree")
	in := &Input{
		Base: "base", Head: "head",
		BaseFiles:  []File{{Path: "a/capgate.json", Data: []byte(`{"name":"a","version":"1","tools":[]}`)}},
		HeadFiles:  []File{{Path: "a/capgate.json", Err: unreadable}},
		HeadTree:   []TreeFile{{Path: "a/capgate.json"}, {Path: ".mcp.json"}},
		LaunchHead: []File{{Path: ".mcp.json", Err: unreadable}},
	}
	r, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range r.Manifests {
		if m.Status != StatusError || m.Error == nil || m.Error.Code != CodeRead || !strings.Contains(m.Error.Message, unreadable.Error()) {
			t.Errorf("%s: status %s, error %+v; want an error with code %s", m.Path, m.Status, m.Error, CodeRead)
			continue
		}
		n++
	}
	if n != 2 || r.Counts.Errors != 2 {
		t.Errorf("%d READ errors, counts.errors %d; want 2 and 2", n, r.Counts.Errors)
	}
}

// TestRemovedWhenRenamesLimited: when git's rename detection may have
// skipped its inexact part (a change of more than 1,000 deleted times
// added files), a removed manifest is a MOVED error, not a narrowing: it
// may have moved out of the patterns with a widening edit, which git then
// does not pair. It read as removed (narrowed), and the check passed.
func TestRemovedWhenRenamesLimited(t *testing.T) {
	t.Parallel()
	base := []File{{Path: "servers/x/capgate.json", Data: []byte(`{"name":"x","version":"1","serverCapabilities":["fs:read:/workspace/**"],"tools":[]}`)}}
	tree := []TreeFile{{Path: "disabled/x/capgate.json.txt", Regular: true}}
	for _, limited := range []bool{false, true} {
		r, err := Run(&Input{BaseFiles: base, HeadTree: tree, Renames: map[string]string{}, RenamesLimited: limited})
		if err != nil {
			t.Fatal(err)
		}
		md := r.Manifests[0]
		switch {
		case limited && (md.Status != StatusError || md.Error == nil || md.Error.Code != CodeMoved || r.Counts.Errors != 1):
			t.Errorf("renames limited: %+v, want a %s error", md, CodeMoved)
		case !limited && md.Status != StatusRemoved:
			t.Errorf("renames complete: %+v, want removed", md)
		}
	}
}
