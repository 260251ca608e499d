// Package jsonx parses JSON as JavaScript's JSON.parse does (duplicate
// keys, lone surrogates, V8's error messages, positions by line and
// character) and writes it back as JSON.stringify and RFC 8785
// canonicalization do, byte for byte: what capgate's manifests are read
// and hashed with.
package jsonx

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Kind is the type of a JSON value.
type Kind uint8

// The JSON value kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// characters (runes), as editors and GitHub annotations do.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// PosAt is the position of byte offset off in src (clamped to src): the
// one way positions are computed. The parser keeps the same count as it
// goes (TestPosAtAgreesWithParser).
func PosAt(src []byte, off int) Pos {
	off = min(max(off, 0), len(src))
	pre := src[:off]
	line := bytes.Count(pre, []byte("\n")) + 1
	col := utf8.RuneCount(pre[bytes.LastIndexByte(pre, '\n')+1:]) + 1
	return Pos{Offset: off, Line: line, Col: col}
}

// Value is a parsed JSON value that remembers where it stood in the source:
// the tree the function Parse builds.
//
// Objects follow JavaScript's JSON.parse: keys are case-sensitive, a
// duplicate key replaces the earlier value but keeps the earlier key's place.
// Strings are held as WTF-8, so a lone surrogate escape (\ud800) survives
// and can be written back exactly.
type Value struct {
	Kind  Kind
	Str   string   // String: the decoded text; Number: the literal; Bool: "true" or "false"
	Items []*Value // Array elements, or Object values parallel to Keys
	Keys  []string // Object keys in first-insertion order
	Pos   Pos
}

// Get returns the value of key k in an object, or nil.
func (v *Value) Get(k string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i, key := range v.Keys {
		if key == k {
			return v.Items[i]
		}
	}
	return nil
}

// ParseError is a JSON syntax error. Message follows V8's JSON.parse wording,
// which is what capgate's CLI prints.
type ParseError struct {
	Pos     Pos
	Message string
}

func (e *ParseError) Error() string { return e.Message }

// Want says which parts of a document the caller reads: a value wanted as
// WantSkip is checked for syntax, exactly as JSON.parse would, but not
// built, so that a decoder that needs a few keys of a large document pays
// for those only. Values between WantAll and WantSkip are the caller's,
// given meaning by its Schema.
type Want uint8

const (
	// WantAll builds the value and everything in it.
	WantAll Want = 0
	// WantSkip validates the value only.
	WantSkip Want = 255
)

// A Schema says what is wanted of the value under key (or of an array
// element, key "" and inArray true) inside a value wanted as w. It is
// called only for w other than WantAll and WantSkip.
type Schema func(w Want, key string, inArray bool) Want

