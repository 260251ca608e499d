package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/launch"
)

// node is one entry of a test tree: a regular file (data), or a symbolic
// link (link, its target as written).
type node struct {
	data string
	link string
	exec bool
}

// want is what Read returns for one path: the data, or an error containing
// err.
type want struct {
	data string
	err  string
}

var (
	big   = strings.Repeat("x", MaxFileBytes+1)
	exact = strings.Repeat("y", MaxFileBytes)
)

// tree is the tree both sides are tested with. Paths of the outside file
// and of the tree are filled in by makeTree ("$OUT", "$ROOT").
var tree = map[string]node{
	"a/capgate.json":            {data: "A"},
	"x/tool.capgate.json":       {data: "X", exec: true},
	"not-a-manifest.json":       {data: "N"},
	"link.capgate.json":         {link: "a/capgate.json"},
	"sub/up.capgate.json":       {link: "../a/capgate.json"},
	"chain1.capgate.json":       {link: "chain2.capgate.json"},
	"chain2.capgate.json":       {link: "a/capgate.json"},
	"loop1.capgate.json":        {link: "loop2.capgate.json"},
	"loop2.capgate.json":        {link: "loop1.capgate.json"},
	"self.capgate.json":         {link: "self.capgate.json"},
	"out.capgate.json":          {link: "../outside.json"},
	"deepout.capgate.json":      {link: "a/../../outside.json"},
	"abs-out.capgate.json":      {link: "$OUT"},
	"abs-in.capgate.json":       {link: "$ROOT/a/capgate.json"},
	"dangling.capgate.json":     {link: "missing.json"},
	"dir.capgate.json":          {link: "a"},
	"dot.capgate.json":          {link: "."},
	"big/capgate.json":          {data: big},
	"exact/capgate.json":        {data: exact},
	"big-link.capgate.json":     {link: "big/capgate.json"},
	"plain-link.capgate.json":   {link: "not-a-manifest.json"},
	".hidden/capgate.json":      {data: "H"},
	"deep/a/b/c/d/capgate.json": {data: "D"},
}

// common is what both sides read from tree; dirOnly and gitOnly are where
// they differ, each for a reason given there.
var common = map[string]want{
	"a/capgate.json":            {data: "A"},
	"x/tool.capgate.json":       {data: "X"},
	"link.capgate.json":         {data: "A"},
	"sub/up.capgate.json":       {data: "A"},
	"chain1.capgate.json":       {data: "A"},
	"chain2.capgate.json":       {data: "A"},
	"out.capgate.json":          {err: "points outside the repository"},
	"deepout.capgate.json":      {err: "points outside the repository"},
	"abs-out.capgate.json":      {err: "points outside the repository"},
	"big/capgate.json":          {err: "file is 1048577 bytes, over the 1048576-byte limit; not read"},
	"exact/capgate.json":        {data: exact},
	"big-link.capgate.json":     {err: "file is 1048577 bytes, over the 1048576-byte limit; not read"},
	"plain-link.capgate.json":   {data: "N"},
	".hidden/capgate.json":      {data: "H"},
	"deep/a/b/c/d/capgate.json": {data: "D"},
}

// dirOnly: on disk, links are resolved by the system, so a loop or a
// missing target cannot be resolved at all, and an absolute link is judged
// by where it lands.
var dirOnly = map[string]want{
	"loop1.capgate.json":    {err: "cannot resolve link"},
	"loop2.capgate.json":    {err: "cannot resolve link"},
	"self.capgate.json":     {err: "cannot resolve link"},
	"dangling.capgate.json": {err: "cannot resolve link"},
	"dir.capgate.json":      {err: "not a regular file"},
	"dot.capgate.json":      {err: "not a regular file"},
	"abs-in.capgate.json":   {data: "A"},
}

