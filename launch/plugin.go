package launch

import (
	"errors"
	"fmt"
	"path"
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
	if rel == "" || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, "~") || strings.Contains(rel, "$") || windowsPath(rel) {
		return Entry{}, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("mcpServers names %q, which is not a path of the plugin: its servers cannot be read (fail closed)", v.Str))}
	}
	full := path.Clean(path.Join(projectRoot(p), rel))
	if full == ".." || strings.HasPrefix(full, "../") {
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
