package fakeapi

import (
	"strconv"
	"time"
)

// A generated call is a pure function of (seed, agent, index, created_at): nothing is stored, any
// call can be rebuilt at any time, and two servers with the same seed serve the same bytes.
// Proportions below are chosen so every nullable field is null in some calls of a 300-call agent.

// Purposes of the independent random streams of one call.
const (
	streamContent uint64 = iota + 1
	streamLabel
	streamTime
	streamIncident
)

type callGen struct {
	seed      int64
	codec     idCodec
	ordinal   int
	prof      *agentProfile
	agentID   string
	labels    []string
	incidents Incidents
}

// labelOf draws from the labels with weights n, n-1, ..., 1 so each label has its own count.
func labelOf(seed int64, agentHash uint64, index int, labels []string) string {
	r := seedFor(seed, agentHash, index, streamLabel)
	n := len(labels)
	u := r.intn(n * (n + 1) / 2)
	for i := range labels {
		u -= n - i
		if u < 0 {
			return labels[i]
		}
	}
	return labels[n-1]
}

// formatCreated writes a zoned RFC 3339 time with only the fraction digits it needs
// ("...03.5Z"), so clients meet fractions of every length and none.
func formatCreated(us int64) string {
	return time.UnixMicro(us).UTC().Format(time.RFC3339Nano)
}

// formatNaive is Python's datetime.isoformat() of a naive UTC time: no zone, and six fraction
// digits unless the microseconds are zero.
func formatNaive(us int64) string {
	t := time.UnixMicro(us).UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format("2006-01-02T15:04:05.000000")
}

func (g *callGen) call(index int, createdUS int64) Call {
	r := seedFor(g.seed, g.prof.hash, index, streamContent)
	r.a = newSlab()
	label := labelOf(g.seed, g.prof.hash, index, g.labels)
	id := g.codec.encode(g.ordinal, index)
	c := Call{
		ID:        id,
		AgentID:   g.agentID,
		Status:    pickStatus(&r),
		CreatedAt: formatCreated(createdUS),
		Label:     label,
	}
	durMS := r.between(15_000, 900_000)
	if r.chance(0.06) || c.Status == "QUEUED" || c.Status == "INITIALIZING" {
		c.DurationMS = nil
	} else {
		c.DurationMS = r.pi(durMS)
	}
	lagUS := r.between(1_000_000, 90_000_000)
	c.StartTimeUTC = formatNaive(createdUS - durMS*1000 - lagUS)
	g.fillChannel(&r, &c, index)
	c.Participants = g.participants(&r, index)
	c.Tags = callTags(&r, label)
	c.ToolCalls = toolCalls(&r, durMS)
	c.Events = events(&r, durMS)
	c.Evaluations = evaluations(&r, c.Status, createdUS)
	c.Annotations = annotations(&r, createdUS)
	c.Metadata = callMetadata(&r, index)
	c.CustomMetrics = legacyMetrics(&r)
	c.ConversationEndedBy = endedBy(&r)
	g.addIncidents(&c, index)
	return c
}

var toolErrors = []string{
	`{"error":"upstream timeout after 10s","status":"failed"}`,
	`{"error":"order service returned 503","retryable":true}`,
}

// addIncidents applies the agent's incidents from their own stream, after everything else is
// drawn, so an agent without incidents gets the very calls it always had.
func (g *callGen) addIncidents(c *Call, index int) {
	in := g.incidents
	if in == (Incidents{}) {
		return
	}
	r := seedFor(g.seed, g.prof.hash, index, streamIncident)
	for i := range c.ToolCalls {
		if r.chance(in.ToolErrors) {
			c.ToolCalls[i].Output = RawJSON(r.pick(toolErrors))
		}
	}
	if !r.chance(in.EarlyHangups) {
		return
	}
	c.ConversationEndedBy = ptr("AGENT")
	for i := range c.Evaluations {
		c.Evaluations[i].NumTurns = ptr(int64(1))
		c.Evaluations[i].AgentSpeakPercentage = ptr(100.0)
	}
}

func pickStatus(r *rng) string {
	u := r.float()
	switch {
	case u < 0.88:
		return "COMPLETED"
	case u < 0.94:
		return "INCOMPLETED"
	case u < 0.97:
		return "EVALUATING"
	case u < 0.99:
		return "QUEUED"
	}
	return "INITIALIZING"
}

func (g *callGen) fillChannel(r *rng, c *Call, index int) {
	c.CallDirection = "INBOUND"
	if g.prof.outbound != r.chance(0.08) {
		c.CallDirection = "OUTBOUND"
	}
	c.Interface = "PHONE"
	if g.prof.text || r.chance(0.05) {
		c.Interface = "WEB"
	}
	if g.prof.externalID != nil && r.chance(0.75) {
		c.ExternalAgentID = g.prof.externalID
	}
	base := "https://storage.example.com/a" + strconv.Itoa(g.ordinal+1) + "/" + c.ID
	if r.chance(0.85) && (!g.prof.text || r.chance(0.1)) {
		c.RecordingURL = r.ps(base + r.pick([]string{".wav", ".mp4", ".m4a"}))
	}
	if r.chance(0.8) {
		c.TranscriptURL = r.ps(base + r.pick([]string{".json", ".txt"}))
	}
}

