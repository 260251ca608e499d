package action

import (
	"path"
	"regexp"
	"strings"
)

// This file reads CODEOWNERS the way GitHub documents it ("About code
// owners", docs.github.com): gitignore patterns without negation, without
// [ ] ranges and without escaping a leading #; owners written @user,
// @org/team or as an e-mail address; a line with invalid syntax is skipped;
// the last matching pattern wins, and one with no owners leaves the path
// unowned. It is pure: codeOwner (approval.go) reads the file.

// codeownersLocations are where GitHub looks for CODEOWNERS, in the order
// it searches them; it uses the first one it finds.
var codeownersLocations = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// maxCodeownersBytes: "CODEOWNERS files must be under 3 MB in size", and a
// larger file "will not be loaded".
const maxCodeownersBytes = 3 << 20

// ownerRule is one valid line of a CODEOWNERS file.
type ownerRule struct {
	line    int
	pattern string
	owners  []string
}

var (
	// GitHub logins: letters, digits and single hyphens, at most 39.
	ownerUserRE = regexp.MustCompile(`^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	// @org/team-slug.
	ownerTeamRE = regexp.MustCompile(`^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9](?:[A-Za-z0-9_.-]*)$`)
	// An e-mail address: one @, something on each side, a dot in the domain.
	ownerMailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func validOwner(s string) bool {
	return ownerUserRE.MatchString(s) || ownerTeamRE.MatchString(s) || ownerMailRE.MatchString(s)
}

// parseCodeowners returns the valid rules of a CODEOWNERS file, in order.
// Comment lines, blank lines and lines GitHub would skip as invalid are
// left out.
func parseCodeowners(text string) []ownerRule {
	var rules []ownerRule
	for i, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		// An inline comment: a field starting with # after the pattern.
		for j := 1; j < len(fields); j++ {
			if strings.HasPrefix(fields[j], "#") {
				fields = fields[:j]
				break
			}
		}
		r := ownerRule{line: i + 1, pattern: fields[0], owners: fields[1:]}
		if validPattern(r.pattern) && allValidOwners(r.owners) {
			rules = append(rules, r)
		}
	}
	return rules
}

func allValidOwners(owners []string) bool {
	for _, o := range owners {
		if !validOwner(o) {
			return false
		}
	}
	return true
}

// validPattern refuses the gitignore syntax CODEOWNERS does not support:
// "!" negation and "\#" escaping a leading "#"; a pattern that is only
// slashes, or ends in a lone backslash, is invalid too. ("[ ]" ranges do not
// work either: globSegment reads brackets as themselves.)
func validPattern(p string) bool {
	switch {
	case strings.HasPrefix(p, "!"), strings.HasPrefix(p, `\#`):
		return false
	case strings.Trim(p, "/") == "":
		return false
	}
	_, err := path.Match(globSegment(strings.ReplaceAll(p, "/", "")), "")
	return err == nil
}

// globSegment turns one segment of a CODEOWNERS pattern into a path.Match
// pattern: brackets match themselves ("Using [ ] to define a character
// range doesn't work").
func globSegment(s string) string {
	if !strings.ContainsAny(s, "[]") {
		return s
	}
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(s)
}

// ownersOf returns the owners of p (a path from the repository root, no
// leading slash) under the rules of a CODEOWNERS file, and whether it has
// any: the last rule that matches decides.
func ownersOf(codeowners, p string) (string, bool) {
	if len(codeowners) >= maxCodeownersBytes {
		return "", false
	}
	owners, ok := "", false
	for _, r := range parseCodeowners(codeowners) {
		if ruleMatches(r.pattern, p) {
			owners, ok = strings.Join(r.owners, " "), len(r.owners) > 0
		}
	}
	return owners, ok
}

// ruleMatches reports whether a CODEOWNERS pattern matches the file p, as
// gitignore does: a pattern matches the file itself or any directory it is
// in (and so everything inside that directory), except that an anchored
// pattern ending in a lone "*" matches one level only; a pattern ending in "/"
// matches directories only; a pattern with a "/" at its start or middle is
// relative to the repository root, one without matches at any depth.
func ruleMatches(pattern, p string) bool {
	dirOnly := strings.HasSuffix(pattern, "/")
	pattern = strings.TrimSuffix(pattern, "/")
	anchored := strings.Contains(pattern, "/")
	pattern = strings.TrimPrefix(pattern, "/")
	pat := strings.Split(pattern, "/")
	if !anchored {
		pat = append([]string{"**"}, pat...)
	}
	segs := strings.Split(p, "/")
	// The directories containing p, then (unless only directories may
	// match) p itself.
	n := len(segs)
	if dirOnly {
		n--
	}
	first := 1
	if anchored && !dirOnly && pat[len(pat)-1] == "*" {
		// "The docs/* pattern will match files like docs/getting-started.md
		// but not further nested files like docs/build-app/troubleshooting.md":
		// a final lone * matches one level, not what is inside it.
		first = n
	}
	ends := matchPrefixes(pat, segs)
	for k := first; k <= n; k++ {
		if ends[k] {
			return true
		}
	}
	return false
}

// matchPrefixes matches pattern segments against every prefix of the path
// segments at once: ends[k] reports whether the pattern matches segs[:k].
// A "**" segment matches zero or more segments (one or more when it is the
// last: "a trailing /** matches everything inside"); any other segment is
// a glob ("*" and "?" within one segment; other runs of asterisks are
// ordinary ones). It runs in time proportional to the product of the two
// lengths.
func matchPrefixes(pat, segs []string) []bool {
	reach := make([]bool, len(segs)+1) // reach[j]: pat[:i] matches segs[:j]
	reach[0] = true
	for i, ps := range pat {
		next := make([]bool, len(segs)+1)
		switch {
		case ps == "**":
			// next[j] = some reach[j'] with j' ≤ j (j' < j when last).
			seen := false
			for j := 0; j <= len(segs); j++ {
				if i == len(pat)-1 {
					next[j] = seen
					seen = seen || reach[j]
				} else {
					seen = seen || reach[j]
					next[j] = seen
				}
			}
		default:
			glob := globSegment(ps)
			for j := 0; j < len(segs); j++ {
				if reach[j] {
					ok, _ := path.Match(glob, segs[j])
					next[j+1] = ok
				}
			}
		}
		reach = next
	}
	return reach
}
