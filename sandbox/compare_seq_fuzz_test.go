package sandbox

import (
	"reflect"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// FuzzCompareArtifactsSequence holds CompareArtifacts to Compare of
// FromArtifact on hand-written artifacts compared one pair after the
// other, so that what a read leaves in the kept room (squid acls,
// nftables sets, a bwrap variable, a docker network, a Command) would
// show in the next pair's deltas. The argv of bwrap and docker is split
// at NUL; egress and variables asked are from the fifth input.
func FuzzCompareArtifactsSequence(f *testing.F) {
	f.Add(uint8(0), "bwrap\x00--setenv\x00A\x00b\x00--chdir\x00/x\x00--bind\x00/\x00/\x00sh", "bwrap\x00--ro-bind\x00/srv\x00/srv\x00sh", "bwrap\x00--unshare-net\x00--\x00cmd", "bwrap\x00sh", "TOKEN")
	f.Add(uint8(1), "docker\x00run\x00--network\x00host\x00-e\x00X=1\x00img", "docker\x00run\x00-v\x00/:/h\x00img", "docker\x00run\x00--rm\x00img\x00cmd", "docker\x00run\x00img", "")
	f.Add(uint8(2), "acl a dstdomain .x.com\nhttp_access allow a\n", "acl a dstdomain .y.com\nhttp_access allow a\nhttp_access deny all\n", "http_access allow all\n", "acl b port 443\nhttp_access allow b\n", "")
	f.Add(uint8(3), "table inet f {\n set s { type ipv4_addr; elements = { 1.2.3.4 } }\n chain o { type filter hook output priority 0; policy drop; ip daddr @s accept }\n}\n", "table inet f {\n chain o { type filter hook output priority 0; policy accept; }\n}\n", "", "x y z\n", "")
	targets := []string{compiler.TargetBwrap, compiler.TargetDocker, compiler.TargetSquid, compiler.TargetNftables}
	f.Fuzz(func(t *testing.T, tg uint8, s1, s2, s3, s4, asked string) {
		target := targets[int(tg)%len(targets)]
		mk := func(s string, ask bool) *compiler.Artifact {
			a := &compiler.Artifact{Target: target}
			if target == compiler.TargetBwrap || target == compiler.TargetDocker {
				a.Argv = strings.Split(s, "\x00")
				if ask && asked != "" {
					a.EnvInjections = strings.Split(asked, ",")
					a.Egress = []compiler.EgressRule{{Host: asked, Port: 443}}
				}
			} else {
				a.Config = s
			}
			return a
		}
		as := []*compiler.Artifact{mk(s1, false), mk(s2, false), mk(s3, false), mk(s4, false), mk(s1, true), mk(s2, true)}
		for _, p := range [][2]int{{0, 1}, {2, 3}, {0, 3}, {2, 1}, {1, 0}, {3, 2}, {0, 4}, {4, 1}, {5, 1}, {3, 3}, {1, 5}, {2, 2}, {0, 1}} {
			got := CompareArtifacts(as[p[0]], as[p[1]])
			want := Compare(FromArtifact(as[p[0]]), FromArtifact(as[p[1]]))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("pair %v: CompareArtifacts\n%+v\nCompare of FromArtifact\n%+v", p, got, want)
			}
		}
	})
}
