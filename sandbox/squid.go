package sandbox

import (
	"slices"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// squidLine is one parsed line of a squid config: its fields and line
// index.
type squidLine struct {
	f    []string
	text string
	line int
}

// parseSquid splits a squid config into its non-blank, non-comment lines.
//
// It walks the text line by line and puts the fields of every line into
// one slice: splitting the whole text, then each line on its own, was a
// slice a line and a third of ReadSquid's allocations on
// BenchmarkChangedManifest's artifacts. TestParseSquidAsSplit holds it to
// strings.Split and strings.Fields on generated configs.
func parseSquid(conf string) []squidLine {
	out, _ := parseSquidInto(conf, nil, nil)
	return out
}

// parseSquidInto is parseSquid appending the lines to out and their
// fields to all (both empty, their room reused), which it returns.
func parseSquidInto(conf string, out []squidLine, all []string) ([]squidLine, []string) {
	lines := strings.Count(conf, "\n") + 1
	out = room(out, lines)
	// The fields of every line, each line's a window; the compiler
	// separates them by one space.
	all = room(all, lines+strings.Count(conf, " "))
	for i := 0; ; i++ {
		line, rest, more := strings.Cut(conf, "\n")
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			start := len(all)
			all = appendFields(all, line)
			out = append(out, squidLine{f: all[start:len(all):len(all)], text: line, line: i})
		}
		if !more {
			return out, all
		}
		conf = rest
	}
}

type squidACL struct {
	name   string
	typ    string
	values []string
	// used is set once an allow line named the acl: squid gives the rule
	// every value of the acl, lines after it included.
	used bool
}

// squidACLs are the acls read so far, found by name: a few by a scan, more
// through a map. A map of records allocated one by one was half of
// ReadSquid's allocations (BenchmarkChangedManifest); TestSquidACLsAsMap
// holds the scan to a map.
type squidACLs struct {
	list []squidACL
	idx  map[string]int
}

// get returns the acl named name, nil when there is none. The pointer
// holds until the next add.
func (t *squidACLs) get(name string) *squidACL {
	if t.idx != nil {
		if i, ok := t.idx[name]; ok {
			return &t.list[i]
		}
		return nil
	}
	for i := range t.list {
		if t.list[i].name == name {
			return &t.list[i]
		}
	}
	return nil
}

// add files a new acl (none is named name yet) and returns it.
func (t *squidACLs) add(name, typ string) *squidACL {
	if t.idx == nil && len(t.list) == 16 {
		t.idx = make(map[string]int, 32)
		for i, x := range t.list {
			t.idx[x.name] = i
		}
	}
	if t.idx != nil {
		t.idx[name] = len(t.list)
	}
	t.list = append(t.list, squidACL{name: name, typ: typ})
	return &t.list[len(t.list)-1]
}

// ReadSquid reads a squid config: the destinations each `http_access
// allow` lets through (dstdomain and dst acls, with their port acl),
// whether a `deny` of every private range comes before it, and any line it
// does not recognise (Unknown), an acl line after an allow rule that names
// that acl (squid gives the rule its every line) and an acl whose values
// are a quoted file's among them. A config without a final `http_access
// deny all` lets through what no rule denies, which is Unknown too. The
// host "." (what the compiler emits for "*") is read as any host ("*");
// "all" and 0.0.0.0/0 are read literally, as the host and the address
// range they name.
func ReadSquid(conf []byte) *Sandbox { return readSquid(new(Sandbox), string(conf), nil) }

// readSquid is ReadSquid on the text (an artifact's Config is one), into
// s, new or emptied (Sandbox.reuse), with the lines, fields and acls in
// the room sc keeps (nil: none; see CompareArtifacts).
func readSquid(s *Sandbox, conf string, sc *readScratch) *Sandbox {
	s.Kind, s.Confined = compiler.TargetSquid, true
	var ls []squidLine
	var fields []string
	var acls []squidACL
	if sc != nil {
		ls, fields, acls = sc.squidLines, sc.squidFields, sc.squidACLs
	}
	ls, fields = parseSquidInto(conf, ls, fields)
	q := squidState{s: s, acls: squidACLs{list: room(acls, 8)}}
	for _, l := range ls {
		q.line(l)
	}
	if !q.lastDenyAll {
		s.unknown("no final http_access deny all: squid then allows what no rule denies", -1)
	}
	if sc != nil { // kept emptied, so that they point at nothing
		sc.squidLines, sc.squidFields, sc.squidACLs = cleared(ls), cleared(fields), cleared(q.acls.list)
	}
	return s
}

// squidState is what ReadSquid knows after the lines read so far.
type squidState struct {
	s                        *Sandbox
	acls                     squidACLs
	denyPrivate, lastDenyAll bool
}

