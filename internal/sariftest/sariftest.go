// Package sariftest gives tests the SARIF 2.1.0 schema, vendored beside
// this file (sarif-schema-2.1.0.SOURCE says where it comes from), compiled
// once, so that every SARIF output can be validated the same way.
package sariftest

import (
	"bytes"
	_ "embed"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed sarif-schema-2.1.0.json
var schemaJSON []byte

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("sarif-schema-2.1.0.json")
})

// Schema returns the compiled SARIF 2.1.0 schema; it fails tb when the
// vendored schema does not compile.
func Schema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	s, err := compiled()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
