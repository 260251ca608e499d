package cli

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFrom(t *testing.T) {
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.modified", Value: "true"}}}, true, "commit-0123456789ab-dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.modified", Value: "false"}}}, true, "commit-0123456789ab"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "dev"},
		{nil, false, "dev"},
	} {
		if got := versionFrom(tc.bi, tc.ok); got != tc.want {
			t.Errorf("versionFrom(%+v) = %q, want %q", tc.bi, got, tc.want)
		}
	}
}

// git archive (what GitHub's source tarballs are made with) writes the
// commit into archive_commit.txt, and versionFrom names a build from it.
func TestArchiveCommit(t *testing.T) {
	if strings.TrimSpace(archived) != "$Format:%H$" {
		t.Fatalf("archive_commit.txt in the work tree is %q, want the placeholder", archived)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	out, err := exec.Command("sh", "-c", "cd \"$(git rev-parse --show-toplevel)\" && git archive HEAD internal/cli/archive_commit.txt | tar -xO").Output()
	if err != nil {
		t.Fatalf("git archive: %v", err)
	}
	if strings.TrimSpace(string(out)) != strings.TrimSpace(string(head)) {
		t.Fatalf("the archive's archive_commit.txt is %q, want HEAD %s (export-subst in .gitattributes?)", out, head)
	}
	saved := archived
	defer func() { archived = saved }()
	archived = string(out)
	if got, want := versionFrom(nil, false), "commit-"+string(head[:12]); got != want {
		t.Errorf("versionFrom from the archive = %q, want %q", got, want)
	}
}
