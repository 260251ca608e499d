package lint

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	t.Parallel()
	kinds := []string{"fs", "net", "env", "exec", "ipc", "clock", "assert"}
	for _, tc := range []struct {
		in   string
		from []string
		want string
	}{
		{"network", kinds, "net"},
		{"nte", kinds, "net"},
		{"exe", kinds, "exec"},
		{"disk", kinds, ""},
		{"conect", []string{"connect"}, "connect"},
		{"raed", []string{"read", "write", "create", "delete"}, "read"},
		{"tool", manifestKeys, "tools"},
		{"Tools", manifestKeys, "tools"},
		{"capability", toolKeys, "capabilities"},
		{"description", toolKeys, ""},
		{"inputSchema", toolKeys, ""},
		{"lnit", []string{"compile", "lint", "diff"}, "lint"},
		{strings.Repeat("a", 65), kinds, ""},
	} {
		if got := Suggest(tc.in, tc.from); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"lnit", "lint", 1}, {"net", "network", 4},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	src := "{\"name\": \"x\", \"version\": \"1\", \"description\": \"d\",\n \"serverCapability\": [],\n \"tools\": [{\"name\": \"t\", \"capabilities\": [], \"capabilites\": [\"fs:read:/x\"], \"inputSchema\": {}}]}"
	fs := Keys([]byte(src))
	var got []string
	for _, f := range fs {
		got = append(got, f.Format("m.json"))
	}
	want := []string{
		`m.json:2:2: manifest key "serverCapability" is not read by capgate, so what it holds is ignored: did you mean "serverCapabilities"? [manifest-key-typo]`,
		`m.json:3:46: tools[0] key "capabilites" is not read by capgate, so what it holds is ignored: did you mean "capabilities"? [manifest-key-typo]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A key of the other level grants nothing where it is.
	src = "{\"name\": \"x\", \"version\": \"1\", \"capabilities\": [\"fs:read:/x\"],\n \"tools\": [{\"name\": \"t\", \"serverCapabilities\": [], \"tools\": []}]}"
	got = nil
	for _, f := range Keys([]byte(src)) {
		got = append(got, f.Format("m.json"))
	}
	want = []string{
		`m.json:1:31: manifest key "capabilities" is not read here by capgate, so what it holds is ignored: it belongs in a tool (tools[].capabilities) [manifest-key-typo]`,
		`m.json:2:26: tools[0] key "serverCapabilities" is not read here by capgate, so what it holds is ignored: it belongs at the manifest's top level [manifest-key-typo]`,
		`m.json:2:52: tools[0] key "tools" is not read here by capgate, so what it holds is ignored: it belongs at the manifest's top level [manifest-key-typo]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if Keys([]byte("{not json")) != nil {
		t.Error("Keys of invalid JSON is not nil")
	}
}
