package compiler

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Options controls compilation.
type Options struct {
	// Strict makes the egress targets (squid, nftables) refuse a policy
	// that holds any kind but net and assert, with ADAPTER_UNSUPPORTED,
	// as capgate's CLI does for --target egress without --permissive.
	Strict bool
	// Image is the image reference the mcp-gateway entry runs (see
	// ValidImage). Empty, the entry's image is empty too: the policy can
	// be compared, but the gateway will not load the entry, so a file
	// meant for the gateway needs one (capgate compile --image).
	Image string
}

// Result is a manifest compiled to every target. A Result and what it
// holds are read-only: artifacts share strings and lists with each other,
// and a Result's text and lists lie in blocks of a few kilobytes that
// results compiled before and after it on the same goroutine share (a
// Result kept alone keeps up to about 35 kB alive; appending to one of
// its lists copies it, and cannot reach another's).
type Result struct {
	Manifest  *Manifest
	Policy    *Policy
	Hash      string
	Artifacts ArtifactSet
}

// prepared is the memory of a prepared manifest: the Result and what it
// points to, in one allocation.
type prepared struct {
	r Result
	m Manifest
	p Policy
}

// prep is how prepare runs. It is not kept in prepared: with neither these
// fields nor the artifact index (taken from the arena), compiled takes the
// 1,408-byte size class, not the 1,536 one (TestCompiledSizeClass).
type prep struct {
	// a is the arena the result's text and lists are written to; nil,
	// the pooled parser's (see scratch.res).
	a *arena
	// limit is the largest manifest accepted, MaxManifestBytes when 0
	// (the large-manifest benchmarks go beyond it).
	limit int
	// checkOnly stops prepare once every capability has passed its
	// checks, before the policy is built (Check).
	checkOnly bool
}

// compiled adds capgate's four artifacts to prepared, again in one
// allocation: Compile then costs one allocation for its result, which
// BenchmarkCompileAll's allocs/op guards.
type compiled struct {
	prepared
	arts [coreTargets]Artifact
}

// Prepare parses, shape-checks and normalises manifest text, stopping before
// lowering.
func Prepare(src []byte) (*Result, error) {
	pr := new(prepared)
	if err := pr.prepare(src, nil, prep{}); err != nil {
		return nil, err
	}
	return &pr.r, nil
}

// Check reports the error Compile and CompileTargets would return for src,
// or nil, without building the policy or the artifacts: lowering cannot
// fail, so a manifest that passes Check compiles to every target. It is
// what diff does with a manifest whose bytes are the same on both sides.
func Check(src []byte) error {
	pr := checks.Get().(*prepared)
	err := pr.prepare(src, nil, prep{checkOnly: true})
	if err == nil { // an error is left alone: it may point into pr
		*pr = prepared{}
		checks.Put(pr)
	}
	return err
}

// checks holds the memory Check prepares a manifest in: nothing of it is
// read once a check has passed, and a diff checks each of its unchanged
// manifests (2,000 of BenchmarkDiffGit2000's) one after the other, where
// a new one each was most of the 988 bytes a check took
// (BenchmarkCheck; TestCheckAgreesWithCompile, TestCheckRewinds).
var checks = sync.Pool{New: func() any { return new(prepared) }}

// prepare fills pr from src, as h says. When lower is not nil, it runs
// after normalising, with the parser's scratch memory and the result's
// arena, to lower the policy. (It is not a field of prep: the arena there
// escapes, and would take a closure for lower with it.)
func (pr *prepared) prepare(src []byte, lower func(*scratch, *arena), h prep) error {
	m := &pr.m
	pr.r = Result{Manifest: m, Policy: &pr.p}
	limit := h.limit
	if limit == 0 {
		limit = MaxManifestBytes
	}
	err := parseManifest(src, m, h.a, limit, h.checkOnly, func(sc *scratch, a *arena) error {
		// The parsed capabilities are needed only until they fold into
		// the policy, so they live in the parser's scratch memory.
		all := m.AllCaps()
		var small [smallCaps]Capability
		var caps []Capability
		if len(all) <= smallCaps {
			caps = small[:len(all)]
		} else {
			caps = sc.capSlots(len(all))
		}
		for i, cs := range all {
			if err := parseCapability(cs, &caps[i], a, &sc.acts); err != nil {
				return err
			}
		}
		for i := range caps {
			if err := CheckSafe(&caps[i]); err != nil {
				return err
			}
		}
		if h.checkOnly {
			return nil
		}
		normalize(caps, all, &pr.p, a, smallIndex)
		pr.r.Hash = ManifestHash(m)
		if lower != nil {
			lower(sc, a)
		}
		return nil
	})
	return err
}

