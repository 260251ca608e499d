package compiler

import (
	"github.com/razukc/capgate-action/internal/jsonx"
	"strconv"
	"strings"
)

// EgressRule is one allowed destination. Port 0 is capgate's null: any port.
type EgressRule struct {
	Host         string
	Port         int
	BlockPrivate bool
}

// AssertionOut is an assertion as artifacts list it.
type AssertionOut struct {
	ID          string
	Description string
}

// Provenance ties an artifact to the manifest it was compiled from.
type Provenance struct {
	ManifestHash     string
	GrammarVersion   string
	Canonicalization string
}

// Unenforceable is a declared rule a target's file grants more widely than
// declared or cannot hold, with the reason. An egress rule (KindNet) is in
// Rule; any other is named by Grant, its capability as capgate normalises
// it ("fs:read:/srv/cfg/app.json", "env:inject:TOKEN"); an empty Kind
// is KindNet, as in capgate's squid and nftables entries. Excess lists what
// the file grants beyond the rule (host:port pairs, a directory, a
// pattern's real match); it is empty when the rule is left out (denied)
// or held only in part.
type Unenforceable struct {
	Kind   CapKind
	Rule   EgressRule
	Grant  string
	Excess []string
	Reason string
	// Srcs are the capability strings behind the rule (not written out).
	Srcs []CapString
}

// IsNet reports whether the entry names an egress rule (Kind KindNet or
// empty).
func (u *Unenforceable) IsNet() bool { return u.Kind == KindNet || u.Kind == "" }

// Artifact is the output of one target. Targets of ShapeSandbox fill Argv,
// Egress, EnvInjections and Assertions; targets of ShapeConfig fill Config,
// Filename and Unenforceable.
type Artifact struct {
	Target        string
	Argv          []string
	Egress        []EgressRule
	EnvInjections []string
	Assertions    []AssertionOut
	Config        string
	Filename      string
	Unenforceable []Unenforceable
	Provenance    Provenance
	Notes         []string
}

// Shape returns the shape of a's target, or 0 for an unknown target.
func (a *Artifact) Shape() Shape {
	s, _ := TargetShape(a.Target)
	return s
}

// jsonw writes JSON the way JavaScript's JSON.stringify(v, null, indent)
// does, so that output matches capgate's byte for byte.
type jsonw struct {
	b      []byte
	indent string
	depth  int
	first  []bool
}

// nl starts a line at the depth written. A newline and two spaces a level
// are one append from newlineSpaces when they fit, where an append of
// the indent per level took 8,400 instructions of the 441,000 of a
// changed manifest, rendering its artifacts for the text diffs
// (cachegrind, GOGC=off, BenchmarkChangedManifest in package diff); the
// goldens and TestArtifactJSONIndent hold the bytes.
func (w *jsonw) nl() {
	if w.indent == "" {
		return
	}
	if n := 1 + 2*w.depth; w.indent == "  " && n <= len(newlineSpaces) {
		w.b = append(w.b, newlineSpaces[:n]...)
		return
	}
	w.b = append(w.b, '\n')
	for i := 0; i < w.depth; i++ {
		w.b = append(w.b, w.indent...)
	}
}

// newlineSpaces is a newline and the indent of sixteen levels of two
// spaces.
const newlineSpaces = "\n                                "

func (w *jsonw) sep() {
	n := len(w.first) - 1
	if n < 0 {
		return
	}
	if !w.first[n] {
		w.b = append(w.b, ',')
	}
	w.first[n] = false
	w.nl()
}

func (w *jsonw) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = append(w.first, true)
}

func (w *jsonw) close(c byte) {
	empty := w.first[len(w.first)-1]
	w.first = w.first[:len(w.first)-1]
	w.depth--
	if !empty {
		w.nl()
	}
	w.b = append(w.b, c)
}

func (w *jsonw) key(k string) {
	w.sep()
	w.b = jsonx.AppendString(w.b, k)
	w.b = append(w.b, ':')
	if w.indent != "" {
		w.b = append(w.b, ' ')
	}
}

