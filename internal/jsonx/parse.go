// Package jsonx parses JSON as JavaScript's JSON.parse does (duplicate
// keys, lone surrogates, V8's error messages, positions by line and
// character) and writes it back as JSON.stringify and RFC 8785
// canonicalization do, byte for byte: what capgate's manifests are read
// and hashed with.
package jsonx

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
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

// Value is a parsed JSON value that remembers where it stood in the source.
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

// smallObject is how many keys an object holds before its duplicate check
// switches from a scan to a map: below it, the scan allocates nothing.
const smallObject = 16

// Parser parses JSON documents. Its zero value is ready to use; a Parser
// keeps its slabs from one document to the next (see Reset), so a caller
// that parses many documents can pool Parsers. A Parser belongs to one
// goroutine.
type Parser struct {
	src   []byte
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
	// nodes, ptrs and keys are slabs that values and the finished child
	// lists of containers are cut from, so a document costs a handful of
	// allocations instead of one per value; the *Used counts say how much
	// of each is taken. stack and keyStack hold the children of the
	// containers being parsed.
	nodes               []Value
	ptrs                []*Value
	keys                []string
	nUsed, pUsed, kUsed int
	stack               []*Value
	keyStack            []string
	// skipping is above zero inside a value that is only validated.
	skipping int
	skipped  Value
	// esc holds the text of the tree's strings that had escapes.
	esc    []byte
	schema Schema
}

// takeList moves the entries of *stack from index from on into a list cut
// from *slab (at *used), starting a new slab, at least min long, when the
// old one is full.
func takeList[T any](stack, slab *[]T, used *int, from, min int) []T {
	n := len(*stack) - from
	if *used+n > len(*slab) {
		*slab, *used = make([]T, max(n, 2*len(*slab), min)), 0
	}
	out := (*slab)[*used : *used+n : *used+n]
	*used += n
	copy(out, (*stack)[from:])
	clear((*stack)[from:])
	*stack = (*stack)[:from]
	return out
}

func (p *Parser) takePtrs(from int) []*Value { return takeList(&p.stack, &p.ptrs, &p.pUsed, from, 32) }

func (p *Parser) takeKeys(from int) []string {
	return takeList(&p.keyStack, &p.keys, &p.kUsed, from, 16)
}

// node returns a new Value from the parser's slab, saving one allocation
// per JSON value.
func (p *Parser) node() *Value {
	if p.skipping > 0 {
		p.skipped = Value{}
		return &p.skipped
	}
	if p.nUsed == len(p.nodes) {
		p.nodes, p.nUsed = make([]Value, max(2*len(p.nodes), 16)), 0
	}
	v := &p.nodes[p.nUsed]
	p.nUsed++
	return v
}

// Reset clears what the last parse left, so that p can parse again
// without holding on to the old document: the values and strings of the
// last tree must not be used after it.
func (p *Parser) Reset() {
	clear(p.nodes[:p.nUsed])
	clear(p.ptrs[:p.pUsed])
	clear(p.keys[:p.kUsed])
	clear(p.stack)
	clear(p.keyStack)
	*p = Parser{nodes: p.nodes, ptrs: p.ptrs, keys: p.keys, stack: p.stack[:0], keyStack: p.keyStack[:0], esc: p.esc[:0]}
}

// Oversized reports whether p holds slabs larger than n entries (or n
// bytes of escaped text), so that a pool can drop a Parser one huge
// document grew rather than keep its memory.
func (p *Parser) Oversized(n int) bool {
	return len(p.nodes) > n || len(p.ptrs) > n || len(p.keys) > n || cap(p.esc) > n
}

// Parse parses exactly one JSON value, surrounded only by JSON whitespace,
// from src, and builds all of it. Strings are views into a copy of src.
func Parse(src []byte) (*Value, error) {
	// The parser works on its own copy of the text, and strings without
	// escapes are views into that copy: one allocation for all of them.
	p := &Parser{}
	return p.Parse(bytes.Clone(src), WantAll, nil)
}

// Parse parses src as the function Parse does, on p's slabs, building only
// what schema wants of a root wanted as w (schema may be nil when w is
// WantAll). The tree and its strings are views into src and into p: they
// are valid until p.Reset, and src must not change while they are used.
func (p *Parser) Parse(src []byte, w Want, schema Schema) (*Value, error) {
	p.src, p.line, p.schema = src, 1, schema
	return p.parse(w)
}

