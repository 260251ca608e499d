package compiler

import (
	"crypto/sha256"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// Canonicalization names the scheme ManifestHash is computed over.
const Canonicalization = "RFC8785"

// ManifestHash is capgate's provenance hash: SHA-256 over the RFC 8785
// canonical JSON of {name, version, serverCapabilities (default []),
// tools: [{name, capabilities}]}, as "sha256:<hex>". It is "" for a
// Manifest that was not decoded from a document.
func ManifestHash(m *Manifest) string { return m.hash }

// manifestHash computes ManifestHash of a decoded m, whose text it builds
// in sc.canon; the hash's text goes in a.
func manifestHash(m *Manifest, a *arena, sc *scratch) string {
	b := sc.canon[:0]
	// Keys in UTF-16 order: name, serverCapabilities, tools, version.
	b = append(b, `{"name":`...)
	b = jsonx.AppendCanonString(b, m.Name)
	b = append(b, `,"serverCapabilities":[`...)
	// The shape check has made every entry a string.
	for i, c := range m.Server {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendCanonString(b, c.Text)
	}
	b = append(b, `],"tools":[`...)
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
			b = jsonx.AppendCanonString(b, c.Text)
		}
		b = append(b, ']')
		// decodeTools has made every name a non-empty string.
		b = append(b, `,"name":`...)
		b = jsonx.AppendCanonString(b, t.Name)
		b = append(b, '}')
	}
	b = append(b, `],"version":`...)
	b = jsonx.AppendCanonString(b, m.Version)
	b = append(b, '}')
	sc.canon = b
	sum := sha256.Sum256(b)
	a.text("sha256:")
	hx := hexDigest(&sum)
	a.text(unsafeString(hx[:]))
	return a.done()
}

// hexDigest is sum in lower-case hex. On arrays of fixed size the loop
// needs no bounds checks: about 450 instructions a manifest where
// hex.Encode took 650 (valgrind, GOGC=off, issue 24). The conformance
// vectors check the hashes.
func hexDigest(sum *[sha256.Size]byte) (hx [2 * sha256.Size]byte) {
	const digits = "0123456789abcdef"
	for i, c := range sum {
		hx[2*i], hx[2*i+1] = digits[c>>4], digits[c&0xf]
	}
	return hx
}
