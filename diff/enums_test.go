package diff

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEnumText: the typed enums write their names, read them back, and
// refuse any other text (a report from elsewhere is not read as ours).
func TestEnumText(t *testing.T) {
	t.Parallel()
	c := Change{Severity: UnenforceableAdded, Side: SideBase, Kind: "net"}
	b, err := json.Marshal(c)
	if err != nil || !strings.Contains(string(b), `"severity":"unenforceable_added"`) || !strings.Contains(string(b), `"side":"base"`) {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back Change
	if err := json.Unmarshal(b, &back); err != nil || back != c {
		t.Fatalf("Unmarshal = %+v, %v", back, err)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{"severity": "wider"}`, `severity: "wider" is not a severity`},
		{`{"side": "both"}`, `side: "both" is not head or base`},
		{`{"side": ""}`, `side: "" is not head or base`},
	} {
		if err := json.Unmarshal([]byte(tc.doc), &back); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Unmarshal(%s) = %v, want %q", tc.doc, err, tc.want)
		}
	}
	var m ManifestDiff
	if err := json.Unmarshal([]byte(`{"status": "gone"}`), &m); err == nil || !strings.Contains(err.Error(), `status: "gone" is not a manifest status`) {
		t.Errorf("Unmarshal status = %v", err)
	}
	for _, s := range []Status{StatusAdded, StatusRemoved, StatusModified, StatusUnchanged, StatusError} {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
}
