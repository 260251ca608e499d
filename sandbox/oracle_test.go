package sandbox

import (
	"math/rand/v2"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The tests in this file hold the readers' faster steps to the code they
// replaced (kept here, as the oracle) on generated inputs.

// pieces draws strings from a few parts that matter to the step tested.
func pieces(r *rand.Rand, parts []string, n int) string {
	var sb strings.Builder
	for range r.IntN(n + 1) {
		sb.WriteString(parts[r.IntN(len(parts))])
	}
	return sb.String()
}

// TestBwrapDestAsJoined: bwrapDest is path.Clean("/" + dest) for any dest.
func TestBwrapDestAsJoined(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	parts := []string{"/", "//", ".", "..", "a", "b/", "/./", "/../"}
	for range 20000 {
		d := pieces(r, parts, 6)
		if got, want := bwrapDest(d), path.Clean("/"+d); got != want {
			t.Fatalf("bwrapDest(%q) = %q, want %q", d, got, want)
		}
	}
}

// oldResolveEnv is resolveEnv with a set of the names walked.
func oldResolveEnv(ops []envOp) []Env {
	seen := map[string]bool{}
	var out []Env
	for i := len(ops) - 1; i >= 0; i-- {
		o := ops[i]
		if o.clear {
			break
		}
		if seen[o.env.Name] {
			continue
		}
		seen[o.env.Name] = true
		if !o.unset {
			out = append(out, o.env)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// TestResolveEnvSmall: the scan of few operations and the set of many
// resolve them as the set always did.
func TestResolveEnvSmall(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	names := []string{"A", "B", "C", ""}
	for range 20000 {
		ops := make([]envOp, r.IntN(14))
		for i := range ops {
			switch r.IntN(6) {
			case 0:
				ops[i] = envOp{clear: true}
			case 1:
				ops[i] = envOp{env: Env{Name: names[r.IntN(len(names))]}, unset: true}
			default:
				ops[i] = envOp{env: Env{Name: names[r.IntN(len(names))], Value: string(rune('0' + i))}}
			}
		}
		if got, want := resolveEnv(nil, ops), oldResolveEnv(ops); !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v: %+v, want %+v", ops, got, want)
		}
	}
}

// TestContainsAllSmall: the scan answers as the set of values.
func TestContainsAllSmall(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	vals := []string{"a", "b", "c", "d", ""}
	draw := func(n int) []string {
		out := make([]string, r.IntN(n+1))
		for i := range out {
			out[i] = vals[r.IntN(len(vals))]
		}
		return out
	}
	for range 20000 {
		set, want := draw(20), draw(20)
		if got, exp := containsAll(set, want), containsAllMap(set, want); got != exp {
			t.Fatalf("containsAll(%q, %q) = %v, the set says %v", set, want, got, exp)
		}
	}
}

// oldParseSquid is parseSquid by strings.Split and strings.Fields.
func oldParseSquid(conf []byte) []squidLine {
	var out []squidLine
	for i, line := range strings.Split(string(conf), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, squidLine{f: strings.Fields(line), text: line, line: i})
	}
	return out
}

// configParts are the pieces generated squid and nftables configs are
// made of: keywords, separators, blank space of every kind, braces.
var configParts = []string{"\n", " ", "\t", "\r", "\u00a0", "#", "}", "{", ",", ";", "acl", "http_access", "allow", "deny",
	"ip", "ip6", "daddr", "drop", "accept", "tcp", "dport", "443", "10.0.0.0/8", "table inet ", "chain ", "type filter hook output", "policy drop;",
	// Whole statements, so that every kind is read.
	"\n  ip daddr { 10.0.0.0/8, 172.16.0.0/12 } drop\n", "\nip6 daddr { ::1/128 } drop", "\n ip daddr 1.2.3.4 tcp dport 443 accept\n",
	"\nip daddr 1.2.3.4 accept", "\nacl d dstdomain .a.com b.com\n", "\nhttp_access allow d p CONNECT\n", "\nacl p port 443 80\n"}

// noEmpty is a list, nil when it is empty (the readers range over it).
func noEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// noEmptySets is noEmpty of statements whose empty sets are nil.
func noEmptySets(sts []nftStatement) []nftStatement {
	for i := range sts {
		sts[i].set = noEmpty(sts[i].set)
	}
	return noEmpty(sts)
}

// TestParseSquidAsSplit: the line walk gives the lines and fields that
// splitting the text, then each line, gave.
func TestParseSquidAsSplit(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		conf := pieces(r, configParts, 30)
		if got, want := parseSquid(conf), oldParseSquid([]byte(conf)); !reflect.DeepEqual(noEmpty(got), noEmpty(want)) {
			t.Fatalf("%q:\n%+v\nwant %+v", conf, got, want)
		}
	}
}

// oldParseNftables is parseNftables by strings.Split and strings.Fields.
func oldParseNftables(conf []byte) []nftStatement {
	var out []nftStatement
	for n, line := range strings.Split(string(conf), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || line == "}" ||
			strings.HasPrefix(line, "table inet ") && strings.HasSuffix(line, "{") ||
			strings.HasPrefix(line, "chain ") && strings.HasSuffix(line, "{"):
			continue
		case strings.HasPrefix(line, "type filter hook output"):
			out = append(out, nftStatement{kind: nftPolicy, text: line, line: n})
			continue
		}
		st := nftStatement{text: line, line: n}
		f := strings.Fields(line)
		if set, ok := nftDropSet(f); ok {
			st.kind, st.family, st.set = nftDrop, f[0], set
		} else if r, ok := nftAccept(f); ok {
			st.kind, st.rule = nftAllow, r
		}
		out = append(out, st)
	}
	return out
}

