module github.com/razukc/capgate-action

go 1.26.8

require (
	github.com/bmatcuk/doublestar/v4 v4.8.1
	github.com/google/go-github/v62 v62.0.0
	github.com/pelletier/go-toml/v2 v2.4.3
	github.com/rogpeppe/go-internal v1.14.1
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.2
	github.com/sergi/go-diff v1.4.5
	github.com/sethvargo/go-githubactions v1.4.0
	golang.org/x/text v0.21.0
)

require (
	github.com/google/go-querystring v1.1.0 // indirect
	golang.org/x/sys v0.26.0 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
