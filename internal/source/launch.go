package source

import (
	"context"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/launch"
)

// readSettings reads into in the srt settings files the entries of its
// launch configs name, each from its own side.
func readSettings(ctx context.Context, base, head Side, in *diff.Input) error {
	if err := readPluginRoots(ctx, base, head, in); err != nil {
		return err
	}
	paths := append(settingsPaths(in.LaunchBase), settingsPaths(in.LaunchHead)...)
	if len(paths) == 0 {
		return nil
	}
	var err error
	if in.SettingsBase, in.SettingsHead, err = readPaths(ctx, base, head, paths); err != nil {
		return err
	}
	return readSettingsLinks(ctx, base, head, in, paths)
}

// readPluginRoots reads into in's launch configs, from both sides, the
// root .mcp.json of each Claude Code plugin a config of either side names
// (a plugin manifest, a marketplace catalog's path-source plugin:
// diff.PluginRoots) that the launch patterns did not match. Claude Code
// starts its servers with the plugin, as it reads the plugin's srt
// settings, whatever the patterns: with --launch naming the manifests
// only, a docker -v /:/h added there was unseen.
func readPluginRoots(ctx context.Context, base, head Side, in *diff.Input) error {
	have := map[string]bool{}
	for _, f := range append(slices.Clip(in.LaunchBase), in.LaunchHead...) {
		have[strings.ToLower(f.Path)] = true
	}
	var paths []string
	for _, cfgs := range [][]File{in.LaunchBase, in.LaunchHead} {
		ix := diff.NewFileIndex(cfgs)
		for _, f := range cfgs {
			if f.Err != nil {
				continue
			}
			for _, root := range diff.PluginRoots(f.Path, ix) {
				if p := path.Join(root, ".mcp.json"); !have[strings.ToLower(p)] {
					have[strings.ToLower(p)] = true
					paths = append(paths, p)
				}
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	sort.Strings(paths)
	b, h, err := readPaths(ctx, base, head, paths)
	if err != nil {
		return err
	}
	in.LaunchBase, in.LaunchHead = mergeFiles(in.LaunchBase, b), mergeFiles(in.LaunchHead, h)
	return nil
}

// readPaths reads the files at paths (slash paths, never patterns) of both
// sides.
func readPaths(ctx context.Context, base, head Side, paths []string) (bf, hf []File, err error) {
	pats := make([]string, len(paths))
	for i, p := range paths {
		pats[i] = LiteralPattern(p)
	}
	// In any case, as the client opens them on a case-insensitive file
	// system (diff.FileIndex picks the file a path names).
	m, err := NewLaunchMatcher(pats)
	if err != nil {
		return nil, nil, err
	}
	return readSides(ctx, base, head, m)
}

// readSettingsLinks reads the later rounds: into in each directory on the
// way to a path inside the repository that the srt settings files just
// read grant (allowWrite: ["./data"]), to find a symbolic link of the tree
// there, and the files the servers of a Claude Code plugin's servers file
// read, each from its own side; read lists what the first round read. A
// round may name files that name others (a plugin's servers file names an
// srt settings file, which grants a directory of the tree), so rounds go
// on until one names nothing new: a plugin server's srt settings granting
// ./data, with data a link to /, read as the unchanged ./data.
func readSettingsLinks(ctx context.Context, base, head Side, in *diff.Input, read []string) error {
	done := make(map[string]bool, len(read))
	for _, p := range read {
		done[p] = true
	}
	for {
		paths := append(settingsLinkPaths(in.LaunchBase, in.SettingsBase), settingsLinkPaths(in.LaunchHead, in.SettingsHead)...)
		sort.Strings(paths)
		paths = slices.DeleteFunc(slices.Compact(paths), func(p string) bool { return done[p] })
		if len(paths) == 0 {
			return nil
		}
		b, h, err := readPaths(ctx, base, head, paths)
		if err != nil {
			return err
		}
		in.SettingsBase, in.SettingsHead = mergeFiles(in.SettingsBase, b), mergeFiles(in.SettingsHead, h)
		for _, p := range paths {
			done[p] = true
		}
	}
}

// mergeFiles is a and b, sorted by path.
func mergeFiles(a, b []File) []File {
	out := append(slices.Clip(a), b...)
	slices.SortStableFunc(out, func(x, y File) int { return strings.Compare(x.Path, y.Path) })
	return out
}

// settingsLinkPaths lists each directory on the way to a path inside the
// repository that the srt settings files of configs (read, in settings)
// grant.
func settingsLinkPaths(configs, settings []File) []string {
	byPath := diff.NewFileIndex(settings)
	var out []string
	eachEntry(configs, func(client launch.Client, e *launch.Entry) {
		out = append(out, pluginPaths(client, e, byPath)...)
		out = settingsDirs(out, client, e, byPath)
	})
	return out
}

// settingsDirs appends each directory on the way to a path inside the
// repository that the srt settings file of e (read, in byPath) grants.
func settingsDirs(out []string, client launch.Client, e *launch.Entry, byPath *diff.FileIndex) []string {
	sf, ok := byPath.Get(e.Settings)
	if e.Settings == "" || !ok || sf.Err != nil {
		return out
	}
	gs, err := e.SettingsGrants(client, sf.Data)
	if err != nil {
		return out
	}
	for _, g := range gs {
		out = appendDirs(out, g.InTree)
	}
	return out
}

// pluginPaths lists the files of the tree the servers of a Claude Code
// plugin's servers file (read in the first round) read, as settingsPaths
// and settingsDirs list a config's: srt settings, the files their grants
// read, and each directory on the way to a path inside the repository
// that they or their srt settings (once read) grant.
func pluginPaths(client launch.Client, e *launch.Entry, byPath *diff.FileIndex) []string {
	f, ok := byPath.Get(e.PluginFile())
	if e.PluginFile() == "" || !ok || f.Err != nil {
		return nil
	}
	es, err := e.PluginServers(f.Data)
	if err != nil {
		return nil // diff reports it
	}
	var out []string
	for i := range es {
		out = append(out, entryPaths(&es[i])...)
		out = settingsDirs(out, client, &es[i], byPath)
	}
	return out
}

// entryPaths lists the srt settings file e names, the other files of the
// tree its grants read, and each directory on the way to a path of the
// repository it grants.
func entryPaths(e *launch.Entry) []string {
	var out []string
	if e.Settings != "" {
		out = append(out, e.Settings)
	}
	for _, g := range e.Grants {
		if g.File != "" {
			out = append(out, g.File)
		}
		out = appendDirs(out, g.InTree)
	}
	return out
}

// eachEntry calls fn for each entry of the configs that read and parse (a
// config that does not is diff's to report), a plugin manifest's with the
// servers of the plugin's root .mcp.json among configs, as diff reads
// them (launch.PluginRootServers).
func eachEntry(configs []File, fn func(launch.Client, *launch.Entry)) {
	var byPath *diff.FileIndex
	for _, f := range configs {
		if f.Err != nil {
			continue
		}
		cfg, err := launch.Parse(f.Path, f.Data)
		if err != nil {
			continue
		}
		if cfg.Client == launch.ClaudePlugin {
			if byPath == nil {
				byPath = diff.NewFileIndex(configs)
			}
			for _, root := range diff.PluginRoots(f.Path, byPath) {
				if m, ok := byPath.Get(path.Join(root, ".mcp.json")); ok && m.Err == nil {
					es, _ := launch.PluginRootServers(path.Join(root, ".claude-plugin", "plugin.json"), m.Path, m.Data)
					cfg.Entries = append(cfg.Entries, es...)
				}
			}
		}
		for i := range cfg.Entries {
			fn(cfg.Client, &cfg.Entries[i])
		}
	}
}

// appendDirs appends p and each directory above it inside the tree, where
// a symbolic link would turn the path elsewhere.
func appendDirs(out []string, p string) []string {
	for ; p != "" && p != "."; p = path.Dir(p) {
		out = append(out, p)
	}
	return out
}

// settingsPaths lists the srt settings files the entries of configs name,
// and the other files of the tree their grants read (a seccomp profile)
// (a config that does not parse names none: diff reports its error).
func settingsPaths(configs []File) []string {
	var out []string
	eachEntry(configs, func(_ launch.Client, e *launch.Entry) {
		out = append(out, entryPaths(e)...)
	})
	sort.Strings(out)
	return slices.Compact(out)
}

// LiteralPattern makes a path a doublestar pattern (as Options.Patterns
// takes) that matches that path only. White space is a class of itself
// ("[ ]"): NewMatcher trims a pattern, so " srt.json" matched srt.json,
// and an srt settings file named " srt.json" (srt -s " srt.json") was
// never read, nor its edits seen.
func LiteralPattern(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch {
		case strings.ContainsRune(`*?[]{}\!`, r):
			b.WriteByte('\\')
		case unicode.IsSpace(r):
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