// TestParseNftablesAsSplit: the line walk with one buffer of fields gives
// the statements that splitting the text, then each line, gave.
func TestParseNftablesAsSplit(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		conf := pieces(r, configParts, 30)
		if got, want := parseNftables(conf), oldParseNftables([]byte(conf)); !reflect.DeepEqual(noEmptySets(got), noEmptySets(want)) {
			t.Fatalf("%q:\n%+v\nwant %+v", conf, got, want)
		}
	}
}

// oldParseDocker is ParseDocker on SplitDocker's options, a slice of
// values each.
func oldParseDocker(argv []string) (opts []Option, command []string, unknown []Unknown) {
	argv = skipEngine(argv)
	dopts, at := SplitDocker(argv)
	for _, o := range dopts {
		on, ok := o.On()
		switch {
		case o.Flag == "" || (o.Bool && !ok):
			unknown = append(unknown, Unknown{Text: o.Raw, Arg: o.Arg})
		case o.Bool && !on:
			opts = append(opts, Option{Flag: o.Flag, Args: []string{"false"}, Arg: o.Arg})
		case o.Bool:
			opts = append(opts, Option{Flag: o.Flag, Arg: o.Arg})
		default:
			opts = append(opts, Option{Flag: o.Flag, Args: []string{o.Value}, Arg: o.Arg})
		}
	}
	return opts, argv[at:], unknown
}

// FuzzParseDocker: ParseDocker, which builds no Raw for known options and
// shares one array of values, reads argv as it did on SplitDocker's
// options (empty and absent lists of options are the same list).
func FuzzParseDocker(f *testing.F) {
	f.Add("--rm\x00-v\x00/a:/b:ro\x00--env=X\x00-it\x00--read-only=false\x00--privileged=maybe\x00-eA=1\x00--bogus\x00img\x00arg")
	f.Add("docker\x00run\x00--mount\x00type=bind,src=/x,dst=/y\x00--network")
	f.Fuzz(func(t *testing.T, in string) {
		argv := strings.Split(in, "\x00")
		o, c, u := ParseDocker(argv)
		wo, wc, wu := oldParseDocker(argv)
		if len(o) == 0 && len(wo) == 0 {
			o, wo = nil, nil
		}
		if !reflect.DeepEqual(o, wo) || !reflect.DeepEqual(c, wc) || !reflect.DeepEqual(u, wu) {
			t.Fatalf("%q:\n%+v %q %+v\nwant %+v %q %+v", argv, o, c, u, wo, wc, wu)
		}
	})
}

// oldView is View as it sorted the entries themselves.
func oldView(s *Sandbox) *View {
	v := &View{}
	visible := make([]bool, len(s.Mounts))
	n := 0
	small := len(s.Mounts) <= 16
	var later map[string]struct{}
	if !small {
		later = make(map[string]struct{}, len(s.Mounts))
	}
	for i := len(s.Mounts) - 1; i >= 0; i-- {
		d := s.Mounts[i].Dest
		hidden := false
		if small {
			for _, m := range s.Mounts[i+1:] {
				if hidden = Under(d, m.Dest); hidden {
					break
				}
			}
		} else {
			ancestors(d, func(a string) bool {
				_, hidden = later[a]
				return hidden
			})
			later[d] = struct{}{}
		}
		if !hidden {
			visible[i] = true
			n++
		}
	}
	v.entries = make([]Entry, 0, n)
	binds := 0
	for i, m := range s.Mounts {
		if visible[i] {
			v.entries = append(v.entries, Entry{Mount: m})
			if m.Type == Bind {
				binds++
			}
		}
	}
	slices.SortFunc(v.entries, func(a, b Entry) int { return strings.Compare(a.Dest, b.Dest) })
	v.bySrc = make([]int, 0, binds)
	for i, e := range v.entries {
		if e.Type == Bind {
			v.bySrc = append(v.bySrc, i)
		}
	}
	slices.SortFunc(v.bySrc, func(a, b int) int {
		ea, eb := v.entries[a], v.entries[b]
		if c := strings.Compare(ea.Source, eb.Source); c != 0 {
			return c
		}
		return int(eb.access() - ea.access())
	})
	return withLens(v)
}

