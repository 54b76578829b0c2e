package fakeapi

// encCache bounds the memory spent on encoded calls. Eviction is first in, first out: the
// workload is paging through agents in order, where recency says nothing about reuse, and FIFO
// needs no bookkeeping on a hit. Guarded by Server.mu.
type encCache struct {
	budget int64
	used   int64
	queue  []cacheRef
	head   int
}

type cacheRef struct {
	d       *dataset
	index   int32
	version uint32
}

// DefaultCacheBytes holds every encoded call of a 100,000-call agent with room to spare.
const DefaultCacheBytes = 512 << 20

func (c *encCache) store(j *job, b []byte) {
	d := j.d
	if c.budget <= 0 || d.version != j.version || int64(len(b)) > c.budget {
		return
	}
	if len(d.enc) <= j.index {
		grown := make([][]byte, max(d.size(), j.index+1))
		copy(grown, d.enc)
		d.enc = grown
	}
	if d.enc[j.index] != nil {
		return
	}
	d.enc[j.index] = b
	c.used += int64(len(b))
	c.queue = append(c.queue, cacheRef{d: d, index: int32(j.index), version: d.version})
	for c.used > c.budget && c.head < len(c.queue) {
		c.evict(c.queue[c.head])
		c.queue[c.head] = cacheRef{}
		c.head++
	}
	if c.head > len(c.queue)/2 {
		c.queue = append(c.queue[:0], c.queue[c.head:]...)
		c.head = 0
	}
}

func (c *encCache) evict(ref cacheRef) {
	d := ref.d
	if d.version != ref.version || int(ref.index) >= len(d.enc) {
		return
	}
	c.used -= int64(len(d.enc[ref.index]))
	d.enc[ref.index] = nil
}

// drop forgets a dataset's entries when its calls are replaced; their queue entries go stale
// and are skipped by version.
func (c *encCache) drop(d *dataset) {
	for _, b := range d.enc {
		c.used -= int64(len(b))
	}
	d.enc = nil
}
