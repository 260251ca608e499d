package compiler

import (
	"slices"
	"strings"
	"testing"
)

// splitCapRef is the plain statement of splitCap's rule: split on ':'
// outside double quotes, drop the quotes, stop at the first '?' (inside
// quotes too, as capgate does).
func splitCapRef(s string) (parts []string, query string, hasQuery bool) {
	var cur strings.Builder
	inQ := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			inQ = !inQ
		case c == '?':
			return append(parts, cur.String()), s[i+1:], true
		case c == ':' && !inQ:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String()), "", false
}

func FuzzSplitCap(f *testing.F) {
	for _, s := range []string{
		"fs:read:/workspace/**", `assert:no-exfil:"never sends data"`, `ipc:connect:"unix:/run/x.sock"`,
		"net:connect:example.com:443?nestedSandbox=true", `a"b:c"d:e?f`, `"?":x`, "", ":", `""`, `a:"b?c":d?e`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ar := range []*arena{nil, new(arena)} {
			ps, q, hq := splitCap(s, ar)
			parts := append(ps.p[:min(ps.n, len(ps.p))], ps.more...)
			wp, wq, whq := splitCapRef(s)
			if !slices.Equal(parts, wp) || q != wq || hq != whq {
				t.Fatalf("splitCap(%q) = %q, %q, %v; want %q, %q, %v", s, parts, q, hq, wp, wq, whq)
			}
		}
	})
}

// TestHasDotSegment: hasDotSegment agrees with the plain rule (some
// segment strings.Split gives is "." or "..") on every string of up to
// eight of '/', '.' and 'a'.
func TestHasDotSegment(t *testing.T) {
	t.Parallel()
	ps, level := []string{""}, []string{""}
	for n := 1; n <= 8; n++ {
		var next []string
		for _, p := range level {
			for _, c := range "/.a" {
				next = append(next, p+string(c))
			}
		}
		ps, level = append(ps, next...), next
	}
	for _, p := range ps {
		want := slices.ContainsFunc(strings.Split(p, "/"), func(s string) bool { return s == "." || s == ".." })
		if got := hasDotSegment(p); got != want {
			t.Errorf("hasDotSegment(%q) = %v, want %v", p, got, want)
		}
	}
}