// gitOnly: in a commit, links are resolved in the tree, a hop at a time;
// an absolute target names no path of the tree, wherever it is checked out.
var gitOnly = map[string]want{
	"loop1.capgate.json":    {err: "too many levels of symbolic links"},
	"loop2.capgate.json":    {err: "too many levels of symbolic links"},
	"self.capgate.json":     {err: "too many levels of symbolic links"},
	"dangling.capgate.json": {err: "target is not a file in the tree"},
	"dir.capgate.json":      {err: "target is not a file in the tree"},
	"dot.capgate.json":      {err: "points outside the repository"},
	"abs-in.capgate.json":   {err: "points outside the repository"},
}

func merged(a, b map[string]want) map[string]want {
	m := map[string]want{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// makeTree writes nodes under a fresh directory and returns the tree's
// root; a file outside.json lies next to the root, outside it.
func makeTree(t *testing.T, nodes map[string]node) string {
	t.Helper()
	parent := t.TempDir()
	root := filepath.Join(parent, "repo")
	out := filepath.Join(parent, "outside.json")
	if err := os.WriteFile(out, []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	for p, n := range nodes {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if n.link != "" {
			target := strings.NewReplacer("$OUT", out, "$ROOT", root).Replace(n.link)
			if err := os.Symlink(target, full); err != nil {
				t.Fatal(err)
			}
			continue
		}
		mode := os.FileMode(0o644)
		if n.exec {
			mode = 0o755
		}
		if err := os.WriteFile(full, []byte(n.data), mode); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// runGit runs git in dir, isolated from the user's and the system's
// configuration, and returns its trimmed output.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "core.symlinks=true", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

// commitTree makes root a repository and commits everything in it.
func commitTree(t *testing.T, root string) string {
	t.Helper()
	runGit(t, root, "init", "-q", "-b", "main")
	runGit(t, root, "add", "-A")
	runGit(t, root, "commit", "-q", "-m", "tree")
	return runGit(t, root, "rev-parse", "HEAD")
}

// check compares files with w: the same paths, sorted, each with its data
// or its error.
func check(t *testing.T, files []File, w map[string]want) {
	t.Helper()
	var paths []string
	for p := range w {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	if strings.Join(got, "\n") != strings.Join(paths, "\n") {
		t.Errorf("paths:\n got %q\nwant %q", got, paths)
	}
	for _, f := range files {
		ww, ok := w[f.Path]
		if !ok {
			continue
		}
		if (f.Err == nil) == (f.Data == nil) {
			t.Errorf("%s: exactly one of Data and Err must be set (err %v, %d bytes)", f.Path, f.Err, len(f.Data))
		}
		switch {
		case ww.err != "" && f.Err == nil:
			t.Errorf("%s: read %d bytes, want error %q", f.Path, len(f.Data), ww.err)
		case ww.err != "" && !strings.Contains(f.Err.Error(), ww.err):
			t.Errorf("%s: error %q, want %q", f.Path, f.Err, ww.err)
		case ww.err == "" && f.Err != nil:
			t.Errorf("%s: error %q, want data %.20q", f.Path, f.Err, ww.data)
		case ww.err == "" && string(f.Data) != ww.data:
			t.Errorf("%s: data %.20q, want %.20q", f.Path, f.Data, ww.data)
		}
		if f.Err != nil && strings.Contains(f.Err.Error(), "SECRET") {
			t.Errorf("%s: error shows the outside file's content: %v", f.Path, f.Err)
		}
	}
}

func mustMatcher(t *testing.T, patterns ...string) *Matcher {
	t.Helper()
	m, err := NewMatcher(patterns)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDirRead(t *testing.T) {
	t.Parallel()
	root := makeTree(t, tree)
	files, err := (&Dir{Root: root}).Read(context.Background(), mustMatcher(t))
	if err != nil {
		t.Fatal(err)
	}
	check(t, files, merged(common, dirOnly))
}

func TestGitRead(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, tree)
	rev := commitTree(t, root)
	// The work tree goes: a commit is read from git objects only.
	for _, p := range []string{"a", "big", "exact", "x"} {
		if err := os.RemoveAll(filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	files, err := (&Git{Dir: root, Rev: rev}).Read(context.Background(), mustMatcher(t))
	if err != nil {
		t.Fatal(err)
	}
	check(t, files, merged(common, gitOnly))
}

// TestDirRoots reads one tree through roots written in different ways: a
// relative root such as "." once called every file a link out of the tree.
func TestDirRoots(t *testing.T) {
	root := makeTree(t, map[string]node{
		"a/capgate.json":    {data: "A"},
		"link.capgate.json": {link: "a/capgate.json"},
		"out.capgate.json":  {link: "../outside.json"},
	})
	parent := filepath.Dir(root)
	if err := os.Symlink(root, filepath.Join(parent, "alias")); err != nil {
		t.Fatal(err)
	}
	w := map[string]want{
		"a/capgate.json":    {data: "A"},
		"link.capgate.json": {data: "A"},
		"out.capgate.json":  {err: "points outside the repository"},
	}
	for _, tc := range []struct {
		name, cwd, root string
	}{
		{"absolute", "/", root},
		{"dot", root, "."},
		{"dot slash", root, "./"},
		{"relative", parent, "repo"},
		{"dot relative", parent, "./repo/"},
		{"up and back", filepath.Join(root, "a"), "../../repo"},
		{"through a link", parent, "alias"},
		{"absolute link", "/", filepath.Join(parent, "alias")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(tc.cwd)
			files, err := (&Dir{Root: tc.root}).Read(context.Background(), mustMatcher(t))
			if err != nil {
				t.Fatal(err)
			}
			check(t, files, w)
		})
	}
}

// TestOpenRelative opens a directory side relative to a relative dir, as
// capgate diff --base ./a does from the repository.
func TestOpenRelative(t *testing.T) {
	root := makeTree(t, map[string]node{"base/capgate.json": {data: "B"}})
	t.Chdir(root)
	s, err := Open(context.Background(), ".", "base", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*Dir); !ok || s.Name() != "base" {
		t.Fatalf("Open: %T named %q, want a *Dir named base", s, s.Name())
	}
	files, err := s.Read(context.Background(), mustMatcher(t))
	if err != nil {
		t.Fatal(err)
	}
	check(t, files, map[string]want{"capgate.json": {data: "B"}})
}

func TestOpen(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"capgate.json": {data: "1"}})
	first := commitTree(t, root)
	if err := os.WriteFile(filepath.Join(root, "capgate.json"), []byte("2"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, root, "commit", "-q", "-am", "two")
	for _, tc := range []struct {
		spec, rev, data, err string
		revOnly              bool
	}{
		{spec: "HEAD~1", rev: first, data: "1"},
		{spec: first, rev: first, data: "1"},
		{spec: "HEAD", data: "2"},
		{spec: "main", data: "2"},
		{spec: "no-such-rev", err: `"no-such-rev" is neither a directory nor a commit`},
		{spec: "--output=x", err: `"--output=x" is neither a directory nor a commit`},
		{spec: "HEAD^{tree}", err: "is neither a directory nor a commit"},
		{spec: first + "^{commit}", rev: first, data: "1"},
		// A directory (here a link a pull request could add) named like a
		// revision: refused, never guessed; as a revision only, it is one.
		{spec: first, err: "is both a directory and a git revision"},
		{spec: first, rev: first, data: "1", revOnly: true},
		{spec: "sub", err: `"sub" is not a commit`, revOnly: true},
	} {
		if tc.err == "is both a directory and a git revision" {
			if err := os.Symlink(".", filepath.Join(root, first)); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(root, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		t.Run(tc.spec, func(t *testing.T) {
			s, err := Open(context.Background(), root, tc.spec, tc.revOnly)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Open(%q): %v, want error %q", tc.spec, err, tc.err)
				}
				return
			}
			checkGitSide(t, s, err, tc.spec, tc.rev, tc.data)
		})
	}
	if _, err := os.Stat(filepath.Join(root, "x")); err == nil {
		t.Error("a spec was read as a git option")
	}
	if s, err := Open(context.Background(), root, "", true); err != nil || s.Name() != "(nothing)" {
		t.Errorf(`Open(""): %v %v, want the Empty side`, s, err)
	} else if files, err := s.Read(context.Background(), mustMatcher(t)); err != nil || len(files) != 0 {
		t.Errorf("Empty side read %v %v", files, err)
	}
}

// checkGitSide: s, opened from spec with err, is the git side of rev (any
// commit when rev is "") named spec, whose capgate.json holds data.
func checkGitSide(t *testing.T, s Side, err error, spec, rev, data string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	g, ok := s.(*Git)
	if !ok || s.Name() != spec || len(g.Rev) != 40 || (rev != "" && g.Rev != rev) {
		t.Fatalf("Open(%q): %#v", spec, s)
	}
	files, err := s.Read(context.Background(), mustMatcher(t))
	if err != nil {
		t.Fatal(err)
	}
	check(t, files, map[string]want{"capgate.json": {data: data}})
}

// TestGitlinks commits submodule entries (gitlinks): one where a manifest
// is or could be is an error, as its content is not in the repository; one
// where no manifest could be is left alone.
func TestGitlinks(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{"a/capgate.json": {data: "A"}})
	runGit(t, root, "init", "-q", "-b", "main")
	runGit(t, root, "add", "-A")
	// Gitlinks straight into the index: no submodule needs to exist.
	const commit = "0123456789abcdef0123456789abcdef01234567"
	for _, p := range []string{"vendor/tools", "x.capgate.json", "docs/readme"} {
		runGit(t, root, "update-index", "--add", "--cacheinfo", "160000,"+commit+","+p)
	}
	runGit(t, root, "commit", "-q", "-m", "gitlinks")
	rev := runGit(t, root, "rev-parse", "HEAD")
	const gitlinkErr = "a git submodule (gitlink) is at a manifest path"
	for _, tc := range []struct {
		name     string
		patterns []string
		want     map[string]want
	}{
		{"default patterns", nil, map[string]want{
			"a/capgate.json": {data: "A"},
			"docs/readme":    {err: gitlinkErr},
			"vendor/tools":   {err: gitlinkErr},
			"x.capgate.json": {err: gitlinkErr},
		}},
		{"patterns under a", []string{"a/*.json"}, map[string]want{
			"a/capgate.json": {data: "A"},
		}},
		{"vendor excluded", []string{"**/capgate.json", "!vendor/**"}, map[string]want{
			"a/capgate.json": {data: "A"},
			"docs/readme":    {err: gitlinkErr},
			// A directory of that name could hold a capgate.json.
			"x.capgate.json": {err: gitlinkErr},
		}},
		{"exact name", []string{"x.capgate.json"}, map[string]want{
			"x.capgate.json": {err: gitlinkErr},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := (&Git{Dir: root, Rev: rev}).Read(context.Background(), mustMatcher(t, tc.patterns...))
			if err != nil {
				t.Fatal(err)
			}
			check(t, files, tc.want)
		})
	}
}

// TestGitLinkHops follows chains of links of every length around the limit
// of diff.MaxLinkHops links (Linux's, past which the client's open fails).
func TestGitLinkHops(t *testing.T) {
	t.Parallel()
	requireGit(t)
	nodes := map[string]node{"f.json": {data: "F"}}
	for i := 1; i <= diff.MaxLinkHops+2; i++ {
		target := fmt.Sprintf("l%d.json", i-1)
		if i == 1 {
			target = "f.json"
		}
		nodes[fmt.Sprintf("l%d.json", i)] = node{link: target}
	}
	root := makeTree(t, nodes)
	rev := commitTree(t, root)
	w := map[string]want{"f.json": {data: "F"}}
	for i := 1; i <= diff.MaxLinkHops+2; i++ {
		if i <= diff.MaxLinkHops {
			w[fmt.Sprintf("l%d.json", i)] = want{data: "F"}
		} else {
			w[fmt.Sprintf("l%d.json", i)] = want{err: "too many levels of symbolic links"}
		}
	}
	files, err := (&Git{Dir: root, Rev: rev}).Read(context.Background(), mustMatcher(t, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	check(t, files, w)
}

// TestGitLinkThroughLinkedDir follows a link whose target passes through a
// directory link of the tree, as the client does: to the file of the tree
// it leads to, or, out of the tree, with both links' targets kept.
func TestGitLinkThroughLinkedDir(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		"inner/f.json": {data: "F"},
		"d":            {link: "inner"},
		"out":          {link: "/etc"},
		"in.json":      {link: "d/f.json"},
		"away.json":    {link: "out/passwd"},
	})
	rev := commitTree(t, root)
	for _, side := range []Side{&Git{Dir: root, Rev: rev}, &Dir{Root: root}} {
		files, err := side.Read(context.Background(), mustMatcher(t, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, files, map[string]want{"in.json": {data: "F"}, "away.json": {err: "outside the repository"}})
		for _, f := range files {
			if f.Path == "away.json" && fmt.Sprint(f.Link) != "[out/passwd /etc]" {
				t.Errorf("%T: away.json's Link is %q, want [out/passwd /etc]", side, f.Link)
			}
		}
	}
}

// TestReadGitSides reads two commits at once: each side gets its own
// content, links resolved in its own tree.
func TestReadGitSides(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		"same/capgate.json":  {data: "S"},
		"moved/capgate.json": {data: "M1"},
		"l.capgate.json":     {link: "moved/capgate.json"},
	})
	base := commitTree(t, root)
	if err := os.WriteFile(filepath.Join(root, "moved/capgate.json"), []byte("M2"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "new.capgate.json"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, root, "add", "-A")
	runGit(t, root, "commit", "-q", "-m", "head")
	head := runGit(t, root, "rev-parse", "HEAD")
	fs, err := ReadGit(context.Background(), mustMatcher(t), &Git{Dir: root, Rev: base}, &Git{Dir: root, Rev: head})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 {
		t.Fatalf("ReadGit returned %d sides, want 2", len(fs))
	}
	check(t, fs[0], map[string]want{
		"same/capgate.json":  {data: "S"},
		"moved/capgate.json": {data: "M1"},
		"l.capgate.json":     {data: "M1"},
	})
	check(t, fs[1], map[string]want{
		"same/capgate.json":  {data: "S"},
		"moved/capgate.json": {data: "M2"},
		"l.capgate.json":     {data: "M2"},
		"new.capgate.json":   {err: "over the 1048576-byte limit"},
	})
}

func TestReadLimited(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		size int
		err  string
	}{
		{"empty", 0, ""},
		{"at the limit", MaxFileBytes, ""},
		{"one byte over", MaxFileBytes + 1, "over the 1048576-byte limit"},
		{"missing", -1, "cannot read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if tc.size >= 0 {
				if err := os.WriteFile(p, make([]byte, tc.size), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			data, err := readLimited(p)
			if tc.err == "" {
				if err != nil || len(data) != tc.size {
					t.Fatalf("readLimited: %d bytes, %v; want %d bytes", len(data), err, tc.size)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) || data != nil {
				t.Fatalf("readLimited: %d bytes, %v; want error %q", len(data), err, tc.err)
			}
		})
	}
}

func TestDirCancelled(t *testing.T) {
	t.Parallel()
	root := makeTree(t, map[string]node{"capgate.json": {data: "A"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (&Dir{Root: root}).Read(ctx, mustMatcher(t)); err == nil {
		t.Fatal("Read with a cancelled context returned no error")
	}
}

// TestLinkedConfigDir: a client follows a symbolic link where its config
// directory is (.vscode -> cfg, VS Code then reads cfg/mcp.json as
// .vscode/mcp.json), which the reader does not: the file the client reads
// there is an error (fail closed), on both kinds of side, wherever the link
// points; a link where no pattern names the directory is left alone.
func TestLinkedConfigDir(t *testing.T) {
	t.Parallel()
	requireGit(t)
	nodes := map[string]node{
		".mcp.json":       {data: "{}"},
		"cfg/mcp.json":    {data: "BARE"},
		".vscode":         {link: "cfg"},
		"sub/.gemini":     {link: "$OUT"},
		".cursor":         {link: "missing"},
		"docs/readme.md":  {data: "R"},
		"README":          {link: "docs/readme.md"},
		"docs/examples":   {link: "../cfg"},
		"excluded/.codex": {link: "../cfg"},
		"servers/gh":      {link: "../cfg"},
	}
	const linkErr = "is a symbolic link, which the client follows"
	w := map[string]want{
		".mcp.json":                 {data: "{}"},
		".vscode/mcp.json":          {err: linkErr},
		"sub/.gemini/settings.json": {err: linkErr},
		".cursor/mcp.json":          {err: linkErr},
	}
	root := makeTree(t, nodes)
	rev := commitTree(t, root)
	m, err := NewLaunchMatcher([]string{"**/.mcp.json", "**/.vscode/mcp.json", "**/.cursor/mcp.json", "**/.gemini/settings.json", "**/.codex/config.toml", "!excluded/**"})
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range []Side{&Dir{Root: root}, &Git{Dir: root, Rev: rev}} {
		files, err := side.Read(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		check(t, files, w)
	}
}

// TestLinkErrors: a path that is a symbolic link not leading to a regular
// file of the tree is an error that says so (diff.ErrLink) on both kinds of
// side, so that a mount through it can be judged; other errors do not.
func TestLinkErrors(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		"real/f":  {data: "F"},
		"out":     {link: "/"},
		"todir":   {link: "real"},
		"tofile":  {link: "real/f"},
		"dangles": {link: "missing"},
		"big":     {data: big},
		"hop":     {link: "out"},
		"hops":    {link: "./hop"},
		"vs":      {link: "/opt/x"},
	})
	rev := commitTree(t, root)
	m := mustMatcher(t, "out", "todir", "tofile", "dangles", "big", "real", "hops", "vs/mcp.json")
	for _, side := range []Side{&Dir{Root: root}, &Git{Dir: root, Rev: rev}} {
		files, err := side.Read(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		links := map[string][]string{}
		for _, f := range files {
			got[f.Path] = errors.Is(f.Err, diff.ErrLink)
			links[f.Path] = f.Link
		}
		want := map[string]bool{"out": true, "todir": true, "dangles": true, "tofile": false, "big": false, "hops": true, "vs/mcp.json": true}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%T: ErrLink %v, want %v", side, got, want)
		}
		// File.Link: the targets as stored, hop by hop; none for a link
		// followed to a file of the tree.
		wantLinks := map[string][]string{"out": {"/"}, "todir": {"real"}, "dangles": {"missing"}, "tofile": nil, "big": nil,
			"hops": {"./hop", "out", "/"}, "vs/mcp.json": {"/opt/x"}}
		if fmt.Sprintf("%q", links) != fmt.Sprintf("%q", wantLinks) {
			t.Errorf("%T: Link %q, want %q", side, links, wantLinks)
		}
	}
}

// TestSettingsLinksRead: a path inside the repository that an srt settings
// file grants (allowWrite: ["./data"]) is read in a second round, each
// directory on the way, so that a symbolic link there reaches diff as a
// link error, on both kinds of side.
func TestSettingsLinksRead(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		".mcp.json": {data: `{"mcpServers": {"s": {"command": "srt", "args": ["--settings", "srt.json", "npx", "pkg"]}}}`},
		"srt.json":  {data: `{"filesystem": {"allowWrite": ["./data", "./real/sub"]}}`},
		"data":      {link: "/"},
		"real/f":    {data: "F"},
	})
	rev := commitTree(t, root)
	for _, head := range []string{root, rev} {
		in, err := ReadSides(context.Background(), Options{Dir: root, Head: head})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, f := range in.SettingsHead {
			got[f.Path] = errors.Is(f.Err, diff.ErrLink)
		}
		if want := map[string]bool{"srt.json": false, "data": true}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("head %s: settings files %v, want %v", head, got, want)
		}
	}
}

// TestPluginSettingsLinksRead: the srt settings file a server of a Claude
// Code plugin's servers file names is read in the second round, and the
// directories its grants name inside the repository in a third, so that a
// symbolic link there reaches diff as a link error, on both kinds of side.
// The rounds stopped at the second: ./data, a link to /, read as the base's
// real ./data directory, and the plugin's server showed no change.
func TestPluginSettingsLinksRead(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		"plug/.claude-plugin/plugin.json": {data: `{"mcpServers": "./servers.json"}`},
		"plug/servers.json":               {data: `{"mcpServers": {"s": {"command": "srt", "args": ["-s", "${CLAUDE_PLUGIN_ROOT}/srt.json", "npx", "pkg"], "cwd": "${CLAUDE_PLUGIN_ROOT}"}}}`},
		"plug/srt.json":                   {data: `{"filesystem": {"allowWrite": ["./data/sub"]}}`},
		"plug/data":                       {link: "/"},
	})
	rev := commitTree(t, root)
	for _, head := range []string{root, rev} {
		in, err := ReadSides(context.Background(), Options{Dir: root, Head: head})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, f := range in.SettingsHead {
			got[f.Path] = errors.Is(f.Err, diff.ErrLink)
		}
		want := map[string]bool{"plug/servers.json": false, "plug/srt.json": false, "plug/data": true}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("head %s: settings files %v, want %v", head, got, want)
		}
		r, err := diff.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(fmt.Sprint(r.Manifests), "through the symbolic link plug/data") {
			t.Errorf("head %s: no row names the link plug/data: %+v", head, r.Manifests)
		}
	}
}

// TestLaunchFilesReadInAnyCase: the files a launch config names are read
// in any case, as a client on a case-insensitive file system opens them
// (./SRT.json opens srt.json, ./Servers.json servers.json), on both
// kinds of side, and the rounds go on from them (the plugin server's
// settings). They were read exactly, and the entries could not be judged
// on both sides however the files were edited.
func TestLaunchFilesReadInAnyCase(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		".mcp.json":                    {data: `{"mcpServers": {"s": {"command": "srt", "args": ["-s", "./SRT.json", "npx", "pkg"]}}}`},
		"srt.json":                     {data: `{}`},
		"p/.claude-plugin/plugin.json": {data: `{"mcpServers": "./Servers.json"}`},
		"p/servers.json":               {data: `{"t": {"command": "srt", "args": ["-s", "${CLAUDE_PLUGIN_ROOT}/T.json", "npx", "pkg"]}}`},
		"p/t.json":                     {data: `{}`},
		"p/unrelated.json":             {data: `{}`},
	})
	rev := commitTree(t, root)
	for _, head := range []string{root, rev} {
		in, err := ReadSides(context.Background(), Options{Dir: root, Head: head})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range in.SettingsHead {
			got = append(got, f.Path)
		}
		if want := []string{"p/servers.json", "p/t.json", "srt.json"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("head %s: read %v, want %v", head, got, want)
		}
	}
}

