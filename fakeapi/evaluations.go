package fakeapi

import "strconv"

var summaries = []string{
	"Caller asked for a refund on order ORD-10422; agent confirmed the 30-day policy and issued it.",
	"Caller rescheduled an appointment to next Tuesday at 10:00.",
	"Caller asked about a café reservation — agent could not help and transferred the call.",
	"Caller said \"cancel it\"\nthen hung up before the agent confirmed.",
	"Billing question about a duplicate charge; resolved with a credit.",
}

// Calls still queued or starting have no evaluation yet; the rest mostly have one.
func evaluations(r *rng, status string, createdUS int64) []Evaluation {
	if status == "QUEUED" || status == "INITIALIZING" {
		if r.chance(0.5) {
			return nil
		}
		return []Evaluation{}
	}
	u := r.float()
	switch {
	case u < 0.06:
		return nil
	case u < 0.12:
		return []Evaluation{}
	}
	n := 1
	if r.chance(0.2) {
		n = 2
	}
	out := make([]Evaluation, n)
	for i := range out {
		out[i] = evaluation(r, createdUS)
	}
	return out
}

func evaluation(r *rng, createdUS int64) Evaluation {
	e := Evaluation{
		ID:        r.uuid(),
		CreatedAt: formatCreated(createdUS + r.between(30, 1200)*1_000_000 + r.between(0, 999_999)),
	}
	judge(r, &e)
	measure(r, &e)
	e.CustomEvals, e.CustomEvalsSuccessRate = customEvals(r)
	sentiment(r, &e)
	e.CustomMetrics = customMetrics(r)
	return e
}

// judge fills the verdicts; hallucination is true in about one call in ten.
func judge(r *rng, e *Evaluation) {
	switch u := r.float(); {
	case u < 0.05:
	case u < 0.15:
		e.Hallucination = r.pb(true)
		e.HallucinationReasoning = r.ps("Agent quoted a refund window of 45 days; the knowledge base says 30.")
	default:
		e.Hallucination = r.pb(false)
		if r.chance(0.5) {
			e.HallucinationReasoning = r.ps("No unsupported claims found.")
		}
	}
	if !r.chance(0.05) {
		e.Redundancy = r.pb(r.chance(0.15))
		if r.chance(0.6) {
			e.RedundancyReasoning = r.ps("Agent repeated the confirmation number twice.")
		}
	}
	if !r.chance(0.08) {
		e.GoalSuccess = r.pb(r.chance(0.75))
	}
	if r.chance(0.85) {
		e.GoalReasoning = r.ps("The caller's request was handled end to end.")
	}
	if r.chance(0.9) {
		e.CallSummary = r.ps(r.pick(summaries))
	}
	if !r.chance(0.25) {
		e.PronunciationScore = r.pf(r.decimal(60, 100, 1))
	}
	if r.chance(0.6) {
		e.PronunciationReasoning = r.ps("Clear pronunciation; one product name mispronounced.")
	}
}

func measure(r *rng, e *Evaluation) {
	if !r.chance(0.03) {
		e.AgentSpeakPercentage = r.pf(r.decimal(20, 80, 2))
	}
	base := r.decimal(350, 2500, 1)
	if !r.chance(0.03) {
		e.AvgAgentLatency = r.pf(base)
	}
	if !r.chance(0.05) {
		e.NumTurns = r.pi(r.between(2, 60))
	}
	if !r.chance(0.1) {
		e.Latency = &Latency{
			Avg: maybeFloat(r, base), P50: maybeFloat(r, base*0.9), P90: maybeFloat(r, base*1.4),
			P95: maybeFloat(r, base*1.6), P99: maybeFloat(r, base*2.1), Max: maybeFloat(r, base*2.5),
		}
	}
	if !r.chance(0.2) {
		f := base * 0.8
		e.FillerIgnoredLatency = &FillerIgnoredLatency{
			Avg: maybeFloat(r, f), P50: maybeFloat(r, f*0.9), P90: maybeFloat(r, f*1.4),
			P95: maybeFloat(r, f*1.6), P99: maybeFloat(r, f*2.1),
		}
	}
}

