package bluejay

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// memo is the one store of what a connection has read: call-log pages, and every call in them
// (or read alone by id) by its id. It is what lets PostgreSQL's plans over our tables cost no
// more requests than the scans in them:
//   - a join of the call tables for the same agents, labels and window sends each page request
//     once: scans asking for a page at the same moment wait for one request, and a scan that
//     starts later (PostgreSQL often runs the two sides of a join one after the other) finds
//     it stored;
//   - a nested loop that reads the inner table by the join key (bluejay_call_evaluation with
//     call_id = c.id, once per outer row) finds each call the outer scan just read, and sends
//     no request at all.
//
// It stands in for Steampipe's query cache, which is off for the call-log tables (see
// callLogCache): entries live as long as the query's cache TTL (Steampipe's cache_ttl, 300 s by
// default), and the whole memo goes with the connection's client when its config changes. It
// is bounded by bytes, memoMaxBytes, whatever the size of a scan: the least recently used
// entries go first.
type memo struct {
	mu      sync.Mutex
	entries *simplelru.LRU[memoKey, *memoEntry]
	bytes   int
	// maxBytes is memoMaxBytes; tests lower it.
	maxBytes int
	// calls finds a call by id in the newest entry that holds it.
	calls   map[string]memoCall
	flights map[flightKey]*flight
	now     func() time.Time
}

// memoKey names an entry: a page of a target, one call read by id, the agent list, or one
// answer of the testing API.
type memoKey struct {
	page    pageKey
	callID  string
	agents  bool
	testing testingKey
}

// testingKey is one request to the testing API: its endpoint and path parameter.
type testingKey struct {
	Endpoint, ID string
}

// pageKey is one page request: the same agent, filters, page and page size.
type pageKey struct {
	AgentID, Label, Last string
	Page, PageSize       int
}

type memoEntry struct {
	key     memoKey
	page    *api.CallLogsPage // for a page
	call    *api.CallLog      // for a call read by id
	agents  []api.Agent       // for the agent list
	value   any               // for a testing API answer
	bytes   int
	expires time.Time
}

type memoCall struct {
	call  *api.CallLog
	entry *memoEntry
}

const (
	// memoMaxBytes bounds what the memo holds, by the size of the calls' fields: about 20,000
	// calls of the fake API's sample data, 200 full pages.
	memoMaxBytes = 64 << 20
	// defaultMemoTTL is Steampipe's default cache_ttl, for a query that carries none.
	defaultMemoTTL = 300 * time.Second
	// maxMemoEntries only satisfies the LRU's count bound: the byte bound is the one that acts.
	maxMemoEntries = 1 << 20
)

func newMemo() *memo {
	m := &memo{maxBytes: memoMaxBytes, calls: map[string]memoCall{}, flights: map[flightKey]*flight{}, now: time.Now}
	// The LRU's own eviction callback keeps the byte count and the call index in step.
	m.entries, _ = simplelru.NewLRU[memoKey, *memoEntry](maxMemoEntries, func(_ memoKey, e *memoEntry) { m.forget(e) })
	return m
}

// memoTTL is how long what a query reads may serve later ones: its cache TTL.
func memoTTL(d *plugin.QueryData) time.Duration {
	if d.QueryContext != nil && d.QueryContext.CacheTTL > 0 {
		return time.Duration(d.QueryContext.CacheTTL) * time.Second
	}
	return defaultMemoTTL
}

type flightKey struct {
	memoKey
	fresh bool
}

// flight is one request that several scans may be waiting on. It is cancelled when the last of
// them stops waiting (a LIMIT reached, a query cancelled), and not before: one scan giving up
// must not fail the others.
type flight struct {
	done   chan struct{}
	page   *api.CallLogsPage
	call   *api.CallLog
	agents []api.Agent
	value  any
	// valueBytes is what value holds in memory, near enough.
	valueBytes int
	err        error
	waiters    int
	cancel     context.CancelFunc
}

// fetchFunc sends one request and fills in the flight's page or call.
type fetchFunc func(context.Context, *flight) error

