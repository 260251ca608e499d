package compiler

import (
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"
)

// TestParentFirstSSH: fs:read,write:/home/x.txt is lowered to a writable
// /home, which capgate emits after the read-only /home/u/.ssh (the names
// sort so) and so hides it; here /home comes first in bwrap and docker.
func TestParentFirstSSH(t *testing.T) {
	t.Parallel()
	r, err := Compile([]byte(`{"name":"s","version":"1","tools":[{"name":"t","capabilities":["fs:read:/home/u/.ssh/**","fs:read,write:/home/x.txt","ipc:connect:\"unix:/home/u/.ssh/agent\""]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	bw := strings.Join(r.Artifacts.Get(TargetBwrap).Argv, " ")
	want := "--bind /home /home --ro-bind /home/u/.ssh /home/u/.ssh --bind-try /home/u/.ssh/agent /home/u/.ssh/agent"
	if !strings.Contains(bw, want) {
		t.Errorf("bwrap argv %s\nwant the binds in order %s", bw, want)
	}
	dk := strings.Join(r.Artifacts.Get(TargetDocker).Argv, " ")
	want = "--volume /home:/home:rw --volume /home/u/.ssh:/home/u/.ssh:ro --volume /home/u/.ssh/agent:/home/u/.ssh/agent"
	if !strings.Contains(dk, want) {
		t.Errorf("docker argv %s\nwant the volumes in order %s", dk, want)
	}
}

// TestParentFirstMatchesReference: on random bind lists (short ones take
// the no-allocation check, long ones the sort) parentFirst orders as the
// quadratic reference does, every bind precedes the binds below it, and a
// list with no parent after its child is left as it is.
func TestParentFirstMatchesReference(t *testing.T) {
	t.Parallel()
	paths := []string{"/", "/a", "/a/", "/a/b", "/a//b", "/a/b/c", "/ab", "/a.b", "/a-b/c", "/b", "/b/a", "/a/c"}
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 3000; iter++ {
		n := 1 + rng.IntN(40)
		var bs []bind
		var argv []string
		for i := 0; i < n; i++ {
			p := paths[rng.IntN(len(paths))]
			tag := string(rune('A'+i%26)) + strings.Repeat("'", i/26)
			bs = append(bs, bind{dst: p, vol: tag}) // the tag tells the binds apart
			argv = append(argv, "--bind", tag, p)
		}
		noInversion := !inverted(bs)
		orig := slices.Clone(bs)
		parentFirst(bs)
		var got []string
		for _, b := range bs {
			got = append(got, "--bind", b.vol, b.dst)
		}
		want := parentFirstRef(TargetBwrap, append([]string{"--proc", "/proc"}, argv...))[2:]
		if !slices.Equal(got, want) {
			t.Fatalf("%v:\n got  %v\n want %v", argv, got, want)
		}
		if noInversion && !slices.Equal(orig, bs) {
			t.Fatalf("%v has no parent after its child but was reordered to %v", argv, got)
		}
		for i := range bs {
			for j := i + 1; j < len(bs); j++ {
				a, b := cleanForTest(bs[i].dst), cleanForTest(bs[j].dst)
				if a != b && atOrBelow(a, b) {
					t.Fatalf("%v: %s comes after %s, which is below it", got, b, a)
				}
			}
		}
	}
}

func cleanForTest(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// TestCleanPath: cleanPath agrees with path.Clean, on a few paths and on
// every path of up to eight characters of '/', '.' and 'a'.
func TestCleanPath(t *testing.T) {
	t.Parallel()
	ps := []string{"/", "/a", "/a/b", "/a/", "//", "/a//b", "/./a", "/a/.", "/a/..", "/..", "/.a", "/a./b", "/a/...", "", "a", "a/b", "/a/b/"}
	level := []string{""}
	for n := 1; n <= 8; n++ {
		var next []string
		for _, p := range level {
			for _, c := range "/.a" {
				next = append(next, p+string(c))
			}
		}
		ps, level = append(ps, next...), next
	}
	for _, p := range ps {
		if got, want := cleanPath(p), strings.HasPrefix(p, "/") && path.Clean(p) == p; got != want {
			t.Errorf("cleanPath(%q) = %v, path.Clean says %v", p, got, want)
		}
	}
}

// TestEmittedParentsFirst: in the bwrap and docker argv of every
// conformance manifest that compiles, no bind of a declared grant is
// followed by a bind strictly above it, which would hide it.
func TestEmittedParentsFirst(t *testing.T) {
	t.Parallel()
	for _, src := range benchCorpus(t) {
		r, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range []string{TargetBwrap, TargetDocker} {
			argv := r.Artifacts.Get(target).Argv
			var dsts []string
			for _, b := range refBinds(target, argv) {
				dsts = append(dsts, b.dst)
			}
			for i, a := range dsts {
				for _, b := range dsts[i+1:] {
					if a != b && atOrBelow(a, b) {
						t.Fatalf("%s: %s is bound after %s, below it: %q\n%s", target, b, a, argv, src)
					}
				}
			}
		}
	}
}
