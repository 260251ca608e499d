package diff

import (
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// nftablesReader reads back an nftables table: each `ip daddr X [tcp dport
// P] accept`, whether a drop of every private range comes before it, the
// chain policy, and any line it does not recognise, which is judged as a
// grant of its own.
type nftablesReader struct{}

var _ = addReader(nftablesReader{})

func (nftablesReader) target() string { return compiler.TargetNftables }

func (nftablesReader) boundary(a *compiler.Artifact) []item {
	var out []item
	if a == nil {
		return out
	}
	drop4, drop6, policyDrop := false, false, false
	for _, line := range strings.Split(a.Config, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || line == "}" ||
			strings.HasPrefix(line, "table inet ") && strings.HasSuffix(line, "{") ||
			strings.HasPrefix(line, "chain ") && strings.HasSuffix(line, "{"):
			continue
		case strings.HasPrefix(line, "type filter hook output"):
			policyDrop = strings.HasSuffix(line, "policy drop;")
			if !policyDrop {
				out = append(out, item{kind: kRaw, key: line})
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 4 && (f[0] == "ip" || f[0] == "ip6") && f[1] == "daddr" && f[2] == "{" && f[len(f)-1] == "drop" {
			var set []string
			for _, v := range f[3 : len(f)-1] {
				if v != "}" {
					set = append(set, strings.TrimSuffix(v, ","))
				}
			}
			if f[0] == "ip" {
				drop4 = drop4 || containsAll(set, privateV4())
			} else {
				drop6 = drop6 || containsAll(set, privateV6())
			}
			continue
		}
		if (len(f) == 4 || len(f) == 7) && (f[0] == "ip" || f[0] == "ip6") && f[1] == "daddr" && f[len(f)-1] == "accept" {
			port, err := 0, error(nil)
			if len(f) == 7 {
				port, err = strconv.Atoi(f[5])
				if f[3] != "tcp" || f[4] != "dport" || err != nil {
					out = append(out, item{kind: kRaw, key: line})
					continue
				}
			}
			out = append(out, item{kind: kNet, rule: compiler.EgressRule{Host: f[2], Port: port, BlockPrivate: drop4 && drop6}})
			continue
		}
		out = append(out, item{kind: kRaw, key: line})
	}
	if !policyDrop {
		out = append(out, item{kind: kRaw, key: "no policy drop: the chain lets through what no rule drops"})
	}
	return out
}

func containsAll(set, want []string) bool {
	have := map[string]bool{}
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
