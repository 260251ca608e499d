package enforce

import (
	"fmt"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
)

// A host named "all" is that host to squid, not every host: under the base
// (net:connect:all:PORT) a CONNECT to another name is denied, under the head
// (net:connect:evil.test:PORT) squid lets it past its access rules (DNS
// then fails: nothing leaves the machine), and capgate diff with the squid
// target alone calls the change widened.
func TestSquidLiveHostNamedAll(t *testing.T) {
	requireTool(t, "squid")
	const port = 4443
	m := func(host string) string {
		return fmt.Sprintf(`{"name": "a", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:%s:%d"]}]}`, host, port)
	}
	base, head := compileText(t, m("all")), compileText(t, m("evil.test"))
	target := fmt.Sprintf("evil.test:%d", port)

	proxy := startSquid(t, base.Artifacts.Get(compiler.TargetSquid).Config)
	if status, se, c := connect(t, proxy, target); c != nil || !strings.HasPrefix(se, "ERR_ACCESS_DENIED") {
		if c != nil {
			c.Close()
		}
		t.Errorf("base (host all): CONNECT %s: %s (%s), want denied", target, status, se)
	}
	proxy = startSquid(t, head.Artifacts.Get(compiler.TargetSquid).Config)
	status, se, c := connect(t, proxy, target)
	if c != nil {
		c.Close()
	}
	t.Logf("head: %s (%s)", status, se)
	if c == nil && (se == "" || strings.HasPrefix(se, "ERR_ACCESS_DENIED")) {
		t.Errorf("head (host evil.test): CONNECT %s: %s (%s), want past the access rules", target, status, se)
	}

	b, err := compiler.CompileTargets([]byte(m("all")), []string{compiler.TargetSquid})
	if err != nil {
		t.Fatal(err)
	}
	h, err := compiler.CompileTargets([]byte(m("evil.test")), []string{compiler.TargetSquid})
	if err != nil {
		t.Fatal(err)
	}
	widened := false
	for _, ch := range diff.Compare(b, h) {
		widened = widened || ch.Severity == diff.Widened && ch.Kind == "net"
	}
	if !widened {
		t.Errorf("capgate diff --targets squid: all:%d -> evil.test:%d is not widened", port, port)
	}
}
