package bluejay

import (
	"context"
	"slices"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin/quals"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// agentRow is one agent. The API's credential fields (sip_password, websocket_password,
// http_webhook_key, custom_sip_headers) never reach it: api.Agent does not decode them.
type agentRow struct {
	*api.Agent
	CreatedAt *time.Time
}

func tableBluejayAgent(_ context.Context) *plugin.Table {
	return &plugin.Table{
		Name:        "bluejay_agent",
		Description: "Your Bluejay agents (the voice and chat agents Bluejay tests and monitors), one row per agent.",
		List: &plugin.ListConfig{
			Hydrate:    listAgents,
			KeyColumns: plugin.KeyColumnSlice{{Name: "id", Require: plugin.Optional, Operators: []string{quals.QualOperatorEqual}}},
			Tags:       map[string]string{"service": "bluejay", "action": "GetAllAgents"},
		},
		Columns: agentColumns(),
	}
}

// listAgents is bluejay_agent's list function.
func listAgents(ctx context.Context, d *plugin.QueryData, _ *plugin.HydrateData) (any, error) {
	return nil, guardList(ctx, d, func(ctx context.Context) error { return streamAgents(ctx, d) })
}

// streamAgents reads every agent (the API has no per-agent endpoint) and streams those an id
// qual names.
func streamAgents(ctx context.Context, d *plugin.QueryData) error {
	c, err := connectionClient(ctx, d)
	if err != nil {
		return err
	}
	d.WaitForListRateLimit(ctx)
	agents, err := c.listAgents(ctx)
	if err != nil {
		return err
	}
	wanted := qualStrings(d, "id")
	for i := range agents {
		a := &agents[i]
		if len(wanted) > 0 && !slices.Contains(wanted, a.ID.Value) {
			continue
		}
		d.StreamListItem(ctx, &agentRow{Agent: a, CreatedAt: parseTimestamp(ctx, "created_at", a.ID.Value, a.CreatedAt)})
		if d.RowsRemaining(ctx) <= 0 {
			break
		}
	}
	return nil
}

func agentColumns() []*plugin.Column {
	type R = *agentRow
	id := func(r R) any {
		if !r.ID.Valid {
			return nil
		}
		return r.ID.Value
	}
	return []*plugin.Column{
		column("id", proto.ColumnType_STRING, "ID of the agent, as text (the API sends it as a number or a string); use it as bluejay_call.agent_id.", id),
		column("name", proto.ColumnType_STRING, "Name of the agent.", func(r R) any { return r.Name }),
		column("description", proto.ColumnType_STRING, "Description of the agent (agent_description).", func(r R) any { return r.AgentDescription }),
		column("knowledge_base", proto.ColumnType_STRING, "The agent's knowledge base text.", func(r R) any { return r.KnowledgeBase }),
		column("organization_id", proto.ColumnType_STRING, "ID of the organisation the agent belongs to.", func(r R) any { return r.OrganizationID }),
		column("mode", proto.ColumnType_STRING, "Mode of the agent: VOICE or TEXT.", func(r R) any { return nonEmpty(r.Mode) }),
		column("type", proto.ColumnType_STRING, "Type of the agent: INBOUND or OUTBOUND.", func(r R) any { return str(r.Type) }),
		column("connection_type", proto.ColumnType_STRING, "How Bluejay connects to the agent: SMS, HTTP_WEBHOOK, PHONE, SIP, WEBSOCKET, LIVEKIT or PIPECAT.", func(r R) any { return str(r.ConnectionType) }),
		column("phone_number", proto.ColumnType_STRING, "Phone number of the agent.", func(r R) any { return str(r.PhoneNumber) }),
		column("external_agent_id", proto.ColumnType_STRING, "External ID of the agent.", func(r R) any { return str(r.ExternalAgentID) }),
		column("created_at", proto.ColumnType_TIMESTAMP, "When the agent was created (UTC).", func(r R) any { return timeValue(r.CreatedAt) }),
		column("goals", proto.ColumnType_JSON, "The agent's goals.", func(r R) any { return stringsJSON(r.Goals) }),
		column("keyterms", proto.ColumnType_JSON, "Key terms of the agent.", func(r R) any { return stringsJSON(r.Keyterms) }),
		column("redact_pii", proto.ColumnType_BOOL, "Whether Bluejay redacts personal data from the agent's calls.", func(r R) any { return boolean(r.RedactPII) }),
		column("folder_id", proto.ColumnType_STRING, "ID of the folder the agent is in.", func(r R) any { return str(r.FolderID) }),
		column("voice_provider", proto.ColumnType_STRING, "Voice provider of the agent.", func(r R) any { return str(r.VoiceProvider) }),
		column("provider_id", proto.ColumnType_STRING, "ID of the agent at its provider.", func(r R) any { return str(r.ProviderID) }),
		column("bluejay_as_code_id", proto.ColumnType_STRING, "ID of the agent's Bluejay-as-code definition.", func(r R) any { return str(r.BluejayAsCodeID) }),
		column("websocket_url", proto.ColumnType_STRING, "WebSocket URL of the agent.", func(r R) any { return str(r.WebsocketURL) }),
		column("sip_uri", proto.ColumnType_STRING, "SIP URI of the agent.", func(r R) any { return str(r.SipURI) }),
		column("livekit_agent_name", proto.ColumnType_STRING, "LiveKit agent name.", func(r R) any { return str(r.LivekitAgentName) }),
		column("livekit_customer_tool_topic", proto.ColumnType_STRING, "LiveKit customer tool topic.", func(r R) any { return str(r.LivekitCustomerToolTopic) }),
		column("pipecat_agent_name", proto.ColumnType_STRING, "Pipecat agent name.", func(r R) any { return str(r.PipecatAgentName) }),
		column("simulation_notifications", proto.ColumnType_JSON, "Simulation notification settings.", func(r R) any { return rawJSON(r.SimulationNotifications) }),
		column("enable_outbound_call_auto_start", proto.ColumnType_BOOL, "Whether outbound calls start automatically.", func(r R) any { return boolean(r.EnableOutboundCallAutoStart) }),
		column("simulations_disabled", proto.ColumnType_BOOL, "Whether simulations are disabled for the agent.", func(r R) any { return boolean(r.SimulationsDisabled) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the agent's name.", func(r R) any { return r.Name }),
	}
}
