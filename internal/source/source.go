// Package source reads the sides of a diff (ReadSides): a directory on disk
// or a git revision, read straight from git objects, for diff.Run to
// compare.
package source

import (
	"context"
	"crypto/sha1"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/gitrun"
	"github.com/razukc/capgate-action/launch"
)

// MaxFileBytes is the largest manifest read; a larger one is an error.
const MaxFileBytes = 1 << 20

// DefaultPatterns find manifests when none are given.
var DefaultPatterns = []string{"**/capgate.json", "**/*.capgate.json"}

// File is one manifest found on a side. Exactly one of Data and Err is set.
type File = diff.File

// Side is one side of a diff.
type Side interface {
	// Name describes the side for reports ("HEAD~1", "dir ./base").
	Name() string
	// Read returns the files matching m, sorted by path.
	Read(ctx context.Context, m *Matcher) ([]File, error)
}

// Matcher selects manifest paths with doublestar patterns; a pattern that
// starts with "!" excludes what it matches.
type Matcher struct {
	include, exclude []string
	// tails[i] is the literal text include[i] ends with (literalTail): a
	// path that does not end with it cannot match, and is rejected without
	// running the pattern (most paths of a large tree).
	tails []string
	// shapes[i] says when include[i] is matched without doublestar
	// (shapeOf): the default patterns' paths were a tenth of reading
	// 10,000 manifests from git.
	shapes []shape
	// fold matches with ASCII case folded (patterns and paths lowered).
	fold bool
	// exact holds the include patterns that are plain paths (no syntax:
	// the literal patterns of settings files, a lock, the prefixes of
	// mount sources), matched by lookup, and wild the indexes of the
	// others: thousands of plain paths cost one lookup a file, not one
	// comparison each. exactDirs maps the directory of each plain path
	// to them, in pattern order (linkedDir, MayHold: the first not
	// excluded).
	exact     map[string]bool
	exactDirs map[string][]string
	wild      []int
}

// NewLaunchMatcher is the matcher of launch-config paths: patterns, or
// launch.DefaultPatterns when none, matched with ASCII case folded, because
// an MCP client on a case-insensitive file system (macOS, Windows) reads
// .MCP.json or .VSCode/mcp.json as its own file. capgate diff, approve and
// lint all use it, so they find the same files.
func NewLaunchMatcher(patterns []string) (*Matcher, error) {
	if len(patterns) == 0 {
		patterns = launch.DefaultPatterns()
	}
	low := make([]string, len(patterns))
	for i, p := range patterns {
		low[i] = strings.ToLower(p)
	}
	m, err := NewMatcher(low)
	if m != nil {
		m.fold = true
	}
	return m, err
}

