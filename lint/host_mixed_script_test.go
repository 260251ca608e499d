package lint

import (
	"strings"
	"testing"
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
