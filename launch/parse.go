package launch

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// Parse reads the config file at the slash-separated path p (its client
// told by ClientOf) into its entries, sorted by name. A file that does not
// parse, or whose servers are not shaped as its client reads them, is an
// *Error.
func Parse(p string, data []byte) (*Config, error) {
	c := ClientOf(p)
	cfg := &Config{Path: p, Client: c}
	var err error
	if c == Codex {
		cfg.Entries, err = parseCodex(p, data)
	} else {
		cfg.Entries, err = parseJSON(c, p, data)
	}
	if err != nil {
		return nil, err
	}
	for i := range cfg.Entries {
		if cfg.Entries[i].Grants == nil {
			cfg.Entries[i].Grants = []Grant{}
		}
	}
	sort.SliceStable(cfg.Entries, func(i, j int) bool { return cfg.Entries[i].Name < cfg.Entries[j].Name })
	return cfg, nil
}

func pos(p jsonx.Pos) Pos { return Pos{Line: p.Line, Col: p.Col} }

func parseError(p string, err error) error {
	var pe *jsonx.ParseError
	if errors.As(err, &pe) {
		return &Error{diag.Placed(p, pe.Pos, CodeParse, pe.Message)}
	}
	return errAt(p, Pos{1, 1}, CodeParse, err.Error())
}

// jsonFlavour says what a client's JSON reader accepts beyond JSON:
// comments, and trailing commas.
func jsonFlavour(c Client) (comments, trailing bool) {
	switch c {
	case VSCode, Cursor, ClaudeCode, ClaudePlugin:
		// VS Code: JSONC with trailing commas (mcpConfiguration.ts; a
		// .code-workspace is read by the same parser,
		// mcpResourceScannerService.ts). Cursor (a VS Code fork), Claude
		// Code and its plugins' manifests: unverified, read leniently so
		// that the file is judged either way.
		return true, true
	case Gemini:
		// JSON.parse(stripJsonComments(…)): comments, no trailing commas.
		return true, false
	}
	return false, false
}

func parseJSON(c Client, p string, data []byte) ([]Entry, error) {
	src := data
	if comments, trailing := jsonFlavour(c); comments {
		var open int
		if src, open = jsonc(data, trailing); open >= 0 {
			return nil, &Error{diag.At(p, data, open, CodeParse, "unterminated /* comment")}
		}
	}
	root, err := jsonx.Parse(src)
	if err != nil {
		return nil, parseError(p, err)
	}
	if root.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(p, root.Pos, CodeShape, "the file is not a JSON object")}
	}
	switch {
	case c == ClaudePlugin && strings.EqualFold(path.Base(p), marketplace):
		return marketplaceEntries(p, root)
	case c == ClaudePlugin:
		return pluginEntries(p, root)
	case c == VSCode && isCodeWorkspace(p):
		return workspaceEntries(p, root)
	}
	servers, key := serversOf(c, root)
	if servers != nil && servers.Kind != jsonx.Object {
		return nil, &Error{diag.Placed(p, servers.Pos, CodeShape, key+" is not an object")}
	}
	out, err := jsonEntries(c, p, root, servers)
	if err != nil {
		return nil, err
	}
	if c == Gemini && !isGeminiExtension(p) {
		return geminiServerCommand(p, root, out)
	}
	return out, nil
}

// isGeminiExtension reports whether p is a Gemini CLI extension's file,
// whose mcpServers Gemini reads but not its mcp or tools keys (those of
// the settings only).
func isGeminiExtension(p string) bool {
	return strings.EqualFold(path.Base(p), geminiExtension)
}

