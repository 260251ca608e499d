package source

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestReadPairDerives checks the base tree readPair derives from the head's
// listing and git diff-tree against git's own listing of the base, over a
// change of every kind: modified, added, deleted, renamed, a file turned
// into a directory and back, a link turned into a file, gitlinks added,
// changed and removed; and the renames against git's.
func TestReadPairDerives(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		"same/capgate.json": {data: "S"},
		"mod/capgate.json":  {data: "M1"},
		"gone/capgate.json": {data: "G"},
		"old/capgate.json":  {data: `{"name": "renamed manifest with enough bytes to be similar", "version": "1"}`},
		"f":                 {data: "file that becomes a directory"},
		"d/x":               {data: "directory that becomes a file"},
		"l.capgate.json":    {link: "same/capgate.json"},
		"a-b":               {data: "sorts before a/"},
		"a/z":               {data: "Z"},
	})
	runGit(t, root, "init", "-q", "-b", "main")
	runGit(t, root, "add", "-A")
	const c1, c2 = "0123456789abcdef0123456789abcdef01234567", "76543210fedcba9876543210fedcba9876543210"
	for _, p := range []string{"sub/changed", "sub/removed"} {
		runGit(t, root, "update-index", "--add", "--cacheinfo", "160000,"+c1+","+p)
	}
	runGit(t, root, "commit", "-q", "-m", "base")
	base := runGit(t, root, "rev-parse", "HEAD")
	write := func(p, data string) {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"gone", "f", "d", "l.capgate.json"} {
		if err := os.RemoveAll(filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, root, "mv", "old", "new")
	write("mod/capgate.json", "M2")
	write("f/capgate.json", "now a directory")
	write("d", "now a file")
	write("l.capgate.json", "now a file")
	write("added/capgate.json", "A")
	write("a.b", "between")
	runGit(t, root, "add", "-A")
	// add -A dropped the gitlinks (no submodule is checked out): put back
	// the one changed, not the one removed.
	runGit(t, root, "update-index", "--add", "--cacheinfo", "160000,"+c2+",sub/changed")
	runGit(t, root, "update-index", "--add", "--cacheinfo", "160000,"+c1+",sub/added")
	runGit(t, root, "commit", "-q", "-m", "head")
	head := runGit(t, root, "rev-parse", "HEAD")

	ctx := context.Background()
	for _, revs := range [][2]string{{base, head}, {head, base}, {head, head}} {
		bg, hg := &Git{Dir: root, Rev: revs[0]}, &Git{Dir: root, Rev: revs[1]}
		renames, limited, err := readPair(ctx, bg, hg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if limited {
			t.Errorf("a change of a few files read as too large for git's rename detection")
		}
		want, err := (&Git{Dir: root, Rev: revs[0]}).list(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(bg.full.ents, want.ents) {
			t.Errorf("derived base tree:\n got %v\nwant %v", bg.full.ents, want.ents)
		}
		// What the derived tree selects, its entries shared with the head
		// not matched again (selector), is what git's own listing selects.
		lm, err := NewLaunchMatcher(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []*Matcher{mustMatcher(t), lm, mustMatcher(t, "**/capgate.json", "sub/*/x.json", "d/**", "f")} {
			sel := selector{}
			sel.of(hg.full, m)
			gotF, gotI := bg.full.picked(m, sel.of(bg.full, m))
			wantF, wantI := want.pick(m)
			if !reflect.DeepEqual(describe(gotF), describe(wantF)) || !reflect.DeepEqual(gotI, wantI) {
				t.Errorf("%s: derived tree selects %q %v, git's %q %v", m, describe(gotF), gotI, describe(wantF), wantI)
			}
		}
		// The renames git diff --find-renames reports, as read before.
		wantRen := map[string]string{}
		fields := strings.Split(runGit(t, root, "diff", "--find-renames", "--name-status", "-z", revs[0], revs[1], "--"), "\x00")
		for i := 0; i+2 < len(fields); i++ {
			if strings.HasPrefix(fields[i], "R") {
				wantRen[fields[i+2]] = fields[i+1]
			}
		}
		if len(wantRen) == 0 && revs[0] != revs[1] {
			t.Fatal("git found no renames")
		}
		if !reflect.DeepEqual(renames, wantRen) {
			t.Errorf("renames %v, want %v", renames, wantRen)
		}
	}
}

// TestParseRaw refuses diff-tree output it does not understand.
func TestParseRaw(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"garbage\x00p\x00",
		":100644 100644 a b M\x00",                  // no path
		":100644 100644 a b R100\x00old\x00",        // rename without its new path
		":100644 100644 a b C100\x00old\x00new\x00", // copies are not asked for
		":000000 100644 a b M\x00p\x00",             // absent on a side it is not
		":040000 040000 a b M\x00p\x00",             // a tree: not with -r
	} {
		if cs, err := parseRaw([]byte(raw)); err == nil {
			t.Errorf("parseRaw(%q) = %v, want an error", raw, cs)
		}
	}
	cs, err := parseRaw([]byte(":100644 000000 a 0 D\x00p q\x00:100644 100644 a b R090\x00o\x00n\x00"))
	if err != nil || len(cs) != 2 || cs[0].oldPath != "p q" || cs[1].newPath != "n" || cs[1].oldPath != "o" {
		t.Errorf("parseRaw: %+v, %v", cs, err)
	}
}

// TestReadPairRenamesLimited: a change of more deleted times added files
// than git's rename limit (-l1000, whatever diff.renameLimit says) reads as
// limited, and a small one does not.
func TestReadPairRenamesLimited(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := t.TempDir()
	runGit(t, root, "init", "-q", "-b", "main")
	var in strings.Builder
	const n = 1001
	in.WriteString("commit refs/heads/main\ncommitter a <a@b> 0 +0000\ndata 4\nbase\n")
	for i := range n {
		fmt.Fprintf(&in, "M 100644 inline old/%d\ndata <<EOF\nold %d\nEOF\n", i, i)
	}
	in.WriteString("\ncommit refs/heads/head\ncommitter a <a@b> 1 +0000\ndata 4\nhead\nfrom refs/heads/main\n")
	for i := range n {
		fmt.Fprintf(&in, "D old/%d\nM 100644 inline new/%d\ndata <<EOF\nnew %d\nEOF\n", i, i, i)
	}
	in.WriteString("\ncommit refs/heads/small\ncommitter a <a@b> 2 +0000\ndata 5\nsmall\nfrom refs/heads/main\nD old/0\nM 100644 inline new/0\ndata <<EOF\nnew\nEOF\n\n")
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Stdin = root, strings.NewReader(in.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git fast-import: %v: %s", err, out)
	}
	for head, want := range map[string]bool{"head": true, "small": false} {
		_, limited, err := readPair(context.Background(), &Git{Dir: root, Rev: "main"}, &Git{Dir: root, Rev: head}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if limited != want {
			t.Errorf("%s: limited %v, want %v", head, limited, want)
		}
	}
}

// describe is each file's path, blob, bytes or error, for comparing.
func describe(fs []File) []string {
	var out []string
	for _, f := range fs {
		s := f.Path + " " + f.Blob + " " + string(f.Data)
		if f.Err != nil {
			s += " error: " + f.Err.Error()
		}
		out = append(out, s)
	}
	return out
}
