package launch

import (
	"crypto/sha256"
	"encoding/hex"
	"github.com/razukc/capgate-action/internal/diag"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/razukc/capgate-action/internal/jsonx"
)

// srtEntry reads `srt [options] command…` (sandbox-runtime's CLI: -s or
// --settings FILE, -c COMMAND, -d/--debug, --control-fd FD; other options
// are accepted by srt and not read here).
func srtEntry(c Client, e *Entry, argv []arg) {
	e.Kind = Srt
	var settings *arg
	i := 0
	for ; i < len(argv); i++ {
		if x := srtCluster(argv[i]); x != nil {
			argv = append(append(append([]arg(nil), argv[:i]...), x...), argv[i+1:]...)
		}
		a := argv[i]
		name, val, inline := strings.Cut(a.s, "=")
		switch {
		case name == "-s" || name == "--settings":
			if !inline {
				if i+1 >= len(argv) {
					e.Unjudged = append(e.Unjudged, Note{Text: "srt " + name + " has no value", Pos: a.pos})
					return
				}
				i++
				val = argv[i].s
			}
			settings = &arg{s: val, pos: a.pos}
		case name == "-c":
			if !inline && i+1 < len(argv) {
				i++
				val = argv[i].s
			}
			e.Runs = val
			i = len(argv)
		case name == "-d" || name == "--debug":
		case name == "--control-fd":
			if !inline {
				i++
			}
			e.Unjudged = append(e.Unjudged, Note{Text: "srt --control-fd takes settings updates at run time: they cannot be judged (fail closed)", Pos: a.pos})
			e.Grants = append(e.Grants, unreadRules("srt --control-fd", a.pos, "srt takes rules at run time from whatever writes to that descriptor"))
		case name == "--":
			i++
			goto done
		case strings.HasPrefix(a.s, "-"):
			e.Grants = append(e.Grants, Grant{Kind: GRaw, Key: a.s, Pos: a.pos, Why: "an srt option the reader does not know (judged widened)"})
		default:
			goto done
		}
	}
done:
	if i < len(argv) && e.Runs == "" {
		prog := program(argv[i].s)
		e.Runs = runsOf(prog, argv[i+1:])
		if e.Runs == "" {
			e.Runs = argv[i].s
		}
	}
	e.Grants = append(e.Grants, srtDefaults()...)
	if settings == nil {
		e.Unjudged = append(e.Unjudged, Note{Text: "srt without --settings reads ~/.srt-settings.json, outside the repository: its rules cannot be judged (fail closed)", Pos: e.Pos})
		e.Grants = append(e.Grants, unreadRules("srt settings ~/.srt-settings.json", e.Pos, "srt reads its rules from the user's ~/.srt-settings.json, outside the repository"))
		return
	}
	e.settingsRaw, e.SettingsPos = settings.s, settings.pos
}

// srtCluster splits a cluster of srt's short options as its CLI
// (commander) reads one: booleans (-d) clustered before an option that
// takes a value (-s, -c), whose value is the rest of the word when there is
// one (-dssrt.json is -d -s srt.json; -s=srt.json is -s =srt.json, the
// file "=srt.json"). nil when a is no such cluster (a letter srt does not
// know keeps the word whole, raw).
func srtCluster(a arg) []arg {
	s := a.s
	if len(s) < 3 || s[0] != '-' || s[1] == '-' {
		return nil
	}
	var out []arg
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case 'd':
			out = append(out, arg{s: "-d", pos: a.pos})
		case 's', 'c':
			out = append(out, arg{s: "-" + s[j:j+1], pos: a.pos})
			if j+1 < len(s) {
				out = append(out, arg{s: s[j+1:], pos: a.pos})
			}
			return out
		default:
			return nil
		}
	}
	return out
}

// srtDefaults is what srt grants whatever its settings say: reading
// every path that no denyRead rule names.
func srtDefaults() []Grant {
	return []Grant{{Kind: GFS, Key: "/", Loud: true,
		Why: "srt lets the server read every host path that no denyRead rule names: ~/.ssh, ~/.aws and every other credential file of the user"}}
}

// resolveSettings finds the tree path of e's srt settings file, read
// relative to the server's working directory (the project root when the
// entry sets none), or says why it cannot be judged.
func resolveSettings(c Client, cfgPath string, e *Entry, cwd string) {
	if e.settingsRaw == "" {
		return
	}
	key, loud := judgePath(c, e.settingsRaw)
	p, ok := inTree(cfgPath, c, key, cwd)
	if loud != "" || !ok {
		e.Unjudged = append(e.Unjudged, Note{Text: "srt settings " + e.settingsRaw + " lie outside the repository: their rules cannot be judged (fail closed)", Pos: e.SettingsPos})
		e.Grants = append(e.Grants, unreadRules("srt settings "+e.settingsRaw, e.SettingsPos, "srt reads its rules from "+e.settingsRaw+", outside the repository"))
		return
	}
	e.Settings = p
}

