package action

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestBudget: a budget ends when its time runs out on the injected clock
// (never on the wall clock), with context.DeadlineExceeded as its error
// and that of anything derived from it, or with its parent; its deadline
// is the earlier of its own and its parent's.
func TestBudget(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	b, cancel := budget(context.Background(), time.Minute, clk.Now, clk.After)
	defer cancel()
	child, cancelChild := context.WithCancel(b)
	defer cancelChild()
	if dl, ok := b.Deadline(); !ok || !dl.Equal(clk.Now().Add(time.Minute)) {
		t.Errorf("Deadline() = %v, %v", dl, ok)
	}
	clk.Advance(59 * time.Second)
	if b.Err() != nil {
		t.Fatalf("ended before its time: %v", b.Err())
	}
	clk.Advance(time.Second)
	<-b.Done()
	<-child.Done()
	if !errors.Is(b.Err(), context.DeadlineExceeded) || !errors.Is(context.Cause(child), context.DeadlineExceeded) {
		t.Errorf("Err() = %v, the child's cause %v; want context.DeadlineExceeded", b.Err(), context.Cause(child))
	}

	parent, stop := context.WithCancel(context.Background())
	p, cancelP := budget(parent, time.Hour, clk.Now, clk.After)
	defer cancelP()
	stop()
	<-p.Done()
	if !errors.Is(p.Err(), context.Canceled) {
		t.Errorf("with its parent cancelled: %v", p.Err())
	}

	short, cancelShort := context.WithDeadline(context.Background(), clk.Now().Add(time.Second))
	defer cancelShort()
	s, cancelS := budget(short, time.Hour, clk.Now, clk.After)
	defer cancelS()
	if dl, _ := s.Deadline(); !dl.Equal(clk.Now().Add(time.Second)) {
		t.Errorf("Deadline() = %v, want the parent's", dl)
	}
	cancelS()
	if !errors.Is(s.Err(), context.Canceled) {
		t.Errorf("after cancel: %v", s.Err())
	}
}
