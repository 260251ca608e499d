package lock

import (
	"strings"
	"testing"
	"time"

	"github.com/razukc/capgate-action/diff"
)

const h1 = "sha256:a771a6a2037984e1884e7cfbe9a1ceb0156f2be8fba159613176f5398b7ca727"
const h2 = "sha256:0000000000000000000000000000000000000000000000000000000000000000"

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "{\n  \"schema\": ,", "x.lock:2:13: invalid character ','"},
		{"unknown field", `{"schema": "` + Schema + `", "approvals": [], "extra": 1}`, `unknown field "extra"`},
		{"schema", `{"schema": "v0", "approvals": []}`, `x.lock:1:1: schema "v0"`},
		{"type", `{"schema": "` + Schema + `", "approvals": [{"path": 7}]}`, "approvals.path: want string"},
		{"absolute path", `{"schema": "` + Schema + `", "approvals": [{"path": "/etc/x", "manifestHash": "` + h1 + `"}]}`, "not a relative slash path"},
		{"twice", `{"schema": "` + Schema + `", "approvals": [{"path": "a", "manifestHash": "` + h1 + `"}, {"path": "a", "manifestHash": "` + h2 + `"}]}`, `"a" is approved twice`},
		{"expires", `{"schema": "` + Schema + `", "approvals": [{"path": "a", "manifestHash": "` + h1 + `", "expires": "soon"}]}`, `expires: "soon" is not an RFC 3339 time`},
		{"two values", `{"schema": "` + Schema + `", "approvals": []} {}`, "more than one JSON value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("x.lock", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), " [lock]") {
				t.Errorf("Parse: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestRoundTripIsDeterministic(t *testing.T) {
	t.Parallel()
	f := New()
	f.Set(Approval{Path: "z/capgate.json", ManifestHash: h2, ApprovedBy: "b", ApprovedAt: "2027-01-01T00:00:00Z"})
	f.Set(Approval{Path: "a/capgate.json", ManifestHash: h1, ApprovedBy: "a", Reason: "<why> & @team", ApprovedAt: "2027-01-01T00:00:00Z"})
	f.Set(Approval{Path: "z/capgate.json", ManifestHash: h1, ApprovedBy: "c", ApprovedAt: "2027-01-02T00:00:00Z"})
	b := f.Encode()
	g, err := Parse("capgate.lock", b)
	if err != nil {
		t.Fatal(err)
	}
	if string(g.Encode()) != string(b) || len(g.Approvals) != 2 || g.Approvals[0].Path != "a/capgate.json" || g.Approvals[1].ApprovedBy != "c" {
		t.Errorf("round trip:\n%s", b)
	}
	if !strings.Contains(string(b), "<why> & @team") {
		t.Errorf("text was HTML-escaped in the lock:\n%s", b)
	}
}

func TestApprovesAndExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)
	f := New()
	f.Set(Approval{Path: "a", ManifestHash: h1})
	f.Set(Approval{Path: "b", ManifestHash: h1, Expires: "2027-01-09T00:00:00Z"})
	f.Set(Approval{Path: "c", ManifestHash: h1, Expires: "2027-01-11T00:00:00Z"})
	for _, tc := range []struct {
		path, hash string
		want       bool
	}{{"a", h1, true}, {"a", h2, false}, {"a", "", false}, {"b", h1, false}, {"c", h1, true}, {"d", h1, false}} {
		if _, ok := f.Approves(tc.path, tc.hash, now); ok != tc.want {
			t.Errorf("Approves(%s, %s) = %v", tc.path, tc.hash, ok)
		}
	}
	var nilLock *File
	if _, ok := nilLock.Approves("a", h1, now); ok {
		t.Error("a nil lock approves")
	}
}