// unreadRules is the host control of srt rules the reader cannot read
// (why says where they come from): they may allow writing every path and
// reaching every host. The row was widened but not loud, so fail-on loud
// passed an entry whose settings moved from ./srt.json to /etc/srt.json.
func unreadRules(key string, at Pos, why string) Grant {
	return Grant{Kind: GHost, Key: key, Loud: true, Pos: at,
		Why: why + ": they may allow writing every path, the home directory included, and reaching every host (fail closed)"}
}

// resolveProfiles finds the tree path of each seccomp profile file of a
// docker or podman entry (--security-opt seccomp=FILE, which the engine's
// CLI reads relative to the directory it runs in) as the grant's File, so
// that a change to the file is a change to the grant. A file outside the
// tree stays a profile as written.
func resolveProfiles(c Client, cfgPath string, e *Entry, cwd string) {
	if e.Kind != Docker && e.Kind != Podman {
		return
	}
	for i := range e.Grants {
		g := &e.Grants[i]
		name, file, ok := strings.Cut(strings.Replace(g.Key, ":", "=", 1), "=")
		if g.Kind != GSecurity || !ok || name != "seccomp" || file == "unconfined" || file == "builtin" {
			continue
		}
		if key, loud := judgePath(c, file); loud == "" {
			if p, ok := inTree(cfgPath, c, key, cwd); ok {
				g.File = p
			}
		}
	}
}

// markInTree sets InTree on each host path of e's grants that lies inside
// the repository (after rebaseCwd: relative to the project root), so that
// a symbolic link on it in the tree can be judged; e keeps cfgPath for its
// srt settings' paths (SettingsGrants).
func markInTree(c Client, cfgPath string, e *Entry) {
	e.cfgPath = cfgPath
	for i := range e.Grants {
		g := &e.Grants[i]
		if g.Kind != GFS || !(relativePath(g) || strings.HasPrefix(g.Key, "${workspaceFolder}/")) {
			continue
		}
		if p, ok := inTree(cfgPath, c, g.Key, ""); ok && p != "." {
			g.InTree = p
		}
	}
	hostRunFiles(c, cfgPath, e)
}

// hostRunFiles sets HostRuns on each writable mount of a docker, podman or
// bwrap entry that holds files the host runs: the project's root or the
// repository's (the working copy's .git/hooks and .git/config, which srt
// write-denies for this reason, mandatory-deny-paths.ts; Claude Code's
// .claude/settings.json hooks; the MCP configs), or the config the entry
// is read from. No engine keeps them as srt does: -v .:/w lets the server
// make the user's next git command, client hook or server start run its
// code on the host, and it was widened but not loud.
func hostRunFiles(c Client, cfgPath string, e *Entry) {
	switch e.Kind {
	case Docker, Podman, Bwrap:
	default:
		return
	}
	root := projectRoot(cfgPath)
	for i := range e.Grants {
		g := &e.Grants[i]
		if g.Kind != GFS || !g.Write || g.Loud || strings.HasPrefix(g.Key, "volume") {
			continue
		}
		switch t, in := inTree(cfgPath, c, g.Key, ""); {
		case !in:
		case t == "." || covers(t, root):
			g.HostRuns = "the project's root, whose files the host runs (the working copy's .git/hooks and .git/config, .claude/settings.json hooks, the MCP configs): the server may make the user's next git command, client hook or server start run its code on the host"
		case covers(t, cfgPath):
			g.HostRuns = "it holds " + cfgPath + ", this server's own launch config: the server may rewrite it (no sandbox at all) for its next start"
		case hostRunDir(t):
			g.HostRuns = "it is or holds " + t + ", a directory whose files git or an MCP client runs on the host (hooks, configs): the server may make the user's next git command or client start run its code there"
		}
	}
}

// hostRunDir reports whether the tree path t has on its way a directory
// whose files git or a client runs on the host: .git (hooks, config),
// .claude (settings hooks, plugins), the clients' config directories.
func hostRunDir(t string) bool {
	for _, seg := range strings.Split(t, "/") {
		switch strings.ToLower(seg) {
		case ".git", ".claude", ".claude-plugin", ".vscode", ".cursor", ".gemini", ".codex":
			return true
		}
	}
	return false
}

