package action

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/report"
)

// reviewMarker starts every inline comment of ours: the key and the row
// key, so a later run knows which rows already have a comment.
func reviewMarker(key, row string) string {
	return "<!-- capgate-review:" + key + ":" + row + " -->\n"
}

var reviewMarkerRE = regexp.MustCompile(`^<!-- capgate-review:([A-Za-z0-9_.-]+):([0-9a-f]{32}) -->\r?\n`)

// fixedMark ends a review comment whose row is gone; such comments are left
// alone.
const fixedMark = "<!-- capgate-review-fixed -->"

// maxInline bounds the inline comments one run posts.
const maxInline = 50

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

// lineMap maps the lines of one text onto another through a line diff
// (diff.Unified with the whole file as context): m[i] is the line of b
// that line i of a is, for the lines the two share; a line of a that the
// diff removes has none.
func lineMap(a, b string) map[int]int {
	m := map[int]int{}
	if a == b {
		for i := range strings.Count(a, "\n") + 1 {
			m[i+1] = i + 1
		}
		return m
	}
	ia, ib := 1, 1
	for _, l := range strings.Split(diff.Unified(a, b, 1<<30), "\n") {
		if l == "" {
			continue
		}
		switch l[0] {
		case ' ':
			m[ia] = ib
			ia, ib = ia+1, ib+1
		case '-':
			ia++
		case '+':
			ib++
		}
	}
	return m
}

// reviewRow is one widened or loud change, placed on the pull request
// head's file: line is 0 when the change's line is not in that file.
type reviewRow struct {
	key, path string
	line      int
	body      string
}

// ourReview is one of the action's inline comments.
type ourReview struct {
	id     int64
	nodeID string
	row    string
	fixed  bool
	body   string
}

// reviewPlan is what one run does to the inline comments.
type reviewPlan struct {
	create  []reviewRow // rows inside the diff without a comment of ours
	resolve []ourReview // comments whose row is gone: hidden and marked fixed
	remove  []ourReview // extra copies of a row's comment (concurrent runs)
}

// planReview decides the inline comments: each current row inside the
// diff's right side (inDiff: path → lines) gets one comment, unless one
// of ours (mine) has it; of several comments for one row the oldest stays
// and the rest are removed; comments of rows no longer current are
// resolved. At most limit comments are created. It is pure.
func planReview(rows []reviewRow, inDiff map[string]map[int]bool, mine []ourReview, limit int) reviewPlan {
	var p reviewPlan
	current := map[string]bool{}
	for _, r := range rows {
		current[r.key] = true
	}
	have := map[string]bool{}
	// Oldest first: comment ids grow with time.
	for _, o := range sortedReviews(mine) {
		switch {
		case o.fixed:
		case have[o.row]:
			p.remove = append(p.remove, o)
		case !current[o.row]:
			p.resolve = append(p.resolve, o)
		default:
			have[o.row] = true
		}
	}
	for _, r := range rows {
		if have[r.key] || r.line <= 0 || !inDiff[r.path][r.line] || len(p.create) >= limit {
			continue
		}
		have[r.key] = true
		p.create = append(p.create, r)
	}
	return p
}

func sortedReviews(mine []ourReview) []ourReview {
	out := append([]ourReview(nil), mine...)
	slices.SortStableFunc(out, func(a, b ourReview) int { return cmp.Compare(a.id, b.id) })
	return out
}

