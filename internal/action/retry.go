package action

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"
)

// retryTransport retries GitHub API requests that fail for passing reasons:
// 5xx answers, 429, and 403 secondary or primary rate limits. It honours
// Retry-After and x-ratelimit-reset, backs off exponentially otherwise, and
// gives up once the next wait would pass its budget.
type retryTransport struct {
	base   http.RoundTripper
	budget time.Duration
	now    func() time.Time
	sleep  func(time.Duration)
	// maxWait caps one wait; a reset further away than this is not waited
	// for.
	maxWait time.Duration
}

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
	start := t.now()
	backoff := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		r := req.Clone(req.Context())
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		resp, err := t.base.RoundTrip(r)
		wait, retry := t.retryAfter(resp, err, backoff)
		if !retry || t.now().Add(wait).Sub(start) > t.budget || wait > t.maxWait {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		default:
		}
		t.sleep(wait)
		backoff *= 2
	}
}

func (t *retryTransport) retryAfter(resp *http.Response, err error, backoff time.Duration) (time.Duration, bool) {
	if err != nil {
		return backoff, true
	}
	switch {
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusTooManyRequests:
	case resp.StatusCode == http.StatusForbidden &&
		(resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-Ratelimit-Remaining") == "0"):
	default:
		return 0, false
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
	}
	if resp.Header.Get("X-Ratelimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(resp.Header.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(n, 0).Sub(t.now())+time.Second, time.Second), true
		}
	}
	return backoff, true
}
