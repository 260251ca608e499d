package launch

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// pluginEntries reads the mcpServers of a Claude Code plugin's manifest
// (.claude-plugin/plugin.json; plugins-reference.md, "Component path
// fields": string, array or object, "MCP config paths or inline config"):
// an object is a map of servers, read as .mcp.json's; a string is a file
// of the plugin holding them, relative to the plugin's root; a list holds
// either; a name given twice is two entries. A file is an entry of its own until its servers are read from
// the same tree (Entry.PluginServers); a file outside the repository is an
// error.
func pluginEntries(p string, root *jsonx.Value) ([]Entry, error) {
	ms := root.Get("mcpServers")
	if ms == nil || ms.Kind == jsonx.Null {
		return nil, nil
	}
	items := []*jsonx.Value{ms}
	if ms.Kind == jsonx.Array {
		items = ms.Items
	}
	var out []Entry
	for _, it := range items {
		var es []Entry
		var err error
		switch it.Kind {
		case jsonx.Object:
			es, err = jsonEntries(ClaudePlugin, p, root, it)
		case jsonx.String:
			var e Entry
			e, err = pluginFileEntry(p, it)
			es = []Entry{e}
		default:
			err = &Error{diag.Placed(p, it.Pos, CodeShape, "mcpServers is not an object of servers, a path, or a list of them")}
		}
		if err != nil {
			return nil, err
		}
		// A name twice (two objects, or a file's): each is kept, and
		// paired with the base's of that name in its order; which one
		// Claude Code starts is unverified (VS Code's plugin reader
		// takes the first). A later object replaced an earlier one, so
		// the first, if Claude Code starts it, went unread.
		out = append(out, es...)
	}
	return out, nil
}

