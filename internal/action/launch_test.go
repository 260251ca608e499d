package action

import (
	"context"
	"strings"
	"testing"
)

const bareMCP = `{
  "mcpServers": {
    "fetch": {"command": "uvx", "args": ["mcp-server-fetch"]}
  }
}
`

// TestLaunchConfigJudged: a pull request that only adds a launch config
// with a bare server fails the check, counts it in the outputs, annotates
// the entry's line and lists it in the comment.
func TestLaunchConfigJudged(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{".mcp.json": bareMCP})
	res := f.run()
	if res.code != ExitFailed {
		t.Fatalf("exit %d, want %d\n%s", res.code, ExitFailed, res.stdout)
	}
	if res.outputs["launch-widened-count"] != "1" || res.outputs["widened-count"] != "1" || res.outputs["widened"] != "true" {
		t.Errorf("outputs: %v", res.outputs)
	}
	if !strings.Contains(res.stdout, "file=.mcp.json,line=3") {
		t.Errorf("no annotation on the entry's line:\n%s", res.stdout)
	}
	cs, _ := f.gh.snapshot()
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "`.mcp.json`") || !strings.Contains(cs[0].Body, "runs bare") {
		t.Errorf("comment: %+v", cs)
	}
}

// TestLaunchConfigsOff: launch-configs: off reads none, so the same pull
// request changes nothing capgate judges.
func TestLaunchConfigsOff(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{".mcp.json": bareMCP})
	f.env["INPUT_LAUNCH-CONFIGS"] = "off"
	res := f.run()
	if res.code != ExitOK || res.outputs["launch-widened-count"] != "0" {
		t.Errorf("exit %d outputs %v\n%s", res.code, res.outputs, res.stdout)
	}
}

// TestLaunchReviewComment: the widened row of a launch config gets an
// inline review comment on the entry's line.
func TestLaunchReviewComment(t *testing.T) {
	t.Parallel()
	f := setup(t, map[string]string{".mcp.json": bareMCP})
	f.env["INPUT_REVIEW-COMMENTS"] = "true"
	f.inProcess(context.Background(), nil)
	f.gh.mu.Lock()
	defer f.gh.mu.Unlock()
	if f.gh.reviews != 1 || len(f.gh.reviewComments) != 1 {
		t.Fatalf("%d reviews, %d inline comments; want 1 and 1", f.gh.reviews, len(f.gh.reviewComments))
	}
	for _, c := range f.gh.reviewComments {
		if c.Path != ".mcp.json" || c.Line != 3 || !strings.Contains(c.Body, "runs bare") {
			t.Errorf("inline comment %+v", *c)
		}
	}
}
