package report

import (
	"fmt"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// BenchmarkDiffMarkdown10000 runs diff and renders the PR comment for
// 10,000 new small manifests: 5,000 used to take 7 minutes when trimming
// recounted the comment for each dropped part.
func BenchmarkDiffMarkdown10000(b *testing.B) {
	in := &diff.Input{Base: "base", Head: "head"}
	for i := 0; i < 10000; i++ {
		m := fmt.Sprintf(`{"name": "s%d", "version": "1", "tools": [{"name": "t", "capabilities": ["fs:read:/srv/data/%d/**", "net:connect:api%d.example.com:443", "env:inject:TOKEN_%d"]}]}`, i, i, i, i)
		in.HeadFiles = append(in.HeadFiles, diff.File{Path: fmt.Sprintf("s%05d/capgate.json", i), Data: []byte(m)})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := diff.Run(in)
		if err != nil {
			b.Fatal(err)
		}
		md := Markdown(r, MarkdownOptions{})
		if n := size(string(md)); n > GitHubCommentLimit || r.Counts.Widened < 30000 {
			b.Fatalf("%d characters, %d widened", n, r.Counts.Widened)
		}
	}
}

// BenchmarkMarkdown10000 renders (and trims) the comment alone.
func BenchmarkMarkdown10000(b *testing.B) {
	r := &diff.Result{Base: "b", Head: "h"}
	for i := 0; i < 10000; i++ {
		r.Manifests = append(r.Manifests, diff.ManifestDiff{Path: fmt.Sprintf("servers/s%05d/capgate.json", i), Status: diff.StatusAdded,
			Changes: []diff.Change{
				{Severity: diff.Widened, Kind: "fs", Target: "bwrap,docker", After: fmt.Sprintf("ro /srv/data/%d", i), Why: "new ro mount", Line: 1, Side: "head"},
				{Severity: diff.Widened, Kind: "env", Target: "bwrap,docker", After: fmt.Sprintf("TOKEN_%d", i), Why: "new environment variable", Line: 1, Side: "head"}},
			TextDiffs: []diff.TextDiff{{Target: "bwrap", Diff: "+    \"--ro-bind\",\n+    \"/srv/data\",\n"}}})
	}
	r.Counts, _ = diff.Tally(r.Manifests)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if md := Markdown(r, MarkdownOptions{}); size(string(md)) > GitHubCommentLimit {
			b.Fatal("over the limit")
		}
	}
}
