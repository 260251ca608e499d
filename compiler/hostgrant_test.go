package compiler

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// probeCaps holds what the host formats cannot all hold as declared: a
// file grant, narrow patterns, several hosts on different ports, a
// wildcard, IPv6, loopback, an IP literal off 80/443 and credential paths.
var probeCaps = []string{
	"fs:read:/srv/cfg/app.json", "fs:read:/data/src/**/*.go", "fs:read:/data/*/x.txt", "fs:write:/tmp/w/**",
	"fs:read:/tmp/home/.ssh/config", "fs:read:/tmp/k/id_rsa", "fs:read:/var/lib/containerd/x", "fs:read:/Library/Keychains",
	"net:connect:a.example.com:443", "net:connect:b.example.com:8443", "net:connect:*.cdn.example.com:443",
	`net:connect:"2001:db8::1":443`, "net:connect:localhost:8080", "net:connect:127.0.0.1:9000", "net:connect:1.2.3.4:5432",
}

// TestToolhiveProbe: the profile binds the file as a file and a pattern
// as the directory it needs (listed with that directory as excess); the
// cross product's extra pairs are listed on the rule of their host; the
// wildcard, IPv6 and loopback rules are left out and listed, and their
// ports never reach allow_port.
func TestToolhiveProbe(t *testing.T) {
	t.Parallel()
	a := lowerCaps(t, TargetToolhive, Options{}, probeCaps...)
	var prof struct {
		Read, Write []string
		Network     struct {
			Outbound struct {
				AllowHost []string `json:"allow_host"`
				AllowPort []int    `json:"allow_port"`
			}
		}
	}
	if err := json.Unmarshal([]byte(a.Config), &prof); err != nil {
		t.Fatal(err)
	}
	// In the policy's order (sorted by path).
	wantRead := []string{"/data", "/data/src", "/Library/Keychains", "/srv/cfg/app.json", "/tmp/home/.ssh/config", "/tmp/k/id_rsa", "/var/lib/containerd/x"}
	if !slices.Equal(prof.Read, wantRead) || !slices.Equal(prof.Write, []string{"/tmp/w"}) {
		t.Errorf("read %q write %q, want %q [/tmp/w]", prof.Read, prof.Write, wantRead)
	}
	o := prof.Network.Outbound
	if !slices.Equal(o.AllowHost, []string{"1.2.3.4", "a.example.com", "b.example.com"}) || !slices.Equal(o.AllowPort, []int{443, 5432, 8443}) {
		t.Errorf("allow_host %q allow_port %v", o.AllowHost, o.AllowPort)
	}
	want := []string{
		"fs fs:read:/data/*/x.txt /data",
		"fs fs:read:/data/src/**/*.go /data/src",
		"net *.cdn.example.com:443",
		"net 127.0.0.1:9000",
		"net [2001:db8::1]:443",
		"net localhost:8080",
		"net 1.2.3.4:5432 1.2.3.4:443,1.2.3.4:8443",
		"net a.example.com:443 a.example.com:5432,a.example.com:8443",
		"net b.example.com:8443 b.example.com:443,b.example.com:5432",
		"net a.example.com:443",
		"net b.example.com:8443",
	}
	if got := entryKeys(a); !slices.Equal(got, want) {
		t.Errorf("unenforceable\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGatewayProbe: the entry binds the file itself, refuses nothing the
// gateway would refuse (credential segments, /var/lib/containerd,
// /Library in any case: each listed), leaves out the wildcard, IPv6,
// loopback and the IP literal on a /tcp port, and lists each.
func TestGatewayProbe(t *testing.T) {
	t.Parallel()
	a := lowerCaps(t, TargetMCPGateway, Options{Image: "ghcr.io/acme/srv:1.2"}, probeCaps...)
	var e struct {
		Image      string   `json:"image"`
		Volumes    []string `json:"volumes"`
		AllowHosts []string `json:"allowHosts"`
	}
	if err := json.Unmarshal([]byte(a.Config), &e); err != nil {
		t.Fatal(err)
	}
	wantVol := []string{"/data:/data:ro", "/data/src:/data/src:ro", "/srv/cfg/app.json:/srv/cfg/app.json:ro", "/tmp/w:/tmp/w:rw"}
	if e.Image != "ghcr.io/acme/srv:1.2" || !slices.Equal(e.Volumes, wantVol) || !slices.Equal(e.AllowHosts, []string{"a.example.com:443", "b.example.com:8443/tcp"}) {
		t.Errorf("image %q volumes %q allowHosts %q", e.Image, e.Volumes, e.AllowHosts)
	}
	want := []string{
		"fs fs:read:/data/*/x.txt /data",
		"fs fs:read:/data/src/**/*.go /data/src",
		"fs fs:read:/Library/Keychains",
		"fs fs:read:/tmp/home/.ssh/config",
		"fs fs:read:/tmp/k/id_rsa",
		"fs fs:read:/var/lib/containerd/x",
		"net *.cdn.example.com:443",
		"net 1.2.3.4:5432",
		"net 127.0.0.1:9000",
		"net [2001:db8::1]:443",
		"net a.example.com:443",
		"net b.example.com:8443",
		"net localhost:8080",
	}
	if got := entryKeys(a); !slices.Equal(got, want) {
		t.Errorf("unenforceable\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if notes := strings.Join(a.Notes, "\n"); !strings.Contains(notes, "DOCKER_MCP_IN_CONTAINER=1") || !strings.Contains(notes, "MCP_GATEWAY_DOCKER_BIND_ALLOW_WRITABLE_PATHS: /tmp/w") {
		t.Errorf("notes:\n%s", notes)
	}
}

// TestGatewayRefusal follows docker_binds.go disallowedDockerHostPath.
func TestGatewayRefusal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path    string
		refused bool
	}{
		{"/etc", true}, {"/ETC/x", true}, {"/library/x", true}, {"/System/x", true}, {"/private/etc/hosts", true},
		{"/private/var/run/x", true}, {"/var/root", true}, {"/var/lib/containerd", true}, {"/home/u/.config/app", true},
		{"/home/u/.AWS", true}, {"/tmp/.netrc", true}, {"/tmp/.npmrc", true}, {"/tmp/id_ed25519", true}, {"/tmp/a:b", true}, {"/tmp/{{x}}", true},
		{"/tmp/id_rsa.pub", false}, {"/private/tmp/x", false}, {"/etcetera", false}, {"/tmp/.configs", false}, {"/srv/data", false},
	} {
		if got := gatewayRefusal(tc.path) != ""; got != tc.refused {
			t.Errorf("gatewayRefusal(%q) refused %v, want %v", tc.path, got, tc.refused)
		}
	}
}

// TestValidImage: references docker run takes, nothing that could be a
// flag or hold a space.
func TestValidImage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ref string
		ok  bool
	}{
		{"alpine", true}, {"mcp/fetch:latest", true}, {"ghcr.io/acme/srv:1.2", true}, {"localhost:5000/a/b", true},
		{"docker.io/library/busybox@sha256:" + strings.Repeat("a", 64), true}, {"a_b__c-d.e", true},
		{"", false}, {"-v/etc:/x", false}, {"Alpine", false}, {"a b", false}, {"a:", false}, {"a@sha256:abc", false}, {"a/", false}, {"a\n", false},
	} {
		if got := ValidImage(tc.ref); got != tc.ok {
			t.Errorf("ValidImage(%q) = %v, want %v", tc.ref, got, tc.ok)
		}
	}
	r, _ := Compile([]byte(`{"name":"g","version":"1","tools":[]}`))
	if _, err := Lower(r, TargetMCPGateway, Options{Image: "-x"}); err == nil {
		t.Error("Lower took image -x")
	}
}

