package compiler

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// lowerCaps compiles caps (one tool) and lowers them to target.
func lowerCaps(t *testing.T, target string, opts Options, caps ...string) *Artifact {
	t.Helper()
	b, _ := json.Marshal(caps)
	r, err := Compile([]byte(`{"name":"g","version":"1","tools":[{"name":"t","capabilities":` + string(b) + `}]}`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Lower(r, target, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// entries renders an artifact's unenforceable entries as
// "kind grant [excess] | reason" lines, for comparisons.
func entries(a *Artifact) []string {
	var out []string
	for _, u := range a.Unenforceable {
		k, g := string(u.Kind), u.Grant
		if u.IsNet() {
			k, g = "net", hostPort(&NetGrant{Host: u.Rule.Host, Port: u.Rule.Port})
		}
		out = append(out, k+" "+g+" "+strings.Join(u.Excess, ",")+" | "+u.Reason)
	}
	return out
}

// entryKeys is entries without the reasons.
func entryKeys(a *Artifact) []string {
	var out []string
	for _, e := range entries(a) {
		k, _, _ := strings.Cut(e, " | ")
		out = append(out, strings.TrimSpace(k))
	}
	return out
}

// TestSrtPaths: srt's lists hold a file as the file, a pattern as
// written (read), "DIR/**" as DIR; what they cannot hold is listed with
// its excess: a writable pattern (allowWrite skips it), a root-anchored
// pattern (skipped), a "/*" pattern (matching directories bound whole).
func TestSrtPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cap           string
		read, write   []string
		unenforceable []string
	}{
		{cap: "fs:read:/srv/cfg/app.json", read: []string{"/srv/cfg/app.json"}},
		{cap: "fs:write:/srv/out/", read: []string{"/srv/out"}, write: []string{"/srv/out"}},
		{cap: "fs:read:/tmp/q/**", read: []string{"/tmp/q"}},
		{cap: "fs:read:/data/src/**/*.go", read: []string{"/data/src/**/*.go"}},
		{cap: "fs:read:/data/*/x.txt", read: []string{"/data/*/x.txt"}},
		{cap: "fs:read:/data/*", read: []string{"/data/*"}, unenforceable: []string{"fs fs:read:/data/* /data/*/**"}},
		{cap: "fs:write:/w/a*/b", read: []string{"/w/a*/b"}, unenforceable: []string{"fs fs:write:/w/a*/b"}},
		{cap: "fs:read:/d*/y", unenforceable: []string{"fs fs:read:/d*/y"}},
	} {
		a := lowerCaps(t, TargetSrt, Options{}, tc.cap)
		var s struct {
			Filesystem struct{ AllowRead, AllowWrite []string } `json:"filesystem"`
		}
		if err := json.Unmarshal([]byte(a.Config), &s); err != nil {
			t.Fatal(err)
		}
		read := s.Filesystem.AllowRead[len(bwrapSystemDirs):]
		if !slices.Equal(read, tc.read) || !slices.Equal(s.Filesystem.AllowWrite, tc.write) {
			t.Errorf("%s: allowRead %q allowWrite %q, want %q %q", tc.cap, read, s.Filesystem.AllowWrite, tc.read, tc.write)
		}
		if got := entryKeys(a); !slices.Equal(got, tc.unenforceable) {
			t.Errorf("%s: unenforceable %q, want %q", tc.cap, got, tc.unenforceable)
		}
	}
}

// TestSrtOldest: the notes name the oldest srt that holds the file.
func TestSrtOldest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		caps []string
		want string
	}{
		{[]string{"fs:read:/srv"}, "checked with @anthropic-ai/sandbox-runtime 0.0.68 to 0.0.83"},
		{[]string{"net:connect:1.2.3.4:443"}, "needs @anthropic-ai/sandbox-runtime 0.0.68 or newer"},
		{[]string{"net:connect:api.example.com:443"}, "needs @anthropic-ai/sandbox-runtime 0.0.76 or newer"},
	} {
		a := lowerCaps(t, TargetSrt, Options{}, tc.caps...)
		if !strings.HasPrefix(a.Notes[0], "srt: ") || !strings.Contains(a.Notes[0], tc.want) {
			t.Errorf("%v: first note %q, want %q", tc.caps, a.Notes[0], tc.want)
		}
	}
}
