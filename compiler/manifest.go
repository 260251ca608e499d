package compiler

import (
	"fmt"
	"github.com/razukc/capgate-action/internal/jsonx"
	"strconv"
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
	// Name is the tool's name, a non-empty string.
	Name string
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

	all  []CapString // Server and every Tools[i].Caps, in that order
	hash string
}

// AllCaps returns the server capabilities followed by each tool's, in the
// order capgate unions them. The slice is the manifest's own: read it, do
// not change it.
func (m *Manifest) AllCaps() []CapString { return m.all }

// ParseManifest parses and shape-checks manifest text. A syntax error is an
// *Error with code PARSE; a shape error has code MANIFEST_SHAPE.
func ParseManifest(src []byte) (*Manifest, error) {
	m := new(Manifest)
	if err := parseManifest(src, m, new(arena), MaxManifestBytes, false, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// parseManifest parses src, of at most limit bytes, into m, copying the
// text m keeps into a. When then is not nil it runs after decoding, with
// the pooled scratch memory of the parse. With checkOnly set (Check), the
// manifestHash is not computed, and nothing m holds is read once then
// returns nil: the parser's shared arena is then rewound to where it
// stood before the parse (arena.rewind), so that the checks of the
// unchanged manifests of a diff, one after the other, reuse the same few
// hundred bytes instead of taking new ones from the blocks
// (BenchmarkCheck: 988 B a manifest before; TestCheckRewinds).
func parseManifest(src []byte, m *Manifest, a *arena, limit int, checkOnly bool, then func(*scratch, *arena) error) error {
	if len(src) > limit {
		return ownErr(Pos{Line: 1, Col: 1}, CodeTooLarge, fmt.Sprintf("manifest is larger than %d bytes", MaxManifestBytes))
	}
	err := withManifestTree(src, func(p *parser, root jsonx.Node) error {
		a, rewind := a, checkOnly && a == nil
		if a == nil {
			a = &p.res
			a.share()
		}
		var at arenaMark
		if rewind {
			at = a.mark()
		}
		err := decodeManifest(root, m, a, &p.scratch, !checkOnly)
		if err == nil && then != nil {
			err = then(&p.scratch, a)
		}
		if err == nil && rewind {
			a.rewind(at)
		}
		return err
	})
	if pe, ok := err.(*jsonx.ParseError); ok {
		return ownErr(pe.Pos, CodeParse, pe.Message)
	}
	return err
}

func shapeErr(v, fallback jsonx.Node, format string, args ...any) *Error {
	pos := fallback.Pos()
	if v.Exists() {
		pos = v.Pos()
	}
	return errAt(pos, CodeManifestShape, format, args...)
}

// decodeManifest fills m from root. Every string m keeps is copied into a,
// so that root may be dropped or reused afterwards. When hash is set, m's
// hash is computed.
func decodeManifest(root jsonx.Node, m *Manifest, a *arena, scr *scratch, hash bool) error {
	fields := fieldsOf(root)
	name, version, grammar, sc, tools := fields.name, fields.version, fields.grammar, fields.caps, fields.tools
	if err := decodeHead(root, fields); err != nil {
		return err
	}
	// Count first, so that every capability string lands in one slice.
	m.all = take(a, &a.sl.caps, capCount(sc, tools))
	m.Name = a.str(name.Str())
	m.Version = a.str(version.Str())
	if grammar.Exists() {
		m.Grammar, m.HasGrammar = a.str(grammar.Str()), true
	}
	if err := m.decodeServer(root, sc, a); err != nil {
		return err
	}
	if err := m.decodeTools(root, tools, a); err != nil {
		return err
	}
	if hash {
		m.hash = manifestHash(m, a, scr)
	}
	return nil
}

// manifestFields are the members of a manifest document that
// decodeManifest reads.
type manifestFields struct{ name, version, grammar, caps, tools jsonx.Node }

// fieldsOf finds root's fields in one pass over its members (the parse
// kept no others: manifestSchema), not a Get for each, which scanned them
// again (with hexDigest, 440 fewer instructions a manifest in
// BenchmarkCompileAll, valgrind, GOGC=off, issue 24; the conformance
// vectors and FuzzCompile check the decoding). An array has none, as Get
// finds none in it.
func fieldsOf(root jsonx.Node) (f manifestFields) {
	if root.Kind() != jsonx.Object {
		return f
	}
	for i := range root.Len() {
		v := root.Item(i)
		switch root.Key(i) {
		case "name":
			f.name = v
		case "version":
			f.version = v
		case "grammar":
			f.grammar = v
		case "serverCapabilities":
			f.caps = v
		case "tools":
			f.tools = v
		}
	}
	return f
}

// decodeHead checks the manifest's kind and its grammar, name and version,
// in capgate's order.
func decodeHead(root jsonx.Node, f manifestFields) error {
	// capgate checks typeof === "object", which an array passes.
	if root.Kind() != jsonx.Object && root.Kind() != jsonx.Array {
		return errAt(root.Pos(), CodeManifestShape, "manifest must be an object")
	}
	// capgate checks grammar before name, version and tools.
	if g := f.grammar; g.Exists() && g.Kind() != jsonx.String {
		return shapeErr(g, root, "manifest.grammar must be a string")
	}
	if g := f.grammar; g.Exists() && g.Str() != GrammarVersion {
		return errAt(g.Pos(), CodeGrammarMismatch,
			"manifest declares grammar %s but compiler is at %s", jsQuote(g.Str()), jsQuote(GrammarVersion))
	}
	if !nonEmptyString(f.name) {
		return shapeErr(f.name, root, "manifest.name must be a non-empty string")
	}
	if !nonEmptyString(f.version) {
		return shapeErr(f.version, root, "manifest.version must be a non-empty string")
	}
	return nil
}

func nonEmptyString(v jsonx.Node) bool { return v.Kind() == jsonx.String && v.Str() != "" }

// decodeServer adds the serverCapabilities sc of root to m.
func (m *Manifest) decodeServer(root, sc jsonx.Node, a *arena) error {
	if falsy(sc) && sc.Kind() != jsonx.Null {
		// capgate crashes here (a TypeError); refuse it with this
		// port's own message, which carries no "[CODE]" prefix.
		return ownErr(sc.Pos(), CodeManifestShape, "manifest.serverCapabilities must be an array")
	}
	if !sc.Exists() || sc.Kind() == jsonx.Null {
		return nil
	}
	if sc.Kind() != jsonx.Array {
		return shapeErr(sc, root, "manifest.serverCapabilities must be an array")
	}
	if err := m.addCaps(sc, -1, a); err != nil {
		return err
	}
	m.Server = m.all[:len(m.all):len(m.all)]
	return nil
}

// decodeTools adds the tools of root to m.
func (m *Manifest) decodeTools(root, tools jsonx.Node, a *arena) error {
	if !tools.Exists() || tools.Kind() != jsonx.Array {
		return shapeErr(tools, root, "manifest.tools must be an array")
	}
	m.Tools = take(a, &a.sl.tools, tools.Len())
	for i := range tools.Len() {
		t := tools.Item(i)
		if t.Kind() != jsonx.Object && t.Kind() != jsonx.Array {
			return shapeErr(t, root, "tools[%d] must be an object", i)
		}
		nv := t.Get("name")
		if !nonEmptyString(nv) {
			return shapeErr(nv, t, "tools[%d].name must be a non-empty string", i)
		}
		c := t.Get("capabilities")
		if !c.Exists() || c.Kind() != jsonx.Array {
			return shapeErr(c, t, "tools[%d].capabilities must be an array", i)
		}
		from := len(m.all)
		if err := m.addCaps(c, i, a); err != nil {
			return err
		}
		m.Tools = append(m.Tools, Tool{Caps: m.all[from:len(m.all):len(m.all)], Pos: t.Pos(), Name: a.str(nv.Str())})
	}
	return nil
}

// falsy reports whether v is present and falsy in JavaScript: null, false,
// a number equal to zero, or "".
func falsy(v jsonx.Node) bool {
	if !v.Exists() {
		return false
	}
	switch v.Kind() {
	case jsonx.Null:
		return true
	case jsonx.Bool:
		return v.Str() == "false"
	case jsonx.String:
		return v.Str() == ""
	case jsonx.Number:
		f, err := strconv.ParseFloat(v.Str(), 64)
		return err == nil && f == 0
	}
	return false
}

// capCount counts the capability strings of a manifest document, from its
// top-level values that have passed decodeManifest's first checks.
func capCount(sc, tools jsonx.Node) int {
	n := 0
	if sc.Kind() == jsonx.Array {
		n = sc.Len()
	}
	if tools.Kind() == jsonx.Array {
		for i := range tools.Len() {
			if c := tools.Item(i).Get("capabilities"); c.Kind() == jsonx.Array {
				n += c.Len()
			}
		}
	}
	return n
}

// addCaps appends the capability strings of arr to m.all.
func (m *Manifest) addCaps(arr jsonx.Node, tool int, a *arena) error {
	for j := range arr.Len() {
		it := arr.Item(j)
		if it.Kind() != jsonx.String {
			if tool < 0 {
				return errAt(it.Pos(), CodeManifestShape, "serverCapabilities[%d] must be a string", j)
			}
			return errAt(it.Pos(), CodeManifestShape, "tools[%d].capabilities[%d] must be a string", tool, j)
		}
		m.all = append(m.all, CapString{Text: a.str(it.Str()), Pos: it.Pos(), Tool: tool, Index: j})
	}
	return nil
}
