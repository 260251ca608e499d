// Package diff compares what two versions of a set of capgate manifests let
// a server do, judged on the boundary read back from the sandbox artifacts
// each version compiles to (bind mounts, docker flags, squid and nftables
// rules), paths cleaned, not on the manifest text. Changes that hand the
// sandbox control of the host are marked loud. Every step is linear or
// n log n, and output does not depend on timing.
package diff

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/launch"
	"github.com/razukc/capgate-action/lint"
)

// Change is one difference in what a manifest grants.
type Change struct {
	Severity Severity `json:"severity"`
	// Kind is fs, net, env, exec, ipc, clock, nestedSandbox or assert.
	Kind Kind `json:"kind"`
	// Target names the artifact(s) the change shows in: "bwrap,docker"
	// for mounts, "all" for egress rules, or one target.
	Target Targets `json:"target"`
	Before string  `json:"before"`
	After  string  `json:"after"`
	Why    string  `json:"why"`
	// Line and Col locate the capability string that caused the change,
	// in the head manifest (Side "head") or the base one (Side "base").
	Line int  `json:"line"`
	Col  int  `json:"col"`
	Side Side `json:"side"`
	// Loud marks a widened change that hands the sandbox control of the
	// host: a container-engine socket or a directory holding one, the
	// host root, /etc, /root, a home directory, /proc, /sys, /dev, an
	// added capability, --privileged, a host device.
	Loud bool `json:"loud,omitempty"`
}

// TextDiff is a line diff of one changed artifact.
type TextDiff struct {
	Target string `json:"target"`
	Diff   string `json:"diff"`
	// NotesOnly is set when the artifacts differ only in their notes:
	// the enforced part is the same.
	NotesOnly bool `json:"notes_only,omitempty"`
}

// ManifestDiff is the comparison of one manifest across the two sides.
type ManifestDiff struct {
	Path     string `json:"path"`
	BasePath string `json:"base_path,omitempty"`
	Status   Status `json:"status"`
	// Error is set when the head cannot be read, parsed or compiled.
	Error *Problem `json:"error,omitempty"`
	// BaseError is set when only the base side is broken; the head is then
	// compared with an empty manifest.
	BaseError *Problem   `json:"base_error,omitempty"`
	Changes   []Change   `json:"changes"`
	TextDiffs []TextDiff `json:"text_diffs,omitempty"`
	// Approved is set when an approval lock (package lock) approves the
	// head's capability set of this manifest; its widening then does not
	// fail a check.
	Approved bool `json:"approved,omitempty"`
	// Hash is the head's capgate manifestHash (compiler.ManifestHash), ""
	// when the head is absent or broken, or holds the base's bytes (an
	// unchanged manifest has nothing for a lock to approve).
	Hash string `json:"-"`
	// Launch is set when Path is a launch config, not a manifest: the
	// client that reads it (launch.Client: claude-code, vscode, cursor,
	// gemini, codex). Its changes are per server entry (see launch.go).
	Launch launch.Client `json:"launch,omitempty"`
	// Exceeds lists, for a launch config, the head entries that grant more
	// than the head manifest of the server they run (see LaunchExcess).
	// Their changes are not counted: they are not a change of this pull
	// request, and capgate lint reports them.
	Exceeds []Exceeding `json:"exceeds,omitempty"`
}

// Widens reports whether m has a widened change.
func (m *ManifestDiff) Widens() bool {
	for _, c := range m.Changes {
		if c.Severity == Widened {
			return true
		}
	}
	return false
}

// UnapprovedWidened counts the widened changes of manifests no lock
// approves.
func (r *Result) UnapprovedWidened() int {
	n := 0
	for _, m := range r.Manifests {
		if m.Approved {
			continue
		}
		for _, c := range m.Changes {
			if c.Severity == Widened {
				n++
			}
		}
	}
	return n
}

// UnapprovedLoud counts the loud changes of manifests no lock approves.
func (r *Result) UnapprovedLoud() int {
	n := 0
	for _, m := range r.Manifests {
		if m.Approved {
			continue
		}
		for _, c := range m.Changes {
			if c.Loud {
				n++
			}
		}
	}
	return n
}