// withLens sets the length masks View keeps for its searches (which the
// old view did not have) from v's entries.
func withLens(v *View) *View {
	for _, e := range v.entries {
		v.destLens |= lenBit(len(e.Dest))
		if e.Type == Bind {
			v.srcLens |= lenBit(len(e.Source))
		}
	}
	return v
}

// genMounts draws n mounts over a few paths, of every type and access,
// in any order: repeated destinations and sources, nested ones.
func genMounts(r *rand.Rand, n int) []Mount {
	paths := []string{"/", "/a", "/a/b", "/a/b/c", "/b", "/ab", "/a/c", "/srv", "/srv/x"}
	ms := make([]Mount, n)
	for i := range ms {
		ms[i] = Mount{Type: MountType(1 + r.IntN(6)), Dest: paths[r.IntN(len(paths))], Arg: i}
		if r.IntN(3) > 0 {
			ms[i].Type = Bind
			ms[i].Source = paths[r.IntN(len(paths))]
			ms[i].Write, ms[i].Devices = r.IntN(2) == 0, r.IntN(4) == 0
		}
	}
	return ms
}

// TestViewAsSorted: the view built from sorted indices, searched in
// place, is the one built by sorting its entries, and finds what a scan
// finds, for few mounts (scanned for hiding) and many (a set).
func TestViewAsSorted(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	for range 5000 {
		s := &Sandbox{Mounts: genMounts(r, r.IntN(40))}
		got, want := s.View(), oldView(s)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v:\n%+v\nwant %+v", s.Mounts, got, want)
		}
		for _, p := range []string{"/", "/a", "/a/b", "/a/b/c", "/b", "/ab", "/srv", "/zz", ""} {
			at := -1
			var srcs []int
			for i, e := range want.entries {
				if e.Dest == p {
					at = i
				}
			}
			for _, i := range want.bySrc {
				if want.entries[i].Source == p {
					srcs = append(srcs, i)
				}
			}
			if f := got.find(p); f != at {
				t.Fatalf("%+v: find(%q) = %d, want %d", s.Mounts, p, f, at)
			}
			if ss := got.sources(p); !reflect.DeepEqual(ss, srcs) {
				t.Fatalf("%+v: sources(%q) = %v, want %v", s.Mounts, p, ss, srcs)
			}
		}
	}
}

// oldCompareRules is compareRules through the maps: the index, the rules
// by destination, the set that deduplicates them.
func oldCompareRules(br, hr []Rule) []Delta {
	dedup := func(rs []Rule) []Rule {
		seen := make(map[Rule]bool, len(rs))
		out := rs[:0:0]
		for _, r := range rs {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
		return out
	}
	br, hr = dedup(br), dedup(hr)
	bx, hx := indexRules(br), indexRules(hr)
	byDest := func(rs []Rule) map[string]Rule {
		m := make(map[string]Rule, len(rs))
		for _, r := range rs {
			m[NetKey(r.Host, r.Port)] = r
		}
		return m
	}
	bd, hd := byDest(br), byDest(hr)
	var out []Delta
	for _, h := range hr {
		if bx.Covers(h) {
			continue
		}
		d := Delta{Severity: Widened, Aspect: AspectNet, After: RuleString(h), Why: "new egress destination", Ref: Ref{Side: Head, Rule: h}}
		if b, ok := bd[NetKey(h.Host, h.Port)]; ok {
			d.Before, d.Why = RuleString(b), "private address ranges no longer blocked for this destination"
		}
		if h.Host == "*" {
			d.Why = "egress to any host"
		}
		out = append(out, d)
	}
	for _, b := range br {
		if hx.Covers(b) {
			continue
		}
		d := Delta{Severity: Narrowed, Aspect: AspectNet, Before: RuleString(b), Why: "egress destination removed", Ref: Ref{Side: Base, Rule: b}}
		if h, ok := hd[NetKey(b.Host, b.Port)]; ok {
			d.After, d.Why = RuleString(h), "egress destination reduced"
		}
		out = append(out, d)
	}
	return out
}

// TestCompareRulesAsMapped: compareRules, by scans for few rules and with
// equal lists short-cut, gives the deltas of the maps, for few rules and
// many, with repeats, mixed case, IP literals and domains.
func TestCompareRulesAsMapped(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(13, 14))
	hosts := []string{"*", "a.com", "A.com", ".a.com", "b.a.com", ".com", "::1", "0::1", "10.0.0.1", "x"}
	draw := func(n int) []Rule {
		rs := make([]Rule, n)
		for i := range rs {
			rs[i] = Rule{Host: hosts[r.IntN(len(hosts))], Port: []int{0, 443, 80}[r.IntN(3)], BlockPrivate: r.IntN(2) == 0}
		}
		return rs
	}
	for range 20000 {
		n := r.IntN(6)
		if r.IntN(10) == 0 {
			n = 17 + r.IntN(10) // past smallRules: the maps
		}
		br := draw(n)
		hr := append(slices.Clone(br[:r.IntN(n+1)]), draw(r.IntN(4))...)
		if got, want := compareRules(br, hr), oldCompareRules(br, hr); !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v → %+v:\n%+v\nwant %+v", br, hr, got, want)
		}
	}
}

