package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
)

// gh is the part of the GitHub API the action uses.
type gh struct {
	c          *github.Client
	http       *http.Client
	graphqlURL string
	token      string
	owner      string
	repo       string
}

func newGitHub(httpClient *http.Client, apiURL, graphqlURL, token, repository string) (*gh, error) {
	owner, repo, ok := strings.Cut(repository, "/")
	if !ok {
		return nil, fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name", repository)
	}
	c := github.NewClient(httpClient).WithAuthToken(token)
	if apiURL != "" {
		u, err := url.Parse(strings.TrimSuffix(apiURL, "/") + "/")
		if err != nil {
			return nil, fmt.Errorf("GITHUB_API_URL: %w", err)
		}
		c.BaseURL = u
	}
	if graphqlURL == "" {
		graphqlURL = graphqlFor(c.BaseURL.String())
	}
	return &gh{c: c, http: httpClient, graphqlURL: graphqlURL, token: token, owner: owner, repo: repo}, nil
}

// graphqlFor derives the GraphQL endpoint from the REST one: GitHub.com
// serves https://api.github.com/graphql, GitHub Enterprise Server serves
// https://HOST/api/graphql next to its REST API at https://HOST/api/v3.
func graphqlFor(apiURL string) string {
	u := strings.TrimSuffix(apiURL, "/")
	if base, ok := strings.CutSuffix(u, "/api/v3"); ok {
		return base + "/api/graphql"
	}
	return u + "/graphql"
}

// identity returns the login of the token's user. The workflow token cannot
// call GET /user (403 "Resource not accessible by integration"), so on 403
// it asks GraphQL for the viewer, and failing that assumes the Actions bot.
func (g *gh) identity(ctx context.Context) (string, error) {
	u, _, err := g.c.Users.Get(ctx, "")
	if err == nil && u.GetLogin() != "" {
		return u.GetLogin(), nil
	}
	var er *github.ErrorResponse
	if err != nil && !(errors.As(err, &er) && er.Response.StatusCode == http.StatusForbidden) {
		return "", err
	}
	var out struct {
		Data struct {
			Viewer struct {
				Login string `json:"login"`
			} `json:"viewer"`
		} `json:"data"`
	}
	if g.graphql(ctx, "query { viewer { login } }", nil, &out) == nil && out.Data.Viewer.Login != "" {
		return out.Data.Viewer.Login, nil
	}
	return "github-actions[bot]", nil
}

// graphql posts one GraphQL request and decodes the answer into out.
func (g *gh) graphql(ctx context.Context, query string, vars map[string]string, out any) error {
	m := map[string]any{}
	for k, v := range vars {
		m[k] = v
	}
	return g.graphqlAny(ctx, query, m, out)
}

// graphqlAny is graphql with variables of any JSON type.
func (g *gh) graphqlAny(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.graphqlURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GraphQL: HTTP %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// ourComments lists the comments on the pull request that carry marker and
// were written by login, oldest first. A marker copied into someone else's
// comment is ignored.
func (g *gh) ourComments(ctx context.Context, number int, login, marker string) ([]*github.IssueComment, error) {
	var out []*github.IssueComment
	list := func(ctx context.Context, o *github.ListOptions) ([]*github.IssueComment, *github.Response, error) {
		return g.c.Issues.ListComments(ctx, g.owner, g.repo, number, &github.IssueListCommentsOptions{ListOptions: *o})
	}
	for c, err := range all(ctx, list) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(c.GetUser().GetLogin(), login) && hasMarker(c.GetBody(), marker) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetID() < out[j].GetID() })
	return out, nil
}

// ourCommentsWith is ourComments read again until the comment id shows
// (GitHub's lists may lag behind writes; everything written before it shows
// then too), at most maxRereads times.
func (r *run) ourCommentsWith(ctx context.Context, g *gh, number int, login, marker string, id int64) ([]*github.IssueComment, error) {
	return rereadUntil(ctx, r.env.Wait, func() ([]*github.IssueComment, error) { return g.ourComments(ctx, number, login, marker) },
		func(cs []*github.IssueComment) bool {
			return slices.ContainsFunc(cs, func(c *github.IssueComment) bool { return c.GetID() == id })
		})
}

// rereadUntil reads a list with read until shows says it holds what this
// run wrote, at most maxRereads times, waiting 100 ms, then twice as long
// each time, in between; the last read is returned either way.
func rereadUntil[T any](ctx context.Context, wait func(context.Context, time.Duration) error, read func() (T, error), shows func(T) bool) (T, error) {
	d := 100 * time.Millisecond
	for n := 1; ; n++ {
		v, err := read()
		if err != nil || n == maxRereads || shows(v) {
			return v, err
		}
		if err := wait(ctx, d); err != nil {
			var zero T
			return zero, err
		}
		d *= 2
	}
}

