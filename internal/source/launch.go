package source

import (
	"context"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/launch"
)

// readSettings reads into in the srt settings files the entries of its
// launch configs name, each from its own side.
func readSettings(ctx context.Context, base, head Side, in *diff.Input) error {
	paths := append(settingsPaths(in.LaunchBase), settingsPaths(in.LaunchHead)...)
	if len(paths) == 0 {
		return nil
	}
	pats := make([]string, len(paths))
	for i, p := range paths {
		pats[i] = LiteralPattern(p)
	}
	m, err := NewMatcher(pats)
	if err != nil {
		return err
	}
	in.SettingsBase, in.SettingsHead, err = readSides(ctx, base, head, m)
	return err
}

// settingsPaths lists the srt settings files the entries of configs name,
// and the other files of the tree their grants read (a seccomp profile)
// (a config that does not parse names none: diff reports its error).
func settingsPaths(configs []File) []string {
	var out []string
	for _, f := range configs {
		if f.Err != nil {
			continue
		}
		cfg, err := launch.Parse(f.Path, f.Data)
		if err != nil {
			continue
		}
		for _, e := range cfg.Entries {
			if e.Settings != "" {
				out = append(out, e.Settings)
			}
			for _, g := range e.Grants {
				if g.File != "" {
					out = append(out, g.File)
				}
				// Each directory on the way, to find a symbolic link.
				for p := g.InTree; p != "" && p != "."; p = path.Dir(p) {
					out = append(out, p)
				}
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// LiteralPattern makes a path a doublestar pattern (as Options.Patterns
// takes) that matches that path only.
func LiteralPattern(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[]{}\!`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
