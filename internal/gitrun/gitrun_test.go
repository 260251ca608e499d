package gitrun

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestEnv(t *testing.T) {
	t.Parallel()
	env := Env([]string{"PATH=/bin", "HOME=/h", "GIT_DIR=/elsewhere", "GIT_CONFIG_PARAMETERS='core.pager=x'",
		"INPUT_TOKEN=secret", "GITHUB_TOKEN=secret", "GIT_TERMINAL_PROMPT=1", "https_proxy=http://p:3128", "GIT_CONFIG_NOSYSTEM=1"})
	want := []string{"PATH=/bin", "HOME=/h", "https_proxy=http://p:3128", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C"}
	if !slices.Equal(env, want) {
		t.Fatalf("Env = %q\nwant %q", env, want)
	}
}

func TestOutput(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	set := false
	r := Repo{Dir: dir, Setup: func(*exec.Cmd) { set = true }}
	if _, err := r.Output(context.Background(), nil, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	if !set {
		t.Error("Setup was not called")
	}
	out, err := r.Output(context.Background(), strings.NewReader("hello"), "hash-object", "--stdin")
	if err != nil || strings.TrimSpace(string(out)) != "b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0" {
		t.Fatalf("hash-object: %q, %v", out, err)
	}
	_, err = r.Output(context.Background(), nil, "rev-parse", "--verify", "no-such-rev")
	if err == nil || !strings.HasPrefix(err.Error(), "git rev-parse: exit status 128: fatal: ") {
		t.Fatalf("error = %v, want git rev-parse: exit status 128: fatal: …", err)
	}
}