func (p *Parser) child(w Want, key string, inArray bool) Want {
	if w == WantAll || w == WantSkip {
		return w
	}
	return p.schema(w, key, inArray)
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 10000

// maxDoc is the longest document a Parser reads: its nodes hold offsets
// as int32 (see node).
const maxDoc = math.MaxInt32

// smallObject is how many keys an object holds before its duplicate check
// switches from a scan to a map: below it, the scan allocates nothing.
const smallObject = 16

// Parser parses JSON documents. Its zero value is ready to use; a Parser
// keeps its memory from one document to the next (see Reset), so a caller
// that parses many documents can pool Parsers. A Parser belongs to one
// goroutine.
type Parser struct {
	doc
	i     int
	line  int
	lineI int // offset where the current line starts
	depth int
	// wide is how many more bytes than characters the strings read so
	// far on this line hold (0 on an ASCII line): between values, the
	// column is then p.i-p.lineI-p.wide+1, without counting the line's
	// characters again. Building a value's position that way instead of
	// with utf8.RuneCount took ~5% of compiler's BenchmarkCompileAll's
	// instructions off (issue 24); TestValuePosAgreesWithPosAt guards it.
	wide int
	// stack holds the children of the containers being parsed (node
	// indexes; an object's as key, value pairs).
	stack []int32
	// skipping is above zero inside a value that is only validated.
	skipping int
	schema   Schema
}

// Reset clears what the last parse left, so that p can parse again
// without holding on to the old document: the Nodes of the last document,
// and the strings they gave, must not be used after it. The memory p
// keeps holds no pointer (see node): there is nothing to clear in it.
func (p *Parser) Reset() {
	// Field by field: a new Parser would be a copy of the whole struct,
	// with write barriers while the collector marks; the reslices write
	// only lengths (one to a statement: a tuple assignment writes the
	// pointers too).
	p.nodes = p.nodes[:0]
	p.kids = p.kids[:0]
	p.esc = p.esc[:0]
	p.stack = p.stack[:0]
	p.src, p.schema = nil, nil
	p.i, p.line, p.lineI, p.depth, p.wide, p.skipping = 0, 0, 0, 0, 0, 0
}

// Oversized reports whether p holds memory for more than n values (or n
// bytes of escaped text), so that a pool can drop a Parser one huge
// document grew rather than keep its memory.
func (p *Parser) Oversized(n int) bool {
	return cap(p.nodes) > n || cap(p.kids) > n || cap(p.esc) > n
}

// Parse parses exactly one JSON value, surrounded only by JSON whitespace,
// from src, and builds all of it as a tree of Values. Strings are views
// into a copy of src.
func Parse(src []byte) (*Value, error) {
	// The parser works on its own copy of the text, and strings without
	// escapes are views into that copy: one allocation for all of them.
	p := &Parser{}
	root, err := p.Parse(bytes.Clone(src), WantAll, nil)
	if err != nil {
		return nil, err
	}
	return p.tree(root.i), nil
}

// Parse parses src as the function Parse does, in p's memory, building
// only what schema wants of a root wanted as w (schema may be nil when w
// is WantAll), and returns the root. The Nodes and their strings are
// views into src and into p: they are valid until p.Reset, and src must
// not change while they are used.
func (p *Parser) Parse(src []byte, w Want, schema Schema) (Node, error) {
	if len(src) > maxDoc {
		return Node{}, &ParseError{Pos: Pos{Line: 1, Col: 1}, Message: fmt.Sprintf("JSON text longer than %d bytes", maxDoc)}
	}
	p.src, p.line, p.schema = src, 1, schema
	i, err := p.parse(w)
	if err != nil {
		return Node{}, err
	}
	return Node{d: &p.doc, i: i}, nil
}

func (p *Parser) parse(w Want) (int32, error) {
	p.ws()
	if p.i >= len(p.src) {
		return 0, p.errEnd()
	}
	v, err := p.value(w)
	if err != nil {
		return 0, err
	}
	p.ws()
	if p.i < len(p.src) {
		return 0, p.errf("Unexpected non-whitespace character after JSON at position %d", p.jsPos(p.i))
	}
	return v, nil
}

// pos is the position of p.i, which lies between values (not inside a
// string): see wide.
func (p *Parser) pos() Pos {
	return Pos{Offset: p.i, Line: p.line, Col: p.i - p.lineI - p.wide + 1}
}

// errPos is the position of p.i anywhere, inside a string too (errors).
func (p *Parser) errPos() Pos {
	return Pos{Offset: p.i, Line: p.line, Col: utf8.RuneCount(p.src[p.lineI:p.i]) + 1}
}

func (p *Parser) errf(format string, args ...any) error {
	return &ParseError{Pos: p.errPos(), Message: fmt.Sprintf(format, args...)}
}

func (p *Parser) errEnd() error {
	return &ParseError{Pos: p.errPos(), Message: "Unexpected end of JSON input"}
}

// jsPos converts byte offset i to the UTF-16 index JavaScript reports.
func (p *Parser) jsPos(i int) int {
	n := 0
	for _, r := range string(p.src[:i]) {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// errToken reports an unexpected character the way V8 does, with up to ten
// characters of context on either side.
func (p *Parser) errToken() error {
	if p.i >= len(p.src) {
		return p.errEnd()
	}
	src := []rune(string(p.src))
	at := len([]rune(string(p.src[:p.i])))
	r := src[at]
	const ctx = 10
	if len(src) < 2*ctx+1 {
		return p.errf("Unexpected token '%c', \"%s\" is not valid JSON", r, string(src))
	}
	start, end := max(at-ctx, 0), min(at+ctx, len(src))
	pre, post := "...", "..."
	if start == 0 {
		pre = ""
	}
	if end == len(src) {
		post = ""
	}
	return p.errf("Unexpected token '%c', %s\"%s\"%s is not valid JSON", r, pre, string(src[start:end]), post)
}

func (p *Parser) ws() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\r':
			p.i++
		case '\n':
			p.i++
			p.line++
			p.lineI, p.wide = p.i, 0
		default:
			return
		}
	}
}

