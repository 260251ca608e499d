package containertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/razukc/capgate-action/internal/podmantest"
)

const root = "../../.."

// version is what the test stamps, the way the release workflow does.
const version = "v0.0.0-containertest"

// image builds the action's image without a registry: the binaries built
// as the Dockerfile builds them, git (Debian's, with its shared libraries
// and the upload-pack helper that `git fetch` from a local remote runs),
// busybox, and the Dockerfile's system git config and ENTRYPOINT.
func image(t *testing.T) string {
	t.Helper()
	podmantest.Require(t)
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	entry := regexp.MustCompile(`(?m)^ENTRYPOINT (\["/[^"]+"\])$`).FindSubmatch(df)
	if entry == nil {
		t.Fatal("the Dockerfile has no ENTRYPOINT with an absolute path in exec form")
	}
	if !bytes.Contains(df, []byte("git config --system --add safe.directory '*'")) {
		t.Fatal("the Dockerfile no longer sets safe.directory as this test's image does")
	}
	bin := t.TempDir()
	for _, cmd := range []string{"capgate-action", "capgate"} {
		c := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X github.com/razukc/capgate-action/internal/version.version="+version,
			"-o", filepath.Join(bin, cmd), "./cmd/"+cmd)
		c.Dir = root
		c.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", cmd, err, out)
		}
	}
	r := podmantest.NewRootfs(t)
	r.AddFile(filepath.Join(bin, "capgate-action"), "/usr/local/bin/capgate-action")
	r.AddFile(filepath.Join(bin, "capgate"), "/usr/local/bin/capgate")
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	git, _ = filepath.EvalSymlinks(git)
	r.AddDynamic(git)
	out, err := exec.Command(git, "--exec-path").Output()
	if err != nil {
		t.Fatal(err)
	}
	execPath := strings.TrimSpace(string(out))
	r.AddFile(git, filepath.Join(execPath, "git-upload-pack"))
	r.WriteFile("/etc/gitconfig", "[safe]\n\tdirectory = *\n", 0o644)
	changes := []string{"ENTRYPOINT " + string(entry[1])}
	// A USER in the Dockerfile's final stage applies here too (GitHub's rules
	// forbid it: the runner's files belong to another uid).
	final := df[bytes.LastIndex(df, []byte("\nFROM ")):]
	for _, m := range regexp.MustCompile(`(?m)^USER (\S+)$`).FindAllSubmatch(final, -1) {
		changes = append(changes, "USER "+string(m[1]))
	}
	ref := r.Import(changes...)
	if out, err := podmantest.Command("image", "inspect", "--format", "{{.Size}}", ref).Output(); err == nil {
		t.Logf("image size: %s bytes", strings.TrimSpace(string(out)))
	}
	return ref
}

