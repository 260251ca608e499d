package launch

import "testing"

// TestSrtLiteralPathEntries: srt takes {"path": P, "literal": true} in
// place of a path string in its four lists; the path is read as any path
// (a writable home is loud), never skipped. Any other element, and the
// object form in VS Code's sandbox object (VS Code's schema has strings),
// is a raw grant: a deny the reader does not read never counts as a
// protection.
func TestSrtLiteralPathEntries(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		src, want string
	}{
		{`{"filesystem": {"allowWrite": [{"path": "~", "literal": true}]}}`, "fs ~ rw loud"},
		{`{"filesystem": {"allowRead": [{"literal": true, "path": "/etc"}]}}`, "fs /etc"},
		{`{"filesystem": {"denyRead": [{"path": "~/.ssh", "literal": true}]}}`, "isolation denyRead ~/.ssh"},
		{`{"filesystem": {"allowWrite": [{"path": "~", "literal": false}]}}`, `raw filesystem.allowWrite[] = {"literal":false,"path":"~"}`},
		{`{"filesystem": {"denyRead": [7]}}`, "raw filesystem.denyRead[] = 7"},
	} {
		gs, err := SrtSettings(ClaudeCode, "srt.json", []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if set := grantSet(Entry{Grants: gs}); !set[c.want] {
			t.Errorf("%s: grants %v lack %q", c.src, set, c.want)
		}
	}
	e := only(t, ".vscode/mcp.json", `{"servers": {"s": {"command": "npx", "args": ["srv"], "sandboxEnabled": true,
		"sandbox": {"filesystem": {"denyRead": [{"path": "~/.ssh", "literal": true}]}}}}}`)
	if set := grantSet(e); set["isolation denyRead ~/.ssh"] || !set[`raw filesystem.denyRead[] = {"literal":true,"path":"~/.ssh"}`] {
		t.Errorf("VS Code: grants %v: want the object form raw, not a protection", set)
	}
}
