package compiler

import (
	"hash/maphash"
	"slices"
	"strings"
)

// FSGrant is a normalised filesystem grant.
type FSGrant struct {
	Path                        string
	Read, Write, Create, Delete bool
	// Srcs are the capability strings folded into this grant.
	Srcs []CapString
}

// Writable reports whether the grant needs a read-write mount.
func (g *FSGrant) Writable() bool { return g.Write || g.Create || g.Delete }

// NetGrant is a normalised egress rule.
type NetGrant struct {
	Host         string
	Port         int // 0: any port
	BlockPrivate bool
	Srcs         []CapString

	lit uint8 // what Host is, worked out once: litName, litV4, litV6 or 0 (not yet known)
}

// The kinds of NetGrant host.
const (
	litName = 1 + iota
	litV4
	litV6
)

// literal reports whether the grant's host is an IP literal, and if so
// whether it is IPv6, as isIPLiteral does.
func (n *NetGrant) literal() (v6, ok bool) {
	switch n.lit {
	case litName:
		return false, false
	case litV4:
		return false, true
	case litV6:
		return true, true
	}
	return isIPLiteral(n.Host)
}

// classifyHost returns what kind of host h is, and whether capgate lets a
// rule for it reach private addresses (blockPrivate false). capgate tests
// the host text, not an address: "localhost" in any case, "::1", and a
// prefix "127.", "10.", "192.168." or "172.16." to "172.31.". So
// "127.evil.com" counts as private and "::ffff:127.0.0.1" does not.
func classifyHost(h string) (lit uint8, private bool) {
	switch v6, ok := isIPLiteral(h); {
	case !ok:
		lit = litName
	case v6:
		lit = litV6
	default:
		lit = litV4
	}
	return lit, privateHost(h)
}

// isLocalhost reports whether h lowercases to "localhost" as JavaScript's
// toLowerCase does: only ASCII letters can (strings.EqualFold would also
// take U+017F for 's').
func isLocalhost(h string) bool {
	const l = "localhost"
	if len(h) != len(l) {
		return false
	}
	for i := 0; i < len(l); i++ {
		if h[i]|0x20 != l[i] {
			return false
		}
	}
	return true
}

// privateHost is capgate's private-host prefix test (see classifyHost).
func privateHost(h string) bool {
	if isLocalhost(h) || h == "::1" {
		return true
	}
	if strings.HasPrefix(h, "127.") || strings.HasPrefix(h, "10.") || strings.HasPrefix(h, "192.168.") {
		return true
	}
	if rest, ok := strings.CutPrefix(h, "172."); ok && len(rest) >= 3 && rest[2] == '.' {
		switch rest[0] {
		case '1':
			return rest[1] >= '6' && rest[1] <= '9'
		case '2':
			return rest[1] >= '0' && rest[1] <= '9'
		case '3':
			return rest[1] == '0' || rest[1] == '1'
		}
	}
	return false
}

// EnvGrant is a normalised environment variable grant.
type EnvGrant struct {
	Name         string
	Read, Inject bool
	Srcs         []CapString
}

// NamedGrant is an exec binary or an ipc endpoint.
type NamedGrant struct {
	Name string
	Srcs []CapString
}

// Assertion is a declared guarantee that no target can enforce.
type Assertion struct {
	ID, Desc string
	Srcs     []CapString
}

// Policy is a manifest's capabilities after capgate's normalisation:
// server and tool capabilities unioned, duplicates folded, each list in
// capgate's order.
type Policy struct {
	FS     []FSGrant
	Net    []NetGrant
	Env    []EnvGrant
	Exec   []NamedGrant
	IPC    []NamedGrant
	Clock  string // "", "system" or "tzdata"
	Assert []Assertion
	// NestedSandbox is true when any capability carries
	// ?nestedSandbox=true.
	NestedSandbox bool
	NestedSrcs    []CapString
	ClockSrcs     []CapString
}

// Normalize folds parsed capabilities into a Policy.
func Normalize(caps []Capability) *Policy {
	srcs := make([]CapString, len(caps))
	for i := range caps {
		srcs[i] = caps[i].Src
	}
	p := new(Policy)
	normalize(caps, srcs, p, new(arena), smallIndex)
	return p
}

