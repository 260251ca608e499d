package compiler

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzCompile feeds arbitrary bytes to the manifest decoder and compiler.
// It must never panic; an error must be an *Error with a code and, when it
// has a place, a position inside the input; a success must give valid JSON,
// the same bytes twice.
func FuzzCompile(f *testing.F) {
	for _, v := range loadVectors(f, "raw.jsonl") {
		f.Add(v.source())
	}
	for i, v := range loadVectors(f, "vectors.jsonl") {
		if i%25 == 0 {
			f.Add([]byte(v.source()))
		}
	}
	other := []byte(`{"name":"other","version":"2","tools":[{"name":"t","capabilities":["fs:read:/zzzzzzzzzzzzzzzz/**","net:connect:10.1.2.3"]}]}`)
	f.Fuzz(func(t *testing.T, input []byte) {
		src := bytes.Clone(input)
		r, err := Compile(src)
		if cerr := Check(input); !sameError(err, cerr) {
			t.Fatalf("Check says %v where Compile says %v", cerr, err)
		}
		if err != nil {
			checkCompileError(t, err, len(src))
			return
		}
		out := checkedJSON(t, r)
		r2, err := Compile(input)
		if err != nil || !bytes.Equal(out, AppendAllJSON(nil, r2.Artifacts, false)) {
			t.Fatalf("not deterministic")
		}
		checkPrepareLower(t, input, out)
		checkAllTargets(t, input, r)
		// The result must not share memory with its input, nor with the
		// pooled memory the next compilation reuses.
		for i := range src {
			src[i] = '#'
		}
		if _, err := Compile(other); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, AppendAllJSON(nil, r.Artifacts, false)) {
			t.Fatalf("result changed after its input was overwritten")
		}
	})
}

// checkCompileError: err, of compiling n bytes, is an *Error with a code
// and a position inside the input.
func checkCompileError(t *testing.T, err error, n int) {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) || ce.Code == "" {
		t.Fatalf("error without a code: %#v", err)
	}
	if ce.Offset > n || ce.Line < 0 {
		t.Fatalf("error position %+v outside input of %d bytes", ce.Pos(), n)
	}
}

// checkPrepareLower: Prepare and Lower, target by target as the CLI does,
// give the same artifacts (out) as Compile.
func checkPrepareLower(t *testing.T, input, out []byte) {
	t.Helper()
	p, err := Prepare(input)
	if err != nil {
		t.Fatalf("Prepare fails where Compile did not: %v", err)
	}
	var set ArtifactSet
	for _, tgt := range Targets() {
		a, err := Lower(p, tgt, Options{})
		if err != nil {
			t.Fatal(err)
		}
		set.Set(a)
	}
	if !bytes.Equal(out, AppendAllJSON(nil, set, false)) {
		t.Fatalf("Prepare+Lower differs from Compile")
	}
}

// checkAllTargets: every target at once gives capgate's four as r has
// them, and each host-format file is one valid JSON document.
func checkAllTargets(t *testing.T, input []byte, r *Result) {
	t.Helper()
	all, err := CompileTargets(input, AllTargets())
	if err != nil {
		t.Fatalf("CompileTargets fails where Compile did not: %v", err)
	}
	for _, tgt := range AllTargets() {
		a := all.Artifacts.Get(tgt)
		if a == nil {
			t.Fatalf("no %s artifact", tgt)
		}
		if i := slices.Index(Targets(), tgt); i >= 0 {
			if !bytes.Equal(a.AppendJSON(nil, false), r.Artifacts.Get(tgt).AppendJSON(nil, false)) {
				t.Fatalf("%s from CompileTargets differs from Compile", tgt)
			}
		} else if !json.Valid([]byte(a.Config)) {
			t.Fatalf("%s config is not JSON: %s", tgt, a.Config)
		}
	}
}

// checkedJSON is r's artifacts as JSON, which must be valid, and whose
// docker argv must mount no destination twice.
func checkedJSON(t *testing.T, r *Result) []byte {
	t.Helper()
	out := AppendAllJSON(nil, r.Artifacts, false)
	if !json.Valid(out) {
		t.Fatalf("invalid JSON output: %s", out)
	}
	if d := dupVolume(r.Artifacts.Get(TargetDocker).Argv); d != "" {
		t.Fatalf("docker argv mounts %s twice: %q", d, r.Artifacts.Get(TargetDocker).Argv)
	}
	return out
}

// FuzzCapability feeds arbitrary capability strings to the grammar. Accepted
// ones must lower to configs in which the value stays in its slot: every
// squid line keeps its shape and every nftables brace is balanced.
func FuzzCapability(f *testing.F) {
	for _, s := range []string{
		"fs:read:/workspace/**", "net:connect:api.github.com:443", "net:connect:\"::1\":22",
		"env:inject:GITHUB_TOKEN", "exec:spawn:git?nestedSandbox=true", "ipc:connect:\"unix:/run/a.sock\"",
		"clock:tzdata", "assert:id:\"text: with colon\"", "net:connect:a.com:443abc", "fs::/x", ":::", "net:connect:",
		"net:connect:*.com:443", "net:connect:dbhost", "net:connect:a..b:80", "net:connect:.a.b", "net:connect:localhost",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCapability(CapString{Text: s, Pos: Pos{Line: 1, Col: 1}})
		if err != nil {
			return
		}
		if CheckSafe(c) != nil {
			return
		}
		p := Normalize([]Capability{*c})
		for _, tgt := range Targets() {
			a, err := Lower(&Result{Policy: p, Manifest: &Manifest{}}, tgt, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tgt == TargetSquid {
				for _, l := range strings.Split(a.Config, "\n") {
					if !squidLineKeepsShape(l, c.Host == "") {
						t.Fatalf("unexpected squid line %q for %q", l, s)
					}
				}
			}
			if tgt == TargetNftables && strings.Count(a.Config, "{") != strings.Count(a.Config, "}") {
				t.Fatalf("unbalanced nftables table for %q:\n%s", s, a.Config)
			}
		}
		srtDomainsLoad(t, p, s)
		hostFilesLoad(t, p, s)
	})
}

