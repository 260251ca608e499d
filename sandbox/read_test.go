package sandbox

import (
	"fmt"
	"slices"
	"strings"
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
	for _, c := range aspectValues(nil, s, AspectCap) {
		out = append(out, "cap "+c)
	}
	for _, l := range []struct {
		kind string
		vs   []string
	}{{"device", s.Devices}, {"namespace", s.HostNamespaces}, {"security-opt", s.Security}, {"isolation", s.Isolation}, {"argv", aspectValues(nil, s, AspectUnknown)}} {
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
// back as the mount of /srv/secret it is, and /srv/.. as the host root;
// under bwrap, whose destinations the kernel resolves through the
// sandbox's own links, a destination with ".." is an unknown part
// (judged widened) and no mount.
func TestReadBackCleansPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    string
		argv []string
		want []string // the whole read-back
	}{
		// Without --clearenv, bwrap passes the whole environment.
		{compiler.TargetBwrap, []string{"bwrap", "--bind", "/srv/ws/../secret", "/srv/secret", "--", "cmd"}, []string{"env *", "fs rw /srv/secret"}},
		{compiler.TargetBwrap, []string{"bwrap", "--ro-bind", "/srv/..", "/", "--", "cmd"}, []string{"env *", "fs ro /"}},
		{compiler.TargetBwrap, []string{"bwrap", "--bind", "/srv/secret", "/srv/ws/../secret", "--", "cmd"},
			[]string{"argv --bind /srv/secret /srv/ws/../secret" + upDestWhy, "env *"}},
		{compiler.TargetBwrap, []string{"bwrap", "--bind", "/srv", "srv", "--tmpfs", "", "--", "cmd"}, []string{"env *", "fs rw /srv", "tmpfs /"}},
		// Without --network, docker attaches its default bridge.
		{compiler.TargetDocker, []string{"--rm", "--volume", "/srv/ws/../secret:/srv/ws/../secret:rw"}, []string{"fs rw /srv/secret", "network default bridge"}},
	} {
		if got := show(FromArtifact(&compiler.Artifact{Target: tc.r, Argv: tc.argv})); !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: read back %q, want %q", tc.r, tc.argv, got, tc.want)
		}
	}
}