// repo is an origin with the bundled examples' base and head as two
// commits, and a clone of it as the workspace.
type repo struct {
	origin, base, head string
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	c := exec.Command("git", args...)
	c.Dir = dir
	c.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func newRepo(t *testing.T) repo {
	t.Helper()
	r := repo{origin: filepath.Join(t.TempDir(), "origin")}
	if err := os.MkdirAll(r.origin, 0o755); err != nil {
		t.Fatal(err)
	}
	gitIn(t, r.origin, "init", "-q", "-b", "main")
	for i, side := range []string{"base", "head"} {
		if err := os.RemoveAll(filepath.Join(r.origin, "servers")); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(filepath.Join(r.origin, "servers"), os.DirFS(filepath.Join(root, "examples", side, "servers"))); err != nil {
			t.Fatal(err)
		}
		gitIn(t, r.origin, "add", "-A")
		gitIn(t, r.origin, "commit", "-q", "-m", side)
		sha := gitIn(t, r.origin, "rev-parse", "HEAD")
		if i == 0 {
			r.base = sha
		} else {
			r.head = sha
		}
	}
	gitIn(t, r.origin, "config", "uploadpack.allowReachableSHA1InWant", "true")
	return r
}

// runner is one job's directories on the runner host, mounted into the
// container as the runner mounts them.
type runner struct {
	ws, fileCommands, workflow, home string
	output, summary                  string // names inside file_commands
}

func chownTree(t *testing.T, dir string, uid int) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func newRunner(t *testing.T, r repo, uid, depth int) *runner {
	t.Helper()
	tmp := t.TempDir()
	rn := &runner{ws: filepath.Join(tmp, "work"), fileCommands: filepath.Join(tmp, "_runner_file_commands"),
		workflow: filepath.Join(tmp, "_github_workflow"), home: filepath.Join(tmp, "_github_home"),
		output: "set_output_0b8e", summary: "step_summary_0b8e"}
	args := []string{"clone", "-q"}
	if depth > 0 {
		args = append(args, "--depth", fmt.Sprint(depth))
	}
	gitIn(t, tmp, append(args, "file://"+r.origin, rn.ws)...)
	for _, d := range []string{rn.fileCommands, rn.workflow, rn.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The runner creates the file command files before the step starts.
	for _, f := range []string{rn.output, rn.summary, "set_env_0b8e", "add_path_0b8e", "save_state_0b8e"} {
		if err := os.WriteFile(filepath.Join(rn.fileCommands, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ev, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"number": 7,
		"base": map[string]string{"sha": r.base}, "head": map[string]string{"sha": r.head}, "labels": []any{}}})
	if err := os.WriteFile(filepath.Join(rn.workflow, "event.json"), ev, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{rn.ws, rn.fileCommands, rn.workflow, rn.home} {
		chownTree(t, d, uid)
	}
	return rn
}

// notOwnedBy lists the paths under dir whose owner is not uid.
func notOwnedBy(t *testing.T, dir string, uid int) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != uid {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, fmt.Sprintf("%s (uid %d)", rel, st.Uid))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type result struct {
	code            int
	log             string
	outputs         map[string]string
	summary, report string
	elapsed         time.Duration
}

// run runs the image as the runner runs a container action: its docker run
// flags, mounts and environment (less the docker socket and the job's
// network: this test gives none, and comments are off).
func (rn *runner) run(t *testing.T, img string, r repo, fileCommandsMode string) result {
	t.Helper()
	env := map[string]string{
		"HOME": "/github/home", "GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_OS": "Linux", "RUNNER_TEMP": "/home/runner/work/_temp",
		"GITHUB_WORKSPACE": "/github/workspace", "GITHUB_EVENT_PATH": "/github/workflow/event.json", "GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_OUTPUT": "/github/file_commands/" + rn.output, "GITHUB_STEP_SUMMARY": "/github/file_commands/" + rn.summary,
		"GITHUB_ENV": "/github/file_commands/set_env_0b8e", "GITHUB_PATH": "/github/file_commands/add_path_0b8e",
		"GITHUB_STATE": "/github/file_commands/save_state_0b8e",
		"GITHUB_SHA":   r.head, "GITHUB_REPOSITORY": "octo/servers", "GITHUB_API_URL": "http://127.0.0.1:9/api/v3",
		"INPUT_GITHUB-TOKEN": "ghs_containertoken", "INPUT_MANIFESTS": "**/capgate.json\n**/*.capgate.json",
		"INPUT_FAIL-ON": "widened,error", "INPUT_COMMENT": "off", "INPUT_COMMENT-WHEN": "changes",
		"INPUT_ALLOW-LABEL": "capgate:approve-widening", "INPUT_WORKING-DIRECTORY": ".", "INPUT_KEY": "default", "INPUT_MODE": "full",
	}
	args := []string{"--name", podmantest.UniqueName("capgate-action"), "--workdir", "/github/workspace", "--rm", "--network", "none"}
	for k, v := range env {
		args = append(args, "-e", k+"="+v)
	}
	args = append(args,
		"-v", rn.home+":/github/home",
		"-v", rn.workflow+":/github/workflow",
		"-v", rn.fileCommands+":/github/file_commands"+fileCommandsMode,
		"-v", rn.ws+":/github/workspace",
		// The clone's remote, at the same path (read-only, as a server is).
		"-v", r.origin+":"+r.origin+":ro",
		img)
	start := time.Now()
	log, code := podmantest.Run(t, []string{"PATH=" + os.Getenv("PATH")}, args...)
	res := result{code: code, log: log, elapsed: time.Since(start), outputs: map[string]string{}}
	b, _ := os.ReadFile(filepath.Join(rn.fileCommands, rn.output))
	res.outputs = parseOutputs(string(b))
	s, _ := os.ReadFile(filepath.Join(rn.fileCommands, rn.summary))
	res.summary = string(s)
	rep, _ := os.ReadFile(filepath.Join(rn.ws, "capgate-report.json"))
	res.report = string(rep)
	return res
}

// parseOutputs reads a GITHUB_OUTPUT file ("name<<DELIM\nvalue\nDELIM").
func parseOutputs(s string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			continue
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

// reference runs the same binary on the host, outside any container, on a
// full clone: what every container run must report.
func reference(t *testing.T, r repo) (map[string]string, string) {
	t.Helper()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "capgate-action")
	c := exec.Command("go", "build", "-o", bin, "./cmd/capgate-action")
	c.Dir = root
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ws := filepath.Join(tmp, "ws")
	gitIn(t, tmp, "clone", "-q", "file://"+r.origin, ws)
	ev := filepath.Join(tmp, "event.json")
	b, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"number": 7,
		"base": map[string]string{"sha": r.base}, "head": map[string]string{"sha": r.head}, "labels": []any{}}})
	if err := os.WriteFile(ev, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Dir = ws
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "GIT_CONFIG_NOSYSTEM=1", "GITHUB_ACTIONS=true",
		"GITHUB_WORKSPACE=" + ws, "GITHUB_EVENT_PATH=" + ev, "GITHUB_EVENT_NAME=pull_request",
		"GITHUB_OUTPUT=" + filepath.Join(tmp, "out"), "GITHUB_STEP_SUMMARY=" + filepath.Join(tmp, "summary"),
		"GITHUB_SHA=" + r.head, "GITHUB_REPOSITORY=octo/servers", "INPUT_MANIFESTS=**/capgate.json\n**/*.capgate.json",
		"INPUT_FAIL-ON=widened,error", "INPUT_COMMENT=off", "INPUT_ALLOW-LABEL=capgate:approve-widening",
		"INPUT_WORKING-DIRECTORY=.", "INPUT_KEY=default", "INPUT_MODE=full", "INPUT_COMMENT-WHEN=changes"}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("host run: %v, want exit 1 (the examples widen)\n%s", err, out)
	}
	o, _ := os.ReadFile(filepath.Join(tmp, "out"))
	rep, _ := os.ReadFile(filepath.Join(ws, "capgate-report.json"))
	return parseOutputs(string(o)), string(rep)
}

