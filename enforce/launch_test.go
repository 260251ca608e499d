package enforce

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/podmantest"
	"github.com/razukc/capgate-action/internal/source"
)

// Hand-written launch configs, run live: each case's base and head argv
// (a .mcp.json entry) are run with a probe, and the diff must say widened
// exactly when the head's probe reaches what the base's did not.

// launchCase is one change to a server's argv. {H} is a host directory of
// the test, {IMG} the probe image.
type launchCase struct {
	name       string
	base, head []string
	probe      string // a shell command that prints OK when it reaches
	// reach is what the probe must find on the base and the head, so
	// that a probe that never works cannot pass.
	reach [2]bool
}

// launchWidens compares the two argv as .mcp.json entries and reports
// whether the diff says widened.
func launchWidens(t *testing.T, cmd string, base, head []string) bool {
	t.Helper()
	dir := t.TempDir()
	for side, args := range map[string][]string{"b": base, "h": head} {
		a, _ := json.Marshal(args)
		src := `{"mcpServers": {"s": {"command": "` + cmd + `", "args": ` + string(a) + `}}}`
		if err := os.MkdirAll(filepath.Join(dir, side), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, side, ".mcp.json"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, err := source.ReadSides(context.Background(), source.Options{Dir: dir, Base: "b", Head: "h"})
	if err != nil {
		t.Fatal(err)
	}
	in.AllowEmpty = true
	r, err := diff.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	return r.LaunchWidened() > 0
}

func fill(args []string, h, img string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.NewReplacer("{H}", h, "{IMG}", img).Replace(a)
	}
	return out
}

// hostVar replaces {HOSTVAR} in args with v: the host's value where the
// argv runs, the variable as written where the diff reads the config.
func hostVar(args []string, v string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, "{HOSTVAR}", v)
	}
	return out
}

