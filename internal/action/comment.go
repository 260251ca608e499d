package action

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/report"
)

func marker(key string) string { return report.Marker(key) }

func anyChange(res *diff.Result) bool {
	for _, m := range res.Manifests {
		if m.Status != diff.StatusUnchanged {
			return true
		}
	}
	return false
}

// commentBody renders the PR comment (report.Comment), always under
// GitHub's size limit: the marker, the state line (see state), the verdict
// and next steps (g), the report, and footer.
func commentBody(res *diff.Result, key string, st *state, g *report.Gate, footer, headSHA string, link func(string, int) string) string {
	return report.Comment(res, report.CommentOptions{Key: key, State: st.line(), Footer: footer, HeadSHA: headSHA, Link: link, Gate: g})
}

// nonceRoom is kept free in every comment for the posting nonce.
const nonceRoom = report.NonceRoom

// cutNote ends a comment that fitComment had to cut.
const cutNote = report.CutNote

// fitComment is report.FitComment.
func fitComment(body string, limit int) string { return report.FitComment(body, limit) }

// comment posts or updates the PR comment, body (fitted by fitBody), and
// the review comments.
// Failures become warnings: the result is already in the summary and
// outputs, and the exit status does not depend on the comment.
func (r *run) comment(ctx context.Context, res *diff.Result, t target, ap *approval, body string) {
	// The result is written and the exit status decided: nothing here may
	// take them down, not even a bug.
	defer func() {
		if p := recover(); p != nil {
			r.a.Warningf("capgate: internal error while commenting (%v); the result is in the step summary and outputs", p)
		}
	}()
	if r.cfg.Token == "" {
		r.a.Noticef("capgate: no github-token, so no pull request comment; the result is in the step summary and outputs")
		return
	}
	err := r.commentErr(ctx, res, t, ap, body)
	switch {
	case err == nil:
	case errors.Is(err, errStale):
		r.a.Noticef("capgate: not commenting: the pull request's head moved on since this run started; the run for the newer head comments")
		return
	default:
		r.a.Warningf("capgate: %s; the result is in the step summary and outputs", explain(err, "could not update the pull request comment"))
		return
	}
	if r.cfg.ReviewComments {
		if err := r.review(ctx, res, t); err != nil {
			r.a.Warningf("capgate: %s; the sticky comment lists every change", explain(err, "could not write the review comments"))
		}
	}
}

func (r *run) commentErr(ctx context.Context, res *diff.Result, t target, ap *approval, body string) error {
	number, prHead := t.prNumber, t.prHead
	g, err := r.api()
	if err != nil {
		return err
	}
	mk := marker(r.cfg.Key)
	login, existing := ap.login, ap.existing
	if !ap.checked {
		if login, err = g.identity(ctx); err != nil {
			return err
		}
		if existing, err = g.ourComments(ctx, number, login, mk); err != nil {
			return err
		}
	}
	if !anyChange(res) && r.cfg.CommentWhen == CommentOnChanges && len(existing) == 0 {
		return nil // quiet when nothing changed and nothing was said before
	}
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
	case CommentNew, CommentHideAndNew:
		if r.cfg.Comment == CommentHideAndNew {
			for _, c := range existing {
				if err := g.minimize(ctx, c.GetNodeID()); err != nil {
					if ctx.Err() != nil {
						return err
					}
					r.a.Warningf("capgate: %s", explain(err, "could not hide an earlier comment"))
				}
			}
		}
		c, err := r.createComment(ctx, g, number, login, mk, body)
		if err != nil {
			return err
		}
		url = c.GetHTMLURL()
	default: // update
		url, err = r.upsert(ctx, g, number, login, mk, body, existing, ap.tampered)
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
//
// A comment someone else has edited (tampered) is never kept: its edit
// history stays, so the state in it could never be trusted again. It is
// deleted once a fresh one exists.
func (r *run) upsert(ctx context.Context, g *gh, number int, login, mk, body string, existing []*github.IssueComment, tampered map[int64][]string) (string, error) {
	var keep *github.IssueComment
	existing, edited := splitTampered(existing, tampered)
	if len(existing) == 0 {
		c, err := r.createComment(ctx, g, number, login, mk, body)
		if err != nil {
			return "", err
		}
		if existing, err = r.ourCommentsWith(ctx, g, number, login, mk, c.GetID()); err != nil {
			return "", err
		}
		if existing, _ = splitTampered(existing, tampered); len(existing) == 0 {
			return c.GetHTMLURL(), nil
		}
	}
	keep = existing[0]
	for _, c := range append(existing[1:], edited...) {
		if _, err := g.c.Issues.DeleteComment(ctx, g.owner, g.repo, c.GetID()); err != nil && !isNotFound(err) {
			return "", err
		}
	}
	if stripNonce(keep.GetBody()) != body {
		c, _, err := g.c.Issues.EditComment(ctx, g.owner, g.repo, keep.GetID(), &github.IssueComment{Body: &body})
		if err != nil {
			return "", err
		}
		keep = c
	}
	return keep.GetHTMLURL(), nil
}

// splitTampered separates the comments someone else edited from the rest.
func splitTampered(cs []*github.IssueComment, tampered map[int64][]string) (clean, edited []*github.IssueComment) {
	for _, c := range cs {
		if _, bad := tampered[c.GetID()]; bad {
			edited = append(edited, c)
		} else {
			clean = append(clean, c)
		}
	}
	return clean, edited
}

// nonceRE matches the line createComment appends.
var nonceRE = regexp.MustCompile(`\n<!-- capgate-post:[0-9a-f]{16} -->\r?\n?$`)

func stripNonce(body string) string { return nonceRE.ReplaceAllString(body, "") }

// createComment posts body once. A POST that timed out or got a 5xx may
// have been stored anyway, so the transport does not repeat it; here the
// body carries a nonce, and before posting again the comments are listed:
// when one of ours carries the nonce, that is the comment.
func (r *run) createComment(ctx context.Context, g *gh, number int, login, mk, body string) (*github.IssueComment, error) {
	var nb [8]byte
	_, _ = rand.Read(nb[:])
	full := body + "\n<!-- capgate-post:" + hex.EncodeToString(nb[:]) + " -->\n"
	nonce := full[len(body):]
	c, _, err := g.c.Issues.CreateComment(ctx, g.owner, g.repo, number, &github.IssueComment{Body: &full})
	if err == nil || !mayHaveLanded(err) || ctx.Err() != nil {
		return c, err
	}
	existing, lerr := g.ourComments(ctx, number, login, mk)
	if lerr != nil {
		return nil, err
	}
	for _, e := range existing {
		if strings.HasSuffix(strings.ReplaceAll(e.GetBody(), "\r\n", "\n"), nonce) {
			return e, nil
		}
	}
	c, _, err = g.c.Issues.CreateComment(ctx, g.owner, g.repo, number, &github.IssueComment{Body: &full})
	return c, err
}

// mayHaveLanded reports whether a failed request may still have been
// carried out: it timed out, the connection broke, or the server failed.
func mayHaveLanded(err error) bool {
	st := statusOf(err)
	return st == 0 || st >= 500
}

func isNotFound(err error) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound
}