// oldAspects are the getters of the set aspects as they were, one
// function each, in setAspects' order.
var oldAspects = []func(s *Sandbox) []string{
	func(s *Sandbox) []string {
		out := make([]string, len(s.Env))
		for i, e := range s.Env {
			out[i] = e.Name
		}
		return out
	},
	func(s *Sandbox) []string {
		if s.Privileged {
			return append(slices.Clip(s.Caps), Privileged)
		}
		return s.Caps
	},
	func(s *Sandbox) []string { return s.Devices },
	func(s *Sandbox) []string { return s.HostNamespaces },
	func(s *Sandbox) []string { return s.Security },
	oldListed(Dev), oldListed(Proc), oldListed(Tmpfs, Mqueue),
	func(s *Sandbox) []string {
		out := make([]string, len(s.Unknown))
		for i, u := range s.Unknown {
			out[i] = u.Text
		}
		return out
	},
}

func oldListed(ts ...MountType) func(*Sandbox) []string {
	return func(s *Sandbox) []string {
		var out []string
		for _, m := range s.Mounts {
			if slices.Contains(ts, m.Type) {
				out = append(out, m.Dest)
			}
		}
		return out
	}
}

// oldCompareSets is compareSets with a new list per aspect and side.
func oldCompareSets(base, head *Sandbox) []Delta {
	var out []Delta
	for i, k := range setAspects {
		b, h := oldAspects[i](base), oldAspects[i](head)
		if len(b) == 0 && len(h) == 0 {
			continue
		}
		sev, nsev := Widened, Narrowed
		if k.a == AspectTmpfs {
			sev, nsev = Changed, Changed
		}
		for _, v := range minus(h, b) {
			out = append(out, Delta{Severity: sev, Aspect: k.a, After: v, Why: "new " + k.what, Ref: Ref{Side: Head, Key: v}})
		}
		for _, v := range minus(b, h) {
			out = append(out, Delta{Severity: nsev, Aspect: k.a, Before: v, Why: "no longer: " + k.what, Ref: Ref{Side: Base, Key: v}})
		}
	}
	return out
}

// TestCompareSetsAsBefore: the sets compared in shared buffers, equal
// lists skipped, give the deltas of the lists made anew, and so does
// isolation with equal lists skipped; on generated sandboxes with
// repeated values and more values than the buffers hold.
func TestCompareSetsAsBefore(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(15, 16))
	vals := []string{"A", "B", "C", "--privileged", ""}
	draw := func() []string {
		n := r.IntN(4)
		if r.IntN(8) == 0 {
			n = 10 + r.IntN(20)
		}
		out := make([]string, n)
		for i := range out {
			out[i] = vals[r.IntN(len(vals))]
		}
		return out
	}
	gen := func() *Sandbox {
		s := &Sandbox{Confined: true, Caps: draw(), Devices: draw(), HostNamespaces: draw(), Security: draw(),
			Isolation: draw(), Privileged: r.IntN(3) == 0, Mounts: genMounts(r, r.IntN(8))}
		for _, n := range draw() {
			s.Env = append(s.Env, Env{Name: n})
		}
		for _, u := range draw() {
			s.Unknown = append(s.Unknown, Unknown{Text: u})
		}
		return s
	}
	for range 20000 {
		b := gen()
		h := b
		if r.IntN(3) > 0 {
			h = gen()
		}
		if got, want := compareSets(b, h), oldCompareSets(b, h); !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v → %+v:\n%+v\nwant %+v", b, h, got, want)
		}
		lost, gained := minus(b.Isolation, h.Isolation), minus(h.Isolation, b.Isolation)
		if got := compareIso(b.Isolation, h.Isolation); (len(got) == 0) != (len(lost)+len(gained) == 0) {
			t.Fatalf("isolation %q → %q: %+v", b.Isolation, h.Isolation, got)
		}
	}
}