// squidLineKeepsShape reports whether l is a line of the shape capgate's
// squid config has: a comment, a cg_ acl with one value (none when the
// host is empty), the to_private acl or an http_access rule.
func squidLineKeepsShape(l string, emptyHost bool) bool {
	f := strings.Fields(l)
	switch {
	case strings.HasPrefix(l, "# "):
	case len(f) == 4 && f[0] == "acl" && strings.HasPrefix(f[1], "cg_"):
	case len(f) == 3 && f[0] == "acl" && strings.HasPrefix(f[1], "cg_") && emptyHost:
		// capgate compiles an empty host to an acl with no value
		// (conformance case e-700), which squid refuses: closed.
	case len(f) >= 3 && f[0] == "acl" && f[1] == "to_private":
	case len(f) >= 3 && f[0] == "http_access" && (f[1] == "allow" || f[1] == "deny"):
	default:
		return false
	}
	return true
}

// srtDomainsLoad: srt refuses its whole settings file for one entry its
// schema rejects, so every allowedDomains entry of p's srt settings (from
// capability s) must pass it.
func srtDomainsLoad(t *testing.T, p *Policy, s string) {
	t.Helper()
	a, err := Lower(&Result{Policy: p, Manifest: &Manifest{}}, TargetSrt, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var settings struct {
		Network struct{ AllowedDomains []string } `json:"network"`
	}
	if err := json.Unmarshal([]byte(a.Config), &settings); err != nil {
		t.Fatalf("srt config for %q: %v", s, err)
	}
	for _, d := range settings.Network.AllowedDomains {
		if !srtValidDomain(d) {
			t.Fatalf("srt would refuse allowedDomains entry %q (from %q)", d, s)
		}
	}
}

// hostFilesLoad checks what the ToolHive profile and the gateway entry of
// policy p (from capability s) hold: no mount ToolHive's parser would skip
// or split; no volume the gateway refuses (one would fail
// the whole server) and no allowHosts entry its proxies cannot take.
func hostFilesLoad(t *testing.T, p *Policy, s string) {
	th, err := Lower(&Result{Policy: p, Manifest: &Manifest{}}, TargetToolhive, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var prof struct{ Read, Write []string }
	if err := json.Unmarshal([]byte(th.Config), &prof); err != nil {
		t.Fatalf("toolhive profile for %q: %v", s, err)
	}
	for _, m := range append(prof.Read, prof.Write...) {
		if strings.ContainsAny(m, toolhiveRefused) || !strings.HasPrefix(m, "/") {
			t.Fatalf("toolhive mount %q (from %q)", m, s)
		}
	}
	gw, err := Lower(&Result{Policy: p, Manifest: &Manifest{}}, TargetMCPGateway, Options{Image: "mcp/x:1"})
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Volumes, AllowHosts []string }
	if err := json.Unmarshal([]byte(gw.Config), &e); err != nil {
		t.Fatalf("gateway entry for %q: %v", s, err)
	}
	for _, v := range e.Volumes {
		src, _, _ := strings.Cut(v, ":")
		if gatewayRefusal(src) != "" || strings.Count(v, ":") != 2 {
			t.Fatalf("gateway volume %q (from %q)", v, s)
		}
	}
	for _, h := range e.AllowHosts {
		if strings.ContainsAny(h, "[]*@,") || strings.Count(h, ":") != 1 {
			t.Fatalf("gateway allowHosts %q (from %q)", h, s)
		}
	}
}

// srtValidDomain is srt 0.0.83's check of an allowedDomains entry
// (dist/sandbox/domain-pattern.js: splitDomainPatternPort,
// isValidDomainPattern), ported as facts for the fuzz test.
func srtValidDomain(d string) bool {
	if strings.HasPrefix(d, "[") {
		return srtValidBracketed(d)
	}
	host := d
	if i := strings.LastIndexByte(d, ':'); i >= 0 {
		if strings.IndexByte(d, ':') != i || !srtValidPort(d[i+1:]) {
			return false
		}
		host = d[:i]
	}
	return srtValidHost(host)
}

// srtValidPort is srt's check of a port: 1 to 65535, no leading zero.
func srtValidPort(p string) bool {
	if p == "" || len(p) > 5 || p[0] < '1' || p[0] > '9' {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n <= 65535
}

// srtValidBracketed is srt's check of "[IPv6]" or "[IPv6]:port".
func srtValidBracketed(d string) bool {
	end := strings.IndexByte(d, ']')
	if end < 0 {
		return false
	}
	if rest := d[end+1:]; rest != "" && !(strings.HasPrefix(rest, ":") && srtValidPort(rest[1:])) {
		return false
	}
	a, err := netip.ParseAddr(d[1:end])
	return err == nil && a.Is6()
}

// srtValidHost is srt's isValidDomainPattern of a host without a port.
func srtValidHost(host string) bool {
	if strings.Contains(host, "://") || strings.ContainsAny(host, "/:") {
		return false
	}
	if host == "localhost" {
		return true
	}
	if rest, ok := strings.CutPrefix(host, "*."); ok {
		parts := strings.Split(rest, ".")
		if len(parts) < 2 {
			return false
		}
		for _, p := range parts {
			if p == "" {
				return false
			}
		}
		return true
	}
	return !strings.Contains(host, "*") && strings.Contains(host, ".") && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".")
}
