package report

import (
	"io"
	"runtime"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/razukc/capgate-action/diff"
)

// jsonw writes a JSONReport as encoding/json does with SetIndent("", "  ")
// and SetEscapeHTML(false), byte for byte, without reflection: the same
// keys in field order, the same omitempty rules (nil and empty slices
// omitted, a nil non-omitempty slice as null), the same string escapes.
// For 10,000 manifests encoding/json took about 28 ms of a 290 ms
// `capgate diff`, this about 3 ms. TestEncodeMatchesEncodingJSON and
// FuzzEncodeMatchesEncodingJSON hold it to encoding/json on generated
// reports (every field set, odd strings), so a field added to a report
// type without a line here fails them.
type jsonw struct {
	b     []byte
	depth int
	first bool // no member or element written yet at this depth
	// out, if not nil, is where b goes (flush) once it holds flushBytes,
	// between two manifests; n counts the bytes written, err is the
	// first write error (then nothing more is written).
	out io.Writer
	n   int64
	err error
}

// flushBytes is how much of the document a jsonw streaming to a writer
// (WriteTo) holds before writing it out.
const flushBytes = 64 << 10

// flush writes b out when w streams to a writer and b holds flushBytes
// (or, with all, anything), and empties it.
func (w *jsonw) flush(all bool) {
	if w.out == nil || len(w.b) == 0 || (!all && len(w.b) < flushBytes) {
		return
	}
	w.write(w.b)
	w.b = w.b[:0]
}

// write writes p to w.out unless a write failed already; a write of
// less than p with no error is io.ErrShortWrite.
func (w *jsonw) write(p []byte) {
	if w.err != nil {
		return
	}
	n, err := w.out.Write(p)
	w.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite // as io.Copy reads a writer that breaks its contract
	}
	w.err = err
}

// open starts an object or array with c ('{' or '[').
func (w *jsonw) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = true
}

// close ends an object or array with c ('}' or ']'): an empty one is "{}"
// or "[]", as encoding/json's Indent leaves it.
func (w *jsonw) close(c byte) {
	w.depth--
	if !w.first {
		w.newline()
	}
	w.b = append(w.b, c)
	w.first = false
}

func (w *jsonw) newline() {
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

// elem starts an array element.
func (w *jsonw) elem() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.newline()
}

// key starts an object member; k needs no escaping.
func (w *jsonw) key(k string) {
	w.elem()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':', ' ')
}

func (w *jsonw) str(k, v string) {
	w.key(k)
	w.quote(v)
}

func (w *jsonw) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

// text writes one of the report's enums (diff.Status, Severity, Side,
// Targets): string types whose MarshalText is their text, which
// encoding/json writes as a string. (Calling MarshalText was an
// allocation for each.)
func text[T ~string](w *jsonw, k string, v T) {
	w.str(k, string(v))
}

func (w *jsonw) int(k string, v int) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, int64(v), 10)
}

func (w *jsonw) bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jsonw) boolOmit(k string, v bool) {
	if v {
		w.bool(k, v)
	}
}

// array writes v with each element written by elem: null when nil.
func array[T any](w *jsonw, v []T, elem func(*T)) {
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for i := range v {
		w.elem()
		elem(&v[i])
	}
	w.close(']')
}

// arrayOmit writes member k, an array, unless v is empty.
func arrayOmit[T any](w *jsonw, k string, v []T, elem func(*T)) {
	if len(v) > 0 {
		w.key(k)
		array(w, v, elem)
	}
}

// quoteAt quotes *s: an array's element writer for a string slice.
func (w *jsonw) quoteAt(s *string) { w.quote(*s) }

func (w *jsonw) strsOmit(k string, v []string) {
	arrayOmit(w, k, v, w.quoteAt)
}

// encode writes j, the whole document, and the trailing newline.
func (w *jsonw) encode(j *JSONReport) {
	w.open('{')
	w.str("schema", j.Schema)
	w.bool("widened", j.Widened)
	w.str("base", j.Base)
	w.str("head", j.Head)
	w.strsOmit("targets", j.Targets)
	w.key("counts")
	w.counts(&j.Counts)
	w.key("manifests")
	w.manifests(j.Manifests, runtime.GOMAXPROCS(0))
	if p := j.PullRequest; p != nil {
		w.key("pull_request")
		w.open('{')
		w.int("number", p.Number)
		w.str("head_sha", p.HeadSHA)
		w.close('}')
	}
	w.close('}')
	w.b = append(w.b, '\n')
}

// parallelManifests is the number of manifests from which manifests
// encodes them in parts at once.
const parallelManifests = 512

