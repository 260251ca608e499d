package action

import (
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// TestVerdict checks the pure decision table: fail-on, the label, the
// lock (Approved manifests) and the drift check.
func TestVerdict(t *testing.T) {
	t.Parallel()
	widened := func(approved bool) *diff.Result {
		return &diff.Result{Counts: diff.Counts{Widened: 1}, Manifests: []diff.ManifestDiff{{Path: "a", Status: diff.StatusModified, Approved: approved,
			Changes: []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", Side: "head"}}}}}
	}
	none := &diff.Result{}
	fo, _ := diff.ParseFailOn("widened,error")
	never, _ := diff.ParseFailOn("never")
	for _, tc := range []struct {
		name             string
		res              *diff.Result
		failOn           diff.FailOn
		byLabel, driftOK bool
		code             int
		approved, needs  bool
	}{
		{"unapproved widening fails and needs approval", widened(false), fo, false, true, ExitFailed, false, true},
		{"the label approves", widened(false), fo, true, true, ExitOK, true, false},
		{"the lock approves", widened(true), fo, false, true, ExitOK, true, false},
		{"fail-on never passes, unapproved", widened(false), never, false, true, ExitOK, false, false},
		{"drift fails even when approved", widened(true), fo, false, false, ExitFailed, true, false},
		{"nothing widened is not approved", none, fo, true, true, ExitOK, false, false},
		{"drift alone fails", none, fo, false, false, ExitFailed, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, approved, needs := verdict(tc.res, tc.failOn, tc.byLabel, tc.driftOK)
			if code != tc.code || approved != tc.approved || needs != tc.needs {
				t.Errorf("verdict = %d, approved %v, needs approval %v; want %d, %v, %v", code, approved, needs, tc.code, tc.approved, tc.needs)
			}
		})
	}
}

// TestEditorsOfAComment: who counts as someone else in a comment's edit
// history (GraphQL actors: an app's REST login "NAME[bot]" is the Bot
// "NAME"; a deleted account is null).
func TestEditorsOfAComment(t *testing.T) {
	t.Parallel()
	bot := &actor{Typename: "Bot", Login: "github-actions"}
	user := func(l string) *actor { return &actor{Typename: "User", Login: l} }
	type edit = contentEdit
	for _, tc := range []struct {
		name  string
		c     commentEdits
		login string
		want  string
	}{
		{"never edited", commentEdits{}, "github-actions[bot]", ""},
		{"edited by us", commentEdits{Editor: bot, LastEditedAt: "x"}, "github-actions[bot]", ""},
		{"a user named like the bot", commentEdits{Editor: user("github-actions"), LastEditedAt: "x"}, "github-actions[bot]", "@github-actions"},
		{"an earlier edit by mallory", commentEdits{Editor: bot, LastEditedAt: "x"}, "github-actions[bot]", "@mallory"},
		{"a revision deleted by mallory", commentEdits{Editor: bot, LastEditedAt: "x"}, "github-actions[bot]", "@mallory"},
		{"a deleted account", commentEdits{Editor: nil, LastEditedAt: "x"}, "github-actions[bot]", "a deleted account"},
		{"a PAT user", commentEdits{Editor: user("octo"), LastEditedAt: "x"}, "octo", ""},
		{"another bot for a PAT user", commentEdits{Editor: &actor{Typename: "Bot", Login: "other"}, LastEditedAt: "x"}, "octo", "@other"},
	} {
		switch tc.name {
		case "an earlier edit by mallory":
			tc.c.Edits.Nodes = []edit{{Editor: bot}, {Editor: user("mallory")}}
		case "a revision deleted by mallory":
			tc.c.Edits.Nodes = []edit{{Editor: bot, DeletedBy: user("mallory")}}
		}
		got := strings.Join(tc.c.others(tc.login), ", ")
		if got != tc.want {
			t.Errorf("%s: others = %q, want %q", tc.name, got, tc.want)
		}
	}
}
