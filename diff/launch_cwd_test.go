package diff

import (
	"strings"
	"testing"
)

// TestLaunchCwdChangeIsARow: a change of an entry's cwd alone moves what
// its relative paths name (docker's -v .:/ws, srt's allowWrite ["."]):
// the head's cwd "/" mounts the host root, loud; an srt server moved from
// its subdirectory to the project root writes the whole project. Neither
// is "no change".
func TestLaunchCwdChangeIsARow(t *testing.T) {
	t.Parallel()
	settings := File{Path: "srt.json", Data: []byte(`{"filesystem": {"allowWrite": ["."]}}`)}
	for _, c := range []struct {
		name, base, head, want string
	}{
		{"docker", `"s": {"command": "docker", "args": ["run", "-v", ".:/ws", "img"]}`,
			`"s": {"command": "docker", "cwd": "/", "args": ["run", "-v", ".:/ws", "img"]}`, "widened fs!:  -> s: / (rw)"},
		{"srt", `"s": {"command": "srt", "cwd": "sub", "args": ["-s", "${workspaceFolder}/srt.json", "srv"]}`,
			// loud: the project root holds srt.json, the server's own rules
			`"s": {"command": "srt", "args": ["-s", "${workspaceFolder}/srt.json", "srv"]}`, "widened fs!:  -> s: . (rw)"},
	} {
		md := launchDiff(t, mcp(c.base), mcp(c.head), settings)
		rows := summary(md)
		found := false
		for _, r := range rows {
			found = found || strings.HasPrefix(r, c.want)
		}
		if !found {
			t.Errorf("%s: rows %q lack %q", c.name, rows, c.want)
		}
	}
}
