package diff

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/internal/source"
)

// smallManifest is a typical small manifest: a mount, a host, a variable.
func smallManifest(i int) []byte {
	return []byte(fmt.Sprintf(`{"name": "s%d", "version": "1", "tools": [{"name": "t", "capabilities": ["fs:read:/srv/data/%d/**", "net:connect:api%d.example.com:443", "env:inject:TOKEN_%d"]}]}`, i, i, i, i))
}

// BenchmarkCompare10000 compares 10,000 new small manifests with nothing
// (each one widened): the shape that took minutes when trimming and
// pairing were quadratic. The Markdown half is BenchmarkMarkdown10000 in
// package report.
func BenchmarkCompare10000(b *testing.B) {
	hf := make([]source.File, 10000)
	for i := range hf {
		hf[i] = source.File{Path: fmt.Sprintf("servers/s%05d/capgate.json", i), Data: smallManifest(i)}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := compareSides("b", "h", nil, hf, nil, nil)
		if r.Counts.Widened < 10000 {
			b.Fatalf("widened %d", r.Counts.Widened)
		}
	}
}

// LargePair returns a base and a head manifest of 60,000 grants each, just
// under the 1 MiB limit, half of them different.
func largePair(tb testing.TB) (base, head []byte) {
	gen := func(from int) []byte {
		var sb strings.Builder
		sb.WriteString(`{"name":"big","version":"1","tools":[{"name":"t","capabilities":[`)
		for i := from; i < from+20000; i++ {
			k := strings.ToUpper(strconv.FormatInt(int64(i), 36))
			fmt.Fprintf(&sb, `"fs:read:/%s","env:read:A%s","exec:spawn:x%s",`, k, k, k)
		}
		s := strings.TrimSuffix(sb.String(), ",") + "]}]}"
		if len(s) > source.MaxFileBytes {
			tb.Fatalf("manifest is %d bytes, over the limit", len(s))
		}
		return []byte(s)
	}
	return gen(46656), gen(46656 + 10000) // 4 base-36 digits
}

// BenchmarkCompareLarge diffs a 1 MiB manifest pair with 60,000 grants a
// side (compile, read-back comparison, text diffs).
func BenchmarkCompareLarge(b *testing.B) {
	base, head := largePair(b)
	bf := []source.File{{Path: "big/capgate.json", Data: base}}
	hf := []source.File{{Path: "big/capgate.json", Data: head}}
	b.SetBytes(int64(len(base) + len(head)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := compareSides("b", "h", bf, hf, nil, nil)
		if r.Counts.Widened != 30000 || r.Counts.Narrowed != 30000 {
			b.Fatalf("counts %+v", r.Counts)
		}
	}
}

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
	if err := os.WriteFile(filepath.Join(dir, "s", "2000.capgate.json"), smallManifest(0), 0o644); err != nil {
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
		r, err := Run(context.Background(), Options{Dir: dir, Base: "HEAD", Head: "HEAD"})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Manifests) != 2001 || r.Counts.Errors != 2000-8 {
			b.Fatalf("%d manifests, %d errors", len(r.Manifests), r.Counts.Errors)
		}
	}
}

// BenchmarkLongHost compares a base with a squid ".domain" rule against a
// head that adds one host of 100,000 labels (400 KB): every suffix of the
// host is a candidate ".domain" match, which took 9 to 21 s when each was
// built and hashed as a string. The target is well under 2 s.
func BenchmarkLongHost(b *testing.B) {
	host := strings.Repeat("a.b.", 50000) + "example.com"
	base := []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":["net:connect:.example.org:443"]}]}`)
	head := []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":["net:connect:.example.org:443","net:connect:` + host + `:443"]}]}`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		widened := 0
		for _, c := range CompareManifests(base, head) {
			if c.Severity == Widened {
				widened++
			}
		}
		if widened == 0 {
			b.Fatal("the long host is not widened")
		}
	}
}
