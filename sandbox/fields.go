package sandbox

import "strings"

// appendFields appends the fields of line, as strings.Fields splits it,
// to dst. A line whose only spaces are ' ' and whose bytes are all ASCII,
// as every line of a compiled config, is cut at its spaces by
// strings.IndexByte, after a check of eight bytes at a time; any other is
// split by strings.FieldsSeq, which decodes every byte as a rune and asks
// unicode.IsSpace of it: that took 19,500 instructions of a changed
// manifest's squid and nftables read-backs, this about 10,000 (cachegrind,
// GOGC=off, BenchmarkChangedManifest in package diff). TestAppendFields
// and FuzzAppendFields hold it to strings.Fields.
func appendFields(dst []string, line string) []string {
	if !plainSpaced(line) {
		for f := range strings.FieldsSeq(line) {
			dst = append(dst, f)
		}
		return dst
	}
	for line != "" {
		i := strings.IndexByte(line, ' ')
		if i < 0 {
			return append(dst, line)
		}
		if i > 0 {
			dst = append(dst, line[:i])
		}
		line = line[i+1:]
	}
	return dst
}

// plainSpaced reports whether every byte of s is ASCII and none is a
// control character (tab, newline, …): then ' ' is its only space.
func plainSpaced(s string) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		t := s[i : i+8]
		w := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		if ((w-0x20*ones)&^w|w)&high != 0 { // a byte below 0x20 or above 0x7f
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x80 {
			return false
		}
	}
	return true
}
