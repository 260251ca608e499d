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
// head commit that changes every step-th of them, and returns its path and
// the blob ids of both commits' manifests. Its objects are loose, as in a
// repository just committed to; packedClone gives the packed form.
func benchRepo(b *testing.B, n, step int) (dir string, blobs []string) {
	b.Helper()
	dir = b.TempDir()
	git := benchGit(b, dir)
	git("init", "-q", "-b", "main")
	git("config", "gc.auto", "0") // no gc left running when the directory is removed
	write := func(i int, extra string) {
		p := filepath.Join(dir, "servers", fmt.Sprintf("s%05d", i), "capgate.json")
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
	for i := 0; i < n; i += step {
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

// packedClone clones dir the way actions/checkout gets a repository, by
// fetching it: its objects are one packfile, blobs stored as deltas of one
// another, where benchRepo's are loose.
func packedClone(b *testing.B, dir string) string {
	b.Helper()
	clone := filepath.Join(b.TempDir(), "clone")
	benchGit(b, dir)("clone", "-q", "--no-local", "--no-checkout", dir, clone)
	if packs, _ := filepath.Glob(filepath.Join(clone, ".git", "objects", "pack", "*.pack")); len(packs) != 1 {
		b.Fatalf("clone has %d packs, want 1", len(packs))
	}
	return clone
}

// benchGit returns a function running git in dir with a fixed identity and
// no system or user configuration.
func benchGit(b *testing.B, dir string) func(args ...string) string {
	return func(args ...string) string {
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
}

// cpuMs is the CPU time a finished process used, with the processes it
// waited for (git's): wait4 reports both. On a shared machine it moves
// less with the load than wall time does.
func cpuMs(ps *os.ProcessState) float64 {
	return float64(ps.UserTime()+ps.SystemTime()) / 1e6
}

func maxRSS(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // KiB -> MiB
	}
	return 0
}

// buildCapgate builds the capgate command into a temporary directory.
func buildCapgate(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "capgate")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/capgate").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runDiff runs `capgate diff` between the two commits of dir as the action
// runs it, a process, and checks the report: widened changes, unchanged
// manifests, no errors. It reports the CPU time per run (cpu-ms).
func runDiff(b *testing.B, bin, dir string, widened, unchanged int) (rss float64) {
	var cpu float64
	defer func() { b.ReportMetric(cpu/float64(b.N), "cpu-ms") }()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json", "--fail-on", "never")
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		if !bytes.Contains(out.Bytes(), []byte(fmt.Sprintf(`"widened": %d,`, widened))) ||
			!bytes.Contains(out.Bytes(), []byte(`"errors": 0,`)) ||
			bytes.Count(out.Bytes(), []byte(`"status": "unchanged"`)) != unchanged {
			b.Fatalf("unexpected report: %.300s", out.String())
		}
		rss = max(rss, maxRSS(cmd.ProcessState))
		cpu += cpuMs(cmd.ProcessState)
	}
	return rss
}

// runGit runs git with args and stdin in dir b.N times and returns its peak
// memory; it reports the CPU time per run (cpu-ms).
func runGit(b *testing.B, dir string, stdin []byte, argss ...[]string) (rss float64) {
	var cpu float64
	defer func() { b.ReportMetric(cpu/float64(b.N), "cpu-ms") }()
	for i := 0; i < b.N; i++ {
		for _, args := range argss {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			cmd.Stdin = bytes.NewReader(stdin)
			cmd.Stdout = new(bytes.Buffer)
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			rss = max(rss, maxRSS(cmd.ProcessState))
			cpu += cpuMs(cmd.ProcessState)
		}
	}
	return rss
}

// BenchmarkDiffGit2000 times `capgate diff` between two commits of a 2,000
// manifest repository (a tenth changed), run as a process the way the action
// runs it, beside `git cat-file --batch` reading the same blobs; on loose
// objects and on a packed clone. Aim: within 1.3 times the raw read.
func BenchmarkDiffGit2000(b *testing.B) {
	loose, blobs := benchRepo(b, 2000, 10)
	bin := buildCapgate(b)
	input := []byte(strings.Join(blobs, "\n") + "\n")
	for _, r := range []struct{ name, dir string }{{"loose", loose}, {"packed", packedClone(b, loose)}} {
		b.Run(r.name+"/capgate-diff", func(b *testing.B) {
			b.ReportMetric(runDiff(b, bin, r.dir, 400, 1800), "peak-MiB")
		})
		b.Run(r.name+"/git-cat-file", func(b *testing.B) {
			b.ReportMetric(runGit(b, r.dir, input, []string{"cat-file", "--batch"}), "peak-MiB")
			b.ReportMetric(float64(len(blobs)), "blobs")
		})
	}
}

// BenchmarkDiffGit10000 times `capgate diff` on a pull request that changes
// 3 manifests of 10,000, beside git listing both trees (`git ls-tree -r` of
// each commit); on loose objects and on a packed clone. Aim: within 3 times
// the listing, under 40 MB: the cost follows the change (a manifest whose
// blob is the same on both sides is only checked, once).
func BenchmarkDiffGit10000(b *testing.B) {
	loose, _ := benchRepo(b, 10000, 3334)
	bin := buildCapgate(b)
	for _, r := range []struct{ name, dir string }{{"loose", loose}, {"packed", packedClone(b, loose)}} {
		b.Run(r.name+"/capgate-diff", func(b *testing.B) {
			b.ReportMetric(runDiff(b, bin, r.dir, 6, 9997), "peak-MiB")
		})
		b.Run(r.name+"/git-ls-tree", func(b *testing.B) {
			b.ReportMetric(runGit(b, r.dir, nil, []string{"ls-tree", "-r", "HEAD~1"}, []string{"ls-tree", "-r", "HEAD"}), "peak-MiB")
		})
	}
}
