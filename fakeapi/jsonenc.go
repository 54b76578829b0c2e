package fakeapi

// A hand-written encoder instead of encoding/json, for two reasons. Speed: a 100,000-call agent
// must serve pages far faster than reflection allows. Fidelity: the real server is FastAPI, whose
// json.dumps writes floats as Python does (4.0, not 4) and leaves non-ASCII text unescaped, and a
// client should be tested against those bytes, not against Go's habits.

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// plainByte marks the ASCII bytes a JSON string carries unescaped.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendStr escapes like Python's json.dumps(ensure_ascii=False).
func appendStr(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		b = appendEscape(b, c)
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendFloat writes a float as Python's repr does; NaN and infinities, which FastAPI refuses
// to serialise, become null.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	switch {
	case abs < 1e16 && f == math.Trunc(f):
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		return append(b, '.', '0')
	case abs >= 1e-4 && abs < 1e16:
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'e', -1, 64)
}

func appendStrPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendStr(b, *s)
}

func appendFloatPtr(b []byte, f *float64) []byte {
	if f == nil {
		return append(b, "null"...)
	}
	return appendFloat(b, *f)
}

func appendIntPtr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *n, 10)
}

func appendBoolPtr(b []byte, v *bool) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *v)
}

func appendRaw(b []byte, r RawJSON) []byte {
	if r == nil {
		return append(b, "null"...)
	}
	return append(b, r...)
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStr(b, s)
	}
	return append(b, ']')
}

// appendList writes a slice with one element encoder, null for nil.
func appendList[T any](b []byte, items []T, one func([]byte, *T) []byte) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = one(b, &items[i])
	}
	return append(b, ']')
}

// Keys follow the order of the pydantic models, which is the order FastAPI writes them in.

func appendCall(b []byte, c *Call) []byte {
	b = append(b, `{"id":`...)
	b = appendStr(b, c.ID)
	b = append(b, `,"agent_id":`...)
	b = appendStr(b, c.AgentID)
	b = append(b, `,"external_agent_id":`...)
	b = appendStrPtr(b, c.ExternalAgentID)
	b = append(b, `,"recording_url":`...)
	b = appendStrPtr(b, c.RecordingURL)
	b = append(b, `,"start_time_utc":`...)
	b = appendStr(b, c.StartTimeUTC)
	b = append(b, `,"participants":`...)
	b = appendList(b, c.Participants, appendParticipant)
	b = append(b, `,"call_direction":`...)
	b = appendStr(b, c.CallDirection)
	b = append(b, `,"interface":`...)
	b = appendStr(b, c.Interface)
	b = append(b, `,"status":`...)
	b = appendStr(b, c.Status)
	b = append(b, `,"created_at":`...)
	b = appendStr(b, c.CreatedAt)
	b = append(b, `,"transcript_url":`...)
	b = appendStrPtr(b, c.TranscriptURL)
	b = append(b, `,"tool_calls":`...)
	b = appendList(b, c.ToolCalls, appendToolCall)
	b = append(b, `,"events":`...)
	b = appendList(b, c.Events, appendEvent)
	b = append(b, `,"tags":`...)
	b = appendStrings(b, c.Tags)
	b = append(b, `,"duration_ms":`...)
	b = appendIntPtr(b, c.DurationMS)
	b = append(b, `,"evaluations":`...)
	b = appendList(b, c.Evaluations, appendEvaluation)
	b = append(b, `,"annotations":`...)
	b = appendRaw(b, c.Annotations)
	b = append(b, `,"metadata":`...)
	b = appendRaw(b, c.Metadata)
	b = append(b, `,"custom_metrics":`...)
	b = appendRaw(b, c.CustomMetrics)
	b = append(b, `,"conversation_ended_by":`...)
	b = appendStrPtr(b, c.ConversationEndedBy)
	return append(b, '}')
}