// Problem is an error with a place: the module's one diagnostic. Its
// Hint says what to change, as capgate lint does; its Path is not set (the
// manifest or launch config holding it names the file) and not in the JSON.
type Problem = diag.Diagnostic

// Counts tallies changes and errors.
type Counts struct {
	// Loud counts the widened changes that are also loud (they are in
	// Widened too).
	Loud               int `json:"loud"`
	Widened            int `json:"widened"`
	Narrowed           int `json:"narrowed"`
	Changed            int `json:"changed"`
	UnenforceableAdded int `json:"unenforceable_added"`
	Errors             int `json:"errors"`
	// BaseErrors counts manifests whose base side did not compile, so
	// that their head was compared with nothing.
	BaseErrors int `json:"base_errors"`
}

// Result is the whole comparison.
type Result struct {
	Base string `json:"base"`
	Head string `json:"head"`
	// Targets are the targets compared, in listing order; nil when they
	// are capgate's four (compiler.Targets), the default.
	Targets   []string       `json:"targets,omitempty"`
	Counts    Counts         `json:"counts"`
	Manifests []ManifestDiff `json:"manifests"`
}

// Widened reports whether any manifest grants more on the head.
func (r *Result) Widened() bool { return r.Counts.Widened > 0 }

// File is one manifest read from a side.
type File struct {
	// Path is slash-separated, relative to the tree root.
	Path string
	// Blob is the git blob id of Data (in the repository's object format;
	// sha1 on a directory side), "" when unknown: files with the same
	// Blob hold the same bytes.
	Blob string
	// Data is the manifest's bytes; nil when Err is set.
	Data []byte
	// Err says why the file was not read (a symbolic link out of the
	// tree, a file over the size limit); it is reported as the file's
	// error.
	Err error
	// Link is, when Path is a symbolic link that was not followed to a
	// regular file of the tree (Err is ErrLink), where it points: the
	// target of each link in turn, from Path's own (a link to a link of
	// the tree, or a directory link of the tree on a target's way: d of
	// d/srt.json), as git stores it (the blob of a 120000 entry) or
	// os.Readlink reads it, at most MaxLinkHops of them. For a file
	// under a linked directory, the directory link's. What a client
	// reads through the link is its target's, so a retarget (/opt/safe
	// to /etc) is a change, compared in the text that names the link.
	Link []string
}

// MaxLinkHops is how many links a chain of symbolic links is followed
// through, and its targets kept (File.Link), at most: Linux's MAXSYMLINKS
// (macOS stops at 32), past which the client's open fails (ELOOP) too.
// Fewer let a chain of the tree longer than that keep, unseen, a retarget
// of its last link that the client followed to /etc.
const MaxLinkHops = 40

// TreeFile is one file of the head tree, manifest or not: what Run looks
// at to tell a manifest that moved out of the patterns from one that went
// away.
type TreeFile struct {
	Path string
	// Blob is the git blob id of its bytes, "" when not known (a
	// directory side hashes only the files as large as a base manifest).
	Blob string
	// Regular is false for a symbolic link.
	Regular bool
}

