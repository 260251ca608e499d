package diff

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/launch"
)

// A launch entry is held against the manifest of the server it runs: the
// manifest is compiled to the entry's sandbox kind and the entry's grants
// are compared with what that policy grants. Whatever the entry grants
// beyond it is excess (capgate lint's launch-exceeds-manifest).

// ManifestRef is a manifest a launch entry may be matched with.
type ManifestRef struct {
	Path string
	Name string
	Data []byte
}

// ManifestIndex finds manifests by name; see Match.
type ManifestIndex map[string][]ManifestRef

// NewManifestIndex indexes ms by name, each name's manifests by path.
func NewManifestIndex(ms []ManifestRef) ManifestIndex {
	ix := ManifestIndex{}
	for _, m := range ms {
		if m.Name != "" {
			ix[m.Name] = append(ix[m.Name], m)
		}
	}
	for _, l := range ix {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Path < l[j].Path })
	}
	return ix
}

// Match finds the manifests of entry e: those whose name equals what e
// runs (the image without tag or digest, the package without version) or
// e's server key, by path. More than one is ambiguous: the caller uses the
// first and names the others.
func (ix ManifestIndex) Match(e *launch.Entry) []ManifestRef {
	var out []ManifestRef
	seen := map[string]bool{}
	for _, n := range []string{e.Runs, imageName(e.Runs), e.Name} {
		for _, m := range ix[n] {
			if !seen[m.Path] {
				seen[m.Path] = true
				out = append(out, m)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// imageName strips a tag or digest from an image reference, and docker
// hub's implied prefixes: "docker.io/library/x:1" is "x".
func imageName(ref string) string {
	if i := strings.IndexByte(ref, '@'); i > 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	ref = strings.TrimPrefix(ref, "docker.io/")
	return strings.TrimPrefix(ref, "library/")
}

// Excess is what a launch entry grants beyond its manifest's policy.
type Excess struct {
	// Changes are the grants beyond the policy, as widened changes at
	// the entry's lines.
	Changes []Change
	// Paste is the manifest-derived policy for the entry's sandbox kind,
	// ready to paste: docker run flags, bwrap argv, or an srt settings
	// file; "" when the kind has none.
	Paste string
	// PasteKind says what Paste is: "docker run flags", "bwrap argv",
	// "srt settings (FILE)".
	PasteKind string
}

// LaunchExcess compiles manifest src to e's sandbox kind and lists what e
// grants beyond it. A bare or shell entry is all excess: nothing confines
// it. Remote and disabled entries have none.
func LaunchExcess(e *launch.Entry, src []byte) (*Excess, error) {
	target := map[launch.Kind]string{launch.Docker: compiler.TargetDocker, launch.Podman: compiler.TargetDocker,
		launch.Bwrap: compiler.TargetBwrap, launch.Srt: compiler.TargetSrt, launch.VSCodeSandbox: compiler.TargetSrt,
		launch.Bare: compiler.TargetDocker, launch.Shell: compiler.TargetDocker}[e.Kind]
	if target == "" {
		return &Excess{}, nil
	}
	r, err := compiler.CompileTargets(src, []string{target})
	if err != nil {
		return nil, err
	}
	a := r.Artifacts.Get(target)
	x := &Excess{}
	var policy []launch.Grant
	switch target {
	case compiler.TargetDocker:
		policy = launch.DockerRunGrants(a.Argv)
		x.PasteKind, x.Paste = "docker run flags", "docker run -i "+shellJoin(a.Argv)+" "+shellQuote(orImage(e))
		if e.Kind != launch.Docker && e.Kind != launch.Podman {
			x.PasteKind = "docker run flags (IMAGE: a container image of the server)"
		}
	case compiler.TargetBwrap:
		policy = launch.BwrapGrants(a.Argv)
		x.PasteKind, x.Paste = "bwrap argv", "bwrap "+shellJoin(a.Argv)+" -- "+shellQuote(orImage(e))
	case compiler.TargetSrt:
		gs, err := launch.SrtSettings(launch.Codex, a.Filename, []byte(a.Config))
		if err != nil {
			return nil, fmt.Errorf("compiled srt settings: %w", err)
		}
		policy = append(launch.SrtDefaults(), gs...)
		x.PasteKind, x.Paste = "srt settings ("+a.Filename+")", a.Config
	}
	switch e.Kind {
	case launch.Bare, launch.Shell:
		why := "runs bare: nothing confines it, while its manifest compiles to a sandbox"
		if e.Kind == launch.Shell {
			why = "runs through a shell string: its sandbox cannot be judged against the manifest"
		}
		x.Changes = []Change{{Severity: Widened, Kind: KindLaunch, Target: Targets(e.Kind), After: e.Name + ": " + runs(e),
			Why: why, Loud: e.Kind == launch.Bare, Line: e.Pos.Line, Col: e.Pos.Col, Side: SideHead}}
		return x, nil
	}
	base, head := excessKeys(policy), excessKeys(e.Grants)
	for _, c := range compareGrants(e.Name, string(e.Kind), e.Pos, base, head, false) {
		if c.Severity == Widened {
			c.Why = "beyond the manifest: " + c.Why
			x.Changes = append(x.Changes, c)
		}
	}
	for _, n := range e.Unjudged {
		p := n.Pos
		if p.Line == 0 {
			p = e.Pos
		}
		x.Changes = append(x.Changes, Change{Severity: Widened, Kind: KindLaunch, Target: Targets(e.Kind), After: e.Name,
			Why: "cannot be judged against the manifest: " + n.Text, Line: p.Line, Col: p.Col, Side: SideHead})
	}
	sortChanges(x.Changes)
	return x, nil
}

func orImage(e *launch.Entry) string {
	if e.Runs != "" && (e.Kind == launch.Docker || e.Kind == launch.Podman || e.Kind == launch.Bwrap) {
		return e.Runs
	}
	return "IMAGE"
}

// excessKeys rewrites grants for comparison with a manifest's policy: a
// mount is what the server sees at its destination (the manifest names
// paths as the server sees them), unless its host side is loud; domains
// lose their port (srt's settings carry host:port).
func excessKeys(gs []launch.Grant) []launch.Grant {
	out := make([]launch.Grant, 0, len(gs))
	for _, g := range gs {
		switch {
		case g.Kind == launch.GFS && g.Dest != "" && grantLoud(g) == "":
			g.Key = path.Clean(g.Dest)
		case g.Kind == launch.GNet:
			if i := strings.LastIndexByte(g.Key, ':'); i > 0 && !strings.Contains(g.Key[i:], "]") {
				g.Key = g.Key[:i]
			}
		}
		out = append(out, g)
	}
	return out
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// Exceeding is one launch entry that grants more than its manifest.
type Exceeding struct {
	// Server is the entry's key, Kind its launch kind, Line its line.
	Server string      `json:"server"`
	Kind   launch.Kind `json:"kind"`
	Line   int         `json:"line"`
	// Manifest is the matched manifest's path, Name its name; Ambiguous
	// lists other manifests that match too.
	Manifest  string   `json:"manifest"`
	Name      string   `json:"name"`
	Ambiguous []string `json:"ambiguous,omitempty"`
	// Changes are the grants beyond the manifest's policy.
	Changes []Change `json:"changes"`
	// Paste and PasteKind are the manifest-derived policy (see Excess).
	Paste     string `json:"paste,omitempty"`
	PasteKind string `json:"paste_kind,omitempty"`
}

// withExcess holds each head entry of the launch configs ls against the
// head manifest it matches (ManifestIndex.Match) and records what it grants
// beyond it in its config's Exceeds.
func withExcess(ls []ManifestDiff, h *launchSide, hf []File) []ManifestDiff {
	var refs []ManifestRef
	for _, f := range hf {
		if f.Err != nil {
			continue
		}
		if m, err := compiler.ParseManifest(f.Data); err == nil {
			refs = append(refs, ManifestRef{Path: f.Path, Name: m.Name, Data: f.Data})
		}
	}
	if len(refs) == 0 {
		return ls
	}
	ix := NewManifestIndex(refs)
	for i := range ls {
		cfg := h.cfgs[ls[i].Path]
		if cfg == nil {
			continue
		}
		for j := range cfg.Entries {
			if x := exceeding(&cfg.Entries[j], ix); x != nil {
				ls[i].Exceeds = append(ls[i].Exceeds, *x)
			}
		}
	}
	return ls
}

func exceeding(e *launch.Entry, ix ManifestIndex) *Exceeding {
	ms := ix.Match(e)
	if len(ms) == 0 {
		return nil
	}
	x, err := LaunchExcess(e, ms[0].Data)
	if err != nil || len(x.Changes) == 0 {
		return nil
	}
	out := &Exceeding{Server: e.Name, Kind: e.Kind, Line: e.Pos.Line, Manifest: ms[0].Path, Name: ms[0].Name,
		Changes: x.Changes, Paste: x.Paste, PasteKind: x.PasteKind}
	for _, o := range ms[1:] {
		out.Ambiguous = append(out.Ambiguous, o.Path)
	}
	return out
}
