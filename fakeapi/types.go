package fakeapi

// The fake keeps its own model of Bluejay's contract rather than importing the plugin's api
// package: the two are independent readings of the OpenAPI document, so a test that passes
// data from one through the other cross-checks both.
//
// Pointers and nil slices are how a field says null. A nil slice is written as null and an
// empty one as [], because the real API distinguishes the two and clients must cope with both.

import "bytes"

// RawJSON holds a free-form JSON value (metadata, tool output, custom evals...) exactly as it
// goes on the wire. nil means null, so a decoded call compares equal to the one that was served.
type RawJSON []byte

// MarshalJSON writes the value as is, or null.
func (r RawJSON) MarshalJSON() ([]byte, error) {
	if r == nil {
		return []byte("null"), nil
	}
	return r, nil
}

// UnmarshalJSON keeps the bytes, turning a JSON null back into nil.
func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*r = nil
		return nil
	}
	*r = append((*r)[:0:0], b...)
	return nil
}

// Call is one CallLog as the API returns it.
type Call struct {
	ID                  string        `json:"id"`
	AgentID             string        `json:"agent_id"`
	ExternalAgentID     *string       `json:"external_agent_id"`
	RecordingURL        *string       `json:"recording_url"`
	StartTimeUTC        string        `json:"start_time_utc"`
	Participants        []Participant `json:"participants"`
	CallDirection       string        `json:"call_direction"`
	Interface           string        `json:"interface"`
	Status              string        `json:"status"`
	CreatedAt           string        `json:"created_at"`
	TranscriptURL       *string       `json:"transcript_url"`
	ToolCalls           []ToolCall    `json:"tool_calls"`
	Events              []Event       `json:"events"`
	Tags                []string      `json:"tags"`
	DurationMS          *int64        `json:"duration_ms"`
	Evaluations         []Evaluation  `json:"evaluations"`
	Annotations         RawJSON       `json:"annotations"`
	Metadata            RawJSON       `json:"metadata"`
	CustomMetrics       RawJSON       `json:"custom_metrics"`
	ConversationEndedBy *string       `json:"conversation_ended_by"`

	// Label is what the label query parameter matches. It is not a wire field (the API
	// filters on it server side); generated calls also carry it in Tags.
	Label string `json:"-"`
}

// Participant is a ParticipantResponse.
type Participant struct {
	Role        string  `json:"role"`
	SpokeFirst  *bool   `json:"spoke_first"`
	Name        *string `json:"name"`
	PhoneNumber *string `json:"phone_number"`
}

// ToolCall is one tool invocation during a call.
type ToolCall struct {
	Name          string  `json:"name"`
	StartOffsetMS int64   `json:"start_offset_ms"`
	Description   *string `json:"description"`
	Parameters    RawJSON `json:"parameters"`
	Output        RawJSON `json:"output"`
}

// Event is one event during a call.
type Event struct {
	Title         string   `json:"title"`
	StartOffsetMS int64    `json:"start_offset_ms"`
	Description   *string  `json:"description"`
	EndOffsetMS   *int64   `json:"end_offset_ms"`
	Tags          []string `json:"tags"`
	Metadata      RawJSON  `json:"metadata"`
}

// Evaluation is one evaluation result attached to a call.
type Evaluation struct {
	ID                     string                `json:"id"`
	CreatedAt              string                `json:"created_at"`
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
	CustomEvals            RawJSON               `json:"custom_evals"`
	CustomEvalsSuccessRate *float64              `json:"custom_evals_success_rate"`
	GoalSuccess            *bool                 `json:"goal_success"`
	GoalReasoning          *string               `json:"goal_reasoning"`
	PronunciationScore     *float64              `json:"pronunciation_score"`
	PronunciationReasoning *string               `json:"pronunciation_reasoning"`
	SentimentLabel         *string               `json:"sentiment_label"`
	SentimentScore         *float64              `json:"sentiment_score"`
	SentimentScores        RawJSON               `json:"sentiment_scores"`
	CustomMetrics          []CustomMetric        `json:"custom_metrics"`
}

// Latency is the Latency block of an evaluation (milliseconds).
type Latency struct {
	Avg *float64 `json:"avg_agent_latency"`
	Max *float64 `json:"max_agent_latency"`
	P50 *float64 `json:"p50_agent_latency"`
	P90 *float64 `json:"p90_agent_latency"`
	P95 *float64 `json:"p95_agent_latency"`
	P99 *float64 `json:"p99_agent_latency"`
}

// FillerIgnoredLatency is the FillerIgnoredLatency block of an evaluation (milliseconds).
type FillerIgnoredLatency struct {
	Avg *float64 `json:"avg_filler_ignored_latency"`
	P50 *float64 `json:"p50_filler_ignored_latency"`
	P90 *float64 `json:"p90_filler_ignored_latency"`
	P95 *float64 `json:"p95_filler_ignored_latency"`
	P99 *float64 `json:"p99_filler_ignored_latency"`
}

// CustomMetric is one custom metric of an evaluation; values travel as strings whatever
// their response_type, as the contract says.
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

// AgentID is an AgentPydantic id: the contract allows a string or an integer, and real
// accounts have both, so the fake serves both.
type AgentID struct {
	Value string
	Int   bool // written as a JSON integer
}

// Agent is one AgentPydantic from /v1/all-agents.
type Agent struct {
	ID                          AgentID  `json:"id"`
	BluejayAsCodeID             *string  `json:"bluejay_as_code_id"`
	Name                        string   `json:"name"`
	AgentDescription            string   `json:"agent_description"`
	KnowledgeBase               string   `json:"knowledge_base"`
	OrganizationID              string   `json:"organization_id"`
	Goals                       []string `json:"goals"`
	Mode                        string   `json:"mode"`
	Type                        *string  `json:"type"`
	ConnectionType              *string  `json:"connection_type"`
	PhoneNumber                 *string  `json:"phone_number"`
	WebsocketURL                *string  `json:"websocket_url"`
	RedactPII                   *bool    `json:"redact_pii"`
	FolderID                    *string  `json:"folder_id"`
	CreatedAt                   *string  `json:"created_at"`
	Keyterms                    []string `json:"keyterms"`
	VoiceProvider               *string  `json:"voice_provider"`
	ProviderID                  *string  `json:"provider_id"`
	WebsocketUsername           *string  `json:"websocket_username"`
	WebsocketPassword           *string  `json:"websocket_password"`
	ExternalAgentID             *string  `json:"external_agent_id"`
	SIPURI                      *string  `json:"sip_uri"`
	CustomSIPHeaders            RawJSON  `json:"custom_sip_headers"`
	SIPUsername                 *string  `json:"sip_username"`
	SIPPassword                 *string  `json:"sip_password"`
	SimulationNotifications     RawJSON  `json:"simulation_notifications"`
	LivekitAgentName            *string  `json:"livekit_agent_name"`
	LivekitMetadata             RawJSON  `json:"livekit_metadata"`
	LivekitCustomerToolTopic    *string  `json:"livekit_customer_tool_topic"`
	PipecatAgentName            *string  `json:"pipecat_agent_name"`
	PipecatAgentConfiguration   RawJSON  `json:"pipecat_agent_configuration"`
	PipecatRoomProperties       RawJSON  `json:"pipecat_room_properties"`
	HTTPWebhook                 *string  `json:"http_webhook"`
	HTTPWebhookKey              *string  `json:"http_webhook_key"`
	EnableOutboundCallAutoStart *bool    `json:"enable_outbound_call_auto_start"`
	SimulationsDisabled         *bool    `json:"simulations_disabled"`
}

func ptr[T any](v T) *T { return &v }
