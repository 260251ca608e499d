package lint

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

func TestHostScripts(t *testing.T) {
	for _, tc := range []struct {
		host string
		want string
	}{
		{"api.example.com", "Latin"},
		{"\u0430pple.com", "Cyrillic,Latin"},
		{"xn--pple-43d.com", "Cyrillic,Latin"},  // аpple.com in punycode
		{"xn--80ak6aa92e.xn--p1ai", "Cyrillic"}, // all Cyrillic (.рф)
		{"例え.jp", "Han,Hiragana,Latin"},
		{"10.0.0.5", ""},
		{"xn--zz-!!.com", "Latin"}, // not punycode: read as written
	} {
		if got := strings.Join(hostScripts(tc.host), ","); got != tc.want {
			t.Errorf("hostScripts(%q) = %q, want %q", tc.host, got, tc.want)
		}
	}
}

// TestHostInvisible: a net host holding a bidi control or a zero-width
// character is flagged (the compiler takes it), plain and mixed-script
// hosts are judged as before.
func TestHostInvisible(t *testing.T) {
	for _, tc := range []struct {
		host string
		want string // a part of the message, or "" for no finding
	}{
		{"ex\u202eample.com", `"ex\u202eample.com" holds the invisible character U+202E`},
		{"ex\u200bample.com", `U+200B`},
		{"example.com\u2066", `U+2066`},
		{"example.com", ""},
		{"\u0430pple.com", "mixes scripts"},
	} {
		src := `{"name": "x", "version": "1", "tools": [{"name": "t", "capabilities": [` + jsonString("net:connect:"+tc.host+":443") + `]}]}`
		m, err := compiler.ParseManifest([]byte(src))
		if err != nil {
			t.Fatalf("%q: %v", tc.host, err)
		}
		var got []string
		for _, f := range Manifest(m) {
			if f.Rule == "net-host-mixed-script" {
				got = append(got, f.Message)
			}
		}
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%q: unexpected %q", tc.host, got)
		case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
			t.Errorf("%q: got %q, want one finding with %q", tc.host, got, tc.want)
		}
	}
}
