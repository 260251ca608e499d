package action

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/report"
)

// TestLockOwnersMustBeAbleToReview: "The people you choose as code owners
// must have write permissions for the repository. When the code owner is a
// team, that team must be visible and it must have write permissions"
// (aboutCodeOwners). A rule whose owners GitHub cannot assign leaves the
// lock without a code owner, so the pull request's own lock approval
// counts only when the API confirms some owner of the rule can review.
func TestLockOwnersMustBeAbleToReview(t *testing.T) {
	t.Parallel()
	forbidden := func(w http.ResponseWriter, _ *http.Request, _ fakeToken) {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"})
	}
	for _, tc := range []struct {
		name, owners string
		routes       map[string]fakeHandler
		counts       bool
		why          string // in the comment when it does not count
	}{
		{name: "writer", owners: "@mallory", counts: true},
		{name: "team with write access", owners: "@octo/security", counts: true},
		{name: "one real owner among unknown ones", owners: "@ghost @octo/security", counts: true},
		{name: "nonexistent user", owners: "@ghost", why: "@ghost (no such user, or not a collaborator of this repository)"},
		{name: "read only", owners: "@reader", why: "@reader (has read permission; a code owner needs write)"},
		{name: "triage only", owners: "@triager", why: "@triager (has triage permission; a code owner needs write)"},
		{name: "team without access", owners: "@octo/no-such-team", why: "@octo/no-such-team (no such team, or it has no access"},
		{name: "team with read access", owners: "@octo/readers", why: "@octo/readers (the team has no write access"},
		{name: "team of another organization", owners: "@other/security", why: "a team of another organization than octo"},
		{name: "e-mail owner", owners: "sec@example.com", why: "an e-mail owner cannot be verified through the API"},
		{name: "permission API 403", owners: "@mallory", why: "@mallory (GitHub answered HTTP 403)",
			routes: map[string]fakeHandler{"GET " + repoPath + "/collaborators/{user}/permission": forbidden}},
		{name: "team API 403", owners: "@octo/security", why: "@octo/security (GitHub answered HTTP 403)",
			routes: map[string]fakeHandler{"GET /api/v3/orgs/{org}/teams/{team}/repos/octo/servers": forbidden}},
		{name: "team API 204", owners: "@octo/security", why: "HTTP 204 without the team's permission level",
			routes: map[string]fakeHandler{"GET /api/v3/orgs/{org}/teams/{team}/repos/octo/servers": func(w http.ResponseWriter, _ *http.Request, _ fakeToken) {
				w.WriteHeader(http.StatusNoContent)
			}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, nil)
			f.gh.perms["reader"] = "read"
			f.gh.teams["octo/readers"] = "pull"
			for p, h := range tc.routes {
				f.gh.handle(p, h)
			}
			writeFile(t, filepath.Join(f.origin, ".github/CODEOWNERS"), "/capgate.lock "+tc.owners+"\n")
			git(t, f.origin, "add", "-A")
			git(t, f.origin, "commit", "-q", "-m", "owners")
			f.base = git(t, f.origin, "rev-parse", "HEAD")
			f.push(map[string]string{"servers/gh/capgate.json": headManifest})
			f.push(map[string]string{"capgate.lock": lockFor(headHash(t, f))})
			res := f.inProcess(context.Background(), nil)
			body := ours(f).Body
			if tc.counts {
				if res.code != ExitOK || res.outputs["approved"] != "true" || !strings.Contains(body, "CODEOWNERS requires a review by") {
					t.Fatalf("owners %q: exit %d outputs %v\n%s", tc.owners, res.code, res.outputs, body)
				}
				return
			}
			if res.code != ExitFailed || res.outputs["approved"] != "false" {
				t.Fatalf("owners %q were taken as owning the lock: exit %d outputs %v\n%s", tc.owners, res.code, res.outputs, res.stdout)
			}
			// A rule covers the lock: no part of the report may say there
			// is none (the next step names the unverified owners instead).
			if strings.Contains(body, "no CODEOWNERS rule") || !strings.Contains(body, "**Next step:** `capgate.lock` in this pull request approves the widening, but the CODEOWNERS rule on the base branch that covers `capgate.lock` names no owner capgate could verify") {
				t.Errorf("owners %q: the next step does not name the rule's unverified owners:\n%s", tc.owners, body)
			}
			// The comment and summary are Markdown: the owners in them are
			// escaped (report.Text).
			for _, where := range []struct{ name, text, why string }{
				{"comment", body, report.Text(tc.why)}, {"log", res.stdout, tc.why}, {"summary", res.summary, report.Text(tc.why)},
			} {
				if !strings.Contains(where.text, "names no owner capgate could verify") || !strings.Contains(where.text, where.why) {
					t.Errorf("the %s does not say which owner could not be verified and why (%q):\n%s", where.name, where.why, where.text)
				}
			}
		})
	}
}

// TestOwnedByVerified is the decision alone: one verified owner suffices;
// otherwise every owner checked is named with its reason.
func TestOwnedByVerified(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		checks []ownerCheck
		owned  bool
		note   string
	}{
		{nil, false, "the rule names no owner"},
		{[]ownerCheck{{owner: "@a", why: "x"}}, false, "@a (x)"},
		{[]ownerCheck{{owner: "@a", why: "x"}, {owner: "b@c.d", why: "y"}}, false, "@a (x); b@c.d (y)"},
		{[]ownerCheck{{owner: "@a", why: "x"}, {owner: "@b", ok: true}}, true, ""},
	} {
		owned, note := ownedByVerified(tc.checks)
		if owned != tc.owned || note != tc.note {
			t.Errorf("ownedByVerified(%v) = %v, %q; want %v, %q", tc.checks, owned, note, tc.owned, tc.note)
		}
	}
}
