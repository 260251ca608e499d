package sandbox

import (
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// ReadNftables reads an nftables table: each `ip daddr X [tcp dport P]
// accept`, whether a drop of every private range comes before it, the
// chain policy, and any line it does not recognise (Unknown). A chain
// without policy drop lets through what no rule drops: Unknown too. It
// parses the table into statements (parseNftables), then interprets them
// in order.
func ReadNftables(conf []byte) *Sandbox { return readNftables(new(Sandbox), string(conf), nil) }

// readNftables is ReadNftables on the text (an artifact's Config is one),
// into s, new or emptied (Sandbox.reuse), with the statements and fields
// in the room sc keeps (nil: none; see CompareArtifacts).
func readNftables(s *Sandbox, conf string, sc *readScratch) *Sandbox {
	s.Kind, s.Confined = compiler.TargetNftables, true
	v4, v6 := privateV4, privateV6
	drop4, drop6, policyDrop := false, false, false
	var sts []nftStatement
	var fields []string
	if sc != nil {
		sts, fields = sc.nft, sc.nftFields
	}
	sts, fields = parseNftablesInto(conf, sts, fields)
	if sc != nil { // kept emptied (after the loop), so that they point at nothing
		defer func() { sc.nft, sc.nftFields = cleared(sts), cleared(fields) }()
	}
	for _, st := range sts {
		switch st.kind {
		case nftPolicy:
			policyDrop = strings.HasSuffix(st.text, "policy drop;")
			if !policyDrop {
				s.unknown(st.text, st.line)
			}
		case nftDrop:
			if st.family == "ip" {
				drop4 = drop4 || containsAll(st.set, v4)
			} else {
				drop6 = drop6 || containsAll(st.set, v6)
			}
		case nftAllow:
			r := st.rule
			r.BlockPrivate = drop4 && drop6
			s.Network.Allow = append(s.Network.Allow, r)
		default:
			s.unknown(st.text, st.line)
		}
	}
	if !policyDrop {
		s.unknown("no policy drop: the chain lets through what no rule drops", -1)
	}
	return s
}

// nftKind is what an nftables statement is, as ReadNftables reads them.
type nftKind uint8

const (
	nftOther  nftKind = iota // a line ReadNftables does not recognise
	nftPolicy                // the chain's `type filter hook output …` line
	nftDrop                  // `ip[6] daddr { … } drop`
	nftAllow                 // `ip[6] daddr X [tcp dport P] accept`
)

// nftStatement is one statement of a table: its kind, the trimmed line
// and its index, and what the kind holds.
type nftStatement struct {
	kind   nftKind
	text   string
	line   int
	family string   // nftDrop: "ip" or "ip6"
	set    []string // nftDrop: the addresses dropped
	rule   Rule     // nftAllow
}

// parseNftables splits a table into its statements, leaving out blank
// lines, comments and the table's and chain's braces.
//
// It walks the text line by line, and splits each statement's fields
// into one buffer that the next statement reuses (nothing keeps them but
// the set of a drop, copied out): splitting the whole text, and each line
// into a slice of its own, were most of ReadNftables' allocations
// (BenchmarkChangedManifest). TestParseNftablesAsSplit holds it to
// strings.Split and strings.Fields on generated tables.
func parseNftables(conf string) []nftStatement {
	out, _ := parseNftablesInto(conf, nil, nil)
	return out
}

// parseNftablesInto is parseNftables appending the statements to out,
// with f as the buffer of each line's fields (both empty, their room
// reused); it returns both.
func parseNftablesInto(conf string, out []nftStatement, f []string) ([]nftStatement, []string) {
	out = room(out, strings.Count(conf, "\n")+1)
	f = room(f, 16)
	for n := 0; ; n++ {
		line, rest, more := strings.Cut(conf, "\n")
		if st, ok := nftLine(strings.TrimSpace(line), n, &f); ok {
			out = append(out, st)
		}
		if !more {
			return out, f
		}
		conf = rest
	}
}

// nftLine reads the trimmed line n of a table into a statement, with f as
// the buffer of its fields; ok is false for a line that holds none.
func nftLine(line string, n int, f *[]string) (st nftStatement, ok bool) {
	switch {
	case line == "" || strings.HasPrefix(line, "#") || line == "}" ||
		strings.HasPrefix(line, "table inet ") && strings.HasSuffix(line, "{") ||
		strings.HasPrefix(line, "chain ") && strings.HasSuffix(line, "{"):
		return st, false
	case strings.HasPrefix(line, "type filter hook output"):
		return nftStatement{kind: nftPolicy, text: line, line: n}, true
	}
	st = nftStatement{text: line, line: n}
	fs := appendFields((*f)[:0], line)
	*f = fs
	if set, ok := nftDropSet(fs); ok {
		st.kind, st.family, st.set = nftDrop, fs[0], set
	} else if r, ok := nftAccept(fs); ok {
		st.kind, st.rule = nftAllow, r
	}
	return st, true
}

// nftDropSet reads `ip[6] daddr { a, b } drop`: the set closed right
// before the drop, nothing else in the statement. A drop with more to
// match (`… } tcp dport 80 drop`) drops less than the set: read as the
// set, it made every private range dropped on any port, and an accept of
// 0.0.0.0/0 after it read as private ranges blocked.
func nftDropSet(f []string) ([]string, bool) {
	if len(f) < 5 || (f[0] != "ip" && f[0] != "ip6") || f[1] != "daddr" || f[2] != "{" || f[len(f)-2] != "}" || f[len(f)-1] != "drop" {
		return nil, false
	}
	set := make([]string, 0, len(f)-5)
	for _, v := range f[3 : len(f)-2] {
		if v == "{" || v == "}" {
			return nil, false
		}
		set = append(set, strings.TrimSuffix(v, ","))
	}
	return set, true
}

// nftAccept reads `ip[6] daddr X accept` and `ip[6] daddr X tcp dport P
// accept`.
func nftAccept(f []string) (Rule, bool) {
	if (len(f) != 4 && len(f) != 7) || (f[0] != "ip" && f[0] != "ip6") || f[1] != "daddr" || f[len(f)-1] != "accept" {
		return Rule{}, false
	}
	port := 0
	if len(f) == 7 {
		p, err := strconv.Atoi(f[5])
		if f[3] != "tcp" || f[4] != "dport" || err != nil {
			return Rule{}, false
		}
		port = p
	}
	return Rule{Host: f[2], Port: port}, true
}
