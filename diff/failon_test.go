package diff

import (
	"strings"
	"testing"
)

// TestParseFailOn: every subset parses; blank values, empty items and
// never mixed with other outcomes are errors (they used to parse as never
// and turn the gate off).
func TestParseFailOn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    FailOn
		wantErr string
	}{
		{in: "widened,error", want: FailOn{Widened: true, Error: true}},
		{in: " widened , unenforceable,error ", want: FailOn{Widened: true, Unenforceable: true, Error: true}},
		{in: "error", want: FailOn{Error: true}},
		{in: "loud", want: FailOn{Loud: true}},
		{in: "loud,error", want: FailOn{Loud: true, Error: true}},
		{in: "never", want: FailOn{}},
		{in: " never ", want: FailOn{}},
		{in: "", wantErr: "empty fail-on value"},
		{in: " ", wantErr: "empty fail-on value"},
		{in: "\t\n", wantErr: "empty fail-on value"},
		{in: ",", wantErr: "has an empty item"},
		{in: "widened,", wantErr: "has an empty item"},
		{in: "widened,,error", wantErr: "has an empty item"},
		{in: "never,widened", wantErr: "mixes never"},
		{in: "widened,never", wantErr: "mixes never"},
		{in: "never,never", wantErr: "mixes never"},
		{in: "widend", wantErr: "unknown fail-on value"},
	} {
		got, err := ParseFailOn(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseFailOn(%q) = %+v, %v; want error %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseFailOn(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

// TestFailsLoud: loud fails on unapproved host control only; widened
// covers loud; an approved manifest fails neither.
func TestFailsLoud(t *testing.T) {
	t.Parallel()
	loud := ManifestDiff{Path: "a", Changes: []Change{{Severity: Widened, Loud: true}}}
	wide := ManifestDiff{Path: "b", Changes: []Change{{Severity: Widened}}}
	approvedLoud := loud
	approvedLoud.Approved = true
	for _, tc := range []struct {
		name string
		f    FailOn
		ms   []ManifestDiff
		want bool
	}{
		{"loud fails on loud", FailOn{Loud: true}, []ManifestDiff{loud}, true},
		{"loud passes plain widening", FailOn{Loud: true}, []ManifestDiff{wide}, false},
		{"loud passes approved loud", FailOn{Loud: true}, []ManifestDiff{approvedLoud}, false},
		{"widened fails on loud", FailOn{Widened: true}, []ManifestDiff{loud}, true},
		{"widened fails on widening", FailOn{Widened: true}, []ManifestDiff{wide}, true},
		{"never passes", FailOn{}, []ManifestDiff{loud, wide}, false},
	} {
		r := &Result{Manifests: tc.ms}
		r.Counts, _ = Tally(r.Manifests)
		if got := tc.f.Fails(r); got != tc.want {
			t.Errorf("%s: Fails = %v, want %v", tc.name, got, tc.want)
		}
	}
}