func appendParticipant(b []byte, p *Participant) []byte {
	b = append(b, `{"role":`...)
	b = appendStr(b, p.Role)
	b = append(b, `,"spoke_first":`...)
	b = appendBoolPtr(b, p.SpokeFirst)
	b = append(b, `,"name":`...)
	b = appendStrPtr(b, p.Name)
	b = append(b, `,"phone_number":`...)
	b = appendStrPtr(b, p.PhoneNumber)
	return append(b, '}')
}

func appendToolCall(b []byte, t *ToolCall) []byte {
	b = append(b, `{"name":`...)
	b = appendStr(b, t.Name)
	b = append(b, `,"start_offset_ms":`...)
	b = strconv.AppendInt(b, t.StartOffsetMS, 10)
	b = append(b, `,"description":`...)
	b = appendStrPtr(b, t.Description)
	b = append(b, `,"parameters":`...)
	b = appendRaw(b, t.Parameters)
	b = append(b, `,"output":`...)
	b = appendRaw(b, t.Output)
	return append(b, '}')
}

func appendEvent(b []byte, e *Event) []byte {
	b = append(b, `{"title":`...)
	b = appendStr(b, e.Title)
	b = append(b, `,"start_offset_ms":`...)
	b = strconv.AppendInt(b, e.StartOffsetMS, 10)
	b = append(b, `,"description":`...)
	b = appendStrPtr(b, e.Description)
	b = append(b, `,"end_offset_ms":`...)
	b = appendIntPtr(b, e.EndOffsetMS)
	b = append(b, `,"tags":`...)
	b = appendStrings(b, e.Tags)
	b = append(b, `,"metadata":`...)
	b = appendRaw(b, e.Metadata)
	return append(b, '}')
}

func appendEvaluation(b []byte, e *Evaluation) []byte {
	b = append(b, `{"id":`...)
	b = appendStr(b, e.ID)
	b = append(b, `,"created_at":`...)
	b = appendStr(b, e.CreatedAt)
	b = append(b, `,"hallucination":`...)
	b = appendBoolPtr(b, e.Hallucination)
	b = append(b, `,"hallucination_reasoning":`...)
	b = appendStrPtr(b, e.HallucinationReasoning)
	b = append(b, `,"redundancy":`...)
	b = appendBoolPtr(b, e.Redundancy)
	b = append(b, `,"redundancy_reasoning":`...)
	b = appendStrPtr(b, e.RedundancyReasoning)
	b = append(b, `,"agent_speak_percentage":`...)
	b = appendFloatPtr(b, e.AgentSpeakPercentage)
	b = append(b, `,"avg_agent_latency":`...)
	b = appendFloatPtr(b, e.AvgAgentLatency)
	b = append(b, `,"latency":`...)
	b = appendLatency(b, e.Latency)
	b = append(b, `,"filler_ignored_latency":`...)
	b = appendFillerLatency(b, e.FillerIgnoredLatency)
	b = append(b, `,"num_turns":`...)
	b = appendIntPtr(b, e.NumTurns)
	b = append(b, `,"call_summary":`...)
	b = appendStrPtr(b, e.CallSummary)
	b = append(b, `,"custom_evals":`...)
	b = appendRaw(b, e.CustomEvals)
	b = append(b, `,"custom_evals_success_rate":`...)
	b = appendFloatPtr(b, e.CustomEvalsSuccessRate)
	b = append(b, `,"goal_success":`...)
	b = appendBoolPtr(b, e.GoalSuccess)
	b = append(b, `,"goal_reasoning":`...)
	b = appendStrPtr(b, e.GoalReasoning)
	b = append(b, `,"pronunciation_score":`...)
	b = appendFloatPtr(b, e.PronunciationScore)
	b = append(b, `,"pronunciation_reasoning":`...)
	b = appendStrPtr(b, e.PronunciationReasoning)
	b = append(b, `,"sentiment_label":`...)
	b = appendStrPtr(b, e.SentimentLabel)
	b = append(b, `,"sentiment_score":`...)
	b = appendFloatPtr(b, e.SentimentScore)
	b = append(b, `,"sentiment_scores":`...)
	b = appendRaw(b, e.SentimentScores)
	b = append(b, `,"custom_metrics":`...)
	b = appendList(b, e.CustomMetrics, appendCustomMetric)
	return append(b, '}')
}

