package lock

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestDocs keeps docs/lock.md true: its example parses, and its field table
// names exactly the fields of Approval.
func TestDocs(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/lock.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	ex := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(doc)
	if ex == nil {
		t.Fatal("docs/lock.md has no JSON example")
	}
	f, err := Parse("docs/lock.md", []byte(ex[1]))
	if err != nil {
		t.Fatalf("the example does not parse: %v", err)
	}
	if len(f.Approvals) != 1 || f.Approvals[0].Expires == "" || f.Approvals[0].Reason == "" {
		t.Errorf("the example should show every field: %+v", f.Approvals)
	}
	if !strings.Contains(doc, "`"+Schema+"`") {
		t.Errorf("docs/lock.md does not name the schema %s", Schema)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `approvals\\[\\]\\.([a-zA-Z]+)` \\|").FindAllStringSubmatch(doc, -1) {
		documented[m[1]] = true
	}
	typ := reflect.TypeOf(Approval{})
	for i := 0; i < typ.NumField(); i++ {
		name := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
		if !documented[name] {
			t.Errorf("approvals[].%s is not in docs/lock.md's table", name)
		}
		delete(documented, name)
	}
	for name := range documented {
		t.Errorf("docs/lock.md documents approvals[].%s, which Approval does not have", name)
	}
}
