package fakeapi

import (
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults makes a share of requests fail the ways a real deployment behind a proxy does.
type Faults struct {
	// Rate is the fraction (0..1) of eligible requests that fail, drawn from a random sequence
	// seeded by FaultSeed: the same requests in the same order meet the same faults.
	Rate      float64
	FaultSeed int64
	// Kinds are drawn from uniformly; default {"500"}. See the Fault* constants. Any other
	// 4xx or 5xx status ("504") is answered with that status and a JSON detail; anything
	// else unrecognised, as "500".
	Kinds []string
	// RetryAfter is the Retry-After value of "429-retry-after" (default "1").
	RetryAfter string
	// Hold is how long "timeout" holds a request before answering (default 1s).
	Hold time.Duration
	// OnlyPaths, if set, limits faults to paths with this prefix.
	OnlyPaths string
	// Func, if set, picks the fault of each eligible request ("" for none) instead of Rate.
	Func func(r Request) string
}

// Fault kinds.
const (
	Fault500           = "500"             // text/plain "Internal Server Error", as Starlette sends
	Fault502           = "502"             // an nginx-style HTML page
	Fault503           = "503"             // an nginx-style HTML page
	Fault429           = "429"             // JSON detail, no Retry-After
	Fault429RetryAfter = "429-retry-after" // JSON detail and Retry-After: Faults.RetryAfter
	FaultReset         = "reset"           // half the real body under a full Content-Length, then a TCP RST
	FaultTruncate      = "truncate"        // the real status with its JSON cut in half; Content-Length matches the cut
	FaultTimeout       = "timeout"         // held for Faults.Hold, then answered normally
)

const (
	defaultHold       = time.Second
	defaultRetryAfter = "1"
	defaultFaultKind  = Fault500
)

type faultState struct {
	mu  sync.Mutex
	f   Faults
	rng *rand.Rand
}

func (fs *faultState) set(f Faults) {
	f.Kinds = append([]string(nil), f.Kinds...)
	if len(f.Kinds) == 0 {
		f.Kinds = []string{defaultFaultKind}
	}
	if f.RetryAfter == "" {
		f.RetryAfter = defaultRetryAfter
	}
	if f.Hold <= 0 {
		f.Hold = defaultHold
	}
	fs.mu.Lock()
	fs.f = f
	fs.rng = rand.New(rand.NewPCG(uint64(f.FaultSeed), 0x6a09e667f3bcc909))
	fs.mu.Unlock()
}

func (fs *faultState) config() Faults {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f
}

// pick decides the fault of one request. Func runs without the lock so it may call back
// into the server.
func (fs *faultState) pick(req Request) (string, Faults) {
	f := fs.config()
	if f.OnlyPaths != "" && !strings.HasPrefix(req.Path, f.OnlyPaths) {
		return "", f
	}
	if f.Func != nil {
		return f.Func(req), f
	}
	if f.Rate <= 0 {
		return "", f
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.rng.Float64() >= f.Rate {
		return "", f
	}
	return f.Kinds[fs.rng.IntN(len(f.Kinds))], f
}

// statusFault answers a fault that replaces the response, or ok=false for kinds that alter
// the normal response instead.
func statusFault(kind string, f Faults) (response, bool) {
	switch kind {
	case "", FaultReset, FaultTruncate, FaultTimeout:
		return response{}, false
	case Fault500:
		return textResponse(500, "text/plain; charset=utf-8", "Internal Server Error"), true
	case Fault502:
		return textResponse(502, "text/html", nginxPage("502 Bad Gateway")), true
	case Fault503:
		return textResponse(503, "text/html", nginxPage("503 Service Temporarily Unavailable")), true
	case Fault429:
		return detailResponse(429, "Too Many Requests"), true
	case Fault429RetryAfter:
		r := detailResponse(429, "Too Many Requests")
		r.header.Set("Retry-After", f.RetryAfter)
		return r, true
	}
	if code, err := strconv.Atoi(kind); err == nil && code >= 400 && code <= 599 {
		return detailResponse(code, http.StatusText(code)), true
	}
	return textResponse(500, "text/plain; charset=utf-8", "Internal Server Error"), true
}

func nginxPage(title string) string {
	return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
}

func textResponse(status int, contentType, body string) response {
	h := http.Header{}
	h.Set("Content-Type", contentType)
	return response{status: status, header: h, body: []byte(body)}
}

// truncated keeps the status and cuts the body in half: a prefix of one JSON document is
// never valid JSON, and the honest Content-Length means only the parser can notice.
func truncated(r response) response {
	r.body = r.body[:len(r.body)/2]
	return r
}

// writeReset promises the whole body, sends half, then resets the connection, which is what a
// crashing backend or a dropped proxy connection looks like to a client mid-read.
func writeReset(w http.ResponseWriter, r response) {
	copyHeader(w.Header(), r.header)
	w.Header().Set("Content-Length", strconv.Itoa(len(r.body)))
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body[:len(r.body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