// checkRunnerRun: the action's run res, as runner rn of uid ran it,
// exits 1 (widened, fail-on widened) with the host run's outputs and
// report, writes the SARIF and the step summary, leaves nothing owned
// by another uid, annotates the verdict and leaks no token.
func checkRunnerRun(t *testing.T, rn *runner, res result, uid int, wantOut map[string]string, wantReport string) {
	t.Helper()
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (widened, fail-on widened)\n%s", res.code, res.log)
	}
	if strings.Contains(res.log, "panic") || strings.Contains(res.log, "::warning::capgate: cannot") {
		t.Errorf("log:\n%s", res.log)
	}
	if fmt.Sprint(res.outputs) != fmt.Sprint(wantOut) {
		t.Errorf("outputs %v, want those of the host run %v\n%s", res.outputs, wantOut, res.log)
	}
	if res.report != wantReport {
		t.Errorf("capgate-report.json differs from the host run's:\n%s\nwant:\n%s", res.report, wantReport)
	}
	if sarif, err := os.ReadFile(filepath.Join(rn.ws, "capgate.sarif")); err != nil || !strings.Contains(string(sarif), `"version": "2.1.0"`) || !strings.Contains(string(sarif), version) {
		t.Errorf("capgate.sarif: %v\n%.300s", err, sarif)
	}
	if !strings.Contains(res.summary, "**capgate: blocked.**") || !strings.Contains(res.summary, "host-control change") || !strings.Contains(res.summary, "docker.sock") {
		t.Errorf("step summary:\n%s", res.summary)
	}
	// What the action leaves in the workspace (reports, FETCH_HEAD,
	// fetched objects) belongs to the workspace's owner, so that the
	// runner's later steps and the next checkout can rewrite it.
	if foreign := notOwnedBy(t, rn.ws, uid); len(foreign) > 0 {
		t.Errorf("left in the workspace owned by another uid than %d: %v", uid, foreign)
	}
	if !strings.Contains(res.log, "::error::capgate: ") {
		t.Errorf("no error annotation for the verdict:\n%s", res.log)
	}
	if strings.Count(res.log+res.summary+res.report, "ghs_containertoken") > strings.Count(res.log, "::add-mask::ghs_containertoken") {
		t.Errorf("the token leaked:\n%s", res.log)
	}
}

