package diff

import (
	"path"

	"github.com/razukc/capgate-action/launch"
	"github.com/razukc/capgate-action/sandbox"
)

// viewRows judges the mounts of a bwrap, docker or podman entry on the
// effective views package sandbox builds (mounts applied in the engine's
// order: bwrap in argv order, docker by destination depth), so that a
// read-only child that a writable parent now hides is widened even when
// the set of mounts did not change. It adds the fs widenings the grant
// comparison did not already report.
func viewRows(b, h *launch.Entry, rows []Change) []Change {
	bs, hs := entrySandbox(b), entrySandbox(h)
	if bs == nil || hs == nil {
		return nil
	}
	for _, c := range rows {
		if c.Kind == kFS && c.Severity == Widened {
			return nil
		}
	}
	var out []Change
	for _, d := range sandbox.Compare(bs, hs) {
		if d.Aspect != sandbox.AspectFS || d.Severity != sandbox.Widened {
			continue
		}
		out = append(out, Change{Severity: Widened, Kind: kFS, Target: Targets(h.Kind), Before: h.Name + ": " + d.Before, After: h.Name + ": " + d.After,
			Why: d.Why + " (mounts applied in the engine's order)", Loud: loudPath(cleanPath(d.Ref.Path), true) != "" && d.After != "",
			Line: h.Pos.Line, Col: h.Pos.Col, Side: SideHead})
	}
	return out
}

// entrySandbox reads an entry's argv with package sandbox's reader of its
// kind, or nil when the entry is of another kind or cannot be read so.
func entrySandbox(e *launch.Entry) *sandbox.Sandbox {
	if e == nil {
		return nil
	}
	// Only an argv that starts the sandbox itself (not env … or npx …).
	if prog := path.Base(e.Command); prog != "bwrap" && prog != "docker" && prog != "podman" {
		return nil
	}
	switch e.Kind {
	case launch.Bwrap:
		return sandbox.ReadBwrap(e.Args)
	case launch.Docker, launch.Podman:
		if len(e.Args) == 0 || e.Args[0] != "run" {
			return nil
		}
		return sandbox.ReadDocker(e.Args[1:])
	}
	return nil
}
