package action

import (
	"context"
	"time"
)

// budget returns ctx ended also once d has passed on the run's clock (now
// for the deadline it reports, after for when it ends), with
// context.DeadlineExceeded as its error and cause, as
// context.WithTimeout's would be. It bounds a share of the time limit (the
// label check's, the CODEOWNERS check's) and one API attempt, so that a
// test decides when each runs out instead of waiting on the wall clock.
func budget(ctx context.Context, d time.Duration, now func() time.Time, after func(time.Duration) <-chan time.Time) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancelCause(ctx)
	b := &budgetCtx{Context: c, deadline: now().Add(d)}
	fired := after(d)
	go func() {
		select {
		case <-fired:
			cancel(context.DeadlineExceeded)
		case <-c.Done():
		}
	}()
	return b, func() { cancel(context.Canceled) }
}

// budgetCtx is a budget: its deadline is the earlier of its own and its
// parent's, and its error is why it ended (context.DeadlineExceeded when
// its time ran out).
type budgetCtx struct {
	context.Context
	deadline time.Time
}

func (b *budgetCtx) Deadline() (time.Time, bool) {
	if dl, ok := b.Context.Deadline(); ok && dl.Before(b.deadline) {
		return dl, true
	}
	return b.deadline, true
}

func (b *budgetCtx) Err() error {
	if b.Context.Err() == nil {
		return nil
	}
	return context.Cause(b.Context)
}
