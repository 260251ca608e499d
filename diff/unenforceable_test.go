package diff

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestUnenforceableEntriesRead: every entry a host target adds reads as
// unenforceable_added — a file system widening (the directory a pattern
// became), a cross product's new host:port pair on an already listed
// rule, an exec rule — each at its capability's position; an unchanged
// head adds none.
func TestUnenforceableEntriesRead(t *testing.T) {
	t.Parallel()
	compile := func(caps ...string) *compiler.Result {
		src := "{\"name\":\"n\",\"version\":\"1\",\"tools\":[{\"name\":\"t\",\"capabilities\":[\n\"" + strings.Join(caps, "\",\n\"") + "\"]}]}"
		r, err := compiler.CompileTargets([]byte(src), []string{compiler.TargetToolhive, compiler.TargetSrt})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	base := compile("net:connect:a.example.com:443", "net:connect:b.example.com:443")
	head := compile("net:connect:a.example.com:443", "net:connect:b.example.com:443", "net:connect:b.example.com:8443",
		"fs:read:/data/src/**/*.go", "exec:spawn:git")
	var got []string
	for _, c := range Compare(base, head) {
		if c.Severity == UnenforceableAdded {
			why, _, _ := strings.Cut(c.Why, " — ")
			got = append(got, fmt.Sprintf("%s %s %s @%d %s", c.Target, c.Kind, c.After, c.Line, why))
		}
	}
	want := []string{
		"toolhive fs fs:read:/data/src/**/*.go @5 also grants /data/src",
		"toolhive net a.example.com:443 @2 also grants a.example.com:8443",
		"toolhive net b.example.com:8443 @4 toolhive's egress proxy does not block private ranges; the destination is allowed but its blockPrivate is not held.",
		"toolhive exec exec:spawn:git @6 also grants every binary in the image",
		"srt exec exec:spawn:git @6 also grants every binary readable in the sandbox",
	}
	if !slices.Equal(got, want) {
		t.Errorf("unenforceable_added:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cs := Compare(head, compile("net:connect:a.example.com:443", "net:connect:b.example.com:443", "net:connect:b.example.com:8443", "fs:read:/data/src/**/*.go", "exec:spawn:git")); len(cs) != 0 {
		t.Errorf("unchanged: %v", cs)
	}
}
