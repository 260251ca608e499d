package sandbox

import (
	"math/rand/v2"
	"path"
	"reflect"
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
		if got, want := resolveEnv(ops), oldResolveEnv(ops); !reflect.DeepEqual(got, want) {
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
