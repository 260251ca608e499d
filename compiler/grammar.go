package compiler

import (
	"net/netip"
	"slices"
	"strings"
)

// CapKind is the kind of a capability: the part before its first ':'.
// (Not to be confused with Kind, the type of a JSON value.)
type CapKind string

// The capability kinds of grammar 0.0.
const (
	KindFS     CapKind = "fs"
	KindNet    CapKind = "net"
	KindExec   CapKind = "exec"
	KindEnv    CapKind = "env"
	KindIPC    CapKind = "ipc"
	KindClock  CapKind = "clock"
	KindAssert CapKind = "assert"
)

// Capability is one parsed capability string.
type Capability struct {
	Kind    CapKind
	Actions []string // fs, net, exec, env, ipc

	Path     string // fs
	Host     string // net
	Port     int    // net; 0 means any port (capgate's null)
	Binary   string // exec
	EnvName  string // env
	Endpoint string // ipc
	Source   string // clock
	ID       string // assert
	Desc     string // assert

	// NestedSandbox is the ?nestedSandbox=true refinement.
	NestedSandbox bool

	// Src is the capability string as written, with its position.
	Src CapString
}

// splitCap splits s on ':' outside double quotes, dropping the quotes, and
// separates a '?query' refinement: as in capgate, the refinements start at
// the first '?', even inside quotes (`assert:x:"a?b"` has the body
// `assert:x:"a`). A part that held quotes is built in ar (a new arena when
// ar is nil); every other part is a substring of s.
func splitCap(s string, ar *arena) (ps capParts, query string, hasQuery bool) {
	if q := strings.IndexByte(s, '?'); q >= 0 {
		s, query, hasQuery = s[:q], s[q+1:], true
	}
	start := 0
	for {
		i := start + capSep(s[start:])
		if i == len(s) {
			ps.add(s[start:])
			return ps, query, hasQuery
		}
		if s[i] == ':' {
			ps.add(s[start:i])
			start = i + 1
			continue
		}
		// '"'
		ps.quoted(s, start, ar)
		return ps, query, hasQuery
	}
}

// capParts are the parts splitCap finds: the first len(p) in p, any more
// (only an assert's description holds more colons) in more. splitCap
// returns them by value, so that storing a part writes to its own stack
// frame, with no write barrier: appended to a slice, even of an array on
// the caller's stack, each part took one while the collector marked (0.9%
// of BenchmarkCompileAll's profile; 16 alternating pairs at a load of 5-7:
// CPU time per pair 1.05x, faster in 9; issue 24). FuzzSplitCap holds
// them to the plain rule, and the conformance vectors hold the
// compilations.
type capParts struct {
	p    [4]string
	n    int
	more []string
}

// add appends part s.
func (ps *capParts) add(s string) {
	if ps.n < len(ps.p) {
		ps.p[ps.n] = s
	} else {
		ps.more = append(ps.more, s)
	}
	ps.n++
}

// join is the parts from the from-th on (from < len(p)), joined by ':'.
func (ps *capParts) join(from int) string {
	if ps.n <= len(ps.p) {
		return strings.Join(ps.p[from:ps.n], ":")
	}
	return strings.Join(ps.p[from:], ":") + ":" + strings.Join(ps.more, ":")
}

// capSep returns the index of the first ':' or '"' in s, or len(s).
// A plain loop, not strings.IndexAny, which builds its byte set on every
// call: capability parts are a few bytes long, so the set cost more than
// the scan (about 2% of BenchmarkCompileAll's CPU, issue 24; guarded by
// FuzzSplitCap and the conformance vectors).
func capSep(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ':' || c == '"' {
			return i
		}
	}
	return len(s)
}

// quoted goes on with splitCap from s[start:], the start of a part, now
// that a quote has been seen. s holds no refinement.
func (ps *capParts) quoted(s string, start int, ar *arena) {
	if ar == nil {
		ar = new(arena)
	}
	inQ := false
	from := start // start of the text not yet copied into the open part
	for i := start; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			ar.text(s[from:i])
			from = i + 1
			inQ = !inQ
		case c == ':' && !inQ:
			ar.text(s[from:i])
			ps.add(ar.done())
			from = i + 1
		}
	}
	ar.text(s[from:])
	ps.add(ar.done())
}

