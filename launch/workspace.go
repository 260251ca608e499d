package launch

import (
	"fmt"
	"path"
	"strings"

	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// isCodeWorkspace reports whether p is a VS Code workspace file.
func isCodeWorkspace(p string) bool {
	return strings.HasSuffix(strings.ToLower(path.Base(p)), codeWorkspace)
}

// workspaceEntries reads the servers of a VS Code workspace file: its
// settings.mcp, shaped as .vscode/mcp.json (servers, inputs, sandbox;
// mcpResourceScannerService.ts reads target WORKSPACE so, and
// mcpConfigPathsService.ts names the section ["settings", "mcp"]). VS
// Code fills ${workspaceFolder} in with no folder of its own for these
// servers (configMcpDiscovery.ts: variableReplacement.folder is unset),
// that is with a folder of the workspace's "folders", which may lie
// anywhere: unless the one folder is the file's own directory (path "."),
// an entry whose paths are the workspace folder's, or relative to it,
// cannot be judged (fail closed).
func workspaceEntries(p string, root *jsonx.Value) ([]Entry, error) {
	settings := root.Get("settings")
	if settings == nil || settings.Kind == jsonx.Null {
		return nil, nil
	}
	if settings.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(p, settings.Pos, CodeShape, "settings is not an object")}
	}
	mcp := settings.Get("mcp")
	if mcp == nil || mcp.Kind == jsonx.Null {
		return nil, nil
	}
	if mcp.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(p, mcp.Pos, CodeShape, "settings.mcp is not an object")}
	}
	servers, key := serversOf(VSCode, mcp)
	if servers != nil && servers.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(p, servers.Pos, CodeShape, "settings.mcp."+key+" is not an object")}
	}
	out, err := jsonEntries(VSCode, p, mcp, servers)
	if err != nil || ownFolder(root.Get("folders")) {
		return out, err
	}
	outside := folderOutside(p, root.Get("folders"))
	for i := range out {
		if workspaceRelative(&out[i]) {
			out[i].Unjudged = append(out[i].Unjudged, Note{Pos: out[i].Pos,
				Text: "${workspaceFolder} and relative paths of a .code-workspace are those of a folder its \"folders\" names, not the file's directory: which one cannot be told (fail closed)"})
			if outside != "" {
				loudFolder(&out[i], outside)
			}
		}
	}
	return out, nil
}

// folderOutside returns the first folder of a workspace file's folders
// (at p) that may lie outside the repository: an absolute path, ~, one
// above the repository's root, a uri; "" when every one is inside.
func folderOutside(p string, folders *jsonx.Value) string {
	if folders == nil || folders.Kind != jsonx.Array {
		return ""
	}
	for _, f := range folders.Items {
		fp := f.Get("path")
		if fp == nil || fp.Kind != jsonx.String {
			if u := f.Get("uri"); u != nil {
				return short(u) // anywhere, another machine's included
			}
			continue
		}
		rel := strings.ReplaceAll(fp.Str, `\`, "/")
		if hostPath(rel) {
			return fp.Str
		}
		if aboveRoot(path.Clean(path.Join(projectRoot(p), rel))) {
			return fp.Str
		}
	}
	return ""
}

// loudFolder makes each path grant of e that is the workspace folder's
// host control: the folder may be outside, the host's root or the home
// directory. They were a widened row that is not loud, so fail-on loud
// passed "folders": [{"path": "/"}] with ${workspaceFolder} mounted
// writable.
func loudFolder(e *Entry, folder string) {
	for j := range e.Grants {
		g := &e.Grants[j]
		if g.Kind != GFS || !(strings.Contains(g.Key, "${workspaceFolder}") || g.InTree != "" || relativePath(g)) {
			continue
		}
		g.Loud = true
		g.Why = fmt.Sprintf("${workspaceFolder} may be the workspace's folder %q, outside the repository: any path, / or the home directory included (fail closed)", folder)
	}
	// A grant of its own, so that moving the folder out of the
	// repository is a row even when no path grant changes.
	e.Grants = append(e.Grants, Grant{Kind: GHost, Key: "workspace folder " + folder, Loud: true, Pos: e.Pos,
		Why: fmt.Sprintf("the entry reads paths of the workspace's folder, which may be %q, outside the repository: any path, / or the home directory included (fail closed)", folder)})
}

// ownFolder reports whether folders, a workspace file's list, is one
// folder: the file's own directory.
func ownFolder(folders *jsonx.Value) bool {
	if folders == nil || folders.Kind != jsonx.Array || len(folders.Items) != 1 {
		return false
	}
	f := folders.Items[0].Get("path")
	return f != nil && f.Kind == jsonx.String && path.Clean(strings.ReplaceAll(f.Str, `\`, "/")) == "."
}

// workspaceRelative reports whether e reads a path of the workspace
// folder: ${workspaceFolder} in its argv or grants, or a relative host
// path.
func workspaceRelative(e *Entry) bool {
	for _, s := range append([]string{e.Command, e.cwd}, e.Args...) {
		if strings.Contains(s, "${workspaceFolder") || strings.Contains(s, "${workspaceRoot") || strings.Contains(s, "${fileWorkspaceFolder") {
			return true
		}
	}
	for _, g := range e.Grants {
		if strings.Contains(g.Key, "${workspaceFolder}") || g.InTree != "" || relativePath(&g) {
			return true
		}
	}
	return false
}