// projectRoot is the directory a config belongs to: the one holding
// .mcp.json or a .code-workspace, or holding the .vscode, .cursor, .gemini
// or .codex directory, or a plugin's .claude-plugin (the plugin's root,
// ${CLAUDE_PLUGIN_ROOT}).
func projectRoot(cfgPath string) string {
	d := path.Dir(cfgPath)
	switch strings.ToLower(path.Base(d)) {
	case ".vscode", ".cursor", ".gemini", ".codex", ".claude-plugin":
		d = path.Dir(d)
	}
	return d
}

// inTree resolves the symbolic path p against the project root and cwd,
// and reports whether it stays inside the tree.
func inTree(cfgPath string, c Client, p, cwd string) (string, bool) {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || strings.Contains(p, "$") {
		if rest, ok := strings.CutPrefix(p, "${workspaceFolder}"); ok {
			p = "." + rest
		} else {
			return "", false
		}
	} else if cwd != "" {
		ck, loud := judgePath(c, cwd)
		if rest, ok := strings.CutPrefix(ck, "${workspaceFolder}"); ok {
			ck = "." + rest
		}
		if loud != "" || strings.HasPrefix(ck, "/") || strings.Contains(ck, "$") || strings.HasPrefix(ck, "~") {
			return "", false
		}
		p = ck + "/" + p
	}
	full := path.Clean(path.Join(projectRoot(cfgPath), p))
	if aboveRoot(full) || strings.HasPrefix(full, "/") {
		return "", false
	}
	return full, true
}

// SrtSettings reads an srt settings file (strict JSON, as srt's JSON.parse
// reads it) into the grants it adds to srt's defaults. path names the file
// in errors.
func SrtSettings(c Client, filePath string, data []byte) ([]Grant, error) {
	v, err := jsonx.Parse(data)
	if err != nil {
		return nil, parseError(filePath, err)
	}
	if v.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(filePath, v.Pos, CodeShape, "srt settings are not a JSON object")}
	}
	return sandboxRules(c, v, false), nil
}

// sandboxRules reads srt rules (an srt settings file, or VS Code's sandbox
// object, vscode true: only filesystem.{allowWrite,denyRead,denyWrite} and
// network.{allowedDomains,deniedDomains} are VS Code's).
func sandboxRules(c Client, v *jsonx.Value, vscode bool) []Grant {
	var gs []Grant
	for i, k := range v.Keys {
		sub := v.Items[i]
		switch k {
		case "filesystem":
			gs = append(gs, fsRules(c, sub, vscode)...)
		case "network":
			gs = append(gs, netRules(c, sub, vscode)...)
		case "allowNestedUserNamespaces":
			if sub.Kind == jsonx.Bool && sub.Str == "false" {
				continue
			}
			gs = append(gs, rawKey(k, sub))
		case "ignoreViolations":
			if vscode {
				gs = append(gs, rawKey(k, sub))
			}
		case "bwrapPath", "socatPath", "ripgrep":
			gs = append(gs, srtProgram(k, sub, vscode))
		case "allowAppleEvents":
			// srt's schema: "removes code-execution isolation: sandboxed
			// commands can launch other applications unsandboxed".
			if !switchedOff(&gs, k, sub, vscode, "on macOS the server may launch other applications with no sandbox (open, osascript) and script running ones: no sandbox at all there") {
				gs = append(gs, rawKey(k, sub))
			}
		default:
			gs = append(gs, rawKey(k, sub))
		}
	}
	return gs
}

// srtProgram judges a settings key naming a program srt runs on the host,
// outside the sandbox: bwrapPath (the sandbox itself), socatPath, ripgrep
// (its command scans for the files srt write-denies). One at a path of the
// repository or the user's, or not a plain string, is host control: no
// sandbox at all, or that file run as the user. Any other is raw.
func srtProgram(k string, v *jsonx.Value, vscode bool) Grant {
	cmd := v
	if k == "ripgrep" && v.Kind == jsonx.Object {
		cmd = v.Get("command")
	}
	g := rawKey(k, v)
	if vscode || (cmd != nil && cmd.Kind == jsonx.String && !localProgram(cmd.Str)) {
		return g
	}
	g.Kind, g.Loud = GHost, true
	g.Why = "srt runs this program on the host, outside the sandbox (bwrapPath is the sandbox itself): a file of the repository or the user's, or one the reader cannot read, is host control"
	return g
}