func (w *jsonw) str(s string) { w.b = jsonx.AppendString(w.b, s) }

func (w *jsonw) strs(ss []string) {
	w.open('[')
	for _, s := range ss {
		w.sep()
		w.str(s)
	}
	w.close(']')
}

func (w *jsonw) rule(r EgressRule) {
	w.open('{')
	w.key("host")
	w.str(r.Host)
	w.key("port")
	if r.Port == 0 {
		w.b = append(w.b, "null"...)
	} else {
		w.b = strconv.AppendInt(w.b, int64(r.Port), 10)
	}
	w.key("blockPrivate")
	w.b = strconv.AppendBool(w.b, r.BlockPrivate)
	w.close('}')
}

// unenforceable writes one entry: {"rule", "reason"} for an egress rule
// (capgate's shape), {"kind", "grant", "reason"} for any other; "excess"
// before "reason" when the file grants more than the rule.
func (w *jsonw) unenforceable(u *Unenforceable) {
	w.open('{')
	if u.IsNet() {
		w.key("rule")
		w.rule(u.Rule)
	} else {
		w.key("kind")
		w.str(string(u.Kind))
		w.key("grant")
		w.str(u.Grant)
	}
	if len(u.Excess) > 0 {
		w.key("excess")
		w.strs(u.Excess)
	}
	w.key("reason")
	w.str(u.Reason)
	w.close('}')
}

func (w *jsonw) artifact(a *Artifact) {
	w.open('{')
	if a.Shape() == ShapeConfig {
		w.key("target")
		w.str(a.Target)
		w.key("config")
		w.str(a.Config)
		w.key("filename")
		w.str(a.Filename)
		w.key("unenforceable")
		w.open('[')
		for _, u := range a.Unenforceable {
			w.sep()
			w.unenforceable(&u)
		}
		w.close(']')
	} else {
		w.key("argv")
		w.strs(a.Argv)
		w.key("egress")
		w.open('[')
		for _, r := range a.Egress {
			w.sep()
			w.rule(r)
		}
		w.close(']')
		w.key("envInjections")
		w.strs(a.EnvInjections)
		w.key("assertions")
		w.open('[')
		for _, as := range a.Assertions {
			w.sep()
			w.open('{')
			w.key("id")
			w.str(as.ID)
			w.key("description")
			w.str(as.Description)
			w.close('}')
		}
		w.close(']')
	}
	w.key("provenance")
	w.open('{')
	w.key("manifestHash")
	w.str(a.Provenance.ManifestHash)
	w.key("grammarVersion")
	w.str(a.Provenance.GrammarVersion)
	w.key("canonicalization")
	w.str(a.Provenance.Canonicalization)
	w.close('}')
	w.key("notes")
	w.strs(a.Notes)
	w.close('}')
}

// AppendJSON appends a as JSON in capgate's key order. pretty indents by two
// spaces as capgate's --pretty does.
func (a *Artifact) AppendJSON(b []byte, pretty bool) []byte {
	w := &jsonw{b: b}
	if pretty {
		w.indent = "  "
	}
	w.artifact(a)
	return w.b
}

// AppendAllJSON appends {"<target>": A, …} for the given artifacts, in
// listing order (capgate's four first: {"bwrap", "docker", "squid",
// "nftables"}), skipping targets with none.
func AppendAllJSON(b []byte, arts ArtifactSet, pretty bool) []byte {
	w := &jsonw{b: b}
	if pretty {
		w.indent = "  "
	}
	w.open('{')
	for _, a := range arts.arts {
		if a != nil {
			w.key(a.Target)
			w.artifact(a)
		}
	}
	w.close('}')
	return w.b
}

// isIPLiteral reports whether h is an IPv4 dotted quad or an IPv6 literal.
func isIPLiteral(h string) (v6, ok bool) {
	if strings.Contains(h, ":") {
		return true, isIPv6(h)
	}
	return false, maybeIP(h) && isIPv4(h)
}
