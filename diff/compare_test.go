package diff

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/sandbox"
)

// The tests in this file hold the faster steps of compare to the code they
// replaced (kept here, as the oracle) on generated manifests.

// oldSources is sourcesOf as it was: every map built at once.
type oldSources struct {
	fs                     map[string]src
	net, hosts, ports, env map[string][]compiler.CapString
}

func oldSourcesOf(p *compiler.Policy, ex *compiler.Exposures) *oldSources {
	s := &oldSources{fs: map[string]src{}, net: map[string][]compiler.CapString{}, hosts: map[string][]compiler.CapString{}, ports: map[string][]compiler.CapString{}, env: map[string][]compiler.CapString{}}
	put := func(path string, x src) {
		if _, ok := s.fs[path]; !ok {
			s.fs[path] = x
		}
	}
	for _, m := range ex.FS {
		d := ""
		if m.Declared != m.Path && !strings.HasSuffix(m.Declared, "/") {
			d = "declared as " + m.Declared
		}
		put(cleanPath(m.Path), src{m.Srcs, d, cleanPath(m.Declared)})
	}
	for _, sk := range ex.IPC {
		if sk.Path != "" {
			put(cleanPath(sk.Path), src{sk.Grant.Srcs, "ipc endpoint " + sk.Grant.Name, cleanPath(sk.Path)})
		}
	}
	for _, f := range ex.Clock {
		put(f, src{p.ClockSrcs, "clock:tzdata", ""})
	}
	for _, n := range p.Net {
		k := netKey(n.Host, n.Port)
		if _, ok := s.net[k]; !ok {
			s.net[k] = n.Srcs
		}
		if h := sandbox.HostKey(n.Host); s.hosts[h] == nil {
			s.hosts[h] = n.Srcs
		}
		if pt := strconv.Itoa(n.Port); s.ports[pt] == nil {
			s.ports[pt] = n.Srcs
		}
	}
	for _, e := range p.Env {
		s.env[e.Name] = e.Srcs
	}
	if _, ok := s.env["DISPLAY"]; !ok {
		for _, g := range p.IPC {
			if g.Name == "x11" {
				s.env["DISPLAY"] = g.Srcs
			}
		}
	}
	return s
}

// capPool is what generated manifests declare: mounts of files and
// directories (twice, in two spellings), sockets, the clock, egress by
// name, case and address, variables, x11.
var capPool = []string{"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "fs:read:/srv/a/", "fs:read:/data/app.conf",
	"net:connect:api.example.com:443", "net:connect:API.example.com:443", "net:connect:*:443", "net:connect:10.0.0.5:5432",
	`net:connect:"2001:DB8:0::1":443`, "net:connect:.example.org:80", "exec:spawn:curl", "env:inject:TOKEN", "env:read:HOME",
	"env:inject:DISPLAY", `ipc:connect:"unix:/run/x.sock"`, "ipc:connect:x11", `ipc:connect:"dbus:session"`, "clock:tzdata",
	"fs:read:/var/run/docker.sock", "exec:spawn:chromium?nestedSandbox=true"}

// pickCaps draws a few of capPool.
func pickCaps(r *rand.Rand) []string {
	var caps []string
	for _, c := range capPool {
		if r.IntN(3) == 0 {
			caps = append(caps, c)
		}
	}
	return caps
}

// TestSourcesLazyAsBuilt: the lookups of sources, each map built on first
// use, answer as the maps built at once, for every key those hold and for
// keys they do not; and firstNet picks the same grant.
func TestSourcesLazyAsBuilt(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(21, 22))
	compiled := 0
	for i := range 300 {
		caps := pickCaps(r)
		for j := range (i % 3) * 6 { // more rules than net scans (smallNet)
			caps = append(caps, fmt.Sprintf("net:connect:h%d.example.com:%d", j%4, 440+j))
		}
		res, err := compiler.CompileTargets([]byte(manifestOf(caps)), compiler.AllTargets())
		if err != nil {
			continue // a pool draw the grammar refuses
		}
		compiled++
		ex := compiler.ExposuresOf(res.Policy)
		old, s := oldSourcesOf(res.Policy, &ex), sourcesOf(res.Policy, &ex)
		for k, want := range old.fs {
			if got := s.fs(k); !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: fs %s = %+v, want %+v", caps, k, got, want)
			}
		}
		for _, c := range []struct {
			m   map[string][]compiler.CapString
			get func(string) []compiler.CapString
		}{{old.hosts, s.host}, {old.ports, s.port}, {old.env, s.env}} {
			for k, want := range c.m {
				if got := c.get(k); !reflect.DeepEqual(got, want) {
					t.Fatalf("%q: %q = %+v, want %+v", caps, k, got, want)
				}
			}
			if got := c.get("absent\x00"); got != nil {
				t.Fatalf("%q: an absent key has %+v", caps, got)
			}
		}
		for _, n := range append(res.Policy.Net, compiler.NetGrant{Host: "absent.example", Port: 1}) {
			if got, want := s.net(n.Host, n.Port), old.net[netKey(n.Host, n.Port)]; !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: net %s:%d = %+v, want %+v", caps, n.Host, n.Port, got, want)
			}
		}
		if got := s.fs("/absent"); !reflect.DeepEqual(got, src{}) {
			t.Fatalf("%q: an absent path has %+v", caps, got)
		}
		hs := sourcesOf(res.Policy, &ex)
		var want []compiler.CapString
		for _, n := range old.net {
			if len(n) > 0 && (want == nil || n[0].Pos.Offset < want[0].Pos.Offset) {
				want = n
			}
		}
		if got := firstNet(hs); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: first net %+v, want %+v", caps, got, want)
		}
	}
	if compiled < 200 {
		t.Fatalf("only %d of 300 manifests compiled", compiled)
	}
}

