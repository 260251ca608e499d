package diff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

func show(items []item) []string {
	var out []string
	for _, it := range items {
		switch it.kind {
		case kNet:
			out = append(out, "net "+RuleString(it.rule))
		case kFS:
			out = append(out, fmt.Sprintf("fs %s %s", mode(it.write), it.key))
		default:
			out = append(out, it.kind+" "+it.key)
		}
	}
	slices.Sort(out)
	return out
}

// TestReadBackCompiled reads back what the compiler emits for one manifest
// in every target.
func TestReadBackCompiled(t *testing.T) {
	t.Parallel()
	r := compile(t, "fs:read,write:/srv/secret", "fs:read:/data/app.conf", `ipc:connect:"unix:/run/app.sock"`,
		"net:connect:api.example.com:443", "net:connect:10.0.0.5:5432", "env:inject:TOKEN")
	for _, tc := range []struct {
		r    reader
		want []string // grants beyond the fixed ones each target always emits
	}{
		{bwrapReader{}, []string{"fs ro /data", "fs rw /run/app.sock", "fs rw /srv/secret", "env TOKEN",
			"net api.example.com:443", "net 10.0.0.5:5432 (private ranges allowed)"}},
		{dockerReader{}, []string{"fs ro /data", "fs rw /run/app.sock", "fs rw /srv/secret", "env TOKEN",
			"net api.example.com:443", "net 10.0.0.5:5432 (private ranges allowed)", "network default bridge"}},
		{squidReader{}, []string{"net api.example.com:443", "net 10.0.0.5:5432"}},
		{nftablesReader{}, []string{"net 10.0.0.5:5432"}},
	} {
		got := show(tc.r.boundary(r.Artifacts.Get(tc.r.target())))
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no %q in %q", tc.r.target(), w, got)
			}
		}
		for _, g := range got {
			if strings.HasPrefix(g, kRaw) {
				t.Errorf("%s: the compiler's own output has an unrecognised part: %q", tc.r.target(), g)
			}
		}
	}
}

// TestReadBackCleansPaths: the compiler refuses dot segments, but the
// readers do not rely on that: an emitted bind of /srv/ws/../secret is read
// back as the mount of /srv/secret it is, and /srv/.. as the host root.
func TestReadBackCleansPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    reader
		argv []string
		want string
	}{
		{bwrapReader{}, []string{"bwrap", "--bind", "/srv/ws/../secret", "/srv/ws/../secret", "--", "cmd"}, "fs rw /srv/secret"},
		{bwrapReader{}, []string{"bwrap", "--ro-bind", "/srv/..", "/srv/..", "--", "cmd"}, "fs ro /"},
		{dockerReader{}, []string{"--rm", "--volume", "/srv/ws/../secret:/srv/ws/../secret:rw"}, "fs rw /srv/secret"},
	} {
		got := show(tc.r.boundary(&compiler.Artifact{Target: tc.r.target(), Argv: tc.argv}))
		if !slices.Contains(got, tc.want) {
			t.Errorf("%s %q: no %q in %q", tc.r.target(), tc.argv, tc.want, got)
		}
	}
}

// TestReadBackUnknown: what a reader does not recognise is a grant of its
// own, so that a change to it is reported.
func TestReadBackUnknown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    reader
		a    compiler.Artifact
		want string
	}{
		{bwrapReader{}, compiler.Artifact{Argv: []string{"--bind-fd", "3", "/x"}}, "argv --bind-fd 3 /x"},
		{bwrapReader{}, compiler.Artifact{Argv: []string{"--bind", "/x"}}, "argv --bind /x"},
		{bwrapReader{}, compiler.Artifact{Argv: []string{"--share-net"}}, "network host"},
		{dockerReader{}, compiler.Artifact{Argv: []string{"--volume", "data:/data"}}, "argv --volume data:/data"},
		{dockerReader{}, compiler.Artifact{Argv: []string{"-v=/srv:/srv"}}, "fs rw /srv"},
		{dockerReader{}, compiler.Artifact{Argv: []string{"--mount", "type=bind,source=/srv/../etc,target=/x,readonly"}}, "fs ro /etc"},
		{dockerReader{}, compiler.Artifact{Argv: []string{"--pid", "host"}}, "namespace pid=host"},
		{squidReader{}, compiler.Artifact{Config: "http_access allow all\nhttp_access deny all"}, "argv http_access allow all"},
		{squidReader{}, compiler.Artifact{Config: "acl d dstdomain .example.com\nhttp_access allow d"}, "argv no final http_access deny all: squid then allows what no rule denies"},
		{squidReader{}, compiler.Artifact{Config: "include /etc/squid/more.conf\nhttp_access deny all"}, "argv include /etc/squid/more.conf"},
		{nftablesReader{}, compiler.Artifact{Config: "table inet capgate {\n  chain egress {\n    type filter hook output priority 0; policy accept;\n  }\n}"}, "argv type filter hook output priority 0; policy accept;"},
		{nftablesReader{}, compiler.Artifact{Config: "type filter hook output priority 0; policy drop;\nip daddr 0.0.0.0/0 accept"}, "net 0.0.0.0/0:any port (private ranges allowed)"},
		{nftablesReader{}, compiler.Artifact{Config: "type filter hook output priority 0; policy drop;\nmeta l4proto udp accept"}, "argv meta l4proto udp accept"},
	} {
		if got := show(tc.r.boundary(&tc.a)); !slices.Contains(got, tc.want) {
			t.Errorf("%s %+v: no %q in %q", tc.r.target(), tc.a, tc.want, got)
		}
	}
}

// TestSquidSubdomainCovers: a squid ".example.com" rule covers the domain
// and its subdomains, and nothing else.
func TestSquidSubdomainCovers(t *testing.T) {
	t.Parallel()
	x := indexRules([]compiler.EgressRule{{Host: ".example.com", Port: 443, BlockPrivate: true}})
	for h, want := range map[string]bool{"example.com": true, "a.b.example.com": true, "example.org": false, "badexample.com": false} {
		if got := x.covers(compiler.EgressRule{Host: h, Port: 443, BlockPrivate: true}); got != want {
			t.Errorf("covers %s = %v, want %v", h, got, want)
		}
	}
}
