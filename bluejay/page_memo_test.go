package bluejay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

func memoPage(agent string, page int, ids ...string) *api.CallLogsPage {
	p := &api.CallLogsPage{Page: page, PageSize: 100, TotalCount: len(ids)}
	for _, id := range ids {
		p.CallLogs = append(p.CallLogs, api.CallLog{ID: id, AgentID: agent, Evaluations: []byte(`[` + strings.Repeat(`{"x":1},`, 50) + `{}]`)})
	}
	return p
}

// counted returns a fetch that serves p and counts its calls.
func counted(p *api.CallLogsPage, n *atomic.Int32) func(context.Context) (*api.CallLogsPage, error) {
	return func(context.Context) (*api.CallLogsPage, error) { n.Add(1); return p, nil }
}

func noGet(t *testing.T) func(context.Context) (*api.CallLog, error) {
	return func(context.Context) (*api.CallLog, error) {
		t.Helper()
		t.Error("a call held in a stored page was requested again")
		return nil, errors.New("unexpected get")
	}
}

func TestMemoAnswersACallOfAStoredPageWithoutARequest(t *testing.T) {
	m := newMemo()
	ctx := context.Background()
	var n atomic.Int32
	key := pageKey{AgentID: "42", Last: "7days", Page: 1, PageSize: 100}
	if _, err := m.page(ctx, key, false, time.Minute, counted(memoPage("42", 1, "a", "b"), &n)); err != nil {
		t.Fatal(err)
	}
	c, err := m.call(ctx, "b", time.Minute, noGet(t))
	if err != nil || c == nil || c.ID != "b" {
		t.Fatalf("call b: %v %v", c, err)
	}
	if _, err := m.page(ctx, key, false, time.Minute, counted(memoPage("42", 1, "a", "b"), &n)); err != nil || n.Load() != 1 {
		t.Fatalf("the same page was requested %d times (err %v), want once", n.Load(), err)
	}
}

func TestMemoForgetsWhatIsOlderThanTheTTL(t *testing.T) {
	m := newMemo()
	clock := time.Unix(0, 0)
	m.now = func() time.Time { return clock }
	ctx := context.Background()
	var n atomic.Int32
	key := pageKey{AgentID: "42", Last: "all", Page: 1, PageSize: 100}
	p := memoPage("42", 1, "a")
	_, _ = m.page(ctx, key, false, 5*time.Minute, counted(p, &n))
	clock = clock.Add(5*time.Minute + time.Second)
	var gets atomic.Int32
	if _, err := m.call(ctx, "a", 5*time.Minute, func(context.Context) (*api.CallLog, error) { gets.Add(1); return &p.CallLogs[0], nil }); err != nil || gets.Load() != 1 {
		t.Fatalf("a call past the TTL was not read again: %d gets, %v", gets.Load(), err)
	}
	_, _ = m.page(ctx, key, false, 5*time.Minute, counted(p, &n))
	if n.Load() != 2 {
		t.Fatalf("a page past the TTL was served from memory (%d requests)", n.Load())
	}
}

func TestMemoIsBoundedByBytes(t *testing.T) {
	m := newMemo()
	one := memoPage("42", 1, "x0")
	m.maxBytes = 10 * callBytes(&one.CallLogs[0])
	ctx := context.Background()
	var n atomic.Int32
	for i := range 50 {
		key := pageKey{AgentID: "42", Last: "all", Page: i + 1, PageSize: 100}
		_, _ = m.page(ctx, key, false, time.Minute, counted(memoPage("42", i+1, fmt.Sprint("id", i)), &n))
		if m.bytes > m.maxBytes {
			t.Fatalf("after %d pages the memo holds %d bytes, over its bound %d", i+1, m.bytes, m.maxBytes)
		}
	}
	if len(m.calls) > 10 || m.entries.Len() > 10 {
		t.Fatalf("%d calls and %d entries held, want at most 10", len(m.calls), m.entries.Len())
	}
	// The newest page stays; the oldest is gone, and its call with it.
	if _, ok := m.storedCall("id49"); !ok {
		t.Fatal("the newest call was evicted")
	}
	if _, ok := m.storedCall("id0"); ok {
		t.Fatal("the oldest call is still held past the byte bound")
	}
}

func TestMemoDoesNotStoreANotFoundCall(t *testing.T) {
	m := newMemo()
	ctx := context.Background()
	var gets atomic.Int32
	missing := func(context.Context) (*api.CallLog, error) { gets.Add(1); return nil, nil }
	for range 2 {
		if c, err := m.call(ctx, "nope", time.Minute, missing); c != nil || err != nil {
			t.Fatalf("got %v %v", c, err)
		}
	}
	if gets.Load() != 2 {
		t.Fatalf("a call that did not exist was remembered (%d gets)", gets.Load())
	}
}
