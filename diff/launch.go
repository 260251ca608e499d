package diff

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/launch"
)

// Launch configs (package launch) are compared like manifests: one
// ManifestDiff per config file, with Launch naming its client, and one
// change per grant that differs, at the entry's line in the config file.

// CodeLaunchSettings is the error code of an srt settings file a launch
// config names that cannot be read or parsed.
const CodeLaunchSettings = "LAUNCH_SETTINGS"

// launchSide is one side's parsed launch configs.
type launchSide struct {
	files []File
	cfgs  map[string]*launch.Config
	errs  map[string]*Problem
}

// compareLaunchInput compares the launch configs of in, each entry's srt
// settings read from its own side, and holds the head entries against the
// head manifests.
func compareLaunchInput(in *Input) []ManifestDiff {
	if len(in.LaunchBase) == 0 && len(in.LaunchHead) == 0 {
		return nil
	}
	b, h := parseLaunch(in.LaunchBase), parseLaunch(in.LaunchHead)
	same := sameUnread(in.SettingsBase, in.SettingsHead)
	b.applyFiles(in.SettingsBase, same)
	h.applyFiles(in.SettingsHead, same)
	return withExcess(compareLaunch(b, h), h, in.HeadFiles)
}

func parseLaunch(fs []File) *launchSide {
	s := &launchSide{files: fs, cfgs: map[string]*launch.Config{}, errs: map[string]*Problem{}}
	for _, f := range fs {
		if f.Err != nil {
			s.errs[f.Path] = &Problem{Code: CodeRead, Message: f.Err.Error() + linkedTo(f)}
			continue
		}
		cfg, err := launch.Parse(f.Path, f.Data)
		var le *launch.Error
		switch {
		case errors.As(err, &le):
			s.errs[f.Path] = &Problem{Code: le.Code, Message: le.Message, Line: le.Line, Col: le.Col}
		case err != nil:
			s.errs[f.Path] = &Problem{Code: launch.CodeParse, Message: err.Error()}
		default:
			s.cfgs[f.Path] = cfg
		}
	}
	return s
}

// applySettings is applyFiles with no file shared unread.
func (s *launchSide) applySettings(fs []File) { s.applyFiles(fs, nil) }

// applyFiles reads into the side's configs the files they read (fs): the
// servers of plugins' servers files, srt settings, env files, links; same
// lists the files not read that both sides share (sameUnread).
func (s *launchSide) applyFiles(fs []File, same map[string]bool) {
	byPath := NewFileIndex(fs)
	byPath.same = same
	var cfgFiles *FileIndex
	for path, cfg := range s.cfgs {
		if err := pluginFiles(cfg, byPath); err != nil {
			s.errs[path] = err
			continue
		}
		if cfg.Client == launch.ClaudePlugin {
			if cfgFiles == nil {
				cfgFiles = NewFileIndex(s.files)
			}
			if err := pluginRootServers(cfg, cfgFiles); err != nil {
				s.errs[path] = err
				continue
			}
		}
		for i := range cfg.Entries {
			e := &cfg.Entries[i]
			if err := unreadableFile(e, byPath); err != nil {
				s.errs[path] = err
				break
			}
			grantFiles(e, byPath)
			if e.Settings == "" {
				continue
			}
			f, ok := byPath.Get(e.Settings)
			if !ok || f.Err != nil {
				// srt refuses to start without the file it was given.
				e.Unjudged = append(e.Unjudged, launch.Note{Text: "srt settings " + e.Settings + linkedTo(f) + " are not in the tree (srt refuses to start, or reads another file): fail closed", Pos: e.SettingsPos})
				if to := linkedTo(f); to != "" {
					// The rules are read from outside the repository, as
					// srt -s /etc/srt.json's are: host control.
					e.Grants = append(e.Grants, launch.Grant{Kind: launch.GHost, Key: "srt settings " + e.Settings + to, Loud: true, Pos: e.SettingsPos,
						Why: "srt reads its rules through " + e.Settings + ", a symbolic link out of the repository: they may allow writing every path, the home directory included, and reaching every host (fail closed)"})
				}
				continue
			}
			gs, err := e.SettingsGrants(cfg.Client, f.Data)
			if err != nil {
				s.errs[path] = &Problem{Code: CodeLaunchSettings, Message: "srt settings " + settingsError(err), Line: e.SettingsPos.Line, Col: e.SettingsPos.Col}
				continue
			}
			for _, g := range gs {
				g.Why = strings.TrimPrefix(g.Why+"; ", "; ") + fmt.Sprintf("%s:%d", f.Path, g.Pos.Line)
				g.Pos = e.SettingsPos
				treeLink(&g, byPath)
				e.Grants = append(e.Grants, g)
			}
		}
	}
}

