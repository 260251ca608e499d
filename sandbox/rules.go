package sandbox

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// LowerASCII folds ASCII letters only, as squid and DNS compare names:
// strings.ToLower would also fold "İ" (U+0130) to "i" and the Kelvin sign
// to "k", and turn every invalid byte into U+FFFD, so that a new host such
// as "pypİ.org" (a different domain) would match "pypi.org".
func LowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// NetKey is the key of a destination: its host as HostKey gives it, and
// its port.
func NetKey(host string, port int) string { return HostKey(host) + "\x00" + strconv.Itoa(port) }

// RuleString formats an egress rule as host:port with its private flag.
func RuleString(r Rule) string {
	port := "any port"
	if r.Port != 0 {
		port = strconv.Itoa(r.Port)
	}
	s := r.Host + ":" + port
	if !r.BlockPrivate {
		s += " (private ranges allowed)"
	}
	return s
}

// level is how much a rule grants: 1 private ranges blocked, 2 private
// ranges reachable.
func level(blockPrivate bool) int {
	if blockPrivate {
		return 1
	}
	return 2
}

// HostKey is what hosts are compared by: an IP literal in its canonical
// form (2001:db8:0:0:0:0:0:1 is 2001:db8::1), a name with its ASCII
// letters folded (see LowerASCII).
func HostKey(h string) string {
	if strings.IndexByte(h, ':') >= 0 {
		if a, err := netip.ParseAddr(h); err == nil {
			return a.String()
		}
	}
	return LowerASCII(h)
}

// RuleIndex answers "does some rule cover this one" in time linear in the
// host's length: rules by host key (see HostKey), each host's best level
// for any port and per port, and the squid ".domain" rules again as a tree
// of labels from the right, so that a host's suffixes are found one label
// at a time instead of as a string built and hashed per label.
//
// A few rules (up to smallRules, what a manifest's egress mostly is) are
// kept as a list and scanned instead: the maps and nodes of the index
// were a tenth of a changed manifest's allocations
// (BenchmarkChangedManifest), for lists a scan answers as fast.
// TestCoversSmallAsIndexed holds the scan to the index.
type RuleIndex struct {
	hosts map[string]*hostRules
	dom   *domNode
	small []Rule // the rules, when there are few; hosts is nil then
}

// smallRules is how many rules IndexRules keeps as a list.
const smallRules = 16

type hostRules struct {
	any   int
	ports map[int]int
}

// domNode is one label of the ".domain" tree; rules is set where a rule
// ends.
type domNode struct {
	rules *hostRules
	kids  map[string]*domNode
}

// IndexRules indexes rules for Covers. A few rules are kept as they are
// (the index holds the slice: it must not change while the index is
// used).
func IndexRules(rules []Rule) RuleIndex {
	if len(rules) <= smallRules {
		return RuleIndex{small: rules}
	}
	return indexRules(rules)
}

// indexRules indexes rules in maps and the tree of ".domain" labels.
func indexRules(rules []Rule) RuleIndex {
	x := RuleIndex{hosts: map[string]*hostRules{}}
	for _, r := range rules {
		k := HostKey(r.Host)
		h := x.hosts[k]
		if h == nil {
			h = &hostRules{ports: map[int]int{}}
			x.hosts[k] = h
			if strings.HasPrefix(k, ".") {
				x.addDomain(k[1:], h)
			}
		}
		lv := level(r.BlockPrivate)
		if r.Port == 0 {
			h.any = max(h.any, lv)
		} else {
			h.ports[r.Port] = max(h.ports[r.Port], lv)
		}
	}
	return x
}

// addDomain files the rules of ".d" under d's labels, last label first.
func (x *RuleIndex) addDomain(d string, h *hostRules) {
	if x.dom == nil {
		x.dom = &domNode{}
	}
	n := x.dom
	for {
		i := strings.LastIndexByte(d, '.')
		if n.kids == nil {
			n.kids = map[string]*domNode{}
		}
		k := n.kids[d[i+1:]]
		if k == nil {
			k = &domNode{}
			n.kids[d[i+1:]] = k
		}
		n = k
		if i < 0 {
			break
		}
		d = d[:i]
	}
	n.rules = h
}

