package sandbox

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestModelDoc: docs/sandbox-model.md names every field of Sandbox and
// every aspect Compare reports.
func TestModelDoc(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/sandbox-model.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	st := reflect.TypeOf(Sandbox{})
	for i := range st.NumField() {
		if f := st.Field(i).Name; !strings.Contains(doc, "`"+f+"`") {
			t.Errorf("field %s is not in docs/sandbox-model.md", f)
		}
	}
	for _, a := range []Aspect{AspectFS, AspectNet, AspectEnv, AspectCap, AspectDevice, AspectNamespace, AspectSecurity,
		AspectDev, AspectProc, AspectTmpfs, AspectNetwork, AspectIsolation, AspectUser, AspectUnknown, AspectConfined} {
		if !strings.Contains(doc, "**"+string(a)+"**") && !strings.Contains(doc, "`"+string(a)+"`") {
			t.Errorf("aspect %s is not in docs/sandbox-model.md", a)
		}
	}
}