// pluginFiles replaces each entry of cfg that stands for the servers file
// a Claude Code plugin's mcpServers names with the servers of that file,
// read from the same tree (launch.Entry.PluginServers); an entry whose file
// is not in the tree stays, and cannot be judged (grantFiles). A file that
// does not parse fails the config closed, at the entry.
func pluginFiles(cfg *launch.Config, byPath *FileIndex) *Problem {
	var out []launch.Entry
	for i := range cfg.Entries {
		e := &cfg.Entries[i]
		f, ok := byPath.Get(e.PluginFile())
		if ok && byPath.unreadable(f) {
			return readProblem(f, e.Pos)
		}
		if e.PluginFile() == "" || !ok || f.Err != nil {
			out = append(out, *e)
			continue
		}
		es, err := e.PluginServers(f.Data)
		if err != nil {
			code := launch.CodeParse
			var le *launch.Error
			if errors.As(err, &le) {
				code = le.Code
			}
			return &Problem{Code: code, Message: "the plugin's servers file " + settingsError(err), Line: e.Pos.Line, Col: e.Pos.Col}
		}
		out = append(out, es...)
	}
	slices.SortStableFunc(out, func(a, b launch.Entry) int { return strings.Compare(a.Name, b.Name) })
	cfg.Entries = out
	return nil
}

// pluginRootServers adds to cfg, a Claude Code plugin's manifest or a
// marketplace's catalog, the servers of the .mcp.json at the root of each
// plugin it stands for (PluginRoots) that the side's launch configs
// (cfgFiles) hold: Claude Code starts them with the plugin,
// from the user's project (launch.PluginRootServers). That file is also
// read as a project's config of its own; read so alone, its relative
// paths were the plugin's directory, so a -v .:/w there (the user's
// project, any path) was not loud. A file that does not parse fails the
// manifest closed too.
func pluginRootServers(cfg *launch.Config, cfgFiles *FileIndex) *Problem {
	for _, root := range PluginRoots(cfg.Path, cfgFiles) {
		f, ok := cfgFiles.Get(path.Join(root, ".mcp.json"))
		if !ok {
			continue
		}
		if f.Err != nil {
			return readProblem(f, launch.Pos{Line: 1, Col: 1})
		}
		es, err := launch.PluginRootServers(path.Join(root, ".claude-plugin", "plugin.json"), f.Path, f.Data)
		if err != nil {
			code := launch.CodeParse
			var le *launch.Error
			if errors.As(err, &le) {
				code = le.Code
			}
			return &Problem{Code: code, Message: "the plugin's root .mcp.json " + settingsError(err), Line: 1, Col: 1}
		}
		cfg.Entries = append(cfg.Entries, es...)
	}
	return nil
}

// PluginRoots are the roots of the Claude Code plugins whose .mcp.json
// the launch config at p starts with the plugin: a plugin manifest's
// (launch.PluginRoot), or those a marketplace's catalog takes from the
// repository (launch.MarketplacePlugins, its bytes looked up in
// cfgFiles, the side's launch configs); none for any other config.
func PluginRoots(p string, cfgFiles *FileIndex) []string {
	if r := launch.PluginRoot(p); r != "" {
		return []string{r}
	}
	if f, ok := cfgFiles.Get(p); ok && f.Err == nil {
		return launch.MarketplacePlugins(p, f.Data)
	}
	return nil
}

// FileIndex finds the files read for a side's launch configs (srt
// settings, plugin servers files, env files, the directories of granted
// paths) by the path a config names, as its client opens it: the one file
// whose path matches it in any case, since on a case-insensitive file
// system (macOS, Windows) ./Servers.json opens servers.json. Paths were
// looked up exactly, so a plugin naming ./Servers.json beside
// servers.json was an entry that cannot be judged on both sides, however
// servers.json was edited. Two files that match it in case (the exact one
// among them or not) are an error: which one the client opens cannot be
// told.
type FileIndex struct {
	exact  map[string]File   // by path: a path read in two rounds is one file
	folded map[string][]File // by lower-case path, each path once
	// same holds the paths of files not read whose blob is the same on
	// both sides (see sameUnread).
	same map[string]bool
}

// NewFileIndex indexes fs.
func NewFileIndex(fs []File) *FileIndex {
	ix := &FileIndex{exact: make(map[string]File, len(fs)), folded: make(map[string][]File, len(fs))}
	for _, f := range fs {
		if _, dup := ix.exact[f.Path]; !dup {
			k := strings.ToLower(f.Path)
			ix.folded[k] = append(ix.folded[k], f)
		}
		ix.exact[f.Path] = f
	}
	return ix
}

// Get returns the file a client opens at p, and whether there is one.
// Beside another file of its name in another case, p itself is as
// ambiguous: a checkout on a case-insensitive file system writes one over
// the other.
func (ix *FileIndex) Get(p string) (File, bool) {
	switch fs := ix.folded[strings.ToLower(p)]; len(fs) {
	case 0:
		return File{}, false
	case 1:
		return fs[0], true
	default:
		names := make([]string, len(fs))
		for i, f := range fs {
			names[i] = f.Path
		}
		return File{Path: p, Err: fmt.Errorf("%s match %s in case, and a case-insensitive file system (macOS, Windows) opens either: which one cannot be told", strings.Join(names, " and "), p)}, true
	}
}