// TestSettingsNamedWithSpace: an srt settings file whose name starts with
// a space (srt -s " srt.json") is read, not srt.json, on both kinds of
// side: the literal pattern was trimmed, and the file was never read.
func TestSettingsNamedWithSpace(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		".mcp.json": {data: `{"mcpServers": {"s": {"command": "srt", "args": ["-s", " srt.json", "npx", "pkg"]}}}`},
		" srt.json": {data: `{"filesystem": {"allowWrite": ["~"]}}`},
		"srt.json":  {data: `{}`},
	})
	rev := commitTree(t, root)
	for _, head := range []string{root, rev} {
		in, err := ReadSides(context.Background(), Options{Dir: root, Head: head})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range in.SettingsHead {
			got = append(got, f.Path)
		}
		if want := []string{" srt.json"}; fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Errorf("head %s: read %q, want %q", head, got, want)
		}
	}
}

// TestLinkedAncestorDir: a symbolic link at a directory above the one a
// pattern names, through the pattern's own segments (.gemini/extensions
// for **/.gemini/extensions/*/gemini-extension.json, servers for
// servers/x/capgate.json), is read by the client as that directory, so
// the file it reads there is an error (fail closed), on both kinds of
// side. Only the link's parent was checked: a Docker socket in an
// extension behind a linked .gemini/extensions read as a removed server
// (narrowed) and passed. A link that only "**" reaches is left alone:
// what it points to inside the tree is matched at its own path. Braces
// and classes name directories as wildcards do (they were left as text,
// and the link passed).
func TestLinkedAncestorDir(t *testing.T) {
	t.Parallel()
	requireGit(t)
	nodes := map[string]node{
		"gext/e/gemini-extension.json": {data: "{}"},
		"other/x/capgate.json":         {data: "M"},
		".gemini/extensions":           {link: "../gext"},
		"servers":                      {link: "other"},
		"docs":                         {link: "other"},
		"srv/a":                        {link: "../other"},
	}
	root := makeTree(t, nodes)
	rev := commitTree(t, root)
	const linkErr = "is a symbolic link, which the client follows"
	for _, tc := range []struct {
		name     string
		launch   bool
		patterns []string
		want     map[string]want
	}{
		{"launch defaults", true, nil, map[string]want{".gemini/extensions/x/gemini-extension.json": {err: linkErr}}},
		{"plain manifest path", false, []string{"servers/x/capgate.json"}, map[string]want{"servers/x/capgate.json": {err: linkErr}}},
		{"manifests under servers", false, []string{"servers/**/capgate.json"}, map[string]want{"servers/x/capgate.json": {err: linkErr}}},
		{"excluded", false, []string{"servers/**/capgate.json", "!servers/**"}, map[string]want{}},
		{"deeper under servers/**", false, []string{"srv/**/capgate.json"}, map[string]want{"srv/a/capgate.json": {err: linkErr}}},
		{"default manifest patterns", false, nil, map[string]want{"other/x/capgate.json": {data: "M"}}},
		{"braces below the link", false, []string{"servers/{y,x}/capgate.json"}, map[string]want{"servers/y/capgate.json": {err: linkErr}}},
		{"class below the link", false, []string{"docs/[wx]/capgate.json"}, map[string]want{"docs/x/capgate.json": {err: linkErr}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := NewMatcher(tc.patterns)
			if tc.launch {
				m, err = NewLaunchMatcher(tc.patterns)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, side := range []Side{&Dir{Root: root}, &Git{Dir: root, Rev: rev}} {
				files, err := side.Read(context.Background(), m)
				if err != nil {
					t.Fatal(err)
				}
				check(t, files, tc.want)
			}
		})
	}
}

// TestDefaultPatternsNewFormats: the default launch patterns find a VS
// Code workspace file and a Claude Code plugin's manifest at any depth and
// in any case, and a plugin whose .claude-plugin is a symbolic link is an
// error (Claude Code follows it), on both kinds of side.
func TestDefaultPatternsNewFormats(t *testing.T) {
	t.Parallel()
	requireGit(t)
	root := makeTree(t, map[string]node{
		"team.code-workspace":             {data: "W"},
		"sub/Other.Code-Workspace":        {data: "O"},
		"plug/.claude-plugin/plugin.json": {data: "P"},
		"cfg/plugin.json":                 {data: "BARE"},
		"linked/.claude-plugin":           {link: "../cfg"},
		"plug/.claude-plugin/other.json":  {data: "X"},
	})
	rev := commitTree(t, root)
	m, err := NewLaunchMatcher(launch.DefaultPatterns())
	if err != nil {
		t.Fatal(err)
	}
	w := map[string]want{
		"team.code-workspace":               {data: "W"},
		"sub/Other.Code-Workspace":          {data: "O"},
		"plug/.claude-plugin/plugin.json":   {data: "P"},
		"linked/.claude-plugin/plugin.json": {err: "is a symbolic link, which the client follows"},
	}
	for _, side := range []Side{&Dir{Root: root}, &Git{Dir: root, Rev: rev}} {
		files, err := side.Read(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		check(t, files, w)
	}
}
