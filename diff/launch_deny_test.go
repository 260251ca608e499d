package diff

import (
	"strings"
	"testing"
)

// srtSide is the launch side of one server run by srt with the settings
// file srt.json holding settings.
func srtSide(settings string) *launchSide {
	cfg := mcp(`"s": {"command": "srt", "args": ["--settings", "srt.json", "npx", "pkg"]}`)
	ls := parseLaunch([]File{{Path: ".mcp.json", Data: []byte(cfg)}})
	ls.applySettings([]File{{Path: "srt.json", Data: []byte(settings)}})
	return ls
}

// TestLaunchSrtAllowReadInsideDenyRead: srt reads every path no denyRead
// names, and allowRead wins over denyRead; so with denyRead "/" (or
// "~/.ssh") in the base, an allowRead the head adds inside it is a new
// read, never covered by srt's default read of every path. A read under
// an allowRead the base had stays covered.
func TestLaunchSrtAllowReadInsideDenyRead(t *testing.T) {
	t.Parallel()
	fs := func(deny, allow string) string {
		return `{"filesystem": {"denyRead": [` + deny + `], "allowRead": [` + allow + `], "allowWrite": [], "denyWrite": []}}`
	}
	for _, tc := range []struct {
		name, base, head string
		widened          string // the path of the widened fs row, "" for none
	}{
		{"a new allowRead inside denyRead /", fs(`"/"`, `"/srv"`), fs(`"/"`, `"/srv", "/run"`), "/run"},
		{"an allowRead re-opening a denied ~/.ssh", fs(`"~/.ssh"`, ``), fs(`"~/.ssh"`, `"~/.ssh/id_rsa"`), "~/.ssh/id_rsa"},
		{"a read under the base's own allowRead", fs(`"/"`, `"/srv"`), fs(`"/"`, `"/srv", "/srv/x"`), ""},
		{"a read no denyRead names", fs(`"~/.ssh"`, ``), fs(`"~/.ssh"`, `"/srv"`), ""},
	} {
		var got []string
		for _, c := range compareLaunch(srtSide(tc.base), srtSide(tc.head))[0].Changes {
			if c.Severity == Widened && c.Kind == kFS {
				got = append(got, c.After)
			}
		}
		switch {
		case tc.widened == "" && len(got) > 0:
			t.Errorf("%s: widened %q, want none", tc.name, got)
		case tc.widened != "" && (len(got) != 1 || !strings.Contains(got[0], tc.widened)):
			t.Errorf("%s: widened %q, want one row at %s", tc.name, got, tc.widened)
		}
	}
}

// TestLaunchDotDotNotCovered: VS Code makes the server's cwd writable;
// an allowWrite of ${workspaceFolder}/../.. climbs above it (the home
// directory, say), so it is a loud widened row, not covered by the cwd.
func TestLaunchDotDotNotCovered(t *testing.T) {
	t.Parallel()
	cfg := func(extra string) string {
		return `{"servers": {"s": {"type": "stdio", "command": "node", "args": ["s.js"], "sandboxEnabled": true, "sandbox": {"filesystem": {"allowWrite": ["${workspaceFolder}/out"` + extra + `]}}}}}`
	}
	side := func(s string) *launchSide { return parseLaunch([]File{{Path: ".vscode/mcp.json", Data: []byte(s)}}) }
	for _, tc := range []struct {
		extra string
		loud  bool
	}{
		{`, "${workspaceFolder}/../.."`, true},
		{`, "${workspaceFolder}/out/../../.."`, true},
	} {
		loud := false
		for _, c := range compareLaunch(side(cfg("")), side(cfg(tc.extra)))[0].Changes {
			loud = loud || (c.Severity == Widened && c.Loud)
		}
		if loud != tc.loud {
			t.Errorf("%s: loud %v, want %v", tc.extra, loud, tc.loud)
		}
	}
	// Inside the workspace: covered by the writable cwd.
	for _, c := range compareLaunch(side(cfg("")), side(cfg(`, "${workspaceFolder}/out/x"`)))[0].Changes {
		if c.Severity == Widened {
			t.Errorf("a path inside the writable cwd widened: %+v", c)
		}
	}
}

// TestLaunchSrtLoudDropsAndMetadata: dropping a denyRead of "/" or of a
// home dotfile makes it readable again (srt reads every path no denyRead
// names): loud; dropping one of an ordinary path is widened, quiet. A
// cloud metadata address in allowedDomains is loud.
func TestLaunchSrtLoudDropsAndMetadata(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, base, head string
		loud             bool
	}{
		{"denyRead / dropped", `{"filesystem": {"denyRead": ["/"]}}`, `{"filesystem": {"denyRead": []}}`, true},
		{"denyRead ~/.ssh dropped", `{"filesystem": {"denyRead": ["~/.ssh"]}}`, `{"filesystem": {"denyRead": []}}`, true},
		{"denyRead /srv/x dropped", `{"filesystem": {"denyRead": ["/srv/x"]}}`, `{"filesystem": {"denyRead": []}}`, false},
		{"metadata service allowed", `{"network": {"allowedDomains": []}}`, `{"network": {"allowedDomains": ["169.254.169.254:80"]}}`, true},
		{"another host allowed", `{"network": {"allowedDomains": []}}`, `{"network": {"allowedDomains": ["api.example.com:443"]}}`, false},
	} {
		widened, loud := false, false
		for _, c := range compareLaunch(srtSide(tc.base), srtSide(tc.head))[0].Changes {
			if c.Severity == Widened {
				widened, loud = true, loud || c.Loud
			}
		}
		if !widened || loud != tc.loud {
			t.Errorf("%s: widened %v, loud %v; want widened, loud %v", tc.name, widened, loud, tc.loud)
		}
	}
}
