package diff

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

func manifest19(caps ...string) []byte {
	return []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":["` + strings.Join(caps, `","`) + `"]}]}`)
}

// compareTargets compiles base and head to targets and compares them.
func compareTargets(t *testing.T, base, head []byte, targets ...string) []Change {
	t.Helper()
	b, err := compiler.CompileTargets(base, targets)
	if err != nil {
		t.Fatal(err)
	}
	h, err := compiler.CompileTargets(head, targets)
	if err != nil {
		t.Fatal(err)
	}
	return Compare(b, h)
}

func widenedNet(cs []Change) []Change {
	var out []Change
	for _, c := range cs {
		if c.Severity == Widened && c.Kind == kNet {
			out = append(out, c)
		}
	}
	return out
}

// TestSquidAllIsAHost: "dstdomain all" is the host named all (squid
// refuses evil.com under it), and "dst 0.0.0.0/0" is the range, not "*":
// a head that reaches another host is widened under squid.
func TestSquidAllIsAHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, head string }{
		{"net:connect:all:443", "net:connect:evil.com:443"},
		{"net:connect:0.0.0.0/0:443", "net:connect:evil.com:443"},
		{"net:connect:all:443", "net:connect:*:443"},
	} {
		cs := widenedNet(compareTargets(t, manifest19(tc.base), manifest19(tc.head), compiler.TargetSquid))
		if len(cs) != 1 {
			t.Errorf("%s -> %s under squid: widened %+v, want one", tc.base, tc.head, cs)
		}
	}
	// The wildcard itself still covers every host.
	if cs := widenedNet(compareTargets(t, manifest19("net:connect:*:443"), manifest19("net:connect:evil.com:443"), compiler.TargetSquid)); len(cs) != 0 {
		t.Errorf("*:443 -> evil.com:443 under squid: widened %+v", cs)
	}
}

// TestIPv6Canonical: the same IPv6 address spelled two ways is the same
// destination in every target; a different address is not.
func TestIPv6Canonical(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		base, head string
		widened    bool
	}{
		{`net:connect:\"2001:db8::1\":443`, `net:connect:\"2001:db8:0:0:0:0:0:1\":443`, false},
		{`net:connect:\"2001:DB8::1\":443`, `net:connect:\"2001:db8:0::1\":443`, false},
		{`net:connect:\"2001:db8::1\":443`, `net:connect:\"2001:db8::2\":443`, true},
		{`net:connect:\"::ffff:10.0.0.1\":443`, `net:connect:10.0.0.1:443`, true},
	} {
		cs := widenedNet(CompareManifests(manifest19(tc.base), manifest19(tc.head)))
		if (len(cs) > 0) != tc.widened {
			t.Errorf("%s -> %s: widened %+v, want widened=%v", tc.base, tc.head, cs, tc.widened)
		}
	}
}

// TestEnvMaskedUnderBwrap: injecting PATH or HOME, which the bwrap argv
// sets itself, is widened for bwrap and docker, with a note on what bwrap
// does with it; an ordinary name has no note.
func TestEnvMaskedUnderBwrap(t *testing.T) {
	t.Parallel()
	cs := CompareManifests(manifest19("env:inject:FOO"), manifest19("env:inject:FOO", "env:inject:PATH", "env:inject:HOME", "env:inject:BAR"))
	got := map[string]Change{}
	for _, c := range cs {
		if c.Kind == kEnv && c.Severity == Widened {
			got[c.After] = c
		}
	}
	for name, val := range map[string]string{"PATH": "/usr/local/sbin:", "HOME": "/tmp"} {
		c, ok := got[name]
		if !ok {
			t.Fatalf("no widened env %s in %+v", name, cs)
		}
		if c.Target != "bwrap,docker" || !strings.Contains(c.Why, "under bwrap the emitted argv sets "+name+"="+val) || !strings.Contains(c.Why, "--clearenv drops it") {
			t.Errorf("env %s: target %q, why %q", name, c.Target, c.Why)
		}
	}
	if c := got["BAR"]; c.Target != "bwrap,docker" || strings.Contains(c.Why, "under bwrap") {
		t.Errorf("env BAR: target %q, why %q", c.Target, c.Why)
	}
	// Injected on both sides: nothing to report.
	for _, c := range CompareManifests(manifest19("env:inject:PATH"), manifest19("env:inject:PATH", "fs:read:/srv")) {
		if c.Kind == kEnv {
			t.Errorf("PATH injected on both sides: %+v", c)
		}
	}
}