// unreadable reports whether f, a file a launch config reads, is in the
// tree but could not be read (over the size limit): its content may be
// the pull request's, unseen. A link out of the tree (ErrLink) is not: what
// it leads to is no part of the tree; nor is a file whose blob both sides
// share (ix.same): the pull request did not change it.
func (ix *FileIndex) unreadable(f File) bool {
	return f.Err != nil && !errors.Is(f.Err, ErrLink) && !ix.same[f.Path]
}

// sameUnread lists the paths of the files not read on both sides (over
// the size limit) whose blob (git's, known without reading) is the same:
// unchanged, so what they grant is the same entry that cannot be judged
// on both sides, not an error that fails every run. A side without blobs
// (a directory) shares none.
func sameUnread(base, head []File) map[string]bool {
	blobs := map[string]string{}
	for _, f := range base {
		if f.Err != nil && f.Blob != "" {
			blobs[f.Path] = f.Blob
		}
	}
	out := map[string]bool{}
	for _, f := range head {
		if f.Err != nil && f.Blob != "" && blobs[f.Path] == f.Blob {
			out[f.Path] = true
		}
	}
	return out
}

// readProblem is the error of a config whose entry at at reads f, which
// could not be read.
func readProblem(f File, at launch.Pos) *Problem {
	return &Problem{Code: CodeRead, Message: f.Path + ", which the config reads, cannot be read (" + f.Err.Error() + "): what it grants cannot be judged (fail closed)",
		Line: at.Line, Col: at.Col}
}

// unreadableFile is the error of the first file e reads (its srt settings,
// a file a grant reads) that is in the tree but could not be read, or
// nil. Such a file was an entry that cannot be judged, the same note on
// both sides: an srt settings file or a plugin's servers file over the
// size limit was edited to grant ~ and *.evil.com, and the diff passed.
func unreadableFile(e *launch.Entry, byPath *FileIndex) *Problem {
	if f, ok := byPath.Get(e.Settings); e.Settings != "" && ok && byPath.unreadable(f) {
		return readProblem(f, e.SettingsPos)
	}
	for _, g := range e.Grants {
		if f, ok := byPath.Get(g.File); g.File != "" && ok && byPath.unreadable(f) {
			p := g.Pos
			if p.Line == 0 {
				p = e.Pos
			}
			return readProblem(f, p)
		}
	}
	return nil
}

// linkedTo names where f points when it is a symbolic link not followed
// (File.Link), as " (a symbolic link to "/etc")"; "" for any other file.
// It goes into the text that names the file (a note, an error), so that a
// link retargeted is a change.
func linkedTo(f File) string {
	if t := linkTargets(f); t != "" {
		return " (a symbolic link to " + t + ")"
	}
	return ""
}

// linkTargets is f's Link quoted, each target in turn ("hop", a link to
// "/etc"), or "" when f is not a symbolic link that was not followed.
func linkTargets(f File) string {
	if len(f.Link) == 0 || !errors.Is(f.Err, ErrLink) {
		return ""
	}
	var b strings.Builder
	for i, t := range f.Link {
		if i > 0 {
			b.WriteString(", a link to ")
		}
		b.WriteString(strconv.Quote(t))
	}
	return b.String()
}

// ErrLink is what the error of a File read for a launch config says
// (errors.Is) when its path is a symbolic link that does not lead to a
// regular file of the tree (out of it, to a directory, dangling).
var ErrLink = errors.New("symbolic link")

// grantFiles makes the content of each file of the tree a grant of e reads
// (a seccomp profile, an env file) part of the grant's key, so that editing
// the file is a change to the grant, and adds the variables an env file
// sets as grants of their own (launch.Entry.EnvFileGrants); a file not in
// the tree cannot be judged.
func grantFiles(e *launch.Entry, byPath *FileIndex) {
	var vars []launch.Grant
	for j := range e.Grants {
		g := &e.Grants[j]
		treeLink(g, byPath)
		if g.File == "" {
			continue
		}
		f, ok := byPath.Get(g.File)
		if !ok || f.Err != nil {
			e.Unjudged = append(e.Unjudged, launch.Note{Text: g.File + linkedTo(f) + ", which " + g.Key + " reads, is not in the tree or not readable: fail closed", Pos: g.Pos})
			if to := linkedTo(f); to != "" {
				// What the client reads is outside the repository, as
				// an env file at /etc/shadow is: host control.
				g.Key += " (" + g.File + to + ")"
				g.Loud = true
				g.Why = strings.TrimPrefix(g.Why+"; ", "; ") + g.File + " is a symbolic link out of the repository: the client reads its target, a host file (fail closed)"
			}
			continue
		}
		sum := sha256.Sum256(f.Data)
		g.Key += " (" + g.File + " sha256:" + hex.EncodeToString(sum[:]) + ")"
		if g.Kind == launch.GEnvFile {
			vars = append(vars, e.EnvFileGrants(*g, f.Data)...)
		}
	}
	e.Grants = append(e.Grants, vars...)
}

