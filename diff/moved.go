package diff

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/internal/source"
)

// CodeMoved is the error code of a manifest that left the matched set
// while the head tree still holds it under a path the patterns miss.
const CodeMoved = "MOVED"

// headEntry is one file of the head tree, manifest or not.
type headEntry struct {
	path string
	size int64
	oid  string // git blob id; "" on a directory side
	abs  string // the file on disk, on a directory side
	reg  bool   // a regular file (not a symbolic link)
}

// movedOut finds the removed base manifests that did not go away but moved
// out of the patterns (git-renamed to a path the patterns miss, renamed to
// a different case, given a suffix such as ".orig", or copied byte for byte
// to an unmatched path), and returns base path -> head path. Removing a
// file from the patterns' reach must not read as a narrowing when the
// file, widened, is still there.
//
// It is linear: the head tree is listed once, each head path looks up a
// few keys (its lowercase form and that form with each "."-suffix of its
// base name and a trailing "~" cut) in a map of the removed manifests, and
// only head files of the same size as a removed manifest are hashed.
func movedOut(ctx context.Context, head source.Side, removed []*source.File, gitRenames map[string]string, matched map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	if len(removed) == 0 {
		return out, nil
	}
	byPath := make(map[string]*source.File, len(removed))
	byKey := make(map[string]*source.File, len(removed))
	bySize := map[int64]bool{}
	for _, b := range removed {
		byPath[b.Path] = b
		if _, dup := byKey[strings.ToLower(b.Path)]; !dup {
			byKey[strings.ToLower(b.Path)] = b
		}
		if b.Err == nil {
			bySize[int64(len(b.Data))] = true
		}
	}
	// Git's own rename detection (similar content, any path).
	for h, b := range gitRenames {
		if byPath[b] != nil && !matched[h] {
			setMoved(out, b, h)
		}
	}
	entries, objectFormat, err := listHead(ctx, head)
	if err != nil {
		return nil, fmt.Errorf("listing the head tree to find moved manifests: %w", err)
	}
	var hashes map[string]*source.File // content id -> removed manifest
	for _, e := range entries {
		if matched[e.path] {
			continue
		}
		for _, k := range moveKeys(e.path) {
			if b := byKey[k]; b != nil {
				setMoved(out, b.Path, e.path)
				break
			}
		}
		if !e.reg || !bySize[e.size] {
			continue
		}
		if hashes == nil {
			hashes = map[string]*source.File{}
			for _, b := range removed {
				if b.Err == nil {
					hashes[contentID(objectFormat, b.Data)] = b
				}
			}
		}
		id := e.oid
		if id == "" {
			data, err := os.ReadFile(e.abs)
			if err != nil {
				continue
			}
			id = contentID(objectFormat, data)
		}
		if b := hashes[id]; b != nil {
			setMoved(out, b.Path, e.path)
		}
	}
	return out, nil
}

// setMoved records the first (smallest) head path a base manifest moved to,
// so that the report does not depend on map order.
func setMoved(out map[string]string, b, h string) {
	if old, ok := out[b]; !ok || h < old {
		out[b] = h
	}
}

// moveKeys are the keys a head path is looked up under: its lowercase
// form, then that form with a trailing "~" cut and with each "."-suffix of
// its base name cut ("a/capgate.json.orig" -> "a/capgate.json").
func moveKeys(p string) []string {
	l := strings.ToLower(p)
	keys := []string{l}
	l = strings.TrimRight(l, "~")
	keys = append(keys, l)
	dir := strings.LastIndexByte(l, '/') + 1
	for i := len(l) - 1; i > dir; i-- {
		if l[i] == '.' {
			keys = append(keys, l[:i])
		}
	}
	return keys
}

// contentID is a file's git blob id in objectFormat ("sha1" or
// "sha256"); a directory side uses sha256 of the bytes alone.
func contentID(objectFormat string, data []byte) string {
	var h hash.Hash
	switch objectFormat {
	case "sha1":
		h = sha1.New()
	case "sha256":
		h = sha256.New()
	default:
		s := sha256.Sum256(data)
		return hex.EncodeToString(s[:])
	}
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// listHead lists every file of the head side. On a git side entries carry
// their blob id and the repository's object format is returned.
func listHead(ctx context.Context, head source.Side) ([]headEntry, string, error) {
	switch s := head.(type) {
	case *source.Git:
		format, err := gitOut(ctx, s.Dir, "rev-parse", "--show-object-format")
		if err != nil {
			return nil, "", err
		}
		out, err := gitOut(ctx, s.Dir, "ls-tree", "-r", "-l", "-z", "--full-tree", s.Rev)
		if err != nil {
			return nil, "", err
		}
		var es []headEntry
		for _, rec := range strings.Split(out, "\x00") {
			meta, p, ok := strings.Cut(rec, "\t")
			if !ok {
				continue
			}
			f := strings.Fields(meta)
			if len(f) != 4 || f[1] != "blob" {
				continue
			}
			size, _ := strconv.ParseInt(f[3], 10, 64)
			es = append(es, headEntry{path: p, size: size, oid: f[2], reg: f[0] != "120000"})
		}
		return es, strings.TrimSpace(format), nil
	case source.Empty:
		return nil, "", nil
	case *source.Dir:
		abs, err := filepath.Abs(s.Root)
		if err != nil {
			return nil, "", err
		}
		root, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, "", err
		}
		var es []headEntry
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == ".git" {
					return filepath.SkipDir
				}
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			e := headEntry{path: filepath.ToSlash(rel), abs: p}
			if d.Type().IsRegular() {
				if info, err := d.Info(); err == nil {
					e.size, e.reg = info.Size(), true
				}
			}
			es = append(es, e)
			return nil
		})
		return es, "", err
	}
	return nil, "", fmt.Errorf("unknown side %T", head)
}

func gitOut(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
