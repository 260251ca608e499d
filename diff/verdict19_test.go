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
		{"ipc:connect:x11", session},
		{"fs:read:/var/run/secrets/kubernetes.io/serviceaccount/**", creds},
		{"fs:read:/run/secrets/kubernetes.io/serviceaccount/token", creds},
		{"fs:read:/run/secrets/**", creds},
		{"fs:read:/var/run/secrets/eks.amazonaws.com/serviceaccount/token", creds},
		{"fs:read:/run/secrets/db_password", creds},
		{"fs:read:/var/lib/rancher/k3s/server/token", creds},
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
	for _, c := range []string{"fs:read:/etc/ssl/certs/**", "fs:read:/etc/ca-certificates/**", "fs:read:/var/lib/app/**", "fs:read:/run/app/**"} {
		for _, ch := range Compare(compile(t), compile(t, c)) {
			if ch.Loud {
				t.Errorf("%s: loud %+v", c, ch)
			}
		}
	}
}
