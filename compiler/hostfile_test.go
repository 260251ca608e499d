package compiler

import (
	"bytes"
	"encoding/json"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the host-format targets' goldens in testdata/targets")

// hostTargets are the targets beyond capgate's four.
func hostTargets() []string { return AllTargets()[coreTargets:] }

// TestHostTargetGoldens compiles the bundled example manifests and the
// DVMCP conformance manifests to each host-format target and compares
// with testdata/targets/<target>/<manifest>.json (go test -update writes
// them; review the diff).
func TestHostTargetGoldens(t *testing.T) {
	t.Parallel()
	var srcs []string
	for _, pat := range []string{"../examples/head/servers/*/*.json", "../testdata/conformance/capgate-0.0.4/manifests/dvmcp-*.json"} {
		m, _ := filepath.Glob(pat)
		srcs = append(srcs, m...)
	}
	if len(srcs) < 6 {
		t.Fatalf("found only %d manifests", len(srcs))
	}
	for _, tg := range hostTargets() {
		for _, s := range srcs {
			src, err := os.ReadFile(s)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Prepare(src)
			if err != nil {
				continue // a manifest the examples keep broken on purpose
			}
			a, err := Lower(r, tg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := append(a.AppendJSON(nil, true), '\n')
			name := strings.ReplaceAll(strings.TrimPrefix(filepath.ToSlash(s), "../"), "/", "__")
			golden := filepath.Join("testdata", "targets", tg, name+".golden") // not *.capgate.json: the default patterns would read it as a manifest
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./compiler -run HostTargetGoldens -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: %s differs from its golden:\n%s", tg, s, got)
			}
		}
	}
}

// TestTargetRegistry: --target all stays capgate's four, in capgate's
// order; every other target is listed after them, and Compile still
// produces exactly the four while CompileTargets produces what it is asked.
func TestTargetRegistry(t *testing.T) {
	t.Parallel()
	all := AllTargets()
	if got := strings.Join(all[:coreTargets], ","); got != "bwrap,docker,squid,nftables" {
		t.Fatalf("core targets %s", got)
	}
	if got := strings.Join(hostTargets(), ","); got != "toolhive,mcp-gateway,srt" {
		t.Fatalf("host targets %s", got)
	}
	src := []byte(`{"name":"n","version":"1","tools":[{"name":"t","capabilities":["net:connect:api.example.com:443"]}]}`)
	r, err := Compile(src)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.Artifacts.All()); n != coreTargets || r.Artifacts.Get(TargetSrt) != nil {
		t.Fatalf("Compile made %d artifacts", n)
	}
	r, err = CompileTargets(src, []string{TargetSrt, TargetBwrap})
	if err != nil {
		t.Fatal(err)
	}
	as := r.Artifacts.All()
	if len(as) != 2 || as[0].Target != TargetBwrap || as[1].Target != TargetSrt || as[1].Shape() != ShapeConfig {
		t.Fatalf("CompileTargets gave %v", as)
	}
	if _, err := CompileTargets(src, []string{"nope"}); err == nil || !strings.Contains(err.Error(), `unknown target "nope"`) {
		t.Fatalf("unknown target: %v", err)
	}
	if got := string(AppendAllJSON(nil, r.Artifacts, false)); !strings.HasPrefix(got, `{"bwrap":{`) || !strings.Contains(got, `,"srt":{"target":"srt"`) {
		t.Fatalf("AppendAllJSON: %.80s", got)
	}
}

// schemaManifest exercises every branch of the host-format lowerings.
const schemaManifest = `{"name":"edge","version":"1","tools":[{"name":"t","capabilities":[
"fs:read:/workspace/**","fs:write:/tmp/edge","fs:read:/etc/app.conf","clock:tzdata","ipc:connect:x11",
"net:connect:api.github.com:443","net:connect:localhost:8080","net:connect:*","net:connect:dbhost:5432",
"net:connect:10.0.0.5","net:connect:\"2001:db8::1\":443","net:connect:*.example.com:443",
"env:inject:GITHUB_TOKEN","exec:spawn:git","assert:no-exfil:\"never sends\"","fs:read:/data?nestedSandbox=true"]}]}`

