package cli

import (
	"reflect"
	"testing"
	"time"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/lock"
)

// TestPlanApprovals: approve approves every manifest that widens (and no
// other), in the result's order, and refuses each head that does not
// compile, naming its path.
func TestPlanApprovals(t *testing.T) {
	t.Parallel()
	widened := []diff.Change{{Severity: diff.Narrowed}, {Severity: diff.Widened}}
	r := &diff.Result{Manifests: []diff.ManifestDiff{
		{Path: "a/capgate.json", Hash: "sha256:a", Changes: widened},
		{Path: "b/capgate.json", Hash: "sha256:b", Changes: []diff.Change{{Severity: diff.Narrowed}}},
		{Path: "c/capgate.json", Error: &diff.Problem{Code: "PARSE", Message: "bad", Line: 2, Col: 3}},
		{Path: "d/capgate.json", Hash: "sha256:d", Changes: widened},
	}}
	tmpl := lock.Approval{ApprovedBy: "me", Reason: "why", ApprovedAt: "2026-01-01T00:00:00Z", Expires: "2027-01-01T00:00:00Z"}
	got, refused := planApprovals(r, tmpl)
	want := []lock.Approval{
		{Path: "a/capgate.json", ManifestHash: "sha256:a", ApprovedBy: "me", Reason: "why", ApprovedAt: "2026-01-01T00:00:00Z", Expires: "2027-01-01T00:00:00Z"},
		{Path: "d/capgate.json", ManifestHash: "sha256:d", ApprovedBy: "me", Reason: "why", ApprovedAt: "2026-01-01T00:00:00Z", Expires: "2027-01-01T00:00:00Z"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("approvals = %+v, want %+v", got, want)
	}
	if len(refused) != 1 || refused[0].String() != "c/capgate.json:2:3: cannot approve: the head does not compile: bad [PARSE]" {
		t.Errorf("refused = %v", refused)
	}
	if r.Manifests[2].Error.Path != "" || r.Manifests[2].Error.Message != "bad" {
		t.Errorf("planApprovals changed the result's problem: %+v", r.Manifests[2].Error)
	}
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"720h", "2026-01-31T00:00:00Z", true},
		{"2026-03-01T10:00:00+02:00", "2026-03-01T08:00:00Z", true},
		{"-1h", "", false},
		{"next week", "", false},
	} {
		got, err := expiry(now, tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("expiry(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