// jsonEntries reads every server of the server map (nil when the file
// has none).
func jsonEntries(c Client, p string, root, servers *jsonx.Value) ([]Entry, error) {
	if servers == nil {
		return nil, nil
	}
	excluded := map[string]bool{}
	if !isGeminiExtension(p) {
		// An extension's own mcp.excluded disables nothing.
		excluded = geminiExcluded(c, root)
	}
	sandbox := root.Get("sandbox")
	var out []Entry
	for i, name := range servers.Keys {
		v := servers.Items[i]
		if v.Kind != jsonx.Object {
			return nil, &Error{diag.Placed(p, v.Pos, CodeShape, fmt.Sprintf("server %q is not an object", name))}
		}
		e, err := jsonEntry(c, p, name, v, sandbox)
		if err != nil {
			return nil, err
		}
		if c == VSCode {
			e.Grants = append(e.Grants, vscodeCommands(v, root.Get("inputs"))...)
		}
		if excluded[name] {
			e = Entry{Name: name, Pos: e.Pos, Kind: Disabled, Runs: e.Runs}
		}
		out = append(out, e)
	}
	return out, nil
}

// vscodeCommands are the VS Code commands the server object v has VS Code
// run on the host to fill in its variables: ${command:ID}, and ${input:ID}
// of an input of type "command" (inputs, the file's list), which runs its
// command with its args. A command runs on the host whatever sandbox the
// server has (workbench.action.tasks.build runs the repository's build
// task, a shell command): each is host control.
func vscodeCommands(v, inputs *jsonx.Value) []Grant {
	cmdInputs := map[string]string{}
	if inputs != nil && inputs.Kind == jsonx.Array {
		for _, in := range inputs.Items {
			if t := in.Get("type"); t != nil && t.Kind == jsonx.String && t.Str == "command" {
				if id := in.Get("id"); id != nil && id.Kind == jsonx.String {
					cmdInputs[id.Str] = short(in)
				}
			}
		}
	}
	var gs []Grant
	for stack := []*jsonx.Value{v}; len(stack) > 0; {
		x := stack[len(stack)-1]
		stack = append(stack[:len(stack)-1], x.Items...)
		if x.Kind != jsonx.String {
			continue
		}
		for _, m := range vscodeVarRE.FindAllStringSubmatch(x.Str, -1) {
			key := ""
			switch {
			case m[1] == "command":
				key = "${command:" + m[2] + "}"
			case cmdInputs[m[2]] != "":
				key = "${input:" + m[2] + "} = " + cmdInputs[m[2]]
			default:
				continue
			}
			gs = append(gs, Grant{Kind: GHost, Key: key, Loud: true, Pos: pos(x.Pos),
				Why: "VS Code runs this command on the host to fill the variable in, whatever sandbox the server has (a task of the repository, a terminal): host control"})
		}
	}
	return gs
}

var vscodeVarRE = regexp.MustCompile(`\$\{(command|input):([^}]*)\}`)

// serversOf finds the server map: mcpServers, or servers in VS Code's
// file; a root .mcp.json without mcpServers (and a plugin's servers file)
// is a bare map of servers, which VS Code reads skipping each value that
// is not one (mcpWorkspaceConfiguration.ts
// parseWorkspaceRootMcpConfiguration, pluginParsers.ts
// resolveMcpServersMap: "malformed entries do not hide neighboring
// servers"): every object with a command or a url is read as a server.
// All of them had to be servers: a "$schema" key beside a server made the
// file hold none, and the server ran unseen.
func serversOf(c Client, root *jsonx.Value) (*jsonx.Value, string) {
	if c == VSCode {
		if s := root.Get("servers"); s != nil {
			return withOldServers(s, root.Get("mcpServers")), "servers"
		}
	}
	if s := root.Get("mcpServers"); s != nil {
		return s, "mcpServers"
	}
	if c != ClaudeCode {
		return nil, ""
	}
	m := &jsonx.Value{Kind: jsonx.Object, Pos: root.Pos}
	for i, v := range root.Items {
		if v.Kind == jsonx.Object && (v.Get("command") != nil || v.Get("url") != nil) {
			m.Keys, m.Items = append(m.Keys, root.Keys[i]), append(m.Items, v)
		}
	}
	if len(m.Keys) == 0 {
		return nil, ""
	}
	return m, "the server map"
}