// treeLink makes g, a host path inside the repository, loud when a
// directory on its way (or the path itself) is a symbolic link of the tree
// that does not lead to a regular file in it: the launcher follows it on the
// host, to / or the home directory for all the tree says (fail closed).
func treeLink(g *launch.Grant, byPath *FileIndex) {
	var at, to string
	for p := g.InTree; p != "" && p != "."; p = path.Dir(p) {
		if f, ok := byPath.Get(p); ok && errors.Is(f.Err, ErrLink) {
			at, to = p, linkTargets(f) // the outermost link decides
		}
	}
	if at == "" {
		return
	}
	if to != "" {
		to = ", to " + to
	}
	g.Key += " (through the symbolic link " + at + " of the repository" + to + ")"
	g.Loud = true
	g.Why = strings.TrimPrefix(g.Why+"; ", "; ") + at + " is a symbolic link in the repository that the sandbox launcher (the engine, bwrap, srt) follows on the host: it may lead anywhere, / or the home directory included (fail closed)"
}

// settingsError is where and why an srt settings file does not parse,
// without the reader's own code: the problem carries LAUNCH_SETTINGS.
func settingsError(err error) string {
	var le *launch.Error
	if errors.As(err, &le) {
		return fmt.Sprintf("%s:%d:%d: %s", le.Path, le.Line, le.Col, le.Message)
	}
	return err.Error()
}

