package diff

import (
	"slices"
	"testing"
)

func TestParseTargets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "", want: nil},
		{in: "  ", want: nil},
		{in: "srt", want: []string{"srt"}},
		{in: " srt , bwrap", want: []string{"srt", "bwrap"}},
		{in: ",", err: true},
		{in: "srt,", err: true},
		{in: "srt,,bwrap", err: true},
		{in: "bogus", err: true},
	} {
		got, err := ParseTargets(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("ParseTargets(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
