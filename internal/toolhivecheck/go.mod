module github.com/razukc/capgate-action/internal/toolhivecheck

go 1.27

require (
	github.com/razukc/capgate-action v0.0.0
	github.com/stacklok/toolhive-core v0.0.59
)

require golang.org/x/text v0.43.0 // indirect

replace github.com/razukc/capgate-action => ../..