func TestActionImageAsTheRunnerRunsIt(t *testing.T) {
	img := image(t)
	r := newRepo(t)
	wantOut, wantReport := reference(t, r)
	if wantOut["widened"] != "true" || wantOut["widened-count"] == "0" || !strings.Contains(wantReport, `"widened"`) {
		t.Fatalf("the host reference run reports no widening: %v\n%s", wantOut, wantReport)
	}

	for _, tc := range []struct {
		name  string
		uid   int
		depth int
	}{
		{"uid 1001 (GitHub-hosted), depth 1", 1001, 1},
		{"uid 1234 (self-hosted), depth 1", 1234, 1},
		{"uid 0, depth 1", 0, 1},
		{"uid 1234, full clone", 1234, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rn := newRunner(t, r, tc.uid, tc.depth)
			if tc.depth == 1 {
				if exec.Command("git", "-C", rn.ws, "cat-file", "-e", r.base+"^{commit}").Run() == nil {
					t.Fatal("the depth-1 clone already holds the base; the fetch would not be tested")
				}
			}
			res := rn.run(t, img, r, "")
			t.Logf("start to exit: %v", res.elapsed)
			checkRunnerRun(t, rn, res, tc.uid, wantOut, wantReport)
		})
	}

	// The runner's file command directory read-only (the files cannot be
	// written): the verdict survives as the exit status, the reports are
	// still written, and each lost channel is one warning.
	t.Run("unwritable file commands", func(t *testing.T) {
		rn := newRunner(t, r, 1234, 1)
		res := rn.run(t, img, r, ":ro")
		if res.code != 1 || strings.Contains(res.log, "panic") {
			t.Fatalf("exit %d, want 1\n%s", res.code, res.log)
		}
		for _, w := range []string{"::warning::capgate: cannot write GITHUB_OUTPUT", "::warning::capgate: cannot write GITHUB_STEP_SUMMARY"} {
			if strings.Count(res.log, w) != 1 {
				t.Errorf("want one %q in:\n%s", w, res.log)
			}
		}
		if len(res.outputs) != 0 || res.summary != "" {
			t.Errorf("wrote to a read-only mount: %v %q", res.outputs, res.summary)
		}
		if res.report != wantReport {
			t.Errorf("capgate-report.json:\n%s", res.report)
		}
	})

	t.Run("capgate version", func(t *testing.T) {
		out, code := podmantest.Run(t, []string{"PATH=" + os.Getenv("PATH")}, "--rm", "--network", "none", "--entrypoint", "/usr/local/bin/capgate", img, "version")
		if code != 0 || !strings.HasPrefix(out, "capgate "+version+"\n") {
			t.Errorf("capgate version in the image: exit %d, %q", code, out)
		}
	})
}