func (q *squidState) line(l squidLine) {
	f := l.f
	switch {
	case f[0] == "acl" && len(f) >= 4:
		x := q.acls.get(f[1])
		if x == nil {
			x = q.acls.add(f[1], f[2])
		}
		if x.typ != f[2] || x.used || squidFileValue(f[3:]) {
			q.s.unknown(l.text, l.line)
			return
		}
		// The first line's values are its fields (capacity clipped,
		// so that a later line's append copies them).
		if x.values == nil {
			x.values = f[3:]
		} else {
			x.values = append(x.values, f[3:]...)
		}
	case f[0] == "http_access" && len(f) >= 3 && f[1] == "deny":
		q.deny(f[2:])
	case f[0] == "http_access" && len(f) >= 3 && f[1] == "allow":
		q.lastDenyAll = false
		var pbuf [4]int
		hosts, ports, ok := squidAllow(f[2:], &q.acls, pbuf[:0])
		if !ok || hosts == nil {
			q.s.unknown(l.text, l.line)
			return
		}
		for _, h := range hosts {
			if h == "." {
				// What the compiler emits for host "*" (squid itself
				// matches no ordinary name with it; judged as any host).
				// "all" and "0.0.0.0/0" in a dstdomain or dst acl are
				// the host and the address range they name, not "*".
				h = "*"
			}
			for _, p := range ports {
				q.s.Network.Allow = append(q.s.Network.Allow, Rule{Host: h, Port: p, BlockPrivate: q.denyPrivate})
			}
		}
	default:
		q.lastDenyAll = q.lastDenyAll && f[0] != "http_access"
		q.s.unknown(l.text, l.line)
	}
}

// deny reads the acl names of an `http_access deny` line: a final deny
// all, or a deny of every private range. Any other deny is narrower: it
// cannot widen anything.
func (q *squidState) deny(names []string) {
	q.lastDenyAll = len(names) == 1 && names[0] == "all"
	if x := q.acls.get(names[0]); len(names) == 1 && x != nil && x.typ == "dst" && coversPrivate(x.values) {
		q.denyPrivate = true
	}
}

// squidAllow reads the acl names of an allow line into hosts and ports
// (appended to buf, a buffer of the caller's); ok is false when one is not
// a destination, port or CONNECT acl. One destination acl's hosts are its
// values, clipped (an append copies them).
func squidAllow(names []string, acls *squidACLs, buf []int) (hosts []string, ports []int, ok bool) {
	ports = append(buf[:0], 0)
	ok = true
	for _, n := range names {
		x := acls.get(n)
		if x != nil {
			x.used = true
		}
		switch {
		case n == "CONNECT":
			// Squid's predefined method acl: only narrows.
		case x == nil:
			ok = false
		case (x.typ == "dstdomain" || x.typ == "dst") && hosts == nil:
			hosts = slices.Clip(x.values)
		case x.typ == "dstdomain" || x.typ == "dst":
			hosts = append(hosts, x.values...)
		case x.typ == "port":
			ports = ports[:0]
			for _, v := range x.values {
				p, err := strconv.Atoi(v)
				if err != nil {
					ok = false
				}
				ports = append(ports, p)
			}
		default:
			ok = false
		}
	}
	return hosts, ports, ok
}

// squidFileValue reports whether values, an acl line's, name a file squid
// reads the values from ("/etc/squid/hosts", quoted): what it holds is
// not in the config. Read as a host, a file of "." allowed any host
// unseen.
func squidFileValue(values []string) bool {
	for _, v := range values {
		if strings.HasPrefix(v, `"`) {
			return true
		}
	}
	return false
}

func (s *Sandbox) unknown(text string, at int) {
	s.Unknown = append(s.Unknown, Unknown{Text: text, Arg: at})
}

// privateV4 and privateV6 are compiler.PrivateRanges, asked once: each
// call makes two slices, and the squid and nftables readers asked for
// them on every artifact. Never written.
var privateV4, privateV6 = compiler.PrivateRanges()

// coversPrivate reports whether a dst acl lists every range blockPrivate
// blocks.
func coversPrivate(values []string) bool {
	return containsAll(values, privateV4) && containsAll(values, privateV6)
}

// containsAll reports whether every string of want is in set. For the
// few values of an emitted config (the private ranges: 8 and 3) it scans
// set for each instead of building a map of it, which was a map for every
// squid and nftables artifact read back; TestContainsAllSmall holds the
// scan to the map.
func containsAll(set, want []string) bool {
	if len(set)*len(want) <= 256 {
		for _, w := range want {
			if !slices.Contains(set, w) {
				return false
			}
		}
		return true
	}
	return containsAllMap(set, want)
}

// containsAllMap is containsAll through a set of set's values.
func containsAllMap(set, want []string) bool {
	have := make(map[string]bool, len(set))
	for _, v := range set {
		have[v] = true
	}
	for _, w := range want {
		if !have[w] {
			return false
		}
	}
	return true
}