// review puts an inline comment on the manifest line of each widened or
// loud change inside the pull request's diff, skipping rows that already
// have one of ours; comments of ours whose row is gone are hidden as
// outdated and marked fixed. Lines are those of the pull request head's
// file (the run may compare GitHub's merge commit), and a comment goes only
// where GitHub accepts one: the right side of a hunk of the pull request's
// own diff, at the head commit. Each comment is posted on its own and then
// the list is read again, so that concurrent runs leave one comment per row
// (the oldest). Changes outside the diff stay in the sticky comment only.
func (r *run) review(ctx context.Context, res *diff.Result, t target) error {
	if !shaRE.MatchString(t.prHead) {
		return nil // no head commit to comment on
	}
	if t.head == "" {
		// Post mode with a report for another commit than the pull
		// request's head (the merge commit): its lines cannot be placed.
		r.a.Noticef("capgate: no inline comments: the report's lines are those of %s, not of the pull request's head; the sticky comment lists every change", report.Code("merge commit"))
		return nil
	}
	g, err := r.api()
	if err != nil {
		return err
	}
	login, err := g.identity(ctx)
	if err != nil {
		return err
	}
	inDiff, err := g.rightSides(ctx, t.prNumber)
	if err != nil {
		return err
	}
	mine, err := r.ourReviews(ctx, g, t.prNumber, login)
	if err != nil {
		return err
	}
	rows, err := r.reviewRows(ctx, res, t, r.dir)
	if err != nil {
		return err
	}
	plan := planReview(rows, inDiff, mine, maxInline)
	refused := 0
	var created []int64
	for _, row := range plan.create {
		c, _, err := g.c.PullRequests.CreateComment(ctx, g.owner, g.repo, t.prNumber, &github.PullRequestComment{
			Body: github.String(row.body), CommitID: github.String(t.prHead), Path: github.String(row.path),
			Line: github.Int(row.line), Side: github.String("RIGHT")})
		switch {
		case statusOf(err) == 422:
			refused++ // GitHub cannot place it after all: the sticky comment has it
		case err != nil:
			return err
		default:
			created = append(created, c.GetID())
		}
	}
	if len(created) > 0 {
		// Read again, until what this run wrote shows, and drop the copies
		// that concurrent runs wrote.
		if mine, err = r.reread(ctx, g, t.prNumber, login, created); err != nil {
			return err
		}
		plan.remove = planReview(rows, inDiff, mine, 0).remove
	}
	if err := r.applyReview(ctx, g, plan, t); err != nil {
		return err
	}
	if refused > 0 {
		r.a.Noticef("capgate: GitHub refused %d inline comment(s) (the line is not in the pull request's diff); the sticky comment lists every change", refused)
	}
	return nil
}

// maxRereads bounds the reads of a list that lags behind this run's own
// writes.
const maxRereads = 6

// reread lists our inline comments until all of ids show (GitHub's lists
// may lag behind writes): everything written before them shows then too.
func (r *run) reread(ctx context.Context, g *gh, number int, login string, ids []int64) ([]ourReview, error) {
	return rereadUntil(ctx, r.env.Wait, func() ([]ourReview, error) { return r.ourReviews(ctx, g, number, login) },
		func(mine []ourReview) bool {
			seen := map[int64]bool{}
			for _, o := range mine {
				seen[o.id] = true
			}
			for _, id := range ids {
				if !seen[id] {
					return false
				}
			}
			return true
		})
}

// applyReview removes extra copies and resolves the comments of rows that
// are gone.
func (r *run) applyReview(ctx context.Context, g *gh, plan reviewPlan, t target) error {
	for _, o := range plan.remove {
		if _, err := g.c.PullRequests.DeleteComment(ctx, g.owner, g.repo, o.id); err != nil && !isNotFound(err) {
			return err
		}
	}
	for _, o := range plan.resolve {
		if err := g.minimize(ctx, o.nodeID); err != nil {
			return err
		}
		body := o.body + "\n\n✅ No longer in the change (head " + report.Code(short(t.prHead, "")) + ").\n" + fixedMark
		if _, _, err := g.c.PullRequests.EditComment(ctx, g.owner, g.repo, o.id, &github.PullRequestComment{Body: &body}); err != nil && !isNotFound(err) {
			return err
		}
	}
	return nil
}

// rightSides returns, for each file of the pull request's diff, the lines
// of its right side that lie in a hunk.
func (g *gh) rightSides(ctx context.Context, number int) (map[string]map[int]bool, error) {
	inDiff := map[string]map[int]bool{}
	files := func(ctx context.Context, o *github.ListOptions) ([]*github.CommitFile, *github.Response, error) {
		return g.c.PullRequests.ListFiles(ctx, g.owner, g.repo, number, o)
	}
	for f, err := range all(ctx, files) {
		if err != nil {
			return nil, err
		}
		inDiff[f.GetFilename()] = rightLines(f.GetPatch())
	}
	return inDiff, nil
}

