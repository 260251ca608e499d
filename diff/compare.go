package diff

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// Compare lists what head grants beyond base (widened), what it no longer
// grants (narrowed), declared-only changes, and new unenforceable entries.
//
// Mounts, egress rules, variables, devices, capabilities, networks and
// isolation flags are judged on the boundary read back from each target's
// artifact (see reader); exec binaries, clock, nestedSandbox, ipc endpoints
// that no target mounts, and assertions, which no artifact spells out, on
// the policy. Every step is linear or n log n in the number of grants.
//
// The targets compared are those both sides were compiled to (see
// compared); a change seen in every one of them is reported once, with
// Target "all".
func Compare(base, head *compiler.Result) []Change {
	bs, hs := sourcesOf(base.Policy), sourcesOf(head.Policy)
	pairs := compared(base, head)
	m := merger{n: len(pairs)}
	fsChanged := false
	for _, p := range pairs {
		t := p[1].Target
		r := readerFor(t)
		for _, c := range compareItems(r.boundary(p[0]), r.boundary(p[1]), bs, hs) {
			fsChanged = fsChanged || c.Kind == kFS
			m.add(t, c)
		}
	}
	cs := noteMaskedEnv(m.list(), base, head)
	if !fsChanged {
		cs = append(cs, compareDeclaredFS(base.Policy, head.Policy)...)
	}
	cs = append(cs, compareNamed("exec", base.Policy.Exec, head.Policy.Exec)...)
	cs = append(cs, compareNamed("ipc", unmountedIPC(base.Policy), unmountedIPC(head.Policy))...)
	cs = append(cs, compareClock(base.Policy, head.Policy)...)
	cs = append(cs, compareNested(base.Policy, head.Policy)...)
	cs = append(cs, compareAssert(base.Policy, head.Policy)...)
	cs = append(cs, compareUnenforceable(base, head)...)
	sortChanges(cs)
	if cs == nil {
		cs = []Change{}
	}
	return cs
}

// compared pairs the artifacts of the targets both base and head were
// compiled to, in listing order: an added or removed manifest is compared
// with compiler.Empty, which has every target, and the other side decides.
func compared(base, head *compiler.Result) [][2]*compiler.Artifact {
	var out [][2]*compiler.Artifact
	for _, ha := range head.Artifacts.All() {
		if ba := base.Artifacts.Get(ha.Target); ba != nil {
			out = append(out, [2]*compiler.Artifact{ba, ha})
		}
	}
	return out
}

var severityRank = map[Severity]int{Widened: 0, UnenforceableAdded: 1, Narrowed: 2, Changed: 3}

// sortChanges puts loud changes first, then the rest by severity (widened,
// unenforceable_added, narrowed, changed), keeping the order within each.
func sortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Loud != cs[j].Loud {
			return cs[i].Loud
		}
		return severityRank[cs[i].Severity] < severityRank[cs[j].Severity]
	})
}

// merger joins the same change seen in several targets into one row whose
// Target lists them.
type merger struct {
	n       int // how many targets are compared
	idx     map[Change]int
	out     []Change
	targets [][]string
}

func (m *merger) add(target string, c Change) {
	if m.idx == nil {
		m.idx = map[Change]int{}
	}
	if i, ok := m.idx[c]; ok {
		m.targets[i] = append(m.targets[i], target)
		return
	}
	m.idx[c] = len(m.out)
	m.out = append(m.out, c)
	m.targets = append(m.targets, []string{target})
}

func (m *merger) list() []Change {
	for i := range m.out {
		t := strings.Join(m.targets[i], ",")
		if len(m.targets[i]) == m.n {
			t = "all"
		}
		m.out[i].Target = t
	}
	return m.out
}

// src is where a grant was declared.
type src struct {
	srcs     []compiler.CapString
	declared string // the capability as declared, when it reads otherwise
	path     string // the declared path (cleaned), for fs grants
}

// sources maps read-back grants to the capability strings behind them.
type sources struct {
	fs     map[string]src
	net    map[string][]compiler.CapString
	hosts  map[string][]compiler.CapString // by lower-case host, for compareProduct
	ports  map[string][]compiler.CapString // by decimal port ("0" any), for compareProduct
	env    map[string][]compiler.CapString
	nested []compiler.CapString
}

