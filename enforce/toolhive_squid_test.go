package enforce

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// toolhiveSquid is the egress part of the squid config ToolHive builds from
// a profile's network.outbound (toolhive v0.66.0 pkg/container/docker/
// squid.go writeOutboundACLs and writeHttpAccessRules, lines 322–352:
// facts, not code): one port acl, one dstdomain acl, one http_access line
// that ANDs them, then deny all.
func toolhiveSquid(hosts []string, ports []int) string {
	var b strings.Builder
	if len(ports) > 0 {
		b.WriteString("acl allowed_ports port")
		for _, p := range ports {
			fmt.Fprintf(&b, " %d", p)
		}
		b.WriteString("\n")
	}
	if len(hosts) > 0 {
		b.WriteString("acl allowed_dsts dstdomain " + strings.Join(hosts, " ") + "\n")
	}
	var conds []string
	if len(ports) > 0 {
		conds = append(conds, "allowed_ports")
	}
	if len(hosts) > 0 {
		conds = append(conds, "allowed_dsts")
	}
	if len(conds) > 0 {
		b.WriteString("http_access allow " + strings.Join(conds, " ") + "\n")
	}
	return b.String() + "http_access deny all\n"
}

// TestToolhiveSquidExcess runs the egress config ToolHive builds from the
// toolhive target's profile on the real squid and checks that what it lets
// through is exactly the declared rules plus the excess unenforceable[]
// names: of the hosts a and b on the ports P1 and P2, a:P1 and b:P2 are
// declared, a:P2 and b:P1 are listed as the cross product's excess, and
// every one of the four opens; an undeclared host on a listed port and a
// host pattern's match (left out, listed) do not. Hosts resolve to
// 127.0.0.1 through the test's hosts file; all traffic is loopback.
func TestToolhiveSquidExcess(t *testing.T) {
	requireTool(t, "squid")
	_, p1 := echoServer(t)
	_, p2 := echoServer(t)
	src := fmt.Sprintf(`{"name":"th","version":"1","tools":[{"name":"t","capabilities":[
		"net:connect:a.toolhive.test:%d","net:connect:b.toolhive.test:%d","net:connect:*.cdn.toolhive.test:%d"]}]}`, p1, p2, p1)
	prep, err := compiler.Prepare([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := compiler.Lower(prep, compiler.TargetToolhive, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var prof struct {
		Network struct {
			Outbound struct {
				AllowHost []string `json:"allow_host"`
				AllowPort []int    `json:"allow_port"`
			} `json:"outbound"`
		} `json:"network"`
	}
	if err := json.Unmarshal([]byte(a.Config), &prof); err != nil {
		t.Fatal(err)
	}
	granted := map[string]bool{
		fmt.Sprintf("a.toolhive.test:%d", p1): true,
		fmt.Sprintf("b.toolhive.test:%d", p2): true,
	}
	var listed []string
	for _, u := range a.Unenforceable {
		for _, x := range u.Excess {
			granted[x] = true
			listed = append(listed, x)
		}
	}
	slices.Sort(listed)
	if want := []string{fmt.Sprintf("a.toolhive.test:%d", p2), fmt.Sprintf("b.toolhive.test:%d", p1)}; !slices.Equal(listed, want) {
		t.Errorf("excess listed %q, want %q", listed, want)
	}
	o := prof.Network.Outbound
	proxy := startSquid(t, toolhiveSquid(o.AllowHost, o.AllowPort))
	for _, host := range []string{"a.toolhive.test", "b.toolhive.test", "c.toolhive.test", "x.cdn.toolhive.test"} {
		for _, port := range []int{p1, p2} {
			target := fmt.Sprintf("%s:%d", host, port)
			status, se, conn := connect(t, proxy, target)
			opened := conn != nil
			if conn != nil {
				conn.Close()
			}
			if opened != granted[target] {
				t.Errorf("CONNECT %s: %s (%s); the profile's rules and excess say open: %v", target, status, se, granted[target])
			}
		}
	}
}
