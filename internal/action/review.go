package action

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/report"
)

// reviewMarker starts every inline comment of ours: the key and the row
// key, so a later run knows which rows already have a comment.
func reviewMarker(key, row string) string {
	return "<!-- capgate-review:" + key + ":" + row + " -->\n"
}

var reviewMarkerRE = regexp.MustCompile(`^<!-- capgate-review:([A-Za-z0-9_.-]+):([0-9a-f]{16}) -->\r?\n`)

// fixedMark ends a review comment whose row is gone; such comments are left
// alone.
const fixedMark = "<!-- capgate-review-fixed -->"

var hunkRE = regexp.MustCompile(`^@@ -[0-9]+(?:,[0-9]+)? \+([0-9]+)(?:,[0-9]+)? @@`)

// rightLines returns the head-side line numbers a patch shows (added and
// context lines): the lines a review comment may be put on.
func rightLines(patch string) map[int]bool {
	lines := map[int]bool{}
	n := 0
	for _, l := range strings.Split(patch, "\n") {
		if m := hunkRE.FindStringSubmatch(l); m != nil {
			n, _ = strconv.Atoi(m[1])
			continue
		}
		if n == 0 || l == "" {
			continue
		}
		switch {
		case strings.HasPrefix(l, "-"), strings.HasPrefix(l, "\\"):
		default: // "+" or " "
			lines[n] = true
			n++
		}
	}
	return lines
}

// review puts one pull request review with an inline comment on the
// manifest line of each widened or loud change inside the diff, skipping
// rows that already have one of ours; comments of ours whose row is gone
// are hidden as outdated and marked fixed. Changes outside the diff stay in
// the sticky comment only.
func (r *run) review(ctx context.Context, res *diff.Result, t target) error {
	g, err := r.api()
	if err != nil {
		return err
	}
	login, err := g.identity(ctx)
	if err != nil {
		return err
	}
	inDiff := map[string]map[int]bool{}
	opts := &github.ListOptions{PerPage: 100}
	for {
		fs, resp, err := g.c.PullRequests.ListFiles(ctx, g.owner, g.repo, t.prNumber, opts)
		if err != nil {
			return err
		}
		for _, f := range fs {
			inDiff[f.GetFilename()] = rightLines(f.GetPatch())
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	type ours struct {
		c     *github.PullRequestComment
		row   string
		fixed bool
	}
	var mine []ours
	lo := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := g.c.PullRequests.ListComments(ctx, g.owner, g.repo, t.prNumber, lo)
		if err != nil {
			return err
		}
		for _, c := range cs {
			m := reviewMarkerRE.FindStringSubmatch(c.GetBody())
			if m == nil || m[1] != r.cfg.Key || !strings.EqualFold(c.GetUser().GetLogin(), login) {
				continue
			}
			mine = append(mine, ours{c, m[2], strings.Contains(c.GetBody(), fixedMark)})
		}
		if resp.NextPage == 0 {
			break
		}
		lo.Page = resp.NextPage
	}
	have := map[string]bool{}
	for _, o := range mine {
		if !o.fixed {
			have[o.row] = true
		}
	}
	wd := strings.Trim(r.cfg.WorkDir, "/")
	if wd == "." {
		wd = ""
	}
	current := map[string]bool{}
	var drafts []*github.DraftReviewComment
	for i := range res.Manifests {
		m := &res.Manifests[i]
		for j := range m.Changes {
			c := &m.Changes[j]
			if !(c.Severity == diff.Widened || c.Loud) || c.Side != "head" || c.Line <= 0 {
				continue
			}
			row := rowKey(m, c)
			current[row] = true
			path := m.Path
			if wd != "" {
				path = wd + "/" + path
			}
			if have[row] || !inDiff[path][c.Line] || len(drafts) >= 50 {
				continue
			}
			body := reviewMarker(r.cfg.Key, row) + reviewText(m, c, r.cfg)
			drafts = append(drafts, &github.DraftReviewComment{Path: github.String(path), Line: github.Int(c.Line),
				Side: github.String("RIGHT"), Body: github.String(body)})
			have[row] = true
		}
	}
	if len(drafts) > 0 {
		req := &github.PullRequestReviewRequest{Event: github.String("COMMENT"), Comments: drafts,
			Body: github.String(fmt.Sprintf("capgate: %d widened or loud change(s) on the manifest lines below; the sticky comment has the whole report.", len(drafts)))}
		if shaRE.MatchString(t.prHead) {
			req.CommitID = github.String(t.prHead)
		}
		if _, _, err := g.c.PullRequests.CreateReview(ctx, g.owner, g.repo, t.prNumber, req); err != nil {
			return err
		}
	}
	for _, o := range mine {
		if o.fixed || current[o.row] {
			continue
		}
		if err := g.minimize(ctx, o.c.GetNodeID()); err != nil {
			return err
		}
		body := o.c.GetBody() + "\n\n✅ No longer in the change (head " + report.Code(short(t.prHead, "")) + ").\n" + fixedMark
		if _, _, err := g.c.PullRequests.EditComment(ctx, g.owner, g.repo, o.c.GetID(), &github.PullRequestComment{Body: &body}); err != nil {
			return err
		}
	}
	return nil
}

// reviewText is the inline comment on one change, escaped like the sticky
// comment.
func reviewText(m *diff.ManifestDiff, c *diff.Change, cfg Config) string {
	var b strings.Builder
	sev := "Widened"
	if c.Loud {
		sev = "🚨 Grants control of the host"
	}
	fmt.Fprintf(&b, "**capgate: %s** — %s · %s: %s → %s\n\n%s\n", sev, report.Text(c.Kind), report.Text(strings.ReplaceAll(c.Target, ",", ", ")),
		report.Code(orNone(c.Before)), report.Code(orNone(c.After)), report.Text(c.Why))
	if m.Approved {
		b.WriteString("\n✅ Approved by the lock for this exact capability set.\n")
	} else if c.Severity == diff.Widened {
		var how []string
		if cfg.AllowLabel != "" {
			how = append(how, "the "+report.Code(cfg.AllowLabel)+" label")
		}
		if cfg.Lock != "" {
			how = append(how, "`capgate approve` and "+report.Code(cfg.Lock))
		}
		if len(how) > 0 {
			fmt.Fprintf(&b, "\nTo approve: %s (see the sticky comment).\n", strings.Join(how, ", or "))
		}
	}
	return b.String()
}
