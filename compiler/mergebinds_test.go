package compiler

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// refEffective is the mode the sandbox shows at the clean path p after the
// binds of declared grants apply, as the engine applies them: bwrap in argv
// order, docker by destination depth (then order); the last bind at or
// above p decides. ok is false when no bind covers p.
func refEffective(target string, argv []string, p string) (rw, ok bool) {
	bs := refBinds(target, argv)
	if target == TargetDocker {
		sort.SliceStable(bs, func(i, j int) bool { return depth(bs[i].dst) < depth(bs[j].dst) })
	}
	for _, b := range bs {
		if atOrBelow(p, b.dst) {
			rw, _ = refMode(target, b.words)
			ok = true
		}
	}
	return rw, ok
}

// TestMergedBindsGrantAsDeclared: for random manifests whose fs, ipc and
// clock grants often lower to one destination, the docker argv and the
// MCP Gateway entry mount no destination twice, and in bwrap and docker alike every declared grant
// holds at the path it is lowered to (writable when it declares a write,
// readable always), a read-only grant made writable is named in a note
// when that comes from a merge, and the bwrap binds equal capgate's order
// with the reference merge applied.
func TestMergedBindsGrantAsDeclared(t *testing.T) {
	t.Parallel()
	paths := []string{"/srv/d/a.txt", "/srv/d/zz.conf", "/srv/d", "/srv/d/", "/srv/d/**", "/srv/d/sub/**", "/srv/d/sub/k.pem",
		"/srv/e", "/tmp", "/tmp/.X11-unix", "/tmp/.X11-unix/x.d", "/etc/localtime", "/usr/share/zoneinfo/**", "/run/app.sock"}
	ipcs := []string{`ipc:connect:"unix:/srv/d"`, `ipc:connect:"unix:/srv/e"`, `ipc:connect:"unix:/run/app.sock"`, "ipc:connect:x11", `ipc:connect:"dbus:system"`}
	modes := []string{"read", "read,write", "write", "read,delete"}
	rng := rand.New(rand.NewPCG(19, 7))
	for iter := 0; iter < 2000; iter++ {
		var caps []string
		for n := 1 + rng.IntN(6); n > 0; n-- {
			switch k := rng.IntN(10); {
			case k < 7:
				caps = append(caps, "fs:"+modes[rng.IntN(len(modes))]+":"+paths[rng.IntN(len(paths))])
			case k < 9:
				caps = append(caps, ipcs[rng.IntN(len(ipcs))])
			default:
				caps = append(caps, "clock:tzdata")
			}
		}
		quoted := make([]string, len(caps))
		for i, c := range caps {
			quoted[i] = strconv.Quote(c)
		}
		src := fmt.Sprintf(`{"name":"s","version":"1","tools":[{"name":"t","capabilities":[%s]}]}`, strings.Join(quoted, ","))
		r, err := Compile([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		gatewayOnce(t, src, r)
		for _, target := range []string{TargetBwrap, TargetDocker} {
			a := r.Artifacts.Get(target)
			if d := dupVolume(a.Argv); target == TargetDocker && d != "" {
				t.Fatalf("%s: docker mounts %s twice: %q", src, d, a.Argv)
			}
			for _, m := range Mounts(r.Policy) {
				rw, ok := refEffective(target, a.Argv, cleanForTest(m.Path))
				if !ok || (m.Writable && !rw) {
					t.Fatalf("%s: %s: %s (writable %v) shows covered %v writable %v: %q", src, target, m.Declared, m.Writable, ok, rw, a.Argv)
				}
			}
			for i := range r.Policy.IPC {
				g := &r.Policy.IPC[i]
				if s, _ := ipcSocket(g.Name); s != "" {
					if _, ok := refEffective(target, a.Argv, s); !ok {
						t.Fatalf("%s: %s: ipc %s not bound: %q", src, target, g.Name, a.Argv)
					}
				}
			}
			checkWiderNotes(t, src, target, r, a)
		}
	}
}

// checkWiderNotes: a read-only fs grant lowered to the destination of a
// writable one is named in exactly one note of a, and no other is.
func checkWiderNotes(t *testing.T, src, target string, r *Result, a *Artifact) {
	t.Helper()
	ms := Mounts(r.Policy)
	var want []string
	for i, m := range ms {
		if m.Writable {
			continue
		}
		if slices.ContainsFunc(ms, func(o Mount) bool { return o.Writable && cleanForTest(o.Path) == cleanForTest(m.Path) }) ||
			slices.ContainsFunc(r.Policy.IPC, func(g NamedGrant) bool {
				s, _ := ipcSocket(g.Name)
				return g.Name != "x11" && s == cleanForTest(m.Path) // x11 is read-only in every target
			}) {
			want = append(want, mountGrant(&ms[i]))
		}
	}
	var got []string
	for _, n := range a.Notes {
		if strings.HasPrefix(n, "fs: ") && strings.Contains(n, widerNoteMark) {
			g, _, _ := strings.Cut(strings.TrimPrefix(n, "fs: "), widerNoteMark)
			got = append(got, g)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: %s notes wider fs grants %q, want %q\n%q", src, target, got, want, a.Notes)
	}
}

// gatewayOnce: the gateway entry of r mounts no destination twice.
func gatewayOnce(t *testing.T, src string, r *Result) {
	t.Helper()
	a, err := Lower(r, TargetMCPGateway, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Volumes []string `json:"volumes"`
	}
	if err := json.Unmarshal([]byte(a.Config), &e); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, v := range e.Volumes {
		if d := strings.Split(v, ":")[1]; seen[d] {
			t.Fatalf("%s: the gateway entry mounts %s twice: %q", src, d, e.Volumes)
		} else {
			seen[d] = true
		}
	}
}
