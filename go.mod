module github.com/razukc/capgate-action

go 1.26.8

require golang.org/x/text v0.21.0