// node adds a value of kind k at start, whose text (or children) is t,
// and returns its index; inside a skipped value it adds nothing and
// returns -1.
func (p *Parser) node(k Kind, t text, start Pos) int32 {
	if p.skipping > 0 {
		return -1
	}
	p.nodes = append(p.nodes, node{kind: k, esc: t.esc, a: int32(t.a), b: int32(t.b),
		off: int32(start.Offset), line: int32(start.Line), col: int32(start.Col)})
	return int32(len(p.nodes) - 1)
}

func (p *Parser) value(w Want) (int32, error) {
	if p.i >= len(p.src) {
		return 0, p.errEnd()
	}
	var start Pos
	if p.skipping == 0 {
		start = p.pos()
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(start, w)
	case c == '[':
		return p.array(start, w)
	case c == '"':
		t, err := p.str()
		if err != nil {
			return 0, err
		}
		return p.node(String, t, start), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(start)
	case c == 't':
		return p.lit("true", Bool, start)
	case c == 'f':
		return p.lit("false", Bool, start)
	case c == 'n':
		return p.lit("null", Null, start)
	default:
		return 0, p.errToken()
	}
}

func (p *Parser) lit(word string, k Kind, start Pos) (int32, error) {
	b := p.i
	for j := 0; j < len(word); j++ {
		if p.i >= len(p.src) {
			return 0, p.errEnd()
		}
		if p.src[p.i] != word[j] {
			return 0, p.errToken()
		}
		p.i++
	}
	return p.node(k, text{a: b, b: p.i}, start), nil
}

func (p *Parser) digits() int {
	n := 0
	for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

func (p *Parser) number(start Pos) (int32, error) {
	b := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	if p.i >= len(p.src) {
		return 0, p.errf("No number after minus sign in JSON at position %d", p.jsPos(p.i))
	}
	if p.src[p.i] == '0' {
		p.i++
	} else if p.digits() == 0 {
		return 0, p.errf("No number after minus sign in JSON at position %d", p.jsPos(p.i))
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			return 0, p.errf("Unterminated fractional number in JSON at position %d", p.jsPos(p.i))
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return 0, p.errf("Exponent part is missing a number in JSON at position %d", p.jsPos(p.i))
		}
	}
	return p.node(Number, text{a: b, b: p.i}, start), nil
}

func (p *Parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf("JSON nested deeper than %d levels at position %d", maxDepth, p.jsPos(p.i))
	}
	return nil
}

