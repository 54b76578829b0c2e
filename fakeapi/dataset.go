package fakeapi

import (
	"sort"
	"time"
)

// A dataset is one agent's calls, indexed oldest first so that index order is time order and
// a window or a page is found by arithmetic and binary search, never by materialising calls.
// Indices [0, prefix) are either generated from a formula (base) or hand-made (SetCalls);
// indices from prefix on are calls that arrived later (AddCalls), with stored timestamps.
// Every field is guarded by Server.mu.
type dataset struct {
	ordinal int
	spec    AgentSpec
	prof    agentProfile
	gen     callGen

	base    int   // formula-generated calls
	startUS int64 // when the formula's spread begins
	slotUS  float64

	handMade   bool
	custom     []Call
	customTS   []int64
	customByID map[string]int

	extraTS []int64

	labels   map[string]bool    // labels any call can have; others match nothing
	labelIdx map[string][]int32 // lazily built, ascending indices per label

	enc     [][]byte // cached encoded calls by index
	version uint32   // bumped when calls are replaced, so late cache fills are dropped
}

// spreadDays is how far back generated calls go: past the 90-day window, so "all" differs.
const spreadDays = 120

func newDataset(seed int64, codec idCodec, spec AgentSpec, ordinal int, anchor time.Time) *dataset {
	if len(spec.Labels) == 0 {
		spec.Labels = []string{"production"}
	}
	spec.Labels = append([]string(nil), spec.Labels...)
	d := &dataset{ordinal: ordinal, spec: spec, base: max(spec.Calls, 0)}
	d.prof = buildProfile(seed, spec, ordinal, anchor)
	d.gen = callGen{seed: seed, codec: codec, ordinal: ordinal, prof: &d.prof, agentID: spec.ID, labels: spec.Labels, incidents: spec.Incidents}
	span := int64(spreadDays * 24 * time.Hour / time.Microsecond)
	d.startUS = anchor.UnixMicro() - span
	if d.base > 0 {
		d.slotUS = float64(span) / float64(d.base)
	}
	d.resetLabels()
	return d
}

func (d *dataset) resetLabels() {
	d.labels = map[string]bool{}
	for _, l := range d.spec.Labels {
		d.labels[l] = true
	}
	for i := range d.custom {
		d.labels[d.custom[i].Label] = true
	}
	d.labelIdx = nil
}

func (d *dataset) prefix() int {
	if d.handMade {
		return len(d.custom)
	}
	return d.base
}

func (d *dataset) size() int { return d.prefix() + len(d.extraTS) }

// baseTS puts call i at a random point of the i-th of base equal slots: strictly increasing,
// yet irregular. Where slots are wide, some calls land on a whole second so that created_at
// is sometimes written without a fraction.
func (d *dataset) baseTS(i int) int64 {
	r := seedFor(d.gen.seed, d.prof.hash, i, streamTime)
	us := d.startUS + int64((float64(i)+r.float()*0.9)*d.slotUS)
	if d.slotUS >= 20e6 && r.chance(0.05) {
		us -= us % 1_000_000
	}
	return us
}

func (d *dataset) ts(i int) int64 {
	p := d.prefix()
	switch {
	case i >= p:
		return d.extraTS[i-p]
	case d.handMade:
		return d.customTS[i]
	}
	return d.baseTS(i)
}

func (d *dataset) labelAt(i int) string {
	if d.handMade && i < len(d.custom) {
		return d.custom[i].Label
	}
	return labelOf(d.gen.seed, d.prof.hash, i, d.spec.Labels)
}

// labelIndex scans the agent once per label; later requests for that label are free.
func (d *dataset) labelIndex(label string) []int32 {
	if idx, ok := d.labelIdx[label]; ok {
		return idx
	}
	var idx []int32
	for i, n := 0, d.size(); i < n; i++ {
		if d.labelAt(i) == label {
			idx = append(idx, int32(i))
		}
	}
	if d.labelIdx == nil {
		d.labelIdx = map[string][]int32{}
	}
	d.labelIdx[label] = idx
	return idx
}

// view is the filtered list of an agent's calls: indices lo..hi-1 of idx, or of the whole
// dataset when idx is nil.
type view struct {
	idx    []int32
	lo, hi int
}

func (v view) count() int { return v.hi - v.lo }

// at returns the dataset index of the p-th call, newest first.
func (v view) at(p int) int {
	if v.idx == nil {
		return v.hi - 1 - p
	}
	return int(v.idx[v.hi-1-p])
}

// filter selects calls with the label (none when label is nil) created at or after cutoffUS.
func (d *dataset) filter(label *string, cutoffUS int64) view {
	if label == nil {
		n := d.size()
		lo := sort.Search(n, func(i int) bool { return d.ts(i) >= cutoffUS })
		return view{lo: lo, hi: n}
	}
	if !d.labels[*label] {
		return view{idx: []int32{}}
	}
	idx := d.labelIndex(*label)
	lo := sort.Search(len(idx), func(k int) bool { return d.ts(int(idx[k])) >= cutoffUS })
	return view{idx: idx, lo: lo, hi: len(idx)}
}

// job is what it takes to build call i outside the lock: hand-made calls are copied, generated
// ones only need their timestamp.
type job struct {
	d       *dataset
	index   int
	version uint32
	tsUS    int64
	custom  *Call
	enc     []byte
}

func (d *dataset) job(i int) job {
	j := job{d: d, index: i, version: d.version}
	if i < len(d.enc) {
		j.enc = d.enc[i]
	}
	if d.handMade && i < len(d.custom) {
		j.custom = &d.custom[i]
		return j
	}
	j.tsUS = d.ts(i)
	return j
}

// build is safe without the lock: generation reads only immutable state, and hand-made calls
// are never modified in place (SetCalls swaps in a new slice).
func (j *job) build() Call {
	if j.custom != nil {
		return *j.custom
	}
	return j.d.gen.call(j.index, j.tsUS)
}

// appendCalls adds n calls arriving at nowUS, kept strictly after the newest call so that
// index order stays time order even with a frozen clock.
func (d *dataset) appendCalls(n int, nowUS int64) {
	next := nowUS
	if size := d.size(); size > 0 {
		next = max(next, d.ts(size-1)+1000)
	}
	for k := range n {
		d.extraTS = append(d.extraTS, next+int64(k)*1000)
	}
	d.labelIdx = nil
}

// replace swaps in hand-made calls, ordered as the API orders them: created_at, then id.
func (d *dataset) replace(calls []Call) {
	custom := append([]Call(nil), calls...)
	ts := make([]int64, len(custom))
	for i := range custom {
		ts[i] = parseCreated(custom[i].CreatedAt)
	}
	order := make([]int, len(custom))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ta, tb := ts[order[a]], ts[order[b]]
		if ta != tb {
			return ta < tb
		}
		return custom[order[a]].ID > custom[order[b]].ID
	})
	d.custom = make([]Call, len(custom))
	d.customTS = make([]int64, len(custom))
	d.customByID = make(map[string]int, len(custom))
	for k, i := range order {
		d.custom[k], d.customTS[k] = custom[i], ts[i]
		d.customByID[custom[i].ID] = k
	}
	d.handMade, d.extraTS = true, nil
	d.version++
	d.resetLabels()
}

// parseCreated accepts what a test might hand-write; anything unparseable counts as very old.
func parseCreated(s string) int64 {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMicro()
		}
	}
	return 0
}
