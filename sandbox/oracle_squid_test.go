package sandbox

// The squid and nftables readers as they were (bdae583), the oracle of
// FuzzSquidAsBefore and FuzzNftablesAsBefore: this work rewrote how both
// walk and index their lines. A deliberate change to what they read must
// be made to these copies too.

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

type oldSquidACL struct {
	typ    string
	values []string
	used   bool // mirrors squidACL.used (a deliberate change, after bdae583)
}

// oldReadSquid is ReadSquid as it was. It reads a squid config: the destinations each `http_access
// allow` lets through (dstdomain and dst acls, with their port acl),
// whether a `deny` of every private range comes before it, and any line it
// does not recognise (Unknown). A config without a final `http_access
// deny all` lets through what no rule denies, which is Unknown too. The
// host "." (what the compiler emits for "*") is read as any host ("*");
// "all" and 0.0.0.0/0 are read literally, as the host and the address
// range they name.
func oldReadSquid(conf []byte) *Sandbox {
	s := &Sandbox{Kind: compiler.TargetSquid, Confined: true}
	q := oldSquidState{s: s, acls: map[string]*oldSquidACL{}}
	for _, l := range oldParseSquid(conf) {
		q.line(l)
	}
	if !q.lastDenyAll {
		s.unknown("no final http_access deny all: squid then allows what no rule denies", -1)
	}
	return s
}

// oldSquidState is what ReadSquid knows after the lines read so far.
type oldSquidState struct {
	s                        *Sandbox
	acls                     map[string]*oldSquidACL
	denyPrivate, lastDenyAll bool
}

