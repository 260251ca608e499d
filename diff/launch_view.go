package diff

import (
	"path"
	"strings"

	"github.com/razukc/capgate-action/launch"
	"github.com/razukc/capgate-action/sandbox"
)

// viewRows judges the mounts of a bwrap, docker or podman entry on the
// effective views package sandbox builds (mounts applied in the engine's
// order: bwrap in argv order, docker by destination depth), so that a
// read-only child that a writable parent now hides is widened even when
// the set of mounts did not change. It adds the fs widenings the grant
// comparison (rows) did not already report: a view delta at the source
// of a mount that a widened row names, with that access or more, or at a
// dropped read-only mount a widened row names, and at no other point. Every view row was dropped when any fs grant row was
// widened: a harmless new read-only mount hid a later writable bind that
// now hid the read-only ~/.ssh inside it, and fail-on loud passed.
func viewRows(b, h *launch.Entry, rows []Change) []Change {
	bs, hs := entrySandbox(b), entrySandbox(h)
	if bs == nil || hs == nil {
		return nil
	}
	shown, dropped := shownMounts(h, rows), droppedMounts(b, rows)
	var out []Change
	for _, d := range sandbox.Compare(bs, hs) {
		if d.Aspect != sandbox.AspectFS || d.Severity != sandbox.Widened {
			continue
		}
		if !strings.Contains(d.Why, "; also at ") {
			if a, ok := shown[d.Ref.Path]; ok && a >= d.Ref.Access && d.Ref.Source == d.Ref.Path {
				continue // the grant's own row says it
			}
			if d.Ref.Shadow == d.Ref.Path && dropped[d.Ref.Path] {
				continue // the row of the read-only mount dropped says it
			}
		}
		out = append(out, Change{Severity: Widened, Kind: kFS, Target: Targets(h.Kind), Before: h.Name + ": " + d.Before, After: h.Name + ": " + d.After,
			Why: d.Why + " (mounts applied in the engine's order)", Loud: loudPath(cleanPath(d.Ref.Path), true) != "" && d.After != "",
			Line: h.Pos.Line, Col: h.Pos.Col, Side: SideHead})
	}
	return out
}

// droppedMounts lists the host paths of the fs grants of b that a
// widened row of rows names as dropped (a read-only mount under a writable
// one).
func droppedMounts(b *launch.Entry, rows []Change) map[string]bool {
	widened := map[string]bool{}
	for _, c := range rows {
		if c.Kind == kFS && c.Severity == Widened && c.After == "" {
			widened[c.Before] = true
		}
	}
	out := map[string]bool{}
	for _, g := range b.Grants {
		if g.Kind == launch.GFS && widened[grantText(b.Name, g)] {
			out[cleanPath(g.Key)] = true
		}
	}
	return out
}

// shownMounts maps the host path of each fs grant of h that a widened row
// of rows names to the access the row shows.
func shownMounts(h *launch.Entry, rows []Change) map[string]sandbox.Access {
	widened := map[string]bool{}
	for _, c := range rows {
		if c.Kind == kFS && c.Severity == Widened {
			widened[c.After] = true
		}
	}
	out := map[string]sandbox.Access{}
	for _, g := range h.Grants {
		if g.Kind != launch.GFS || !widened[grantText(h.Name, g)] {
			continue
		}
		a := sandbox.Read
		if g.Write {
			a = sandbox.Write
		}
		p := cleanPath(g.Key)
		out[p] = max(out[p], a)
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