func rawKey(k string, v *jsonx.Value) Grant {
	return Grant{Kind: GRaw, Key: k + " = " + short(v), Pos: pos(v.Pos), Why: "a sandbox setting the reader does not judge (judged widened)"}
}

// short is a value as compact text, for a raw grant's key: beyond 200
// bytes cut, with the hash of the whole.
func short(v *jsonx.Value) string {
	b := jsonx.AppendCanonical(nil, v)
	if len(b) <= 200 {
		return string(b)
	}
	// Cut on a character, and name what was cut by its hash: the text is
	// part of a grant's key, which must still tell two values apart
	// (the launch hash an approval holds is made of the keys).
	n := 200
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	sum := sha256.Sum256(b)
	return string(b[:n]) + "… (sha256:" + hex.EncodeToString(sum[:16]) + ")"
}

func strList(v *jsonx.Value, f func(s string, p Pos)) bool {
	if v == nil || v.Kind != jsonx.Array {
		return false
	}
	for _, it := range v.Items {
		if it.Kind == jsonx.String {
			f(it.Str, pos(it.Pos))
		}
	}
	return true
}

// globRoot is the directory an allowed srt path pattern starts from: the
// path up to its first component holding a glob character (* ? [), "."
// when that is the first. srt on Linux drops a trailing /** (src/** is
// src) and on macOS matches the pattern below that directory, so the
// directory is the widest it may allow (fail closed): ~/** is the home.
func globRoot(s string) string {
	segs := strings.Split(s, "/")
	for i, seg := range segs {
		if strings.ContainsAny(seg, "*?[") {
			switch {
			case i == 0:
				return "."
			case i == 1 && segs[0] == "":
				return "/"
			}
			return strings.Join(segs[:i], "/")
		}
	}
	return s
}

// pathList reads a list of srt paths: strings, and, where literal is
// set (srt's own settings), srt's {"path": P, "literal": true} entries,
// which name P and nothing else. Any other element is a raw grant of the
// list k: what the sandbox makes of it is not read (fail closed; a deny
// the reader does not read must never count as a protection). It reports
// whether v is a list.
func pathList(gs *[]Grant, k string, v *jsonx.Value, literal bool, f func(s string, p Pos)) bool {
	if v == nil || v.Kind != jsonx.Array {
		return false
	}
	for _, it := range v.Items {
		switch {
		case it.Kind == jsonx.String:
			f(it.Str, pos(it.Pos))
		case literal && literalPath(it) != nil:
			lp := literalPath(it)
			f(lp.Str, pos(lp.Pos))
		default:
			*gs = append(*gs, rawKey(k+"[]", it))
		}
	}
	return true
}

// literalPath is the path of srt's {"path": P, "literal": true} entry,
// or nil when it is not one (srt rejects any other key).
func literalPath(v *jsonx.Value) *jsonx.Value {
	if v.Kind != jsonx.Object || len(v.Keys) != 2 {
		return nil
	}
	p, l := v.Get("path"), v.Get("literal")
	if p == nil || p.Kind != jsonx.String || l == nil || l.Kind != jsonx.Bool || l.Str != "true" {
		return nil
	}
	return p
}

func fsRules(c Client, v *jsonx.Value, vscode bool) []Grant {
	if v == nil || v.Kind != jsonx.Object {
		return []Grant{rawKey("filesystem", v)}
	}
	var gs []Grant
	for i, k := range v.Keys {
		sub := v.Items[i]
		var ok bool
		switch k {
		case "allowWrite", "allowRead":
			write := k == "allowWrite"
			ok = pathList(&gs, "filesystem."+k, sub, !vscode, func(s string, p Pos) {
				key, loud := judgePath(c, globRoot(s))
				gs = append(gs, Grant{Kind: GFS, Key: key, Write: write, Pos: p, Loud: loud != "", Why: loud})
			})
			ok = ok && (write || !vscode)
		case "denyRead", "denyWrite":
			ok = pathList(&gs, "filesystem."+k, sub, !vscode, func(s string, p Pos) {
				key, _ := judgePath(c, s)
				gs = append(gs, Grant{Kind: GIsolation, Key: k + " " + key, Pos: p, Why: "a path the sandbox refuses"})
			})
		case "disabled":
			ok = switchedOff(&gs, "filesystem."+k, sub, vscode,
				"srt enforces no filesystem rule: every host file readable and writable, its own write protections (.git/hooks, shell start-up files, .mcp.json) off, as an allowWrite of / is")
		case "allowGitConfig":
			ok = switchedOff(&gs, "filesystem."+k, sub, vscode,
				"the server may write .git/config, which srt protects otherwise: its core.fsmonitor or core.hooksPath runs the server's command on the host at the user's next git command")
		}
		if !ok {
			gs = append(gs, rawKey("filesystem."+k, sub))
		}
	}
	return gs
}

