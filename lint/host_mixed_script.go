package lint

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/razukc/capgate-action/compiler"
)

var hostMixedScriptRule = Rule{
	ID:      "net-host-mixed-script",
	Summary: "a host whose letters mix scripts (Latin and Cyrillic, …) or that holds bidi or zero-width characters, which can pass for another host",
	Check: func(cs compiler.CapString, c *compiler.Capability, _ bool) []Finding {
		if c == nil || c.Kind != compiler.KindNet {
			return nil
		}
		if i := strings.IndexFunc(c.Host, hidden); i >= 0 {
			r, _ := utf8.DecodeRuneInString(c.Host[i:])
			return finding(cs, "host %q holds the invisible character U+%04X (bidi control or zero-width): it reads as another host in a review; write the host without it", c.Host, r)
		}
		scripts := hostScripts(c.Host)
		if len(scripts) < 2 {
			return nil
		}
		return finding(cs, "host %q mixes scripts (%s): it can be made to look like another host (аpple.com with a Cyrillic а is not apple.com); write each host in one script", c.Host, strings.Join(scripts, ", "))
	},
}

// hostScripts lists the scripts of the letters in h, its punycode (xn--)
// labels decoded, sorted; Common and Inherited characters (digits, '-',
// marks) belong to none.
func hostScripts(h string) []string {
	seen := map[string]bool{}
	for _, label := range strings.Split(strings.ToLower(h), ".") {
		if strings.HasPrefix(label, "xn--") {
			if d, ok := punyDecode(label[4:]); ok {
				label = d
			}
		}
		for _, r := range label {
			if !unicode.IsLetter(r) {
				continue
			}
			for name, table := range unicode.Scripts {
				if name != "Common" && name != "Inherited" && unicode.Is(table, r) {
					seen[name] = true
					break
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// punyDecode decodes the part of a punycode label after "xn--" (RFC 3492).
func punyDecode(s string) (string, bool) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	var out []rune
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		out = []rune(s[:i])
		s = s[i+1:]
	}
	n, bias, i := initialN, initialBias, 0
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	for p := 0; p < len(s); {
		old, w := i, 1
		for k := base; ; k += base {
			if p >= len(s) || len(out) > 63 {
				return "", false
			}
			c := s[p]
			p++
			var digit int
			switch {
			case c >= 'a' && c <= 'z':
				digit = int(c - 'a')
			case c >= '0' && c <= '9':
				digit = int(c-'0') + 26
			default:
				return "", false
			}
			if digit > (1<<30-i)/w {
				return "", false
			}
			i += digit * w
			t := k - bias
			if t < tmin {
				t = tmin
			} else if t > tmax {
				t = tmax
			}
			if digit < t {
				break
			}
			w *= base - t
		}
		bias = adapt(i-old, len(out)+1, old == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > unicode.MaxRune {
			return "", false
		}
		out = append(out[:i], append([]rune{rune(n)}, out[i:]...)...)
		i++
	}
	return string(out), true
}