// hasMarker reports whether body starts with marker (which ends in "\n"),
// also when an edit in the browser turned its line end into "\r\n".
func hasMarker(body, marker string) bool {
	line := strings.TrimSuffix(marker, "\n")
	rest, ok := strings.CutPrefix(body, line)
	return ok && (rest == "" || strings.HasPrefix(rest, "\n") || strings.HasPrefix(rest, "\r\n"))
}

// statusOf returns the HTTP status of an API error, or 0.
func statusOf(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return http.StatusForbidden
	}
	var ar *github.AbuseRateLimitError
	if errors.As(err, &ar) {
		return http.StatusForbidden
	}
	return 0
}

// explain turns an API error met while doing what into a message that says
// what went wrong and what to change. The result is already in the outputs
// and summary when it is used.
func explain(err error, what string) string {
	var rl *github.RateLimitError
	var ar *github.AbuseRateLimitError
	var er *github.ErrorResponse
	msg := ""
	if errors.As(err, &er) && er.Message != "" {
		msg = er.Message
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return what + ": the run's time limit (input timeout) ran out before GitHub answered"
	case errors.Is(err, errAttemptTimeout):
		return what + ": " + errAttemptTimeout.Error()
	case errors.As(err, &rl), errors.As(err, &ar):
		return what + ": GitHub's API rate limit was hit and did not reset within the run's time limit"
	}
	switch statusOf(err) {
	case http.StatusUnauthorized:
		return what + ": the token was refused (HTTP 401, bad or expired credentials)"
	case http.StatusForbidden:
		if strings.Contains(strings.ToLower(msg), "rate limit") {
			return what + ": GitHub's API rate limit was hit (HTTP 403)"
		}
		return what + ": the token may not do this (HTTP 403: " + msg + "); a fork's read-only token, or a workflow without `permissions: pull-requests: write` (missing permission: pull-requests: write)"
	case http.StatusNotFound:
		return what + ": not found (HTTP 404); the pull request or comment is gone, or the token cannot see this repository (a private repository needs `contents: read`)"
	case http.StatusUnprocessableEntity:
		return what + ": GitHub refused the request (HTTP 422: " + msg + ")"
	case 0:
		return what + ": " + err.Error()
	default:
		return fmt.Sprintf("%s: GitHub answered HTTP %d (%s)", what, statusOf(err), msg)
	}
}

// minimize hides a comment as outdated (GraphQL minimizeComment).
func (g *gh) minimize(ctx context.Context, nodeID string) error {
	var out struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	err := g.graphql(ctx, "mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) { clientMutationId } }",
		map[string]string{"id": nodeID}, &out)
	if err == nil && len(out.Errors) > 0 {
		err = fmt.Errorf("minimizeComment: %s", out.Errors[0].Message)
	}
	return err
}

// permissionRank orders the permission levels, lowest first.
var permissionRank = map[Permission]int{PermNone: 0, PermRead: 1, PermTriage: 2, PermWrite: 3, PermMaintain: 4, PermAdmin: 5}

// permission returns the role of login on the repository (read, triage,
// write, maintain, admin, or none), from GET
// /repos/{owner}/{repo}/collaborators/{username}/permission. Someone who is
// not a collaborator (404) has none.
func (g *gh) permission(ctx context.Context, login string) (Permission, error) {
	req, err := g.c.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/collaborators/%s/permission",
		url.PathEscape(g.owner), url.PathEscape(g.repo), url.PathEscape(login)), nil)
	if err != nil {
		return "", err
	}
	var out struct {
		Permission Permission `json:"permission"`
		RoleName   Permission `json:"role_name"`
	}
	if _, err := g.c.Do(ctx, req, &out); err != nil {
		if statusOf(err) == http.StatusNotFound {
			return PermNone, nil
		}
		return "", err
	}
	// role_name tells triage from read and maintain from write; older
	// servers send only permission (admin, write, read, none).
	for _, p := range []Permission{out.RoleName, out.Permission} {
		if _, ok := permissionRank[p]; ok {
			return p, nil
		}
	}
	return PermNone, nil
}

