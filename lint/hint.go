package lint

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// This file adds to the compiler's errors what a person needs to fix them:
// a "did you mean", the valid choices, a better position. The compiler's
// messages stay exactly capgate's (the conformance data checks them), so the
// help is a separate hint that the CLI prints after the message and the
// reports show next to it. The kinds and actions come from the compiler.

// kindNames lists the capability kinds of the grammar, as text.
func kindNames() []string {
	var out []string
	for _, k := range compiler.Kinds() {
		out = append(out, string(k))
	}
	return out
}

// kindShapes is the grammar of each kind, with an example.
var kindShapes = map[string]string{
	string(compiler.KindFS):     "fs:<actions>:<absolute path>, e.g. fs:read:/workspace/**",
	string(compiler.KindNet):    "net:connect:<host>[:<port>], e.g. net:connect:api.github.com:443",
	string(compiler.KindEnv):    "env:<actions>:<NAME>, e.g. env:inject:GITHUB_TOKEN",
	string(compiler.KindExec):   "exec:spawn:<basename>, e.g. exec:spawn:git",
	string(compiler.KindIPC):    `ipc:connect:<endpoint>, e.g. ipc:connect:x11 or ipc:connect:"unix:/run/app.sock"`,
	string(compiler.KindClock):  "clock:system or clock:tzdata",
	string(compiler.KindAssert): `assert:<id>:"<text>", e.g. assert:no-secrets:"never reads ~/.ssh"`,
}

// Explain returns the position to report ce at and a hint saying what to
// change, or "" when it has nothing to add. src is the manifest text;
// capText is the capability string the error is about, or "" when it is
// not about one (see ExplainAt).
func Explain(src []byte, ce *compiler.Error, capText string) (compiler.Pos, string) {
	pos := ce.Pos()
	switch ce.Code {
	case compiler.CodeParse:
		return pos, parseHint(src)
	case compiler.CodeManifestShape:
		return shapeHint(src, ce)
	case compiler.CodeGrammarMismatch:
		return pos, fmt.Sprintf("this compiler implements grammar %q; remove \"grammar\" or set it to %q", compiler.GrammarVersion, compiler.GrammarVersion)
	case compiler.CodeUnsafe:
		return pos, "capgate refuses values that would inject into or break an emitted config; see docs/unsafe-values.md"
	}
	if capText == "" {
		return pos, ""
	}
	return pos, capHint(ce.Code, capText)
}

var yamlLine = regexp.MustCompile(`^(---|[A-Za-z_][\w.-]*:(\s|$)|- )`)

// parseHint explains a manifest that is not JSON.
func parseHint(src []byte) string {
	t := bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\uFEFF")), " \t\r\n")
	switch {
	case len(t) == 0:
		return `the file is empty; a manifest is a JSON object: {"name": "...", "version": "...", "tools": [...]}`
	case t[0] != '{' && t[0] != '[':
		if yamlLine.Match(t) {
			return "manifests are JSON, and this looks like YAML; convert it (for example with yq -o=json) and keep the .json name"
		}
		return `manifests are JSON: the file must be one JSON object, {"name": "...", "version": "...", "tools": [...]}`
	case bytes.Contains(t, []byte("//")) || bytes.Contains(t, []byte("/*")):
		return "manifests are strict JSON: no comments and no trailing commas"
	}
	return "manifests are strict JSON: no comments, no trailing commas, keys in double quotes"
}

// shapeHint explains a MANIFEST_SHAPE error. When the key capgate wants is
// missing and a misspelling of it is present, it points at that key.
func shapeHint(src []byte, ce *compiler.Error) (compiler.Pos, string) {
	detail := ce.Message
	root, err := jsonx.Parse(src)
	if err != nil {
		return ce.Pos(), ""
	}
	// "manifest.tools must be an array", "tools[0].capabilities must be an array"
	obj, keys, key := root, manifestKeys, ""
	if k, ok := strings.CutPrefix(detail, "manifest."); ok {
		key, _, _ = strings.Cut(k, " ")
	} else if strings.HasPrefix(detail, "tools[") {
		var i int
		var k string
		if n, _ := fmt.Sscanf(detail, "tools[%d].%s", &i, &k); n == 2 {
			tools := root.Get("tools")
			if tools != nil && i >= 0 && i < len(tools.Items) {
				obj, keys, key = tools.Items[i], toolKeys, k
			}
		}
	}
	if key == "" || obj.Get(key) != nil {
		return ce.Pos(), shapeExample(detail)
	}
	for i, k := range obj.Keys {
		if slices.Contains(keys, k) {
			continue
		}
		if s := Suggest(k, []string{key}); s != "" {
			return KeyPos(src, obj.Items[i].Pos), fmt.Sprintf("unknown key %q: did you mean %q?", k, s)
		}
	}
	return ce.Pos(), fmt.Sprintf("%q is missing; %s", key, shapeExample(detail))
}

