package action

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"
)

// TestConfigInputs reads each input with a choice of values: the default,
// each value as its typed constant, and an error naming the values for
// anything else (Main then exits ExitError with it).
func TestConfigInputs(t *testing.T) {
	t.Parallel()
	read := func(inputs map[string]string) (Config, error) {
		getenv := func(k string) string {
			name, ok := strings.CutPrefix(k, "INPUT_")
			if !ok {
				return ""
			}
			return inputs[strings.ToLower(name)]
		}
		return readConfig(githubactions.New(githubactions.WithGetenv(getenv)), getenv)
	}
	def, err := read(nil)
	if err != nil || def.Comment != CommentUpdate || def.CommentWhen != CommentOnChanges || def.Mode != ModeFull ||
		def.LabelPermission != PermWrite || def.ReviewComments || def.AllowEmpty {
		t.Fatalf("defaults: %+v, %v", def, err)
	}
	for _, tc := range []struct {
		input, value string
		check        func(Config) bool
		err          string
	}{
		{"comment", "hide-and-new", func(c Config) bool { return c.Comment == CommentHideAndNew }, ""},
		{"comment", "off", func(c Config) bool { return c.Comment == CommentOff }, ""},
		{"comment", "Off", nil, `input comment: "Off" is not update, new, hide-and-new or off`},
		{"comment-when", "always", func(c Config) bool { return c.CommentWhen == CommentAlways }, ""},
		{"comment-when", "never", nil, `input comment-when: "never" is not changes or always`},
		{"mode", " post ", func(c Config) bool { return c.Mode == ModePost }, ""},
		{"mode", "both", nil, `input mode: "both" is not full, analyze or post`},
		{"allow-label-permission", "maintain", func(c Config) bool { return c.LabelPermission == PermMaintain }, ""},
		{"allow-label-permission", "read", nil, `input allow-label-permission: "read" is not triage, write, maintain or admin`},
		{"review-comments", "true", func(c Config) bool { return c.ReviewComments }, ""},
		{"review-comments", "yes", nil, `input review-comments: "yes" is not true or false`},
		{"allow-empty", "true", func(c Config) bool { return c.AllowEmpty }, ""},
		{"allow-empty", "1", nil, `input allow-empty: "1" is not true or false`},
	} {
		c, err := read(map[string]string{tc.input: tc.value})
		switch {
		case tc.err == "" && (err != nil || !tc.check(c)):
			t.Errorf("%s: %q: %+v, %v", tc.input, tc.value, c, err)
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%s: %q: error %v, want %s", tc.input, tc.value, err, tc.err)
		}
	}
	// Through Main: the error, and nothing run.
	var out bytes.Buffer
	env := Env{Stdout: &out, Getenv: func(k string) string {
		if k == "INPUT_MODE" {
			return "both"
		}
		return ""
	}}
	if code := Main(context.Background(), env); code != ExitError || !strings.Contains(out.String(), `::error::capgate: input mode: "both" is not full, analyze or post`) {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}
