package sandbox

import (
	"fmt"
	"slices"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// show lists what s grants, one line each ("fs rw /srv", "env TOKEN",
// "net host:443", "argv …"), sorted.
func show(s *Sandbox) []string {
	var out []string
	for _, m := range s.Mounts {
		if m.Type == Bind {
			out = append(out, fmt.Sprintf("fs %s %s", m.access(), m.Source))
		} else {
			out = append(out, m.Type.String()+" "+m.Dest)
		}
	}
	for _, e := range s.Env {
		out = append(out, "env "+e.Name)
	}
	for _, r := range s.Network.Allow {
		out = append(out, "net "+RuleString(r))
	}
	if s.Network.Name != "" {
		out = append(out, "network "+s.Network.Name)
	}
	for _, c := range caps(s, nil) {
		out = append(out, "cap "+c)
	}
	for _, l := range []struct {
		kind string
		vs   []string
	}{{"device", s.Devices}, {"namespace", s.HostNamespaces}, {"security-opt", s.Security}, {"isolation", s.Isolation}, {"argv", unknownTexts(s, nil)}} {
		for _, v := range l.vs {
			out = append(out, l.kind+" "+v)
		}
	}
	slices.Sort(out)
	return out
}

// TestReadBackCompiled reads back what the compiler emits for one manifest
// in every target and holds it to the whole boundary: the declared grants,
// the isolation and system mounts each target always emits, and nothing
// else (an extra grant, a grant read twice or a lost isolation flag fails
// it).
func TestReadBackCompiled(t *testing.T) {
	t.Parallel()
	r := compile(t, "fs:read,write:/srv/secret", "fs:read:/data/app.conf", `ipc:connect:"unix:/run/app.sock"`,
		"net:connect:api.example.com:443", "net:connect:10.0.0.5:5432", "env:inject:TOKEN")
	declared := []string{"fs ro /data", "fs rw /run/app.sock", "fs rw /srv/secret", "env TOKEN",
		"net api.example.com:443", "net 10.0.0.5:5432 (private ranges allowed)"}
	for _, tc := range []struct {
		r    string
		want []string // the whole boundary read back, in any order
	}{
		{compiler.TargetBwrap, append([]string{
			// the system, read-only; a private /proc and /tmp
			"fs ro /bin", "fs ro /etc/ca-certificates", "fs ro /etc/ssl", "fs ro /lib", "fs ro /lib64", "fs ro /sbin", "fs ro /usr",
			"proc /proc", "tmpfs /tmp",
			// a clean environment but HOME and PATH
			"env HOME", "env PATH",
			"isolation --clearenv", "isolation --die-with-parent", "isolation --new-session", "isolation --unshare-cgroup",
			"isolation --unshare-ipc", "isolation --unshare-net", "isolation --unshare-pid", "isolation --unshare-user", "isolation --unshare-uts",
		}, declared...)},
		{compiler.TargetDocker, append([]string{
			"isolation --cap-drop ALL", "isolation --read-only", "isolation --security-opt no-new-privileges", "tmpfs /tmp",
			// egress is declared: no --network none, the host attaches one
			"network default bridge",
		}, declared...)},
		{compiler.TargetSquid, []string{"net api.example.com:443", "net 10.0.0.5:5432"}},
		{compiler.TargetNftables, []string{"net 10.0.0.5:5432"}},
	} {
		got := show(FromArtifact(r.Artifacts.Get(tc.r)))
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no %q in %q", tc.r, w, got)
			}
		}
		for _, g := range got {
			if !slices.Contains(tc.want, g) {
				t.Errorf("%s: %q is beyond the boundary (the whole read-back: %q)", tc.r, g, got)
			}
		}
		// Each grant once: a row read back twice (docker's --env NAME and
		// the artifact's env injections) is one grant.
		if want := slices.Sorted(slices.Values(tc.want)); !slices.Equal(got, want) {
			t.Errorf("%s: read back %q, want each of %q once", tc.r, got, want)
		}
	}
}

