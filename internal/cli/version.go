package cli

import (
	_ "embed"
	"runtime/debug"
	"strings"
)

// archived is "$Format:%H$" in git, and the commit hash in an archive made
// by git archive (GitHub's source tarballs, which is how the runner fetches
// an action pinned to a branch or a commit), through export-subst in
// .gitattributes.
//
//go:embed archive_commit.txt
var archived string

func init() {
	if Version == "dev" {
		Version = versionFrom(debug.ReadBuildInfo())
	}
}

// versionFrom names a build that -ldflags did not stamp: the module version
// of `go install …@vX`, else the commit of the VCS stamp or of the archive,
// else "dev".
func versionFrom(bi *debug.BuildInfo, ok bool) string {
	if ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	if ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision":
				rev = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "-dirty"
			}
		}
		if len(rev) >= 12 {
			return "commit-" + rev[:12] + dirty
		}
	}
	if a := strings.TrimSpace(archived); len(a) == 40 && !strings.HasPrefix(a, "$") {
		return "commit-" + a[:12]
	}
	return "dev"
}
