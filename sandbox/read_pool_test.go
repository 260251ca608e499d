package sandbox

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/compiler"
)

// TestCompareArtifactsAsRead holds CompareArtifacts, which reads into
// memory kept from one call to the next, to Compare of FromArtifact, on a
// sequence of pairs of generated artifacts of every target: small and
// large ones one after the other (so kept room is reused, shorter and
// longer), compiled ones and ones changed by hand (unknown options, a
// command, odd config lines: Unknown and Command), ones with the same
// argv asking for other egress or variables (readShared), and nil.
func TestCompareArtifactsAsRead(t *testing.T) {
	t.Parallel()
	pool := []string{"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "fs:read:/var/run/docker.sock", "net:connect:api.example.com:443",
		"net:connect:*:443", "net:connect:.example.org:80", "net:connect:10.0.0.0/8:22", "exec:spawn:curl", "env:inject:TOKEN",
		"env:read:HOME", `ipc:connect:"unix:/run/x.sock"`, "ipc:connect:x11", "clock:tzdata", "nested:sandbox"}
	rnd := rand.New(rand.NewPCG(21, 22))
	byTarget := map[string][]*compiler.Artifact{}
	for i := range 120 {
		var caps []string
		for _, c := range pool {
			if rnd.IntN(3) == 0 {
				caps = append(caps, c)
			}
		}
		for j := range rnd.IntN(3) * 10 { // some large ones
			caps = append(caps, fmt.Sprintf("fs:read:/srv/many/%d/%d", i, j), fmt.Sprintf("net:connect:h%d-%d.example.com:443", i, j))
		}
		r := compileOrSkip(t, caps)
		if r == nil {
			continue
		}
		for _, a := range r.Artifacts.All() {
			byTarget[a.Target] = append(byTarget[a.Target], a, handChanged(rnd, a))
		}
	}
	targets := slices.Sorted(func(yield func(string) bool) {
		for k := range byTarget {
			if !yield(k) {
				return
			}
		}
	})
	if len(targets) < 7 {
		t.Fatalf("only targets %v", targets)
	}
	shared := 0
	for i := range 3000 {
		as := byTarget[targets[rnd.IntN(len(targets))]]
		b, h := as[rnd.IntN(len(as))], as[rnd.IntN(len(as))]
		switch rnd.IntN(20) {
		case 0:
			b = nil
		case 1:
			h = nil
		case 2, 3, 4, 5:
			if b.Shape() == compiler.ShapeSandbox {
				h = askingOther(rnd, b)
			}
		}
		if sameArgv(b, h) {
			shared++
		}
		got, want := CompareArtifacts(b, h), Compare(FromArtifact(b), FromArtifact(h))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pair %d (%s): CompareArtifacts\n%+v\nCompare of FromArtifact\n%+v", i, h.Target, got, want)
		}
	}
	if shared < 100 {
		t.Fatalf("only %d pairs with the same argv", shared)
	}
}

// compileOrSkip compiles caps to every target, nil when they do not
// compile together.
func compileOrSkip(t *testing.T, caps []string) *compiler.Result {
	t.Helper()
	q := make([]string, len(caps))
	for i, c := range caps {
		q[i] = fmt.Sprintf("%q", c)
	}
	src := `{"name": "t", "version": "1", "tools": [{"name": "t", "capabilities": [` + strings.Join(q, ", ") + `]}]}`
	r, err := compiler.CompileTargets([]byte(src), compiler.AllTargets())
	if err != nil {
		return nil
	}
	return r
}

// handChanged is a copy of a with a part a reader does not read as the
// compiler writes it: an option it does not know or a command (argv), a
// line it does not recognise or one dropped (config); or a as it is.
func handChanged(rnd *rand.Rand, a *compiler.Artifact) *compiler.Artifact {
	c := *a
	switch {
	case len(a.Argv) > 0:
		argv := slices.Clone(a.Argv)
		switch rnd.IntN(4) {
		case 0:
			argv = append(argv, "--", "sh", "-c", "x")
		case 1:
			argv = slices.Insert(argv, rnd.IntN(len(argv)+1), "--no-such-option")
		case 2:
			argv = slices.Insert(argv, 0, "--bind", "/etc", "/etc", "--setenv", "A", "b", "--unsetenv", "PATH")
		default:
			argv = argv[:rnd.IntN(len(argv)+1)]
		}
		c.Argv = argv
	case a.Config != "":
		ls := strings.Split(a.Config, "\n")
		switch rnd.IntN(3) {
		case 0:
			ls = slices.Insert(ls, rnd.IntN(len(ls)+1), "odd line here")
		case 1:
			i := rnd.IntN(len(ls))
			ls = slices.Delete(ls, i, i+1)
		}
		c.Config = strings.Join(ls, "\n")
	}
	return &c
}

// askingOther is a copy of a, a sandbox artifact, with the same argv,
// asking the host for other egress or variables.
func askingOther(rnd *rand.Rand, a *compiler.Artifact) *compiler.Artifact {
	c := *a
	switch rnd.IntN(3) {
	case 0:
		c.Egress = append(slices.Clone(a.Egress), compiler.EgressRule{Host: "more.example.com", Port: 443})
	case 1:
		c.Egress, c.EnvInjections = nil, nil
	default:
		c.EnvInjections = append(slices.Clone(a.EnvInjections), "HOME", "EXTRA")
	}
	return &c
}