// Covers reports whether some rule allows everything r does: its host is
// "*", the same (see HostKey), or a squid ".domain" above it; its port any
// or equal; and it does not block private ranges where r does not.
func (x RuleIndex) Covers(r Rule) bool {
	if x.hosts == nil {
		return coversScan(x.small, r)
	}
	need := level(r.BlockPrivate)
	ok := func(h *hostRules) bool {
		return h != nil && (h.any >= need || (r.Port != 0 && h.ports[r.Port] >= need))
	}
	host := HostKey(r.Host)
	if ok(x.hosts["*"]) || ok(x.hosts[host]) {
		return true
	}
	if host == "*" || strings.HasPrefix(host, ".") {
		return false
	}
	// ".d" covers d and everything below it: walk host's labels from the
	// right, each step one map lookup of one label.
	for n, d := x.dom, host; n != nil; {
		i := strings.LastIndexByte(d, '.')
		if n = n.kids[d[i+1:]]; n == nil {
			return false
		}
		if ok(n.rules) {
			return true
		}
		if i < 0 {
			return false
		}
		d = d[:i]
	}
	return false
}

// coversScan is Covers over a list of rules: some rule's host is "*",
// the same key, or a ".domain" above it (the host is the domain, or ends
// in "." and the domain: the labels the tree walks), its port any or the
// same, its level as high.
//
// Each rule's key is made as it is scanned: HostKey allocates nothing for
// a name in lower case, and a list of keys was one more allocation per
// index (BenchmarkChangedManifest).
func coversScan(rules []Rule, r Rule) bool {
	if len(rules) == 0 {
		return false
	}
	need, host := level(r.BlockPrivate), HostKey(r.Host)
	domains := host != "*" && !strings.HasPrefix(host, ".")
	for _, b := range rules {
		if level(b.BlockPrivate) < need || (b.Port != 0 && b.Port != r.Port) {
			continue
		}
		if k := HostKey(b.Host); k == "*" || k == host ||
			domains && strings.HasPrefix(k, ".") && (host == k[1:] || strings.HasSuffix(host, k)) {
			return true
		}
	}
	return false
}

// destIndex finds a rule by destination (NetKey), the last of those at
// one: through a map for many rules, a scan of few.
type destIndex struct {
	rules []Rule
	m     map[string]Rule
}

func indexDests(rs []Rule) destIndex {
	if len(rs) <= smallRules {
		return destIndex{rules: rs}
	}
	m := make(map[string]Rule, len(rs))
	for _, r := range rs {
		m[NetKey(r.Host, r.Port)] = r
	}
	return destIndex{m: m}
}

func (x destIndex) get(r Rule) (Rule, bool) {
	if x.m != nil {
		b, ok := x.m[NetKey(r.Host, r.Port)]
		return b, ok
	}
	// NetKey is the host key and the port joined by a byte neither
	// holds: equal keys are equal halves.
	host := HostKey(r.Host)
	for i := len(x.rules) - 1; i >= 0; i-- {
		if b := x.rules[i]; b.Port == r.Port && HostKey(b.Host) == host {
			return b, true
		}
	}
	return Rule{}, false
}

// compareRules compares egress rule lists. Equal lists, what a change
// that leaves egress alone reads back (a mount, a variable), have no
// delta: each rule covers itself. Few rules are deduplicated, indexed and
// found by destination by scans (see RuleIndex, destIndex), each one a
// map before; TestCompareRulesAsMapped holds both to the maps.
func compareRules(br, hr []Rule) []Delta {
	if slices.Equal(br, hr) {
		return nil
	}
	br, hr = dedupRules(br), dedupRules(hr)
	bx, hx := IndexRules(br), IndexRules(hr)
	bd, hd := indexDests(br), indexDests(hr)
	var out []Delta
	for _, h := range hr {
		if bx.Covers(h) {
			continue
		}
		d := Delta{Severity: Widened, Aspect: AspectNet, After: RuleString(h), Why: "new egress destination", Ref: Ref{Side: Head, Rule: h}}
		if b, ok := bd.get(h); ok {
			d.Before, d.Why = RuleString(b), "private address ranges no longer blocked for this destination"
		}
		if h.Host == "*" {
			d.Why = "egress to any host"
		}
		out = append(out, d)
	}
	for _, b := range br {
		if hx.Covers(b) {
			continue
		}
		d := Delta{Severity: Narrowed, Aspect: AspectNet, Before: RuleString(b), Why: "egress destination removed", Ref: Ref{Side: Base, Rule: b}}
		if h, ok := hd.get(b); ok {
			d.After, d.Why = RuleString(h), "egress destination reduced"
		}
		out = append(out, d)
	}
	return out
}

