package action

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// aboutCodeOwners is the page every rule below is checked against.
const aboutCodeOwners = "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners"

// TestCodeownersRules checks ownersOf rule by rule against GitHub's
// documentation of CODEOWNERS; each case quotes the sentence it follows.
func TestCodeownersRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doc, rules, path string
		owned            bool
	}{
		// "Each line is a file pattern followed by one or more owners."
		{"each line is a pattern and owners", "/capgate.lock @sec", "capgate.lock", true},
		{"each line is a pattern and owners", "capgate.lock @sec", "sub/capgate.lock", true},
		// "# This is a comment."
		{"comment line", "# /capgate.lock @sec", "capgate.lock", false},
		{"comment line after blanks", "   # capgate.lock @sec", "capgate.lock", false},
		// "*.js    @js-owner #This is an inline comment."
		{"inline comment", "/capgate.lock @sec #the security team", "capgate.lock", true},
		{"inline comment leaves no owner", "* @a\n/capgate.lock #nobody", "capgate.lock", false},
		// "Order is important; the last matching pattern takes the most precedence."
		{"last match wins", "/capgate.lock @sec\n* @everyone", "capgate.lock", true},
		{"last match wins (no owners)", "* @a\n/capgate.lock", "capgate.lock", false},
		// "@octocat owns any file in the /apps directory ... except for the
		// /apps/github subdirectory, as its owners are left empty."
		{"empty owners remove ownership", "/apps/ @octocat\n/apps/github", "apps/github/capgate.lock", false},
		{"empty owners remove ownership (rest kept)", "/apps/ @octocat\n/apps/github", "apps/main/capgate.lock", true},
		// "The pattern is followed by one or more GitHub usernames or team
		// names using the standard @username or @org/team-name format. You
		// can also refer to a user by an email address".
		{"@user", "/capgate.lock @octocat", "capgate.lock", true},
		{"@org/team", "/capgate.lock @octo-org/security-team", "capgate.lock", true},
		{"e-mail", "/capgate.lock sec@example.com", "capgate.lock", true},
		// "If any line in your CODEOWNERS file contains invalid syntax, that
		// line will be skipped."
		{"owner without @ is invalid, line skipped", "/capgate.lock security-team", "capgate.lock", false},
		{"invalid owner voids its line only", "* @a\n/capgate.lock security-team", "capgate.lock", true},
		{"bad login", "/capgate.lock @-x", "capgate.lock", false},
		{"team without slug", "/capgate.lock @org/", "capgate.lock", false},
		// "Using [ ] to define a character range doesn't work."
		{"no [ ] ranges", "[c]apgate.lock @sec", "capgate.lock", false},
		{"brackets are themselves", "/[c]apgate.lock @sec", "[c]apgate.lock", true},
		{"no [ ] ranges, later line", "/capgate.lock @sec\n[c]apgate.lock", "capgate.lock", true},
		// "Using ! to negate a pattern doesn't work."
		{"no ! negation", "* @a\n!/capgate.lock", "capgate.lock", true},
		{"no ! negation (never owns)", "!/x @sec", "capgate.lock", false},
		// "Escaping a pattern starting with # using \ so it is treated as a
		// pattern and not a comment doesn't work."
		{`no \# escape`, `\#capgate.lock @sec`, "#capgate.lock", false},
		// gitignore (which CODEOWNERS follows otherwise) has no brace
		// expansion: braces are ordinary characters.
		{"no brace expansion", "{capgate.lock,x} @sec", "capgate.lock", false},
		{"braces are literal", "{capgate.lock,x} @sec", "{capgate.lock,x}", true},
		// gitignore: "If there is a separator at the end of the pattern then
		// the pattern will only match directories".
		{"trailing slash matches directories only", "capgate.lock/ @sec", "capgate.lock", false},
		{"trailing slash matches a directory", "capgate.lock/ @sec", "capgate.lock/x", true},
		// "In this example, @octocat owns any file in an apps directory
		// anywhere in your repository. apps/ @octocat"
		{"apps/ anywhere", "apps/ @octocat", "a/b/apps/capgate.lock", true},
		// "@doctocat owns any file in the /docs directory in the root of
		// your repository and any of its subdirectories. /docs/ @doctocat"
		{"/docs/ at the root", "/docs/ @doctocat", "docs/x/capgate.lock", true},
		{"/docs/ only at the root", "/docs/ @doctocat", "sub/docs/capgate.lock", false},
		// "The docs/* pattern will match files like docs/getting-started.md
		// but not further nested files like docs/build-app/troubleshooting.md."
		{"docs/* one level", "docs/* docs@example.com", "docs/capgate.lock", true},
		{"docs/* not nested", "docs/* docs@example.com", "docs/build-app/capgate.lock", false},
		// "@octocat owns any file in a logs directory anywhere ... **/logs @octocat"
		{"**/logs anywhere", "**/logs @octocat", "build/logs/capgate.lock", true},
		{"**/logs at the root", "**/logs @octocat", "logs/capgate.lock", true},
		// gitignore: "A trailing /** matches everything inside".
		{"trailing ** inside", "/servers/** @sec", "servers/capgate.lock", true},
		{"trailing ** not the file itself", "/capgate.lock/** @sec", "capgate.lock", false},
		// gitignore: "/**/ matches zero or more directories".
		{"a/**/b zero dirs", "/a/**/capgate.lock @sec", "a/capgate.lock", true},
		{"a/**/b many dirs", "/a/**/capgate.lock @sec", "a/x/y/capgate.lock", true},
		// "*.js @js-owner": * matches within one path segment.
		{"*.lock", "*.lock @sec", "capgate.lock", true},
		{"* does not cross /", "/*.lock @sec", "sub/capgate.lock", false},
		{"? one character", "/capgate.loc? @sec", "capgate.lock", true},
		// "CODEOWNERS paths are case sensitive".
		{"case sensitive", "/CAPGATE.LOCK @sec", "capgate.lock", false},
		// "CODEOWNERS files must be under 3 MB in size. A CODEOWNERS file over
		// this limit will not be loaded".
		{"3 MB limit", "* @sec\n" + strings.Repeat("#", 3<<20), "capgate.lock", false},
		// A pattern of slashes only names nothing.
		{"slash only", "/ @sec", "capgate.lock", false},
	} {
		t.Run(tc.doc, func(t *testing.T) {
			t.Parallel()
			if _, ok := ownersOf(tc.rules, tc.path); ok != tc.owned {
				t.Errorf("ownersOf(%q, %q) owned = %v, want %v (%s)", tc.rules, tc.path, ok, tc.owned, aboutCodeOwners)
			}
		})
	}
}