// Input is what Run compares: both sides, already read.
type Input struct {
	// Base and Head name the sides in the report ("HEAD~1", "./base").
	Base, Head string
	// BaseFiles and HeadFiles are the manifests of each side, sorted by
	// path.
	BaseFiles, HeadFiles []File
	// HeadTree lists every file of the head side.
	HeadTree []TreeFile
	// Renames maps head paths to base paths (git's rename detection);
	// nil when the sides are not two commits: then a removed and an
	// added manifest with the same bytes are paired.
	Renames map[string]string
	// RenamesLimited is set when git may have skipped the inexact part of
	// its rename detection (more deleted times added files than its
	// limit): a removed manifest may then have moved out of the patterns,
	// edited, unseen, so it is an error, not a removal (markMoved).
	RenamesLimited bool
	// Patterns are the manifest patterns, as "a, b, !c", for
	// NoManifestsError.
	Patterns string
	// AllowEmpty lets Run succeed when no manifest is on either side;
	// otherwise that is a *NoManifestsError (a typo in a pattern must
	// not turn the gate off).
	AllowEmpty bool
	// Targets are the targets compared (any of compiler.AllTargets);
	// empty means capgate's four, compiler.Targets().
	Targets []string
	// LaunchBase and LaunchHead are the launch configs of each side
	// (package launch), sorted by path; SettingsBase and SettingsHead the
	// srt settings files their entries name, read from the same side.
	LaunchBase, LaunchHead     []File
	SettingsBase, SettingsHead []File
	// Prechecks, if not nil, holds the checks of blobs begun while the
	// sides were read; Run waits for them and checks the other unchanged
	// manifests itself.
	Prechecks *Prechecks
}

// NoManifestsError is returned by Run when no manifest matched the
// patterns on either side and Input.AllowEmpty is false.
type NoManifestsError struct {
	// Patterns is the pattern list, as "a, b, !c".
	Patterns string
}

func (e *NoManifestsError) Error() string {
	return "no manifests matched " + e.Patterns
}

// Run compares every manifest found on either side of in.
func Run(in *Input) (*Result, error) {
	if err := compiler.CheckTargets(in.Targets); err != nil {
		in.Prechecks.Wait()
		return nil, err
	}
	if len(in.BaseFiles) == 0 && len(in.HeadFiles) == 0 && len(in.LaunchBase) == 0 && len(in.LaunchHead) == 0 && !in.AllowEmpty {
		in.Prechecks.Wait()
		return nil, &NoManifestsError{Patterns: in.Patterns}
	}
	r := compareSides(in, in.Prechecks.verdicts())
	r.Targets = comparedTargets(in.Targets)
	markMoved(r, in)
	// Without launch configs there is nothing to add, and the manifests
	// are sorted and counted already.
	if ls := compareLaunchInput(in); len(ls) > 0 {
		addLaunch(r, ls)
	}
	return r, nil
}

// markMoved turns each removed manifest that moved out of the patterns
// (see movedOut) into an error: the file is still there, possibly wider,
// only unjudged, so it must not count as a narrowing. When git's rename
// detection may have been cut short (in.RenamesLimited), every removed
// manifest is such an error: a move with edits is not seen then.
func markMoved(r *Result, in *Input) {
	if !slices.ContainsFunc(r.Manifests, func(md ManifestDiff) bool { return md.Status == StatusRemoved }) {
		return
	}
	baseBy := make(map[string]*File, len(in.BaseFiles))
	for i := range in.BaseFiles {
		baseBy[in.BaseFiles[i].Path] = &in.BaseFiles[i]
	}
	var removed []*File
	for _, md := range r.Manifests {
		if md.Status == StatusRemoved {
			removed = append(removed, baseBy[md.Path])
		}
	}
	matched := make(map[string]bool, len(in.HeadFiles))
	for _, f := range in.HeadFiles {
		matched[f.Path] = true
	}
	moved := movedOut(in.HeadTree, removed, in.Renames, matched)
	if len(moved) == 0 && !in.RenamesLimited {
		return
	}
	for i := range r.Manifests {
		md := &r.Manifests[i]
		if md.Status != StatusRemoved {
			continue
		}
		if to, ok := moved[md.Path]; ok {
			*md = ManifestDiff{Path: md.Path, Status: StatusError, Changes: []Change{},
				Error: &Problem{Code: CodeMoved, Message: "manifest moved out of the patterns to " + to + "; it is no longer judged (fail closed)"}}
		} else if in.RenamesLimited {
			*md = ManifestDiff{Path: md.Path, Status: StatusError, Changes: []Change{},
				Error: &Problem{Code: CodeMoved, Message: "manifest removed in a change too large for git's rename detection (over 1,000 files deleted and added): whether it moved out of the patterns, edited, cannot be told (fail closed); remove it in a smaller change"}}
		}
	}
	r.Counts, _ = Tally(r.Manifests)
}

