package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/launch"
	"github.com/razukc/capgate-action/lint"
)

// lintLaunch holds the launch configs found in the directories of paths
// against the manifests found with them: each entry matched with a
// manifest (diff.ManifestIndex.Match) that grants more than the manifest's
// policy is a launch-exceeds-manifest finding per excess grant, the
// manifest-derived policy as the hint. A config that does not parse is an
// error.
func (c *Command) lintLaunch(paths []string, patterns []string, manifests []input) []finding {
	var refs []diff.ManifestRef
	for _, in := range manifests {
		if in.err != nil {
			continue
		}
		if m, err := compiler.ParseManifest(in.data); err == nil {
			refs = append(refs, diff.ManifestRef{Path: in.name, Name: m.Name, Data: in.data})
		}
	}
	m, err := source.NewLaunchMatcher(patterns)
	if err != nil {
		return []finding{unreadable("--launch", err.Error())}
	}
	ix := diff.NewManifestIndex(refs)
	var out []finding
	for _, p := range paths {
		st, err := os.Stat(c.path(p))
		if p == "-" || err != nil || !st.IsDir() {
			continue
		}
		root := &source.Dir{Root: c.path(p)}
		files, err := root.Read(context.Background(), m)
		if err != nil {
			out = append(out, unreadable(p, "cannot read directory: "+unwrapPath(err).Error()))
			continue
		}
		for _, f := range files {
			out = append(out, c.lintConfig(root, path.Join(filepath.ToSlash(p), f.Path), f, ix)...)
		}
	}
	return out
}

func (c *Command) lintConfig(root *source.Dir, name string, f source.File, ix diff.ManifestIndex) []finding {
	if f.Err != nil {
		return []finding{unreadable(name, f.Err.Error())}
	}
	cfg, err := launch.Parse(f.Path, f.Data)
	var le *launch.Error
	if errors.As(err, &le) {
		return []finding{{diag.Diagnostic{Path: name, Line: le.Line, Col: le.Col, Severity: severityError, Code: le.Code, Message: le.Message}}}
	}
	if err != nil {
		return []finding{{diag.Diagnostic{Path: name, Line: 1, Col: 1, Severity: severityError, Code: launch.CodeParse, Message: err.Error()}}}
	}
	var out []finding
	for i := range cfg.Entries {
		e := &cfg.Entries[i]
		ms := ix.Match(e)
		if len(ms) == 0 {
			continue
		}
		if e.Settings != "" {
			c.addSettings(root, cfg.Client, e)
		}
		x, err := diff.LaunchExcess(e, ms[0].Data)
		if err != nil {
			continue // the manifest's own findings say why it does not compile
		}
		against := fmt.Sprintf("manifest %s (name %q", ms[0].Path, ms[0].Name)
		if len(ms) > 1 {
			var others []string
			for _, o := range ms[1:] {
				others = append(others, o.Path)
			}
			against += "; ambiguous: " + strings.Join(others, ", ") + " match too"
		}
		against += ")"
		for j, ch := range x.Changes {
			grant := ch.After
			if grant == "" {
				grant = ch.Before + " dropped"
			}
			fd := finding{diag.Diagnostic{Path: name, Line: ch.Line, Col: ch.Col, Severity: severityWarning, Code: lint.RuleLaunchExceedsManifest,
				Message: fmt.Sprintf("server %q (%s) grants more than %s: %s: %s", e.Name, e.Kind, against, grant, ch.Why)}}
			if j == 0 && x.Paste != "" {
				fd.Hint = "the manifest's policy as " + x.PasteKind + ": " + x.Paste
			}
			out = append(out, fd)
		}
	}
	return out
}

// addSettings reads the srt settings file e names from the same tree.
func (c *Command) addSettings(root *source.Dir, client launch.Client, e *launch.Entry) {
	data, err := os.ReadFile(filepath.Join(root.Root, filepath.FromSlash(e.Settings)))
	if err != nil {
		e.Unjudged = append(e.Unjudged, launch.Note{Text: "srt settings " + e.Settings + " cannot be read: " + unwrapPath(err).Error(), Pos: e.SettingsPos})
		return
	}
	gs, err := e.SettingsGrants(client, data)
	if err != nil {
		e.Unjudged = append(e.Unjudged, launch.Note{Text: err.Error(), Pos: e.SettingsPos})
		return
	}
	for _, g := range gs {
		g.Pos = e.SettingsPos
		e.Grants = append(e.Grants, g)
	}
}