// TestGatewayDocListsRefused keeps docs/targets/mcp-gateway.md true: every
// refused prefix and credential segment the lowering checks is listed.
func TestGatewayDocListsRefused(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/targets/mcp-gateway.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(gatewayRefused[:], gatewayCredentialSegments[:]...) {
		if !strings.Contains(string(b), "`"+p+"`") {
			t.Errorf("docs/targets/mcp-gateway.md does not list `%s`", p)
		}
	}
}

// TestToolhiveCrossLinear: with many hosts on many ports the excess stays
// linear in the rules — each host's entry names its added pairs at once
// past maxPairs — and still says which ports were declared.
func TestToolhiveCrossLinear(t *testing.T) {
	t.Parallel()
	var caps []string
	const n = 2000
	for i := range n {
		caps = append(caps, fmt.Sprintf("net:connect:h%d.example.com:%d", i, 1000+i))
	}
	a := lowerCaps(t, TargetToolhive, Options{}, caps...)
	total := 0
	for _, u := range a.Unenforceable {
		total += len(u.Excess)
	}
	if total > 2*n {
		t.Fatalf("%d excess items for %d rules", total, n)
	}
	if got := a.Unenforceable[0].Excess; len(got) != 1 || got[0] != "h0.example.com on every allow_port except 1000" {
		t.Errorf("first excess %q", got)
	}
	few := lowerCaps(t, TargetToolhive, Options{}, "net:connect:a.example.com:443", "net:connect:b.example.com:8443", "net:connect:b.example.com:9000")
	if got := few.Unenforceable[0].Excess; !slices.Equal(got, []string{"a.example.com:8443", "a.example.com:9000"}) {
		t.Errorf("few: %q", got)
	}
}

// TestCreateAloneListed: a grant that creates without writing is mounted
// read-write by every host format (a mount cannot allow new files only),
// so each lists it with the excess: writing and deleting the files already
// there, and reading them unless the grant reads. capgate's write implies
// read and delete implies write, so those are held as declared; a grant
// the host leaves out is not listed for it.
func TestCreateAloneListed(t *testing.T) {
	t.Parallel()
	all := []string{"read", "write", "delete"}
	for _, target := range []string{TargetSrt, TargetToolhive, TargetMCPGateway} {
		for _, tc := range []struct {
			cap    string
			excess []string
		}{
			{"fs:create:/srv/out/", all},
			{"fs:read,create:/srv/out/", []string{"write", "delete"}},
			{"fs:create:/srv/out/x.log", all},
			{"fs:write:/srv/out/", nil},
			{"fs:delete:/srv/out/", nil},
			{"fs:create,write:/srv/out/", nil},
			{"fs:read:/srv/out/", nil},
		} {
			a := lowerCaps(t, target, Options{Image: "ghcr.io/x/y:1"}, tc.cap)
			var got []string
			for _, u := range a.Unenforceable {
				if u.Kind == KindFS && strings.Contains(u.Reason, "cannot allow creating files only") {
					got = u.Excess
					if u.Grant != tc.cap {
						t.Errorf("%s %s: entry names %q", target, tc.cap, u.Grant)
					}
				}
			}
			if !slices.Equal(got, tc.excess) {
				t.Errorf("%s %s: excess %q, want %q: %+v", target, tc.cap, got, tc.excess, a.Unenforceable)
			}
		}
	}
	// The gateway refuses a credential path: left out, so nothing is in excess.
	a := lowerCaps(t, TargetMCPGateway, Options{Image: "ghcr.io/x/y:1"}, "fs:create:/tmp/home/.ssh/")
	for _, u := range a.Unenforceable {
		if u.Excess != nil {
			t.Errorf("left-out grant listed with excess: %+v", u)
		}
	}
}
