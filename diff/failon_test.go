package diff

import (
	"strings"
	"testing"
)

// TestParseFailOn: every subset parses; blank values, empty items and
// never mixed with other outcomes are errors (they used to parse as never
// and turn the gate off).
func TestParseFailOn(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    FailOn
		wantErr string
	}{
		{in: "widened,error", want: FailOn{Widened: true, Error: true}},
		{in: " widened , unenforceable,error ", want: FailOn{Widened: true, Unenforceable: true, Error: true}},
		{in: "error", want: FailOn{Error: true}},
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
