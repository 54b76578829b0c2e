package fakeapi

import (
	"strconv"
	"time"
)

// SecretMarker is in every credential the fake hands out (passwords, webhook keys, SIP header
// values), so a test can grep any output for it to prove no secret leaked.
const SecretMarker = "FAKE-SECRET-"

// AgentSpec describes one agent of the fake account.
type AgentSpec struct {
	ID string
	// IntID serialises the id as a JSON integer in /v1/all-agents (ID must then be decimal).
	IntID bool
	// Calls is how many calls the agent has, spread over the ~120 days before Now.
	Calls int
	// Labels are the labels its calls are drawn from, the first the most frequent.
	// Empty means {"production"}.
	Labels []string
	// Incidents make some of its calls misbehave the way the mod's controls (mod/) look for.
	Incidents Incidents
	// Simulations are the agent's test suites (simulations.go).
	Simulations []SimulationSpec
}

// Incidents are faults of an agent's own making, each the chance that one call (or one tool
// call) has it. They draw from their own random stream, so every other field of every call is
// the same with or without them.
type Incidents struct {
	// ToolErrors is the chance that a tool call returns an output with an "error" key.
	ToolErrors float64
	// EarlyHangups is the chance that the agent ends a call before the caller speaks: the
	// call is ended by the AGENT and each of its evaluations counts one turn, the agent
	// speaking all of it.
	EarlyHangups float64
}

// DefaultAgents is the account every test gets unless it says otherwise: integer and string
// ids, an id that needs URL escaping, a text agent, and an agent with no calls. Agent 7 hangs
// up on silent callers and support-bot's tools fail, so that the mod's compliance controls
// find both a passing and a failing agent. Their simulations make each release-readiness
// control (mod/release_readiness.pp) pass for some and alarm for others: 42's suites pass, one
// of them with hallucinating test calls and its newest run still going; 7's latest run fails
// half its tests and never hallucinates, while 7 does in production; sales team ☎ last ran its
// suite 20 days ago; support-bot has none.
func DefaultAgents() []AgentSpec {
	return []AgentSpec{
		{ID: "42", IntID: true, Calls: 2500, Labels: []string{"production", "staging", "canary"}, Simulations: []SimulationSpec{
			{Name: "Refund requests", Runs: 10, NewestAgeDays: 1, Tests: 10, Failing: 1, Hallucinating: 2},
			{Name: "Order status", Runs: 10, NewestAgeDays: 0, Tests: 10, InProgress: true},
		}},
		{ID: "7", IntID: true, Calls: 600, Labels: []string{"production", "staging"}, Incidents: Incidents{EarlyHangups: 0.1}, Simulations: []SimulationSpec{
			{Name: "Silent callers", Runs: 10, NewestAgeDays: 2, Tests: 10, Failing: 5},
		}},
		{ID: "support-bot", Calls: 300, Labels: []string{"production", "canary"}, Incidents: Incidents{ToolErrors: 0.3}},
		{ID: "sales team ☎", Calls: 50, Labels: []string{"production"}, Simulations: []SimulationSpec{
			{Name: "Pricing questions", Runs: 3, NewestAgeDays: 20, Tests: 5, Hallucinating: 1},
		}},
		{ID: "empty", Calls: 0, Labels: []string{"production"}},
	}
}

// agentProfile is what the calls of an agent borrow from the agent itself.
type agentProfile struct {
	agent      Agent
	hash       uint64
	externalID *string
	phone      *string
	text       bool
	outbound   bool
}

var areaCodes = []string{"202", "212", "312", "415", "512", "617", "720"}

