package diff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// Compare lists what head grants beyond base (widened), what it no longer
// grants (narrowed), declared-only changes, and new unenforceable entries.
func Compare(base, head *compiler.Result) []Change {
	var cs []Change
	cs = append(cs, compareFS(base.Policy, head.Policy)...)
	cs = append(cs, compareNet(base, head)...)
	cs = append(cs, compareEnv(base, head)...)
	cs = append(cs, compareNamed("exec", base.Policy.Exec, head.Policy.Exec)...)
	cs = append(cs, compareNamed("ipc", base.Policy.IPC, head.Policy.IPC)...)
	cs = append(cs, compareClock(base.Policy, head.Policy)...)
	cs = append(cs, compareNested(base.Policy, head.Policy)...)
	cs = append(cs, compareAssert(base.Policy, head.Policy)...)
	cs = append(cs, compareUnenforceable(base, head)...)
	rank := map[string]int{Widened: 0, UnenforceableAdded: 1, Narrowed: 2, Changed: 3}
	sort.SliceStable(cs, func(i, j int) bool { return rank[cs[i].Severity] < rank[cs[j].Severity] })
	if cs == nil {
		cs = []Change{}
	}
	return cs
}

func at(c Change, side string, srcs []compiler.CapString) Change {
	c.Side = side
	if len(srcs) > 0 {
		c.Line, c.Col = srcs[0].Pos.Line, srcs[0].Pos.Col
	}
	return c
}

// under reports whether path p lies at or below directory d.
func under(p, d string) bool {
	return p == d || d == "/" || strings.HasPrefix(p, d+"/")
}

func mode(w bool) string {
	if w {
		return "rw"
	}
	return "ro"
}

