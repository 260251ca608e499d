package compiler

import (
	"encoding/json"
	"strings"
	"testing"
)

// gatewayEntry compiles caps and lowers them to a gateway entry.
func gatewayEntry(t *testing.T, caps ...string) (*Artifact, struct {
	Volumes    []string `json:"volumes"`
	AllowHosts []string `json:"allowHosts"`
}) {
	t.Helper()
	b, _ := json.Marshal(caps)
	r, err := Compile([]byte(`{"name":"g","version":"1","tools":[{"name":"t","capabilities":` + string(b) + `}]}`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Lower(r, TargetMCPGateway, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Volumes    []string `json:"volumes"`
		AllowHosts []string `json:"allowHosts"`
	}
	if err := json.Unmarshal([]byte(a.Config), &e); err != nil {
		t.Fatal(err)
	}
	return a, e
}

// TestGatewayCleansPaths: a refused path spelled with doubled slashes is
// still refused, and what is bound is the cleaned path.
func TestGatewayCleansPaths(t *testing.T) {
	t.Parallel()
	for _, c := range []string{`ipc:connect:"unix://run/docker.sock"`, "fs:read://etc/shadow", "fs:read:/var//run/secrets/**"} {
		a, e := gatewayEntry(t, c)
		if len(e.Volumes) != 0 {
			t.Errorf("%s: bound %q", c, e.Volumes)
		}
		if len(a.Unenforceable) != 1 || a.Unenforceable[0].IsNet() || !strings.Contains(a.Unenforceable[0].Reason, "is left out (denied)") {
			t.Errorf("%s: no refusal listed in %q", c, entries(a))
		}
	}
	if _, e := gatewayEntry(t, "fs:read:/tmp//x/"); strings.Join(e.Volumes, ",") != "/tmp/x:/tmp/x:ro" {
		t.Errorf("volumes %q, want the cleaned path", e.Volumes)
	}
}

// TestGatewayRefusedHosts: hosts the gateway rejects (loopback or
// multicast literals) or that resolve to loopback are left out of
// allowHosts and listed as unenforceable; ordinary hosts are kept.
func TestGatewayRefusedHosts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host string
		out  bool
	}{
		{"224.0.0.1", true}, {"239.255.255.250", true}, {"ff02::1", true},
		{"127.1", true}, {"127.0.0.1", true}, {"127.255.255.254", true}, {"0x7f.1", true}, {"2130706433", true}, {"::1", true},
		{"::ffff:127.0.0.1", true}, {"0.0.0.0", true}, {"0", true}, {"0.1.2.3", true}, {"::", true},
		{"128.0.0.1", false}, {"223.255.255.255", false}, {"api.example.com", false}, {"1.2.3.4", false}, {"127.example.com", false},
	} {
		h := tc.host
		if strings.Contains(h, ":") {
			h = `"` + h + `"`
		}
		rule := "net:connect:" + h + ":80"
		a, e := gatewayEntry(t, rule)
		left := len(e.AllowHosts) == 0
		listed := false
		for _, u := range a.Unenforceable {
			listed = listed || strings.Contains(u.Reason, "left out")
		}
		if left != tc.out || listed != tc.out {
			t.Errorf("%s: allowHosts %q, unenforceable %v; want left out: %v", rule, e.AllowHosts, a.Unenforceable, tc.out)
		}
	}
}

func TestInetAton(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s  string
		v  uint32
		ok bool
	}{
		{"127.1", 0x7f000001, true}, {"1.2.3.4", 0x01020304, true}, {"0x7f.0.0.1", 0x7f000001, true}, {"0177.1", 0x7f000001, true},
		{"10.1.2", 0x0a010002, true}, {"4294967295", 0xffffffff, true},
		{"1.2.3.4.5", 0, false}, {"256.1", 0, false}, {"1.256.1.1", 0, false}, {"1.2.65536", 0, false}, {"a.b", 0, false}, {"1..2", 0, false}, {"08", 0, false}, {"", 0, false},
	} {
		v, ok := inetAton(tc.s)
		if ok != tc.ok || ok && v != tc.v {
			t.Errorf("inetAton(%q) = %#x, %v; want %#x, %v", tc.s, v, ok, tc.v, tc.ok)
		}
	}
}

// TestGatewayOneVolumePerPath: grants bound at one host path make one
// volume (docker refuses two at one destination), writable when any of them
// writes; each read-only grant made writable is listed as unenforceable
// with the write as its excess, and no other is.
func TestGatewayOneVolumePerPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		caps    []string
		volumes []string
		wider   []string // grants listed as made writable
	}{
		{[]string{"fs:read:/tmp/a/", "fs:read,write:/tmp/a"}, []string{"/tmp/a:/tmp/a:rw"}, []string{"fs:read:/tmp/a/"}},
		{[]string{"fs:read,write:/tmp/a", "fs:read://tmp/a"}, []string{"/tmp/a:/tmp/a:rw"}, []string{"fs:read://tmp/a"}},
		{[]string{"fs:read:/tmp/a/", "fs:read:/tmp/a"}, []string{"/tmp/a:/tmp/a:ro"}, nil},
		{[]string{"fs:read:/tmp/s.sock", `ipc:connect:"unix:/tmp/s.sock"`}, []string{"/tmp/s.sock:/tmp/s.sock:rw"}, []string{"fs:read:/tmp/s.sock"}},
		{[]string{"fs:read,write:/tmp/.X11-unix/", "ipc:connect:x11"}, []string{"/tmp/.X11-unix:/tmp/.X11-unix:rw"}, []string{"ipc:connect:x11"}},
		{[]string{"fs:read:/tmp/d/**", "fs:write:/tmp/d"}, []string{"/tmp/d:/tmp/d:rw"}, []string{"fs:read:/tmp/d/**"}},
	} {
		a, e := gatewayEntry(t, tc.caps...)
		if strings.Join(e.Volumes, " ") != strings.Join(tc.volumes, " ") {
			t.Errorf("%q: volumes %q, want %q", tc.caps, e.Volumes, tc.volumes)
		}
		var wider []string
		for _, u := range a.Unenforceable {
			if len(u.Excess) == 1 && strings.HasPrefix(u.Excess[0], "write access to ") {
				wider = append(wider, u.Grant)
			}
		}
		if strings.Join(wider, " ") != strings.Join(tc.wider, " ") {
			t.Errorf("%q: made writable %q, want %q (%+v)", tc.caps, wider, tc.wider, a.Unenforceable)
		}
	}
}
