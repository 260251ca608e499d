package diff

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// smallManifest is a typical small manifest: a mount, a host, a variable.
func smallManifest(i int) []byte {
	return []byte(fmt.Sprintf(`{"name": "s%d", "version": "1", "tools": [{"name": "t", "capabilities": ["fs:read:/srv/data/%d/**", "net:connect:api%d.example.com:443", "env:inject:TOKEN_%d"]}]}`, i, i, i, i))
}

// BenchmarkCompare10000 compares 10,000 new small manifests with nothing
// (each one widened): the shape that took minutes when trimming and
// pairing were quadratic. The Markdown half is BenchmarkMarkdown10000 in
// package report.
func BenchmarkCompare10000(b *testing.B) {
	hf := make([]File, 10000)
	for i := range hf {
		hf[i] = File{Path: fmt.Sprintf("servers/s%05d/capgate.json", i), Data: smallManifest(i)}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := compareSides(&Input{Base: "b", Head: "h", HeadFiles: hf}, nil)
		if r.Counts.Widened < 10000 {
			b.Fatalf("widened %d", r.Counts.Widened)
		}
	}
}

// LargePair returns a base and a head manifest of 60,000 grants each, just
// under the 1 MiB limit, half of them different.
func largePair(tb testing.TB) (base, head []byte) {
	gen := func(from int) []byte {
		var sb strings.Builder
		sb.WriteString(`{"name":"big","version":"1","tools":[{"name":"t","capabilities":[`)
		for i := from; i < from+20000; i++ {
			k := strings.ToUpper(strconv.FormatInt(int64(i), 36))
			fmt.Fprintf(&sb, `"fs:read:/%s","env:read:A%s","exec:spawn:x%s",`, k, k, k)
		}
		s := strings.TrimSuffix(sb.String(), ",") + "]}]}"
		if len(s) > 1<<20 {
			tb.Fatalf("manifest is %d bytes, over the limit", len(s))
		}
		return []byte(s)
	}
	return gen(46656), gen(46656 + 10000) // 4 base-36 digits
}

// BenchmarkCompareLarge diffs a 1 MiB manifest pair with 60,000 grants a
// side (compile, read-back comparison, text diffs).
func BenchmarkCompareLarge(b *testing.B) {
	base, head := largePair(b)
	bf := []File{{Path: "big/capgate.json", Data: base}}
	hf := []File{{Path: "big/capgate.json", Data: head}}
	b.SetBytes(int64(len(base) + len(head)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := compareSides(&Input{Base: "b", Head: "h", BaseFiles: bf, HeadFiles: hf}, nil)
		if r.Counts.Widened != 30000 || r.Counts.Narrowed != 30000 {
			b.Fatalf("counts %+v", r.Counts)
		}
	}
}

// BenchmarkLongHost compares a base with a squid ".domain" rule against a
// head that adds one host of 100,000 labels (400 KB): every suffix of the
// host is a candidate ".domain" match, which took 9 to 21 s when each was
// built and hashed as a string. The target is well under 2 s.
func BenchmarkLongHost(b *testing.B) {
	host := strings.Repeat("a.b.", 50000) + "example.com"
	base := []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":["net:connect:.example.org:443"]}]}`)
	head := []byte(`{"name":"x","version":"1","tools":[{"name":"t","capabilities":["net:connect:.example.org:443","net:connect:` + host + `:443"]}]}`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		widened := 0
		for _, c := range CompareManifests(base, head) {
			if c.Severity == Widened {
				widened++
			}
		}
		if widened == 0 {
			b.Fatal("the long host is not widened")
		}
	}
}

// BenchmarkLoudLongPath compares a head that mounts one path of 200,000
// segments (400 KB): the loud classes look at no more of a path than a
// class has segments (it took 3.5 s when each class split the whole path;
// about 0.2 s a compare now).
func BenchmarkLoudLongPath(b *testing.B) {
	head := compile(b, "fs:read:/"+strings.Repeat("a/", 200000)+"b")
	base := compile(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if cs := Compare(base, head); len(cs) == 0 || cs[0].Severity != Widened || cs[0].Loud {
			b.Fatalf("want one quiet widened change, got %+v", cs)
		}
	}
}

// BenchmarkRunUnchanged10000 runs diff on two sides of 10,000 manifests
// that hold the same blobs but for 3 (BenchmarkDiffGit10000 of package cli
// without git): the unchanged ones are only checked, each once.
func BenchmarkRunUnchanged10000(b *testing.B) {
	bf := make([]File, 10003)
	hf := make([]File, 10003)
	for i := range bf {
		p := fmt.Sprintf("servers/s%05d/capgate.json", i)
		data := smallManifest(i)
		bf[i] = File{Path: p, Data: data, Blob: fmt.Sprintf("%040x", i)}
		hf[i] = bf[i]
		if i%3334 == 0 {
			hf[i].Data = []byte(strings.Replace(string(data), `"env:inject`, `"exec:spawn:curl", "env:inject`, 1))
			hf[i].Blob = fmt.Sprintf("%040x", i+1<<20)
		}
	}
	in := &Input{Base: "b", Head: "h", BaseFiles: bf, HeadFiles: hf, Renames: map[string]string{}}
	for b.Loop() {
		r, err := Run(in)
		if err != nil || r.Counts.Widened != 4 || r.Counts.Errors != 0 {
			b.Fatalf("%v %+v", err, r.Counts)
		}
	}
}

// BenchmarkChangedManifest compares one changed manifest of
// BenchmarkDiffGit2000 (package cli): its base and head compiled, then
// Compare and textDiffs, the part of a diff whose cost follows the change.
func BenchmarkChangedManifest(b *testing.B) {
	m := func(extra string) []byte {
		return []byte(`{"name": "server-7", "version": "1.0.0", "tools": [
  {"name": "read", "capabilities": ["fs:read:/srv/data/7/**", "net:connect:api7.example.com:443"` + extra + `]},
  {"name": "write", "capabilities": ["fs:read,write:/srv/out/7/", "env:inject:TOKEN_7"]}]}`)
	}
	base, head := File{Path: "m.json", Data: m("")}, File{Path: "m.json", Data: m(`, "net:connect:uploads.example.com:443", "exec:spawn:curl"`)}
	b.Run("compareFiles", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if md := compareFiles(&base, &head, nil); len(md.Changes) != 3 {
				b.Fatalf("%d changes", len(md.Changes))
			}
		}
	})
	// A new mount only: squid's and nftables' artifacts stay as they were.
	fsHead := File{Path: "m.json", Data: m(`, "fs:read:/srv/extra/**"`)}
	b.Run("fs-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if md := compareFiles(&base, &fsHead, nil); len(md.Changes) != 1 || len(md.TextDiffs) != 2 {
				b.Fatalf("%d changes, %d text diffs", len(md.Changes), len(md.TextDiffs))
			}
		}
	})
	bc, _ := compileFile(&base, nil)
	hc, _ := compileFile(&head, nil)
	b.Run("Compare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Compare(bc, hc)
		}
	})
	b.Run("textDiffs", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			textDiffs(bc, hc)
		}
	})
}