func compareFS(bp, hp *compiler.Policy) []Change {
	bm, hm := compiler.Mounts(bp), compiler.Mounts(hp)
	var out []Change
	covered := func(m compiler.Mount, by []compiler.Mount) bool {
		for _, b := range by {
			if under(m.Path, b.Path) && (b.Writable || !m.Writable) {
				return true
			}
		}
		return false
	}
	for _, h := range hm {
		if covered(h, bm) {
			continue
		}
		c := Change{Severity: Widened, Kind: "fs", Target: "bwrap,docker", After: mode(h.Writable) + " " + h.Path}
		var parent *compiler.Mount
		for i := range bm {
			if under(h.Path, bm[i].Path) {
				parent = &bm[i]
				break
			}
		}
		switch {
		case parent != nil && parent.Path == h.Path:
			c.Before = mode(parent.Writable) + " " + parent.Path
			c.Why = fmt.Sprintf("%s becomes writable", h.Path)
		case parent != nil:
			c.Before = mode(parent.Writable) + " " + parent.Path
			c.Why = fmt.Sprintf("%s is mounted read-write inside read-only %s", h.Path, parent.Path)
		default:
			c.Why = fmt.Sprintf("new %s mount of %s", mode(h.Writable), h.Path)
		}
		if h.Path != h.Declared && !strings.HasSuffix(h.Declared, "/") {
			c.Why += fmt.Sprintf(" (declared as %s)", h.Declared)
		}
		out = append(out, at(c, "head", h.Srcs))
	}
	for _, b := range bm {
		if covered(b, hm) {
			continue
		}
		c := Change{Severity: Narrowed, Kind: "fs", Target: "bwrap,docker", Before: mode(b.Writable) + " " + b.Path}
		c.Why = fmt.Sprintf("%s mount of %s removed or reduced", mode(b.Writable), b.Path)
		for _, h := range hm {
			if h.Path == b.Path {
				c.After = mode(h.Writable) + " " + h.Path
			}
		}
		out = append(out, at(c, "base", b.Srcs))
	}
	if len(out) > 0 {
		return out
	}
	// Same effective mounts: report declared-only changes.
	decl := func(p *compiler.Policy) map[string]string {
		m := map[string]string{}
		for _, g := range p.FS {
			m[g.Path] = fsActions(g)
		}
		return m
	}
	bd, hd := decl(bp), decl(hp)
	for _, g := range hp.FS {
		if bd[g.Path] != hd[g.Path] {
			c := Change{Severity: Changed, Kind: "fs", Target: "bwrap,docker", Before: declStr(bd, g.Path), After: hd[g.Path] + " " + g.Path,
				Why: "declaration changed; the mounts stay the same"}
			out = append(out, at(c, "head", g.Srcs))
		}
	}
	for _, g := range bp.FS {
		if _, ok := hd[g.Path]; !ok {
			c := Change{Severity: Changed, Kind: "fs", Target: "bwrap,docker", Before: bd[g.Path] + " " + g.Path,
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

// RuleCovers reports whether egress rule b allows everything rule h does:
// b's host is "*" or equal ignoring case, its port is any or equal, and it
// does not block private ranges where h does not.
func RuleCovers(b, h compiler.EgressRule) bool {
	return (b.Host == "*" || strings.EqualFold(b.Host, h.Host)) &&
		(b.Port == 0 || b.Port == h.Port) &&
		(!b.BlockPrivate || h.BlockPrivate)
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

func rulesOf(p *compiler.Policy) []compiler.EgressRule {
	out := make([]compiler.EgressRule, len(p.Net))
	for i, n := range p.Net {
		out[i] = compiler.EgressRule{Host: n.Host, Port: n.Port, BlockPrivate: n.BlockPrivate}
	}
	return out
}

func compareNet(base, head *compiler.Result) []Change {
	br, hr := rulesOf(base.Policy), rulesOf(head.Policy)
	var out []Change
	for i, h := range hr {
		ok := false
		for _, b := range br {
			if RuleCovers(b, h) {
				ok = true
				break
			}
		}
		if ok {
			continue
		}
		c := Change{Severity: Widened, Kind: "net", Target: "all", After: RuleString(h), Why: "new egress destination"}
		for _, b := range br {
			if (b.Host == "*" || strings.EqualFold(b.Host, h.Host)) && (b.Port == 0 || b.Port == h.Port) {
				c.Before = RuleString(b)
				c.Why = "private address ranges no longer blocked for this destination"
				break
			}
		}
		if h.Host == "*" {
			c.Why = "egress to any host"
		}
		out = append(out, at(c, "head", head.Policy.Net[i].Srcs))
	}
	for i, b := range br {
		ok := false
		for _, h := range hr {
			if RuleCovers(h, b) {
				ok = true
				break
			}
		}
		if !ok {
			c := Change{Severity: Narrowed, Kind: "net", Target: "all", Before: RuleString(b), Why: "egress destination removed"}
			for _, h := range hr {
				if h.Host == "*" || strings.EqualFold(h.Host, b.Host) {
					c.After, c.Why = RuleString(h), "egress destination reduced"
					break
				}
			}
			out = append(out, at(c, "base", base.Policy.Net[i].Srcs))
		}
	}
	firstNet := func(p *compiler.Policy, private bool) []compiler.CapString {
		for _, n := range p.Net {
			if !private || !n.BlockPrivate {
				return n.Srcs
			}
		}
		return nil
	}
	if hasArg(base.Artifacts.Get(compiler.TargetDocker).Argv, "none") && !hasArg(head.Artifacts.Get(compiler.TargetDocker).Argv, "none") {
		out = append(out, at(Change{Severity: Widened, Kind: "net", Target: compiler.TargetDocker, Before: "--network none", After: "(container on a network)",
			Why: "the container loses --network none and gets whatever network the host attaches"}, "head", firstNet(head.Policy, false)))
	}
	for _, t := range []string{compiler.TargetSquid, compiler.TargetNftables} {
		if blocksPrivate(base.Artifacts.Get(t)) && !blocksPrivate(head.Artifacts.Get(t)) && len(head.Policy.Net) > 0 {
			out = append(out, at(Change{Severity: Widened, Kind: "net", Target: t, Before: "private ranges dropped", After: "no private-range block",
				Why: "no rule blocks private addresses any more, so the egress config stops dropping them"}, "head", firstNet(head.Policy, true)))
		}
	}
	return out
}

func hasArg(argv []string, v string) bool {
	for i := 0; i+1 < len(argv); i++ {
		if argv[i] == "--network" && argv[i+1] == v {
			return true
		}
	}
	return false
}

func blocksPrivate(a *compiler.Artifact) bool {
	return strings.Contains(a.Config, "deny to_private") || strings.Contains(a.Config, "ip daddr { 10.0.0.0/8")
}

func compareEnv(base, head *compiler.Result) []Change {
	srcs := func(p *compiler.Policy, name string) []compiler.CapString {
		for _, e := range p.Env {
			if e.Name == name {
				return e.Srcs
			}
		}
		for _, g := range p.IPC {
			if g.Name == "x11" {
				return g.Srcs
			}
		}
		return nil
	}
	b := base.Artifacts.Get(compiler.TargetDocker).EnvInjections
	h := head.Artifacts.Get(compiler.TargetDocker).EnvInjections
	var out []Change
	for _, n := range h {
		if !contains(b, n) {
			out = append(out, at(Change{Severity: Widened, Kind: "env", Target: "bwrap,docker", After: n, Why: "new environment variable passed into the sandbox"}, "head", srcs(head.Policy, n)))
		}
	}
	for _, n := range b {
		if !contains(h, n) {
			out = append(out, at(Change{Severity: Narrowed, Kind: "env", Target: "bwrap,docker", Before: n, Why: "environment variable no longer passed"}, "base", srcs(base.Policy, n)))
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

func compareNamed(kind string, b, h []compiler.NamedGrant) []Change {
	has := func(list []compiler.NamedGrant, n string) bool {
		for _, g := range list {
			if g.Name == n {
				return true
			}
		}
		return false
	}
	var out []Change
	for _, g := range h {
		if has(b, g.Name) {
			continue
		}
		c := Change{Severity: Widened, Kind: kind, Target: "bwrap,docker", After: g.Name}
		if kind == "exec" {
			c.Why = "new program the server may run"
		} else {
			c.Why = "new IPC endpoint"
			if strings.Contains(g.Name, "docker.sock") {
				c.Loud = true
				c.Why = "DOCKER SOCKET: control of the host's Docker daemon, which is root on the host"
			}
		}
		out = append(out, at(c, "head", g.Srcs))
	}
	for _, g := range b {
		if !has(h, g.Name) {
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
	find := func(list []compiler.Assertion, id string) *compiler.Assertion {
		for i := range list {
			if list[i].ID == id {
				return &list[i]
			}
		}
		return nil
	}
	var out []Change
	for _, a := range b.Assert {
		x := find(h.Assert, a.ID)
		switch {
		case x == nil:
			out = append(out, at(Change{Severity: Widened, Kind: "assert", Target: "all", Before: a.ID + ": " + a.Desc, Why: "a declared guarantee was dropped"}, "base", a.Srcs))
		case x.Desc != a.Desc:
			out = append(out, at(Change{Severity: Changed, Kind: "assert", Target: "all", Before: a.ID + ": " + a.Desc, After: x.ID + ": " + x.Desc, Why: "guarantee reworded"}, "head", x.Srcs))
		}
	}
	for _, a := range h.Assert {
		if find(b.Assert, a.ID) == nil {
			out = append(out, at(Change{Severity: Narrowed, Kind: "assert", Target: "all", After: a.ID + ": " + a.Desc, Why: "a new guarantee is declared"}, "head", a.Srcs))
		}
	}
	return out
}

func compareUnenforceable(base, head *compiler.Result) []Change {
	var out []Change
	for _, t := range compiler.Targets() {
		ha := head.Artifacts.Get(t)
		if !ha.IsEgress() {
			continue
		}
		ba := base.Artifacts.Get(t)
		for _, u := range ha.Unenforceable {
			ok := false
			for _, b := range ba.Unenforceable {
				if RuleCovers(b.Rule, u.Rule) {
					ok = true
					break
				}
			}
			if ok {
				continue
			}
			var srcs []compiler.CapString
			for _, n := range head.Policy.Net {
				if n.Host == u.Rule.Host && n.Port == u.Rule.Port {
					srcs = n.Srcs
				}
			}
			out = append(out, at(Change{Severity: UnenforceableAdded, Kind: "net", Target: t, After: RuleString(u.Rule), Why: u.Reason}, "head", srcs))
		}
	}
	return out
}
