// Package api is a small typed client for the part of the Bluejay REST API the plugin reads:
// call logs (paged and by id) and agents. Types follow Bluejay's OpenAPI document
// (shared/bluejay-api/openapi-subset.json): a field that the schema allows to be null is a
// pointer (or raw JSON), so that null stays distinguishable from a zero value.
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Windows are the values the API accepts for the `last` query parameter, narrowest first.
var Windows = []string{"1day", "3days", "7days", "30days", "90days", "all"}

// DefaultWindow is what the API reads when a request gives no `last`.
const DefaultWindow = "1day"

// MaxPageSize is the largest page_size the API accepts; DefaultPageSize is its own default.
const (
	MaxPageSize     = 100
	DefaultPageSize = 20
)

// IsWindow reports whether s is one of the API's `last` values.
func IsWindow(s string) bool {
	for _, w := range Windows {
		if s == w {
			return true
		}
	}
	return false
}

// CallLogsPage is RetrieveCallLogsResponse: one page of an agent's call logs.
type CallLogsPage struct {
	CallLogs   []CallLog `json:"call_logs"`
	TotalCount int       `json:"total_count"`
	Page       int       `json:"page"`
	PageSize   int       `json:"page_size"`
	TotalPages int       `json:"total_pages"`
}

// CallLogResponse is RetrieveCallLogResponse: one call log by id.
type CallLogResponse struct {
	CallLog *CallLog `json:"call_log"`
	Status  string   `json:"status"`
}

// CallLog is one call an agent took.
//
// The array and object fields are kept as raw JSON: the plugin hands them to JSON columns as they
// came (decoding them only to encode them again costs most of a row's CPU), and decodes them into
// the typed elements below only for the tables that need those elements.
type CallLog struct {
	ID                  string          `json:"id"`
	AgentID             string          `json:"agent_id"`
	ExternalAgentID     *string         `json:"external_agent_id"`
	RecordingURL        *string         `json:"recording_url"`
	StartTimeUTC        string          `json:"start_time_utc"`
	Participants        json.RawMessage `json:"participants"`
	CallDirection       *string         `json:"call_direction"`
	Interface           *string         `json:"interface"`
	Status              string          `json:"status"`
	CreatedAt           *string         `json:"created_at"`
	TranscriptURL       *string         `json:"transcript_url"`
	ToolCalls           json.RawMessage `json:"tool_calls"`
	Events              json.RawMessage `json:"events"`
	Tags                json.RawMessage `json:"tags"`
	DurationMS          *int64          `json:"duration_ms"`
	Evaluations         json.RawMessage `json:"evaluations"`
	Annotations         json.RawMessage `json:"annotations"`
	Metadata            json.RawMessage `json:"metadata"`
	CustomMetrics       json.RawMessage `json:"custom_metrics"`
	ConversationEndedBy *string         `json:"conversation_ended_by"`
}

// Participant is ParticipantResponse.
type Participant struct {
	Role        string  `json:"role"`
	SpokeFirst  *bool   `json:"spoke_first"`
	Name        *string `json:"name"`
	PhoneNumber *string `json:"phone_number"`
}

// ToolCall is a tool the agent called during the conversation.
type ToolCall struct {
	Name          string          `json:"name"`
	StartOffsetMS int64           `json:"start_offset_ms"`
	Description   *string         `json:"description"`
	Parameters    json.RawMessage `json:"parameters"`
	Output        json.RawMessage `json:"output"`
}

// Event is something that happened during the call.
type Event struct {
	Title         string          `json:"title"`
	StartOffsetMS int64           `json:"start_offset_ms"`
	Description   *string         `json:"description"`
	EndOffsetMS   *int64          `json:"end_offset_ms"`
	Tags          []string        `json:"tags"`
	Metadata      json.RawMessage `json:"metadata"`
}

// Evaluation is one evaluation Bluejay ran on a call.
type Evaluation struct {
	ID                     string                `json:"id"`
	CreatedAt              *string               `json:"created_at"`
	Hallucination          *bool                 `json:"hallucination"`
	HallucinationReasoning *string               `json:"hallucination_reasoning"`
	Redundancy             *bool                 `json:"redundancy"`
	RedundancyReasoning    *string               `json:"redundancy_reasoning"`
	AgentSpeakPercentage   *float64              `json:"agent_speak_percentage"`
	AvgAgentLatency        *float64              `json:"avg_agent_latency"`
	Latency                *Latency              `json:"latency"`
	FillerIgnoredLatency   *FillerIgnoredLatency `json:"filler_ignored_latency"`
	NumTurns               *int64                `json:"num_turns"`
	CallSummary            *string               `json:"call_summary"`
	CustomEvals            json.RawMessage       `json:"custom_evals"`
	CustomEvalsSuccessRate *float64              `json:"custom_evals_success_rate"`
	GoalSuccess            *bool                 `json:"goal_success"`
	GoalReasoning          *string               `json:"goal_reasoning"`
	PronunciationScore     *float64              `json:"pronunciation_score"`
	PronunciationReasoning *string               `json:"pronunciation_reasoning"`
	SentimentLabel         *string               `json:"sentiment_label"`
	SentimentScore         *float64              `json:"sentiment_score"`
	SentimentScores        json.RawMessage       `json:"sentiment_scores"`
	CustomMetrics          json.RawMessage       `json:"custom_metrics"`
}