// TestCodeownersIsLinear: a file of many ** rules is read in time
// proportional to its size (no backtracking blow-up).
func TestCodeownersIsLinear(t *testing.T) {
	t.Parallel()
	rules := strings.Repeat("/**/**/**/**/**/**/**/**/**/**/**/**/**/**/x @sec\n", 5000)
	p := strings.Repeat("a/", 200) + "capgate.lock"
	if _, ok := ownersOf(rules, p); ok {
		t.Errorf("owned")
	}
}

// TestCodeownersMisreadDoesNotOwnTheLock is issue 21, case 2, against a
// repository: each CODEOWNERS line names the lock in a way GitHub does not
// apply to /capgate.lock, so the pull request's own lock approval does not
// count.
func TestCodeownersMisreadDoesNotOwnTheLock(t *testing.T) {
	t.Parallel()
	for _, rule := range []string{
		"[c]apgate.lock @sec",                // [ ] ranges are not supported
		"{capgate.lock,x} @sec",              // no brace expansion
		"capgate.lock/ @sec",                 // a trailing slash matches directories only
		"/capgate.lock security-team",        // not an owner: the line is skipped
		"* @sec\n/capgate.lock",              // the last match has no owners
		"/capgate.lock @sec\n!/capgate.lock", // ! does not negate; but the line is skipped, so owned
	} {
		rule := rule
		owned := strings.HasPrefix(rule, "/capgate.lock @sec")
		t.Run(rule, func(t *testing.T) {
			t.Parallel()
			f := setup(t, nil)
			writeFile(t, filepath.Join(f.origin, ".github/CODEOWNERS"), rule+"\n")
			git(t, f.origin, "add", "-A")
			git(t, f.origin, "commit", "-q", "-m", "owners")
			f.base = git(t, f.origin, "rev-parse", "HEAD")
			f.push(map[string]string{"servers/gh/capgate.json": headManifest})
			f.push(map[string]string{"capgate.lock": lockFor(headHash(t, f))})
			res := f.inProcess(context.Background(), nil)
			if owned {
				if res.code != ExitOK {
					t.Fatalf("a rule GitHub applies: exit %d\n%s", res.code, res.stdout)
				}
				return
			}
			if res.code != ExitFailed || res.outputs["approved"] != "false" || !strings.Contains(res.stdout, "approves its own widening") {
				t.Fatalf("CODEOWNERS %q was taken as owning the lock: exit %d outputs %v\n%s", rule, res.code, res.outputs, res.stdout)
			}
		})
	}
}

// TestCodeOwnerReadsTheFirstFile: "If CODEOWNERS files exist in more than
// one [location], GitHub will search for them in that order and use the
// first one it finds" (.github/, the root, docs/). One that is a symbolic
// link owns nothing.
func TestCodeOwnerReadsTheFirstFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		files map[string]string
		link  [2]string // a symbolic link (name, target), if any
		owned bool
	}{
		{"root", map[string]string{"CODEOWNERS": "/capgate.lock @sec\n"}, [2]string{}, true},
		{"docs", map[string]string{"docs/CODEOWNERS": "/capgate.lock @sec\n"}, [2]string{}, true},
		{".github first", map[string]string{".github/CODEOWNERS": "* @a\n/capgate.lock\n", "CODEOWNERS": "/capgate.lock @sec\n"}, [2]string{}, false},
		{"root before docs", map[string]string{"CODEOWNERS": "/x @a\n", "docs/CODEOWNERS": "/capgate.lock @sec\n"}, [2]string{}, false},
		{"a symbolic link owns nothing", map[string]string{"owners.txt": "/capgate.lock @sec\n"}, [2]string{".github/CODEOWNERS", "../owners.txt"}, false},
		{"none", map[string]string{"README": "x"}, [2]string{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			git(t, dir, "init", "-q", "-b", "main")
			for p, s := range tc.files {
				writeFile(t, filepath.Join(dir, p), s)
			}
			if tc.link[0] != "" {
				writeFile(t, filepath.Join(dir, ".github/.keep"), "")
				if err := os.Symlink(tc.link[1], filepath.Join(dir, tc.link[0])); err != nil {
					t.Fatal(err)
				}
			}
			git(t, dir, "add", "-A")
			git(t, dir, "commit", "-q", "-m", "x")
			if _, ok := codeOwner(context.Background(), dir, "HEAD", "capgate.lock"); ok != tc.owned {
				t.Errorf("owned = %v, want %v (%s)", ok, tc.owned, aboutCodeOwners)
			}
		})
	}
}
