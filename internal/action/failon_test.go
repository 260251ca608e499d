package action

import (
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"
)

// TestFailOnInput: the fail-on input goes through diff.ParseFailOn, so an
// input that names no outcome fails the action with a clear error instead
// of turning the gate off; an empty input means the default (fail closed).
func TestFailOnInput(t *testing.T) {
	for _, tc := range []struct {
		in      string
		wantErr string
	}{
		{",", `has an empty item`},
		{" , ", `has an empty item`},
		{"never,widened", `mixes never`},
		{"", ""},
		{"   ", ""},
	} {
		env := map[string]string{"INPUT_FAIL-ON": tc.in}
		getenv := func(k string) string { return env[k] }
		cfg, err := readConfig(githubactions.New(githubactions.WithGetenv(getenv)), getenv)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("fail-on %q: err %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !cfg.FailOn.Widened || !cfg.FailOn.Error {
			t.Errorf("fail-on %q: %+v, %v; want the default widened,error", tc.in, cfg.FailOn, err)
		}
	}
}