// page returns the stored page for key, or fetches it once however many scans ask at once.
// fresh skips the stored pages, for a scan that must see the API as it is now.
func (m *memo) page(ctx context.Context, key pageKey, fresh bool, ttl time.Duration, fetch func(context.Context) (*api.CallLogsPage, error)) (*api.CallLogsPage, error) {
	mk := memoKey{page: key}
	if !fresh {
		if e, ok := m.lookup(mk); ok {
			return e.page, nil
		}
	}
	f, err := m.await(ctx, flightKey{mk, fresh}, ttl, func(ctx context.Context, f *flight) (err error) {
		f.page, err = fetch(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return f.page, nil
}

// call returns the call with this id from any stored page or get, or fetches it once. A call
// that does not exist is (nil, nil) from fetch, and is not stored.
func (m *memo) call(ctx context.Context, id string, ttl time.Duration, fetch func(context.Context) (*api.CallLog, error)) (*api.CallLog, error) {
	if c, ok := m.storedCall(id); ok {
		return c, nil
	}
	f, err := m.await(ctx, flightKey{memoKey: memoKey{callID: id}}, ttl, func(ctx context.Context, f *flight) (err error) {
		f.call, err = fetch(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return f.call, nil
}

// agentList returns the stored agent list, or fetches it once: a join that reads bluejay_agent
// by id once per row of the other side sends one request, not one a row.
func (m *memo) agentList(ctx context.Context, ttl time.Duration, fetch func(context.Context) ([]api.Agent, error)) ([]api.Agent, error) {
	mk := memoKey{agents: true}
	if e, ok := m.lookup(mk); ok {
		return e.agents, nil
	}
	f, err := m.await(ctx, flightKey{memoKey: mk}, ttl, func(ctx context.Context, f *flight) (err error) {
		f.agents, err = fetch(ctx)
		if err == nil && f.agents == nil {
			f.agents = []api.Agent{} // an account without agents is an answer worth keeping
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return f.agents, nil
}

// testing returns the stored answer of a testing API request, or fetches it once: the walk of
// every run and a join that reads a run's results again share one request. fetch returns the
// answer and its size in bytes, near enough.
func (m *memo) testing(ctx context.Context, key testingKey, ttl time.Duration, fetch func(context.Context) (any, int, error)) (any, error) {
	mk := memoKey{testing: key}
	if e, ok := m.lookup(mk); ok {
		return e.value, nil
	}
	f, err := m.await(ctx, flightKey{memoKey: mk}, ttl, func(ctx context.Context, f *flight) (err error) {
		f.value, f.valueBytes, err = fetch(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return f.value, nil
}

func (m *memo) lookup(k memoKey) (*memoEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries.Get(k)
	if !ok {
		return nil, false
	}
	if m.now().After(e.expires) {
		m.entries.Remove(k)
		return nil, false
	}
	return e, true
}

func (m *memo) storedCall(id string) (*api.CallLog, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.calls[id]
	if !ok {
		return nil, false
	}
	if m.now().After(c.entry.expires) {
		m.entries.Remove(c.entry.key)
		return nil, false
	}
	m.entries.Get(c.entry.key) // a call used is its entry used: keep it from eviction
	return c.call, true
}

// store adds what a flight read, and indexes its calls.
func (m *memo) store(k memoKey, f *flight, ttl time.Duration) {
	e := &memoEntry{key: k, page: f.page, call: f.call, agents: f.agents, value: f.value, expires: m.now().Add(ttl), bytes: agentBytes*len(f.agents) + f.valueBytes}
	var calls []*api.CallLog
	if f.page != nil {
		for i := range f.page.CallLogs {
			calls = append(calls, &f.page.CallLogs[i])
		}
	} else if f.call != nil {
		calls = append(calls, f.call)
	}
	for _, c := range calls {
		e.bytes += callBytes(c)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries.Remove(k) // forgets an older entry of the same key: Add would replace it silently
	m.entries.Add(k, e)
	m.bytes += e.bytes
	for _, c := range calls {
		m.calls[c.ID] = memoCall{call: c, entry: e}
	}
	for m.bytes > m.maxBytes && m.entries.Len() > 1 {
		m.entries.RemoveOldest()
	}
}

// forget is the LRU's eviction callback, called with m.mu held.
func (m *memo) forget(e *memoEntry) {
	m.bytes -= e.bytes
	drop := func(c *api.CallLog) {
		if held, ok := m.calls[c.ID]; ok && held.entry == e {
			delete(m.calls, c.ID)
		}
	}
	if e.page != nil {
		for i := range e.page.CallLogs {
			drop(&e.page.CallLogs[i])
		}
	} else if e.call != nil {
		drop(e.call)
	}
}

// agentBytes is what an agent holds in memory, near enough: a few short fields.
const agentBytes = 1024

// callBytes is what a call holds in memory, near enough to bound the memo by.
func callBytes(c *api.CallLog) int {
	const fixed = 512 // the struct, its pointers and the index entry
	n := fixed + len(c.ID) + len(c.AgentID) + len(c.StartTimeUTC) + len(c.Status)
	for _, s := range []*string{c.ExternalAgentID, c.RecordingURL, c.CallDirection, c.Interface, c.CreatedAt, c.TranscriptURL, c.ConversationEndedBy} {
		if s != nil {
			n += len(*s)
		}
	}
	for _, raw := range [][]byte{c.Participants, c.ToolCalls, c.Events, c.Tags, c.Evaluations, c.Annotations, c.Metadata, c.CustomMetrics} {
		n += len(raw)
	}
	return n
}

// await joins the flight for fk, starting it if none is under way, and waits for it.
func (m *memo) await(ctx context.Context, fk flightKey, ttl time.Duration, fetch fetchFunc) (*flight, error) {
	f := m.join(ctx, fk, ttl, fetch)
	select {
	case <-f.done:
		return f, f.err
	case <-ctx.Done():
		m.leave(fk, f)
		return nil, ctx.Err()
	}
}

func (m *memo) join(ctx context.Context, fk flightKey, ttl time.Duration, fetch fetchFunc) *flight {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f, ok := m.flights[fk]; ok {
		f.waiters++
		return f
	}
	// The request runs on its own context so that it outlives the scan that started it while
	// other scans still wait on it; leave cancels it when nobody does.
	flightCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{done: make(chan struct{}), waiters: 1, cancel: cancel}
	m.flights[fk] = f
	go m.run(flightCtx, fk, f, ttl, fetch)
	return f
}

func (m *memo) run(ctx context.Context, fk flightKey, f *flight, ttl time.Duration, fetch fetchFunc) {
	f.err = fetch(ctx, f)
	f.cancel()
	m.mu.Lock()
	if m.flights[fk] == f {
		delete(m.flights, fk)
	}
	m.mu.Unlock()
	if f.err == nil && (f.page != nil || f.call != nil || f.agents != nil || f.value != nil) {
		m.store(fk.memoKey, f, ttl)
	}
	close(f.done)
}

func (m *memo) leave(fk flightKey, f *flight) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f.waiters--
	if f.waiters > 0 {
		return
	}
	f.cancel()
	// A scan that asks for this key from now on starts a new request rather than joining one
	// that is being cancelled.
	if m.flights[fk] == f {
		delete(m.flights, fk)
	}
}
