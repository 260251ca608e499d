package diff

import (
	"slices"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/sandbox"
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
func Compare(base, head *compiler.Result) []Change { return compare(base, head, nil) }

// compare is Compare, told which pairs of compared(base, head) render to
// the same text (same[i]; nil: none known). Such a pair is not read back:
// the same text is the same reader input (argv, egress, variables or
// config: everything but the provenance), and the same sandbox on both
// sides has no delta. Targets without a reader are read anyway (their
// whole artifact is the input). A change that leaves some targets' artifacts as they
// were (a mount: squid and nftables; a host: the mounts) then reads only
// the others (BenchmarkChangedManifest/fs-only). TestCompareSkipsSame
// holds it to Compare on generated pairs.
func compare(base, head *compiler.Result, same []bool) []Change {
	// What each policy exposes of the host, worked out once per side.
	bx, hx := compiler.ExposuresOf(base.Policy), compiler.ExposuresOf(head.Policy)
	bs, hs := sourcesOf(base.Policy, &bx), sourcesOf(head.Policy, &hx)
	pairs := compared(base, head)
	m := merger{n: len(pairs)}
	fsChanged := false
	for i, p := range pairs {
		if i < len(same) && same[i] && sandbox.HasReader(p[1].Target) {
			continue // a readerless target is judged on all its fields
		}
		t := p[1].Target
		for _, d := range sandbox.CompareArtifacts(p[0], p[1]) {
			c := change(d, bs, hs)
			fsChanged = fsChanged || c.Kind == kFS
			m.add(t, c)
		}
	}
	cs := noteMaskedEnv(m.list(), base, head)
	if !fsChanged {
		cs = append(cs, compareDeclaredFS(base.Policy, head.Policy)...)
	}
	cs = append(cs, compareNamed("exec", base.Policy.Exec, head.Policy.Exec)...)
	cs = append(cs, compareNamed("ipc", unmountedIPC(&bx), unmountedIPC(&hx))...)
	cs = append(cs, compareClock(base.Policy, head.Policy)...)
	cs = append(cs, compareNested(base.Policy, head.Policy)...)
	cs = append(cs, compareAssert(base.Policy, head.Policy)...)
	cs = append(cs, compareUnenforceable(pairs, hs)...)
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
	all := head.Artifacts.All()
	out := make([][2]*compiler.Artifact, 0, len(all))
	for _, ha := range all {
		if ba := base.Artifacts.Get(ha.Target); ba != nil {
			out = append(out, [2]*compiler.Artifact{ba, ha})
		}
	}
	return out
}

var severityRank = map[Severity]int{Widened: 0, UnenforceableAdded: 1, Narrowed: 2, Changed: 3}

// sortChanges puts loud changes first, then the rest by severity (widened,
// unenforceable_added, narrowed, changed), keeping the order within each.
// slices.SortStableFunc, not sort.SliceStable: its reflected swapper was
// two allocations a changed manifest (BenchmarkChangedManifest); the
// order is the same, as both are stable (TestSortChangesStable).
func sortChanges(cs []Change) {
	slices.SortStableFunc(cs, func(a, b Change) int {
		if a.Loud != b.Loud {
			if a.Loud {
				return -1
			}
			return 1
		}
		return severityRank[a.Severity] - severityRank[b.Severity]
	})
}

// merger joins the same change seen in several targets into one row whose
// Target lists them.
//
// The first few rows (smallMerge) are found again by a scan: a map keyed
// by whole changes hashed a dozen strings a row, and was a map for every
// changed manifest (BenchmarkChangedManifest); past them the rows are
// indexed. TestMergerAsMapped holds both to the map.
type merger struct {
	n       int // how many targets are compared
	idx     map[Change]int
	out     []Change
	targets [][]string
}

// smallMerge is how many rows merger finds by a scan.
const smallMerge = 16

func (m *merger) add(target string, c Change) {
	if i := m.find(c); i >= 0 {
		m.targets[i] = append(m.targets[i], target)
		return
	}
	if m.idx != nil {
		m.idx[c] = len(m.out)
	} else if len(m.out) == smallMerge {
		m.idx = make(map[Change]int, 2*smallMerge)
		for i, x := range m.out {
			m.idx[x] = i
		}
		m.idx[c] = len(m.out)
	}
	m.out = append(m.out, c)
	m.targets = append(m.targets, []string{target})
}

// find returns the index of the row c, -1 when there is none.
func (m *merger) find(c Change) int {
	if m.idx != nil {
		if i, ok := m.idx[c]; ok {
			return i
		}
		return -1
	}
	for i := range m.out {
		if m.out[i] == c {
			return i
		}
	}
	return -1
}

func (m *merger) list() []Change {
	for i := range m.out {
		t := JoinTargets(m.targets[i]...)
		if len(m.targets[i]) == m.n {
			t = AllTargets
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
// Each map is built on its first lookup: a changed manifest looks up a
// few deltas' grants, mostly of the head and of one kind, and building
// all five maps of both sides for each was a tenth of its allocations
// (BenchmarkChangedManifest). TestSourcesLazyAsBuilt holds the lookups to
// the maps built at once.
type sources struct {
	p      *compiler.Policy
	ex     *compiler.Exposures
	fsm    map[string]src
	netm   map[hostPort][]compiler.CapString
	hostm  map[string][]compiler.CapString // by lower-case host, for compareProduct
	portm  map[string][]compiler.CapString // by decimal port ("0" any), for compareProduct
	envm   map[string][]compiler.CapString
	nested []compiler.CapString
}

func netKey(host string, port int) string { return sandbox.NetKey(host, port) }

// hostPort is a destination as NetKey keys it (HostKey, port), without
// joining them into a string.
type hostPort struct {
	host string
	port int
}

// sourcesOf maps the grants of p, whose exposures are ex, to their
// capability strings (see sources); ex must outlive the lookups.
func sourcesOf(p *compiler.Policy, ex *compiler.Exposures) *sources {
	return &sources{p: p, ex: ex, nested: p.NestedSrcs}
}

// fs is the source of the grant that exposes host path path (cleaned).
func (s *sources) fs(path string) src {
	if s.fsm == nil {
		s.fsm = fsSources(s.p, s.ex)
	}
	return s.fsm[path]
}

// net is the source of the first egress rule to host on port. A few
// rules (smallNet) are scanned instead of indexed: a map for the one or two
// lookups of a changed manifest was a fiftieth of the bytes it allocated
// (BenchmarkChangedManifest); TestSourcesLazyAsBuilt holds both to the
// map built at once.
func (s *sources) net(host string, port int) []compiler.CapString {
	k := hostPort{sandbox.HostKey(host), port}
	if len(s.p.Net) <= smallNet {
		for _, n := range s.p.Net {
			if n.Port == port && sandbox.HostKey(n.Host) == k.host {
				return n.Srcs
			}
		}
		return nil
	}
	s.indexNet()
	return s.netm[k]
}

// smallNet is how many egress rules net scans.
const smallNet = 8

// host is the source of the first egress rule to host key h.
func (s *sources) host(h string) []compiler.CapString {
	s.indexProduct()
	return s.hostm[h]
}

// port is the source of the first egress rule on decimal port pt.
func (s *sources) port(pt string) []compiler.CapString {
	s.indexProduct()
	return s.portm[pt]
}

// env is the source of the variable name.
func (s *sources) env(name string) []compiler.CapString {
	if s.envm == nil {
		s.envm = envSources(s.p)
	}
	return s.envm[name]
}

// fsSources maps the host paths p's exposures ex show to their grants,
// the first grant of each path.
func fsSources(p *compiler.Policy, ex *compiler.Exposures) map[string]src {
	fs := map[string]src{}
	put := func(path string, x src) {
		if _, ok := fs[path]; !ok {
			fs[path] = x
		}
	}
	for _, m := range ex.FS {
		d := ""
		if m.Declared != m.Path && !strings.HasSuffix(m.Declared, "/") {
			d = "declared as " + m.Declared
		}
		put(cleanPath(m.Path), src{m.Srcs, d, cleanPath(m.Declared)})
	}
	for _, sk := range ex.IPC {
		if sk.Path != "" {
			put(cleanPath(sk.Path), src{sk.Grant.Srcs, "ipc endpoint " + sk.Grant.Name, cleanPath(sk.Path)})
		}
	}
	for _, f := range ex.Clock {
		put(f, src{p.ClockSrcs, "clock:tzdata", ""})
	}
	return fs
}

// indexNet maps p's egress rules by destination, the first rule of
// each.
func (s *sources) indexNet() {
	if s.netm != nil {
		return
	}
	s.netm = make(map[hostPort][]compiler.CapString, len(s.p.Net))
	for _, n := range s.p.Net {
		k := hostPort{sandbox.HostKey(n.Host), n.Port}
		if _, ok := s.netm[k]; !ok {
			s.netm[k] = n.Srcs
		}
	}
}

// indexProduct maps p's egress rules by host and by port, the first rule
// of each, for the deltas of a host × port product.
func (s *sources) indexProduct() {
	if s.hostm != nil {
		return
	}
	s.hostm, s.portm = map[string][]compiler.CapString{}, map[string][]compiler.CapString{}
	for _, n := range s.p.Net {
		if h := sandbox.HostKey(n.Host); s.hostm[h] == nil {
			s.hostm[h] = n.Srcs
		}
		if pt := strconv.Itoa(n.Port); s.portm[pt] == nil {
			s.portm[pt] = n.Srcs
		}
	}
}

// envSources maps p's variables to their grants (the last of each), and
// DISPLAY, when no variable is named so, to the x11 endpoint.
func envSources(p *compiler.Policy) map[string][]compiler.CapString {
	env := map[string][]compiler.CapString{}
	for _, e := range p.Env {
		env[e.Name] = e.Srcs
	}
	if _, ok := env["DISPLAY"]; !ok {
		for _, g := range p.IPC {
			if g.Name == "x11" {
				env["DISPLAY"] = g.Srcs
			}
		}
	}
	return env
}

// unmountedIPC lists the ipc endpoints of a policy's exposures ex that no
// target mounts (dbus:session, unknown ones): the host is asked to provide
// them, so they are judged on the policy. Mounted ones are judged as the
// mounts they are.
func unmountedIPC(ex *compiler.Exposures) []compiler.NamedGrant {
	var out []compiler.NamedGrant
	for _, s := range ex.IPC {
		if s.Path == "" {
			out = append(out, *s.Grant)
		}
	}
	return out
}

// RuleString formats an egress rule as host:port with its private flag.
func RuleString(r compiler.EgressRule) string { return sandbox.RuleString(r) }

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// compareDeclaredFS reports declared-only fs changes when the mounts stay
// the same.
//
// Equal declarations (paths and actions, in order), what a change of
// anything else leaves, have none: it built two maps and an action
// string a grant before (BenchmarkChangedManifest).
func compareDeclaredFS(bp, hp *compiler.Policy) []Change {
	if slices.EqualFunc(bp.FS, hp.FS, sameDecl) {
		return nil
	}
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
			out = append(out, at(c, SideHead, g.Srcs))
		}
	}
	for _, g := range bp.FS {
		if _, ok := hd[g.Path]; !ok {
			c := Change{Severity: Changed, Kind: kFS, Target: "bwrap,docker", Before: bd[g.Path] + " " + g.Path,
				Why: "declaration removed; the mounts stay the same"}
			out = append(out, at(c, SideBase, g.Srcs))
		}
	}
	return out
}

// sameDecl reports whether a and b declare the same actions on the same
// path.
func sameDecl(a, b compiler.FSGrant) bool {
	return a.Path == b.Path && a.Read == b.Read && a.Write == b.Write && a.Create == b.Create && a.Delete == b.Delete
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

func compareNamed(kind Kind, b, h []compiler.NamedGrant) []Change {
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
		out = append(out, at(c, SideHead, g.Srcs))
	}
	for _, g := range b {
		if !hn[g.Name] {
			out = append(out, at(Change{Severity: Narrowed, Kind: kind, Target: "bwrap,docker", Before: g.Name, Why: string(kind) + " grant removed"}, SideBase, g.Srcs))
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
		return []Change{at(Change{Severity: Widened, Kind: "clock", Target: "bwrap,docker", Before: clockName(b.Clock), After: clockName(h.Clock), Why: "more of the host's clock data exposed"}, SideHead, h.ClockSrcs)}
	case rh < rb:
		return []Change{at(Change{Severity: Narrowed, Kind: "clock", Target: "bwrap,docker", Before: clockName(b.Clock), After: clockName(h.Clock), Why: "less clock data exposed"}, SideBase, b.ClockSrcs)}
	}
	return nil
}

func compareNested(b, h *compiler.Policy) []Change {
	switch {
	case h.NestedSandbox && !b.NestedSandbox:
		return []Change{at(Change{Severity: Widened, Kind: "nestedSandbox", Target: "bwrap,docker", Before: "off", After: "on",
			Why: "bwrap keeps the user, pid and ipc namespaces shared and mounts /dev; docker hosts must weaken seccomp or capabilities"}, SideHead, h.NestedSrcs)}
	case b.NestedSandbox && !h.NestedSandbox:
		return []Change{at(Change{Severity: Narrowed, Kind: "nestedSandbox", Target: "bwrap,docker", Before: "on", After: "off", Why: "nested sandbox no longer requested"}, SideBase, b.NestedSrcs)}
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
			out = append(out, at(Change{Severity: Widened, Kind: "assert", Target: "all", Before: a.ID + ": " + a.Desc, Why: "a declared guarantee was dropped"}, SideBase, a.Srcs))
		case x.Desc != a.Desc:
			out = append(out, at(Change{Severity: Changed, Kind: "assert", Target: "all", Before: a.ID + ": " + a.Desc, After: x.ID + ": " + x.Desc, Why: "guarantee reworded"}, SideHead, x.Srcs))
		}
	}
	for _, a := range h.Assert {
		if bi[a.ID] == nil {
			out = append(out, at(Change{Severity: Narrowed, Kind: "assert", Target: "all", After: a.ID + ": " + a.Desc, Why: "a new guarantee is declared"}, SideHead, a.Srcs))
		}
	}
	return out
}

// compareUnenforceable compares the entries no target enforces in the
// pairs of artifacts compared; hs are the head's sources.
func compareUnenforceable(pairs [][2]*compiler.Artifact, hs *sources) []Change {
	var out []Change
	for _, p := range pairs {
		ba, ha := p[0], p[1]
		t := Targets(ha.Target)
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
		bx := sandbox.IndexRules(brs)
		for i := range ha.Unenforceable {
			u := &ha.Unenforceable[i]
			if !u.IsNet() {
				if !other[unenforceableKey(u)] {
					out = append(out, at(Change{Severity: UnenforceableAdded, Kind: Kind(u.Kind), Target: t, After: u.Grant, Why: unenforceableWhy(u)}, SideHead, u.Srcs))
				}
				continue
			}
			if bx.Covers(u.Rule) && allIn(u.Excess, excess) {
				continue
			}
			out = append(out, at(Change{Severity: UnenforceableAdded, Kind: kNet, Target: t, After: RuleString(u.Rule), Why: unenforceableWhy(u)}, SideHead, hs.net(u.Rule.Host, u.Rule.Port)))
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
func Kinds() []Kind {
	ks := []Kind{kFS, kNet, kEnv, "exec", "ipc", "clock", "nestedSandbox", "assert", "network", kIso}
	for _, k := range []Kind{kCap, kDevice, kNS, kSec, kDev, kProc, kTmpfs, kRaw, Kind(sandbox.AspectUser), Kind(sandbox.AspectConfined)} {
		if !slices.Contains(ks, k) {
			ks = append(ks, k)
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