// TestReadBackCleansPaths: the compiler refuses dot segments, but the
// readers do not rely on that: an emitted bind of /srv/ws/../secret is read
// back as the mount of /srv/secret it is, and /srv/.. as the host root.
func TestReadBackCleansPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    string
		argv []string
		want string
	}{
		{compiler.TargetBwrap, []string{"bwrap", "--bind", "/srv/ws/../secret", "/srv/ws/../secret", "--", "cmd"}, "fs rw /srv/secret"},
		{compiler.TargetBwrap, []string{"bwrap", "--ro-bind", "/srv/..", "/srv/..", "--", "cmd"}, "fs ro /"},
		{compiler.TargetDocker, []string{"--rm", "--volume", "/srv/ws/../secret:/srv/ws/../secret:rw"}, "fs rw /srv/secret"},
	} {
		got := show(FromArtifact(&compiler.Artifact{Target: tc.r, Argv: tc.argv}))
		if !slices.Contains(got, tc.want) {
			t.Errorf("%s %q: no %q in %q", tc.r, tc.argv, tc.want, got)
		}
	}
}

// TestReadBackUnknown: what a reader does not recognise is a grant of its
// own, so that a change to it is reported.
func TestReadBackUnknown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    string
		a    compiler.Artifact
		want string
	}{
		{compiler.TargetBwrap, compiler.Artifact{Argv: []string{"--bind-fd", "3", "/x"}}, "argv --bind-fd 3 /x"},
		{compiler.TargetBwrap, compiler.Artifact{Argv: []string{"--bind", "/x"}}, "argv --bind /x"},
		{compiler.TargetBwrap, compiler.Artifact{Argv: []string{"--share-net"}}, "network host"},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"--volume", "data:/data"}}, "argv --volume data:/data"},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"-v=/srv:/srv"}}, "fs rw /srv"},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"--mount", "type=bind,source=/srv/../etc,target=/x,readonly"}}, "fs ro /etc"},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"--pid", "host"}}, "namespace pid=host"},
		{compiler.TargetSquid, compiler.Artifact{Config: "http_access allow all\nhttp_access deny all"}, "argv http_access allow all"},
		{compiler.TargetSquid, compiler.Artifact{Config: "acl d dstdomain .example.com\nhttp_access allow d"}, "argv no final http_access deny all: squid then allows what no rule denies"},
		{compiler.TargetSquid, compiler.Artifact{Config: "include /etc/squid/more.conf\nhttp_access deny all"}, "argv include /etc/squid/more.conf"},
		{compiler.TargetNftables, compiler.Artifact{Config: "table inet capgate {\n  chain egress {\n    type filter hook output priority 0; policy accept;\n  }\n}"}, "argv type filter hook output priority 0; policy accept;"},
		{compiler.TargetNftables, compiler.Artifact{Config: "type filter hook output priority 0; policy drop;\nip daddr 0.0.0.0/0 accept"}, "net 0.0.0.0/0:any port (private ranges allowed)"},
		{compiler.TargetNftables, compiler.Artifact{Config: "type filter hook output priority 0; policy drop;\nmeta l4proto udp accept"}, "argv meta l4proto udp accept"},
	} {
		tc.a.Target = tc.r
		if got := show(FromArtifact(&tc.a)); !slices.Contains(got, tc.want) {
			t.Errorf("%s %+v: no %q in %q", tc.r, tc.a, tc.want, got)
		}
	}
}

// TestSquidSubdomainCovers: a squid ".example.com" rule covers the domain
// and its subdomains, and nothing else.
func TestSquidSubdomainCovers(t *testing.T) {
	t.Parallel()
	x := IndexRules([]Rule{{Host: ".example.com", Port: 443, BlockPrivate: true}})
	for h, want := range map[string]bool{"example.com": true, "a.b.example.com": true, "example.org": false, "badexample.com": false} {
		if got := x.Covers(Rule{Host: h, Port: 443, BlockPrivate: true}); got != want {
			t.Errorf("covers %s = %v, want %v", h, got, want)
		}
	}
}
