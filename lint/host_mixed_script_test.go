package lint

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

func TestHostScripts(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
			if f.Code == "net-host-mixed-script" {
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

// TestHostNotASCII: a host with a non-ASCII letter is flagged with its first
// such character; ASCII and punycode hosts are not.
func TestHostNotASCII(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host string
		want string
	}{
		{"pyp\u0130.org", "U+0130"},
		{"\u212aernel.org", "U+212A"},
		{"例え.jp", "U+4F8B"},
		{"xn--pypi-twc.org", ""},
		{"PyPI.org", ""},
		{"10.0.0.5", ""},
	} {
		cs := compiler.CapString{Text: "net:connect:" + tc.host + ":443"}
		c, err := compiler.ParseCapability(cs)
		if err != nil {
			t.Fatalf("%q: %v", tc.host, err)
		}
		fs := hostNotASCIIRule.Check(cs, c, false)
		switch {
		case tc.want == "" && len(fs) != 0:
			t.Errorf("%q: unexpected %v", tc.host, fs)
		case tc.want != "" && (len(fs) != 1 || !strings.Contains(fs[0].Message, tc.want)):
			t.Errorf("%q: %v, want one finding naming %s", tc.host, fs, tc.want)
		}
	}
}
