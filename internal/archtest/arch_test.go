package archtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/razukc/capgate-action"

// pending are imports the table forbids that are being removed on another
// branch; each is logged, not failed, and fails once it is gone so that
// the entry is deleted with it.
var pending = map[string]string{}

// rules reads the table of docs/architecture.md: package -> the module
// packages it may import.
func rules(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	code := regexp.MustCompile("`([^`]+)`")
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		pkg := code.FindStringSubmatch(cells[1])[1]
		if _, dup := out[pkg]; dup {
			t.Errorf("docs/architecture.md lists %s twice", pkg)
		}
		out[pkg] = []string{}
		for _, m := range code.FindAllStringSubmatch(cells[3], -1) {
			out[pkg] = append(out[pkg], m[1])
		}
	}
	if len(out) == 0 {
		t.Fatal("no table in docs/architecture.md")
	}
	return out
}

type goPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

// packages lists the module's packages (go list, test files left out).
func packages(t *testing.T) []goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var ps []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func rel(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }

func TestImportRules(t *testing.T) {
	t.Parallel()
	allowed := rules(t)
	seen := map[string]bool{}
	used := map[string]bool{}
	for _, p := range packages(t) {
		name := rel(p.ImportPath)
		seen[name] = true
		may, ok := allowed[name]
		if !ok {
			t.Errorf("package %s is not in docs/architecture.md's table: add its row (what it is, what it may import)", name)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") || slices.Contains(may, rel(imp)) {
				continue
			}
			edge := name + " -> " + rel(imp)
			if why, ok := pending[edge]; ok {
				used[edge] = true
				t.Logf("%s: allowed for now (%s)", edge, why)
				continue
			}
			t.Errorf("%s imports %s, which docs/architecture.md does not allow", name, rel(imp))
		}
	}
	for pkg := range allowed {
		if !seen[pkg] {
			t.Errorf("docs/architecture.md lists %s, which is not a package of the module", pkg)
		}
	}
	for edge := range pending {
		if !used[edge] {
			t.Errorf("%s is gone: delete it from pending", edge)
		}
	}
}

// TestGitOnlyThroughGitrun: no non-test file outside internal/gitrun
// starts git with os/exec.
func TestGitOnlyThroughGitrun(t *testing.T) {
	t.Parallel()
	for _, p := range packages(t) {
		if rel(p.ImportPath) == "internal/gitrun" {
			continue
		}
		for _, name := range p.GoFiles {
			file := filepath.Join(p.Dir, name)
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "Command" && sel.Sel.Name != "CommandContext") {
					return true
				}
				for _, a := range call.Args {
					if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, _ := strconv.Unquote(lit.Value); s == "git" {
							t.Errorf("%s: starts git itself; use internal/gitrun", file)
						}
					}
				}
				return true
			})
		}
	}
}
