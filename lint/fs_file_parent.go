package lint

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

var fsFileParentRule = Rule{
	ID:      "fs-file-mounts-parent",
	Summary: "an fs path whose last segment has a dot: its whole parent directory is mounted",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindFS || strings.HasSuffix(c.Path, "/") {
			return nil
		}
		low := compiler.LowerPath(c.Path)
		trimmed := strings.TrimSuffix(strings.TrimSuffix(c.Path, "/**"), "/*")
		if low == trimmed || low == c.Path {
			return nil
		}
		return finding("fs-file-mounts-parent", cs, "%q looks like a file, so all of %q is mounted; declare the directory you mean, or end the path with / if it is one", c.Path, low)
	},
}
