package enforce

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

func manifestWith(caps ...string) string {
	b, _ := json.Marshal(map[string]any{"name": "inj", "version": "1",
		"tools": []any{map[string]any{"name": "t", "capabilities": caps}}})
	return string(b)
}

// Values that would break out of their slot in an emitted config are
// refused with CAP_UNSAFE_VALUE.
func TestInjectionRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []string{
		"net:connect:evil.com\nhttp_access allow all",
		"net:connect:evil.com\rhttp_access allow all",
		`net:connect:"1.2.3.4 accept\n ip daddr 0.0.0.0/0 accept":443`,
		"net:connect:a.com}accept{:443",
		"net:connect:a.com{:443",
		"net:connect:a.com#comment:443",
		"net:connect:a.com;drop:443",
		`net:connect:"a.com http_access allow all":443`,
		`net:connect:"a.com'x":443`,
		`net:connect:"a\"b.com":443`,
		`net:connect:a\b.com:443`,
		"net:connect:a.com,b.com:443",
		`net:connect:"host:with:colons":443`,
		"net:connect:a.com\t:443",
		`fs:read:"/data:/etc"`,
		"fs:read:/a\x00b",
		`ipc:connect:"unix:/run/a:b.sock"`,
		"exec:spawn:git\x7f",
		"assert:a.b:line one\nhttp_access allow all",
		"net:connect:-i:443",
		"net:connect:-lead.example",
	} {
		_, err := compiler.Compile([]byte(manifestWith(c)))
		var ce *compiler.Error
		if !errors.As(err, &ce) || ce.Code != compiler.CodeUnsafe {
			t.Errorf("%q: got %v, want %s", c, err, compiler.CodeUnsafe)
		}
	}
}

// Unusual values the compiler accepts still give configs that parse, and
// each value stays inside its own acl or rule.
func TestAcceptedValuesParse(t *testing.T) {
	requireTool(t, "squid", "nft", "unshare")
	hosts := []string{"héllo.example", "x$y.example", "host!name", "trailing.dot.",
		"a_b.example", "*.example.com", "UPPER.Example", "\"2001:db8::1\"", "\"::ffff:1.2.3.4\"", "1.2.3.4", "0.0.0.0", "xn--bcher-kva.example"}
	var caps []string
	for _, h := range hosts {
		caps = append(caps, "net:connect:"+h+":443", "net:connect:"+h)
	}
	caps = append(caps, "fs:read:/my data/**", "fs:read:/weird/[x]/{a,b}/")
	r := compileText(t, manifestWith(caps...))

	dir, err := os.MkdirTemp("", "capgate-inj-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sq := r.Artifacts.Get(compiler.TargetSquid).Config
	conf := writeSquidConf(t, dir, sq, 3128)
	if out, err := exec.Command("squid", "-k", "parse", "-f", conf).CombinedOutput(); err != nil {
		t.Fatalf("squid -k parse: %v\n%s\n%s", err, lastLines(string(out), 5), sq)
	}
	// Each acl line holds exactly one value.
	for _, l := range strings.Split(sq, "\n") {
		if strings.HasPrefix(l, "acl cg_") && len(strings.Fields(l)) != 4 {
			t.Errorf("acl line with more than one value: %q", l)
		}
	}
	nf := filepath.Join(dir, "t.nft")
	if err := os.WriteFile(nf, []byte(r.Artifacts.Get(compiler.TargetNftables).Config+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("unshare", "-Urn", "nft", "-c", "-f", nf).CombinedOutput(); err != nil {
		t.Fatalf("nft -c: %v\n%s", err, out)
	}
}
