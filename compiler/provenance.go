package compiler

import (
	"crypto/sha256"
	"encoding/hex"
)

// Canonicalization names the scheme ManifestHash is computed over.
const Canonicalization = "RFC8785"

// ManifestHash is capgate's provenance hash: SHA-256 over the RFC 8785
// canonical JSON of {name, version, serverCapabilities (default []),
// tools: [{name, capabilities}]}, as "sha256:<hex>".
func ManifestHash(m *Manifest) string {
	b := make([]byte, 0, 512)
	// Keys in UTF-16 order: name, serverCapabilities, tools, version.
	b = append(b, `{"name":`...)
	b = appendCanonString(b, m.Name)
	b = append(b, `,"serverCapabilities":`...)
	if m.serverArr != nil {
		b = AppendCanonical(b, m.serverArr)
	} else {
		b = append(b, "[]"...)
	}
	b = append(b, `,"tools":[`...)
	for i, t := range m.Tools {
		if i > 0 {
			b = append(b, ',')
		}
		// Keys in order: capabilities, name (omitted when absent, as
		// JSON.stringify drops undefined).
		b = append(b, `{"capabilities":[`...)
		for j, c := range t.Caps {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendCanonString(b, c.Text)
		}
		b = append(b, ']')
		if t.Name != nil {
			b = append(b, `,"name":`...)
			b = AppendCanonical(b, t.Name)
		}
		b = append(b, '}')
	}
	b = append(b, `],"version":`...)
	b = appendCanonString(b, m.Version)
	b = append(b, '}')
	sum := sha256.Sum256(b)
	out := make([]byte, 7+64)
	copy(out, "sha256:")
	hex.Encode(out[7:], sum[:])
	return string(out)
}
