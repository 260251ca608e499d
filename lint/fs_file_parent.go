package lint

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

var fsFileParentRule = Rule{
	ID:      "fs-file-mounts-parent",
	Summary: "an fs path whose last segment has a dot: its whole parent directory is mounted",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindFS {
			return nil
		}
		dir, ok := globDir(c.Path)
		if !ok {
			return nil
		}
		low := compiler.LowerPath(c.Path)
		if low == dir {
			return nil
		}
		return finding(cs, "%q looks like a file, so all of %q is mounted; declare the directory you mean, or end the path with / if it is one", c.Path, low)
	},
}

// globDir is the path compiler.LowerPath has in hand when it applies its
// file-name test: p without its trailing glob segments ("/**" or "/*",
// then "/*"). ok is false when LowerPath takes no file-name step: p ends in
// "/", or nothing but "/" is left ("/**" is the root, not a file).
func globDir(p string) (dir string, ok bool) {
	if strings.HasSuffix(p, "/") {
		return "", false
	}
	q := p
	if strings.HasSuffix(q, "/**") {
		q = q[:len(q)-3]
	} else if strings.HasSuffix(q, "/*") {
		q = q[:len(q)-2]
	}
	q = strings.TrimSuffix(q, "/*")
	if q == "" || strings.HasSuffix(q, "/") {
		return "", false
	}
	return q, true
}