// withOldServers is VS Code's servers map s with the servers of old, its
// file's mcpServers beside it: VS Code versions that read the mcp setting
// through the configuration service (configMcpDiscovery.ts @9eab112) move
// mcpServers into servers, over a server of the same name; later ones
// read servers alone. Both are read, a name on both sides twice: a server
// under mcpServers beside servers ran on those versions unseen.
func withOldServers(s, old *jsonx.Value) *jsonx.Value {
	if old == nil || old.Kind != jsonx.Object || len(old.Keys) == 0 || s.Kind != jsonx.Object {
		return s
	}
	return &jsonx.Value{Kind: jsonx.Object, Pos: s.Pos,
		Keys:  append(slices.Clip(s.Keys), old.Keys...),
		Items: append(slices.Clip(s.Items), old.Items...)}
}

// geminiExcluded lists the servers Gemini CLI does not start: those in
// mcp.excluded (a union over the settings scopes, so the workspace's list
// holds whatever the others say). mcp.allowed disables nothing here:
// Gemini intersects it with the system's and the user's lists and
// restricts only when the intersection is not empty, so an empty list, or
// one a user's list does not meet, starts every server (fail closed).
func geminiExcluded(c Client, root *jsonx.Value) map[string]bool {
	out := map[string]bool{}
	if c != Gemini {
		return out
	}
	strList(root.Get("mcp").Get("excluded"), func(s string, _ Pos) { out[s] = true })
	return out
}

// geminiCommands are the commands Gemini CLI starts from its settings
// outside mcpServers, each read as a server of its own: mcp.serverCommand
// (the server "mcp", populateMcpServerCommand) and the tool discovery and
// call commands (tool-registry.ts), run on the host.
var geminiCommands = []struct{ group, key, name string }{
	{"mcp", "serverCommand", "mcp"},
	{"tools", "discoveryCommand", "tools.discoveryCommand"},
	{"tools", "callCommand", "tools.callCommand"},
}

// geminiServerCommand adds the entries of geminiCommands: each command
// split as shell-quote splits it; "mcp" replaces an mcpServers entry of
// that name and is excluded by name as any server. A command whose quotes
// or escapes shell-quote would read is not split here: it cannot be
// judged.
func geminiServerCommand(p string, root *jsonx.Value, out []Entry) ([]Entry, error) {
	for _, gc := range geminiCommands {
		sc := root.Get(gc.group).Get(gc.key)
		if sc == nil || sc.Kind == jsonx.Null || (sc.Kind == jsonx.String && strings.TrimSpace(sc.Str) == "") {
			continue
		}
		if sc.Kind != jsonx.String {
			return nil, &Error{diag.Placed(p, sc.Pos, CodeShape, gc.group+"."+gc.key+" is not a string")}
		}
		e := geminiCommand(root, gc.name, gc.group+"."+gc.key, sc)
		kept := out[:0]
		for _, x := range out {
			if x.Name != e.Name {
				kept = append(kept, x)
			}
		}
		out = append(kept, e)
	}
	return out, nil
}

// geminiCommand reads the command string sc of the settings key field
// into the entry name.
func geminiCommand(root *jsonx.Value, name, field string, sc *jsonx.Value) Entry {
	at := pos(sc.Pos)
	e := Entry{Name: name, Pos: at, Command: sc.Str}
	switch {
	case name == "mcp" && geminiExcluded(Gemini, root)["mcp"]:
		e.Kind, e.Runs = Disabled, sc.Str
	case strings.ContainsAny(sc.Str, "'\"\\`") || strings.Contains(sc.Str, "$("):
		e.Kind, e.Runs = Shell, sc.Str
		e.Unjudged = append(e.Unjudged, Note{Text: field + " is split as a shell would split it (quotes, escapes): what it starts cannot be judged (fail closed)", Pos: at})
		e.Grants = append(e.Grants, unreadCommand(at))
	default:
		var argv []arg
		for _, f := range strings.Fields(sc.Str) {
			argv = append(argv, arg{s: f, pos: at})
		}
		e.Args = texts(argv[1:])
		classify(Gemini, &e, argv)
	}
	return e
}

