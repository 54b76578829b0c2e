package fakeapi

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is a usable default server.
type Options struct {
	APIKey  string           // the key the server accepts; default DefaultAPIKey
	Seed    int64            // data seed; same seed and agents => byte-identical data
	Now     func() time.Time // injectable clock; default DefaultNow
	Agents  []AgentSpec      // nil means DefaultAgents()
	Latency time.Duration    // added to every request
	Faults  Faults
	// CacheBytes bounds the memory kept for encoded calls: 0 means DefaultCacheBytes,
	// negative turns the cache off.
	CacheBytes int64
	// LogLimit, if positive, keeps only the most recent LogLimit requests in the log, for
	// long-running servers; 0 keeps them all.
	LogLimit int
}

// DefaultAPIKey is the key a server accepts unless Options.APIKey says otherwise.
const DefaultAPIKey = "fake-bluejay-key"

// DefaultNow is the fixed instant the default clock returns, so tests are reproducible.
func DefaultNow() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }

// Request is one request as the server saw it. It never holds the API key: only whether one
// was sent and whether it was right.
type Request struct {
	Method string
	Path   string // URL-decoded
	// AgentID and CallID are the decoded path parameters of the endpoint that has them.
	AgentID, CallID string
	// SimulationID, RunID and ResultID are the path parameters of the testing endpoints: a
	// simulation's (get-simulation, get-simulation-runs), a run's (retrieve-simulation-results)
	// and a test result's (retrieve-simulation-result).
	SimulationID, RunID, ResultID string
	Query                         url.Values
	// Page, PageSize and Last are the effective values (defaults applied) when valid;
	// Page and PageSize are 0 and Last is the raw text when not.
	Page, PageSize int
	Last, Label    string
	KeyPresent     bool
	KeyValid       bool
	Status         int    // 0 while in flight, or when the client went away first
	Fault          string // the fault injected, or ""
	At             time.Time
	// InFlight is how many requests the server was handling when this one arrived, this one
	// included: a request counts from its arrival until the server starts writing its answer
	// (or the client goes away), which is within the time the client has it open, so a client
	// that keeps at most N requests open never shows more than N here.
	InFlight int
	open     bool
}

// Server is a fake Bluejay API.
type Server struct {
	// URL is the base URL, like "http://127.0.0.1:41234", once NewServer has it listening.
	URL string

	key    string
	seed   int64
	now    func() time.Time
	anchor time.Time
	codec  idCodec

	mu     sync.Mutex
	agents []*dataset
	byID   map[string]*dataset
	// deleted are the agents DeleteAgent removed: their call-log list answers 404.
	deleted  map[string]bool
	agentsJS []byte
	cache    encCache
	reqs     []*Request
	inFlight int
	latency  time.Duration
	logLimit int
	faults   faultState
	raw      func(r *http.Request) (int, http.Header, []byte, bool)

	httpSrv *http.Server
	served  chan struct{}
}

// New returns a server that is not listening; serve its Handler.
func New(opts Options) *Server {
	s := &Server{key: opts.APIKey, seed: opts.Seed, now: opts.Now, latency: opts.Latency, logLimit: opts.LogLimit}
	if s.key == "" {
		s.key = DefaultAPIKey
	}
	if s.now == nil {
		s.now = DefaultNow
	}
	s.anchor = s.now()
	s.codec = newIDCodec(s.seed)
	s.cache.budget = opts.CacheBytes
	if s.cache.budget == 0 {
		s.cache.budget = DefaultCacheBytes
	}
	specs := opts.Agents
	if specs == nil {
		specs = DefaultAgents()
	}
	s.byID = map[string]*dataset{}
	s.deleted = map[string]bool{}
	for _, spec := range specs {
		if _, dup := s.byID[spec.ID]; !dup {
			s.addAgentLocked(spec)
		}
	}
	s.faults.set(opts.Faults)
	return s
}