// compareSides compares the manifest files of in. in.Renames maps head
// paths to base paths (git's rename detection); without any, removed and
// added files that are byte-identical are paired instead. pre holds the
// checks of blobs done already (Prechecks).
func compareSides(in *Input, pre map[string]*check) *Result {
	targets := in.Targets
	pairs := pairFiles(in.BaseFiles, in.HeadFiles, in.Renames)
	checks := checkUnchanged(pairs, pre)
	r := &Result{Base: in.Base, Head: in.Head, Manifests: make([]ManifestDiff, len(pairs))}
	// Manifests are independent: compare them on every core. Each result
	// goes to its own slot, so the output order does not depend on timing.
	// An unchanged one takes no comparing: it is filled in here, and only
	// the others are handed to the workers (handing over the 10,000 of
	// BenchmarkRunUnchanged10000, a send and a wake-up each, took longer
	// than filling them in).
	var changed []int
	for i, p := range pairs {
		if c := checks[i]; c != nil {
			r.Manifests[i] = withBasePath(unchangedFile(p.h, c.p), p)
		} else {
			changed = append(changed, i)
		}
	}
	forEach(len(changed), func(k int) {
		i := changed[k]
		r.Manifests[i] = withBasePath(compareFiles(pairs[i].b, pairs[i].h, targets), pairs[i])
	})
	// Head files come sorted by path, and so do pairs when no base file
	// is left alone: sorting is then a look (SortStableFunc of 10,000
	// sorted manifests was a millisecond; sort.SliceStable three).
	byPath := func(a, b ManifestDiff) int { return strings.Compare(a.Path, b.Path) }
	if !slices.IsSortedFunc(r.Manifests, byPath) {
		slices.SortStableFunc(r.Manifests, byPath)
	}
	r.Counts, _ = Tally(r.Manifests)
	return r
}

// pair is a manifest on both sides, or on one (the other nil).
type pair struct{ b, h *File }

// withBasePath is md with its BasePath set when p's sides are at two paths.
func withBasePath(md ManifestDiff, p pair) ManifestDiff {
	if p.b != nil && p.h != nil && p.b.Path != p.h.Path {
		md.BasePath = p.b.Path
	}
	return md
}

// pairFiles pairs each head file with its base file: the one at the same
// path, or the one it was renamed from. Sides sorted by path, as readers
// give them, are paired by walking both (sideIndex); a base file taken is
// marked in a slice. Maps of 10,000 paths were a tenth of
// BenchmarkRunUnchanged10000, and growing them half of that before.
func pairFiles(bf, hf []File, gitRenames map[string]string) []pair {
	x := indexSides(bf, hf)
	renames := map[string]int{} // head path -> index of its base file
	for h, b := range gitRenames {
		if k, ok := x.base(b); ok && x.head(h) && !x.head(b) {
			renames[h] = k
		}
	}
	if len(gitRenames) == 0 {
		pairCopies(bf, hf, x, renames)
	}
	taken := make([]bool, len(bf))
	pairs := make([]pair, 0, len(hf))
	for i := range hf {
		f := &hf[i]
		k := x.at[i]
		if old, ok := renames[f.Path]; ok {
			k = old
		}
		var b *File
		if k >= 0 && !taken[k] {
			b = &bf[k]
			taken[k] = true
		}
		pairs = append(pairs, pair{b, f})
	}
	for i := range bf {
		if !taken[i] {
			pairs = append(pairs, pair{&bf[i], nil})
		}
	}
	return pairs
}

// sideIndex says where the paths of two sides are: at[j] is the index of
// the base file at the path of head file j (-1: none), inHead[k] whether
// base file k's path is on the head; base and head look a path up.
type sideIndex struct {
	at     []int
	inHead []bool
	base   func(path string) (int, bool)
	head   func(path string) bool
}

