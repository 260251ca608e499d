// Package version says which capgate this is. A release build stamps it with
//
//	go build -ldflags "-X github.com/razukc/capgate-action/internal/version.version=v1.2.3"
//
// and without a stamp the module version from the build info is used, so
// that `go install github.com/razukc/capgate-action/cmd/capgate@v1.2.3`
// reports v1.2.3.
package version

import (
	_ "embed"
	"runtime/debug"
	"strings"
)

// archived is "$Format:%H$" in git; in an archive made by git archive
// (GitHub's source tarballs, which is how the runner fetches an action
// pinned to a branch or commit and builds its Dockerfile) it is the
// commit, through export-subst in .gitattributes. It names a build that has
// neither a stamp nor VCS information.
//
//go:embed archive_commit.txt
var archived string

// version is set with -ldflags -X; it is a variable only so that the linker
// can set it.
var version string

// Grammar is the capability grammar version the compiler implements.
const Grammar = "0.0"

// Conformance is the upstream capgate release whose conformance data the
// compiler reproduces.
const Conformance = "capgate 0.0.4"

// String returns the capgate version: the -ldflags stamp, else the module
// version of the build ("v1.2.3"), else "dev" with the VCS revision when the
// build recorded one ("dev (3f2a1b0c9d8e, modified)").
func String() string {
	return resolve(version, debug.ReadBuildInfo)
}

func resolve(stamp string, read func() (*debug.BuildInfo, bool)) string {
	if stamp = strings.TrimSpace(stamp); stamp != "" {
		return stamp
	}
	bi, ok := read()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if a := strings.TrimSpace(archived); rev == "" && len(a) == 40 && !strings.HasPrefix(a, "$") {
		rev = a
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		return "dev (" + rev + ", modified)"
	}
	return "dev (" + rev + ")"
}
