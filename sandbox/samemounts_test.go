package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestSameMountsNoFSDelta holds Compare's fast path for equal mounts to the
// walks it skips: over two sandboxes with the same mounts, compareFS and
// compareLinks find nothing, on generated mount lists (binds nested in one
// another, tmpfs over them, the same destination twice, system trees) and
// on every target's artifact of generated manifests.
func TestSameMountsNoFSDelta(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(7, 8))
	paths := []string{"/", "/srv", "/srv/a", "/srv/a/b", "/tmp", "/usr", "/usr/lib", "/home/u", "/home/u/.ssh", "/proc"}
	var boxes []*Sandbox
	for range 300 {
		s := &Sandbox{Confined: true}
		for j := range rnd.IntN(9) {
			m := Mount{Type: MountType(1 + rnd.IntN(int(Image))), Dest: paths[rnd.IntN(len(paths))], Arg: j,
				Write: rnd.IntN(2) == 0, Devices: rnd.IntN(5) == 0, Try: rnd.IntN(4) == 0}
			if m.Type == Bind {
				m.Source = paths[rnd.IntN(len(paths))]
			}
			s.Mounts = append(s.Mounts, m)
		}
		boxes = append(boxes, s)
	}
	pool := []string{"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "fs:read:/srv/b/c/d.txt", "net:connect:api.example.com:443",
		"exec:spawn:curl", "env:inject:TOKEN", `ipc:connect:"unix:/run/x.sock"`, "ipc:connect:x11", "clock:tzdata", "fs:read:/tmp/**"}
	for range 40 {
		var caps []string
		for _, c := range pool {
			if rnd.IntN(3) == 0 {
				caps = append(caps, fmt.Sprintf("%q", c))
			}
		}
		r, err := compiler.CompileTargets([]byte(fmt.Sprintf(`{"name": "t", "version": "1", "tools": [{"name": "t", "capabilities": [%s]}]}`, strings.Join(caps, ", "))), compiler.AllTargets())
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range r.Artifacts.All() {
			boxes = append(boxes, FromArtifact(a))
		}
	}
	mounted := 0
	for i, base := range boxes {
		head := *base
		head.Mounts = append([]Mount(nil), base.Mounts...)
		head.Caps = append(head.Caps, "NET_ADMIN")
		bv, hv := base.View(), head.View()
		if len(base.Mounts) > 0 {
			mounted++
		}
		if d := compareFS(&head, bv, hv); len(d) != 0 {
			t.Fatalf("sandbox %d (%+v): compareFS over the same mounts gave %+v", i, base.Mounts, d)
		}
		if d := compareLinks(base, bv, hv, nil); len(d) != 0 {
			t.Fatalf("sandbox %d (%+v): compareLinks over the same mounts gave %+v", i, base.Mounts, d)
		}
	}
	if mounted < 200 {
		t.Fatalf("only %d sandboxes with mounts", mounted)
	}
}
