package containertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The release workflow's rewrite of action.yml, run on a copy: the line it
// looks for is there, once, and afterwards action.yml runs the image. A
// reworded runs: section would otherwise ship a release that still builds
// the Dockerfile (or, with the guard, no release at all).
func TestReleaseRewritesActionYML(t *testing.T) {
	t.Parallel()
	wf, err := os.ReadFile(filepath.Join(root, ".github/workflows/release.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var script string
	for _, line := range strings.Split(string(wf), "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, `sed -i "s|^  image: Dockerfile`) || strings.HasPrefix(l, `grep -qxF "  image: docker://`) {
			script += l + "\n"
		}
	}
	if strings.Count(script, "\n") != 2 {
		t.Fatalf("release.yml no longer has the sed and grep lines this test runs:\n%s", script)
	}
	ay, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(ay), "\n  image: Dockerfile\n"); n != 1 {
		t.Fatalf("action.yml has %d `  image: Dockerfile` lines, want 1", n)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "action.yml"), ay, 0o644); err != nil {
		t.Fatal(err)
	}
	const img = "ghcr.io/razukc/capgate-action@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	c := exec.Command("bash", "-euo", "pipefail", "-c", script)
	c.Dir = dir
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "IMAGE=" + img}
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("the rewrite failed: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "action.yml"))
	if !strings.Contains(string(got), "runs:\n  using: docker\n  image: docker://"+img+"\n") || strings.Contains(string(got), "Dockerfile\n") {
		t.Errorf("rewritten action.yml:\n%s", got)
	}
}

// GitHub's rules for a container action's Dockerfile, and this project's:
// base images pinned by digest; in the final stage no USER (the runner's
// files belong to the runner's uid; GitHub: "Docker actions must be run by
// the default Docker user (root)"), no WORKDIR (the runner sets --workdir),
// and an absolute ENTRYPOINT in exec form.
func TestDockerfileRules(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	pinned := regexp.MustCompile(`^FROM \S+@sha256:[0-9a-f]{64}( AS \w+)?$`)
	froms := 0
	for _, line := range strings.Split(df, "\n") {
		if strings.HasPrefix(line, "FROM ") {
			froms++
			if !pinned.MatchString(line) {
				t.Errorf("base image not pinned by digest: %s", line)
			}
		}
	}
	if froms == 0 {
		t.Fatal("no FROM line")
	}
	final := df[strings.LastIndex(df, "\nFROM "):]
	for _, bad := range []string{"\nUSER ", "\nWORKDIR "} {
		if strings.Contains(final, bad) {
			t.Errorf("the final stage has %s", strings.TrimSpace(bad))
		}
	}
	if !regexp.MustCompile(`\nENTRYPOINT \["/[^"]+"\]\n`).MatchString(final) {
		t.Errorf("the final stage has no absolute ENTRYPOINT in exec form")
	}
}