// smallCaps is how many parsed capabilities prepare keeps on its stack
// (most manifests declare fewer: the conformance ones 3 at the median, 9
// at the 90th percentile); more go to the pooled scratch (capSlots). On
// the stack, filling them takes no write barrier while the collector
// marks and nothing needs clearing afterwards; in the pooled slab, the
// clearing in reset alone took 1.5% of BenchmarkCompileAll's profile.
// Alternating A/B (2026-12-07, issue 24): medians 1.02-1.05x faster
// (16 and 40 runs).
// The conformance tests and TestSharedArenaCarriesNothing run through
// both (a tenth of the conformance manifests declare more than 8).
const smallCaps = 8

// Compile compiles manifest text to capgate's four targets, the egress ones
// permissively: the shape of capgate's conformance vectors.
func Compile(src []byte) (*Result, error) {
	c := new(compiled)
	if err := c.prepare(src, c.lowerAll, prep{}); err != nil {
		return nil, err
	}
	return &c.r, nil
}

// CompileTargets compiles manifest text to the named targets (any of
// AllTargets), the egress ones permissively.
func CompileTargets(src []byte, targets []string) (*Result, error) {
	ts, err := lookupAll(targets)
	if err != nil {
		return nil, err
	}
	c := new(compiled)
	if err := c.prepare(src, func(sc *scratch, a *arena) { c.lower(sc, a, ts) }, prep{}); err != nil {
		return nil, err
	}
	return &c.r, nil
}

func lookupAll(names []string) ([]*target, error) {
	if err := CheckTargets(names); err != nil {
		return nil, err
	}
	ts := make([]*target, 0, len(names))
	for _, n := range names {
		if t := lookup(n); !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b *target) int { return a.index - b.index })
	return ts, nil
}

// lowerAll lowers the prepared policy to capgate's four targets.
func (c *compiled) lowerAll(sc *scratch, a *arena) { c.lower(sc, a, registry[:coreTargets]) }

// lower lowers the prepared policy to ts (in registry order), sharing
// what the targets have in common. capgate's four land in c.arts.
func (c *compiled) lower(sc *scratch, a *arena, ts []*target) {
	r := &c.r
	sc.mounts = appendMounts(sc.mounts[:0], r.Policy)
	sc.ipc = appendIPC(sc.ipc[:0], r.Policy)
	ex := Exposures{FS: sc.mounts, IPC: sc.ipc, Clock: clockFiles(r.Policy)}
	sc.l = lowering{p: r.Policy, name: r.Manifest.Name, prov: r.provenance(), a: a, ex: ex, exSet: true, binds: sc.binds}
	l := &sc.l
	arts := c.arts[:]
	if len(ts) > len(arts) {
		arts = make([]Artifact, len(ts))
	}
	// The artifacts' index is not kept in compiled, which then fits in a
	// smaller size class (see prep).
	n := ts[len(ts)-1].index + 1
	ptrs := take(a, &a.sl.ptrs, n)[:n]
	for i, t := range ts {
		t.lower(l, &arts[i])
		ptrs[t.index] = &arts[i]
	}
	// l is left as it is: the next manifest sets all of it before it is
	// read. Clearing it here (with a write barrier for each of its
	// pointers while the collector marks) only let the last result go a
	// compilation sooner, whose blocks the scratch's arena holds anyway
	// (issue 24; TestSharedArenaCarriesNothing).
	sc.binds = l.binds
	r.Artifacts = ArtifactSet{arts: ptrs}
}