// manifests writes ms, an array, as array does; from parallelManifests
// on, in parts pieces at once: the first into w's own buffer on this
// goroutine, each other into a buffer of its own from the depth and
// separator state the array is in after an element, joined in order: the
// same bytes (TestManifestsInParts: 1 to 7 pieces against encoding/json).
// The encoding runs after the comparisons, on one core otherwise:
// BenchmarkJSON10000, 6 alternating runs at a load of 5-7 on 2 cores
// (2026-12-07), median 4.8 -> 4.3 ms; the halving needs the second core
// free. The other pieces' buffers are the memory it costs (half the
// manifests' JSON on 2 cores: 0.5 MB of BenchmarkDiffGit2000's 1.1 MB
// report); with every piece in a buffer of its own it was all of it.
// Streaming (WriteTo), the first piece goes out as it is written and the
// others' buffers are written as they are, not copied into w's.
func (w *jsonw) manifests(ms []diff.ManifestDiff, parts int) {
	if ms == nil {
		w.b = append(w.b, "null"...)
		return
	}
	if len(ms) < parallelManifests || parts < 2 {
		w.open('[')
		w.someManifests(ms)
		w.close(']')
		return
	}
	w.open('[')
	depth := w.depth // w's own changes while the others write
	bufs := make([][]byte, parts)
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		lo, hi := len(ms)*p/parts, len(ms)*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := jsonw{b: make([]byte, 0, encodedSize(&JSONReport{Manifests: ms[lo:hi]})), depth: depth}
			for i := lo; i < hi; i++ {
				pw.elem()
				pw.manifest(&ms[i])
			}
			bufs[p] = pw.b
		}()
	}
	w.someManifests(ms[:len(ms)/parts])
	wg.Wait()
	for _, b := range bufs[1:] {
		if w.out != nil {
			// Streaming: the piece goes out as it is, not copied.
			w.flush(true)
			w.write(b)
			continue
		}
		w.b = append(w.b, b...)
	}
	w.close(']')
}

// someManifests writes the elements ms of the manifests array, flushing
// between them (flush).
func (w *jsonw) someManifests(ms []diff.ManifestDiff) {
	for i := range ms {
		w.elem()
		w.manifest(&ms[i])
		w.flush(false)
	}
}

func (w *jsonw) counts(c *diff.Counts) {
	w.open('{')
	w.int("loud", c.Loud)
	w.int("widened", c.Widened)
	w.int("narrowed", c.Narrowed)
	w.int("changed", c.Changed)
	w.int("unenforceable_added", c.UnenforceableAdded)
	w.int("errors", c.Errors)
	w.int("base_errors", c.BaseErrors)
	w.close('}')
}

func (w *jsonw) manifest(m *diff.ManifestDiff) {
	w.open('{')
	w.str("path", m.Path)
	w.strOmit("base_path", m.BasePath)
	text(w, "status", m.Status)
	w.problemOmit("error", m.Error)
	w.problemOmit("base_error", m.BaseError)
	w.key("changes")
	array(w, m.Changes, w.change)
	arrayOmit(w, "text_diffs", m.TextDiffs, w.textDiff)
	w.boolOmit("approved", m.Approved)
	w.strOmit("launch", string(m.Launch))
	arrayOmit(w, "exceeds", m.Exceeds, w.exceeding)
	w.close('}')
}

func (w *jsonw) problemOmit(k string, p *diff.Problem) {
	if p == nil {
		return
	}
	w.key(k)
	w.open('{')
	w.str("code", p.Code)
	w.str("message", p.Message)
	w.strOmit("hint", p.Hint)
	w.int("line", p.Line)
	w.int("col", p.Col)
	w.close('}')
}

func (w *jsonw) change(c *diff.Change) {
	w.open('{')
	text(w, "severity", c.Severity)
	w.str("kind", string(c.Kind))
	text(w, "target", c.Target)
	w.str("before", c.Before)
	w.str("after", c.After)
	w.str("why", c.Why)
	w.int("line", c.Line)
	w.int("col", c.Col)
	text(w, "side", c.Side)
	w.boolOmit("loud", c.Loud)
	w.close('}')
}

func (w *jsonw) textDiff(t *diff.TextDiff) {
	w.open('{')
	w.str("target", t.Target)
	w.str("diff", t.Diff)
	w.boolOmit("notes_only", t.NotesOnly)
	w.close('}')
}

func (w *jsonw) exceeding(e *diff.Exceeding) {
	w.open('{')
	w.str("server", e.Server)
	w.str("kind", string(e.Kind))
	w.int("line", e.Line)
	w.str("manifest", e.Manifest)
	w.str("name", e.Name)
	w.strsOmit("ambiguous", e.Ambiguous)
	w.key("changes")
	array(w, e.Changes, w.change)
	w.strOmit("paste", e.Paste)
	w.strOmit("paste_kind", e.PasteKind)
	w.close('}')
}

// safeJSON[c] is true for an ASCII byte encoding/json copies as it is
// (without HTML escaping): not a control character, '"' or '\\'.
var safeJSON = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// quote appends s quoted as encoding/json quotes it without HTML
// escaping: '"' and '\\' backslashed, \b \f \n \r \t, other control
// characters as \u00XX, each invalid UTF-8 byte as \ufffd, U+2028 and
// U+2029 as \u2028 and \u2029; and invisible characters escaped as
// jsonVisible escapes them (a pass of its own over the output was 8 ms of
// 10,000 manifests' report: text diffs hold "—").
func (w *jsonw) quote(s string) {
	const hex = "0123456789abcdef"
	b := append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeJSON[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		case Invisible(r):
			// What jsonVisible does to encoded JSON, done here.
			b = append(b, s[start:i]...)
			b = append(b, jsonEscape(r)...)
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	b = append(b, s[start:]...)
	w.b = append(b, '"')
}
