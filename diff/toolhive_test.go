package diff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/sandbox"
)

// manyRules is one rule per i: host h{i}.co on port 1+i, all distinct.
func manyRules(n int) []string {
	caps := make([]string, n)
	for i := range caps {
		caps[i] = fmt.Sprintf("net:connect:h%d.co:%d", i, 1+i)
	}
	return caps
}

// compileAll compiles a manifest of caps to every target.
func compileAll(t testing.TB, caps ...string) *compiler.Result {
	t.Helper()
	q := make([]string, len(caps))
	for i, c := range caps {
		q[i] = fmt.Sprintf("%q", c)
	}
	src := `{"name": "t", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(q, ", ") + `]}]}`
	r, err := compiler.CompileTargets([]byte(src), compiler.AllTargets())
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return r
}

// toolhiveChanges compares base and head as ToolHive enforces them.
func toolhiveChanges(base, head *compiler.Result) []Change {
	bx, hx := compiler.ExposuresOf(base.Policy), compiler.ExposuresOf(head.Policy)
	bs, hs := sourcesOf(base.Policy, &bx), sourcesOf(head.Policy, &hx)
	var out []Change
	for _, d := range sandbox.Compare(sandbox.FromArtifact(base.Artifacts.Get(compiler.TargetToolhive)), sandbox.FromArtifact(head.Artifacts.Get(compiler.TargetToolhive))) {
		out = append(out, change(d, bs, hs))
	}
	return out
}

func rowStrings(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c.Severity)+" "+string(c.Kind)+" "+c.Before+" -> "+c.After)
	}
	slices.Sort(out)
	return out
}

// TestToolhiveProductLinear: n distinct host:port rules are n hosts and n
// ports, which ToolHive allows as n*n pairs; the read-back and the rows stay
// linear in n (one per host, one per port), not one per pair.
func TestToolhiveProductLinear(t *testing.T) {
	t.Parallel()
	const n = 2000
	base, head := compileAll(t, "net:connect:h0.co:1"), compileAll(t, manyRules(n)...)
	s := sandbox.FromArtifact(head.Artifacts.Get(compiler.TargetToolhive))
	if items := len(s.Network.Hosts) + len(s.Network.Ports) + len(s.Network.Allow); items > 2*n+10 {
		t.Fatalf("%d read-back items for %d hosts and %d ports", items, n, n)
	}
	cs := toolhiveChanges(base, head)
	// h1..h{n-1} and ports 2..n are new: 2(n-1) widened rows, nothing else.
	if len(cs) != 2*(n-1) {
		t.Fatalf("%d rows, want %d", len(cs), 2*(n-1))
	}
	for _, c := range cs {
		if c.Severity != Widened || c.Kind != kNet {
			t.Fatalf("unexpected row %+v", c)
		}
	}
	all := Compare(base, head)
	if len(all) > 10*n {
		t.Fatalf("Compare over every target: %d rows for n=%d", len(all), n)
	}
}

// TestToolhiveProduct: a widening of the cross product is reported even when
// no declared host:port pair is new to a per-pair reading, and a product
// within the base is not.
func TestToolhiveProduct(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		base, head []string
		want       []string
	}{
		{"new port applies to every host",
			[]string{"net:connect:a.co:443"}, []string{"net:connect:a.co:443", "net:connect:b.co:80"},
			[]string{"widened net  -> host b.co, on every allowed port", "widened net  -> port 80, from every allowed host"}},
		{"port added, hosts unchanged",
			[]string{"net:connect:a.co:443", "net:connect:b.co:443"}, []string{"net:connect:a.co:443", "net:connect:b.co:8080"},
			[]string{"widened net  -> port 8080, from every allowed host"}},
		{"any port",
			[]string{"net:connect:a.co:443"}, []string{"net:connect:a.co"},
			[]string{"widened net  -> any port, from every allowed host"}},
		{"any port narrowed to one",
			[]string{"net:connect:a.co"}, []string{"net:connect:a.co:443"},
			[]string{"narrowed net any port, from every allowed host -> "}},
		{"subdomain under a dstdomain",
			[]string{"net:connect:.a.co:443"}, []string{"net:connect:x.a.co:443"},
			[]string{"narrowed net host .a.co, on every allowed port -> "}},
		{"from deny-all",
			nil, []string{"net:connect:a.co:443"},
			[]string{"widened net  -> host a.co, on every allowed port", "widened net  -> port 443, from every allowed host"}},
		{"to allow-all",
			[]string{"net:connect:a.co:443"}, []string{"net:connect:*"},
			[]string{"widened net  -> *:any port (private ranges allowed)"}},
		{"from allow-all",
			[]string{"net:connect:*"}, []string{"net:connect:a.co:443"},
			[]string{"narrowed net *:any port (private ranges allowed) -> "}},
		{"unchanged",
			[]string{"net:connect:a.co:443", "net:connect:b.co:80"}, []string{"net:connect:b.co:80", "net:connect:a.co:443"},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := rowStrings(toolhiveChanges(compileAll(t, tc.base...), compileAll(t, tc.head...)))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// BenchmarkToolhiveProduct compares a one-rule base with a head of n
// distinct host:port rules, as ToolHive reads them back.
func BenchmarkToolhiveProduct(b *testing.B) {
	for _, n := range []int{1000, 4000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			base, head := compileAll(b, "net:connect:h0.co:1"), compileAll(b, manyRules(n)...)
			b.ReportAllocs()
			for b.Loop() {
				toolhiveChanges(base, head)
			}
		})
	}
}