// compareLaunch compares the launch configs of both sides, one
// ManifestDiff per path on either side.
func compareLaunch(b, h *launchSide) []ManifestDiff {
	paths := map[string]bool{}
	for _, s := range []*launchSide{b, h} {
		for _, f := range s.files {
			paths[f.Path] = true
		}
	}
	var out []ManifestDiff
	for p := range paths {
		out = append(out, compareConfig(p, b, h))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func inSide(s *launchSide, p string) bool {
	_, ok := s.cfgs[p]
	_, bad := s.errs[p]
	return ok || bad
}

func compareConfig(p string, b, h *launchSide) ManifestDiff {
	md := ManifestDiff{Path: p, Launch: launch.ClientOf(p), Changes: []Change{}}
	inB, inH := inSide(b, p), inSide(h, p)
	if e := h.errs[p]; e != nil {
		md.Status, md.Error = StatusError, e
		return md
	}
	var bc, hc *launch.Config
	switch {
	case !inH:
		md.Status = StatusRemoved
	case !inB:
		md.Status = StatusAdded
	default:
		md.Status = StatusModified
	}
	if e := b.errs[p]; e != nil {
		md.BaseError = e
	}
	bc, hc = b.cfgs[p], h.cfgs[p]
	if hc != nil {
		md.Hash = launchHash(hc)
	}
	md.Changes = compareEntries(entriesOf(bc), entriesOf(hc))
	if md.Status == StatusModified && len(md.Changes) == 0 && md.BaseError == nil {
		md.Status = StatusUnchanged
	}
	return md
}

func entriesOf(c *launch.Config) []launch.Entry {
	if c == nil {
		return nil
	}
	return c.Entries
}

// launchHash is what an approval lock approves of a launch config: a
// SHA-256 over every entry's name and launch (kind, argv, URL, settings
// file and every grant, the settings file's included), so that any change
// to what a server is launched with needs a new approval.
func launchHash(c *launch.Config) string {
	h := sha256.New()
	for i := range c.Entries {
		fmt.Fprintf(h, "%q\x00%s\x01", c.Entries[i].Name, fingerprint(&c.Entries[i]))
		for _, n := range c.Entries[i].Unjudged {
			fmt.Fprintf(h, "%q\x02", n.Text)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// fingerprint is an entry's launch without its name: what a renamed key
// must keep to be moved, not changed. Its fields from the config pass
// through hashField, so that no two launches write the same text.
func fingerprint(e *launch.Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%s\x00%q", e.Kind, hashField(e.Command), hashField(e.URL), hashField(e.Settings), e.Args)
	for _, g := range e.Grants {
		fmt.Fprintf(&b, "\x00%s\x00%s\x00%t", g.Kind, hashField(g.Key), g.Write)
	}
	return b.String()
}

// hashField is s as a field of fingerprint and launchHash, which separate
// fields with the bytes 0 to 2: s itself when it holds none of 0 to 3,
// else 3 and s quoted, which holds none of them. Written raw, a grant key
// with a NUL stood for several grants: an srt allowWrite of the one
// path "/tmp/x\u0000true\u0000fs\u0000/var/run/docker.sock" hashed as
// /tmp/x and the Docker socket, both writable, so a lock approving the
// first approved the second. Strings without those bytes (any a client
// can use) keep the text, and the hashes locks already hold.
func hashField(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r <= 3 }) < 0 {
		return s
	}
	return "\x03" + strconv.Quote(s)
}

// compareEntries pairs entries by name, then renamed keys with the same
// launch, and compares each pair. Entries of one name (a plugin's servers
// files that both define it, VS Code's servers and mcpServers) pair in
// their order: the n-th of a name on the head with the n-th on the base.
// Each was held against the base's last of that name, so a config with
// two differing servers of one name, compared with itself, had a widened
// row forever.
func compareEntries(bs, hs []launch.Entry) []Change {
	bKeys, hKeys := occurrenceKeys(bs), occurrenceKeys(hs)
	bBy := map[string]*launch.Entry{}
	for i := range bs {
		bBy[bKeys[i]] = &bs[i]
	}
	hBy := map[string]bool{}
	for _, k := range hKeys {
		hBy[k] = true
	}
	removed := map[string][]*launch.Entry{}
	for i := range bs {
		if !hBy[bKeys[i]] {
			fp := fingerprint(&bs[i])
			removed[fp] = append(removed[fp], &bs[i])
		}
	}
	var out []Change
	taken := map[*launch.Entry]bool{}
	for i := range hs {
		e := &hs[i]
		if old := bBy[hKeys[i]]; old != nil {
			out = append(out, compareEntry(old, e)...)
			continue
		}
		fp := fingerprint(e)
		if rs := removed[fp]; len(rs) > 0 {
			old := rs[0]
			removed[fp] = rs[1:]
			taken[old] = true
			out = append(out, Change{Severity: Changed, Kind: KindLaunch, Target: Targets(e.Kind), Before: old.Name, After: e.Name,
				Why: "server key renamed, same launch (moved)", Line: e.Pos.Line, Col: e.Pos.Col, Side: SideHead})
			continue
		}
		out = append(out, compareEntry(nil, e)...)
	}
	for i := range bs {
		if !hBy[bKeys[i]] && !taken[&bs[i]] {
			out = append(out, compareEntry(&bs[i], nil)...)
		}
	}
	sortChanges(out)
	return out
}

// occurrenceKeys keys each entry by its name and how many of that name
// come before it.
func occurrenceKeys(es []launch.Entry) []string {
	seen := make(map[string]int, len(es))
	out := make([]string, len(es))
	for i := range es {
		out[i] = es[i].Name + "\x00" + strconv.Itoa(seen[es[i].Name])
		seen[es[i].Name]++
	}
	return out
}

// sameSandbox reports whether kinds a and b read grants the same way
// (docker and podman run flags, srt and VS Code's sandbox).
func sameSandbox(a, b launch.Kind) bool {
	fam := func(k launch.Kind) launch.Kind {
		switch k {
		case launch.Podman:
			return launch.Docker
		case launch.VSCodeSandbox:
			return launch.Srt
		}
		return k
	}
	return fam(a) == fam(b)
}

// compareEntry compares one server across the sides; either may be nil.
func compareEntry(b, h *launch.Entry) []Change {
	switch {
	case h == nil && b == nil:
		return nil
	case h == nil:
		return []Change{{Severity: Narrowed, Kind: KindLaunch, Target: Targets(b.Kind), Before: b.Name + ": " + runs(b),
			Why: "server removed", Line: b.Pos.Line, Col: b.Pos.Col, Side: SideBase}}
	case h.Kind == launch.Disabled:
		if b == nil || b.Kind == launch.Disabled {
			return nil
		}
		return []Change{{Severity: Narrowed, Kind: KindLaunch, Target: Targets(h.Kind), Before: h.Name + ": " + runs(b),
			Why: "server disabled", Line: h.Pos.Line, Col: h.Pos.Col, Side: SideHead}}
	case h.Kind == launch.Remote:
		return compareRemote(b, h)
	}
	return compareLaunched(b, h)
}

// compareLaunched compares a server the head launches locally with the
// base's (nil when new).
func compareLaunched(b, h *launch.Entry) []Change {
	row := func(sev Severity, before, after, why string) Change {
		return Change{Severity: sev, Kind: KindLaunch, Target: Targets(h.Kind), Before: before, After: after, Why: why, Line: h.Pos.Line, Col: h.Pos.Col, Side: SideHead}
	}
	lb := launchBase(b, h)
	if lb.narrowed {
		return []Change{row(Narrowed, h.Name+": bare", h.Name+": "+string(h.Kind), "the server now runs in a sandbox ("+string(h.Kind)+")")}
	}
	var out []Change
	if lb.kindChanged {
		out = append(out, row(Widened, h.Name+": "+string(b.Kind), h.Name+": "+string(h.Kind), "the sandbox changed kind: the head's grants are judged as new"))
	}
	out = append(out, compareGrants(h.Name, string(h.Kind), h.Pos, lb.grants, h.Grants, lb.fresh)...)
	if !lb.fresh {
		out = append(out, viewRows(b, h, out)...)
	}
	out = append(out, compareNotes(b, h)...)
	if lb.nowBare {
		// The no-sandbox row says it, loudly; it shows what ran before.
		for i := range out {
			if out[i].Kind == KindLaunch && out[i].Before == "" && out[i].Loud {
				out[i].Before = h.Name + ": " + string(b.Kind) + " (" + runs(b) + ")"
				out[i].Why = "now r" + strings.TrimPrefix(out[i].Why, "r")
			}
		}
	}
	if !lb.fresh && b.Runs != h.Runs {
		out = append(out, row(Changed, h.Name+": "+b.Runs, h.Name+": "+h.Runs, "runs other code (image or package changed)"))
	}
	return out
}

// baseOf is what the head of a launched server is compared with.
type baseOf struct {
	grants []launch.Grant // the base's grants to compare with
	// fresh: the head's grants are all new (no base, or another kind of
	// sandbox); narrowed: a bare server now sandboxed, nothing else to
	// say; nowBare: a sandboxed one now bare; kindChanged: the sandbox's
	// kind changed.
	fresh, narrowed, nowBare, kindChanged bool
}

func launchBase(b, h *launch.Entry) baseOf {
	// A bare command and a shell string both run on the host with no
	// sandbox: between them what runs changes, not the sandbox.
	hostToHost := b != nil && onHost(b) && onHost(h)
	lb := baseOf{fresh: (b == nil || !sameSandbox(b.Kind, h.Kind)) && !hostToHost}
	switch {
	case b == nil || b.Kind == launch.Disabled || b.Kind == launch.Remote:
	case hostToHost:
		lb.grants = b.Grants
	case b.Kind == launch.Bare && h.Kind != launch.Bare && h.Kind != launch.Shell:
		lb.narrowed = true
	case h.Kind == launch.Bare && b.Kind != launch.Bare:
		lb.nowBare = true
	case !sameSandbox(b.Kind, h.Kind):
		lb.kindChanged = true
	default:
		lb.grants = b.Grants
	}
	return lb
}

// onHost reports whether e runs on the host with no sandbox: a bare
// command, or a shell (whose no-sandbox grant package launch adds).
func onHost(e *launch.Entry) bool {
	if e.Kind == launch.Bare {
		return true
	}
	return e.Kind == launch.Shell && slices.ContainsFunc(e.Grants, func(g launch.Grant) bool {
		return g.Kind == launch.GHost && g.Key == "no sandbox"
	})
}

func runs(e *launch.Entry) string {
	if e.Runs != "" {
		return e.Runs
	}
	return string(e.Kind)
}

func compareRemote(b, h *launch.Entry) []Change {
	var base []launch.Grant
	wasRemote := b != nil && b.Kind == launch.Remote
	if wasRemote {
		base = b.Grants
	}
	// A headers helper runs on the host: judged as any grant.
	helpers := compareGrants(h.Name, string(launch.Remote), h.Pos, base, h.Grants, !wasRemote)
	if wasRemote && b.URL == h.URL {
		return helpers
	}
	c := Change{Severity: Changed, Kind: "net", Target: Targets(launch.Remote), After: h.Name + ": " + h.URL,
		Why: "a new remote endpoint (the server runs elsewhere: not a sandbox grant)", Line: h.Pos.Line, Col: h.Pos.Col, Side: SideHead}
	if b != nil && b.Kind != launch.Disabled {
		c.Before = b.Name + ": " + runs(b)
	}
	if wasRemote && hasKind(h.Grants, launch.GEnv) {
		// The host's secrets the entry sends now go elsewhere.
		c.Severity, c.Why = Widened, "the endpoint changed, and the entry sends it the host's secrets (headers, bearer token)"
	}
	return append([]Change{c}, helpers...)
}

// compareNotes reports what cannot be judged: a reason new on the head,
// or any reason of an entry that changed.
func compareNotes(b, h *launch.Entry) []Change {
	seen := map[string]bool{}
	if b != nil && fingerprint(b) == fingerprint(h) {
		for _, n := range b.Unjudged {
			seen[n.Text] = true
		}
	}
	var out []Change
	for _, n := range h.Unjudged {
		if seen[n.Text] {
			continue
		}
		p := n.Pos
		if p.Line == 0 {
			p = h.Pos
		}
		// After names what runs (a shell entry's whole command line), so
		// the row shows what cannot be judged, and a row about another
		// command is another row (a label approves the rows it saw).
		out = append(out, Change{Severity: Widened, Kind: KindLaunch, Target: Targets(h.Kind), After: h.Name + ": " + runs(h),
			Why: "cannot be judged: " + n.Text, Line: p.Line, Col: p.Col, Side: SideHead})
	}
	return out
}

// grantKind is the Change kind a grant is reported as.
func grantKind(k launch.GrantKind) Kind {
	switch k {
	case launch.GEnvFile:
		return kEnv
	case launch.GHost:
		return KindLaunch
	case launch.GRaw:
		return kRaw
	case launch.GDevice:
		return kDevice
	case launch.GNamespace:
		return kNS
	case launch.GSecurity:
		return kSec
	}
	return Kind(k)
}

func grantText(name string, g launch.Grant) string {
	s := name + ": " + g.Key
	switch g.Kind {
	case launch.GFS:
		if g.Write {
			return s + " (rw)"
		}
		return s + " (ro)"
	case launch.GEnvFile:
		return name + ": --env-file " + g.Key
	}
	return s
}

// grantLoud says why g is host control, or "".
func grantLoud(g launch.Grant) string {
	if g.Loud {
		return g.Why
	}
	switch g.Kind {
	case launch.GFS:
		if strings.HasPrefix(g.Key, "/") {
			return loudPath(cleanPath(g.Key), g.Write)
		}
	case launch.GNetwork:
		if g.Key == "host" {
			return g.Why
		}
	case launch.GNet:
		return loudHost(hostOf(g.Key))
	case launch.GUser:
		return ""
	}
	return ""
}

// hostOf is the host of an egress key: "h", "h:443", "[::1]:443".
func hostOf(k string) string {
	if h, _, err := net.SplitHostPort(k); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(k, "["), "]")
}

func grantID(g launch.Grant) string { return string(g.Kind) + "\x00" + g.Key }

// grantCmp compares the grants of one server.
type grantCmp struct {
	name, target string
	at           launch.Pos
	bs, hs       []launch.Grant
	bBy, hBy     map[string]launch.Grant
	bPaths       pathIndex
	hPaths       pathIndex
	// bDeny holds the base's denyRead paths, bAllow its path grants but
	// srt's default read of every path (see covered).
	bDeny, bAllow pathIndex
	hNetwork      bool
	// fresh says the base is nothing to compare with (an added server,
	// a changed sandbox kind).
	fresh bool
}

// byID indexes grants by kind and key, the writable one when both are.
func byID(gs []launch.Grant) map[string]launch.Grant {
	m := make(map[string]launch.Grant, len(gs))
	for _, g := range gs {
		if old, ok := m[grantID(g)]; !ok || (g.Write && !old.Write) {
			m[grantID(g)] = g
		}
	}
	return m
}

func (gc *grantCmp) place(c Change, p launch.Pos, side Side) Change {
	if p.Line == 0 {
		p = gc.at
	}
	c.Line, c.Col, c.Side = p.Line, p.Col, side
	return c
}

// compareGrants compares the grants of one server, head grants first,
// then those only the base has.
func compareGrants(name, target string, at launch.Pos, bs, hs []launch.Grant, fresh bool) []Change {
	gc := &grantCmp{name: name, target: target, at: at, bs: bs, hs: hs, bBy: byID(bs), hBy: byID(hs), fresh: fresh,
		bPaths: newPathIndex(bs), hPaths: newPathIndex(hs), hNetwork: hasKind(hs, launch.GNetwork)}
	gc.bDeny, gc.bAllow = denyIndex(bs)
	var out []Change
	done := map[string]bool{}
	for _, g := range hs {
		if id := grantID(g); !done[id] {
			done[id] = true
			if c, ok := gc.headRow(gc.hBy[id]); ok {
				out = append(out, c)
			}
		}
	}
	for _, g := range bs {
		if id := grantID(g); !done[id] {
			done[id] = true
			if c, ok := gc.baseRow(g); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// headRow judges a head grant against the base.
func (gc *grantCmp) headRow(g launch.Grant) (Change, bool) {
	old, had := gc.bBy[grantID(g)]
	c := Change{Kind: grantKind(g.Kind), Target: Targets(gc.target), After: grantText(gc.name, g)}
	switch {
	case g.Kind == launch.GIsolation && !had:
		if gc.fresh {
			return c, false
		}
		c.Severity, c.Why = Narrowed, "protection added: "+g.Why
	case had && (g.Kind != launch.GFS || old.Write || !g.Write):
		return c, false
	case had:
		c.Before, c.Severity, c.Why = grantText(gc.name, old), Widened, "read-only made writable"
	case g.Kind == launch.GFS && gc.covered(g):
		return c, false
	case g.Kind == launch.GNetwork && g.Key == "none":
		c.Severity, c.Why = Narrowed, "no network"
	case g.Kind == launch.GEnv && strings.Contains(g.Key, "="):
		c.Severity, c.Why = Changed, g.Why+": no host data"
	default:
		c.Severity, c.Why = Widened, g.Why
		if c.Why == "" {
			c.Why = "new grant"
		}
	}
	loud := grantLoud(g)
	if loud == "" {
		loud = g.HostRuns
	}
	if loud != "" && c.Severity == Widened {
		c.Loud, c.Why = true, loud
	}
	return gc.place(c, g.Pos, SideHead), true
}

// baseRow judges a grant only the base has: a lost protection or an
// unknown option is widened, a read-only mount that leaves a writable one
// above it too; the rest is narrowed.
func (gc *grantCmp) baseRow(g launch.Grant) (Change, bool) {
	if _, ok := gc.hBy[grantID(g)]; ok || gc.fresh {
		return Change{}, false
	}
	c := Change{Kind: grantKind(g.Kind), Target: Targets(gc.target), Before: grantText(gc.name, g), Severity: Widened}
	switch {
	case g.Kind == launch.GIsolation:
		c.Why = "protection dropped: " + g.Why
		if d, ok := strings.CutPrefix(g.Key, "denyRead "); ok {
			// srt reads every path no denyRead names: the path is
			// readable again, loud when it is.
			loud := grantLoud(launch.Grant{Kind: launch.GFS, Key: d})
			if loud == "" && (d == "~" || strings.HasPrefix(d, "~/.")) {
				loud = "the user's credentials, ssh keys and shell start-up files"
			}
			if loud != "" {
				c.Loud, c.Why = true, d+" is readable again (srt reads every path no denyRead names): "+loud+"; "+c.Why
			}
		}
	case g.Kind == launch.GRaw:
		c.Why = "an option the reader does not know was removed: cannot be judged (fail closed)"
	case g.Kind == launch.GNetwork && gc.hNetwork:
		return c, false
	case g.Kind == launch.GFS && !g.Write && gc.shadowedByWritable(g):
		c.Why = "a read-only mount dropped: the writable mount above it now shows it writable"
	default:
		c.Severity, c.Why = Narrowed, "no longer granted"
		return gc.place(c, g.Pos, SideBase), true
	}
	return gc.place(c, gc.at, SideHead), true
}

// pathIndex holds the path grants of one side by key, the writable one
// when both are, for looking up a path's ancestors in O(len(path)).
type pathIndex map[string]bool

func newPathIndex(gs []launch.Grant) pathIndex {
	ix := pathIndex{}
	for _, g := range gs {
		if g.Kind == launch.GFS {
			ix[strings.TrimSuffix(g.Key, "/")] = ix[strings.TrimSuffix(g.Key, "/")] || g.Write
			if g.Key == "/" {
				ix["/"] = ix["/"] || g.Write
			}
		}
	}
	return ix
}

// above reports whether ix holds p or a directory above it, writable when
// write is set; strict leaves p itself out.
func (ix pathIndex) above(p string, write, strict bool) bool {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		p = "/"
	}
	for a, self := p, true; ; self = false {
		if w, ok := ix[a]; ok && (w || !write) && !(strict && self) {
			return true
		}
		i := strings.LastIndexByte(a, '/')
		switch {
		case a == "/" || i < 0:
			return false
		case i == 0:
			a = "/"
		default:
			a = a[:i]
		}
	}
}

// covered reports whether a path grant g is within a base grant of the
// same or a wider mode (a path at or above it). srt reads every path that
// no denyRead names, and an allowRead wins over a denyRead: so a read
// inside a base denyRead is covered only by an explicit base grant, never
// by the default read of every path. A path that still holds a .. (it
// climbs above its variable) is below nothing: it may be any path.
func (gc *grantCmp) covered(g launch.Grant) bool {
	if strings.Contains("/"+g.Key+"/", "/../") {
		// ${workspaceFolder}/../..: above what it starts from, so no
		// grant of a path it starts with covers it.
		return false
	}
	if !gc.bPaths.above(g.Key, g.Write, false) {
		return false
	}
	if g.Write || !gc.bDeny.above(g.Key, false, false) {
		return true
	}
	return gc.bAllow.above(g.Key, false, false)
}

// denyIndex returns the denyRead paths of gs, and its path grants without
// srt's default read of every path.
func denyIndex(gs []launch.Grant) (deny, allow pathIndex) {
	deny, allow = pathIndex{}, pathIndex{}
	def := launch.SrtDefaults()[0]
	for _, g := range gs {
		switch {
		case g.Kind == launch.GIsolation && strings.HasPrefix(g.Key, "denyRead "):
			deny[strings.TrimSuffix(strings.TrimPrefix(g.Key, "denyRead "), "/")] = true
			if strings.TrimPrefix(g.Key, "denyRead ") == "/" {
				deny["/"] = true
			}
		case g.Kind == launch.GFS && !(g.Key == def.Key && g.Why == def.Why):
			allow[strings.TrimSuffix(g.Key, "/")] = allow[strings.TrimSuffix(g.Key, "/")] || g.Write
			if g.Key == "/" {
				allow["/"] = allow["/"] || g.Write
			}
		}
	}
	return deny, allow
}

// shadowedByWritable reports whether the read-only mount g lies under a
// writable mount of the head, for the mount-based sandboxes (docker,
// podman, bwrap): without g, the path shows through the writable one.
func (gc *grantCmp) shadowedByWritable(g launch.Grant) bool {
	switch launch.Kind(gc.target) {
	case launch.Docker, launch.Podman, launch.Bwrap:
		return gc.hPaths.above(g.Key, true, true)
	}
	return false
}

func hasKind(gs []launch.Grant, k launch.GrantKind) bool {
	for _, g := range gs {
		if g.Kind == k {
			return true
		}
	}
	return false
}

// addLaunch adds the launch config diffs to r, in path order with the
// manifests, and counts them.
func addLaunch(r *Result, ls []ManifestDiff) {
	have := map[string]bool{}
	for _, m := range r.Manifests {
		have[m.Path] = true
	}
	for _, m := range ls {
		// A submodule that may hold both is reported once.
		if !have[m.Path] {
			r.Manifests = append(r.Manifests, m)
		}
	}
	sort.SliceStable(r.Manifests, func(i, j int) bool { return r.Manifests[i].Path < r.Manifests[j].Path })
	r.Counts, _ = Tally(r.Manifests)
}

// LaunchWidened counts the widened changes of launch configs (they are in
// Counts.Widened too).
func (r *Result) LaunchWidened() int {
	n := 0
	for _, m := range r.Manifests {
		if m.Launch == "" {
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
