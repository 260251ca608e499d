package report

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// TestLaunchExcessSection: the section lists each entry beyond its
// manifest with the policy to paste, everything from the input escaped (a
// paste holding backticks gets a longer fence).
func TestLaunchExcessSection(t *testing.T) {
	t.Parallel()
	r := &diff.Result{Base: "b", Head: "h", Manifests: []diff.ManifestDiff{{Path: ".mcp.json", Launch: "claude-code", Status: diff.StatusUnchanged, Changes: []diff.Change{},
		Exceeds: []diff.Exceeding{{Server: "<img src=x>", Kind: "docker", Line: 3, Manifest: "servers/a/capgate.json", Name: "a", Ambiguous: []string{"servers/b/capgate.json"},
			Changes:   []diff.Change{{Severity: diff.Widened, Kind: "network", Target: "docker", After: "<img>: host", Why: "beyond the manifest", Line: 4, Side: "head"}},
			Paste:     "docker run ```x``` IMAGE",
			PasteKind: "docker run flags"}}}}}
	md := string(Markdown(r, MarkdownOptions{}))
	for _, want := range []string{"#### Launch configs beyond their manifests (1)", "<code>&lt;img src=x&gt;</code>", "ambiguous: <code>servers/b/capgate.json</code>",
		"| 4 | network · docker |", "````\ndocker run ```x``` IMAGE\n````"} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
	if strings.Contains(md, "<img src=x>") {
		t.Errorf("unescaped HTML:\n%s", md)
	}
	r.Manifests[0].Exceeds = nil
	if md := string(Markdown(r, MarkdownOptions{})); strings.Contains(md, "beyond their manifests") {
		t.Errorf("section without entries:\n%s", md)
	}
}