// maybeFloat is null in 8% of cases, since each latency percentile is nullable on its own.
func maybeFloat(r *rng, v float64) *float64 {
	if r.chance(0.08) {
		return nil
	}
	return r.pf(round(v, 1))
}

// customEvals takes all three shapes the contract allows: array, object and null.
func customEvals(r *rng) (RawJSON, *float64) {
	var rate *float64
	if r.chance(0.7) {
		rate = r.pf(r.decimal(0, 1, 2))
	}
	switch u := r.float(); {
	case u < 0.35:
		return RawJSON(`[{"name":"greeting","passed":` + strconv.FormatBool(r.chance(0.9)) + `},{"name":"verified_identity","passed":` + strconv.FormatBool(r.chance(0.7)) + `}]`), rate
	case u < 0.65:
		return RawJSON(`{"politeness":{"passed":true,"score":` + string(appendFloat(nil, r.decimal(0.5, 1, 2))) + `}}`), rate
	}
	return nil, rate
}

func sentiment(r *rng, e *Evaluation) {
	if r.chance(0.15) {
		return
	}
	e.SentimentLabel = r.ps(r.pick([]string{"positive", "neutral", "negative"}))
	e.SentimentScore = r.pf(r.decimal(-1, 1, 3))
	if r.chance(0.1) {
		return
	}
	pos := r.decimal(0, 1, 2)
	neu := round((1-pos)*r.float(), 2)
	neg := round(1-pos-neu, 2)
	b := append([]byte(`{"positive":`), appendFloat(nil, pos)...)
	b = append(append(b, `,"neutral":`...), appendFloat(nil, neu)...)
	b = append(append(b, `,"negative":`...), appendFloat(nil, neg)...)
	e.SentimentScores = RawJSON(append(b, '}'))
}

func customMetrics(r *rng) []CustomMetric {
	if r.chance(0.1) {
		return nil
	}
	n := r.intn(4)
	out := make([]CustomMetric, 0, n)
	for i := range n {
		out = append(out, customMetric(r, i))
	}
	return out
}

var categories = []string{"quality", "compliance", "experience"}

func customMetric(r *rng, i int) CustomMetric {
	var m CustomMetric
	switch (i + r.intn(4)) % 4 {
	case 0:
		m = CustomMetric{Name: "Verified identity", Description: "Did the agent verify the caller's identity?",
			ResponseType: "boolean", ResponseValue: strconv.FormatBool(r.chance(0.8))}
	case 1:
		m = CustomMetric{Name: "Politeness score", Description: "How polite was the agent, 1 to 5?",
			ResponseType: "number", ResponseValue: string(appendFloat(nil, r.decimal(1, 5, 1))),
			MinValue: r.pf(1.0), MaxValue: r.pf(5.0)}
	case 2:
		m = CustomMetric{Name: "Tone", Description: "Overall tone of the agent",
			ResponseType: "enum", ResponseValue: r.pick([]string{"polite", "neutral", "rude"}),
			EnumOptions: []string{"polite", "neutral", "rude"}}
	default:
		m = CustomMetric{Name: "Follow-up notes", Description: "What should a human follow up on?",
			ResponseType: "text", ResponseValue: "free text: caller wants a callback tomorrow morning"}
	}
	if r.chance(0.7) {
		m.Reasoning = r.ps("Judged from the transcript.")
	}
	if r.chance(0.7) {
		m.Category = r.ps(r.pick(categories))
	}
	if r.chance(0.6) {
		m.Tags = []string{"qa"}
	}
	if r.chance(0.5) {
		m.ScoringGuidance = r.ps("Score strictly; when unsure, choose the lower value.")
	}
	return m
}
