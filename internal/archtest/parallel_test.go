package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// serialDirs hold tests that run real tools (bubblewrap, podman, squid,
// nft, srt) and compete for them: they may run one at a time.
var serialDirs = []string{"enforce", "internal/action/containertest"}

// TestTestsRunInParallel: every top-level test of the module calls
// t.Parallel, unless it changes the process (t.Chdir, t.Setenv, os.Chdir,
// os.Setenv) or lives where tests share real tools (serialDirs).
func TestTestsRunInParallel(t *testing.T) {
	t.Parallel()
	root := "../.."
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			for _, s := range serialDirs {
				if rel == s {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Body == nil || !isTest(fn) {
				continue
			}
			n++
			if !callsParallel(fn.Body) && !changesProcess(fn.Body) {
				t.Errorf("%s: %s does not call t.Parallel (and changes nothing of the process)", fset.Position(fn.Pos()), fn.Name.Name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("found %d tests", n)
	}
}

// isTest reports whether fn is a top-level test: TestX(t *testing.T).
func isTest(fn *ast.FuncDecl) bool {
	name := fn.Name.Name
	if !strings.HasPrefix(name, "Test") || name == "TestMain" || len(fn.Type.Params.List) != 1 {
		return false
	}
	star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}

// callsParallel reports whether one of body's own statements is
// t.Parallel() (after a skip, say).
func callsParallel(body *ast.BlockStmt) bool {
	for _, st := range body.List {
		if es, ok := st.(*ast.ExprStmt); ok && isCall(es.X, "Parallel") {
			return true
		}
	}
	return false
}

// changesProcess reports whether body calls Chdir or Setenv anywhere.
func changesProcess(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if e, ok := n.(ast.Expr); ok && (isCall(e, "Chdir") || isCall(e, "Setenv")) {
			found = true
		}
		return !found
	})
	return found
}

// isCall reports whether e is a call of a method or function named name.
func isCall(e ast.Expr, name string) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == name
}