// lowerASCII folds ASCII letters only, as squid and DNS compare names:
// strings.ToLower would also fold "İ" (U+0130) to "i" and the Kelvin sign to
// "k", and turn every invalid byte into U+FFFD, so that a new host such as
// "pypİ.org" (a different domain) would match "pypi.org" and pass unseen.
func lowerASCII(s string) string {
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

func netKey(host string, port int) string { return hostKey(host) + "\x00" + fmt.Sprint(port) }

func sourcesOf(p *compiler.Policy) *sources {
	s := &sources{fs: map[string]src{}, net: map[string][]compiler.CapString{}, hosts: map[string][]compiler.CapString{}, ports: map[string][]compiler.CapString{}, env: map[string][]compiler.CapString{}, nested: p.NestedSrcs}
	put := func(path string, x src) {
		if _, ok := s.fs[path]; !ok {
			s.fs[path] = x
		}
	}
	for _, m := range compiler.Mounts(p) {
		d := ""
		if m.Declared != m.Path && !strings.HasSuffix(m.Declared, "/") {
			d = "declared as " + m.Declared
		}
		put(cleanPath(m.Path), src{m.Srcs, d, cleanPath(m.Declared)})
	}
	for _, g := range p.IPC {
		if mp, _ := compiler.IPCSocket(g.Name); mp != "" {
			put(cleanPath(mp), src{g.Srcs, "ipc endpoint " + g.Name, cleanPath(mp)})
		}
	}
	if p.Clock == "tzdata" {
		put("/usr/share/zoneinfo", src{p.ClockSrcs, "clock:tzdata", ""})
		put("/etc/localtime", src{p.ClockSrcs, "clock:tzdata", ""})
	}
	for _, n := range p.Net {
		k := netKey(n.Host, n.Port)
		if _, ok := s.net[k]; !ok {
			s.net[k] = n.Srcs
		}
		if h := hostKey(n.Host); s.hosts[h] == nil {
			s.hosts[h] = n.Srcs
		}
		if pt := fmt.Sprint(n.Port); s.ports[pt] == nil {
			s.ports[pt] = n.Srcs
		}
	}
	for _, e := range p.Env {
		s.env[e.Name] = e.Srcs
	}
	if _, ok := s.env["DISPLAY"]; !ok {
		for _, g := range p.IPC {
			if g.Name == "x11" {
				s.env["DISPLAY"] = g.Srcs
			}
		}
	}
	return s
}

// unmountedIPC lists the ipc endpoints no target mounts (dbus:session,
// unknown ones): the host is asked to provide them, so they are judged on
// the policy. Mounted ones are judged as the mounts they are.
func unmountedIPC(p *compiler.Policy) []compiler.NamedGrant {
	var out []compiler.NamedGrant
	for _, g := range p.IPC {
		if mp, _ := compiler.IPCSocket(g.Name); mp == "" {
			out = append(out, g)
		}
	}
	return out
}

func at(c Change, side Side, srcs []compiler.CapString) Change {
	c.Side = side
	if len(srcs) > 0 {
		c.Line, c.Col = srcs[0].Pos.Line, srcs[0].Pos.Col
	}
	return c
}

func mode(w bool) string {
	if w {
		return "rw"
	}
	return "ro"
}

// level is how much a mount or rule grants: 0 nothing, 1 read-only (or
// private ranges blocked), 2 read-write (or private ranges reachable).
func level(b bool) int {
	if b {
		return 2
	}
	return 1
}

// compareItems compares one target's read-back grants.
func compareItems(bi, hi []item, bs, hs *sources) []Change {
	var out []Change
	out = append(out, compareMounts(bi, hi, bs, hs)...)
	out = append(out, compareRules(bi, hi, bs, hs)...)
	out = append(out, compareProduct(bi, hi, bs, hs)...)
	out = append(out, compareNetwork(bi, hi, hs)...)
	out = append(out, compareIso(bi, hi, hs)...)
	out = append(out, compareSets(bi, hi, hs)...)
	return out
}

type mountSet struct {
	mode  map[string]int
	order []item
}

func mounts(items []item) mountSet {
	s := mountSet{mode: map[string]int{}}
	for _, it := range items {
		if it.kind != kFS {
			continue
		}
		if _, ok := s.mode[it.key]; !ok {
			s.order = append(s.order, it)
		}
		s.mode[it.key] = max(s.mode[it.key], level(it.write))
	}
	return s
}

// covering returns the nearest mount at or above p in s with at least
// level need, or "" when there is none.
func (s mountSet) covering(p string, need int) (found string) {
	ancestors(p, func(a string) bool {
		if s.mode[a] >= need {
			found = a
			return true
		}
		return false
	})
	return found
}

func compareMounts(bi, hi []item, bs, hs *sources) []Change {
	b, h := mounts(bi), mounts(hi)
	var out []Change
	for _, it := range h.order {
		p, lv := it.key, h.mode[it.key]
		if b.covering(p, lv) != "" {
			continue
		}
		c := Change{Severity: Widened, Kind: kFS, After: mode(lv == 2) + " " + p}
		parent := b.covering(p, 1)
		switch {
		case parent == p:
			c.Before = "ro " + p
			c.Why = p + " becomes writable"
		case parent != "":
			c.Before = mode(b.mode[parent] == 2) + " " + parent
			c.Why = fmt.Sprintf("%s is mounted %s inside read-only %s", p, map[int]string{1: "read-only", 2: "read-write"}[lv], parent)
		default:
			c.Why = fmt.Sprintf("new %s mount of %s", mode(lv == 2), p)
		}
		x := hs.fs[p]
		var extra []string
		if it.raw != "" {
			extra = append(extra, "emitted as "+it.raw)
		}
		if x.declared != "" {
			extra = append(extra, x.declared)
		}
		if len(extra) > 0 {
			c.Why += " (" + strings.Join(extra, "; ") + ")"
		}
		why := loudItem(item{kind: kFS, key: p, write: lv == 2})
		if why == "" && x.path != "" && under(x.path, p) {
			// fs:read:/srv/s/docker.sock mounts /srv/s, socket and all.
			why = loudPath(x.path, lv == 2)
		}
		if why != "" {
			c.Loud, c.Why = true, "HOST CONTROL: "+why+" — "+c.Why
		}
		out = append(out, at(c, "head", x.srcs))
	}
	for _, it := range b.order {
		p, lv := it.key, b.mode[it.key]
		if h.covering(p, lv) != "" {
			continue
		}
		c := Change{Severity: Narrowed, Kind: kFS, Before: mode(lv == 2) + " " + p,
			Why: fmt.Sprintf("%s mount of %s removed or reduced", mode(lv == 2), p)}
		if h.mode[p] > 0 {
			c.After = mode(h.mode[p] == 2) + " " + p
		}
		out = append(out, at(c, "base", bs.fs[p].srcs))
	}
	return out
}

// ruleIndex answers "does some rule cover this one" in time linear in the
// host's length: rules by host key (see hostKey), each host's best level for
// any port and per port, and the squid ".domain" rules again as a tree of
// labels from the right, so that a host's suffixes are found one label at a
// time instead of as a string built and hashed per label.
type ruleIndex struct {
	hosts map[string]*hostRules
	dom   *domNode
}

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

// hostKey is what hosts are compared by: an IP literal in its canonical
// form (2001:db8:0:0:0:0:0:1 is 2001:db8::1), a name with its ASCII letters
// folded (see lowerASCII).
func hostKey(h string) string {
	if strings.IndexByte(h, ':') >= 0 {
		if a, err := netip.ParseAddr(h); err == nil {
			return a.String()
		}
	}
	return lowerASCII(h)
}

func indexRules(rules []compiler.EgressRule) ruleIndex {
	x := ruleIndex{hosts: map[string]*hostRules{}}
	for _, r := range rules {
		k := hostKey(r.Host)
		h := x.hosts[k]
		if h == nil {
			h = &hostRules{ports: map[int]int{}}
			x.hosts[k] = h
			if strings.HasPrefix(k, ".") {
				x.addDomain(k[1:], h)
			}
		}
		lv := level(!r.BlockPrivate)
		if r.Port == 0 {
			h.any = max(h.any, lv)
		} else {
			h.ports[r.Port] = max(h.ports[r.Port], lv)
		}
	}
	return x
}

// addDomain files the rules of ".d" under d's labels, last label first.
func (x *ruleIndex) addDomain(d string, h *hostRules) {
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

// covers reports whether some rule allows everything r does: its host is
// "*", the same (see hostKey), or a squid ".domain" above it; its port any
// or equal; and it does not block private ranges where r does not.
func (x ruleIndex) covers(r compiler.EgressRule) bool {
	need := level(!r.BlockPrivate)
	ok := func(h *hostRules) bool {
		return h != nil && (h.any >= need || (r.Port != 0 && h.ports[r.Port] >= need))
	}
	host := hostKey(r.Host)
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

// RuleString formats an egress rule as host:port with its private flag.
func RuleString(r compiler.EgressRule) string {
	port := "any port"
	if r.Port != 0 {
		port = fmt.Sprint(r.Port)
	}
	s := r.Host + ":" + port
	if !r.BlockPrivate {
		s += " (private ranges allowed)"
	}
	return s
}

func rules(items []item) []compiler.EgressRule {
	var out []compiler.EgressRule
	seen := map[compiler.EgressRule]bool{}
	for _, it := range items {
		if it.kind == kNet && !seen[it.rule] {
			seen[it.rule] = true
			out = append(out, it.rule)
		}
	}
	return out
}

// sameDest finds the rule of rs for the same host (ignoring case) and port
// as r: a narrowing or a widening pairs only like with like.
func sameDest(rs map[string]compiler.EgressRule, r compiler.EgressRule) (compiler.EgressRule, bool) {
	x, ok := rs[netKey(r.Host, r.Port)]
	return x, ok
}

func compareRules(bi, hi []item, bs, hs *sources) []Change {
	br, hr := rules(bi), rules(hi)
	bx, hx := indexRules(br), indexRules(hr)
	byDest := func(rs []compiler.EgressRule) map[string]compiler.EgressRule {
		m := make(map[string]compiler.EgressRule, len(rs))
		for _, r := range rs {
			m[netKey(r.Host, r.Port)] = r
		}
		return m
	}
	bd, hd := byDest(br), byDest(hr)
	var out []Change
	for _, h := range hr {
		if bx.covers(h) {
			continue
		}
		c := Change{Severity: Widened, Kind: kNet, After: RuleString(h), Why: "new egress destination"}
		if b, ok := sameDest(bd, h); ok {
			c.Before, c.Why = RuleString(b), "private address ranges no longer blocked for this destination"
		}
		if h.Host == "*" {
			c.Why = "egress to any host"
		}
		out = append(out, at(c, "head", hs.net[netKey(h.Host, h.Port)]))
	}
	for _, b := range br {
		if hx.covers(b) {
			continue
		}
		c := Change{Severity: Narrowed, Kind: kNet, Before: RuleString(b), Why: "egress destination removed"}
		if h, ok := sameDest(hd, b); ok {
			c.After, c.Why = RuleString(h), "egress destination reduced"
		}
		out = append(out, at(c, "base", bs.net[netKey(b.Host, b.Port)]))
	}
	return out
}

func values(items []item, kind string) []string {
	var out []string
	for _, it := range items {
		if it.kind == kind {
			out = append(out, it.key)
		}
	}
	return out
}

// compareNetwork compares the network the sandbox joins: one change, the
// base network(s) to the head's.
func compareNetwork(bi, hi []item, hs *sources) []Change {
	b, h := values(bi, kNetwork), values(hi, kNetwork)
	if strings.Join(b, ",") == strings.Join(h, ",") {
		return nil
	}
	c := Change{Kind: "network", Before: strings.Join(b, ", "), After: strings.Join(h, ", ")}
	switch {
	case len(h) == 0 || (len(h) == 1 && h[0] == "none"):
		c.Severity, c.Why = Narrowed, "the sandbox no longer joins a network"
	case contains(h, "host"):
		c.Severity, c.Why = Widened, "the sandbox shares the host's network namespace: every host port and interface"
	case contains(b, "none"):
		c.Severity, c.Why = Widened, "the container loses --network none and gets whatever network the host attaches"
	default:
		c.Severity, c.Why = Widened, "the sandbox joins another network"
	}
	// The first net capability of the head, by position.
	var first []compiler.CapString
	for _, n := range hs.net {
		if len(n) > 0 && (first == nil || n[0].Pos.Offset < first[0].Pos.Offset) {
			first = n
		}
	}
	return []Change{at(c, "head", first)}
}

// compareIso reports isolation the sandbox stops (or starts) applying, as
// one change each way.
func compareIso(bi, hi []item, hs *sources) []Change {
	b, h := values(bi, kIso), values(hi, kIso)
	lost, gained := minus(b, h), minus(h, b)
	var out []Change
	if len(lost) > 0 {
		out = append(out, at(Change{Severity: Widened, Kind: kIso, Before: strings.Join(lost, " "),
			Why: "the sandbox no longer applies " + strings.Join(lost, ", ")}, "head", hs.nested))
	}
	if len(gained) > 0 {
		out = append(out, at(Change{Severity: Narrowed, Kind: kIso, After: strings.Join(gained, " "),
			Why: "the sandbox now applies " + strings.Join(gained, ", ")}, "head", hs.nested))
	}
	return out
}

// minus lists the values of a not in b, in a's order, once each.
func minus(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			in[x] = true
			out = append(out, x)
		}
	}
	return out
}

// setKinds are compared as plain sets: a head value not in the base is
// widened (changed for a tmpfs, which holds nothing of the host), a base
// value not in the head narrowed.
var setKinds = []struct{ kind, what string }{
	{kEnv, "environment variable passed into the sandbox"},
	{kCap, "capability granted"},
	{kDevice, "host device passed in"},
	{kNS, "host namespace shared"},
	{kSec, "security option weakened"},
	{kDev, "/dev mounted in the sandbox"},
	{kProc, "procfs mounted"},
	{kTmpfs, "private tmpfs"},
	{kRaw, "emitted option capgate diff does not recognise, judged as a grant (fail closed)"},
}

func compareSets(bi, hi []item, hs *sources) []Change {
	var out []Change
	for _, k := range setKinds {
		b, h := values(bi, k.kind), values(hi, k.kind)
		if len(b) == 0 && len(h) == 0 {
			continue
		}
		sev := Widened
		if k.kind == kTmpfs {
			sev = Changed
		}
		for _, v := range minus(h, b) {
			c := Change{Severity: sev, Kind: k.kind, After: v, Why: "new " + k.what}
			srcs := hs.env[v]
			if k.kind == kDev || k.kind == kProc {
				srcs = hs.nested
			}
			if why := loudItem(item{kind: k.kind, key: v}); why != "" && sev == Widened {
				c.Loud, c.Why = true, "HOST CONTROL: "+why+" — "+c.Why
			}
			out = append(out, at(c, "head", srcs))
		}
		nsev := Narrowed
		if k.kind == kTmpfs {
			nsev = Changed
		}
		for _, v := range minus(b, h) {
			out = append(out, at(Change{Severity: nsev, Kind: k.kind, Before: v, Why: "no longer: " + k.what}, "base", nil))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// compareDeclaredFS reports declared-only fs changes when the mounts stay
// the same.
func compareDeclaredFS(bp, hp *compiler.Policy) []Change {
	decl := func(p *compiler.Policy) map[string]string {
		m := map[string]string{}
		for _, g := range p.FS {
			m[g.Path] = fsActions(g)
		}
		return m
	}
	bd, hd := decl(bp), decl(hp)
	var out []Change
	for _, g := range hp.FS {
		if bd[g.Path] != hd[g.Path] {
			c := Change{Severity: Changed, Kind: kFS, Target: "bwrap,docker", Before: declStr(bd, g.Path), After: hd[g.Path] + " " + g.Path,
				Why: "declaration changed; the mounts stay the same"}
			out = append(out, at(c, "head", g.Srcs))
		}
	}
	for _, g := range bp.FS {
		if _, ok := hd[g.Path]; !ok {
			c := Change{Severity: Changed, Kind: kFS, Target: "bwrap,docker", Before: bd[g.Path] + " " + g.Path,
				Why: "declaration removed; the mounts stay the same"}
			out = append(out, at(c, "base", g.Srcs))
		}
	}
	return out
}

func declStr(m map[string]string, p string) string {
	if a, ok := m[p]; ok {
		return a + " " + p
	}
	return ""
}

func fsActions(g compiler.FSGrant) string {
	var a []string
	for _, x := range []struct {
		on   bool
		name string
	}{{g.Read, "read"}, {g.Write, "write"}, {g.Create, "create"}, {g.Delete, "delete"}} {
		if x.on {
			a = append(a, x.name)
		}
	}
	return "fs:" + strings.Join(a, ",")
}

func compareNamed(kind string, b, h []compiler.NamedGrant) []Change {
	set := func(list []compiler.NamedGrant) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, g := range list {
			m[g.Name] = true
		}
		return m
	}
	bn, hn := set(b), set(h)
	var out []Change
	for _, g := range h {
		if bn[g.Name] {
			continue
		}
		c := Change{Severity: Widened, Kind: kind, Target: "bwrap,docker", After: g.Name, Why: "new program the server may run"}
		if kind == "ipc" {
			c.Why = "new IPC endpoint the host is asked to provide"
			if why := loudIPC(g.Name); why != "" {
				c.Loud, c.Why = true, "HOST CONTROL: "+why+" — "+c.Why
			}
		}
		out = append(out, at(c, "head", g.Srcs))
	}
	for _, g := range b {
		if !hn[g.Name] {
			out = append(out, at(Change{Severity: Narrowed, Kind: kind, Target: "bwrap,docker", Before: g.Name, Why: kind + " grant removed"}, "base", g.Srcs))
		}
	}
	return out
}

func clockRank(s string) int {
	switch s {
	case "system":
		return 1
	case "tzdata":
		return 2
	}
	return 0
}

func clockName(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func compareClock(b, h *compiler.Policy) []Change {
	rb, rh := clockRank(b.Clock), clockRank(h.Clock)
	switch {
	case rh > rb:
		return []Change{at(Change{Severity: Widened, Kind: "clock", Target: "bwrap,docker", Before: clockName(b.Clock), After: clockName(h.Clock), Why: "more of the host's clock data exposed"}, "head", h.ClockSrcs)}
	case rh < rb:
		return []Change{at(Change{Severity: Narrowed, Kind: "clock", Target: "bwrap,docker", Before: clockName(b.Clock), After: clockName(h.Clock), Why: "less clock data exposed"}, "base", b.ClockSrcs)}
	}
	return nil
}

func compareNested(b, h *compiler.Policy) []Change {
	switch {
	case h.NestedSandbox && !b.NestedSandbox:
		return []Change{at(Change{Severity: Widened, Kind: "nestedSandbox", Target: "bwrap,docker", Before: "off", After: "on",
			Why: "bwrap keeps the user, pid and ipc namespaces shared and mounts /dev; docker hosts must weaken seccomp or capabilities"}, "head", h.NestedSrcs)}
	case b.NestedSandbox && !h.NestedSandbox:
		return []Change{at(Change{Severity: Narrowed, Kind: "nestedSandbox", Target: "bwrap,docker", Before: "on", After: "off", Why: "nested sandbox no longer requested"}, "base", b.NestedSrcs)}
	}
	return nil
}

func compareAssert(b, h *compiler.Policy) []Change {
	index := func(list []compiler.Assertion) map[string]*compiler.Assertion {
		m := make(map[string]*compiler.Assertion, len(list))
		for i := range list {
			if _, ok := m[list[i].ID]; !ok {
				m[list[i].ID] = &list[i]
			}
		}
		return m
	}
	bi, hi := index(b.Assert), index(h.Assert)
	var out []Change
	for _, a := range b.Assert {
		x := hi[a.ID]
		switch {
		case x == nil:
			out = append(out, at(Change{Severity: Widened, Kind: "assert", Target: "all", Before: a.ID + ": " + a.Desc, Why: "a declared guarantee was dropped"}, "base", a.Srcs))
		case x.Desc != a.Desc:
			out = append(out, at(Change{Severity: Changed, Kind: "assert", Target: "all", Before: a.ID + ": " + a.Desc, After: x.ID + ": " + x.Desc, Why: "guarantee reworded"}, "head", x.Srcs))
		}
	}
	for _, a := range h.Assert {
		if bi[a.ID] == nil {
			out = append(out, at(Change{Severity: Narrowed, Kind: "assert", Target: "all", After: a.ID + ": " + a.Desc, Why: "a new guarantee is declared"}, "head", a.Srcs))
		}
	}
	return out
}

func compareUnenforceable(base, head *compiler.Result) []Change {
	bs := sourcesOf(head.Policy)
	var out []Change
	for _, p := range compared(base, head) {
		ba, ha := p[0], p[1]
		t := ha.Target
		if ha.Shape() != compiler.ShapeConfig {
			continue
		}
		var brs []compiler.EgressRule
		other := map[string]bool{}  // kind, grant and excess of the base's other entries
		excess := map[string]bool{} // what the base's egress entries grant beyond their rules
		for _, b := range ba.Unenforceable {
			if b.IsNet() {
				brs = append(brs, b.Rule)
				for _, x := range b.Excess {
					excess[x] = true
				}
			} else {
				other[unenforceableKey(&b)] = true
			}
		}
		bx := indexRules(brs)
		for i := range ha.Unenforceable {
			u := &ha.Unenforceable[i]
			if !u.IsNet() {
				if !other[unenforceableKey(u)] {
					out = append(out, at(Change{Severity: UnenforceableAdded, Kind: string(u.Kind), Target: t, After: u.Grant, Why: unenforceableWhy(u)}, "head", u.Srcs))
				}
				continue
			}
			if bx.covers(u.Rule) && allIn(u.Excess, excess) {
				continue
			}
			out = append(out, at(Change{Severity: UnenforceableAdded, Kind: kNet, Target: t, After: RuleString(u.Rule), Why: unenforceableWhy(u)}, "head", bs.net[netKey(u.Rule.Host, u.Rule.Port)]))
		}
	}
	return out
}

// allIn reports whether every x is in set.
func allIn(xs []string, set map[string]bool) bool {
	for _, x := range xs {
		if !set[x] {
			return false
		}
	}
	return true
}

// unenforceableKey identifies an entry that names no egress rule: a base
// entry covers a head entry with the same kind, grant and excess.
func unenforceableKey(u *compiler.Unenforceable) string {
	return string(u.Kind) + "\x00" + u.Grant + "\x00" + strings.Join(u.Excess, "\x00")
}

// unenforceableWhy is an entry's reason, led by the excess when the file
// grants more than the rule.
func unenforceableWhy(u *compiler.Unenforceable) string {
	if len(u.Excess) == 0 {
		return u.Reason
	}
	return "also grants " + strings.Join(u.Excess, ", ") + " — " + u.Reason
}

// Kinds lists every change kind Compare reports.
func Kinds() []string {
	ks := []string{kFS, kNet, kEnv, "exec", "ipc", "clock", "nestedSandbox", "assert", "network", kIso}
	for _, k := range setKinds {
		if !contains(ks, k.kind) {
			ks = append(ks, k.kind)
		}
	}
	return ks
}

// CompareManifests compiles two manifests and compares them; either may be
// nil (absent). It returns nil when either does not compile.
func CompareManifests(base, head []byte) []Change {
	r := func(src []byte) *compiler.Result {
		if src == nil {
			return compiler.Empty()
		}
		c, err := compiler.Compile(src)
		if err != nil {
			return nil
		}
		return c
	}
	b, h := r(base), r(head)
	if b == nil || h == nil {
		return nil
	}
	return Compare(b, h)
}
