package version

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	info := func(v string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: v}, Settings: settings}, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	for _, tc := range []struct {
		name, stamp string
		read        func() (*debug.BuildInfo, bool)
		want        string
	}{
		{"stamp wins", "v9.9.9", info("v1.2.3"), "v9.9.9"},
		{"go install @version", "", info("v1.2.3"), "v1.2.3"},
		{"pseudo-version", "", info("v0.0.0-20261129083000-0123456789ab"), "v0.0.0-20261129083000-0123456789ab"},
		{"local build with vcs", "", info("(devel)", rev), "dev (0123456789ab)"},
		{"local build, dirty", "", info("(devel)", rev, dirty), "dev (0123456789ab, modified)"},
		{"local build, no vcs", "", info("(devel)"), "dev"},
		{"no build info", "", none, "dev"},
	} {
		if got := resolve(tc.stamp, tc.read); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
