package sandbox

// Compare as it was (bdae583), the oracle of FuzzCompareAsBefore: the
// steps this work changed (the view, egress rules through maps, isolation
// and sets made anew); the steps it did not change (the fs walks, the
// product, network and user) are the live ones. A deliberate change to a
// step copied here must be made to the copy too.

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func oldCompare(base, head *Sandbox) []Delta {
	switch {
	case !head.Confined && !base.Confined:
		return nil
	case !head.Confined:
		return []Delta{{Severity: Widened, Aspect: AspectConfined, Before: "sandboxed", After: "no sandbox",
			Why: "the process runs with every right of the user: every file, the network, the environment", Ref: Ref{Side: Head}}}
	case !base.Confined:
		return []Delta{{Severity: Narrowed, Aspect: AspectConfined, Before: "no sandbox", After: "sandboxed",
			Why: "the process now runs in a sandbox", Ref: Ref{Side: Base}}}
	}
	var out []Delta
	bv, hv := oldView(base), (*View)(nil)
	if slices.Equal(base.Mounts, head.Mounts) {
		// The same mounts give the same view, and over one view
		// compareFS finds no point where access differs and
		// compareLinks no bind the base lacked: one view, neither
		// walk. A pull request that changes no mount (egress, a
		// variable, a program) pays for neither; it took a third of
		// Compare for a bwrap artifact (BenchmarkChangedManifest in
		// package diff). TestSameMountsNoFSDelta holds both walks to
		// that on generated sandboxes.
		hv = bv
	} else {
		hv = oldView(head)
		out = append(out, compareFS(head, bv, hv)...)
		out = append(out, compareLinks(base, bv, hv, out)...)
	}
	out = append(out, oldCompareRules(base.Network.Allow, head.Network.Allow)...)
	out = append(out, compareProduct(base.Network, head.Network)...)
	out = append(out, compareNetwork(base.Network, head.Network)...)
	out = append(out, oldCompareIso(base.Isolation, head.Isolation)...)
	out = append(out, oldCompareSets(base, head)...)
	out = append(out, compareUser(base.User, head.User)...)
	return out
}

func oldCompareIso(b, h []string) []Delta {
	lost, gained := minus(b, h), minus(h, b)
	var out []Delta
	if len(lost) > 0 {
		out = append(out, Delta{Severity: Widened, Aspect: AspectIsolation, Before: strings.Join(lost, " "),
			Why: "the sandbox no longer applies " + strings.Join(lost, ", "), Ref: Ref{Side: Head}})
	}
	if len(gained) > 0 {
		out = append(out, Delta{Severity: Narrowed, Aspect: AspectIsolation, After: strings.Join(gained, " "),
			Why: "the sandbox now applies " + strings.Join(gained, ", "), Ref: Ref{Side: Head}})
	}
	return out
}

// readAll reads in with every reader: argv split at NUL, file bytes.
func readAll(in string) []*Sandbox {
	argv := strings.Split(in, "\x00")
	return []*Sandbox{ReadBwrap(argv), ReadDocker(argv), ReadSquid([]byte(in)), ReadNftables([]byte(in)),
		ReadSrt([]byte(in)), ReadToolhive([]byte(in)), ReadMCPGateway([]byte(in))}
}

// compareAsBefore fails t when Compare and oldCompare differ on any
// reader's sandboxes of base and head; it returns how many deltas there
// were.
func compareAsBefore(t *testing.T, base, head string) int {
	t.Helper()
	bs, hs := readAll(base), readAll(head)
	n := 0
	for i := range bs {
		got, want := Compare(bs[i], hs[i]), oldCompare(bs[i], hs[i])
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s %q → %q:\n%+v\nwant %+v", bs[i].Kind, base, head, got, want)
		}
		n += len(got)
	}
	return n
}

// TestCompareAsBefore: Compare judges generated pairs, argvs of the
// engines' options and configs of the seeds' lines, one the other
// changed a little, as it did before this work (oldCompare).
func TestCompareAsBefore(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(29, 30))
	var lines []string
	for _, s := range append(slices.Clone(squidSeeds), nftSeeds...) {
		lines = append(lines, strings.Split(s, "\n")...)
	}
	parts := append(append(slices.Clone(argvParts), lines...), `{"read":["/a"],"write":["/a/b"]}`, `{"filesystem":{"allowRead":["/x"]}}`)
	judged := 0
	for range 5000 {
		n := r.IntN(16)
		base := make([]string, n)
		for i := range base {
			base[i] = parts[r.IntN(len(parts))]
		}
		head := slices.Clone(base)
		for range 1 + r.IntN(3) {
			i := r.IntN(len(head) + 1)
			head = slices.Insert(head, i, parts[r.IntN(len(parts))])
			if r.IntN(3) == 0 && len(head) > 1 {
				j := r.IntN(len(head))
				head = slices.Delete(head, j, j+1)
			}
		}
		sep := []string{"\x00", "\n"}[r.IntN(2)]
		if compareAsBefore(t, strings.Join(base, sep), strings.Join(head, sep)) > 0 {
			judged++
		}
	}
	if judged < 2500 {
		t.Fatalf("only %d of 5000 pairs differ", judged)
	}
	for _, s := range []string{fmt.Sprint(argvSeeds(t))} {
		compareAsBefore(t, s, s)
	}
}

// FuzzCompareAsBefore: Compare judges any pair of inputs, read by every
// reader, as it did before this work.
func FuzzCompareAsBefore(f *testing.F) {
	for _, a := range argvSeeds(f) {
		j := strings.Join(a, "\x00")
		f.Add(j, strings.Replace(j, "--ro-bind", "--bind", 1))
		f.Add(j, j+"\x00--bind\x00/srv/x\x00/srv/x")
	}
	for _, s := range squidSeeds {
		f.Add(s, strings.Replace(s, "443", "80", 1))
	}
	f.Fuzz(func(t *testing.T, base, head string) {
		compareAsBefore(t, base, head)
	})
}
