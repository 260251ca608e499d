package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// TestLinkRetargeted: a symbolic link out of the tree that a launch config
// reads (an srt settings file, an env file, a plugin's servers file, a
// mount source) retargeted from one outside place to another is a widened
// row: the client reads the target. The link's target was in nothing
// compared, so /opt/safe turned into /etc showed no change. An unchanged
// link stays quiet, also between a commit and a directory.
func TestLinkRetargeted(t *testing.T) {
	t.Parallel()
	requireGit(t)
	for _, tc := range []struct {
		name  string
		files map[string]node
		link  string
	}{
		{"srt settings", map[string]node{
			".mcp.json": {data: `{"mcpServers": {"s": {"command": "srt", "args": ["--settings", "srt.json", "npx", "pkg"]}}}`},
		}, "srt.json"},
		{"env file", map[string]node{
			".mcp.json": {data: `{"mcpServers": {"s": {"command": "docker", "args": ["run", "--env-file", "./env.list", "img"]}}}`},
		}, "env.list"},
		{"plugin servers file", map[string]node{
			"plug/.claude-plugin/plugin.json": {data: `{"mcpServers": "./servers.json"}`},
		}, "plug/servers.json"},
		{"mount source", map[string]node{
			".mcp.json": {data: `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", "./data:/d:ro", "img"]}}}`},
		}, "data"},
		{"directory above a mount source", map[string]node{
			".mcp.json": {data: `{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", "./data/sub:/d:ro", "img"]}}}`},
		}, "data"},
		{"srt settings under a linked directory", map[string]node{
			".mcp.json": {data: `{"mcpServers": {"s": {"command": "srt", "args": ["--settings", "cfg/srt.json", "npx", "pkg"]}}}`},
		}, "cfg"},
		{"through a link of the tree", map[string]node{
			".mcp.json": {data: `{"mcpServers": {"s": {"command": "srt", "args": ["--settings", "srt.json", "npx", "pkg"]}}}`},
			"srt.json":  {link: "hop.json"},
		}, "hop.json"},
		// 40 links (Linux's MAXSYMLINKS: the kernel follows them all), the
		// last retargeted; kept to 8 targets, the chain was the same.
		{"through a chain of 40 links of the tree", linkChainTree(40), "h39"},
		// The link's own target is the same; the directory link on its
		// way, which the client follows, is retargeted.
		{"through a linked directory a link's target names", map[string]node{
			".mcp.json": {data: `{"mcpServers": {"s": {"command": "srt", "args": ["--settings", "srt.json", "npx", "pkg"]}}}`},
			"srt.json":  {link: "d/srt.json"},
		}, "d"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := makeTree(t, tc.files)
			runGit(t, root, "init", "-q", "-b", "main")
			commit := func(target string) string {
				p := filepath.Join(root, filepath.FromSlash(tc.link))
				os.Remove(p)
				if err := os.Symlink(target, p); err != nil {
					t.Fatal(err)
				}
				runGit(t, root, "add", "-A")
				runGit(t, root, "commit", "-q", "--allow-empty", "-m", target)
				return runGit(t, root, "rev-parse", "HEAD")
			}
			base := commit("/opt/safe")
			same := commit("/opt/safe")
			head := commit("/etc")
			for _, sides := range []struct {
				base, head string
				widened    bool
			}{
				{base, same, false},
				{base, root, true},
				{same, head, true},
				{head, root, false},
				{base, head, true},
			} {
				in, err := ReadSides(context.Background(), Options{Dir: root, Base: sides.base, Head: sides.head})
				if err != nil {
					t.Fatal(err)
				}
				r, err := diff.Run(in)
				if err != nil {
					t.Fatal(err)
				}
				c, _ := diff.Tally(r.Manifests)
				if got := c.Widened > 0; got != sides.widened {
					t.Errorf("%.7s to %.7s: widened %d, want a row %t: %+v", sides.base, filepath.Base(sides.head), c.Widened, sides.widened, r.Manifests)
				}
				// What the client reads is outside the repository: host
				// control, so fail-on loud fails the retarget too.
				if got := c.Loud > 0; got != sides.widened {
					t.Errorf("%.7s to %.7s: loud %d, want a loud row %t: %+v", sides.base, filepath.Base(sides.head), c.Loud, sides.widened, r.Manifests)
				}
				if sides.widened && !strings.Contains(fmt.Sprint(r.Manifests), `"/etc"`) {
					t.Errorf("%.7s to %.7s: no row names the target \"/etc\": %+v", sides.base, filepath.Base(sides.head), r.Manifests)
				}
			}
		})
	}
}