func shapeExample(detail string) string {
	switch {
	case strings.Contains(detail, "capabilities"):
		return `a tool is {"name": "...", "capabilities": ["fs:read:/workspace/**"]}`
	case strings.HasPrefix(detail, "manifest must be"):
		return `a manifest is a JSON object: {"name": "...", "version": "...", "tools": [...]}`
	}
	return `a manifest is {"name": "...", "version": "...", "tools": [{"name": "...", "capabilities": [...]}]}`
}

// ExplainError is Explain for any error of compiling src: the hint for a
// *compiler.Error (with the capability it is about found in src), "" for
// anything else.
func ExplainError(src []byte, err error) string {
	var ce *compiler.Error
	if !errors.As(err, &ce) {
		return ""
	}
	capText := ""
	if m, perr := compiler.ParseManifest(src); perr == nil {
		capText = CapAt(m, ce.Pos())
	}
	_, h := Explain(src, ce, capText)
	return h
}

// CapAt returns the text of the capability string of m at pos, or "".
func CapAt(m *compiler.Manifest, pos compiler.Pos) string {
	for _, cs := range m.AllCaps() {
		if cs.Pos.Offset == pos.Offset {
			return cs.Text
		}
	}
	return ""
}

// capParts is the text of a capability that does not compile, cut at its
// first two ':' once, as the grammar reads it: kind, actions and scope
// (everything after, quotes and further ':' included).
type capParts struct {
	kind, actions, scope string
	// hasActions is false when the text has no ':' at all.
	hasActions bool
}

func cutCap(text string) capParts {
	kind, rest, ok := strings.Cut(text, ":")
	actions, scope, _ := strings.Cut(rest, ":")
	return capParts{kind: kind, actions: actions, scope: scope, hasActions: ok}
}

// capHints explains each error code about the text of a capability.
var capHints = map[string]func(c capParts) string{
	compiler.CodeUnknownKind:   kindHint,
	compiler.CodeActionUnknown: actionHint,
	compiler.CodeActionsEmpty:  actionHint,
	compiler.CodeNetPort: func(c capParts) string {
		if isURL(c) {
			return urlHint(c)
		}
		return "a port is a whole number from 1 to 65535; leave it out to allow any port"
	},
	compiler.CodeNetShape: func(c capParts) string {
		if isURL(c) {
			return urlHint(c)
		}
		return kindShapes[string(compiler.KindNet)]
	},
	compiler.CodeFSRelative:  fsRelativeHint,
	compiler.CodeEnvName:     envNameHint,
	compiler.CodeExecPath:    execPathHint,
	compiler.CodeClockSource: func(capParts) string { return kindShapes[string(compiler.KindClock)] },
	compiler.CodeMalformed: func(capParts) string {
		return "a capability is <kind>:<scope>; valid kinds: " + strings.Join(kindNames(), ", ")
	},
	compiler.CodeFSShape:     shapeOfKind,
	compiler.CodeEnvShape:    shapeOfKind,
	compiler.CodeExecShape:   shapeOfKind,
	compiler.CodeIPCShape:    shapeOfKind,
	compiler.CodeAssertShape: shapeOfKind,
}

// capHint explains an error in the capability string text.
func capHint(code, text string) string {
	if h := capHints[code]; h != nil {
		return h(cutCap(text))
	}
	return ""
}

// isURL reports whether the scope reads as a URL: "https://…".
func isURL(c capParts) bool {
	_, rest, ok := strings.Cut(c.scope, ":")
	return ok && strings.HasPrefix(rest, "//")
}

func kindHint(c capParts) string {
	kinds := kindNames()
	h := "valid kinds: " + strings.Join(kinds, ", ")
	if s := Suggest(c.kind, kinds); s != "" {
		return fmt.Sprintf("did you mean %q? %s", s, h)
	}
	return h
}

// actionHint lists the actions of the kind (the compiler's list) and
// suggests the one meant.
func actionHint(c capParts) string {
	kind := c.kind
	allowed := compiler.Actions(compiler.CapKind(kind))
	if len(allowed) == 0 {
		return ""
	}
	h := fmt.Sprintf("%s actions: %s", kind, strings.Join(allowed, ", "))
	if len(allowed) > 1 {
		h += " (several with commas: " + kind + ":" + allowed[0] + "," + allowed[1] + ":...)"
	}
	if !c.hasActions {
		return h
	}
	for _, a := range strings.Split(c.actions, ",") {
		a = strings.TrimSpace(a)
		if slices.Contains(allowed, a) {
			continue
		}
		if joined := splitJoined(a, allowed); joined != "" {
			return fmt.Sprintf("did you mean %q? %s", joined, h)
		}
		if s := Suggest(a, allowed); s != "" {
			return fmt.Sprintf("did you mean %q? %s", s, h)
		}
	}
	return h
}