// close ends the container v, whose children are on p.stack from mark
// on: they move to p.kids.
func (p *Parser) close(v int32, mark int) {
	p.depth--
	if v < 0 {
		return
	}
	a, n := len(p.kids), len(p.stack)-mark
	// Not append(p.kids, p.stack[mark:]...): that writes p.kids's
	// pointer back, with a write barrier while the collector marks, even
	// when it does not grow (the reslice below writes only the length).
	if cap(p.kids)-a < n {
		p.kids = slices.Grow(p.kids, n)
	}
	p.kids = p.kids[:a+n]
	copy(p.kids[a:], p.stack[mark:])
	p.stack = p.stack[:mark]
	p.nodes[v].a, p.nodes[v].b = int32(a), int32(a+n)
}

func (p *Parser) array(start Pos, w Want) (int32, error) {
	if err := p.enter(); err != nil {
		return 0, err
	}
	p.i++ // [
	v := p.node(Array, text{}, start)
	mark := len(p.stack)
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		p.close(v, mark)
		return v, nil
	}
	cw := p.child(w, "", true)
	for {
		p.ws()
		item, err := p.wanted(cw)
		if err != nil {
			return 0, err
		}
		if item >= 0 {
			p.stack = append(p.stack, item)
		}
		p.ws()
		if p.i >= len(p.src) {
			return 0, p.errEnd()
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			p.close(v, mark)
			return v, nil
		default:
			return 0, p.errf("Expected ',' or ']' after array element in JSON at position %d", p.jsPos(p.i))
		}
	}
}

// wanted reads a value wanted as w: -1 when it is skipped (w is
// WantSkip, or an outer value is).
func (p *Parser) wanted(w Want) (int32, error) {
	if w != WantSkip {
		return p.value(w)
	}
	p.skipping++
	_, err := p.value(w)
	p.skipping--
	return -1, err
}

func (p *Parser) object(start Pos, w Want) (int32, error) {
	if err := p.enter(); err != nil {
		return 0, err
	}
	p.i++ // {
	v := p.node(Object, text{}, start)
	m := members{mark: len(p.stack)}
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		p.close(v, m.mark)
		return v, nil
	}
	for {
		key, err := p.key()
		if err != nil {
			return 0, err
		}
		val, err := p.wanted(p.child(w, p.keyText(key), false))
		if err != nil {
			return 0, err
		}
		if val >= 0 { // else nothing to store
			p.member(&m, key, val)
		}
		p.ws()
		if p.i >= len(p.src) {
			return 0, p.errEnd()
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			p.close(v, m.mark)
			return v, nil
		default:
			return 0, p.errf("Expected ',' or '}' after property value in JSON at position %d", p.jsPos(p.i))
		}
	}
}

// keyText is the text of the key node k, "" inside a skipped value (where
// k is -1 and no Schema is asked).
func (p *Parser) keyText(k int32) string {
	if k < 0 {
		return ""
	}
	return p.text(k)
}

// key reads an object's next property name and the ':' after it, and
// returns the name's node.
func (p *Parser) key() (int32, error) {
	p.ws()
	if p.i >= len(p.src) {
		return 0, p.errEnd()
	}
	if p.src[p.i] != '"' {
		return 0, p.errf("Expected double-quoted property name in JSON at position %d", p.jsPos(p.i))
	}
	var start Pos
	if p.skipping == 0 {
		start = p.pos()
	}
	t, err := p.str()
	if err != nil {
		return 0, err
	}
	k := p.node(String, t, start)
	p.ws()
	if p.i >= len(p.src) {
		return 0, p.errEnd()
	}
	if p.src[p.i] != ':' {
		return 0, p.errf("Expected ':' after property name in JSON at position %d", p.jsPos(p.i))
	}
	p.i++
	p.ws()
	return k, nil
}

// members are the members of the object being parsed: on p.stack from
// mark on, as key, value pairs of nodes.
type members struct {
	mark int
	// index maps the keys to their member's number once the object holds
	// more than smallObject keys: the duplicate check is then a lookup,
	// not a scan, so an object of n keys costs O(n), not O(n²) (a 1 MiB
	// object of 90,000 keys took 15 s). TestManyKeys checks that both
	// ways keep the last value at the first place; BenchmarkManyKeys
	// shows the cost is linear.
	index map[string]int
}