// TestPluginRootMCPRead: the servers of a plugin's root .mcp.json are read
// as the plugin's too, with the files they read: an srt settings file at
// ${CLAUDE_PLUGIN_ROOT}/srt.json edited to allow writing ~ is a widened
// row (read as a project's file only, ${CLAUDE_PLUGIN_ROOT} was any path,
// the settings unread on both sides), on both kinds of side.
func TestPluginRootMCPRead(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		"plug/.claude-plugin/plugin.json": {data: `{"name": "p"}`},
		"plug/.mcp.json":                  {data: `{"mcpServers": {"s": {"command": "srt", "args": ["-s", "${CLAUDE_PLUGIN_ROOT}/srt.json", "npx", "pkg"]}}}`},
		"plug/srt.json":                   {data: `{"filesystem": {"allowWrite": ["/tmp/x"]}}`},
	})
	base := commitTree(t, root)
	if err := os.WriteFile(filepath.Join(root, "plug", "srt.json"), []byte(`{"filesystem": {"allowWrite": ["~"]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, root, "commit", "-q", "-am", "head")
	head := runGit(t, root, "rev-parse", "HEAD")
	for _, h := range []string{head, root} {
		in, err := ReadSides(context.Background(), Options{Dir: root, Base: base, Head: h})
		if err != nil {
			t.Fatal(err)
		}
		r, err := diff.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := diff.Tally(r.Manifests)
		if c.Widened == 0 || !strings.Contains(fmt.Sprint(r.Manifests), "~") {
			t.Errorf("head %s: no widened row for ~: %+v", filepath.Base(h), r.Manifests)
		}
	}
}

// linkChainTree is a tree whose srt settings file srt.json is the first of
// n links, each to the next (h1, h2, …); the last, h(n-1), is left to the
// test to make.
func linkChainTree(n int) map[string]node {
	files := map[string]node{
		".mcp.json": {data: `{"mcpServers": {"s": {"command": "srt", "args": ["--settings", "srt.json", "npx", "pkg"]}}}`},
		"srt.json":  {link: "h1"},
	}
	for i := 1; i < n-1; i++ {
		files[fmt.Sprintf("h%d", i)] = node{link: fmt.Sprintf("h%d", i+1)}
	}
	return files
}

// TestPluginRootMCPPatterns: a plugin's root .mcp.json is read with the
// plugin manifest (or marketplace catalog) that the launch patterns chose,
// whatever those patterns match, as its srt settings are: with --launch
// naming the manifests only, a docker -v /:/h added there was unseen.
func TestPluginRootMCPPatterns(t *testing.T) {
	t.Parallel()
	requireGit(t)
	for _, tc := range []struct{ name, pattern, cfg, data string }{
		{"plugin manifest", "**/.claude-plugin/plugin.json", "plug/.claude-plugin/plugin.json", `{"name": "p"}`},
		{"marketplace catalog", "**/.claude-plugin/marketplace.json", ".claude-plugin/marketplace.json", `{"name": "m", "owner": {"name": "o"}, "plugins": [{"name": "p", "source": "./plug"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := makeTree(t, map[string]node{
				tc.cfg:           {data: tc.data},
				"plug/.mcp.json": {data: `{"mcpServers": {"s": {"command": "docker", "args": ["run", "img"]}}}`},
			})
			base := commitTree(t, root)
			if err := os.WriteFile(filepath.Join(root, "plug", ".mcp.json"), []byte(`{"mcpServers": {"s": {"command": "docker", "args": ["run", "-v", "/:/h", "img"]}}}`), 0o644); err != nil {
				t.Fatal(err)
			}
			runGit(t, root, "commit", "-q", "-am", "head")
			head := runGit(t, root, "rev-parse", "HEAD")
			for _, h := range []string{head, root} {
				in, err := ReadSides(context.Background(), Options{Dir: root, Base: base, Head: h, Launch: []string{tc.pattern}})
				if err != nil {
					t.Fatal(err)
				}
				r, err := diff.Run(in)
				if err != nil {
					t.Fatal(err)
				}
				c, _ := diff.Tally(r.Manifests)
				if c.Widened == 0 || c.Loud == 0 {
					t.Errorf("head %s: widened %d, loud %d, want a loud row for -v /:/h: %+v", filepath.Base(h), c.Widened, c.Loud, r.Manifests)
				}
			}
		})
	}
}
