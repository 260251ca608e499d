package action

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v62/github"
)

// GitHub assigns a file no code owner when the owners its CODEOWNERS rule
// names cannot review it: "The people you choose as code owners must have
// write permissions for the repository. When the code owner is a team,
// that team must be visible and it must have write permissions" ("About
// code owners", docs.github.com). Before the pull request's own lock
// approvals count because of a rule, the action asks the API whether some
// owner of that rule can review; when none can, or the API cannot tell,
// the lock counts as not owned (fail closed).

// maxOwnerChecks bounds the API calls for one rule's owners.
const maxOwnerChecks = 10

// ownerCheck is what the API said of one owner of the rule.
type ownerCheck struct {
	owner string
	ok    bool   // a user with write permission, or a team of the repository's organization with write access
	why   string // when not ok: why the owner could not be verified
}

// ownedByVerified is the decision: the rule owns the lock only when at
// least one of its owners verified. Otherwise it returns a note naming
// each owner checked and why it could not be verified.
func ownedByVerified(checks []ownerCheck) (bool, string) {
	var why []string
	for _, c := range checks {
		if c.ok {
			return true, ""
		}
		why = append(why, c.owner+" ("+c.why+")")
	}
	if len(why) == 0 {
		return false, "the rule names no owner"
	}
	return false, strings.Join(why, "; ")
}

// verifyLockOwner keeps ap.lockOwned only when some owner of the rule can
// review, once the pull request's own approvals would count (it changes
// the lock); otherwise it records in ap.ownerNote which owners and why.
func (r *run) verifyLockOwner(ctx context.Context, ap *approval) {
	if !ap.lockOwned || len(ap.lockChanged) == 0 {
		return
	}
	ap.lockOwned, ap.ownerNote = ownedByVerified(r.checkOwners(ctx, strings.Fields(ap.lockOwner)))
}

// checkOwners asks the API about the owners of the rule, stopping at the
// first that verifies, within a quarter of the time left of the run.
func (r *run) checkOwners(ctx context.Context, owners []string) []ownerCheck {
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = budget(ctx, dl.Sub(r.env.Now())/4, r.env.Now, r.env.After)
		defer cancel()
	}
	var g *gh
	if r.cfg.Token != "" {
		g, _ = r.api()
	}
	var out []ownerCheck
	for i, o := range owners {
		if i == maxOwnerChecks {
			out = append(out, ownerCheck{owner: fmt.Sprintf("%d more", len(owners)-i), why: "not checked"})
			break
		}
		c := ownerCheck{owner: o}
		c.ok, c.why = checkOwner(ctx, g, o)
		out = append(out, c)
		if c.ok {
			break
		}
	}
	return out
}

// checkOwner verifies one owner: a user through the collaborator
// permission API, a team through the team repository API. An e-mail
// address cannot be resolved through the API.
func checkOwner(ctx context.Context, g *gh, owner string) (bool, string) {
	name, isHandle := strings.CutPrefix(owner, "@")
	switch {
	case !isHandle:
		return false, "an e-mail owner cannot be verified through the API"
	case g == nil:
		return false, "no token to ask GitHub with"
	}
	if org, slug, isTeam := strings.Cut(name, "/"); isTeam {
		if !strings.EqualFold(org, g.owner) {
			return false, "a team of another organization than " + g.owner
		}
		return g.teamCanReview(ctx, slug)
	}
	perm, err := g.permission(ctx, name)
	switch {
	case err != nil:
		return false, apiWhy(err)
	case perm == PermNone:
		return false, "no such user, or not a collaborator of this repository"
	case permissionRank[perm] < permissionRank[PermWrite]:
		return false, "has " + string(perm) + " permission; a code owner needs write"
	}
	return true, ""
}

// teamCanReview asks GET /orgs/{org}/teams/{slug}/repos/{owner}/{repo}
// with the repository media type, whose answer (200) carries the team's
// permissions on the repository; 404 means no such team, or one without
// access. A 204 confirms access but not its level, so it does not verify.
func (g *gh) teamCanReview(ctx context.Context, slug string) (bool, string) {
	req, err := g.c.NewRequest(http.MethodGet, fmt.Sprintf("orgs/%s/teams/%s/repos/%s/%s",
		url.PathEscape(g.owner), url.PathEscape(slug), url.PathEscape(g.owner), url.PathEscape(g.repo)), nil)
	if err != nil {
		return false, apiWhy(err)
	}
	req.Header.Set("Accept", "application/vnd.github.v3.repository+json")
	var out struct {
		Permissions map[string]bool `json:"permissions"`
	}
	resp, err := g.c.Do(ctx, req, &out)
	switch {
	case statusOf(err) == http.StatusNotFound:
		return false, "no such team, or it has no access to this repository (or the token cannot see the team: HTTP 404)"
	case err != nil:
		return false, apiWhy(err)
	case resp.StatusCode != http.StatusOK:
		return false, fmt.Sprintf("GitHub answered HTTP %d without the team's permission level", resp.StatusCode)
	case out.Permissions["push"] || out.Permissions["maintain"] || out.Permissions["admin"]:
		return true, ""
	}
	return false, "the team has no write access to this repository; a code owner needs write"
}

// apiWhy says briefly why the API could not answer.
func apiWhy(err error) string {
	var rl *github.RateLimitError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, errAttemptTimeout):
		return "GitHub did not answer in time"
	case errors.As(err, &rl):
		return "GitHub's API rate limit was hit"
	case statusOf(err) != 0:
		return fmt.Sprintf("GitHub answered HTTP %d", statusOf(err))
	}
	return "GitHub could not be asked"
}
