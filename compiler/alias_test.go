package compiler

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// scribble overwrites, through v, every exported string, bool and int it
// can reach, in structs, slices and behind pointers, so that memory shared
// with package-level state shows in the next compilation.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				scribble(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			scribble(v.Index(i))
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString("scribbled")
		}
	case reflect.Bool:
		if v.CanSet() {
			v.SetBool(!v.Bool())
		}
	case reflect.Int:
		if v.CanSet() {
			v.SetInt(v.Int() + 7)
		}
	}
}

// TestNoSharedState checks that nothing the compiler returns shares memory
// with package-level state: results, parsed capabilities and the target
// list are overwritten, and compiling again must give what it gave before.
func TestNoSharedState(t *testing.T) {
	t.Parallel()
	names, _ := filepath.Glob(filepath.Join(confDir, "manifests", "*.json"))
	var srcs [][]byte
	for _, n := range names {
		src, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	if len(srcs) == 0 {
		t.Fatal("no manifests")
	}
	compileAll := func() [][]byte {
		var out [][]byte
		for _, src := range srcs {
			r, err := Compile(src)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, AppendAllJSON(nil, r.Artifacts, false))
		}
		e := Empty()
		return append(out, AppendAllJSON(nil, e.Artifacts, false))
	}
	want := compileAll()
	for _, src := range srcs {
		r, err := Compile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, cs := range r.Manifest.AllCaps() {
			c, err := ParseCapability(cs)
			if err != nil {
				t.Fatal(err)
			}
			scribble(reflect.ValueOf(c))
		}
		scribble(reflect.ValueOf(r))
	}
	scribble(reflect.ValueOf(Empty()))
	scribble(reflect.ValueOf(Targets()))
	got := compileAll()
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("compiling again after overwriting earlier results gives\n%s\nwant\n%s", got[i], want[i])
		}
	}
	if ts := Targets(); !reflect.DeepEqual(ts, []string{TargetBwrap, TargetDocker, TargetSquid, TargetNftables}) {
		t.Fatalf("Targets() = %q after overwriting an earlier result", ts)
	}
}