// TestHostFormatsSchema checks the emitted toolhive profile and gateway
// entry against the field lists their projects document (cited in
// docs/targets/): no unknown key, each value of the documented type, and
// each allowHosts entry as the gateway's ParseProxySpec takes it
// (host:port with a port, /tcp|/http|/https, no loopback literal).
func TestHostFormatsSchema(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, src string }{
		{"every branch", schemaManifest},
		{"no tools", `{"name":"none","version":"1","tools":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := Compile([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			checkToolhiveSchema(t, r)
			checkGatewaySchema(t, r)
		})
	}
}

// checkToolhiveSchema holds r's toolhive profile to ToolHive's fields.
func checkToolhiveSchema(t *testing.T, r *Result) {
	t.Helper()
	th, _ := Lower(r, TargetToolhive, Options{})
	var prof struct {
		Name    string   `json:"name"`
		Read    []string `json:"read"`
		Write   []string `json:"write"`
		Network struct {
			Outbound *struct {
				InsecureAllowAll *bool    `json:"insecure_allow_all"`
				AllowHost        []string `json:"allow_host"`
				AllowPort        []int    `json:"allow_port"`
			} `json:"outbound"`
		} `json:"network"`
		Privileged bool `json:"privileged"`
	}
	strictDecode(t, th.Config, &prof)
	if prof.Network.Outbound == nil || prof.Network.Outbound.InsecureAllowAll == nil {
		t.Errorf("toolhive: network.outbound must be explicit (a missing one is allow-all): %s", th.Config)
		return
	}
	for _, h := range prof.Network.Outbound.AllowHost {
		if strings.ContainsAny(h, "* :") {
			t.Errorf("toolhive: allow_host %q is not a dstdomain value", h)
		}
	}
	for _, p := range append(prof.Read, prof.Write...) {
		if !strings.HasPrefix(p, "/") || strings.Contains(p, ":") {
			t.Errorf("toolhive: mount %q is not a single-path declaration", p)
		}
	}
}

// checkGatewaySchema holds r's MCP Gateway entry to the gateway's fields.
func checkGatewaySchema(t *testing.T, r *Result) {
	t.Helper()
	gw, _ := Lower(r, TargetMCPGateway, Options{})
	var e struct {
		Name    string   `json:"name"`
		Type    string   `json:"type"`
		Image   string   `json:"image"`
		Volumes []string `json:"volumes"`
		Secrets []struct {
			Name string `json:"name"`
			Env  string `json:"env"`
		} `json:"secrets"`
		DisableNetwork bool     `json:"disableNetwork"`
		AllowHosts     []string `json:"allowHosts"`
	}
	strictDecode(t, gw.Config, &e)
	if e.Type != "server" || e.Name == "" {
		t.Errorf("gateway: type %q name %q", e.Type, e.Name)
	}
	if !e.DisableNetwork && len(e.AllowHosts) == 0 {
		t.Errorf("gateway: network on with empty allowHosts is unrestricted egress")
	}
	for _, h := range e.AllowHosts {
		if !proxySpecParses(h) {
			t.Errorf("gateway: allowHosts %q would fail ParseProxySpec", h)
		}
	}
	for _, v := range e.Volumes {
		f := strings.Split(v, ":")
		if len(f) != 3 || (f[2] != "ro" && f[2] != "rw") || gatewayRefusal(f[0]) != "" {
			t.Errorf("gateway: volume %q", v)
		}
	}
	for _, s := range e.Secrets {
		if !strings.HasPrefix(s.Name, e.Name+".") {
			t.Errorf("gateway: secret %q not prefixed by the server name", s.Name)
		}
	}
}

// proxySpecParses reports whether the gateway's ParseProxySpec takes h:
// host:port with a port, /tcp, /http or /https, no loopback or
// multicast literal, no wildcard.
func proxySpecParses(h string) bool {
	spec, proto, _ := strings.Cut(h, "/")
	host, port, err := net.SplitHostPort(spec)
	if err != nil || strings.Contains(host, "*") {
		return false
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return false
	}
	if proto != "" && proto != "tcp" && proto != "http" && proto != "https" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback() && !ip.IsMulticast()
}

func strictDecode(t *testing.T, config string, v any) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(config))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		t.Errorf("%v in %s", err, config)
	}
}
