package launch

import "testing"

// TestJudgePathDotDot: a path that climbs with ".." above the variable or
// directory it starts from (${workspaceFolder}/../.., ./..) can be any
// directory above it, the home directory included: loud (fail closed),
// never covered by a grant of the workspace. One that stays inside is
// cleaned, so that it is compared as the path it names.
func TestJudgePathDotDot(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, key string
		loud    bool
	}{
		{"${workspaceFolder}/../..", "${workspaceFolder}/../..", true},
		{"${workspaceFolder}/out/../../..", "${workspaceFolder}/out/../../..", true},
		{"./..", "./..", true},
		{"../x", "../x", true},
		{"${workspaceFolder}/out/../x", "${workspaceFolder}/x", false},
		{"${workspaceFolder}/out", "${workspaceFolder}/out", false},
		{"./data/../cache", "./cache", false},
		{".", ".", false},
		{"~/x/../.ssh", "~/.ssh", true},
	} {
		key, loud := judgePath(VSCode, c.in)
		if key != c.key || (loud != "") != c.loud {
			t.Errorf("%s: key %q loud %q, want %q loud=%v", c.in, key, loud, c.key, c.loud)
		}
	}
}
