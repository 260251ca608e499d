package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

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
		graphqlURL = strings.TrimSuffix(c.BaseURL.String(), "/") + "/graphql"
	}
	return &gh{c: c, http: httpClient, graphqlURL: graphqlURL, token: token, owner: owner, repo: repo}, nil
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
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	var out []*github.IssueComment
	for {
		cs, resp, err := g.c.Issues.ListComments(ctx, g.owner, g.repo, number, opts)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if strings.EqualFold(c.GetUser().GetLogin(), login) && strings.HasPrefix(c.GetBody(), marker) {
				out = append(out, c)
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetID() < out[j].GetID() })
	return out, nil
}

// permissionHint turns a 403 or 404 from the API into the permission the
// workflow is missing, or "".
func permissionHint(err error) string {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusForbidden, http.StatusNotFound:
			return "the token cannot write pull request comments (a fork's read-only token, or a workflow without `permissions: pull-requests: write`); the result is in the step summary and outputs"
		}
	}
	return ""
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
