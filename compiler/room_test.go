package compiler

import (
	"testing"

	"github.com/razukc/capgate-action/internal/jsonx"
)

// TestRoomBounds checks that the room decodeManifest reserves holds the
// whole compilation of every conformance manifest, so that each fills one
// text block and one list block. A failure means a lowering now writes
// more than lowerRoom.add allows for: raise the bound.
func TestRoomBounds(t *testing.T) {
	t.Parallel()
	srcs := benchCorpus(t)
	var spareText, spareList int
	for _, src := range srcs {
		var jp jsonx.Parser
		root, err := jp.Parse(src, jsonx.WantAll, nil)
		if err != nil {
			t.Fatal(err)
		}
		get := root.Get
		_, nb, ns := manifestRoom(get("name"), get("version"), get("grammar"), get("serverCapabilities"), get("tools"), true)
		c, a := new(compiled), new(arena) // not shared: a's blocks hold this manifest alone
		if err := c.prepare(src, c.lowerAll, prep{a: a}); err != nil {
			t.Fatal(err)
		}
		// A block that grows keeps its length: Len and len are what
		// was written.
		if got := len(a.b); got > nb {
			t.Errorf("%s: text %d bytes, room for %d", c.m.Name, got, nb)
		}
		if got := len(a.s); got > ns {
			t.Errorf("%s: lists %d strings, room for %d", c.m.Name, got, ns)
		}
		spareText += nb - len(a.b)
		spareList += ns - len(a.s)
	}
	t.Logf("%d manifests; mean spare: %d bytes of text, %d list entries", len(srcs), spareText/len(srcs), spareList/len(srcs))
}