func (p *Parser) parse(w Want) (*Value, error) {
	if p.stack == nil {
		p.stack, p.keyStack = make([]*Value, 0, 32), make([]string, 0, 16)
	}
	p.ws()
	if p.i >= len(p.src) {
		return nil, p.errEnd()
	}
	v, err := p.value(w)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.src) {
		return nil, p.errf("Unexpected non-whitespace character after JSON at position %d", p.jsPos(p.i))
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

func (p *Parser) value(w Want) (*Value, error) {
	if p.i >= len(p.src) {
		return nil, p.errEnd()
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
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		v := p.node()
		v.Kind, v.Str, v.Pos = String, s, start
		return v, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(start)
	case c == 't':
		return p.lit("true", Bool, start)
	case c == 'f':
		return p.lit("false", Bool, start)
	case c == 'n':
		return p.lit("null", Null, start)
	default:
		return nil, p.errToken()
	}
}

func (p *Parser) lit(word string, k Kind, start Pos) (*Value, error) {
	for j := 0; j < len(word); j++ {
		if p.i >= len(p.src) {
			return nil, p.errEnd()
		}
		if p.src[p.i] != word[j] {
			return nil, p.errToken()
		}
		p.i++
	}
	v := p.node()
	v.Kind, v.Pos = k, start
	if k == Bool {
		v.Str = word
	}
	return v, nil
}

func (p *Parser) digits() int {
	n := 0
	for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

func (p *Parser) number(start Pos) (*Value, error) {
	b := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	if p.i >= len(p.src) {
		return nil, p.errf("No number after minus sign in JSON at position %d", p.jsPos(p.i))
	}
	if p.src[p.i] == '0' {
		p.i++
	} else if p.digits() == 0 {
		return nil, p.errf("No number after minus sign in JSON at position %d", p.jsPos(p.i))
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if p.digits() == 0 {
			if p.i >= len(p.src) {
				return nil, p.errf("Unterminated fractional number in JSON at position %d", p.jsPos(p.i))
			}
			return nil, p.errf("Unterminated fractional number in JSON at position %d", p.jsPos(p.i))
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return nil, p.errf("Exponent part is missing a number in JSON at position %d", p.jsPos(p.i))
		}
	}
	v := p.node()
	v.Kind, v.Pos = Number, start
	if p.skipping == 0 {
		v.Str = string(p.src[b:p.i])
	}
	return v, nil
}

func (p *Parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf("JSON nested deeper than %d levels at position %d", maxDepth, p.jsPos(p.i))
	}
	return nil
}

func (p *Parser) array(start Pos, w Want) (*Value, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // [
	v := p.node()
	v.Kind, v.Pos = Array, start
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		p.depth--
		return v, nil
	}
	mark := len(p.stack)
	cw := p.child(w, "", true)
	for {
		p.ws()
		if cw == WantSkip {
			p.skipping++
		}
		item, err := p.value(cw)
		if cw == WantSkip {
			p.skipping--
		}
		if err != nil {
			return nil, err
		}
		if p.skipping == 0 && cw != WantSkip {
			p.stack = append(p.stack, item)
		}
		p.ws()
		if p.i >= len(p.src) {
			return nil, p.errEnd()
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			p.depth--
			if p.skipping == 0 {
				v.Items = p.takePtrs(mark)
			}
			return v, nil
		default:
			return nil, p.errf("Expected ',' or ']' after array element in JSON at position %d", p.jsPos(p.i))
		}
	}
}

func (p *Parser) object(start Pos, w Want) (*Value, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.i++ // {
	v := p.node()
	v.Kind, v.Pos = Object, start
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		p.depth--
		return v, nil
	}
	m := members{mark: len(p.stack), kmark: len(p.keyStack)}
	for {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		cw := p.child(w, key, false)
		if cw == WantSkip {
			p.skipping++
		}
		val, err := p.value(cw)
		if cw == WantSkip {
			p.skipping--
		}
		if err != nil {
			return nil, err
		}
		if p.skipping == 0 && cw != WantSkip { // else nothing to store
			p.member(&m, key, val)
		}
		p.ws()
		if p.i >= len(p.src) {
			return nil, p.errEnd()
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			p.depth--
			if p.skipping == 0 {
				v.Items = p.takePtrs(m.mark)
				v.Keys = p.takeKeys(m.kmark)
			}
			return v, nil
		default:
			return nil, p.errf("Expected ',' or '}' after property value in JSON at position %d", p.jsPos(p.i))
		}
	}
}

// key reads an object's next property name and the ':' after it.
func (p *Parser) key() (string, error) {
	p.ws()
	if p.i >= len(p.src) {
		return "", p.errEnd()
	}
	if p.src[p.i] != '"' {
		return "", p.errf("Expected double-quoted property name in JSON at position %d", p.jsPos(p.i))
	}
	key, err := p.str()
	if err != nil {
		return "", err
	}
	p.ws()
	if p.i >= len(p.src) {
		return "", p.errEnd()
	}
	if p.src[p.i] != ':' {
		return "", p.errf("Expected ':' after property name in JSON at position %d", p.jsPos(p.i))
	}
	p.i++
	p.ws()
	return key, nil
}

