package lint

import "testing"

// TestCutCap: a capability's text is cut once, at its first two ':', so
// that a scope holding ':' (a quoted endpoint, a URL, a port) stays whole.
func TestCutCap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text string
		want capParts
		url  bool
	}{
		{"", capParts{}, false},
		{"fs", capParts{kind: "fs"}, false},
		{"fs:read", capParts{kind: "fs", actions: "read", hasActions: true}, false},
		{"fs:read,write:./x", capParts{"fs", "read,write", "./x", true}, false},
		{`ipc:connect:"unix:/run/a.sock"`, capParts{"ipc", "connect", `"unix:/run/a.sock"`, true}, false},
		{"net:connect:https://api.example.com:8443/x", capParts{"net", "connect", "https://api.example.com:8443/x", true}, true},
		{"net:connect:api.example.com:443", capParts{"net", "connect", "api.example.com:443", true}, false},
	} {
		got := cutCap(tt.text)
		if got != tt.want || isURL(got) != tt.url {
			t.Errorf("cutCap(%q) = %+v (URL %v), want %+v (URL %v)", tt.text, got, isURL(got), tt.want, tt.url)
		}
	}
}