// TestReadBackUnknown: what a reader does not recognise is a grant of its
// own, so that a change to it is reported; the rest of each whole
// read-back is what the reader assumes of an option left out.
func TestReadBackUnknown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    string
		a    compiler.Artifact
		want []string // the whole read-back
	}{
		{compiler.TargetBwrap, compiler.Artifact{Argv: []string{"--bind-fd", "3", "/x"}}, []string{"argv --bind-fd 3 /x", "env *"}},
		{compiler.TargetBwrap, compiler.Artifact{Argv: []string{"--bind", "/x"}}, []string{"argv --bind /x", "env *"}},
		{compiler.TargetBwrap, compiler.Artifact{Argv: []string{"--share-net"}}, []string{"env *", "network host"}},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"--volume", "data:/data"}}, []string{"argv --volume data:/data", "network default bridge"}},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"-v=/srv:/srv"}}, []string{"fs rw /srv", "network default bridge"}},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"--mount", "type=bind,source=/srv/../etc,target=/x,readonly"}}, []string{"fs ro /etc", "network default bridge"}},
		{compiler.TargetDocker, compiler.Artifact{Argv: []string{"--pid", "host"}}, []string{"namespace pid=host", "network default bridge"}},
		{compiler.TargetSquid, compiler.Artifact{Config: "http_access allow all\nhttp_access deny all"}, []string{"argv http_access allow all"}},
		{compiler.TargetSquid, compiler.Artifact{Config: "acl d dstdomain .example.com\nhttp_access allow d"}, []string{"argv no final http_access deny all: squid then allows what no rule denies", "net .example.com:any port (private ranges allowed)"}},
		{compiler.TargetSquid, compiler.Artifact{Config: "include /etc/squid/more.conf\nhttp_access deny all"}, []string{"argv include /etc/squid/more.conf"}},
		{compiler.TargetNftables, compiler.Artifact{Config: "table inet capgate {\n  chain egress {\n    type filter hook output priority 0; policy accept;\n  }\n}"}, []string{"argv no policy drop: the chain lets through what no rule drops", "argv type filter hook output priority 0; policy accept;"}},
		{compiler.TargetNftables, compiler.Artifact{Config: "type filter hook output priority 0; policy drop;\nip daddr 0.0.0.0/0 accept"}, []string{"net 0.0.0.0/0:any port (private ranges allowed)"}},
		{compiler.TargetNftables, compiler.Artifact{Config: "type filter hook output priority 0; policy drop;\nmeta l4proto udp accept"}, []string{"argv meta l4proto udp accept"}},
	} {
		tc.a.Target = tc.r
		if got := show(FromArtifact(&tc.a)); !slices.Equal(got, tc.want) {
			t.Errorf("%s %+v: read back %q, want %q", tc.r, tc.a, got, tc.want)
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

// TestSquidACLUnseenValues: values squid gives an allow rule that the
// config's lines up to the rule do not show are Unknown, not a rule that
// lets less through: an acl line after the rule that names it (squid
// applies every line of an acl, wherever it stands), and a quoted file the
// values are read from.
func TestSquidACLUnseenValues(t *testing.T) {
	t.Parallel()
	const tail = "acl p port 443\nhttp_access allow a p\n"
	for _, tc := range []struct{ name, conf string }{
		{"extended after its use", "acl a dstdomain x.com\n" + tail + "acl a dstdomain .evil.com\nhttp_access deny all\n"},
		{"a file of values", "acl a dstdomain \"/etc/squid/allowed\"\n" + tail + "http_access deny all\n"},
		{"a file beside a value", "acl a dstdomain x.com \"/etc/squid/allowed\"\n" + tail + "http_access deny all\n"},
	} {
		s := ReadSquid([]byte(tc.conf))
		if len(s.Unknown) == 0 {
			t.Errorf("%s: nothing Unknown, allowed %+v", tc.name, s.Network.Allow)
		}
	}
	// Lines of an acl before its use are its values, as before.
	s := ReadSquid([]byte("acl a dstdomain x.com\nacl a dstdomain y.com\n" + tail + "http_access deny all\n"))
	if len(s.Unknown) != 0 || len(s.Network.Allow) != 2 {
		t.Errorf("two lines before the rule: allowed %+v, unknown %+v", s.Network.Allow, s.Unknown)
	}
}

// TestNftablesPartialDrop: a drop of the private ranges that matches more
// than the addresses (one port of them) does not block them: the accept
// after it is not BlockPrivate, and the drop is a line not recognised.
// The set alone, closed right before drop, does.
func TestNftablesPartialDrop(t *testing.T) {
	t.Parallel()
	v4, v6 := compiler.PrivateRanges()
	table := func(more string) string {
		return "table inet t {\n chain o {\n  type filter hook output priority 0; policy drop;\n" +
			"  ip daddr { " + strings.Join(v4, ", ") + " }" + more + " drop\n" +
			"  ip6 daddr { " + strings.Join(v6, ", ") + " }" + more + " drop\n" +
			"  ip daddr 0.0.0.0/0 accept\n }\n}\n"
	}
	for _, tc := range []struct {
		more    string
		blocked bool
	}{{"", true}, {" tcp dport 80", false}, {" } {", false}} {
		s := ReadNftables([]byte(table(tc.more)))
		if len(s.Network.Allow) != 1 || s.Network.Allow[0].BlockPrivate != tc.blocked {
			t.Errorf("%q: allowed %+v, want BlockPrivate %t", tc.more, s.Network.Allow, tc.blocked)
		}
		if got := len(s.Unknown) > 0; got == tc.blocked {
			t.Errorf("%q: unknown %+v", tc.more, s.Unknown)
		}
	}
}
