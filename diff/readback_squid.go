package diff

import (
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// squidReader reads back a squid config: the destinations each
// `http_access allow` lets through (dstdomain and dst acls, with their port
// acl), whether a `deny` of every private range comes before it, and any
// line it does not recognise, which is judged as a grant of its own.
type squidReader struct{}

var _ = addReader(squidReader{})

func (squidReader) target() string { return compiler.TargetSquid }

type squidACL struct {
	typ    string
	values []string
}

func (squidReader) boundary(a *compiler.Artifact) []item {
	var out []item
	if a == nil {
		return out
	}
	acls := map[string]*squidACL{}
	denyPrivate, lastDenyAll := false, false
	for _, line := range strings.Split(a.Config, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case f[0] == "acl" && len(f) >= 4:
			x := acls[f[1]]
			if x == nil {
				x = &squidACL{typ: f[2]}
				acls[f[1]] = x
			}
			if x.typ != f[2] {
				out = append(out, item{kind: kRaw, key: line})
				continue
			}
			x.values = append(x.values, f[3:]...)
			continue
		case f[0] == "http_access" && len(f) >= 3:
		default:
			out = append(out, item{kind: kRaw, key: line})
			continue
		}
		lastDenyAll = false
		names := f[2:]
		if f[1] == "deny" {
			if len(names) == 1 && names[0] == "all" {
				lastDenyAll = true
			} else if x := acls[names[0]]; len(names) == 1 && x != nil && x.typ == "dst" && coversPrivate(x.values) {
				denyPrivate = true
			} else {
				// A narrower deny: it cannot widen anything.
				continue
			}
			continue
		}
		if f[1] != "allow" {
			out = append(out, item{kind: kRaw, key: line})
			continue
		}
		var hosts []string
		ports := []int{0}
		ok := true
		for _, n := range names {
			x := acls[n]
			switch {
			case n == "CONNECT":
				// Squid's predefined method acl: only narrows.
			case x == nil:
				ok = false
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
		if !ok || hosts == nil {
			out = append(out, item{kind: kRaw, key: line})
			continue
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
				out = append(out, item{kind: kNet, rule: compiler.EgressRule{Host: h, Port: p, BlockPrivate: denyPrivate}})
			}
		}
	}
	if !lastDenyAll {
		out = append(out, item{kind: kRaw, key: "no final http_access deny all: squid then allows what no rule denies"})
	}
	return out
}

// coversPrivate reports whether a dst acl lists every range blockPrivate
// blocks.
func coversPrivate(values []string) bool {
	have := map[string]bool{}
	for _, v := range values {
		have[v] = true
	}
	for _, r := range privateV4() {
		if !have[r] {
			return false
		}
	}
	for _, r := range privateV6() {
		if !have[r] {
			return false
		}
	}
	return true
}

// privateV4 and privateV6 are the compiler's blockPrivate ranges.
func privateV4() []string { v4, _ := compiler.PrivateRanges(); return v4 }
func privateV6() []string { _, v6 := compiler.PrivateRanges(); return v6 }