func TestApplyMarksOnlyWidenedApprovedManifests(t *testing.T) {
	t.Parallel()
	w := []diff.Change{{Severity: diff.Widened}}
	r := &diff.Result{Manifests: []diff.ManifestDiff{
		{Path: "a", Hash: h1, Changes: w},
		{Path: "b", Hash: h2, Changes: w},                                        // another capability set
		{Path: "c", Hash: h1, Changes: []diff.Change{{Severity: diff.Narrowed}}}, // nothing to approve
		{Path: "d", Hash: h1, Changes: w, Error: &diff.Problem{}},
	}}
	f := New()
	for _, p := range []string{"a", "b", "c", "d"} {
		f.Set(Approval{Path: p, ManifestHash: h1})
	}
	if n := Apply(r, f, time.Now()); n != 1 || !r.Manifests[0].Approved || r.Manifests[1].Approved || r.Manifests[2].Approved || r.Manifests[3].Approved {
		t.Errorf("Apply marked %d: %+v", n, r.Manifests)
	}
	if r.UnapprovedWidened() != 2 {
		t.Errorf("UnapprovedWidened = %d, want 2", r.UnapprovedWidened())
	}
}

func TestParseErrorPoints(t *testing.T) {
	t.Parallel()
	src := "{\"schema\": \"" + Schema + "\", \"approvals\": [\n" +
		"  {\"path\": \"a\", \"manifestHash\": \"" + h1 + "\"},\n" +
		"  {\"path\": \"a\", \"manifestHash\": \"" + h2 + "\"}]}"
	_, err := Parse("x.lock", []byte(src))
	if err == nil || !strings.HasPrefix(err.Error(), "x.lock:3:12: approvals[1].path") {
		t.Errorf("want the second path at 3:12: %v", err)
	}
}

// TestUnknownFieldPoints: an unknown (or misspelt) field is reported at its
// key, not at the end of the file, without the decoder's "json:" prefix.
func TestUnknownFieldPoints(t *testing.T) {
	t.Parallel()
	src := "{\"schema\": \"" + Schema + "\", \"approvals\": [\n" +
		"  {\"path\": \"a\", \"manifestHash\": \"" + h1 + "\"},\n" +
		"  {\"pth\": \"b\", \"manifestHash\": \"" + h2 + "\"}]}\n\n"
	_, err := Parse("x.lock", []byte(src))
	if err == nil || err.Error() != `x.lock:3:4: unknown field "pth" [lock]` {
		t.Errorf("want the key at 3:4: %v", err)
	}
}

