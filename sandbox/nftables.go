package sandbox

import (
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// ReadNftables reads an nftables table: each `ip daddr X [tcp dport P]
// accept`, whether a drop of every private range comes before it, the
// chain policy, and any line it does not recognise (Unknown). A chain
// without policy drop lets through what no rule drops: Unknown too.
func ReadNftables(conf []byte) *Sandbox {
	s := &Sandbox{Kind: compiler.TargetNftables, Confined: true}
	v4, v6 := compiler.PrivateRanges()
	drop4, drop6, policyDrop := false, false, false
	for n, line := range strings.Split(string(conf), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || line == "}" ||
			strings.HasPrefix(line, "table inet ") && strings.HasSuffix(line, "{") ||
			strings.HasPrefix(line, "chain ") && strings.HasSuffix(line, "{"):
			continue
		case strings.HasPrefix(line, "type filter hook output"):
			policyDrop = strings.HasSuffix(line, "policy drop;")
			if !policyDrop {
				s.unknown(line, n)
			}
			continue
		}
		f := strings.Fields(line)
		if set, ok := nftDropSet(f); ok {
			if f[0] == "ip" {
				drop4 = drop4 || containsAll(set, v4)
			} else {
				drop6 = drop6 || containsAll(set, v6)
			}
			continue
		}
		if r, ok := nftAccept(f); ok {
			r.BlockPrivate = drop4 && drop6
			s.Network.Allow = append(s.Network.Allow, r)
			continue
		}
		s.unknown(line, n)
	}
	if !policyDrop {
		s.unknown("no policy drop: the chain lets through what no rule drops", -1)
	}
	return s
}

// nftDropSet reads `ip[6] daddr { a, b } drop`.
func nftDropSet(f []string) ([]string, bool) {
	if len(f) < 4 || (f[0] != "ip" && f[0] != "ip6") || f[1] != "daddr" || f[2] != "{" || f[len(f)-1] != "drop" {
		return nil, false
	}
	var set []string
	for _, v := range f[3 : len(f)-1] {
		if v != "}" {
			set = append(set, strings.TrimSuffix(v, ","))
		}
	}
	return set, true
}

// nftAccept reads `ip[6] daddr X accept` and `ip[6] daddr X tcp dport P
// accept`.
func nftAccept(f []string) (Rule, bool) {
	if (len(f) != 4 && len(f) != 7) || (f[0] != "ip" && f[0] != "ip6") || f[1] != "daddr" || f[len(f)-1] != "accept" {
		return Rule{}, false
	}
	port := 0
	if len(f) == 7 {
		p, err := strconv.Atoi(f[5])
		if f[3] != "tcp" || f[4] != "dport" || err != nil {
			return Rule{}, false
		}
		port = p
	}
	return Rule{Host: f[2], Port: port}, true
}
