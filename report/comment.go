package report

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
)

// CommentOptions controls Comment.
type CommentOptions struct {
	// Key tells this workflow's comment from others' (the action's key
	// input); "" means "default".
	Key string
	// State is trusted hidden Markdown put right after the marker (the
	// action's label state line); "" for none.
	State string
	// Footer is trusted Markdown put after the report (approval notes,
	// the drift check).
	Footer string
	// HeadSHA, when set, is named at the end: the commit the comment is
	// about.
	HeadSHA string
	// Link and Gate are as in MarkdownOptions.
	Link func(path string, line int) string
	Gate *Gate
}

// NonceRoom is kept free in every comment for the posting nonce the action
// appends.
const NonceRoom = 100

// Marker is the hidden first line of the comment of the workflow with key.
func Marker(key string) string {
	if key == "" {
		key = "default"
	}
	return "<!-- capgate-action:" + key + " -->\n"
}

// Comment renders the pull request comment the action posts (before its
// posting nonce): the marker, the state, the verdict and next steps, the
// report and the footer, always within GitHub's limit less NonceRoom.
// capgate diff --format comment prints it too.
func Comment(r *diff.Result, o CommentOptions) string {
	footer := o.Footer
	if o.HeadSHA != "" {
		footer += fmt.Sprintf("\n<sub>capgate-action · head %s</sub>\n", Code(shortRef(o.HeadSHA)))
	}
	header := Marker(o.Key) + o.State
	limit := GitHubCommentLimit - NonceRoom
	// The short note only when nothing fails either: a drift check can
	// fail with no manifest changed, and the verdict then says so.
	if !anyChange(r) && (o.Gate == nil || !Judge(r, *o.Gate).Fails) {
		return FitComment(header+"> [!NOTE]\n> **capgate passes.** No manifest changes: an earlier commit of this pull request changed capgate manifests; the current head changes none.\n> **Next step:** none.\n"+footer, limit)
	}
	return FitComment(string(Markdown(r, MarkdownOptions{Header: header, Footer: footer, Link: o.Link, Gate: o.Gate})), limit)
}

// anyChange reports whether some manifest is not unchanged.
func anyChange(r *diff.Result) bool {
	for _, m := range r.Manifests {
		if m.Status != diff.StatusUnchanged {
			return true
		}
	}
	return false
}

// CutNote ends a comment that FitComment had to cut.
const CutNote = "\n\n> [!NOTE]\n> Cut to fit GitHub's comment limit; the step summary and the JSON report have everything.\n"

// FitComment guarantees GitHub's limit whatever the renderer did: a body
// longer than limit characters is cut at a line end and ends with a note,
// the whole staying within limit.
func FitComment(body string, limit int) string {
	rs := []rune(body)
	if len(rs) <= limit {
		return body
	}
	// Room for the note and for closing what the cut leaves open.
	const closeRoom = 200
	cut := string(rs[:limit-len([]rune(CutNote))-closeRoom])
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	if strings.Count(cut, "\n```")%2 == 1 {
		cut += "\n```"
	}
	if n := strings.Count(cut, "<details>") - strings.Count(cut, "</details>"); n > 0 {
		cut += strings.Repeat("\n</details>", min(n, 10))
	}
	return cut + CutNote
}
