package query_cache

import "sync"

type CacheStats struct {
	// keep count of hits and misses
	Hits   int
	Misses int
	// lock guards the counts: every query counts its own hit or miss, concurrently
	lock sync.Mutex
}

func (s *CacheStats) hit() {
	s.lock.Lock()
	s.Hits++
	s.lock.Unlock()
}

func (s *CacheStats) miss() {
	s.lock.Lock()
	s.Misses++
	s.lock.Unlock()
}