// Latency is the agent's response latency block of an evaluation.
type Latency struct {
	Avg *float64 `json:"avg_agent_latency"`
	Max *float64 `json:"max_agent_latency"`
	P50 *float64 `json:"p50_agent_latency"`
	P90 *float64 `json:"p90_agent_latency"`
	P95 *float64 `json:"p95_agent_latency"`
	P99 *float64 `json:"p99_agent_latency"`
}

// FillerIgnoredLatency is the latency block measured with filler words ignored.
type FillerIgnoredLatency struct {
	Avg *float64 `json:"avg_filler_ignored_latency"`
	P50 *float64 `json:"p50_filler_ignored_latency"`
	P90 *float64 `json:"p90_filler_ignored_latency"`
	P95 *float64 `json:"p95_filler_ignored_latency"`
	P99 *float64 `json:"p99_filler_ignored_latency"`
}

// CustomMetric is one custom metric result of an evaluation
// (src__models__api_custom_metric__CustomMetric in the OpenAPI document).
type CustomMetric struct {
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	ResponseType    string   `json:"response_type"`
	ResponseValue   string   `json:"response_value"`
	Reasoning       *string  `json:"reasoning"`
	MinValue        *float64 `json:"min_value"`
	MaxValue        *float64 `json:"max_value"`
	Category        *string  `json:"category"`
	Tags            []string `json:"tags"`
	ScoringGuidance *string  `json:"scoring_guidance"`
	EnumOptions     []string `json:"enum_options"`
}

// Agent is AgentPydantic, less its credentials.
//
// The API returns sip_password, websocket_password, http_webhook_key and custom_sip_headers in
// this object. They are deliberately not fields here, so the JSON decoder drops them: a value the
// plugin never holds cannot leak into a column, a log line or an error.
type Agent struct {
	ID                          FlexibleID      `json:"id"`
	BluejayAsCodeID             *string         `json:"bluejay_as_code_id"`
	Name                        string          `json:"name"`
	AgentDescription            string          `json:"agent_description"`
	KnowledgeBase               string          `json:"knowledge_base"`
	OrganizationID              string          `json:"organization_id"`
	Goals                       []string        `json:"goals"`
	Mode                        string          `json:"mode"`
	Type                        *string         `json:"type"`
	ConnectionType              *string         `json:"connection_type"`
	PhoneNumber                 *string         `json:"phone_number"`
	WebsocketURL                *string         `json:"websocket_url"`
	RedactPII                   *bool           `json:"redact_pii"`
	FolderID                    *string         `json:"folder_id"`
	CreatedAt                   *string         `json:"created_at"`
	Keyterms                    []string        `json:"keyterms"`
	VoiceProvider               *string         `json:"voice_provider"`
	ProviderID                  *string         `json:"provider_id"`
	WebsocketUsername           *string         `json:"websocket_username"`
	ExternalAgentID             *string         `json:"external_agent_id"`
	SipURI                      *string         `json:"sip_uri"`
	SipUsername                 *string         `json:"sip_username"`
	SimulationNotifications     json.RawMessage `json:"simulation_notifications"`
	LivekitAgentName            *string         `json:"livekit_agent_name"`
	LivekitMetadata             json.RawMessage `json:"livekit_metadata"`
	LivekitCustomerToolTopic    *string         `json:"livekit_customer_tool_topic"`
	PipecatAgentName            *string         `json:"pipecat_agent_name"`
	PipecatAgentConfiguration   json.RawMessage `json:"pipecat_agent_configuration"`
	PipecatRoomProperties       json.RawMessage `json:"pipecat_room_properties"`
	HTTPWebhook                 *string         `json:"http_webhook"`
	EnableOutboundCallAutoStart *bool           `json:"enable_outbound_call_auto_start"`
	SimulationsDisabled         *bool           `json:"simulations_disabled"`
}

// FlexibleID is an id the API sends as a string, an integer or null. It is kept as text, the
// form the call-logs path takes; Valid is false for null.
type FlexibleID struct {
	Value string
	Valid bool
}

// UnmarshalJSON accepts a JSON string, number or null.
func (id *FlexibleID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*id = FlexibleID{}
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = FlexibleID{Value: s, Valid: true}
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("an id must be a string, an integer or null, got %s", b)
		}
		if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
			return fmt.Errorf("an id must be a string, an integer or null, got %s", b)
		}
		*id = FlexibleID{Value: n.String(), Valid: true}
	}
	return nil
}

// MarshalJSON writes the id back as a string, or null.
func (id FlexibleID) MarshalJSON() ([]byte, error) {
	if !id.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(id.Value)
}

// ValidationError is one entry of a FastAPI 422 body's `detail` list.
type ValidationError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// HTTPValidationError is the body of a 422 response.
type HTTPValidationError struct {
	Detail []ValidationError `json:"detail"`
}
