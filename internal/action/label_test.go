package action

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var stateLineRE = regexp.MustCompile(`<!-- capgate-state:(\{[^<>]*\}) -->`)

// forge rewrites the state line of body with fn, as someone editing the
// comment through the API would.
func forge(t *testing.T, body string, fn func(d *stateDoc)) string {
	t.Helper()
	m := stateLineRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no state line in:\n%s", body)
	}
	var d stateDoc
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatal(err)
	}
	fn(&d)
	b, _ := json.Marshal(d)
	return strings.Replace(body, m[0], "<!-- capgate-state:"+string(b)+" -->", 1)
}

// TestEditedStateIsNotTrusted is issue 21, case 1: mallory (write access,
// which lets her edit anyone's comment) copies the pending rows into the
// recorded approved set after a push that widened more. The edited comment
// is not trusted: the label approves nothing, the comment and summary say
// who edited it, and the forgery is not saved again.
func TestEditedStateIsNotTrusted(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.inProcess(context.Background(), nil)
	f.gh.label("capgate:approve-widening")
	if res := f.inProcess(context.Background(), nil); res.code != ExitOK {
		t.Fatalf("labelled: exit %d", res.code)
	}
	f.push(map[string]string{"servers/gh/capgate.json": wider})
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Fatalf("a push that widens more: exit %d", res.code)
	}
	c := ours(f)
	f.gh.edit("mallory", c.ID, forge(t, c.Body, func(d *stateDoc) { d.Label = d.Rows }))
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || res.outputs["approved"] != "false" {
		t.Fatalf("the forged state approved: exit %d outputs %v\n%s", res.code, res.outputs, ours(f).Body)
	}
	body := ours(f).Body
	for where, s := range map[string]string{"comment": body, "summary": res.summary} {
		if !strings.Contains(s, "capgate's comment was edited by @\u200bmallory") && !strings.Contains(s, "capgate's comment was edited by @mallory") {
			t.Errorf("the %s does not say who edited the comment:\n%s", where, s)
		}
	}
	if ours(f).ID == c.ID {
		t.Errorf("the edited comment was kept; its history can never be trusted again")
	}
	// The fresh comment does not carry the forgery: a re-run still fails.
	if res := f.inProcess(context.Background(), nil); res.code != ExitFailed {
		t.Fatalf("re-run after the forgery: exit %d\n%s", res.code, res.stdout)
	}
	// A maintainer who re-applies the label approves what is shown now.
	f.gh.unlabel("capgate:approve-widening")
	f.gh.label("capgate:approve-widening")
	if res := f.inProcess(context.Background(), nil); res.code != ExitOK {
		t.Fatalf("after re-labelling: exit %d\n%s", res.code, ours(f).Body)
	}
}

// TestPlantedRowIsNotApproved is issue 21, case 1, the other way round:
// before the maintainer labels, mallory plants the key of a row she will
// push later in the comment's recorded rows.
func TestPlantedRowIsNotApproved(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.inProcess(context.Background(), nil)
	// The keys of the rows the later push will have.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "base/servers/gh/capgate.json"), baseManifest)
	writeFile(t, filepath.Join(dir, "head/servers/gh/capgate.json"), wider)
	later, err := diffDirs(dir, "base", "head", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := ours(f)
	f.gh.edit("mallory", c.ID, forge(t, c.Body, func(d *stateDoc) { d.Rows = strings.Join(pendingRows(later), "") }))
	f.gh.label("capgate:approve-widening")
	f.push(map[string]string{"servers/gh/capgate.json": wider})
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || res.outputs["approved"] != "false" || !strings.Contains(ours(f).Body, "mallory") {
		t.Fatalf("a planted row was approved: exit %d outputs %v\n%s", res.code, res.outputs, ours(f).Body)
	}
}

// TestWhoMayApprove is issue 21, case 4: the label counts only when
// applied by someone other than the pull request's author, with at least
// the permission allow-label-permission names (default write).
func TestWhoMayApprove(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, by, need string
		approves       bool
		says           string
	}{
		{"maintainer", "maintainer", "", true, ""},
		{"a writer who is not the author", "mallory", "", true, ""},
		{"the author", "contributor", "", false, "applied by the pull request's author"},
		{"the author, even with triage required", "contributor", "triage", false, "applied by the pull request's author"},
		{"triage below write", "triager", "", false, "whose permission on this repository is triage"},
		{"triage when triage is enough", "triager", "triage", true, ""},
		{"write below admin", "mallory", "admin", false, "whose permission on this repository is write"},
		{"not a collaborator", "passer-by", "", false, "whose permission on this repository is none"},
		{"the action's own identity", "github-actions[bot]", "", false, "applied by capgate's own identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
			if tc.need != "" {
				f.env["INPUT_ALLOW-LABEL-PERMISSION"] = tc.need
			}
			f.inProcess(context.Background(), nil)
			f.gh.labelBy(tc.by, "capgate:approve-widening")
			res := f.inProcess(context.Background(), nil)
			if got := res.code == ExitOK; got != tc.approves {
				t.Fatalf("labelled by %s: exit %d, want approved %v\n%s", tc.by, res.code, tc.approves, ours(f).Body)
			}
			if tc.says != "" && (!strings.Contains(ours(f).Body, tc.says) || !strings.Contains(res.summary, tc.says)) {
				t.Errorf("the comment and summary do not say %q:\n%s", tc.says, ours(f).Body)
			}
		})
	}
	t.Run("bad input", func(t *testing.T) {
		t.Parallel()
		f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
		f.env["INPUT_ALLOW-LABEL-PERMISSION"] = "read"
		if res := f.inProcess(context.Background(), nil); res.code != ExitError || !strings.Contains(res.stdout, "allow-label-permission") {
			t.Errorf("exit %d\n%s", res.code, res.stdout)
		}
	})
}

