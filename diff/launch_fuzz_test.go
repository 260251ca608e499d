package diff

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/launch"
)

// wideningFlags are docker run options that each widen any docker run
// that does not set their option already: name is the text whose
// presence in another argument skips the case (that argument may set or
// override the option).
var wideningFlags = []struct{ name, flag string }{
	{"privileged", "--privileged"}, {"net", "--network=host"}, {"sock", "--volume=/var/run/docker.sock:/s"},
	{"cap", "--cap-add=SYS_ADMIN"}, {"pid", "--pid=host"}, {"ipc", "--ipc=host"}, {"dev", "--device=/dev/kvm"},
	{"secur", "--security-opt=seccomp=unconfined"}, {"userns", "--userns=host"}, {"uts", "--uts=host"},
	{"mount", "--mount=type=bind,src=/,dst=/h"}, {"etc", "-v=/etc:/etc"}, {"root", "--volume=/root:/r"},
	{"log", "--log-opt=syslog-address=tcp://evil.example:514"}, {"log", "--log-driver=gelf"},
	{"env", "--env=LD_PRELOAD"}, {"publish", "--publish=8080:80"}, {"dns", "--dns=8.8.8.8"},
}

// FuzzDockerWideningFlag: one of wideningFlags added to a docker run of
// any other options and arguments gives a widened row, never none (a
// widening shown as unchanged).
func FuzzDockerWideningFlag(f *testing.F) {
	for i := range wideningFlags {
		f.Add(uint8(i), "-i\x00--rm\x00img")
		f.Add(uint8(i), "-i\x00--rm\x00--read-only\x00--user\x001000\x00img\x00arg")
		f.Add(uint8(i), "-it\x00-e\x00A=b\x00--network\x00none\x00ghcr.io/x/y:1")
	}
	f.Fuzz(func(t *testing.T, k uint8, rest string) {
		w := wideningFlags[int(k)%len(wideningFlags)]
		args := strings.Split(rest, "\x00")
		for _, a := range args {
			if l := strings.ToLower(a); strings.Contains(l, w.name) || strings.Contains(l, "host") {
				return
			}
		}
		mk := func(extra ...string) []File {
			argv := append(append([]string{"run"}, extra...), args...)
			b, _ := json.Marshal(map[string]any{"mcpServers": map[string]any{"s": map[string]any{"command": "docker", "args": argv}}})
			return []File{{Path: ".mcp.json", Data: b}}
		}
		base := mk()
		cfg, err := launch.Parse(".mcp.json", base[0].Data)
		if err != nil || len(cfg.Entries) != 1 || cfg.Entries[0].Kind != launch.Docker {
			return
		}
		out := compareLaunch(parseLaunch(base), parseLaunch(mk(w.flag)))
		for _, md := range out {
			for _, c := range md.Changes {
				if c.Severity == Widened {
					return
				}
			}
		}
		t.Fatalf("%s added to docker run %q: no widened row: %+v", w.flag, args, out)
	})
}

// FuzzLaunchSelf: a launch config compared with itself has no change, and
// one removed widens nothing, read as a .mcp.json, a plugin's manifest,
// VS Code's file (where one name may stand for two servers), a
// marketplace's catalog, and a plugin's root .mcp.json beside its manifest.
func FuzzLaunchSelf(f *testing.F) {
	for _, s := range []string{
		`{"mcpServers": {"s": {"command": "docker", "args": ["run", "-itv/a:/b", "--mount=type=bind,src=${HOME},dst=/h", "img"]}}}`,
		`{"mcpServers": {"s": {"command": "srt", "args": ["-s", "x.json", "bwrap", "--bind", "/", "/"]}}}`,
		`{"mcpServers": {"s": {"command": "podman", "args": ["run", "--network=host", "-v", "/var/run/docker.sock:/s", "--cap-add", "SYS_ADMIN", "img", "x"]}}}`,
		`{"mcpServers": {"s": {"command": "bwrap", "args": ["--ro-bind", "/usr", "/usr", "--bind", "/home", "/home", "--unshare-net", "node"]}}}`,
		`{"mcpServers": {"s": {"command": "sh", "args": ["-c", "x"], "env": {"A": "${B:-c}"}}, "t": {"url": "https://x"}}}`,
		`{"mcpServers": [{"x": {"command": "docker", "args": ["run", "--privileged", "img"]}}, {"x": {"command": "docker", "args": ["run", "img"]}}]}`,
		`{"servers": {"d": {"command": "docker", "args": ["run", "img"]}}, "mcpServers": {"d": {"command": "docker", "args": ["run", "-v", "/:/h", "img"]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"plugins": [{"name": "a", "source": {"source": "x"}, "mcpServers": {"s": {"command": "npx"}}}, {"name": "a", "mcpServers": "./m.json"}]}`))
	side := func(fs []File) *launchSide {
		ls := parseLaunch(fs)
		ls.applySettings(nil)
		return ls
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range []string{".mcp.json", "p/.claude-plugin/plugin.json", ".vscode/mcp.json", ".claude-plugin/marketplace.json", "p/.mcp.json"} {
			fs := []File{{Path: p, Data: data}}
			if p == "p/.mcp.json" {
				fs = append(fs, File{Path: "p/.claude-plugin/plugin.json", Data: []byte(`{"name": "p"}`)})
			}
			for _, md := range compareLaunch(side(fs), side(fs)) {
				if len(md.Changes) != 0 {
					t.Fatalf("%s compared with itself: %+v", p, md.Changes)
				}
			}
			for _, md := range compareLaunch(side(fs), side(nil)) {
				for _, c := range md.Changes {
					if c.Severity == Widened {
						t.Fatalf("removing %s widens: %+v", p, c)
					}
				}
			}
		}
	})
}
