package plugin

import (
	"context"
	"math"
	"sync"
)

type queryStatus struct {
	// the list calls of an IN list (and the get calls of one) run concurrently on one queryStatus:
	// mu guards rowsStreamed and StreamingComplete
	mu                sync.Mutex
	rowsRequired      int64
	rowsStreamed      int64
	hydrateCalls      int64
	cachedRowsFetched int64
	// flag which is true when we have streamed enough rows (or the context is cancelled)
	StreamingComplete bool
	// rows counted by takeRow and not yet on the row channel, and whether the end of the stream
	// waits for them: the row builder stops at the end, so a row sent after it would be lost
	rowsInFlight int64
	endWaiting   bool
}

func newQueryStatus(limit *int64) *queryStatus {
	var rowsRequired int64 = math.MaxInt32
	if limit != nil {
		rowsRequired = *limit
	}
	return &queryStatus{
		rowsRequired: rowsRequired,
	}
}

// RowsRemaining returns how many rows are required to complete the query
//   - if no limit has been parsed from the query, this will return math.MaxInt32
//     (meaning an unknown number of rows remain)
//   - if there is a limit, it will return the number of rows required to reach this limit
//   - if  the context has been cancelled, it will return zero
func (s *queryStatus) RowsRemaining(ctx context.Context) int64 {
	if IsCancelled(ctx) {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rowsRemaining := s.rowsRequired - s.rowsStreamed
	return rowsRemaining
}

// what streamLeafListItem does with an item, decided by takeRow
const (
	rowStream    = iota // stream it
	rowEndStream        // the limit is met (or the query cancelled): end the stream, once
	rowStop             // the stream has ended already
)

// takeRow decides what to do with the next item and counts it when it is streamed and count is
// set, in one step: two list calls checking the rows remaining and then counting could both
// stream the last row a limit allows, and unlocked increments get lost.
func (s *queryStatus) takeRow(ctx context.Context, count bool) int {
	cancelled := IsCancelled(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.StreamingComplete:
		return rowStop
	case cancelled || s.rowsRequired-s.rowsStreamed <= 0:
		s.StreamingComplete = true
		if s.rowsInFlight > 0 {
			// the list call sending the last of them ends the stream (rowSent)
			s.endWaiting = true
			return rowStop
		}
		return rowEndStream
	}
	if count {
		s.rowsStreamed++
		s.rowsInFlight++
	}
	return rowStream
}

// rowSent records that a row takeRow counted is on the row channel, and says whether the
// stream is to end now: the limit was met while it was in flight and it was the last.
func (s *queryStatus) rowSent() (endStream bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rowsInFlight--
	if s.endWaiting && s.rowsInFlight == 0 {
		s.endWaiting = false
		return true
	}
	return false
}

// streamingComplete reports whether the stream has ended (takeRow returned rowEndStream)
func (s *queryStatus) streamingComplete() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.StreamingComplete
}

// streamed returns how many rows have been streamed
func (s *queryStatus) streamed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rowsStreamed
}

// setStreamed sets how many rows have been streamed
func (s *queryStatus) setStreamed(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rowsStreamed = n
}
