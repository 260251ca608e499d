package launch

import (
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
// either. A file is not read as a config here: its content is part of an
// entry of its own that cannot be judged (fail closed), and a file outside
// the repository is an error.
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
		out = mergeEntries(out, es)
	}
	return out, nil
}

// mergeEntries adds es to out, an entry of es replacing one of out with
// the same name (a later config's server of that name wins).
func mergeEntries(out, es []Entry) []Entry {
	for _, e := range es {
		kept := out[:0]
		for _, x := range out {
			if x.Name != e.Name {
				kept = append(kept, x)
			}
		}
		out = append(kept, e)
	}
	return out
}

// pluginFileEntry is the entry standing for the servers of the file the
// string v names (./servers.json, relative to the plugin's root): Claude
// Code starts them with the plugin, and they are not read here, so the
// file's content is part of a loud grant (editing it is a widened row) and
// the entry cannot be judged; a file outside the repository, or one whose
// place the tree cannot tell (a variable, ~, an absolute path), is an error.
func pluginFileEntry(p string, v *jsonx.Value) (Entry, error) {
	at := pos(v.Pos)
	rel := strings.ReplaceAll(v.Str, `\`, "/")
	if rel == "" || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, "~") || strings.Contains(rel, "$") || windowsPath(rel) {
		return Entry{}, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("mcpServers names %q, which is not a path of the plugin: its servers cannot be read (fail closed)", v.Str))}
	}
	full := path.Clean(path.Join(projectRoot(p), rel))
	if full == ".." || strings.HasPrefix(full, "../") {
		return Entry{}, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("mcpServers names %q, outside the repository: its servers cannot be read (fail closed)", v.Str))}
	}
	name := "mcpServers " + v.Str
	return Entry{
		Name: name, Pos: at, Kind: Shell, Runs: "the servers of " + full, cfgPath: p,
		Grants: []Grant{{Kind: GRaw, Key: name, File: full, Loud: true, Pos: at,
			Why: "Claude Code starts the servers of " + full + " with the plugin; that file is not read as a launch config here, so any of them may run on the host with no sandbox"}},
		Unjudged: []Note{{Text: "the plugin's servers are in " + full + ", which is not read as a launch config: what they run cannot be judged (fail closed)", Pos: at}},
	}, nil
}