func hostDir(t *testing.T) string {
	t.Helper()
	h := filepath.Join(t.TempDir(), "host")
	if err := os.MkdirAll(filepath.Join(h, "secret"), 0o777); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{h, filepath.Join(h, "secret")} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func TestLaunchDockerLive(t *testing.T) {
	img := probeImage(t)
	cases := []launchCase{
		{":ro dropped", []string{"run", "-i", "--rm", "-v", "{H}:/data:ro", "{IMG}"}, []string{"run", "-i", "--rm", "-v", "{H}:/data", "{IMG}"},
			"echo x > /data/f && echo OK", [2]bool{false, true}},
		{":ro added", []string{"run", "-i", "--rm", "-v", "{H}:/data", "{IMG}"}, []string{"run", "-i", "--rm", "--volume={H}:/data:ro", "{IMG}"},
			"echo x > /data/f && echo OK", [2]bool{true, false}},
		{"read-only child dropped", []string{"run", "-i", "--rm", "-v", "{H}:/data", "-v", "{H}/secret:/data/secret:ro", "{IMG}"},
			[]string{"run", "-i", "--rm", "-v", "{H}:/data", "{IMG}"}, "echo x > /data/secret/f && echo OK", [2]bool{false, true}},
		{"--read-only dropped", []string{"run", "-i", "--rm", "--read-only", "{IMG}"}, []string{"run", "-i", "--rm", "{IMG}"},
			"echo x > /probe/f && echo OK", [2]bool{false, true}},
		{"--read-only=false", []string{"run", "-i", "--rm", "--read-only", "{IMG}"}, []string{"run", "-i", "--rm", "--read-only=false", "{IMG}"},
			"echo x > /probe/f && echo OK", [2]bool{false, true}},
		{"env copied in", []string{"run", "-i", "--rm", "{IMG}"}, []string{"run", "-i", "--rm", "-eCAPGATE_TEST_SECRET", "{IMG}"},
			`[ "$CAPGATE_TEST_SECRET" = s3cret ] && echo OK`, [2]bool{false, true}},
		{"new mount", []string{"run", "-i", "--rm", "{IMG}"}, []string{"run", "-i", "--rm", "--mount", "type=bind,src={H},dst=/data", "{IMG}"},
			"echo x > /data/f && echo OK", [2]bool{false, true}},
		{"same mount in another spelling", []string{"run", "-i", "--rm", "-v", "{H}:/data", "{IMG}"}, []string{"run", "-i", "--rm", "--mount=type=bind,source={H},target=/data", "{IMG}"},
			"echo x > /data/f && echo OK", [2]bool{true, true}},
		// docker applies mounts by destination depth, whatever the
		// order: reordering changes nothing.
		{"reordered mounts", []string{"run", "-i", "--rm", "-v", "{H}:/data", "-v", "{H}/secret:/data/secret:ro", "{IMG}"},
			[]string{"run", "-i", "--rm", "-v", "{H}/secret:/data/secret:ro", "-v", "{H}:/data", "{IMG}"}, "echo x > /data/secret/f && echo OK", [2]bool{false, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := hostDir(t)
			reach := func(args []string) bool {
				a := fill(args, h, img)
				a = append(a[1:], "sh", "-c", c.probe) // drop "run": podmantest.Run adds it
				a = append([]string{"--network", "none"}, a...)
				out, _ := podmantest.Run(t, []string{"PATH=/usr/bin:/bin", "CAPGATE_TEST_SECRET=s3cret"}, a...)
				return strings.Contains(out, "OK")
			}
			b, hd := reach(c.base), reach(c.head)
			if b != c.reach[0] || hd != c.reach[1] {
				t.Errorf("probe base=%t head=%t, want %t %t", b, hd, c.reach[0], c.reach[1])
			}
			widened := launchWidens(t, "docker", fill(c.base, h, "img"), fill(c.head, h, "img"))
			if widened != (hd && !b) {
				t.Errorf("diff widened=%t, probe base=%t head=%t", widened, b, hd)
			}
		})
	}
}

func TestLaunchBwrapLive(t *testing.T) {
	requireTool(t, "bwrap")
	ro := []string{"--ro-bind", "/usr", "/usr", "--ro-bind", "/bin", "/bin", "--ro-bind-try", "/lib", "/lib", "--ro-bind-try", "/lib64", "/lib64",
		"--ro-bind-try", "/etc/alternatives", "/etc/alternatives", "--proc", "/proc", "--dev", "/dev", "--unshare-all", "--die-with-parent"}
	with := func(extra ...string) []string { return append(append([]string{}, ro...), extra...) }
	cases := []launchCase{
		{"ro-bind made bind", with("--ro-bind", "{H}", "/data"), with("--bind", "{H}", "/data"), "echo x > /data/f && echo OK", [2]bool{false, true}},
		{"bind made ro-bind", with("--bind", "{H}", "/data"), with("--ro-bind", "{H}", "/data"), "echo x > /data/f && echo OK", [2]bool{true, false}},
		{"read-only child dropped", with("--bind", "{H}", "/data", "--ro-bind", "{H}/secret", "/data/secret"), with("--bind", "{H}", "/data"),
			"echo x > /data/secret/f && echo OK", [2]bool{false, true}},
		{"clearenv dropped", with("--clearenv"), with(), `[ "$CAPGATE_TEST_SECRET" = s3cret ] && echo OK`, [2]bool{false, true}},
		// {HOSTVAR} is the host's value, which the client fills in for
		// ${CAPGATE_TEST_SECRET}: the probe runs the filled-in argv, the diff
		// reads the config as written. (A literal value is the config's
		// own, not a grant: docs/launch/README.md.)
		{"host variable passed in", with("--clearenv"), with("--clearenv", "--setenv", "CAPGATE_TEST_SECRET", "{HOSTVAR}"), `[ "$CAPGATE_TEST_SECRET" = s3cret ] && echo OK`, [2]bool{false, true}},
		{"new bind", with(), with("--bind", "{H}", "/data"), "echo x > /data/f && echo OK", [2]bool{false, true}},
		// The same binds in another order: bwrap applies them in argv
		// order, so the writable parent bound last hides the read-only
		// child.
		{"read-only child hidden by reordering", with("--bind", "{H}", "/data", "--ro-bind", "{H}/secret", "/data/secret"),
			with("--ro-bind", "{H}/secret", "/data/secret", "--bind", "{H}", "/data"), "echo x > /data/secret/f && echo OK", [2]bool{false, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := hostDir(t)
			reach := func(args []string) bool {
				a := append(hostVar(fill(args, h, ""), "s3cret"), "--", "sh", "-c", c.probe)
				cmd := exec.Command("bwrap", a...)
				cmd.Env = []string{"PATH=/usr/bin:/bin", "CAPGATE_TEST_SECRET=s3cret"}
				out, _ := cmd.CombinedOutput()
				return strings.Contains(string(out), "OK")
			}
			b, hd := reach(c.base), reach(c.head)
			if b != c.reach[0] || hd != c.reach[1] {
				t.Errorf("probe base=%t head=%t, want %t %t", b, hd, c.reach[0], c.reach[1])
			}
			widened := launchWidens(t, "bwrap", append(hostVar(fill(c.base, h, ""), "${CAPGATE_TEST_SECRET}"), "node", "server.js"),
				append(hostVar(fill(c.head, h, ""), "${CAPGATE_TEST_SECRET}"), "node", "server.js"))
			if widened != (hd && !b) {
				t.Errorf("diff widened=%t, probe base=%t head=%t", widened, b, hd)
			}
		})
	}
}
