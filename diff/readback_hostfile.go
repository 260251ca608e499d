package diff

import (
	"encoding/json"
	"net"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// decodeStrict decodes the JSON config text into v, refusing unknown
// fields and trailing data. A config that does not decode is judged as one
// raw grant (the whole text), so any change to it shows, loudly.
func decodeStrict(a *compiler.Artifact, v any) []item {
	d := json.NewDecoder(strings.NewReader(a.Config))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil || d.More() {
		return []item{{kind: kRaw, key: a.Config}}
	}
	return nil
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
