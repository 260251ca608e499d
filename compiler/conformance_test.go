package compiler

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The conformance data is a copy of ../shared/conformance/capgate-0.0.4
// (see testdata/conformance/README.md for where it came from).
const confDir = "../testdata/conformance/capgate-0.0.4"

type vector struct {
	ID           string          `json:"id"`
	Manifest     json.RawMessage `json:"manifest"`
	ManifestText *string         `json:"manifest_text"`
	Expect       json.RawMessage `json:"expect"`
	Divergence   string          `json:"divergence"`
	file         string          // the file it was read from, e.g. "edge.jsonl"
}

func loadVectors(t testing.TB, name string) []vector {
	t.Helper()
	f, err := os.Open(filepath.Join(confDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v vector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v.file = name
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (v vector) source() []byte {
	if v.ManifestText != nil {
		return []byte(*v.ManifestText)
	}
	return v.Manifest
}

// actual compiles src the way the vectors were made and returns the result as
// a generic JSON value: either the four artifacts or {"error": {...}}.
func actual(src []byte) (any, error) {
	var out []byte
	r, err := Compile(src)
	if err != nil {
		ce, ok := err.(*Error)
		if !ok {
			return nil, err
		}
		out, _ = json.Marshal(map[string]any{"error": map[string]string{"code": ce.Code, "message": ce.Error()}})
	} else {
		out = AppendAllJSON(nil, r.Artifacts, false)
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("output is not JSON: %w\n%s", err, out)
	}
	return v, nil
}

// firstDiff describes where got and want first differ.
func firstDiff(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want object", path, got)
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d := firstDiff(path+"."+k, g[k], w[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want array", path, got)
		}
		for i := 0; i < len(w) || i < len(g); i++ {
			if i >= len(g) {
				return fmt.Sprintf("%s[%d]: missing, want %v", path, i, w[i])
			}
			if i >= len(w) {
				return fmt.Sprintf("%s[%d]: extra %v", path, i, g[i])
			}
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
		return ""
	default:
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("%s:\n      got  %#v\n      want %#v", path, got, want)
		}
		return ""
	}
}

func checkVector(t *testing.T, v vector) {
	t.Helper()
	var want any
	if err := json.Unmarshal(v.Expect, &want); err != nil {
		t.Fatal(err)
	}
	got, err := actual(v.source())
	if err != nil {
		t.Fatalf("%s: %v", v.ID, err)
	}
	wm := want.(map[string]any)
	if we, ok := wm["error"].(map[string]any); ok {
		if bindOrderDivergent(v.file+":"+v.ID) || mergeDivergent(v.file+":"+v.ID) {
			t.Fatalf("%s is listed as divergent but capgate refuses it", v.ID)
		}
		gm, _ := got.(map[string]any)
		ge, ok := gm["error"].(map[string]any)
		if !ok {
			t.Fatalf("%s: compiled, want error %v\n  manifest: %s", v.ID, we, v.source())
		}
		if ge["code"] != we["code"] || ge["message"] != we["message"] {
			t.Fatalf("%s: error %v, want %v\n  manifest: %s", v.ID, ge, we, v.source())
		}
		return
	}
	x11ReadOnlyExpect(wm) // before mergeExpect, which reads the modes from capgate's words
	noDestinationTwice(t, v.ID, got)
	if mergeDivergent(v.file + ":" + v.ID) {
		if firstDiff("", got, wantAsCapgate(t, v)) == "" {
			t.Fatalf("%s is listed in %s but does not diverge from capgate", v.ID, mergeFile)
		}
		gm, _ := got.(map[string]any)
		mergeExpect(t, v.ID, wm, gm)
	}
	if bindOrderDivergent(v.file + ":" + v.ID) {
		if !parentFirstExpect(wm) {
			t.Fatalf("%s is listed in %s but its binds are in order", v.ID, bindOrderFile)
		}
		if firstDiff("", got, wantAsCapgate(t, v)) == "" {
			t.Fatalf("%s is listed in %s but does not diverge from capgate", v.ID, bindOrderFile)
		}
	}
	if d := firstDiff("", got, want); d != "" {
		t.Fatalf("%s: %s\n  manifest: %s", v.ID, d, v.source())
	}
}

func TestConformanceVectors(t *testing.T) {
	t.Parallel()
	vs := loadVectors(t, "vectors.jsonl")
	if len(vs) != 1500 {
		t.Fatalf("read %d vectors, want 1500", len(vs))
	}
	for _, v := range vs {
		t.Run(v.ID, func(t *testing.T) { checkVector(t, v) })
	}
}

func TestConformanceRaw(t *testing.T) {
	t.Parallel()
	vs := loadVectors(t, "raw.jsonl")
	if len(vs) < 24 {
		t.Fatalf("read %d raw vectors, want at least 24", len(vs))
	}
	for _, v := range vs {
		t.Run(v.ID, func(t *testing.T) { checkVector(t, v) })
	}
}

func TestConformanceEdge(t *testing.T) {
	t.Parallel()
	vs := loadVectors(t, "edge.jsonl")
	if len(vs) != 2000 {
		t.Fatalf("read %d edge vectors, want 2000", len(vs))
	}
	for _, v := range vs {
		t.Run(v.ID, func(t *testing.T) { checkVector(t, v) })
	}
}

func TestConformanceNamed(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob(filepath.Join(confDir, "manifests", "*.json"))
	if err != nil || len(names) != 9 {
		t.Fatalf("found %d named manifests (%v), want 9", len(names), err)
	}
	for _, path := range names {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Compile(src)
			if err != nil {
				t.Fatal(err)
			}
			for _, target := range Targets() {
				wantB, err := os.ReadFile(filepath.Join(confDir, "expected", target, name+".json"))
				if err != nil {
					t.Fatal(err)
				}
				var got, want any
				if err := json.Unmarshal(wantB, &want); err != nil {
					t.Fatal(err)
				}
				x11ReadOnlyExpect(map[string]any{target: want})
				if err := json.Unmarshal(r.Artifacts.Get(target).AppendJSON(nil, true), &got); err != nil {
					t.Fatal(err)
				}
				if d := firstDiff(target, got, want); d != "" {
					t.Errorf("%s", d)
				}
			}
		})
	}
}

// x11ReadOnlyExpect rewrites capgate's bwrap bind of the x11 socket
// directory, read-write, to the read-only one this compiler emits, as every
// other target mounts it (IPCExposure.Writable, docs/unsafe-values.md).
func x11ReadOnlyExpect(want map[string]any) {
	a, _ := want[TargetBwrap].(map[string]any)
	argv, _ := a["argv"].([]any)
	for i := 0; i+2 < len(argv); i++ {
		if argv[i] == "--bind-try" && argv[i+1] == "/tmp/.X11-unix" && argv[i+2] == "/tmp/.X11-unix" {
			argv[i] = "--ro-bind-try"
		}
	}
}

// noDestinationTwice fails when a compiled docker argv mounts two volumes
// at one destination, which docker and podman refuse to start.
func noDestinationTwice(t *testing.T, id string, got any) {
	t.Helper()
	gm, _ := got.(map[string]any)
	a, _ := gm[TargetDocker].(map[string]any)
	argv, _ := a["argv"].([]any)
	words := make([]string, len(argv))
	for i, w := range argv {
		words[i], _ = w.(string)
	}
	if d := dupVolume(words); d != "" {
		t.Errorf("%s: docker argv mounts %s twice: %q", id, d, words)
	}
}