// fakePhone is in the 555-0100..0199 block reserved for fiction.
func fakePhone(r *rng) string {
	return "+1" + r.pick(areaCodes) + "55501" + twoDigits(r.intn(100))
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

var agentRoles = []string{"Billing Assistant", "Appointment Scheduler", "Order Support", "Claims Intake", "Survey Caller"}

// text agents alternate by position so the default account has both modes.
func buildProfile(seed int64, spec AgentSpec, ordinal int, anchor time.Time) agentProfile {
	h := hashString(spec.ID)
	r := seedFor(seed, h, -1, 0xa9e47)
	text := ordinal%3 == 2
	p := agentProfile{hash: h, text: text, outbound: r.chance(0.3)}
	if !text {
		p.phone = ptr(fakePhone(&r))
	}
	if r.chance(0.8) {
		p.externalID = ptr("ext-agent-" + r.hex(10))
	}
	p.agent = describeAgent(&r, spec, ordinal, anchor, p)
	return p
}

func describeAgent(r *rng, spec AgentSpec, ordinal int, anchor time.Time, p agentProfile) Agent {
	role := r.pick(agentRoles)
	n := strconv.Itoa(ordinal + 1)
	a := Agent{
		ID:                      AgentID{Value: spec.ID, Int: spec.IntID},
		Name:                    role + " (fake agent " + spec.ID + ")",
		AgentDescription:        "Synthetic " + role + " used to test the Bluejay plugin. Not a real customer.",
		KnowledgeBase:           "FAQ v" + n + ": opening hours 9-17; refunds within 30 days; say \"I'll check that\" before lookups.",
		OrganizationID:          "org_fake_0001",
		Mode:                    "VOICE",
		PhoneNumber:             p.phone,
		ExternalAgentID:         p.externalID,
		RedactPII:               nullableBool(r, 0.2, 0.5),
		Keyterms:                maybeStrings(r, 0.3, []string{"Bluejay", "refund", "order number"}),
		Goals:                   maybeStrings(r, 0.25, []string{"Resolve the caller's issue", "Collect a callback number"}),
		SimulationNotifications: RawJSON(`{}`),
	}
	if r.chance(0.6) {
		a.SimulationNotifications = RawJSON(`{"email":["qa-team@example.com"],"on_failure":true}`)
	}
	if p.text {
		a.Mode = "TEXT"
	}
	a.Type = ptr("INBOUND")
	if p.outbound {
		a.Type = ptr("OUTBOUND")
	}
	if ordinal%4 == 3 {
		a.Type = nil
	}
	if r.chance(0.7) {
		a.BluejayAsCodeID = ptr(r.uuid())
	}
	if r.chance(0.75) {
		a.FolderID = ptr(r.uuid())
	}
	if ordinal%5 != 4 {
		created := anchor.Add(-time.Duration(r.between(200, 400)) * 24 * time.Hour).Add(time.Duration(r.between(0, 86399)) * time.Second)
		a.CreatedAt = ptr(created.UTC().Format(time.RFC3339Nano))
	}
	connect(r, &a, p, n)
	addCredentials(r, &a, n)
	return a
}

func connect(r *rng, a *Agent, p agentProfile, n string) {
	kinds := []string{"PHONE", "SIP", "LIVEKIT", "PIPECAT", "WEBSOCKET"}
	if p.text {
		kinds = []string{"HTTP_WEBHOOK", "SMS", "WEBSOCKET"}
	}
	kind := r.pick(kinds)
	a.ConnectionType = ptr(kind)
	if !p.text {
		a.VoiceProvider = ptr(r.pick([]string{"elevenlabs", "cartesia", "deepgram"}))
		a.ProviderID = ptr("voice_fake_" + r.hex(6))
	}
	switch kind {
	case "LIVEKIT":
		a.LivekitAgentName = ptr("fake-livekit-" + n)
		a.LivekitMetadata = RawJSON(`{"room_prefix":"fake-` + n + `","region":"us-east"}`)
		a.LivekitCustomerToolTopic = ptr("tools." + n)
	case "PIPECAT":
		a.PipecatAgentName = ptr("fake-pipecat-" + n)
		a.PipecatAgentConfiguration = RawJSON(`{"vad":{"stop_secs":0.8},"llm":"fake-model"}`)
		a.PipecatRoomProperties = RawJSON(`{"max_participants":2,"enable_recording":true}`)
	case "WEBSOCKET":
		a.WebsocketURL = ptr("wss://agents.example.com/ws/" + n)
	}
}

// Credentials are always filled, whatever the connection type, so every agent can leak one.
func addCredentials(r *rng, a *Agent, n string) {
	a.WebsocketUsername = ptr("ws-user-" + n)
	a.WebsocketPassword = ptr(SecretMarker + "ws-" + r.hex(16))
	a.SIPURI = ptr("sip:agent" + n + "@sip.example.com")
	a.SIPUsername = ptr("sip-user-" + n)
	a.SIPPassword = ptr(SecretMarker + "sip-" + r.hex(16))
	a.CustomSIPHeaders = RawJSON(`{"X-Tenant-Token":"` + SecretMarker + "hdr-" + r.hex(12) +
		`","X-Route-Secret":"` + SecretMarker + "route-" + r.hex(8) + `"}`)
	a.HTTPWebhook = ptr("https://hooks.example.com/agents/" + n)
	a.HTTPWebhookKey = ptr(SecretMarker + "hook-" + r.hex(24))
	a.EnableOutboundCallAutoStart = nullableBool(r, 0.3, 0.5)
	a.SimulationsDisabled = nullableBool(r, 0.2, 0.1)
}

// nullableBool is null with probability pNull, else true with probability pTrue.
func nullableBool(r *rng, pNull, pTrue float64) *bool {
	if r.chance(pNull) {
		return nil
	}
	return ptr(r.chance(pTrue))
}

func maybeStrings(r *rng, pNull float64, values []string) []string {
	if r.chance(pNull) {
		return nil
	}
	return append([]string{}, values[:1+r.intn(len(values))]...)
}