// normalize folds caps into p, whose lists it takes from a. srcs[i] is
// caps[i].Src, held where it outlives caps: grants keep windows on it. Up
// to small grants of a kind are found by a linear scan (smallIndex; tests
// pass 0 to use maps).
func normalize(caps []Capability, srcs []CapString, p *Policy, a *arena, small int) {
	n := kindCounts(caps)
	p.FS = take(a, &a.sl.fs, n[kindFS])
	p.Net = take(a, &a.sl.net, n[kindNet])
	p.Env = take(a, &a.sl.env, n[kindEnv])
	p.Exec = take(a, &a.sl.named, n[kindExec])
	p.IPC = take(a, &a.sl.named, n[kindIPC])
	p.Assert = take(a, &a.sl.assert, n[kindAssert])
	// Grants are found by a linear scan while a kind has few of them, by
	// a map beyond (see smallIndex).
	f := folder{p: p, srcs: srcs,
		fs: newIndex[string](n[kindFS], small), net: newIndex[netKey](n[kindNet], small),
		env: newIndex[string](n[kindEnv], small), exec: newIndex[string](n[kindExec], small),
		ipc: newIndex[string](n[kindIPC], small), assert: newIndex[string](n[kindAssert], small)}
	for ci := range caps {
		f.fold(&caps[ci], ci)
	}
	for i := range p.FS {
		g := &p.FS[i]
		if g.Delete {
			g.Write = true
		}
		if g.Write {
			g.Read = true
		}
	}
	p.FS = mergeCovered(p.FS, small)
	sortPolicy(p)
}

// The kinds normalize counts, as indexes of kindCounts' array.
const (
	kindFS = iota
	kindNet
	kindEnv
	kindExec
	kindIPC
	kindAssert
	kindOther
)

// kindCounts counts caps of each kind (indexes kindFS...).
func kindCounts(caps []Capability) (n [kindOther + 1]int) {
	for i := range caps {
		k := kindOther
		switch caps[i].Kind {
		case KindFS:
			k = kindFS
		case KindNet:
			k = kindNet
		case KindEnv:
			k = kindEnv
		case KindExec:
			k = kindExec
		case KindIPC:
			k = kindIPC
		case KindAssert:
			k = kindAssert
		}
		n[k]++
	}
	return n
}

// folder folds capabilities into the policy p, one at a time, finding
// each kind's grants by its index (nil: by a scan).
type folder struct {
	p    *Policy
	srcs []CapString

	fs, env, exec, ipc, assert map[string]int
	net                        map[netKey]int
}

// first is the source of caps[i], as a one-element window on srcs: a grant
// declared once costs no allocation of its own.
func (f *folder) first(i int) []CapString { return f.srcs[i : i+1 : i+1] }

// fold adds c, which is caps[ci], to its grant.
func (f *folder) fold(c *Capability, ci int) {
	p := f.p
	if c.NestedSandbox {
		p.NestedSandbox = true
		p.NestedSrcs = addSrc(p.NestedSrcs, f.first(ci))
	}
	switch c.Kind {
	case KindFS:
		f.foldFS(c, ci)
	case KindNet:
		f.foldNet(c, ci)
	case KindEnv:
		f.foldEnv(c, ci)
	case KindExec:
		p.Exec = addNamed(p.Exec, f.exec, c.Binary, f.first(ci))
	case KindIPC:
		p.IPC = addNamed(p.IPC, f.ipc, c.Endpoint, f.first(ci))
	case KindClock:
		if p.Clock != "tzdata" {
			p.Clock = c.Source
		}
		p.ClockSrcs = addSrc(p.ClockSrcs, f.first(ci))
	case KindAssert:
		f.foldAssert(c, ci)
	}
}

func (f *folder) foldFS(c *Capability, ci int) {
	p := f.p
	i := find(p.FS, f.fs, c.Path, func(g *FSGrant) string { return g.Path })
	if i == len(p.FS) {
		p.FS = append(p.FS, FSGrant{Path: c.Path, Srcs: f.first(ci)[:0]})
		addIndex(f.fs, c.Path, i)
	}
	g := &p.FS[i]
	for _, a := range c.Actions {
		switch a {
		case "read":
			g.Read = true
		case "write":
			g.Write = true
		case "create":
			g.Create = true
		case "delete":
			g.Delete = true
		}
	}
	g.Srcs = append(g.Srcs, c.Src)
}

func (f *folder) foldNet(c *Capability, ci int) {
	p := f.p
	k := netKey{c.Host, c.Port}
	i := find(p.Net, f.net, k, func(g *NetGrant) netKey { return netKey{g.Host, g.Port} })
	if i == len(p.Net) {
		lit, private := classifyHost(c.Host)
		p.Net = append(p.Net, NetGrant{Host: c.Host, Port: c.Port, BlockPrivate: !private, Srcs: f.first(ci)[:0], lit: lit})
		addIndex(f.net, k, i)
	}
	p.Net[i].Srcs = append(p.Net[i].Srcs, c.Src)
}