// hasDotSegment reports whether path has a "." or ".." segment, a segment
// being the text between '/' separators: the mount would not be the
// directory the text names ("/srv/ws/../secret"). It jumps from '.' to
// '.' (most paths hold one or none) rather than cutting out every
// segment: 430 fewer instructions a manifest in BenchmarkCompileAll, 0.6%
// (valgrind, GOGC=off, issue 24). TestHasDotSegment checks it against the
// segments strings.Split gives.
func hasDotSegment(path string) bool {
	for i := 0; i < len(path); i++ {
		j := strings.IndexByte(path[i:], '.')
		if j < 0 {
			return false
		}
		i += j
		if (i == 0 || path[i-1] == '/') && dotSegmentAt(path, i) {
			return true
		}
	}
	return false
}

// nestedSandbox reads the refinements as capgate does: pairs split on '&',
// each pair on '=' into a key and a value (the text up to a second '='),
// the last pair of a key wins, and "true" or "1" turns the flag on. So
// "nestedSandbox=1=x" is on and "nestedSandbox=true&nestedSandbox" off.
func nestedSandbox(query string) bool {
	on := false
	for rest, more := query, true; more && query != ""; {
		var kv string
		kv, rest, more = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(kv, "=")
		if k == "nestedSandbox" {
			v, _, _ = strings.Cut(v, "=")
			on = v == "true" || v == "1"
		}
	}
	return on
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func unsafeErr(pos Pos, what string) *Error {
	return ownErr(pos, CodeUnsafe, "refused: "+what)
}

// ParseCapability parses one capability string.
func ParseCapability(cs CapString) (*Capability, error) {
	c := new(Capability)
	if err := parseCapability(cs, c, nil, nil); err != nil {
		return nil, err
	}
	// Actions may be a window on a package table (see actions), which
	// the caller must not be able to change (TestNoSharedState).
	c.Actions = slices.Clone(c.Actions)
	return c, nil
}

// parseCapability parses cs into c, a zero Capability that the caller may
// take from a slice of many. Text it makes (a quoted part) comes from ar,
// and action lists from lists, when they are not nil.
func parseCapability(cs CapString, c *Capability, ar, lists *arena) error {
	raw := cs.Text
	ps, query, _ := splitCap(raw, ar)
	if ps.n < 2 {
		return errAt(cs.Pos, CodeMalformed, "expected at least <kind>:<scope>, got %s", jsQuote(raw))
	}
	c.Kind, c.Src = CapKind(ps.p[0]), cs // c is zero
	c.NestedSandbox = nestedSandbox(query)
	cp := capParse{c: c, parts: &ps, lists: lists}
	switch c.Kind {
	case KindFS:
		return cp.fs()
	case KindNet:
		return cp.net()
	case KindExec:
		return cp.exec()
	case KindEnv:
		return cp.env()
	case KindIPC:
		return cp.ipc()
	case KindClock:
		return cp.clock()
	case KindAssert:
		c.ID = ps.p[1]
		c.Desc = ps.join(2)
		if c.Desc == "" {
			c.Desc = c.ID
		}
		return nil
	}
	return errAt(cs.Pos, CodeUnknownKind, "unknown capability kind %s", jsQuote(string(c.Kind)))
}

// capParse is one capability being parsed: c, whose Kind and Src are set,
// from its parts (kind, then scope parts), with action lists from lists.
type capParse struct {
	c     *Capability
	parts *capParts
	lists *arena
}

// errf is an error at the capability.
func (cp *capParse) errf(code, format string, args ...any) error {
	return errAt(cp.c.Src.Pos, code, format, args...)
}

// shape checks that the capability has n parts, else returns the error
// with code and the message "<kind> needs <want>, got <raw>".
func (cp *capParse) shape(n int, code, want string) error {
	if cp.parts.n != n {
		return cp.errf(code, "%s needs %s, got %s", cp.c.Kind, want, jsQuote(cp.c.Src.Text))
	}
	return nil
}

// actions reads the action list, the second part, from allowed.
func (cp *capParse) actions(allowed []string) error {
	acts, err := actions(cp.lists, cp.c.Src.Pos, cp.c.Src.Text, string(cp.c.Kind), cp.parts.p[1], allowed)
	cp.c.Actions = acts
	return err
}

func (cp *capParse) fs() error {
	if err := cp.shape(3, CodeFSShape, "<actions>:<path>"); err != nil {
		return err
	}
	if err := cp.actions(fsActions); err != nil {
		return err
	}
	c := cp.c
	c.Path = cp.parts.p[2]
	if !strings.HasPrefix(c.Path, "/") {
		return cp.errf(CodeFSRelative, "fs path must be absolute: %s", jsQuote(c.Path))
	}
	return nil
}

func (cp *capParse) net() error {
	if cp.parts.n != 4 {
		if err := cp.shape(3, CodeNetShape, "<actions>:<host>[:<port>]"); err != nil {
			return err
		}
	}
	if err := cp.actions(netActions); err != nil {
		return err
	}
	c := cp.c
	c.Host = cp.parts.p[2] // capgate compiles an empty host
	if cp.parts.n == 4 {
		p, ok := jsParseInt(cp.parts.p[3])
		if !ok || p < 1 || p > 65535 {
			return cp.errf(CodeNetPort, "net port out of range: %s", jsQuote(cp.parts.p[3]))
		}
		c.Port = p
	}
	return nil
}

func (cp *capParse) exec() error {
	if err := cp.shape(3, CodeExecShape, "<actions>:<binary>"); err != nil {
		return err
	}
	if err := cp.actions(execActions); err != nil {
		return err
	}
	c := cp.c
	c.Binary = cp.parts.p[2]
	if strings.Contains(c.Binary, "/") { // capgate compiles an empty binary
		return cp.errf(CodeExecPath, "exec binary is a basename only: %s", jsQuote(c.Binary))
	}
	return nil
}

func (cp *capParse) env() error {
	if err := cp.shape(3, CodeEnvShape, "<actions>:<name>"); err != nil {
		return err
	}
	if err := cp.actions(envActions); err != nil {
		return err
	}
	c := cp.c
	c.EnvName = cp.parts.p[2]
	if !upperSnake(c.EnvName) {
		return cp.errf(CodeEnvName, "env var name must be UPPER_SNAKE: %s", jsQuote(c.EnvName))
	}
	return nil
}

func (cp *capParse) ipc() error {
	if err := cp.shape(3, CodeIPCShape, "<actions>:<endpoint>"); err != nil {
		return err
	}
	if err := cp.actions(ipcActions); err != nil {
		return err
	}
	cp.c.Endpoint = cp.parts.p[2]
	return nil
}

func (cp *capParse) clock() error {
	c := cp.c
	if cp.parts.n != 2 {
		// capgate interpolates the text between quotes unescaped.
		return cp.errf(CodeClockShape, "clock needs <source>, got \"%s\"", c.Src.Text)
	}
	c.Source = cp.parts.p[1]
	if c.Source != "system" && c.Source != "tzdata" {
		return cp.errf(CodeClockSource, "clock source must be system|tzdata: %s", jsQuote(c.Source))
	}
	return nil
}

// CheckSafe refuses, with CAP_UNSAFE_VALUE, a parsed capability whose
// values would inject into or break an emitted config (the rule is in
// docs/unsafe-values.md). Compile runs it after every capability has parsed,
// so capgate's own errors keep their precedence.
func CheckSafe(c *Capability) error {
	pos := c.Src.Pos
	if hasControl(c.Src.Text) {
		return unsafeErr(pos, "control character")
	}
	switch c.Kind {
	case KindFS:
		if strings.Contains(c.Path, ":") {
			return unsafeErr(pos, "fs colon")
		}
		if hasDotSegment(c.Path) {
			return unsafeErr(pos, "fs dot segment")
		}
	case KindNet:
		if why := unsafeHost(c.Host); why != "" {
			return unsafeErr(pos, why)
		}
	case KindIPC:
		if p, ok := strings.CutPrefix(c.Endpoint, "unix:"); ok {
			switch {
			case strings.Contains(p, ":"):
				return unsafeErr(pos, "ipc colon")
			case !strings.HasPrefix(p, "/"):
				// capgate would emit "--volume :..." or a named volume.
				return unsafeErr(pos, "ipc path not absolute")
			case hasDotSegment(p):
				return unsafeErr(pos, "ipc dot segment")
			}
		}
	}
	return nil
}

// Kinds returns the capability kinds of grammar 0.0, in the grammar's
// order.
func Kinds() []CapKind {
	return []CapKind{KindFS, KindNet, KindEnv, KindExec, KindIPC, KindClock, KindAssert}
}

// Actions returns the actions kind k allows, in the grammar's order; nil
// for a kind without actions (clock, assert) or an unknown kind.
func Actions(k CapKind) []string {
	var a []string
	switch k {
	case KindFS:
		a = fsActions
	case KindNet:
		a = netActions
	case KindExec:
		a = execActions
	case KindEnv:
		a = envActions
	case KindIPC:
		a = ipcActions
	}
	return slices.Clone(a)
}

var (
	fsActions   = []string{"read", "write", "create", "delete"}
	netActions  = []string{"connect"}
	execActions = []string{"spawn"}
	envActions  = []string{"read", "inject"}
	ipcActions  = []string{"connect"}
)

// actions checks a comma-separated action list; the list it returns
// comes from ar, or from a new arena when ar is nil.
func actions(ar *arena, pos Pos, raw, kind, s string, allowed []string) ([]string, error) {
	if s == "" {
		return nil, errAt(pos, CodeActionsEmpty, "%s requires actions in %s", kind, jsQuote(raw))
	}
	if s == allowed[0] {
		// The common single action, as a window on the package's
		// table: read-only, so ParseCapability hands out a copy.
		return allowed[:1:1], nil
	}
	if ar == nil {
		ar = new(arena)
	}
	for rest, more := s, true; more; {
		var a string
		a, rest, more = strings.Cut(rest, ",")
		a = jsTrim(a)
		i := slices.Index(allowed, a)
		if i < 0 {
			ar.list() // drop what was taken
			return nil, errAt(pos, CodeActionUnknown, "%s action %s not allowed", kind, jsQuote(a))
		}
		ar.add(allowed[i]) // not a: the list holds no view of the manifest
	}
	return ar.list(), nil
}

func upperSnake(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || (c >= 'A' && c <= 'Z'):
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// jsSpace is the white space JavaScript's trim() and parseInt() skip:
// WhiteSpace and LineTerminator, which take U+FEFF but not U+0085 or U+180E.
const jsSpace = " \t\n\v\f\r\u00a0\ufeff\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

// jsTrim trims s as JavaScript's String.prototype.trim does.
// A string that starts and ends with printable ASCII other than the space,
// the usual action, is returned at once: strings.Trim with jsSpace, which
// is not ASCII, decodes both ends rune by rune (~1% of BenchmarkCompileAll's
// instructions, valgrind, issue 24; FuzzCapability guards it).
func jsTrim(s string) string {
	if s != "" && s[0] > ' ' && s[0] < 0x7f && s[len(s)-1] > ' ' && s[len(s)-1] < 0x7f {
		return s
	}
	return strings.Trim(s, jsSpace)
}

// jsParseInt reads a decimal integer as JavaScript's parseInt(s, 10) does:
// leading white space and one sign are skipped, digits are read, anything
// after them is ignored. ok is false where parseInt gives NaN. Values
// beyond 65536 are clamped, which keeps range checks exact.
func jsParseInt(s string) (n int, ok bool) {
	s = strings.TrimLeft(s, jsSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	digits := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			break
		}
		digits++
		if n <= 65536 {
			n = n*10 + int(c-'0')
		}
	}
	if digits == 0 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// unsafeHost returns why host cannot go into a squid or nftables config
// verbatim, or "".
func unsafeHost(h string) string {
	if strings.HasPrefix(h, "-") {
		// squid reads a leading '-' in an acl value as an option and
		// refuses the whole config.
		return "host char"
	}
	for i := 0; i < len(h); i++ {
		switch h[i] {
		case ' ', '\t', '#', ';', '{', '}', '"', '\'', '\\', ',':
			return "host char"
		}
	}
	for _, r := range h {
		if r == 0x85 || r == 0xa0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000 {
			return "host char"
		}
	}
	if strings.Contains(h, ":") {
		if a, err := netip.ParseAddr(h); err != nil || !a.Is6() || a.Zone() != "" {
			return "host colon"
		}
	}
	return ""
}
