package lint

import (
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/diag"
)

// TestRules checks, for a few rules, which capability strings of a manifest
// they flag and which they leave alone.
func TestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rule string
		caps []string
		want []string // the flagged capability strings, in order
	}{
		{"net-name-treated-private", []string{
			"net:connect:127.evil.com:443", "net:connect:10.internal", "net:connect:172.20.x",
			"net:connect:10.0.0.1", "net:connect:127.0.0.1", "net:connect:localhost", "net:connect:example.com",
			"net:connect:172.32.evil.com", "net:connect:01.2.3.4",
		}, []string{"net:connect:127.evil.com:443", "net:connect:10.internal", "net:connect:172.20.x"}},
		{"net-address-treated-public", []string{
			`net:connect:"::ffff:127.0.0.1":443`, `net:connect:"0:0:0:0:0:0:0:1"`, "net:connect:172.016.0.1",
			`net:connect:"::ffff:10.0.0.1"`, "net:connect:0.0.0.0", "net:connect:169.254.169.254",
			"net:connect:127.0.0.1", `net:connect:"::1"`, "net:connect:1.1.1.1", `net:connect:"2001:db8::1"`,
			"net:connect:127.evil.com", "net:connect:0127.0.0.1",
		}, []string{`net:connect:"::ffff:127.0.0.1":443`, `net:connect:"0:0:0:0:0:0:0:1"`, "net:connect:172.016.0.1",
			`net:connect:"::ffff:10.0.0.1"`, "net:connect:0.0.0.0", "net:connect:169.254.169.254"}},
		{"fs-read-made-writable", []string{
			"fs:read:/workspace/**", "fs:read,write:/workspace/scratch/**",
		}, []string{"fs:read:/workspace/**"}},
		{"fs-read-made-writable", []string{
			"fs:write:/data/**", "fs:read:/data/docs/**", "fs:read:/data/docs/**", "fs:read:/other/**",
		}, []string{"fs:read:/data/docs/**", "fs:read:/data/docs/**"}},
		{"fs-read-made-writable", []string{
			// the same path declared read and write is not a silent widening
			"fs:read:/a/**", "fs:write:/a/**", "fs:read:/b/**", "fs:write:/c/**",
		}, nil},
		{"fs-file-mounts-parent", []string{
			"fs:read:/**", "fs:read:/*", "fs:read:/a/*/*", "fs:read:/a//*", "fs:read:/srv/v1.2/",
			"fs:read:/etc/app.conf", "fs:read:/a.b/*/*", "fs:read:/x/y.z/**",
		}, []string{"fs:read:/etc/app.conf", "fs:read:/a.b/*/*", "fs:read:/x/y.z/**"}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			var quoted []string
			for _, c := range tc.caps {
				quoted = append(quoted, jsonString(c))
			}
			src := `{"name": "t", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(quoted, ", ") + `]}]}`
			m, err := compiler.ParseManifest([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range Manifest(m) {
				if f.Code == tc.rule {
					got = append(got, f.Cap)
					if f.Message == "" || f.Line == 0 {
						t.Errorf("finding %+v has no message or position", f)
					}
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s flags %q, want %q", tc.rule, got, tc.want)
			}
		})
	}
}

// TestFindingsCarryTheirRule: Manifest and Keys give every finding the id
// and the severity of the rule that made it (a rule's check writes
// neither), a note for a Note rule and a warning otherwise.
func TestFindingsCarryTheirRule(t *testing.T) {
	t.Parallel()
	src := []byte(`{"name": "t", "version": "1", "Tools": [], "tools": [{"name": "t", "name": "u", "capabilities": ["exec:spawn:git", "fs:read:/tmp/**", "net:connect:*.example.com:443"]}]}`)
	m, err := compiler.ParseManifest(src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]diag.Severity{"exec-no-dev": diag.SeverityNote, "fs-host-tmp": diag.SeverityWarning,
		"net-host-wildcard": diag.SeverityWarning, "manifest-key-typo": diag.SeverityWarning, "manifest-duplicate-key": diag.SeverityWarning}
	seen := map[string]bool{}
	for _, f := range append(Manifest(m), Keys(src)...) {
		sev, ok := want[f.Code]
		if !ok {
			t.Errorf("finding %q: rule %q, want one of %v", f.Message, f.Code, want)
			continue
		}
		seen[f.Code] = true
		if f.Severity != sev {
			t.Errorf("%s: severity %v, want %v", f.Code, f.Severity, sev)
		}
		if d := f.Diag("m.json"); d.Path != "m.json" || d.Code != f.Code || d.Line != f.Line {
			t.Errorf("Diag: %+v", d)
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("no %s finding", id)
		}
	}
}