func (f *folder) foldEnv(c *Capability, ci int) {
	p := f.p
	i := find(p.Env, f.env, c.EnvName, func(g *EnvGrant) string { return g.Name })
	if i == len(p.Env) {
		p.Env = append(p.Env, EnvGrant{Name: c.EnvName, Srcs: f.first(ci)[:0]})
		addIndex(f.env, c.EnvName, i)
	}
	g := &p.Env[i]
	for _, a := range c.Actions {
		if a == "inject" {
			g.Inject = true
		} else {
			g.Read = true
		}
	}
	g.Srcs = append(g.Srcs, c.Src)
}

func (f *folder) foldAssert(c *Capability, ci int) {
	p := f.p
	i := find(p.Assert, f.assert, c.ID, func(g *Assertion) string { return g.ID })
	if i == len(p.Assert) {
		p.Assert = append(p.Assert, Assertion{ID: c.ID, Srcs: f.first(ci)[:0]})
		addIndex(f.assert, c.ID, i)
	}
	// capgate keeps an id's first position and its last description.
	p.Assert[i].Desc = c.Desc
	p.Assert[i].Srcs = append(p.Assert[i].Srcs, c.Src)
}

// sortPolicy puts each list of p in capgate's order.
func sortPolicy(p *Policy) {
	slices.SortStableFunc(p.FS, func(a, b FSGrant) int { return Compare(a.Path, b.Path) })
	slices.SortStableFunc(p.Net, func(a, b NetGrant) int {
		if c := Compare(a.Host, b.Host); c != 0 {
			return c
		}
		return a.Port - b.Port
	})
	slices.SortStableFunc(p.Env, func(a, b EnvGrant) int { return Compare(a.Name, b.Name) })
	slices.SortStableFunc(p.Exec, func(a, b NamedGrant) int { return Compare(a.Name, b.Name) })
	slices.SortStableFunc(p.IPC, func(a, b NamedGrant) int { return Compare(a.Name, b.Name) })
	slices.SortStableFunc(p.Assert, func(a, b Assertion) int { return Compare(a.ID, b.ID) })
}

// addSrc adds the source window src (one element) to list: the window
// itself when list is empty.
func addSrc(list, src []CapString) []CapString {
	if list == nil {
		return src
	}
	return append(list, src[0])
}

// netKey identifies a net grant.
type netKey struct {
	host string
	port int
}

// smallIndex is the most grants of one kind that normalize finds by a
// linear scan, and that mergeCovered merges by coverTargetsSmall's O(n²)
// scan: up to it, the scans cost less than maps and hashing (most manifests
// declare a few grants of each kind: BenchmarkCompileAll); beyond it, a
// map keeps normalising O(n) (BenchmarkCompileLarge).
// TestNormalizeIndexed checks that both ways agree on the conformance data.
const smallIndex = 16

// newIndex returns a map for finding n grants of one kind, or nil when n
// is at most small and a linear scan is cheaper.
func newIndex[K comparable](n, small int) map[K]int {
	if n <= small {
		return nil
	}
	return make(map[K]int, n)
}

// addIndex records that the grant with key k is at index i.
// find returns the place of the grant whose key is k in list, or len(list):
// from idx when the kind has one (more than smallIndex grants), else by a
// scan, which allocates nothing.
func find[G any, K comparable](list []G, idx map[K]int, k K, key func(*G) K) int {
	if idx != nil {
		if j, ok := idx[k]; ok {
			return j
		}
		return len(list)
	}
	for j := range list {
		if key(&list[j]) == k {
			return j
		}
	}
	return len(list)
}

func addIndex[K comparable](idx map[K]int, k K, i int) {
	if idx != nil {
		idx[k] = i
	}
}

// addNamed adds the source window src (one element) to the grant named
// name, creating it when new.
func addNamed(list []NamedGrant, idx map[string]int, name string, src []CapString) []NamedGrant {
	i := find(list, idx, name, func(g *NamedGrant) string { return g.Name })
	if i == len(list) {
		addIndex(idx, name, i)
		list = append(list, NamedGrant{Name: name, Srcs: src})
		return list
	}
	list[i].Srcs = append(list[i].Srcs, src[0])
	return list
}

// coverBase is the prefix under which path p grants everything: the path
// with a trailing "**" or "*" removed, when what is left ends in "/".
// A path without one covers only itself.
func coverBase(p string) (string, bool) {
	b := strings.TrimSuffix(p, "*")
	b = strings.TrimSuffix(b, "*")
	if strings.HasSuffix(b, "/") {
		return b, true
	}
	return "", false
}

