package source

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkSymlinks2000 reads a git revision holding 2,000 manifests that
// are symbolic links, each to the next (chains too long end in an error):
// all hops are read by one git cat-file process.
func BenchmarkSymlinks2000(b *testing.B) {
	dir := b.TempDir()
	run := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=b", "GIT_AUTHOR_EMAIL=b@example.invalid",
			"GIT_COMMITTER_NAME=b", "GIT_COMMITTER_EMAIL=b@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q", "-b", "main")
	if err := os.MkdirAll(filepath.Join(dir, "s"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s", "2000.capgate.json"), []byte(`{"name": "s", "version": "1", "tools": []}`), 0o644); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		if err := os.Symlink(fmt.Sprintf("%d.capgate.json", i+1), filepath.Join(dir, "s", fmt.Sprintf("%d.capgate.json", i))); err != nil {
			b.Fatal(err)
		}
	}
	run("add", "-A")
	run("commit", "-q", "-m", "links")
	// Pack the objects, as in any clone: reading 16,000 loose objects is
	// git's cost, not capgate's, and swamps the figure on a loaded machine.
	run("gc", "-q")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := ReadSides(context.Background(), Options{Dir: dir, Base: "HEAD", Head: "HEAD"})
		if err != nil {
			b.Fatal(err)
		}
		bad := 0
		for _, f := range in.HeadFiles {
			if f.Err != nil {
				bad++
			}
		}
		if len(in.HeadFiles) != 2001 || bad != 2000-8 {
			b.Fatalf("%d manifests, %d errors", len(in.HeadFiles), bad)
		}
	}
}

// BenchmarkPlainPatterns reads a directory of 2,000 files with a matcher
// of 20,000 plain paths (the settings files and mount-source prefixes of a
// large launch config, each a literal pattern) and a few links: a file
// costs one lookup, not one comparison per pattern (a linked directory's
// check once ran every pattern for every file, hours for a crafted
// config).
func BenchmarkPlainPatterns(b *testing.B) {
	dir := b.TempDir()
	for i := 0; i < 2000; i++ {
		p := filepath.Join(dir, "src", fmt.Sprint(i%50), fmt.Sprintf("f%d.txt", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < 20; i++ {
		if err := os.Symlink("src", filepath.Join(dir, fmt.Sprintf("link%d", i))); err != nil {
			b.Fatal(err)
		}
	}
	var pats []string
	for i := 0; i < 20000; i++ {
		pats = append(pats, LiteralPattern(fmt.Sprintf("d%d/a/b/c", i)))
	}
	pats = append(pats, LiteralPattern("src/7/f7.txt"))
	m, err := NewMatcher(pats)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		files, err := (&Dir{Root: dir}).Read(context.Background(), m)
		if err != nil || len(files) != 1 {
			b.Fatalf("%d files, %v", len(files), err)
		}
	}
}