func netRules(_ Client, v *jsonx.Value, vscode bool) []Grant {
	if v == nil || v.Kind != jsonx.Object {
		return []Grant{rawKey("network", v)}
	}
	var gs []Grant
	for i, k := range v.Keys {
		sub := v.Items[i]
		var ok bool
		switch k {
		case "allowedDomains":
			ok = pathList(&gs, "network."+k, sub, false, func(s string, p Pos) {
				gs = append(gs, Grant{Kind: GNet, Key: strings.ToLower(s), Pos: p})
			})
		case "deniedDomains":
			ok = pathList(&gs, "network."+k, sub, false, func(s string, p Pos) {
				gs = append(gs, Grant{Kind: GIsolation, Key: "deniedDomain " + strings.ToLower(s), Pos: p, Why: "a domain the sandbox refuses"})
			})
		case "allowUnixSockets":
			ok = !vscode && pathList(&gs, "network."+k, sub, false, func(s string, p Pos) {
				gs = append(gs, Grant{Kind: GFS, Key: s, Write: true, Pos: p, Why: "a unix socket the server may connect to"})
			})
		case "deniedResolvedAddresses":
			ok = !vscode && pathList(&gs, "network."+k, sub, false, func(s string, p Pos) {
				gs = append(gs, Grant{Kind: GIsolation, Key: "deniedResolvedAddress " + s, Pos: p, Why: "addresses the sandbox refuses whatever name resolves to them"})
			})
		case "strictAllowlist", "allowAllDomains", "allowAllUnixSockets", "allowLocalBinding":
			ok = netSwitch(&gs, k, sub, vscode)
		}
		if !ok {
			gs = append(gs, rawKey("network."+k, sub))
		}
	}
	return gs
}

// netSwitch reads one of srt's boolean network keys k (value v) into gs,
// and reports whether it read it (VS Code's sandbox has none of them).
func netSwitch(gs *[]Grant, k string, v *jsonx.Value, vscode bool) bool {
	if vscode || v.Kind != jsonx.Bool {
		return false
	}
	var g Grant
	switch k {
	case "strictAllowlist":
		g = Grant{Kind: GIsolation, Key: "strictAllowlist", Why: "only allowedDomains are reached"}
	case "allowLocalBinding":
		g = Grant{Kind: GNetwork, Key: k, Why: "the server may bind local ports"}
	case "allowAllUnixSockets":
		g = Grant{Kind: GHost, Key: k, Loud: true, Why: "every unix socket of the host, the container engine's included"}
	default:
		return switchedOff(gs, "network."+k, v, vscode,
			"every domain is reached (only deniedDomains hold), the cloud instance metadata service's included, which hands any caller the host's cloud credentials")
	}
	if v.Str == "true" {
		g.Pos = pos(v.Pos)
		*gs = append(*gs, g)
	}
	return true
}

// switchedOff reads srt's boolean key k, which turns a whole rule set off
// when true (why): a loud host grant then, nothing when false. It reports
// whether it read the key (srt's own, a boolean; VS Code's sandbox has
// none of them).
func switchedOff(gs *[]Grant, k string, v *jsonx.Value, vscode bool, why string) bool {
	if vscode || v.Kind != jsonx.Bool {
		return false
	}
	if v.Str == "true" {
		*gs = append(*gs, Grant{Kind: GHost, Key: k, Loud: true, Pos: pos(v.Pos), Why: why})
	}
	return true
}

// vscodeSandbox is what VS Code's sandbox grants a server beyond its rules
// (mcpSandboxService.ts): the npm registry, ~/.npm and the server's cwd
// writable.
func vscodeSandbox(c Client, cwd string, p Pos) []Grant {
	gs := srtDefaults()
	if cwd == "" {
		cwd = "${workspaceFolder}"
	}
	key, loud := judgePath(c, cwd)
	gs = append(gs,
		Grant{Kind: GNet, Key: "registry.npmjs.org", Pos: p, Why: "VS Code adds the npm registry to every sandbox"},
		Grant{Kind: GFS, Key: "~/.npm", Write: true, Pos: p, Why: "VS Code makes ~/.npm writable in every sandbox"},
		Grant{Kind: GFS, Key: key, Write: true, Pos: p, Loud: loud != "", Why: strings.TrimPrefix(loud+"; ", "; ") + "VS Code makes the server's cwd writable"})
	return gs
}
