// Package toolhivecheck loads the toolhive target's permission profiles
// with ToolHive's own types: the strict JSON decode of permissions.Profile
// and MountDeclaration.Parse for every mount (toolhive-core v0.0.59, the
// package thv v0.66.0 reads --permission-profile files with). It is a
// module of its own, so the product's go.mod stays as it is; it needs Go
// 1.27 (GOTOOLCHAIN=go1.27.3), as toolhive-core does.
package toolhivecheck

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/stacklok/toolhive-core/permissions"
)

// probe holds what a profile cannot all hold as declared: a file grant,
// narrow patterns, several hosts on different ports, a wildcard, IPv6,
// loopback, credential paths and characters thv's parser refuses.
const probe = `{"name":"probe","version":"1","tools":[{"name":"t","capabilities":[
"fs:read:/srv/cfg/app.json","fs:read:/data/src/**/*.go","fs:read:/data/*/x.txt","fs:write:/tmp/w/**",
"fs:read:/home/u/.ssh/config","fs:read:/srv/a$b","fs:read:/d*/y","clock:tzdata",
"ipc:connect:x11","ipc:connect:\"dbus:session\"","ipc:connect:\"unix:/run/app.sock\"",
"net:connect:a.example.com:443","net:connect:b.example.com:8443","net:connect:*.cdn.example.com:443",
"net:connect:\"2001:db8::1\":443","net:connect:localhost:8080","net:connect:127.0.0.1:9000","net:connect:*:8080",
"env:inject:TOKEN","exec:spawn:git"]}]}`

// manifests are every bundled example, the DVMCP conformance manifests
// and the probe.
func manifests(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{"probe": []byte(probe)}
	for _, pat := range []string{"../../examples/*/servers/*/*.json", "../../testdata/conformance/capgate-0.0.4/manifests/*.json"} {
		files, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[f] = b
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d manifests", len(out))
	}
	return out
}

// TestProfilesLoad: every emitted profile decodes strictly into
// permissions.Profile (no field ToolHive does not know, each of its type),
// the same as thv's own permissions.FromFile reads it, with the network
// outbound block explicit; every mount parses with MountDeclaration.Parse
// to itself as both host and container path, absolute.
func TestProfilesLoad(t *testing.T) {
	t.Parallel()
	n := 0
	for name, src := range manifests(t) {
		r, err := compiler.Prepare(src)
		if err != nil && name == "probe" {
			t.Fatal(err)
		}
		if err != nil {
			continue // a manifest the examples keep broken on purpose
		}
		a, err := compiler.Lower(r, compiler.TargetToolhive, compiler.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n++
		if strict, ok := profileLoads(t, name, a); ok {
			profileHoldsAsDeclared(t, name, a.Config, strict)
		}
	}
	if n < 10 {
		t.Fatalf("loaded only %d profiles", n)
	}
}

// profileLoads decodes a's profile strictly and as thv's FromFile does;
// ok is false when the strict decode fails.
func profileLoads(t *testing.T, name string, a *compiler.Artifact) (strict permissions.Profile, ok bool) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader([]byte(a.Config)))
	d.DisallowUnknownFields()
	if err := d.Decode(&strict); err != nil {
		t.Errorf("%s: strict decode: %v\n%s", name, err, a.Config)
		return strict, false
	}
	file := filepath.Join(t.TempDir(), a.Filename)
	if err := os.WriteFile(file, []byte(a.Config), 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := permissions.FromFile(file)
	if err != nil || !reflect.DeepEqual(*loaded, strict) {
		t.Errorf("%s: FromFile %v, %+v; strict %+v", name, err, loaded, strict)
	}
	return strict, true
}

// profileHoldsAsDeclared: the outbound block is explicit with no host
// ToolHive's proxy would not hold as declared, and every mount parses to
// itself, absolute, with no pattern.
func profileHoldsAsDeclared(t *testing.T, name, config string, strict permissions.Profile) {
	t.Helper()
	if strict.Network == nil || strict.Network.Outbound == nil {
		t.Errorf("%s: no network.outbound (ToolHive would fall back to a default): %s", name, config)
	} else {
		for _, h := range strict.Network.Outbound.AllowHost {
			if strings.ContainsAny(h, "*:[]") || h == "localhost" || strings.HasPrefix(h, "127.") {
				t.Errorf("%s: allow_host %q is not held as declared by ToolHive's proxy", name, h)
			}
		}
	}
	for _, m := range append(append([]permissions.MountDeclaration{}, strict.Read...), strict.Write...) {
		src, dst, err := m.Parse()
		if err != nil || src != string(m) || dst != string(m) || !strings.HasPrefix(src, "/") || strings.ContainsAny(src, "*?[]") {
			t.Errorf("%s: mount %q parses to %q → %q, %v", name, m, src, dst, err)
		}
	}
}

// TestProbeProfile pins what the probe's profile holds: the file itself,
// each pattern's directory, nothing with ':' or '$', and only the hosts
// and ports ToolHive's proxy honours.
func TestProbeProfile(t *testing.T) {
	t.Parallel()
	r, err := compiler.Prepare([]byte(probe))
	if err != nil {
		t.Fatal(err)
	}
	a, err := compiler.Lower(r, compiler.TargetToolhive, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var p permissions.Profile
	if err := json.Unmarshal([]byte(a.Config), &p); err != nil {
		t.Fatal(err)
	}
	mounts := func(ms []permissions.MountDeclaration) string {
		var s []string
		for _, m := range ms {
			s = append(s, string(m))
		}
		return strings.Join(s, " ")
	}
	if got, want := mounts(p.Read), "/data /data/src /home/u/.ssh/config /srv/cfg/app.json /usr/share/zoneinfo /etc/localtime /tmp/.X11-unix"; got != want {
		t.Errorf("read %q, want %q", got, want)
	}
	if got, want := mounts(p.Write), "/tmp/w /run/app.sock"; got != want {
		t.Errorf("write %q, want %q", got, want)
	}
	o := p.Network.Outbound
	if got := strings.Join(o.AllowHost, " "); got != "a.example.com b.example.com" || !reflect.DeepEqual(o.AllowPort, []int{443, 8080, 8443}) || o.InsecureAllowAll {
		t.Errorf("outbound %+v", o)
	}
}
