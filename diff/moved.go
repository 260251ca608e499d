package diff

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// CodeMoved is the error code of a manifest that left the matched set
// while the head tree still holds it under a path the patterns miss.
const CodeMoved = "MOVED"

// CodeRead is the error code of a manifest or launch config that cannot be
// read from its side: a symbolic link that leaves the tree or does not lead
// to a regular file, a file over the size limit, a git or file-system error.
const CodeRead = "READ"

// movedOut finds the removed base manifests that did not go away but moved
// out of the patterns (git-renamed to a path the patterns miss, renamed to
// a different case, given a suffix such as ".orig", or copied byte for byte
// to an unmatched path) in tree, the head's files, and returns base path ->
// head path. Removing a file from the patterns' reach must not read as a
// narrowing when the file, widened, is still there.
//
// It is linear: each head path looks up a few keys (its lowercase form and
// that form with each "."-suffix of its base name and a trailing "~" cut)
// in a map of the removed manifests, and its blob id in a map of theirs.
func movedOut(tree []TreeFile, removed []*File, gitRenames map[string]string, matched map[string]bool) map[string]string {
	out := map[string]string{}
	if len(removed) == 0 {
		return out
	}
	byPath := make(map[string]*File, len(removed))
	byKey := make(map[string]*File, len(removed))
	for _, b := range removed {
		byPath[b.Path] = b
		if _, dup := byKey[strings.ToLower(b.Path)]; !dup {
			byKey[strings.ToLower(b.Path)] = b
		}
	}
	// Git's own rename detection (similar content, any path).
	for h, b := range gitRenames {
		if byPath[b] != nil && !matched[h] {
			setMoved(out, b, h)
		}
	}
	var byBlob map[string]*File // blob id -> removed manifest
	for _, e := range tree {
		if matched[e.Path] {
			continue
		}
		for _, k := range moveKeys(e.Path) {
			if b := byKey[k]; b != nil {
				setMoved(out, b.Path, e.Path)
				break
			}
		}
		if !e.Regular || e.Blob == "" {
			continue
		}
		if byBlob == nil {
			byBlob = blobIDs(removed)
		}
		if b := byBlob[e.Blob]; b != nil {
			setMoved(out, b.Path, e.Path)
		}
	}
	return out
}

// blobIDs maps the git blob ids of the removed manifests' bytes, in both
// object formats, to the manifests.
func blobIDs(removed []*File) map[string]*File {
	ids := make(map[string]*File, 2*len(removed))
	for _, b := range removed {
		if b.Err != nil {
			continue
		}
		for _, id := range []string{BlobID(sha1.New(), b.Data), BlobID(sha256.New(), b.Data)} {
			if _, dup := ids[id]; !dup {
				ids[id] = b
			}
		}
	}
	return ids
}

// BlobID is the git blob id of data under h: sha1.New() for a sha1
// repository, sha256.New() for a sha256 one.
func BlobID(h hash.Hash, data []byte) string {
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
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