// ourReviews lists the inline comments of ours for this key that no one
// else has edited (an edited one's row key cannot be trusted, so it is
// treated as someone else's).
func (r *run) ourReviews(ctx context.Context, g *gh, number int, login string) ([]ourReview, error) {
	var mine []ourReview
	list := func(ctx context.Context, o *github.ListOptions) ([]*github.PullRequestComment, *github.Response, error) {
		return g.c.PullRequests.ListComments(ctx, g.owner, g.repo, number, &github.PullRequestListCommentsOptions{ListOptions: *o})
	}
	for c, err := range all(ctx, list) {
		if err != nil {
			return nil, err
		}
		m := reviewMarkerRE.FindStringSubmatch(c.GetBody())
		if m == nil || m[1] != r.cfg.Key || !strings.EqualFold(c.GetUser().GetLogin(), login) {
			continue
		}
		mine = append(mine, ourReview{id: c.GetID(), nodeID: c.GetNodeID(), row: m[2], fixed: strings.Contains(c.GetBody(), fixedMark), body: c.GetBody()})
	}
	ids := make([]string, len(mine))
	for i, o := range mine {
		ids[i] = o.nodeID
	}
	eds, gone, err := g.editors(ctx, ids, login)
	if err != nil {
		return nil, err
	}
	// A comment deleted since it was listed (a concurrent run removing its
	// copy) is not one of ours any more.
	trusted := mine[:0]
	for _, o := range mine {
		if len(eds[o.nodeID]) == 0 && !gone[o.nodeID] {
			trusted = append(trusted, o)
		}
	}
	return trusted, nil
}

// reviewRows returns the widened and loud changes of the head side, with
// their lines moved onto the pull request head's files when the run
// compared another commit (the merge commit of a pull_request run).
func (r *run) reviewRows(ctx context.Context, res *diff.Result, t target, dir string) ([]reviewRow, error) {
	type cand struct {
		m *diff.ManifestDiff
		c *diff.Change
	}
	var cands []cand
	paths := map[string]bool{}
	for i := range res.Manifests {
		m := &res.Manifests[i]
		for j := range m.Changes {
			if c := &m.Changes[j]; (c.Severity == diff.Widened || c.Loud) && c.Side == diff.SideHead && c.Line > 0 {
				cands = append(cands, cand{m, c})
				paths[m.Path] = true
			}
		}
	}
	maps := map[string]map[int]int{}
	if t.head != t.prHead && len(cands) > 0 {
		var err error
		if maps, err = headLineMaps(ctx, dir, t.head, t.prHead, paths); err != nil {
			return nil, err
		}
	}
	rows := make([]reviewRow, 0, len(cands))
	for _, x := range cands {
		row := reviewRow{key: rowKey(x.m, x.c), path: x.m.Path, line: x.c.Line}
		if t.head != t.prHead {
			row.line = maps[x.m.Path][x.c.Line]
		}
		row.body = reviewMarker(r.cfg.Key, row.key) + reviewText(x.m, x.c, r.cfg)
		rows = append(rows, row)
	}
	return rows, nil
}

// headLineMaps maps, for each of paths, the lines of the compared head
// (compared) onto the pull request head's file (prHead), which it fetches
// when the clone lacks it.
func headLineMaps(ctx context.Context, dir, compared, prHead string, paths map[string]bool) (map[string]map[int]int, error) {
	if _, err := ensureCommit(ctx, dir, prHead); err != nil {
		return nil, err
	}
	a, err := readPaths(ctx, dir, compared, paths)
	if err != nil {
		return nil, err
	}
	b, err := readPaths(ctx, dir, prHead, paths)
	if err != nil {
		return nil, err
	}
	maps := map[string]map[int]int{}
	for p := range paths {
		if ta, ok := a[p]; ok {
			if tb, ok := b[p]; ok {
				maps[p] = lineMap(ta, tb)
			}
		}
	}
	return maps, nil
}

// readPaths reads the files at paths (from the repository root) in rev.
func readPaths(ctx context.Context, dir, rev string, paths map[string]bool) (map[string]string, error) {
	side, err := source.Open(ctx, dir, rev, true)
	if err != nil {
		return nil, err
	}
	var pats []string
	for p := range paths {
		pats = append(pats, source.LiteralPattern(p))
	}
	m, err := source.NewMatcher(pats)
	if err != nil {
		return nil, err
	}
	files, err := side.Read(ctx, m)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range files {
		if f.Err == nil && paths[f.Path] {
			out[f.Path] = string(f.Data)
		}
	}
	return out, nil
}

// reviewText is the inline comment on one change, escaped like the sticky
// comment.
func reviewText(m *diff.ManifestDiff, c *diff.Change, cfg Config) string {
	var b strings.Builder
	sev := "Widened"
	if c.Loud {
		sev = "🚨 Grants control of the host"
	}
	fmt.Fprintf(&b, "**capgate: %s** — %s · %s: %s → %s\n\n%s\n", sev, report.Text(string(c.Kind)), report.Text(strings.ReplaceAll(string(c.Target), ",", ", ")),
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
