package diag

import (
	"encoding/json"
	"testing"
)

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Path: "a.json", Line: 3, Col: 7, Message: "bad port", Code: "CAP_NET_PORT"}, "a.json:3:7: bad port [CAP_NET_PORT]"},
		{Diagnostic{Path: "empty.json", Message: "no value", Code: "PARSE"}, "empty.json:1:1: no value [PARSE]"},
		{Diagnostic{Path: "capgate.lock", Line: 2, Col: 0, Message: "m", Code: "lock"}, "capgate.lock:2:1: m [lock]"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestAt(t *testing.T) {
	t.Parallel()
	src := []byte("{\n  \"é\": x\n}")
	tests := []struct {
		off       int
		line, col int
	}{
		{0, 1, 1},
		{2, 2, 1},
		{10, 2, 8}, // 'x': the é counts as one column
		{-5, 1, 1},
		{999, 3, 2},
	}
	for _, tt := range tests {
		d := At("f", src, tt.off, "C", "m")
		if d.Line != tt.line || d.Col != tt.col {
			t.Errorf("At(%d) = %d:%d, want %d:%d", tt.off, d.Line, d.Col, tt.line, tt.col)
		}
	}
}

func TestSeverityText(t *testing.T) {
	t.Parallel()
	for _, s := range []Severity{SeverityError, SeverityWarning, SeverityNote} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText(%d): %v", s, err)
		}
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %q = %v, %v", b, back, err)
		}
		if string(b) != s.String() {
			t.Errorf("text %q != String %q", b, s.String())
		}
	}
	if _, err := Severity(9).MarshalText(); err == nil {
		t.Error("MarshalText of an unknown severity: no error")
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error(`UnmarshalText("fatal"): no error`)
	}
}

func TestJSONShape(t *testing.T) {
	t.Parallel()
	d := Diagnostic{Path: "p", Code: "C", Message: "m", Line: 1, Col: 2, Severity: SeverityNote}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"code":"C","message":"m","line":1,"col":2}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}