// NewServer starts a server on a loopback port, like httptest.NewServer.
func NewServer(opts Options) *Server {
	s := New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("fakeapi: cannot listen on a loopback port: " + err.Error())
	}
	s.URL = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.served = make(chan struct{})
	go func() {
		defer close(s.served)
		_ = s.httpSrv.Serve(ln)
	}()
	return s
}

// Close stops a server started by NewServer, cutting open connections (held requests end).
func (s *Server) Close() {
	if s.httpSrv == nil {
		return
	}
	_ = s.httpSrv.Close()
	<-s.served
}

// Shutdown stops a server started by NewServer after in-flight requests finish.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.httpSrv == nil {
		return nil
	}
	err := s.httpSrv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		_ = s.httpSrv.Close()
	}
	<-s.served
	return err
}

func (s *Server) addAgentLocked(spec AgentSpec) *dataset {
	d := newDataset(s.seed, s.codec, spec, len(s.agents), s.anchor)
	s.agents = append(s.agents, d)
	s.byID[spec.ID] = d
	s.agentsJS = nil
	return d
}

func (s *Server) agentLocked(agentID string) *dataset {
	if d := s.byID[agentID]; d != nil {
		return d
	}
	return s.addAgentLocked(AgentSpec{ID: agentID})
}

// Requests returns a copy of the request log, in the order requests arrived.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	reqs := s.reqs
	if s.logLimit > 0 && len(reqs) > s.logLimit {
		reqs = reqs[len(reqs)-s.logLimit:]
	}
	out := make([]Request, len(reqs))
	for i, r := range reqs {
		c := *r
		c.Query = cloneValues(r.Query)
		out[i] = c
	}
	return out
}

// PeakInFlight is the most requests the server was handling at once, among the requests in the
// log (see Request.InFlight).
func (s *Server) PeakInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	peak := 0
	for _, r := range s.reqs {
		peak = max(peak, r.InFlight)
	}
	return peak
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

// SetFaults replaces the fault configuration and restarts its random sequence.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// SetLatency changes the delay added to every request.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// SetRawResponse installs a hook that may answer a request itself, for malformed bodies and
// odd statuses. It runs where the API would: after latency and any fault that replaces the
// answer, and "truncate" and "reset" faults apply to what it returns. ok=false falls through
// to the normal answer; nil removes the hook.
func (s *Server) SetRawResponse(fn func(r *http.Request) (status int, header http.Header, body []byte, ok bool)) {
	s.mu.Lock()
	s.raw = fn
	s.mu.Unlock()
}

// AddCalls makes n new calls arrive now for the agent (created if unknown). They are the
// newest, so they shift every page of a read in progress.
func (s *Server) AddCalls(agentID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.agentLocked(agentID).appendCalls(n, s.now().UnixMicro())
}

// SetCalls replaces the agent's calls (the agent is created if unknown) with hand-made ones.
// The label filter matches Call.Label; the window filter parses Call.CreatedAt.
func (s *Server) SetCalls(agentID string, calls []Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.agentLocked(agentID)
	s.cache.drop(d)
	d.replace(calls)
}

// DeleteAgent makes the agent one the account no longer has, as the real API answers a deleted
// (or never existing) agent that it knows of: gone from /v1/all-agents, and its call-log list a
// 404 {"detail":"Agent not found"}. Its calls stay findable by id, as the API's are.
func (s *Server) DeleteAgent(agentID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted[agentID] = true
	s.agentsJS = nil
}

// listedLocked are the agents /v1/all-agents lists: all but the deleted ones.
func (s *Server) listedLocked() []*dataset {
	out := make([]*dataset, 0, len(s.agents))
	for _, d := range s.agents {
		if !s.deleted[d.spec.ID] {
			out = append(out, d)
		}
	}
	return out
}

