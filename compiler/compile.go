package compiler

import (
	"fmt"
	"strings"
)

// Options controls compilation.
type Options struct {
	// Strict makes the egress targets (squid, nftables) refuse a policy
	// that holds any kind but net and assert, with ADAPTER_UNSUPPORTED,
	// as capgate's CLI does for --target egress without --permissive.
	Strict bool
}

// Result is a manifest compiled to every target. A Result and what it
// holds are read-only: artifacts share strings and lists with each other.
type Result struct {
	Manifest  *Manifest
	Policy    *Policy
	Hash      string
	Artifacts ArtifactSet
}

// ArtifactSet holds one artifact per target; a target not compiled is nil.
type ArtifactSet struct {
	Bwrap, Docker, Squid, Nftables *Artifact
}

// Get returns the artifact for target, or nil.
func (s *ArtifactSet) Get(target string) *Artifact {
	if p := s.slot(target); p != nil {
		return *p
	}
	return nil
}

// Set stores a as the artifact for its target.
func (s *ArtifactSet) Set(a *Artifact) {
	if p := s.slot(a.Target); p != nil {
		*p = a
	}
}

func (s *ArtifactSet) slot(target string) **Artifact {
	switch target {
	case TargetBwrap:
		return &s.Bwrap
	case TargetDocker:
		return &s.Docker
	case TargetSquid:
		return &s.Squid
	case TargetNftables:
		return &s.Nftables
	}
	return nil
}

// prepared is the memory of a prepared manifest: the Result and what it
// points to, in one allocation.
type prepared struct {
	r Result
	m Manifest
	p Policy
	a arena
	// limit is the largest manifest accepted, MaxManifestBytes when 0
	// (the large-manifest benchmarks go beyond it).
	limit int
}

// compiled adds the four artifacts to prepared, again in one allocation.
type compiled struct {
	prepared
	arts [4]Artifact
}

// Prepare parses, shape-checks and normalises manifest text, stopping before
// lowering.
func Prepare(src []byte) (*Result, error) {
	pr := new(prepared)
	if err := pr.prepare(src, nil); err != nil {
		return nil, err
	}
	return &pr.r, nil
}

// prepare fills pr from src. When lower is not nil, it runs after
// normalising, with the parser's scratch memory, to lower the policy.
func (pr *prepared) prepare(src []byte, lower func(*scratch)) error {
	m := &pr.m
	pr.r = Result{Manifest: m, Policy: &pr.p}
	limit := pr.limit
	if limit == 0 {
		limit = MaxManifestBytes
	}
	err := parseManifest(src, m, &pr.a, limit, lower != nil, func(sc *scratch) error {
		// The parsed capabilities are needed only until they fold into
		// the policy, so they live in the parser's scratch memory.
		all := m.AllCaps()
		caps := sc.capSlots(len(all))
		for i, cs := range all {
			if err := parseCapability(cs, &caps[i], &pr.a, &sc.acts); err != nil {
				return err
			}
		}
		for i := range caps {
			if err := CheckSafe(&caps[i]); err != nil {
				return err
			}
		}
		normalize(caps, all, &pr.p, smallIndex)
		pr.r.Hash = ManifestHash(m)
		if lower != nil {
			lower(sc)
		}
		return nil
	})
	return err
}

// Compile compiles manifest text to all four targets, the egress ones
// permissively: the shape of capgate's conformance vectors.
func Compile(src []byte) (*Result, error) {
	c := new(compiled)
	if err := c.prepare(src, c.lowerAll); err != nil {
		return nil, err
	}
	return &c.r, nil
}

// lowerAll lowers the prepared policy to every target, sharing what the
// targets have in common.
func (c *compiled) lowerAll(sc *scratch) {
	r := &c.r
	l := lowering{p: r.Policy, prov: r.provenance(), a: &c.a}
	sc.mounts = appendMounts(sc.mounts[:0], r.Policy)
	ms := sc.mounts
	l.bwrap(&c.arts[0], ms)
	l.docker(&c.arts[1], ms)
	l.squid(&c.arts[2])
	l.nftables(&c.arts[3])
	r.Artifacts = ArtifactSet{Bwrap: &c.arts[0], Docker: &c.arts[1], Squid: &c.arts[2], Nftables: &c.arts[3]}
}

// Lower lowers a prepared manifest to one target.
func Lower(r *Result, target string, opts Options) (*Artifact, error) {
	switch target {
	case TargetBwrap, TargetDocker, TargetSquid, TargetNftables:
	default:
		return nil, fmt.Errorf("unknown target %q", target)
	}
	if opts.Strict && (target == TargetSquid || target == TargetNftables) {
		if err := checkEgressOnly(r, target); err != nil {
			return nil, err
		}
	}
	l := lowering{p: r.Policy, prov: r.provenance(), a: new(arena)}
	a := new(Artifact)
	switch target {
	case TargetBwrap:
		l.bwrap(a, Mounts(r.Policy))
	case TargetDocker:
		l.docker(a, Mounts(r.Policy))
	case TargetSquid:
		l.squid(a)
	case TargetNftables:
		l.nftables(a)
	}
	return a, nil
}

// lowering holds what the lowerings of one policy share: the egress, env
// and assertion lists of the sandbox targets are worked out once. Each
// lowering fills a new (zero) Artifact.
type lowering struct {
	p    *Policy
	prov Provenance
	a    *arena

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
		if c.Kind == KindNet || c.Kind == KindAssert || seen[c.Kind] {
			continue
		}
		seen[c.Kind] = true
		kinds = append(kinds, c.Kind)
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
		l.egress = make([]EgressRule, len(p.Net))
		for i, n := range p.Net {
			l.egress[i] = EgressRule{Host: n.Host, Port: n.Port, BlockPrivate: n.BlockPrivate}
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
		l.assertions = make([]AssertionOut, len(p.Assert))
		for i, as := range p.Assert {
			l.assertions[i] = AssertionOut{ID: as.ID, Description: as.Desc}
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
