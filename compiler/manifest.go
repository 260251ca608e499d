package compiler

import (
	"fmt"
)

// GrammarVersion is the capability grammar this compiler implements.
const GrammarVersion = "0.0"

// MaxManifestBytes is the largest manifest this package will read. Anything
// larger is refused before parsing.
const MaxManifestBytes = 1 << 20

// CapString is one capability string as it stands in a manifest.
type CapString struct {
	Text string
	Pos  Pos
	// Tool is the index of the tool that declares it, or -1 for
	// serverCapabilities.
	Tool int
	// Index is its index within its array.
	Index int
}

// Tool is one entry of a manifest's tools array.
type Tool struct {
	Name *Value // as written; capgate does not check its type
	Caps []CapString
	Pos  Pos
}

// Manifest is a decoded, shape-checked capgate manifest.
type Manifest struct {
	Name    string
	Version string
	// Grammar is the declared grammar version, or "" when absent.
	Grammar    string
	HasGrammar bool
	Server     []CapString
	Tools      []Tool

	root      *Value
	serverArr *Value // nil when absent or null
}

// Root returns the parsed JSON document.
func (m *Manifest) Root() *Value { return m.root }

// AllCaps returns the server capabilities followed by each tool's, in the
// order capgate unions them.
func (m *Manifest) AllCaps() []CapString {
	n := len(m.Server)
	for _, t := range m.Tools {
		n += len(t.Caps)
	}
	out := make([]CapString, 0, n)
	out = append(out, m.Server...)
	for _, t := range m.Tools {
		out = append(out, t.Caps...)
	}
	return out
}

// ParseManifest parses and shape-checks manifest text. A syntax error is an
// *Error with code PARSE; a shape error has code MANIFEST_SHAPE.
func ParseManifest(src []byte) (*Manifest, error) {
	if len(src) > MaxManifestBytes {
		return nil, &Error{Code: CodeParse, Message: fmt.Sprintf("manifest is larger than %d bytes", MaxManifestBytes)}
	}
	root, err := parseManifestJSON(src)
	if err != nil {
		pe := err.(*ParseError)
		return nil, &Error{Code: CodeParse, Message: pe.Message, Pos: pe.Pos}
	}
	return DecodeManifest(root)
}

func shapeErr(v *Value, fallback *Value, format string, args ...any) *Error {
	pos := fallback.Pos
	if v != nil {
		pos = v.Pos
	}
	return errAt(pos, CodeManifestShape, format, args...)
}

// DecodeManifest shape-checks a parsed JSON document as capgate does.
func DecodeManifest(root *Value) (*Manifest, error) {
	// capgate checks typeof === "object", which an array passes.
	if root.Kind != Object && root.Kind != Array {
		return nil, errAt(root.Pos, CodeManifestShape, "manifest must be an object")
	}
	m := &Manifest{root: root}
	name := root.Get("name")
	if name == nil || name.Kind != String || name.Str == "" {
		return nil, shapeErr(name, root, "manifest.name must be a non-empty string")
	}
	m.Name = name.Str
	version := root.Get("version")
	if version == nil || version.Kind != String || version.Str == "" {
		return nil, shapeErr(version, root, "manifest.version must be a non-empty string")
	}
	m.Version = version.Str
	if g := root.Get("grammar"); g != nil {
		if g.Kind != String {
			return nil, shapeErr(g, root, "manifest.grammar must be a string")
		}
		m.Grammar, m.HasGrammar = g.Str, true
	}
	if sc := root.Get("serverCapabilities"); sc != nil && sc.Kind != Null {
		if sc.Kind != Array {
			return nil, shapeErr(sc, root, "manifest.serverCapabilities must be an array")
		}
		m.serverArr = sc
		caps, err := capStrings(sc, -1, "serverCapabilities")
		if err != nil {
			return nil, err
		}
		m.Server = caps
	}
	tools := root.Get("tools")
	if tools == nil || tools.Kind != Array {
		return nil, shapeErr(tools, root, "manifest.tools must be an array")
	}
	m.Tools = make([]Tool, 0, len(tools.Items))
	for i, t := range tools.Items {
		if t.Kind != Object && t.Kind != Array {
			return nil, shapeErr(t, root, "tools[%d] must be an object", i)
		}
		c := t.Get("capabilities")
		if c == nil || c.Kind != Array {
			return nil, shapeErr(c, t, "tools[%d].capabilities must be an array", i)
		}
		caps, err := capStrings(c, i, fmt.Sprintf("tools[%d].capabilities", i))
		if err != nil {
			return nil, err
		}
		m.Tools = append(m.Tools, Tool{Name: t.Get("name"), Caps: caps, Pos: t.Pos})
	}
	if m.HasGrammar && m.Grammar != GrammarVersion {
		return nil, errAt(root.Get("grammar").Pos, CodeGrammarMismatch,
			"manifest declares grammar %s but compiler is at %s", jsQuote(m.Grammar), jsQuote(GrammarVersion))
	}
	return m, nil
}

func capStrings(arr *Value, tool int, what string) ([]CapString, error) {
	out := make([]CapString, 0, len(arr.Items))
	for j, it := range arr.Items {
		if it.Kind != String {
			return nil, errAt(it.Pos, CodeManifestShape, "%s[%d] must be a string", what, j)
		}
		out = append(out, CapString{Text: it.Str, Pos: it.Pos, Tool: tool, Index: j})
	}
	return out, nil
}
