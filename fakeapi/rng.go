package fakeapi

import "hash/fnv"

// splitmix64 rather than math/rand: every call is generated from its own tiny state seeded by
// (seed, agent, index), so any call can be produced alone, in any order, on any goroutine.
type rng struct {
	s uint64
	a *slab // optional; see slab
}

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns an integer in [lo, hi].
func (r *rng) between(lo, hi int64) int64 { return lo + int64(r.next()%uint64(hi-lo+1)) }

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

// decimal returns a number in [lo, hi) rounded to places decimals, the way stored metrics look.
func (r *rng) decimal(lo, hi float64, places int) float64 {
	return round(lo+r.float()*(hi-lo), places)
}

func (r *rng) pick(options []string) string { return options[r.intn(len(options))] }

func round(f float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	n := f * p
	if n < 0 {
		return float64(int64(n-0.5)) / p
	}
	return float64(int64(n+0.5)) / p
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// seedFor derives independent streams for different purposes of the same call.
func seedFor(seed int64, agent uint64, index int, purpose uint64) rng {
	s := mix64(uint64(seed) ^ 0x5851f42d4c957f2d)
	s = mix64(s ^ agent)
	s = mix64(s ^ uint64(index)*0x2545f4914f6cdd1d)
	return rng{s: mix64(s ^ purpose)}
}

func (r *rng) uuid() string {
	hi, lo := r.next(), r.next()
	return formatUUID(hi, lo)
}

func formatUUID(hi, lo uint64) string {
	hi = hi&^(0xf<<12) | 0x4<<12
	lo = lo&^(0x3<<62) | 0x2<<62
	var buf [36]byte
	pos := 0
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			buf[pos] = '-'
			pos++
		}
		word, shift := hi, uint(60-4*i)
		if i >= 16 {
			word, shift = lo, uint(60-4*(i-16))
		}
		buf[pos] = hexDigits[(word>>shift)&0xf]
		pos++
	}
	return string(buf[:])
}

func (r *rng) hex(n int) string {
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = hexDigits[r.next()&0xf]
	}
	return string(buf)
}

// slab backs the many small nullable values of one call with a single allocation: a call has
// ~60 of them, and allocating each alone made generation allocation-bound.
type slab struct {
	fa [24]float64
	ia [8]int64
	ba [16]bool
	sa [24]string
	f  pool[float64]
	i  pool[int64]
	b  pool[bool]
	s  pool[string]
}

type pool[T any] struct{ buf []T }

func (p *pool[T]) get(v T) *T {
	if len(p.buf) == cap(p.buf) {
		return ptr(v) // a copy, so v itself does not escape on the common path
	}
	p.buf = append(p.buf, v)
	return &p.buf[len(p.buf)-1]
}

func newSlab() *slab {
	a := &slab{}
	a.f.buf, a.i.buf, a.b.buf, a.s.buf = a.fa[:0], a.ia[:0], a.ba[:0], a.sa[:0]
	return a
}

func (r *rng) pf(v float64) *float64 {
	if r.a == nil {
		return ptr(v)
	}
	return r.a.f.get(v)
}

func (r *rng) pi(v int64) *int64 {
	if r.a == nil {
		return ptr(v)
	}
	return r.a.i.get(v)
}

func (r *rng) pb(v bool) *bool {
	if r.a == nil {
		return ptr(v)
	}
	return r.a.b.get(v)
}

func (r *rng) ps(v string) *string {
	if r.a == nil {
		return ptr(v)
	}
	return r.a.s.get(v)
}
