package api

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-retryablehttp"
)

// DefaultBaseURL is Bluejay's production API.
const DefaultBaseURL = "https://api.getbluejay.ai"

// maxBodyBytes bounds what one response may hold: a full page of 100 calls with long transcripts
// is a few MB; anything past this is a broken or hostile server, not a page.
const maxBodyBytes = 256 << 20

// Config holds what a Client needs. Zero durations and counts take the defaults below.
type Config struct {
	BaseURL string
	APIKey  string
	// Timeout bounds one attempt (connect, headers and body).
	Timeout time.Duration
	// MaxRetries is how many times a 429, 5xx or network failure is retried (0 = default;
	// use NoRetries for none).
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxRetryTime bounds one call with all its retries and waits.
	MaxRetryTime time.Duration
	UserAgent    string
	// KeyHint ends the message of an AuthError: where the caller's user sets the key.
	KeyHint string
	Logger  hclog.Logger
	// Transport replaces the HTTP transport (tests); TLS verification is never turned off here.
	Transport http.RoundTripper
}

// NoRetries as Config.MaxRetries turns retries off.
const NoRetries = -1

const (
	defaultTimeout      = 30 * time.Second
	defaultMaxRetries   = 5
	defaultRetryWaitMin = 250 * time.Millisecond
	defaultRetryWaitMax = 10 * time.Second
	defaultMaxRetryTime = 2 * time.Minute
)

// Client calls the Bluejay API. It is safe for concurrent use; one per connection shares its
// connection pool across every query of that connection.
type Client struct {
	base         *url.URL
	apiKey       string
	userAgent    string
	keyHint      string
	maxRetryTime time.Duration
	timeout      time.Duration
	http         *retryablehttp.Client
}

// New checks cfg and builds a client. It does not call the API.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)
	c := &Client{base: base, apiKey: cfg.APIKey, userAgent: cfg.UserAgent, keyHint: cfg.KeyHint, maxRetryTime: cfg.MaxRetryTime, timeout: cfg.Timeout}
	c.http = &retryablehttp.Client{
		HTTPClient:   c.newHTTPClient(cfg),
		Logger:       loggerOrNil(cfg.Logger),
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   checkRetry,
		Backoff:      backoff,
		ErrorHandler: keepLastResponse,
	}
	return c, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	switch {
	case cfg.MaxRetries == NoRetries:
		cfg.MaxRetries = 0
	case cfg.MaxRetries <= 0:
		cfg.MaxRetries = defaultMaxRetries
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = defaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = defaultRetryWaitMax
	}
	if cfg.MaxRetryTime <= 0 {
		cfg.MaxRetryTime = defaultMaxRetryTime
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "steampipe-plugin-bluejay"
	}
	return cfg
}

// loggerOrNil keeps a nil hclog.Logger from becoming a non-nil interface holding nil.
func loggerOrNil(l hclog.Logger) any {
	if l == nil {
		return nil
	}
	return l
}

func (c *Client) newHTTPClient(cfg Config) *http.Client {
	transport := cfg.Transport
	if transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Pages are fetched concurrently; keep enough idle connections that each worker reuses
		// its own instead of opening (and TLS-handshaking) a new one per page.
		t.MaxIdleConnsPerHost = 64
		transport = t
	}
	return &http.Client{Transport: transport, Timeout: cfg.Timeout, CheckRedirect: c.keepKeyOnBaseHost}
}

// keepKeyOnBaseHost follows redirects but sends the API key only to the configured host: Go
// drops Authorization on a cross-host redirect, but not a custom header such as X-API-Key.
func (c *Client) keepKeyOnBaseHost(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Host != c.base.Host || req.URL.Scheme != c.base.Scheme {
		req.Header.Del("X-API-Key")
	}
	return nil
}

