package action

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryTransport retries GitHub API requests that fail for passing reasons:
// transport errors and per-attempt timeouts, 5xx answers, 429, and 403
// primary or secondary rate limits. It honours Retry-After and
// x-ratelimit-reset, backs off exponentially otherwise, and gives up when
// the next wait would run past the request's context deadline (the run's
// one deadline) or past maxWait. Every wait ends early when the context is
// cancelled.
//
// A POST is retried only when the answer proves it was not processed (429,
// a rate-limit 403): after a timeout or a 5xx it may have been, and the
// caller decides (see createComment).
type retryTransport struct {
	base http.RoundTripper
	// attempt bounds one attempt, from sending the request to reading the
	// answer's headers.
	attempt time.Duration
	// maxWait caps one wait; a Retry-After or reset further away than this
	// is not waited for.
	maxWait time.Duration
	// secondary is the wait after a secondary rate limit that carries no
	// Retry-After (GitHub asks for at least a minute).
	secondary time.Duration
	now       func() time.Time
	// wait sleeps for d or until ctx is done.
	wait func(ctx context.Context, d time.Duration) error
	// after ends an attempt (see budget).
	after func(d time.Duration) <-chan time.Time
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// cancelBody cancels an attempt's context once its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// errAttemptTimeout is returned when every attempt ran out of its own time.
var errAttemptTimeout = errors.New("the GitHub API did not answer in time")

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := req.Context()
	backoff := 500 * time.Millisecond
	for {
		actx, cancel := budget(ctx, t.attempt, t.now, t.after)
		r := req.Clone(actx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		resp, err := t.base.RoundTrip(r)
		if err != nil && ctx.Err() == nil && actx.Err() != nil {
			err = errAttemptTimeout
		}
		wait, retry := t.retryAfter(req.Method, resp, err, backoff)
		if retry && ctx.Err() == nil && wait <= t.maxWait {
			if dl, ok := ctx.Deadline(); !ok || t.now().Add(wait).Before(dl) {
				if resp != nil {
					io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
					resp.Body.Close()
				}
				cancel()
				if werr := t.wait(ctx, wait); werr != nil {
					return nil, werr
				}
				backoff = min(backoff*2, 8*time.Second)
				continue
			}
		}
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			return nil, err
		}
		resp.Body = cancelBody{resp.Body, cancel}
		return resp, nil
	}
}

// retryAfter says whether an attempt is worth repeating and after how long.
func (t *retryTransport) retryAfter(method string, resp *http.Response, err error, backoff time.Duration) (time.Duration, bool) {
	post := method == http.MethodPost
	if err != nil {
		return backoff, !post
	}
	rateLimited := false
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		rateLimited = true
	case resp.StatusCode == http.StatusForbidden:
		if resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-Ratelimit-Remaining") == "0" {
			rateLimited = true
		} else if isSecondaryLimit(resp) {
			// No header says how long: GitHub asks for at least a minute.
			return t.secondary, true
		} else {
			return 0, false
		}
	case resp.StatusCode >= 500:
		if post {
			return 0, false
		}
	default:
		return 0, false
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if when, err := http.ParseTime(s); err == nil {
			return max(when.Sub(t.now()), 0), true
		}
	}
	if resp.Header.Get("X-Ratelimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(n, 0).Sub(t.now())+time.Second, time.Second), true
		}
	}
	if rateLimited && resp.StatusCode == http.StatusForbidden {
		return t.secondary, true
	}
	return backoff, true
}

// isSecondaryLimit reads (and restores) the body of a 403 to see whether it
// is a secondary rate limit, which GitHub may send without Retry-After.
func isSecondaryLimit(resp *http.Response) bool {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<14))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	s := strings.ToLower(string(b))
	return strings.Contains(s, "secondary rate limit") || strings.Contains(s, "abuse detection")
}
