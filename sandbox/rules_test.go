package sandbox

import (
	"strings"
	"testing"
)

// TestCoversDomainTree: ".d" rules cover d and every name below it, label
// by label, including empty labels and a trailing dot, and nothing that
// merely ends in the same characters.
func TestCoversDomainTree(t *testing.T) {
	t.Parallel()
	x := indexRules([]Rule{
		{Host: ".example.com", Port: 443, BlockPrivate: true},
		{Host: "..b", Port: 0, BlockPrivate: true},
		{Host: ".t.", Port: 0, BlockPrivate: false},
		{Host: ".Mixed.Case", Port: 0, BlockPrivate: true},
	})
	for _, tc := range []struct {
		host string
		port int
		want bool
	}{
		{"example.com", 443, true}, {"a.b.example.com", 443, true}, {"A.EXAMPLE.COM", 443, true},
		{"example.com", 80, false}, {"badexample.com", 443, false}, {"com", 443, false}, {"example.com.evil", 443, false},
		{".b", 1, false}, {"a..b", 1, true}, {"a.b", 1, false}, {"b", 1, false},
		{"t.", 1, true}, {"x.t.", 1, true}, {"t", 1, false},
		{"x.mixed.case", 1, true},
	} {
		if got := x.Covers(Rule{Host: tc.host, Port: tc.port, BlockPrivate: true}); got != tc.want {
			t.Errorf("covers %q:%d = %v, want %v", tc.host, tc.port, got, tc.want)
		}
	}
	// A private-blocking ".d" does not cover a rule reaching private ranges.
	if x.Covers(Rule{Host: "a.example.com", Port: 443}) {
		t.Error("a blocking rule covers a non-blocking one")
	}
}

// naiveCovers is the suffix walk Covers replaced: "." + each suffix, looked
// up as a string. TestCoversMatchesNaive holds the tree to it.
func naiveCovers(x RuleIndex, r Rule) bool {
	need := level(r.BlockPrivate)
	ok := func(k string) bool {
		h := x.hosts[k]
		return h != nil && (h.any >= need || (r.Port != 0 && h.ports[r.Port] >= need))
	}
	host := HostKey(r.Host)
	if ok("*") || ok(host) {
		return true
	}
	if host == "*" || strings.HasPrefix(host, ".") {
		return false
	}
	for d := host; ; {
		if ok("." + d) {
			return true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return false
		}
		d = d[i+1:]
	}
}

// TestCoversMatchesNaive: on hosts drawn from a few labels and dots, the
// label tree answers as the string walk does.
func TestCoversMatchesNaive(t *testing.T) {
	t.Parallel()
	labels := []string{"", "a", "b", "A", "*"}
	var names []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		names = append(names, prefix)
		if n == 0 {
			return
		}
		for _, l := range labels {
			if prefix == "" {
				gen(l, n-1)
			}
			gen(prefix+"."+l, n-1)
		}
	}
	gen("", 3)
	for i, rn := range names {
		var rs []Rule
		for j := i; j < len(names) && j < i+3; j++ {
			rs = append(rs, Rule{Host: names[j], Port: j % 2, BlockPrivate: j%3 == 0})
		}
		x := indexRules(rs) // the tree, whatever the number of rules
		for _, h := range names {
			r := Rule{Host: h, Port: 1, BlockPrivate: true}
			if got, want := x.Covers(r), naiveCovers(x, r); got != want {
				t.Fatalf("rules from %q: covers %q = %v, the string walk says %v", rn, h, got, want)
			}
		}
	}
}

// ruleNames are hosts drawn from a few labels and dots, n labels at most.
func ruleNames(n int) []string {
	labels := []string{"", "a", "b", "A", "*", "::1", "0:0::1"}
	var names []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		names = append(names, prefix)
		if n == 0 {
			return
		}
		for _, l := range labels {
			if prefix == "" {
				gen(l, n-1)
			}
			gen(prefix+"."+l, n-1)
		}
	}
	gen("", n)
	return names
}

// TestCoversSmallAsIndexed: the scan of few rules answers as the index
// of maps and labels, for any host, port and private flag.
func TestCoversSmallAsIndexed(t *testing.T) {
	t.Parallel()
	names := ruleNames(2)
	for i := range names {
		var rs []Rule
		for j := i; j < len(names) && j < i+4; j++ {
			rs = append(rs, Rule{Host: names[(j*7)%len(names)], Port: j % 3, BlockPrivate: j%2 == 0})
		}
		scan, tree := IndexRules(rs), indexRules(rs)
		if scan.hosts != nil {
			t.Fatal("few rules are indexed in maps")
		}
		for _, h := range names {
			for _, r := range []Rule{{Host: h, Port: 1, BlockPrivate: true}, {Host: h}, {Host: h, Port: 2}} {
				if got, want := scan.Covers(r), tree.Covers(r); got != want {
					t.Fatalf("rules %+v: the scan says %+v covered %v, the index %v", rs, r, got, want)
				}
			}
		}
	}
	if (RuleIndex{}).Covers(Rule{Host: "*"}) {
		t.Error("no rules cover a rule")
	}
}