// ParseBaseURL checks a base URL: an absolute https URL, or http to a loopback host (a local
// fake API or proxy). A path prefix is kept, so a base behind a gateway path works.
func ParseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("base_url %q must be an absolute URL such as %s", raw, DefaultBaseURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("base_url %q uses plain http to a host that is not loopback; use https (plain http is allowed only for localhost, 127.0.0.1 or ::1)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("base_url %q must not carry a query, fragment or user info; give scheme, host and an optional path only", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CallLogsQuery selects one page of an agent's call logs.
type CallLogsQuery struct {
	AgentID  string
	Label    string // "" = no label filter
	Last     string // "" = the API's default window
	Page     int
	PageSize int
}

func (q CallLogsQuery) values() url.Values {
	v := url.Values{}
	if q.Label != "" {
		v.Set("label", q.Label)
	}
	if q.Last != "" {
		v.Set("last", q.Last)
	}
	if q.Page > 0 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PageSize > 0 {
		v.Set("page_size", strconv.Itoa(q.PageSize))
	}
	return v
}

// wirePage mirrors RetrieveCallLogsResponse with pointers on the required fields, so that a
// missing one is told apart from a zero.
type wirePage struct {
	CallLogs   []CallLog `json:"call_logs"`
	TotalCount *int      `json:"total_count"`
	Page       *int      `json:"page"`
	PageSize   *int      `json:"page_size"`
	TotalPages *int      `json:"total_pages"`
}

// ListCallLogs reads one page of an agent's call logs.
func (c *Client) ListCallLogs(ctx context.Context, q CallLogsQuery) (*CallLogsPage, error) {
	endpoint := fmt.Sprintf("GET /v1/retrieve-call-logs/%s page %d", q.AgentID, max(q.Page, 1))
	var w wirePage
	if err := c.get(ctx, endpoint, []string{"v1", "retrieve-call-logs", q.AgentID}, q.values(), &w); err != nil {
		return nil, err
	}
	return w.page(endpoint)
}

func (w *wirePage) page(endpoint string) (*CallLogsPage, error) {
	for name, v := range map[string]*int{"total_count": w.TotalCount, "page": w.Page, "page_size": w.PageSize, "total_pages": w.TotalPages} {
		if v == nil {
			return nil, &DecodeError{Endpoint: endpoint, Err: fmt.Errorf("required field %q is missing", name)}
		}
	}
	// call_logs may be left out of an empty page, but not out of one whose total_count says it
	// holds calls: reading that as "no calls" would end a scan early without a word.
	if w.CallLogs == nil && *w.TotalCount > max(*w.Page-1, 0)*max(*w.PageSize, 0) {
		return nil, &DecodeError{Endpoint: endpoint, Err: fmt.Errorf("call_logs is missing or null, but total_count %d says page %d holds calls", *w.TotalCount, *w.Page)}
	}
	for i := range w.CallLogs {
		if err := w.CallLogs[i].validate(); err != nil {
			return nil, &DecodeError{Endpoint: endpoint, Err: fmt.Errorf("call_logs[%d]: %w", i, err)}
		}
	}
	return &CallLogsPage{CallLogs: w.CallLogs, TotalCount: *w.TotalCount, Page: *w.Page, PageSize: *w.PageSize, TotalPages: *w.TotalPages}, nil
}

// validate checks the fields a row cannot do without: the id keys every table and deduplication.
// Other required fields that are missing become NULL columns rather than a failed query.
func (c *CallLog) validate() error {
	if c.ID == "" {
		return errors.New(`required field "id" is missing or empty`)
	}
	if c.AgentID == "" {
		return fmt.Errorf(`call %s: required field "agent_id" is missing or empty`, c.ID)
	}
	return nil
}

// GetCallLog reads one call log by id. A call that does not exist is a *NotFoundError.
func (c *Client) GetCallLog(ctx context.Context, callID string) (*CallLog, error) {
	endpoint := "GET /v1/retrieve-call-log/" + callID
	var r CallLogResponse
	if err := c.get(ctx, endpoint, []string{"v1", "retrieve-call-log", callID}, nil, &r); err != nil {
		return nil, err
	}
	if r.CallLog == nil {
		return nil, &DecodeError{Endpoint: endpoint, Err: errors.New(`required field "call_log" is missing`)}
	}
	if err := r.CallLog.validate(); err != nil {
		return nil, &DecodeError{Endpoint: endpoint, Err: err}
	}
	return r.CallLog, nil
}

// ListAgents reads every agent of the organisation the key belongs to.
func (c *Client) ListAgents(ctx context.Context) ([]Agent, error) {
	var agents []Agent
	if err := c.get(ctx, "GET /v1/all-agents", []string{"v1", "all-agents"}, nil, &agents); err != nil {
		return nil, err
	}
	return agents, nil
}

// get sends one GET (with retries) and decodes a 2xx JSON body into out. Path segments are
// escaped one by one, so an id holding '/', '?', '#' or '..' stays one segment.
func (c *Client) get(ctx context.Context, endpoint string, segments []string, query url.Values, out any) error {
	return c.do(ctx, endpoint, c.urlFor(segments, query), out)
}

func (c *Client) urlFor(segments []string, query url.Values) string {
	escaped := make([]string, len(segments))
	for i, s := range segments {
		escaped[i] = escapeSegment(s)
	}
	u := *c.base
	u.RawPath = c.base.EscapedPath() + "/" + strings.Join(escaped, "/")
	u.Path, _ = url.PathUnescape(u.RawPath)
	u.RawQuery = query.Encode()
	return u.String()
}

// escapeSegment escapes one path segment. url.PathEscape leaves "." and ".." as they are, and
// a server or proxy resolves those against the path (/v1/retrieve-call-logs/.. is /v1/), so they
// are escaped as well.
func escapeSegment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return url.PathEscape(s)
}

// do runs one GET with its retries, bounded in count by RetryMax and in time by maxRetryTime,
// and decodes a 2xx JSON body into out; any other outcome is a typed error.
func (c *Client) do(ctx context.Context, endpoint, rawURL string, out any) error {
	callCtx, cancel := context.WithTimeout(ctx, c.maxRetryTime)
	defer cancel()
	req, err := retryablehttp.NewRequestWithContext(callCtx, http.MethodGet, rawURL, nil)
	if err != nil {
		return &RequestError{Endpoint: endpoint, Err: err}
	}
	req.Header.Set("X-API-Key", c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	var body []byte
	var decodeErr error
	// Reading and decoding the body inside the retry loop makes a connection reset mid-body, or
	// a body cut short on the way, a retried failure like any other network error.
	req.SetResponseHandler(func(resp *http.Response) error {
		var readErr error
		if body, readErr = readBody(resp); readErr != nil {
			return readErr
		}
		if !isSuccess(resp.StatusCode) {
			return nil
		}
		decodeErr = decodeJSON(body, out)
		var syntax *json.SyntaxError
		if errors.As(decodeErr, &syntax) {
			return &malformedBody{err: decodeErr}
		}
		return nil
	})
	resp, err := c.http.Do(req)
	if err != nil {
		return c.requestFailure(ctx, callCtx, endpoint, err)
	}
	if isSuccess(resp.StatusCode) {
		if decodeErr != nil {
			return &DecodeError{Endpoint: endpoint, Err: decodeErr}
		}
		return nil
	}
	if body == nil { // a retried status: the handler did not run for it
		body, _ = readBody(resp)
	}
	err = statusError(endpoint, resp, c.redact(body))
	var auth *AuthError
	if errors.As(err, &auth) {
		auth.Hint = c.keyHint
	}
	return err
}

// redact blanks the key out of an error body: a proxy or a debug error page may echo the
// request's headers, and the body's text ends up in the error the user sees.
func (c *Client) redact(body []byte) []byte {
	if c.apiKey == "" {
		return body
	}
	return bytes.ReplaceAll(body, []byte(c.apiKey), []byte("[redacted]"))
}

func isSuccess(status int) bool { return status >= 200 && status < 300 }

// malformedBody is a 2xx body that is not JSON at all: cut short by a proxy or a dropped
// connection, most likely, so it is retried. A body that is JSON but not the schema's is not.
type malformedBody struct{ err error }

func (e *malformedBody) Error() string {
	return "the response body is not valid JSON: " + e.err.Error()
}
func (e *malformedBody) Unwrap() error { return e.err }

func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := readAll(io.LimitReader(resp.Body, maxBodyBytes+1), resp.ContentLength)
	resp.Body = http.NoBody
	if err != nil {
		return nil, err
	}
	if len(b) > maxBodyBytes {
		return nil, fmt.Errorf("response body larger than %d MiB", maxBodyBytes>>20)
	}
	return b, nil
}

// readAll is io.ReadAll into a buffer sized from the Content-Length the server announced, when
// it announced one: a page of calls is ~300 KB, and io.ReadAll, growing from 512 bytes, copies
// and throws away as much again on the way. The one spare byte lets the read that sees EOF
// land without growing the buffer; a body longer than announced still reads in full.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size > maxBodyBytes {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// requestFailure tells a query the caller cancelled (returned as the context's error, so the SDK
// sees a cancellation) from retries that ran out of time (callCtx, bounded by max_retry_time) or
// of count, and says what the last attempt met.
func (c *Client) requestFailure(ctx, callCtx context.Context, endpoint string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	attempts, last := 1, err
	var exhausted *retriesExhausted
	if errors.As(err, &exhausted) {
		attempts, last = exhausted.attempts, exhausted.err
	}
	if callCtx.Err() != nil {
		return &RequestError{Endpoint: endpoint, Err: fmt.Errorf("gave up after %s: retries took longer than max_retry_time (%s)", plural(attempts, "attempt"), c.maxRetryTime)}
	}
	var malformed *malformedBody
	if errors.As(last, &malformed) {
		return &DecodeError{Endpoint: endpoint, Err: fmt.Errorf("%w (%s)", malformed, plural(attempts, "attempt"))}
	}
	var tooLong *retryAfterTooLong
	if errors.As(last, &tooLong) {
		return &StatusError{Endpoint: endpoint, StatusCode: tooLong.status, Attempts: attempts,
			Body: fmt.Sprintf("the API asked to retry after %s, more than max_retry_time (%s) allows", tooLong.wait, c.maxRetryTime)}
	}
	last = explain(last, c.timeout)
	if errors.Is(last, context.DeadlineExceeded) || errors.Is(last, context.Canceled) {
		// The SDK replaces the message of any error that wraps these with "exceeded allowed
		// timeout" or "operation cancelled"; only a real cancellation (above) should read so.
		last = errors.New(last.Error())
	}
	if attempts > 1 {
		return &RequestError{Endpoint: endpoint, Err: fmt.Errorf("gave up after %s: %w", plural(attempts, "attempt"), last)}
	}
	return &RequestError{Endpoint: endpoint, Err: last}
}

// explain adds what to do to the failures a user can fix: a certificate this machine does not
// trust, and attempts cut off by request_timeout.
func explain(err error, timeout time.Duration) error {
	var certInvalid x509.CertificateInvalidError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &verify), errors.As(err, &unknownAuthority), errors.As(err, &certInvalid), errors.As(err, &hostname):
		return fmt.Errorf("%w; the server's TLS certificate is not trusted by this machine: check base_url, or add the issuing CA to the system's trust store (verification is never turned off)", err)
	case isTimeout(err):
		return fmt.Errorf("%w; each attempt may take up to request_timeout (%s): raise it if the API is slow", err, timeout)
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

type retriesExhausted struct {
	err      error
	attempts int
}

func (e *retriesExhausted) Error() string { return e.err.Error() }

// keepLastResponse is the retry client's ErrorHandler. When the last attempt got a response (a
// 429 or 5xx), that response is returned so statusError can report it with its body; otherwise
// the error is wrapped with the number of attempts made.
func keepLastResponse(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if resp != nil && err == nil {
		resp.Header.Set(attemptsHeader, strconv.Itoa(attempts))
		return resp, nil
	}
	if resp != nil {
		resp.Body.Close()
	}
	if err == nil {
		err = errors.New("no response")
	}
	return nil, &retriesExhausted{err: err, attempts: attempts}
}

// attemptsHeader carries the attempt count from the ErrorHandler to statusError; it is set on
// our copy of the response only.
const attemptsHeader = "X-Bluejay-Plugin-Attempts"

func statusError(endpoint string, resp *http.Response, body []byte) error {
	detail := decodeDetail(body)
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return &AuthError{Endpoint: endpoint, StatusCode: resp.StatusCode, Message: detail.message}
	case http.StatusNotFound:
		return &NotFoundError{Endpoint: endpoint, Message: detail.message}
	case http.StatusUnprocessableEntity:
		if detail.missingKey() {
			return &AuthError{Endpoint: endpoint, StatusCode: resp.StatusCode, Message: "the X-API-Key header was missing or empty"}
		}
		return &UnprocessableError{Endpoint: endpoint, Detail: detail.list, Message: detail.message}
	}
	attempts, _ := strconv.Atoi(resp.Header.Get(attemptsHeader))
	return &StatusError{Endpoint: endpoint, StatusCode: resp.StatusCode, Attempts: attempts, Body: detail.summary(body)}
}