// member adds key and its value val to the object m, as JSON.parse does:
// a duplicate key's value replaces the earlier one, at the earlier place.
func (p *Parser) member(m *members, key, val int32) {
	kt := p.text(key)
	if m.index != nil {
		if k, ok := m.index[kt]; ok {
			p.stack[m.mark+2*k+1] = val
			return
		}
	} else {
		for j := m.mark; j < len(p.stack); j += 2 {
			if p.text(p.stack[j]) == kt {
				p.stack[j+1] = val
				return
			}
		}
	}
	p.stack = append(p.stack, key, val)
	switch n := (len(p.stack) - m.mark) / 2; {
	case m.index != nil:
		m.index[kt] = n - 1
	case n > smallObject:
		m.index = make(map[string]int, 2*n)
		for k := 0; k < n; k++ {
			m.index[p.text(p.stack[m.mark+2*k])] = k
		}
	}
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// text is where a string's decoded text lies: src[a:b], or esc[a:b] when
// esc is set.
type text struct {
	a, b int
	esc  bool
}

// str reads a string literal at p.i (which holds '"') and returns where
// its decoded text, in WTF-8, lies.
//
// A string without escapes is its span of src, so a document's strings
// cost nothing each; Node.Str makes a string of it without a copy, and
// callers copy what they keep. compiler's TestNoSharedState and
// FuzzCompile (which overwrites the input after compiling) guard that
// nothing kept aliases the source.
func (p *Parser) str() (text, error) {
	p.i++
	b := p.i
	// Fastest path: printable ASCII (plainPrefix).
	p.i += plainPrefix(p.src[p.i:])
	if p.i < len(p.src) && p.src[p.i] == '"' {
		p.i++
		return text{a: b, b: p.i - 1}, nil
	}
	return p.strRaw(b)
}

// closed accounts for the string whose text (between the quotes) is
// src[b:e], not all ASCII: see wide.
func (p *Parser) closed(b, e int) {
	p.wide += e - b - utf8.RuneCount(p.src[b:e])
}

// strRaw goes on with str from p.i, in the string whose text starts at b,
// while no escape has been seen: the text is still a span of p.src.
func (p *Parser) strRaw(b int) (text, error) {
	for ; p.i < len(p.src); p.i++ {
		c := p.src[p.i]
		if c == '\\' || c < 0x20 {
			return p.strEscaped(b)
		}
		if c == '"' {
			e := p.i
			p.closed(b, e)
			p.i++
			if p.skipping == 0 && !utf8.Valid(p.src[b:e]) {
				from := len(p.esc)
				p.esc = appendValidUTF8(p.esc, p.src[b:e])
				return text{a: from, b: len(p.esc), esc: true}, nil
			}
			return text{a: b, b: e}, nil
		}
	}
	return text{}, p.errf("Unterminated string in JSON at position %d", p.jsPos(p.i))
}

// strEscaped goes on with str from p.i, in the string whose text starts at
// b, now that it needs decoding. The decoded text goes on the end of p.esc.
func (p *Parser) strEscaped(b int) (text, error) {
	from := len(p.esc)
	buf := append(p.esc, p.src[b:p.i]...)
	for p.i < len(p.src) {
		switch c := p.src[p.i]; {
		case c == '"':
			p.closed(b, p.i)
			p.i++
			return p.escaped(buf, from), nil
		case c < 0x20:
			return text{}, p.errf("Bad control character in string literal in JSON at position %d", p.jsPos(p.i))
		case c == '\\':
			var err error
			if buf, err = p.escape(buf); err != nil {
				return text{}, err
			}
		default:
			buf = append(buf, c)
			p.i++
		}
	}
	return text{}, p.errf("Unterminated string in JSON at position %d", p.jsPos(p.i))
}

// escaped keeps buf, which holds a finished string's decoded text from
// from on, as p.esc and returns where that text lies. A skipped string's
// text is dropped.
func (p *Parser) escaped(buf []byte, from int) text {
	if p.skipping > 0 {
		return text{}
	}
	t := buf[from:]
	if !utf8.Valid(t) && !utf8.Valid(stripSurrogates(t)) {
		// Rare: the replacement can be longer than t, so it is built
		// apart and copied back.
		buf = append(buf[:from], appendValidUTF8(nil, t)...)
	}
	p.esc = buf
	return text{a: from, b: len(buf), esc: true}
}

// simpleEscapes maps the letter after '\\' to what it stands for, for the
// escapes other than \u; 0 for a letter that is none.
var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape decodes the escape at p.i (which holds '\\') onto buf.
func (p *Parser) escape(buf []byte) ([]byte, error) {
	p.i++
	if p.i >= len(p.src) {
		return buf, p.errf("Unterminated string in JSON at position %d", p.jsPos(p.i))
	}
	e := p.src[p.i]
	p.i++
	if d := simpleEscapes[e]; d != 0 {
		return append(buf, d), nil
	}
	if e != 'u' {
		return buf, p.errf("Bad escaped character in JSON at position %d", p.jsPos(p.i-1))
	}
	r, ok := p.hex4()
	if !ok {
		return buf, p.errf("Bad Unicode escape in JSON at position %d", p.jsPos(p.i))
	}
	if r >= 0xD800 && r <= 0xDBFF && p.i+6 <= len(p.src) && p.src[p.i] == '\\' && p.src[p.i+1] == 'u' {
		// A high surrogate: with a low one after it, one character.
		save := p.i
		p.i += 2
		if lo, ok := p.hex4(); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			return utf8.AppendRune(buf, 0x10000+(r-0xD800)<<10+(lo-0xDC00)), nil
		}
		p.i = save
	}
	return appendWTF8(buf, r), nil
}