// pluginFileEntry is the entry standing for the servers of the file the
// string v names (./servers.json, relative to the plugin's root), which
// Claude Code starts with the plugin: PluginServers replaces it with them.
// While it stands (the file is not in the tree) it cannot be judged, and
// the file's content is part of a loud grant; a file outside the
// repository, or one whose place the tree cannot tell (a variable, ~, an
// absolute path), is an error.
func pluginFileEntry(p string, v *jsonx.Value) (Entry, error) {
	at := pos(v.Pos)
	rel := v.Str
	if strings.TrimSpace(rel) != rel {
		// VS Code's plugin reader trims the path (pluginParsers.ts
		// parseComponentPathConfig): " ./s.json" opens s.json there,
		// and here it named no file, an entry that could not be judged
		// on both sides however s.json was edited.
		return Entry{}, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("mcpServers names %q, with space around it: VS Code reads the path trimmed, Claude Code maybe not, so which file is read cannot be told (fail closed)", v.Str))}
	}
	if strings.Contains(rel, `\`) {
		// On Linux and macOS a\b.json is one file of that name, on
		// Windows b.json in a: which one runs cannot be told.
		return Entry{}, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("mcpServers names %q, whose backslash is part of a file name on Linux and macOS and a separator on Windows: which file is read cannot be told (fail closed): write the path with /", v.Str))}
	}
	if rel == "" || hostPath(rel) {
		return Entry{}, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("mcpServers names %q, which is not a path of the plugin: its servers cannot be read (fail closed)", v.Str))}
	}
	full := path.Clean(path.Join(projectRoot(p), rel))
	if aboveRoot(full) {
		return Entry{}, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("mcpServers names %q, outside the repository: its servers cannot be read (fail closed)", v.Str))}
	}
	name := "mcpServers " + v.Str
	return Entry{
		Name: name, Pos: at, Kind: Shell, Runs: "the servers of " + full, cfgPath: p, pluginFile: full,
		Grants: []Grant{{Kind: GRaw, Key: name, File: full, Loud: true, Pos: at,
			Why: "Claude Code starts the servers of " + full + " with the plugin; unread, any of them may run on the host with no sandbox"}},
		Unjudged: []Note{{Text: "the plugin's servers are in " + full + ", which is not read: what they run cannot be judged (fail closed)", Pos: at}},
	}, nil
}

// PluginFile is the tree path of the file of servers a Claude Code
// plugin's mcpServers names, for which e stands until PluginServers reads
// it; "" for any other entry.
func (e *Entry) PluginFile() string { return e.pluginFile }

// PluginServers reads data, the file PluginFile names, into the servers
// Claude Code starts from it, each read as a server of the plugin's
// manifest (${CLAUDE_PLUGIN_ROOT} the plugin's root) and placed at e, the
// manifest's mcpServers string, with the file's line in each grant's Why.
// The file is a map of servers, or holds one under mcpServers, as a
// .mcp.json does; one that does not parse, or is not shaped so, is an
// *Error of that file.
func (e *Entry) PluginServers(data []byte) ([]Entry, error) {
	src, open := jsonc(data, true)
	if open >= 0 {
		return nil, &Error{diag.At(e.pluginFile, data, open, CodeParse, "unterminated /* comment")}
	}
	root, err := jsonx.Parse(src)
	if err != nil {
		return nil, parseError(e.pluginFile, err)
	}
	if root.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(e.pluginFile, root.Pos, CodeShape, "the file is not a JSON object")}
	}
	servers, key := serversOf(ClaudeCode, root)
	if servers != nil && servers.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(e.pluginFile, servers.Pos, CodeShape, key+" is not an object")}
	}
	es, err := jsonEntries(ClaudePlugin, e.cfgPath, root, servers)
	var le *Error
	if errors.As(err, &le) {
		le.Path = e.pluginFile // the place is the file's
		return nil, le
	}
	for i := range es {
		placeAt(&es[i], e.pluginFile, e.Pos)
	}
	return es, err
}

// PluginRootServers reads data, the .mcp.json at file in the root of the
// Claude Code plugin whose manifest is at manifest
// (p/.claude-plugin/plugin.json), into the servers Claude Code starts
// from it with the plugin, read as the manifest's servers are
// (PluginServers): ${CLAUDE_PLUGIN_ROOT} the plugin's root, and started
// where the user runs Claude Code, any path (anthropics/claude-code#17565:
// a plugin's .mcp.json server starts in the launch directory). Read by
// its name alone, the file is a project's, whose directory is the
// plugin's: -v .:/w mounted the plugin, not the user's project.
func PluginRootServers(manifest, file string, data []byte) ([]Entry, error) {
	e := Entry{cfgPath: manifest, pluginFile: file, Pos: Pos{Line: 1, Col: 1}}
	return e.PluginServers(data)
}

// PluginRoot is the directory of the plugin whose manifest is at the
// slash-separated path manifest (the one holding .claude-plugin), or ""
// when manifest is not a plugin's manifest (.claude-plugin/plugin.json).
func PluginRoot(manifest string) string {
	if ClientOf(manifest) != ClaudePlugin || !strings.EqualFold(path.Base(manifest), "plugin.json") {
		return ""
	}
	return projectRoot(manifest)
}

// placeAt moves x, read from the file f, to at, keeping the file's line
// in each grant's Why.
func placeAt(x *Entry, f string, at Pos) {
	for j := range x.Grants {
		g := &x.Grants[j]
		line := g.Pos.Line
		if line == 0 { // a grant of no argument (the default network)
			line = x.Pos.Line
		}
		g.Why = strings.TrimPrefix(g.Why+"; ", "; ") + fmt.Sprintf("%s:%d", f, line)
		g.Pos = at
	}
	for j := range x.Unjudged {
		x.Unjudged[j].Pos = at
	}
	x.Pos, x.SettingsPos = at, at
}

// marketplaceEntries reads a Claude Code marketplace's catalog,
// .claude-plugin/marketplace.json (schemastore claude-code-marketplace.json;
// code.claude.com/docs plugins/marketplace-reference). A plugin entry's
// mcpServers (a path, an object of servers, or a list of either: "MCP
// servers to include in the plugin") are servers Claude Code starts with
// the plugin, whether the entry merges with the plugin's manifest (strict,
// the default) or is the whole of it ("strict": false). They are not read
// here as servers (their paths are the plugin's, wherever its source puts
// it): each plugin's are one entry that cannot be judged, loud, keyed with
// their whole value, so that any change to them is a widened row. A
// source object of a type the schema does not list (npm, url, github,
// git-subdir) is such an entry too (fail closed): what Claude Code does
// with it is not known.
func marketplaceEntries(p string, root *jsonx.Value) ([]Entry, error) {
	plugins := root.Get("plugins")
	if plugins == nil || plugins.Kind == jsonx.Null {
		return nil, nil
	}
	if plugins.Kind != jsonx.Array {
		return nil, &Error{diag.Placed(p, plugins.Pos, CodeShape, "plugins is not a list")}
	}
	var out []Entry
	for i, pl := range plugins.Items {
		if pl.Kind != jsonx.Object {
			return nil, &Error{diag.Placed(p, pl.Pos, CodeShape, fmt.Sprintf("plugins[%d] is not an object", i))}
		}
		name := fmt.Sprintf("plugins[%d]", i)
		if n := pl.Get("name"); n != nil && n.Kind == jsonx.String {
			name = n.Str
		}
		if v := pl.Get("mcpServers"); v != nil && v.Kind != jsonx.Null {
			e := marketplaceEntry(name, "mcpServers", v)
			e.Grants = append(e.Grants, marketplaceFiles(p, root, pl, v)...)
			out = append(out, e)
		}
		if v := pl.Get("source"); v != nil && unknownSource(v) {
			out = append(out, marketplaceEntry(name, "source", v))
		} else if v != nil && outsideSource(p, root, v) {
			out = append(out, marketplaceEntry(name, "path", v))
		}
	}
	return out, nil
}

// marketplaceFiles are the grants of the files of the tree that the
// mcpServers v of the plugin entry pl names (a path, or paths in a list),
// relative to the plugin's root, when its source is a path of the
// repository: each grant's File makes the file's content part of its key
// (diff), so that editing a servers file the catalog names is a change,
// as editing the value is. The source is relative to the marketplace's
// root, or to metadata.pluginRoot there (the schema: "base path for
// relative plugin sources"; whether a ./ source takes it is not
// documented, so both places are read). A source elsewhere (github, npm)
// holds files no part of this repository.
func marketplaceFiles(p string, root, pl, v *jsonx.Value) []Grant {
	src := pl.Get("source")
	if src == nil || src.Kind != jsonx.String {
		return nil
	}
	bases := marketplaceBases(p, root)
	items := []*jsonx.Value{v}
	if v.Kind == jsonx.Array {
		items = v.Items
	}
	var out []Grant
	for _, it := range items {
		if it.Kind != jsonx.String {
			continue
		}
		for _, b := range bases {
			full, ok := treePath(b, src.Str, it.Str)
			if !ok {
				continue // not a file of the tree: the value's key alone
			}
			out = append(out, Grant{Kind: GRaw, Key: "mcpServers file " + full, File: full, Loud: true, Pos: pos(it.Pos),
				Why: "Claude Code starts the servers of " + full + " with the plugin; unread, any of them may run on the host with no sandbox"})
		}
	}
	return out
}

// MarketplacePlugins lists the roots of the plugins that a marketplace's
// catalog at p (its bytes data) takes from the repository (a source that
// is a path), as slash paths of the tree, sorted: Claude Code starts the
// servers of the .mcp.json at a plugin's root with the plugin, whether or
// not the plugin has a manifest ("strict": false). A source is relative
// to the marketplace's root, and also to metadata.pluginRoot when set
// (see marketplaceFiles). Nil for any other file, or one that does not
// parse (Parse reports it).
func MarketplacePlugins(p string, data []byte) []string {
	if ClientOf(p) != ClaudePlugin || !strings.EqualFold(path.Base(p), marketplace) {
		return nil
	}
	src, open := jsonc(data, true)
	if open >= 0 {
		return nil
	}
	root, err := jsonx.Parse(src)
	if err != nil || root.Kind != jsonx.Object {
		return nil
	}
	plugins := root.Get("plugins")
	if plugins == nil || plugins.Kind != jsonx.Array {
		return nil
	}
	var out []string
	for _, pl := range plugins.Items {
		if pl.Kind != jsonx.Object {
			continue
		}
		if s := pl.Get("source"); s != nil && s.Kind == jsonx.String {
			for _, b := range marketplaceBases(p, root) {
				if full, ok := treePath(b, s.Str, "."); ok {
					out = append(out, full)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// marketplaceBases are the directories a plugin source of the catalog at
// p (root) is relative to: the marketplace's root, and metadata.pluginRoot
// there when set.
func marketplaceBases(p string, root *jsonx.Value) []string {
	bases := []string{projectRoot(p)}
	if md := root.Get("metadata"); md != nil && md.Kind == jsonx.Object {
		if pr := md.Get("pluginRoot"); pr != nil && pr.Kind == jsonx.String && pr.Str != "" {
			bases = append(bases, path.Join(projectRoot(p), pr.Str))
		}
	}
	return bases
}

// treePath joins base, the plugin's source src and rel, a path of the
// plugin, and reports whether that is a path of the tree (neither above
// it, nor absolute, nor holding a variable, ~ or a backslash).
func treePath(base, src, rel string) (string, bool) {
	full := path.Clean(path.Join(base, src, rel))
	if aboveRoot(full) || strings.HasPrefix(src, "/") || strings.HasPrefix(rel, "/") ||
		strings.ContainsAny(src+rel, "$~\\") {
		return "", false
	}
	return full, true
}

// outsideSource reports whether v, a plugin entry's source, is a path
// that leads out of the tree from the marketplace's root or its
// metadata.pluginRoot ("./../x", "/opt/p", "~/p"): the plugin is what that
// host path holds, no part of the pull request, so its servers cannot be
// judged. Read as no entry, a source moved from ./p to .. read as the
// plugin's servers removed, narrowed.
func outsideSource(p string, root, v *jsonx.Value) bool {
	if v.Kind != jsonx.String {
		return false
	}
	for _, b := range marketplaceBases(p, root) {
		if _, ok := treePath(b, v.Str, "."); !ok {
			return true
		}
	}
	return false
}

// unknownSource reports whether v, a plugin entry's source, is neither a
// path (a string) nor an object of a type the schema lists.
func unknownSource(v *jsonx.Value) bool {
	switch v.Kind {
	case jsonx.String:
		return false
	case jsonx.Object:
		t := v.Get("source")
		if t == nil || t.Kind != jsonx.String {
			return true
		}
		switch t.Str {
		case "npm", "url", "github", "git-subdir":
			return false
		}
	}
	return true
}

// marketplaceEntry is the entry of the field key (value v) of the plugin
// name in a marketplace's catalog.
func marketplaceEntry(name, key string, v *jsonx.Value) Entry {
	at := pos(v.Pos)
	why := "the plugin's servers, which Claude Code starts with the plugin: not read from a marketplace entry, any of them may run on the host with no sandbox"
	note := "the mcpServers of marketplace plugin " + name + " are not read: what they run cannot be judged (fail closed)"
	switch key {
	case "source":
		why = "a plugin source of a type the marketplace schema does not list: what Claude Code fetches or runs for it is not known"
		note = "the source of marketplace plugin " + name + " is of no known type: what it does cannot be judged (fail closed)"
	case "path":
		key = "source"
		why = "a plugin source outside the repository: the plugin, its servers among it, is what that host path holds"
		note = "the source of marketplace plugin " + name + " is a path outside the repository: what it starts cannot be judged (fail closed)"
	}
	return Entry{
		Name: name + " " + key, Pos: at, Kind: Shell, Runs: "plugin " + name,
		Grants:   []Grant{{Kind: GHost, Key: key + " " + short(v), Loud: true, Pos: at, Why: why}},
		Unjudged: []Note{{Text: note, Pos: at}},
	}
}