// errorDetail is FastAPI's `detail`, which is a list of ValidationError for a 422 and a plain
// string for raised HTTPExceptions.
type errorDetail struct {
	list    []ValidationError
	message string
}

func decodeDetail(body []byte) errorDetail {
	var raw struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &raw) != nil || len(raw.Detail) == 0 {
		return errorDetail{}
	}
	var d errorDetail
	if json.Unmarshal(raw.Detail, &d.list) != nil {
		_ = json.Unmarshal(raw.Detail, &d.message)
	}
	return d
}

func (d errorDetail) missingKey() bool {
	for _, v := range d.list {
		if len(v.Loc) == 2 && fmt.Sprint(v.Loc[0]) == "header" && strings.EqualFold(fmt.Sprint(v.Loc[1]), "x-api-key") {
			return true
		}
	}
	return false
}

// summary gives a short, printable reason for an unexpected status.
func (d errorDetail) summary(body []byte) string {
	if d.message != "" {
		return d.message
	}
	s := strings.TrimSpace(string(bytes.ToValidUTF8(body, nil)))
	if title, ok := htmlTitle(s); ok {
		return title // a proxy's error page: its title says it all
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func htmlTitle(s string) (string, bool) {
	_, rest, ok := strings.Cut(s, "<title>")
	if !ok {
		return "", false
	}
	title, _, ok := strings.Cut(rest, "</title>")
	title = strings.TrimSpace(title)
	return title, ok && title != "" && len(title) <= 200
}

// checkRetry retries what can succeed later: network failures, 429 and 5xx (except 501), as
// retryablehttp's default policy does, but gives up at once when a Retry-After asks for a wait
// longer than the time left for this call: sleeping into a certain timeout helps no one.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, policyErr := retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	if !retry || resp == nil {
		return retry, policyErr
	}
	if wait, ok := retryAfter(resp); ok {
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return false, &retryAfterTooLong{status: resp.StatusCode, wait: wait}
		}
	}
	return retry, policyErr
}

// retryAfterTooLong ends a call whose Retry-After asks for more time than the call has left.
type retryAfterTooLong struct {
	status int
	wait   time.Duration
}

func (e *retryAfterTooLong) Error() string {
	return fmt.Sprintf("HTTP %d asked to retry after %s", e.status, e.wait)
}

// backoff honours Retry-After on 429 and 503, and otherwise waits exponentially with full
// jitter, so that the pages that failed together do not all retry in the same instant.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if wait, ok := retryAfter(resp); ok {
			return wait
		}
	}
	ceiling := max(retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil), minWait)
	return minWait/2 + rand.N(ceiling-minWait/2+1)
}

// retryAfter reads Retry-After as seconds or an HTTP date.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}