// indexSides indexes bf and hf: by walking both when each is sorted by
// path without repeats (then a look-up is a binary search), else with
// maps.
func indexSides(bf, hf []File) *sideIndex {
	x := &sideIndex{at: make([]int, len(hf)), inHead: make([]bool, len(bf))}
	less := func(a, b File) int { return strings.Compare(a.Path, b.Path) }
	if !strictlySorted(bf) || !strictlySorted(hf) {
		return indexSidesByMap(bf, hf, x)
	}
	k := 0
	for j := range hf {
		for k < len(bf) && bf[k].Path < hf[j].Path {
			k++
		}
		x.at[j] = -1
		if k < len(bf) && bf[k].Path == hf[j].Path {
			x.at[j], x.inHead[k] = k, true
		}
	}
	x.base = func(p string) (int, bool) { return slices.BinarySearchFunc(bf, File{Path: p}, less) }
	x.head = func(p string) bool { _, ok := slices.BinarySearchFunc(hf, File{Path: p}, less); return ok }
	return x
}

// strictlySorted reports whether fs are sorted by path, no path twice.
func strictlySorted(fs []File) bool {
	for i := 1; i < len(fs); i++ {
		if fs[i-1].Path >= fs[i].Path {
			return false
		}
	}
	return true
}

// indexSidesByMap is indexSides with maps, for sides in any order (a
// repeated path: its last base file).
func indexSidesByMap(bf, hf []File, x *sideIndex) *sideIndex {
	baseBy := make(map[string]int, len(bf))
	for i := range bf {
		baseBy[bf[i].Path] = i
	}
	headBy := make(map[string]bool, len(hf))
	for _, f := range hf {
		headBy[f.Path] = true
	}
	for j, f := range hf {
		x.at[j] = -1
		if k, ok := baseBy[f.Path]; ok {
			x.at[j] = k
		}
	}
	for k, f := range bf {
		x.inHead[k] = headBy[f.Path]
	}
	x.base = func(p string) (int, bool) { k, ok := baseBy[p]; return k, ok }
	x.head = func(p string) bool { return headBy[p] }
	return x
}

// pairCopies adds to renames, without git's rename data, a removed and an
// added file that are byte-identical: removed files are indexed by
// content, so this is linear (5,000 added manifests used to take 5,000 ×
// 5,000 compares).
func pairCopies(bf, hf []File, x *sideIndex, renames map[string]int) {
	removed := map[string][]int{}
	for k, b := range bf {
		if !x.inHead[k] && b.Err == nil {
			removed[string(b.Data)] = append(removed[string(b.Data)], k)
		}
	}
	if len(removed) == 0 {
		return
	}
	for j, f := range hf {
		if x.at[j] >= 0 || f.Err != nil {
			continue
		}
		if ks := removed[string(f.Data)]; len(ks) > 0 {
			renames[f.Path] = ks[0]
			removed[string(f.Data)] = ks[1:]
		}
	}
}

// checkUnchanged checks each manifest whose bytes are the same on both
// sides (compiler.Check), once for all files holding the same blob (or,
// without blob ids, the same bytes), on every core; a blob pre holds is
// not checked again. It returns the check of each pair, nil for a pair
// whose sides differ. byBlob holds only the blobs pre does not: filling it
// with all 10,000 of BenchmarkDiffGit10000, all in pre, was a map of
// 10,000 made for nothing.
func checkUnchanged(pairs []pair, pre map[string]*check) []*check {
	out := make([]*check, len(pairs))
	byBlob := make(map[string]*check, max(len(pairs)-len(pre), 0))
	var byData map[string]*check
	var unchanged []*check
	for i, p := range pairs {
		if !same(p.b, p.h) {
			continue
		}
		key, m := p.h.Blob, byBlob
		if key == "" {
			if byData == nil {
				byData = map[string]*check{}
			}
			key, m = string(p.h.Data), byData
		}
		c := m[key]
		if c == nil && p.h.Blob != "" {
			c = pre[key]
		}
		if c == nil {
			c = &check{data: p.h.Data}
			m[key] = c
			unchanged = append(unchanged, c)
		}
		out[i] = c
	}
	forEach(len(unchanged), func(i int) { unchanged[i].run() })
	return out
}

