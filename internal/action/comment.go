package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-github/v62/github"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/report"
)

func marker(key string) string { return "<!-- capgate-action:" + key + " -->\n" }

func anyChange(res *diff.Result) bool {
	for _, m := range res.Manifests {
		if m.Status != diff.StatusUnchanged {
			return true
		}
	}
	return false
}

// commentBody renders the PR comment, always under GitHub's size limit.
func commentBody(res *diff.Result, key string, approved bool, label, headSHA, drift string) string {
	footer := approvalNote(approved, label) + drift
	if headSHA != "" {
		footer += fmt.Sprintf("\n<sub>capgate-action · head %s</sub>\n", report.Code(short(headSHA, "")))
	}
	if !anyChange(res) {
		return marker(key) + "### ✅ capgate: no manifest changes\n\nAn earlier commit of this pull request changed capgate manifests; the current head changes none." + footer
	}
	return string(report.Markdown(res, report.MarkdownOptions{Header: marker(key), Footer: footer}))
}

// comment posts or updates the PR comment. Failures become warnings: the
// result is already in the summary and outputs, and the exit status does not
// depend on the comment.
func (r *run) comment(ctx context.Context, res *diff.Result, t target, approved bool) {
	err := r.commentErr(ctx, res, t.prNumber, t.prHead, approved)
	switch {
	case err == nil:
	case errors.Is(err, errStale):
		r.a.Noticef("capgate: not commenting: the pull request's head moved on since this run started; the run for the newer head comments")
	case permissionHint(err) != "":
		r.a.Warningf("capgate: %s (missing permission: pull-requests: write)", permissionHint(err))
	default:
		r.a.Warningf("capgate: could not update the pull request comment: %v", err)
	}
}

func (r *run) commentErr(ctx context.Context, res *diff.Result, number int, prHead string, approved bool) error {
	g, err := r.api()
	if err != nil {
		return err
	}
	login, err := g.identity(ctx)
	if err != nil {
		return err
	}
	mk := marker(r.cfg.Key)
	existing, err := g.ourComments(ctx, number, login, mk)
	if err != nil {
		return err
	}
	if !anyChange(res) && r.cfg.CommentWhen == "changes" && len(existing) == 0 {
		return nil // quiet when nothing changed and nothing was said before
	}
	body := commentBody(res, r.cfg.Key, approved, r.cfg.AllowLabel, prHead, r.drift)
	// A run for an older head must not overwrite a newer run's comment.
	if prHead != "" {
		pr, _, err := g.c.PullRequests.Get(ctx, g.owner, g.repo, number)
		if err != nil {
			return err
		}
		if pr.GetHead().GetSHA() != "" && pr.GetHead().GetSHA() != prHead {
			return errStale
		}
	}
	var url string
	switch r.cfg.Comment {
	case "new", "hide-and-new":
		if r.cfg.Comment == "hide-and-new" {
			for _, c := range existing {
				if err := g.minimize(ctx, c.GetNodeID()); err != nil {
					r.a.Warningf("capgate: could not hide an earlier comment: %v", err)
				}
			}
		}
		c, _, err := g.c.Issues.CreateComment(ctx, g.owner, g.repo, number, &github.IssueComment{Body: &body})
		if err != nil {
			return err
		}
		url = c.GetHTMLURL()
	default: // update
		url, err = r.upsert(ctx, g, number, login, mk, body, existing)
		if err != nil {
			return err
		}
	}
	r.out.SetOutput("comment-url", url)
	return nil
}

// upsert keeps exactly one comment: it edits the oldest of ours (when its
// body differs), or creates one; then, because another run may have created
// one at the same time, it lists again, keeps the oldest and deletes the
// rest.
func (r *run) upsert(ctx context.Context, g *gh, number int, login, mk, body string, existing []*github.IssueComment) (string, error) {
	var keep *github.IssueComment
	if len(existing) == 0 {
		c, _, err := g.c.Issues.CreateComment(ctx, g.owner, g.repo, number, &github.IssueComment{Body: &body})
		if err != nil {
			return "", err
		}
		if existing, err = g.ourComments(ctx, number, login, mk); err != nil {
			return "", err
		}
		if len(existing) == 0 {
			return c.GetHTMLURL(), nil
		}
	}
	keep = existing[0]
	for _, c := range existing[1:] {
		if _, err := g.c.Issues.DeleteComment(ctx, g.owner, g.repo, c.GetID()); err != nil && !isNotFound(err) {
			return "", err
		}
	}
	if keep.GetBody() != body {
		c, _, err := g.c.Issues.EditComment(ctx, g.owner, g.repo, keep.GetID(), &github.IssueComment{Body: &body})
		if err != nil {
			return "", err
		}
		keep = c
	}
	return keep.GetHTMLURL(), nil
}

func isNotFound(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound
}
