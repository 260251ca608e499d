package lint

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestHostWildcardSuggestion checks that the rule suggests squid's
// ".domain" form only where one exists: for a single leading "*." label.
func TestHostWildcardSuggestion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host    string
		suggest string // "" means no suggestion
	}{
		{"*.example.com", `".example.com"`},
		{"*.api.*.example.com", ""},
		{"api.*.example.com", ""},
		{"*example.com", ""},
	} {
		src := `{"name": "x", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:` + tc.host + `:443"]}]}`
		m, err := compiler.ParseManifest([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		fs := Manifest(m)
		if len(fs) != 1 || fs[0].Code != "net-host-wildcard" {
			t.Fatalf("%s: got %v, want one net-host-wildcard finding", tc.host, fs)
		}
		msg := fs[0].Message
		if tc.suggest != "" && !strings.Contains(msg, "squid wants "+tc.suggest) {
			t.Errorf("%s: %q does not suggest %s", tc.host, msg, tc.suggest)
		}
		if tc.suggest == "" && strings.Contains(msg, "squid wants") {
			t.Errorf("%s: %q suggests a form squid does not have", tc.host, msg)
		}
	}
}