// jsonEntry reads one server object.
func jsonEntry(c Client, p, name string, v *jsonx.Value, topSandbox *jsonx.Value) (Entry, error) {
	e := Entry{Name: name, Pos: pos(v.Pos)}
	r := fields{p: p, name: name, v: v}
	typ, _ := r.str("type")
	cmd, cmdV := r.str("command")
	url := ""
	for _, k := range []string{"url", "httpUrl", "serverUrl", "tcp"} {
		if u, _ := r.str(k); u != "" && url == "" {
			url = u
		}
	}
	cwd := r.cwd(c)
	envFile, envFileV := r.str("envFile")
	if r.err != nil {
		return e, r.err
	}
	remoteType := typ == "http" || typ == "sse" || typ == "ws" || typ == "streamable-http"
	switch {
	case url != "" && (cmd == "" || c == Gemini || remoteType):
		// Gemini: httpUrl and url win over command.
		e.Kind, e.URL, e.Runs = Remote, symbolic(c, url).Text, url
		if h, hv := r.str("headersHelper"); h != "" {
			e.Grants = append(e.Grants, headersHelper("headersHelper", h, pos(hv.Pos)))
		}
		e.Grants = append(e.Grants, hostHeaders(c, v.Get("headers"))...)
		return e, r.err
	case cmd == "":
		return e, r.shape(v, "neither command nor url")
	}
	argv, err := r.argv(cmd, cmdV)
	if err != nil {
		return e, err
	}
	e.Command, e.Args = cmd, texts(argv[1:])
	// The client reads envFile on the host, outside any sandbox, whatever
	// the sandbox denies (VS Code's included).
	var envFileGrant []Grant
	if envFile != "" {
		key, loud := judgePath(c, envFile)
		envFileGrant = []Grant{{Kind: GEnvFile, Key: key, Pos: pos(envFileV.Pos), Loud: loud != "", Why: "every variable in a file, given to the client's process", launcher: true}}
	}
	if c == VSCode {
		if sb := v.Get("sandboxEnabled"); sb != nil && sb.Kind == jsonx.Bool && sb.Str == "true" {
			e = vscodeEntry(c, e, argv, cwd, v.Get("sandbox"), topSandbox, pos(sb.Pos))
			e.Grants = append(e.Grants, envFileGrant...)
			jsonEngineEnv(&e, v.Get("env"))
			resolveEnvFiles(c, p, &e)
			markInTree(c, p, &e)
			selfRewrite(c, &e, e.Grants)
			return e, nil
		}
	}
	classify(c, &e, argv)
	e.cwd = cwd
	rebaseCwd(c, &e, cwd)
	jsonEngineEnv(&e, v.Get("env"))
	e.Grants = append(e.Grants, envFileGrant...)
	resolveSettings(c, p, &e, cwd)
	resolveProfiles(c, p, &e, cwd)
	resolveEnvFiles(c, p, &e)
	markInTree(c, p, &e)
	return e, nil
}

// hostHeaders are the headers of a remote entry whose value the client
// fills in from the host (Authorization: Bearer ${TOKEN}): the host's
// secret is sent to the endpoint. Literal values are the config's own.
func hostHeaders(c Client, hs *jsonx.Value) []Grant {
	if hs == nil || hs.Kind != jsonx.Object {
		return nil
	}
	var gs []Grant
	for i, k := range hs.Keys {
		v := hs.Items[i]
		if v.Kind != jsonx.String {
			continue
		}
		if u := symbolic(c, v.Str).Unknown; len(u) > 0 {
			gs = append(gs, Grant{Kind: GEnv, Key: "header " + k + ": " + v.Str, Pos: pos(v.Pos),
				Why: "the host's " + strings.Join(u, ", ") + " is sent to the remote endpoint"})
		}
	}
	return gs
}

