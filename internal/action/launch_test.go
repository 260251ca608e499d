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

// TestLabelThenLaunchChangeFails: a maintainer labels a launch config; a
// later push changes what it launches. The label approved the launch the
// comment showed, so it no longer approves:
//   - shell string: a server run through a harmless shell string, then
//     another string. The widened rows must not keep their keys (the
//     comment named the old string).
//   - settings outside: an srt entry whose settings file outside the
//     repository cannot be judged, then another such file. The row says
//     which file, so it is another row.
//   - image swap: the docker socket mounted into one image, then another
//     image with the same mount. The widened row reads the same (the
//     mount), but any change to the launch config voids the label.
func TestLabelThenLaunchChangeFails(t *testing.T) {
	t.Parallel()
	shell := func(s string) string {
		return `{"mcpServers": {"tools": {"command": "sh", "args": ["-c", "` + s + `"]}}}` + "\n"
	}
	srt := func(settings string) string {
		return `{"mcpServers": {"tools": {"command": "srt", "args": ["-s", "` + settings + `", "node", "server.js"]}}}` + "\n"
	}
	docker := func(img string) string {
		return `{"mcpServers": {"ci": {"command": "docker", "args": ["run", "-i", "--rm", "-v", "/var/run/docker.sock:/var/run/docker.sock", "` + img + `"]}}}` + "\n"
	}
	for _, tc := range []struct {
		name, before, after string
		never               string // what the label never saw
		shows               string // in the comment after the push, if set
	}{
		{"shell string", shell("echo hello"), shell("docker run --privileged -v /:/host img"), "a shell string", "docker run --privileged"},
		{"settings outside", srt("/etc/srt/settings.json"), srt("/home/mallory/srt.json"), "a settings file", ""},
		{"image swap", docker("ghcr.io/trusted/ci:1"), docker("ghcr.io/mallory/ci:1"), "the socket for an image", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, map[string]string{".mcp.json": tc.before})
			f.inProcess(context.Background(), nil)
			f.gh.label("capgate:approve-widening")
			if res := f.inProcess(context.Background(), nil); res.code != ExitOK {
				t.Fatalf("labelled: exit %d\n%s", res.code, ours(f).Body)
			}
			f.push(map[string]string{".mcp.json": tc.after})
			res := f.inProcess(context.Background(), nil)
			if res.code != ExitFailed || res.outputs["approved"] != "false" {
				t.Fatalf("the label approved %s it never saw: exit %d outputs %v\n%s", tc.never, res.code, res.outputs, ours(f).Body)
			}
			if body := ours(f).Body; tc.shows != "" && !strings.Contains(body, tc.shows) {
				t.Errorf("the comment does not show %q:\n%s", tc.shows, body)
			}
		})
	}
}
