package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// encodingJSON is what Encode wrote before jsonw: encoding/json, indented
// by two spaces, no HTML escaping, invisible characters escaped after.
func encodingJSON(t testing.TB, j *JSONReport) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		t.Fatal(err)
	}
	return jsonVisible(b.Bytes())
}

// oddStrings are strings whose escaping differs between encoders that get
// it almost right.
var oddStrings = []string{
	"", "a", `"`, `\`, "\\\"", "/", "<a href='x'>&amp;</a>", "\x00", "\x01\x1f", "\b\f\n\r\t", "\x7f",
	"\u2028", "\u2029", "x\u2028y\u2029z", "\u202e", "\u200b", "\ufeff", "\U000e0041", "\xff", "\xed\xa0\x80",
	"\xc3", "é", "日本語", "\U0001f600", "\ufffd", "a\xffb\xc3(", "fs:read:/workspace/**", "servers/a b/capgate.json",
	"--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n", "\u0085", "\u00ad", "\x80\x80", "\xf4\x90\x80\x80", "}", "],", "null",
}

// filler sets every field of a value reachable from a report, at random:
// strings from oddStrings and extra, numbers of every sign, slices nil,
// empty or full, pointers nil or set. A kind it does not know fails the
// test, so a new kind of field in a report type is not silently left zero.
type filler struct {
	t     testing.TB
	r     *rand.Rand
	extra []string
}

func (f *filler) fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.str())
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt([]int64{0, 1, -1, 7, 1 << 40, -1 << 62}[f.r.IntN(6)])
	case reflect.Uint8:
		v.SetUint(uint64(f.r.IntN(3)))
	case reflect.Pointer:
		if f.r.IntN(2) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem())
	case reflect.Slice:
		f.slice(v)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i))
			}
		}
	default:
		f.t.Fatalf("filler: no values for a %s (%s): teach filler and jsonw this field", v.Kind(), v.Type())
	}
}

func (f *filler) slice(v reflect.Value) {
	switch n := f.r.IntN(5); n {
	case 0:
		v.SetZero()
	default:
		s := reflect.MakeSlice(v.Type(), n-1, n-1)
		for i := range n - 1 {
			f.fill(s.Index(i))
		}
		v.Set(s)
	}
}

func (f *filler) str() string {
	pool := append(oddStrings, f.extra...)
	if f.r.IntN(4) == 0 {
		// Two odd strings side by side: an escape next to plain text.
		return pool[f.r.IntN(len(pool))] + "x" + pool[f.r.IntN(len(pool))]
	}
	return pool[f.r.IntN(len(pool))]
}

// generated is a report with every field set at random from seed.
func generated(t testing.TB, seed uint64, extra ...string) *JSONReport {
	f := &filler{t: t, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), extra: extra}
	var j JSONReport
	f.fill(reflect.ValueOf(&j).Elem())
	return &j
}

// TestEncodeMatchesEncodingJSON holds jsonw to encoding/json, byte for
// byte, on generated reports (every field of every report type set, odd
// strings, nil and empty slices) and on real ones.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3000) {
		j := generated(t, seed)
		if got, want := j.Encode(), encodingJSON(t, j); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: Encode differs from encoding/json\n got: %s\nwant: %s", seed, got, want)
		}
	}
	real := []*JSONReport{
		NewJSON(&diff.Result{}),
		NewJSON(&diff.Result{Base: "HEAD~1", Head: "HEAD", Targets: []string{"srt"}, Manifests: []diff.ManifestDiff{
			{Path: "a/capgate.json", Status: diff.StatusUnchanged, Changes: []diff.Change{}},
			{Path: "b/capgate.json", Status: diff.StatusModified, Changes: []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", After: "x:443", Line: 3, Col: 9, Side: diff.SideHead, Loud: true}},
				TextDiffs: []diff.TextDiff{{Target: "bwrap", Diff: "-a\n+b\n"}}},
		}}),
	}
	for i, j := range real {
		if got, want := j.Encode(), encodingJSON(t, j); !bytes.Equal(got, want) {
			t.Errorf("report %d: Encode differs from encoding/json\n got: %s\nwant: %s", i, got, want)
		}
	}
}

// TestManifestsInParts: a report of many manifests (generated ones, every
// field set, odd strings), its manifests encoded in 1 to 7 pieces at once,
// is what encoding/json writes, byte for byte. Run it with -race.
func TestManifestsInParts(t *testing.T) {
	t.Parallel()
	j := generated(t, 1)
	j.Manifests = nil
	for seed := uint64(0); len(j.Manifests) < 3*parallelManifests; seed++ {
		j.Manifests = append(j.Manifests, generated(t, seed).Manifests...)
	}
	want := encodingJSON(t, j)
	for parts := 1; parts <= 7; parts++ {
		w := jsonw{b: make([]byte, 0, encodedSize(j))}
		w.open('{')
		w.str("schema", j.Schema)
		w.bool("widened", j.Widened)
		w.str("base", j.Base)
		w.str("head", j.Head)
		w.strsOmit("targets", j.Targets)
		w.key("counts")
		w.counts(&j.Counts)
		w.key("manifests")
		w.manifests(j.Manifests, parts)
		if !bytes.HasPrefix(want, w.b) || !bytes.Equal(w.b[len(w.b)-1:], []byte("]")) {
			t.Errorf("%d parts: the manifests differ from encoding/json's", parts)
		}
	}
	if got := j.Encode(); !bytes.Equal(got, want) {
		t.Errorf("Encode of %d manifests differs from encoding/json", len(j.Manifests))
	}
}

// TestFillerSetsEveryField checks the generator the equivalence test relies
// on: across seeds, every JSON key of the report types shows up, so a
// field jsonw does not write would be caught.
func TestFillerSetsEveryField(t *testing.T) {
	t.Parallel()
	var all bytes.Buffer
	for seed := range uint64(200) {
		all.Write(encodingJSON(t, generated(t, seed)))
	}
	keys := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || keys[ty.String()] {
			return
		}
		keys[ty.String()] = true
		for i := range ty.NumField() {
			fd := ty.Field(i)
			name, _, _ := bytes.Cut([]byte(fd.Tag.Get("json")), []byte(","))
			if !fd.IsExported() || string(name) == "-" {
				continue
			}
			if !bytes.Contains(all.Bytes(), []byte(`"`+string(name)+`": `)) {
				t.Errorf("%s.%s (%q) never written in generated reports", ty, fd.Name, name)
			}
			walk(fd.Type)
		}
	}
	walk(reflect.TypeOf(JSONReport{}))
}

// FuzzEncodeMatchesEncodingJSON is TestEncodeMatchesEncodingJSON with the
// fuzzer's strings among the odd ones and its seed for the shape.
func FuzzEncodeMatchesEncodingJSON(f *testing.F) {
	f.Add(uint64(1), "\u2028\xff\"\\")
	f.Add(uint64(7), "\U000e0041<&>")
	f.Fuzz(func(t *testing.T, seed uint64, s string) {
		j := generated(t, seed, s, s+s, "\x00"+s)
		if got, want := j.Encode(), encodingJSON(t, j); !bytes.Equal(got, want) {
			t.Fatalf("Encode differs from encoding/json\n got: %s\nwant: %s", got, want)
		}
	})
}

// BenchmarkJSON10000 encodes the report of 10,000 unchanged manifests and
// 3 widened ones (BenchmarkDiffGit10000's); encoding/json is the
// reference beside it.
func BenchmarkJSON10000(b *testing.B) {
	r := &diff.Result{Base: "HEAD~1", Head: "HEAD"}
	for i := range 10003 {
		md := diff.ManifestDiff{Path: fmt.Sprintf("servers/s%05d/capgate.json", i), Status: diff.StatusUnchanged, Changes: []diff.Change{}}
		if i%3334 == 0 {
			md.Status = diff.StatusModified
			md.Changes = []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "bwrap,docker,squid", After: "uploads.example.com:443", Why: "new egress — widened", Line: 2, Col: 90, Side: diff.SideHead}}
			md.TextDiffs = []diff.TextDiff{{Target: "squid", Diff: "+acl allow dstdomain uploads.example.com\n"}}
		}
		r.Manifests = append(r.Manifests, md)
	}
	r.Counts, _ = diff.Tally(r.Manifests)
	j := NewJSON(r)
	b.Run("jsonw", func(b *testing.B) {
		for b.Loop() {
			_ = j.Encode()
		}
	})
	b.Run("jsonw-writeto", func(b *testing.B) {
		for b.Loop() {
			_, _ = j.WriteTo(io.Discard)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			_ = encodingJSON(b, j)
		}
	})
}

// chunkWriter records what WriteTo writes, and fails once it holds failAt
// bytes or more (failAt 0: never).
type chunkWriter struct {
	bytes.Buffer
	writes, failAt int
}

var errWriteFailed = errors.New("write failed")

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.writes++
	if c.failAt > 0 && c.Len()+len(p) >= c.failAt {
		n := c.failAt - c.Len()
		c.Buffer.Write(p[:n])
		return n, errWriteFailed
	}
	return c.Buffer.Write(p)
}

// TestWriteToMatchesEncode: WriteTo streams the bytes Encode returns, in
// writes of about flushBytes (a large report is not written at once),
// counts them, and stops at the first write error, returning it.
func TestWriteToMatchesEncode(t *testing.T) {
	t.Parallel()
	big := generated(t, 1)
	big.Manifests = nil
	for seed := uint64(0); len(big.Manifests) < 3*parallelManifests; seed++ {
		big.Manifests = append(big.Manifests, generated(t, seed).Manifests...)
	}
	reports := []*JSONReport{NewJSON(&diff.Result{}), generated(t, 7), big}
	for i, j := range reports {
		want := j.Encode()
		var w chunkWriter
		n, err := j.WriteTo(&w)
		if err != nil || n != int64(len(want)) || !bytes.Equal(w.Bytes(), want) {
			t.Fatalf("report %d: WriteTo wrote %d bytes (%v), not Encode's %d", i, n, err, len(want))
		}
		if j == big && (len(want) < 1<<20 || w.writes < len(want)/(256<<10)) {
			t.Errorf("report %d: %d bytes in %d writes: not streamed in pieces of at most about 256 KiB", i, len(want), w.writes)
		}
		if len(want) < 2 {
			continue
		}
		fail := chunkWriter{failAt: len(want) / 2}
		n, err = j.WriteTo(&fail)
		if !errors.Is(err, errWriteFailed) || n != int64(len(want)/2) || !bytes.Equal(fail.Bytes(), want[:len(want)/2]) {
			t.Errorf("report %d: failing writer: %d bytes, %v; want %d and the write's error", i, n, err, len(want)/2)
		}
	}
}