func appendLatency(b []byte, l *Latency) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"avg_agent_latency":`...)
	b = appendFloatPtr(b, l.Avg)
	b = append(b, `,"max_agent_latency":`...)
	b = appendFloatPtr(b, l.Max)
	b = append(b, `,"p50_agent_latency":`...)
	b = appendFloatPtr(b, l.P50)
	b = append(b, `,"p90_agent_latency":`...)
	b = appendFloatPtr(b, l.P90)
	b = append(b, `,"p95_agent_latency":`...)
	b = appendFloatPtr(b, l.P95)
	b = append(b, `,"p99_agent_latency":`...)
	b = appendFloatPtr(b, l.P99)
	return append(b, '}')
}

func appendFillerLatency(b []byte, l *FillerIgnoredLatency) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"avg_filler_ignored_latency":`...)
	b = appendFloatPtr(b, l.Avg)
	b = append(b, `,"p50_filler_ignored_latency":`...)
	b = appendFloatPtr(b, l.P50)
	b = append(b, `,"p90_filler_ignored_latency":`...)
	b = appendFloatPtr(b, l.P90)
	b = append(b, `,"p95_filler_ignored_latency":`...)
	b = appendFloatPtr(b, l.P95)
	b = append(b, `,"p99_filler_ignored_latency":`...)
	b = appendFloatPtr(b, l.P99)
	return append(b, '}')
}

func appendCustomMetric(b []byte, m *CustomMetric) []byte {
	b = append(b, `{"name":`...)
	b = appendStr(b, m.Name)
	b = append(b, `,"description":`...)
	b = appendStr(b, m.Description)
	b = append(b, `,"response_type":`...)
	b = appendStr(b, m.ResponseType)
	b = append(b, `,"response_value":`...)
	b = appendStr(b, m.ResponseValue)
	b = append(b, `,"reasoning":`...)
	b = appendStrPtr(b, m.Reasoning)
	b = append(b, `,"min_value":`...)
	b = appendFloatPtr(b, m.MinValue)
	b = append(b, `,"max_value":`...)
	b = appendFloatPtr(b, m.MaxValue)
	b = append(b, `,"category":`...)
	b = appendStrPtr(b, m.Category)
	b = append(b, `,"tags":`...)
	b = appendStrings(b, m.Tags)
	b = append(b, `,"scoring_guidance":`...)
	b = appendStrPtr(b, m.ScoringGuidance)
	b = append(b, `,"enum_options":`...)
	b = appendStrings(b, m.EnumOptions)
	return append(b, '}')
}

func appendAgentID(b []byte, id AgentID) []byte {
	if id.Int && isDecimal(id.Value) {
		return append(b, id.Value...)
	}
	return appendStr(b, id.Value)
}

