package report

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
)

// launchExcess renders the launch entries that grant more than their
// manifests (diff.ManifestDiff.Exceeds): per entry its excess grants and
// the manifest-derived policy, ready to paste. "" when there is none.
func launchExcess(r *diff.Result) []string {
	var parts []string
	for _, m := range r.Manifests {
		for _, x := range m.Exceeds {
			parts = append(parts, exceedingPart(m, x))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	head := fmt.Sprintf("#### Launch configs beyond their manifests (%d)\n\n"+
		"These servers are launched with more than their manifests declare (not a change of this pull request; `capgate lint` reports them as `launch-exceeds-manifest`).\n\n", len(parts))
	return append([]string{head}, parts...)
}

func exceedingPart(m diff.ManifestDiff, x diff.Exceeding) string {
	var b strings.Builder
	amb := ""
	if len(x.Ambiguous) > 0 {
		names := make([]string, len(x.Ambiguous))
		for i, a := range x.Ambiguous {
			names[i] = HTMLCode(cut(a))
		}
		amb = " (ambiguous: " + strings.Join(names, ", ") + " match too)"
	}
	fmt.Fprintf(&b, "<details><summary>%s:%d %s (%s) exceeds %s%s: %s</summary>\n\n",
		HTMLCode(cut(m.Path)), x.Line, HTMLCode(cut(x.Server)), HTMLCode(cut(string(x.Kind))), HTMLCode(cut(x.Manifest)), amb,
		plural(len(x.Changes), "grant", "grants"))
	b.WriteString("| Line | What | Grant | Why |\n|---|---|---|---|\n")
	for _, c := range x.Changes {
		grant := c.After
		if grant == "" {
			grant = c.Before + " (dropped)"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", c.Line, what(c), Code(cut(grant)), why(c))
	}
	if x.Paste != "" {
		body := visibleBody(x.Paste)
		fence := Fence(body)
		fmt.Fprintf(&b, "\nThe manifest's policy as %s, ready to paste:\n\n%s\n%s\n%s\n", Text(x.PasteKind), fence, body, fence)
	}
	b.WriteString("\n</details>\n\n")
	return b.String()
}

// addLaunchExcess adds the launch excess section: its heading kept while
// any entry of it is.
func (b *builder) addLaunchExcess(r *diff.Result) {
	xs := launchExcess(r)
	if len(xs) == 0 {
		return
	}
	g := b.group()
	b.add(impKeep, g, true, xs[0])
	for _, p := range xs[1:] {
		b.add(impDetails, g, false, p)
	}
}