// mergeCovered folds every grant whose path lies under another grant's
// covering prefix into the most general such grant, unioning the actions.
// It works in place. Up to small grants, it uses coverTargetsSmall.
func mergeCovered(fs []FSGrant, small int) []FSGrant {
	if len(fs) < 2 {
		return fs
	}
	var buf [16]int
	target := buf[:0]
	if len(fs) > len(buf) {
		target = make([]int, 0, len(fs))
	}
	target = target[:len(fs)]
	var merged bool
	if len(fs) <= small {
		merged = coverTargetsSmall(fs, target)
	} else {
		merged = coverTargets(fs, target)
	}
	if !merged {
		return fs
	}
	// A grant points only at a strictly more general one, so following
	// the pointers ends at a grant that is kept.
	root := func(i int) int {
		for n := 0; target[i] != -1 && n < len(fs); n++ {
			i = target[i]
		}
		return i
	}
	for i := range fs {
		if target[i] == -1 {
			continue
		}
		g := &fs[root(i)]
		g.Read = g.Read || fs[i].Read
		g.Write = g.Write || fs[i].Write
		g.Create = g.Create || fs[i].Create
		g.Delete = g.Delete || fs[i].Delete
		g.Srcs = append(g.Srcs, fs[i].Srcs...)
	}
	out := fs[:0]
	for i := range fs {
		if target[i] == -1 {
			out = append(out, fs[i])
		}
	}
	clear(fs[len(out):])
	return out
}

// coverTargetsSmall sets target[i] to the grant that grant i folds into
// directly: among the grants j whose covering prefix (coverBase) starts
// i's path, the one with the shortest prefix, the first on a tie; -1 when
// there is none or when i is at least as general as j. It reports whether
// any grant folds.
func coverTargetsSmall(fs []FSGrant, target []int) bool {
	merged := false
	for i := range fs {
		target[i] = -1
		best := ""
		for j := range fs {
			if i == j {
				continue
			}
			b, ok := coverBase(fs[j].Path)
			if !ok || !strings.HasPrefix(fs[i].Path, b) {
				continue
			}
			if bi, iok := coverBase(fs[i].Path); iok && len(bi) <= len(b) && (len(bi) < len(b) || i < j) {
				continue // i is at least as general as j
			}
			if target[i] == -1 || len(b) < len(best) {
				target[i], best = j, b
				merged = true
			}
		}
	}
	return merged
}

// coverTargets computes what coverTargetsSmall does in time linear in the
// total length of the paths. A covering prefix ends in '/', so the
// candidates for grant i are the prefixes of its path that end in '/',
// shortest first; each is looked up by its hash, extended one segment at a
// time, among the grants' covering prefixes.
func coverTargets(fs []FSGrant, target []int) bool {
	seed := maphash.MakeSeed()
	base := make([]string, len(fs))
	has := make([]bool, len(fs))
	head := make(map[uint64]int, len(fs))
	next := make([]int, len(fs))
	// Chains run in index order, so the first match is the first grant.
	for j := len(fs) - 1; j >= 0; j-- {
		next[j] = -1
		b, ok := coverBase(fs[j].Path)
		if !ok {
			continue
		}
		base[j], has[j] = b, true
		k := maphash.String(seed, b)
		if h, ok := head[k]; ok {
			next[j] = h
		}
		head[k] = j
	}
	merged := false
	var h maphash.Hash
	for i := range fs {
		target[i] = -1
		p := fs[i].Path
		end := len(p) // longest prefix to try
		if has[i] {
			end = len(base[i])
		}
		h.SetSeed(seed)
		from := 0
	scan:
		for k := 0; k < end; k++ {
			if p[k] != '/' {
				continue
			}
			h.WriteString(p[from : k+1])
			from = k + 1
			j, ok := head[h.Sum64()]
			for ; ok && j != -1; j = next[j] {
				if j == i || len(base[j]) != k+1 || base[j] != p[:k+1] {
					continue
				}
				if has[i] && k+1 == end && i < j {
					continue // i is at least as general as j
				}
				target[i] = j
				merged = true
				break scan
			}
		}
	}
	return merged
}

// maybeIP is false for a host that cannot be an IP literal: one that
// neither starts with a digit nor holds a colon. It spares the parse for
// names.
func maybeIP(h string) bool {
	return h != "" && (h[0] >= '0' && h[0] <= '9' || strings.IndexByte(h, ':') >= 0)
}