// TestCoversDomainTree: ".d" rules cover d and every name below it, label
// by label, including empty labels and a trailing dot, and nothing that
// merely ends in the same characters.
func TestCoversDomainTree(t *testing.T) {
	t.Parallel()
	x := indexRules([]compiler.EgressRule{
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
		if got := x.covers(compiler.EgressRule{Host: tc.host, Port: tc.port, BlockPrivate: true}); got != tc.want {
			t.Errorf("covers %q:%d = %v, want %v", tc.host, tc.port, got, tc.want)
		}
	}
	// A private-blocking ".d" does not cover a rule reaching private ranges.
	if x.covers(compiler.EgressRule{Host: "a.example.com", Port: 443}) {
		t.Error("a blocking rule covers a non-blocking one")
	}
}

// naiveCovers is the suffix walk covers replaced: "." + each suffix, looked
// up as a string. TestCoversMatchesNaive holds the tree to it.
func naiveCovers(x ruleIndex, r compiler.EgressRule) bool {
	need := level(!r.BlockPrivate)
	ok := func(k string) bool {
		h := x.hosts[k]
		return h != nil && (h.any >= need || (r.Port != 0 && h.ports[r.Port] >= need))
	}
	host := hostKey(r.Host)
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
		var rs []compiler.EgressRule
		for j := i; j < len(names) && j < i+3; j++ {
			rs = append(rs, compiler.EgressRule{Host: names[j], Port: j % 2, BlockPrivate: j%3 == 0})
		}
		x := indexRules(rs)
		for _, h := range names {
			r := compiler.EgressRule{Host: h, Port: 1, BlockPrivate: true}
			if got, want := x.covers(r), naiveCovers(x, r); got != want {
				t.Fatalf("rules from %q: covers %q = %v, the string walk says %v", rn, h, got, want)
			}
		}
	}
}

// TestLoudSessionAndCredentials: k3s's and MicroK8s's containerd, the
// user's session bus and systemd manager, and the host's credentials are
// loud widened changes with the reason a reviewer reads; CA certificates
// and an ordinary /var/lib directory stay quiet.
func TestLoudSessionAndCredentials(t *testing.T) {
	t.Parallel()
	const engine, session, creds = "container-engine socket", "runs commands outside the sandbox", "holds host credentials"
	for _, tc := range []struct{ cap, why string }{
		{"fs:read:/run/k3s/containerd/**", engine},
		{`ipc:connect:"unix:/run/k3s/containerd/containerd.sock"`, "CONTAINER ENGINE SOCKET (containerd)"},
		{"fs:read:/var/snap/microk8s/common/run/**", engine},
		{"fs:read:/var/snap/microk8s/common/", engine},
		{`ipc:connect:"dbus:session"`, "the user's session bus"},
		{`ipc:connect:"unix:/run/user/1000/bus"`, session},
		{`ipc:connect:"unix:/run/user/1000/systemd/private"`, session},
		{"fs:read:/run/user/1000/systemd/**", session},
		{"fs:read:/var/run/secrets/kubernetes.io/serviceaccount/**", creds},
		{"fs:read:/run/secrets/kubernetes.io/serviceaccount/token", creds},
		{"fs:read:/run/secrets/**", creds},
		{"fs:read:/etc/ssl/private/**", creds},
		{"fs:read:/etc/ssl/private/host.key", creds},
		{"fs:read:/etc/ssl/**", creds},
		{"fs:read:/var/lib/kubelet/pods/**", creds},
		{"fs:read:/var/lib/cloud/instance/**", creds},
		{"fs:read:/var/lib/kubelet/", creds},
		{"fs:read:/run/credentials/app.service/**", creds},
		{"fs:read:/var/run/credentials/**", creds},
	} {
		cs := Compare(compile(t), compile(t, tc.cap))
		if len(cs) == 0 || !cs[0].Loud || cs[0].Severity != Widened || !strings.HasPrefix(cs[0].Why, "HOST CONTROL: ") || !strings.Contains(cs[0].Why, tc.why) {
			t.Errorf("%s: want a loud widened change saying %q first, got %+v", tc.cap, tc.why, cs)
		}
	}
	for _, c := range []string{"fs:read:/etc/ssl/certs/**", "fs:read:/etc/ca-certificates/**", "fs:read:/var/lib/app/**", "fs:read:/run/app/**", "ipc:connect:x11"} {
		for _, ch := range Compare(compile(t), compile(t, c)) {
			if ch.Loud {
				t.Errorf("%s: loud %+v", c, ch)
			}
		}
	}
}