func (q *oldSquidState) line(l squidLine) {
	f := l.f
	switch {
	case f[0] == "acl" && len(f) >= 4:
		x := q.acls[f[1]]
		if x == nil {
			x = &oldSquidACL{typ: f[2]}
			q.acls[f[1]] = x
		}
		if x.typ != f[2] || x.used || squidFileValue(f[3:]) {
			q.s.unknown(l.text, l.line)
			return
		}
		x.values = append(x.values, f[3:]...)
	case f[0] == "http_access" && len(f) >= 3 && f[1] == "deny":
		q.deny(f[2:])
	case f[0] == "http_access" && len(f) >= 3 && f[1] == "allow":
		q.lastDenyAll = false
		hosts, ports, ok := oldSquidAllow(f[2:], q.acls)
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
func (q *oldSquidState) deny(names []string) {
	q.lastDenyAll = len(names) == 1 && names[0] == "all"
	if x := q.acls[names[0]]; len(names) == 1 && x != nil && x.typ == "dst" && oldCoversPrivate(x.values) {
		q.denyPrivate = true
	}
}

// oldSquidAllow reads the acl names of an allow line into hosts and ports;
// ok is false when one is not a destination, port or CONNECT acl.
func oldSquidAllow(names []string, acls map[string]*oldSquidACL) (hosts []string, ports []int, ok bool) {
	ports = []int{0}
	ok = true
	for _, n := range names {
		x := acls[n]
		if x != nil {
			x.used = true
		}
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
	return hosts, ports, ok
}

func oldCoversPrivate(values []string) bool {
	v4, v6 := compiler.PrivateRanges()
	return oldContainsAll(values, v4) && oldContainsAll(values, v6)
}

func oldContainsAll(set, want []string) bool {
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
func oldReadNftables(conf []byte) *Sandbox {
	s := &Sandbox{Kind: compiler.TargetNftables, Confined: true}
	v4, v6 := compiler.PrivateRanges()
	drop4, drop6, policyDrop := false, false, false
	for _, st := range oldParseNftables(conf) {
		switch st.kind {
		case nftPolicy:
			policyDrop = strings.HasSuffix(st.text, "policy drop;")
			if !policyDrop {
				s.unknown(st.text, st.line)
			}
		case nftDrop:
			if st.family == "ip" {
				drop4 = drop4 || oldContainsAll(st.set, v4)
			} else {
				drop6 = drop6 || oldContainsAll(st.set, v6)
			}
		case nftAllow:
			r := st.rule
			r.BlockPrivate = drop4 && drop6
			s.Network.Allow = append(s.Network.Allow, r)
		default:
			s.unknown(st.text, st.line)
		}
	}
	if !policyDrop {
		s.unknown("no policy drop: the chain lets through what no rule drops", -1)
	}
	return s
}

// squidSeeds and nftSeeds are configs of every kind of line the readers
// know, and lines they do not.
var squidSeeds = []string{
	"acl to_private dst 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 127.0.0.0/8 169.254.0.0/16 ::1/128 fc00::/7 fe80::/10\nhttp_access deny to_private\nacl d dstdomain .a.com b.com\nacl p port 443\nhttp_access allow d p CONNECT\nacl d dstdomain c.com\nhttp_access allow d\nhttp_access deny all\n",
	"acl x dst 1.2.3.4\nacl x dstdomain y\nacl p port 80 x\nhttp_access allow x p\nhttp_access allow q\nhttp_access deny all\nhttp_access allow x\n# c\n\n bogus line\n",
	"acl d dstdomain .\nhttp_access allow d\nhttp_access deny all",
}

var nftSeeds = []string{
	"table inet capgate {\n  chain egress {\n    type filter hook output priority 0; policy drop;\n    ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 127.0.0.0/8, 169.254.0.0/16 } drop\n    ip6 daddr { ::1/128, fc00::/7, fe80::/10 } drop\n    ip daddr 1.2.3.4 tcp dport 443 accept\n    ip6 daddr ::1 accept\n  }\n}\n",
	"type filter hook output priority 0; policy accept;\nip daddr { } drop\nip daddr x tcp dport y accept\nweird\n",
}

// TestSquidACLsAsMap: the table of acls finds by name what a map finds,
// across the switch from a scan to a map.
func TestSquidACLsAsMap(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(17, 18))
	for range 200 {
		var tab squidACLs
		m := map[string]string{}
		for range r.IntN(60) {
			name := strconv.Itoa(r.IntN(40))
			if x := tab.get(name); (x == nil) != (m[name] == "") || x != nil && x.typ != m[name] {
				t.Fatalf("get(%s) = %+v, the map has %q", name, x, m[name])
			} else if x == nil {
				typ := "t" + name
				tab.add(name, typ)
				m[name] = typ
			}
		}
	}
}

// FuzzSquidAsBefore: ReadSquid reads any config as it did before its
// lines were walked and its acls scanned (oldReadSquid, bdae583).
func FuzzSquidAsBefore(f *testing.F) {
	for _, s := range squidSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		if got, want := ReadSquid([]byte(conf)), oldReadSquid([]byte(conf)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n%+v\nwant %+v", conf, got, want)
		}
	})
}

// FuzzNftablesAsBefore: ReadNftables reads any table as it did before
// (oldReadNftables, bdae583).
func FuzzNftablesAsBefore(f *testing.F) {
	for _, s := range nftSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		if got, want := ReadNftables([]byte(conf)), oldReadNftables([]byte(conf)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n%+v\nwant %+v", conf, got, want)
		}
	})
}

// TestReadConfigsAsBefore: ReadSquid and ReadNftables read generated
// configs, of the seeds' lines shuffled and cut, as they did before.
func TestReadConfigsAsBefore(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(19, 20))
	var lines []string
	for _, s := range append(slices.Clone(squidSeeds), nftSeeds...) {
		lines = append(lines, strings.Split(s, "\n")...)
	}
	for range 20000 {
		conf := pieces(r, append(lines, configParts...), 12)
		if got, want := ReadSquid([]byte(conf)), oldReadSquid([]byte(conf)); !reflect.DeepEqual(got, want) {
			t.Fatalf("squid %q:\n%+v\nwant %+v", conf, got, want)
		}
		if got, want := ReadNftables([]byte(conf)), oldReadNftables([]byte(conf)); !reflect.DeepEqual(got, want) {
			t.Fatalf("nftables %q:\n%+v\nwant %+v", conf, got, want)
		}
	}
}