func callerName(index int) string {
	s := strconv.Itoa(index % 10000)
	for len(s) < 4 {
		s = "0" + s
	}
	return "Caller " + s
}

func (g *callGen) participants(r *rng, index int) []Participant {
	agentFirst := !g.prof.outbound // the side that placed the call speaks first
	agent := Participant{Role: "AGENT", SpokeFirst: r.pb(agentFirst), PhoneNumber: g.prof.phone}
	user := Participant{Role: "USER", SpokeFirst: r.pb(!agentFirst)}
	if r.chance(0.05) {
		agent.SpokeFirst, user.SpokeFirst = nil, nil
	}
	if r.chance(0.85) {
		agent.Name = r.ps("Fake Agent " + strconv.Itoa(g.ordinal+1))
	}
	if r.chance(0.75) {
		user.Name = r.ps(callerName(index))
	}
	if !g.prof.text && r.chance(0.85) {
		user.PhoneNumber = r.ps(fakePhone(r))
	}
	return []Participant{agent, user}
}

var extraTags = []string{"billing", "refund", "vip", "after-hours", "escalated"}

func callTags(r *rng, label string) []string {
	tags := []string{label}
	for _, t := range extraTags {
		if r.chance(0.15) {
			tags = append(tags, t)
		}
	}
	return tags
}

func endedBy(r *rng) *string {
	u := r.float()
	switch {
	case u < 0.5:
		return r.ps("USER")
	case u < 0.85:
		return r.ps("AGENT")
	}
	return nil
}

var toolNames = []string{"lookup_order", "schedule_appointment", "transfer_call", "check_balance", "send_sms"}

func toolCalls(r *rng, durMS int64) []ToolCall {
	if r.chance(0.15) {
		return nil
	}
	n := r.intn(4)
	out := make([]ToolCall, 0, n)
	for range n {
		t := ToolCall{Name: r.pick(toolNames), StartOffsetMS: r.between(0, durMS)}
		if r.chance(0.7) {
			t.Description = r.ps("Called " + t.Name + " with the caller's details")
		}
		if r.chance(0.9) {
			t.Parameters = RawJSON(`{"order_id":"ORD-` + strconv.FormatInt(r.between(10000, 99999), 10) + `","verbose":` + strconv.FormatBool(r.chance(0.5)) + `}`)
		}
		t.Output = toolOutput(r)
		out = append(out, t)
	}
	return out
}

// toolOutput is "any JSON" in the contract, so it takes every JSON shape.
func toolOutput(r *rng) RawJSON {
	switch r.intn(6) {
	case 0:
		return nil
	case 1:
		return RawJSON(`"ok"`)
	case 2:
		return RawJSON(strconv.FormatInt(r.between(0, 500), 10))
	case 3:
		return RawJSON(`["slot-1","slot-2"]`)
	case 4:
		return RawJSON(`true`)
	}
	return RawJSON(`{"status":"found","balance":` + string(appendFloat(nil, r.decimal(0, 900, 2))) + `,"items":[{"sku":"SKU-1","qty":1}]}`)
}

var eventTitles = []string{"greeting", "intent_detected", "hold", "transfer", "silence", "goodbye"}

func events(r *rng, durMS int64) []Event {
	if r.chance(0.15) {
		return nil
	}
	n := r.intn(5)
	out := make([]Event, 0, n)
	for range n {
		e := Event{Title: r.pick(eventTitles), StartOffsetMS: r.between(0, durMS)}
		if r.chance(0.6) {
			e.Description = r.ps("Detected " + e.Title)
		}
		if r.chance(0.75) {
			e.EndOffsetMS = r.pi(e.StartOffsetMS + r.between(100, 20_000))
		}
		if r.chance(0.6) {
			e.Tags = []string{"auto"}
		}
		if r.chance(0.5) {
			e.Metadata = RawJSON(`{"confidence":` + string(appendFloat(nil, r.decimal(0.5, 1, 2))) + `}`)
		}
		out = append(out, e)
	}
	return out
}

func annotations(r *rng, createdUS int64) RawJSON {
	u := r.float()
	switch {
	case u < 0.7:
		return nil
	case u < 0.9:
		return RawJSON(`[]`)
	}
	at := formatCreated(createdUS + r.between(3600, 86400)*1_000_000)
	return RawJSON(`[{"author":"qa-reviewer-3","note":"Agent skipped the identity check","created_at":"` + at + `"}]`)
}

var regions = []string{"us-east", "us-west", "eu-central"}

func callMetadata(r *rng, index int) RawJSON {
	if r.chance(0.4) {
		return nil
	}
	b := append([]byte(`{"campaign":"spring-promo","region":`), appendStr(nil, r.pick(regions))...)
	b = append(b, `,"attempt":`...)
	b = strconv.AppendInt(b, r.between(1, 3), 10)
	b = append(b, `,"sequence":`...)
	b = strconv.AppendInt(b, int64(index), 10)
	return RawJSON(append(b, '}'))
}

// legacyMetrics is the deprecated call-level custom_metrics: mostly null or empty, as on the
// real API since the metrics moved into evaluations.
func legacyMetrics(r *rng) RawJSON {
	u := r.float()
	switch {
	case u < 0.6:
		return nil
	case u < 0.95:
		return RawJSON(`[]`)
	}
	return RawJSON(`[{"name":"legacy_csat","value":"4"}]`)
}