// NewMatcher checks and compiles patterns; nil or empty means
// DefaultPatterns.
func NewMatcher(patterns []string) (*Matcher, error) {
	if len(patterns) == 0 {
		patterns = DefaultPatterns
	}
	m := &Matcher{}
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(strings.TrimPrefix(p, "!"), "./")
		if !doublestar.ValidatePattern(p) {
			return nil, fmt.Errorf("invalid manifest pattern %q", p)
		}
		if neg {
			m.exclude = append(m.exclude, p)
		} else {
			m.include = append(m.include, p)
		}
	}
	if len(m.include) == 0 {
		m.include = DefaultPatterns
	}
	m.exact, m.exactDirs = map[string]bool{}, map[string][]string{}
	for i, in := range m.include {
		m.tails = append(m.tails, literalTail(in))
		m.shapes = append(m.shapes, shapeOf(in))
		if strings.ContainsAny(in, `*?[]{}\`) {
			m.wild = append(m.wild, i)
			continue
		}
		m.exact[in] = true
		d := path.Dir(in)
		m.exactDirs[d] = append(m.exactDirs[d], in)
	}
	return m, nil
}

// shape is how an include pattern is matched.
type shape uint8

const (
	// shapeGlob runs the pattern (doublestar.Match).
	shapeGlob shape = iota
	// shapeAnyDir is "**/" then literal text L: the path is L or ends
	// with "/" + L.
	shapeAnyDir
	// shapeAnyDirStar is "**/*" then literal text L without "/": the
	// path ends with L (then its last segment does).
	shapeAnyDirStar
)

// shapeOf tells the shape of include pattern in; its literal tail
// (literalTail) is the L of shapeAnyDir and shapeAnyDirStar.
// TestMatchShapes holds the shapes to doublestar.
func shapeOf(in string) shape {
	rest, ok := strings.CutPrefix(in, "**/")
	switch {
	case !ok:
		return shapeGlob
	case !strings.ContainsAny(rest, `*?[]{}\`) && rest != "":
		return shapeAnyDir
	case strings.HasPrefix(rest, "*") && !strings.ContainsAny(rest[1:], `*?[]{}\/`) && len(rest) > 1:
		return shapeAnyDirStar
	}
	return shapeGlob
}

// Match reports whether the slash-separated path p is selected: an include
// pattern matches it and no exclude pattern does.
func (m *Matcher) Match(p string) bool {
	if m.fold {
		p = strings.ToLower(p)
	}
	return m.included(p) && !m.excluded(p)
}

func (m *Matcher) included(p string) bool {
	if m.exact[p] {
		return true
	}
	for _, i := range m.wild {
		in, tail := m.include[i], m.tails[i]
		if !strings.HasSuffix(p, tail) {
			continue
		}
		switch m.shapes[i] {
		case shapeAnyDir:
			if len(p) == len(tail) || p[len(p)-len(tail)-1] == '/' {
				return true
			}
		case shapeAnyDirStar:
			// The tail has no "/": it ends the last segment.
			return true
		default:
			if ok, _ := doublestar.Match(in, p); ok {
				return true
			}
		}
	}
	return false
}

func (m *Matcher) excluded(p string) bool {
	for _, x := range m.exclude {
		if ok, _ := doublestar.Match(x, p); ok {
			return true
		}
	}
	return false
}

// literalTail is the text after the last character of pattern that
// doublestar may read as syntax (a wildcard, a class, an alternative, an
// escape), less a leading "/" (which "**/" matches without): every path
// the pattern matches ends with it.
func literalTail(pattern string) string {
	tail := pattern[strings.LastIndexAny(pattern, `*?[]{}\`)+1:]
	return strings.TrimPrefix(tail, "/")
}

// MayHold reports whether p is a manifest path, or a directory under which
// a manifest path could lie (a submodule there hides manifests).
func (m *Matcher) MayHold(p string) bool {
	if m.Match(p) {
		return true
	}
	lp := p
	if m.fold {
		lp = strings.ToLower(p)
	}
	if m.plainIn(lp) != "" || m.linkedDir(p) != "" {
		return true // a plain path directly inside p, or one a pattern names under it
	}
	for _, i := range m.wild {
		in := m.include[i]
		// The pattern's last segment, its wildcards filled in, stands for
		// a file directly inside p; "**" patterns then match any depth.
		last := fillSeg(in[strings.LastIndexByte(in, '/')+1:])
		if m.Match(p + "/" + last) {
			return true
		}
	}
	return false
}

// plainIn returns the first plain-path pattern directly inside directory
// lp (folded when m folds) that no exclude drops, or "".
func (m *Matcher) plainIn(lp string) string {
	for _, f := range m.exactDirs[lp] {
		if !m.excluded(f) {
			return f
		}
	}
	return ""
}

// linkedDir returns the file a directory at p would hold by a pattern
// that names p through its own segments, never "**" for p's last one
// (".vscode/mcp.json" for p ".vscode" and **/.vscode/mcp.json;
// ".gemini/extensions/x/gemini-extension.json" for p ".gemini/extensions";
// "servers/x/capgate.json" for p "servers" and servers/*/capgate.json),
// or "". A symbolic link at p is then read by the client as that
// directory (VS Code reads .vscode/mcp.json through a linked .vscode), which
// is not read here: linkedDirErr. A directory only a leading "**"
// reaches is not named: what a link there points to inside the tree is
// matched at its own path (one out of the tree is not read).
func (m *Matcher) linkedDir(p string) string {
	lp := p
	if m.fold {
		lp = strings.ToLower(p)
	}
	if f := m.plainIn(lp); f != "" {
		return p + f[len(lp):]
	}
	for _, in := range m.include {
		if rest := namedUnder(in, lp); rest != "" {
			if f := p + "/" + rest; m.Match(f) {
				return f
			}
		}
	}
	return ""
}

// namedUnder returns, when include pattern in names directory lp (lp's
// last segment matched by a segment of in, the segments before it by the
// pattern's before that, and more of the pattern left; a leading "**"
// does not name), the rest of the pattern with its wildcards filled in
// ("x"), the path of a file it would match under lp; else "". It costs a
// few segment matches a pattern.
func namedUnder(in, lp string) string {
	ps := strings.Split(in, "/")
	dir, last := path.Split(lp)
	dir = strings.TrimSuffix(dir, "/")
	for k := 0; k < len(ps)-1; k++ {
		switch {
		case ps[k] == "**" && k == 0:
			// The whole tree is the pattern's: a link's target there is
			// matched at its own path.
			continue
		case ps[k] == "**":
			// servers/** reaches servers/a, and a link there may point
			// out of servers.
			if ok, _ := doublestar.Match(strings.Join(ps[:k+1], "/"), lp); !ok {
				continue
			}
		default:
			if ok, _ := doublestar.Match(ps[k], last); !ok || !prefixMatch(ps[:k], dir) {
				continue
			}
		}
		rest := make([]string, len(ps)-k-1)
		for i, seg := range ps[k+1:] {
			rest[i] = fillSeg(seg)
		}
		return strings.Join(rest, "/")
	}
	return ""
}

// fillSeg is a name that the pattern segment seg matches, for the file a
// directory would hold: each wildcard is "x", a brace list its first
// alternative (filled in turn), a character class a character it takes
// (classChar). Leaving braces and classes as text made a
// name no pattern matched, so a link or submodule at servers hid
// servers/a/capgate.json from servers/{a,b}/capgate.json
// (TestMayHoldBracesAndClasses). A class that takes none of the
// candidates stays as text: the name then matches nothing, and the
// directory is judged as holding nothing by that pattern.
func fillSeg(seg string) string {
	var b strings.Builder
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; c {
		case '\\':
			if i+1 < len(seg) {
				i++
				b.WriteByte(seg[i])
			}
		case '?':
			b.WriteByte('x')
		case '*':
			b.WriteByte('x')
			for i+1 < len(seg) && seg[i+1] == '*' {
				i++
			}
		case '[':
			end := classEnd(seg, i)
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			b.WriteString(classChar(seg[i : end+1]))
			i = end
		case '{':
			alt, n := firstAlt(seg[i:])
			if n == 0 {
				b.WriteByte(c)
				continue
			}
			b.WriteString(fillSeg(alt))
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// classEnd is the index of the "]" that closes the class opened at
// seg[i], past escaped characters, or -1.
func classEnd(seg string, i int) int {
	for j := i + 1; j < len(seg); j++ {
		switch seg[j] {
		case '\\':
			j++
		case ']':
			return j
		}
	}
	return -1
}

// classChar is the first character the class cls ("[…]") takes: "x",
// else the first printable ASCII one (never "/"), else the first
// non-ASCII one written in cls; or cls itself when it takes none.
func classChar(cls string) string {
	try := func(c string) bool { ok, _ := doublestar.Match(cls, c); return ok && c != "/" }
	if try("x") {
		return "x"
	}
	for c := byte(0x21); c < 0x7f; c++ {
		if try(string(c)) {
			return string(c)
		}
	}
	for _, r := range cls {
		if r >= 0x80 && try(string(r)) {
			return string(r)
		}
	}
	return cls
}

// firstAlt returns the first alternative of the brace list that s begins
// with ("{a,b}" gives "a") and the length of the list, or 0 when the
// brace is not closed.
func firstAlt(s string) (string, int) {
	depth, comma := 0, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			if end := classEnd(s, i); end > 0 {
				i = end
			}
		case '{':
			depth++
		case ',':
			if depth == 1 && comma < 0 {
				comma = i
			}
		case '}':
			if depth--; depth == 0 {
				if comma < 0 {
					comma = i
				}
				return s[1:comma], i + 1
			}
		}
	}
	return "", 0
}

// prefixMatch reports whether the pattern segments ps match the directory
// dir ("" for the root, which only "**" segments match).
func prefixMatch(ps []string, dir string) bool {
	if dir == "" {
		for _, s := range ps {
			if s != "**" {
				return false
			}
		}
		return true
	}
	if len(ps) == 0 {
		return false
	}
	ok, _ := doublestar.Match(strings.Join(ps, "/"), dir)
	return ok
}

// linkedDirErr is the error of the file a symbolic link at dir would hold
// (linkedDir).
func linkedDirErr(dir string) linkErr {
	return linkErr(dir + " is a symbolic link, which the client follows to read this file; what it points to is not read here (fail closed): commit the directory itself")
}

// String lists the patterns, comma-separated, excluded ones with "!".
func (m *Matcher) String() string {
	parts := append([]string(nil), m.include...)
	for _, x := range m.exclude {
		parts = append(parts, "!"+x)
	}
	return strings.Join(parts, ", ")
}

// Open returns the side named by spec: an existing directory (relative to
// dir), or else a git revision of the repository at dir. A spec that names
// both is refused as ambiguous: a pull request can add a directory (or a
// symbolic link) named like the base commit, and must not get to choose
// what the base is. With revOnly, spec is a git revision and never a path.
// An empty spec is the Empty side.
func Open(ctx context.Context, dir, spec string, revOnly bool) (Side, error) {
	if spec == "" {
		return Empty{}, nil
	}
	rev, err := git(ctx, dir, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", spec+"^{commit}")
	if err != nil {
		rev = nil
	}
	return openAs(dir, spec, revOnly, strings.TrimSpace(string(rev)))
}

// openAs is Open of a spec that names the commit rev ("" for none).
func openAs(dir, spec string, revOnly bool, rev string) (Side, error) {
	if revOnly {
		if rev == "" {
			return nil, fmt.Errorf("%q is not a commit of the repository in %s", spec, dir)
		}
		return &Git{Dir: dir, Rev: rev, name: spec}, nil
	}
	p := spec
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, spec)
	}
	st, statErr := os.Stat(p)
	isDir := statErr == nil && st.IsDir()
	switch {
	case isDir && rev != "":
		return nil, fmt.Errorf("%q is both a directory and a git revision: write ./%s for the directory or %s^{commit} for the revision", spec, spec, spec)
	case isDir:
		return &Dir{Root: p, name: spec}, nil
	case rev != "":
		return &Git{Dir: dir, Rev: rev, name: spec}, nil
	}
	return nil, fmt.Errorf("%q is neither a directory nor a commit of the repository in %s", spec, dir)
}

// resolveCommits returns the commit each of specs names in the repository
// at dir, "" where it names none, as Open's git rev-parse --verify finds
// it, from one git process, git cat-file --batch-check reading
// "SPEC^{commit}" a line (TestResolveCommits holds the two to each other):
// Open on two sides was two processes. A spec with a newline, a carriage
// return or a NUL names no commit (no revision has one, and it would end
// its line early).
func resolveCommits(ctx context.Context, dir string, specs []string) []string {
	var in strings.Builder
	var asked []int
	for i, s := range specs {
		if !strings.ContainsAny(s, "\n\r\x00") {
			in.WriteString(s + "^{commit}\n")
			asked = append(asked, i)
		}
	}
	out := make([]string, len(specs))
	if len(asked) == 0 {
		return out
	}
	res, err := git(ctx, dir, strings.NewReader(in.String()), "cat-file", "--batch-check")
	if err != nil {
		return out
	}
	lines := strings.Split(strings.TrimSuffix(string(res), "\n"), "\n")
	if len(lines) != len(asked) {
		return out
	}
	for k, i := range asked {
		out[i] = commitOf(lines[k])
	}
	return out
}

// resolveCommitsOn is resolveCommits asked of a buffered git cat-file
// --batch-command ("info SPEC^{commit}" a line, then "flush": the same
// lookup and answer as --batch-check's), returned running when it
// answered, for the bulk read of the sides (readAll): one git process
// fewer than resolving with a process of its own, about 2 ms of CPU and
// 200 page faults on BenchmarkDiffGit2000's machine. Whenever it fails
// (a git before 2.36 has no --batch-command), resolveCommits answers
// instead, so the commits and the errors are the same either way
// (TestResolveCommits holds both to git rev-parse).
func resolveCommitsOn(ctx context.Context, dir string, specs []string) ([]string, *catFile) {
	return resolveVia(ctx, dir, specs, []string{"cat-file", "--batch-command", "--buffer"})
}

// resolveVia is resolveCommitsOn with args starting the process.
func resolveVia(ctx context.Context, dir string, specs, args []string) ([]string, *catFile) {
	var req strings.Builder
	var asked []int
	for i, s := range specs {
		if !strings.ContainsAny(s, "\n\r\x00") {
			req.WriteString("info " + s + "^{commit}\n")
			asked = append(asked, i)
		}
	}
	if len(asked) == 0 {
		return make([]string, len(specs)), nil
	}
	req.WriteString("flush\n")
	cf, err := startCat(ctx, dir, args...)
	if err != nil {
		return resolveCommits(ctx, dir, specs), nil
	}
	cf.command = true
	lines, err := cf.ask(req.String(), len(asked))
	if err != nil {
		cf.kill()
		return resolveCommits(ctx, dir, specs), nil
	}
	out := make([]string, len(specs))
	for k, i := range asked {
		out[i] = commitOf(lines[k])
	}
	return out, cf
}

// commitOf reads a line of git cat-file --batch-check: the id of the
// commit it names ("<oid> commit <size>"), or "" for anything else
// ("<name> missing", "<name> ambiguous").
func commitOf(line string) string {
	f := strings.Split(line, " ")
	if len(f) != 3 || f[1] != "commit" || (len(f[0]) != 40 && len(f[0]) != 64) ||
		strings.Trim(f[0], "0123456789abcdef") != "" || f[2] == "" || strings.Trim(f[2], "0123456789") != "" {
		return ""
	}
	return f[0]
}

// Empty is a side with no files: the base of a push that creates a branch.
type Empty struct{}

// Name implements Side.
func (Empty) Name() string { return "(nothing)" }

// Read implements Side.
func (Empty) Read(context.Context, *Matcher) ([]File, error) { return nil, nil }

// Dir is a side read from a directory tree.
type Dir struct {
	Root string
	name string
}

// Name implements Side.
func (d *Dir) Name() string { return d.name }

// Read implements Side. Symbolic links are followed only when they resolve
// to a regular file inside the tree. Root may be relative (to the working
// directory), such as ".".
func (d *Dir) Read(ctx context.Context, m *Matcher) ([]File, error) {
	root, err := d.resolvedRoot()
	if err != nil {
		return nil, err
	}
	var out []File
	err = filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			if e.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !m.Match(rel) {
			if e.Type()&fs.ModeSymlink == 0 {
				return nil
			}
			if f := m.linkedDir(rel); f != "" {
				out = append(out, File{Path: f, Err: linkedDirErr(rel), Link: linkChain(root, rel, 1)})
			}
			return nil
		}
		out = append(out, readDirFile(root, p, rel))
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// linkErr is the error of a file that is a symbolic link not followed to
// a regular file of the tree: errors.Is(err, diff.ErrLink).
type linkErr string

func (e linkErr) Error() string        { return string(e) }
func (e linkErr) Is(target error) bool { return target == diff.ErrLink }

// linkChain is the Link of the file at rel below root when it is a
// symbolic link: its target, and while that names a link of the tree or a
// path through a linked directory of the tree (which the client follows),
// that link's, as resolveLinks reads them from git; at most hops of them.
func linkChain(root, rel string, hops int) []string {
	var out []string
	rest := ""
	for len(out) < hops {
		t, err := os.Readlink(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			break
		}
		out = addTarget(out, []byte(t))
		j, ok := cleanJoin(rel, t)
		if !ok {
			break
		}
		if rest != "" {
			j = path.Join(j, rest)
		}
		rel, rest = j, ""
		if d, tail, ok := linkedPrefix(j, func(q string) bool {
			st, err := os.Lstat(filepath.Join(root, filepath.FromSlash(q)))
			return err == nil && st.Mode()&os.ModeSymlink != 0
		}); ok {
			rel, rest = d, tail
		}
	}
	return out
}

func readDirFile(root, p, rel string) File {
	f := File{Path: rel}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		f.Err, f.Link = linkErr("cannot resolve link"), linkChain(root, rel, diff.MaxLinkHops)
		return f
	}
	if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
		f.Err, f.Link = linkErr("symbolic link points outside the repository; not read"), linkChain(root, rel, diff.MaxLinkHops)
		return f
	}
	st, err := os.Stat(real)
	switch {
	case err != nil:
		f.Err = fmt.Errorf("cannot stat")
	case !st.Mode().IsRegular() && real != p:
		f.Err, f.Link = linkErr("not a regular file; not read"), linkChain(root, rel, diff.MaxLinkHops)
	case !st.Mode().IsRegular():
		f.Err = fmt.Errorf("not a regular file; not read")
	case st.Size() > MaxFileBytes:
		f.Err = fmt.Errorf("file is %d bytes, over the %d-byte limit; not read", st.Size(), MaxFileBytes)
	default:
		f.Data, f.Err = readLimited(real)
		if f.Err == nil {
			f.Blob = diff.BlobID(sha1.New(), f.Data)
		}
	}
	return f
}

// readLimited reads the file at p, at most MaxFileBytes of it: a file that
// grew since it was measured is refused, not read whole.
func readLimited(p string) ([]byte, error) {
	r, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read")
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot read")
	case len(data) > MaxFileBytes:
		return nil, fmt.Errorf("file is over the %d-byte limit; not read", MaxFileBytes)
	}
	return data, nil
}

// cleanJoin resolves a symlink target relative to the link's directory and
// reports whether it stays inside the tree.
func cleanJoin(linkPath, target string) (string, bool) {
	if strings.HasPrefix(target, "/") {
		return "", false
	}
	j := path.Clean(path.Join(path.Dir(linkPath), target))
	if j == ".." || strings.HasPrefix(j, "../") || j == "." {
		return "", false
	}
	return j, true
}

func git(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	return gitrun.Repo{Dir: dir}.Output(ctx, stdin, args...)
}

// resolvedRoot is Root made absolute, then with its links resolved.
// Absolute first: each file's resolved path is compared with the root's by
// prefix, and EvalSymlinks keeps a relative path relative ("a/x" for root
// "."), so a relative root would call every file a link out of the tree
// (TestDirRoots).
func (d *Dir) resolvedRoot() (string, error) {
	abs, err := filepath.Abs(d.Root)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}