// TestAuthorReapplyingTheLabelApprovesNothing: the latest labeled event
// decides; the author re-applying a maintainer's label does not carry the
// maintainer's approval over to what the author pushed since.
func TestAuthorReapplyingTheLabelApprovesNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.inProcess(context.Background(), nil)
	f.gh.label("capgate:approve-widening")
	if res := f.inProcess(context.Background(), nil); res.code != ExitOK {
		t.Fatalf("labelled by the maintainer: exit %d", res.code)
	}
	f.push(map[string]string{"servers/gh/capgate.json": wider})
	f.inProcess(context.Background(), nil)
	f.gh.set(func(g *fakeGitHub) {
		g.labels = nil
		g.event("contributor", "unlabeled", "capgate:approve-widening")
	})
	f.gh.labelBy("contributor", "capgate:approve-widening")
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || !strings.Contains(ours(f).Body, "applied by the pull request's author") {
		t.Fatalf("the author's label approved: exit %d\n%s", res.code, ours(f).Body)
	}
}

// TestEditHistoryUnreadableApprovesNothing: when GraphQL cannot say who
// edited capgate's comment, the label approves nothing (fail closed) and
// the result says why.
func TestEditHistoryUnreadableApprovesNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.inProcess(context.Background(), nil)
	f.gh.label("capgate:approve-widening")
	f.gh.handle("POST /api/graphql", func(w http.ResponseWriter, r *http.Request, tok fakeToken) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "userContentEdits") {
			writeJSON(w, http.StatusOK, map[string]any{"data": nil, "errors": []map[string]string{{"message": "Something went wrong while executing your query."}}})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		f.gh.graphql(w, r, tok)
	})
	res := f.inProcess(context.Background(), nil)
	if res.code != ExitFailed || res.outputs["approved"] != "false" {
		t.Fatalf("approved without knowing who edited the comment: exit %d\n%s", res.code, res.stdout)
	}
	if !strings.Contains(res.summary, "could not check the approval label") || !strings.Contains(res.summary, "who edited") {
		t.Errorf("the summary does not say why:\n%s", res.summary)
	}
}

// TestEditedInlineCommentIsNotOurs: an inline comment of ours that someone
// else edited (here: its row key swapped for another row's) no longer
// counts as that row's comment; the row gets a fresh one.
func TestEditedInlineCommentIsNotOurs(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{"servers/gh/capgate.json": headManifest})
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	f.inProcess(context.Background(), nil)
	_, rcs := f.gh.inline()
	if len(rcs) != 2 {
		t.Fatalf("%d inline comments", len(rcs))
	}
	f.gh.set(func(g *fakeGitHub) {
		c := g.reviewComments[0]
		other := reviewMarkerRE.FindStringSubmatch(g.reviewComments[1].Body)[2]
		c.edits = []fakeEdit{{c.User.Login}, {"mallory"}}
		c.Body = reviewMarkerRE.ReplaceAllString(c.Body, "<!-- capgate-review:default:"+other+" -->\n")
	})
	f.inProcess(context.Background(), nil)
	_, rcs = f.gh.inline()
	if len(rcs) != 3 {
		t.Fatalf("%d inline comments, want the two of ours and mallory's edited one", len(rcs))
	}
	if !strings.Contains(rcs[2].Body, "uploads.github.com") {
		t.Errorf("the row whose comment mallory changed got no fresh one: %+v", rcs[2])
	}
}
