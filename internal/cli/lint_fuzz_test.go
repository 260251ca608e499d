package cli

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzLint lints arbitrary text: it must not panic, and every finding must
// print as one line (two with its hint) free of control characters.
//
//	go test ./internal/cli -run '^$' -fuzz FuzzLint
func FuzzLint(f *testing.F) {
	for _, s := range []string{
		`{"name": "x", "version": "1", "tools": [{"name": "t", "capabilities": ["network:connect:a.com:443", "net:connect:https://a.com"]}]}`,
		`{"name": "x", "version": "1", "tool": []}`,
		`{"name": "x", "version": "1", "tools": [{"name": "t", "capability": []}]}`,
		"name: web\nversion: 1\n",
		`{"name": "x", "version": "1", "serverCapability": [], "tools": [{"name": "t", "capabilities": ["\u202efs:read:/x", "fs:readwrite:~/x"]}]}`,
		"{\"name\": \"x\u0000\n\", \"version\": 1}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, fd := range lintManifest("m.json", src) {
			text := fd.text()
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			if len(lines) > 2 || (len(lines) == 2 && !strings.HasPrefix(lines[1], "    hint: ")) {
				t.Fatalf("finding spans lines: %q", text)
			}
			for _, l := range lines {
				if strings.ContainsFunc(l, func(r rune) bool { return unicode.IsControl(r) || isBidiOrSep(r) }) {
					t.Fatalf("control character in %q", l)
				}
			}
		}
	})
}
