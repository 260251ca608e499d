package diff

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestEveryTargetHasReader: a target added to the compiler without its
// diff-side read-back would be judged as one raw blob.
func TestEveryTargetHasReader(t *testing.T) {
	t.Parallel()
	for _, tg := range compiler.AllTargets() {
		if _, ok := readers[tg]; !ok {
			t.Errorf("target %s has no reader (add diff/readback_%s.go)", tg, tg)
		}
	}
}

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
		for _, tg := range strings.Split(c.Target, ",") {
			seen[string(c.Severity)+" "+c.Kind+" "+tg] = true
			if tg == "all" {
				for _, x := range all {
					seen[string(c.Severity)+" "+c.Kind+" "+x] = true
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
			rows = append(rows, c.Target+" "+c.After)
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

// TestRawReader: an artifact of a target with no reader is one raw grant,
// so that any change to it is still a row (widened, loud as argv is), never
// a crash or silence.
func TestRawReader(t *testing.T) {
	t.Parallel()
	r := readerFor("no-such-target")
	a := &compiler.Artifact{Target: "no-such-target", Config: "allow all"}
	b := &compiler.Artifact{Target: "no-such-target", Config: "allow some"}
	ia, ib := r.boundary(a), r.boundary(b)
	if len(ia) != 1 || ia[0].kind != kRaw || ia[0].key == ib[0].key {
		t.Fatalf("raw items %v %v", ia, ib)
	}
	if len(r.boundary(nil)) != 0 {
		t.Fatal("nil artifact has grants")
	}
	cs := compareItems(ia, ib, &sources{}, &sources{})
	if len(cs) == 0 || cs[0].Severity != Widened {
		t.Fatalf("changed unknown artifact: %v", cs)
	}
}