// dedupRules drops repeated rules, keeping the first: by a scan of the
// rules kept for few, a set for many.
func dedupRules(rs []Rule) []Rule {
	if len(rs) <= smallRules {
		return dedupFew(rs)
	}
	seen := make(map[Rule]bool, len(rs))
	out := rs[:0:0]
	for _, r := range rs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// dedupFew is dedupRules by scans: rs itself when no rule repeats (the
// rule; callers do not change what it returns).
func dedupFew(rs []Rule) []Rule {
	for i := range rs {
		if slices.Contains(rs[:i], rs[i]) {
			out := slices.Clone(rs[:i])
			for _, r := range rs[i+1:] {
				if !slices.Contains(out, r) {
					out = append(out, r)
				}
			}
			return out
		}
	}
	return rs
}

// compareProduct compares egress held as host and port sets
// (Network.Hosts × Network.Ports, ToolHive). Head's product lies within
// base's exactly when each of its hosts is covered by a base host and each
// of its ports by a base port, so each new host and each new port is one
// widened delta: a new host is reachable on every allowed port, a new port
// from every allowed host. A side that allows all egress (a rule "*" on
// any port) covers the other side's product; compareRules reports that
// rule itself. Work and deltas are linear in the listed hosts and ports.
func compareProduct(bn, hn Network) []Delta {
	if len(bn.Hosts)+len(bn.Ports)+len(hn.Hosts)+len(hn.Ports) == 0 {
		return nil
	}
	type side struct {
		hosts, ports []string
		hostx        RuleIndex
		portx        map[string]bool
		all          bool
	}
	read := func(n Network) side {
		s := side{portx: map[string]bool{}}
		var hr []Rule
		for _, h := range n.Hosts {
			s.hosts = append(s.hosts, h)
			hr = append(hr, Rule{Host: h})
		}
		for _, p := range n.Ports {
			k := fmt.Sprint(p)
			s.ports = append(s.ports, k)
			s.portx[k] = true
		}
		for _, r := range n.Allow {
			s.all = s.all || (r.Host == "*" && r.Port == 0)
		}
		s.hostx = IndexRules(hr)
		return s
	}
	b, h := read(bn), read(hn)
	hostText := func(x string) string {
		if x == "*" {
			return "any host, on every allowed port"
		}
		return "host " + x + ", on every allowed port"
	}
	portText := func(x string) string {
		if x == "0" {
			return "any port, from every allowed host"
		}
		return "port " + x + ", from every allowed host"
	}
	hostCovered := func(s side, x string) bool { return s.all || s.hostx.Covers(Rule{Host: x}) }
	portCovered := func(s side, x string) bool { return s.all || s.portx["0"] || s.portx[x] }
	var out []Delta
	for _, x := range minus(h.hosts, nil) {
		if !hostCovered(b, x) {
			out = append(out, Delta{Severity: Widened, Aspect: AspectNet, After: hostText(x), Why: "new egress host", Ref: Ref{Side: Head, Key: x}})
		}
	}
	for _, x := range minus(h.ports, nil) {
		if !portCovered(b, x) {
			out = append(out, Delta{Severity: Widened, Aspect: AspectNet, After: portText(x), Why: "new egress port", Ref: Ref{Side: Head, Key: x, ProductPort: true}})
		}
	}
	for _, x := range minus(b.hosts, nil) {
		if !hostCovered(h, x) {
			out = append(out, Delta{Severity: Narrowed, Aspect: AspectNet, Before: hostText(x), Why: "egress host removed", Ref: Ref{Side: Base, Key: x}})
		}
	}
	for _, x := range minus(b.ports, nil) {
		if !portCovered(h, x) {
			out = append(out, Delta{Severity: Narrowed, Aspect: AspectNet, Before: portText(x), Why: "egress port removed", Ref: Ref{Side: Base, Key: x, ProductPort: true}})
		}
	}
	return out
}
