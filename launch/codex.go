package launch

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// parseCodex reads Codex's config.toml: servers are the tables
// [mcp_servers.NAME] (codex-rs RawMcpServerConfig: command, args, env,
// env_vars, cwd, url, bearer_token_env_var, http_headers,
// env_http_headers, enabled, …). Codex expands no variables.
func parseCodex(p string, data []byte) ([]Entry, error) {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, &Error{diag.At(p, data, byteOffset(data, line, col), CodeParse, strings.TrimPrefix(de.Error(), "toml: "))}
		}
		return nil, errAt(p, Pos{1, 1}, CodeParse, err.Error())
	}
	where := tomlPositions(data)
	raw, ok := doc["mcp_servers"]
	if !ok {
		return nil, nil
	}
	servers, ok := raw.(map[string]any)
	if !ok {
		return nil, errAt(p, where.at("mcp_servers"), CodeShape, "mcp_servers is not a table")
	}
	names := make([]string, 0, len(servers))
	for n := range servers {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Entry
	for _, name := range names {
		e, err := codexEntry(p, name, servers[name], where)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func codexEntry(p, name string, v any, where tomlPos) (Entry, error) {
	key := "mcp_servers\x00" + name
	e := Entry{Name: name, Pos: where.at(key)}
	m, ok := v.(map[string]any)
	bad := func(field, msg string) error {
		at := e.Pos
		if field != "" {
			at = where.at(key + "\x00" + field)
		}
		return errAt(p, at, CodeShape, fmt.Sprintf("server %q: %s", name, msg))
	}
	if !ok {
		return e, bad("", "is not a table")
	}
	if en, ok := m["enabled"].(bool); ok && !en {
		e.Kind = Disabled
		e.Runs, _ = m["command"].(string)
		return e, nil
	}
	cmd, _ := m["command"].(string)
	url, _ := m["url"].(string)
	if _, ok := m["command"]; ok && cmd == "" {
		return e, bad("command", "command is not a string")
	}
	if cmd == "" {
		if url == "" {
			return e, bad("", "neither command nor url")
		}
		e.Kind, e.URL, e.Runs = Remote, url, url
		if h, _ := m["http_headers_helper"].(string); h != "" {
			e.Grants = append(e.Grants, headersHelper("http_headers_helper", h, where.at(key+"\x00http_headers_helper")))
		}
		e.Grants = append(e.Grants, codexSentVars(m, key, where)...)
		return e, nil
	}
	argv := []arg{{s: cmd, pos: where.at(key + "\x00command")}}
	if a, ok := m["args"]; ok {
		list, ok := a.([]any)
		if !ok {
			return e, bad("args", "args is not an array")
		}
		for i, it := range list {
			s, ok := it.(string)
			if !ok {
				return e, bad("args", "an argument is not a string")
			}
			argv = append(argv, arg{s: s, pos: where.at(fmt.Sprintf("%s\x00args\x00%d", key, i))})
		}
	}
	e.Command, e.Args = cmd, texts(argv[1:])
	classify(Codex, &e, argv)
	if env, ok := m["env"].(map[string]any); ok {
		names := make([]string, 0, len(env))
		for n := range env {
			names = append(names, n)
		}
		sortStrings(names)
		at := make([]Pos, len(names))
		vals := make([]string, len(names))
		for i, n := range names {
			at[i] = where.at(key + "\x00env\x00" + n)
			vals[i] = fmt.Sprint(env[n])
		}
		engineEnv(&e, names, vals, at)
	}
	if e.Kind == Bare {
		codexEnv(&e, m, key, where)
	}
	cwd, _ := m["cwd"].(string)
	e.cwd = cwd
	rebaseCwd(Codex, &e, cwd)
	resolveSettings(Codex, p, &e, cwd)
	resolveProfiles(Codex, p, &e, cwd)
	resolveEnvFiles(Codex, p, &e)
	markInTree(Codex, p, &e)
	return e, nil
}

// codexEnv records the host variables a bare server is passed by name
// (env_vars); Codex documents a restricted default environment, so these
// are what reaches the server of the host's secrets. Literal env values
// are the config's own and grant nothing.
func codexEnv(e *Entry, m map[string]any, key string, where tomlPos) {
	vars, _ := m["env_vars"].([]any)
	for i, it := range vars {
		name, _ := it.(string)
		if t, ok := it.(map[string]any); ok {
			name, _ = t["name"].(string)
		}
		if name != "" {
			e.Grants = append(e.Grants, Grant{Kind: GEnv, Key: name, Pos: where.at(fmt.Sprintf("%s\x00env_vars\x00%d", key, i)), Why: "the host's value is passed through (env_vars)"})
		}
	}
}

// codexSentVars are the host variables a remote entry sends to its
// endpoint: bearer_token_env_var and the values of env_http_headers.
func codexSentVars(m map[string]any, key string, where tomlPos) []Grant {
	var gs []Grant
	if v, _ := m["bearer_token_env_var"].(string); v != "" {
		gs = append(gs, Grant{Kind: GEnv, Key: v, Pos: where.at(key + "\x00bearer_token_env_var"), Why: "the host's value is sent to the remote endpoint as a bearer token"})
	}
	hs, _ := m["env_http_headers"].(map[string]any)
	names := make([]string, 0, len(hs))
	for h := range hs {
		names = append(names, h)
	}
	sortStrings(names)
	for _, h := range names {
		if v, _ := hs[h].(string); v != "" {
			gs = append(gs, Grant{Kind: GEnv, Key: v, Pos: where.at(key + "\x00env_http_headers\x00" + h), Why: "the host's value is sent to the remote endpoint (header " + h + ")"})
		}
	}
	return gs
}

// tomlPos maps a key path (parts joined by NUL; array elements by index)
// to where it is first written.
type tomlPos map[string]Pos

// at returns the position of key, or of the nearest enclosing key written.
func (t tomlPos) at(key string) Pos {
	for {
		if p, ok := t[key]; ok {
			return p
		}
		i := strings.LastIndexByte(key, 0)
		if i < 0 {
			return Pos{1, 1}
		}
		key = key[:i]
	}
}

// tomlPositions walks the document's expressions once, recording where
// each key (table headers, dotted keys, inline-table keys, array
// elements) is written. The document already decoded, so it parses.
func tomlPositions(data []byte) tomlPos {
	t := tomlPos{}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(n.Key())
			t.add(&p, strings.Join(table, "\x00"), firstKey(n.Key()))
		case unstable.KeyValue:
			t.keyValue(&p, table, n)
		}
	}
	return t
}

