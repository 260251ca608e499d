package lint

import (
	"github.com/razukc/capgate-action/compiler"
)

var readMadeWritableRule = Rule{
	ID:      "fs-read-made-writable",
	Summary: "a read-only fs grant that capgate merges with a covering or covered write grant into one writable mount",
	CheckManifest: func(all []compiler.CapString, parsed []*compiler.Capability) []Finding {
		type key struct{ tool, index int }
		byCap := map[key]*compiler.Capability{}
		var fs []compiler.Capability
		for i, c := range parsed {
			if c != nil && c.Kind == compiler.KindFS {
				fs = append(fs, *c)
				byCap[key{all[i].Tool, all[i].Index}] = c
			}
		}
		if len(fs) < 2 {
			return nil
		}
		var out []Finding
		for _, g := range compiler.Normalize(fs).FS {
			if !g.Writable() {
				continue
			}
			// writes[path] is whether any grant of that path writes.
			writes := map[string]bool{}
			var writer *compiler.Capability
			for _, s := range g.Srcs {
				c := byCap[key{s.Tool, s.Index}]
				w := false
				for _, a := range c.Actions {
					w = w || a != "read"
				}
				writes[c.Path] = writes[c.Path] || w
				if w && writer == nil {
					writer = c
				}
			}
			for _, s := range g.Srcs {
				c := byCap[key{s.Tool, s.Index}]
				if writes[c.Path] {
					continue
				}
				out = append(out, finding(s, "%q is declared read-only, but capgate merges it with %q into one writable mount of %q; grant write only on paths that do not overlap read-only ones", c.Path, writer.Src.Text, compiler.LowerPath(g.Path))...)
			}
		}
		return out
	},
}