// members are the members of the object being parsed: its keys on
// p.keyStack from kmark on, its values on p.stack from mark on.
type members struct {
	mark, kmark int
	// index maps the keys to their place once the object holds more than
	// smallObject keys: the duplicate check is then a lookup, not a scan,
	// so an object of n keys costs O(n), not O(n²) (a 1 MiB object of
	// 90,000 keys took 15 s). TestManyKeys checks that both ways keep the
	// last value at the first place; BenchmarkManyKeys shows the cost is
	// linear.
	index map[string]int
}

// member adds key and its value val to the object m, as JSON.parse does:
// a duplicate key's value replaces the earlier one, at the earlier place.
func (p *Parser) member(m *members, key string, val *Value) {
	if m.index != nil {
		if k, ok := m.index[key]; ok {
			p.stack[m.mark+k] = val
			return
		}
	} else {
		for k := m.kmark; k < len(p.keyStack); k++ {
			if p.keyStack[k] == key {
				p.stack[m.mark+k-m.kmark] = val
				return
			}
		}
	}
	p.keyStack = append(p.keyStack, key)
	p.stack = append(p.stack, val)
	switch n := len(p.keyStack) - m.kmark; {
	case m.index != nil:
		m.index[key] = n - 1
	case n > smallObject:
		m.index = make(map[string]int, 2*n)
		for k, kk := range p.keyStack[m.kmark:] {
			m.index[kk] = k
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

// str reads a string literal at p.i (which holds '"') and returns its
// decoded text in WTF-8.
//
// A string without escapes is a view into p.src (unsafe.String), so a
// document's strings cost no allocation each (compiler's
// BenchmarkCompileAll allocs/op); callers copy what they keep. compiler's
// TestNoSharedState and FuzzCompile (which overwrites the input after
// compiling) guard that nothing kept aliases the source.
func (p *Parser) str() (string, error) {
	p.i++
	b := p.i
	// Fastest path: printable ASCII (plainPrefix).
	p.i += plainPrefix(p.src[p.i:])
	if p.i < len(p.src) && p.src[p.i] == '"' {
		p.i++
		return p.view(b, p.i-1), nil
	}
	return p.strRaw(b)
}

// view is the text src[b:e], without a copy.
func (p *Parser) view(b, e int) string {
	if e == b {
		return ""
	}
	return unsafe.String(&p.src[b], e-b)
}

// closed accounts for the string whose text (between the quotes) is
// src[b:e], not all ASCII: see wide.
func (p *Parser) closed(b, e int) {
	p.wide += e - b - utf8.RuneCount(p.src[b:e])
}

// strRaw goes on with str from p.i, in the string whose text starts at b,
// while no escape has been seen: the text is still a view of p.src.
func (p *Parser) strRaw(b int) (string, error) {
	for ; p.i < len(p.src); p.i++ {
		c := p.src[p.i]
		if c == '\\' || c < 0x20 {
			return p.strEscaped(b)
		}
		if c == '"' {
			s := p.view(b, p.i)
			p.closed(b, p.i)
			p.i++
			if p.skipping == 0 && !utf8.ValidString(s) {
				s = toValidUTF8(s)
			}
			return s, nil
		}
	}
	return "", p.errf("Unterminated string in JSON at position %d", p.jsPos(p.i))
}

// strEscaped goes on with str from p.i, in the string whose text starts at
// b, now that it needs decoding. The decoded text goes on the end of p.esc:
// the string returned is a view of it, which stays put however p.esc grows
// later.
func (p *Parser) strEscaped(b int) (string, error) {
	from := len(p.esc)
	buf := append(p.esc, p.src[b:p.i]...)
	for p.i < len(p.src) {
		switch c := p.src[p.i]; {
		case c == '"':
			p.closed(b, p.i)
			p.i++
			return p.escaped(buf, from), nil
		case c < 0x20:
			return "", p.errf("Bad control character in string literal in JSON at position %d", p.jsPos(p.i))
		case c == '\\':
			var err error
			if buf, err = p.escape(buf); err != nil {
				return "", err
			}
		default:
			buf = append(buf, c)
			p.i++
		}
	}
	return "", p.errf("Unterminated string in JSON at position %d", p.jsPos(p.i))
}

// escaped keeps buf, which holds a finished string's decoded text from
// from on, as p.esc and returns that text.
func (p *Parser) escaped(buf []byte, from int) string {
	if p.skipping > 0 {
		return ""
	}
	p.esc = buf
	t := buf[from:]
	if len(t) == 0 {
		return ""
	}
	if !utf8.Valid(t) && !utf8.Valid(stripSurrogates(t)) {
		return toValidUTF8(string(t))
	}
	return unsafe.String(&t[0], len(t))
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

// toValidUTF8 replaces each byte that is not part of valid UTF-8 with
// U+FFFD, as Node does when it reads a file as UTF-8 (capgate reads manifests
// that way before JSON.parse). WTF-8 surrogates made by \u escapes are kept.
func toValidUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if isSurrogateSeq(s, i) {
			b.WriteString(s[i : i+3])
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
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
func isSurrogateSeq(s string, i int) bool {
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
