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

// Result is a manifest compiled to every target.
type Result struct {
	Manifest  *Manifest
	Caps      []*Capability
	Policy    *Policy
	Hash      string
	Artifacts map[string]*Artifact
}

// Prepare parses, shape-checks and normalises manifest text, stopping before
// lowering.
func Prepare(src []byte) (*Result, error) {
	m, err := ParseManifest(src)
	if err != nil {
		return nil, err
	}
	all := m.AllCaps()
	store := make([]Capability, len(all))
	caps := make([]*Capability, len(all))
	for i, cs := range all {
		if err := parseCapability(cs, &store[i]); err != nil {
			return nil, err
		}
		caps[i] = &store[i]
	}
	for _, c := range caps {
		if err := CheckSafe(c); err != nil {
			return nil, err
		}
	}
	return &Result{Manifest: m, Caps: caps, Policy: Normalize(caps), Hash: ManifestHash(m)}, nil
}

// Compile compiles manifest text to all four targets, the egress ones
// permissively: the shape of capgate's conformance vectors.
func Compile(src []byte) (*Result, error) {
	r, err := Prepare(src)
	if err != nil {
		return nil, err
	}
	r.Artifacts = make(map[string]*Artifact, 4)
	for _, t := range Targets {
		a, err := Lower(r, t, Options{})
		if err != nil {
			return nil, err
		}
		r.Artifacts[t] = a
	}
	return r, nil
}

// Lower lowers a prepared manifest to one target.
func Lower(r *Result, target string, opts Options) (*Artifact, error) {
	prov := Provenance{ManifestHash: r.Hash, GrammarVersion: GrammarVersion, Canonicalization: Canonicalization}
	p := r.Policy
	switch target {
	case TargetBwrap:
		return lowerBwrap(p, prov), nil
	case TargetDocker:
		return lowerDocker(p, prov), nil
	case TargetSquid, TargetNftables:
		if opts.Strict {
			if err := checkEgressOnly(r, target); err != nil {
				return nil, err
			}
		}
		if target == TargetSquid {
			return lowerSquid(p, prov), nil
		}
		return lowerNftables(p, prov), nil
	}
	return nil, fmt.Errorf("unknown target %q", target)
}

func checkEgressOnly(r *Result, target string) error {
	var kinds []string
	var first *Capability
	seen := map[string]bool{}
	for _, c := range r.Caps {
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

// sandboxBase returns the fields bwrap and docker artifacts share.
func sandboxBase(target string, p *Policy, prov Provenance) *Artifact {
	a := &Artifact{Target: target, Provenance: prov, Notes: []string{}}
	a.Egress = egressRules(p)
	a.EnvInjections = envInjections(p)
	a.Assertions = make([]AssertionOut, len(p.Assert))
	for i, as := range p.Assert {
		a.Assertions[i] = AssertionOut{ID: as.ID, Description: as.Desc}
	}
	return a
}

func egressRules(p *Policy) []EgressRule {
	out := make([]EgressRule, len(p.Net))
	for i, n := range p.Net {
		out[i] = EgressRule{Host: n.Host, Port: n.Port, BlockPrivate: n.BlockPrivate}
	}
	return out
}

// envInjections lists the variables passed into the sandbox: every env
// grant, plus DISPLAY for an x11 endpoint.
func envInjections(p *Policy) []string {
	out := make([]string, 0, len(p.Env)+1)
	display := false
	for _, e := range p.Env {
		out = append(out, e.Name)
		display = display || e.Name == "DISPLAY"
	}
	if !display && p.hasIPC("x11") {
		out = append(out, "DISPLAY")
	}
	return out
}

func (p *Policy) hasIPC(ep string) bool {
	for _, g := range p.IPC {
		if g.Name == ep {
			return true
		}
	}
	return false
}
