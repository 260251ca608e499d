package enforce

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// hostPool mixes names, IPv4 and IPv6 literals (private and public),
// wildcards, and unusual characters the compiler accepts.
var hostPool = []string{
	"*", "api.github.com", "API.GitHub.com", "example.com", "a-b_c.example", "xn--bcher-kva.example",
	"1.1.1.1", "8.8.8.8", "10.0.0.5", "127.0.0.1", "192.168.1.1", "169.254.169.254", "999.1.1.1",
	"localhost", "db", "*.example.com", "a.b.c.d.e.f.example", "héllo.example", "x$y.example",
	"\"2606:4700:4700::1111\"", "\"::1\"", "\"fe80::1\"", "host!name", "trailing.dot.",
}

var otherCaps = []string{
	"fs:read:/workspace/**", "fs:read,write:/srv/data/", "exec:spawn:git", "env:inject:API_KEY",
	"ipc:connect:x11", "clock:tzdata", "assert:a.b:note", "exec:spawn:chromium?nestedSandbox=true",
}

// generatedManifests returns n manifests from a fixed seed, so every run
// checks the same ones.
func generatedManifests(n int) []string {
	r := rand.New(rand.NewPCG(4, 2))
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var caps []string
		for j := r.IntN(6); j >= 0; j-- {
			h := hostPool[r.IntN(len(hostPool))]
			c := "net:connect:" + h
			if r.IntN(3) > 0 {
				c += fmt.Sprintf(":%d", []int{22, 80, 443, 5432, 8080, 65535, 1}[r.IntN(7)])
			}
			caps = append(caps, c)
		}
		for j := r.IntN(3); j > 0; j-- {
			caps = append(caps, otherCaps[r.IntN(len(otherCaps))])
		}
		m := map[string]any{"name": fmt.Sprintf("gen-%d", i), "version": "1.0.0",
			"tools": []any{map[string]any{"name": "t", "capabilities": caps}}}
		b, _ := json.Marshal(m)
		out = append(out, string(b))
	}
	return out
}

// allEmitted compiles the bundled manifests (the conformance ones and the
// examples) and n generated ones, and returns every artifact of target.
func allEmitted(t *testing.T, target string, n int) map[string]string {
	t.Helper()
	srcs := map[string]string{}
	for _, pat := range []string{
		filepath.Join("..", "testdata", "conformance", "capgate-0.0.4", "manifests", "*.json"),
		filepath.Join("..", "examples", "*", "servers", "*", "*.json"),
		filepath.Join("..", "examples", "*", "servers", "*", "*", "*.json"),
	} {
		names, _ := filepath.Glob(pat)
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			srcs[n] = string(b)
		}
	}
	for i, g := range generatedManifests(n) {
		srcs[fmt.Sprintf("generated-%03d", i)] = g
	}
	out := map[string]string{}
	for name, src := range srcs {
		r, err := compileTextMaybe(src)
		if err != nil {
			continue // refused values are checked by the injection tests
		}
		out[name] = r.Artifacts.Get(target).Config
	}
	if len(out) < n/2 {
		t.Fatalf("only %d of the manifests compiled", len(out))
	}
	return out
}