func fsRelativeHint(c capParts) string {
	p := c.scope
	switch {
	case strings.HasPrefix(p, "~"):
		h := "~ is not expanded: a sandbox has no home to resolve it against; write the absolute path"
		if e := "/home/app" + strings.TrimPrefix(p, "~"); validSuggestion("fs:read:" + e) {
			h += ", e.g. " + e
		}
		return h
	case strings.HasPrefix(p, "$"):
		return "variables are not expanded; write the absolute path"
	}
	h := "fs paths are absolute: a sandbox has no working directory to resolve against"
	if e := "/workspace/" + strings.TrimPrefix(p, "./"); validSuggestion("fs:read:" + e) {
		h += "; write e.g. " + e
	}
	return h
}

func envNameHint(c capParts) string {
	name := c.scope
	h := "env names are UPPER_SNAKE (A-Z, 0-9, _, not starting with a digit)"
	if e := upperSnake(name); validSuggestion("env:inject:" + e) {
		h += fmt.Sprintf(": did you mean %q?", e)
	}
	return h
}

func execPathHint(c capParts) string {
	b := c.scope
	if i := strings.LastIndexByte(b, '/'); i >= 0 && i < len(b)-1 && programName(b[i+1:]) && validSuggestion("exec:spawn:"+b[i+1:]) {
		return fmt.Sprintf("exec takes the program's name, found on the sandbox's PATH: write exec:spawn:%s", b[i+1:])
	}
	return kindShapes[string(compiler.KindExec)]
}

func shapeOfKind(c capParts) string {
	kind := c.kind
	h := kindShapes[kind]
	if kind == string(compiler.KindIPC) && strings.Contains(c.scope, ":") {
		h += `; an endpoint with ':' must be quoted`
	}
	return h
}

// urlHint explains a URL written as a net capability, with the
// capability to write instead when that one is valid.
func urlHint(c capParts) string {
	h := fmt.Sprintf("%q is a URL; net takes a host and a port, not a URL", c.scope)
	scheme, rest, _ := strings.Cut(c.scope, ":")
	if e := "net:connect:" + urlHostPort(scheme, rest); validSuggestion(e) {
		h += ": write " + e
	}
	return h
}

// validSuggestion reports whether capability text c may be suggested as a
// fix: it compiles, and holds no control, bidi, zero-width or blank
// character and no invalid UTF-8 (a hint must never offer a value that is
// itself wrong, or hide one).
func validSuggestion(c string) bool {
	for _, r := range c {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError || hidden(r) || unicode.IsSpace(r) {
			return false
		}
	}
	_, err := compiler.ParseCapability(compiler.CapString{Text: c})
	return err == nil
}

// programName reports whether s is a plausible program name: POSIX's
// portable file name characters (and '+'), so that the tail of
// "</details>" or of a path with an escape sequence is not offered as one.
func programName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._+-", r)) {
			return false
		}
	}
	return s != "" && s[0] != '-'
}

// urlHostPort turns the host part and the rest of a URL-like net capability
// ("https", "//api.example.com/x") into "api.example.com:443".
func urlHostPort(scheme, rest string) string {
	host := strings.TrimPrefix(rest, "//")
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if strings.Contains(host, ":") {
		return host
	}
	port := "443"
	if strings.EqualFold(scheme, "http") {
		port = "80"
	}
	return host + ":" + port
}

// splitJoined recognises two allowed actions written without a comma
// ("readwrite") and returns them with one ("read,write").
func splitJoined(a string, allowed []string) string {
	for _, x := range allowed {
		if rest, ok := strings.CutPrefix(a, x); ok && slices.Contains(allowed, rest) {
			return x + "," + rest
		}
	}
	return ""
}

func upperSnake(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || (out[0] >= '0' && out[0] <= '9') {
		out = "_" + out
	}
	return out
}

// hidden reports whether r is a format character (Unicode Cf: bidi
// controls, zero-width characters, the soft hyphen, the BOM) or a line or
// paragraph separator: characters that reorder or hide text.
func hidden(r rune) bool {
	return unicode.Is(unicode.Cf, r) || r == 0x2028 || r == 0x2029
}