func (p *Parser) hex4() (rune, bool) {
	if p.i+4 > len(p.src) {
		return 0, false
	}
	var r rune
	for j := 0; j < 4; j++ {
		h := hexVal(p.src[p.i+j])
		if h < 0 {
			return 0, false
		}
		r = r<<4 | rune(h)
	}
	p.i += 4
	return r, true
}

// appendValidUTF8 appends s to b with each byte that is not part of valid
// UTF-8 replaced by U+FFFD, as Node does when it reads a file as UTF-8
// (capgate reads manifests that way before JSON.parse). WTF-8 surrogates
// made by \u escapes are kept.
func appendValidUTF8(b, s []byte) []byte {
	for i := 0; i < len(s); {
		if isSurrogateSeq(s, i) {
			b = append(b, s[i:i+3]...)
			i += 3
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

// appendWTF8 appends r, encoding a surrogate code point as the three bytes
// UTF-8 would give it (WTF-8), which utf8.AppendRune refuses to do.
func appendWTF8(b []byte, r rune) []byte {
	if r >= 0xD800 && r <= 0xDFFF {
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return utf8.AppendRune(b, r)
}

// isSurrogateSeq reports whether s[i:] starts with a WTF-8 surrogate.
func isSurrogateSeq[T string | []byte](s T, i int) bool {
	return i+2 < len(s) && s[i] == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xBF
}

// stripSurrogates drops WTF-8 surrogates so the rest can be checked as UTF-8.
func stripSurrogates(b []byte) []byte {
	s := string(b)
	out := b[:0:0]
	for i := 0; i < len(s); {
		if isSurrogateSeq(s, i) {
			i += 3
			continue
		}
		out = append(out, s[i])
		i++
	}
	return out
}

// numberValue converts a JSON number literal to float64 as JavaScript would
// (an out-of-range literal becomes ±Inf).
func numberValue(lit string) float64 {
	f, _ := strconv.ParseFloat(lit, 64)
	return f
}