// forEach calls f(0) … f(n-1) on every core.
func forEach(n int, f func(int)) { forEachOn(runtime.GOMAXPROCS(0), n, f) }

// forEachOn calls f(0) … f(n-1) on workers goroutines, handing each index
// over a channel. Which worker runs f(i) does not matter when f writes only
// slot i (TestForEachWorkers: 1 worker and 8 give the same comparisons).
// Taking indexes from an atomic counter instead kept the workers from
// ever waiting, so the collector's background worker seldom ran: its
// marking took 4-8 ms instead of 2-3, and BenchmarkDiffGit2000's peak
// grew by 3-4 MiB (gctrace, 2026-12-07).
func forEachOn(workers, n int, f func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(n, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// same reports whether b and h are read and hold the same bytes.
func same(b, h *File) bool {
	if b == nil || h == nil || b.Err != nil || h.Err != nil {
		return false
	}
	if b.Blob != "" && b.Blob == h.Blob {
		return true
	}
	return bytes.Equal(b.Data, h.Data)
}

// check is the verdict of compiler.Check on one content.
type check struct {
	data []byte
	p    *Problem
}

func (c *check) run() {
	if err := compiler.Check(c.data); err != nil {
		c.p = problem(err, c.data)
	}
}

// unchangedFile is the comparison of a manifest whose bytes are the same on
// both sides, whose check found p: same bytes, same policy, so nothing to
// compare, but a head that does not compile is still an error.
func unchangedFile(h *File, p *Problem) ManifestDiff {
	if p != nil {
		return ManifestDiff{Path: h.Path, Status: StatusError, Error: p, Changes: []Change{}}
	}
	return ManifestDiff{Path: h.Path, Status: StatusUnchanged, Changes: []Change{}}
}

// FailOn is the set of outcomes that make a diff fail (exit 1 in the CLI,
// a failed check in the action). Loud fails on unapproved host control
// only; Widened covers it.
type FailOn struct{ Loud, Widened, Unenforceable, Error bool }

// DefaultFailOn is what the CLI and the action fail on when not told.
const DefaultFailOn = "widened,error"

// comparedTargets is what Result.Targets says for a run asked to compare
// targets: nil for the default, capgate's four, else the targets in
// listing order.
func comparedTargets(targets []string) []string {
	var out []string
	for _, t := range compiler.AllTargets() {
		if slices.Contains(targets, t) {
			out = append(out, t)
		}
	}
	if slices.Equal(out, compiler.Targets()) {
		return nil
	}
	return out
}

// ParseTargets parses a comma-separated list of target names (any of
// compiler.AllTargets), as the CLI's --targets and the action's targets
// input take it. A blank value gives nil: capgate's four. An empty item
// ("," or "srt,,bwrap") is an error: a typo must not pick the targets.
func ParseTargets(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			return nil, fmt.Errorf("empty target name in %q", s)
		}
		out = append(out, p)
	}
	if err := compiler.CheckTargets(out); err != nil {
		return nil, err
	}
	return out, nil
}

// ParseFailOn reads "loud,widened,unenforceable,error" (any non-empty
// subset, comma-separated) or "never" alone; loud fails on host control
// only (widened includes it). An empty or blank value, an empty
// item ("widened,,error"), and "never" next to anything else are errors:
// a typo must not turn the gate off.
func ParseFailOn(s string) (FailOn, error) {
	var f FailOn
	if strings.TrimSpace(s) == "" {
		return f, fmt.Errorf("empty fail-on value %q (want loud, widened, unenforceable, error, comma-separated, or never)", s)
	}
	parts := strings.Split(s, ",")
	for _, p := range parts {
		switch strings.TrimSpace(p) {
		case "loud":
			f.Loud = true
		case "widened":
			f.Widened = true
		case "unenforceable":
			f.Unenforceable = true
		case "error":
			f.Error = true
		case "never":
			if len(parts) > 1 {
				return FailOn{}, fmt.Errorf("fail-on value %q mixes never with other outcomes (never stands alone)", s)
			}
		case "":
			return FailOn{}, fmt.Errorf("fail-on value %q has an empty item (want loud, widened, unenforceable, error, comma-separated, or never)", s)
		default:
			return FailOn{}, fmt.Errorf("unknown fail-on value %q (want loud, widened, unenforceable, error or never)", p)
		}
	}
	return f, nil
}