// manifestOf is a manifest of one tool that declares caps.
func manifestOf(caps []string) string {
	q := make([]string, len(caps))
	for i, c := range caps {
		q[i] = strconv.Quote(c)
	}
	return `{"name": "t", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(q, ", ") + `]}]}`
}

// oldMerger is merger with every row in a map.
type oldMerger struct {
	idx     map[Change]int
	out     []Change
	targets [][]string
}

func (m *oldMerger) add(target string, c Change) {
	if m.idx == nil {
		m.idx = map[Change]int{}
	}
	if i, ok := m.idx[c]; ok {
		m.targets[i] = append(m.targets[i], target)
		return
	}
	m.idx[c] = len(m.out)
	m.out = append(m.out, c)
	m.targets = append(m.targets, []string{target})
}

// TestMergerAsMapped: rows found by a scan, then by a map once there are
// more than smallMerge, merge as the map always did: same rows, same
// order, same targets.
func TestMergerAsMapped(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(23, 24))
	targets := []string{"bwrap", "docker", "squid", "nftables"}
	for range 2000 {
		m, old := merger{n: len(targets)}, oldMerger{}
		n := r.IntN(3 * smallMerge)
		for range n {
			c := Change{Severity: []Severity{Widened, Narrowed}[r.IntN(2)], Kind: kFS, After: strconv.Itoa(r.IntN(2 * smallMerge)), Line: r.IntN(2)}
			tg := targets[r.IntN(len(targets))]
			m.add(tg, c)
			old.add(tg, c)
		}
		if !reflect.DeepEqual(m.out, old.out) || !reflect.DeepEqual(m.targets, old.targets) {
			t.Fatalf("%d adds: rows %+v %v, want %+v %v", n, m.out, m.targets, old.out, old.targets)
		}
	}
}

// TestDeclaredFSEqualNone: equal declarations, which compareDeclaredFS
// skips, are those its maps find nothing in, on generated lists of
// grants (repeated paths, any actions): the short cut never hides a row.
func TestDeclaredFSEqualNone(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(25, 26))
	draw := func() []compiler.FSGrant {
		gs := make([]compiler.FSGrant, r.IntN(5))
		for i := range gs {
			gs[i] = compiler.FSGrant{Path: []string{"/a", "/b", "/a/b"}[r.IntN(3)], Read: r.IntN(2) == 0, Write: r.IntN(2) == 0,
				Create: r.IntN(4) == 0, Delete: r.IntN(4) == 0}
		}
		return gs
	}
	for range 5000 {
		b := &compiler.Policy{FS: draw()}
		h := &compiler.Policy{FS: draw()}
		if r.IntN(2) == 0 {
			h.FS = slices.Clone(b.FS)
		}
		got := compareDeclaredFS(b, h)
		full := compareDeclaredFS(b, &compiler.Policy{FS: append(slices.Clone(h.FS), compiler.FSGrant{Path: "/zz"})})
		full = slices.DeleteFunc(full, func(c Change) bool { return strings.HasSuffix(c.After, " /zz") })
		if !reflect.DeepEqual(noRows(got), noRows(full)) {
			t.Fatalf("%+v → %+v: %+v, the maps say %+v", b.FS, h.FS, got, full)
		}
	}
}

// noRows is cs, nil when empty.
func noRows(cs []Change) []Change {
	if len(cs) == 0 {
		return nil
	}
	return cs
}

// TestSortChangesStable holds sortChanges to sort.SliceStable with the
// order it had (loud first, then by severity, the order kept within each)
// on generated lists of changes.
func TestSortChangesStable(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(25, 26))
	sevs := []Severity{Widened, UnenforceableAdded, Narrowed, Changed}
	for i := range 2000 {
		cs := make([]Change, rnd.IntN(40))
		for j := range cs {
			cs[j] = Change{Severity: sevs[rnd.IntN(len(sevs))], Loud: rnd.IntN(4) == 0, Why: strconv.Itoa(j)}
		}
		want := slices.Clone(cs)
		sort.SliceStable(want, func(i, j int) bool {
			if want[i].Loud != want[j].Loud {
				return want[i].Loud
			}
			return severityRank[want[i].Severity] < severityRank[want[j].Severity]
		})
		if sortChanges(cs); !slices.Equal(cs, want) {
			t.Fatalf("case %d: sortChanges gave\n%+v\nwant\n%+v", i, cs, want)
		}
	}
}