func appendAgent(b []byte, a *Agent) []byte {
	b = append(b, `{"id":`...)
	b = appendAgentID(b, a.ID)
	b = append(b, `,"bluejay_as_code_id":`...)
	b = appendStrPtr(b, a.BluejayAsCodeID)
	b = append(b, `,"name":`...)
	b = appendStr(b, a.Name)
	b = append(b, `,"agent_description":`...)
	b = appendStr(b, a.AgentDescription)
	b = append(b, `,"knowledge_base":`...)
	b = appendStr(b, a.KnowledgeBase)
	b = append(b, `,"organization_id":`...)
	b = appendStr(b, a.OrganizationID)
	b = append(b, `,"goals":`...)
	b = appendStrings(b, a.Goals)
	b = append(b, `,"mode":`...)
	b = appendStr(b, a.Mode)
	b = append(b, `,"type":`...)
	b = appendStrPtr(b, a.Type)
	b = append(b, `,"connection_type":`...)
	b = appendStrPtr(b, a.ConnectionType)
	b = append(b, `,"phone_number":`...)
	b = appendStrPtr(b, a.PhoneNumber)
	b = append(b, `,"websocket_url":`...)
	b = appendStrPtr(b, a.WebsocketURL)
	b = append(b, `,"redact_pii":`...)
	b = appendBoolPtr(b, a.RedactPII)
	b = append(b, `,"folder_id":`...)
	b = appendStrPtr(b, a.FolderID)
	b = append(b, `,"created_at":`...)
	b = appendStrPtr(b, a.CreatedAt)
	b = append(b, `,"keyterms":`...)
	b = appendStrings(b, a.Keyterms)
	b = append(b, `,"voice_provider":`...)
	b = appendStrPtr(b, a.VoiceProvider)
	b = append(b, `,"provider_id":`...)
	b = appendStrPtr(b, a.ProviderID)
	b = append(b, `,"websocket_username":`...)
	b = appendStrPtr(b, a.WebsocketUsername)
	b = append(b, `,"websocket_password":`...)
	b = appendStrPtr(b, a.WebsocketPassword)
	b = append(b, `,"external_agent_id":`...)
	b = appendStrPtr(b, a.ExternalAgentID)
	b = append(b, `,"sip_uri":`...)
	b = appendStrPtr(b, a.SIPURI)
	b = append(b, `,"custom_sip_headers":`...)
	b = appendRaw(b, a.CustomSIPHeaders)
	b = append(b, `,"sip_username":`...)
	b = appendStrPtr(b, a.SIPUsername)
	b = append(b, `,"sip_password":`...)
	b = appendStrPtr(b, a.SIPPassword)
	b = append(b, `,"simulation_notifications":`...)
	b = appendRaw(b, a.SimulationNotifications)
	b = append(b, `,"livekit_agent_name":`...)
	b = appendStrPtr(b, a.LivekitAgentName)
	b = append(b, `,"livekit_metadata":`...)
	b = appendRaw(b, a.LivekitMetadata)
	b = append(b, `,"livekit_customer_tool_topic":`...)
	b = appendStrPtr(b, a.LivekitCustomerToolTopic)
	b = append(b, `,"pipecat_agent_name":`...)
	b = appendStrPtr(b, a.PipecatAgentName)
	b = append(b, `,"pipecat_agent_configuration":`...)
	b = appendRaw(b, a.PipecatAgentConfiguration)
	b = append(b, `,"pipecat_room_properties":`...)
	b = appendRaw(b, a.PipecatRoomProperties)
	b = append(b, `,"http_webhook":`...)
	b = appendStrPtr(b, a.HTTPWebhook)
	b = append(b, `,"http_webhook_key":`...)
	b = appendStrPtr(b, a.HTTPWebhookKey)
	b = append(b, `,"enable_outbound_call_auto_start":`...)
	b = appendBoolPtr(b, a.EnableOutboundCallAutoStart)
	b = append(b, `,"simulations_disabled":`...)
	b = appendBoolPtr(b, a.SimulationsDisabled)
	return append(b, '}')
}

func isDecimal(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MarshalJSON writes the call exactly as the fake serves it.
func (c Call) MarshalJSON() ([]byte, error) { return appendCall(nil, &c), nil }

// MarshalJSON writes the agent exactly as the fake serves it.
func (a Agent) MarshalJSON() ([]byte, error) { return appendAgent(nil, &a), nil }

// MarshalJSON writes the id as a JSON integer or string.
func (id AgentID) MarshalJSON() ([]byte, error) { return appendAgentID(nil, id), nil }

// UnmarshalJSON accepts the id as a string or an integer.
func (id *AgentID) UnmarshalJSON(b []byte) error {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return err
	}
	switch t := v.(type) {
	case string:
		*id = AgentID{Value: t}
	case json.Number:
		*id = AgentID{Value: t.String(), Int: true}
	case nil:
		*id = AgentID{}
	default:
		return errors.New("fakeapi: agent id is neither a string nor an integer")
	}
	return nil
}