// BenchmarkParse reads locks of 1,000, 4,000 and 12,000 approvals (12,000 is near MaxSize): the time per
// approval stays flat (no per-approval search of the text unless there is
// an error).
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1000, 4000, 12000} {
		f := New()
		as := make([]Approval, n)
		for i := range as {
			as[i] = (Approval{Path: "servers/s" + strings.Repeat("x", i%50) + "/" + itoa(i) + "/capgate.json", ManifestHash: h1, ApprovedBy: "mae", Reason: "r", ApprovedAt: "2027-01-01T00:00:00Z"})
		}
		f.SetAll(as)
		src := f.Encode()
		b.Run(itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := Parse("capgate.lock", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func TestUncleanPathIsAPositionedError(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"./s/capgate.json", "s//capgate.json", "s/./capgate.json", "s/../t/capgate.json", "s/capgate.json/", "..", "../s/capgate.json"} {
		src := "{\"schema\": \"" + Schema + "\", \"approvals\": [\n" +
			"  {\"path\": \"ok/capgate.json\", \"manifestHash\": \"" + h1 + "\"},\n" +
			"  {\"path\": \"" + p + "\", \"manifestHash\": \"" + h1 + "\"}]}"
		_, err := Parse("x.lock", []byte(src))
		if err == nil || !strings.HasPrefix(err.Error(), "x.lock:3:12: approvals[1].path") ||
			!strings.Contains(err.Error(), "as capgate reports it") || !strings.HasSuffix(err.Error(), " [lock]") {
			t.Errorf("path %q: %v", p, err)
		}
	}
}

func TestApplyMatchesApproves(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	f := New()
	f.Set(Approval{Path: "a", ManifestHash: h1})
	f.Set(Approval{Path: "b", ManifestHash: h1, Expires: "2027-02-01T00:00:00Z"}) // expired
	f.Set(Approval{Path: "c", ManifestHash: h1, Expires: "2027-04-01T00:00:00Z"})
	w := []diff.Change{{Severity: diff.Widened}}
	r := &diff.Result{}
	for _, p := range []string{"a", "b", "c", "d"} {
		for _, h := range []string{h1, h2, ""} {
			r.Manifests = append(r.Manifests, diff.ManifestDiff{Path: p, Hash: h, Changes: w})
		}
	}
	n := Apply(r, f, now)
	want := 0
	for _, m := range r.Manifests {
		_, ok := f.Approves(m.Path, m.Hash, now)
		if ok {
			want++
		}
		if m.Approved != ok {
			t.Errorf("%s %q: Apply %v, Approves %v", m.Path, m.Hash, m.Approved, ok)
		}
	}
	if n != want || n != 2 {
		t.Errorf("Apply marked %d, Approves %d, want 2", n, want)
	}
}

// BenchmarkApply applies a lock of n approvals to n widened manifests, at
// two sizes: the time per manifest stays flat (the lock is indexed once),
// where a search per manifest made doubling n take four times as long.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{2000, 4000} {
		f := New()
		as := make([]Approval, n)
		r := &diff.Result{Manifests: make([]diff.ManifestDiff, n)}
		for i := range as {
			p := "servers/s" + itoa(i) + "/capgate.json"
			as[i] = Approval{Path: p, ManifestHash: h1}
			r.Manifests[i] = diff.ManifestDiff{Path: p, Hash: h1, Changes: []diff.Change{{Severity: diff.Widened}}}
		}
		f.SetAll(as)
		now := time.Now()
		b.Run(itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if Apply(r, f, now) != n {
					b.Fatal("not every manifest approved")
				}
			}
		})
	}
}

// TestKeysExactAndOnce: a lock's keys are read as JSON spells them, exact
// in case and once each. encoding/json matches a struct's fields in any
// case and keeps the last of a repeated key, so {"path": "other/x.json",
// "PATH": ".mcp.json"} approved .mcp.json while the text a code owner
// reviews names other/x.json; and a repeated "manifestHash" approved the
// hash written last. Each is an error at its key (fail closed).
func TestKeysExactAndOnce(t *testing.T) {
	t.Parallel()
	ap := func(extra string) string {
		return `{"schema": "` + Schema + `", "approvals": [{"path": "other/x.json", "manifestHash": "` + h1 + `"` + extra + `}]}`
	}
	for _, tc := range []struct{ name, src, want string }{
		{"path in another case", ap(`, "PATH": ".mcp.json"`), `x.lock:1:202: approvals[0]: unknown field "PATH"`},
		{"hash in another case", ap(`, "ManifestHash": "` + h2 + `"`), `unknown field "ManifestHash"`},
		{"path twice", ap(`, "path": ".mcp.json"`), `x.lock:1:202: approvals[0]: "path" given twice`},
		{"schema in another case", `{"Schema": "` + Schema + `", "approvals": []}`, `x.lock:1:2: unknown field "Schema"`},
		{"approvals in another case", `{"schema": "` + Schema + `", "Approvals": []}`, `unknown field "Approvals"`},
		{"approvals twice", `{"schema": "` + Schema + `", "approvals": [], "approvals": [{"path": "a", "manifestHash": "` + h1 + `"}]}`, `"approvals" given twice`},
		{"escaped key", ap(`, "p\u0061th": "a"`), `"path" given twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("x.lock", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), " [lock]") {
				t.Errorf("Parse: %v, %v; want an error with %q", f, err, tc.want)
			}
		})
	}
	if _, err := Parse("x.lock", []byte(ap(`, "approvedBy": "a", "reason": "r", "approvedAt": "2027-01-01T00:00:00Z", "expires": "2027-02-01T00:00:00Z"`))); err != nil {
		t.Errorf("every field once, as written: %v", err)
	}
}