// Fails reports whether r holds an outcome listed in f. Widening of a
// manifest an approval lock approves (ManifestDiff.Approved) does not count.
func (f FailOn) Fails(r *Result) bool {
	return (f.Widened && r.UnapprovedWidened() > 0) ||
		(f.Loud && r.UnapprovedLoud() > 0) ||
		(f.Unenforceable && r.Counts.UnenforceableAdded > 0) ||
		(f.Error && r.Counts.Errors > 0)
}

// Tally counts the changes and errors of ms. ok is false when some status
// or severity is not one of the known values (a report from elsewhere).
func Tally(ms []ManifestDiff) (c Counts, ok bool) {
	ok = true
	for _, m := range ms {
		switch m.Status {
		case StatusAdded, StatusRemoved, StatusModified, StatusUnchanged:
		case StatusError:
			c.Errors++
		default:
			ok = false
		}
		if m.BaseError != nil {
			c.BaseErrors++
		}
		for _, ch := range m.Changes {
			if ch.Loud && ch.Severity != Widened {
				ok = false
			}
			switch ch.Severity {
			case Widened:
				c.Widened++
				if ch.Loud {
					c.Loud++
				}
			case Narrowed:
				c.Narrowed++
			case Changed:
				c.Changed++
			case UnenforceableAdded:
				c.UnenforceableAdded++
			default:
				ok = false
			}
		}
	}
	return c, ok
}

func problem(err error, src []byte) *Problem {
	var ce *compiler.Error
	if errors.As(err, &ce) {
		p := ce.Diag("")
		p.Hint = lint.ExplainError(src, err)
		return &p
	}
	return &Problem{Code: CodeRead, Message: err.Error()}
}

// compileFile compiles f to targets, capgate's four when empty.
func compileFile(f *File, targets []string) (*compiler.Result, *Problem) {
	if f.Err != nil {
		p := problem(f.Err, nil)
		p.Message += linkedTo(*f)
		return nil, p
	}
	compile := compiler.Compile
	if len(targets) > 0 {
		compile = func(src []byte) (*compiler.Result, error) { return compiler.CompileTargets(src, targets) }
	}
	r, err := compile(f.Data)
	if err != nil {
		return nil, problem(err, f.Data)
	}
	return r, nil
}

// compareFiles compares one manifest; either side may be nil (absent).
func compareFiles(b, h *File, targets []string) ManifestDiff {
	var md ManifestDiff
	var base, head *compiler.Result
	switch {
	case h == nil:
		md.Path, md.Status = b.Path, StatusRemoved
		var p *Problem
		if base, p = compileFile(b, targets); p != nil {
			md.BaseError = p
			md.Changes = []Change{}
			return md
		}
		head = compiler.Empty()
	default:
		md.Path = h.Path
		var p *Problem
		if head, p = compileFile(h, targets); p != nil {
			md.Status, md.Error, md.Changes = StatusError, p, []Change{}
			return md
		}
		md.Hash = head.Hash
		if b == nil {
			md.Status = StatusAdded
			base = compiler.Empty()
		} else if base, p = compileFile(b, targets); p != nil {
			md.BaseError = p
			md.Status = StatusModified
			base = compiler.Empty()
		}
	}
	// The artifacts are the same exactly when no text diff is left.
	tds, same := textDiffs(base, head)
	md.Changes = compare(base, head, same)
	if md.Status == "" {
		md.Status = StatusModified
		if len(tds) == 0 {
			md.Status = StatusUnchanged
		}
	}
	if md.Status != StatusUnchanged {
		md.TextDiffs = tds
	}
	return md
}