// AgentsData returns the agents exactly as /v1/all-agents serves them.
func (s *Server) AgentsData() []Agent {
	s.mu.Lock()
	defer s.mu.Unlock()
	listed := s.listedLocked()
	out := make([]Agent, len(listed))
	for i, d := range listed {
		out[i] = d.prof.agent
	}
	return out
}

// Expected returns what a complete paged read of the agent returns, newest first, with
// label "" meaning no label filter and last "" meaning the API default, 1day.
func (s *Server) Expected(agentID, label, last string) []Call {
	window, ok := windows[last]
	if last == "" {
		window, ok = windows[defaultLast], true
	}
	if !ok {
		return nil
	}
	var lp *string
	if label != "" {
		lp = &label
	}
	jobs := s.viewJobs(agentID, lp, window, 0, -1)
	out := make([]Call, len(jobs))
	for i := range jobs {
		out[i] = jobs[i].build()
	}
	return out
}

// Call returns the call with this id, as /v1/retrieve-call-log serves it.
func (s *Server) Call(id string) (Call, bool) {
	j, ok := s.findCall(id)
	if !ok {
		return Call{}, false
	}
	return j.build(), true
}

// viewJobs lists the calls of positions [from, from+n) of a filtered read (n<0: all).
func (s *Server) viewJobs(agentID string, label *string, window time.Duration, from, n int) []job {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.byID[agentID]
	if d == nil || strings.Contains(agentID, "/") { // such an id can never be requested
		return nil
	}
	v := d.filter(label, s.cutoffUS(window))
	return jobsOf(d, v, from, n)
}

func jobsOf(d *dataset, v view, from, n int) []job {
	end := v.count()
	if n >= 0 && from+n < end {
		end = from + n
	}
	if from >= end {
		return nil
	}
	jobs := make([]job, 0, end-from)
	for p := from; p < end; p++ {
		jobs = append(jobs, d.job(v.at(p)))
	}
	return jobs
}

// cutoffUS is the oldest created_at a window keeps; "all" keeps everything.
func (s *Server) cutoffUS(window time.Duration) int64 {
	if window <= 0 {
		return -1 << 62
	}
	return s.now().Add(-window).UnixMicro()
}

func (s *Server) findCall(id string) (job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ord, idx, ok := s.codec.decode(id); ok && ord < len(s.agents) {
		d := s.agents[ord]
		generated := idx >= d.prefix() || !d.handMade
		if generated && idx < d.size() {
			return d.job(idx), true
		}
	}
	for _, d := range s.agents {
		if k, ok := d.customByID[id]; ok {
			return d.job(k), true
		}
	}
	return job{}, false
}

// encode returns each job's JSON, building what the cache lacks outside the lock.
func (s *Server) encode(jobs []job) {
	missing := 0
	var scratch []byte
	for i := range jobs {
		if jobs[i].enc == nil {
			c := jobs[i].build()
			scratch = appendCall(scratch[:0], &c)
			jobs[i].enc = bytes.Clone(scratch) // exact size: cached bytes stay compact
			missing++
		}
	}
	if missing == 0 || s.cache.budget <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range jobs {
		s.cache.store(&jobs[i], jobs[i].enc)
	}
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Warm encodes every call of the agent into the cache ahead of time, so a benchmark measures
// the client rather than the fake's first pass over the data.
func (s *Server) Warm(agentID string) {
	const chunk = 1000
	for from := 0; ; from += chunk {
		jobs := s.viewJobs(agentID, nil, 0, from, chunk)
		if len(jobs) == 0 {
			return
		}
		s.encode(jobs)
	}
}

// FrozenNow is a clock stopped at the moment it is called. A fake whose clock reads today
// agrees with a plugin measuring ages on the real clock (the testing tables' age_days), as
// the call-log windows agree with the fake's own clock whatever it reads.
func FrozenNow() func() time.Time {
	now := time.Now().UTC()
	return func() time.Time { return now }
}

// Clock is what the server's clock reads now.
func (s *Server) Clock() time.Time { return s.now() }