// jsonEngineEnv reads the names and values of an entry's env object for
// engineEnv.
func jsonEngineEnv(e *Entry, env *jsonx.Value) {
	if env == nil || env.Kind != jsonx.Object {
		return
	}
	at := make([]Pos, len(env.Items))
	vals := make([]string, len(env.Items))
	for i, it := range env.Items {
		at[i] = pos(it.Pos)
		vals[i] = it.Str
		if it.Kind != jsonx.String {
			vals[i] = short(it)
		}
	}
	engineEnv(e, env.Keys, vals, at)
}

// fields reads the fields of one server object, keeping the first shape
// error.
type fields struct {
	p, name string
	v       *jsonx.Value
	err     error
}

func (r *fields) shape(at *jsonx.Value, msg string) error {
	return &Error{diag.Placed(r.p, at.Pos, CodeShape, fmt.Sprintf("server %q: %s", r.name, msg))}
}

// str returns the string field k ("" when absent); a field of another
// type is a shape error.
func (r *fields) str(k string) (string, *jsonx.Value) {
	x := r.v.Get(k)
	if x == nil {
		return "", nil
	}
	if x.Kind != jsonx.String {
		if r.err == nil {
			r.err = r.shape(x, k+" is not a string")
		}
		return "", x
	}
	return x.Str, x
}

// cwd is the server's working directory as written; a Claude Code
// plugin's server without one starts where the user runs Claude Code (not
// documented): the user's project, any path (fail closed).
func (r *fields) cwd(c Client) string {
	cwd, _ := r.str("cwd")
	if c == ClaudePlugin && cwd == "" {
		return "${CLAUDE_PROJECT_DIR}"
	}
	return cwd
}

// argv is the command and the args array. A command holding spaces with
// no args is split at spaces, as some clients run it through a shell.
func (r *fields) argv(cmd string, cmdV *jsonx.Value) ([]arg, error) {
	argv := []arg{{s: cmd, pos: pos(cmdV.Pos)}}
	if a := r.v.Get("args"); a != nil {
		if a.Kind != jsonx.Array {
			return nil, r.shape(a, "args is not an array")
		}
		for _, it := range a.Items {
			if it.Kind != jsonx.String {
				return nil, r.shape(it, "an argument is not a string")
			}
			argv = append(argv, arg{s: it.Str, pos: pos(it.Pos)})
		}
	}
	if strings.ContainsAny(cmd, " \t") && len(argv) == 1 {
		argv = argv[:0]
		for _, f := range strings.Fields(cmd) {
			argv = append(argv, arg{s: f, pos: pos(cmdV.Pos)})
		}
	}
	return argv, nil
}

// vscodeEntry is a stdio server VS Code runs in its own sandbox: srt with
// the rules of the sandbox object (the server's own, as the 5/28/2026 docs
// place it, or the top-level one of the 6/3/2026 docs) plus what VS Code
// adds.
func vscodeEntry(c Client, e Entry, argv []arg, cwd string, own, top *jsonx.Value, at Pos) Entry {
	e.Kind = VSCodeSandbox
	prog := program(argv[0].s)
	e.Runs = runsOf(prog, argv[1:])
	if e.Runs == "" {
		e.Runs = argv[0].s
	}
	e.Grants = append(e.Grants, vscodeSandbox(c, cwd, at)...)
	for _, sb := range []*jsonx.Value{top, own} {
		if sb == nil {
			continue
		}
		if sb.Kind != jsonx.Object {
			e.Grants = append(e.Grants, rawKey("sandbox", sb))
			continue
		}
		e.Grants = append(e.Grants, sandboxRules(c, sb, true)...)
	}
	return e
}
