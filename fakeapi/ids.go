package fakeapi

// Call ids are an invertible, keyed scramble of (agent ordinal, call index). The fake never has
// to store or index 100,000 generated ids to answer /v1/retrieve-call-log/{id}: it decodes the id,
// and a check word derived from the seed rejects ids it did not issue.

const mask62 = 1<<62 - 1

const (
	idMul1 = 0x9e3779b97f4a7c15 & mask62
	idMul2 = 0xbf58476d1ce4e5b9 & mask62
)

type idCodec struct{ k1, k2, k3 uint64 }

func newIDCodec(seed int64) idCodec {
	r := rng{s: mix64(uint64(seed) ^ 0x1d8e4e27c47d124f)}
	return idCodec{k1: r.next() & mask62, k2: r.next() & mask62, k3: r.next()}
}

func mulInverse(a uint64) uint64 {
	inv := a
	for range 6 {
		inv *= 2 - a*inv
	}
	return inv & mask62
}

var idInv1, idInv2 = mulInverse(idMul1), mulInverse(idMul2)

func (c idCodec) encode(ordinal, index int) string {
	x := (uint64(ordinal)<<32 | uint64(uint32(index))) ^ c.k1
	x = x * idMul1 & mask62
	x ^= x >> 31
	x = x * idMul2 & mask62
	x ^= x >> 31
	x ^= c.k2
	return formatUUID(mix64(x^c.k3), x)
}

// decode returns the ordinal and index an id was made from, or ok=false for any other string.
func (c idCodec) decode(id string) (ordinal, index int, ok bool) {
	hi, lo, ok := parseUUID(id)
	if !ok || lo>>62 != 0x2 {
		return 0, 0, false
	}
	x := lo & mask62
	if want := mix64(x ^ c.k3); hi != want&^(0xf<<12)|0x4<<12 {
		return 0, 0, false
	}
	x ^= c.k2
	x ^= x >> 31
	x = x * idInv2 & mask62
	x ^= x >> 31
	x = x * idInv1 & mask62
	x ^= c.k1
	return int(x >> 32), int(uint32(x)), true
}

func parseUUID(s string) (hi, lo uint64, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return 0, 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		v, good := hexValue(s[i])
		if !good {
			return 0, 0, false
		}
		if n < 16 {
			hi = hi<<4 | v
		} else {
			lo = lo<<4 | v
		}
		n++
	}
	return hi, lo, true
}

// hexValue accepts lower case only: the fake issues lower case, and a Bluejay id is an exact
// string key, so an upper-cased id is a different, unknown id.
func hexValue(c byte) (uint64, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0'), true
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10, true
	}
	return 0, false
}
