package sandbox

import (
	"bytes"
	"encoding/json"
	"net"
	"strconv"
	"strings"
)

// decodeStrict decodes the JSON config conf into v, refusing unknown
// fields and trailing data. A config that does not decode is one Unknown
// part, the whole text, so that any change to it is judged a widening.
func decodeStrict(s *Sandbox, conf []byte, v any) bool {
	d := json.NewDecoder(bytes.NewReader(conf))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil || d.More() {
		s.unknown(string(conf), 0)
		return false
	}
	return true
}

// splitHostPort splits "host[:port]" and "[v6][:port]"; port 0 is any.
func splitHostPort(s string) (string, int, bool) {
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		h, p, err := net.SplitHostPort(s)
		if err != nil {
			if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
				return s[1 : len(s)-1], 0, true
			}
			return "", 0, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, false
		}
		return h, n, true
	}
	if strings.Contains(s, ":") {
		return "", 0, false
	}
	return s, 0, true
}

// isIPHost reports whether h is an IP literal.
func isIPHost(h string) bool { return net.ParseIP(h) != nil }