func (t tomlPos) keyValue(p *unstable.Parser, table []string, n *unstable.Node) {
	parts := append(append([]string(nil), table...), keyParts(n.Key())...)
	full := strings.Join(parts, "\x00")
	it := n.Key()
	var first *unstable.Node
	for it.Next() {
		part := it.Node()
		if first == nil {
			first = part
		}
		// Each dotted prefix is written here too.
		table = append(table, string(part.Data))
		t.add(p, strings.Join(table, "\x00"), part)
	}
	t.value(p, full, n.Value(), first)
}

func (t tomlPos) value(p *unstable.Parser, key string, v, at *unstable.Node) {
	switch v.Kind {
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); i++ {
			el := it.Node()
			t.add(p, fmt.Sprintf("%s\x00%d", key, i), el)
			t.value(p, fmt.Sprintf("%s\x00%d", key, i), el, el)
		}
	case unstable.InlineTable:
		parts := strings.Split(key, "\x00")
		for it := v.Children(); it.Next(); {
			t.keyValue(p, parts, it.Node())
		}
	}
}

func (t tomlPos) add(p *unstable.Parser, key string, n *unstable.Node) {
	if _, ok := t[key]; ok || n == nil {
		return
	}
	r := n.Raw
	if r.Length == 0 && len(n.Data) > 0 {
		r = dataRange(p, n.Data)
	}
	if r.Length == 0 && r.Offset == 0 {
		return
	}
	t[key] = pos(jsonx.PosAt(p.Data(), int(r.Offset)))
}

func keyParts(it unstable.Iterator) []string {
	var out []string
	for it.Next() {
		out = append(out, string(it.Node().Data))
	}
	return out
}

func firstKey(it unstable.Iterator) *unstable.Node {
	if it.Next() {
		return it.Node()
	}
	return nil
}

// dataRange is p.Range(b) for b inside the input, else the empty range
// (a key with escapes is decoded into fresh memory; p.Range would panic).
func dataRange(p *unstable.Parser, b []byte) (r unstable.Range) {
	defer func() {
		if recover() != nil {
			r = unstable.Range{}
		}
	}()
	return p.Range(b)
}

// byteOffset is the offset in data of line and col as go-toml counts them
// (1-based; col in bytes), so that the position is then computed the one
// way (jsonx.PosAt, which counts characters).
func byteOffset(data []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	return off + max(col-1, 0)
}