// Lower lowers a prepared manifest to one target.
func Lower(r *Result, target string, opts Options) (*Artifact, error) {
	t := lookup(target)
	if t == nil {
		return nil, fmt.Errorf("unknown target %q", target)
	}
	if opts.Strict && t.egressOnly {
		if err := checkEgressOnly(r, target); err != nil {
			return nil, err
		}
	}
	if opts.Image != "" && !ValidImage(opts.Image) {
		return nil, fmt.Errorf("image %q is not an image reference (name[:tag][@sha256:digest], lower case)", opts.Image)
	}
	l := lowering{p: r.Policy, name: r.Manifest.Name, prov: r.provenance(), a: new(arena), image: opts.Image}
	a := new(Artifact)
	t.lower(&l, a)
	return a, nil
}

// lowering holds what the lowerings of one policy share: the egress, env
// and assertion lists of the sandbox targets are worked out once. Each
// lowering fills a new (zero) Artifact.
type lowering struct {
	p    *Policy
	name string // the manifest's name, for formats that name the server
	prov Provenance
	a    *arena
	// image is Options.Image.
	image string
	// ex is what the policy exposes of the host, worked out when first
	// needed (see exposures).
	ex    Exposures
	exSet bool

	// binds is memory for the binds of bwrap and docker (see
	// scratch.binds).
	binds []bind
	// dup is whether those binds may share a destination, once dupSet
	// (see (*lowering).dupDest).
	dup, dupSet bool

	sandboxed  bool
	egress     []EgressRule
	env        []string
	assertions []AssertionOut
}

func (r *Result) provenance() Provenance {
	return Provenance{ManifestHash: r.Hash, GrammarVersion: GrammarVersion, Canonicalization: Canonicalization}
}

func checkEgressOnly(r *Result, target string) error {
	var kinds []string
	var first *Capability
	seen := map[string]bool{}
	for _, cs := range r.Manifest.AllCaps() {
		// Every capability parsed when r was prepared.
		c, err := ParseCapability(cs)
		if err != nil {
			return err
		}
		if c.Kind == KindNet || c.Kind == KindAssert || seen[string(c.Kind)] {
			continue
		}
		seen[string(c.Kind)] = true
		kinds = append(kinds, string(c.Kind))
		if first == nil {
			first = c
		}
	}
	if first == nil {
		return nil
	}
	return errAt(first.Src.Pos, CodeAdapterUnsupported,
		"%s target supports only net and assert capabilities; policy also holds %s (use --permissive to compile the egress rules alone)",
		target, strings.Join(kinds, ", "))
}

// sandbox sets the fields bwrap and docker artifacts share.
func (l *lowering) sandbox(a *Artifact, target string) {
	if !l.sandboxed {
		l.sandboxed = true
		p := l.p
		l.egress = take(l.a, &l.a.sl.egress, len(p.Net))
		for _, n := range p.Net {
			l.egress = append(l.egress, EgressRule{Host: n.Host, Port: n.Port, BlockPrivate: n.BlockPrivate})
		}
		// Every env grant, plus DISPLAY for an x11 endpoint: listed
		// twice when also granted, as capgate does.
		for _, e := range p.Env {
			l.a.add(e.Name)
		}
		if p.hasIPC("x11") {
			l.a.add("DISPLAY")
		}
		l.env = l.a.list()
		l.assertions = take(l.a, &l.a.sl.asOut, len(p.Assert))
		for _, as := range p.Assert {
			l.assertions = append(l.assertions, AssertionOut{ID: as.ID, Description: as.Desc})
		}
	}
	// a is new: set only what is not zero.
	a.Target, a.Provenance, a.Egress, a.EnvInjections, a.Assertions = target, l.prov, l.egress, l.env, l.assertions
}

func (p *Policy) hasIPC(ep string) bool {
	for _, g := range p.IPC {
		if g.Name == ep {
			return true
		}
	}
	return false
}
