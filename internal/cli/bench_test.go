package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// benchRepo builds a git repository with n manifests in a base commit and a
// head commit that changes a tenth of them, and returns its path and the
// blob ids of both commits' manifests.
func benchRepo(b *testing.B, n int) (dir string, blobs []string) {
	b.Helper()
	dir = b.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=b", "GIT_AUTHOR_EMAIL=b@example.invalid",
			"GIT_COMMITTER_NAME=b", "GIT_COMMITTER_EMAIL=b@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("init", "-q", "-b", "main")
	write := func(i int, extra string) {
		p := filepath.Join(dir, "servers", fmt.Sprintf("s%04d", i), "capgate.json")
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		m := fmt.Sprintf(`{"name": "server-%d", "version": "1.0.0", "tools": [
  {"name": "read", "capabilities": ["fs:read:/srv/data/%d/**", "net:connect:api%d.example.com:443"%s]},
  {"name": "write", "capabilities": ["fs:read,write:/srv/out/%d/", "env:inject:TOKEN_%d"]}]}`, i, i, i, extra, i, i)
		if err := os.WriteFile(p, []byte(m), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		write(i, "")
	}
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	for i := 0; i < n; i += 10 {
		write(i, `, "net:connect:uploads.example.com:443", "exec:spawn:curl"`)
	}
	git("commit", "-q", "-a", "-m", "head")
	for _, rev := range []string{"HEAD~1", "HEAD"} {
		for _, l := range strings.Split(strings.TrimSpace(git("ls-tree", "-r", rev)), "\n") {
			blobs = append(blobs, strings.Fields(l)[2])
		}
	}
	return dir, blobs
}

func maxRSS(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // KiB -> MiB
	}
	return 0
}

// BenchmarkDiffGit2000 times `capgate diff` between two commits of a 2,000
// manifest repository (a tenth changed), run as a process the way the action
// runs it, beside `git cat-file --batch` reading the same blobs. Aim: within
// 3 times the raw read, under 200 MB.
func BenchmarkDiffGit2000(b *testing.B) {
	dir, blobs := benchRepo(b, 2000)
	bin := filepath.Join(b.TempDir(), "capgate")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/capgate").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	input := []byte(strings.Join(blobs, "\n") + "\n")

	b.Run("capgate-diff", func(b *testing.B) {
		var rss float64
		for i := 0; i < b.N; i++ {
			cmd := exec.Command(bin, "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json", "--fail-on", "never")
			cmd.Dir = dir
			var out bytes.Buffer
			cmd.Stdout = &out
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			if !bytes.Contains(out.Bytes(), []byte(`"widened": 400`)) {
				b.Fatalf("unexpected report: %.300s", out.String())
			}
			rss = max(rss, maxRSS(cmd.ProcessState))
		}
		b.ReportMetric(rss, "peak-MiB")
	})
	b.Run("git-cat-file", func(b *testing.B) {
		var rss float64
		for i := 0; i < b.N; i++ {
			cmd := exec.Command("git", "cat-file", "--batch")
			cmd.Dir = dir
			cmd.Stdin = bytes.NewReader(input)
			cmd.Stdout = new(bytes.Buffer)
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			rss = max(rss, maxRSS(cmd.ProcessState))
		}
		b.ReportMetric(rss, "peak-MiB")
		b.ReportMetric(float64(len(blobs)), "blobs")
	})
}