// editors lists, for each node ID (issue or review comments), the actors
// other than login that ever edited it, from GraphQL's userContentEdits
// and editor: a comment anyone else has edited carries nothing the action
// may trust. An edit history longer than the pages read counts as edited
// by someone else (fail closed). gone holds the IDs GraphQL no longer
// resolves: comments deleted since they were listed (a concurrent run
// removing its copy, or a person), which the caller must drop. Any other
// GraphQL error fails.
func (g *gh) editors(ctx context.Context, ids []string, login string) (eds map[string][]string, gone map[string]bool, err error) {
	eds, gone = map[string][]string{}, map[string]bool{}
	for start := 0; start < len(ids); start += 100 {
		batch := ids[start:min(start+100, len(ids))]
		var resp struct {
			Data struct {
				Nodes []*commentEdits `json:"nodes"`
			} `json:"data"`
			Errors []graphqlError `json:"errors"`
		}
		const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Comment {
  editor { __typename login } lastEditedAt
  userContentEdits(first: 100) { pageInfo { hasNextPage endCursor } nodes { editor { __typename login } deletedBy { __typename login } } } } } }`
		if err := g.graphqlAny(ctx, q, map[string]any{"ids": batch}, &resp); err != nil {
			return nil, nil, err
		}
		if len(resp.Data.Nodes) != len(batch) {
			return nil, nil, fmt.Errorf("GraphQL: %d of %d comments answered", len(resp.Data.Nodes), len(batch))
		}
		missing, err := missingNodes(resp.Errors, len(batch))
		if err != nil {
			return nil, nil, err
		}
		for i, n := range resp.Data.Nodes {
			if n == nil && missing[i] {
				gone[batch[i]] = true
				continue
			}
			if n == nil || n.ID != batch[i] {
				return nil, nil, fmt.Errorf("GraphQL: comment %s not found", batch[i])
			}
			if err := g.moreEdits(ctx, n); err != nil {
				return nil, nil, err
			}
			if others := n.others(login); len(others) > 0 {
				eds[n.ID] = others
			}
		}
	}
	return eds, gone, nil
}

// graphqlError is one entry of a GraphQL answer's errors.
type graphqlError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	// Path is where in the answer it applies: ["nodes", 3].
	Path []any `json:"path"`
}

// missingNodes reads the errors of a nodes(ids:) answer of n nodes: it returns
// the indexes GitHub reports as NOT_FOUND (a node that no longer exists
// answers null, with that error at ["nodes", i]), and an error for any
// other entry.
func missingNodes(errs []graphqlError, n int) (map[int]bool, error) {
	missing := map[int]bool{}
	for _, e := range errs {
		i, ok := nodeIndex(e.Path, n)
		if e.Type != "NOT_FOUND" || !ok {
			return nil, fmt.Errorf("GraphQL: %s", e.Message)
		}
		missing[i] = true
	}
	return missing, nil
}

// nodeIndex reads a path ["nodes", i] with 0 <= i < n.
func nodeIndex(path []any, n int) (int, bool) {
	if len(path) != 2 || path[0] != "nodes" {
		return 0, false
	}
	f, ok := path[1].(float64)
	i := int(f)
	return i, ok && float64(i) == f && i >= 0 && i < n
}

// actor is a GraphQL Actor: a User, a Bot (whose REST login ends in
// "[bot]"), a Mannequin, or null for a deleted account.
type actor struct {
	Typename string `json:"__typename"`
	Login    string `json:"login"`
}

// is reports whether a is the identity login (as identity returns it): a
// REST "NAME[bot]" is the GraphQL Bot "NAME"; a login without the suffix
// (as GraphQL's viewer may name an app) matches a User or a Bot of that
// name.
func (a *actor) is(login string) bool {
	if a == nil {
		return false
	}
	name, bot := strings.CutSuffix(login, "[bot]")
	aname := strings.TrimSuffix(a.Login, "[bot]")
	switch {
	case !strings.EqualFold(aname, name):
		return false
	case bot:
		return a.Typename == "Bot"
	default:
		return a.Typename == "User" || a.Typename == "Bot"
	}
}

func (a *actor) String() string {
	if a == nil || a.Login == "" {
		return "a deleted account"
	}
	return "@" + a.Login
}

type commentEdits struct {
	ID           string `json:"id"`
	Editor       *actor `json:"editor"`
	LastEditedAt string `json:"lastEditedAt"`
	Edits        struct {
		PageInfo struct {
			HasNextPage bool   `json:"hasNextPage"`
			EndCursor   string `json:"endCursor"`
		} `json:"pageInfo"`
		Nodes []contentEdit `json:"nodes"`
	} `json:"userContentEdits"`
}

// contentEdit is one entry of a comment's edit history.
type contentEdit struct {
	Editor *actor `json:"editor"`
	// DeletedBy is set when someone deleted this revision from the
	// history (which write access allows); that hides nothing here.
	DeletedBy *actor `json:"deletedBy"`
}

// others lists the editors of c that are not login, in order, each once.
func (c *commentEdits) others(login string) []string {
	var out []string
	add := func(a *actor) {
		s := a.String()
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	if c.LastEditedAt != "" && !c.Editor.is(login) {
		add(c.Editor)
	}
	for _, e := range c.Edits.Nodes {
		if !e.Editor.is(login) {
			add(e.Editor)
		}
		if e.DeletedBy != nil && !e.DeletedBy.is(login) {
			add(e.DeletedBy)
		}
	}
	if c.Edits.PageInfo.HasNextPage {
		out = append(out, fmt.Sprintf("more edits than capgate reads (%d)", maxEditPages*100))
	}
	return out
}

// maxEditPages bounds the pages of one comment's edit history read.
const maxEditPages = 50

// edits returns an iterator over c's edit history: the page the batch
// query in editors read, then the rest a page at a time (pages).
func (g *gh) edits(ctx context.Context, c *commentEdits) iter.Seq2[contentEdit, error] {
	return pages(ctx, "", maxEditPages, func(ctx context.Context, after string) ([]contentEdit, string, bool, error) {
		if after == "" {
			return c.Edits.Nodes, c.Edits.PageInfo.EndCursor, c.Edits.PageInfo.HasNextPage, nil
		}
		var resp struct {
			Data struct {
				Node *commentEdits `json:"node"`
			} `json:"data"`
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		const q = `query($id: ID!, $after: String) { node(id: $id) { id ... on Comment {
  userContentEdits(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { editor { __typename login } deletedBy { __typename login } } } } } }`
		if err := g.graphqlAny(ctx, q, map[string]any{"id": c.ID, "after": after}, &resp); err != nil {
			return nil, "", false, err
		}
		if len(resp.Errors) > 0 || resp.Data.Node == nil {
			return nil, "", false, fmt.Errorf("GraphQL: the edit history of comment %s could not be read", c.ID)
		}
		pi := resp.Data.Node.Edits.PageInfo
		return resp.Data.Node.Edits.Nodes, pi.EndCursor, pi.HasNextPage, nil
	})
}

// moreEdits reads the rest of c's edit history into c. A history longer
// than maxEditPages pages keeps HasNextPage, which others counts as an
// edit by someone else (fail closed).
func (g *gh) moreEdits(ctx context.Context, c *commentEdits) error {
	var all []contentEdit
	for e, err := range g.edits(ctx, c) {
		if errors.Is(err, errTooManyPages) {
			c.Edits.Nodes, c.Edits.PageInfo.HasNextPage = all, true
			return nil
		}
		if err != nil {
			return err
		}
		all = append(all, e)
	}
	c.Edits.Nodes, c.Edits.PageInfo.HasNextPage = all, false
	return nil
}

// pageFetch fetches the page of a list at cursor at: its items, the next
// page's cursor, and whether there is a next page.
type pageFetch[T any, C comparable] func(ctx context.Context, at C) (items []T, next C, more bool, err error)

// errTooManyPages ends a list longer than its reader reads.
var errTooManyPages = errors.New("the list is longer than capgate reads")

// pages returns an iterator over every item of a paginated list, in the
// shape of go-github's iterators: `for item, err := range pages(...)`.
// fetch reads the page at a cursor, from first on, and names the next
// page's. At most limit pages are read, and a next cursor already read (a
// list that does not advance) ends the list: both, like a failed fetch,
// end it with an error, yielded once, last. The items yielded before it
// are only part of the list: a caller that meets the error uses none of
// them (fail closed). Empty pages are read through.
func pages[T any, C comparable](ctx context.Context, first C, limit int, fetch pageFetch[T, C]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[C]bool{}
		at := first
		for n := 1; ; n++ {
			seen[at] = true
			items, next, more, err := fetch(ctx, at)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			switch {
			case !more:
				return
			case seen[next]:
				yield(zero, fmt.Errorf("the next page of the list is one already read (%v)", next))
				return
			case n == limit:
				yield(zero, fmt.Errorf("%w (%d pages)", errTooManyPages, limit))
				return
			}
			at = next
		}
	}
}

// pageFunc fetches one page of a list: go-github's List* calls, closed
// over their arguments.
type pageFunc[T any] func(ctx context.Context, opts *github.ListOptions) ([]T, *github.Response, error)

// maxListPages bounds the pages of one REST list read (100 items each).
const maxListPages = 300

// all returns an iterator over every item of a REST list (pages), 100 at
// a time, following GitHub's Link headers: the cursor is the page number.
func all[T any](ctx context.Context, list pageFunc[T]) iter.Seq2[T, error] {
	return pages(ctx, 1, maxListPages, func(ctx context.Context, page int) ([]T, int, bool, error) {
		opts := &github.ListOptions{PerPage: 100}
		if page > 1 {
			opts.Page = page
		}
		items, resp, err := list(ctx, opts)
		if err != nil || resp == nil || resp.NextPage == 0 {
			return items, 0, false, err
		}
		return items, resp.NextPage, true, nil
	})
}
