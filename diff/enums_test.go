package diff

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEnumText: the typed enums write their names and read them back; an
// unknown one read from a report is not Valid.
func TestEnumText(t *testing.T) {
	t.Parallel()
	c := Change{Severity: UnenforceableAdded, Side: SideBase, Kind: "net"}
	b, err := json.Marshal(c)
	if err != nil || !strings.Contains(string(b), `"kind":"net"`) || !strings.Contains(string(b), `"severity":"unenforceable_added"`) || !strings.Contains(string(b), `"side":"base"`) {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back Change
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Fatalf("Unmarshal = %+v, %v", back, err)
	}
	// Any text decodes; Valid tells ours from the rest.
	var m ManifestDiff
	if err := json.Unmarshal([]byte(`{"status": "gone", "changes": [{"severity": "wider", "side": "both"}]}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.Status.Valid() || m.Changes[0].Severity.Valid() || m.Changes[0].Side.Valid() || Side("").Valid() || Kind("").Valid() || Kind("FS").Valid() {
		t.Errorf("unknown values pass as valid: %+v", m)
	}
	if _, ok := Tally([]ManifestDiff{m}); ok {
		t.Error("Tally accepts an unknown status and severity")
	}
	for _, k := range append(Kinds(), KindLaunch) {
		if !k.Valid() {
			t.Errorf("kind %s not valid", k)
		}
	}
	for _, s := range []Status{StatusAdded, StatusRemoved, StatusModified, StatusUnchanged, StatusError} {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
}

// TestTargets: a target list writes the same JSON text as the joined
// names, and List and Has read it as consumers split it before.
func TestTargets(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		t    Targets
		json string
		list []string
		has  map[string]bool
	}{
		{JoinTargets("bwrap", "docker"), `"bwrap,docker"`, []string{"bwrap", "docker"}, map[string]bool{"bwrap": true, "docker": true, "squid": false}},
		{JoinTargets("srt"), `"srt"`, []string{"srt"}, map[string]bool{"srt": true, "bwrap": false}},
		{AllTargets, `"all"`, nil, map[string]bool{"bwrap": true, "srt": true}},
		{"", `""`, nil, map[string]bool{"bwrap": false, "": false}},
	} {
		b, err := json.Marshal(Change{Target: c.t})
		if err != nil || !strings.Contains(string(b), `"target":`+c.json) {
			t.Errorf("Marshal(%q) = %s, %v", c.t, b, err)
		}
		if got := c.t.List(); strings.Join(got, "|") != strings.Join(c.list, "|") || len(got) != len(c.list) {
			t.Errorf("%q.List() = %q, want %q", c.t, got, c.list)
		}
		for name, want := range c.has {
			if got := c.t.Has(name); got != want {
				t.Errorf("%q.Has(%q) = %v, want %v", c.t, name, got, want)
			}
		}
	}
}
