package diff

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestHostTargetsJudged: the host-format targets are judged like
// capgate's four: a new egress rule widens each, a rule one cannot hold is
// unenforceable_added for it, and a write grant shows as fs widened.
func TestHostTargetsJudged(t *testing.T) {
	t.Parallel()
	all := compiler.AllTargets()
	compile := func(caps ...string) *compiler.Result {
		src := `{"name":"n","version":"1","tools":[{"name":"t","capabilities":["` + strings.Join(caps, `","`) + `"]}]}`
		r, err := compiler.CompileTargets([]byte(src), all)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	base := compile("fs:read:/srv/ws/**", "net:connect:api.example.com:443")
	head := compile("fs:read,write:/srv/ws/**", "net:connect:api.example.com:443", "net:connect:evil.example.net:443", "net:connect:*")
	cs := Compare(base, head)
	seen := map[string]bool{}
	for _, c := range cs {
		for _, tg := range strings.Split(string(c.Target), ",") {
			seen[string(c.Severity)+" "+string(c.Kind)+" "+tg] = true
			if tg == "all" {
				for _, x := range all {
					seen[string(c.Severity)+" "+string(c.Kind)+" "+x] = true
				}
			}
		}
	}
	for _, tg := range []string{"toolhive", "mcp-gateway", "srt"} {
		for _, want := range []string{string(Widened) + " net " + tg, string(Widened) + " fs " + tg} {
			if !seen[want] {
				t.Errorf("missing %q in %v", want, cs)
			}
		}
	}
	for _, tg := range []string{"mcp-gateway", "srt"} {
		if !seen[string(UnenforceableAdded)+" net "+tg] {
			t.Errorf("no unenforceable_added for %s's \"*\" rule: %v", tg, cs)
		}
	}
	// One row per distinct grant, whatever the number of targets: the
	// new destination is one row for the targets that hold its
	// blockPrivate, one for mcp-gateway, whose proxies do not (toolhive's
	// insecure_allow_all already covers it; nftables cannot hold a name).
	var rows []string
	for _, c := range cs {
		if c.Severity == Widened && c.Kind == "net" && strings.Contains(c.After, "evil.example.net") {
			rows = append(rows, string(c.Target)+" "+c.After)
		}
	}
	if want := "bwrap,docker,squid,srt evil.example.net:443|mcp-gateway evil.example.net:443 (private ranges allowed)"; strings.Join(rows, "|") != want {
		t.Errorf("rows for one new destination:\n got %q\nwant %q", strings.Join(rows, "|"), want)
	}
	// Unchanged manifests give no rows, whatever the targets.
	if cs := Compare(base, compile("fs:read:/srv/ws/**", "net:connect:api.example.com:443")); len(cs) != 0 {
		t.Errorf("unchanged: %v", cs)
	}
}
