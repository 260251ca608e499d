package launch

import (
	"path"
	"slices"
	"strings"
)

// rebaseCwd resolves the relative host paths of e's grants (-v .:/ws,
// --bind data /d, --env-file .env) against the entry's working directory:
// the engine's CLI (docker, podman, bwrap) resolves them against the
// directory it runs in, which cwd sets. Without cwd they stay relative to
// the project root. A cwd that may be any path (a variable the client
// fills in, a climb with ..) or the home directory makes them loud.
func rebaseCwd(c Client, e *Entry, cwd string) {
	if cwd == "" {
		return
	}
	switch e.Kind {
	case Docker, Podman, Bwrap:
	default:
		return
	}
	for i := range e.Grants {
		if g := &e.Grants[i]; relativePath(g) {
			rebaseGrant(c, cwd, g)
		}
	}
}

// rebaseGrant resolves g, a relativePath, against cwd, loud when joinCwd
// says why.
func rebaseGrant(c Client, cwd string, g *Grant) {
	key, loud := joinCwd(c, cwd, g.Key)
	g.Key = key
	if loud != "" {
		g.Loud, g.Why = true, strings.TrimPrefix(g.Why+"; ", "; ")+loud
	}
}

// relativePath reports whether g names a host path relative to the
// working directory.
func relativePath(g *Grant) bool {
	switch g.Kind {
	case GFS, GEnvFile, GDevice:
	default:
		return false
	}
	k := g.Key
	for _, p := range []string{"/", "~", "${", "volume ", "volumes of container "} {
		if strings.HasPrefix(k, p) {
			return false
		}
	}
	return k != "" && !windowsPath(k)
}

// joinCwd is the relative symbolic path rel under the working directory
// cwd (as written in the config), and why it is loud, or "".
func joinCwd(c Client, cwd, rel string) (key, loud string) {
	ck, cl := judgePath(c, cwd)
	joined, climbs := cleanSymbolic(strings.TrimSuffix(ck, "/") + "/" + rel)
	switch {
	case cl != "":
		return joined, "resolved in the server's cwd " + cwd + ": " + cl
	case climbs:
		return joined, "climbs with \"..\" above the server's cwd: any directory above it, the home directory included (fail closed)"
	case homeLoud(joined):
		return joined, "the home directory or a dot-directory in it (" + joined + "): the user's credentials, ssh keys and shell start-up files"
	}
	return joined, windowsLoud(joined)
}

// SettingsGrants reads data, the entry's srt settings file (at
// e.Settings), into the grants it adds (SrtSettings), its relative paths
// (allowWrite: ["."], a relative denyRead) resolved against the entry's
// cwd, where srt runs and resolves them. A path of them inside the
// repository has its InTree set, as the config's own mount sources do, so
// that a symbolic link of the tree on it can be judged.
func (e *Entry) SettingsGrants(c Client, data []byte) ([]Grant, error) {
	gs, err := SrtSettings(c, e.Settings, data)
	if err != nil {
		return gs, err
	}
	if e.cwd != "" {
		settingsCwd(c, e.cwd, gs)
	}
	tmp := Entry{Grants: gs}
	markInTree(c, e.cfgPath, &tmp)
	selfRewrite(c, e, gs)
	return gs, nil
}

// selfRewrite makes loud each writable path of gs, the srt settings of e,
// that holds e's own rules: the settings file, or the config the entry is
// read from when srt does not protect it (its mandatory denies cover
// .mcp.json, .vscode and .idea only: sandbox-utils.ts DANGEROUS_FILES,
// getDangerousDirectories), unless a denyWrite of gs covers it. The
// server may then rewrite its own sandbox, allowWrite: ["/"] or no srt at
// all, for its next start: an allowWrite of "." beside srt.json, or an
// srt entry of .cursor/mcp.json, was widened but not loud.
func selfRewrite(c Client, e *Entry, gs []Grant) {
	var own []string
	if e.Settings != "" {
		own = append(own, e.Settings)
	}
	if b := path.Base(e.cfgPath); e.cfgPath != "" && b != ".mcp.json" && !underDir(e.cfgPath, ".vscode") && !underDir(e.cfgPath, ".idea") {
		own = append(own, e.cfgPath)
	}
	denied := deniedWrites(c, e.cfgPath, gs)
	kept := func(f string) bool { return slices.ContainsFunc(denied, func(d string) bool { return covers(d, f) }) }
	for i := range gs {
		g := &gs[i]
		if g.Kind != GFS || !g.Write || g.Loud {
			continue
		}
		t, in := inTree(e.cfgPath, c, g.Key, "")
		if !in {
			continue
		}
		why := ""
		for _, f := range own {
			if covers(t, f) && !kept(f) {
				why = "it holds " + f + ", which sets this server's own sandbox: the server may rewrite it (allowWrite of /, or no srt at all) for its next start (host control)"
				break
			}
		}
		if why == "" && srtUnprotectedDir(t) && !kept(t) {
			why = "it is or holds " + t + ", a directory whose files an MCP client runs on the host (.claude/settings.json hooks, another client's servers), which srt's mandatory denies do not cover (host control)"
		}
		if why != "" {
			g.Loud, g.Why = true, strings.TrimPrefix(g.Why+"; ", "; ")+why
		}
	}
}

// deniedWrites are the tree paths of the denyWrite rules of gs.
func deniedWrites(c Client, cfgPath string, gs []Grant) []string {
	var denied []string
	for _, g := range gs {
		if k, p, ok := strings.Cut(g.Key, " "); g.Kind == GIsolation && ok && k == "denyWrite" {
			if t, in := inTree(cfgPath, c, p, ""); in {
				denied = append(denied, t)
			}
		}
	}
	return denied
}

// srtUnprotectedDir reports whether the tree path t has on its way a
// directory whose files a client runs on the host and that srt's
// mandatory denies leave writable: .claude (its settings.json hooks; srt
// denies only .claude/commands and .claude/agents) and the config
// directories of the clients other than VS Code's .vscode.
func srtUnprotectedDir(t string) bool {
	for _, seg := range strings.Split(t, "/") {
		switch strings.ToLower(seg) {
		case ".claude", ".claude-plugin", ".cursor", ".gemini", ".codex":
			return true
		}
	}
	return false
}

// covers reports whether the tree path dir is f or a directory above it.
func covers(dir, f string) bool {
	return dir == "." || dir == f || strings.HasPrefix(f, dir+"/")
}

// underDir reports whether the tree path p has a directory named d on its
// way, in any ASCII case.
func underDir(p, d string) bool {
	for _, part := range strings.Split(path.Dir(p), "/") {
		if strings.EqualFold(part, d) {
			return true
		}
	}
	return false
}

// settingsCwd resolves the relative paths of gs, srt settings grants,
// against cwd.
func settingsCwd(c Client, cwd string, gs []Grant) {
	for i := range gs {
		g := &gs[i]
		if g.Kind == GIsolation {
			if k, p, ok := strings.Cut(g.Key, " "); ok && (k == "denyRead" || k == "denyWrite") && relativePath(&Grant{Kind: GFS, Key: p}) {
				p, _ = joinCwd(c, cwd, p)
				g.Key = k + " " + p
			}
			continue
		}
		if relativePath(g) {
			rebaseGrant(c, cwd, g)
		}
	}
}
