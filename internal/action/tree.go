package action

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/razukc/capgate-action/internal/gitrun"
)

// Git tree entry modes (git ls-tree).
const (
	modeFile    = "100644"
	modeExec    = "100755"
	modeSymlink = "120000"
	modeGitlink = "160000"
	modeTree    = "040000"
)

// treeModes returns the mode of each of paths (slash-separated, from the
// repository root) in the tree of rev; a path missing from the tree is
// missing from the map. It runs `git ls-tree --full-tree -z REV -- PATHS`.
func treeModes(ctx context.Context, dir, rev string, paths ...string) (map[string]string, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("revision %q may not start with '-'", rev)
	}
	args := append([]string{"ls-tree", "--full-tree", "-z", rev, "--"}, paths...)
	// Literal pathspecs: a path is itself, never a glob or magic.
	literal := func(cmd *exec.Cmd) { cmd.Env = append(cmd.Env, "GIT_LITERAL_PATHSPECS=1") }
	out, err := gitrun.Repo{Dir: dir, Setup: literal}.Output(ctx, nil, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the tree of %s: %w", short(rev, ""), err)
	}
	modes := map[string]string{}
	for _, rec := range bytes.Split(out, []byte{0}) {
		// "<mode> SP <type> SP <oid> TAB <path>"
		meta, p, ok := bytes.Cut(rec, []byte{'\t'})
		if f := strings.Fields(string(meta)); ok && len(f) == 3 {
			modes[string(p)] = f[0]
		}
	}
	return modes, nil
}

// regularFile says why the entry of mode at p is not a regular file, or ""
// when it is one or when there is none ("" mode).
func regularFile(p, mode string) string {
	switch mode {
	case "", modeFile, modeExec:
		return ""
	case modeSymlink:
		return p + " is a symbolic link"
	case modeGitlink:
		return p + " is a git submodule"
	case modeTree:
		return p + " is a directory"
	default:
		return fmt.Sprintf("%s is not a regular file (mode %s)", p, mode)
	}
}
