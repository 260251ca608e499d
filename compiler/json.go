package compiler

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// want says which parts of a document the caller reads. The manifest
// decoder needs only a few keys; everything else (descriptions, input
// schemas, extensions) is checked for syntax, exactly as JSON.parse would,
// but not built.
type want uint8

const (
	wantAll   want = iota // build everything
	wantRoot              // a manifest: name, version, grammar, serverCapabilities, tools
	wantTools             // the tools array
	wantTool              // one tool: name, capabilities
	wantSkip              // validate only
)

// child is what is wanted of the value under key (or of an array element,
// key "") inside a value wanted as w.
func (w want) child(key string, inArray bool) want {
	switch w {
	case wantAll:
		return wantAll
	case wantRoot:
		if inArray {
			return wantSkip
		}
		switch key {
		case "name", "version", "grammar", "serverCapabilities":
			return wantAll
		case "tools":
			return wantTools
		}
	case wantTools:
		if inArray {
			return wantTool
		}
	case wantTool:
		if !inArray && (key == "name" || key == "capabilities") {
			return wantAll
		}
	}
	return wantSkip
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 10000

// smallObject is how many keys an object holds before its duplicate check
// switches from a scan to a map: below it, the scan allocates nothing.
const smallObject = 16

type parser struct {
	src   []byte
	i     int
	line  int
	lineI int // offset where the current line starts
	depth int
	// colOff and col cache the last column computed on this line, so
	// that positions cost what lies between two values, not a whole line.
	colOff, col int
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
	scratch
}

// scratch is memory that compiling a manifest needs only for a moment; it
// lives in the pooled parser so that it is reused.
type scratch struct {
	canon  []byte       // the canonical text hashed for provenance
	esc    []byte       // the text of the tree's strings that had escapes
	acts   arena        // the action lists of caps
	caps   []Capability // capabilities parsed, before they fold into a policy
	mounts []Mount      // a policy's mounts, while it is lowered
}

// capSlots returns n zero capability slots. sc.caps keeps their number,
// so that reset clears only what was used.
func (sc *scratch) capSlots(n int) []Capability {
	if cap(sc.caps) < n {
		sc.caps = make([]Capability, n)
	}
	sc.caps = sc.caps[:n]
	return sc.caps
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

func (p *parser) takePtrs(from int) []*Value { return takeList(&p.stack, &p.ptrs, &p.pUsed, from, 32) }

func (p *parser) takeKeys(from int) []string {
	return takeList(&p.keyStack, &p.keys, &p.kUsed, from, 16)
}

// node returns a new Value from the parser's slab, saving one allocation
// per JSON value.
func (p *parser) node() *Value {
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

// reset clears what the last parse left, so that the parser can be used
// again without holding on to the old document.
func (p *parser) reset() {
	clear(p.nodes[:p.nUsed])
	clear(p.ptrs[:p.pUsed])
	clear(p.keys[:p.kUsed])
	clear(p.stack)
	clear(p.keyStack)
	clear(p.caps) // what capSlots and appendMounts handed out
	clear(p.mounts)
	// The action lists hold only constants: they need no clearing.
	acts := p.acts.s[:0]
	*p = parser{nodes: p.nodes, ptrs: p.ptrs, keys: p.keys, stack: p.stack[:0], keyStack: p.keyStack[:0],
		scratch: scratch{canon: p.canon[:0], esc: p.esc[:0], caps: p.caps[:0], mounts: p.mounts[:0], acts: arena{s: acts}}}
}

// parsers holds parsers for documents that are read and dropped, as
// manifests are: their slabs are reused instead of allocated again.
var parsers = sync.Pool{New: func() any { return new(parser) }}

// maxPooledNodes bounds the slab a pooled parser keeps, so that one huge
// document does not pin its memory.
const maxPooledNodes = 4096

// ParseJSON parses exactly one JSON value, surrounded only by JSON
// whitespace, from src.
func ParseJSON(src []byte) (*Value, error) {
	// The parser works on its own copy of the text, and strings without
	// escapes are views into that copy: one allocation for all of them.
	p := &parser{src: bytes.Clone(src), line: 1}
	return p.parse(wantAll)
}

// withManifestTree parses a manifest document, building only what
// DecodeManifest reads (the rest is validated as JSON.parse would), and
// calls f with it. The tree and its strings belong to a pooled parser and
// are views into src: they are valid only until f returns, so f must copy
// what it keeps.
func withManifestTree(src []byte, f func(*parser, *Value) error) error {
	p := parsers.Get().(*parser)
	p.src, p.line = src, 1
	defer func() {
		if len(p.nodes) <= maxPooledNodes && len(p.ptrs) <= maxPooledNodes && len(p.keys) <= maxPooledNodes &&
			cap(p.canon) <= maxPooledNodes && cap(p.esc) <= maxPooledNodes && cap(p.acts.s) <= maxPooledNodes &&
			cap(p.caps) <= maxPooledNodes/16 && cap(p.mounts) <= maxPooledNodes/16 {
			p.reset()
			parsers.Put(p)
		}
	}()
	v, err := p.parse(wantRoot)
	if err != nil {
		return err
	}
	return f(p, v)
}

func (p *parser) parse(w want) (*Value, error) {
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

func (p *parser) pos() Pos {
	if p.colOff < p.lineI || p.colOff > p.i {
		p.colOff, p.col = p.lineI, 0
	}
	p.col += utf8.RuneCount(p.src[p.colOff:p.i])
	p.colOff = p.i
	return Pos{Offset: p.i, Line: p.line, Col: p.col + 1}
}

func (p *parser) errf(format string, args ...any) error {
	return &ParseError{Pos: p.pos(), Message: fmt.Sprintf(format, args...)}
}

func (p *parser) errEnd() error {
	return &ParseError{Pos: p.pos(), Message: "Unexpected end of JSON input"}
}

// jsPos converts byte offset i to the UTF-16 index JavaScript reports.
func (p *parser) jsPos(i int) int {
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
func (p *parser) errToken() error {
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

func (p *parser) ws() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\r':
			p.i++
		case '\n':
			p.i++
			p.line++
			p.lineI = p.i
		default:
			return
		}
	}
}

func (p *parser) value(w want) (*Value, error) {
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

func (p *parser) lit(word string, k Kind, start Pos) (*Value, error) {
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

func (p *parser) digits() int {
	n := 0
	for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

func (p *parser) number(start Pos) (*Value, error) {
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

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf("JSON nested deeper than %d levels at position %d", maxDepth, p.jsPos(p.i))
	}
	return nil
}

func (p *parser) array(start Pos, w want) (*Value, error) {
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
	cw := w.child("", true)
	for {
		p.ws()
		if cw == wantSkip {
			p.skipping++
		}
		item, err := p.value(cw)
		if cw == wantSkip {
			p.skipping--
		}
		if err != nil {
			return nil, err
		}
		if p.skipping == 0 && cw != wantSkip {
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

func (p *parser) object(start Pos, w want) (*Value, error) {
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
	mark, kmark := len(p.stack), len(p.keyStack)
	// index maps this object's keys to their place once it holds more than
	// smallObject keys: the duplicate check is then a lookup, not a scan,
	// so an object of n keys costs O(n), not O(n²) (a 1 MiB object of 90,000
	// keys took 15 s). TestManyKeys checks that both ways keep the last
	// value at the first place; BenchmarkManyKeys shows the cost is linear.
	var index map[string]int
	for {
		p.ws()
		if p.i >= len(p.src) {
			return nil, p.errEnd()
		}
		if p.src[p.i] != '"' {
			return nil, p.errf("Expected double-quoted property name in JSON at position %d", p.jsPos(p.i))
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.src) {
			return nil, p.errEnd()
		}
		if p.src[p.i] != ':' {
			return nil, p.errf("Expected ':' after property name in JSON at position %d", p.jsPos(p.i))
		}
		p.i++
		p.ws()
		cw := w.child(key, false)
		if cw == wantSkip {
			p.skipping++
		}
		val, err := p.value(cw)
		if cw == wantSkip {
			p.skipping--
		}
		if err != nil {
			return nil, err
		}
		replaced := p.skipping > 0 || cw == wantSkip // nothing to store
		if !replaced && index != nil {
			if k, ok := index[key]; ok {
				p.stack[mark+k] = val
				replaced = true
			}
		}
		for k := kmark; !replaced && index == nil && k < len(p.keyStack); k++ {
			if p.keyStack[k] == key {
				p.stack[mark+k-kmark] = val
				replaced = true
				break
			}
		}
		if !replaced {
			p.keyStack = append(p.keyStack, key)
			p.stack = append(p.stack, val)
			switch n := len(p.keyStack) - kmark; {
			case index != nil:
				index[key] = n - 1
			case n > smallObject:
				index = make(map[string]int, 2*n)
				for k, kk := range p.keyStack[kmark:] {
					index[kk] = k
				}
			}
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
				v.Items = p.takePtrs(mark)
				v.Keys = p.takeKeys(kmark)
			}
			return v, nil
		default:
			return nil, p.errf("Expected ',' or '}' after property value in JSON at position %d", p.jsPos(p.i))
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
func (p *parser) str() (string, error) {
	p.i++
	b := p.i
	// Fastest path: printable ASCII, eight bytes at a time.
	p.i += plainPrefix(p.src[p.i:])
	if p.i < len(p.src) && p.src[p.i] == '"' {
		var s string
		if p.i > b {
			s = unsafe.String(&p.src[b], p.i-b)
		}
		p.i++
		return s, nil
	}
	// Fast path: no escapes.
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c == '"' {
			var s string
			if p.i > b {
				s = unsafe.String(&p.src[b], p.i-b)
			}
			p.i++
			if p.skipping == 0 && !utf8.ValidString(s) {
				s = toValidUTF8(s)
			}
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	// The decoded text goes on the end of p.esc: the string returned is a
	// view of it, which stays put however p.esc grows later.
	from := len(p.esc)
	buf := append(p.esc, p.src[b:p.i]...)
	for {
		if p.i >= len(p.src) {
			return "", p.errf("Unterminated string in JSON at position %d", p.jsPos(p.i))
		}
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			if p.skipping > 0 {
				return "", nil
			}
			p.esc = buf
			t := buf[from:]
			if len(t) == 0 {
				return "", nil
			}
			if !utf8.Valid(t) && !utf8.Valid(stripSurrogates(t)) {
				return toValidUTF8(string(t)), nil
			}
			return unsafe.String(&t[0], len(t)), nil
		case c < 0x20:
			return "", p.errf("Bad control character in string literal in JSON at position %d", p.jsPos(p.i))
		case c == '\\':
			p.i++
			if p.i >= len(p.src) {
				return "", p.errf("Unterminated string in JSON at position %d", p.jsPos(p.i))
			}
			e := p.src[p.i]
			p.i++
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.errf("Bad Unicode escape in JSON at position %d", p.jsPos(p.i))
				}
				if r >= 0xD800 && r <= 0xDBFF && p.i+6 <= len(p.src) && p.src[p.i] == '\\' && p.src[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					lo, ok := p.hex4()
					if ok && lo >= 0xDC00 && lo <= 0xDFFF {
						buf = utf8.AppendRune(buf, 0x10000+(r-0xD800)<<10+(lo-0xDC00))
						continue
					}
					p.i = save
				}
				buf = appendWTF8(buf, r)
			default:
				return "", p.errf("Bad escaped character in JSON at position %d", p.jsPos(p.i-1))
			}
		default:
			buf = append(buf, c)
			p.i++
		}
	}
}

func (p *parser) hex4() (rune, bool) {
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
