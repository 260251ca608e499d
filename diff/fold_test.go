package diff

import "testing"

// TestHostsFoldASCIIOnly: a host that strings.ToLower would fold onto an
// existing one ("pypİ.org" onto "pypi.org", the Kelvin sign onto "k", two
// different lone surrogates onto U+FFFD) is a different domain to squid and
// DNS, so adding it is a widening.
func TestHostsFoldASCIIOnly(t *testing.T) {
	t.Parallel()
	m := func(caps string) []byte {
		return []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":[` + caps + `]}]}`)
	}
	for _, tc := range []struct{ base, added string }{
		{`"net:connect:pypi.org:443"`, `"net:connect:pyp\u0130.org:443"`},
		{`"net:connect:kernel.org:443"`, `"net:connect:\u212aernel.org:443"`},
		{`"net:connect:a\ud800.example:443"`, `"net:connect:a\udbff.example:443"`},
	} {
		widened := 0
		for _, c := range CompareManifests(m(tc.base), m(tc.base+","+tc.added)) {
			if c.Severity == Widened && c.Kind == "net" {
				widened++
			}
		}
		if widened == 0 {
			t.Errorf("%s added to %s: no widened net change", tc.added, tc.base)
		}
	}
	// ASCII case still folds: PyPI.org is pypi.org.
	for _, c := range CompareManifests(m(`"net:connect:pypi.org:443"`), m(`"net:connect:PyPI.org:443"`)) {
		if c.Severity == Widened {
			t.Errorf("an ASCII case change is a widening: %+v", c)
		}
	}
}
