package report

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

// TestReportJSONDoc keeps docs/report-json.md true: its example is a
// report this package reads back with no unknown field and consistent
// counts, every field of the report is in its table, every change kind diff
// emits is listed, and its loud example is what diff reports for
// fs:read:/var/run/docker.sock.
func TestReportJSONDoc(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/report-json.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	jr := docExample(t, doc)
	t.Run("counts", func(t *testing.T) {
		t.Parallel()
		if c, ok := diff.Tally(jr.Manifests); !ok || c != jr.Counts || jr.Schema != Schema {
			t.Errorf("the example's counts %+v do not match its changes %+v (or schema %q)", jr.Counts, c, jr.Schema)
		}
	})
	t.Run("fields", func(t *testing.T) {
		t.Parallel()
		fieldsInTable(t, doc)
	})
	t.Run("kinds", func(t *testing.T) {
		t.Parallel()
		kinds := regexp.MustCompile("(?m)^\\| `changes\\[\\]\\.kind` \\| (.*) \\|$").FindStringSubmatch(doc)
		if kinds == nil {
			t.Fatal("no kinds row")
		}
		for _, k := range diff.Kinds() {
			if !strings.Contains(kinds[1], "`"+string(k)+"`") {
				t.Errorf("kind %s is not listed", k)
			}
		}
	})
	t.Run("loud", func(t *testing.T) {
		t.Parallel()
		// The loud example is what diff says.
		base := []byte(`{"name": "a", "version": "1", "tools": [{"name": "t", "capabilities": []}]}`)
		head := []byte(`{"name": "a", "version": "1", "tools": [{"name": "t", "capabilities": ["fs:read:/var/run/docker.sock"]}]}`)
		cs := diff.CompareManifests(base, head)
		if len(cs) == 0 || !cs[0].Loud || cs[0].Why != jr.Manifests[0].Changes[0].Why || cs[0].After != jr.Manifests[0].Changes[0].After {
			t.Errorf("the doc's loud example is not what diff reports: %+v", cs)
		}
	})
}

// docExample is the doc's JSON example, read back as a report with no
// unknown field.
func docExample(t *testing.T, doc string) JSONReport {
	t.Helper()
	ex := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(doc)
	if ex == nil {
		t.Fatal("no JSON example")
	}
	var jr JSONReport
	dec := json.NewDecoder(bytes.NewReader([]byte(ex[1])))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&jr); err != nil {
		t.Fatalf("the example is not a report: %v", err)
	}
	return jr
}

// fieldsInTable: every JSON field of the counts, a manifest and a change
// is a row of the doc's table, by its full or its short name.
func fieldsInTable(t *testing.T, doc string) {
	t.Helper()
	table := regexp.MustCompile(`(?m)^\| (.*?) \| `).FindAllStringSubmatch(doc, -1)
	var rows strings.Builder
	for _, r := range table {
		rows.WriteString(r[1] + "\n")
	}
	for _, f := range jsonFields(reflect.TypeOf(diff.Counts{}), "counts.") {
		if !strings.Contains(rows.String(), "`"+f+"`") && !strings.Contains(rows.String(), "`"+strings.TrimPrefix(f, "counts.")+"`") {
			t.Errorf("field %s is not in the table", f)
		}
	}
	for _, f := range append(jsonFields(reflect.TypeOf(diff.ManifestDiff{}), "manifests[]."), jsonFields(reflect.TypeOf(diff.Change{}), "changes[].")...) {
		short := f[strings.LastIndexByte(f, '.')+1:]
		if short == "changes" || short == "text_diffs" {
			continue
		}
		if !strings.Contains(rows.String(), "`"+f+"`") && !strings.Contains(rows.String(), "`"+short+"`") {
			t.Errorf("field %s is not in the table", f)
		}
	}
}

func jsonFields(t reflect.Type, prefix string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, prefix+name)
		}
	}
	return out
}
